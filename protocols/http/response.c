/* response.c - reading responses: heads (zero copy, interim 1xx), the
 * final response's checks (fail, range, caps), and the body through the
 * sink chain count -> decoder -> cap -> on_body. */
#include "protocols/http/client_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest Content-Encoding value we copy to start a decoder: a list of
 * NET_HTTP_CODINGS_MAX names is far shorter. */
#define HTTP_CODINGS_TEXT_MAX 256

/* ---- heads ---- */

enum net_status http_read_one_head(struct net_conn *c, struct net_http_head *head,
                                   size_t *len, struct net_err *err)
{
    size_t scan = 0;
    for (;;) {
        size_t n;
        const char *p = net_conn_data(c, &n);
        if (n > 0) {
            ssize_t r = net_http_parse_head(p, n, &scan, head, err);
            if (r >= 0) {
                *len = (size_t)r;
                return NET_OK;
            }
            if (r != NET_HTTP_NEED_MORE) {
                net_conn_fail(c, err->status, "%s", err->text);
                net_err_append(err, " (from %s)", net_conn_peer(c));
                return err->status;
            }
        }
        enum net_status st = net_conn_fill(c);
        if (st == NET_E_CLOSED)
            return net_err_set(err, st, "%s closed the connection %s", net_conn_peer(c),
                               n ? "in the middle of a response head"
                                 : "before sending a response");
        if (st != NET_OK) {
            *err = *net_conn_err(c);
            return st;
        }
    }
}

/* "HTTP/1.1 404 Not Found": control bytes of the reason shown as \xNN. */
void http_err_status_line(struct net_err *err, const struct net_http_head *h)
{
    net_err_append(err, "HTTP/1.%d %d", h->version_minor, h->status);
    if (h->reason.len > 0)
        net_err_append(err, " ");
    for (size_t i = 0; i < h->reason.len; i++) {
        unsigned char ch = (unsigned char)h->reason.p[i];
        if (ch >= 0x20 && ch < 0x7f && ch != '\\')
            net_err_append(err, "%c", ch);
        else
            net_err_append(err, "\\x%02x", ch);
    }
}

enum net_status http_show_head(struct http_xfer *x, size_t len, bool interim, bool final)
{
    if (x->cb == NULL || x->cb->on_head == NULL)
        return NET_OK;
    size_t n;
    const char *raw = net_conn_data(x->link.c, &n);
    struct net_http_response r = {
        .head = &x->head, .raw = raw, .raw_len = len, .url = x->url_text,
        .interim = interim, .final = final,
    };
    if (x->cb->on_head(x->cb->ctx, &r) != 0)
        return net_err_set(x->err, NET_E_LOCAL_IO, "the receiver of the response head from "
                           "%s stopped the transfer", x->url_text);
    return NET_OK;
}

enum net_status http_interim(struct http_xfer *x, size_t len)
{
    const struct net_http_head *h = &x->head;
    if (h->status == 101) {
        net_err_set(x->err, NET_E_PROTOCOL, "unexpected ");
        http_err_status_line(x->err, h);
        net_err_append(x->err, " from %s (no upgrade was asked for)", x->url_text);
        return x->err->status;
    }
    if (++x->interim > NET_HTTP_INTERIM_MAX)
        return net_err_set(x->err, NET_E_PROTOCOL, "endless 1xx responses from %s (more "
                           "than %d)", x->url_text, NET_HTTP_INTERIM_MAX);
    enum net_status st = http_show_head(x, len, true, false);
    if (st != NET_OK)
        return st;
    x->res->head_bytes += len;
    net_conn_consume(x->link.c, len);
    return NET_OK;
}

enum net_status http_read_final_head(struct http_xfer *x, size_t *len)
{
    for (;;) {
        enum net_status st = http_read_one_head(x->link.c, &x->head, len, x->err);
        if (st != NET_OK)
            return st;
        if (x->head.status >= 200) {
            x->res->time_starttransfer = net_now() - x->t0;
            return NET_OK;
        }
        if ((st = http_interim(x, *len)) != NET_OK)
            return st;
    }
}

/* ---- the sink chain ---- */

