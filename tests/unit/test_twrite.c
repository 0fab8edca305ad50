/* test_twrite.c - the transcript writer: escapes, record kinds, masks and
 * placeholders, header lines, directives, sidecars, discarding. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/tmpfiles.h"
#include "protocols/fixture/twrite.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    ck_assert_ptr_nonnull(tmpfiles_mkdir("test_twrite", dir, sizeof dir));
    snprintf(path, sizeof path, "%s/case.dlg", dir);
}

static void teardown(void)
{
    ck_assert_int_eq(tmpfiles_rmdir(dir), 0);
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static struct net_tw *open_tw(void)
{
    struct net_tw *w = NULL;
    struct net_err err;
    ck_assert_int_eq(net_tw_open(path, &w, &err), NET_OK);
    return w;
}

static void close_and_expect(struct net_tw *w, const char *want)
{
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_tw_close(w, true, &err), NET_OK);
    char *got = tmpfiles_slurp(path, NULL);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(test_escape)
{
    const char in[] = "a\\b{c}\r\n\t\x01\x7f\0\xc3\xa9 ";
    char out[64];
    size_t need = net_tw_escape(in, sizeof in - 1, out, sizeof out);
    ck_assert_str_eq(out, "a\\\\b\\{c}\\r\\n\\t\\x01\\x7f\\0\xc3\xa9 ");
    ck_assert_uint_eq(need, strlen(out));
    /* cut output: still NUL-terminated, the needed length still reported */
    char small[6];
    ck_assert_uint_eq(net_tw_escape(in, sizeof in - 1, small, sizeof small), need);
    ck_assert_str_eq(small, "a\\\\b");
}
END_TEST

/* Binary bytes are escaped, well-formed UTF-8 kept: a gzip body must not
 * turn a transcript into a binary file. */
START_TEST(test_escape_binary)
{
    static const char in[] = "\x1f\x8b\x08 \xc3\xa9 \xc3 \xe2\x82\xac \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf \xff";
    char out[128];
    size_t need = net_tw_escape(in, sizeof in - 1, out, sizeof out);
    ck_assert_str_eq(out, "\\x1f\\x8b\\x08 \xc3\xa9 \\xc3 \xe2\x82\xac \\xed\\xa0\\x80 "
                          "\\xf4\\x90\\x80\\x80 \\xc0\\xaf \\xff");
    ck_assert_uint_eq(need, strlen(out));
}
END_TEST

START_TEST(test_record_kinds)
{
    struct net_tw *w = open_tw();
    ck_assert_int_eq(net_tw_header(w, "protocol", "test"), NET_OK);
    ck_assert_int_eq(net_tw_header(w, "source", "hand-made"), NET_OK);
    ck_assert_int_eq(net_tw_record(w, NET_TW_SERVER, "220 hi \r\n", 9, NULL), NET_OK);
    ck_assert_int_eq(net_tw_record(w, NET_TW_CLIENT, "USER a\n", 7, NULL), NET_OK);
    ck_assert_int_eq(net_tw_record(w, NET_TW_SERVER, "login: ", 7, NULL), NET_OK);
    ck_assert_int_eq(net_tw_record(w, NET_TW_CLIENT, "\r\n", 2, NULL), NET_OK);
    ck_assert_int_eq(net_tw_record(w, NET_TW_SERVER, "a\rb{x}\r\n", 8, NULL), NET_OK);
    ck_assert_int_eq(net_tw_record(w, NET_TW_CLIENT, "\xff\xfb\x01", 3, NULL), NET_OK);
    ck_assert_int_eq(net_tw_directive(w, "pause %d", 50), NET_OK);
    ck_assert_int_eq(net_tw_comment(w, "a note"), NET_OK);
    ck_assert_int_eq(net_tw_directive(w, "close"), NET_OK);
    close_and_expect(w, "# protocol: test\n"
                        "# source: hand-made\n"
                        "S: 220 hi \n"
                        "C| USER a\\n\n"
                        "S| login: \n"
                        "C: \n"
                        "S: a\\rb\\{x}\n"
                        "C| \\xff\\xfb\\x01\n"
                        "!pause 50\n"
                        "# a note\n"
                        "!close\n");
    ck_assert(!exists("/tmp/nonexistent-body"));
    char body[160];
    snprintf(body, sizeof body, "%s.body.tmp", path);
    ck_assert(!exists(body));
}
END_TEST

