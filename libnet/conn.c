/* conn.c - a connection: open, buffered reads under caps, complete writes,
 * deadlines (idle, total, low speed), STARTTLS, trace. */
#include "libnet/conn.h"

#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libnet/buf.h"
#include "libnet/sock.h"
#include "libnet/url.h"

/* Spans written together are staged in a buffer of this size so that a
 * command and its arguments leave in one system call (and one TLS record);
 * larger writes go out span by span. */
#define NET_CONN_WBUF 16384

struct net_conn {
    struct net_layer *top;
    struct net_buf in;
    char *wbuf;
    struct net_err err;         /* sticky: once set, every call returns it */
    struct net_trace trace;
    char *host;                 /* what we connected to, for TLS checks */
    char peer[NET_ADDR_STR_MAX];
    bool eof;
    bool drained;       /* the last read was short on a bare socket: wait first */
    /* deadlines */
    net_ms connect_timeout_ms;
    net_ms idle_ms;
    net_ms total_deadline;
    uint64_t low_speed_bytes;
    net_ms low_speed_ms;
    net_ms last_progress;       /* when bytes last moved, as of the last wait */
    bool moved;                 /* bytes moved since last_progress was taken */
    net_ms window_start;        /* low-speed window */
    uint64_t window_bytes;      /* bytes_in + bytes_out at window_start */
    struct net_conn_stats stats;
    struct net_tls_ctx *own_tls_ctx;
};

enum net_status net_init(struct net_err *err)
{
    if (ares_library_initialized() != ARES_SUCCESS) {
        int r = ares_library_init(ARES_LIB_INIT_ALL);
        if (r != ARES_SUCCESS)
            return net_err_set(err, NET_E_RESOLVE, "c-ares initialisation failed: %s",
                               ares_strerror(r));
    }
    /* OpenSSL initialises itself on first use (net_tls_ctx_new); doing it
     * here would cost every plain connection a couple of MiB of memory. */
    return NET_OK;
}

/* ---- failure bookkeeping ---- */

static enum net_status conn_fail_err(struct net_conn *c, const struct net_err *e)
{
    if (c->err.status == NET_OK)
        c->err = *e;
    return c->err.status;
}

enum net_status net_conn_fail(struct net_conn *c, enum net_status st,
                              const char *fmt, ...)
{
    if (c->err.status != NET_OK)
        return c->err.status;
    va_list ap;
    va_start(ap, fmt);
    net_err_vset(&c->err, st, fmt, ap);
    va_end(ap);
    net_trace_info(&c->trace, "error: %s", c->err.text);
    return st;
}

/* ---- deadlines ---- */

/* Bytes moved. The clock is read only when a wait begins (conn_wait), so
 * a bulk transfer that never waits pays no clock call per read. */
static void note_progress(struct net_conn *c)
{
    c->moved = true;
}

/* Check the low-speed window; NET_OK or NET_E_TOO_SLOW. */
static enum net_status check_speed(struct net_conn *c, net_ms now)
{
    if (c->low_speed_ms <= 0 || now - c->window_start < c->low_speed_ms)
        return NET_OK;
    uint64_t moved = c->stats.bytes_in + c->stats.bytes_out - c->window_bytes;
    uint64_t rate = moved * 1000 / (uint64_t)(now - c->window_start);
    if (rate < c->low_speed_bytes)
        return net_conn_fail(c, NET_E_TOO_SLOW,
                             "transfer from %s slower than %llu bytes/s for %lld ms (%llu bytes/s)",
                             c->peer, (unsigned long long)c->low_speed_bytes,
                             (long long)c->low_speed_ms, (unsigned long long)rate);
    c->window_start = now;
    c->window_bytes = c->stats.bytes_in + c->stats.bytes_out;
    return NET_OK;
}

/*
 * Wait for the poll events in want on the stack's fd, bounded by the idle,
 * total and low-speed deadlines and by extra (with extra_st as its status).
 */
