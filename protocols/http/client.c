/* client.c - the client object and net_http_perform(): one request, its
 * redirects, and the one retry of a request that met a connection the
 * server had closed while it sat in the pool. */
#include "protocols/http/client_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The library's version, as the Makefile's VERSION. */
#define HTTP_VERSION "0.1.0"
/* ALPN offered on HTTPS when the caller names none. */
#define HTTP_ALPN "http/1.1"

const char *net_http_version(void)
{
    return HTTP_VERSION;
}

void http_trace(const struct net_http_client *cl, const struct net_conn *c,
                const char *fmt, ...)
{
    const struct net_trace *t = c ? net_conn_trace(c) : &cl->o.conn.trace;
    if (t->fn == NULL)
        return;
    char note[NET_TRACE_INFO_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note, sizeof note, fmt, ap);
    va_end(ap);
    net_trace_info(t, "%s", note);
}

const char *http_method(const struct net_http_request *req)
{
    if (req->method != NULL)
        return req->method;
    return req->body.src != NET_HTTP_SRC_NONE ? "POST" : "GET";
}

/* ---- the client ---- */

enum net_status net_http_client_new(const struct net_http_client_opts *opts,
                                    struct net_http_client **out, struct net_err *err)
{
    *out = NULL;
    struct net_http_client *cl = calloc(1, sizeof *cl);
    if (cl == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory for an HTTP client");
    if (opts != NULL)
        cl->o = *opts;
    if (cl->o.conn.tls_opts != NULL)
        cl->tls_opts = *cl->o.conn.tls_opts;
    if (cl->tls_opts.alpn == NULL)
        cl->tls_opts.alpn = HTTP_ALPN;
    cl->tls_opts.server = false;
    cl->tls_ctx = cl->o.conn.tls_ctx;   /* the caller's, when given: not ours to free */
    *out = cl;
    return NET_OK;
}

void net_http_client_free(struct net_http_client *cl)
{
    if (cl == NULL)
        return;
    http_pool_clear(cl);
    if (cl->own_tls_ctx)
        net_tls_ctx_free(cl->tls_ctx);
    free(cl->req.p);
    free(cl->upbuf);
    free(cl);
}

enum net_status http_result_outcome(struct net_http_result *res, enum net_status st,
                                    const struct net_err *err)
{
    res->error = st;
    if (st == NET_OK)
        res->error_text[0] = '\0';
    else
        snprintf(res->error_text, sizeof res->error_text, "%s",
                 err->text[0] ? err->text : net_status_str(st));
    return st;
}

void net_http_result_clear(struct net_http_result *res)
{
    if (res == NULL)
        return;
    free(res->effective_url);
    memset(res, 0, sizeof *res);
}

/* ---- one exchange ---- */

static bool idempotent(const char *method)
{
    static const char *const names[] = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(method, names[i]) == 0)
            return true;
    return false;
}

static uint64_t bytes_in(const struct net_conn *c)
{
    struct net_conn_stats s;
    net_conn_stats(c, &s);
    return s.bytes_in;
}

/* Send the request of the current hop and read its final response. */
static enum net_status one_request(struct http_xfer *x, char **redirect_to, bool *reusable)
{
    *reusable = false;
    x->interim = 0;
    x->answered_early = x->body_skipped = false;
    x->in_before = bytes_in(x->link.c);
    bool expect = http_wants_expect(x);
    enum net_status st = http_build_head(x, expect);
    if (st != NET_OK)
        return st;
    struct net_span v[HTTP_SPANS_MAX];
    size_t n = http_head_spans(&x->cl->req, v);
    if (expect) {
        if ((st = net_conn_writev(x->link.c, v, n)) != NET_OK)
            *x->err = *net_conn_err(x->link.c);
        else
            st = http_expect_continue(x);
    } else {
        st = http_send_with_body(x, v, n);
    }
    size_t len;
    if (st == NET_OK)
        st = http_read_final_head(x, &len);
    if (st == NET_OK)
        st = http_handle_response(x, len, redirect_to, reusable);
    x->link.uses++;
    if (x->answered_early)
        *reusable = false;
    return st;
}

