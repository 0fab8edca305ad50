/*
 * net-http - an HTTP/1.1 client with curl's options and meanings, a thin
 * tool over protocols/http/client.h (see net-http(1)). It parses options,
 * builds requests, writes outputs (cli/common/outfile.h), draws progress,
 * prints and maps failures to exit codes; no socket, TLS or HTTP parsing
 * here.
 */
#include <ares.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "cli/common/connopts.h"
#include "cli/common/cred.h"
#include "cli/common/exit.h"
#include "cli/common/glob.h"
#include "cli/common/name.h"
#include "cli/common/outfile.h"
#include "cli/common/progress.h"
#include "cli/common/trace.h"
#include "cli/common/writeout.h"
#include "libnet/url.h"
#include "protocols/http/client.h"
#include "protocols/http/framing.h"
#include "protocols/http/head.h"

#define TOOL "net-http"
#define TOOL_VERSION "0.1.0"
/* -d / --data-binary bodies are held in memory: the cap stops a mistaken
 * "@/dev/zero"; larger uploads belong to -T, which streams. */
#define DATA_MAX (256u * 1024 * 1024)
/* Requests handed to one net_http_perform_many() call: bounds per-request
 * state (a few KiB each) while keeping any pipeline depth full. */
#define PIPE_BATCH 256
/* Longest Content-Type kept for -w %{content_type}: real ones are far
 * shorter; a longer one is cut. */
#define CTYPE_MAX 256
/* Input buffer of each connection: the read size of the reference read()
 * loop (tests/bench/rawhttp.c); a quarter of the system calls of the
 * default 64 KiB on a bulk download. */
#define RBUF_SIZE (256u * 1024)
/* Option table room: ours plus the shared connection options. */
#define OPTS_MAX 96

/* -o FILE or -O, for the URL of the same rank. */
struct out_spec {
    const char *name;       /* -o; NULL with remote */
    bool remote;            /* -O */
};

enum data_kind { DATA_ASCII, DATA_BINARY, DATA_RAW, DATA_URLENCODE };
enum resume_kind { RESUME_NONE, RESUME_AUTO, RESUME_AT };

struct tool {
    struct cli_connopts co;
    struct net_http_client_opts ho;
    /* the request */
    const char *method;
    bool head_only, include, get_mode;
    struct net_http_header *hdrs;
    size_t nhdrs;
    bool hdr_ctype, hdr_referer;
    char *data;             /* -d pieces joined with '&' */
    size_t data_len;
    bool has_data;
    const char *upload;     /* -T */
    const char *referer;
    /* URLs and their outputs */
    const char **urls;
    size_t nurls;
    struct out_spec *outs;
    size_t nouts;
    bool remote_all, clobber, create_dirs, globoff;
    enum resume_kind resume;
    uint64_t resume_at;
    const char *dump;       /* -D */
    bool fail_with_body;
    char *writeout;
    unsigned pipeline;
    char *user, *password;
    char *netrc_opt;
    /* the run */
    struct net_http_client *cl;
    struct cli_trace *trace;
    struct cli_outfile dumpf;
    bool dump_open;
    int upload_fd;          /* -1: none */
    int64_t upload_size;    /* -1: unknown (chunked) */
    bool upload_seekable;
    bool progress_ok;       /* the tool allows a bar (not -s) */
    bool stdout_tty;        /* no bar over a body shown on the terminal */
    int rc;                 /* exit code of the last failure */
};

/* One transfer: a URL, its output, what came back. */
struct xfer {
    struct tool *t;
    char *url;              /* as sent (after -G and -T additions) */
    char *outname;          /* NULL: standard output */
    enum cli_out_mode mode;
    unsigned out_flags;
    uint64_t range_start;
    bool out_open;
    struct cli_outfile out;
    struct net_err out_err; /* our own failure (open, write), if any */
    struct cli_progress prog;
    bool discard;           /* the body is not ours to keep (416) */
    bool range_done;        /* a 416 saying the file is already complete */
    char ctype[CTYPE_MAX];
    struct net_http_result res;
    struct net_err err;
    enum net_status st;
};

static const char usage_text[] =
    "usage: net-http [options] URL...\n"
    "\n"
    "Transfer URLs with HTTP/1.1 (http:// and https://), curl's options and meanings.\n"
    "URLs may hold globs: [1-100] [001-100] [a-z] [1-100:10] {one,two}.\n"
    "\n"
    "Request:\n"
    "  -X, --request METHOD     use METHOD instead of GET (or POST, PUT)\n"
    "  -H, --header 'N: V'      add a header; 'N:' removes ours, 'N;' sends it empty\n"
    "  -d, --data DATA          POST DATA (form-encoded); @FILE reads a file without\n"
    "                           CR and LF, @- standard input; several are joined by &\n"
    "      --data-binary DATA   as -d, but @FILE is sent byte for byte\n"
    "      --data-raw DATA      as -d, but @ has no meaning\n"
    "      --data-urlencode D   as -d, percent-encoding D ([name=]text, [name]@file)\n"
    "  -G, --get                put the -d data in the URL's query and GET it\n"
    "  -T, --upload-file FILE   PUT FILE (- is standard input, sent chunked); a URL\n"
    "                           ending in / gets the file's name appended\n"
    "  -I, --head               HEAD: print the response head only\n"
    "  -A, --user-agent TEXT    User-Agent (default net-http/VERSION; \"\" sends none)\n"
    "  -e, --referer URL        Referer\n"
    "  -u, --user USER[:PASS]   Basic authentication (asks for PASS on a terminal)\n"
    "      --netrc              use ~/.netrc (or $NETRC); it must have the host\n"
    "      --netrc-optional     use ~/.netrc when it has the host\n"
    "      --netrc-file FILE    credentials from FILE (as --netrc)\n"
    "  -x, --proxy URL          HTTP proxy (default: $http_proxy, $https_proxy, ...)\n"
    "      --noproxy LIST       hosts to reach directly (default: $no_proxy)\n"
    "      --compressed         ask for gzip or deflate and decode it\n"
    "      --no-keepalive       close the connection after each response\n"
    "  -L, --location           follow redirects\n"
    "      --max-redirs N       at most N redirects (default 20; -1: no limit)\n"
    "      --location-trusted   send credentials to the hosts redirected to as well\n"
    "      --pipeline N         send up to N requests ahead on one connection when\n"
    "                           several URLs share an origin (GET and HEAD only; no\n"
    "                           redirects followed; the server must allow it)\n"
    "  -g, --globoff            take [ ] { } in URLs literally\n"
    "      --url URL            one more URL\n"
    "\n"
    "Output:\n"
    "  -o, --output FILE        write the body of the matching URL to FILE (- is\n"
    "                           standard output); #1.. stand for glob values\n"
    "  -O, --remote-name        write it to a file named like the URL's last segment,\n"
    "                           which must not exist yet (see --clobber)\n"
    "      --remote-name-all    -O for every URL without -o\n"
    "      --clobber            let -O replace an existing file\n"
    "      --create-dirs        create the directories -o names\n"
    "  -C, --continue-at N|-    resume at byte N, or (-) at the output file's size,\n"
    "                           appending to the file\n"
    "  -i, --include            print response heads before the body\n"
    "  -D, --dump-header FILE   write response heads to FILE\n"
    "  -f, --fail               an error status (400 and up) fails, body not written\n"
    "      --fail-with-body     an error status fails, body written\n"
    "      --max-filesize BYTES fail when a body is larger (k, M, G suffixes)\n"
    "  -w, --write-out FORMAT   print FORMAT after each transfer (@FILE reads it):\n"
    "                           %{http_code} %{size_download} %{time_total}\n"
    "                           %{url_effective} ... (see net-http(1))\n"
    "\n";

