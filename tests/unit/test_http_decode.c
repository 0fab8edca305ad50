/* test_http_decode.c - Content-Encoding decoding: gzip, deflate (zlib and
 * raw), chains, concatenated members, caps, corrupt and truncated input. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "protocols/http/decode.h"

/* Formats the test compresses into. */
enum fmt { FMT_GZIP, FMT_ZLIB, FMT_RAW };

/* A growable byte string. */
struct bytes {
    unsigned char *p;
    size_t len, cap;
};

static void bytes_add(struct bytes *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    if (n > 0)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

static int fmt_wbits(enum fmt f)
{
    return f == FMT_GZIP ? 16 + MAX_WBITS : f == FMT_ZLIB ? MAX_WBITS : -MAX_WBITS;
}

/* Compress n bytes of p into a new byte string in format f. */
static struct bytes compress_fmt(const void *p, size_t n, enum fmt f)
{
    struct bytes out = {0};
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, fmt_wbits(f), 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
    unsigned char buf[4096];
    zs.next_in = (unsigned char *)p;
    zs.avail_in = (uInt)n;
    int ret;
    do {
        zs.next_out = buf;
        zs.avail_out = sizeof buf;
        ret = deflate(&zs, Z_FINISH);
        ck_assert(ret == Z_OK || ret == Z_STREAM_END);
        bytes_add(&out, buf, sizeof buf - zs.avail_out);
    } while (ret != Z_STREAM_END);
    deflateEnd(&zs);
    return out;
}

static struct bytes recompress(struct bytes in, enum fmt f)
{
    struct bytes out = compress_fmt(in.p, in.len, f);
    free(in.p);
    return out;
}

/* n bytes of compressible, non-trivial text. */
static unsigned char *sample(size_t n)
{
    unsigned char *p = malloc(n + 1);
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)("the quick brown fox jumps over the lazy dog\n"[i % 44] ^
                               (i / 1000 % 3));
    return p;
}

/* What the sink saw. */
struct sink {
    struct bytes got;
    size_t calls;
    size_t biggest;             /* largest span in one call */
    size_t fail_at_call;        /* 1-based call that fails; 0: never */
    bool keep;                  /* keep the bytes (false: count only) */
    uint64_t total;
};

static int sink_fn(void *ctx, const char *data, size_t len)
{
    struct sink *s = ctx;
    s->calls++;
    ck_assert_uint_gt(len, 0);
    if (len > s->biggest)
        s->biggest = len;
    if (s->fail_at_call && s->calls == s->fail_at_call)
        return -1;
    if (s->keep)
        bytes_add(&s->got, data, len);
    s->total += len;
    return 0;
}

static struct net_http_decoder *new_ok(const char *ce, uint64_t max, struct sink *s)
{
    struct net_http_decoder *d = NULL;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_http_decoder_new(ce, max, sink_fn, s, &d, &err);
    ck_assert_msg(st == NET_OK, "new \"%s\": %s: %s", ce, net_status_name(st), err.text);
    ck_assert_ptr_nonnull(d);
    return d;
}

/* Decode enc (fed in pieces of step bytes; 0: whole) under ce, expect the
 * plain bytes. */
static void decode_expect(const char *ce, struct bytes enc, const void *plain, size_t n,
                          size_t step)
{
    struct sink s = {.keep = true};
    struct net_http_decoder *d = new_ok(ce, 0, &s);
    struct net_err err;
    net_err_clear(&err);
    size_t off = 0;
    do {
        size_t take = step == 0 || enc.len - off < step ? enc.len - off : step;
        enum net_status st = net_http_decoder_write(d, (const char *)enc.p + off, take, &err);
        ck_assert_msg(st == NET_OK, "write at %zu: %s: %s", off, net_status_name(st), err.text);
        off += take;
    } while (off < enc.len);
    enum net_status st = net_http_decoder_finish(d, &err);
    ck_assert_msg(st == NET_OK, "finish: %s: %s", net_status_name(st), err.text);
    ck_assert_uint_eq(s.got.len, n);
    ck_assert(n == 0 || memcmp(s.got.p, plain, n) == 0);
    ck_assert_uint_eq(net_http_decoder_out(d), n);
    ck_assert_uint_le(s.biggest, NET_HTTP_DECODE_CHUNK);
    net_http_decoder_free(d);
    free(s.got.p);
}

/* Decoding enc under ce fails with want (at write or at finish) and a text
 * holding frag. */
