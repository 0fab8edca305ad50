/* test_cli_connopts.c - the shared connection options: parsing through
 * getopt_long, bad values naming the option, combinations, the number
 * parsers. */
#include <check.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common/connopts.h"

/* A tool option beside the shared ones, to check they coexist. */
enum { OPT_TOOL = CLI_TOOLOPT_BASE };
static const struct option tool_opts[] = {
    {"tool-flag", no_argument, NULL, OPT_TOOL},
    {"output", required_argument, NULL, 'o'},
    {NULL, 0, NULL, 0},
};

struct parsed {
    struct cli_connopts co;
    struct net_conn_opts conn;
    struct net_err err;
    int handled;            /* -1 bad value, else 0 */
    int tool_seen;          /* tool options seen */
    enum net_status applied;
};

/* Parse a NULL-terminated argument list (without argv[0]). */
static void parse(struct parsed *p, const char *const *args)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"net-test";
    for (; *args && argc < 31; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    struct option all[64];
    ck_assert(cli_options_join(tool_opts, cli_connopts_long, all, 64));
    memset(p, 0, sizeof *p);
    cli_connopts_init(&p->co);
    net_err_clear(&p->err);
    optind = 0;         /* GNU: restart scanning from scratch */
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "o:" CLI_CONNOPTS_SHORT, all, NULL)) != -1) {
        int r = cli_connopts_handle(&p->co, ch, optarg, &p->err);
        if (r < 0) {
            p->handled = -1;
            return;
        }
        if (r == 0)
            p->tool_seen++;
    }
    p->applied = cli_connopts_apply(&p->co, &p->conn, &p->err);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void bad_value(const char *const *args, const char *opt, const char *val)
{
    struct parsed p;
    parse(&p, args);
    ck_assert_int_eq(p.handled, -1);
    ck_assert_int_eq(p.err.status, NET_E_USAGE);
    ck_assert_msg(strstr(p.err.text, opt) != NULL, "\"%s\" lacks %s", p.err.text, opt);
    ck_assert_msg(strstr(p.err.text, val) != NULL, "\"%s\" lacks %s", p.err.text, val);
}

START_TEST(test_defaults)
{
    struct parsed p;
    parse(&p, ARGS("--tool-flag"));
    ck_assert_int_eq(p.handled, 0);
    ck_assert_int_eq(p.tool_seen, 1);
    ck_assert_int_eq(p.applied, NET_OK);
    ck_assert_int_eq(p.conn.connect_timeout_ms, CLI_CONNECT_TIMEOUT_DEFAULT_MS);
    ck_assert_int_eq(p.conn.total_timeout_ms, 0);
    ck_assert_int_eq(p.conn.idle_timeout_ms, 0);
    ck_assert_uint_eq(p.conn.low_speed_bytes, 0);
    ck_assert_int_eq(p.conn.low_speed_ms, 0);
    ck_assert_int_eq(p.conn.resolve.kind, NET_RESOLVER_ARES);
    ck_assert_int_eq(p.conn.resolve.family, NET_FAMILY_ANY);
    ck_assert_ptr_null(p.conn.tls_opts);
    ck_assert(cli_connopts_show_errors(&p.co));
}
END_TEST