static const char usage_tail[] =
    "\n"
    "  -h, --help               this text\n"
    "  -V, --version            versions of net-http and the libraries\n"
    "\n"
    "Exit codes (with several URLs: the code of the last failure):\n";

enum {
    OPT_DATA_BINARY = CLI_TOOLOPT_BASE,
    OPT_DATA_RAW,
    OPT_DATA_URLENCODE,
    OPT_MAX_REDIRS,
    OPT_LOCATION_TRUSTED,
    OPT_REMOTE_NAME_ALL,
    OPT_CLOBBER,
    OPT_CREATE_DIRS,
    OPT_NETRC,
    OPT_NETRC_OPTIONAL,
    OPT_NETRC_FILE,
    OPT_NOPROXY,
    OPT_COMPRESSED,
    OPT_FAIL_WITH_BODY,
    OPT_MAX_FILESIZE,
    OPT_PIPELINE,
    OPT_NO_KEEPALIVE,
    OPT_URL,
    OPT_HTTP11
};

static const struct option tool_opts[] = {
    {"request", required_argument, NULL, 'X'},
    {"header", required_argument, NULL, 'H'},
    {"data", required_argument, NULL, 'd'},
    {"data-ascii", required_argument, NULL, 'd'},
    {"data-binary", required_argument, NULL, OPT_DATA_BINARY},
    {"data-raw", required_argument, NULL, OPT_DATA_RAW},
    {"data-urlencode", required_argument, NULL, OPT_DATA_URLENCODE},
    {"get", no_argument, NULL, 'G'},
    {"upload-file", required_argument, NULL, 'T'},
    {"head", no_argument, NULL, 'I'},
    {"include", no_argument, NULL, 'i'},
    {"dump-header", required_argument, NULL, 'D'},
    {"location", no_argument, NULL, 'L'},
    {"max-redirs", required_argument, NULL, OPT_MAX_REDIRS},
    {"location-trusted", no_argument, NULL, OPT_LOCATION_TRUSTED},
    {"output", required_argument, NULL, 'o'},
    {"remote-name", no_argument, NULL, 'O'},
    {"remote-name-all", no_argument, NULL, OPT_REMOTE_NAME_ALL},
    {"clobber", no_argument, NULL, OPT_CLOBBER},
    {"create-dirs", no_argument, NULL, OPT_CREATE_DIRS},
    {"continue-at", required_argument, NULL, 'C'},
    {"user", required_argument, NULL, 'u'},
    {"netrc", no_argument, NULL, OPT_NETRC},
    {"netrc-optional", no_argument, NULL, OPT_NETRC_OPTIONAL},
    {"netrc-file", required_argument, NULL, OPT_NETRC_FILE},
    {"proxy", required_argument, NULL, 'x'},
    {"noproxy", required_argument, NULL, OPT_NOPROXY},
    {"compressed", no_argument, NULL, OPT_COMPRESSED},
    {"user-agent", required_argument, NULL, 'A'},
    {"referer", required_argument, NULL, 'e'},
    {"fail", no_argument, NULL, 'f'},
    {"fail-with-body", no_argument, NULL, OPT_FAIL_WITH_BODY},
    {"write-out", required_argument, NULL, 'w'},
    {"max-filesize", required_argument, NULL, OPT_MAX_FILESIZE},
    {"pipeline", required_argument, NULL, OPT_PIPELINE},
    {"no-keepalive", no_argument, NULL, OPT_NO_KEEPALIVE},
    {"globoff", no_argument, NULL, 'g'},
    {"url", required_argument, NULL, OPT_URL},
    {"http1.1", no_argument, NULL, OPT_HTTP11},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* ---------------------------------------------------------------- helpers */

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(TOOL ": ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'net-http --help'.\n", stderr);
    return CLI_EXIT_USAGE;
}

static void *xgrow(void *p, size_t n, size_t size)
{
    void *q = reallocarray(p, n, size);
    if (q == NULL) {
        fputs(TOOL ": out of memory\n", stderr);
        exit(CLI_EXIT_LOCAL_IO);
    }
    return q;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (d == NULL) {
        fputs(TOOL ": out of memory\n", stderr);
        exit(CLI_EXIT_LOCAL_IO);
    }
    return d;
}

/*
 * A URL for messages: without user and password, control bytes as %XX.
 * Into buf (size bytes).
 */
static const char *display_url(const char *url, char *buf, size_t size)
{
    const char *auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    size_t alen = strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < auth + alen; p++)
        if (*p == '@')
            at = p;
    size_t o = 0;
    for (const char *p = url; *p && o + 4 < size; p++) {
        if (at != NULL && p == auth)
            p = at + 1;         /* skip "user:password@" */
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f)
            o += (size_t)snprintf(buf + o, size - o, "%%%02X", c);
        else
            buf[o++] = (char)c;
    }
    buf[o] = '\0';
    return buf;
}

