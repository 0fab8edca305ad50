/* tunnel.c - an https request through an http proxy: CONNECT (RFC 9110
 * 9.3.6) with Proxy-Authorization, then TLS to the origin, verified
 * against the origin's name. The proxy's answer is never shown to on_head. */
#include "protocols/http/client_impl.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* "host:port" for CONNECT: IPv6 bracketed, zone dropped, port always. */
static void connect_target(const struct net_url *u, char *out, size_t cap)
{
    size_t hlen = u->zone ? (size_t)(u->zone - 1 - u->host) : strlen(u->host);
    bool v6 = u->host_kind == NET_HOST_IPV6;
    snprintf(out, cap, "%s%.*s%s:%u", v6 ? "[" : "", (int)hlen, u->host, v6 ? "]" : "",
             u->port);
}

/* The caller's Proxy-Authorization header, which replaces ours. */
static const struct net_http_header *caller_proxy_auth(const struct net_http_request *req)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (strcasecmp(req->headers[i].name, "Proxy-Authorization") == 0)
            return &req->headers[i];
    return NULL;
}

static enum net_status send_connect(struct http_xfer *x, struct net_conn *c,
                                    const char *target)
{
    struct http_reqbuf *b = &x->cl->req;
    const struct net_http_header *h = caller_proxy_auth(x->req);
    http_reqbuf_reset(b);
    http_reqbuf_str(b, "CONNECT ");
    http_reqbuf_str(b, target);
    http_reqbuf_str(b, " HTTP/1.1\r\n");
    http_reqbuf_field(b, "Host", target, false);
    if (h != NULL && h->value != NULL)
        http_reqbuf_field(b, h->name, h->value, true);
    else if (h == NULL && x->creds.proxy_auth != NULL)
        http_reqbuf_field(b, "Proxy-Authorization", x->creds.proxy_auth, true);
    const char *ua = x->cl->o.user_agent;
    char uabuf[HTTP_FIELD_SHORT_MAX];
    if (ua == NULL) {
        snprintf(uabuf, sizeof uabuf, "net-http/%s", net_http_version());
        ua = uabuf;
    }
    if (ua[0])
        http_reqbuf_field(b, "User-Agent", ua, false);
    http_reqbuf_str(b, "Proxy-Connection: Keep-Alive\r\n\r\n");
    enum net_status st = http_reqbuf_status(b, x->err);
    if (st != NET_OK)
        return st;
    struct net_span v[HTTP_SPANS_MAX];
    size_t n = http_head_spans(b, v);
    if ((st = net_conn_writev(c, v, n)) != NET_OK)
        *x->err = *net_conn_err(c);
    return st;
}

/* Read the proxy's final answer (interim ones skipped, within the cap). */
static enum net_status read_answer(struct http_xfer *x, struct net_conn *c, size_t *len)
{
    for (unsigned interim = 0;; interim++) {
        enum net_status st = http_read_one_head(c, &x->head, len, x->err);
        if (st != NET_OK)
            return st;
        if (x->head.status >= 200)
            return NET_OK;
        if (interim == NET_HTTP_INTERIM_MAX)
            return net_err_set(x->err, NET_E_PROTOCOL, "endless 1xx responses from the "
                               "proxy %s", x->proxy->display);
        net_conn_consume(c, *len);
    }
}

enum net_status http_tunnel(struct http_xfer *x, struct net_conn *c)
{
    char target[HTTP_HOSTPORT_MAX];
    connect_target(x->url, target, sizeof target);
    http_trace(x->cl, c, "CONNECT %s through %s", target, x->proxy->display);
    size_t len;
    enum net_status st = send_connect(x, c, target);
    if (st == NET_OK)
        st = read_answer(x, c, &len);
    if (st != NET_OK)
        return st;
    if (x->head.status / 100 != 2) {
        net_err_set(x->err, NET_E_REFUSED, "the proxy %s refused CONNECT to %s: ",
                    x->proxy->display, target);
        http_err_status_line(x->err, &x->head);
        return NET_E_REFUSED;
    }
    net_conn_consume(c, len);
    st = net_conn_starttls(c, x->url->host, &x->cl->tls_opts, x->cl->tls_ctx);
    if (st != NET_OK)
        *x->err = *net_conn_err(c);
    return st;
}