/* After decoding: the cap, then the caller. */
static int cap_sink(void *ctx, const char *p, size_t n)
{
    struct http_sink *s = ctx;
    if (s->cap > 0 && n > s->cap - s->delivered) {
        net_err_set(&s->err, NET_E_TOO_LARGE, "the body is over the limit of %" PRIu64
                    " bytes", s->cap);
        return -1;
    }
    s->delivered += n;
    s->res->decoded_bytes += n;
    if (s->on_body != NULL && s->on_body(s->ctx, p, n) != 0) {
        net_err_set(&s->err, NET_E_LOCAL_IO, "the receiver of the body failed");
        return -1;
    }
    return 0;
}

/* Bytes as received: counted, then decoded or capped. */
static int raw_sink(void *ctx, const char *p, size_t n)
{
    struct http_sink *s = ctx;
    s->raw += n;
    if (s->drain) {
        if (s->raw > s->drain_cap) {
            net_err_set(&s->err, NET_E_TOO_LARGE, "discarded body over %" PRIu64 " bytes",
                        s->drain_cap);
            return -1;
        }
        return 0;
    }
    s->res->body_bytes += n;
    if (s->dec == NULL)
        return cap_sink(s, p, n);
    struct net_err e;
    if (net_http_decoder_write(s->dec, p, n, &e) != NET_OK) {
        if (s->err.status == NET_OK)
            s->err = e;
        return -1;
    }
    return 0;
}

/* Why reading the body failed, in words for the caller. */
static enum net_status body_fail(struct net_conn *c, struct http_sink *s, enum net_status st,
                                 const struct net_http_framing *fr, const char *url,
                                 struct net_err *err)
{
    if (st == NET_E_LOCAL_IO && s->err.status != NET_OK) {
        *err = s->err;
        net_err_append(err, " (%s)", url);
        return err->status;
    }
    if (st == NET_E_CLOSED && fr->kind == NET_HTTP_BODY_LENGTH)
        return net_err_set(err, st, "partial transfer: got %" PRIu64 " of %" PRIu64
                           " bytes from %s (the connection closed)", s->raw, fr->length, url);
    if (st == NET_E_CLOSED)
        return net_err_set(err, st, "partial transfer: the connection closed inside chunk "
                           "framing after %" PRIu64 " bytes from %s", s->raw, url);
    *err = *net_conn_err(c);
    if (err->status == NET_OK)
        net_err_set(err, st, "%s", net_status_str(st));
    /* A reset or timeout mid-body is a partial transfer too: say how much. */
    if (fr->kind == NET_HTTP_BODY_LENGTH)
        net_err_append(err, " (partial transfer: got %" PRIu64 " of %" PRIu64 " bytes from %s)",
                       s->raw, fr->length, url);
    else
        net_err_append(err, " (partial transfer: got %" PRIu64 " bytes from %s)", s->raw, url);
    return st;
}

static enum net_status read_chunked(struct net_conn *c, struct http_sink *s,
                                    const struct net_http_framing *fr, const char *url,
                                    bool *complete, struct net_err *err)
{
    struct net_http_chunked ck;
    net_http_chunked_init(&ck);
    for (;;) {
        size_t n;
        const char *p = net_conn_data(c, &n);
        while (n > 0) {
            size_t used = 0, dl = 0;
            const char *d = NULL;
            enum net_status st = net_http_chunked_step(&ck, p, n, &used, &d, &dl, err);
            if (st != NET_OK) {
                net_conn_fail(c, st, "%s", err->text);
                net_err_append(err, " (chunked body from %s)", url);
                return st;
            }
            if (dl > 0 && raw_sink(s, d, dl) != 0) {
                net_conn_consume(c, used);
                net_conn_fail(c, NET_E_LOCAL_IO, "%s", s->err.text);
                return body_fail(c, s, NET_E_LOCAL_IO, fr, url, err);
            }
            net_conn_consume(c, used);
            if (ck.state == NET_HTTP_CHUNK_DONE) {
                *complete = true;
                return NET_OK;
            }
            if (used == 0)
                break;
            p += used;
            n -= used;
        }
        enum net_status st = net_conn_fill(c);
        if (st != NET_OK)
            return body_fail(c, s, st, fr, url, err);
    }
}