START_TEST(test_mask_and_placeholder)
{
    struct net_tw *w = open_tw();
    net_tw_header(w, "protocol", "ftp");
    struct net_tw_sub pw = {.off = 5, .len = 6, .raw = "{*}"};
    ck_assert_int_eq(net_tw_record(w, NET_TW_CLIENT, "PASS s3cret\r\n", 13, &pw), NET_OK);
    const char pasv[] = "227 Entering Passive Mode (127,0,0,1,4,1).\r\n";
    struct net_tw_sub ph = {.off = 27, .len = 13, .raw = "{pasv}"};
    ck_assert_int_eq(net_tw_record(w, NET_TW_SERVER, pasv, sizeof pasv - 1, &ph), NET_OK);
    /* a mask may cover the whole text, and text around it is escaped */
    struct net_tw_sub all = {.off = 0, .len = 4, .raw = "{*}"};
    ck_assert_int_eq(net_tw_record(w, NET_TW_CLIENT, "ab{c\r\n", 6, &all), NET_OK);
    struct net_tw_sub mid = {.off = 1, .len = 1, .raw = "{*}"};
    ck_assert_int_eq(net_tw_record(w, NET_TW_CLIENT, "{x}\r\n", 5, &mid), NET_OK);
    close_and_expect(w, "# protocol: ftp\n"
                        "C: PASS {*}\n"
                        "S: 227 Entering Passive Mode ({pasv}).\n"
                        "C: {*}\n"
                        "C: \\{{*}}\n");
    char *got = tmpfiles_slurp(path, NULL);
    ck_assert_ptr_null(strstr(got, "s3cret"));
    free(got);
}
END_TEST

START_TEST(test_mask_needs_crlf)
{
    struct net_tw *w = open_tw();
    struct net_tw_sub pw = {.off = 5, .len = 6, .raw = "{*}"};
    ck_assert_int_eq(net_tw_record(w, NET_TW_CLIENT, "PASS s3cret\n", 12, &pw), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(net_tw_err(w)->text, "cannot mask a client fragment"));
    /* sticky: later calls fail the same way, and nothing is published */
    ck_assert_int_eq(net_tw_record(w, NET_TW_SERVER, "ok\r\n", 4, NULL), NET_E_USAGE);
    struct net_err err;
    ck_assert_int_eq(net_tw_close(w, true, &err), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.text, "cannot mask"));
    ck_assert(!exists(path));
}
END_TEST

START_TEST(test_bad_records)
{
    struct net_tw *w = open_tw();
    struct net_tw_sub out = {.off = 3, .len = 5, .raw = "{*}"};
    ck_assert_int_eq(net_tw_record(w, NET_TW_CLIENT, "abcd\r\n", 6, &out), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(net_tw_err(w)->text, "substitution outside"));
    net_tw_close(w, false, NULL);

    w = open_tw();
    ck_assert_int_eq(net_tw_record(w, NET_TW_SERVER, "", 0, NULL), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(net_tw_err(w)->text, "empty record"));
    net_tw_close(w, false, NULL);
}
END_TEST

START_TEST(test_headers)
{
    struct net_tw *w = open_tw();
    net_tw_header(w, "protocol", "smtp");
    net_tw_header(w, "source", "first");
    net_tw_header(w, "tls", "implicit");
    ck_assert_int_eq(net_tw_header(w, "source", "second"), NET_OK);
    ck_assert_int_eq(net_tw_header_add(w, "stdout-has", "a"), NET_OK);
    ck_assert_int_eq(net_tw_header_add(w, "stdout-has", "b"), NET_OK);
    net_tw_record(w, NET_TW_SERVER, "220 x\r\n", 7, NULL);
    close_and_expect(w, "# protocol: smtp\n"
                        "# source: second\n"
                        "# tls: implicit\n"
                        "# stdout-has: a\n"
                        "# stdout-has: b\n"
                        "S: 220 x\n");

    w = open_tw();
    ck_assert_int_eq(net_tw_header(w, "source", "two\nlines"), NET_E_UNSAFE_INPUT);
    ck_assert_ptr_nonnull(strstr(net_tw_err(w)->text, "header 'source'"));
    net_tw_close(w, false, NULL);
}
END_TEST

