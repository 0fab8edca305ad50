/*
 * decode.c - HTTP content decoding (gzip, deflate) through zlib.
 *
 * A decoder is a short chain of stages, one per coding, in the order they
 * are undone: the last coding named in Content-Encoding is stage 0, fed with
 * the bytes as received; each stage inflates into its own output buffer of
 * NET_HTTP_DECODE_CHUNK bytes and hands every filled span to the next stage,
 * the last one to the caller's sink. Nothing holds the body: memory is the
 * zlib state and one buffer per stage.
 *
 * A "deflate" stage does not know its format until it has seen two bytes: a
 * valid RFC 1950 header means zlib, anything else raw RFC 1951 deflate (as
 * browsers and curl accept). A "gzip" stage takes several members in a row.
 */
#include "protocols/http/decode.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

/* Longest coding name quoted in an error: enough to recognise it, short
 * enough that a hostile header cannot fill the error record. */
#define DECODE_ECHO_MAX 32
/* Bytes a deflate stage looks at to tell a zlib header from raw deflate. */
#define DECODE_SNIFF_LEN 2

enum coding {
    CODING_GZIP,        /* RFC 1952 members */
    CODING_DEFLATE,     /* RFC 1950, or raw RFC 1951 */
    CODING_COUNT
};

static const char *const coding_names[CODING_COUNT] = {
    [CODING_GZIP] = "gzip",
    [CODING_DEFLATE] = "deflate",
};

/* The life of one stage. */
enum stage_state {
    STAGE_IDLE,         /* no input yet */
    STAGE_SNIFF,        /* deflate: holding the first byte of the header */
    STAGE_INFLATE,      /* inside a stream (or a gzip member) */
    STAGE_END,          /* the stream (or the last member so far) ended */
    STAGE_STATE_COUNT
};

static const char *const stage_state_names[STAGE_STATE_COUNT] = {
    [STAGE_IDLE] = "idle",
    [STAGE_SNIFF] = "sniff",
    [STAGE_INFLATE] = "inflate",
    [STAGE_END] = "end",
};

struct stage {
    enum coding coding;
    enum stage_state state;
    z_stream zs;
    bool zinit;                 /* inflateInit2 done: inflateEnd owed */
    unsigned char sniff[DECODE_SNIFF_LEN];
    size_t sniff_len;
    unsigned char *buf;         /* NET_HTTP_DECODE_CHUNK bytes of output */
};

struct net_http_decoder {
    struct stage stages[NET_HTTP_CODINGS_MAX];
    size_t n;                   /* stages in use */
    uint64_t max_out;
    uint64_t out;               /* bytes passed to the sink */
    net_sink_fn sink;
    void *sink_ctx;
    enum net_status failed;     /* sticky: NET_OK until the first failure */
};

/* ---- errors ---- */

/* "gzip decoding (coding 1 of 2, state inflate)": where a failure happened. */
static void stage_where(const struct net_http_decoder *d, const struct stage *s,
                        char *buf, size_t size)
{
    size_t idx = (size_t)(s - d->stages);
    snprintf(buf, size, "%s decoding (coding %zu of %zu, state %s)",
             coding_names[s->coding], d->n - idx, d->n, stage_state_names[s->state]);
}

/* Fail d with st: the text says where, then what. */
static enum net_status stage_fail(struct net_http_decoder *d, const struct stage *s,
                                  enum net_status st, const char *what,
                                  struct net_err *err)
{
    char where[NET_ERR_TEXT_MAX];
    stage_where(d, s, where, sizeof where);
    d->failed = st;
    return net_err_set(err, st, "%s: %s", where, what);
}

/* Fail d with zlib's own message for ret. */
static enum net_status zlib_fail(struct net_http_decoder *d, const struct stage *s,
                                 int ret, struct net_err *err)
{
    char what[NET_ERR_TEXT_MAX];
    const char *msg = s->zs.msg ? s->zs.msg : zError(ret);
    snprintf(what, sizeof what, "corrupt data (zlib: %s)", msg ? msg : "unknown error");
    return stage_fail(d, s, NET_E_DECODE, what, err);
}

