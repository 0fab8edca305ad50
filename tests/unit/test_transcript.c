/* test_transcript.c - the transcript parser: header keys, every record kind
 * and directive, escapes, placeholders, matching, quoting, and malformed
 * transcripts (each error names the file and line). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/fixture/transcript.h"

#define HDR "# protocol: test\n# source: unit test\n"

static struct net_transcript *parse_ok(const char *text)
{
    struct net_transcript *t = NULL;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_transcript_parse(text, strlen(text), "dir/t.dlg", &t, &err);
    ck_assert_msg(st == NET_OK, "parse failed: %s", err.text);
    return t;
}

/* The parse must fail with NET_E_USAGE and a text holding want. */
static void parse_bad(const char *text, const char *want)
{
    struct net_transcript *t = NULL;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_transcript_parse(text, strlen(text), "dir/t.dlg", &t, &err);
    ck_assert_msg(st == NET_E_USAGE, "status %s for: %s", net_status_name(st), text);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err.text, want) != NULL, "error '%s' lacks '%s'", err.text, want);
}

static const struct net_trec *rec(const struct net_transcript *t, size_t i)
{
    const struct net_trec *r = net_transcript_record(t, i);
    ck_assert_ptr_nonnull(r);
    return r;
}

static void assert_bytes(const struct net_trec *r, const char *want, size_t n)
{
    ck_assert_uint_eq(r->len, n);
    ck_assert(memcmp(r->text, want, n) == 0);
    ck_assert_int_eq(r->text[n], '\0');
}

START_TEST(header_keys)
{
    struct net_transcript *t = parse_ok(
        "# protocol: smtp\n"
        "# source: hand-written, to test\n"
        "# A free comment in the header.\n"
        "# tls: implicit\n"
        "# run: {bin}/net-smtp smtp://127.0.0.1:{port}/\n"
        "# exit: 3\n"
        "# stdout: out.txt\n"
        "# stdout-has: one\n"
        "# stdout-has: two words\n"
        "# replay-exit: 1\n"
        "# replay-says: expected\n"
        "\n"
        "S: 220 hi\n"
        "# protocol: not a header any more\n");
    const struct net_theader *h = net_transcript_header(t);
    ck_assert_str_eq(h->protocol, "smtp");
    ck_assert_str_eq(h->source, "hand-written, to test");
    ck_assert(h->tls_implicit);
    ck_assert_str_eq(h->run, "{bin}/net-smtp smtp://127.0.0.1:{port}/");
    ck_assert_int_eq(h->exit_code, 3);
    ck_assert_str_eq(h->stdout_path, "out.txt");
    ck_assert_uint_eq(h->n_stdout_has, 2);
    ck_assert_str_eq(h->stdout_has[0], "one");
    ck_assert_str_eq(h->stdout_has[1], "two words");
    ck_assert_int_eq(h->replay_exit, 1);
    ck_assert_uint_eq(h->n_replay_says, 1);
    ck_assert_str_eq(h->replay_says[0], "expected");
    ck_assert_uint_eq(net_transcript_count(t), 1);
    ck_assert(net_transcript_uses_tls(t));
    ck_assert_str_eq(net_transcript_name(t), "dir/t.dlg");
    net_transcript_free(t);
}
END_TEST

START_TEST(header_defaults)
{
    struct net_transcript *t = parse_ok(HDR "S: x\n");
    const struct net_theader *h = net_transcript_header(t);
    ck_assert(!h->tls_implicit);
    ck_assert_ptr_null(h->run);
    ck_assert_ptr_null(h->stdout_path);
    ck_assert_int_eq(h->exit_code, 0);
    ck_assert_int_eq(h->replay_exit, 0);
    ck_assert_uint_eq(h->n_stdout_has, 0);
    ck_assert(!net_transcript_uses_tls(t));
    net_transcript_free(t);
}
END_TEST

