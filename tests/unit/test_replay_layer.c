/* test_replay_layer.c - the in-memory replay: a client written with
 * net_conn_* against replay layers built from inline transcripts. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "libnet/conn.h"
#include "protocols/fixture/replay.h"

#define HDR "# protocol: test\n# source: unit test\n"

struct rig {
    struct net_transcript *t;
    struct net_replay_layer *rl;
    struct net_conn *c;
};

static void rig_open(struct rig *g, const char *text)
{
    struct net_err err;
    net_err_clear(&err);
    ck_assert_msg(net_transcript_parse(text, strlen(text), "mem.dlg", &g->t, &err) == NET_OK,
                  "%s", err.text);
    struct net_layer *l;
    ck_assert_int_eq(net_replay_layer_new(g->t, &g->rl, &l, &err), NET_OK);
    ck_assert_int_eq(net_conn_from_layer(l, NULL, &g->c, &err), NET_OK);
}

/* Close the client's connection (if still open) and free the rest. */
static void rig_close(struct rig *g)
{
    net_conn_close(g->c);
    g->c = NULL;
}

static void rig_free(struct rig *g)
{
    rig_close(g);
    net_replay_layer_free(g->rl);
    net_transcript_free(g->t);
}

static void expect_line(struct rig *g, const char *want)
{
    struct net_line ln;
    enum net_status st = net_conn_read_line(g->c, 0, &ln);
    ck_assert_msg(st == NET_OK, "%s", net_conn_err(g->c)->text);
    ck_assert(ln.crlf);
    ck_assert_uint_eq(ln.len, strlen(want));
    ck_assert(memcmp(ln.p, want, ln.len) == 0);
}

static enum net_status send_str(struct rig *g, const char *s)
{
    return net_conn_write(g->c, s, strlen(s));
}

static const struct net_replay_report *report(struct rig *g)
{
    return net_replay_layer_report(g->rl);
}

static void assert_says(struct rig *g, const char *want)
{
    const char *msg = report(g)->message;
    ck_assert_msg(strstr(msg, want) != NULL, "report '%s' lacks '%s'", msg, want);
}

START_TEST(dialogue_completes)
{
    struct rig g;
    rig_open(&g, HDR
             "S: 220 hi\n"
             "C: EHLO {*}\n"
             "S: 250-a\n"
             "S: 250 b\n"
             "C~ MAIL FROM:<[a-z]+@x>\n"
             "!pause 10000\n"
             "S: 250 ok\n"
             "C: QUIT\n"
             "S: 221 bye\n");
    expect_line(&g, "220 hi");
    ck_assert_int_eq(report(&g)->outcome, NET_REPLAY_UNFINISHED);
    ck_assert_int_eq(send_str(&g, "EHLO me.example\r\n"), NET_OK);
    expect_line(&g, "250-a");
    expect_line(&g, "250 b");
    ck_assert_int_eq(send_str(&g, "MAIL FROM:<abc@x>\r\n"), NET_OK);
    expect_line(&g, "250 ok");     /* !pause is a no-op in memory */
    ck_assert_int_eq(send_str(&g, "QU"), NET_OK);
    ck_assert(!net_replay_layer_completed(g.rl));
    ck_assert_int_eq(send_str(&g, "IT\r\n"), NET_OK);
    expect_line(&g, "221 bye");
    ck_assert(net_replay_layer_completed(g.rl));
    ck_assert_int_eq(net_conn_fill(g.c), NET_E_CLOSED);    /* then end of stream */
    rig_close(&g);
    ck_assert(net_replay_layer_completed(g.rl));
    ck_assert_int_eq(report(&g)->outcome, NET_REPLAY_COMPLETED);
    ck_assert_uint_eq(report(&g)->records, 9);
    rig_free(&g);
}
END_TEST

