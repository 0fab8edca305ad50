/* net-record - record a client's dialogue with a real server as a fixture
 * transcript. Thin: options here, the proxy in protocols/fixture/record.c. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocols/fixture/record.h"

#define NET_RECORD_VERSION "0.1.0"

/* Exit codes (documented in --help and net-record(1)). */
enum {
    EX_DONE = 0,        /* the transcript was written */
    EX_USAGE = 2,       /* bad options */
    EX_LOCAL = 3,       /* a local file: the transcript, a sidecar, a certificate */
    EX_CONNECT = 4,     /* the real server could not be resolved or reached */
    EX_TLS = 5,         /* TLS with the server or the client failed */
    EX_TIMEOUT = 6,     /* nobody spoke for --timeout seconds */
    EX_PROTOCOL = 7     /* a peer broke the protocol, or a line could not be masked */
};

static void usage(FILE *f)
{
    fputs("usage: net-record --protocol P --target HOST:PORT -o FILE [options]\n"
          "\n"
          "A proxy between a client and a real server that writes what passes as a\n"
          "transcript (fixtures/README.md), masking credentials. Point the client at\n"
          "the port printed on standard output (\"port N\").\n"
          "\n"
          "  --protocol P        http ftp smtp pop3 imap nntp telnet gopher\n"
          "  --target HOST:PORT  the real server ([v6]:port for IPv6)\n"
          "  --listen ADDR       address to listen on (default 127.0.0.1)\n"
          "  -p, --port N        port to listen on (default 0: the kernel picks)\n"
          "  -o, --out FILE      the transcript; sidecar files go beside it\n"
          "  --tls               implicit TLS on both sides (https, pop3s, ...)\n"
          "  --cacert FILE       CA bundle to verify the real server with\n"
          "  --cert FILE         certificate shown to the client (default\n"
          "                      tests/certs/good.pem)\n"
          "  --key FILE          its key (default tests/certs/good.key)\n"
          "  --source TEXT       the server and its version, for the header\n"
          "  --client TEXT       the client and its version, for the header\n"
          "  --connections N     client connections to record (default 1)\n"
          "  -t, --timeout S     give up after S seconds of silence (default 60)\n"
          "  -v                  say what happens on standard error\n"
          "  --help, --version\n"
          "\n"
          "Exit codes: 0 transcript written; 2 usage; 3 local file error;\n"
          "4 cannot reach the server; 5 TLS failure; 6 timeout; 7 protocol error\n"
          "(including a credential line that cannot be masked).\n",
          f);
}

static int exit_code(enum net_status st)
{
    switch (net_status_class(st)) {
    case NET_CLASS_OK: return EX_DONE;
    case NET_CLASS_USAGE: return st == NET_E_UNSAFE_INPUT ? EX_PROTOCOL : EX_USAGE;
    case NET_CLASS_LOCAL_IO: return EX_LOCAL;
    case NET_CLASS_RESOLVE:
    case NET_CLASS_CONNECT: return EX_CONNECT;
    case NET_CLASS_TLS: return EX_TLS;
    case NET_CLASS_TIMEOUT: return EX_TIMEOUT;
    default: return EX_PROTOCOL;
    }
}

static void trace_note(void *ctx, enum net_trace_dir dir, const char *data, size_t len,
                       bool secret)
{
    if (dir == NET_TRACE_INFO)
        fprintf(stderr, "net-record: %.*s\n", (int)len, data);
}

