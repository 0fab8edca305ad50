/* pipeline.c - net_http_perform_many(): bodyless GET/HEAD requests to one
 * origin written ahead of their responses on one connection (RFC 9112
 * 9.3), in batches of one write each, responses read in order from the
 * shared input buffer; requests left unanswered when the server closes are
 * sent again on a new connection. No allocation per request beyond its
 * effective URL, which the result needs anyway.
 *
 * The time limit (opts.conn.total_timeout_ms) is per request, as for
 * net_http_perform: request k's clock starts when it is written (for the
 * first requests on a new connection: when connecting began), and the
 * connection's deadline is always that of the oldest unanswered request. */
#include "protocols/http/client_impl.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A batch is written when it reaches this size: one write of the
 * connection's staging buffer (16 KiB), so one system call. */
#define PIPE_BATCH_BYTES (12u * 1024)

struct pipe {
    struct http_xfer x;         /* shared: client, origin, proxy, credentials, link */
    const struct net_http_request *reqs;
    const struct net_http_callbacks *cb;
    struct net_http_result *res;
    size_t n;
    unsigned depth;
    size_t sent, done;          /* requests written, requests answered */
    net_ms sent_at[NET_HTTP_PIPELINE_MAX];     /* by index modulo the cap */
    unsigned answers;           /* responses on the current connection */
    bool conn_reused;           /* the current connection came from the pool */
    bool fresh_conn;            /* nothing written yet on the current connection */
    net_ms conn_start;          /* when getting the current connection began */
    bool failed;                /* err holds the first failure */
    struct net_err *err;
    struct net_err stop;        /* why the requests from done on got no answer */
};

/* ---- before anything is sent ---- */

static const char *pipe_method(const struct net_http_request *r)
{
    return r->method ? r->method : "GET";
}

/* The path-and-query of an effective URL ("scheme://authority" skipped). */
static const char *target_of(const char *eff)
{
    const char *p = strstr(eff, "://");
    p = p ? p + 3 : eff;
    return p + strcspn(p, "/?");
}

/* Check request i and record its effective URL. */
static enum net_status prepare_one(struct pipe *p, size_t i)
{
    const struct net_http_request *r = &p->reqs[i];
    struct net_err *err = p->err;
    enum net_status st = http_check_request(r, err);
    if (st != NET_OK)
        return st;
    const char *m = pipe_method(r);
    if ((strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) || r->body.src != NET_HTTP_SRC_NONE)
        return net_err_set(err, NET_E_USAGE, "request %zu: only GET and HEAD without a body "
                           "can be pipelined", i + 1);
    struct net_url *u;
    if ((st = net_url_parse(r->url, "http", &u, err)) != NET_OK)
        return st;
    st = http_check_url(u, err);
    if (st == NET_OK && !http_same_origin(u, p->x.first))
        st = net_err_set(err, NET_E_USAGE, "request %zu: pipelined requests must all go to "
                         "one origin (scheme, host and port)", i + 1);
    if (st == NET_OK)
        st = net_url_format(u, &p->res[i].effective_url, err);
    net_url_free(u);
    return st;
}

static enum net_status prepare(struct pipe *p)
{
    struct http_xfer *x = &p->x;
    struct net_url *u;
    enum net_status st = net_url_parse(p->reqs[0].url, "http", &u, p->err);
    if (st != NET_OK)
        return st;
    x->first = u;
    x->req = &p->reqs[0];
    x->method = "GET";
    if ((st = http_set_hop(x, u)) != NET_OK) {
        x->first = NULL;
        return st;
    }
    free(x->url_text);      /* each request's own URL text is used instead */
    x->url_text = NULL;
    for (size_t i = 0; i < p->n && st == NET_OK; i++)
        st = prepare_one(p, i);
    if (st == NET_OK)
        st = http_creds_init(x->cl, u, &x->creds, p->err);
    return st;
}

/* ---- writing ---- */

/* Point the shared transfer at request k. */
static void aim(struct pipe *p, size_t k)
{
    struct http_xfer *x = &p->x;
    x->req = &p->reqs[k];
    x->cb = p->cb ? &p->cb[k] : NULL;
    x->res = &p->res[k];
    x->method = pipe_method(x->req);
    x->url_text = p->res[k].effective_url;
    x->target = target_of(x->url_text);
}

/* When request k's clock started. */
static net_ms sent_time(const struct pipe *p, size_t k)
{
    return p->sent_at[k % NET_HTTP_PIPELINE_MAX];
}

/*
 * Put the deadline of the oldest unanswered request (the next one to
 * write, its clock started at t0, if none is in flight) on the connection.
 * *passed when that deadline has already passed: then nothing more should
 * be written, and reading that request's response reports the time-out.
 */
static enum net_status arm_oldest(struct pipe *p, net_ms t0, bool *passed)
{
    struct http_xfer *x = &p->x;
    x->deadline = http_deadline_from(x->cl, p->done < p->sent ? sent_time(p, p->done) : t0);
    *passed = x->deadline != NET_NO_DEADLINE && net_now() >= x->deadline;
    return *passed ? NET_OK : http_arm_deadline(x, x->link.c);
}

