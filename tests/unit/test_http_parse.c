/* test_http_parse.c - the HTTP/1.x response parsers: heads (head.h: whole,
 * split at every point, malformed, over each cap), framing and
 * Content-Length (framing.h), the chunked decoder (chunked.h), and a small
 * deterministic fuzz loop over heads and chunked bodies together. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocols/http/chunked.h"
#include "protocols/http/framing.h"
#include "protocols/http/head.h"

/* ---- helpers ---- */

static const char NGINX_HEAD[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.24.0\r\n"
    "Date: Mon, 06 May 2024 10:00:00 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 615\r\n"
    "Last-Modified: Tue, 11 Apr 2023 01:45:34 GMT\r\n"
    "Connection: keep-alive\r\n"
    "ETag: \"6434bbbe-267\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "\r\n";

/* Parse buf[0..len) in one call. */
static ssize_t parse_whole(const char *buf, size_t len, struct net_http_head *h,
                           struct net_err *err)
{
    size_t scan = 0;
    net_err_clear(err);
    return net_http_parse_head(buf, len, &scan, h, err);
}

/* Parse the C string s, which must be a complete head of strlen(s) bytes. */
static void head_ok(const char *s, struct net_http_head *h)
{
    struct net_err err;
    ssize_t n = parse_whole(s, strlen(s), h, &err);
    ck_assert_msg(n == (ssize_t)strlen(s), "parse: got %zd (%s), want %zu", n, err.text,
                  strlen(s));
}

/* Parse buf[0..len) whole; it must fail with want and a text holding frag. */
static void head_fails_n(const char *buf, size_t len, enum net_status want, const char *frag)
{
    struct net_http_head h;
    struct net_err err;
    ssize_t n = parse_whole(buf, len, &h, &err);
    ck_assert_msg(n == NET_HTTP_ERROR, "parse %.40s: got %zd, want an error", buf, n);
    ck_assert_msg(err.status == want, "parse %.40s: got %s (%s), want %s", buf,
                  net_status_name(err.status), err.text, net_status_name(want));
    ck_assert_msg(strstr(err.text, frag) != NULL, "error \"%s\" lacks \"%s\"", err.text, frag);
}

static void head_fails(const char *s, enum net_status want, const char *frag)
{
    head_fails_n(s, strlen(s), want, frag);
}

static void str_eq(struct net_http_str s, const char *want)
{
    ck_assert_msg(s.len == strlen(want) && memcmp(s.p, want, s.len) == 0,
                  "got \"%.*s\", want \"%s\"", (int)s.len, s.p, want);
}

static void value_eq(const struct net_http_head *h, const char *name, const char *want)
{
    const struct net_http_field *f = net_http_head_find(h, name);
    ck_assert_msg(f != NULL, "no field %s", name);
    str_eq(f->value, want);
}

/* Framing of the head s for method; must succeed. */
static struct net_http_framing framing_ok(const char *s, const char *method)
{
    struct net_http_head h;
    struct net_http_framing fr;
    struct net_err err;
    head_ok(s, &h);
    net_err_clear(&err);
    enum net_status st = net_http_framing(&h, method, &fr, &err);
    ck_assert_msg(st == NET_OK, "framing of %.60s: %s (%s)", s, net_status_name(st), err.text);
    return fr;
}

static void framing_fails(const char *s, const char *method, const char *frag)
{
    struct net_http_head h;
    struct net_http_framing fr;
    struct net_err err;
    head_ok(s, &h);
    net_err_clear(&err);
    enum net_status st = net_http_framing(&h, method, &fr, &err);
    ck_assert_msg(st == NET_E_PROTOCOL, "framing of %.60s: got %s, want NET_E_PROTOCOL", s,
                  net_status_name(st));
    ck_assert_int_eq(err.status, NET_E_PROTOCOL);
    ck_assert_msg(strstr(err.text, frag) != NULL, "error \"%s\" lacks \"%s\"", err.text, frag);
}

/* Append to a growing malloc'd string. */
struct sbuf {
    char *p;
    size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_fill(struct sbuf *b, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_add(b, &c, 1);
}

/* ---- heads ---- */

START_TEST(test_nginx_head)
{
    struct net_http_head h;
    struct net_err err;
    char buf[sizeof NGINX_HEAD + 16];
    size_t hl = strlen(NGINX_HEAD);
    memcpy(buf, NGINX_HEAD, hl);
    memcpy(buf + hl, "<html>", 6);          /* body bytes after the head */
    ssize_t n = parse_whole(buf, hl + 6, &h, &err);
    ck_assert_int_eq(n, (ssize_t)hl);
    ck_assert_int_eq(h.version_minor, 1);
    ck_assert_int_eq(h.status, 200);
    str_eq(h.reason, "OK");
    ck_assert_uint_eq(h.nfields, 8);
    str_eq(h.fields[0].name, "Server");
    str_eq(h.fields[0].value, "nginx/1.24.0");
    value_eq(&h, "content-length", "615");
    value_eq(&h, "ETAG", "\"6434bbbe-267\"");
    ck_assert_ptr_null(net_http_head_find(&h, "Transfer-Encoding"));
    struct net_http_framing fr;
    ck_assert_int_eq(net_http_framing(&h, "GET", &fr, &err), NET_OK);
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_LENGTH);
    ck_assert_uint_eq(fr.length, 615);
    ck_assert(fr.keep_alive);
}
END_TEST

START_TEST(test_bare_lf_head)
{
    struct net_http_head h;
    head_ok("HTTP/1.1 404 Not Found\nContent-Length: 0\nX-A:b\r\n\n", &h);
    ck_assert_int_eq(h.status, 404);
    str_eq(h.reason, "Not Found");
    ck_assert_uint_eq(h.nfields, 2);
    value_eq(&h, "Content-Length", "0");
    value_eq(&h, "x-a", "b");
}
END_TEST

static void heads_equal(const struct net_http_head *a, const struct net_http_head *b)
{
    ck_assert_int_eq(a->version_minor, b->version_minor);
    ck_assert_int_eq(a->status, b->status);
    ck_assert_ptr_eq(a->reason.p, b->reason.p);
    ck_assert_uint_eq(a->reason.len, b->reason.len);
    ck_assert_uint_eq(a->nfields, b->nfields);
    for (size_t i = 0; i < a->nfields; i++) {
        ck_assert_ptr_eq(a->fields[i].name.p, b->fields[i].name.p);
        ck_assert_uint_eq(a->fields[i].name.len, b->fields[i].name.len);
        ck_assert_ptr_eq(a->fields[i].value.p, b->fields[i].value.p);
        ck_assert_uint_eq(a->fields[i].value.len, b->fields[i].value.len);
    }
}

/* Feed every prefix in turn (one byte more each call), then: a split at each
 * point k (prefix k, then the whole) with a fresh head struct each call. */
START_TEST(test_every_split)
{
    static const char *const heads[] = {
        NGINX_HEAD,
        "HTTP/1.0 301 Moved\nLocation: /x\nA: \t b \t\n\n",
        "HTTP/1.1 204\r\n\r\n",
    };
    for (size_t t = 0; t < sizeof heads / sizeof heads[0]; t++) {
        const char *s = heads[t];
        size_t n = strlen(s);
        struct net_http_head whole, inc;
        struct net_err err;
        ck_assert_int_eq(parse_whole(s, n, &whole, &err), (ssize_t)n);

        size_t scan = 0;
        memset(&inc, 0, sizeof inc);
        for (size_t k = 0; k <= n; k++) {
            ssize_t r = net_http_parse_head(s, k, &scan, &inc, &err);
            if (k < n)
                ck_assert_msg(r == NET_HTTP_NEED_MORE, "head %zu prefix %zu: got %zd (%s)", t,
                              k, r, err.text);
            else
                ck_assert_int_eq(r, (ssize_t)n);
        }
        ck_assert_uint_eq(scan, 0);
        heads_equal(&whole, &inc);

        for (size_t k = 0; k < n; k++) {
            struct net_http_head h1, h2;
            memset(&h2, 0xa5, sizeof h2);
            scan = 0;
            ck_assert_int_eq(net_http_parse_head(s, k, &scan, &h1, &err), NET_HTTP_NEED_MORE);
            ck_assert_int_eq(net_http_parse_head(s, n, &scan, &h2, &err), (ssize_t)n);
            heads_equal(&whole, &h2);
        }
    }
}
END_TEST

START_TEST(test_empty_reason)
{
    struct net_http_head h;
    head_ok("HTTP/1.1 200 \r\n\r\n", &h);
    ck_assert_int_eq(h.status, 200);
    ck_assert_uint_eq(h.reason.len, 0);
    head_ok("HTTP/1.1 200\r\n\r\n", &h);
    ck_assert_int_eq(h.status, 200);
    ck_assert_uint_eq(h.reason.len, 0);
    ck_assert_uint_eq(h.nfields, 0);
    /* HT, SP and obs-text are fine in a reason. */
    head_ok("HTTP/1.1 404 Nicht\tGef\xc3\xbcnden \r\n\r\n", &h);
    str_eq(h.reason, "Nicht\tGef\xc3\xbcnden ");
    head_ok("HTTP/1.1 999 x\r\n\r\n", &h);
    ck_assert_int_eq(h.status, 999);
    head_ok("HTTP/1.1 100 Continue\r\n\r\n", &h);
    ck_assert_int_eq(h.status, 100);
}
END_TEST

START_TEST(test_versions)
{
    struct net_http_head h;
    head_ok("HTTP/1.0 200 OK\r\n\r\n", &h);
    ck_assert_int_eq(h.version_minor, 0);
    head_ok("HTTP/1.1 200 OK\r\n\r\n", &h);
    ck_assert_int_eq(h.version_minor, 1);
    head_ok("HTTP/1.9 200 OK\r\n\r\n", &h);
    ck_assert_int_eq(h.version_minor, 1);
}
END_TEST

START_TEST(test_values_trimmed)
{
    struct net_http_head h;
    head_ok("HTTP/1.1 200 OK\r\nA:  x y \t\r\nB:\r\nC: \t \r\nD:\xff\x80\r\n"
            "!#$%&'*+-.^_`|~09azAZ:v\r\n\r\n", &h);
    ck_assert_uint_eq(h.nfields, 5);
    value_eq(&h, "a", "x y");
    value_eq(&h, "b", "");
    value_eq(&h, "c", "");
    value_eq(&h, "d", "\xff\x80");
    value_eq(&h, "!#$%&'*+-.^_`|~09AZAZ", "v");
    ck_assert_ptr_null(net_http_head_find(&h, "a "));
    ck_assert_ptr_null(net_http_head_find(&h, ""));
}
END_TEST

START_TEST(test_has_token)
{
    struct net_http_head h;
    head_ok("HTTP/1.1 200 OK\r\nConnection: keep-alive,  Upgrade\t\r\n"
            "Connection: ,,TE ,\r\nX: upgrades\r\n\r\n", &h);
    ck_assert(net_http_head_has_token(&h, "connection", "upgrade"));
    ck_assert(net_http_head_has_token(&h, "Connection", "KEEP-ALIVE"));
    ck_assert(net_http_head_has_token(&h, "Connection", "te"));
    ck_assert(!net_http_head_has_token(&h, "Connection", "close"));
    ck_assert(!net_http_head_has_token(&h, "Connection", "upgrad"));
    ck_assert(!net_http_head_has_token(&h, "X", "upgrade"));
    ck_assert(!net_http_head_has_token(&h, "Y", "upgrade"));
}
END_TEST

/* ---- framing without a body; keep-alive ---- */

START_TEST(test_no_body)
{
    static const char *const heads[] = {
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
        "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        struct net_http_framing fr = framing_ok(heads[i], "GET");
        ck_assert_int_eq(fr.kind, NET_HTTP_BODY_NONE);
        ck_assert(fr.keep_alive);
    }
    struct net_http_framing fr =
        framing_ok("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HEAD");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_NONE);
    ck_assert(fr.keep_alive);
    /* The method is case-sensitive: "head" is not HEAD. */
    fr = framing_ok("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "head");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_LENGTH);
    /* A 2xx to CONNECT has no body and turns the connection into a tunnel. */
    fr = framing_ok("HTTP/1.1 200 Connection established\r\n\r\n", "CONNECT");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_NONE);
    ck_assert(!fr.keep_alive);
    fr = framing_ok("HTTP/1.1 407 Auth\r\nContent-Length: 3\r\n\r\n", "CONNECT");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_LENGTH);
    ck_assert_uint_eq(fr.length, 3);
    ck_assert(fr.keep_alive);
    fr = framing_ok("HTTP/1.1 100 Continue\r\n\r\n", "CONNECT");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_NONE);
    ck_assert(fr.keep_alive);
    fr = framing_ok("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", "GET");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_NONE);
    ck_assert(!fr.keep_alive);
    fr = framing_ok("HTTP/1.1 200 OK\r\n\r\n", NULL);
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_CLOSE);
    ck_assert(!fr.keep_alive);
}
END_TEST

