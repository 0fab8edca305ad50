/* test_http_client.c - the HTTP client engine: framing, reuse, interim
 * responses, redirects and where credentials go, Basic auth and its
 * masking, refusal of unsafe input before the wire, resume, decoding,
 * caps, uploads with Expect, proxies and tunnels, pipelining.
 *
 * Most dialogues are transcripts played in memory through the client's
 * connect hook (one transcript per connection; the replay checks every
 * byte the client sends). Real sockets serve what needs them: byte
 * counts (tcpd), a small HTTP server for pipelining and staleness, and the
 * replay server for a TLS tunnel. */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "libnet/conn.h"
#include "protocols/fixture/replay.h"
#include "protocols/fixture/transcript.h"
#include "protocols/http/client.h"
#include "tests/support/tcpd.h"
#include "tests/support/tmpfiles.h"

#define HDR "# protocol: http\n# source: hand-written unit test\n"
/* Connections one in-memory test may open. */
#define MSRV_MAX 8
/* Body bytes a collector keeps. */
#define GOT_MAX 65536
/* Heads a collector records. */
#define GOT_HEADS 64

/* A request as our client writes it (User-Agent "t", no proxy). */
#define REQ(method, target, host) \
    "C: " method " " target " HTTP/1.1\nC: Host: " host "\nC: User-Agent: t\nC: Accept: */*\n"
#define GET_H(target) REQ("GET", target, "h") "C: \n"
#define OK_HELLO "S| HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello\n"

/* ---- in-memory servers: one transcript per connection ---- */

struct msrv {
    size_t n, used;
    const char *text[MSRV_MAX];
    struct net_transcript *t[MSRV_MAX];
    struct net_replay_layer *rl[MSRV_MAX];
    char host[MSRV_MAX][64];
    unsigned short port[MSRV_MAX];
    bool tls[MSRV_MAX];
};

static enum net_status msrv_connect(void *ctx, const char *host, unsigned short port,
                                    const struct net_conn_opts *o, struct net_conn **out,
                                    struct net_err *err)
{
    struct msrv *m = ctx;
    if (m->used >= m->n)
        return net_err_set(err, NET_E_CONNECT, "test: no transcript for connection %zu",
                           m->used + 1);
    size_t i = m->used++;
    snprintf(m->host[i], sizeof m->host[i], "%s", host);
    m->port[i] = port;
    m->tls[i] = o->tls;
    ck_assert_uint_ge(o->rbuf_size, 64 * 1024);
    char name[32];
    snprintf(name, sizeof name, "conn%zu.dlg", i + 1);
    enum net_status st = net_transcript_parse(m->text[i], strlen(m->text[i]), name, &m->t[i],
                                              err);
    ck_assert_msg(st == NET_OK, "%s", err->text);
    struct net_layer *l;
    ck_assert_int_eq(net_replay_layer_new(m->t[i], &m->rl[i], &l, err), NET_OK);
    return net_conn_from_layer(l, o, out, err);
}

static void msrv_init(struct msrv *m, size_t n, const char *const *texts)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    for (size_t i = 0; i < n; i++)
        m->text[i] = texts[i];
}

/* After the client is freed: every connection opened played its whole
 * transcript (nothing missing, nothing extra), and connects were made. */
static void msrv_done(struct msrv *m, size_t connects)
{
    for (size_t i = 0; i < m->used; i++) {
        const struct net_replay_report *r = net_replay_layer_report(m->rl[i]);
        ck_assert_msg(net_replay_layer_completed(m->rl[i]), "connection %zu: %s (%s)", i + 1,
                      r->message, net_replay_outcome_name(r->outcome));
    }
    ck_assert_uint_eq(m->used, connects);
    for (size_t i = 0; i < m->used; i++) {
        net_replay_layer_free(m->rl[i]);
        net_transcript_free(m->t[i]);
    }
}

/* ---- what the callbacks saw ---- */

struct got {
    char body[GOT_MAX];
    size_t len;
    unsigned bodies;
    unsigned heads;
    int status[GOT_HEADS];
    bool interim[GOT_HEADS];
    bool final[GOT_HEADS];
    int fail_head;
};

static int got_body(void *ctx, const char *p, size_t n)
{
    struct got *g = ctx;
    size_t k = n < GOT_MAX - g->len ? n : GOT_MAX - g->len;
    memcpy(g->body + g->len, p, k);
    g->len += k;
    g->bodies++;
    return 0;
}

static int got_head(void *ctx, const struct net_http_response *r)
{
    struct got *g = ctx;
    if (g->heads < GOT_HEADS) {
        g->status[g->heads] = r->head->status;
        g->interim[g->heads] = r->interim;
        g->final[g->heads] = r->final;
    }
    g->heads++;
    ck_assert(r->raw_len > 0 && memcmp(r->raw, "HTTP/1.", 7) == 0);
    ck_assert_ptr_nonnull(r->url);
    return g->fail_head;
}

static struct got *got_new(void)
{
    struct got *g = calloc(1, sizeof *g);
    ck_assert_ptr_nonnull(g);
    return g;
}

static void body_is(const struct got *g, const char *want)
{
    ck_assert_msg(g->len == strlen(want) && memcmp(g->body, want, g->len) == 0,
                  "body '%.*s', wanted '%s'", (int)g->len, g->body, want);
}

/* ---- clients and requests ---- */

static struct net_http_client *client_with(struct msrv *m, struct net_http_client_opts *o)
{
    if (o->user_agent == NULL)
        o->user_agent = "t";
    if (o->proxy == NULL)
        o->proxy = "";
    if (m != NULL) {
        o->connect = msrv_connect;
        o->connect_ctx = m;
    }
    struct net_http_client *cl;
    struct net_err err;
    ck_assert_int_eq(net_http_client_new(o, &cl, &err), NET_OK);
    return cl;
}

static struct net_http_client *client(struct msrv *m)
{
    struct net_http_client_opts o = {0};
    return client_with(m, &o);
}

static enum net_status run(struct net_http_client *cl, const struct net_http_request *req,
                           struct got *g, struct net_http_result *res, struct net_err *err)
{
    struct net_http_callbacks cb = {got_head, got_body, g};
    net_err_clear(err);
    return net_http_perform(cl, req, g ? &cb : NULL, res, err);
}

static enum net_status get(struct net_http_client *cl, const char *url, struct got *g,
                           struct net_http_result *res, struct net_err *err)
{
    struct net_http_request req = {.url = url};
    return run(cl, &req, g, res, err);
}

static void err_has(const struct net_err *err, const char *want)
{
    ck_assert_msg(strstr(err->text, want) != NULL, "error '%s' lacks '%s'", err->text, want);
}