/* Write requests ahead, up to depth in flight, in batches of one write. */
static enum net_status write_ahead(struct pipe *p)
{
    struct http_xfer *x = &p->x;
    struct http_reqbuf *b = &x->cl->req;
    while (p->sent < p->n && p->sent - p->done < p->depth) {
        http_reqbuf_reset(b);
        net_ms now = p->fresh_conn ? p->conn_start : net_now();
        p->fresh_conn = false;
        bool passed;
        enum net_status st = arm_oldest(p, now, &passed);
        if (st != NET_OK || passed)
            return st;
        while (p->sent < p->n && p->sent - p->done < p->depth && b->len < PIPE_BATCH_BYTES &&
               b->nsecret + 2 <= HTTP_SECRETS_MAX) {
            aim(p, p->sent);
            if ((st = http_append_head(x, false)) != NET_OK)
                return st;
            p->sent_at[p->sent % NET_HTTP_PIPELINE_MAX] = now;
            p->sent++;
        }
        struct net_span v[HTTP_SPANS_MAX];
        size_t nv = http_head_spans(b, v);
        if (net_conn_writev(x->link.c, v, nv) != NET_OK) {
            *p->err = *net_conn_err(x->link.c);
            return p->err->status;
        }
    }
    return NET_OK;
}

/* ---- reading ---- */

static void note_failure(struct pipe *p, const struct net_err *e)
{
    if (!p->failed) {
        *p->err = *e;
        p->failed = true;
    }
}

/* The batch ends with e: the requests from done on get no answer. */
static void stop_batch(struct pipe *p, const struct net_err *e)
{
    note_failure(p, e);
    p->stop = *e;
}

/* The outcome of every request the batch never answered. */
static void no_answers(struct pipe *p)
{
    for (size_t i = p->done; i < p->n; i++) {
        if (p->res[i].error != NET_OK)
            continue;       /* failed on its own (its connection answered nothing) */
        struct net_err e;
        net_err_set(&e, p->stop.status, "no answer to %s: %s", p->res[i].effective_url,
                    p->stop.text);
        http_result_outcome(&p->res[i], e.status, &e);
    }
}

/* A connection for the unanswered requests: everything after done is
 * (re)sent on it. */
static enum net_status connect_pipe(struct pipe *p)
{
    struct http_xfer *x = &p->x;
    aim(p, p->done);
    x->t0 = p->conn_start = net_now();
    x->deadline = http_deadline_from(x->cl, x->t0);
    p->fresh_conn = true;
    struct net_err e;
    x->err = &e;
    enum net_status st = http_acquire(x, false);
    x->err = p->err;
    if (st != NET_OK) {
        stop_batch(p, &e);
        return st;
    }
    p->conn_reused = x->link.uses > 0;
    p->answers = 0;
    if (p->sent > p->done)
        http_trace(x->cl, x->link.c, "sending %zu unanswered requests again", p->sent - p->done);
    p->sent = p->done;
    return NET_OK;
}

/* Read the response to request done. *again: the server closed before
 * answering it, so it must be sent again on a new connection. */
static enum net_status read_one(struct pipe *p, bool *again)
{
    struct http_xfer *x = &p->x;
    size_t k = p->done, have, len;
    struct net_err e;
    *again = false;
    aim(p, k);
    x->t0 = sent_time(p, k);
    x->deadline = http_deadline_from(x->cl, x->t0);
    x->err = &e;
    x->interim = 0;
    net_err_clear(&e);
    net_conn_data(x->link.c, &have);
    struct net_conn_stats s0, s1;
    net_conn_stats(x->link.c, &s0);
    char *redirect_to = NULL;
    bool reusable = false;
    x->res->reused = p->conn_reused || p->answers > 0;
    enum net_status st = http_arm_deadline(x, x->link.c);
    if (st == NET_OK)
        st = http_read_final_head(x, &len);
    if (st == NET_OK)
        st = http_handle_response(x, len, &redirect_to, &reusable);
    free(redirect_to);      /* never set: redirects are not followed here */
    x->err = p->err;
    x->res->time_total = net_now() - x->t0;
    net_conn_stats(x->link.c, &s1);
    if (st != NET_OK && (st == NET_E_CLOSED || st == NET_E_RESET) && have == 0 &&
        s1.bytes_in == s0.bytes_in) {
        *again = true;
        x->res->status = 0;
        if (p->answers == 0 && !p->conn_reused) {
            /* a fresh connection that answers nothing: give up */
            http_result_outcome(x->res, st, &e);
            stop_batch(p, &e);
            return st;
        }
        http_trace(x->cl, x->link.c, "the server closed the connection after %u responses",
                   p->answers);
        http_link_close(&x->link);
        return NET_OK;
    }
    http_result_outcome(x->res, st, &e);
    if (st != NET_OK)
        note_failure(p, &e);
    p->answers++;
    p->done++;
    if (!reusable || x->cl->o.no_keepalive)
        http_link_close(&x->link);
    return NET_OK;
}