START_TEST(test_http10_defaults)
{
    struct net_http_framing fr = framing_ok("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n", "GET");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_LENGTH);
    ck_assert(!fr.keep_alive);
    fr = framing_ok("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: Keep-Alive\r\n\r\n",
                    "GET");
    ck_assert(fr.keep_alive);
    fr = framing_ok("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", "GET");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_CLOSE);
    ck_assert(!fr.keep_alive);
    fr = framing_ok("HTTP/1.0 304 Not Modified\r\n\r\n", "GET");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_NONE);
    ck_assert(!fr.keep_alive);
    framing_fails("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "GET",
                  "Transfer-Encoding in an HTTP/1.0 response");
}
END_TEST

START_TEST(test_connection_close)
{
    struct net_http_framing fr =
        framing_ok("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n", "GET");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_LENGTH);
    ck_assert(!fr.keep_alive);
    fr = framing_ok("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n"
                    "Connection: x, CLOSE\r\n\r\n", "GET");
    ck_assert(!fr.keep_alive);
    fr = framing_ok("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive, close\r\n\r\n",
                    "GET");
    ck_assert(!fr.keep_alive);
    fr = framing_ok("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: closed\r\n\r\n", "GET");
    ck_assert(fr.keep_alive);
}
END_TEST

/* ---- malformed heads ---- */