START_TEST(text_records)
{
    struct net_transcript *t = parse_ok(HDR
        "S: 220 hello  \n"
        "S| part\n"
        "C: EHLO x\n"
        "C~ AUTH [A-Z]+\n"
        "C| \\x00bin\\xff\n"
        "S:\n"
        "C:\n");
    ck_assert_uint_eq(net_transcript_count(t), 7);
    ck_assert_int_eq(rec(t, 0)->kind, NET_TREC_SERVER_LINE);
    ck_assert_uint_eq(rec(t, 0)->line, 3);
    assert_bytes(rec(t, 0), "220 hello  \r\n", 13);     /* trailing spaces kept */
    ck_assert_int_eq(rec(t, 1)->kind, NET_TREC_SERVER_RAW);
    assert_bytes(rec(t, 1), "part", 4);
    ck_assert_int_eq(rec(t, 2)->kind, NET_TREC_CLIENT_LINE);
    assert_bytes(rec(t, 2), "EHLO x", 6);
    ck_assert_int_eq(rec(t, 3)->kind, NET_TREC_CLIENT_PATTERN);
    ck_assert_str_eq(rec(t, 3)->text, "AUTH [A-Z]+");
    ck_assert_ptr_nonnull(rec(t, 3)->re);
    ck_assert_int_eq(rec(t, 4)->kind, NET_TREC_CLIENT_RAW);
    assert_bytes(rec(t, 4), "\0bin\xff", 5);
    assert_bytes(rec(t, 5), "\r\n", 2);                 /* empty S: line */
    assert_bytes(rec(t, 6), "", 0);                     /* empty C: line */
    ck_assert_uint_eq(rec(t, 6)->line, 9);
    ck_assert(net_trec_is_client(rec(t, 2)) && !net_trec_is_client(rec(t, 0)));
    ck_assert_str_eq(net_trec_kind_name(rec(t, 3)->kind), "C~");
    net_transcript_free(t);
}
END_TEST

START_TEST(directives)
{
    struct net_transcript *t = parse_ok(HDR
        "S: 220\n"
        "!starttls\n"
        "!pause 250\n"
        "!trickle 20 ab c\\r\\n\n"
        "!send-bytes 1000\n"
        "!send-bytes 5 ff\n"
        "!send-file data/body.txt\n"
        "!data-listen\n"
        "!data-connect\n"
        "!data-send hi\\n\n"
        "!data-send-bytes 7 41\n"
        "!data-send-file /abs/file\n"
        "!data-expect 12 sha256=00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\n"
        "!data-expect 0\n"
        "!data-close\n"
        "!data-starttls\n"
        "!expect-close\n"
        "!connection\n"
        "!close\n"
        "!connection\n"
        "!reset\n");
    static const enum net_trec_kind kinds[] = {
        NET_TREC_SERVER_LINE, NET_TREC_STARTTLS, NET_TREC_PAUSE, NET_TREC_TRICKLE,
        NET_TREC_SEND_BYTES, NET_TREC_SEND_BYTES, NET_TREC_SEND_FILE, NET_TREC_DATA_LISTEN,
        NET_TREC_DATA_CONNECT, NET_TREC_DATA_SEND, NET_TREC_DATA_SEND_BYTES,
        NET_TREC_DATA_SEND_FILE, NET_TREC_DATA_EXPECT, NET_TREC_DATA_EXPECT,
        NET_TREC_DATA_CLOSE, NET_TREC_DATA_STARTTLS, NET_TREC_EXPECT_CLOSE,
        NET_TREC_CONNECTION, NET_TREC_CLOSE, NET_TREC_CONNECTION, NET_TREC_RESET,
    };
    ck_assert_uint_eq(net_transcript_count(t), sizeof kinds / sizeof kinds[0]);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        ck_assert_int_eq(rec(t, i)->kind, kinds[i]);
        ck_assert_uint_eq(rec(t, i)->line, i + 3);
    }
    ck_assert_uint_eq(rec(t, 2)->n, 250);
    ck_assert_uint_eq(rec(t, 3)->n, 20);
    assert_bytes(rec(t, 3), "ab c\r\n", 6);
    ck_assert_uint_eq(rec(t, 4)->n, 1000);
    ck_assert_uint_eq(rec(t, 4)->byte, 0x78);
    ck_assert_uint_eq(rec(t, 5)->n, 5);
    ck_assert_uint_eq(rec(t, 5)->byte, 0xff);
    ck_assert_str_eq(rec(t, 6)->text, "dir/data/body.txt");
    assert_bytes(rec(t, 9), "hi\n", 3);
    ck_assert_uint_eq(rec(t, 10)->byte, 0x41);
    ck_assert_str_eq(rec(t, 11)->text, "/abs/file");
    ck_assert(rec(t, 12)->has_sha256);
    ck_assert_uint_eq(rec(t, 12)->n, 12);
    ck_assert_uint_eq(rec(t, 12)->sha256[0], 0x00);
    ck_assert_uint_eq(rec(t, 12)->sha256[1], 0x11);
    ck_assert_uint_eq(rec(t, 12)->sha256[31], 0xff);
    ck_assert(!rec(t, 13)->has_sha256);
    ck_assert(net_transcript_uses_tls(t));
    net_transcript_free(t);
}
END_TEST