static void report(struct tool *t, const char *url, const struct net_err *err)
{
    if (!cli_connopts_show_errors(&t->co))
        return;
    char shown[512];
    const char *text = err->text[0] ? err->text : net_status_str(err->status);
    display_url(url, shown, sizeof shown);
    /* The library's texts usually name the URL already ("... from URL"). */
    if (strstr(text, shown) != NULL)
        fprintf(stderr, TOOL ": %s\n", text);
    else
        fprintf(stderr, TOOL ": %s: %s\n", shown, text);
}

/* Read a whole file ("-": standard input) into memory, at most DATA_MAX. */
static enum net_status slurp(const char *path, char **out, size_t *len, struct net_err *err)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return net_err_set(err, NET_E_LOCAL_IO, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    enum net_status st = buf ? NET_OK : net_err_set(err, NET_E_NOMEM, "out of memory");
    while (st == NET_OK) {
        if (n == cap) {
            char *b = cap >= DATA_MAX ? NULL : realloc(buf, cap * 2);
            if (b == NULL) {
                st = net_err_set(err, NET_E_LOCAL_IO, "'%s' is larger than %u MiB (use -T)",
                                 path, DATA_MAX >> 20);
                break;
            }
            buf = b;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            st = net_err_set(err, NET_E_LOCAL_IO, "cannot read '%s': %s", path, strerror(errno));
        else if (r == 0)
            break;
        else
            n += (size_t)r;
    }
    if (fd != STDIN_FILENO)
        close(fd);
    if (st != NET_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *len = n;
    return NET_OK;
}

/* Append n bytes to a growing buffer. */
static void buf_add(char **b, size_t *len, const char *p, size_t n)
{
    *b = xgrow(*b, *len + n + 1, 1);
    memcpy(*b + *len, p, n);
    *len += n;
    (*b)[*len] = '\0';
}

/* Percent-encode everything but RFC 3986 unreserved characters. */
static void buf_add_encoded(char **b, size_t *len, const char *p, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            buf_add(b, len, (const char *)&p[i], 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_add(b, len, e, 3);
        }
    }
}

/* ------------------------------------------------------------ the options */

/* -H "Name: value", "Name:" (remove ours), "Name;" (send it empty). */
static int add_header(struct tool *t, const char *arg)
{
    const char *colon = strchr(arg, ':');
    const char *semi = strchr(arg, ';');
    size_t nlen;
    const char *value;
    if (colon != NULL && (semi == NULL || colon < semi)) {
        nlen = (size_t)(colon - arg);
        const char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        value = *v ? v : NULL;
    } else if (semi != NULL && semi[1] == '\0') {
        nlen = (size_t)(semi - arg);
        value = "";
    } else {
        return usage_error("-H '%s': not 'Name: value', 'Name:' or 'Name;'", arg);
    }
    if (nlen == 0)
        return usage_error("-H '%s': no header name", arg);
    char *name = strndup(arg, nlen);
    if (name == NULL)
        return usage_error("out of memory");
    t->hdrs = xgrow(t->hdrs, t->nhdrs + 1, sizeof *t->hdrs);
    t->hdrs[t->nhdrs++] = (struct net_http_header){.name = name, .value = value};
    if (strcasecmp(name, "Content-Type") == 0)
        t->hdr_ctype = true;
    if (strcasecmp(name, "Referer") == 0)
        t->hdr_referer = true;
    return -1;
}

/* --data-urlencode: "text", "=text", "name=text", "@file", "name@file". */
static enum net_status urlencode_piece(const char *arg, char **b, size_t *len,
                                       struct net_err *err)
{
    size_t k = strcspn(arg, "=@");
    if (arg[k] == '@') {
        char *file;
        size_t flen;
        if (slurp(arg + k + 1, &file, &flen, err) != NET_OK)
            return err->status;
        if (k > 0) {
            buf_add(b, len, arg, k);
            buf_add(b, len, "=", 1);
        }
        buf_add_encoded(b, len, file, flen);
        free(file);
        return NET_OK;
    }
    if (arg[k] == '=' && k > 0) {
        buf_add(b, len, arg, k + 1);
        arg += k + 1;
    } else if (arg[k] == '=') {
        arg++;
    }
    buf_add_encoded(b, len, arg, strlen(arg));
    return NET_OK;
}

/* -d and friends: one piece, joined to the others with '&'. */
static int add_data(struct tool *t, const char *arg, enum data_kind kind)
{
    struct net_err err;
    net_err_clear(&err);
    if (t->has_data)
        buf_add(&t->data, &t->data_len, "&", 1);
    t->has_data = true;
    if (kind == DATA_URLENCODE) {
        if (urlencode_piece(arg, &t->data, &t->data_len, &err) != NET_OK)
            return usage_error("--data-urlencode: %s", err.text);
        return -1;
    }
    if (arg[0] != '@' || kind == DATA_RAW) {
        buf_add(&t->data, &t->data_len, arg, strlen(arg));
        return -1;
    }
    char *file;
    size_t flen;
    if (slurp(arg + 1, &file, &flen, &err) != NET_OK) {
        fprintf(stderr, TOOL ": %s\n", err.text);
        return cli_exit_code(err.status);
    }
    if (kind == DATA_ASCII) {       /* curl strips CR and LF from -d @file */
        size_t o = 0;
        for (size_t i = 0; i < flen; i++)
            if (file[i] != '\r' && file[i] != '\n')
                file[o++] = file[i];
        flen = o;
    }
    buf_add(&t->data, &t->data_len, file, flen);
    free(file);
    return -1;
}

static void add_url(struct tool *t, const char *url)
{
    t->urls = xgrow(t->urls, t->nurls + 1, sizeof *t->urls);
    t->urls[t->nurls++] = url;
}

static void add_out(struct tool *t, const char *name, bool remote)
{
    t->outs = xgrow(t->outs, t->nouts + 1, sizeof *t->outs);
    t->outs[t->nouts++] = (struct out_spec){.name = name, .remote = remote};
}

static int set_user(struct tool *t, char *arg)
{
    struct net_err err;
    net_err_clear(&err);
    free(t->user);
    cli_cred_free(t->password);
    if (cli_cred_split(arg, &t->user, &t->password, &err) != NET_OK)
        return usage_error("%s", err.text);
    return -1;
}

static int set_resume(struct tool *t, const char *arg)
{
    if (strcmp(arg, "-") == 0) {
        t->resume = RESUME_AUTO;
        return -1;
    }
    uint64_t v;
    if (!cli_parse_bytes(arg, &v))
        return usage_error("-C: bad value '%s' (a byte offset, or - for the file's size)", arg);
    t->resume = v > 0 ? RESUME_AT : RESUME_NONE;
    t->resume_at = v;
    return -1;
}

static int set_writeout(struct tool *t, const char *arg)
{
    free(t->writeout);
    t->writeout = NULL;
    if (arg[0] != '@') {
        t->writeout = xstrdup(arg);
        return -1;
    }
    struct net_err err;
    net_err_clear(&err);
    size_t len;
    if (slurp(arg + 1, &t->writeout, &len, &err) != NET_OK)
        return usage_error("-w: %s", err.text);
    if (memchr(t->writeout, '\0', len) != NULL)
        return usage_error("-w: '%s' holds a NUL byte", arg + 1);
    return -1;
}

static int set_max_redirs(struct tool *t, const char *arg)
{
    long v;
    if (!cli_parse_long(arg, -1, INT_MAX, &v))
        return usage_error("--max-redirs: bad value '%s' (a number, -1 for no limit)", arg);
    t->ho.max_redirects = v == 0 ? -1 : v < 0 ? INT_MAX : (int)v;
    return -1;
}

static int set_pipeline(struct tool *t, const char *arg)
{
    long v;
    if (!cli_parse_long(arg, 1, NET_HTTP_PIPELINE_MAX, &v))
        return usage_error("--pipeline: bad value '%s' (1 to %d)", arg, NET_HTTP_PIPELINE_MAX);
    t->pipeline = (unsigned)v;
    return -1;
}

static int print_version(void)
{
    printf("net-http %s (libnet suite)\n", TOOL_VERSION);
    printf("libnet HTTP client %s\n", net_http_version());
    printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
    printf("c-ares %s\n", ares_version(NULL));
    printf("zlib %s\n", zlibVersion());
    printf("Protocols: http https\n");
    printf("Features: IPv6 TLS-1.2+ ALPN gzip deflate proxy CONNECT netrc pipelining\n");
    return CLI_EXIT_OK;
}

/* One of the tool's own options; -1 to go on, else an exit code. */
static int tool_option(struct tool *t, int ch, char *arg)
{
    switch (ch) {
    case 'X': t->method = arg; return -1;
    case 'H': return add_header(t, arg);
    case 'd': return add_data(t, arg, DATA_ASCII);
    case OPT_DATA_BINARY: return add_data(t, arg, DATA_BINARY);
    case OPT_DATA_RAW: return add_data(t, arg, DATA_RAW);
    case OPT_DATA_URLENCODE: return add_data(t, arg, DATA_URLENCODE);
    case 'G': t->get_mode = true; return -1;
    case 'T': t->upload = arg; return -1;
    case 'I': t->head_only = true; return -1;
    case 'i': t->include = true; return -1;
    case 'D': t->dump = arg; return -1;
    case 'L': t->ho.follow = true; return -1;
    case OPT_MAX_REDIRS: return set_max_redirs(t, arg);
    case OPT_LOCATION_TRUSTED: t->ho.follow = t->ho.location_trusted = true; return -1;
    case 'o': add_out(t, arg, false); return -1;
    case 'O': add_out(t, NULL, true); return -1;
    case OPT_REMOTE_NAME_ALL: t->remote_all = true; return -1;
    case OPT_CLOBBER: t->clobber = true; return -1;
    case OPT_CREATE_DIRS: t->create_dirs = true; return -1;
    case 'C': return set_resume(t, arg);
    case 'u': return set_user(t, arg);
    case OPT_NETRC: t->ho.netrc = NET_HTTP_NETRC_REQUIRED; return -1;
    case OPT_NETRC_OPTIONAL: t->ho.netrc = NET_HTTP_NETRC_OPTIONAL; return -1;
    case OPT_NETRC_FILE:
        t->ho.netrc = NET_HTTP_NETRC_REQUIRED;
        t->ho.netrc_file = arg;
        return -1;
    case 'x': t->ho.proxy = arg; return -1;
    case OPT_NOPROXY: t->ho.no_proxy = arg; return -1;
    case OPT_COMPRESSED: t->ho.decompress = true; return -1;
    case 'A': t->ho.user_agent = arg; return -1;
    case 'e': t->referer = arg; return -1;
    case 'f': t->ho.fail_on_error = true; return -1;
    case OPT_FAIL_WITH_BODY: t->fail_with_body = true; return -1;
    case 'w': return set_writeout(t, arg);
    case OPT_MAX_FILESIZE:
        if (!cli_parse_bytes(arg, &t->ho.max_body) || t->ho.max_body == 0)
            return usage_error("--max-filesize: bad value '%s' (bytes, k M G suffixes)", arg);
        return -1;
    case OPT_PIPELINE: return set_pipeline(t, arg);
    case OPT_NO_KEEPALIVE: t->ho.no_keepalive = true; return -1;
    case 'g': t->globoff = true; return -1;
    case OPT_URL: add_url(t, arg); return -1;
    case OPT_HTTP11: return -1;     /* the only version we speak */
    case 'h':
        fputs(usage_text, stdout);
        fputs(cli_connopts_help(), stdout);
        fputs(usage_tail, stdout);
        fputs(cli_exit_table(), stdout);
        return CLI_EXIT_OK;
    case 'V': return print_version();
    default:
        fputs("Try 'net-http --help'.\n", stderr);
        return CLI_EXIT_USAGE;
    }
}

/* Combinations that cannot work, found before any traffic. */
static int check_combinations(struct tool *t)
{
    if (t->nurls == 0)
        return usage_error("no URL given");
    if (t->nouts > t->nurls && cli_connopts_show_errors(&t->co))
        fprintf(stderr, TOOL ": warning: more -o/-O than URLs (%zu for %zu); the rest are "
                "unused\n", t->nouts, t->nurls);
    if (t->head_only && (t->has_data || t->upload))
        return usage_error("-I cannot send a body (-d or -T)");
    if (t->upload && t->has_data && !t->get_mode)
        return usage_error("-T and -d together: choose one body");
    if (t->fail_with_body && t->ho.fail_on_error)
        return usage_error("--fail and --fail-with-body together: choose one");
    if (t->pipeline > 1 && ((t->has_data && !t->get_mode) || t->upload ||
                            (t->method && strcmp(t->method, "GET") != 0 &&
                             strcmp(t->method, "HEAD") != 0)))
        return usage_error("--pipeline sends only GET and HEAD requests without a body");
    return -1;
}

static int parse_args(struct tool *t, int argc, char **argv)
{
    struct option all[OPTS_MAX];
    if (!cli_options_join(tool_opts, cli_connopts_long, all, OPTS_MAX))
        return usage_error("internal: option table too small");
    const char *shortopts = "X:H:d:GT:IiD:Lo:OC:u:x:A:e:fw:ghV" CLI_CONNOPTS_SHORT;
    int ch;
    opterr = 1;
    while ((ch = getopt_long(argc, argv, shortopts, all, NULL)) != -1) {
        struct net_err err;
        net_err_clear(&err);
        int r = cli_connopts_handle(&t->co, ch, optarg, &err);
        if (r < 0)
            return usage_error("%s", err.text);
        if (r > 0)
            continue;
        r = tool_option(t, ch, optarg);
        if (r >= 0)
            return r;
    }
    for (int i = optind; i < argc; i++)
        add_url(t, argv[i]);
    return check_combinations(t);
}

/* ----------------------------------------------------- setting things up */

/* The password for -u user without one: asked on a terminal, else empty. */
static int ask_password(struct tool *t)
{
    if (t->user == NULL || t->password != NULL || !cli_cred_can_prompt())
        return -1;
    char prompt[256];
    snprintf(prompt, sizeof prompt, "Enter host password for user '%.200s':", t->user);
    struct net_err err;
    net_err_clear(&err);
    if (cli_cred_prompt(prompt, &t->password, &err) != NET_OK) {
        fprintf(stderr, TOOL ": %s\n", err.text);
        return cli_exit_code(err.status);
    }
    return -1;
}

/* Headers the tool adds: Content-Type for -d, Referer for -e. */
static void add_implied_headers(struct tool *t)
{
    if (t->has_data && !t->get_mode && !t->hdr_ctype) {
        t->hdrs = xgrow(t->hdrs, t->nhdrs + 1, sizeof *t->hdrs);
        t->hdrs[t->nhdrs++] = (struct net_http_header){
            .name = xstrdup("Content-Type"), .value = "application/x-www-form-urlencoded"};
    }
    if (t->referer != NULL && !t->hdr_referer) {
        t->hdrs = xgrow(t->hdrs, t->nhdrs + 1, sizeof *t->hdrs);
        t->hdrs[t->nhdrs++] =
            (struct net_http_header){.name = xstrdup("Referer"), .value = t->referer};
    }
}

static int open_upload(struct tool *t)
{
    t->upload_fd = -1;
    if (t->upload == NULL)
        return -1;
    if (strcmp(t->upload, "-") == 0) {
        t->upload_fd = STDIN_FILENO;
        t->upload_size = -1;
        return -1;
    }
    t->upload_fd = open(t->upload, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (t->upload_fd < 0 || fstat(t->upload_fd, &st) != 0) {
        fprintf(stderr, TOOL ": cannot open '%s': %s\n", t->upload, strerror(errno));
        return CLI_EXIT_LOCAL_IO;
    }
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, TOOL ": '%s' is a directory\n", t->upload);
        return CLI_EXIT_LOCAL_IO;
    }
    t->upload_seekable = S_ISREG(st.st_mode);
    t->upload_size = S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
    return -1;
}