/* Was the failure a pooled connection the server had closed, with no byte
 * of an answer, for a request we may send again? */
static bool may_retry(struct http_xfer *x, enum net_status st, bool reused)
{
    if (!reused || (st != NET_E_CLOSED && st != NET_E_RESET) || x->link.c == NULL)
        return false;
    if (bytes_in(x->link.c) != x->in_before)
        return false;
    bool resendable = http_body_resendable(x);
    return (idempotent(x->method) || resendable) && resendable;
}

/* The current hop on a connection, retried once on a fresh one. */
static enum net_status exchange(struct http_xfer *x, char **redirect_to)
{
    for (int attempt = 0;; attempt++) {
        enum net_status st = http_acquire(x, attempt > 0);
        if (st != NET_OK)
            return st;
        bool reused = x->link.uses > 0;
        x->res->reused = reused;
        bool reusable;
        st = one_request(x, redirect_to, &reusable);
        if (st == NET_OK) {
            http_release(x, reusable);
            return NET_OK;
        }
        free(*redirect_to);
        *redirect_to = NULL;
        /* A failure that left the connection clean (an error status whose
         * body was drained) keeps it. */
        bool retry = attempt == 0 && may_retry(x, st, reused);
        http_release(x, reusable && !retry);
        if (!retry)
            return st;
        http_trace(x->cl, NULL, "retrying on a new connection (%s)", x->err->text);
        x->res->upload_bytes = 0;
        if ((st = http_body_rewind(x)) != NET_OK)
            return st;
    }
}

/* ---- the transfer ---- */

static enum net_status setup(struct http_xfer *x)
{
    enum net_status st = http_check_request(x->req, x->err);
    if (st != NET_OK)
        return st;
    struct net_url *u;
    if ((st = net_url_parse(x->req->url, "http", &u, x->err)) != NET_OK)
        return st;
    x->first = u;
    x->method = http_method(x->req);
    x->send_body = x->req->body.src != NET_HTTP_SRC_NONE;
    if ((st = http_set_hop(x, u)) != NET_OK) {
        x->first = NULL;    /* freed by http_set_hop */
        return st;
    }
    return http_creds_init(x->cl, u, &x->creds, x->err);
}

static void teardown(struct http_xfer *x)
{
    if (x->link.c != NULL)
        http_link_close(&x->link);
    if (x->url != x->first)
        net_url_free(x->url);
    net_url_free(x->first);
    net_http_proxy_free(x->proxy);
    http_creds_clear(&x->creds);
}

enum net_status net_http_perform(struct net_http_client *cl,
                                 const struct net_http_request *req,
                                 const struct net_http_callbacks *cb,
                                 struct net_http_result *res, struct net_err *err)
{
    struct net_http_result local;
    struct net_err lerr;
    if (res == NULL)
        res = &local;
    if (err == NULL)
        err = &lerr;
    memset(res, 0, sizeof *res);
    net_err_clear(err);
    struct http_xfer x = {
        .cl = cl, .req = req, .cb = cb, .res = res, .err = err, .t0 = net_now(),
        .fd_seekable = -1, .follow = cl ? cl->o.follow : false,
    };
    if (cl == NULL)
        return http_result_outcome(res, net_err_set(err, NET_E_USAGE, "no HTTP client"), err);
    /* One limit for the whole call: connects, redirects and retries share it. */
    x.deadline = http_deadline_from(cl, x.t0);
    enum net_status st = setup(&x);
    while (st == NET_OK) {
        char *redirect_to = NULL;
        st = exchange(&x, &redirect_to);
        if (st != NET_OK || redirect_to == NULL)
            break;
        st = http_follow(&x, res->status, redirect_to);
        free(redirect_to);
    }
    res->effective_url = x.url_text ? x.url_text : strdup("");
    x.url_text = NULL;
    res->time_total = net_now() - x.t0;
    http_result_outcome(res, st, err);
    teardown(&x);
    if (res == &local)
        net_http_result_clear(&local);
    return st;
}
