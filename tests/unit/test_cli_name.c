/* test_cli_name.c - local names from URL paths (-O): what is kept and what
 * is refused, after percent-decoding. */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common/name.h"

static void name_ok(const char *path, const char *want)
{
    char *got = (char *)1;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = cli_name_from_url_path(path, &got, &err);
    ck_assert_msg(st == NET_OK, "\"%s\": %s: %s", path, net_status_name(st), err.text);
    ck_assert_str_eq(got, want);
    free(got);
}

static void name_refused(const char *path, enum net_status want, const char *frag)
{
    char *got = (char *)1;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = cli_name_from_url_path(path, &got, &err);
    ck_assert_msg(st == want, "\"%s\": got %s (%s), want %s", path, net_status_name(st),
                  err.text, net_status_name(want));
    ck_assert_int_eq(err.status, want);
    ck_assert_ptr_null(got);
    ck_assert_msg(strstr(err.text, frag) != NULL, "\"%s\": \"%s\" lacks \"%s\"", path, err.text,
                  frag);
}

START_TEST(test_last_segment)
{
    name_ok("/file.txt", "file.txt");
    name_ok("/dir/sub/file.tar.gz", "file.tar.gz");
    name_ok("/a/b%20c", "b c");
    name_ok("/x/%C3%A9t%C3%A9", "\xc3\xa9t\xc3\xa9");
    name_ok("/a/..b", "..b");
    name_ok("/a/...", "...");
    name_ok("/a/.hidden", ".hidden");
    name_ok("/%2e%2e%2efile", "...file");
    name_ok("noslash", "noslash");
    name_ok("/a/-", "-");
}
END_TEST

START_TEST(test_empty_refused)
{
    name_refused("", NET_E_USAGE, "no file name");
    name_refused("/", NET_E_USAGE, "no file name");
    name_refused("/dir/", NET_E_USAGE, "no file name");
    name_refused(NULL, NET_E_USAGE, "no file name");
}
END_TEST

START_TEST(test_dots_refused)
{
    name_refused("/a/.", NET_E_USAGE, "directory reference");
    name_refused("/a/..", NET_E_USAGE, "directory reference");
    name_refused("..", NET_E_USAGE, "directory reference");
    name_refused("/a/%2e%2e", NET_E_USAGE, "directory reference");
    name_refused("/a/%2E%2e", NET_E_USAGE, "directory reference");
    name_refused("/a/.%2e", NET_E_USAGE, "\".%2e\"");
    name_refused("/a/%2e", NET_E_USAGE, "directory reference");
}
END_TEST

START_TEST(test_separators_refused)
{
    name_refused("/a%2fb", NET_E_USAGE, "path separator");
    name_refused("/x/a%2Fb", NET_E_USAGE, "path separator");
    name_refused("/x/..%2f..%2fetc%2fpasswd", NET_E_USAGE, "path separator");
    name_refused("/x/a%5cb", NET_E_USAGE, "path separator");
    name_refused("/x/a\\b", NET_E_USAGE, "path separator");
}
END_TEST

START_TEST(test_control_bytes_refused)
{
    name_refused("/x/a%00b", NET_E_USAGE, "control byte");
    name_refused("/x/%00", NET_E_USAGE, "control byte");
    name_refused("/x/a%0d%0ab", NET_E_USAGE, "control byte");
    name_refused("/x/%1b[31mred", NET_E_USAGE, "control byte");
    name_refused("/x/a%7f", NET_E_USAGE, "control byte");
    name_refused("/x/tab%09", NET_E_USAGE, "control byte");
    /* a raw control byte is quoted escaped in the message */
    name_refused("/x/a\x1b" "b", NET_E_USAGE, "\"a\\x1bb\"");
}
END_TEST

START_TEST(test_malformed_and_long)
{
    name_refused("/x/a%zz", NET_E_URL, "");
    name_refused("/x/a%4", NET_E_URL, "");
    char path[NAME_MAX + 8];
    path[0] = '/';
    memset(path + 1, 'a', NAME_MAX + 1);
    path[NAME_MAX + 2] = '\0';
    name_refused(path, NET_E_USAGE, "longer than a file name");
    path[NAME_MAX + 1] = '\0';      /* exactly NAME_MAX is fine */
    char *got;
    struct net_err err;
    ck_assert_int_eq(cli_name_from_url_path(path, &got, &err), NET_OK);
    ck_assert_uint_eq(strlen(got), NAME_MAX);
    free(got);
}
END_TEST

static Suite *name_suite(void)
{
    Suite *s = suite_create("cli_name");
    TCase *tc = tcase_create("name");
    tcase_add_test(tc, test_last_segment);
    tcase_add_test(tc, test_empty_refused);
    tcase_add_test(tc, test_dots_refused);
    tcase_add_test(tc, test_separators_refused);
    tcase_add_test(tc, test_control_bytes_refused);
    tcase_add_test(tc, test_malformed_and_long);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(name_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