START_TEST(test_good_values)
{
    struct parsed p;
    parse(&p, ARGS("-4", "--connect-timeout", "2.5", "-m", "10", "--idle-timeout=0.0001",
                   "--speed-limit", "1k", "--speed-time", "3", "--resolver=system", "-v", "-v",
                   "-sS", "-o", "x"));
    ck_assert_int_eq(p.handled, 0);
    ck_assert_int_eq(p.applied, NET_OK);
    ck_assert_int_eq(p.tool_seen, 1);
    ck_assert_int_eq(p.conn.resolve.family, NET_FAMILY_V4);
    ck_assert_int_eq(p.conn.connect_timeout_ms, 2500);
    ck_assert_int_eq(p.conn.total_timeout_ms, 10000);
    ck_assert_int_eq(p.conn.idle_timeout_ms, 1);        /* rounded up, not "none" */
    ck_assert_uint_eq(p.conn.low_speed_bytes, 1024);
    ck_assert_int_eq(p.conn.low_speed_ms, 3000);
    ck_assert_int_eq(p.conn.resolve.kind, NET_RESOLVER_SYSTEM);
    ck_assert_int_eq(p.co.verbose, 2);
    ck_assert(p.co.silent && p.co.show_error);
    ck_assert(cli_connopts_show_errors(&p.co));
    parse(&p, ARGS("-s", "--connect-timeout", "0"));
    ck_assert(!cli_connopts_show_errors(&p.co));
    ck_assert_int_eq(p.conn.connect_timeout_ms, 0);
}
END_TEST

START_TEST(test_speed_defaults)
{
    struct parsed p;
    parse(&p, ARGS("--speed-limit", "100"));
    ck_assert_uint_eq(p.conn.low_speed_bytes, 100);
    ck_assert_int_eq(p.conn.low_speed_ms, CLI_SPEED_TIME_DEFAULT_MS);
    parse(&p, ARGS("--speed-time", "5"));
    ck_assert_uint_eq(p.conn.low_speed_bytes, CLI_SPEED_LIMIT_DEFAULT);
    ck_assert_int_eq(p.conn.low_speed_ms, 5000);
}
END_TEST

START_TEST(test_tls_options)
{
    struct parsed p;
    parse(&p, ARGS("--cacert", "ca.pem", "--capath", "/etc/ssl", "--cert", "c.pem", "--key",
                   "k.pem"));
    ck_assert_int_eq(p.applied, NET_OK);
    ck_assert_ptr_nonnull(p.conn.tls_opts);
    ck_assert_int_eq(p.conn.tls_opts->verify, NET_TLS_VERIFY_FULL);
    ck_assert_str_eq(p.conn.tls_opts->ca_file, "ca.pem");
    ck_assert_str_eq(p.conn.tls_opts->ca_dir, "/etc/ssl");
    ck_assert_str_eq(p.conn.tls_opts->cert_file, "c.pem");
    ck_assert_str_eq(p.conn.tls_opts->key_file, "k.pem");
    parse(&p, ARGS("-k"));
    ck_assert_ptr_nonnull(p.conn.tls_opts);
    ck_assert_int_eq(p.conn.tls_opts->verify, NET_TLS_INSECURE);
    parse(&p, ARGS("--insecure", "--dns-servers", "127.0.0.1:5353,[::1]:53"));
    ck_assert_int_eq(p.applied, NET_OK);
    ck_assert_str_eq(p.conn.resolve.dns_servers, "127.0.0.1:5353,[::1]:53");
}
END_TEST

START_TEST(test_bad_values)
{
    bad_value(ARGS("--connect-timeout", "abc"), "--connect-timeout", "'abc'");
    bad_value(ARGS("--connect-timeout", "-1"), "--connect-timeout", "'-1'");
    bad_value(ARGS("--connect-timeout", ""), "--connect-timeout", "''");
    bad_value(ARGS("-m", "1e3"), "--max-time", "'1e3'");
    bad_value(ARGS("--max-time", "inf"), "--max-time", "'inf'");
    bad_value(ARGS("--max-time", "nan"), "--max-time", "'nan'");
    bad_value(ARGS("--max-time", "0x10"), "--max-time", "'0x10'");
    bad_value(ARGS("--max-time", "5s"), "--max-time", "'5s'");
    bad_value(ARGS("--max-time", "99999999"), "--max-time", "'99999999'");
    bad_value(ARGS("--max-time", " 5"), "--max-time", "' 5'");
    bad_value(ARGS("--idle-timeout", "1.2.3"), "--idle-timeout", "'1.2.3'");
    bad_value(ARGS("--speed-limit", "0"), "--speed-limit", "'0'");
    bad_value(ARGS("--speed-limit", "fast"), "--speed-limit", "'fast'");
    bad_value(ARGS("--speed-limit", "10x"), "--speed-limit", "'10x'");
    bad_value(ARGS("--speed-time", "0"), "--speed-time", "'0'");
    bad_value(ARGS("--resolver", "bind"), "--resolver", "'bind'");
    bad_value(ARGS("--cacert", ""), "--cacert", "empty");
    bad_value(ARGS("--dns-servers="), "--dns-servers", "empty");
}
END_TEST

