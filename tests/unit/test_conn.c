/* test_conn.c - the connection: lines and their caps, exact reads, streaming,
 * zero-copy fills, resets, short writes, trace masking, STARTTLS injection
 * (in memory), and deadlines, low speed, resets and SIGPIPE on real sockets. */
#include <check.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libnet/conn.h"
#include "libnet/mem.h"
#include "tests/support/tcpd.h"

/* ---- in-memory helpers ---- */

static struct net_conn *mem_conn(struct net_layer **mem, size_t rbuf)
{
    struct net_err err;
    ck_assert_int_eq(net_mem_layer_new(mem, &err), NET_OK);
    struct net_conn_opts o = {.rbuf_size = rbuf};
    struct net_conn *c;
    ck_assert_int_eq(net_conn_from_layer(*mem, &o, &c, &err), NET_OK);
    return c;
}

static void feed(struct net_layer *m, const char *s)
{
    ck_assert_int_eq(net_mem_feed(m, s, strlen(s)), NET_OK);
}

static void expect_line(struct net_conn *c, const char *want, bool crlf)
{
    struct net_line ln;
    enum net_status st = net_conn_read_line(c, 0, &ln);
    ck_assert_msg(st == NET_OK, "%s", net_conn_err(c)->text);
    ck_assert_uint_eq(ln.len, strlen(want));
    ck_assert(memcmp(ln.p, want, ln.len) == 0);
    ck_assert(ln.crlf == crlf);
}

START_TEST(lines_crlf_and_bare_lf)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 0);
    feed(m, "hello\r\nworld\n\r\n");
    expect_line(c, "hello", true);
    expect_line(c, "world", false);
    expect_line(c, "", true);
    net_conn_close(c);
}
END_TEST

START_TEST(line_split_over_chunks)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 0);
    feed(m, "he");
    feed(m, "llo\r");
    feed(m, "\nnext\r\n");
    expect_line(c, "hello", true);
    expect_line(c, "next", true);
    net_conn_close(c);
}
END_TEST

START_TEST(line_longer_than_buffer_fails)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 1024);
    char big[4096];
    memset(big, 'x', sizeof big);
    ck_assert_int_eq(net_mem_feed(m, big, sizeof big), NET_OK);
    struct net_line ln;
    ck_assert_int_eq(net_conn_read_line(c, 0, &ln), NET_E_LINE_TOO_LONG);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "longer than 1022 bytes"));
    /* the error is sticky */
    ck_assert_int_eq(net_conn_read_line(c, 0, &ln), NET_E_LINE_TOO_LONG);
    net_conn_close(c);
}
END_TEST

START_TEST(line_max_per_call)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 0);
    feed(m, "0123456789\r\n0123456789A\r\n");
    struct net_line ln;
    ck_assert_int_eq(net_conn_read_line(c, 10, &ln), NET_OK);
    ck_assert_uint_eq(ln.len, 10);
    ck_assert_int_eq(net_conn_read_line(c, 10, &ln), NET_E_LINE_TOO_LONG);
    ck_assert_int_eq(net_status_class(NET_E_LINE_TOO_LONG), NET_CLASS_PROTOCOL);
    net_conn_close(c);
}
END_TEST

START_TEST(line_cut_by_close)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 0);
    feed(m, "250 partial");
    struct net_line ln;
    ck_assert_int_eq(net_conn_read_line(c, 0, &ln), NET_E_CLOSED);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "middle of a line"));
    net_conn_close(c);

    c = mem_conn(&m, 0);
    ck_assert_int_eq(net_conn_read_line(c, 0, &ln), NET_E_CLOSED);
    ck_assert_ptr_null(strstr(net_conn_err(c)->text, "middle"));
    net_conn_close(c);
}
END_TEST

START_TEST(reset_mid_read)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 0);
    feed(m, "+OK 12 octets\r\nabc");
    net_mem_end_with_reset(m);
    expect_line(c, "+OK 12 octets", true);
    char buf[12];
    ck_assert_int_eq(net_conn_read_exact(c, buf, sizeof buf), NET_E_RESET);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "reset"));
    net_conn_close(c);
}
END_TEST