static enum net_status conn_wait(struct net_conn *c, short want, net_ms extra,
                                 enum net_status extra_st)
{
    int fd = c->top->ops->fd(c->top);
    if (fd < 0)
        return net_conn_fail(c, NET_E_IO, "layer '%s' cannot wait", c->top->ops->name);
    if (c->moved) {
        c->last_progress = net_now();
        c->moved = false;
    }
    for (;;) {
        net_ms now = net_now();
        if (check_speed(c, now) != NET_OK)
            return c->err.status;
        net_ms idle = c->idle_ms > 0 ? c->last_progress + c->idle_ms : NET_NO_DEADLINE;
        if (now >= c->total_deadline)
            return net_conn_fail(c, NET_E_TOTAL_TIMEOUT, "%s with %s",
                                 net_status_str(NET_E_TOTAL_TIMEOUT), c->peer);
        if (now >= extra)
            return net_conn_fail(c, extra_st, "%s with %s", net_status_str(extra_st), c->peer);
        if (now >= idle)
            return net_conn_fail(c, NET_E_IDLE_TIMEOUT,
                                 "no data from %s for %lld ms", c->peer, (long long)c->idle_ms);
        net_ms wake = net_deadline_min(net_deadline_min(idle, c->total_deadline), extra);
        if (c->low_speed_ms > 0)
            wake = net_deadline_min(wake, c->window_start + c->low_speed_ms);
        struct pollfd p = {.fd = fd, .events = want};
        int r = poll(&p, 1, net_deadline_poll_ms(wake));
        if (r > 0)
            return NET_OK;
        if (r < 0 && errno != EINTR)
            return net_conn_fail(c, NET_E_IO, "poll failed: %s", strerror(errno));
    }
}

/* ---- reading ---- */

/*
 * One read attempt: > 0 bytes (counted, traced), 0 end of stream, or
 * NET_IO_AGAIN with *want set; NET_IO_ERROR after recording the error.
 */
static ssize_t read_once(struct net_conn *c, void *p, size_t n, short *want)
{
    struct net_err lerr;
    net_err_clear(&lerr);
    *want = POLLIN;
    ssize_t r = c->top->ops->read(c->top, p, n, want, &lerr);
    if (r > 0) {
        c->stats.bytes_in += (uint64_t)r;
        note_progress(c);
        net_trace_data(&c->trace, NET_TRACE_IN, p, (size_t)r, false);
    } else if (r == 0) {
        c->eof = true;
    } else if (r == NET_IO_ERROR) {
        net_trace_info(&c->trace, "error: %s", lerr.text);
        conn_fail_err(c, &lerr);
    }
    return r;
}

/* Read at most n bytes into p, waiting as needed; *got 0 means end of stream. */
static enum net_status read_some(struct net_conn *c, void *p, size_t n, size_t *got)
{
    *got = 0;
    if (c->err.status != NET_OK)
        return c->err.status;
    /* A short read from a bare socket emptied the kernel's buffer: poll
     * first rather than spend a read on EAGAIN. Above TLS a short read says
     * nothing (records), so the stack is read first there, as it is for
     * layers without a descriptor (in memory). */
    if (c->drained && c->top->below == NULL && c->top->ops->fd(c->top) >= 0) {
        enum net_status st = conn_wait(c, POLLIN, NET_NO_DEADLINE, NET_OK);
        if (st != NET_OK)
            return st;
    }
    for (;;) {
        short want;
        ssize_t r = read_once(c, p, n, &want);
        if (r >= 0) {
            c->drained = (size_t)r < n;
            *got = (size_t)r;
            return NET_OK;
        }
        if (r == NET_IO_ERROR)
            return c->err.status;
        enum net_status st = conn_wait(c, want, NET_NO_DEADLINE, NET_OK);
        if (st != NET_OK)
            return st;
    }
}

/* Append what arrives to the buffer; at end of stream set eof and return NET_OK. */
static enum net_status fill_more(struct net_conn *c)
{
    size_t space = net_buf_space(&c->in, true);
    if (space == 0)
        return net_conn_fail(c, NET_E_LINE_TOO_LONG,
                             "more than %zu unconsumed bytes from %s", c->in.cap, c->peer);
    size_t got;
    enum net_status st = read_some(c, net_buf_tail(&c->in), space, &got);
    if (st == NET_OK)
        net_buf_commit(&c->in, got);
    return st;
}