/* A string literal and its length, NULs included. */
#define LIT(s) s, sizeof s - 1

struct bad_head {
    const char *text;
    size_t len;
    enum net_status st;
    const char *frag;
};

static const struct bad_head bad_heads[] = {
    {LIT("HTTP/1.1 25 x\r\n\r\n"), NET_E_PROTOCOL,
     "malformed status code in status line \"HTTP/1.1 25 x\""},
    {LIT("HTTP/1.1 2500 x\r\n\r\n"), NET_E_PROTOCOL, "malformed status code"},
    {LIT("HTTP/1.1 abc\r\n\r\n"), NET_E_PROTOCOL, "malformed status code"},
    {LIT("HTTP/1.1 099 x\r\n\r\n"), NET_E_PROTOCOL, "malformed status code"},
    {LIT("HTTP/1.1 20\r\n\r\n"), NET_E_PROTOCOL, "malformed status code"},
    {LIT("HTTP/1.1  200 OK\r\n\r\n"), NET_E_PROTOCOL, "malformed status code"},
    {LIT("HTTP/1.1 200\tOK\r\n\r\n"), NET_E_PROTOCOL, "malformed status code"},
    {LIT("HTTP/2 200\r\n\r\n"), NET_E_PROTOCOL, "not HTTP/1.x: \"HTTP/2 200\""},
    {LIT("ICY 200 OK\r\n\r\n"), NET_E_PROTOCOL, "not HTTP/1.x: \"ICY 200 OK\""},
    {LIT("HTTP/0.9 200 OK\r\n\r\n"), NET_E_PROTOCOL, "not HTTP/1.x"},
    {LIT("http/1.1 200 OK\r\n\r\n"), NET_E_PROTOCOL, "not HTTP/1.x"},
    {LIT("HTTP/1.10 200 OK\r\n\r\n"), NET_E_PROTOCOL, "not HTTP/1.x"},
    {LIT("HTTP/1.1\r\n\r\n"), NET_E_PROTOCOL, "not HTTP/1.x"},
    {LIT("\r\nHTTP/1.1 200 OK\r\n\r\n"), NET_E_PROTOCOL, "not HTTP/1.x"},
    {LIT("<html>\n"), NET_E_PROTOCOL, "not HTTP/1.x: \"<html>\""},
    {LIT("HTTP/1.1 200 O\0K\r\n\r\n"), NET_E_PROTOCOL,
     "NUL byte in the status line \"HTTP/1.1 200 O\\x00K\""},
    {LIT("HTTP/1.1 200 O\rK\r\n\r\n"), NET_E_PROTOCOL, "bare CR in the status line"},
    {LIT("HTTP/1.1 200 O\x1bK\r\n\r\n"), NET_E_PROTOCOL, "control byte 0x1b in the status line"},
    {LIT("HTTP/1.1 200 O\x7fK\r\n\r\n"), NET_E_PROTOCOL, "control byte 0x7f"},
    {LIT("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n"), NET_E_PROTOCOL,
     "header line 2 has whitespace before the colon: \"Content-Length : 5\""},
    {LIT("HTTP/1.1 200 OK\r\nA\t: 5\r\n\r\n"), NET_E_PROTOCOL, "whitespace before the colon"},
    {LIT("HTTP/1.1 200 OK\r\nA: 1\r\n continued\r\n\r\n"), NET_E_PROTOCOL,
     "header line 3 starts with whitespace (obs-fold"},
    {LIT("HTTP/1.1 200 OK\r\nA: 1\r\n\tcontinued\r\n\r\n"), NET_E_PROTOCOL, "obs-fold"},
    {LIT("HTTP/1.1 200 OK\r\nX-Foo: a\0b\r\n\r\n"), NET_E_PROTOCOL,
     "NUL byte in the value of header field \"X-Foo\""},
    {LIT("HTTP/1.1 200 OK\r\nX-Foo: a\rb\r\n\r\n"), NET_E_PROTOCOL, "bare CR in the value"},
    {LIT("HTTP/1.1 200 OK\r\nX-Foo: a\r\r\n\r\n"), NET_E_PROTOCOL, "bare CR in the value"},
    {LIT("HTTP/1.1 200 OK\r\nX-Foo: a\x01\r\n\r\n"), NET_E_PROTOCOL,
     "control byte 0x01 in the value"},
    {LIT("HTTP/1.1 200 OK\r\nX-F\0oo: a\r\n\r\n"), NET_E_PROTOCOL,
     "NUL byte in a header field name: \"X-F\\x00oo: a\""},
    {LIT("HTTP/1.1 200 OK\r\nX-F\roo: a\r\n\r\n"), NET_E_PROTOCOL,
     "bare CR in a header field name"},
    {LIT("HTTP/1.1 200 OK\r\nX(y): a\r\n\r\n"), NET_E_PROTOCOL, "byte 0x28 in the field name"},
    {LIT("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"), NET_E_PROTOCOL, "header line 2 has no colon"},
    {LIT("HTTP/1.1 200 OK\r\nnocolon\r\n\r\n"), NET_E_PROTOCOL, "has no colon: \"nocolon\""},
    {LIT("HTTP/1.1 200 OK\r\n: v\r\n\r\n"), NET_E_PROTOCOL, "empty field name"},
    {LIT("HTTP/1.1 200 OK\r\nA: 1\r\n\r\r\n"), NET_E_PROTOCOL, "bare CR in a header field name"},
};
#define N_BAD_HEADS (int)(sizeof bad_heads / sizeof bad_heads[0])

START_TEST(test_bad_head)
{
    const struct bad_head *b = &bad_heads[_i];
    size_t len = b->len;
    head_fails_n(b->text, len, b->st, b->frag);
    /* Early failures quote only what had arrived: compare up to the quote. */
    char frag[128];
    snprintf(frag, sizeof frag, "%s", b->frag);
    frag[strcspn(frag, "\"")] = '\0';
    /* Fed byte by byte it fails the same way, never succeeding first. */
    struct net_http_head h;
    struct net_err err;
    size_t scan = 0;
    ssize_t r = NET_HTTP_NEED_MORE;
    for (size_t k = 0; k <= len && r == NET_HTTP_NEED_MORE; k++)
        r = net_http_parse_head(b->text, k, &scan, &h, &err);
    ck_assert_int_eq(r, NET_HTTP_ERROR);
    ck_assert_int_eq(err.status, b->st);
    ck_assert_msg(strstr(err.text, frag) != NULL, "error \"%s\" lacks \"%s\"", err.text,
                  frag);
}
END_TEST