START_TEST(escapes)
{
    struct net_transcript *t = parse_ok(HDR "S| \\r\\n\\t\\0\\\\\\x41\\x7e\\{x}\\xFF\n");
    assert_bytes(rec(t, 0), "\r\n\t\0\\A~{x}\xff", 11);
    ck_assert_uint_eq(rec(t, 0)->nsegs, 0);
    net_transcript_free(t);
    char out[32];
    size_t n;
    struct net_err err;
    ck_assert_int_eq(net_transcript_unescape("a\\x00b\\r", 8, out, &n, &err), NET_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert(memcmp(out, "a\0b\r", 4) == 0);
    ck_assert_int_eq(net_transcript_unescape("a\\q", 3, out, &n, &err), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.text, "unknown escape"));
}
END_TEST

START_TEST(placeholders)
{
    struct net_transcript *t = parse_ok(HDR
        "S: 227 ok ({pasv})\n"
        "S| {epsv} on {port}\n"
        "C: USER {*} and {*}\n"
        "C: DATA \\{*} {literal} {json:1}\n"
        "S: {\"a\": 1}\n");
    const struct net_trec *r = rec(t, 0);
    ck_assert_uint_eq(r->nsegs, 3);
    ck_assert_int_eq(r->segs[0].kind, NET_TSEG_TEXT);
    ck_assert_int_eq(r->segs[1].kind, NET_TSEG_PASV);
    ck_assert_int_eq(r->segs[2].kind, NET_TSEG_TEXT);
    ck_assert(memcmp(r->text + r->segs[0].off, "227 ok (", r->segs[0].len) == 0);
    ck_assert_uint_eq(r->segs[2].len, 3);                   /* ")\r\n" */
    ck_assert(memcmp(r->text + r->segs[2].off, ")\r\n", 3) == 0);
    r = rec(t, 1);
    ck_assert_uint_eq(r->nsegs, 3);                         /* S| adds no CR LF */
    ck_assert_int_eq(r->segs[0].kind, NET_TSEG_EPSV);
    ck_assert_int_eq(r->segs[2].kind, NET_TSEG_PORT);
    r = rec(t, 2);
    ck_assert_uint_eq(r->nsegs, 4);
    ck_assert_int_eq(r->segs[1].kind, NET_TSEG_ANY);
    ck_assert_int_eq(r->segs[3].kind, NET_TSEG_ANY);
    r = rec(t, 3);                                          /* no placeholder */
    ck_assert_uint_eq(r->nsegs, 0);
    assert_bytes(r, "DATA {*} {literal} {json:1}", 27);
    assert_bytes(rec(t, 4), "{\"a\": 1}\r\n", 10);
    net_transcript_free(t);
}
END_TEST

START_TEST(matching)
{
    struct net_transcript *t = parse_ok(HDR
        "C: MAIL FROM:<a@x>\n"
        "C: EHLO {*}\n"
        "C: A{*}B{*}C\n"
        "C~ AUTH PLAIN [A-Za-z0-9+/=]+\n"
        "C~ a|b\n"
        "S: x\n");
#define M(i, s) net_trec_match_line(rec(t, i), s, strlen(s))
    ck_assert(M(0, "MAIL FROM:<a@x>"));
    ck_assert(!M(0, "MAIL FROM:<a@y>"));
    ck_assert(!M(0, "MAIL FROM:<a@x> "));
    ck_assert(M(1, "EHLO host.example"));
    ck_assert(M(1, "EHLO "));
    ck_assert(!M(1, "EHLO a\rb"));                          /* {*} never takes CR */
    ck_assert(!M(1, "HELO x"));
    ck_assert(M(2, "ABC"));
    ck_assert(M(2, "AxxBxBxC"));
    ck_assert(M(2, "ACBC"));
    ck_assert(!M(2, "AxxC"));
    ck_assert(!M(2, "ABCx"));
    ck_assert(M(3, "AUTH PLAIN AGFAYg=="));
    ck_assert(!M(3, "AUTH PLAIN bad!"));
    ck_assert(!M(3, "xAUTH PLAIN AGFAYg=="));               /* anchored at the start */
    ck_assert(M(4, "a") && M(4, "b"));
    ck_assert(!M(4, "ab"));                                 /* ^(a|b)$, not ^a|b$ */
    ck_assert(!net_trec_match_line(rec(t, 3), "AUTH PLAIN A\0B", 14));
    ck_assert(!M(5, "x"));                                  /* not a client line */
#undef M
    net_transcript_free(t);
}
END_TEST