/* One in-memory dialogue of a single GET, its result checked by the caller. */
#define ONE(name, text)                                                  \
    struct msrv name;                                                    \
    const char *name##_t[] = {HDR text};                                 \
    msrv_init(&name, 1, name##_t)

/* ---- framing ---- */

START_TEST(get_content_length)
{
    ONE(m, GET_H("/x") OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/x#frag", g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 200);
    body_is(g, "hello");
    ck_assert_uint_eq(res.body_bytes, 5);
    ck_assert_uint_eq(res.decoded_bytes, 5);
    ck_assert_uint_eq(res.connects, 1);
    ck_assert(!res.reused);
    ck_assert_str_eq(res.effective_url, "http://h/x");
    ck_assert_uint_eq(g->heads, 1);
    ck_assert(g->final[0] && !g->interim[0]);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    ck_assert_str_eq(m.host[0], "h");
    ck_assert_uint_eq(m.port[0], 80);
    free(g);
}
END_TEST

START_TEST(chunked_with_trailers)
{
    ONE(m, GET_H("/c")
        "S| HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n5\\r\\nhel\n"
        "S| lo\\r\\n6;ext=1\\r\\n world\\r\\n0\\r\\nX-Trailer: 1\\r\\n\\r\\n\n"
        GET_H("/d") OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/c", g, &res, &err), NET_OK);
    body_is(g, "hello world");
    ck_assert_uint_eq(res.body_bytes, 11);
    net_http_result_clear(&res);
    /* the connection was left at the right place: it carries another */
    ck_assert_int_eq(get(cl, "http://h/d", NULL, &res, &err), NET_OK);
    ck_assert(res.reused);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(read_to_close)
{
    struct msrv m;
    const char *t[] = {HDR GET_H("/") "S| HTTP/1.1 200 OK\\r\\n\\r\\nuntil the end\n!close\n",
                       HDR GET_H("/") OK_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h", g, &res, &err), NET_OK);
    body_is(g, "until the end");
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/", NULL, &res, &err), NET_OK);
    ck_assert(!res.reused);
    ck_assert_uint_eq(res.connects, 1);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
    free(g);
}
END_TEST

START_TEST(head_length_no_body)
{
    ONE(m, REQ("HEAD", "/", "h") "C: \n"
        "S| HTTP/1.1 200 OK\\r\\nContent-Length: 1000\\r\\n\\r\\n\n"
        GET_H("/") OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {.method = "HEAD", .url = "http://h/"};
    ck_assert_int_eq(run(cl, &req, g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 200);
    ck_assert_uint_eq(g->bodies, 0);
    ck_assert_uint_eq(res.body_bytes, 0);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/", g, &res, &err), NET_OK);
    ck_assert(res.reused);
    body_is(g, "hello");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(no_body_204_304)
{
    ONE(m, GET_H("/a") "S| HTTP/1.1 204 No Content\\r\\n\\r\\n\n"
        GET_H("/b") "S| HTTP/1.1 304 Not Modified\\r\\nContent-Length: 50\\r\\n\\r\\n\n"
        GET_H("/c") OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/a", g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 204);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/b", g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 304);
    ck_assert_uint_eq(g->bodies, 0);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/c", g, &res, &err), NET_OK);
    body_is(g, "hello");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

/* ---- reuse ---- */

START_TEST(reuse_two_requests)
{
    ONE(m, GET_H("/1") OK_HELLO GET_H("/2") OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/1", NULL, &res, &err), NET_OK);
    ck_assert_uint_eq(res.connects, 1);
    ck_assert(!res.reused);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h:80/2", NULL, &res, &err), NET_OK);
    ck_assert_uint_eq(res.connects, 0);
    ck_assert(res.reused);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(no_reuse_after_connection_close)
{
    struct msrv m;
    const char *t[] = {
        HDR GET_H("/1") "S| HTTP/1.1 200 OK\\r\\nConnection: close\\r\\nContent-Length: 5\\r\\n"
            "\\r\\nhello\n",
        HDR GET_H("/2") OK_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/1", NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/2", NULL, &res, &err), NET_OK);
    ck_assert(!res.reused);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
}
END_TEST

START_TEST(no_reuse_after_partial_body)
{
    struct msrv m;
    const char *t[] = {
        HDR GET_H("/1") "S| HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\n\\r\\nhello\n!close\n",
        HDR GET_H("/2") OK_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/1", g, &res, &err), NET_E_CLOSED);
    err_has(&err, "partial transfer: got 5 of 10 bytes from http://h/1");
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/2", NULL, &res, &err), NET_OK);
    ck_assert(!res.reused);
    ck_assert_uint_eq(res.connects, 1);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
    free(g);
}
END_TEST

START_TEST(stale_pooled_connection_retried)
{
    /* The server closed the idle connection; the next request fails on it
     * before any answer and goes again, once, on a new connection. */
    struct msrv m;
    const char *t[] = {HDR GET_H("/1") OK_HELLO "!close\n", HDR GET_H("/2") OK_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/1", NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/2", g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 200);
    ck_assert_uint_eq(res.connects, 1);
    ck_assert(!res.reused);
    body_is(g, "hello");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
    free(g);
}
END_TEST

START_TEST(stale_post_callback_not_retried)
{
    /* A body that cannot be sent again is not retried. */
    struct msrv m;
    const char *t[] = {HDR GET_H("/1") OK_HELLO "!close\n"};
    msrv_init(&m, 1, t);
    struct net_http_client_opts o = {.expect_100_min = 1000};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/1", NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    struct net_http_request req = {
        .url = "http://h/2",
        .body = {.src = NET_HTTP_SRC_MEMORY, .data = "abc", .size = 3},
    };
    /* memory is rewindable: this one is retried, and finds no server */
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_E_CONNECT);
    err_has(&err, "no transcript for connection 2");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(pool_keyed_by_credentials)
{
    struct msrv m;
    const char *t[] = {
        HDR "C: GET /1 HTTP/1.1\nC: Host: h\nC: Authorization: Basic YTox\nC: User-Agent: t\n"
            "C: Accept: */*\nC: \n" OK_HELLO
            "C: GET /3 HTTP/1.1\nC: Host: h\nC: Authorization: Basic YTox\nC: User-Agent: t\n"
            "C: Accept: */*\nC: \n" OK_HELLO,
        HDR "C: GET /2 HTTP/1.1\nC: Host: h\nC: Authorization: Basic Yjoy\nC: User-Agent: t\n"
            "C: Accept: */*\nC: \n" OK_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://a:1@h/1", NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://b:2@h/2", NULL, &res, &err), NET_OK);
    ck_assert(!res.reused);     /* another user: never the first user's connection */
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://a:1@h/3", NULL, &res, &err), NET_OK);
    ck_assert(res.reused);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
}
END_TEST

START_TEST(https_direct_uses_tls)
{
    struct msrv m2;
    const char *t[] = {HDR REQ("GET", "/", "h") "C: \n" OK_HELLO,
                       HDR REQ("GET", "/", "h:8443") "C: \n" OK_HELLO};
    msrv_init(&m2, 2, t);
    struct net_http_client *cl = client(&m2);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "https://h/", NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "https://h:8443/", NULL, &res, &err), NET_OK);
    ck_assert_str_eq(res.effective_url, "https://h:8443/");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m2, 2);
    ck_assert(m2.tls[0] && m2.tls[1]);
    ck_assert_uint_eq(m2.port[0], 443);
    ck_assert_uint_eq(m2.port[1], 8443);
}
END_TEST

/* ---- interim responses ---- */

START_TEST(continue_then_200)
{
    ONE(m, GET_H("/") "S| HTTP/1.1 100 Continue\\r\\n\\r\\n" "HTTP/1.1 200 OK\\r\\n"
        "Content-Length: 5\\r\\n\\r\\nhello\n");
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/", g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 200);
    ck_assert_uint_eq(g->heads, 2);
    ck_assert_int_eq(g->status[0], 100);
    ck_assert(g->interim[0] && !g->final[0]);
    ck_assert_int_eq(g->status[1], 200);
    ck_assert(g->final[1]);
    body_is(g, "hello");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(five_102_then_200)
{
    ONE(m, GET_H("/")
        "S| HTTP/1.1 102 Processing\\r\\n\\r\\n\n" "S| HTTP/1.1 102 Processing\\r\\n\\r\\n\n"
        "S| HTTP/1.1 102 Processing\\r\\n\\r\\n\n" "S| HTTP/1.1 102 Processing\\r\\n\\r\\n\n"
        "S| HTTP/1.1 102 Processing\\r\\n\\r\\n\n" OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/", g, &res, &err), NET_OK);
    ck_assert_uint_eq(g->heads, 6);
    for (int i = 0; i < 5; i++)
        ck_assert(g->status[i] == 102 && g->interim[i]);
    body_is(g, "hello");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(endless_1xx_fails)
{
    ONE(m, GET_H("/") "!send-file /dev/null\n"
        "S| HTTP/1.1 102 Processing\\r\\n\\r\\nHTTP/1.1 102 Processing\\r\\n\\r\\n"
        "HTTP/1.1 102 Processing\\r\\n\\r\\nHTTP/1.1 102 Processing\\r\\n\\r\\n"
        "HTTP/1.1 102 Processing\\r\\n\\r\\nHTTP/1.1 102 Processing\\r\\n\\r\\n"
        "HTTP/1.1 102 Processing\\r\\n\\r\\nHTTP/1.1 102 Processing\\r\\n\\r\\n"
        "HTTP/1.1 102 Processing\\r\\n\\r\\nHTTP/1.1 102 Processing\\r\\n\\r\\n"
        "HTTP/1.1 102 Processing\\r\\n\\r\\nHTTP/1.1 102 Processing\\r\\n\\r\\n"
        "HTTP/1.1 102 Processing\\r\\n\\r\\nHTTP/1.1 102 Processing\\r\\n\\r\\n"
        "HTTP/1.1 102 Processing\\r\\n\\r\\nHTTP/1.1 102 Processing\\r\\n\\r\\n"
        "HTTP/1.1 102 Processing\\r\\n\\r\\nHTTP/1.1 102 Processing\\r\\n\\r\\n\n");
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/", g, &res, &err), NET_E_PROTOCOL);
    err_has(&err, "endless 1xx responses from http://h/ (more than 16)");
    ck_assert_uint_eq(g->heads, 16);
    ck_assert_uint_eq(g->bodies, 0);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(unasked_101_fails)
{
    ONE(m, GET_H("/") "S| HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: x\\r\\n\\r\\n\n");
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/", NULL, &res, &err), NET_E_PROTOCOL);
    err_has(&err, "unexpected HTTP/1.1 101 Switching Protocols from http://h/");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

/* ---- redirects ---- */

#define MOVED(code, where) \
    "S| HTTP/1.1 " #code " Moved\\r\\nLocation: " where "\\r\\nContent-Length: 3\\r\\n\\r\\nbye\n"

START_TEST(redirect_chain_of_3)
{
    ONE(m, GET_H("/a") MOVED(301, "/b") GET_H("/b") MOVED(302, "http://h/c")
        GET_H("/c") MOVED(301, "d?q=1#f") GET_H("/d?q=1") OK_HELLO);
    struct net_http_client_opts o = {.follow = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/a", g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 200);
    ck_assert_uint_eq(res.redirects, 3);
    ck_assert_str_eq(res.effective_url, "http://h/d?q=1");
    body_is(g, "hello");
    ck_assert_uint_eq(g->heads, 4);
    ck_assert(!g->final[0] && !g->interim[0] && g->final[3]);
    ck_assert_uint_eq(res.connects, 1);     /* one connection carried every hop */
    ck_assert(res.reused);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(redirect_not_followed_without_follow)
{
    ONE(m, GET_H("/a") MOVED(301, "/b"));
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/a", g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 301);
    body_is(g, "bye");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(redirect_limit)
{
    ONE(m, GET_H("/a") MOVED(301, "/b") GET_H("/b") MOVED(301, "/c")
        GET_H("/c") MOVED(301, "/d"));
    struct net_http_client_opts o = {.follow = true, .max_redirects = 2};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/a", NULL, &res, &err), NET_E_REDIRECTS);
    ck_assert_str_eq(err.text, "more than 2 redirects (last: http://h/d)");
    ck_assert_uint_eq(res.redirects, 2);
    ck_assert_str_eq(res.effective_url, "http://h/c");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(redirect_none_allowed)
{
    ONE(m, GET_H("/a") MOVED(302, "/a"));
    struct net_http_client_opts o = {.follow = true, .max_redirects = -1};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/a", NULL, &res, &err), NET_E_REDIRECTS);
    err_has(&err, "more than 0 redirects");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(redirect_loop_hits_limit)
{
    ONE(m, GET_H("/a") MOVED(302, "/a") GET_H("/a") MOVED(302, "/a") GET_H("/a")
        MOVED(302, "/a") GET_H("/a") MOVED(302, "/a"));
    struct net_http_client_opts o = {.follow = true, .max_redirects = 3};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/a", NULL, &res, &err), NET_E_REDIRECTS);
    err_has(&err, "more than 3 redirects (last: http://h/a)");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST


static const struct net_http_header form_headers[] = {
    {"Content-Type", "text/plain"}, {"X-Keep", "1"},
};

START_TEST(post_303_becomes_get)
{
    ONE(m, REQ("POST", "/form", "h") "C: Content-Length: 3\nC: Content-Type: text/plain\n"
        "C: X-Keep: 1\nC: \nC| a=1\n"
        MOVED(303, "/done") REQ("GET", "/done", "h") "C: X-Keep: 1\nC: \n" OK_HELLO);
    struct net_http_client_opts o = {.follow = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {
        .url = "http://h/form", .headers = form_headers, .nheaders = 2,
        .body = {.src = NET_HTTP_SRC_MEMORY, .data = "a=1", .size = 3},
    };
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 200);
    ck_assert_uint_eq(res.upload_bytes, 3);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(post_302_becomes_get_head_stays_head)
{
    ONE(m, REQ("POST", "/f", "h") "C: Content-Length: 1\nC: \nC| x\n" MOVED(302, "/g")
        GET_H("/g") OK_HELLO
        REQ("HEAD", "/f", "h") "C: \n" "S| HTTP/1.1 303 See\\r\\nLocation: /g\\r\\n\\r\\n\n"
        REQ("HEAD", "/g", "h") "C: \n" "S| HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\n\n");
    struct net_http_client_opts o = {.follow = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {
        .url = "http://h/f", .body = {.src = NET_HTTP_SRC_MEMORY, .data = "x", .size = 1},
    };
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    struct net_http_request head = {.method = "HEAD", .url = "http://h/f"};
    ck_assert_int_eq(run(cl, &head, NULL, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 200);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(redirect_307_keeps_post_body)
{
    char dir[256], path[300];
    ck_assert_ptr_nonnull(tmpfiles_mkdir("http307", dir, sizeof dir));
    snprintf(path, sizeof path, "%s/body", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "skip:payload", 12), 12);
    ck_assert_int_eq(lseek(fd, 5, SEEK_SET), 5);   /* the body starts here */
    ONE(m, REQ("PUT", "/a", "h") "C: Content-Length: 7\nC: \nC| payload\n" MOVED(307, "/b")
        REQ("PUT", "/b", "h") "C: Content-Length: 7\nC: \nC| payload\n" MOVED(308, "/c")
        REQ("PUT", "/c", "h") "C: Content-Length: 7\nC: \nC| payload\n" OK_HELLO);
    struct net_http_client_opts o = {.follow = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {
        .method = "PUT", .url = "http://h/a",
        .body = {.src = NET_HTTP_SRC_FD, .fd = fd, .size = 7},
    };
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 200);
    ck_assert_uint_eq(res.redirects, 2);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    close(fd);
    tmpfiles_rmdir(dir);
}
END_TEST

struct cbody {
    const char *parts[4];
    size_t i;
    int rewinds;
};

static ssize_t cbody_read(void *ctx, char *buf, size_t cap)
{
    struct cbody *b = ctx;
    const char *p = b->parts[b->i];
    if (p == NULL)
        return 0;
    size_t n = strlen(p);
    ck_assert_uint_ge(cap, n);
    memcpy(buf, p, n);
    b->i++;
    return (ssize_t)n;
}

static int cbody_rewind(void *ctx)
{
    struct cbody *b = ctx;
    b->i = 0;
    b->rewinds++;
    return 0;
}

START_TEST(redirect_307_callback_needs_rewind)
{
    ONE(m, REQ("POST", "/a", "h") "C: Content-Length: 3\nC: \nC| abc\n" MOVED(307, "/b"));
    struct net_http_client_opts o = {.follow = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    struct cbody b = {.parts = {"abc", NULL}};
    struct net_http_request req = {
        .url = "http://h/a",
        .body = {.src = NET_HTTP_SRC_CALLBACK, .read = cbody_read, .ctx = &b, .size = 3},
    };
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_E_USAGE);
    err_has(&err, "no rewind function");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(redirect_307_callback_rewound)
{
    ONE(m, REQ("POST", "/a", "h") "C: Content-Length: 6\nC: \nC| abcdef\n" MOVED(307, "/b")
        REQ("POST", "/b", "h") "C: Content-Length: 6\nC: \nC| abcdef\n" OK_HELLO);
    struct net_http_client_opts o = {.follow = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    struct cbody b = {.parts = {"abc", "def", NULL}};
    struct net_http_request req = {
        .url = "http://h/a",
        .body = {.src = NET_HTTP_SRC_CALLBACK, .read = cbody_read, .rewind = cbody_rewind,
                 .ctx = &b, .size = 6},
    };
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_OK);
    ck_assert_int_eq(b.rewinds, 1);
    ck_assert_uint_eq(res.upload_bytes, 12);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(relative_location)
{
    ONE(m, GET_H("/dir/sub/page") MOVED(301, "../other/x?y=2#top") GET_H("/dir/other/x?y=2")
        MOVED(302, "/with space/\xc3\xa9") GET_H("/with%20space/%C3%A9") OK_HELLO);
    struct net_http_client_opts o = {.follow = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/dir/sub/page", NULL, &res, &err), NET_OK);
    ck_assert_str_eq(res.effective_url, "http://h/with%20space/%C3%A9");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

static const struct net_http_header cred_headers[] = {
    {"Cookie", "sid=1"}, {"X-Other", "o"}, {"Host", "vhost"},
};

START_TEST(credentials_dropped_cross_host)
{
    struct msrv m;
    const char *t[] = {
        HDR "C: GET /a HTTP/1.1\nC: Host: vhost\nC: Authorization: Basic dTpw\n"
            "C: User-Agent: t\nC: Accept: */*\nC: Cookie: sid=1\nC: X-Other: o\nC: \n"
            MOVED(302, "http://other:8080/b"),
        /* the second origin: written exactly, so any credential is a
         * difference (and the caller's Host, which named the first) */
        HDR REQ("GET", "/b", "other:8080") "C: X-Other: o\nC: \n" OK_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client_opts o = {.follow = true, .user = "u", .password = "p"};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {.url = "http://h/a", .headers = cred_headers, .nheaders = 3};
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 200);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
    ck_assert_str_eq(m.host[1], "other");
    ck_assert_uint_eq(m.port[1], 8080);
}
END_TEST

START_TEST(credentials_dropped_scheme_change)
{
    /* Same host, other port: another origin. */
    struct msrv m;
    const char *t[] = {
        HDR "C: GET /a HTTP/1.1\nC: Host: h\nC: Authorization: Basic dTpw\nC: User-Agent: t\n"
            "C: Accept: */*\nC: \n" MOVED(301, "http://h:81/b"),
        HDR REQ("GET", "/b", "h:81") "C: \n" OK_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client_opts o = {.follow = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://u:p@h/a", NULL, &res, &err), NET_OK);
    ck_assert_str_eq(res.effective_url, "http://h:81/b");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
}
END_TEST

START_TEST(credentials_kept_same_origin_and_trusted)
{
    struct msrv m;
    const char *t[] = {
        HDR "C: GET /a HTTP/1.1\nC: Host: h\nC: Authorization: Basic dTpw\nC: User-Agent: t\n"
            "C: Accept: */*\nC: \n" MOVED(302, "/b")
            "C: GET /b HTTP/1.1\nC: Host: h\nC: Authorization: Basic dTpw\nC: User-Agent: t\n"
            "C: Accept: */*\nC: \n" MOVED(302, "http://x/c"),
        HDR "C: GET /c HTTP/1.1\nC: Host: x\nC: Authorization: Basic dTpw\nC: User-Agent: t\n"
            "C: Accept: */*\nC: \n" OK_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client_opts o = {.follow = true, .user = "u", .password = "p",
                                     .location_trusted = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/a", NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
}
END_TEST

START_TEST(redirect_to_ftp_refused)
{
    ONE(m, GET_H("/a") MOVED(301, "ftp://u:secret@h/file"));
    struct net_http_client_opts o = {.follow = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/a", NULL, &res, &err), NET_E_REDIRECT_REFUSED);
    err_has(&err, "redirect from http://h/a to a URL of scheme 'ftp' refused");
    ck_assert_ptr_null(strstr(err.text, "secret"));
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

/* ---- Basic auth ---- */

struct tracebuf {
    char out[8192];
    size_t len;
    char info[8192];
    size_t info_len;
    unsigned secret_spans;
};

static void trace_fn(void *ctx, enum net_trace_dir dir, const char *data, size_t len,
                     bool secret)
{
    struct tracebuf *t = ctx;
    char *dst = dir == NET_TRACE_OUT ? t->out : dir == NET_TRACE_INFO ? t->info : NULL;
    size_t *n = dir == NET_TRACE_OUT ? &t->len : &t->info_len;
    if (dst == NULL)
        return;
    size_t k = len < sizeof t->out - 1 - *n ? len : sizeof t->out - 1 - *n;
    memcpy(dst + *n, data, k);
    *n += k;
    dst[*n] = '\0';
    if (dir == NET_TRACE_INFO && *n < sizeof t->info - 1) {
        dst[(*n)++] = '\n';
        dst[*n] = '\0';
    }
    if (secret)
        t->secret_spans++;
}

START_TEST(basic_auth_value_and_trace_mask)
{
    ONE(m, "C: GET / HTTP/1.1\nC: Host: h\n"
        "C: Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\nC: User-Agent: t\n"
        "C: Accept: */*\nC: \n" OK_HELLO);
    struct tracebuf *tb = calloc(1, sizeof *tb);
    struct net_http_client_opts o = {.user = "Aladdin", .password = "open sesame"};
    o.conn.trace = (struct net_trace){trace_fn, tb};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/", NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    ck_assert_ptr_null(strstr(tb->out, "QWxhZGRp"));
    ck_assert_ptr_nonnull(strstr(tb->out, "Authorization: ****"));
    ck_assert_ptr_nonnull(strstr(tb->out, "User-Agent: t\r\n"));
    ck_assert_uint_ge(tb->secret_spans, 1);
    free(tb);
}
END_TEST

START_TEST(url_userinfo_decoded)
{
    /* "us%40r:p%3Ass" is "us@r" / "p:ss" */
    ONE(m, "C: GET / HTTP/1.1\nC: Host: h\nC: Authorization: Basic dXNAcjpwOnNz\n"
        "C: User-Agent: t\nC: Accept: */*\nC: \n" OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://us%40r:p%3Ass@h/", NULL, &res, &err), NET_OK);
    ck_assert_str_eq(res.effective_url, "http://h/");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    ck_assert_int_eq(fchmod(fd, mode), 0);
    close(fd);
}

START_TEST(netrc_used_and_unsafe_refused)
{
    char dir[256], path[300];
    ck_assert_ptr_nonnull(tmpfiles_mkdir("httpnetrc", dir, sizeof dir));
    snprintf(path, sizeof path, "%s/netrc", dir);
    write_file(path, "machine h login nu password np\n", 0600);
    ONE(m, "C: GET / HTTP/1.1\nC: Host: h\nC: Authorization: Basic bnU6bnA=\n"
        "C: User-Agent: t\nC: Accept: */*\nC: \n" OK_HELLO);
    struct net_http_client_opts o = {.netrc = NET_HTTP_NETRC_OPTIONAL, .netrc_file = path};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/", NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    /* readable by others: refused before any connection */
    ck_assert_int_eq(chmod(path, 0644), 0);
    ck_assert_int_eq(get(cl, "http://h/", NULL, &res, &err), NET_E_AUTH);
    ck_assert_uint_eq(res.connects, 0);
    ck_assert_ptr_null(strstr(err.text, "np"));
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    tmpfiles_rmdir(dir);
}
END_TEST

START_TEST(netrc_required_missing)
{
    char dir[256], path[300];
    ck_assert_ptr_nonnull(tmpfiles_mkdir("httpnetrc", dir, sizeof dir));
    snprintf(path, sizeof path, "%s/netrc", dir);
    write_file(path, "machine other login a password b\n", 0600);
    struct msrv m;
    msrv_init(&m, 0, NULL);
    struct net_http_client_opts o = {.netrc = NET_HTTP_NETRC_REQUIRED, .netrc_file = path};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/", NULL, &res, &err), NET_E_AUTH);
    err_has(&err, "no netrc entry for h");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 0);
    tmpfiles_rmdir(dir);
}
END_TEST

/* ---- unsafe input: refused with nothing sent ---- */

/* Run req against a real peer (url_fmt gets its port) and assert the
 * failure and that the peer received no byte at all. */
static void refused(const char *url_fmt, const char *method, const struct net_http_header *h,
                    size_t nh, enum net_status want, const char *text)
{
    const struct tcpd_step steps[] = {{TCPD_DRAIN, NULL, 0, 0, 0}, {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    ck_assert_ptr_nonnull(srv);
    char url[256];
    snprintf(url, sizeof url, url_fmt, tcpd_port(srv));
    struct net_http_client *cl = client(NULL);
    struct net_http_request req = {.method = method, .url = url, .headers = h, .nheaders = nh};
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), want);
    err_has(&err, text);
    ck_assert_uint_eq(res.connects, 0);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    /* release the peer with a connection of our own that sends nothing */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(tcpd_port(srv)),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    close(fd);
    ck_assert_uint_eq(tcpd_stop(srv), 0);
}

START_TEST(crlf_in_method)
{
    refused("http://127.0.0.1:%u/", "GET / HTTP/1.1\r\nX: y\r\n", NULL, 0, NET_E_UNSAFE_INPUT,
            "method");
    refused("http://127.0.0.1:%u/", "G T", NULL, 0, NET_E_UNSAFE_INPUT, "method");
}
END_TEST

START_TEST(crlf_in_header_name)
{
    const struct net_http_header h[] = {{"X-A\r\nInjected", "1"}};
    refused("http://127.0.0.1:%u/", NULL, h, 1, NET_E_UNSAFE_INPUT, "not a token");
}
END_TEST

START_TEST(crlf_in_header_value)
{
    const struct net_http_header h[] = {{"X-A", "1\r\nInjected: yes"}};
    refused("http://127.0.0.1:%u/", NULL, h, 1, NET_E_UNSAFE_INPUT, "'X-A'");
    const struct net_http_header lf[] = {{"X-B", "1\nInjected: yes"}};
    refused("http://127.0.0.1:%u/", NULL, lf, 1, NET_E_UNSAFE_INPUT, "'X-B'");
}
END_TEST

START_TEST(crlf_in_path)
{
    refused("http://127.0.0.1:%u/a\r\nX: y", NULL, NULL, 0, NET_E_URL, "malformed URL");
    refused("http://127.0.0.1:%u/a%%0d%%0aX:%%20y", NULL, NULL, 0, NET_E_UNSAFE_INPUT, "path");
    refused("http://127.0.0.1:%u/a?q=%%0A", NULL, NULL, 0, NET_E_UNSAFE_INPUT, "query");
    refused("http://127.0.0.1:%u/a%%00b", NULL, NULL, 0, NET_E_UNSAFE_INPUT, "path");
}
END_TEST

START_TEST(crlf_in_userinfo)
{
    refused("http://u%%0d%%0aX:p@127.0.0.1:%u/", NULL, NULL, 0, NET_E_UNSAFE_INPUT, "user name");
    refused("http://u:p%%0a@127.0.0.1:%u/", NULL, NULL, 0, NET_E_UNSAFE_INPUT, "password");
}
END_TEST

START_TEST(crlf_in_option_user)
{
    struct msrv m;
    msrv_init(&m, 0, NULL);
    struct net_http_client_opts o = {.user = "u\r\nX: y", .password = "p"};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/", NULL, &res, &err), NET_E_UNSAFE_INPUT);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 0);
}
END_TEST

/* ---- caller headers ---- */

START_TEST(caller_headers_replace_and_remove)
{
    static const struct net_http_header h[] = {
        {"X-First", "1"}, {"user-agent", "mine/2"}, {"Accept", NULL}, {"host", "vhost"},
        {"X-Empty", ""},
    };
    ONE(m, "C: GET / HTTP/1.1\nC: host: vhost\nC: user-agent: mine/2\nC: X-First: 1\n"
        "C: X-Empty:\nC: \n" OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {.url = "http://h/", .headers = h, .nheaders = 5};
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(host_header_forms)
{
    struct msrv m;
    const char *t[] = {HDR REQ("GET", "/", "[::1]:8080") "C: \n" OK_HELLO,
                       HDR REQ("GET", "/", "[fe80::1]") "C: \n" OK_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://[::1]:8080", NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://[fe80::1%25eth0]/", NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
    ck_assert_str_eq(m.host[0], "::1");
}
END_TEST

/* ---- resume ---- */

#define RANGE_REQ(from) REQ("GET", "/f", "h") "C: Range: bytes=" from "-\nC: \n"

START_TEST(range_resume_206)
{
    ONE(m, RANGE_REQ("100") "S| HTTP/1.1 206 Partial Content\\r\\nContent-Range: bytes "
        "100-104/105\\r\\nContent-Length: 5\\r\\n\\r\\nhello\n");
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {.url = "http://h/f", .range_start = 100};
    ck_assert_int_eq(run(cl, &req, g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 206);
    body_is(g, "hello");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(range_206_wrong_start)
{
    ONE(m, RANGE_REQ("100") "S| HTTP/1.1 206 Partial Content\\r\\nContent-Range: bytes "
        "0-4/105\\r\\nContent-Length: 5\\r\\n\\r\\nhello\n");
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {.url = "http://h/f", .range_start = 100};
    ck_assert_int_eq(run(cl, &req, g, &res, &err), NET_E_PROTOCOL);
    err_has(&err, "without a Content-Range starting at byte 100: \"bytes 0-4/105\"");
    ck_assert_uint_eq(g->bodies, 0);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(range_ignored_200)
{
    ONE(m, RANGE_REQ("7") "S| HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello\n");
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {.url = "http://h/f", .range_start = 7};
    ck_assert_int_eq(run(cl, &req, g, &res, &err), NET_E_RANGE_IGNORED);
    err_has(&err, "ignored the range (bytes=7-)");
    ck_assert_uint_eq(g->bodies, 0);
    ck_assert_int_eq(res.status, 200);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(range_416_unsatisfied)
{
    ONE(m, RANGE_REQ("105") "S| HTTP/1.1 416 Range Not Satisfiable\\r\\nContent-Range: "
        "bytes */105\\r\\nContent-Length: 5\\r\\n\\r\\nerror\n" GET_H("/next") OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {.url = "http://h/f", .range_start = 105};
    ck_assert_int_eq(run(cl, &req, g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 416);
    ck_assert(res.range_unsatisfied);
    ck_assert_uint_eq(g->bodies, 0);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/next", NULL, &res, &err), NET_OK);
    ck_assert(res.reused);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

/* ---- decoding ---- */

/* The gzip member of text, as transcript escapes, into out. */
static void gzip_escaped(const char *text, char *out, size_t cap, size_t *gz_len)
{
    unsigned char gz[512];
    z_stream z = {0};
    ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)text;
    z.avail_in = (unsigned)strlen(text);
    z.next_out = gz;
    z.avail_out = sizeof gz;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    *gz_len = sizeof gz - z.avail_out;
    deflateEnd(&z);
    size_t n = 0;
    for (size_t i = 0; i < *gz_len; i++)
        n += (size_t)snprintf(out + n, cap - n, "\\x%02x", gz[i]);
}

START_TEST(gzip_body_decoded)
{
    const char *plain = "hello hello hello hello, gzip world";
    char esc[2048], text[4096];
    size_t gz_len;
    gzip_escaped(plain, esc, sizeof esc, &gz_len);
    snprintf(text, sizeof text, HDR REQ("GET", "/z", "h") "C: Accept-Encoding: gzip, deflate\n"
             "C: \nS| HTTP/1.1 200 OK\\r\\nContent-Encoding: gzip\\r\\nContent-Length: %zu"
             "\\r\\n\\r\\n%s\n", gz_len, esc);
    struct msrv m;
    const char *t[] = {text};
    msrv_init(&m, 1, t);
    struct net_http_client_opts o = {.decompress = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/z", g, &res, &err), NET_OK);
    body_is(g, plain);
    ck_assert_uint_eq(res.body_bytes, gz_len);
    ck_assert_uint_eq(res.decoded_bytes, strlen(plain));
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(gzip_truncated_fails)
{
    const char *plain = "hello hello hello hello, gzip world";
    char esc[2048], text[4096];
    size_t gz_len;
    gzip_escaped(plain, esc, sizeof esc, &gz_len);
    esc[strlen(esc) - 4 * 6] = '\0';    /* drop the last 6 bytes (part of the trailer) */
    snprintf(text, sizeof text, HDR REQ("GET", "/z", "h") "C: Accept-Encoding: gzip, deflate\n"
             "C: \nS| HTTP/1.1 200 OK\\r\\nContent-Encoding: gzip\\r\\nContent-Length: %zu"
             "\\r\\n\\r\\n%s\n", gz_len - 6, esc);
    struct msrv m;
    const char *t[] = {text};
    msrv_init(&m, 1, t);
    struct net_http_client_opts o = {.decompress = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/z", NULL, &res, &err), NET_E_DECODE);
    err_has(&err, "http://h/z");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

/* ---- failures and caps ---- */

START_TEST(fail_on_error_404)
{
    ONE(m, GET_H("/x") "S| HTTP/1.1 404 Not Found\\r\\nContent-Length: 9\\r\\n\\r\\nnot here\\n\n"
        GET_H("/y") OK_HELLO);
    struct net_http_client_opts o = {.fail_on_error = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/x", g, &res, &err), NET_E_HTTP_STATUS);
    ck_assert_str_eq(err.text, "HTTP/1.1 404 Not Found from http://h/x");
    ck_assert_int_eq(res.status, 404);
    ck_assert_uint_eq(g->bodies, 0);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/y", g, &res, &err), NET_OK);
    ck_assert(res.reused);     /* the small error body was drained */
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(error_reason_quoted)
{
    ONE(m, GET_H("/x") "S| HTTP/1.1 500 Bad\\x1b[31m\\\\ok\\r\\nContent-Length: 0\\r\\n\\r\\n\n");
    struct net_http_client_opts o = {.fail_on_error = true};
    struct net_http_client *cl = client_with(&m, &o);
    struct net_http_result res;
    struct net_err err;
    enum net_status st = get(cl, "http://h/x", NULL, &res, &err);
    /* a control byte in a reason is malformed for the parser, or shown escaped */
    ck_assert(st == NET_E_PROTOCOL || st == NET_E_HTTP_STATUS);
    ck_assert_ptr_null(strchr(err.text, '\x1b'));
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(max_body_exceeded)
{
    struct msrv m;
    const char *t[] = {
        HDR GET_H("/big") "S| HTTP/1.1 200 OK\\r\\nContent-Length: 100\\r\\n\\r\\n\n",
        HDR GET_H("/chunks") "S| HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n"
            "8\\r\\n12345678\\r\\n8\\r\\n12345678\\r\\n0\\r\\n\\r\\n\n"};
    msrv_init(&m, 2, t);
    struct net_http_client_opts o = {.max_body = 10};
    struct net_http_client *cl = client_with(&m, &o);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/big", g, &res, &err), NET_E_TOO_LARGE);
    err_has(&err, "is 100 bytes, over the limit of 10");
    ck_assert_uint_eq(g->bodies, 0);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/chunks", g, &res, &err), NET_E_TOO_LARGE);
    err_has(&err, "over the limit of 10 bytes");
    ck_assert_uint_le(g->len, 10);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
    free(g);
}
END_TEST

START_TEST(conflicting_content_length)
{
    struct msrv m;
    const char *t[] = {
        HDR GET_H("/1") "S| HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\nContent-Length: 6\\r\\n"
            "\\r\\nhello!\n",
        HDR GET_H("/2") OK_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/1", g, &res, &err), NET_E_PROTOCOL);
    err_has(&err, "http://h/1");
    ck_assert_uint_eq(g->bodies, 0);
    net_http_result_clear(&res);
    ck_assert_int_eq(get(cl, "http://h/2", NULL, &res, &err), NET_OK);
    ck_assert(!res.reused);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
    free(g);
}
END_TEST

START_TEST(reset_mid_body)
{
    ONE(m, GET_H("/r") "S| HTTP/1.1 200 OK\\r\\nContent-Length: 100\\r\\n\\r\\nsome\n!reset\n");
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    enum net_status st = get(cl, "http://h/r", NULL, &res, &err);
    ck_assert_msg(st == NET_E_RESET || st == NET_E_CLOSED, "%s", err.text);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(reset_mid_body_socket)
{
    const struct tcpd_step steps[] = {
        {TCPD_READ, NULL, 0, 1, 0},
        {TCPD_SEND, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial", 0, 0, 0},
        {TCPD_SLEEP, NULL, 0, 0, 50},
        {TCPD_RESET, NULL, 0, 0, 0},
        {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    ck_assert_ptr_nonnull(srv);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/r", tcpd_port(srv));
    struct net_http_client *cl = client(NULL);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    enum net_status st = get(cl, url, g, &res, &err);
    ck_assert_msg(st == NET_E_RESET || st == NET_E_CLOSED, "%s", err.text);
    ck_assert_uint_le(res.body_bytes, 7);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    tcpd_stop(srv);
    free(g);
}
END_TEST

START_TEST(closed_before_response)
{
    ONE(m, GET_H("/") "!close\n");
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/", NULL, &res, &err), NET_E_CLOSED);
    err_has(&err, "before sending a response");
    ck_assert_int_eq(res.status, 0);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

/* ---- uploads ---- */

START_TEST(chunked_upload_callback)
{
    ONE(m, REQ("POST", "/up", "h") "C: Transfer-Encoding: chunked\nC: Expect: 100-continue\n"
        "C: \nS| HTTP/1.1 100 Continue\\r\\n\\r\\n\n"
        "C| 5\\r\\nhello\\r\\n6\\r\\n world\\r\\n0\\r\\n\\r\\n\n" OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    struct cbody b = {.parts = {"hello", " world", NULL}};
    struct net_http_request req = {
        .url = "http://h/up",
        .body = {.src = NET_HTTP_SRC_CALLBACK, .read = cbody_read, .ctx = &b, .size = -1},
    };
    ck_assert_int_eq(run(cl, &req, g, &res, &err), NET_OK);
    ck_assert_uint_eq(res.upload_bytes, 11);
    ck_assert_int_eq(g->status[0], 100);
    ck_assert(g->interim[0]);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

START_TEST(expect_removed_by_caller)
{
    static const struct net_http_header h[] = {{"Expect", NULL}};
    ONE(m, REQ("POST", "/up", "h") "C: Transfer-Encoding: chunked\nC: \n"
        "C| 5\\r\\nhello\\r\\n0\\r\\n\\r\\n\n" OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    struct cbody b = {.parts = {"hello", NULL}};
    struct net_http_request req = {
        .url = "http://h/up", .headers = h, .nheaders = 1,
        .body = {.src = NET_HTTP_SRC_CALLBACK, .read = cbody_read, .ctx = &b, .size = -1},
    };
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_OK);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

START_TEST(upload_from_file)
{
    char dir[256], path[300];
    ck_assert_ptr_nonnull(tmpfiles_mkdir("httpup", dir, sizeof dir));
    snprintf(path, sizeof path, "%s/f", dir);
    write_file(path, "0123456789", 0600);
    ONE(m, REQ("PUT", "/f", "h") "C: Content-Length: 10\nC: \nC| 0123456789\n" OK_HELLO);
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    int fd = open(path, O_RDONLY);
    struct net_http_request req = {
        .method = "PUT", .url = "http://h/f",
        .body = {.src = NET_HTTP_SRC_FD, .fd = fd, .size = 10},
    };
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_OK);
    ck_assert_uint_eq(res.upload_bytes, 10);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    close(fd);
    tmpfiles_rmdir(dir);
}
END_TEST

START_TEST(upload_size_mismatch)
{
    char dir[256], path[300];
    ck_assert_ptr_nonnull(tmpfiles_mkdir("httpup", dir, sizeof dir));
    snprintf(path, sizeof path, "%s/f", dir);
    write_file(path, "0123456789", 0600);
    struct msrv m;
    const char *t[] = {HDR REQ("PUT", "/f", "h") "C: Content-Length: 20\nC: \n"
                           "C| 0123456789\n",
                       HDR REQ("PUT", "/f", "h") "C: Content-Length: 4\nC: \nC| 0123\n"};
    msrv_init(&m, 2, t);
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    int fd = open(path, O_RDONLY);
    struct net_http_request req = {
        .method = "PUT", .url = "http://h/f",
        .body = {.src = NET_HTTP_SRC_FD, .fd = fd, .size = 20},
    };
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_E_LOCAL_IO);
    err_has(&err, "ended after 10 of the 20 bytes announced");
    net_http_result_clear(&res);
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    req.body.size = 4;
    ck_assert_int_eq(run(cl, &req, NULL, &res, &err), NET_E_LOCAL_IO);
    err_has(&err, "more than the 4 bytes announced");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
    close(fd);
    tmpfiles_rmdir(dir);
}
END_TEST

START_TEST(expect_final_status_at_once)
{
    struct msrv m;
    const char *t[] = {
        HDR REQ("POST", "/u", "h") "C: Content-Length: 20\nC: Expect: 100-continue\nC: \n"
            "S| HTTP/1.1 417 Expectation Failed\\r\\nContent-Length: 0\\r\\n\\r\\n\n",
        HDR REQ("POST", "/u", "h") "C: Content-Length: 20\nC: Expect: 100-continue\nC: \n"
            "S| HTTP/1.1 401 Unauthorized\\r\\nContent-Length: 4\\r\\n\\r\\nnope\n"};
    msrv_init(&m, 2, t);
    struct net_http_client_opts o = {.expect_100_min = 10};
    struct net_http_client *cl = client_with(&m, &o);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {
        .url = "http://h/u",
        .body = {.src = NET_HTTP_SRC_MEMORY, .data = "01234567890123456789", .size = 20},
    };
    ck_assert_int_eq(run(cl, &req, g, &res, &err), NET_OK);
    ck_assert_int_eq(res.status, 417);
    ck_assert_uint_eq(res.upload_bytes, 0);
    net_http_result_clear(&res);
    ck_assert_int_eq(run(cl, &req, g, &res, &err), NET_OK);     /* not on the same connection */
    ck_assert_int_eq(res.status, 401);
    ck_assert(!res.reused);
    body_is(g, "nope");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
    free(g);
}
END_TEST

/* A head of fixed length whatever the port: the caller's Host replaces ours. */
static const struct net_http_header fixed_host[] = {{"Host", "x"}};
#define EXPECT_HEAD "POST /u HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\nAccept: */*\r\n" \
                    "Content-Length: 20\r\nExpect: 100-continue\r\n\r\n"

static uint64_t expect_socket(const struct tcpd_step *steps, net_ms wait_ms, int want_status)
{
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    ck_assert_ptr_nonnull(srv);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/u", tcpd_port(srv));
    struct net_http_client_opts o = {.expect_100_min = 10, .expect_100_ms = wait_ms};
    struct net_http_client *cl = client_with(NULL, &o);
    struct net_http_result res;
    struct net_err err;
    struct net_http_request req = {
        .url = url, .headers = fixed_host, .nheaders = 1,
        .body = {.src = NET_HTTP_SRC_MEMORY, .data = "01234567890123456789", .size = 20},
    };
    ck_assert_msg(run(cl, &req, NULL, &res, &err) == NET_OK, "%s", err.text);
    ck_assert_int_eq(res.status, want_status);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    return tcpd_stop(srv);
}

START_TEST(expect_401_socket_body_not_sent)
{
    const struct tcpd_step steps[] = {
        {TCPD_READ, NULL, 0, sizeof EXPECT_HEAD - 1, 0},
        {TCPD_SEND, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", 0, 0, 0},
        {TCPD_DRAIN, NULL, 0, 0, 0},
        {TCPD_END, NULL, 0, 0, 0}};
    /* a long wait: the 401 must end it at once, and no body byte may follow */
    ck_assert_uint_eq(expect_socket(steps, 10000, 401), sizeof EXPECT_HEAD - 1);
}
END_TEST

START_TEST(expect_timeout_sends_body)
{
    const struct tcpd_step steps[] = {
        {TCPD_READ, NULL, 0, sizeof EXPECT_HEAD - 1 + 20, 0},
        {TCPD_SEND, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, 0},
        {TCPD_DRAIN, NULL, 0, 0, 0},
        {TCPD_END, NULL, 0, 0, 0}};
    ck_assert_uint_eq(expect_socket(steps, 50, 200), sizeof EXPECT_HEAD - 1 + 20);
}
END_TEST

START_TEST(expect_100_socket)
{
    const struct tcpd_step steps[] = {
        {TCPD_READ, NULL, 0, sizeof EXPECT_HEAD - 1, 0},
        {TCPD_SEND, "HTTP/1.1 100 Continue\r\n\r\n", 0, 0, 0},
        {TCPD_READ, NULL, 0, 20, 0},
        {TCPD_SEND, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 0, 0, 0},
        {TCPD_DRAIN, NULL, 0, 0, 0},
        {TCPD_END, NULL, 0, 0, 0}};
    ck_assert_uint_eq(expect_socket(steps, 10000, 201), sizeof EXPECT_HEAD - 1 + 20);
}
END_TEST

/* ---- proxies ---- */

START_TEST(http_proxy_absolute_form)
{
    ONE(m, "C: GET http://h:8080/x?y=1 HTTP/1.1\nC: Host: h:8080\n"
        "C: Proxy-Authorization: Basic cHU6cHA=\nC: User-Agent: t\nC: Accept: */*\nC: \n"
        OK_HELLO);
    struct net_http_client_opts o = {.proxy = "http://pu:pp@proxy.test:3128"};
    struct net_http_client *cl = client_with(&m, &o);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h:8080/x?y=1#f", g, &res, &err), NET_OK);
    body_is(g, "hello");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    ck_assert_str_eq(m.host[0], "proxy.test");
    ck_assert_uint_eq(m.port[0], 3128);
    ck_assert(!m.tls[0]);
    free(g);
}
END_TEST

START_TEST(connect_refused_407)
{
    ONE(m, "C: CONNECT h:443 HTTP/1.1\nC: Host: h:443\nC: User-Agent: t\n"
        "C: Proxy-Connection: Keep-Alive\nC: \n"
        "S| HTTP/1.1 407 Proxy Authentication Required\\r\\nContent-Length: 0\\r\\n\\r\\n\n");
    struct net_http_client_opts o = {.proxy = "proxy.test:3128"};
    struct net_http_client *cl = client_with(&m, &o);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "https://u:secret@h/x", g, &res, &err), NET_E_REFUSED);
    ck_assert_str_eq(err.text, "the proxy http://proxy.test:3128 refused CONNECT to h:443: "
                     "HTTP/1.1 407 Proxy Authentication Required");
    ck_assert_uint_eq(g->heads, 0);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(g);
}
END_TEST

struct rsrv {
    struct net_transcript *t;
    int lfd;
    unsigned short port;
    pthread_t th;
    struct net_replay_report rep;
    enum net_status st;
    struct net_err err;
};

static void *rsrv_main(void *arg)
{
    struct rsrv *r = arg;
    struct net_replay_opts o = {.total_ms = 10000};
    r->st = net_replay_serve(r->t, r->lfd, &o, &r->rep, &r->err);
    return NULL;
}

static void rsrv_start(struct rsrv *r, const char *text)
{
    memset(r, 0, sizeof *r);
    ck_assert_int_eq(net_transcript_parse(text, strlen(text), "tunnel.dlg", &r->t, &r->err),
                     NET_OK);
    ck_assert_int_eq(net_replay_listen("127.0.0.1", 0, &r->lfd, &r->port, &r->err), NET_OK);
    ck_assert_int_eq(pthread_create(&r->th, NULL, rsrv_main, r), 0);
}

static void rsrv_stop(struct rsrv *r)
{
    pthread_join(r->th, NULL);
    close(r->lfd);
    ck_assert_msg(r->st == NET_OK, "replay: %s", r->rep.message);
    net_transcript_free(r->t);
}

START_TEST(connect_tunnel_tls)
{
    struct rsrv r;
    rsrv_start(&r, HDR "C: CONNECT localhost:443 HTTP/1.1\nC: Host: localhost:443\n"
               "C: Proxy-Authorization: Basic cHU6cHA=\nC: User-Agent: t\n"
               "C: Proxy-Connection: Keep-Alive\nC: \n"
               "S: HTTP/1.1 200 Connection established\nS: \n!starttls\n"
               /* inside the tunnel: no Proxy-Authorization, origin-form target */
               "C: GET /x HTTP/1.1\nC: Host: localhost\nC: Authorization: Basic dTpw\n"
               "C: User-Agent: t\nC: Accept: */*\nC: \n" OK_HELLO
               "C: GET /y HTTP/1.1\nC: Host: localhost\nC: Authorization: Basic dTpw\n"
               "C: User-Agent: t\nC: Accept: */*\nC: \n" OK_HELLO);
    char proxy[64];
    snprintf(proxy, sizeof proxy, "http://pu:pp@127.0.0.1:%u", r.port);
    struct net_tls_opts tls = {.ca_file = "tests/certs/ca.pem"};
    struct net_http_client_opts o = {.proxy = proxy, .user = "u", .password = "p"};
    o.conn.tls_opts = &tls;
    o.conn.idle_timeout_ms = 5000;
    struct net_http_client *cl = client_with(NULL, &o);
    struct got *g = got_new();
    struct net_http_result res;
    struct net_err err;
    ck_assert_msg(get(cl, "https://localhost/x", g, &res, &err) == NET_OK, "%s", err.text);
    body_is(g, "hello");
    ck_assert_uint_eq(res.connects, 1);
    net_http_result_clear(&res);
    ck_assert_msg(get(cl, "https://localhost/y", NULL, &res, &err) == NET_OK, "%s", err.text);
    ck_assert(res.reused);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    rsrv_stop(&r);
    free(g);
}
END_TEST

/* ---- a small HTTP server on a socket: answers each request with its
 * target as the body; closes after close_after answers per connection ---- */

struct hsrv {
    int lfd;
    unsigned short port;
    pthread_t th;
    unsigned close_after;   /* answers per connection, 0: no limit */
    bool hard_close;        /* close at once (else shut down and drain) */
    unsigned expect;        /* answers in all, then the thread ends */
    unsigned answered, conns;
};

static void hsrv_send(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
        if (r <= 0)
            return;
        p += r;
        n -= (size_t)r;
    }
}

/* Lingering close: no more answers, read until the client closes. */
static void hsrv_linger(int fd)
{
    char buf[4096];
    shutdown(fd, SHUT_WR);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (poll(&p, 1, 5000) > 0 && recv(fd, buf, sizeof buf, 0) > 0)
        ;
}

static void hsrv_conn(struct hsrv *h, int fd)
{
    static char buf[1 << 16];
    size_t len = 0;
    unsigned here = 0;
    for (;;) {
        char *end;
        while ((end = memmem(buf, len, "\r\n\r\n", 4)) != NULL) {
            size_t reqlen = (size_t)(end + 4 - buf);
            char *sp1 = memchr(buf, ' ', reqlen);
            char *sp2 = sp1 ? memchr(sp1 + 1, ' ', reqlen - (size_t)(sp1 + 1 - buf)) : NULL;
            int tlen = sp2 ? (int)(sp2 - sp1 - 1) : 0;
            char resp[512];
            int n = snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                             "\r\n%.*s", tlen, tlen, sp1 ? sp1 + 1 : "");
            hsrv_send(fd, resp, (size_t)n);
            memmove(buf, buf + reqlen, len - reqlen);
            len -= reqlen;
            h->answered++;
            here++;
            if (h->answered >= h->expect)
                return;
            if (h->close_after && here == h->close_after) {
                if (!h->hard_close)
                    hsrv_linger(fd);
                return;
            }
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 5000) <= 0)
            return;
        ssize_t r = recv(fd, buf + len, sizeof buf - len, 0);
        if (r <= 0)
            return;
        len += (size_t)r;
    }
}

static void *hsrv_main(void *arg)
{
    struct hsrv *h = arg;
    while (h->answered < h->expect) {
        struct pollfd p = {.fd = h->lfd, .events = POLLIN};
        if (poll(&p, 1, 5000) <= 0)
            break;
        int fd = accept(h->lfd, NULL, NULL);
        if (fd < 0)
            break;
        h->conns++;
        hsrv_conn(h, fd);
        close(fd);
    }
    return NULL;
}

static void hsrv_start(struct hsrv *h)
{
    struct net_err err;
    ck_assert_int_eq(net_replay_listen("127.0.0.1", 0, &h->lfd, &h->port, &err), NET_OK);
    ck_assert_int_eq(pthread_create(&h->th, NULL, hsrv_main, h), 0);
}

static void hsrv_stop(struct hsrv *h)
{
    pthread_join(h->th, NULL);
    close(h->lfd);
}

START_TEST(socket_reuse)
{
    struct hsrv h = {.expect = 3};
    hsrv_start(&h);
    struct net_http_client *cl = client(NULL);
    struct got *g = got_new();
    char url[64];
    for (int i = 0; i < 3; i++) {
        struct net_http_result res;
        struct net_err err;
        snprintf(url, sizeof url, "http://127.0.0.1:%u/r%d", h.port, i);
        g->len = 0;
        ck_assert_msg(get(cl, url, g, &res, &err) == NET_OK, "%s", err.text);
        ck_assert(res.reused == (i > 0));
        ck_assert_uint_eq(res.connects, i == 0 ? 1 : 0);
        net_http_result_clear(&res);
    }
    body_is(g, "/r2");
    net_http_client_free(cl);
    hsrv_stop(&h);
    ck_assert_uint_eq(h.conns, 1);
    free(g);
}
END_TEST

START_TEST(socket_stale_connection)
{
    /* The server closes each connection after one answer: the pooled one
     * is found closed (or fails before an answer) and a new one is used. */
    struct hsrv h = {.expect = 3, .close_after = 1, .hard_close = true};
    hsrv_start(&h);
    struct net_http_client *cl = client(NULL);
    char url[64];
    for (int i = 0; i < 3; i++) {
        struct net_http_result res;
        struct net_err err;
        snprintf(url, sizeof url, "http://127.0.0.1:%u/s%d", h.port, i);
        ck_assert_msg(get(cl, url, NULL, &res, &err) == NET_OK, "%s", err.text);
        ck_assert_int_eq(res.status, 200);
        ck_assert_uint_eq(res.connects, 1);
        net_http_result_clear(&res);
    }
    net_http_client_free(cl);
    hsrv_stop(&h);
    ck_assert_uint_eq(h.conns, 3);
}
END_TEST

/* ---- the time limit: per request, shared by a redirect chain ---- */

#define OK_2 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* A client on real sockets with a time limit of limit_ms. */
static struct net_http_client *client_limited(net_ms limit_ms, bool follow)
{
    struct net_http_client_opts o = {.follow = follow};
    o.conn.resolve.kind = NET_RESOLVER_SYSTEM;
    o.conn.connect_timeout_ms = 10000;
    o.conn.total_timeout_ms = limit_ms;
    return client_with(NULL, &o);
}

START_TEST(time_limit_per_request_on_reused_connection)
{
    /* Each request takes 300 ms, far within the 2000 ms limit; but the
     * second starts more than 2000 ms after the connection was opened, so
     * a limit counted from the open (not from each request) fails it. The
     * test's pauses only make that surer when the machine is slow. */
    const struct tcpd_step steps[] = {
        {TCPD_READ, NULL, 0, 1, 0}, {TCPD_SLEEP, NULL, 0, 0, 300}, {TCPD_SEND, OK_2, 0, 0, 0},
        {TCPD_READ, NULL, 0, 1, 0}, {TCPD_SLEEP, NULL, 0, 0, 300}, {TCPD_SEND, OK_2, 0, 0, 0},
        {TCPD_DRAIN, NULL, 0, 0, 0}, {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    ck_assert_ptr_nonnull(srv);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/t", tcpd_port(srv));
    struct net_http_client *cl = client_limited(2000, false);
    struct net_http_result res;
    struct net_err err;
    ck_assert_msg(get(cl, url, NULL, &res, &err) == NET_OK, "%s", err.text);
    ck_assert_uint_eq(res.connects, 1);
    net_http_result_clear(&res);
    sleep_ms(1800);
    ck_assert_msg(get(cl, url, NULL, &res, &err) == NET_OK, "%s", err.text);
    ck_assert_int_eq(res.status, 200);
    ck_assert(res.reused);
    ck_assert_uint_eq(res.connects, 0);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    tcpd_stop(srv);
}
END_TEST

START_TEST(time_limit_shared_by_redirects)
{
    /* Two hops of 700 ms each: each fits the 1200 ms limit, both do not. */
    const struct tcpd_step steps[] = {
        {TCPD_READ, NULL, 0, 1, 0}, {TCPD_SLEEP, NULL, 0, 0, 700},
        {TCPD_SEND, "HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n", 0, 0,
         0},
        {TCPD_READ, NULL, 0, 1, 0}, {TCPD_SLEEP, NULL, 0, 0, 700}, {TCPD_SEND, OK_2, 0, 0, 0},
        {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    ck_assert_ptr_nonnull(srv);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/a", tcpd_port(srv));
    struct net_http_client *cl = client_limited(1200, true);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, url, NULL, &res, &err), NET_E_TOTAL_TIMEOUT);
    err_has(&err, "time limit");
    ck_assert_uint_eq(res.redirects, 1);
    ck_assert_uint_eq(res.connects, 1);
    ck_assert_int_eq(res.status, 302);
    net_http_result_clear(&res);
    net_http_client_free(cl);
    tcpd_stop(srv);
}
END_TEST

START_TEST(time_limit_per_pipelined_request)
{
    /* One request in flight at a time, 700 ms each under a 1200 ms limit:
     * each request's clock starts when it is written, not with the batch. */
    const struct tcpd_step steps[] = {
        {TCPD_READ, NULL, 0, 1, 0}, {TCPD_SLEEP, NULL, 0, 0, 700}, {TCPD_SEND, OK_2, 0, 0, 0},
        {TCPD_READ, NULL, 0, 1, 0}, {TCPD_SLEEP, NULL, 0, 0, 700}, {TCPD_SEND, OK_2, 0, 0, 0},
        {TCPD_DRAIN, NULL, 0, 0, 0}, {TCPD_END, NULL, 0, 0, 0}};
    struct tcpd *srv = tcpd_start(AF_INET, steps);
    ck_assert_ptr_nonnull(srv);
    char urls[2][64];
    struct net_http_request reqs[2];
    for (int i = 0; i < 2; i++) {
        snprintf(urls[i], sizeof urls[i], "http://127.0.0.1:%u/p%d", tcpd_port(srv), i);
        reqs[i] = (struct net_http_request){.url = urls[i]};
    }
    struct net_http_client *cl = client_limited(1200, false);
    struct net_http_result res[2];
    struct net_err err;
    ck_assert_msg(net_http_perform_many(cl, reqs, NULL, res, 2, 1, &err) == NET_OK, "%s",
                  err.text);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(res[i].status, 200);
        ck_assert_uint_eq(res[i].body_bytes, 2);
        net_http_result_clear(&res[i]);
    }
    net_http_client_free(cl);
    tcpd_stop(srv);
}
END_TEST

/* ---- pipelining ---- */

#define PIPE_N 100

struct pgot {
    char body[32];
    size_t len;
};

static int pgot_body(void *ctx, const char *p, size_t n)
{
    struct pgot *g = ctx;
    size_t k = n < sizeof g->body - 1 - g->len ? n : sizeof g->body - 1 - g->len;
    memcpy(g->body + g->len, p, k);
    g->len += k;
    return 0;
}

/* n requests /p<i> with callbacks into pg[i]; urls owns the strings. */
static void pipe_reqs(struct net_http_request *reqs, struct net_http_callbacks *cb,
                      struct pgot *pg, char (*urls)[64], const char *base, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(urls[i], sizeof urls[i], "%s/p%zu", base, i);
        reqs[i] = (struct net_http_request){.url = urls[i]};
        cb[i] = (struct net_http_callbacks){NULL, pgot_body, &pg[i]};
    }
}

START_TEST(pipeline_100_depth_16)
{
    size_t cap = (size_t)PIPE_N * 256 + 256;
    char *text = malloc(cap);
    size_t off = (size_t)snprintf(text, cap, HDR);
    for (int i = 0; i < PIPE_N; i++) {
        char body[16];
        int bl = snprintf(body, sizeof body, "/p%d", i);
        off += (size_t)snprintf(text + off, cap - off, REQ("GET", "/p%d", "h") "C: \n"
                                "S| HTTP/1.1 200 OK\\r\\nContent-Length: %d\\r\\n\\r\\n%s\n",
                                i, bl, body);
    }
    struct msrv m;
    const char *t[] = {text};
    msrv_init(&m, 1, t);
    struct net_http_client *cl = client(&m);
    static struct net_http_request reqs[PIPE_N];
    static struct net_http_callbacks cb[PIPE_N];
    static struct pgot pg[PIPE_N];
    static struct net_http_result res[PIPE_N];
    static char urls[PIPE_N][64];
    memset(pg, 0, sizeof pg);
    pipe_reqs(reqs, cb, pg, urls, "http://h", PIPE_N);
    struct net_err err;
    ck_assert_msg(net_http_perform_many(cl, reqs, cb, res, PIPE_N, 16, &err) == NET_OK, "%s",
                  err.text);
    for (int i = 0; i < PIPE_N; i++) {
        char want[16];
        snprintf(want, sizeof want, "/p%d", i);
        ck_assert_int_eq(res[i].status, 200);
        ck_assert_str_eq(pg[i].body, want);
        ck_assert_str_eq(res[i].effective_url, urls[i]);
        net_http_result_clear(&res[i]);
    }
    net_http_client_free(cl);
    msrv_done(&m, 1);
    free(text);
}
END_TEST

START_TEST(pipeline_server_closes_after_10)
{
    struct hsrv h = {.expect = PIPE_N, .close_after = 10};
    hsrv_start(&h);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%u", h.port);
    struct net_http_client *cl = client(NULL);
    static struct net_http_request reqs[PIPE_N];
    static struct net_http_callbacks cb[PIPE_N];
    static struct pgot pg[PIPE_N];
    static struct net_http_result res[PIPE_N];
    static char urls[PIPE_N][64];
    memset(pg, 0, sizeof pg);
    pipe_reqs(reqs, cb, pg, urls, base, PIPE_N);
    struct net_err err;
    ck_assert_msg(net_http_perform_many(cl, reqs, cb, res, PIPE_N, 16, &err) == NET_OK, "%s",
                  err.text);
    unsigned connects = 0;
    for (int i = 0; i < PIPE_N; i++) {
        char want[16];
        snprintf(want, sizeof want, "/p%d", i);
        ck_assert_int_eq(res[i].status, 200);
        ck_assert_str_eq(pg[i].body, want);
        connects += res[i].connects;
        net_http_result_clear(&res[i]);
    }
    net_http_client_free(cl);
    hsrv_stop(&h);
    ck_assert_uint_eq(h.conns, 10);
    ck_assert_uint_eq(connects, 10);
}
END_TEST

static void clear3(struct net_http_result *res)
{
    for (int i = 0; i < 3; i++)
        net_http_result_clear(&res[i]);
}

START_TEST(pipeline_refuses_before_sending)
{
    struct msrv m;
    msrv_init(&m, 0, NULL);
    struct net_http_client *cl = client(&m);
    struct net_http_request reqs[3] = {
        {.url = "http://h/a"}, {.url = "http://h/b%0d%0aX:%20y"}, {.url = "http://h/c"}};
    struct net_http_result res[3];
    struct net_err err;
    ck_assert_int_eq(net_http_perform_many(cl, reqs, NULL, res, 3, 4, &err),
                     NET_E_UNSAFE_INPUT);
    for (int i = 0; i < 3; i++) {   /* nothing was sent: every request refused */
        ck_assert_int_eq(res[i].error, NET_E_UNSAFE_INPUT);
        ck_assert_str_eq(res[i].error_text, err.text);
    }
    clear3(res);
    reqs[1].url = "http://other/b";
    ck_assert_int_eq(net_http_perform_many(cl, reqs, NULL, res, 3, 4, &err), NET_E_USAGE);
    err_has(&err, "one origin");
    clear3(res);
    reqs[1].url = "http://h/b";
    reqs[1].method = "POST";
    ck_assert_int_eq(net_http_perform_many(cl, reqs, NULL, res, 3, 4, &err), NET_E_USAGE);
    clear3(res);
    ck_assert_int_eq(net_http_perform_many(cl, reqs, NULL, res, 3, 0, &err), NET_E_USAGE);
    ck_assert_int_eq(res[2].error, NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(res[2].error_text, "depth 0"));
    clear3(res);
    net_http_client_free(cl);
    msrv_done(&m, 0);
}
END_TEST

/* ---- each request's outcome in its result ---- */

START_TEST(result_holds_outcome)
{
    ONE(m, GET_H("/1") OK_HELLO
        GET_H("/2") "S| HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\n\\r\\nhello\n!close\n");
    struct net_http_client *cl = client(&m);
    struct net_http_result res;
    struct net_err err;
    ck_assert_int_eq(get(cl, "http://h/1", NULL, &res, &err), NET_OK);
    ck_assert_int_eq(res.error, NET_OK);
    ck_assert_str_eq(res.error_text, "");
    net_http_result_clear(&res);
    /* Without an err record, the result alone tells what failed. */
    struct net_http_request req = {.url = "http://h/2"};
    ck_assert_int_eq(net_http_perform(cl, &req, NULL, &res, NULL), NET_E_CLOSED);
    ck_assert_int_eq(res.error, NET_E_CLOSED);
    ck_assert_ptr_nonnull(strstr(res.error_text, "partial transfer: got 5 of 10 bytes from "
                                                 "http://h/2"));
    net_http_result_clear(&res);
    /* Refused before the wire, and no client at all: the same. */
    struct net_http_header bad = {"X-A", "1\r\nX-B: 2"};
    req = (struct net_http_request){.url = "http://h/3", .headers = &bad, .nheaders = 1};
    ck_assert_int_eq(net_http_perform(cl, &req, NULL, &res, &err), NET_E_UNSAFE_INPUT);
    ck_assert_int_eq(res.error, NET_E_UNSAFE_INPUT);
    ck_assert_str_eq(res.error_text, err.text);
    net_http_result_clear(&res);
    ck_assert_int_eq(net_http_perform(NULL, &req, NULL, &res, NULL), NET_E_USAGE);
    ck_assert_int_eq(res.error, NET_E_USAGE);
    ck_assert_str_eq(res.error_text, "no HTTP client");
    net_http_result_clear(&res);
    net_http_client_free(cl);
    msrv_done(&m, 1);
}
END_TEST

#define CHUNKED_HELLO                                                          \
    "S| HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n5\\r\\nhello\\r\\n" \
    "0\\r\\n\\r\\n\n"

START_TEST(pipeline_outcome_per_request)
{
    /* /b's response is malformed: /b fails alone. /a (chunked, complete)
     * and /c (sent again on a new connection) are complete. */
    struct msrv m;
    const char *t[] = {
        HDR GET_H("/a") GET_H("/b") GET_H("/c") CHUNKED_HELLO
            "S| HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\nContent-Length: 6\\r\\n\\r\\n\n",
        HDR GET_H("/c") CHUNKED_HELLO};
    msrv_init(&m, 2, t);
    struct net_http_client *cl = client(&m);
    struct net_http_request reqs[3];
    struct net_http_callbacks cb[3];
    struct pgot pg[3];
    struct net_http_result res[3];
    char urls[3][64];
    memset(pg, 0, sizeof pg);
    for (int i = 0; i < 3; i++) {
        snprintf(urls[i], sizeof urls[i], "http://h/%c", 'a' + i);
        reqs[i] = (struct net_http_request){.url = urls[i]};
        cb[i] = (struct net_http_callbacks){NULL, pgot_body, &pg[i]};
    }
    struct net_err err;
    ck_assert_int_eq(net_http_perform_many(cl, reqs, cb, res, 3, 4, &err), NET_E_PROTOCOL);
    ck_assert_int_eq(res[0].error, NET_OK);
    ck_assert_str_eq(res[0].error_text, "");
    ck_assert_str_eq(pg[0].body, "hello");
    ck_assert_int_eq(res[1].error, NET_E_PROTOCOL);
    ck_assert_str_eq(res[1].error_text, err.text);
    ck_assert_ptr_nonnull(strstr(res[1].error_text, "http://h/b"));
    ck_assert_int_eq(res[2].error, NET_OK);
    ck_assert_str_eq(pg[2].body, "hello");
    ck_assert_uint_eq(res[2].connects, 1);
    clear3(res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
}
END_TEST

START_TEST(pipeline_outcome_no_answer)
{
    /* The server closes after /a; /b and /c go again on a new connection,
     * which closes at once: /b failed there, /c got no answer. */
    struct msrv m;
    const char *t[] = {HDR GET_H("/a") GET_H("/b") GET_H("/c") CHUNKED_HELLO "!close\n",
                       HDR GET_H("/b") GET_H("/c") "!close\n"};
    msrv_init(&m, 2, t);
    struct net_http_client *cl = client(&m);
    struct net_http_request reqs[3] = {
        {.url = "http://h/a"}, {.url = "http://h/b"}, {.url = "http://h/c"}};
    struct net_http_result res[3];
    struct net_err err;
    ck_assert_int_eq(net_http_perform_many(cl, reqs, NULL, res, 3, 4, &err), NET_E_CLOSED);
    ck_assert_int_eq(res[0].error, NET_OK);
    ck_assert_int_eq(res[0].status, 200);
    ck_assert_int_eq(res[1].error, NET_E_CLOSED);
    ck_assert_str_eq(res[1].error_text, err.text);
    ck_assert_int_eq(res[1].status, 0);
    ck_assert_int_eq(res[2].error, NET_E_CLOSED);
    ck_assert_ptr_nonnull(strstr(res[2].error_text, "no answer to http://h/c: "));
    ck_assert_ptr_nonnull(strstr(res[2].error_text, err.text));
    ck_assert_int_eq(res[2].status, 0);
    clear3(res);
    net_http_client_free(cl);
    msrv_done(&m, 2);
}
END_TEST

/* ---- the suite ---- */

static Suite *suite(void)
{
    Suite *s = suite_create("http_client");
    TCase *tc = tcase_create("framing");
    tcase_add_test(tc, get_content_length);
    tcase_add_test(tc, chunked_with_trailers);
    tcase_add_test(tc, read_to_close);
    tcase_add_test(tc, head_length_no_body);
    tcase_add_test(tc, no_body_204_304);
    tcase_add_test(tc, continue_then_200);
    tcase_add_test(tc, five_102_then_200);
    tcase_add_test(tc, endless_1xx_fails);
    tcase_add_test(tc, unasked_101_fails);
    suite_add_tcase(s, tc);

    tc = tcase_create("reuse");
    tcase_add_test(tc, reuse_two_requests);
    tcase_add_test(tc, no_reuse_after_connection_close);
    tcase_add_test(tc, no_reuse_after_partial_body);
    tcase_add_test(tc, stale_pooled_connection_retried);
    tcase_add_test(tc, stale_post_callback_not_retried);
    tcase_add_test(tc, pool_keyed_by_credentials);
    tcase_add_test(tc, https_direct_uses_tls);
    tcase_add_test(tc, socket_reuse);
    tcase_add_test(tc, socket_stale_connection);
    suite_add_tcase(s, tc);

    tc = tcase_create("redirects");
    tcase_add_test(tc, redirect_chain_of_3);
    tcase_add_test(tc, redirect_not_followed_without_follow);
    tcase_add_test(tc, redirect_limit);
    tcase_add_test(tc, redirect_none_allowed);
    tcase_add_test(tc, redirect_loop_hits_limit);
    tcase_add_test(tc, post_303_becomes_get);
    tcase_add_test(tc, post_302_becomes_get_head_stays_head);
    tcase_add_test(tc, redirect_307_keeps_post_body);
    tcase_add_test(tc, redirect_307_callback_needs_rewind);
    tcase_add_test(tc, redirect_307_callback_rewound);
    tcase_add_test(tc, relative_location);
    tcase_add_test(tc, credentials_dropped_cross_host);
    tcase_add_test(tc, credentials_dropped_scheme_change);
    tcase_add_test(tc, credentials_kept_same_origin_and_trusted);
    tcase_add_test(tc, redirect_to_ftp_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("auth and safety");
    tcase_add_test(tc, basic_auth_value_and_trace_mask);
    tcase_add_test(tc, url_userinfo_decoded);
    tcase_add_test(tc, netrc_used_and_unsafe_refused);
    tcase_add_test(tc, netrc_required_missing);
    tcase_add_test(tc, crlf_in_method);
    tcase_add_test(tc, crlf_in_header_name);
    tcase_add_test(tc, crlf_in_header_value);
    tcase_add_test(tc, crlf_in_path);
    tcase_add_test(tc, crlf_in_userinfo);
    tcase_add_test(tc, crlf_in_option_user);
    tcase_add_test(tc, caller_headers_replace_and_remove);
    tcase_add_test(tc, host_header_forms);
    suite_add_tcase(s, tc);

    tc = tcase_create("responses");
    tcase_add_test(tc, range_resume_206);
    tcase_add_test(tc, range_206_wrong_start);
    tcase_add_test(tc, range_ignored_200);
    tcase_add_test(tc, range_416_unsatisfied);
    tcase_add_test(tc, gzip_body_decoded);
    tcase_add_test(tc, gzip_truncated_fails);
    tcase_add_test(tc, fail_on_error_404);
    tcase_add_test(tc, error_reason_quoted);
    tcase_add_test(tc, max_body_exceeded);
    tcase_add_test(tc, conflicting_content_length);
    tcase_add_test(tc, reset_mid_body);
    tcase_add_test(tc, reset_mid_body_socket);
    tcase_add_test(tc, closed_before_response);
    suite_add_tcase(s, tc);

    tc = tcase_create("uploads");
    tcase_add_test(tc, chunked_upload_callback);
    tcase_add_test(tc, expect_removed_by_caller);
    tcase_add_test(tc, upload_from_file);
    tcase_add_test(tc, upload_size_mismatch);
    tcase_add_test(tc, expect_final_status_at_once);
    tcase_add_test(tc, expect_401_socket_body_not_sent);
    tcase_add_test(tc, expect_timeout_sends_body);
    tcase_add_test(tc, expect_100_socket);
    suite_add_tcase(s, tc);

    tc = tcase_create("proxies and pipelining");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, http_proxy_absolute_form);
    tcase_add_test(tc, connect_refused_407);
    tcase_add_test(tc, connect_tunnel_tls);
    tcase_add_test(tc, pipeline_100_depth_16);
    tcase_add_test(tc, pipeline_server_closes_after_10);
    tcase_add_test(tc, pipeline_refuses_before_sending);
    suite_add_tcase(s, tc);
    tc = tcase_create("outcomes");
    tcase_add_test(tc, result_holds_outcome);
    tcase_add_test(tc, pipeline_outcome_per_request);
    tcase_add_test(tc, pipeline_outcome_no_answer);
    suite_add_tcase(s, tc);
    tc = tcase_create("time limits");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, time_limit_per_request_on_reused_connection);
    tcase_add_test(tc, time_limit_shared_by_redirects);
    tcase_add_test(tc, time_limit_per_pipelined_request);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
