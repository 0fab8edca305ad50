/* test_http_proxy.c - proxy selection: explicit options, the environment
 * (http_proxy & co), no_proxy matching, and the proxy URL's credentials. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/http/proxy.h"

static const char *const proxy_vars[] = {
    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
    "all_proxy",  "ALL_PROXY",  "no_proxy",    "NO_PROXY",
};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof proxy_vars / sizeof proxy_vars[0]; i++)
        unsetenv(proxy_vars[i]);
}

/* Select for url; must succeed. The result may be NULL. */
static struct net_http_proxy *select_ok(const char *url, const char *proxy,
                                        const char *no_proxy, bool use_env)
{
    struct net_url *u = NULL;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_url_parse(url, NULL, &u, &err), NET_OK);
    struct net_http_proxy *p = (struct net_http_proxy *)1;
    enum net_status st = net_http_proxy_select(u, proxy, no_proxy, use_env, &p, &err);
    ck_assert_msg(st == NET_OK, "select for %s: %s: %s", url, net_status_name(st), err.text);
    net_url_free(u);
    return p;
}

/* Select for url must fail with want, the text holding frag. */
static void select_fails(const char *url, const char *proxy, enum net_status want,
                         const char *frag, const char *secret)
{
    struct net_url *u = NULL;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_url_parse(url, NULL, &u, &err), NET_OK);
    struct net_http_proxy *p = (struct net_http_proxy *)1;
    enum net_status st = net_http_proxy_select(u, proxy, NULL, false, &p, &err);
    ck_assert_msg(st == want, "proxy %s: got %s (%s), want %s", proxy, net_status_name(st),
                  err.text, net_status_name(want));
    ck_assert_int_eq(err.status, want);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(err.text, frag) != NULL, "error \"%s\" lacks \"%s\"", err.text, frag);
    if (secret != NULL)
        ck_assert_msg(strstr(err.text, secret) == NULL, "error \"%s\" shows the secret",
                      err.text);
    net_url_free(u);
}

/* The proxy chosen for url is host:port. */
static void expect_proxy(const char *url, const char *proxy, const char *no_proxy,
                         bool use_env, const char *host, unsigned port)
{
    struct net_http_proxy *p = select_ok(url, proxy, no_proxy, use_env);
    ck_assert_msg(p != NULL, "no proxy chosen for %s", url);
    ck_assert_str_eq(p->host, host);
    ck_assert_uint_eq(p->port, port);
    net_http_proxy_free(p);
}

static void expect_none(const char *url, const char *proxy, const char *no_proxy,
                        bool use_env)
{
    struct net_http_proxy *p = select_ok(url, proxy, no_proxy, use_env);
    ck_assert_msg(p == NULL, "proxy %s chosen for %s", p ? p->display : "", url);
}

/* ---- where the proxy comes from ---- */

START_TEST(test_explicit_beats_env)
{
    clear_env();
    setenv("http_proxy", "http://envproxy:1111", 1);
    setenv("all_proxy", "http://allproxy:2222", 1);
    expect_proxy("http://example.com/", "http://explicit:3333", NULL, true, "explicit", 3333);
    expect_proxy("http://example.com/", NULL, NULL, true, "envproxy", 1111);
    clear_env();
}
END_TEST

START_TEST(test_empty_disables)
{
    clear_env();
    setenv("http_proxy", "http://envproxy:1111", 1);
    setenv("https_proxy", "http://envproxy:1111", 1);
    setenv("all_proxy", "http://allproxy:2222", 1);
    expect_none("http://example.com/", "", NULL, true);
    expect_none("https://example.com/", "", NULL, true);
    /* Without use_env the environment is not read at all. */
    expect_none("http://example.com/", NULL, NULL, false);
    clear_env();
    expect_none("http://example.com/", NULL, NULL, true);
}
END_TEST

START_TEST(test_http_lower_case_only)
{
    clear_env();
    setenv("HTTP_PROXY", "http://httpoxy:6666", 1);
    expect_none("http://example.com/", NULL, NULL, true);
    setenv("http_proxy", "http://lower:7777", 1);
    expect_proxy("http://example.com/", NULL, NULL, true, "lower", 7777);
    /* http_proxy is not for https. */
    expect_none("https://example.com/", NULL, NULL, true);
    clear_env();
}
END_TEST