/* ---- parsing Content-Encoding ---- */

static bool token_is(const char *p, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

/* Append the coding named by the n bytes at p to list; "identity" adds
 * nothing. */
static enum net_status add_coding(const char *p, size_t n, enum coding *list, size_t *count,
                                  struct net_err *err)
{
    enum coding c;
    if (token_is(p, n, "identity"))
        return NET_OK;
    if (token_is(p, n, "gzip") || token_is(p, n, "x-gzip")) {
        c = CODING_GZIP;
    } else if (token_is(p, n, "deflate")) {
        c = CODING_DEFLATE;
    } else {
        net_err_set(err, NET_E_DECODE, "Content-Encoding: unsupported coding ");
        net_err_append_quoted(err, p, n > DECODE_ECHO_MAX ? DECODE_ECHO_MAX : n);
        net_err_append(err, "%s (gzip, x-gzip, deflate and identity are known)",
                       n > DECODE_ECHO_MAX ? "..." : "");
        return NET_E_DECODE;
    }
    if (*count == NET_HTTP_CODINGS_MAX)
        return net_err_set(err, NET_E_DECODE, "Content-Encoding: more than %d codings"
                           " chained (a decompression bomb?)", NET_HTTP_CODINGS_MAX);
    list[(*count)++] = c;
    return NET_OK;
}

/* Split the comma-separated list ce into codings (OWS trimmed, empty
 * elements skipped, as RFC 9110 section 5.6.1 allows). */
static enum net_status parse_codings(const char *ce, enum coding *list, size_t *count,
                                     struct net_err *err)
{
    const char *p = ce ? ce : "";
    *count = 0;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        const char *b = p, *e = p + len;
        while (b < e && (*b == ' ' || *b == '\t'))
            b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > b) {
            enum net_status st = add_coding(b, (size_t)(e - b), list, count, err);
            if (st != NET_OK)
                return st;
        }
        p += len + (p[len] == ',');
    }
    return NET_OK;
}

/* ---- creation ---- */

/* Start zlib on s with windowBits wbits. */
static enum net_status stage_zinit(struct net_http_decoder *d, struct stage *s, int wbits,
                                   struct net_err *err)
{
    memset(&s->zs, 0, sizeof s->zs);
    int ret = inflateInit2(&s->zs, wbits);
    if (ret == Z_MEM_ERROR)
        return stage_fail(d, s, NET_E_NOMEM, "out of memory starting zlib", err);
    if (ret != Z_OK)
        return zlib_fail(d, s, ret, err);
    s->zinit = true;
    return NET_OK;
}

enum net_status net_http_decoder_new(const char *content_encoding,
                                     uint64_t max_out, net_sink_fn sink,
                                     void *sink_ctx,
                                     struct net_http_decoder **out,
                                     struct net_err *err)
{
    if (out == NULL || sink == NULL)
        return net_err_set(err, NET_E_USAGE, "content decoder: no sink or output");
    *out = NULL;
    struct net_http_decoder *d = calloc(1, sizeof *d);
    if (d == NULL)
        return net_err_set(err, NET_E_NOMEM, "content decoder: out of memory");
    enum coding list[NET_HTTP_CODINGS_MAX];
    size_t count = 0;
    enum net_status st = parse_codings(content_encoding, list, &count, err);
    if (st != NET_OK || count == 0) {
        free(d);
        return st;
    }
    d->max_out = max_out ? max_out : NET_HTTP_DECODED_MAX;
    d->sink = sink;
    d->sink_ctx = sink_ctx;
    for (size_t i = 0; i < count && st == NET_OK; i++) {
        struct stage *s = &d->stages[i];
        s->coding = list[count - 1 - i];
        d->n = i + 1;
        if ((s->buf = malloc(NET_HTTP_DECODE_CHUNK)) == NULL)
            st = net_err_set(err, NET_E_NOMEM, "content decoder: out of memory");
        else if (s->coding == CODING_GZIP)
            st = stage_zinit(d, s, 16 + MAX_WBITS, err);
    }
    if (st != NET_OK) {
        net_http_decoder_free(d);
        return st;
    }
    *out = d;
    return NET_OK;
}