enum net_status net_conn_fill(struct net_conn *c)
{
    if (c->err.status != NET_OK)
        return c->err.status;
    if (!c->eof) {
        enum net_status st = fill_more(c);
        if (st != NET_OK || !c->eof)
            return st;
    }
    return net_conn_fail(c, NET_E_CLOSED, "connection closed by %s", c->peer);
}

enum net_status net_conn_fill_nowait(struct net_conn *c, size_t *got)
{
    *got = 0;
    if (c->err.status != NET_OK)
        return c->err.status;
    size_t space = net_buf_space(&c->in, true);
    if (c->eof || space == 0)
        return NET_OK;
    short want;
    ssize_t r = read_once(c, net_buf_tail(&c->in), space, &want);
    if (r == NET_IO_ERROR)
        return c->err.status;
    if (r > 0) {
        net_buf_commit(&c->in, (size_t)r);
        *got = (size_t)r;
    }
    return NET_OK;
}

size_t net_conn_pending(const struct net_conn *c)
{
    return c->top->ops->pending(c->top);
}

const char *net_conn_data(const struct net_conn *c, size_t *len)
{
    *len = net_buf_len(&c->in);
    return net_buf_head(&c->in);
}

void net_conn_consume(struct net_conn *c, size_t n)
{
    size_t len = net_buf_len(&c->in);
    net_buf_consume(&c->in, n < len ? n : len);
}

bool net_conn_eof(const struct net_conn *c)
{
    return c->eof;
}

enum net_status net_conn_read_line(struct net_conn *c, size_t max, struct net_line *line)
{
    if (c->err.status != NET_OK)
        return c->err.status;
    if (max == 0 || max > c->in.cap - 2)
        max = c->in.cap - 2;
    size_t scanned = 0;
    for (;;) {
        size_t len = net_buf_len(&c->in);
        const char *head = net_buf_head(&c->in);
        const char *lf = memchr(head + scanned, '\n', len - scanned);
        if (lf != NULL) {
            size_t n = (size_t)(lf - head);
            bool crlf = n > 0 && head[n - 1] == '\r';
            size_t body = crlf ? n - 1 : n;
            if (body > max)
                break;
            *line = (struct net_line){.p = head, .len = body, .crlf = crlf};
            net_buf_consume(&c->in, n + 1);
            return NET_OK;
        }
        scanned = len;
        if (len > max + 1)      /* room for a CR, not for more */
            break;
        if (c->eof)
            return net_conn_fail(c, NET_E_CLOSED, "connection closed by %s%s", c->peer,
                                 len ? " in the middle of a line" : "");
        enum net_status st = fill_more(c);
        if (st != NET_OK)
            return st;
    }
    return net_conn_fail(c, NET_E_LINE_TOO_LONG, "line from %s longer than %zu bytes",
                         c->peer, max);
}

enum net_status net_conn_read_exact(struct net_conn *c, void *p, size_t n)
{
    char *dst = p;
    size_t have = net_buf_len(&c->in);
    size_t k = have < n ? have : n;
    memcpy(dst, net_buf_head(&c->in), k);
    net_buf_consume(&c->in, k);
    size_t done = k;
    while (done < n) {
        size_t got;
        enum net_status st = read_some(c, dst + done, n - done, &got);
        if (st != NET_OK)
            return st;
        if (got == 0)
            return net_conn_fail(c, NET_E_CLOSED,
                                 "connection closed by %s after %zu of %zu bytes",
                                 c->peer, done, n);
        done += got;
    }
    return NET_OK;
}

static enum net_status deliver(struct net_conn *c, net_sink_fn sink, void *ctx,
                               size_t n)
{
    if (sink(ctx, net_buf_head(&c->in), n) != 0)
        return net_conn_fail(c, NET_E_LOCAL_IO, "the receiver of data from %s failed",
                             c->peer);
    net_buf_consume(&c->in, n);
    return NET_OK;
}