static void decode_fails(const char *ce, struct bytes enc, enum net_status want,
                         const char *frag)
{
    struct sink s = {.keep = true};
    struct net_http_decoder *d = new_ok(ce, 0, &s);
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_http_decoder_write(d, (const char *)enc.p, enc.len, &err);
    if (st == NET_OK)
        st = net_http_decoder_finish(d, &err);
    ck_assert_msg(st == want, "got %s (%s), want %s", net_status_name(st), err.text,
                  net_status_name(want));
    ck_assert_int_eq(err.status, want);
    ck_assert_msg(strstr(err.text, frag) != NULL, "error \"%s\" lacks \"%s\"", err.text, frag);
    /* The failure sticks. */
    net_err_clear(&err);
    ck_assert_int_eq(net_http_decoder_finish(d, &err), want);
    ck_assert_int_eq(net_http_decoder_write(d, "x", 1, &err), want);
    net_http_decoder_free(d);
    free(s.got.p);
}

/* Making a decoder for ce fails with NET_E_DECODE and a text holding frag. */
static void new_fails(const char *ce, const char *frag)
{
    struct sink s = {0};
    struct net_http_decoder *d = (struct net_http_decoder *)1;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_http_decoder_new(ce, 0, sink_fn, &s, &d, &err);
    ck_assert_msg(st == NET_E_DECODE, "new \"%s\": got %s (%s)", ce, net_status_name(st),
                  err.text);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(err.status, NET_E_DECODE);
    ck_assert_msg(strstr(err.text, frag) != NULL, "error \"%s\" lacks \"%s\"", err.text, frag);
}

#define SAMPLE_LEN 300000

/* ---- formats ---- */

START_TEST(test_gzip)
{
    unsigned char *p = sample(SAMPLE_LEN);
    struct bytes enc = compress_fmt(p, SAMPLE_LEN, FMT_GZIP);
    decode_expect("gzip", enc, p, SAMPLE_LEN, 0);
    decode_expect("x-gzip", enc, p, SAMPLE_LEN, 0);
    decode_expect("GZip", enc, p, SAMPLE_LEN, 0);
    decode_expect(" \tgzip \t", enc, p, SAMPLE_LEN, 0);
    free(enc.p);
    free(p);
}
END_TEST

START_TEST(test_deflate_zlib)
{
    unsigned char *p = sample(SAMPLE_LEN);
    struct bytes enc = compress_fmt(p, SAMPLE_LEN, FMT_ZLIB);
    ck_assert_uint_eq(enc.p[0], 0x78);
    decode_expect("deflate", enc, p, SAMPLE_LEN, 0);
    free(enc.p);
    free(p);
}
END_TEST

START_TEST(test_deflate_raw)
{
    unsigned char *p = sample(SAMPLE_LEN);
    struct bytes enc = compress_fmt(p, SAMPLE_LEN, FMT_RAW);
    decode_expect("deflate", enc, p, SAMPLE_LEN, 0);
    free(enc.p);
    /* A short raw stream: the whole body is under the sniffed two bytes'
     * worth of header plus a little. */
    enc = compress_fmt("a", 1, FMT_RAW);
    decode_expect("deflate", enc, "a", 1, 1);
    free(enc.p);
    free(p);
}
END_TEST

START_TEST(test_chain_gzip_gzip)
{
    unsigned char *p = sample(SAMPLE_LEN);
    struct bytes enc = recompress(compress_fmt(p, SAMPLE_LEN, FMT_GZIP), FMT_GZIP);
    decode_expect("gzip, gzip", enc, p, SAMPLE_LEN, 0);
    decode_expect("gzip,gzip", enc, p, SAMPLE_LEN, 7);
    free(enc.p);
    free(p);
}
END_TEST

START_TEST(test_chain_order)
{
    /* "deflate, gzip": deflate applied first, gzip last; undone gzip first. */
    unsigned char *p = sample(SAMPLE_LEN);
    struct bytes enc = recompress(compress_fmt(p, SAMPLE_LEN, FMT_ZLIB), FMT_GZIP);
    decode_expect("deflate, gzip", enc, p, SAMPLE_LEN, 0);
    decode_fails("gzip, deflate", enc, NET_E_DECODE, "deflate decoding (coding 2 of 2");
    free(enc.p);
    free(p);
}
END_TEST

START_TEST(test_four_codings)
{
    unsigned char *p = sample(SAMPLE_LEN);
    struct bytes enc = compress_fmt(p, SAMPLE_LEN, FMT_GZIP);
    enc = recompress(enc, FMT_RAW);
    enc = recompress(enc, FMT_ZLIB);
    enc = recompress(enc, FMT_GZIP);
    decode_expect("gzip, deflate, deflate, gzip", enc, p, SAMPLE_LEN, 0);
    decode_expect("gzip, identity, deflate, deflate, gzip", enc, p, SAMPLE_LEN, 4096);
    free(enc.p);
    free(p);
}
END_TEST