void net_http_decoder_free(struct net_http_decoder *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++) {
        if (d->stages[i].zinit)
            inflateEnd(&d->stages[i].zs);
        free(d->stages[i].buf);
    }
    free(d);
}

uint64_t net_http_decoder_out(const struct net_http_decoder *d)
{
    return d ? d->out : 0;
}

/* ---- the pipeline ---- */

static enum net_status stage_feed(struct net_http_decoder *d, size_t idx,
                                  const unsigned char *p, size_t n, struct net_err *err);

/* Pass n decoded bytes from stage idx onward: to the next stage, or (from
 * the last) to the sink, after checking the cap on decoded output. */
static enum net_status emit(struct net_http_decoder *d, size_t idx, const unsigned char *p,
                            size_t n, struct net_err *err)
{
    if (n == 0)
        return NET_OK;
    if (idx + 1 < d->n)
        return stage_feed(d, idx + 1, p, n, err);
    if (n > d->max_out - d->out) {
        d->failed = NET_E_TOO_LARGE;
        return net_err_set(err, NET_E_TOO_LARGE, "decoded body over the cap of %llu bytes"
                           " (a decompression bomb?)", (unsigned long long)d->max_out);
    }
    if (d->sink(d->sink_ctx, (const char *)p, n) != 0) {
        d->failed = NET_E_LOCAL_IO;
        return net_err_set(err, NET_E_LOCAL_IO, "writing the decoded body: the sink failed"
                           " after %llu bytes", (unsigned long long)d->out);
    }
    d->out += n;
    return NET_OK;
}

/* Is b0 b1 a valid zlib (RFC 1950) header: method 8, window <= 32 KiB, and
 * the check bits right? */
static bool is_zlib_header(unsigned char b0, unsigned char b1)
{
    return (b0 & 0x0f) == Z_DEFLATED && (b0 >> 4) <= 7 && ((unsigned)b0 * 256 + b1) % 31 == 0;
}

/* Run inflate on s over all its pending input, emitting every span. On the
 * end of a stream: a gzip stage starts the next member if input remains;
 * any other stage refuses what follows. */
static enum net_status stage_run(struct net_http_decoder *d, size_t idx, struct net_err *err)
{
    struct stage *s = &d->stages[idx];
    for (;;) {
        s->zs.next_out = s->buf;
        s->zs.avail_out = NET_HTTP_DECODE_CHUNK;
        int ret = inflate(&s->zs, Z_NO_FLUSH);
        if (ret == Z_MEM_ERROR)
            return stage_fail(d, s, NET_E_NOMEM, "out of memory in zlib", err);
        if (ret == Z_NEED_DICT)
            return stage_fail(d, s, NET_E_DECODE, "corrupt data (zlib: stream needs a"
                              " preset dictionary)", err);
        if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
            return zlib_fail(d, s, ret, err);
        enum net_status st = emit(d, idx, s->buf, NET_HTTP_DECODE_CHUNK - s->zs.avail_out, err);
        if (st != NET_OK)
            return st;
        if (ret == Z_STREAM_END) {
            s->state = STAGE_END;
            if (s->zs.avail_in == 0)
                return NET_OK;
            if (s->coding != CODING_GZIP)
                return stage_fail(d, s, NET_E_DECODE, "data after the end of the"
                                  " compressed stream", err);
            inflateReset(&s->zs);
            s->state = STAGE_INFLATE;
            continue;
        }
        if (ret == Z_BUF_ERROR || (s->zs.avail_in == 0 && s->zs.avail_out != 0))
            return NET_OK;
    }
}