START_TEST(test_https_vars)
{
    clear_env();
    setenv("HTTPS_PROXY", "http://upper:4444", 1);
    expect_proxy("https://example.com/", NULL, NULL, true, "upper", 4444);
    setenv("https_proxy", "http://lower:5555", 1);
    expect_proxy("https://example.com/", NULL, NULL, true, "lower", 5555);
    /* https_proxy is not for http. */
    expect_none("http://example.com/", NULL, NULL, true);
    /* An empty variable counts as unset. */
    setenv("https_proxy", "", 1);
    expect_proxy("https://example.com/", NULL, NULL, true, "upper", 4444);
    clear_env();
}
END_TEST

START_TEST(test_all_proxy)
{
    clear_env();
    setenv("ALL_PROXY", "http://upperall:1000", 1);
    expect_proxy("http://example.com/", NULL, NULL, true, "upperall", 1000);
    expect_proxy("https://example.com/", NULL, NULL, true, "upperall", 1000);
    setenv("all_proxy", "http://lowerall:2000", 1);
    expect_proxy("http://example.com/", NULL, NULL, true, "lowerall", 2000);
    expect_proxy("https://example.com/", NULL, NULL, true, "lowerall", 2000);
    /* A scheme's own variable beats all_proxy. */
    setenv("http_proxy", "http://own:3000", 1);
    setenv("https_proxy", "http://ownsecure:4000", 1);
    expect_proxy("http://example.com/", NULL, NULL, true, "own", 3000);
    expect_proxy("https://example.com/", NULL, NULL, true, "ownsecure", 4000);
    clear_env();
}
END_TEST

/* ---- no_proxy ---- */

struct np_case {
    const char *list;
    const char *host;
    bool match;
};

static const struct np_case np_cases[] = {
    {"*", "example.com", true},
    {"*", "10.1.2.3", true},
    {"*", "::1", true},
    {"", "example.com", false},
    /* exact and suffix */
    {"example.com", "example.com", true},
    {"example.com", "www.example.com", true},
    {"example.com", "a.b.example.com", true},
    {".example.com", "www.example.com", true},
    {".example.com", "example.com", true},
    {"example.com.", "www.example.com", true},
    {"example.com", "www.example.com.", true},
    /* not a suffix at a label boundary */
    {"example.com", "notexample.com", false},
    {".example.com", "notexample.com", false},
    {"example.com", "example.com.evil.net", false},
    {"www.example.com", "example.com", false},
    {"ample.com", "example.com", false},
    /* case */
    {"EXAMPLE.Com", "www.example.com", true},
    {"example.com", "WWW.EXAMPLE.COM", true},
    /* IPv4 literals */
    {"127.0.0.1", "127.0.0.1", true},
    {"127.0.0.1", "127.0.0.2", false},
    {"0.0.1", "10.0.0.1", false},
    {"127.0.0.1", "localhost", false},
    /* CIDR v4 */
    {"10.0.0.0/8", "10.200.3.4", true},
    {"10.0.0.0/8", "11.0.0.1", false},
    {"192.168.1.0/24", "192.168.1.77", true},
    {"192.168.1.0/24", "192.168.2.77", false},
    {"192.168.1.128/25", "192.168.1.127", false},
    {"192.168.1.128/25", "192.168.1.129", true},
    {"0.0.0.0/0", "8.8.8.8", true},
    {"10.0.0.0/33", "10.0.0.1", false},
    {"10.0.0.0/8", "example.com", false},
    {"10.0.0.0/8", "::1", false},
    /* IPv6 literals and CIDR */
    {"::1", "::1", true},
    {"[::1]", "::1", true},
    {"::1", "[::1]", true},
    {"::1", "::2", false},
    {"fe80::/10", "fe80::1%eth0", true},
    {"fe80::/10", "fec0::1", false},
    {"2001:db8::/32", "2001:db8:ffff::1", true},
    {"2001:db8::/32", "2001:db9::1", false},
    {"2001:db8::/129", "2001:db8::1", false},
    {"2001:db8::/32", "10.0.0.1", false},
    /* ":port" ignored */
    {"example.com:8080", "example.com", true},
    {"example.com:8080", "www.example.com", true},
    {"127.0.0.1:3128", "127.0.0.1", true},
    {"[::1]:8080", "::1", true},
    /* lists: commas, spaces, tabs, empty entries */
    {"foo.org, example.com", "www.example.com", true},
    {"foo.org,example.com", "example.com", true},
    {"foo.org example.com", "example.com", true},
    {" , ,foo.org,\t10.0.0.0/8 ,", "10.9.9.9", true},
    {"foo.org, bar.org", "example.com", false},
    {"foo.org,*", "example.com", true},
    {",,,", "example.com", false},
};
#define N_NP (int)(sizeof np_cases / sizeof np_cases[0])