/* A reply that is not HTTP/1.x fails at once, before any line end. */
START_TEST(test_not_http_early)
{
    struct net_http_head h;
    struct net_err err;
    size_t scan = 0;
    ck_assert_int_eq(net_http_parse_head("HTTP/2", 6, &scan, &h, &err), NET_HTTP_ERROR);
    ck_assert_msg(strstr(err.text, "not HTTP/1.x: \"HTTP/2\"") != NULL, "%s", err.text);
    scan = 0;
    ck_assert_int_eq(net_http_parse_head("\x16\x03\x01", 3, &scan, &h, &err), NET_HTTP_ERROR);
    ck_assert_msg(strstr(err.text, "\"\\x16\\x03\\x01\"") != NULL, "%s", err.text);
    scan = 0;
    ck_assert_int_eq(net_http_parse_head("HTTP/1.1", 8, &scan, &h, &err), NET_HTTP_NEED_MORE);
    ck_assert_int_eq(net_http_parse_head("", 0, &scan, &h, &err), NET_HTTP_NEED_MORE);
}
END_TEST

/* ---- caps ---- */

START_TEST(test_line_9000)
{
    struct sbuf b = {0};
    sb_str(&b, "HTTP/1.1 200 OK\r\nX-Big: ");
    sb_fill(&b, 'a', 9000 - 9);
    sb_str(&b, "\r\n\r\n");
    head_fails_n(b.p, b.len, NET_E_LINE_TOO_LONG, "header line over 8192 bytes");
    /* Fed in pieces it fails as soon as the line passes the cap, before its end. */
    struct net_http_head h;
    struct net_err err;
    size_t scan = 0, line_start = 17, k;
    ssize_t r = NET_HTTP_NEED_MORE;
    for (k = 1; k <= b.len && r == NET_HTTP_NEED_MORE; k++)
        r = net_http_parse_head(b.p, k, &scan, &h, &err);
    ck_assert_int_eq(r, NET_HTTP_ERROR);
    ck_assert_int_eq(err.status, NET_E_LINE_TOO_LONG);
    ck_assert_uint_eq(k - 1, line_start + NET_HTTP_LINE_MAX + 1);
    free(b.p);

    /* A status line over the cap. */
    struct sbuf s = {0};
    sb_str(&s, "HTTP/1.1 200 ");
    sb_fill(&s, 'r', NET_HTTP_LINE_MAX);
    sb_str(&s, "\r\n\r\n");
    head_fails_n(s.p, s.len, NET_E_LINE_TOO_LONG, "status line over 8192 bytes");
    free(s.p);
}
END_TEST

/* Exactly NET_HTTP_LINE_MAX bytes (without the CR LF) is fine, with either
 * line end, also when the CR is the last byte seen. */
START_TEST(test_line_at_cap)
{
    for (int crlf = 0; crlf < 2; crlf++) {
        struct sbuf b = {0};
        sb_str(&b, "HTTP/1.1 200 OK\r\nX-Big: ");
        sb_fill(&b, 'a', NET_HTTP_LINE_MAX - 7);
        sb_str(&b, crlf ? "\r\n\r\n" : "\n\n");
        struct net_http_head h;
        struct net_err err;
        size_t scan = 0;
        ssize_t r = NET_HTTP_NEED_MORE;
        for (size_t k = 0; k <= b.len; k++) {
            r = net_http_parse_head(b.p, k, &scan, &h, &err);
            if (k < b.len)
                ck_assert_msg(r == NET_HTTP_NEED_MORE, "prefix %zu: %zd %s", k, r, err.text);
        }
        ck_assert_int_eq(r, (ssize_t)b.len);
        ck_assert_uint_eq(h.fields[0].value.len, NET_HTTP_LINE_MAX - 7);
        free(b.p);
    }
    /* One byte more fails, whole or in pieces, with either line end. */
    for (int crlf = 0; crlf < 2; crlf++) {
        struct sbuf b = {0};
        sb_str(&b, "HTTP/1.1 200 OK\r\nX-Big: ");
        sb_fill(&b, 'a', NET_HTTP_LINE_MAX - 6);
        sb_str(&b, crlf ? "\r\n\r\n" : "\n\n");
        head_fails_n(b.p, b.len, NET_E_LINE_TOO_LONG, "header line over 8192 bytes");
        free(b.p);
    }
}
END_TEST

static void add_fields(struct sbuf *b, int n, size_t value_len)
{
    char name[32];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "X-F%03d: ", i);
        sb_str(b, name);
        sb_fill(b, 'v', value_len);
        sb_str(b, "\r\n");
    }
}

START_TEST(test_fields_cap)
{
    struct sbuf b = {0};
    sb_str(&b, "HTTP/1.1 200 OK\r\n");
    add_fields(&b, NET_HTTP_FIELDS_MAX, 3);
    sb_str(&b, "\r\n");
    struct net_http_head h;
    head_ok(b.p, &h);
    ck_assert_uint_eq(h.nfields, NET_HTTP_FIELDS_MAX);
    str_eq(h.fields[NET_HTTP_FIELDS_MAX - 1].name, "X-F099");
    free(b.p);

    struct sbuf c = {0};
    sb_str(&c, "HTTP/1.1 200 OK\r\n");
    add_fields(&c, NET_HTTP_FIELDS_MAX + 1, 3);
    sb_str(&c, "\r\n");
    head_fails(c.p, NET_E_PROTOCOL, "more than 100 header fields");
    free(c.p);
}
END_TEST

/* A head of exactly NET_HTTP_HEAD_MAX bytes passes; one byte more fails. */
START_TEST(test_head_at_cap)
{
    for (int extra = 0; extra < 2; extra++) {
        struct sbuf b = {0};
        sb_str(&b, "HTTP/1.1 200 OK\r\n");
        add_fields(&b, 90, 700);
        size_t rest = NET_HTTP_HEAD_MAX - b.len - 2 + (size_t)extra;
        sb_str(&b, "X-Last: ");
        sb_fill(&b, 'z', rest - 10);
        sb_str(&b, "\r\n\r\n");
        ck_assert_uint_eq(b.len, NET_HTTP_HEAD_MAX + (size_t)extra);
        struct net_http_head h;
        struct net_err err;
        ssize_t r = parse_whole(b.p, b.len, &h, &err);
        if (extra == 0) {
            ck_assert_int_eq(r, (ssize_t)b.len);
            ck_assert_uint_eq(h.nfields, 91);
        } else {
            ck_assert_int_eq(r, NET_HTTP_ERROR);
            ck_assert_int_eq(err.status, NET_E_PROTOCOL);
            ck_assert_str_eq(err.text, "response head over 64512 bytes");
        }
        free(b.p);
    }
}
END_TEST

/* Many short fields adding up to more than the cap: fails when the cap is
 * passed, before the blank line arrives. */
START_TEST(test_head_over_cap)
{
    struct sbuf b = {0};
    sb_str(&b, "HTTP/1.1 200 OK\r\n");
    add_fields(&b, 95, 700);
    sb_str(&b, "\r\n");
    ck_assert_uint_gt(b.len, NET_HTTP_HEAD_MAX);
    head_fails_n(b.p, b.len, NET_E_PROTOCOL, "response head over 64512 bytes");
    struct net_http_head h;
    struct net_err err;
    size_t scan = 0, k;
    ssize_t r = NET_HTTP_NEED_MORE;
    for (k = 512; k <= b.len && r == NET_HTTP_NEED_MORE; k += 512)
        r = net_http_parse_head(b.p, k, &scan, &h, &err);
    k -= 512;
    ck_assert_int_eq(r, NET_HTTP_ERROR);
    ck_assert_str_eq(err.text, "response head over 64512 bytes");
    ck_assert_uint_gt(k, NET_HTTP_HEAD_MAX);
    ck_assert_uint_le(k - 512, NET_HTTP_HEAD_MAX);
    ck_assert_uint_lt(k, b.len);
    free(b.p);
}
END_TEST