enum net_status http_read_body(struct net_conn *c, const struct net_http_framing *fr,
                               struct http_sink *s, const char *url, bool *complete,
                               struct net_err *err)
{
    *complete = false;
    enum net_status st = NET_OK;
    switch (fr->kind) {
    case NET_HTTP_BODY_NONE:
        *complete = true;
        return NET_OK;
    case NET_HTTP_BODY_LENGTH:
        if (s->drain && fr->length > s->drain_cap)
            return NET_OK;
        st = net_conn_stream(c, fr->length, raw_sink, s);
        break;
    case NET_HTTP_BODY_CHUNKED:
        st = read_chunked(c, s, fr, url, complete, err);
        if (st != NET_OK && s->drain && s->err.status != NET_OK)
            return NET_OK;      /* too big to drain: the caller closes */
        return st;
    case NET_HTTP_BODY_CLOSE:
        if (s->drain)
            return NET_OK;
        st = net_conn_stream(c, NET_CONN_TO_EOF, raw_sink, s);
        break;
    }
    if (st == NET_OK) {
        *complete = true;
        return NET_OK;
    }
    if (s->drain && s->err.status != NET_OK)
        return NET_OK;
    return body_fail(c, s, st, fr, url, err);
}

/* ---- the final response ---- */

static void sink_init(struct http_sink *s, struct http_xfer *x, bool drain)
{
    memset(s, 0, sizeof *s);
    s->res = x->res;
    s->cap = x->cl->o.max_body;
    s->on_body = x->cb ? x->cb->on_body : NULL;
    s->ctx = x->cb ? x->cb->ctx : NULL;
    s->drain = drain;
    s->drain_cap = HTTP_DRAIN_MAX;
}

/* Consume the head and read a body nobody will see, to keep the connection
 * when it is small; *reusable says whether that worked. */
static void discard(struct http_xfer *x, const struct net_http_framing *fr, size_t head_len,
                    bool *reusable)
{
    struct http_sink s;
    struct net_err e;
    bool complete = false;
    sink_init(&s, x, true);
    net_conn_consume(x->link.c, head_len);
    if (http_read_body(x->link.c, fr, &s, x->url_text, &complete, &e) != NET_OK)
        complete = false;
    *reusable = complete && fr->keep_alive;
}

/* Parse "bytes N-M/T" (T may be "*"): is it a range starting at start? */
static bool content_range_ok(const struct net_http_field *f, uint64_t start)
{
    const char *p = f->value.p, *end = p + f->value.len;
    if (f->value.len < 6 || strncasecmp(p, "bytes ", 6) != 0)
        return false;
    p += 6;
    uint64_t first = 0, last = 0;
    const char *q = p;
    while (q < end && *q >= '0' && *q <= '9')
        q++;
    if (q == p || q == end || *q != '-' || !net_http_parse_length(p, (size_t)(q - p), &first))
        return false;
    p = ++q;
    while (q < end && *q >= '0' && *q <= '9')
        q++;
    if (q == p || q == end || *q != '/' || !net_http_parse_length(p, (size_t)(q - p), &last))
        return false;
    return first == start && last >= first;
}

/* The checks a resumed download needs before its body. */
static enum net_status check_range(struct http_xfer *x)
{
    const struct net_http_head *h = &x->head;
    uint64_t start = x->req->range_start;
    if (h->status == 200)
        return net_err_set(x->err, NET_E_RANGE_IGNORED, "the server ignored the range "
                           "(bytes=%" PRIu64 "-) and sent the whole body (200) for %s",
                           start, x->url_text);
    if (h->status != 206)
        return NET_OK;
    const struct net_http_field *f = net_http_head_find(h, "Content-Range");
    if (f == NULL || !content_range_ok(f, start)) {
        net_err_set(x->err, NET_E_PROTOCOL, "a 206 from %s without a Content-Range starting "
                    "at byte %" PRIu64 ": ", x->url_text, start);
        if (f != NULL)
            net_err_append_quoted(x->err, f->value.p, f->value.len);
        else
            net_err_append(x->err, "none");
        return NET_E_PROTOCOL;
    }
    return NET_OK;
}

