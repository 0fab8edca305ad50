/* pool.c - connections: the idle pool (keyed by scheme, host, port, proxy
 * and credential identity, oldest evicted), the staleness check before
 * reuse, and opening new ones (TLS context, connect hook, tunnel). */
#include "protocols/http/client_impl.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the TLS context ---- */

enum net_status http_tls_ctx(struct net_http_client *cl, struct net_err *err)
{
    if (cl->tls_ctx != NULL)
        return NET_OK;
    enum net_status st = net_tls_ctx_new(&cl->tls_opts, &cl->tls_ctx, err);
    if (st == NET_OK)
        cl->own_tls_ctx = true;
    return st;
}

/* ---- the time limit ---- */

net_ms http_deadline_from(const struct net_http_client *cl, net_ms t0)
{
    net_ms limit = cl->o.conn.total_timeout_ms;
    return limit > 0 ? t0 + limit : NET_NO_DEADLINE;
}

enum net_status http_time_left(struct http_xfer *x, net_ms *left)
{
    *left = 0;
    if (x->deadline == NET_NO_DEADLINE)
        return NET_OK;
    *left = x->deadline - net_now();
    if (*left > 0)
        return NET_OK;
    return net_err_set(x->err, NET_E_TOTAL_TIMEOUT, "%s (%lld ms) for %s",
                       net_status_str(NET_E_TOTAL_TIMEOUT),
                       (long long)x->cl->o.conn.total_timeout_ms, x->url_text);
}

enum net_status http_arm_deadline(struct http_xfer *x, struct net_conn *c)
{
    net_ms left;
    enum net_status st = http_time_left(x, &left);
    if (st != NET_OK) {
        net_conn_fail(c, st, "%s", x->err->text);
        return st;
    }
    net_conn_set_total_timeout(c, left);
    return NET_OK;
}

/* ---- keys ---- */

/* The caller's Authorization header sent on this hop, or NULL. */
static const char *caller_auth(const struct http_xfer *x)
{
    if (!x->send_creds)
        return NULL;
    for (size_t i = 0; i < x->req->nheaders; i++)
        if (strcasecmp(x->req->headers[i].name, "Authorization") == 0 &&
            x->req->headers[i].value != NULL)
            return x->req->headers[i].value;
    return NULL;
}

/*
 * The identity of the credentials this hop sends (NULL: none), so that a
 * connection authenticated one way is never handed to a request sent
 * another way. Allocated only when there are credentials.
 */