/* A head that never ends: the call that passes the cap fails. */
START_TEST(test_endless_head)
{
    struct sbuf b = {0};
    sb_str(&b, "HTTP/1.1 200 OK\r\n");
    add_fields(&b, 99, 700);                /* never a blank line */
    ck_assert_uint_gt(b.len, NET_HTTP_HEAD_MAX + 1);
    struct net_http_head h;
    struct net_err err;
    size_t scan = 0;
    ck_assert_int_eq(net_http_parse_head(b.p, 30000, &scan, &h, &err), NET_HTTP_NEED_MORE);
    for (size_t k = NET_HTTP_HEAD_MAX - 3; k <= NET_HTTP_HEAD_MAX; k++)
        ck_assert_int_eq(net_http_parse_head(b.p, k, &scan, &h, &err), NET_HTTP_NEED_MORE);
    ck_assert_int_eq(net_http_parse_head(b.p, NET_HTTP_HEAD_MAX + 1, &scan, &h, &err),
                     NET_HTTP_ERROR);
    ck_assert_int_eq(err.status, NET_E_PROTOCOL);
    ck_assert_str_eq(err.text, "response head over 64512 bytes");
    free(b.p);
}
END_TEST

/* ---- Content-Length and Transfer-Encoding ---- */

static const char *const bad_lengths[] = {
    "-1", "abc", "+5", "9223372036854775808", "18446744073709551616",
    "99999999999999999999999", "", "1 2", "0x10", "5,", ",5", "5;", "1e3", "\xd9\xa5",
};
#define N_BAD_LENGTHS (int)(sizeof bad_lengths / sizeof bad_lengths[0])

START_TEST(test_bad_length)
{
    char head[256], frag[128];
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %s\r\n\r\n", bad_lengths[_i]);
    snprintf(frag, sizeof frag, "invalid Content-Length \"%s\"", bad_lengths[_i]);
    if (bad_lengths[_i][0] & 0x80)
        snprintf(frag, sizeof frag, "invalid Content-Length \"\\xd9\\xa5\"");
    framing_fails(head, "GET", frag);
    uint64_t v = 77;
    ck_assert(!net_http_parse_length(bad_lengths[_i], strlen(bad_lengths[_i]), &v));
    ck_assert_uint_eq(v, 77);
}
END_TEST

START_TEST(test_lengths)
{
    uint64_t v;
    ck_assert(net_http_parse_length("0", 1, &v));
    ck_assert_uint_eq(v, 0);
    ck_assert(net_http_parse_length("9223372036854775807", 19, &v));
    ck_assert_uint_eq(v, INT64_MAX);
    ck_assert(net_http_parse_length("000000000000000000000000042", 27, &v));
    ck_assert_uint_eq(v, 42);
    ck_assert(!net_http_parse_length("12", 0, &v));

    struct net_http_framing fr =
        framing_ok("HTTP/1.1 200 OK\r\nContent-Length: 007\r\n\r\n", "GET");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_LENGTH);
    ck_assert_uint_eq(fr.length, 7);
    fr = framing_ok("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n", "GET");
    ck_assert_uint_eq(fr.length, 5);
    fr = framing_ok("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", "GET");
    ck_assert_uint_eq(fr.length, 5);
    fr = framing_ok("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n", "GET");
    ck_assert_uint_eq(fr.length, INT64_MAX);
    framing_fails("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "GET",
                  "conflicting Content-Length values \"5\" and \"6\"");
    framing_fails("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", "GET",
                  "conflicting Content-Length values \"5\" and \"6\"");
    framing_fails("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 05, 5,x\r\n\r\n",
                  "GET", "invalid Content-Length \"05, 5,x\"");
}
END_TEST

START_TEST(test_transfer_encoding)
{
    struct net_http_framing fr =
        framing_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "GET");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_CHUNKED);
    ck_assert(fr.keep_alive);
    fr = framing_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\n", "GET");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_CHUNKED);
    fr = framing_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n"
                    "Transfer-Encoding: ,chunked,\r\n\r\n", "GET");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_CHUNKED);
    fr = framing_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "GET");
    ck_assert_int_eq(fr.kind, NET_HTTP_BODY_CLOSE);
    ck_assert(!fr.keep_alive);
    framing_fails("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                  "GET", "both Content-Length and Transfer-Encoding");
    framing_fails("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
                  "GET", "both Content-Length and Transfer-Encoding");
    framing_fails("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "GET",
                  "chunked before another coding");
    framing_fails("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n", "GET", "chunked twice");
    framing_fails("HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n", "GET",
                  "empty Transfer-Encoding");
}
END_TEST

/* ---- chunked ---- */

struct decoded {
    enum net_status st;
    char err[NET_ERR_TEXT_MAX];
    size_t used;            /* bytes of the input taken */
    char *out;              /* concatenated data */
    size_t out_len;
    enum net_http_chunk_state state;
};

/* Decode in[0..len) fed step bytes at a time (each piece in its own exact
 * allocation, so reads past it are caught by ASan), as a caller would:
 * call again on the rest of the piece until it is used up. */
static struct decoded decode(const char *in, size_t len, size_t step)
{
    struct decoded d = {NET_OK, "", 0, malloc(len + 1), 0, NET_HTTP_CHUNK_SIZE};
    struct net_http_chunked dec;
    struct net_err err;
    net_err_clear(&err);
    net_http_chunked_init(&dec);
    ck_assert_str_eq(net_http_chunk_state_name(dec.state), "size");
    for (size_t off = 0; off < len && dec.state != NET_HTTP_CHUNK_DONE;) {
        size_t n = len - off < step ? len - off : step;
        char *piece = malloc(n);
        memcpy(piece, in + off, n);
        size_t pos = 0;
        while (pos < n && dec.state != NET_HTTP_CHUNK_DONE) {
            size_t used;
            const char *data;
            size_t data_len;
            d.st = net_http_chunked_step(&dec, piece + pos, n - pos, &used, &data, &data_len,
                                         &err);
            ck_assert_uint_le(used, n - pos);
            if (data != NULL) {
                ck_assert(data >= piece + pos && data + data_len <= piece + pos + used);
                ck_assert_uint_gt(data_len, 0);
                memcpy(d.out + d.out_len, data, data_len);
                d.out_len += data_len;
            } else {
                ck_assert_uint_eq(data_len, 0);
            }
            pos += used;
            if (d.st != NET_OK) {
                ck_assert_int_eq(err.status, d.st);
                snprintf(d.err, sizeof d.err, "%s", err.text);
                d.used = off + pos;
                d.state = dec.state;
                free(piece);
                return d;
            }
            if (used == 0 && dec.state != NET_HTTP_CHUNK_DONE)
                ck_abort_msg("no progress in state %s", net_http_chunk_state_name(dec.state));
        }
        off += pos;
        d.used = off;
        free(piece);
    }
    d.state = dec.state;
    return d;
}