enum net_status net_conn_stream(struct net_conn *c, uint64_t n,
                                net_sink_fn sink, void *ctx)
{
    if (c->err.status != NET_OK)
        return c->err.status;
    uint64_t left = n;
    for (;;) {
        size_t have = net_buf_len(&c->in);
        size_t k = (uint64_t)have < left ? have : (size_t)left;
        if (k > 0) {
            enum net_status st = deliver(c, sink, ctx, k);
            if (st != NET_OK)
                return st;
            if (n != NET_CONN_TO_EOF)
                left -= k;
        }
        if (left == 0)
            return NET_OK;
        if (c->eof)
            break;
        size_t space = net_buf_space(&c->in, true);
        size_t got;
        enum net_status st = read_some(c, net_buf_tail(&c->in),
                                       (uint64_t)space < left ? space : (size_t)left, &got);
        if (st != NET_OK)
            return st;
        net_buf_commit(&c->in, got);
    }
    if (n == NET_CONN_TO_EOF)
        return NET_OK;
    return net_conn_fail(c, NET_E_CLOSED,
                         "connection closed by %s after %llu of %llu bytes (partial transfer)",
                         c->peer, (unsigned long long)(n - left), (unsigned long long)n);
}

/* ---- writing ---- */

static enum net_status write_all(struct net_conn *c, const char *p, size_t n)
{
    while (n > 0) {
        short want = POLLOUT;
        struct net_err lerr;
        net_err_clear(&lerr);
        ssize_t r = c->top->ops->write(c->top, p, n, &want, &lerr);
        if (r > 0) {
            c->stats.bytes_out += (uint64_t)r;
            note_progress(c);
            p += r;
            n -= (size_t)r;
            continue;
        }
        if (r == NET_IO_ERROR || r == 0) {
            if (r == 0)
                net_err_set(&lerr, NET_E_IO, "write to %s made no progress", c->peer);
            net_trace_info(&c->trace, "error: %s", lerr.text);
            return conn_fail_err(c, &lerr);
        }
        enum net_status st = conn_wait(c, want, NET_NO_DEADLINE, NET_OK);
        if (st != NET_OK)
            return st;
    }
    return NET_OK;
}

enum net_status net_conn_writev(struct net_conn *c, const struct net_span *v, size_t n)
{
    if (c->err.status != NET_OK)
        return c->err.status;
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += v[i].len;
    if (total <= NET_CONN_WBUF) {
        size_t off = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i].len)
                memcpy(c->wbuf + off, v[i].p, v[i].len);
            off += v[i].len;
        }
        enum net_status st = write_all(c, c->wbuf, total);
        if (st != NET_OK)
            return st;
    }
    for (size_t i = 0; i < n; i++) {
        if (total > NET_CONN_WBUF) {
            enum net_status st = write_all(c, v[i].p, v[i].len);
            if (st != NET_OK)
                return st;
        }
        net_trace_data(&c->trace, NET_TRACE_OUT, v[i].p, v[i].len, v[i].secret);
    }
    return NET_OK;
}

enum net_status net_conn_write(struct net_conn *c, const void *p, size_t n)
{
    struct net_span s = {.p = p, .len = n, .secret = false};
    return net_conn_writev(c, &s, 1);
}

/* ---- TLS ---- */

static enum net_status tls_push(struct net_conn *c, const char *host,
                                const struct net_tls_opts *tls_opts,
                                struct net_tls_ctx *ctx,
                                const struct net_tls_session *resume)
{
    static const struct net_tls_opts defaults;
    struct net_err lerr;
    net_err_clear(&lerr);
    if (ctx == NULL) {
        if (c->own_tls_ctx == NULL &&
            net_tls_ctx_new(tls_opts ? tls_opts : &defaults, &c->own_tls_ctx, &lerr) != NET_OK)
            return conn_fail_err(c, &lerr);
        ctx = c->own_tls_ctx;
    }
    struct net_layer *tls;
    if (net_tls_layer_new(ctx, c->top, host, resume, &tls, &lerr) != NET_OK)
        return conn_fail_err(c, &lerr);
    c->top = tls;
    net_trace_info(&c->trace, "TLS handshake with %s (%s)", host ? host : "client", c->peer);
    net_ms deadline = net_deadline_in(c->connect_timeout_ms > 0 ? c->connect_timeout_ms
                                                                : c->idle_ms);
    for (;;) {
        short want = POLLIN;
        int r = tls->ops->handshake(tls, &want, &lerr);
        if (r == 0)
            break;
        if (r == NET_IO_ERROR) {
            net_trace_info(&c->trace, "error: %s", lerr.text);
            return conn_fail_err(c, &lerr);
        }
        enum net_status st = conn_wait(c, want, deadline, NET_E_CONNECT_TIMEOUT);
        if (st != NET_OK)
            return st;
    }
    struct net_tls_info info;
    net_tls_layer_info(tls, &info);
    net_trace_info(&c->trace, "TLS established: %s, %s%s%s%s", info.version, info.cipher,
                   info.alpn[0] ? ", ALPN " : "", info.alpn, info.resumed ? ", resumed" : "");
    return NET_OK;
}