/*
 * Should requests be written now? When half the depth is answered (so
 * writes go in batches), and also whenever nothing is buffered: we are
 * about to wait, and a write now carries our ACK at once. Servers that
 * answer pipelined requests without TCP_NODELAY (nginx) hold their next
 * small response until that ACK, which delayed ACKs would send only after
 * 40 ms.
 */
static bool time_to_write(const struct pipe *p)
{
    size_t inflight = p->sent - p->done, have;
    if (p->sent == p->n || inflight >= p->depth)
        return false;
    if (inflight <= p->depth / 2)
        return true;
    net_conn_data(p->x.link.c, &have);
    return have == 0;
}

/* With nothing left to write and nothing buffered, ask the kernel to ACK
 * what arrives at once (see time_to_write); a hint, so failures are moot. */
static void quick_ack(const struct pipe *p)
{
    size_t have;
    net_conn_data(p->x.link.c, &have);
    int fd = net_conn_fd(p->x.link.c);
    if (p->sent == p->n && have == 0 && fd >= 0) {
        int one = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    }
}

static enum net_status run(struct pipe *p)
{
    struct http_xfer *x = &p->x;
    while (p->done < p->n) {
        if (x->link.c == NULL) {
            enum net_status st = connect_pipe(p);
            if (st != NET_OK)
                return st;
        }
        if (time_to_write(p)) {
            struct net_err e;
            x->err = &e;
            enum net_status st = write_ahead(p);
            x->err = p->err;
            if (st != NET_OK) {
                /* A connection the server closed under our writes: what
                 * it had not answered goes again on a new one, unless
                 * this was a fresh connection that answered nothing. */
                bool closed = st == NET_E_RESET || st == NET_E_CLOSED || st == NET_E_IO;
                if (!closed || (p->answers == 0 && !p->conn_reused)) {
                    stop_batch(p, &e);
                    return st;
                }
                http_link_close(&x->link);
                continue;
            }
        }
        quick_ack(p);
        bool again;
        enum net_status st = read_one(p, &again);
        if (st != NET_OK)
            return st;
    }
    return NET_OK;
}

/* Nothing was sent: every request's outcome is the refusal (st, err). */
static enum net_status refuse_all(struct net_http_result *res, size_t n, enum net_status st,
                                  const struct net_err *err)
{
    for (size_t i = 0; i < n; i++)
        http_result_outcome(&res[i], st, err);
    return st;
}

enum net_status net_http_perform_many(struct net_http_client *cl,
                                      const struct net_http_request *reqs,
                                      const struct net_http_callbacks *cb,
                                      struct net_http_result *res, size_t n,
                                      unsigned depth, struct net_err *err)
{
    struct net_err lerr;
    if (err == NULL)
        err = &lerr;
    net_err_clear(err);
    if (cl == NULL || (n > 0 && (reqs == NULL || res == NULL)))
        return net_err_set(err, NET_E_USAGE, "pipelining needs a client, requests and results");
    for (size_t i = 0; i < n; i++)
        memset(&res[i], 0, sizeof res[i]);
    if (depth < 1 || depth > NET_HTTP_PIPELINE_MAX)
        return refuse_all(res, n, net_err_set(err, NET_E_USAGE, "pipelining depth %u outside "
                                              "1..%u", depth, NET_HTTP_PIPELINE_MAX), err);
    if (n == 0)
        return NET_OK;
    struct pipe *p = calloc(1, sizeof *p);
    if (p == NULL)
        return refuse_all(res, n, net_err_set(err, NET_E_NOMEM, "out of memory for "
                                              "pipelining"), err);
    *p = (struct pipe){
        .reqs = reqs, .cb = cb, .res = res, .n = n, .depth = depth, .err = err,
    };
    p->x = (struct http_xfer){.cl = cl, .err = err, .res = &res[0], .t0 = net_now(),
                              .deadline = NET_NO_DEADLINE, .fd_seekable = -1,
                              .follow = false};
    http_trace(cl, NULL, "pipelining %zu requests, %u in flight", n, depth);
    enum net_status st = prepare(p);
    if (st != NET_OK)
        refuse_all(res, n, st, err);
    else if ((st = run(p)) != NET_OK)
        no_answers(p);
    if (st == NET_OK && p->failed)
        st = err->status;
    struct http_xfer *x = &p->x;
    if (x->link.c != NULL)
        http_release(x, p->done == p->n && p->sent == p->n);
    x->url_text = NULL;     /* the results own the effective URLs */
    if (x->url != x->first)
        net_url_free(x->url);
    net_url_free(x->first);
    net_http_proxy_free(x->proxy);
    http_creds_clear(&x->creds);
    free(p);
    return st;
}