START_TEST(test_no_proxy_match)
{
    const struct np_case *c = &np_cases[_i];
    ck_assert_msg(net_http_no_proxy_match(c->list, c->host) == c->match,
                  "no_proxy \"%s\" host \"%s\": want %s", c->list, c->host,
                  c->match ? "match" : "no match");
}
END_TEST

START_TEST(test_no_proxy_null)
{
    ck_assert(!net_http_no_proxy_match(NULL, "example.com"));
    ck_assert(!net_http_no_proxy_match("*", NULL));
    ck_assert(!net_http_no_proxy_match("example.com", ""));
}
END_TEST

START_TEST(test_no_proxy_select)
{
    clear_env();
    setenv("http_proxy", "http://envproxy:1111", 1);
    setenv("no_proxy", "internal.example", 1);
    expect_none("http://www.internal.example/", NULL, NULL, true);
    expect_proxy("http://www.example.com/", NULL, NULL, true, "envproxy", 1111);
    /* The environment's no_proxy also exempts from an explicit proxy. */
    expect_none("http://www.internal.example/", "http://explicit:2", NULL, true);
    /* An explicit no_proxy replaces the environment's; "" exempts nothing. */
    expect_proxy("http://www.internal.example/", NULL, "", true, "envproxy", 1111);
    expect_none("http://www.example.com/", NULL, "example.com", true);
    /* NO_PROXY when no_proxy is unset. */
    unsetenv("no_proxy");
    setenv("NO_PROXY", "*", 1);
    expect_none("http://www.example.com/", NULL, NULL, true);
    /* Without use_env, the environment's no_proxy does not apply. */
    expect_proxy("http://www.example.com/", "http://explicit:2", NULL, false, "explicit", 2);
    /* IP targets. */
    expect_none("http://10.1.2.3:8080/", "http://p:1", "10.0.0.0/8", false);
    expect_none("http://[::1]:8080/", "http://p:1", "::1", false);
    expect_proxy("http://[::2]:8080/", "http://p:1", "::1", false, "p", 1);
    clear_env();
}
END_TEST

/* ---- the proxy URL ---- */

START_TEST(test_proxy_credentials)
{
    struct net_http_proxy *p =
        select_ok("http://example.com/", "http://us%65r:p%40ss%3Aw0rd@proxy.local:3128/",
                  NULL, false);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->host, "proxy.local");
    ck_assert_uint_eq(p->port, 3128);
    ck_assert_str_eq(p->user, "user");
    ck_assert_str_eq(p->password, "p@ss:w0rd");
    ck_assert_str_eq(p->display, "http://proxy.local:3128");
    ck_assert_ptr_null(strstr(p->display, "w0rd"));
    ck_assert_ptr_null(strstr(p->display, "user"));
    net_http_proxy_free(p);

    p = select_ok("https://example.com/", "http://onlyuser@proxy.local:3128", NULL, false);
    ck_assert_str_eq(p->user, "onlyuser");
    ck_assert_ptr_null(p->password);
    net_http_proxy_free(p);

    p = select_ok("https://example.com/", "http://proxy.local:3128", NULL, false);
    ck_assert_ptr_null(p->user);
    ck_assert_ptr_null(p->password);
    net_http_proxy_free(p);
}
END_TEST

START_TEST(test_proxy_no_scheme)
{
    struct net_http_proxy *p = select_ok("http://example.com/", "proxy.local:3128", NULL, false);
    ck_assert_str_eq(p->host, "proxy.local");
    ck_assert_uint_eq(p->port, 3128);
    ck_assert_str_eq(p->display, "http://proxy.local:3128");
    net_http_proxy_free(p);
    /* No port: curl's proxy default, 1080. */
    p = select_ok("http://example.com/", "HTTP://Proxy.Local", NULL, false);
    ck_assert_str_eq(p->host, "proxy.local");
    ck_assert_uint_eq(p->port, 1080);
    ck_assert_str_eq(p->display, "http://proxy.local:1080");
    net_http_proxy_free(p);
    p = select_ok("http://example.com/", "user:secret@proxy.local:8080", NULL, false);
    ck_assert_str_eq(p->user, "user");
    ck_assert_str_eq(p->password, "secret");
    ck_assert_uint_eq(p->port, 8080);
    net_http_proxy_free(p);
}
END_TEST