static int open_dump(struct tool *t)
{
    if (t->dump == NULL)
        return -1;
    struct net_err err;
    net_err_clear(&err);
    enum cli_out_mode mode = strcmp(t->dump, "-") == 0 ? CLI_OUT_STDOUT : CLI_OUT_REPLACE;
    if (cli_outfile_open(&t->dumpf, t->dump, mode, t->create_dirs ? CLI_OUT_CREATE_DIRS : 0,
                         &err) != NET_OK) {
        fprintf(stderr, TOOL ": -D: %s\n", err.text);
        return cli_exit_code(err.status);
    }
    t->dump_open = true;
    return -1;
}

static int setup(struct tool *t)
{
    int r = ask_password(t);
    if (r >= 0)
        return r;
    add_implied_headers(t);
    struct net_err err;
    net_err_clear(&err);
    if (cli_connopts_apply(&t->co, &t->ho.conn, &err) != NET_OK)
        return usage_error("%s", err.text);
    if (t->co.verbose > 0) {
        t->trace = malloc(sizeof *t->trace);
        if (t->trace == NULL)
            return usage_error("out of memory");
        cli_trace_init(t->trace, stderr, CLI_TRACE_HTTP);
        t->ho.conn.trace = cli_trace_hook(t->trace);
    }
    t->ho.user = t->user;
    t->ho.password = t->password;
    t->ho.proxy_env = true;
    t->ho.conn.rbuf_size = RBUF_SIZE;
    if ((r = open_upload(t)) >= 0 || (r = open_dump(t)) >= 0)
        return r;
    if (net_http_client_new(&t->ho, &t->cl, &err) != NET_OK) {
        fprintf(stderr, TOOL ": %s\n", err.text);
        return cli_exit_code(err.status);
    }
    t->progress_ok = !t->co.silent;
    t->stdout_tty = isatty(STDOUT_FILENO) == 1;
    return -1;
}

