/*
 * connopts.h - the connection options every net-* tool shares, parsed the
 * same way everywhere, and the number parsers the tools use for their own
 * options.
 *
 * Contract:
 *  - cli_connopts_long is a getopt_long table fragment (terminated by a zero
 *    entry) and CLI_CONNOPTS_SHORT the matching short letters. A tool joins
 *    the fragment with its own table (cli_options_join) and hands every
 *    option getopt_long returns to cli_connopts_handle() first: it returns 1
 *    when the option was one of ours (taken), 0 when it is the tool's, and
 *    -1 for a bad value, with err (NET_E_USAGE) naming the option and the
 *    value. Long-only options of this table use values from
 *    CLI_CONNOPT_BASE up; a tool's own long-only options use values from
 *    CLI_TOOLOPT_BASE up, so the two never collide.
 *  - Options (curl's meanings): -4/--ipv4, -6/--ipv6, --connect-timeout S,
 *    -m/--max-time S, --speed-limit BYTES, --speed-time S (either alone
 *    implies the other's default: 30 s, or 1 byte/s), --idle-timeout S,
 *    --cacert FILE, --capath DIR, --cert FILE, --key FILE, -k/--insecure,
 *    --resolver ares|system, --dns-servers LIST, -v/--verbose, -s/--silent,
 *    -S/--show-error. Seconds may have a fraction ("2.5"); a positive value
 *    shorter than a millisecond counts as one millisecond, never as "none".
 *  - cli_connopts_apply() checks combinations (--dns-servers needs the c-ares
 *    resolver, -4 with -6) and fills a struct net_conn_opts. TLS options point
 *    into the struct cli_connopts, which must outlive the filled options.
 *    conn->tls (implicit TLS) and conn->trace are left for the tool.
 *  - No function here prints; the tool prints err.text.
 */
#ifndef CLI_CONNOPTS_H
#define CLI_CONNOPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libnet/conn.h"
#include "libnet/status.h"

/* Short option letters of the shared table, for a tool's optstring. */
#define CLI_CONNOPTS_SHORT "46m:kvsS"
/* First getopt value of the shared long-only options. */
#define CLI_CONNOPT_BASE 0x1000
/* First getopt value a tool may use for its own long-only options. */
#define CLI_TOOLOPT_BASE 0x2000
/* Default connect timeout, curl's: a dead route fails in bounded time. */
#define CLI_CONNECT_TIMEOUT_DEFAULT_MS (300 * 1000)
/* --speed-time default when only --speed-limit is given (curl's). */
#define CLI_SPEED_TIME_DEFAULT_MS (30 * 1000)
/* --speed-limit default when only --speed-time is given (curl's). */
#define CLI_SPEED_LIMIT_DEFAULT 1
/* Longest duration accepted: 30 days is longer than any sane transfer and
 * keeps milliseconds far from overflow. */
#define CLI_SECONDS_MAX (30.0 * 24 * 3600)

struct cli_connopts {
    bool ipv4, ipv6;
    net_ms connect_timeout_ms;  /* default CLI_CONNECT_TIMEOUT_DEFAULT_MS */
    net_ms max_time_ms;         /* 0: none */
    net_ms idle_timeout_ms;     /* 0: none */
    uint64_t speed_limit;       /* bytes per second; 0: not given */
    net_ms speed_time_ms;       /* 0: not given */
    const char *cacert, *capath, *cert, *key;
    bool insecure;
    enum net_resolver_kind resolver;
    bool resolver_given;
    const char *dns_servers;
    int verbose;                /* -v count */
    bool silent, show_error;
    struct net_tls_opts tls;    /* filled by apply */
};

extern const struct option cli_connopts_long[];

/* Defaults: every field zero except the connect timeout. */
void cli_connopts_init(struct cli_connopts *co);
/* One option from getopt_long (ch, optarg): 1 taken, 0 not ours, -1 bad. */
int cli_connopts_handle(struct cli_connopts *co, int ch, const char *arg,
                        struct net_err *err);
/* Check combinations and fill *out (zeroed first). */
enum net_status cli_connopts_apply(struct cli_connopts *co,
                                   struct net_conn_opts *out,
                                   struct net_err *err);
/* The --help lines of the shared options (ends in a newline). */
const char *cli_connopts_help(void);
/* Are errors to be printed? (not -s, or -s with -S) */
bool cli_connopts_show_errors(const struct cli_connopts *co);

/*
 * Join option tables a and b (each ending with a zero entry) into out, which
 * has room for cap entries including the terminator. Returns false when it
 * does not fit.
 */
bool cli_options_join(const struct option *a, const struct option *b,
                      struct option *out, size_t cap);

/* Parse seconds ("10", "2.5", "0"); 0 means "none" in every option that
 * takes it. false when s is not a non-negative number up to CLI_SECONDS_MAX. */
bool cli_parse_seconds(const char *s, net_ms *out);
/* Parse a byte count with an optional suffix k, M, G, T (powers of 1024,
 * either case). false when malformed or over UINT64_MAX. */
bool cli_parse_bytes(const char *s, uint64_t *out);
/* Parse a decimal integer within [min, max]. */
bool cli_parse_long(const char *s, long min, long max, long *out);

#endif