START_TEST(exact_reads_buffered_and_direct)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 1024);
    static char payload[10000];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (char)(i * 7);
    feed(m, "HDR\r\n");
    ck_assert_int_eq(net_mem_feed(m, payload, 300), NET_OK);
    ck_assert_int_eq(net_mem_feed(m, payload + 300, sizeof payload - 300), NET_OK);
    feed(m, "END\r\n");
    expect_line(c, "HDR", true);
    static char got[10000];
    ck_assert_int_eq(net_conn_read_exact(c, got, sizeof got), NET_OK);
    ck_assert(memcmp(got, payload, sizeof got) == 0);
    expect_line(c, "END", true);
    net_conn_close(c);
}
END_TEST

START_TEST(exact_read_cut_short)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 0);
    feed(m, "12345");
    char buf[10];
    ck_assert_int_eq(net_conn_read_exact(c, buf, 10), NET_E_CLOSED);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "after 5 of 10 bytes"));
    net_conn_close(c);
}
END_TEST

struct counter {
    uint64_t bytes;
    uint64_t sum;
    size_t max_span;
    int fail_after;     /* fail on this call (0: never) */
    int calls;
};

static int count_sink(void *ctx, const char *p, size_t n)
{
    struct counter *k = ctx;
    if (k->fail_after && ++k->calls >= k->fail_after)
        return -1;
    k->bytes += n;
    for (size_t i = 0; i < n; i++)
        k->sum += (unsigned char)p[i];
    if (n > k->max_span)
        k->max_span = n;
    return 0;
}

START_TEST(stream_counted_leaves_the_rest)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 4096);
    char chunk[3000];
    memset(chunk, 1, sizeof chunk);
    for (int i = 0; i < 350; i++)       /* 1,050,000 bytes */
        ck_assert_int_eq(net_mem_feed(m, chunk, sizeof chunk), NET_OK);
    feed(m, "TAIL\r\n");
    struct counter k = {0};
    ck_assert_int_eq(net_conn_stream(c, 1050000, count_sink, &k), NET_OK);
    ck_assert_uint_eq(k.bytes, 1050000);
    ck_assert_uint_eq(k.sum, 1050000);
    ck_assert_uint_le(k.max_span, 4096);    /* never more than the buffer */
    expect_line(c, "TAIL", true);
    net_conn_close(c);
}
END_TEST

START_TEST(stream_partial_is_an_error)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 0);
    char chunk[60];
    memset(chunk, 'a', sizeof chunk);
    ck_assert_int_eq(net_mem_feed(m, chunk, sizeof chunk), NET_OK);
    struct counter k = {0};
    ck_assert_int_eq(net_conn_stream(c, 100, count_sink, &k), NET_E_CLOSED);
    ck_assert_uint_eq(k.bytes, 60);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "after 60 of 100 bytes (partial transfer)"));
    net_conn_close(c);
}
END_TEST

START_TEST(stream_to_eof_and_sink_failure)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 0);
    feed(m, "abc");
    feed(m, "defg");
    struct counter k = {0};
    ck_assert_int_eq(net_conn_stream(c, NET_CONN_TO_EOF, count_sink, &k), NET_OK);
    ck_assert_uint_eq(k.bytes, 7);
    ck_assert(net_conn_eof(c));
    net_conn_close(c);

    c = mem_conn(&m, 0);
    feed(m, "abc");
    feed(m, "defg");
    struct counter f = {.fail_after = 2};
    ck_assert_int_eq(net_conn_stream(c, NET_CONN_TO_EOF, count_sink, &f), NET_E_LOCAL_IO);
    net_conn_close(c);
}
END_TEST

START_TEST(fill_and_consume_zero_copy)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 1024);
    feed(m, "abcdef");
    ck_assert_int_eq(net_conn_fill(c), NET_OK);
    size_t len;
    const char *p = net_conn_data(c, &len);
    ck_assert_uint_eq(len, 6);
    net_conn_consume(c, 3);
    p = net_conn_data(c, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert(memcmp(p, "def", 3) == 0);
    ck_assert_int_eq(net_conn_fill(c), NET_E_CLOSED);
    net_conn_close(c);

    /* a full buffer of unconsumed bytes cannot grow */
    c = mem_conn(&m, 1024);
    char big[2048];
    memset(big, 'z', sizeof big);
    ck_assert_int_eq(net_mem_feed(m, big, sizeof big), NET_OK);
    ck_assert_int_eq(net_conn_fill(c), NET_OK);
    ck_assert_int_eq(net_conn_fill(c), NET_E_LINE_TOO_LONG);
    net_conn_close(c);
}
END_TEST