/* --------------------------------------------------------- one transfer */

/* The URL as sent: -G appends the data to the query; -T to a URL ending in
 * "/" appends the file's name. */
static char *request_url(const struct tool *t, const char *url)
{
    char *u = NULL;
    size_t len = 0;
    buf_add(&u, &len, url, strlen(url));
    if (t->get_mode && t->has_data) {
        const char *hash = strchr(u, '#');
        if (hash != NULL)
            len = (size_t)(hash - u);       /* the fragment is never sent */
        u[len] = '\0';
        buf_add(&u, &len, strchr(u, '?') ? "&" : "?", 1);
        buf_add(&u, &len, t->data, t->data_len);
    }
    if (t->upload != NULL && strcmp(t->upload, "-") != 0 && len > 0 && u[len - 1] == '/') {
        const char *base = strrchr(t->upload, '/');
        base = base ? base + 1 : t->upload;
        buf_add_encoded(&u, &len, base, strlen(base));
    }
    return u;
}

/* -O: the name from the URL's last path segment. */
static enum net_status remote_name(const char *url, char **out, struct net_err *err)
{
    struct net_url *u;
    if (net_url_parse(url, "http", &u, err) != NET_OK)
        return err->status;
    enum net_status st = cli_name_from_url_path(u->path, out, err);
    net_url_free(u);
    return st;
}