START_TEST(test_concatenated_members)
{
    struct bytes a = compress_fmt("first member, ", 14, FMT_GZIP);
    struct bytes b = compress_fmt("second member", 13, FMT_GZIP);
    struct bytes both = {0};
    bytes_add(&both, a.p, a.len);
    bytes_add(&both, b.p, b.len);
    decode_expect("gzip", both, "first member, second member", 27, 0);
    decode_expect("gzip", both, "first member, second member", 27, 1);
    /* The second member split exactly at the member boundary. */
    decode_expect("gzip", both, "first member, second member", 27, a.len);
    free(a.p);
    free(b.p);
    free(both.p);
}
END_TEST

START_TEST(test_identity_and_empty)
{
    static const char *const lists[] = {NULL, "", "identity", " , identity ,", "IDENTITY"};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        struct sink s = {0};
        struct net_http_decoder *d = (struct net_http_decoder *)1;
        struct net_err err;
        net_err_clear(&err);
        ck_assert_int_eq(net_http_decoder_new(lists[i], 0, sink_fn, &s, &d, &err), NET_OK);
        ck_assert_ptr_null(d);
    }
    unsigned char *p = sample(1000);
    struct bytes enc = compress_fmt(p, 1000, FMT_GZIP);
    decode_expect("identity, gzip", enc, p, 1000, 0);
    decode_expect("gzip,,identity", enc, p, 1000, 0);
    free(enc.p);
    free(p);
}
END_TEST

START_TEST(test_empty_body)
{
    /* A body of no bytes labelled gzip decodes to nothing. */
    struct sink s = {0};
    struct net_http_decoder *d = new_ok("gzip", 0, &s);
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_http_decoder_write(d, "", 0, &err), NET_OK);
    ck_assert_int_eq(net_http_decoder_finish(d, &err), NET_OK);
    ck_assert_uint_eq(s.calls, 0);
    net_http_decoder_free(d);
    /* gzip of an empty file also decodes to nothing. */
    struct bytes enc = compress_fmt("", 0, FMT_GZIP);
    decode_expect("gzip", enc, "", 0, 0);
    free(enc.p);
}
END_TEST

START_TEST(test_byte_at_a_time)
{
    static const enum fmt fmts[] = {FMT_GZIP, FMT_ZLIB, FMT_RAW};
    static const char *const names[] = {"gzip", "deflate", "deflate"};
    unsigned char *p = sample(100000);
    for (size_t i = 0; i < 3; i++) {
        struct bytes enc = compress_fmt(p, 100000, fmts[i]);
        decode_expect(names[i], enc, p, 100000, 1);
        decode_expect(names[i], enc, p, 100000, 3);
        free(enc.p);
    }
    struct bytes enc = recompress(compress_fmt(p, 100000, FMT_RAW), FMT_GZIP);
    decode_expect("deflate, gzip", enc, p, 100000, 1);
    free(enc.p);
    free(p);
}
END_TEST

/* ---- caps ---- */

/* gzip of n zero bytes, compressed in a streaming loop from one small
 * buffer (the plain data never exists in memory). */
static struct bytes gzip_zeros(uint64_t n)
{
    static const unsigned char zeros[65536];
    struct bytes out = {0};
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY),
                     Z_OK);
    unsigned char buf[16384];
    uint64_t left = n;
    int ret;
    do {
        size_t take = left > sizeof zeros ? sizeof zeros : (size_t)left;
        left -= take;
        zs.next_in = (unsigned char *)zeros;
        zs.avail_in = (uInt)take;
        int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        do {
            zs.next_out = buf;
            zs.avail_out = sizeof buf;
            ret = deflate(&zs, flush);
            ck_assert(ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR);
            bytes_add(&out, buf, sizeof buf - zs.avail_out);
        } while (zs.avail_out == 0);
    } while (left > 0);
    ck_assert_int_eq(ret, Z_STREAM_END);
    deflateEnd(&zs);
    return out;
}

#define BOMB_PLAIN (64ull * 1024 * 1024)
#define BOMB_CAP (1024u * 1024)

