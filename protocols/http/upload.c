/* upload.c - the request body: from memory, a descriptor or a callback,
 * with Content-Length or chunked framing, "Expect: 100-continue", and
 * rewinding for redirects and retries. */
#include "protocols/http/client_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* A chunk-size line: up to 16 hex digits and CR LF. */
#define CHUNK_LINE_MAX 20

int64_t http_body_size(const struct http_xfer *x)
{
    const struct net_http_body *b = &x->req->body;
    if (b->src == NET_HTTP_SRC_NONE)
        return 0;
    return b->size < 0 ? -1 : b->size;
}

bool http_wants_expect(const struct http_xfer *x)
{
    if (!x->send_body)
        return false;
    /* The caller's own Expect field decides (NULL removes it: no wait). */
    for (size_t i = 0; i < x->req->nheaders; i++) {
        const struct net_http_header *h = &x->req->headers[i];
        if (strcasecmp(h->name, "Expect") == 0)
            return h->value != NULL && strcasecmp(h->value, "100-continue") == 0;
    }
    int64_t size = http_body_size(x);
    uint64_t min = x->cl->o.expect_100_min ? x->cl->o.expect_100_min
                                           : NET_HTTP_EXPECT_MIN_DEFAULT;
    return size == -1 || (size > 0 && (uint64_t)size >= min);
}

/* ---- the source ---- */

/* Read up to cap bytes of body: the count, 0 at its end, -1 with x->err set. */
static ssize_t source_read(struct http_xfer *x, char *buf, size_t cap)
{
    const struct net_http_body *b = &x->req->body;
    if (b->src == NET_HTTP_SRC_FD) {
        if (x->fd_seekable < 0) {
            x->fd_start = lseek(b->fd, 0, SEEK_CUR);
            x->fd_seekable = x->fd_start >= 0;
        }
        x->body_used = true;
        for (;;) {
            ssize_t r = read(b->fd, buf, cap);
            if (r >= 0)
                return r;
            if (errno != EINTR) {
                net_err_set(x->err, NET_E_LOCAL_IO, "reading the request body: %s",
                            strerror(errno));
                return -1;
            }
        }
    }
    x->body_used = true;
    ssize_t r = b->read(b->ctx, buf, cap);
    if (r < 0 || (size_t)r > cap) {
        net_err_set(x->err, NET_E_LOCAL_IO, "the request body callback failed");
        return -1;
    }
    return r;
}

static enum net_status nomem_upload(struct http_xfer *x)
{
    return net_err_set(x->err, NET_E_NOMEM, "out of memory for the upload buffer");
}

/* Write spans; a failure is the connection's. */
static enum net_status put(struct http_xfer *x, const struct net_span *v, size_t n)
{
    enum net_status st = net_conn_writev(x->link.c, v, n);
    if (st != NET_OK)
        *x->err = *net_conn_err(x->link.c);
    return st;
}

/* A body of known size from a descriptor or callback: exactly size bytes,
 * the first piece in the same write as the head. */
static enum net_status send_sized(struct http_xfer *x, const struct net_span *head,
                                  size_t nhead, uint64_t size)
{
    struct net_span v[HTTP_SPANS_MAX];
    char *buf = x->cl->upbuf;
    uint64_t left = size;
    size_t n = nhead;
    if (nhead > 0)
        memcpy(v, head, nhead * sizeof *head);
    do {
        size_t want = left < HTTP_UPLOAD_CHUNK ? (size_t)left : HTTP_UPLOAD_CHUNK;
        ssize_t k = want ? source_read(x, buf, want) : 0;
        if (k < 0)
            return x->err->status;
        if (k == 0 && left > 0)
            return net_err_set(x->err, NET_E_LOCAL_IO, "the request body ended after %" PRIu64
                               " of the %" PRIu64 " bytes announced", size - left, size);
        v[n++] = (struct net_span){buf, (size_t)k, false};
        enum net_status st = put(x, v, n);
        if (st != NET_OK)
            return st;
        left -= (uint64_t)k;
        x->res->upload_bytes += (uint64_t)k;
        n = 0;
    } while (left > 0);
    ssize_t extra = source_read(x, buf, 1);
    if (extra < 0)
        return x->err->status;
    if (extra > 0)
        return net_err_set(x->err, NET_E_LOCAL_IO, "the request body holds more than the "
                           "%" PRIu64 " bytes announced", size);
    return NET_OK;
}

/* A body of unknown size: chunked, each piece framed in one write. */
static enum net_status send_chunked(struct http_xfer *x, const struct net_span *head,
                                    size_t nhead)
{
    struct net_span v[HTTP_SPANS_MAX];
    char line[CHUNK_LINE_MAX];
    char *buf = x->cl->upbuf;
    size_t n = nhead;
    if (nhead > 0)
        memcpy(v, head, nhead * sizeof *head);
    for (;;) {
        ssize_t k = source_read(x, buf, HTTP_UPLOAD_CHUNK);
        if (k < 0)
            return x->err->status;
        if (k == 0) {
            v[n++] = (struct net_span){"0\r\n\r\n", 5, false};
            return put(x, v, n);
        }
        int ll = snprintf(line, sizeof line, "%zx\r\n", (size_t)k);
        v[n++] = (struct net_span){line, (size_t)ll, false};
        v[n++] = (struct net_span){buf, (size_t)k, false};
        v[n++] = (struct net_span){"\r\n", 2, false};
        enum net_status st = put(x, v, n);
        if (st != NET_OK)
            return st;
        x->res->upload_bytes += (uint64_t)k;
        n = 0;
    }
}