/* Where the body goes, and whether resuming is possible: before traffic. */
static enum net_status choose_output(struct tool *t, struct xfer *x, const struct out_spec *spec,
                                     const struct cli_glob *g, struct net_err *err)
{
    x->mode = CLI_OUT_STDOUT;
    if (spec != NULL && spec->remote) {
        if (remote_name(x->url, &x->outname, err) != NET_OK)
            return err->status;
        x->mode = t->clobber ? CLI_OUT_REPLACE : CLI_OUT_NEW;
        x->out_flags |= CLI_OUT_NOFOLLOW;
    } else if (spec != NULL) {
        if (cli_glob_name(g, spec->name, &x->outname, err) != NET_OK)
            return err->status;
        if (strcmp(x->outname, "-") == 0) {
            free(x->outname);
            x->outname = NULL;
        } else {
            x->mode = CLI_OUT_REPLACE;
        }
    }
    if (t->create_dirs)
        x->out_flags |= CLI_OUT_CREATE_DIRS;
    if (x->mode == CLI_OUT_STDOUT) {
        if (t->resume == RESUME_AUTO)
            return net_err_set(err, NET_E_USAGE, "-C - needs an output file (-o or -O)");
        x->range_start = t->resume == RESUME_AT ? t->resume_at : 0;
        return NET_OK;
    }
    if (t->resume == RESUME_NONE) {     /* -O refuses an existing file here */
        if (cli_outfile_check(x->outname, x->mode, NULL, NULL, err) != NET_OK &&
            x->mode == CLI_OUT_NEW)
            net_err_append(err, "; --clobber replaces it, -C - resumes it");
        return err->status;
    }
    bool exists;
    uint64_t size;
    if (cli_outfile_check(x->outname, CLI_OUT_REPLACE, &exists, &size, err) != NET_OK)
        return err->status;
    x->range_start = t->resume == RESUME_AUTO ? size : t->resume_at;
    if (exists)     /* resuming this very file: append, or start it again */
        x->mode = x->range_start > 0 ? CLI_OUT_APPEND : CLI_OUT_REPLACE;
    return NET_OK;
}

static enum net_status prepare(struct tool *t, struct xfer *x, const char *url,
                               const struct out_spec *spec, const struct cli_glob *g)
{
    memset(x, 0, sizeof *x);
    x->t = t;
    net_err_clear(&x->err);
    net_err_clear(&x->out_err);
    cli_outfile_init(&x->out);
    x->url = request_url(t, url);
    x->st = choose_output(t, x, spec, g, &x->err);
    return x->st;
}

static void xfer_free(struct xfer *x)
{
    cli_outfile_abort(&x->out);
    net_http_result_clear(&x->res);
    free(x->url);
    free(x->outname);
    x->url = x->outname = NULL;
}

/* Open the output on the first head that needs it. */
static int ensure_output(struct xfer *x)
{
    if (x->out_open)
        return 0;
    if (cli_outfile_open(&x->out, x->outname, x->mode, x->out_flags, &x->out_err) != NET_OK)
        return -1;
    x->out_open = true;
    return 0;
}

static int out_write(struct xfer *x, const char *p, size_t n)
{
    if (ensure_output(x) != 0)
        return -1;
    return cli_outfile_write(&x->out, p, n, &x->out_err) == NET_OK ? 0 : -1;
}

/* A number field of the head (Content-Length), or false. */
static bool head_number(const struct net_http_head *h, const char *name, uint64_t *v)
{
    const struct net_http_field *f = net_http_head_find(h, name);
    return f != NULL && net_http_parse_length(f->value.p, f->value.len, v);
}

/* A 416 to a resume: complete when "Content-Range: bytes * / N" says N is
 * what we have (as wget decides). */
static bool range_complete(const struct net_http_head *h, uint64_t have)
{
    const struct net_http_field *f = net_http_head_find(h, "Content-Range");
    static const char prefix[] = "bytes */";
    size_t pl = sizeof prefix - 1;
    uint64_t total;
    return f != NULL && f->value.len > pl && strncasecmp(f->value.p, prefix, pl) == 0 &&
           net_http_parse_length(f->value.p + pl, f->value.len - pl, &total) && total == have;
}

static void final_head(struct xfer *x, const struct net_http_response *r)
{
    const struct net_http_head *h = r->head;
    struct tool *t = x->t;
    const struct net_http_field *ct = net_http_head_find(h, "Content-Type");
    if (ct != NULL)
        snprintf(x->ctype, sizeof x->ctype, "%.*s", (int)ct->value.len, ct->value.p);
    if (h->status == 416 && x->range_start > 0) {
        x->discard = true;
        x->range_done = range_complete(h, x->range_start);
    }
    uint64_t len = 0;
    bool coded = t->ho.decompress && net_http_head_find(h, "Content-Encoding") != NULL;
    if (coded || !head_number(h, "Content-Length", &len))
        len = 0;
    cli_progress_end(&x->prog);         /* an upload's bar, if any */
    uint64_t base = h->status == 206 ? x->range_start : 0;
    bool bar = t->progress_ok && !t->head_only && !(x->mode == CLI_OUT_STDOUT && t->stdout_tty);
    cli_progress_start(&x->prog, bar, STDERR_FILENO, len ? base + len : 0, base);
}

static int on_head(void *ctx, const struct net_http_response *r)
{
    struct xfer *x = ctx;
    struct tool *t = x->t;
    if (t->dump_open &&
        cli_outfile_write(&t->dumpf, r->raw, r->raw_len, &x->out_err) != NET_OK)
        return -1;
    if (r->final)
        final_head(x, r);
    /* no output for an error with -f, a 416 to a resume, or a 200 that
     * ignored the range (the library fails it before any body byte) */
    bool skip = x->discard || (r->final && ((t->ho.fail_on_error && r->head->status >= 400) ||
                                            (x->range_start > 0 && r->head->status == 200)));
    if (skip)
        return 0;
    if (t->include || t->head_only)
        return out_write(x, r->raw, r->raw_len);
    return r->final ? ensure_output(x) : 0;
}

static int on_body(void *ctx, const char *p, size_t n)
{
    struct xfer *x = ctx;
    if (x->discard)
        return 0;
    if (!x->out_open && ensure_output(x) != 0)
        return -1;
    if (cli_outfile_write(&x->out, p, n, &x->out_err) != NET_OK)
        return -1;
    cli_progress_update(&x->prog, n);
    return 0;
}

