/* test_cli_trace.c - the -v trace printer: lines across spans, head lines
 * shown and bodies summarised (length, chunked, HEAD, 1xx, to close),
 * escaping, secrets, notes, line mode, long lines. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common/trace.h"

struct cap {
    struct cli_trace *t;
    FILE *f;
    char *buf;
    size_t len;
};

static void start(struct cap *c, enum cli_trace_mode mode)
{
    c->t = malloc(sizeof *c->t);
    ck_assert_ptr_nonnull(c->t);
    c->f = open_memstream(&c->buf, &c->len);
    ck_assert_ptr_nonnull(c->f);
    cli_trace_init(c->t, c->f, mode);
}

static void out(struct cap *c, const char *s, size_t n)
{
    struct net_trace h = cli_trace_hook(c->t);
    h.fn(h.ctx, NET_TRACE_OUT, s, n ? n : strlen(s), false);
}

static void in(struct cap *c, const char *s, size_t n)
{
    cli_trace_fn(c->t, NET_TRACE_IN, s, n ? n : strlen(s), false);
}

/* Stop and compare everything printed with want. */
static void expect(struct cap *c, const char *want)
{
    fclose(c->f);
    ck_assert_msg(strcmp(c->buf, want) == 0, "got:\n%s\nwant:\n%s", c->buf, want);
    free(c->buf);
    free(c->t);
}

START_TEST(test_heads_and_length_body)
{
    struct cap c;
    start(&c, CLI_TRACE_HTTP);
    out(&c, "GET /x HTTP/1.1\r\nHost: h\r\nAuthorization: Basic ", 0);
    cli_trace_fn(c.t, NET_TRACE_OUT, "********", 8, true);   /* masked by libnet */
    out(&c, "\r\n\r\n", 0);
    in(&c, "HTTP/1.1 200 OK\r\nContent-Le", 0);
    in(&c, "ngth: 10\r\n\r\n0123", 0);
    in(&c, "456789HTTP/1.1 204 No Content\r\n\r\n", 0);
    expect(&c, "> GET /x HTTP/1.1\n"
               "> Host: h\n"
               "> Authorization: Basic ********\n"
               "> \n"
               "< HTTP/1.1 200 OK\n"
               "< Content-Length: 10\n"
               "< \n"
               "< [4 bytes data]\n"
               "< [6 bytes data]\n"
               "< HTTP/1.1 204 No Content\n"
               "< \n");
}
END_TEST