static const size_t steps[] = {1, 2, 3, 7, 64, SIZE_MAX};
#define N_STEPS (sizeof steps / sizeof steps[0])

/* in must decode completely to want at every step size, taking want_used. */
static void chunked_ok_n(const char *in, size_t len, const char *want, size_t want_used)
{
    for (size_t i = 0; i < N_STEPS; i++) {
        struct decoded d = decode(in, len, steps[i]);
        ck_assert_msg(d.st == NET_OK, "step %zu: %s: %s", steps[i], net_status_name(d.st), d.err);
        ck_assert_int_eq(d.state, NET_HTTP_CHUNK_DONE);
        ck_assert_uint_eq(d.used, want_used);
        ck_assert_uint_eq(d.out_len, strlen(want));
        ck_assert(memcmp(d.out, want, d.out_len) == 0);
        free(d.out);
    }
}

static void chunked_ok(const char *in, const char *want)
{
    chunked_ok_n(in, strlen(in), want, strlen(in));
}

/* in[0..len) must fail at every step size, with a text holding frag. */
static void chunked_fails_n(const char *in, size_t len, const char *frag)
{
    for (size_t i = 0; i < N_STEPS; i++) {
        struct decoded d = decode(in, len, steps[i]);
        ck_assert_msg(d.st == NET_E_PROTOCOL, "step %zu: got %s for %.40s", steps[i],
                      net_status_name(d.st), in);
        ck_assert_msg(strstr(d.err, frag) != NULL, "error \"%s\" lacks \"%s\"", d.err, frag);
        free(d.out);
    }
}

static void chunked_fails(const char *in, const char *frag)
{
    chunked_fails_n(in, strlen(in), frag);
}

START_TEST(test_chunked_simple)
{
    chunked_ok("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world");
    chunked_ok("0\r\n\r\n", "");
    chunked_ok("5\nhello\n0\n\n", "hello");                       /* bare LF */
    chunked_ok("1\r\n\n\r\n1\r\n\r\r\n0\r\n\r\n", "\n\r");           /* CR/LF as data */
}
END_TEST

START_TEST(test_chunked_extensions)
{
    chunked_ok("5;name=value;q=\"a b\"\r\nhello\r\n0;last\r\n\r\n", "hello");
    chunked_ok("5 ;x\r\nhello\r\n0\t; y = z \r\n\r\n", "hello");
    chunked_ok("5 \r\nhello\r\n0\r\n\r\n", "hello");
    chunked_ok("5;\xff\r\nhello\r\n0\r\n\r\n", "hello");
    chunked_fails_n(LIT("5;a\0b\r\nhello\r\n0\r\n\r\n"),
                    "chunked body: control byte 0x00 in a chunk extension");
    chunked_fails("5;a\x01\r\nhello\r\n0\r\n\r\n", "control byte 0x01 in a chunk extension");
    chunked_fails("5 x\r\nhello\r\n0\r\n\r\n", "byte 0x78 after the chunk size");
    chunked_fails("5 5\r\nhello\r\n0\r\n\r\n", "byte 0x35 after the chunk size");
    chunked_fails("5;x\ry\r\nhello\r\n0\r\n\r\n", "bare CR in a chunk size line");
}
END_TEST

START_TEST(test_chunked_hex)
{
    chunked_ok("A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij");
    chunked_ok("0000000000000000000000000005\r\nhello\r\n0000\r\n\r\n", "hello");
    chunked_ok("00000000000000001\r\nx\r\n0\r\n\r\n", "x");         /* 17 digits, 1 significant */
}
END_TEST

/* Sizes: over 16 significant digits, over INT64_MAX, empty, not hex. */
START_TEST(test_chunked_bad_size)
{
    chunked_fails("10000000000000000\r\n", "chunk size over 16 hex digits");
    chunked_fails("00010000000000000000\r\n", "chunk size over 16 hex digits");
    chunked_fails("ffffffffffffffff\r\n", "chunk size over 9223372036854775807 bytes");
    chunked_fails("8000000000000000\r\n", "chunk size over 9223372036854775807");
    chunked_fails("\r\nhello\r\n", "empty chunk size");
    chunked_fails("\nhello\r\n", "empty chunk size");
    chunked_fails(";ext\r\nhello\r\n", "empty chunk size");
    chunked_fails(" 5\r\nhello\r\n", "empty chunk size");
    chunked_fails("g\r\n", "byte 0x67 in the chunk size");
    chunked_fails("-5\r\n", "byte 0x2d in the chunk size");
    chunked_fails("0x5\r\n", "byte 0x78 in the chunk size");
    chunked_fails("5\rhello", "bare CR in a chunk size line");

    /* The largest size is accepted (the decoder then waits for the data). */
    struct net_http_chunked dec;
    struct net_err err;
    size_t used, dl;
    const char *data;
    net_http_chunked_init(&dec);
    ck_assert_int_eq(net_http_chunked_step(&dec, "7fffffffffffffff\r\nab", 20, &used, &data,
                                           &dl, &err), NET_OK);
    ck_assert_uint_eq(used, 20);
    ck_assert_uint_eq(dl, 2);
    ck_assert_int_eq(dec.state, NET_HTTP_CHUNK_DATA);
    ck_assert_uint_eq(dec.remaining, (uint64_t)INT64_MAX - 2);
}
END_TEST

START_TEST(test_chunked_line_cap)
{
    struct sbuf b = {0};
    sb_str(&b, "5;");
    sb_fill(&b, 'e', NET_HTTP_CHUNK_LINE_MAX - 2);
    sb_str(&b, "\r\nhello\r\n0\r\n\r\n");
    chunked_ok(b.p, "hello");               /* exactly at the cap */
    free(b.p);
    struct sbuf c = {0};
    sb_str(&c, "5;");
    sb_fill(&c, 'e', NET_HTTP_CHUNK_LINE_MAX - 1);
    sb_str(&c, "\r\nhello\r\n0\r\n\r\n");
    chunked_fails(c.p, "chunk size line over 4096 bytes");
    free(c.p);
    struct sbuf z = {0};
    sb_fill(&z, '0', NET_HTTP_CHUNK_LINE_MAX + 1);
    chunked_fails(z.p, "chunk size line over 4096 bytes");
    free(z.p);
}
END_TEST

START_TEST(test_chunked_missing_crlf)
{
    chunked_fails("5\r\nhelloX\r\n0\r\n\r\n", "chunked body: missing CRLF after chunk data");
    chunked_fails("5\r\nhello\rX0\r\n\r\n", "missing CRLF after chunk data");
    chunked_fails("5\r\nhello world\r\n0\r\n\r\n", "missing CRLF after chunk data");
    chunked_fails("5\r\nhello\r\r\n0\r\n\r\n", "missing CRLF after chunk data");
    /* The data before the bad framing was still handed out. */
    struct decoded d = decode("5\r\nhelloX", 9, SIZE_MAX);
    ck_assert_int_eq(d.st, NET_E_PROTOCOL);
    ck_assert_uint_eq(d.out_len, 5);
    ck_assert(memcmp(d.out, "hello", 5) == 0);
    ck_assert_uint_eq(d.used, 8);
    free(d.out);
}
END_TEST

