/* connopts.c - the shared connection options (contract in connopts.h). */
#include "cli/common/connopts.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_CONNECT_TIMEOUT = CLI_CONNOPT_BASE,
    OPT_SPEED_LIMIT,
    OPT_SPEED_TIME,
    OPT_IDLE_TIMEOUT,
    OPT_CACERT,
    OPT_CAPATH,
    OPT_CERT,
    OPT_KEY,
    OPT_RESOLVER,
    OPT_DNS_SERVERS
};

const struct option cli_connopts_long[] = {
    {"ipv4", no_argument, NULL, '4'},
    {"ipv6", no_argument, NULL, '6'},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"max-time", required_argument, NULL, 'm'},
    {"speed-limit", required_argument, NULL, OPT_SPEED_LIMIT},
    {"speed-time", required_argument, NULL, OPT_SPEED_TIME},
    {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"capath", required_argument, NULL, OPT_CAPATH},
    {"cert", required_argument, NULL, OPT_CERT},
    {"key", required_argument, NULL, OPT_KEY},
    {"insecure", no_argument, NULL, 'k'},
    {"resolver", required_argument, NULL, OPT_RESOLVER},
    {"dns-servers", required_argument, NULL, OPT_DNS_SERVERS},
    {"verbose", no_argument, NULL, 'v'},
    {"silent", no_argument, NULL, 's'},
    {"show-error", no_argument, NULL, 'S'},
    {NULL, 0, NULL, 0},
};

static const char help_text[] =
    "Connection options (every net-* tool):\n"
    "  -4, --ipv4               use IPv4 addresses only\n"
    "  -6, --ipv6               use IPv6 addresses only\n"
    "      --connect-timeout S  limit resolving, connecting and the TLS handshake\n"
    "                           to S seconds (fractions allowed; default 300)\n"
    "  -m, --max-time S         limit the whole operation to S seconds\n"
    "      --speed-limit BYTES  abort when slower than BYTES per second ...\n"
    "      --speed-time S       ... for S seconds (default 30)\n"
    "      --idle-timeout S     abort when no byte moves for S seconds\n"
    "      --cacert FILE        trust the CA certificates in FILE (PEM)\n"
    "      --capath DIR         trust the CA certificates in DIR (hashed)\n"
    "      --cert FILE          client certificate (PEM)\n"
    "      --key FILE           its private key (PEM; default: in --cert)\n"
    "  -k, --insecure           do not verify the server's certificate at all\n"
    "      --resolver NAME      ares (default) or system (getaddrinfo)\n"
    "      --dns-servers LIST   ask these DNS servers (\"127.0.0.1:5353,[::1]\")\n"
    "  -v, --verbose            trace what is sent and received on stderr\n"
    "  -s, --silent             no progress bar, no error messages\n"
    "  -S, --show-error         with -s, still print error messages\n";

const char *cli_connopts_help(void) { return help_text; }

void cli_connopts_init(struct cli_connopts *co)
{
    memset(co, 0, sizeof *co);
    co->connect_timeout_ms = CLI_CONNECT_TIMEOUT_DEFAULT_MS;
    co->resolver = NET_RESOLVER_ARES;
}

bool cli_connopts_show_errors(const struct cli_connopts *co)
{
    return !co->silent || co->show_error;
}

bool cli_parse_seconds(const char *s, net_ms *out)
{
    if (s == NULL || *s == '\0' || isspace((unsigned char)*s) || *s == '-' || *s == '+')
        return false;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return false;       /* no exponents, hex, "inf" or "nan" */
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || end == s || !isfinite(v) || v < 0 ||
        v > CLI_SECONDS_MAX)
        return false;
    double ms = v * 1000.0;
    net_ms whole = (net_ms)ms;
    if ((double)whole < ms)
        whole++;                /* round up: 0.0001 s is 1 ms, not "none" */
    *out = whole;
    return true;
}