enum net_status net_conn_starttls(struct net_conn *c, const char *host,
                                  const struct net_tls_opts *tls_opts,
                                  struct net_tls_ctx *tls_ctx)
{
    if (c->err.status != NET_OK)
        return c->err.status;
    if (net_tls_layer_is(c->top))
        return net_conn_fail(c, NET_E_USAGE, "TLS is already active with %s", c->peer);
    size_t early = net_buf_len(&c->in) + net_layer_unread_below(c->top);
    if (early > 0)
        return net_conn_fail(c, NET_E_STARTTLS_INJECTED,
                             "%zu byte%s from %s arrived after the go-ahead and before the "
                             "TLS handshake; refusing to upgrade (possible injection)",
                             early, early == 1 ? "" : "s", c->peer);
    return tls_push(c, host ? host : c->host, tls_opts, tls_ctx, NULL);
}

enum net_status net_conn_accept_tls(struct net_conn *c, struct net_tls_ctx *ctx)
{
    if (c->err.status != NET_OK)
        return c->err.status;
    if (ctx == NULL)
        return net_conn_fail(c, NET_E_USAGE, "server-side TLS needs a server context");
    if (net_tls_layer_is(c->top))
        return net_conn_fail(c, NET_E_USAGE, "TLS is already active with %s", c->peer);
    return tls_push(c, NULL, NULL, ctx, NULL);
}

/* ---- life cycle ---- */

static enum net_status conn_new(struct net_layer *top, const struct net_conn_opts *o,
                                struct net_conn **out, struct net_err *err)
{
    size_t cap = o->rbuf_size ? o->rbuf_size : NET_CONN_RBUF_DEFAULT;
    if (cap < NET_CONN_RBUF_MIN || cap > NET_CONN_RBUF_MAX) {
        top->ops->destroy(top);
        return net_err_set(err, NET_E_USAGE, "read buffer size %zu outside %u..%u",
                           cap, NET_CONN_RBUF_MIN, NET_CONN_RBUF_MAX);
    }
    struct net_conn *c = calloc(1, sizeof *c);
    if (c == NULL || !net_buf_init(&c->in, cap) || (c->wbuf = malloc(NET_CONN_WBUF)) == NULL) {
        if (c)
            net_buf_free(&c->in);
        free(c);
        top->ops->destroy(top);
        return net_err_set(err, NET_E_NOMEM, "out of memory for a connection");
    }
    c->top = top;
    c->trace = o->trace;
    c->connect_timeout_ms = o->connect_timeout_ms;
    c->idle_ms = o->idle_timeout_ms;
    c->low_speed_bytes = o->low_speed_bytes;
    c->low_speed_ms = o->low_speed_bytes ? o->low_speed_ms : 0;
    c->stats.opened_at = net_now();
    c->total_deadline = net_deadline_in(o->total_timeout_ms);
    c->last_progress = c->window_start = c->stats.opened_at;
    *out = c;
    return NET_OK;
}

enum net_status net_conn_from_layer(struct net_layer *top, const struct net_conn_opts *opts,
                                    struct net_conn **out, struct net_err *err)
{
    static const struct net_conn_opts defaults;
    return conn_new(top, opts ? opts : &defaults, out, err);
}

/* Resolve and connect; on success *fd is connected and *peer names it. */
static enum net_status dial(const char *host, unsigned short port,
                            const struct net_conn_opts *o, net_ms deadline,
                            int *fd, struct net_addr *peer, struct net_err *err)
{
    struct net_addrlist list = {0};
    enum net_status st = net_resolve(&o->resolve, host, port, deadline, &o->trace, &list, err);
    if (st != NET_OK)
        return st;
    net_sock_order(&list);
    st = net_sock_connect(&list, deadline, o->stagger_ms, &o->trace, fd, peer, err);
    net_addrlist_free(&list);
    return st;
}