START_TEST(quoting)
{
    char out[128];
    net_transcript_quote("a\"b\\c\r\n\t\0\x01\xff{", 12, 100, out, sizeof out);
    ck_assert_str_eq(out, "\"a\\x22b\\\\c\\r\\n\\t\\0\\x01\\xff{\"");
    net_transcript_quote("abcdef", 6, 3, out, sizeof out);
    ck_assert_str_eq(out, "\"abc\"...");
    net_transcript_quote("abcdefghij", 10, 100, out, 10);   /* cut by the buffer */
    ck_assert_str_eq(out, "\"abcd\"...");
    struct net_transcript *t = parse_ok(HDR "C: A {*} \\{x\nC~ a\\.b\nC| \\x01\n");
    net_trec_quote(rec(t, 0), 100, out, sizeof out);
    ck_assert_str_eq(out, "\"A {*} \\{x\\r\\n\"");
    net_trec_quote(rec(t, 1), 100, out, sizeof out);
    ck_assert_str_eq(out, "\"a\\.b\"");
    net_trec_quote(rec(t, 2), 100, out, sizeof out);
    ck_assert_str_eq(out, "\"\\x01\"");
    net_transcript_free(t);
}
END_TEST

START_TEST(load_from_file)
{
    struct net_transcript *t;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_transcript_load("fixtures/test/ok.dlg", &t, &err), NET_OK);
    ck_assert_str_eq(net_transcript_header(t)->protocol, "test");
    ck_assert_uint_eq(net_transcript_count(t), 5);
    net_transcript_free(t);
    ck_assert_int_eq(net_transcript_load("fixtures/test/no-such.dlg", &t, &err),
                     NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "fixtures/test/no-such.dlg"));
    ck_assert_ptr_null(t);
}
END_TEST

START_TEST(no_final_newline)
{
    struct net_transcript *t = parse_ok(HDR "S: a\nC: b");
    ck_assert_uint_eq(net_transcript_count(t), 2);
    assert_bytes(rec(t, 1), "b", 1);
    net_transcript_free(t);
}
END_TEST

