/* test_url_resolve.c - reference resolution (RFC 3986 5.2, the examples of
 * 5.4) and formatting URLs without credentials. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libnet/url.h"

static struct net_url *parse_ok(const char *text)
{
    struct net_url *u = NULL;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_url_parse(text, NULL, &u, &err);
    ck_assert_msg(st == NET_OK, "parse \"%s\": %s: %s", text, net_status_name(st), err.text);
    return u;
}

/* Resolve ref against base; the result must be want. */
static void resolves(const char *base, const char *ref, const char *want)
{
    struct net_url *b = parse_ok(base);
    char *out = (char *)1;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_url_resolve(b, ref, &out, &err);
    ck_assert_msg(st == NET_OK, "resolve \"%s\" against \"%s\": %s: %s", ref, base,
                  net_status_name(st), err.text);
    ck_assert_msg(strcmp(out, want) == 0, "resolve \"%s\" against \"%s\": got \"%s\", want"
                  " \"%s\"", ref, base, out, want);
    free(out);
    net_url_free(b);
}

/* Resolving ref against base fails with NET_E_URL and a text holding frag. */
static void resolve_fails(const char *base, const char *ref, const char *frag)
{
    struct net_url *b = parse_ok(base);
    char *out = (char *)1;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_url_resolve(b, ref, &out, &err);
    ck_assert_msg(st == NET_E_URL, "resolve \"%s\": got %s (%s)", ref, net_status_name(st),
                  err.text);
    ck_assert_int_eq(err.status, NET_E_URL);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(err.text, frag) != NULL, "error \"%s\" lacks \"%s\"", err.text, frag);
    net_url_free(b);
}

/* ---- RFC 3986 section 5.4 ---- */

#define RFC_BASE "http://a/b/c/d;p?q"

struct rcase {
    const char *ref;
    const char *want;
};

/* 5.4.1 Normal Examples */
static const struct rcase normal[] = {
    {"g:h", "g:h"},
    {"g", "http://a/b/c/g"},
    {"./g", "http://a/b/c/g"},
    {"g/", "http://a/b/c/g/"},
    {"/g", "http://a/g"},
    {"//g", "http://g"},
    {"?y", "http://a/b/c/d;p?y"},
    {"g?y", "http://a/b/c/g?y"},
    {"#s", "http://a/b/c/d;p?q#s"},
    {"g#s", "http://a/b/c/g#s"},
    {"g?y#s", "http://a/b/c/g?y#s"},
    {";x", "http://a/b/c/;x"},
    {"g;x", "http://a/b/c/g;x"},
    {"g;x?y#s", "http://a/b/c/g;x?y#s"},
    {"", "http://a/b/c/d;p?q"},
    {".", "http://a/b/c/"},
    {"./", "http://a/b/c/"},
    {"..", "http://a/b/"},
    {"../", "http://a/b/"},
    {"../g", "http://a/b/g"},
    {"../..", "http://a/"},
    {"../../", "http://a/"},
    {"../../g", "http://a/g"},
};
#define N_NORMAL (int)(sizeof normal / sizeof normal[0])