bool cli_parse_bytes(const char *s, uint64_t *out)
{
    if (s == NULL || !isdigit((unsigned char)*s))
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0)
        return false;
    unsigned shift = 0;
    if (*end != '\0') {
        switch (*end) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        case 't': case 'T': shift = 40; break;
        default: return false;
        }
        if (end[1] != '\0')
            return false;
    }
    if (shift > 0 && v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

bool cli_parse_long(const char *s, long min, long max, long *out)
{
    if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static int bad(struct net_err *err, const char *opt, const char *arg, const char *want)
{
    net_err_set(err, NET_E_USAGE, "%s: bad value '%s' (%s)", opt, arg, want);
    return -1;
}

static int seconds_opt(net_ms *dst, const char *opt, const char *arg, struct net_err *err)
{
    if (!cli_parse_seconds(arg, dst))
        return bad(err, opt, arg, "seconds, e.g. 10 or 2.5");
    return 1;
}

/* Options that take a file or list: a value that is empty is a mistake. */
static int path_opt(const char **dst, const char *opt, const char *arg, struct net_err *err)
{
    if (arg == NULL || *arg == '\0')
        return bad(err, opt, arg ? arg : "", "must not be empty");
    *dst = arg;
    return 1;
}

static int resolver_opt(struct cli_connopts *co, const char *arg, struct net_err *err)
{
    enum net_resolver_kind k;
    if (!net_resolver_parse(arg, &k))
        return bad(err, "--resolver", arg, "ares or system");
    co->resolver = k;
    co->resolver_given = true;
    return 1;
}

int cli_connopts_handle(struct cli_connopts *co, int ch, const char *arg,
                        struct net_err *err)
{
    switch (ch) {
    case '4': co->ipv4 = true; return 1;
    case '6': co->ipv6 = true; return 1;
    case 'k': co->insecure = true; return 1;
    case 'v': co->verbose++; return 1;
    case 's': co->silent = true; return 1;
    case 'S': co->show_error = true; return 1;
    case 'm': return seconds_opt(&co->max_time_ms, "--max-time", arg, err);
    case OPT_CONNECT_TIMEOUT:
        return seconds_opt(&co->connect_timeout_ms, "--connect-timeout", arg, err);
    case OPT_IDLE_TIMEOUT:
        return seconds_opt(&co->idle_timeout_ms, "--idle-timeout", arg, err);
    case OPT_SPEED_TIME:
        if (!cli_parse_seconds(arg, &co->speed_time_ms) || co->speed_time_ms == 0)
            return bad(err, "--speed-time", arg, "seconds, more than 0");
        return 1;
    case OPT_SPEED_LIMIT:
        if (!cli_parse_bytes(arg, &co->speed_limit) || co->speed_limit == 0)
            return bad(err, "--speed-limit", arg, "bytes per second, more than 0");
        return 1;
    case OPT_CACERT: return path_opt(&co->cacert, "--cacert", arg, err);
    case OPT_CAPATH: return path_opt(&co->capath, "--capath", arg, err);
    case OPT_CERT: return path_opt(&co->cert, "--cert", arg, err);
    case OPT_KEY: return path_opt(&co->key, "--key", arg, err);
    case OPT_RESOLVER: return resolver_opt(co, arg, err);
    case OPT_DNS_SERVERS: return path_opt(&co->dns_servers, "--dns-servers", arg, err);
    default: return 0;
    }
}

enum net_status cli_connopts_apply(struct cli_connopts *co,
                                   struct net_conn_opts *out,
                                   struct net_err *err)
{
    memset(out, 0, sizeof *out);
    if (co->ipv4 && co->ipv6)
        return net_err_set(err, NET_E_USAGE, "-4 and -6 together: choose one");
    if (co->dns_servers != NULL && co->resolver != NET_RESOLVER_ARES)
        return net_err_set(err, NET_E_USAGE,
                           "--dns-servers needs the c-ares resolver, not --resolver=%s",
                           net_resolver_name(co->resolver));
    if (co->key != NULL && co->cert == NULL)
        return net_err_set(err, NET_E_USAGE, "--key without --cert");
    out->resolve.kind = co->resolver;
    out->resolve.family = co->ipv4 ? NET_FAMILY_V4 : co->ipv6 ? NET_FAMILY_V6 : NET_FAMILY_ANY;
    out->resolve.dns_servers = co->dns_servers;
    out->connect_timeout_ms = co->connect_timeout_ms;
    out->total_timeout_ms = co->max_time_ms;
    out->idle_timeout_ms = co->idle_timeout_ms;
    if (co->speed_limit > 0 || co->speed_time_ms > 0) {
        out->low_speed_bytes = co->speed_limit > 0 ? co->speed_limit : CLI_SPEED_LIMIT_DEFAULT;
        out->low_speed_ms = co->speed_time_ms > 0 ? co->speed_time_ms : CLI_SPEED_TIME_DEFAULT_MS;
    }
    if (co->cacert || co->capath || co->cert || co->insecure) {
        memset(&co->tls, 0, sizeof co->tls);
        co->tls.verify = co->insecure ? NET_TLS_INSECURE : NET_TLS_VERIFY_FULL;
        co->tls.ca_file = co->cacert;
        co->tls.ca_dir = co->capath;
        co->tls.cert_file = co->cert;
        co->tls.key_file = co->key;
        out->tls_opts = &co->tls;
    }
    return NET_OK;
}

bool cli_options_join(const struct option *a, const struct option *b,
                      struct option *out, size_t cap)
{
    size_t n = 0;
    for (const struct option *t = a; t->name != NULL; t++) {
        if (n + 1 >= cap)
            return false;
        out[n++] = *t;
    }
    for (const struct option *t = b; t->name != NULL; t++) {
        if (n + 1 >= cap)
            return false;
        out[n++] = *t;
    }
    memset(&out[n], 0, sizeof out[n]);
    return true;
}