START_TEST(test_bomb_stopped)
{
    /* 64 MiB of zeros is about 64 KiB gzipped, and gzipped again about 300
     * bytes: a 200000:1 bomb. It must stop at the cap, having handed the sink
     * no more than the cap, in spans no bigger than one chunk. */
    struct bytes enc = recompress(gzip_zeros(BOMB_PLAIN), FMT_GZIP);
    ck_assert_uint_lt(enc.len, 1024);
    struct sink s = {0};
    struct net_http_decoder *d = new_ok("gzip, gzip", BOMB_CAP, &s);
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = NET_OK;
    for (size_t off = 0; off < enc.len && st == NET_OK; off += 16) {
        size_t take = enc.len - off < 16 ? enc.len - off : 16;
        st = net_http_decoder_write(d, (const char *)enc.p + off, take, &err);
    }
    ck_assert_msg(st == NET_E_TOO_LARGE, "got %s: %s", net_status_name(st), err.text);
    ck_assert_int_eq(err.status, NET_E_TOO_LARGE);
    ck_assert_ptr_nonnull(strstr(err.text, "cap of 1048576 bytes"));
    ck_assert_uint_le(s.total, BOMB_CAP);
    ck_assert_uint_eq(net_http_decoder_out(d), s.total);
    ck_assert_uint_le(s.biggest, NET_HTTP_DECODE_CHUNK);
    ck_assert_int_eq(net_http_decoder_finish(d, &err), NET_E_TOO_LARGE);
    net_http_decoder_free(d);
    free(enc.p);
}
END_TEST

START_TEST(test_cap_boundary)
{
    /* Exactly max_out decoded bytes pass; one more fails. */
    unsigned char *p = sample(5000);
    struct bytes enc = compress_fmt(p, 5000, FMT_GZIP);
    struct sink s = {.keep = true};
    struct net_http_decoder *d = new_ok("gzip", 5000, &s);
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_http_decoder_write(d, (const char *)enc.p, enc.len, &err), NET_OK);
    ck_assert_int_eq(net_http_decoder_finish(d, &err), NET_OK);
    ck_assert_uint_eq(s.got.len, 5000);
    net_http_decoder_free(d);
    free(s.got.p);

    struct sink s2 = {.keep = true};
    d = new_ok("gzip", 4999, &s2);
    ck_assert_int_eq(net_http_decoder_write(d, (const char *)enc.p, enc.len, &err),
                     NET_E_TOO_LARGE);
    ck_assert_uint_eq(s2.calls, 0);
    net_http_decoder_free(d);
    free(enc.p);
    free(p);
}
END_TEST

START_TEST(test_br_refused)
{
    new_fails("br", "\"br\"");
    new_fails("gzip, br", "\"br\"");
    new_fails("zstd", "\"zstd\"");
    new_fails("compress", "\"compress\"");
    new_fails("gzip;q=1", "\"gzip;q=1\"");
    new_fails("x\r\ny", "\"x\\x0d\\x0ay\"");
}
END_TEST

START_TEST(test_five_codings_refused)
{
    new_fails("gzip, gzip, gzip, gzip, gzip", "more than 4 codings");
    new_fails("deflate,gzip,deflate,gzip,deflate", "more than 4 codings");
}
END_TEST

/* ---- corrupt and truncated input ---- */

START_TEST(test_corrupt)
{
    struct bytes junk = {0};
    bytes_add(&junk, "this is not gzip data at all", 28);
    decode_fails("gzip", junk, NET_E_DECODE, "incorrect header check");
    free(junk.p);

    /* A flipped byte in the CRC trailer. */
    unsigned char *p = sample(10000);
    struct bytes enc = compress_fmt(p, 10000, FMT_GZIP);
    enc.p[enc.len - 6] ^= 0x55;
    decode_fails("gzip", enc, NET_E_DECODE, "incorrect data check");
    free(enc.p);

    /* A valid zlib header followed by an invalid block type. */
    struct bytes bad = {0};
    bytes_add(&bad, "\x78\x9c\xff\xff\xff\xff", 6);
    decode_fails("deflate", bad, NET_E_DECODE, "zlib: invalid block type");
    decode_fails("deflate", bad, NET_E_DECODE, "deflate decoding (coding 1 of 1");
    free(bad.p);
    free(p);
}
END_TEST

START_TEST(test_truncated)
{
    static const enum fmt fmts[] = {FMT_GZIP, FMT_ZLIB, FMT_RAW};
    static const char *const names[] = {"gzip", "deflate", "deflate"};
    unsigned char *p = sample(50000);
    for (size_t i = 0; i < 3; i++) {
        struct bytes enc = compress_fmt(p, 50000, fmts[i]);
        size_t cuts[] = {enc.len - 1, enc.len / 2, 1};
        for (size_t c = 0; c < 3; c++) {
            struct bytes part = {enc.p, cuts[c], 0};
            decode_fails(names[i], part, NET_E_DECODE, "truncated");
        }
        free(enc.p);
    }
    /* The outer layer complete, the inner one cut. */
    struct bytes inner = compress_fmt(p, 50000, FMT_ZLIB);
    inner.len -= 3;
    struct bytes enc = recompress(inner, FMT_GZIP);
    decode_fails("deflate, gzip", enc, NET_E_DECODE, "deflate decoding (coding 1 of 2");
    decode_fails("deflate, gzip", enc, NET_E_DECODE, "truncated");
    free(enc.p);
    free(p);
}
END_TEST