static enum net_status cred_identity(const struct http_xfer *x, char **out,
                                     struct net_err *err)
{
    const char *a = x->send_creds && x->creds.auth ? x->creds.auth : "";
    const char *p = x->proxy && x->creds.proxy_auth ? x->creds.proxy_auth : "";
    const char *h = caller_auth(x);
    if (h == NULL)
        h = "";
    *out = NULL;
    if (!a[0] && !p[0] && !h[0])
        return NET_OK;
    size_t n = strlen(a) + strlen(p) + strlen(h) + 3;
    if ((*out = malloc(n)) == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory");
    char *q = stpcpy(*out, a);
    *q++ = '\n';
    q = stpcpy(q, p);
    *q++ = '\n';
    strcpy(q, h);
    return NET_OK;
}

static bool str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool link_matches(const struct http_link *l, const struct http_xfer *x,
                         const char *cred)
{
    return l->c != NULL && l->tls == (strcmp(x->url->scheme, "https") == 0) &&
           l->port == x->url->port && strcasecmp(l->host, x->url->host) == 0 &&
           str_eq(l->proxy, x->proxy ? x->proxy->display : NULL) && str_eq(l->cred, cred);
}

/* ---- links ---- */

static void wipe_free(char *s)
{
    if (s != NULL) {
        memset(s, 0, strlen(s));
        free(s);
    }
}

void http_link_close(struct http_link *l)
{
    net_conn_close(l->c);
    free(l->host);
    free(l->proxy);
    wipe_free(l->cred);
    memset(l, 0, sizeof *l);
}

void http_pool_clear(struct net_http_client *cl)
{
    for (size_t i = 0; i < NET_HTTP_POOL_MAX; i++)
        if (cl->pool[i].c != NULL)
            http_link_close(&cl->pool[i]);
}

/*
 * Has the idle connection gone bad: closed by the server, or holding bytes
 * nobody asked for? Looks without waiting and without making anything
 * sticky except a real error (which also means: do not use it).
 */
static bool is_stale(struct net_conn *c)
{
    size_t len;
    net_conn_data(c, &len);
    if (len > 0 || net_conn_eof(c) || net_conn_err(c)->status != NET_OK)
        return true;
    if (net_conn_pending(c) == 0) {
        int fd = net_conn_fd(c);
        if (fd < 0)
            return false;       /* in memory: nothing can have arrived */
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r;
        while ((r = poll(&p, 1, 0)) < 0 && errno == EINTR)
            ;
        if (r == 0)
            return false;
    }
    size_t got;
    if (net_conn_fill_nowait(c, &got) != NET_OK)
        return true;
    return got > 0 || net_conn_eof(c);
}

/* Take a matching idle connection out of the pool, if a good one is there. */
static bool take_pooled(struct http_xfer *x, const char *cred)
{
    struct net_http_client *cl = x->cl;
    for (size_t i = 0; i < NET_HTTP_POOL_MAX; i++) {
        struct http_link *l = &cl->pool[i];
        if (!link_matches(l, x, cred))
            continue;
        if (is_stale(l->c)) {
            http_trace(cl, l->c, "closing the idle connection to %s:%u (closed by the server "
                       "or unexpected bytes)", l->host, l->port);
            http_link_close(l);
            continue;
        }
        x->link = *l;
        memset(l, 0, sizeof *l);
        http_trace(cl, x->link.c, "re-using connection to %s:%u", x->link.host, x->link.port);
        return true;
    }
    return false;
}

static enum net_status open_conn(struct http_xfer *x, struct net_conn **out)
{
    struct net_http_client *cl = x->cl;
    bool https = strcmp(x->url->scheme, "https") == 0;
    struct net_conn_opts co = cl->o.conn;
    if (co.rbuf_size < HTTP_RBUF_MIN)
        co.rbuf_size = HTTP_RBUF_MIN;
    co.tls = https && x->proxy == NULL;
    co.tls_opts = &cl->tls_opts;
    co.tls_host = NULL;
    co.tls_resume = NULL;
    if (https) {
        enum net_status st = http_tls_ctx(cl, x->err);
        if (st != NET_OK)
            return st;
    }
    co.tls_ctx = cl->tls_ctx;
    /* Connecting spends the request's time: what is left bounds it. */
    enum net_status st = http_time_left(x, &co.total_timeout_ms);
    if (st != NET_OK)
        return st;
    const char *host = x->proxy ? x->proxy->host : x->url->host;
    unsigned short port = x->proxy ? x->proxy->port : x->url->port;
    st = cl->o.connect ? cl->o.connect(cl->o.connect_ctx, host, port, &co, out, x->err)
                       : net_conn_open(host, port, &co, out, x->err);
    if (st != NET_OK)
        return st;
    x->res->connects++;
    if ((st = http_arm_deadline(x, *out)) != NET_OK ||
        (x->tunnel && (st = http_tunnel(x, *out)) != NET_OK)) {
        net_conn_close(*out);
        *out = NULL;
    }
    return st;
}

enum net_status http_acquire(struct http_xfer *x, bool fresh_only)
{
    char *cred;
    enum net_status st = cred_identity(x, &cred, x->err);
    if (st != NET_OK)
        return st;
    if (!fresh_only && take_pooled(x, cred)) {
        wipe_free(cred);
        x->res->time_connect = net_now() - x->t0;
        if ((st = http_arm_deadline(x, x->link.c)) != NET_OK)
            http_link_close(&x->link);
        return st;
    }
    struct net_conn *c = NULL;
    if ((st = open_conn(x, &c)) != NET_OK) {
        wipe_free(cred);
        return st;
    }
    struct http_link *l = &x->link;
    memset(l, 0, sizeof *l);
    l->c = c;
    l->tls = strcmp(x->url->scheme, "https") == 0;
    l->port = x->url->port;
    l->host = strdup(x->url->host);
    l->proxy = x->proxy ? strdup(x->proxy->display) : NULL;
    l->cred = cred;
    l->opened_at = net_now();
    if (l->host == NULL || (x->proxy && l->proxy == NULL)) {
        http_link_close(l);
        return net_err_set(x->err, NET_E_NOMEM, "out of memory");
    }
    x->res->time_connect = l->opened_at - x->t0;
    return NET_OK;
}

void http_release(struct http_xfer *x, bool reusable)
{
    struct net_http_client *cl = x->cl;
    struct http_link *l = &x->link;
    if (l->c == NULL)
        return;
    size_t len;
    net_conn_data(l->c, &len);
    if (!reusable || cl->o.no_keepalive || len > 0 || net_conn_eof(l->c) ||
        net_conn_err(l->c)->status != NET_OK) {
        http_link_close(l);
        return;
    }
    size_t slot = 0;
    for (size_t i = 0; i < NET_HTTP_POOL_MAX; i++) {
        if (cl->pool[i].c == NULL) {
            slot = i;
            break;
        }
        if (cl->pool[i].last_used < cl->pool[slot].last_used)
            slot = i;
    }
    if (cl->pool[slot].c != NULL)
        http_link_close(&cl->pool[slot]);
    l->last_used = ++cl->tick;
    cl->pool[slot] = *l;
    memset(l, 0, sizeof *l);
}