/* -T: the body read from the file, counted by the progress bar. */
static ssize_t upload_read(void *ctx, char *buf, size_t cap)
{
    struct xfer *x = ctx;
    for (;;) {
        ssize_t r = read(x->t->upload_fd, buf, cap);
        if (r < 0 && errno == EINTR)
            continue;
        if (r > 0)
            cli_progress_update(&x->prog, (uint64_t)r);
        return r;
    }
}

static int upload_rewind(void *ctx)
{
    struct xfer *x = ctx;
    return lseek(x->t->upload_fd, 0, SEEK_SET) == 0 ? 0 : -1;
}

static void build_request(struct tool *t, struct xfer *x, struct net_http_request *req)
{
    memset(req, 0, sizeof *req);
    req->method = t->method ? t->method : t->head_only ? "HEAD"
                                       : t->upload && !t->get_mode ? "PUT"
                                       : t->get_mode ? "GET" : NULL;
    req->url = x->url;
    req->headers = t->hdrs;
    req->nheaders = t->nhdrs;
    req->range_start = x->range_start;
    if (t->upload_fd >= 0) {
        req->body = (struct net_http_body){
            .src = NET_HTTP_SRC_CALLBACK, .read = upload_read,
            .rewind = t->upload_seekable ? upload_rewind : NULL, .ctx = x,
            .size = t->upload_size};
    } else if (t->has_data && !t->get_mode) {
        req->body = (struct net_http_body){
            .src = NET_HTTP_SRC_MEMORY, .data = t->data, .size = (int64_t)t->data_len};
    }
}

/* ------------------------------------------------------------ -w values */

static bool wo_number(const char *name, const struct xfer *x, FILE *out)
{
    const struct net_http_result *r = &x->res;
    uint64_t v;
    if (!strcasecmp(name, "size_download"))
        v = r->body_bytes;
    else if (!strcasecmp(name, "size_header"))
        v = r->head_bytes;
    else if (!strcasecmp(name, "size_upload"))
        v = r->upload_bytes;
    else if (!strcasecmp(name, "num_connects"))
        v = r->connects;
    else if (!strcasecmp(name, "num_redirects"))
        v = r->redirects;
    else if (!strcasecmp(name, "exitcode"))
        v = x->st == NET_OK ? 0 : (uint64_t)cli_exit_code(x->st);
    else if (!strcasecmp(name, "speed_download"))
        v = r->time_total > 0 ? r->body_bytes * 1000 / (uint64_t)r->time_total : 0;
    else if (!strcasecmp(name, "speed_upload"))
        v = r->time_total > 0 ? r->upload_bytes * 1000 / (uint64_t)r->time_total : 0;
    else
        return false;
    fprintf(out, "%llu", (unsigned long long)v);
    return true;
}

static bool wo_time(const char *name, const struct xfer *x, FILE *out)
{
    const struct net_http_result *r = &x->res;
    net_ms v;
    if (!strcasecmp(name, "time_total"))
        v = r->time_total;
    else if (!strcasecmp(name, "time_connect"))
        v = r->time_connect;
    else if (!strcasecmp(name, "time_starttransfer"))
        v = r->time_starttransfer;
    else
        return false;
    cli_writeout_seconds(out, v);
    return true;
}

static bool wo_var(void *ctx, const char *name, FILE *out)
{
    const struct xfer *x = ctx;
    char shown[1024];
    if (!strcasecmp(name, "http_code") || !strcasecmp(name, "response_code"))
        fprintf(out, "%03d", x->res.status);
    else if (!strcasecmp(name, "url_effective"))
        fputs(display_url(x->res.effective_url ? x->res.effective_url : x->url, shown,
                          sizeof shown), out);
    else if (!strcasecmp(name, "url"))
        fputs(display_url(x->url, shown, sizeof shown), out);
    else if (!strcasecmp(name, "errormsg"))
        fputs(x->st == NET_OK ? "" : x->err.text, out);
    else if (!strcasecmp(name, "content_type"))
        fputs(x->ctype, out);
    else if (!strcasecmp(name, "filename_effective"))
        fputs(x->outname ? x->outname : "", out);
    else if (!strcasecmp(name, "http_version"))
        fputs(x->res.status ? "1.1" : "0", out);
    else if (!strcasecmp(name, "method"))
        fputs(x->t->method ? x->t->method : x->t->head_only ? "HEAD"
              : x->t->upload ? "PUT" : x->t->has_data && !x->t->get_mode ? "POST" : "GET",
              out);
    else
        return wo_number(name, x, out) || wo_time(name, x, out);
    return true;
}

/* ------------------------------------------------------- finishing one */

/* Turn what the library said, and our own failures, into the outcome. */
static void outcome(struct tool *t, struct xfer *x, enum net_status st, const struct net_err *err)
{
    x->st = st;
    if (st != NET_OK && err != &x->err)
        x->err = *err;
    if (x->out_err.status != NET_OK) {      /* ours: a file we could not write */
        x->st = x->out_err.status;
        x->err = x->out_err;
    } else if (st == NET_OK && x->discard && !x->range_done) {
        x->st = net_err_set(&x->err, NET_E_RANGE_IGNORED,
                            "the server cannot resume at byte %llu (status 416)",
                            (unsigned long long)x->range_start);
    } else if (st == NET_OK && t->fail_with_body && x->res.status >= 400) {
        x->st = net_err_set(&x->err, NET_E_HTTP_STATUS,
                            "the requested URL returned error: %d", x->res.status);
    }
}

static void finish(struct tool *t, struct xfer *x, enum net_status st, const struct net_err *err)
{
    outcome(t, x, st, err);
    cli_progress_end(&x->prog);
    bool keep = x->st == NET_OK || (x->st == NET_E_HTTP_STATUS && t->fail_with_body);
    if (x->out_open && keep) {
        if (cli_outfile_commit(&x->out, &x->err) != NET_OK)
            x->st = x->err.status;
    }
    cli_outfile_abort(&x->out);     /* a failure: the temporary file goes */
    if (t->writeout != NULL)
        cli_writeout(t->writeout, stdout, stderr, stderr, TOOL, wo_var, x);
    if (x->st != NET_OK) {
        report(t, x->url, &x->err);
        t->rc = cli_exit_code(x->st);
    }
}