/* A deflate stage's first bytes: gather DECODE_SNIFF_LEN of them, choose
 * zlib or raw deflate, and feed what was gathered. *used gets how many of
 * p's n bytes were taken. */
static enum net_status stage_sniff(struct net_http_decoder *d, size_t idx,
                                   const unsigned char *p, size_t n, size_t *used,
                                   struct net_err *err)
{
    struct stage *s = &d->stages[idx];
    *used = 0;
    while (s->sniff_len < DECODE_SNIFF_LEN && *used < n)
        s->sniff[s->sniff_len++] = p[(*used)++];
    s->state = STAGE_SNIFF;
    if (s->sniff_len < DECODE_SNIFF_LEN)
        return NET_OK;
    bool zlib = is_zlib_header(s->sniff[0], s->sniff[1]);
    enum net_status st = stage_zinit(d, s, zlib ? MAX_WBITS : -MAX_WBITS, err);
    if (st != NET_OK)
        return st;
    s->state = STAGE_INFLATE;
    s->zs.next_in = s->sniff;
    s->zs.avail_in = DECODE_SNIFF_LEN;
    return stage_run(d, idx, err);
}

/* Give n encoded bytes to stage idx. */
static enum net_status stage_feed(struct net_http_decoder *d, size_t idx,
                                  const unsigned char *p, size_t n, struct net_err *err)
{
    struct stage *s = &d->stages[idx];
    if (n == 0)
        return NET_OK;
    if (s->coding == CODING_DEFLATE && s->state <= STAGE_SNIFF) {
        size_t used = 0;
        enum net_status st = stage_sniff(d, idx, p, n, &used, err);
        if (st != NET_OK || used == n)
            return st;
        p += used;
        n -= used;
    }
    if (s->state == STAGE_END) {
        if (s->coding != CODING_GZIP)
            return stage_fail(d, s, NET_E_DECODE, "data after the end of the"
                              " compressed stream", err);
        inflateReset(&s->zs);
    }
    s->state = STAGE_INFLATE;
    /* zlib's avail_in is a uInt: feed a huge span in pieces. */
    while (n > 0) {
        size_t take = n > (size_t)UINT32_MAX ? (size_t)UINT32_MAX : n;
        s->zs.next_in = (unsigned char *)p;
        s->zs.avail_in = (uInt)take;
        enum net_status st = stage_run(d, idx, err);
        if (st != NET_OK)
            return st;
        p += take;
        n -= take;
    }
    return NET_OK;
}

enum net_status net_http_decoder_write(struct net_http_decoder *d,
                                       const char *p, size_t n,
                                       struct net_err *err)
{
    if (d == NULL || (p == NULL && n > 0))
        return net_err_set(err, NET_E_USAGE, "content decoder: no decoder or input");
    if (d->failed != NET_OK)
        return net_err_set(err, d->failed, "content decoder: used after a failure");
    return stage_feed(d, 0, (const unsigned char *)p, n, err);
}

enum net_status net_http_decoder_finish(struct net_http_decoder *d,
                                        struct net_err *err)
{
    if (d == NULL)
        return net_err_set(err, NET_E_USAGE, "content decoder: no decoder");
    if (d->failed != NET_OK)
        return net_err_set(err, d->failed, "content decoder: used after a failure");
    /* A stage that never saw a byte decodes an empty body to nothing (servers
     * label empty bodies gzip); one that started must have reached its end. */
    for (size_t i = 0; i < d->n; i++) {
        struct stage *s = &d->stages[i];
        if (s->state == STAGE_SNIFF || s->state == STAGE_INFLATE)
            return stage_fail(d, s, NET_E_DECODE, "truncated: the body ended inside the"
                              " compressed stream", err);
    }
    return NET_OK;
}