START_TEST(mismatch_reported_with_line)
{
    struct rig g;
    rig_open(&g, HDR "S: 220 hi\nC: MAIL FROM:<a@x>\nS: 250 ok\n");
    expect_line(&g, "220 hi");
    ck_assert_int_eq(send_str(&g, "MAIL FROM:<b@y>\r\n"), NET_E_PROTOCOL);
    ck_assert_ptr_nonnull(strstr(net_conn_err(g.c)->text,
                                 "mem.dlg:4: expected \"MAIL FROM:<a@x>\\r\\n\", "
                                 "received \"MAIL FROM:<b@y>\\r\\n\""));
    const struct net_replay_report *r = report(&g);
    ck_assert_int_eq(r->outcome, NET_REPLAY_DIFFERED);
    ck_assert_uint_eq(r->line, 4);
    ck_assert_str_eq(r->expected, "\"MAIL FROM:<a@x>\\r\\n\"");
    ck_assert_str_eq(r->received, "\"MAIL FROM:<b@y>\\r\\n\"");
    rig_close(&g);
    ck_assert(!net_replay_layer_completed(g.rl));
    ck_assert_uint_eq(report(&g)->line, 4);     /* the first difference stays */
    rig_free(&g);
}
END_TEST

START_TEST(bare_lf_is_a_difference)
{
    struct rig g;
    rig_open(&g, HDR "C: QUIT\n");
    ck_assert_int_eq(send_str(&g, "QUIT\n"), NET_E_PROTOCOL);
    assert_says(&g, "mem.dlg:3: expected \"QUIT\\r\\n\", received \"QUIT\\n\"");
    rig_free(&g);
}
END_TEST

START_TEST(client_closes_early)
{
    struct rig g;
    rig_open(&g, HDR "S: 220 hi\nC: HELO x\nS: 250 ok\nC: QUIT\nS: 221 bye\n");
    expect_line(&g, "220 hi");
    ck_assert_int_eq(send_str(&g, "HELO x\r\n"), NET_OK);
    expect_line(&g, "250 ok");
    rig_close(&g);
    ck_assert(!net_replay_layer_completed(g.rl));
    ck_assert_int_eq(report(&g)->outcome, NET_REPLAY_DIFFERED);
    assert_says(&g, "mem.dlg:6: expected \"QUIT\\r\\n\", but the client closed the connection");
    rig_free(&g);
}
END_TEST

START_TEST(client_closes_mid_line)
{
    struct rig g;
    rig_open(&g, HDR "C: QUIT\n");
    ck_assert_int_eq(send_str(&g, "QU"), NET_OK);
    rig_close(&g);
    assert_says(&g, "mem.dlg:3: expected \"QUIT\\r\\n\", received \"QU\" and then the client "
                "closed the connection");
    rig_free(&g);
}
END_TEST

START_TEST(client_sends_extra)
{
    struct rig g;
    rig_open(&g, HDR "S: 220 hi\nC: QUIT\nS: 221 bye\n");
    expect_line(&g, "220 hi");
    ck_assert_int_eq(send_str(&g, "QUIT\r\n"), NET_OK);
    expect_line(&g, "221 bye");
    ck_assert(net_replay_layer_completed(g.rl));
    ck_assert_int_eq(send_str(&g, "NOOP\r\n"), NET_E_PROTOCOL);
    ck_assert(!net_replay_layer_completed(g.rl));
    assert_says(&g, "mem.dlg:5: the client sent more than the transcript has: received "
                "\"NOOP\\r\\n\"");
    rig_free(&g);
}
END_TEST

START_TEST(reset_after_greeting)
{
    struct rig g;
    rig_open(&g, HDR "S: 220 hi\n!reset\n");
    expect_line(&g, "220 hi");
    struct net_line ln;
    ck_assert_int_eq(net_conn_read_line(g.c, 0, &ln), NET_E_RESET);
    ck_assert(net_replay_layer_completed(g.rl));
    rig_free(&g);
}
END_TEST

START_TEST(close_gives_end_of_stream)
{
    struct rig g;
    rig_open(&g, HDR "S: 421 bye\n!close\n");
    expect_line(&g, "421 bye");
    ck_assert_int_eq(net_conn_fill(g.c), NET_E_CLOSED);
    ck_assert(net_replay_layer_completed(g.rl));
    rig_free(&g);
}
END_TEST

START_TEST(expect_close)
{
    struct rig g;
    rig_open(&g, HDR "S: 221 bye\n!expect-close\n");
    expect_line(&g, "221 bye");
    ck_assert(!net_replay_layer_completed(g.rl));
    rig_close(&g);
    ck_assert(net_replay_layer_completed(g.rl));
    rig_free(&g);

    rig_open(&g, HDR "S: 221 bye\n!expect-close\n");
    expect_line(&g, "221 bye");
    ck_assert_int_eq(send_str(&g, "NOOP\r\n"), NET_E_PROTOCOL);
    assert_says(&g, "mem.dlg:4: expected the client to close the connection, received "
                "\"NOOP\\r\\n\"");
    rig_free(&g);
}
END_TEST

