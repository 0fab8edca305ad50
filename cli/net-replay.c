/* net-replay - serve a fixture transcript on loopback and check every byte
 * the client sends (see fixtures/README.md and net-replay(1)). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocols/fixture/replay.h"

#define REPLAY_VERSION "0.1.0"
/* Bytes of traced data shown per output line with -v. */
#define TRACE_LINE_BYTES 64
/* Longest --timeout: a day is longer than any sane test. */
#define TIMEOUT_MAX_S 86400

enum replay_exit {
    EXIT_COMPLETED = 0,     /* the dialogue completed */
    EXIT_DIFFERED = 1,      /* the client differed from the transcript */
    EXIT_USAGE = 2,         /* bad usage, or a bad transcript */
    EXIT_TIMEOUT = 3,       /* the client was too slow or silent */
    EXIT_LOCAL = 4          /* cannot listen, bad certificate, unreadable file */
};

static const char usage_text[] =
    "usage: net-replay [options] TRANSCRIPT\n"
    "\n"
    "Serve a recorded dialogue (fixtures/README.md) to one client on loopback,\n"
    "checking every byte the client sends. Prints \"port N\" first on stdout.\n"
    "\n"
    "  -p, --port N          port to listen on (default 0: the kernel picks)\n"
    "      --listen ADDR     address to listen on (default 127.0.0.1; ::1 works)\n"
    "      --tls             implicit TLS even if the transcript does not say so\n"
    "      --cert FILE       server certificate (default tests/certs/good.pem)\n"
    "      --key FILE        its key (default tests/certs/good.key)\n"
    "  -t, --timeout SECONDS time limit for the whole dialogue (default 10)\n"
    "  -q, --quiet           say nothing when the dialogue completes\n"
    "  -v, --verbose         show every byte in and out on stderr\n"
    "      --help            this text\n"
    "      --version         the version\n"
    "\n"
    "Exit codes:\n"
    "  0  the dialogue completed\n"
    "  1  the client differed (the report on stderr names the file and line)\n"
    "  2  usage error or bad transcript\n"
    "  3  timeout: the client was silent too long, or the dialogue too long\n"
    "  4  local error: cannot listen, bad certificate, unreadable file\n";

struct cli {
    const char *path;
    const char *listen;
    unsigned short port;
    bool quiet, verbose;
    struct net_replay_opts o;
};

static void trace_fn(void *ctx, enum net_trace_dir dir, const char *data, size_t len,
                     bool secret)
{
    if (dir == NET_TRACE_INFO) {
        fprintf(stderr, "* %.*s\n", (int)len, data);
        return;
    }
    const char *tag = dir == NET_TRACE_IN ? "C>" : "S>";
    char q[4 * TRACE_LINE_BYTES + 16];
    for (size_t off = 0; off < len; off += TRACE_LINE_BYTES) {
        size_t k = len - off < TRACE_LINE_BYTES ? len - off : TRACE_LINE_BYTES;
        net_transcript_quote(data + off, k, k, q, sizeof q);
        fprintf(stderr, "%s %s\n", tag, q);
    }
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "net-replay: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'net-replay --help'.\n");
    return EXIT_USAGE;
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
    char *end;
    errno = 0;
    unsigned long x = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || x > max)
        return false;
    *v = x;
    return true;
}

enum { OPT_LISTEN = 256, OPT_TLS, OPT_CERT, OPT_KEY, OPT_HELP, OPT_VERSION };

static const struct option long_opts[] = {
    {"port", required_argument, NULL, 'p'},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"tls", no_argument, NULL, OPT_TLS},
    {"cert", required_argument, NULL, OPT_CERT},
    {"key", required_argument, NULL, OPT_KEY},
    {"timeout", required_argument, NULL, 't'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

/* Parse argv into cli; returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, struct cli *cli)
{
    int ch;
    unsigned long v;
    while ((ch = getopt_long(argc, argv, "p:t:qv", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'p':
            if (!parse_ulong(optarg, 65535, &v))
                return usage_error("bad port '%s'", optarg);
            cli->port = (unsigned short)v;
            break;
        case 't':
            if (!parse_ulong(optarg, TIMEOUT_MAX_S, &v) || v == 0)
                return usage_error("bad timeout '%s' (whole seconds, 1 or more)", optarg);
            cli->o.total_ms = (net_ms)v * 1000;
            break;
        case OPT_LISTEN: cli->listen = optarg; break;
        case OPT_TLS: cli->o.tls = true; break;
        case OPT_CERT: cli->o.cert_file = optarg; break;
        case OPT_KEY: cli->o.key_file = optarg; break;
        case 'q': cli->quiet = true; break;
        case 'v': cli->verbose = true; break;
        case OPT_HELP:
            fputs(usage_text, stdout);
            return EXIT_COMPLETED;
        case OPT_VERSION:
            printf("net-replay (libnet suite) %s\n", REPLAY_VERSION);
            return EXIT_COMPLETED;
        default:
            fprintf(stderr, "Try 'net-replay --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1)
        return usage_error("%s", optind >= argc ? "no transcript given" : "one transcript only");
    cli->path = argv[optind];
    return -1;
}

static int exit_code(enum net_replay_outcome oc)
{
    switch (oc) {
    case NET_REPLAY_COMPLETED: return EXIT_COMPLETED;
    case NET_REPLAY_TIMEOUT: return EXIT_TIMEOUT;
    case NET_REPLAY_TRANSCRIPT: return EXIT_USAGE;
    case NET_REPLAY_LOCAL: return EXIT_LOCAL;
    default: return EXIT_DIFFERED;
    }
}

static int serve(struct cli *cli, const struct net_transcript *t)
{
    struct net_err err;
    net_err_clear(&err);
    int fd;
    unsigned short port;
    if (net_replay_listen(cli->listen, cli->port, &fd, &port, &err) != NET_OK) {
        fprintf(stderr, "net-replay: %s\n", err.text);
        return err.status == NET_E_USAGE ? EXIT_USAGE : EXIT_LOCAL;
    }
    printf("port %u\n", port);
    fflush(stdout);
    struct net_replay_report *rep = malloc(sizeof *rep);
    if (rep == NULL) {
        close(fd);
        fprintf(stderr, "net-replay: out of memory\n");
        return EXIT_LOCAL;
    }
    net_replay_serve(t, fd, &cli->o, rep, &err);
    close(fd);
    if (rep->outcome != NET_REPLAY_COMPLETED || !cli->quiet)
        fprintf(stderr, "net-replay: %s\n", rep->message);
    int rc = exit_code(rep->outcome);
    free(rep);
    return rc;
}

int main(int argc, char **argv)
{
    struct cli cli = {.listen = "127.0.0.1"};
    int rc = parse_args(argc, argv, &cli);
    if (rc >= 0)
        return rc;
    if (cli.verbose)
        cli.o.trace = (struct net_trace){.fn = trace_fn, .ctx = NULL};
    struct net_err err;
    net_err_clear(&err);
    struct net_transcript *t;
    if (net_transcript_load(cli.path, &t, &err) != NET_OK) {
        fprintf(stderr, "net-replay: %s\n", err.text);
        return err.status == NET_E_NOMEM ? EXIT_LOCAL : EXIT_USAGE;
    }
    rc = serve(&cli, t);
    net_transcript_free(t);
    return rc;
}