START_TEST(test_proxy_ipv6)
{
    struct net_http_proxy *p = select_ok("http://example.com/", "http://[::1]:8080", NULL, false);
    ck_assert_str_eq(p->host, "::1");
    ck_assert_uint_eq(p->port, 8080);
    ck_assert_str_eq(p->display, "http://[::1]:8080");
    net_http_proxy_free(p);
}
END_TEST

START_TEST(test_proxy_bad_scheme)
{
    select_fails("http://example.com/", "socks5://proxy.local:1080", NET_E_USAGE,
                 "\"socks5\"", NULL);
    select_fails("http://example.com/", "https://proxy.local:443", NET_E_USAGE,
                 "\"https\"", NULL);
    select_fails("http://example.com/", "socks5h://user:secret@proxy.local", NET_E_USAGE,
                 "only http:// proxies", "secret");
}
END_TEST

START_TEST(test_proxy_unsafe_credentials)
{
    select_fails("http://example.com/", "http://us%0d%0aer:Pw7Kx@proxy.local:1",
                 NET_E_UNSAFE_INPUT, "proxy user name", "Pw7Kx");
    select_fails("http://example.com/", "http://user:Zq9%0aXy@proxy.local:1",
                 NET_E_UNSAFE_INPUT, "proxy password", "Zq9");
    select_fails("http://example.com/", "http://user:Zq9%0dXy@proxy.local:1",
                 NET_E_UNSAFE_INPUT, "proxy password", "Xy");
    select_fails("http://example.com/", "http://user:Zq9%00Xy@proxy.local:1",
                 NET_E_UNSAFE_INPUT, "proxy password", "Zq9");
    select_fails("http://example.com/", "http://a%3Ab:Pw7Kx@proxy.local:1", NET_E_USAGE,
                 "':'", "Pw7Kx");
}
END_TEST

START_TEST(test_proxy_malformed)
{
    select_fails("http://example.com/", "http://proxy.local:99999", NET_E_URL,
                 "proxy (from the proxy option): malformed URL: bad port", NULL);
    select_fails("http://example.com/", "http://user:topsecret@/", NET_E_URL, "proxy ",
                 "topsecret");
    /* The error names the variable a bad proxy came from. */
    clear_env();
    setenv("https_proxy", "socks5://proxy.local", 1);
    struct net_url *u = NULL;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_url_parse("https://example.com/", NULL, &u, &err), NET_OK);
    struct net_http_proxy *p = NULL;
    ck_assert_int_eq(net_http_proxy_select(u, NULL, NULL, true, &p, &err), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.text, "proxy (from https_proxy): scheme \"socks5\""));
    setenv("https_proxy", "http://proxy.local:1\r\n", 1);
    ck_assert_int_eq(net_http_proxy_select(u, NULL, NULL, true, &p, &err), NET_E_URL);
    ck_assert_ptr_nonnull(strstr(err.text, "proxy (from https_proxy): malformed URL"));
    net_url_free(u);
    clear_env();
}
END_TEST

START_TEST(test_usage)
{
    struct net_http_proxy *p = NULL;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_http_proxy_select(NULL, "http://p:1", NULL, false, &p, &err),
                     NET_E_USAGE);
    net_http_proxy_free(NULL);
}
END_TEST

static Suite *proxy_suite(void)
{
    Suite *s = suite_create("http_proxy");
    TCase *tc = tcase_create("source");
    tcase_add_test(tc, test_explicit_beats_env);
    tcase_add_test(tc, test_empty_disables);
    tcase_add_test(tc, test_http_lower_case_only);
    tcase_add_test(tc, test_https_vars);
    tcase_add_test(tc, test_all_proxy);
    suite_add_tcase(s, tc);

    tc = tcase_create("no_proxy");
    tcase_add_loop_test(tc, test_no_proxy_match, 0, N_NP);
    tcase_add_test(tc, test_no_proxy_null);
    tcase_add_test(tc, test_no_proxy_select);
    suite_add_tcase(s, tc);

    tc = tcase_create("url");
    tcase_add_test(tc, test_proxy_credentials);
    tcase_add_test(tc, test_proxy_no_scheme);
    tcase_add_test(tc, test_proxy_ipv6);
    tcase_add_test(tc, test_proxy_bad_scheme);
    tcase_add_test(tc, test_proxy_unsafe_credentials);
    tcase_add_test(tc, test_proxy_malformed);
    tcase_add_test(tc, test_usage);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(proxy_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
