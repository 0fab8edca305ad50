/* request.c - checking a request before the wire, and building its head
 * (request line and fields, in curl's order) into the client's buffer. */
#include "protocols/http/client_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- checks ---- */

/* RFC 9110 5.6.2: tchar. */
static bool is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

bool http_is_token(const char *s)
{
    if (s == NULL || s[0] == '\0')
        return false;
    for (; *s; s++)
        if (!is_tchar((unsigned char)*s))
            return false;
    return true;
}

static enum net_status check_headers(const struct net_http_request *req, struct net_err *err)
{
    if (req->nheaders > NET_HTTP_REQ_HEADERS_MAX)
        return net_err_set(err, NET_E_USAGE, "%zu request header fields (at most %u)",
                           req->nheaders, NET_HTTP_REQ_HEADERS_MAX);
    if (req->nheaders > 0 && req->headers == NULL)
        return net_err_set(err, NET_E_USAGE, "request header fields missing");
    for (size_t i = 0; i < req->nheaders; i++) {
        const struct net_http_header *h = &req->headers[i];
        if (h->name == NULL || !http_is_token(h->name))
            return net_err_set(err, NET_E_UNSAFE_INPUT, "request header field %zu: the name "
                               "is not a token (RFC 9110 5.1)", i + 1);
        if (h->value != NULL && net_has_ctl(h->value, strlen(h->value)))
            return net_err_set(err, NET_E_UNSAFE_INPUT, "request header field '%s': the "
                               "value holds a CR, LF or NUL", h->name);
    }
    return NET_OK;
}

static enum net_status check_body(const struct net_http_body *b, struct net_err *err)
{
    switch (b->src) {
    case NET_HTTP_SRC_NONE:
        return NET_OK;
    case NET_HTTP_SRC_MEMORY:
        if (b->size < 0 || (b->size > 0 && b->data == NULL))
            return net_err_set(err, NET_E_USAGE, "a memory body needs its data and size");
        return NET_OK;
    case NET_HTTP_SRC_FD:
        if (b->fd < 0)
            return net_err_set(err, NET_E_USAGE, "a file body needs a descriptor");
        return NET_OK;
    case NET_HTTP_SRC_CALLBACK:
        if (b->read == NULL)
            return net_err_set(err, NET_E_USAGE, "a callback body needs a read function");
        return NET_OK;
    }
    return net_err_set(err, NET_E_USAGE, "unknown body source %d", (int)b->src);
}

enum net_status http_check_request(const struct net_http_request *req, struct net_err *err)
{
    if (req == NULL || req->url == NULL)
        return net_err_set(err, NET_E_USAGE, "no request URL");
    if (req->method != NULL && !http_is_token(req->method))
        return net_err_set(err, NET_E_UNSAFE_INPUT, "the request method is not a token "
                           "(RFC 9110 9.1): it must not hold spaces, CR, LF or NUL");
    enum net_status st = check_headers(req, err);
    if (st != NET_OK)
        return st;
    return check_body(&req->body, err);
}

/* A component bound for the request line: no CR, LF or NUL, raw or
 * percent-decoded. */
static enum net_status check_component(const char *s, const char *what, struct net_err *err)
{
    if (s == NULL)
        return NET_OK;
    size_t len = strlen(s);
    if (net_has_ctl(s, len))
        return net_err_set(err, NET_E_UNSAFE_INPUT, "the URL's %s holds a CR, LF or NUL", what);
    if (memchr(s, '%', len) == NULL)
        return NET_OK;
    char *dec;
    enum net_status st = net_pct_decode(s, len, NET_PCT_NO_CTL, what, &dec, NULL, err);
    free(dec);
    return st;
}

enum net_status http_check_url(const struct net_url *u, struct net_err *err)
{
    if (strcmp(u->scheme, "http") != 0 && strcmp(u->scheme, "https") != 0)
        return net_err_set(err, NET_E_URL, "the URL scheme '%s' is not http or https",
                           u->scheme);
    enum net_status st = check_component(u->path, "path", err);
    if (st == NET_OK)
        st = check_component(u->query, "query", err);
    return st;
}

/* ---- the head buffer ---- */

void http_reqbuf_reset(struct http_reqbuf *b)
{
    b->len = 0;
    b->nsecret = 0;
    b->overflow = b->nomem = false;
}