START_TEST(test_chunked_then_next_head)
{
    struct cap c;
    start(&c, CLI_TRACE_HTTP);
    out(&c, "GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n", 0);
    in(&c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhel", 0);
    in(&c, "lo\r\n0\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", 0);
    expect(&c, "> GET / HTTP/1.1\n"
               "> \n"
               "> GET / HTTP/1.1\n"
               "> \n"
               "< HTTP/1.1 200 OK\n"
               "< Transfer-Encoding: gzip, chunked\n"
               "< \n"
               "< [6 bytes data]\n"
               "< [9 bytes data]\n"
               "< HTTP/1.1 200 OK\n"
               "< content-length: 0\n"
               "< \n");
}
END_TEST

START_TEST(test_pipelined_head_has_no_body)
{
    struct cap c;
    start(&c, CLI_TRACE_HTTP);
    out(&c, "HEAD /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", 0);
    in(&c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
           "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", 0);
    expect(&c, "> HEAD /a HTTP/1.1\n> \n> GET /b HTTP/1.1\n> \n"
               "< HTTP/1.1 200 OK\n< Content-Length: 100\n< \n"
               "< HTTP/1.1 200 OK\n< Content-Length: 2\n< \n"
               "< [2 bytes data]\n");
}
END_TEST

START_TEST(test_continue_and_upload_body)
{
    struct cap c;
    start(&c, CLI_TRACE_HTTP);
    out(&c, "PUT /u HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n", 0);
    in(&c, "HTTP/1.1 100 Continue\r\n\r\n", 0);
    out(&c, "abc", 0);
    in(&c, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 0);
    out(&c, "PUT /v HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0);
    in(&c, "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n", 0);
    expect(&c, "> PUT /u HTTP/1.1\n> Content-Length: 3\n> Expect: 100-continue\n> \n"
               "< HTTP/1.1 100 Continue\n< \n"
               "> [3 bytes data]\n"
               "< HTTP/1.1 201 Created\n< Content-Length: 0\n< \n"
               "> PUT /v HTTP/1.1\n> Transfer-Encoding: chunked\n> \n"
               "> [13 bytes data]\n"
               "< HTTP/1.1 304 Not Modified\n< Content-Length: 50\n< \n");
}
END_TEST

START_TEST(test_close_delimited_until_note)
{
    struct cap c;
    start(&c, CLI_TRACE_HTTP);
    in(&c, "HTTP/1.0 200 OK\r\n\r\nbody to the end\nmore\n", 0);
    in(&c, "HTTP/1.1 200 OK\r\n", 0);       /* still body: no framing */
    cli_trace_fn(c.t, NET_TRACE_INFO, "connecting to 127.0.0.1:80", 26, false);
    in(&c, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", 0);
    expect(&c, "< HTTP/1.0 200 OK\n< \n"
               "< [21 bytes data]\n"
               "< [17 bytes data]\n"
               "* connecting to 127.0.0.1:80\n"
               "< HTTP/1.1 200 OK\n< Content-Length: 1\n< \n< [1 bytes data]\n");
}
END_TEST

START_TEST(test_escaping)
{
    struct cap c;
    start(&c, CLI_TRACE_HTTP);
    static const char head[] = "HTTP/1.1 200 OK\r\nX: \x1b[31m\0\xff\tend\rmid\r\n";
    in(&c, head, sizeof head - 1);
    cli_trace_fn(c.t, NET_TRACE_INFO, "note\x07", 5, false);
    expect(&c, "< HTTP/1.1 200 OK\n"
               "< X: \\x1b[31m\\x00\\xff\\x09end\\x0dmid\n"
               "* note\\x07\n");
}
END_TEST

START_TEST(test_partial_line_flushed_by_note)
{
    struct cap c;
    start(&c, CLI_TRACE_LINES);
    out(&c, "USER bob\r\nPASS ", 0);
    cli_trace_fn(c.t, NET_TRACE_OUT, "***", 3, true);
    cli_trace_fn(c.t, NET_TRACE_INFO, "closed", 6, false);
    expect(&c, "> USER bob\n> PASS ***\n* closed\n");
}
END_TEST

START_TEST(test_lines_mode_shows_everything)
{
    struct cap c;
    start(&c, CLI_TRACE_LINES);
    in(&c, "+OK 2 messages\r\n", 0);
    out(&c, "RETR 1\r\n", 0);
    in(&c, "+OK\r\nSubject: hi\r\n\r\nbody line\r\n.\r\n", 0);
    in(&c, "bare\nlf\n", 0);
    expect(&c, "< +OK 2 messages\n> RETR 1\n< +OK\n< Subject: hi\n< \n< body line\n< .\n"
               "< bare\n< lf\n");
}
END_TEST

START_TEST(test_long_line_in_pieces)
{
    struct cap c;
    start(&c, CLI_TRACE_LINES);
    size_t n = CLI_TRACE_LINE_MAX * 2 + 10;
    char *line = malloc(n + 2);
    memset(line, 'a', n);
    line[n] = '\r';
    line[n + 1] = '\n';
    in(&c, line, n + 2);
    free(line);
    fclose(c.f);
    /* three pieces, each "< " + up to CLI_TRACE_LINE_MAX bytes + "\n" */
    size_t lines = 0, as = 0;
    for (size_t i = 0; i < c.len; i++) {
        lines += c.buf[i] == '\n';
        as += c.buf[i] == 'a';
    }
    ck_assert_uint_eq(lines, 3);
    ck_assert_uint_eq(as, n);
    ck_assert_uint_eq(c.len, n + 3 * 3);
    ck_assert(strncmp(c.buf, "< aaa", 5) == 0);
    free(c.buf);
    free(c.t);
}
END_TEST

START_TEST(test_state_names)
{
    ck_assert_str_eq(cli_trace_state_name(CLI_TRACE_HEAD), "head");
    ck_assert_str_eq(cli_trace_state_name(CLI_TRACE_BODY_CHUNKED), "chunked");
    ck_assert_str_eq(cli_trace_state_name(CLI_TRACE_STATE_COUNT), "?");
}
END_TEST

static Suite *trace_suite(void)
{
    Suite *s = suite_create("cli_trace");
    TCase *tc = tcase_create("trace");
    tcase_add_test(tc, test_heads_and_length_body);
    tcase_add_test(tc, test_chunked_then_next_head);
    tcase_add_test(tc, test_pipelined_head_has_no_body);
    tcase_add_test(tc, test_continue_and_upload_body);
    tcase_add_test(tc, test_close_delimited_until_note);
    tcase_add_test(tc, test_escaping);
    tcase_add_test(tc, test_partial_line_flushed_by_note);
    tcase_add_test(tc, test_lines_mode_shows_everything);
    tcase_add_test(tc, test_long_line_in_pieces);
    tcase_add_test(tc, test_state_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(trace_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