/* Parse a decimal in [lo, hi]; false if it is not one. */
static bool parse_num(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* "host:port" or "[v6]:port" into host (in buf) and port. */
static bool parse_target(char *t, const char **host, unsigned short *port)
{
    char *colon = strrchr(t, ':');
    long v;
    if (colon == NULL || !parse_num(colon + 1, 1, 65535, &v))
        return false;
    *colon = '\0';
    if (t[0] == '[') {
        size_t n = strlen(t);
        if (n < 3 || t[n - 1] != ']')
            return false;
        t[n - 1] = '\0';
        t++;
    }
    *host = t;
    *port = (unsigned short)v;
    return t[0] != '\0';
}

enum {
    OPT_PROTOCOL = 256, OPT_TARGET, OPT_LISTEN, OPT_TLS, OPT_CACERT, OPT_CERT, OPT_KEY,
    OPT_SOURCE, OPT_CLIENT, OPT_CONNECTIONS, OPT_HELP, OPT_VERSION
};

static const struct option long_opts[] = {
    {"protocol", required_argument, NULL, OPT_PROTOCOL},
    {"target", required_argument, NULL, OPT_TARGET},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"port", required_argument, NULL, 'p'},
    {"out", required_argument, NULL, 'o'},
    {"tls", no_argument, NULL, OPT_TLS},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"cert", required_argument, NULL, OPT_CERT},
    {"key", required_argument, NULL, OPT_KEY},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"client", required_argument, NULL, OPT_CLIENT},
    {"connections", required_argument, NULL, OPT_CONNECTIONS},
    {"timeout", required_argument, NULL, 't'},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static int bad(const char *what, const char *arg)
{
    fprintf(stderr, "net-record: %s '%s'\n", what, arg ? arg : "");
    usage(stderr);
    return EX_USAGE;
}

int main(int argc, char **argv)
{
    struct net_record_opts o = {.protocol = NET_REC_PROTO_COUNT};
    const char *listen_addr = "127.0.0.1";
    char *target = NULL;
    long port = 0, v;
    bool have_proto = false;
    int c;
    while ((c = getopt_long(argc, argv, "p:o:t:v", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_PROTOCOL:
            if (!net_record_proto_parse(optarg, &o.protocol))
                return bad("unknown protocol", optarg);
            have_proto = true;
            break;
        case OPT_TARGET: target = optarg; break;
        case OPT_LISTEN: listen_addr = optarg; break;
        case 'p':
            if (!parse_num(optarg, 0, 65535, &port))
                return bad("bad port", optarg);
            break;
        case 'o': o.out = optarg; break;
        case OPT_TLS: o.tls = true; break;
        case OPT_CACERT: o.cacert = optarg; break;
        case OPT_CERT: o.cert = optarg; break;
        case OPT_KEY: o.key = optarg; break;
        case OPT_SOURCE: o.source = optarg; break;
        case OPT_CLIENT: o.client = optarg; break;
        case OPT_CONNECTIONS:
            if (!parse_num(optarg, 1, NET_RECORD_CONNECTIONS_MAX, &v))
                return bad("bad number of connections", optarg);
            o.connections = (unsigned)v;
            break;
        case 't':
            if (!parse_num(optarg, 1, INT_MAX / 1000, &v))
                return bad("bad timeout", optarg);
            o.idle_timeout_ms = (net_ms)v * 1000;
            break;
        case 'v': o.trace.fn = trace_note; break;
        case OPT_HELP: usage(stdout); return EX_DONE;
        case OPT_VERSION: printf("net-record %s\n", NET_RECORD_VERSION); return EX_DONE;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (optind != argc)
        return bad("unexpected argument", argv[optind]);
    if (!have_proto || target == NULL || o.out == NULL)
        return bad("--protocol, --target and --out are required", "");
    if (!parse_target(target, &o.host, &o.port))
        return bad("bad target (HOST:PORT)", target);
    struct net_err err;
    net_err_clear(&err);
    int lfd;
    unsigned short bound;
    if (net_record_listen(listen_addr, (unsigned short)port, &lfd, &bound, &err) != NET_OK) {
        fprintf(stderr, "net-record: %s\n", err.text);
        return exit_code(err.status);
    }
    printf("port %u\n", bound);
    fflush(stdout);
    enum net_status st = net_record_run(lfd, &o, &err);
    close(lfd);
    if (st != NET_OK) {
        fprintf(stderr, "net-record: %s\n", err.text);
        return exit_code(st);
    }
    return EX_DONE;
}