START_TEST(fill_nowait_never_waits)
{
    /* in memory: data, then the end of the stream */
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 1024);
    feed(m, "abc");
    size_t got;
    ck_assert_int_eq(net_conn_fill_nowait(c, &got), NET_OK);
    ck_assert_uint_eq(got, 3);
    ck_assert_int_eq(net_conn_fill_nowait(c, &got), NET_OK);
    ck_assert_uint_eq(got, 0);
    ck_assert(net_conn_eof(c));
    size_t len;
    ck_assert(memcmp(net_conn_data(c, &len), "abc", 3) == 0);
    ck_assert_uint_eq(net_conn_pending(c), 0);
    net_conn_close(c);

    /* in memory: a reset is an error, and it sticks */
    c = mem_conn(&m, 1024);
    net_mem_end_with_reset(m);
    ck_assert_int_eq(net_conn_fill_nowait(c, &got), NET_E_RESET);
    ck_assert_int_eq(net_conn_fill_nowait(c, &got), NET_E_RESET);
    net_conn_close(c);
}
END_TEST

START_TEST(short_writes_complete)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 0);
    net_mem_set_write_max(m, 7);
    static char data[100000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)(i % 251);
    ck_assert_int_eq(net_conn_write(c, data, sizeof data), NET_OK);
    ck_assert_int_eq(net_conn_write(c, "QUIT\r\n", 6), NET_OK);
    size_t len;
    const char *out = net_mem_output(m, &len);
    ck_assert_uint_eq(len, sizeof data + 6);
    ck_assert(memcmp(out, data, sizeof data) == 0);
    ck_assert(memcmp(out + sizeof data, "QUIT\r\n", 6) == 0);
    struct net_conn_stats st;
    net_conn_stats(c, &st);
    ck_assert_uint_eq(st.bytes_out, sizeof data + 6);
    net_conn_close(c);
}
END_TEST

struct tracebuf {
    char out[256];
    size_t n;
    int secret_calls;
};

static void trace_cb(void *ctx, enum net_trace_dir dir, const char *p, size_t n, bool secret)
{
    struct tracebuf *t = ctx;
    if (dir != NET_TRACE_OUT)
        return;
    if (secret)
        t->secret_calls++;
    if (t->n + n < sizeof t->out) {
        memcpy(t->out + t->n, p, n);
        t->n += n;
    }
}

START_TEST(trace_masks_secret_spans)
{
    struct net_layer *m;
    struct net_err err;
    ck_assert_int_eq(net_mem_layer_new(&m, &err), NET_OK);
    struct tracebuf tb = {0};
    struct net_conn_opts o = {.trace = {trace_cb, &tb}};
    struct net_conn *c;
    ck_assert_int_eq(net_conn_from_layer(m, &o, &c, &err), NET_OK);
    struct net_span v[3] = {{"PASS ", 5, false}, {"hunter2", 7, true}, {"\r\n", 2, false}};
    ck_assert_int_eq(net_conn_writev(c, v, 3), NET_OK);
    ck_assert_str_eq(tb.out, "PASS *******\r\n");
    ck_assert_int_eq(tb.secret_calls, 1);
    size_t len;
    const char *wire = net_mem_output(m, &len);
    ck_assert_uint_eq(len, 14);
    ck_assert(memcmp(wire, "PASS hunter2\r\n", 14) == 0);
    net_conn_close(c);
}
END_TEST

START_TEST(starttls_refused_when_bytes_buffered)
{
    struct net_layer *m;
    struct net_conn *c = mem_conn(&m, 0);
    feed(m, "220 go ahead\r\nEVIL\r\n");
    expect_line(c, "220 go ahead", true);
    ck_assert_int_eq(net_conn_starttls(c, "localhost", NULL, NULL), NET_E_STARTTLS_INJECTED);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "6 bytes"));
    ck_assert_int_eq(net_status_class(NET_E_STARTTLS_INJECTED), NET_CLASS_TLS);
    net_conn_close(c);

    /* the injected bytes still sit below the connection's buffer */
    c = mem_conn(&m, 0);
    feed(m, "220 go ahead\r\n");
    feed(m, "EVIL");
    expect_line(c, "220 go ahead", true);
    ck_assert_int_eq(net_conn_starttls(c, "localhost", NULL, NULL), NET_E_STARTTLS_INJECTED);
    size_t len;
    net_mem_output(m, &len);
    ck_assert_uint_eq(len, 0);      /* no ClientHello went out */
    net_conn_close(c);
}
END_TEST