/* A decoder for the Content-Encoding of the head, or none. */
static enum net_status make_decoder(struct http_xfer *x, const struct net_http_framing *fr,
                                    struct http_sink *s)
{
    if (!x->cl->o.decompress || fr->kind == NET_HTTP_BODY_NONE)
        return NET_OK;
    const struct net_http_field *f = net_http_head_find(&x->head, "Content-Encoding");
    if (f == NULL)
        return NET_OK;
    char codings[HTTP_CODINGS_TEXT_MAX];
    if (f->value.len >= sizeof codings) {
        net_err_set(x->err, NET_E_DECODE, "Content-Encoding from %s too long: ", x->url_text);
        net_err_append_quoted(x->err, f->value.p, 64);
        return NET_E_DECODE;
    }
    memcpy(codings, f->value.p, f->value.len);
    codings[f->value.len] = '\0';
    enum net_status st = net_http_decoder_new(codings, x->cl->o.max_body, cap_sink, s, &s->dec,
                                              x->err);
    if (st != NET_OK)
        net_err_append(x->err, " (%s)", x->url_text);
    return st;
}

/* The body of the final response, to on_body. */
static enum net_status deliver(struct http_xfer *x, const struct net_http_framing *fr,
                               size_t head_len, bool *reusable)
{
    struct http_sink s;
    sink_init(&s, x, false);
    if (s.cap > 0 && fr->kind == NET_HTTP_BODY_LENGTH && fr->length > s.cap &&
        !(x->cl->o.decompress && net_http_head_find(&x->head, "Content-Encoding"))) {
        net_err_set(x->err, NET_E_TOO_LARGE, "the body from %s is %" PRIu64 " bytes, over "
                    "the limit of %" PRIu64, x->url_text, fr->length, s.cap);
        discard(x, fr, head_len, reusable);
        return NET_E_TOO_LARGE;
    }
    enum net_status st = make_decoder(x, fr, &s);
    if (st != NET_OK)
        return st;
    net_conn_consume(x->link.c, head_len);
    bool complete = false;
    st = http_read_body(x->link.c, fr, &s, x->url_text, &complete, x->err);
    if (st == NET_OK && s.dec != NULL && (st = net_http_decoder_finish(s.dec, x->err)) != NET_OK)
        net_err_append(x->err, " (%s)", x->url_text);
    net_http_decoder_free(s.dec);
    *reusable = st == NET_OK && complete && fr->keep_alive;
    return st;
}

enum net_status http_handle_response(struct http_xfer *x, size_t head_len,
                                     char **redirect_to, bool *reusable)
{
    const struct net_http_head *h = &x->head;
    struct net_http_framing fr;
    *reusable = false;
    *redirect_to = NULL;
    enum net_status st = net_http_framing(h, x->method, &fr, x->err);
    if (st != NET_OK) {
        net_err_append(x->err, " (from %s)", x->url_text);
        return st;
    }
    x->res->head_bytes += head_len;
    x->res->status = h->status;
    const struct net_http_field *loc = NULL;
    if (x->follow && http_is_redirect(h->status))
        loc = net_http_head_find(h, "Location");
    if (loc != NULL) {
        if ((*redirect_to = strndup(loc->value.p, loc->value.len)) == NULL)
            return net_err_set(x->err, NET_E_NOMEM, "out of memory for a redirect");
        if ((st = http_show_head(x, head_len, false, false)) != NET_OK)
            return st;
        discard(x, &fr, head_len, reusable);
        return NET_OK;
    }
    bool resume = x->req->range_start > 0;
    x->res->range_unsatisfied = resume && h->status == 416;
    if ((st = http_show_head(x, head_len, false, true)) != NET_OK)
        return st;
    if (x->cl->o.fail_on_error && h->status >= 400) {
        net_err_set(x->err, NET_E_HTTP_STATUS, "%s", "");
        http_err_status_line(x->err, h);
        net_err_append(x->err, " from %s", x->url_text);
        discard(x, &fr, head_len, reusable);
        return NET_E_HTTP_STATUS;
    }
    if (resume && (st = check_range(x)) != NET_OK) {
        discard(x, &fr, head_len, reusable);
        return st;
    }
    if (x->res->range_unsatisfied) {
        discard(x, &fr, head_len, reusable);
        return NET_OK;
    }
    return deliver(x, &fr, head_len, reusable);
}