START_TEST(test_chunked_trailers)
{
    chunked_ok("5\r\nhello\r\n0\r\nX-Sum: abc\r\nY: z\r\n\r\n", "hello");
    chunked_ok("5\r\nhello\r\n0\r\nX-Sum: abc\nY:\t\xff\n\n", "hello");
    chunked_fails_n(LIT("0\r\nX: a\0b\r\n\r\n"), "control byte 0x00 in a trailer");
    chunked_fails("0\r\nX: a\rb\r\n\r\n", "bare CR in a trailer line");

    /* NET_HTTP_TRAILERS_MAX fields pass; one more fails. */
    for (int extra = 0; extra < 2; extra++) {
        struct sbuf b = {0};
        sb_str(&b, "2\r\nok\r\n0\r\n");
        for (int i = 0; i < NET_HTTP_TRAILERS_MAX + extra; i++)
            sb_str(&b, "T: 1\r\n");
        sb_str(&b, "\r\n");
        if (extra == 0)
            chunked_ok(b.p, "ok");
        else
            chunked_fails(b.p, "endless trailers (more than 100 fields)");
        free(b.p);
    }
}
END_TEST

START_TEST(test_chunked_endless_trailers)
{
    struct sbuf b = {0};
    sb_str(&b, "0\r\nX-Long: ");
    sb_fill(&b, 'a', NET_HTTP_TRAILER_BYTES_MAX);
    chunked_fails(b.p, "endless trailers (over 16384 bytes)");
    free(b.p);
    /* Exactly NET_HTTP_TRAILER_BYTES_MAX trailer bytes (line ends included) pass. */
    struct sbuf c = {0};
    sb_str(&c, "0\r\nX: ");
    sb_fill(&c, 'a', NET_HTTP_TRAILER_BYTES_MAX - 7);
    sb_str(&c, "\r\n\r\n");
    chunked_ok(c.p, "");
    free(c.p);
    struct sbuf d = {0};
    sb_str(&d, "0\r\nX: ");
    sb_fill(&d, 'a', NET_HTTP_TRAILER_BYTES_MAX - 6);
    sb_str(&d, "\r\n\r\n");
    chunked_fails(d.p, "endless trailers (over 16384 bytes)");
    free(d.p);
}
END_TEST

/* A body of many chunks decodes to the same bytes however it is split. */
START_TEST(test_chunked_any_split)
{
    struct sbuf in = {0}, want = {0};
    unsigned seed = 12345;
    for (int i = 0; i < 60; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 16) % 300;
        char line[64];
        snprintf(line, sizeof line, i % 3 ? "%zx\r\n" : "%zX;i=%d\n", n, i);
        sb_str(&in, line);
        for (size_t j = 0; j < n; j++) {
            char c = (char)((seed >> 8) + j * 7);
            sb_add(&in, &c, 1);
            sb_add(&want, &c, 1);
        }
        sb_str(&in, i % 2 ? "\r\n" : "\n");
    }
    sb_str(&in, "0\r\nTrailer: x\r\n\r\n");
    size_t body = in.len;
    sb_str(&in, "HTTP/1.1 200 OK\r\n");     /* the next response: not taken */
    for (size_t i = 0; i < N_STEPS; i++) {
        struct decoded d = decode(in.p, in.len, steps[i]);
        ck_assert_msg(d.st == NET_OK, "%s", d.err);
        ck_assert_int_eq(d.state, NET_HTTP_CHUNK_DONE);
        ck_assert_uint_eq(d.used, body);
        ck_assert_uint_eq(d.out_len, want.len);
        ck_assert(memcmp(d.out, want.p, want.len) == 0);
        free(d.out);
    }
    free(in.p);
    free(want.p);
}
END_TEST

/* One span per call; bytes after the last chunk are not taken, and after
 * DONE nothing is. */
START_TEST(test_chunked_after_done)
{
    static const char in[] = "5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n";
    struct net_http_chunked dec;
    struct net_err err;
    size_t used, dl;
    const char *data;
    net_http_chunked_init(&dec);
    size_t len = sizeof in - 1, off = 0;
    ck_assert_int_eq(net_http_chunked_step(&dec, in, len, &used, &data, &dl, &err), NET_OK);
    ck_assert_uint_eq(used, 8);
    ck_assert_ptr_eq(data, in + 3);
    ck_assert_uint_eq(dl, 5);
    ck_assert_str_eq(net_http_chunk_state_name(dec.state), "data-cr");
    off += used;
    ck_assert_int_eq(net_http_chunked_step(&dec, in + off, len - off, &used, &data, &dl, &err),
                     NET_OK);
    ck_assert_uint_eq(used, 8);                 /* "\r\n3\r\nabc" */
    ck_assert_ptr_eq(data, in + 13);
    ck_assert_uint_eq(dl, 3);
    off += used;
    ck_assert_int_eq(net_http_chunked_step(&dec, in + off, len - off, &used, &data, &dl, &err),
                     NET_OK);
    ck_assert_ptr_null(data);
    ck_assert_uint_eq(dl, 0);
    ck_assert_int_eq(dec.state, NET_HTTP_CHUNK_DONE);
    off += used;
    ck_assert_uint_eq(off, 23);
    ck_assert(memcmp(in + off, "HTTP/1.1", 8) == 0);
    ck_assert_int_eq(net_http_chunked_step(&dec, in + off, len - off, &used, &data, &dl, &err),
                     NET_OK);
    ck_assert_uint_eq(used, 0);
    ck_assert_ptr_null(data);
}
END_TEST

START_TEST(test_chunk_state_names)
{
    for (int i = 0; i < NET_HTTP_CHUNK_STATE_COUNT; i++) {
        const char *n = net_http_chunk_state_name((enum net_http_chunk_state)i);
        ck_assert_ptr_nonnull(n);
        ck_assert_str_ne(n, "unknown");
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(n, net_http_chunk_state_name((enum net_http_chunk_state)j));
    }
    ck_assert_str_eq(net_http_chunk_state_name(NET_HTTP_CHUNK_DONE), "done");
    ck_assert_str_eq(net_http_chunk_state_name(NET_HTTP_CHUNK_STATE_COUNT), "unknown");
}
END_TEST

/* ---- fuzz ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Parse buf whole, check every result points inside it; then feed it in
 * random pieces (each prefix in an exact allocation) and check the first
 * answer that is not NEED_MORE is the same. Returns the whole result. */