/* 5.4.2 Abnormal Examples (strict parser for the last one) */
static const struct rcase abnormal[] = {
    {"../../../g", "http://a/g"},
    {"../../../../g", "http://a/g"},
    {"/./g", "http://a/g"},
    {"/../g", "http://a/g"},
    {"g.", "http://a/b/c/g."},
    {".g", "http://a/b/c/.g"},
    {"g..", "http://a/b/c/g.."},
    {"..g", "http://a/b/c/..g"},
    {"./../g", "http://a/b/g"},
    {"./g/.", "http://a/b/c/g/"},
    {"g/./h", "http://a/b/c/g/h"},
    {"g/../h", "http://a/b/c/h"},
    {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
    {"g;x=1/../y", "http://a/b/c/y"},
    {"g?y/./x", "http://a/b/c/g?y/./x"},
    {"g?y/../x", "http://a/b/c/g?y/../x"},
    {"g#s/./x", "http://a/b/c/g#s/./x"},
    {"g#s/../x", "http://a/b/c/g#s/../x"},
    {"http:g", "http:g"},
};
#define N_ABNORMAL (int)(sizeof abnormal / sizeof abnormal[0])

START_TEST(test_rfc_normal)
{
    resolves(RFC_BASE, normal[_i].ref, normal[_i].want);
}
END_TEST

START_TEST(test_rfc_abnormal)
{
    resolves(RFC_BASE, abnormal[_i].ref, abnormal[_i].want);
}
END_TEST

/* ---- redirects as servers send them ---- */

START_TEST(test_absolute)
{
    resolves("http://a/b/c", "https://other.example/x?y#z", "https://other.example/x?y#z");
    resolves("http://a/b/c", "HTTPS://Other.example/x", "https://Other.example/x");
    resolves("http://a/b/c", "https://b/../x/./y", "https://b/x/y");
    /* The reference's own authority is kept as it is written. */
    resolves("http://a/b/c", "http://[::1]:8080/p", "http://[::1]:8080/p");
}
END_TEST

START_TEST(test_network_path)
{
    resolves("https://a:8443/b/c?q", "//other:81/x", "https://other:81/x");
    resolves("https://a/b/c", "//other", "https://other");
    resolves("http://a/b", "//other/x/../y?z", "http://other/y?z");
}
END_TEST

START_TEST(test_query_only)
{
    resolves("http://a/b/c?old", "?new", "http://a/b/c?new");
    resolves("http://a/b/c", "?", "http://a/b/c?");
    resolves("http://a/b/c?old#frag", "?new#f2", "http://a/b/c?new#f2");
}
END_TEST

START_TEST(test_empty_ref)
{
    resolves("http://a/b/c?q", "", "http://a/b/c?q");
    /* The base's fragment is dropped. */
    resolves("http://a/b/c?q#basefrag", "", "http://a/b/c?q");
    resolves("http://a", "", "http://a");
}
END_TEST

START_TEST(test_fragment)
{
    resolves("http://a/b/c?q#old", "#new", "http://a/b/c?q#new");
    resolves("http://a/b/c", "d#sec/../x", "http://a/b/d#sec/../x");
    resolves("http://a/b/c#old", "/x", "http://a/x");
}
END_TEST

START_TEST(test_ipv6_base)
{
    resolves("http://[::1]:8080/a/b", "c", "http://[::1]:8080/a/c");
    resolves("http://[2001:db8::1]/a/b", "/c?d", "http://[2001:db8::1]/c?d");
    resolves("http://[fe80::1%25eth0]/a", "b", "http://[fe80::1%25eth0]/b");
}
END_TEST

START_TEST(test_port_given)
{
    resolves("http://a:8080/b/c", "d", "http://a:8080/b/d");
    resolves("http://a:80/b/c", "/d", "http://a:80/d");
    /* No port in the base: none in the result. */
    resolves("https://a/b/c", "/d", "https://a/d");
}
END_TEST

START_TEST(test_base_without_path)
{
    /* RFC 3986 5.2.3: an authority with an empty path merges as "/". */
    resolves("http://a", "g", "http://a/g");
    resolves("http://a?q", "../g", "http://a/g");
}
END_TEST

START_TEST(test_credentials_dropped)
{
    resolves("http://user:Pw5secret@a/b/c", "d", "http://a/b/d");
    resolves("http://user:Pw5secret@a/b/c", "", "http://a/b/c");
    resolves("http://user@a/b/c", "//b/x", "http://b/x");
}
END_TEST

START_TEST(test_non_ascii_encoded)
{
    resolves("http://a/b/c", "/caf\xc3\xa9?q=\xff", "http://a/caf%C3%A9?q=%FF");
    /* The result parses. */
    struct net_url *b = parse_ok("http://a/b/c");
    char *out = NULL;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_url_resolve(b, "x/\xe2\x82\xac", &out, &err), NET_OK);
    struct net_url *u = parse_ok(out);
    ck_assert_str_eq(u->path, "/b/x/%E2%82%AC");
    net_url_free(u);
    free(out);
    net_url_free(b);
}
END_TEST

START_TEST(test_bad_ref)
{
    resolve_fails("http://a/b", "/x y", "space 0x20 at offset 2");
    resolve_fails("http://a/b", "/x\r\nSet-Cookie: a=b", "control byte 0x0d at offset 2");
    resolve_fails("http://a/b", "\n", "control byte 0x0a at offset 0");
    resolve_fails("http://a/b", "/x\ty", "control byte 0x09");
    resolve_fails("http://a/b", "/x\x7fy", "control byte 0x7f");
    resolve_fails("http://a/b", "/x\x01", "control byte 0x01");
}
END_TEST