enum net_status net_conn_open(const char *host, unsigned short port,
                              const struct net_conn_opts *opts,
                              struct net_conn **out, struct net_err *err)
{
    static const struct net_conn_opts defaults;
    const struct net_conn_opts *o = opts ? opts : &defaults;
    enum net_status st = net_init(err);
    if (st != NET_OK)
        return st;
    if (host == NULL || host[0] == '\0' || net_has_ctl(host, strlen(host)))
        return net_err_set(err, NET_E_USAGE, "invalid host name");
    net_ms deadline = net_deadline_min(net_deadline_in(o->connect_timeout_ms),
                                       net_deadline_in(o->total_timeout_ms));
    int fd;
    struct net_addr peer;
    st = dial(host, port, o, deadline, &fd, &peer, err);
    if (st != NET_OK)
        return st;
    struct net_layer *sock;
    if ((st = net_sock_layer_new(fd, &sock, err)) != NET_OK) {
        close(fd);
        return st;
    }
    struct net_conn *c;
    if ((st = conn_new(sock, o, &c, err)) != NET_OK)
        return st;
    net_addr_str(&peer, c->peer, sizeof c->peer);
    if ((c->host = strdup(host)) == NULL) {
        net_conn_close(c);
        return net_err_set(err, NET_E_NOMEM, "out of memory");
    }
    if (o->tls && tls_push(c, o->tls_host ? o->tls_host : host, o->tls_opts, o->tls_ctx,
                           o->tls_resume) != NET_OK) {
        *err = c->err;
        net_conn_close(c);
        return err->status;
    }
    *out = c;
    return NET_OK;
}

enum net_status net_conn_accept(int fd, const struct net_conn_opts *opts,
                                struct net_conn **out, struct net_err *err)
{
    static const struct net_conn_opts defaults;
    const struct net_conn_opts *o = opts ? opts : &defaults;
    struct net_addr peer = {.len = sizeof peer.ss};
    bool named = getpeername(fd, (struct sockaddr *)&peer.ss, &peer.len) == 0;
    struct net_layer *sock;
    enum net_status st = net_sock_layer_new(fd, &sock, err);
    if (st != NET_OK) {
        close(fd);
        return st;
    }
    struct net_conn *c;
    if ((st = conn_new(sock, o, &c, err)) != NET_OK)
        return st;
    if (named)
        net_addr_str(&peer, c->peer, sizeof c->peer);
    if (o->tls && net_conn_accept_tls(c, o->tls_ctx) != NET_OK) {
        *err = c->err;
        net_conn_close(c);
        return err->status;
    }
    *out = c;
    return NET_OK;
}

void net_conn_close(struct net_conn *c)
{
    if (c == NULL)
        return;
    c->top->ops->destroy(c->top);
    net_tls_ctx_free(c->own_tls_ctx);
    net_buf_free(&c->in);
    free(c->wbuf);
    free(c->host);
    free(c);
}

/* ---- accessors ---- */

const struct net_err *net_conn_err(const struct net_conn *c) { return &c->err; }
const char *net_conn_peer(const struct net_conn *c) { return c->peer; }
int net_conn_fd(const struct net_conn *c) { return c->top->ops->fd(c->top); }
const struct net_trace *net_conn_trace(const struct net_conn *c) { return &c->trace; }

void net_conn_set_idle_timeout(struct net_conn *c, net_ms ms)
{
    c->idle_ms = ms;
}

void net_conn_set_total_timeout(struct net_conn *c, net_ms ms)
{
    c->total_deadline = net_deadline_in(ms);
}

void net_conn_stats(const struct net_conn *c, struct net_conn_stats *st)
{
    *st = c->stats;
}

bool net_conn_tls_info(const struct net_conn *c, struct net_tls_info *info)
{
    if (!net_tls_layer_is(c->top))
        return false;
    net_tls_layer_info(c->top, info);
    return true;
}

struct net_tls_session *net_conn_tls_session(const struct net_conn *c)
{
    return net_tls_layer_is(c->top) ? net_tls_layer_session(c->top) : NULL;
}