enum net_status http_send_with_body(struct http_xfer *x, const struct net_span *head,
                                    size_t nhead)
{
    const struct net_http_body *b = &x->req->body;
    if (!x->send_body || b->src == NET_HTTP_SRC_NONE)
        return nhead ? put(x, head, nhead) : NET_OK;
    if (b->src == NET_HTTP_SRC_MEMORY) {
        struct net_span v[HTTP_SPANS_MAX];
        if (nhead > 0)
            memcpy(v, head, nhead * sizeof *head);
        v[nhead] = (struct net_span){b->data, (size_t)b->size, false};
        x->body_used = true;
        enum net_status st = put(x, v, nhead + 1);
        if (st == NET_OK)
            x->res->upload_bytes += (uint64_t)b->size;
        return st;
    }
    if (x->cl->upbuf == NULL && (x->cl->upbuf = malloc(HTTP_UPLOAD_CHUNK)) == NULL)
        return nomem_upload(x);
    if (b->size >= 0)
        return send_sized(x, head, nhead, (uint64_t)b->size);
    return send_chunked(x, head, nhead);
}

/* ---- Expect: 100-continue ---- */

/*
 * Wait until bytes arrive or the deadline passes, without making a timeout
 * sticky on the connection. *ready: bytes are in the buffer. At end of
 * stream *ready is true too (the response reader reports the close).
 */
static enum net_status wait_bytes(struct http_xfer *x, net_ms deadline, bool *ready)
{
    struct net_conn *c = x->link.c;
    *ready = false;
    for (;;) {
        size_t len;
        net_conn_data(c, &len);
        if (len > 0 || net_conn_eof(c)) {
            *ready = true;
            return NET_OK;
        }
        if (net_conn_pending(c) == 0) {
            int fd = net_conn_fd(c);
            if (fd < 0)
                return NET_OK;      /* a layer that never waits has nothing yet */
            struct pollfd p = {.fd = fd, .events = POLLIN};
            int r = poll(&p, 1, net_deadline_poll_ms(deadline));
            if (r == 0)
                return NET_OK;
            if (r < 0 && errno != EINTR)
                return NET_OK;      /* the reads that follow will say what is wrong */
        }
        size_t got;
        enum net_status st = net_conn_fill_nowait(c, &got);
        if (st != NET_OK) {
            *x->err = *net_conn_err(c);
            return st;
        }
        if (got == 0 && !net_conn_eof(c) && net_now() >= deadline)
            return NET_OK;
    }
}

enum net_status http_expect_continue(struct http_xfer *x)
{
    net_ms ms = x->cl->o.expect_100_ms ? x->cl->o.expect_100_ms : NET_HTTP_EXPECT_MS_DEFAULT;
    net_ms deadline = net_deadline_min(net_deadline_in(ms), x->deadline);
    for (;;) {
        bool ready;
        enum net_status st = wait_bytes(x, deadline, &ready);
        if (st != NET_OK)
            return st;
        if (!ready) {
            http_trace(x->cl, x->link.c, "no 100 Continue within %lld ms: sending the body",
                       (long long)ms);
            return http_send_with_body(x, NULL, 0);
        }
        if (net_conn_eof(x->link.c)) {
            x->body_skipped = true;     /* the response reader reports the close */
            return NET_OK;
        }
        size_t len;
        st = http_read_one_head(x->link.c, &x->head, &len, x->err);
        if (st != NET_OK)
            return st;
        int status = x->head.status;
        if (status >= 200 || status == 101) {
            /* A final answer before the body: it stays unread for the
             * response reader; the body is never sent. */
            http_trace(x->cl, x->link.c, "the server answered %d before the body: not "
                       "sending it", status);
            x->answered_early = x->body_skipped = true;
            return NET_OK;
        }
        if ((st = http_interim(x, len)) != NET_OK)
            return st;
        if (status == 100)
            return http_send_with_body(x, NULL, 0);
    }
}

/* ---- rewinding ---- */

bool http_body_resendable(const struct http_xfer *x)
{
    const struct net_http_body *b = &x->req->body;
    if (!x->body_used)
        return true;
    switch (b->src) {
    case NET_HTTP_SRC_NONE:
    case NET_HTTP_SRC_MEMORY:
        return true;
    case NET_HTTP_SRC_FD:
        return x->fd_seekable == 1;
    case NET_HTTP_SRC_CALLBACK:
        return b->rewind != NULL;
    }
    return false;
}

enum net_status http_body_rewind(struct http_xfer *x)
{
    const struct net_http_body *b = &x->req->body;
    if (!x->body_used)
        return NET_OK;
    if (b->src == NET_HTTP_SRC_FD) {
        if (x->fd_seekable != 1 || lseek(b->fd, x->fd_start, SEEK_SET) < 0)
            return net_err_set(x->err, NET_E_USAGE, "the request body (a descriptor that "
                               "cannot seek) cannot be sent again");
    } else if (b->src == NET_HTTP_SRC_CALLBACK) {
        if (b->rewind == NULL)
            return net_err_set(x->err, NET_E_USAGE, "the request body cannot be sent again: "
                               "its callback has no rewind function");
        if (b->rewind(b->ctx) != 0)
            return net_err_set(x->err, NET_E_LOCAL_IO, "rewinding the request body failed");
    }
    x->body_used = false;
    return NET_OK;
}