static bool reqbuf_room(struct http_reqbuf *b, size_t n)
{
    if (b->overflow)
        return false;
    if (n > NET_HTTP_REQ_HEAD_MAX - b->len) {
        b->overflow = true;
        return false;
    }
    if (b->cap - b->len >= n)
        return true;
    size_t cap = b->cap ? b->cap : HTTP_REQ_BUF_INITIAL;
    while (cap - b->len < n)
        cap *= 2;
    if (cap > NET_HTTP_REQ_HEAD_MAX)
        cap = NET_HTTP_REQ_HEAD_MAX;
    char *p = realloc(b->p, cap);
    if (p == NULL) {
        b->overflow = b->nomem = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void http_reqbuf_put(struct http_reqbuf *b, const char *s, size_t n)
{
    if (n == 0 || !reqbuf_room(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

void http_reqbuf_str(struct http_reqbuf *b, const char *s)
{
    http_reqbuf_put(b, s, strlen(s));
}

/* "name: value\r\n" ("name:" alone for an empty value); a secret value is
 * recorded so that the trace masks it. */
void http_reqbuf_field(struct http_reqbuf *b, const char *name, const char *value,
                       bool secret)
{
    http_reqbuf_str(b, name);
    http_reqbuf_put(b, ":", 1);
    if (value[0] != '\0') {
        http_reqbuf_put(b, " ", 1);
        size_t off = b->len, n = strlen(value);
        http_reqbuf_put(b, value, n);
        if (secret && !b->overflow) {
            if (b->nsecret == HTTP_SECRETS_MAX)
                b->overflow = true;     /* never send a secret we cannot mask */
            else
                b->secret[b->nsecret++] = (struct http_secret){off, n};
        }
    }
    http_reqbuf_put(b, "\r\n", 2);
}

enum net_status http_reqbuf_status(const struct http_reqbuf *b, struct net_err *err)
{
    if (b->nomem)
        return net_err_set(err, NET_E_NOMEM, "out of memory for the request head");
    if (b->overflow)
        return net_err_set(err, NET_E_USAGE, "the request head is over %u bytes (or holds "
                           "more than %u credentials)", NET_HTTP_REQ_HEAD_MAX,
                           HTTP_SECRETS_MAX);
    return NET_OK;
}

size_t http_head_spans(const struct http_reqbuf *b, struct net_span *v)
{
    size_t n = 0, at = 0;
    for (size_t i = 0; i < b->nsecret; i++) {
        if (b->secret[i].off > at)
            v[n++] = (struct net_span){b->p + at, b->secret[i].off - at, false};
        v[n++] = (struct net_span){b->p + b->secret[i].off, b->secret[i].len, true};
        at = b->secret[i].off + b->secret[i].len;
    }
    if (b->len > at)
        v[n++] = (struct net_span){b->p + at, b->len - at, false};
    return n;
}

/* ---- the fields ---- */

size_t http_host_field(const struct net_url *u, char *out, size_t cap)
{
    const struct net_scheme *s = net_scheme_find(u->scheme);
    size_t hlen = u->zone ? (size_t)(u->zone - 1 - u->host) : strlen(u->host);
    bool v6 = u->host_kind == NET_HOST_IPV6;
    int n;
    if (s != NULL && s->port == u->port)
        n = snprintf(out, cap, "%s%.*s%s", v6 ? "[" : "", (int)hlen, u->host, v6 ? "]" : "");
    else
        n = snprintf(out, cap, "%s%.*s%s:%u", v6 ? "[" : "", (int)hlen, u->host,
                     v6 ? "]" : "", u->port);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* Fields of ours that a caller header of the same name replaces. */
enum our_field {
    F_HOST, F_PROXY_AUTH, F_AUTH, F_USER_AGENT, F_ACCEPT, F_ACCEPT_ENCODING, F_RANGE,
    F_LENGTH, F_TRANSFER_ENCODING, F_EXPECT, F_CONNECTION, F_COUNT
};

static const char *const our_names[F_COUNT] = {
    [F_HOST] = "Host",
    [F_PROXY_AUTH] = "Proxy-Authorization",
    [F_AUTH] = "Authorization",
    [F_USER_AGENT] = "User-Agent",
    [F_ACCEPT] = "Accept",
    [F_ACCEPT_ENCODING] = "Accept-Encoding",
    [F_RANGE] = "Range",
    [F_LENGTH] = "Content-Length",
    [F_TRANSFER_ENCODING] = "Transfer-Encoding",
    [F_EXPECT] = "Expect",
    [F_CONNECTION] = "Connection",
};

static bool is_secret_name(const char *name)
{
    return strcasecmp(name, "Authorization") == 0 ||
           strcasecmp(name, "Proxy-Authorization") == 0;
}

/* Is caller header h left out of this hop? */
static bool caller_dropped(const struct http_xfer *x, const struct net_http_header *h)
{
    if (!x->send_creds && (strcasecmp(h->name, "Authorization") == 0 ||
                           strcasecmp(h->name, "Cookie") == 0))
        return true;
    /* The caller's Host names the first origin, not a redirect target. */
    if (!x->same_origin && strcasecmp(h->name, "Host") == 0)
        return true;
    if (x->strip_body_fields && (strcasecmp(h->name, "Content-Type") == 0 ||
                                 strcasecmp(h->name, "Content-Length") == 0))
        return true;
    /* Proxy-Authorization goes to a proxy only, and through a tunnel only
     * in the CONNECT request (tunnel.c). */
    if (strcasecmp(h->name, "Proxy-Authorization") == 0 && (x->proxy == NULL || x->tunnel))
        return true;
    return false;
}

/*
 * Our field f with value (NULL: we would not send it), unless caller
 * headers of that name exist: then those take its place (a NULL value
 * removes it). used[] marks the caller headers placed here.
 */
static void put_ours(struct http_xfer *x, enum our_field f, const char *value, bool secret,
                     bool *used)
{
    struct http_reqbuf *b = &x->cl->req;
    const struct net_http_request *req = x->req;
    bool replaced = false;
    for (size_t i = 0; i < req->nheaders; i++) {
        const struct net_http_header *h = &req->headers[i];
        if (strcasecmp(h->name, our_names[f]) != 0)
            continue;
        used[i] = true;
        if (caller_dropped(x, h))
            continue;
        replaced = true;
        if (h->value != NULL)
            http_reqbuf_field(b, h->name, h->value, is_secret_name(h->name));
    }
    if (!replaced && value != NULL)
        http_reqbuf_field(b, our_names[f], value, secret);
}

/* The request target: absolute form through a plain proxy, else the path
 * ("" is "/") and the query; never the fragment. x->target, when set, is
 * the path and query already (pipelining). */
static void put_target(struct http_xfer *x)
{
    struct http_reqbuf *b = &x->cl->req;
    const struct net_url *u = x->url;
    if (x->proxy != NULL && !x->tunnel) {
        char hp[HTTP_HOSTPORT_MAX];
        http_reqbuf_str(b, u->scheme);
        http_reqbuf_put(b, "://", 3);
        http_reqbuf_put(b, hp, http_host_field(u, hp, sizeof hp));
    }
    if (x->target != NULL) {
        if (x->target[0] != '/')
            http_reqbuf_put(b, "/", 1);
        http_reqbuf_str(b, x->target);
        return;
    }
    if (u->path[0] == '\0')
        http_reqbuf_put(b, "/", 1);
    else
        http_reqbuf_str(b, u->path);
    if (u->query != NULL) {
        http_reqbuf_put(b, "?", 1);
        http_reqbuf_str(b, u->query);
    }
}

static const char *user_agent(const struct net_http_client *cl, char *buf, size_t cap)
{
    const char *ua = cl->o.user_agent;
    if (ua == NULL) {
        snprintf(buf, cap, "net-http/%s", net_http_version());
        return buf;
    }
    return ua[0] ? ua : NULL;
}

enum net_status http_build_head(struct http_xfer *x, bool expect)
{
    http_reqbuf_reset(&x->cl->req);
    return http_append_head(x, expect);
}

enum net_status http_append_head(struct http_xfer *x, bool expect)
{
    struct http_reqbuf *b = &x->cl->req;
    const struct net_http_request *req = x->req;
    bool used[NET_HTTP_REQ_HEADERS_MAX] = {false};
    char host[HTTP_HOSTPORT_MAX], ua[HTTP_FIELD_SHORT_MAX], range[HTTP_FIELD_SHORT_MAX];
    char length[HTTP_FIELD_SHORT_MAX];

    http_reqbuf_str(b, x->method);
    http_reqbuf_put(b, " ", 1);
    put_target(x);
    http_reqbuf_put(b, " HTTP/1.1\r\n", 11);
    http_host_field(x->url, host, sizeof host);
    put_ours(x, F_HOST, host, false, used);
    put_ours(x, F_PROXY_AUTH, x->proxy && !x->tunnel ? x->creds.proxy_auth : NULL, true, used);
    put_ours(x, F_AUTH, x->send_creds ? x->creds.auth : NULL, true, used);
    put_ours(x, F_USER_AGENT, user_agent(x->cl, ua, sizeof ua), false, used);
    put_ours(x, F_ACCEPT, "*/*", false, used);
    put_ours(x, F_ACCEPT_ENCODING, x->cl->o.decompress ? "gzip, deflate" : NULL, false, used);
    if (req->range_start > 0)
        snprintf(range, sizeof range, "bytes=%" PRIu64 "-", req->range_start);
    put_ours(x, F_RANGE, req->range_start > 0 ? range : NULL, false, used);
    int64_t size = x->send_body ? http_body_size(x) : -2;
    if (size >= 0)
        snprintf(length, sizeof length, "%" PRId64, size);
    put_ours(x, F_LENGTH, size >= 0 ? length : NULL, false, used);
    put_ours(x, F_TRANSFER_ENCODING, size == -1 ? "chunked" : NULL, false, used);
    put_ours(x, F_EXPECT, expect ? "100-continue" : NULL, false, used);
    put_ours(x, F_CONNECTION, x->cl->o.no_keepalive ? "close" : NULL, false, used);
    for (size_t i = 0; i < req->nheaders; i++) {
        const struct net_http_header *h = &req->headers[i];
        if (used[i] || h->value == NULL || caller_dropped(x, h))
            continue;
        http_reqbuf_field(b, h->name, h->value, is_secret_name(h->name));
    }
    http_reqbuf_put(b, "\r\n", 2);
    return http_reqbuf_status(b, x->err);
}