START_TEST(test_bad_combinations)
{
    struct parsed p;
    parse(&p, ARGS("-4", "-6"));
    ck_assert_int_eq(p.applied, NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(p.err.text, "-4 and -6"));
    parse(&p, ARGS("--resolver", "system", "--dns-servers", "127.0.0.1"));
    ck_assert_int_eq(p.applied, NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(p.err.text, "--dns-servers needs the c-ares resolver"));
    parse(&p, ARGS("--key", "k.pem"));
    ck_assert_int_eq(p.applied, NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(p.err.text, "--key without --cert"));
}
END_TEST

START_TEST(test_parse_numbers)
{
    uint64_t b;
    ck_assert(cli_parse_bytes("0", &b) && b == 0);
    ck_assert(cli_parse_bytes("512", &b) && b == 512);
    ck_assert(cli_parse_bytes("2k", &b) && b == 2048);
    ck_assert(cli_parse_bytes("3M", &b) && b == 3u << 20);
    ck_assert(cli_parse_bytes("1G", &b) && b == 1u << 30);
    ck_assert(cli_parse_bytes("1t", &b) && b == 1ull << 40);
    ck_assert(cli_parse_bytes("18446744073709551615", &b) && b == UINT64_MAX);
    ck_assert(!cli_parse_bytes("18446744073709551616", &b));
    ck_assert(!cli_parse_bytes("16777216T", &b));
    ck_assert(!cli_parse_bytes("-1", &b));
    ck_assert(!cli_parse_bytes("1kb", &b));
    ck_assert(!cli_parse_bytes("", &b));
    ck_assert(!cli_parse_bytes(" 1", &b));
    long l;
    ck_assert(cli_parse_long("-1", -1, 10, &l) && l == -1);
    ck_assert(!cli_parse_long("-2", -1, 10, &l));
    ck_assert(!cli_parse_long("11", -1, 10, &l));
    ck_assert(!cli_parse_long("1.0", -1, 10, &l));
    ck_assert(!cli_parse_long("", -1, 10, &l));
    net_ms ms;
    ck_assert(cli_parse_seconds("0.5", &ms) && ms == 500);
    ck_assert(cli_parse_seconds("3", &ms) && ms == 3000);
    ck_assert(cli_parse_seconds(".25", &ms) && ms == 250);
    ck_assert(!cli_parse_seconds(".", &ms));
    ck_assert(!cli_parse_seconds("+1", &ms));
}
END_TEST

START_TEST(test_join_capacity)
{
    struct option out[5];
    ck_assert(!cli_options_join(tool_opts, cli_connopts_long, out, 5));
    ck_assert(!cli_options_join(tool_opts, tool_opts, out, 4));
    ck_assert(cli_options_join(tool_opts, tool_opts, out, 5));
    ck_assert_ptr_null(out[4].name);
    ck_assert_str_eq(out[3].name, "output");
    ck_assert_ptr_nonnull(strstr(cli_connopts_help(), "--speed-limit"));
}
END_TEST

static Suite *connopts_suite(void)
{
    Suite *s = suite_create("cli_connopts");
    TCase *tc = tcase_create("connopts");
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_good_values);
    tcase_add_test(tc, test_speed_defaults);
    tcase_add_test(tc, test_tls_options);
    tcase_add_test(tc, test_bad_values);
    tcase_add_test(tc, test_bad_combinations);
    tcase_add_test(tc, test_parse_numbers);
    tcase_add_test(tc, test_join_capacity);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(connopts_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