START_TEST(test_trailing_garbage)
{
    struct bytes enc = compress_fmt("hello", 5, FMT_ZLIB);
    bytes_add(&enc, "xx", 2);
    decode_fails("deflate", enc, NET_E_DECODE, "data after the end");
    free(enc.p);
    enc = compress_fmt("hello", 5, FMT_RAW);
    bytes_add(&enc, "x", 1);
    decode_fails("deflate", enc, NET_E_DECODE, "data after the end");
    free(enc.p);

    /* The garbage in a later write. */
    enc = compress_fmt("hello", 5, FMT_ZLIB);
    struct sink s = {.keep = true};
    struct net_http_decoder *d = new_ok("deflate", 0, &s);
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_http_decoder_write(d, (const char *)enc.p, enc.len, &err), NET_OK);
    ck_assert_int_eq(net_http_decoder_write(d, "!", 1, &err), NET_E_DECODE);
    ck_assert_ptr_nonnull(strstr(err.text, "data after the end"));
    net_http_decoder_free(d);
    free(s.got.p);
    free(enc.p);

    /* After a gzip member, what follows must be another member. */
    enc = compress_fmt("hello", 5, FMT_GZIP);
    bytes_add(&enc, "garbage!", 8);
    decode_fails("gzip", enc, NET_E_DECODE, "incorrect header check");
    free(enc.p);
}
END_TEST

START_TEST(test_sink_failure)
{
    unsigned char *p = sample(SAMPLE_LEN);
    struct bytes enc = compress_fmt(p, SAMPLE_LEN, FMT_GZIP);
    struct sink s = {.fail_at_call = 2};
    struct net_http_decoder *d = new_ok("gzip", 0, &s);
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_http_decoder_write(d, (const char *)enc.p, enc.len, &err),
                     NET_E_LOCAL_IO);
    ck_assert_int_eq(err.status, NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "sink failed"));
    ck_assert_uint_eq(s.calls, 2);
    ck_assert_uint_eq(net_http_decoder_out(d), NET_HTTP_DECODE_CHUNK);
    /* No more calls to the sink after a failure. */
    ck_assert_int_eq(net_http_decoder_write(d, "x", 1, &err), NET_E_LOCAL_IO);
    ck_assert_int_eq(net_http_decoder_finish(d, &err), NET_E_LOCAL_IO);
    ck_assert_uint_eq(s.calls, 2);
    net_http_decoder_free(d);
    free(enc.p);
    free(p);
}
END_TEST

START_TEST(test_usage)
{
    struct net_http_decoder *d = NULL;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_http_decoder_new("gzip", 0, NULL, NULL, &d, &err), NET_E_USAGE);
    ck_assert_int_eq(net_http_decoder_new("gzip", 0, sink_fn, NULL, NULL, &err), NET_E_USAGE);
    ck_assert_int_eq(net_http_decoder_write(NULL, "x", 1, &err), NET_E_USAGE);
    ck_assert_int_eq(net_http_decoder_finish(NULL, &err), NET_E_USAGE);
    ck_assert_uint_eq(net_http_decoder_out(NULL), 0);
    net_http_decoder_free(NULL);
}
END_TEST

static Suite *decode_suite(void)
{
    Suite *s = suite_create("http_decode");
    TCase *tc = tcase_create("formats");
    tcase_add_test(tc, test_gzip);
    tcase_add_test(tc, test_deflate_zlib);
    tcase_add_test(tc, test_deflate_raw);
    tcase_add_test(tc, test_chain_gzip_gzip);
    tcase_add_test(tc, test_chain_order);
    tcase_add_test(tc, test_four_codings);
    tcase_add_test(tc, test_concatenated_members);
    tcase_add_test(tc, test_identity_and_empty);
    tcase_add_test(tc, test_empty_body);
    tcase_add_test(tc, test_byte_at_a_time);
    suite_add_tcase(s, tc);

    tc = tcase_create("caps");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bomb_stopped);
    tcase_add_test(tc, test_cap_boundary);
    tcase_add_test(tc, test_br_refused);
    tcase_add_test(tc, test_five_codings_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_test(tc, test_corrupt);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_trailing_garbage);
    tcase_add_test(tc, test_sink_failure);
    tcase_add_test(tc, test_usage);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(decode_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