/* Each malformed transcript fails with "dir/t.dlg:LINE: reason". */
START_TEST(malformed)
{
    parse_bad(HDR "S: ok\nS: a\\q\n", "dir/t.dlg:4: unknown escape");
    parse_bad(HDR "S: \\x4\n", "dir/t.dlg:3: \\x needs two hex digits");
    parse_bad(HDR "S: trailing \\\n", "dir/t.dlg:3: a lone '\\'");
    parse_bad(HDR "\n\n!frobnicate 3\n", "dir/t.dlg:5: unknown directive '!frobnicate'");
    parse_bad(HDR "S:x\n", "dir/t.dlg:3: one space must follow 'S:'");
    parse_bad(HDR "X: y\n", "dir/t.dlg:3: not a record");
    parse_bad(HDR "S~ y\n", "dir/t.dlg:3: not a record");
    parse_bad(HDR "C~ (unclosed\n", "dir/t.dlg:3: bad regular expression");
    parse_bad(HDR "C: a\\r\\nb\n", "dir/t.dlg:3: a C: line cannot contain CR or LF");
    parse_bad(HDR "C: PORT {pasv}\n", "dir/t.dlg:3: placeholder {pasv} is not allowed in C:");
    parse_bad(HDR "S: 250 {*}\n", "dir/t.dlg:3: placeholder {*} is not allowed in S:");
    parse_bad(HDR "C| {port}\n", "dir/t.dlg:3: placeholder {port} is not allowed in C|");
    parse_bad(HDR "C|\n", "dir/t.dlg:3: C| needs at least one byte");
    parse_bad(HDR "!pause soon\n", "dir/t.dlg:3: !pause needs milliseconds");
    parse_bad(HDR "!pause 600001\n", "dir/t.dlg:3: !pause needs milliseconds");
    parse_bad(HDR "!pause\n", "dir/t.dlg:3: !pause takes one number");
    parse_bad(HDR "!trickle 10\n", "dir/t.dlg:3: !trickle takes milliseconds and a text");
    parse_bad(HDR "!send-bytes 10 zz\n", "dir/t.dlg:3: !send-bytes: the fill byte");
    parse_bad(HDR "!send-bytes -1\n", "dir/t.dlg:3: !send-bytes needs a byte count");
    parse_bad(HDR "!send-bytes 99999999999\n", "dir/t.dlg:3: !send-bytes needs a byte count");
    parse_bad(HDR "!data-expect 5 sha256=abc\n", "dir/t.dlg:3: !data-expect: expected sha256=");
    parse_bad(HDR "!close now\n", "dir/t.dlg:3: !close takes no arguments");
    parse_bad(HDR "!send-file\n", "dir/t.dlg:3: !send-file needs a path");
    parse_bad(HDR "!data-send\n", "dir/t.dlg:3: !data-send needs a text");
    parse_bad(HDR "S: bye\n!close\nS: more\n",
              "dir/t.dlg:5: after !close (line 4) the connection is over");
    parse_bad(HDR "!reset\nC: x\n", "dir/t.dlg:4: after !reset (line 3)");
    parse_bad(HDR "S: a\r\n", "dir/t.dlg:3: raw CR");
    parse_bad(HDR "S: a\001\n", "dir/t.dlg:3: raw control byte 0x01");
    parse_bad(HDR "# tls: sometimes\nS: a\n", "dir/t.dlg:3: 'tls' is 'implicit' or 'none'");
    parse_bad(HDR "# exit: 256\nS: a\n", "dir/t.dlg:3: 'exit' must be an exit code");
    parse_bad(HDR "# replay-exit: one\nS: a\n", "dir/t.dlg:3: 'replay-exit' must be");
    parse_bad(HDR "# colour: blue\nS: a\n", "dir/t.dlg:3: unknown header key 'colour'");
    parse_bad(HDR "# source: again\nS: a\n", "dir/t.dlg:3: header 'source' given twice");
    parse_bad(HDR "# run:\nS: a\n", "dir/t.dlg:3: header 'run' has no value");
    parse_bad("# protocol: gopher2\n", "dir/t.dlg:1: unknown protocol 'gopher2'");
    parse_bad("# source: x\nS: a\n", "dir/t.dlg:1: no '# protocol:' header");
    parse_bad("# protocol: ftp\nS: a\n", "dir/t.dlg:1: no '# source:' header");
    parse_bad(HDR "\n# only comments\n", "dir/t.dlg:1: no records");
}
END_TEST

START_TEST(caps)
{
    size_t n = NET_TR_LINE_MAX + 64;
    char *text = malloc(n + 1);
    ck_assert_ptr_nonnull(text);
    int k = snprintf(text, n, HDR "S: ");
    memset(text + k, 'a', n - (size_t)k - 1);
    text[n - 1] = '\n';
    text[n] = '\0';
    parse_bad(text, "dir/t.dlg:3: line longer than");
    free(text);
    char says[64 * 24 + 64] = HDR;
    for (int i = 0; i <= NET_TR_REPEAT_MAX; i++)
        strcat(says, "# replay-says: x\n");
    strcat(says, "S: a\n");
    parse_bad(says, "more than 64 'replay-says' headers");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transcript");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, header_keys);
    tcase_add_test(tc, header_defaults);
    tcase_add_test(tc, text_records);
    tcase_add_test(tc, directives);
    tcase_add_test(tc, escapes);
    tcase_add_test(tc, placeholders);
    tcase_add_test(tc, matching);
    tcase_add_test(tc, quoting);
    tcase_add_test(tc, load_from_file);
    tcase_add_test(tc, no_final_newline);
    tcase_add_test(tc, malformed);
    tcase_add_test(tc, caps);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