START_TEST(buffer_size_bounds)
{
    struct net_layer *m;
    struct net_err err;
    ck_assert_int_eq(net_mem_layer_new(&m, &err), NET_OK);
    struct net_conn_opts o = {.rbuf_size = 16};
    struct net_conn *c = NULL;
    ck_assert_int_eq(net_conn_from_layer(m, &o, &c, &err), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.text, "read buffer size 16"));
}
END_TEST

/* ---- real sockets ---- */

static struct net_conn *tcp_conn(struct tcpd *srv, const struct net_conn_opts *extra)
{
    struct net_conn_opts o = extra ? *extra : (struct net_conn_opts){0};
    o.resolve.kind = NET_RESOLVER_SYSTEM;
    o.connect_timeout_ms = 5000;
    struct net_conn *c = NULL;
    struct net_err err;
    enum net_status st = net_conn_open("127.0.0.1", tcpd_port(srv), &o, &c, &err);
    ck_assert_msg(st == NET_OK, "%s", err.text);
    return c;
}

START_TEST(open_reports_peer_and_stats)
{
    const struct tcpd_step steps[] = {{TCPD_SEND, "220 hi\r\n", 0, 0, 0},
                                      {TCPD_READ, NULL, 0, 6, 0}, {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn *c = tcp_conn(srv, NULL);
    char want[32];
    snprintf(want, sizeof want, "127.0.0.1:%u", tcpd_port(srv));
    ck_assert_str_eq(net_conn_peer(c), want);
    expect_line(c, "220 hi", true);
    ck_assert_int_eq(net_conn_write(c, "QUIT\r\n", 6), NET_OK);
    struct net_conn_stats st;
    net_conn_stats(c, &st);
    ck_assert_uint_eq(st.bytes_in, 8);
    ck_assert_uint_eq(st.bytes_out, 6);
    ck_assert_int_ge(net_conn_fd(c), 0);
    net_conn_close(c);
    tcpd_stop(srv);
}
END_TEST

START_TEST(idle_timeout)
{
    const struct tcpd_step steps[] = {{TCPD_SEND, "220 hi\r\n", 0, 0, 0},
                                      {TCPD_SLEEP, NULL, 0, 0, 1500}, {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn_opts o = {.idle_timeout_ms = 200};
    struct net_conn *c = tcp_conn(srv, &o);
    expect_line(c, "220 hi", true);
    struct net_line ln;
    net_ms t0 = net_now();
    ck_assert_int_eq(net_conn_read_line(c, 0, &ln), NET_E_IDLE_TIMEOUT);
    net_ms took = net_now() - t0;
    ck_assert_msg(took >= 150 && took < 1200, "took %lld", (long long)took);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "for 200 ms"));
    net_conn_close(c);
    tcpd_stop(srv);
}
END_TEST

START_TEST(total_timeout_despite_trickle)
{
    const struct tcpd_step steps[] = {{TCPD_TRICKLE, "abcdefghijklmnopqrstuvwxyz", 0, 0, 40},
                                      {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn_opts o = {.idle_timeout_ms = 300, .total_timeout_ms = 500};
    struct net_conn *c = tcp_conn(srv, &o);
    struct net_line ln;
    net_ms t0 = net_now();
    ck_assert_int_eq(net_conn_read_line(c, 0, &ln), NET_E_TOTAL_TIMEOUT);
    net_ms took = net_now() - t0;
    ck_assert_msg(took < 1000, "took %lld", (long long)took);
    net_conn_close(c);
    tcpd_stop(srv);
}
END_TEST

START_TEST(total_timeout_restarted)
{
    /* "b" comes 900 ms after "a": past the 600 ms limit from open, but
     * within the limit restarted after "a". Then a short restart fails the
     * next wait, and a restart to 0 removes the limit. */
    const struct tcpd_step steps[] = {{TCPD_SEND, "a\r\n", 0, 0, 0},
                                      {TCPD_SLEEP, NULL, 0, 0, 900},
                                      {TCPD_SEND, "b\r\n", 0, 0, 0},
                                      {TCPD_SLEEP, NULL, 0, 0, 1500},
                                      {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn_opts o = {.total_timeout_ms = 600};
    struct net_conn *c = tcp_conn(srv, &o);
    expect_line(c, "a", true);
    net_conn_set_total_timeout(c, 5000);
    expect_line(c, "b", true);
    net_conn_set_total_timeout(c, 200);
    struct net_line ln;
    ck_assert_int_eq(net_conn_read_line(c, 0, &ln), NET_E_TOTAL_TIMEOUT);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "time limit"));
    /* The error stays: restarting the deadline does not revive it. */
    net_conn_set_total_timeout(c, 5000);
    ck_assert_int_eq(net_conn_read_line(c, 0, &ln), NET_E_TOTAL_TIMEOUT);
    net_conn_close(c);
    tcpd_stop(srv);
}
END_TEST

START_TEST(total_timeout_removed)
{
    const struct tcpd_step steps[] = {{TCPD_SLEEP, NULL, 0, 0, 700},
                                      {TCPD_SEND, "late\r\n", 0, 0, 0},
                                      {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn_opts o = {.total_timeout_ms = 300};
    struct net_conn *c = tcp_conn(srv, &o);
    net_conn_set_total_timeout(c, 0);
    expect_line(c, "late", true);
    net_conn_close(c);
    tcpd_stop(srv);
}
END_TEST

START_TEST(low_speed_limit)
{
    const struct tcpd_step steps[] = {{TCPD_TRICKLE, "abcdefghijklmnopqrstuvwxyz", 0, 0, 60},
                                      {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn_opts o = {.idle_timeout_ms = 5000, .low_speed_bytes = 100,
                              .low_speed_ms = 400};
    struct net_conn *c = tcp_conn(srv, &o);
    struct counter k = {0};
    net_ms t0 = net_now();
    ck_assert_int_eq(net_conn_stream(c, NET_CONN_TO_EOF, count_sink, &k), NET_E_TOO_SLOW);
    net_ms took = net_now() - t0;
    ck_assert_msg(took >= 350 && took < 1200, "took %lld", (long long)took);
    ck_assert_uint_gt(k.bytes, 0);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "slower than 100 bytes/s"));
    ck_assert_int_eq(net_status_class(NET_E_TOO_SLOW), NET_CLASS_TIMEOUT);
    net_conn_close(c);
    tcpd_stop(srv);
}
END_TEST

START_TEST(low_speed_limit_not_hit_by_fast_peer)
{
    const struct tcpd_step steps[] = {{TCPD_SEND_N, "x", 0, 4u << 20, 0}, {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn_opts o = {.low_speed_bytes = 1000, .low_speed_ms = 100};
    struct net_conn *c = tcp_conn(srv, &o);
    struct counter k = {0};
    ck_assert_int_eq(net_conn_stream(c, 4u << 20, count_sink, &k), NET_OK);
    ck_assert_uint_eq(k.bytes, 4u << 20);
    net_conn_close(c);
    tcpd_stop(srv);
}
END_TEST

START_TEST(reset_mid_read_on_socket)
{
    const struct tcpd_step steps[] = {{TCPD_SEND, "+OK 100 octets\r\nabc", 0, 0, 0},
                                      {TCPD_SLEEP, NULL, 0, 0, 100},
                                      {TCPD_RESET, NULL, 0, 0, 0}, {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn *c = tcp_conn(srv, NULL);
    expect_line(c, "+OK 100 octets", true);
    struct counter k = {0};
    ck_assert_int_eq(net_conn_stream(c, 100, count_sink, &k), NET_E_RESET);
    ck_assert_uint_eq(k.bytes, 3);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "reset"));
    net_conn_close(c);
    tcpd_stop(srv);
}
END_TEST

START_TEST(write_to_closed_peer_no_sigpipe)
{
    /* The peer resets once it has seen our first byte, so the connection
     * is surely established first (a reset racing the connect is a connect
     * failure, which is not what this test is about). */
    const struct tcpd_step steps[] = {{TCPD_READ, NULL, 0, 1, 0}, {TCPD_RESET, NULL, 0, 0, 0},
                                      {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn *c = tcp_conn(srv, NULL);
    ck_assert_int_eq(net_conn_write(c, "x", 1), NET_OK);
    tcpd_stop(srv);     /* the peer is gone */
    static char block[65536];
    enum net_status st = NET_OK;
    for (int i = 0; i < 200 && st == NET_OK; i++)
        st = net_conn_write(c, block, sizeof block);
    ck_assert_msg(st == NET_E_RESET || st == NET_E_IO, "status %s", net_status_name(st));
    net_conn_close(c);
}
END_TEST

START_TEST(large_write_to_slow_reader)
{
    const struct tcpd_step steps[] = {{TCPD_SLEEP, NULL, 0, 0, 300},
                                      {TCPD_READ, NULL, 0, 8u << 20, 0}, {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn_opts o = {.idle_timeout_ms = 5000};
    struct net_conn *c = tcp_conn(srv, &o);
    char *big = calloc(1, 8u << 20);
    ck_assert_int_eq(net_conn_write(c, big, 8u << 20), NET_OK);
    net_conn_close(c);
    ck_assert_uint_eq(tcpd_stop(srv), 8u << 20);
    free(big);
}
END_TEST

START_TEST(connect_failure_names_address)
{
    unsigned short port = tcpd_free_port(AF_INET);
    struct net_conn_opts o = {.resolve.kind = NET_RESOLVER_SYSTEM, .connect_timeout_ms = 3000};
    struct net_conn *c = NULL;
    struct net_err err;
    ck_assert_int_eq(net_conn_open("127.0.0.1", port, &o, &c, &err), NET_E_CONNECT);
    char want[64];
    snprintf(want, sizeof want, "127.0.0.1:%u (Connection refused)", port);
    ck_assert_msg(strstr(err.text, want) != NULL, "%s", err.text);
    ck_assert_ptr_null(c);
}
END_TEST

START_TEST(fill_nowait_on_silent_socket)
{
    const struct tcpd_step steps[] = {{TCPD_SLEEP, NULL, 0, 0, 300},
                                      {TCPD_SEND, "late\r\n", 0, 0, 0}, {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn_opts o = {.idle_timeout_ms = 5000};
    struct net_conn *c = tcp_conn(srv, &o);
    size_t got = 99;
    net_ms t0 = net_now();
    ck_assert_int_eq(net_conn_fill_nowait(c, &got), NET_OK);
    ck_assert_uint_eq(got, 0);
    ck_assert(!net_conn_eof(c));
    ck_assert_int_lt(net_now() - t0, 100);      /* it did not wait */
    expect_line(c, "late", true);               /* a blocking read still works */
    net_conn_close(c);
    tcpd_stop(srv);
}
END_TEST

START_TEST(starttls_refused_when_bytes_wait_in_socket)
{
    /* The go-ahead arrives alone; the injected bytes come 100 ms later and
     * sit in the kernel's buffer, unread, when the upgrade starts. */
    const struct tcpd_step steps[] = {{TCPD_SEND, "220 go ahead\r\n", 0, 0, 0},
                                      {TCPD_SLEEP, NULL, 0, 0, 100},
                                      {TCPD_SEND, "EVIL\r\n", 0, 0, 0},
                                      {TCPD_SLEEP, NULL, 0, 0, 500}, {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    struct net_conn *c = tcp_conn(srv, NULL);
    expect_line(c, "220 go ahead", true);
    size_t len;
    net_conn_data(c, &len);
    ck_assert_uint_eq(len, 0);          /* nothing of it in our buffer */
    struct timespec ts = {0, 300 * 1000000L};
    nanosleep(&ts, NULL);
    ck_assert_int_eq(net_conn_starttls(c, "localhost", NULL, NULL), NET_E_STARTTLS_INJECTED);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "6 bytes"));
    net_conn_close(c);
    tcpd_stop(srv);
}
END_TEST

/* The server side of STARTTLS: go-ahead, then TLS at once, then an echo. */
static void *starttls_server(void *arg)
{
    int fd = *(int *)arg;
    struct net_tls_opts so = {.server = true, .cert_file = "tests/certs/good.pem",
                              .key_file = "tests/certs/good.key"};
    struct net_tls_ctx *ctx = NULL;
    struct net_err err;
    struct net_conn_opts o = {.idle_timeout_ms = 5000};
    struct net_conn *c = NULL;
    static enum net_status result;
    result = net_tls_ctx_new(&so, &ctx, &err);
    if (result == NET_OK)
        result = net_conn_accept(fd, &o, &c, &err);
    if (result == NET_OK)
        result = net_conn_write(c, "220 go ahead\r\n", 14);
    if (result == NET_OK)
        result = net_conn_accept_tls(c, ctx);
    struct net_line ln;
    if (result == NET_OK)
        result = net_conn_read_line(c, 0, &ln);
    if (result == NET_OK)
        result = net_conn_write(c, "250 secret ok\r\n", 15);
    net_conn_close(c);
    net_tls_ctx_free(ctx);
    return &result;
}

START_TEST(accept_side_starttls)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, starttls_server, &sv[1]), 0);
    struct net_conn_opts o = {.idle_timeout_ms = 5000, .connect_timeout_ms = 5000};
    struct net_conn *c;
    struct net_err err;
    ck_assert_int_eq(net_conn_accept(sv[0], &o, &c, &err), NET_OK);
    expect_line(c, "220 go ahead", true);
    struct net_tls_opts co = {.ca_file = "tests/certs/ca.pem"};
    enum net_status st = net_conn_starttls(c, "localhost", &co, NULL);
    ck_assert_msg(st == NET_OK, "%s", net_conn_err(c)->text);
    ck_assert_int_eq(net_conn_write(c, "HELLO\r\n", 7), NET_OK);
    expect_line(c, "250 secret ok", true);
    struct net_tls_info info;
    ck_assert(net_conn_tls_info(c, &info));
    net_conn_close(c);
    void *res;
    pthread_join(th, &res);
    ck_assert_int_eq(*(enum net_status *)res, NET_OK);
}
END_TEST

START_TEST(status_table_complete)
{
    for (int s = 0; s < NET_STATUS_COUNT; s++) {
        ck_assert_msg(strcmp(net_status_name((enum net_status)s), "NET_E_?") != 0, "status %d", s);
        ck_assert_str_ne(net_class_name(net_status_class((enum net_status)s)), "unknown");
    }
    ck_assert_str_eq(net_status_str(NET_E_RESET), "connection reset by peer");
    ck_assert_str_eq(net_status_str((enum net_status)999), "unknown error");
    struct net_err e;
    net_err_set(&e, NET_E_REFUSED, "server said ");
    net_err_append_quoted(&e, "550 no\x1b[2J\r\n", 12);
    ck_assert_str_eq(e.text, "server said \"550 no\\x1b[2J\\x0d\\x0a\"");
    char longtext[3000];
    memset(longtext, 'a', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    net_err_set(&e, NET_E_IO, "%s", longtext);
    ck_assert_uint_eq(strlen(e.text), NET_ERR_TEXT_MAX - 1);
    ck_assert_str_eq(e.text + NET_ERR_TEXT_MAX - 4, "...");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conn");
    TCase *mem = tcase_create("memory");
    tcase_add_test(mem, lines_crlf_and_bare_lf);
    tcase_add_test(mem, line_split_over_chunks);
    tcase_add_test(mem, line_longer_than_buffer_fails);
    tcase_add_test(mem, line_max_per_call);
    tcase_add_test(mem, line_cut_by_close);
    tcase_add_test(mem, reset_mid_read);
    tcase_add_test(mem, exact_reads_buffered_and_direct);
    tcase_add_test(mem, exact_read_cut_short);
    tcase_add_test(mem, stream_counted_leaves_the_rest);
    tcase_add_test(mem, stream_partial_is_an_error);
    tcase_add_test(mem, stream_to_eof_and_sink_failure);
    tcase_add_test(mem, fill_and_consume_zero_copy);
    tcase_add_test(mem, short_writes_complete);
    tcase_add_test(mem, fill_nowait_never_waits);
    tcase_add_test(mem, trace_masks_secret_spans);
    tcase_add_test(mem, starttls_refused_when_bytes_buffered);
    tcase_add_test(mem, buffer_size_bounds);
    tcase_add_test(mem, status_table_complete);
    suite_add_tcase(s, mem);
    TCase *net = tcase_create("socket");
    tcase_set_timeout(net, 20);
    tcase_add_test(net, open_reports_peer_and_stats);
    tcase_add_test(net, idle_timeout);
    tcase_add_test(net, total_timeout_despite_trickle);
    tcase_add_test(net, total_timeout_restarted);
    tcase_add_test(net, total_timeout_removed);
    tcase_add_test(net, low_speed_limit);
    tcase_add_test(net, low_speed_limit_not_hit_by_fast_peer);
    tcase_add_test(net, reset_mid_read_on_socket);
    tcase_add_test(net, write_to_closed_peer_no_sigpipe);
    tcase_add_test(net, large_write_to_slow_reader);
    tcase_add_test(net, connect_failure_names_address);
    tcase_add_test(net, accept_side_starttls);
    tcase_add_test(net, fill_nowait_on_silent_socket);
    tcase_add_test(net, starttls_refused_when_bytes_wait_in_socket);
    suite_add_tcase(s, net);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