START_TEST(test_overlong_ref)
{
    char *ref = malloc(NET_URL_MAX + 2);
    ck_assert_ptr_nonnull(ref);
    memset(ref, 'a', NET_URL_MAX + 1);
    ref[0] = '/';
    ref[NET_URL_MAX + 1] = '\0';
    resolve_fails("http://a/b", ref, "longer than 65536 bytes");
    /* Exactly the cap resolves, as long as the result fits too. */
    ref[NET_URL_MAX - 20] = '\0';
    struct net_url *b = parse_ok("http://a/b");
    char *out = NULL;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_url_resolve(b, ref, &out, &err), NET_OK);
    ck_assert_uint_eq(strlen(out), strlen("http://a") + NET_URL_MAX - 20);
    free(out);
    /* A result over the cap is refused. */
    ref[NET_URL_MAX - 20] = 'a';
    ref[NET_URL_MAX] = '\0';
    ck_assert_int_eq(net_url_resolve(b, ref, &out, &err), NET_E_URL);
    ck_assert_ptr_nonnull(strstr(err.text, "result is longer"));
    net_url_free(b);
    free(ref);
}
END_TEST

START_TEST(test_usage)
{
    struct net_url *b = parse_ok("http://a/b");
    char *out = NULL;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_url_resolve(NULL, "x", &out, &err), NET_E_USAGE);
    ck_assert_int_eq(net_url_resolve(b, NULL, &out, &err), NET_E_USAGE);
    ck_assert_int_eq(net_url_resolve(b, "x", NULL, &err), NET_E_USAGE);
    ck_assert_int_eq(net_url_format(NULL, &out, &err), NET_E_USAGE);
    net_url_free(b);
}
END_TEST

/* ---- formatting ---- */

static void formats(const char *text, const char *want)
{
    struct net_url *u = parse_ok(text);
    char *out = (char *)1;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_url_format(u, &out, &err), NET_OK);
    ck_assert_msg(strcmp(out, want) == 0, "format \"%s\": got \"%s\", want \"%s\"", text, out,
                  want);
    free(out);
    net_url_free(u);
}

START_TEST(test_format)
{
    formats("http://example.com/a/b?c=d", "http://example.com/a/b?c=d");
    formats("HTTPS://Example.COM", "https://example.com/");
    formats("http://example.com:8080/x", "http://example.com:8080/x");
    formats("http://example.com:80/x", "http://example.com:80/x");
    formats("http://example.com/x#frag", "http://example.com/x");
    formats("http://example.com?q", "http://example.com/?q");
    formats("http://[::1]:8080/x", "http://[::1]:8080/x");
    formats("http://[fe80::1%25eth0]/", "http://[fe80::1%25eth0]/");
    formats("ftp://10.0.0.1/pub/", "ftp://10.0.0.1/pub/");
}
END_TEST

START_TEST(test_format_no_credentials)
{
    formats("http://user:Pw5secret@example.com/x", "http://example.com/x");
    formats("http://user@example.com:81/", "http://example.com:81/");
    struct net_url *u = parse_ok("https://alice:Pw5secret@example.com/");
    char *out = NULL;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_url_format(u, &out, &err), NET_OK);
    ck_assert_ptr_null(strstr(out, "alice"));
    ck_assert_ptr_null(strstr(out, "Pw5secret"));
    ck_assert_ptr_null(strchr(out, '@'));
    free(out);
    net_url_free(u);
}
END_TEST

static Suite *resolve_suite(void)
{
    Suite *s = suite_create("url_resolve");
    TCase *tc = tcase_create("rfc3986");
    tcase_add_loop_test(tc, test_rfc_normal, 0, N_NORMAL);
    tcase_add_loop_test(tc, test_rfc_abnormal, 0, N_ABNORMAL);
    suite_add_tcase(s, tc);

    tc = tcase_create("redirects");
    tcase_add_test(tc, test_absolute);
    tcase_add_test(tc, test_network_path);
    tcase_add_test(tc, test_query_only);
    tcase_add_test(tc, test_empty_ref);
    tcase_add_test(tc, test_fragment);
    tcase_add_test(tc, test_ipv6_base);
    tcase_add_test(tc, test_port_given);
    tcase_add_test(tc, test_base_without_path);
    tcase_add_test(tc, test_credentials_dropped);
    tcase_add_test(tc, test_non_ascii_encoded);
    tcase_add_test(tc, test_bad_ref);
    tcase_add_test(tc, test_overlong_ref);
    tcase_add_test(tc, test_usage);
    suite_add_tcase(s, tc);

    tc = tcase_create("format");
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_format_no_credentials);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(resolve_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