START_TEST(test_sidecars)
{
    struct net_tw *w = open_tw();
    net_tw_header(w, "protocol", "http");
    struct net_tw_side *a, *b;
    ck_assert_int_eq(net_tw_side_open(w, &a), NET_OK);
    ck_assert_str_eq(net_tw_side_name(a), "case.1.bin");
    char block[3000];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(net_tw_side_write(w, a, block, sizeof block), NET_OK);
    ck_assert_uint_eq(net_tw_side_size(a), 12000);
    ck_assert_int_eq(net_tw_side_close(w, a, "send-file"), NET_OK);
    ck_assert_int_eq(net_tw_side_open(w, &b), NET_OK);
    ck_assert_str_eq(net_tw_side_name(b), "case.2.bin");
    ck_assert_int_eq(net_tw_side_write(w, b, "\0\1\2", 3), NET_OK);
    ck_assert_int_eq(net_tw_side_close(w, b, "data-send-file"), NET_OK);
    close_and_expect(w, "# protocol: http\n"
                        "!send-file case.1.bin\n"
                        "!data-send-file case.2.bin\n");
    char side[160];
    size_t len;
    snprintf(side, sizeof side, "%s/case.1.bin", dir);
    char *got = tmpfiles_slurp(side, &len);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, 12000);
    ck_assert_int_eq(got[0], 'x');
    ck_assert_int_eq(got[11999], 'x');
    free(got);
    snprintf(side, sizeof side, "%s/case.2.bin", dir);
    got = tmpfiles_slurp(side, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(got, "\0\1\2", 3);
    free(got);
}
END_TEST

START_TEST(test_discard)
{
    struct net_tw *w = open_tw();
    net_tw_header(w, "protocol", "http");
    net_tw_record(w, NET_TW_SERVER, "x\r\n", 3, NULL);
    struct net_tw_side *a;
    ck_assert_int_eq(net_tw_side_open(w, &a), NET_OK);
    net_tw_side_write(w, a, "abc", 3);
    net_tw_side_close(w, a, "send-file");
    ck_assert_int_eq(net_tw_close(w, false, NULL), NET_OK);
    char side[160], body[160];
    snprintf(side, sizeof side, "%s/case.1.bin", dir);
    snprintf(body, sizeof body, "%s.body.tmp", path);
    ck_assert(!exists(path));
    ck_assert(!exists(side));
    ck_assert(!exists(body));
}
END_TEST

START_TEST(test_open_fails)
{
    struct net_tw *w = NULL;
    struct net_err err;
    ck_assert_int_eq(net_tw_open("/nonexistent-dir/x.dlg", &w, &err), NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "/nonexistent-dir/x.dlg.body.tmp"));
    ck_assert_ptr_null(w);
    ck_assert_int_eq(net_tw_open("", &w, &err), NET_E_USAGE);
}
END_TEST

START_TEST(test_long_record)
{
    /* a record far larger than the output buffer is written whole */
    struct net_tw *w = open_tw();
    size_t n = 3 * NET_TW_BUF;
    char *big = malloc(n + 2);
    memset(big, '{', n);
    memcpy(big + n, "\r\n", 2);
    ck_assert_int_eq(net_tw_record(w, NET_TW_SERVER, big, n + 2, NULL), NET_OK);
    ck_assert_int_eq(net_tw_close(w, true, NULL), NET_OK);
    size_t len;
    char *got = tmpfiles_slurp(path, &len);
    ck_assert_uint_eq(len, 3 + 2 * n + 1);
    ck_assert_mem_eq(got, "S: \\{\\{", 7);
    ck_assert_int_eq(got[len - 1], '\n');
    free(got);
    free(big);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("twrite");
    TCase *tc = tcase_create("twrite");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_escape);
    tcase_add_test(tc, test_escape_binary);
    tcase_add_test(tc, test_record_kinds);
    tcase_add_test(tc, test_mask_and_placeholder);
    tcase_add_test(tc, test_mask_needs_crlf);
    tcase_add_test(tc, test_bad_records);
    tcase_add_test(tc, test_headers);
    tcase_add_test(tc, test_sidecars);
    tcase_add_test(tc, test_discard);
    tcase_add_test(tc, test_open_fails);
    tcase_add_test(tc, test_long_record);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
