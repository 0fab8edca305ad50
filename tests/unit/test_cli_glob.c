/* test_cli_glob.c - curl's URL globbing: ranges, padding, letters, steps,
 * lists, their product and order, IPv6 literals, escapes, errors, the cap,
 * and #N in output names. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common/glob.h"

/* Expand url (globbing on) and compare with want, '|'-separated. */
static void expands_to(const char *url, const char *want)
{
    struct cli_glob *g;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = cli_glob_new(url, true, &g, &err);
    ck_assert_msg(st == NET_OK, "\"%s\": %s", url, err.text);
    char got[4096] = "";
    size_t n = 0;
    for (const char *u; (u = cli_glob_next(g)) != NULL; n++) {
        if (n > 0)
            strcat(got, "|");
        strncat(got, u, sizeof got - strlen(got) - 1);
    }
    ck_assert_uint_eq(n, cli_glob_count(g));
    ck_assert_ptr_null(cli_glob_next(g));       /* stays done */
    ck_assert_str_eq(got, want);
    cli_glob_free(g);
}

static void refused(const char *url, const char *frag)
{
    struct cli_glob *g = (struct cli_glob *)1;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = cli_glob_new(url, true, &g, &err);
    ck_assert_msg(st == NET_E_USAGE, "\"%s\": got %s (%s)", url, net_status_name(st), err.text);
    ck_assert_ptr_null(g);
    ck_assert_msg(strstr(err.text, frag) != NULL, "\"%s\": \"%s\" lacks \"%s\"", url, err.text,
                  frag);
}

START_TEST(test_plain)
{
    expands_to("http://h/x", "http://h/x");
    expands_to("", "");
}
END_TEST

START_TEST(test_numbers)
{
    expands_to("h/[1-3]", "h/1|h/2|h/3");
    expands_to("h/[8-11]", "h/8|h/9|h/10|h/11");
    expands_to("h/[001-003]", "h/001|h/002|h/003");
    expands_to("h/[08-10]", "h/08|h/09|h/10");
    expands_to("h/[0-2]", "h/0|h/1|h/2");
    expands_to("h/[1-10:4]", "h/1|h/5|h/9");
    expands_to("h/[5-5]", "h/5");
}
END_TEST

START_TEST(test_letters)
{
    expands_to("h/[a-c]", "h/a|h/b|h/c");
    expands_to("h/[A-E:2]", "h/A|h/C|h/E");
}
END_TEST

START_TEST(test_lists)
{
    expands_to("h/{one,two}", "h/one|h/two");
    expands_to("h/{a,,b}", "h/a|h/|h/b");
    expands_to("h/{x}", "h/x");
    expands_to("h/{a\\,b,c}", "h/a,b|h/c");
    expands_to("h/{a\\}b}", "h/a}b");
}
END_TEST

START_TEST(test_product_rightmost_fastest)
{
    expands_to("{a,b}/[1-2]", "a/1|a/2|b/1|b/2");
    expands_to("[1-2][x-y]{p,q}", "1xp|1xq|1yp|1yq|2xp|2xq|2yp|2yq");
}
END_TEST

START_TEST(test_literals)
{
    expands_to("http://[::1]:8080/[1-2]", "http://[::1]:8080/1|http://[::1]:8080/2");
    expands_to("http://[fe80::1%25eth0]/", "http://[fe80::1%25eth0]/");
    expands_to("http://[2001:db8::a.b]/x", "http://[2001:db8::a.b]/x");
    expands_to("h/\\[1-2\\]", "h/[1-2]");
    expands_to("h/\\{a\\}", "h/{a}");
    expands_to("h/a\\b", "h/a\\b");
}
END_TEST

START_TEST(test_globoff)
{
    struct cli_glob *g;
    struct net_err err;
    ck_assert_int_eq(cli_glob_new("h/[1-3]{a,b}]", false, &g, &err), NET_OK);
    ck_assert_uint_eq(cli_glob_count(g), 1);
    ck_assert_str_eq(cli_glob_next(g), "h/[1-3]{a,b}]");
    ck_assert_ptr_null(cli_glob_next(g));
    cli_glob_free(g);
}
END_TEST

START_TEST(test_malformed)
{
    refused("h/[1-", "bad range at pos 3");
    refused("h/[1-2", "bad range");
    refused("h/[5-1]", "bad range");
    refused("h/[a-Z]", "bad range");
    refused("h/[z-a]", "bad range");
    refused("h/[a-9]", "bad range");
    refused("h/[1-10:0]", "bad range");
    refused("h/[1-10:]", "bad range");
    refused("h/[1-2x]", "bad range");
    refused("h/[]", "bad range");
    refused("h/[-1-2]", "bad range");
    refused("h/{a,b", "unmatched brace at pos 3");
    refused("h/{a{b}}", "nested brace at pos 5");
    refused("h/a]b", "unmatched close bracket at pos 4");
    refused("h/a}b", "unmatched close brace");
    refused("h/[1-1234567890123456789]", "bad range");
}
END_TEST

START_TEST(test_cap)
{
    struct cli_glob *g;
    struct net_err err;
    net_err_clear(&err);
    /* exactly the cap is fine, and nothing is expanded in advance */
    ck_assert_int_eq(cli_glob_new("h/[1-10000000]", true, &g, &err), NET_OK);
    ck_assert_uint_eq(cli_glob_count(g), CLI_GLOB_URLS_MAX);
    ck_assert_str_eq(cli_glob_next(g), "h/1");
    cli_glob_free(g);
    refused("h/[1-10000000]{a,b}", "more than 10000000 URLs");
    refused("h/[1-100000000]", "more than 10000000 URLs");
    refused("[1-10000][1-10000]", "more than");
    char many[1024] = "h/";
    for (int i = 0; i < CLI_GLOB_PATTERNS_MAX + 1; i++)
        strcat(many, "{a}");
    refused(many, "too many patterns");
}
END_TEST

START_TEST(test_names)
{
    struct cli_glob *g;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(cli_glob_new("h/{x,y}/[08-09]", true, &g, &err), NET_OK);
    const char *want[] = {"x-08", "x-09", "y-08", "y-09"};
    for (int i = 0; i < 4; i++) {
        ck_assert_ptr_nonnull(cli_glob_next(g));
        char *name;
        ck_assert_int_eq(cli_glob_name(g, "#1-#2", &name, &err), NET_OK);
        ck_assert_str_eq(name, want[i]);
        free(name);
    }
    char *name;
    ck_assert_int_eq(cli_glob_name(g, "a#3#0#x#12#", &name, &err), NET_OK);
    ck_assert_str_eq(name, "a#3#0#x#12#");
    free(name);
    ck_assert_int_eq(cli_glob_name(g, "#1#1.#2", &name, &err), NET_OK);
    ck_assert_str_eq(name, "yy.09");
    free(name);
    cli_glob_free(g);
}
END_TEST

static Suite *glob_suite(void)
{
    Suite *s = suite_create("cli_glob");
    TCase *tc = tcase_create("glob");
    tcase_add_test(tc, test_plain);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_letters);
    tcase_add_test(tc, test_lists);
    tcase_add_test(tc, test_product_rightmost_fastest);
    tcase_add_test(tc, test_literals);
    tcase_add_test(tc, test_globoff);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_cap);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(glob_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