START_TEST(raw_bytes_and_chunks)
{
    struct rig g;
    rig_open(&g, HDR "S| \\xff\\xfd\\x18\n!trickle 50 ab\nC| \\xff\\xfb\\0x\n!send-bytes 5 41\n");
    size_t n;
    ck_assert_int_eq(net_conn_fill(g.c), NET_OK);
    net_conn_data(g.c, &n);
    ck_assert_uint_eq(n, 3);                    /* one record per read */
    ck_assert_int_eq(net_conn_fill(g.c), NET_OK);
    ck_assert_int_eq(net_conn_fill(g.c), NET_OK);
    const char *d = net_conn_data(g.c, &n);
    ck_assert_uint_eq(n, 5);                    /* !trickle: one byte per read */
    ck_assert(memcmp(d, "\xff\xfd\x18" "ab", 5) == 0);
    net_conn_consume(g.c, n);
    ck_assert_int_eq(net_conn_write(g.c, "\xff\xfb", 2), NET_OK);
    ck_assert_int_eq(net_conn_write(g.c, "\0x", 2), NET_OK);
    char buf[5];
    ck_assert_int_eq(net_conn_read_exact(g.c, buf, 5), NET_OK);
    ck_assert(memcmp(buf, "AAAAA", 5) == 0);
    ck_assert(net_replay_layer_completed(g.rl));
    rig_free(&g);

    rig_open(&g, HDR "C| \\xff\\xfb\\x18\n");
    ck_assert_int_eq(net_conn_write(g.c, "\xff\xfc", 2), NET_E_PROTOCOL);
    assert_says(&g, "mem.dlg:3: expected \"\\xff\\xfb\\x18\", received \"\\xff\\xfc\"");
    rig_free(&g);
}
END_TEST

START_TEST(read_while_server_waits)
{
    struct rig g;
    rig_open(&g, HDR "S: 220 hi\nC: HELO x\n");
    expect_line(&g, "220 hi");
    struct net_line ln;
    ck_assert_int_eq(net_conn_read_line(g.c, 0, &ln), NET_E_PROTOCOL);
    assert_says(&g, "mem.dlg:4: expected \"HELO x\\r\\n\", but the client waits to read");
    rig_free(&g);
}
END_TEST

START_TEST(socket_directives_unsupported)
{
    static const char *const cases[] = {
        HDR "S: 220\n!starttls\n",
        HDR "S: 220\n!connection\n",
        HDR "S: 220\n!data-listen\n",
        HDR "S: 227 ({pasv})\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct rig g;
        rig_open(&g, cases[i]);
        struct net_line ln;
        ck_assert_int_eq(net_conn_read_line(g.c, 0, &ln), NET_E_USAGE);
        ck_assert_ptr_nonnull(strstr(net_conn_err(g.c)->text, "not supported in memory"));
        ck_assert_int_eq(report(&g)->outcome, NET_REPLAY_TRANSCRIPT);
        ck_assert_uint_eq(report(&g)->line, i == 3 ? 3 : 4);
        rig_free(&g);
    }
}
END_TEST

START_TEST(free_before_close)
{
    struct rig g;
    rig_open(&g, HDR "S: 220 hi\n");
    net_replay_layer_free(g.rl);    /* the layer keeps the state alive */
    expect_line(&g, "220 hi");
    net_conn_close(g.c);
    net_transcript_free(g.t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("replay_layer");
    TCase *tc = tcase_create("memory");
    tcase_add_test(tc, dialogue_completes);
    tcase_add_test(tc, mismatch_reported_with_line);
    tcase_add_test(tc, bare_lf_is_a_difference);
    tcase_add_test(tc, client_closes_early);
    tcase_add_test(tc, client_closes_mid_line);
    tcase_add_test(tc, client_sends_extra);
    tcase_add_test(tc, reset_after_greeting);
    tcase_add_test(tc, close_gives_end_of_stream);
    tcase_add_test(tc, expect_close);
    tcase_add_test(tc, raw_bytes_and_chunks);
    tcase_add_test(tc, read_while_server_waits);
    tcase_add_test(tc, socket_directives_unsupported);
    tcase_add_test(tc, free_before_close);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