static ssize_t fuzz_head(const char *buf, size_t len, struct net_http_head *h, bool incremental)
{
    char *exact = malloc(len ? len : 1);
    memcpy(exact, buf, len);
    struct net_err err;
    ssize_t r = parse_whole(exact, len, h, &err);
    ck_assert(r == NET_HTTP_NEED_MORE || r == NET_HTTP_ERROR || (r > 0 && (size_t)r <= len));
    if (r == NET_HTTP_ERROR)
        ck_assert_int_ne(err.status, NET_OK);
    if (r > 0) {
        const char *end = exact + r;
        ck_assert(h->status >= 100 && h->status <= 999 && h->nfields <= NET_HTTP_FIELDS_MAX);
        ck_assert(h->reason.p >= exact && h->reason.p + h->reason.len <= end);
        for (size_t i = 0; i < h->nfields; i++) {
            ck_assert(h->fields[i].name.p >= exact && h->fields[i].name.len > 0);
            ck_assert(h->fields[i].value.p + h->fields[i].value.len <= end);
        }
        struct net_http_framing fr;
        static const char *const methods[] = {"GET", "HEAD", "CONNECT", NULL};
        enum net_status st = net_http_framing(h, methods[rnd() % 4], &fr, &err);
        ck_assert(st == NET_OK || st == NET_E_PROTOCOL);
        (void)net_http_head_has_token(h, "Connection", "close");
    }
    free(exact);
    if (!incremental)
        return r;
    size_t scan = 0, k = 0;
    ssize_t ri = NET_HTTP_NEED_MORE;
    struct net_http_head hi;
    while (ri == NET_HTTP_NEED_MORE && k < len) {
        k += 1 + rnd() % 16;
        if (k > len)
            k = len;
        char *p = malloc(k ? k : 1);
        memcpy(p, buf, k);
        ri = net_http_parse_head(p, k, &scan, &hi, &err);
        if (ri > 0) {
            ck_assert_uint_eq(hi.nfields, h->nfields);
            ck_assert_int_eq(hi.status, h->status);
            for (size_t i = 0; i < hi.nfields; i++)
                ck_assert_uint_eq(hi.fields[i].value.len, h->fields[i].value.len);
        }
        free(p);
    }
    ck_assert_msg(ri == r || len == 0, "whole %zd, incremental %zd", r, ri);
    return r;
}

static void fuzz_chunked(const char *buf, size_t len)
{
    struct net_http_chunked dec;
    struct net_err err;
    net_http_chunked_init(&dec);
    size_t off = 0;
    while (off < len && dec.state != NET_HTTP_CHUNK_DONE) {
        size_t n = 1 + rnd() % 64;
        if (n > len - off)
            n = len - off;
        char *p = malloc(n);
        memcpy(p, buf + off, n);
        size_t used, dl;
        const char *data;
        enum net_status st = net_http_chunked_step(&dec, p, n, &used, &data, &dl, &err);
        ck_assert_uint_le(used, n);
        if (data != NULL)
            ck_assert(data >= p && data + dl <= p + used);
        ck_assert((unsigned)dec.state < NET_HTTP_CHUNK_STATE_COUNT);
        free(p);
        if (st != NET_OK) {
            ck_assert_int_eq(st, NET_E_PROTOCOL);
            return;
        }
        off += used;
        if (used == 0)
            ck_assert_int_eq(dec.state, NET_HTTP_CHUNK_DONE);
    }
}

static const char FUZZ_SEED[] =
    "HTTP/1.1 200 OK\r\nServer: x\r\nTransfer-Encoding: chunked\r\n"
    "Connection: keep-alive, Upgrade\r\nContent-Length: 5\r\n\r\n"
    "5;e=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nT: v\r\n\r\n";

/* Random bytes, then random mutations of a valid response. */
START_TEST(test_fuzz)
{
    rng_state = 0x9e3779b97f4a7c15ull;
    char buf[512];
    for (int it = 0; it < 4000; it++) {
        size_t len;
        if (it % 4 == 0) {
            len = rnd() % 300;
            for (size_t i = 0; i < len; i++)
                buf[i] = (char)rnd();
            if (len > 9 && it % 8 == 0)
                memcpy(buf, "HTTP/1.1 ", 9);    /* get past the version check */
        } else {
            len = sizeof FUZZ_SEED - 1;
            memcpy(buf, FUZZ_SEED, len);
            int muts = 1 + (int)(rnd() % 4);
            for (int m = 0; m < muts; m++) {
                size_t at = rnd() % (len + 1);
                static const char pick[] = "\r\n\0 :;,0fF9\t";
                char c = rnd() % 2 ? (char)rnd() : pick[rnd() % (sizeof pick - 1)];
                switch (rnd() % 3) {
                case 0:                         /* replace */
                    if (at < len)
                        buf[at] = c;
                    break;
                case 1:                         /* insert */
                    if (len < sizeof buf) {
                        memmove(buf + at + 1, buf + at, len - at);
                        buf[at] = c;
                        len++;
                    }
                    break;
                default:                        /* delete */
                    if (at < len) {
                        memmove(buf + at, buf + at + 1, len - at - 1);
                        len--;
                    }
                }
            }
        }
        struct net_http_head h;
        ssize_t r = fuzz_head(buf, len, &h, it % 2 == 0);
        fuzz_chunked(r > 0 ? buf + r : buf, r > 0 ? len - (size_t)r : len);
    }
}
END_TEST

static Suite *http_parse_suite(void)
{
    Suite *s = suite_create("http_parse");
    TCase *tc = tcase_create("head");
    tcase_add_test(tc, test_nginx_head);
    tcase_add_test(tc, test_bare_lf_head);
    tcase_add_test(tc, test_every_split);
    tcase_add_test(tc, test_empty_reason);
    tcase_add_test(tc, test_versions);
    tcase_add_test(tc, test_values_trimmed);
    tcase_add_test(tc, test_has_token);
    tcase_add_loop_test(tc, test_bad_head, 0, N_BAD_HEADS);
    tcase_add_test(tc, test_not_http_early);
    suite_add_tcase(s, tc);

    tc = tcase_create("caps");
    tcase_add_test(tc, test_line_9000);
    tcase_add_test(tc, test_line_at_cap);
    tcase_add_test(tc, test_fields_cap);
    tcase_add_test(tc, test_head_at_cap);
    tcase_add_test(tc, test_head_over_cap);
    tcase_add_test(tc, test_endless_head);
    suite_add_tcase(s, tc);

    tc = tcase_create("framing");
    tcase_add_test(tc, test_no_body);
    tcase_add_test(tc, test_http10_defaults);
    tcase_add_test(tc, test_connection_close);
    tcase_add_loop_test(tc, test_bad_length, 0, N_BAD_LENGTHS);
    tcase_add_test(tc, test_lengths);
    tcase_add_test(tc, test_transfer_encoding);
    suite_add_tcase(s, tc);

    tc = tcase_create("chunked");
    tcase_add_test(tc, test_chunked_simple);
    tcase_add_test(tc, test_chunked_extensions);
    tcase_add_test(tc, test_chunked_hex);
    tcase_add_test(tc, test_chunked_bad_size);
    tcase_add_test(tc, test_chunked_line_cap);
    tcase_add_test(tc, test_chunked_missing_crlf);
    tcase_add_test(tc, test_chunked_trailers);
    tcase_add_test(tc, test_chunked_endless_trailers);
    tcase_add_test(tc, test_chunked_any_split);
    tcase_add_test(tc, test_chunked_after_done);
    tcase_add_test(tc, test_chunk_state_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fuzz);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(http_parse_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