static void run_one(struct tool *t, const char *url, const struct out_spec *spec,
                    const struct cli_glob *g)
{
    struct xfer x;
    if (prepare(t, &x, url, spec, g) != NET_OK) {
        finish(t, &x, x.st, &x.err);
        xfer_free(&x);
        return;
    }
    struct net_http_request req;
    build_request(t, &x, &req);
    if (t->upload_fd >= 0) {
        if (t->upload_seekable)
            upload_rewind(&x);
        bool bar = t->progress_ok && !(x.mode == CLI_OUT_STDOUT && t->stdout_tty);
        uint64_t total = t->upload_size > 0 ? (uint64_t)t->upload_size : 0;
        cli_progress_start(&x.prog, bar, STDERR_FILENO, total, 0);
    }
    struct net_http_callbacks cb = {.on_head = on_head, .on_body = on_body, .ctx = &x};
    struct net_err err;
    /* -m limits each transfer (the client applies it per request), so one
     * client, and its pooled connections, serves every URL. */
    enum net_status st = net_http_perform(t->cl, &req, &cb, &x.res, &err);
    finish(t, &x, st, &err);
    xfer_free(&x);
}

/* ---------------------------------------------------------- pipelining */

struct batch {
    struct xfer *x;
    struct net_http_request *req;
    struct net_http_callbacks *cb;
    struct net_http_result *res;
    size_t n;
    struct net_url *origin;     /* of the first URL */
};

static bool same_origin(const struct net_url *a, const struct net_url *b)
{
    return strcmp(a->scheme, b->scheme) == 0 && strcasecmp(a->host, b->host) == 0 &&
           a->port == b->port;
}

static void run_batch(struct tool *t, struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        memset(&b->res[i], 0, sizeof b->res[i]);
        b->cb[i] = (struct net_http_callbacks){.on_head = on_head, .on_body = on_body,
                                               .ctx = &b->x[i]};
    }
    /* The returned status is only the batch's first failure: each request
     * is judged by its own outcome, so a response that arrived whole (of
     * any framing) is kept even when another request of the batch failed. */
    (void)net_http_perform_many(t->cl, b->req, b->cb, b->res, b->n, t->pipeline, NULL);
    for (size_t i = 0; i < b->n; i++) {
        struct xfer *x = &b->x[i];
        x->res = b->res[i];             /* the xfer owns the result now */
        memset(&b->res[i], 0, sizeof b->res[i]);
        struct net_err err = {.status = x->res.error};
        snprintf(err.text, sizeof err.text, "%s", x->res.error_text);
        finish(t, x, err.status, &err);
        xfer_free(x);
    }
    b->n = 0;
    net_url_free(b->origin);
    b->origin = NULL;
}

/* Add a URL to the batch (running the batch first when the URL cannot
 * join it); a URL that cannot be pipelined runs alone. */
static void pipe_add(struct tool *t, struct batch *b, const char *url,
                     const struct out_spec *spec, const struct cli_glob *g)
{
    struct net_url *u = NULL;
    struct net_err err;
    net_err_clear(&err);
    char *sent = request_url(t, url);
    bool parsed = net_url_parse(sent, "http", &u, &err) == NET_OK;
    free(sent);
    if (b->n > 0 && (!parsed || b->n == PIPE_BATCH || !same_origin(b->origin, u)))
        run_batch(t, b);
    if (!parsed) {
        run_one(t, url, spec, g);
        return;
    }
    struct xfer *x = &b->x[b->n];
    if (prepare(t, x, url, spec, g) != NET_OK) {
        finish(t, x, x->st, &x->err);
        xfer_free(x);
        net_url_free(u);
        return;
    }
    build_request(t, x, &b->req[b->n]);
    if (b->n == 0)
        b->origin = u;
    else
        net_url_free(u);
    b->n++;
}

/* ------------------------------------------------------------- the run */

/* Every URL (each glob expanded in turn), each with its output spec. */
static void run_all(struct tool *t)
{
    struct batch b = {0};
    if (t->pipeline > 1) {
        b.x = xgrow(NULL, PIPE_BATCH, sizeof *b.x);
        b.req = xgrow(NULL, PIPE_BATCH, sizeof *b.req);
        b.cb = xgrow(NULL, PIPE_BATCH, sizeof *b.cb);
        b.res = calloc(PIPE_BATCH, sizeof *b.res);
        if (b.res == NULL)
            exit(CLI_EXIT_LOCAL_IO);
    }
    struct out_spec all = {.remote = true};
    for (size_t i = 0; i < t->nurls; i++) {
        const struct out_spec *spec = i < t->nouts ? &t->outs[i] : t->remote_all ? &all : NULL;
        struct cli_glob *g;
        struct net_err err;
        net_err_clear(&err);
        if (cli_glob_new(t->urls[i], !t->globoff, &g, &err) != NET_OK) {
            report(t, t->urls[i], &err);
            t->rc = cli_exit_code(err.status);
            continue;
        }
        for (const char *url; (url = cli_glob_next(g)) != NULL;) {
            if (t->pipeline > 1)
                pipe_add(t, &b, url, spec, g);
            else
                run_one(t, url, spec, g);
        }
        if (b.n > 0)
            run_batch(t, &b);   /* before the glob (its #N values) goes */
        cli_glob_free(g);
    }
    free(b.x);
    free(b.req);
    free(b.cb);
    free(b.res);
}

static void cleanup(struct tool *t)
{
    if (t->cl != NULL)
        net_http_client_free(t->cl);
    if (t->dump_open) {
        struct net_err err;
        net_err_clear(&err);
        if (cli_outfile_commit(&t->dumpf, &err) != NET_OK) {
            fprintf(stderr, TOOL ": -D: %s\n", err.text);
            t->rc = cli_exit_code(err.status);
        }
    }
    if (t->upload_fd > STDIN_FILENO)
        close(t->upload_fd);
    for (size_t i = 0; i < t->nhdrs; i++)
        free((char *)t->hdrs[i].name);
    free(t->hdrs);
    free(t->data);
    free(t->urls);
    free(t->outs);
    free(t->writeout);
    free(t->user);
    cli_cred_free(t->password);
    free(t->trace);
}

int main(int argc, char **argv)
{
    static struct tool tool;
    struct tool *t = &tool;
    cli_connopts_init(&t->co);
    cli_outfile_init(&t->dumpf);
    t->upload_fd = -1;
    int rc = parse_args(t, argc, argv);
    if (rc < 0)
        rc = setup(t);
    if (rc < 0) {
        cli_outfile_cleanup_on_signals();
        run_all(t);
        rc = -1;
    }
    cleanup(t);
    if (rc >= 0)
        return rc;
    fflush(stdout);
    return t->rc;
}
