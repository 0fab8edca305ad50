/* redirect.c - following redirects: the policy (which statuses, how many,
 * which schemes), the Location resolved against the current URL, the
 * method and body rules, and where credentials may go. */
#include "protocols/http/client_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool http_is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool http_same_origin(const struct net_url *a, const struct net_url *b)
{
    return strcmp(a->scheme, b->scheme) == 0 && strcasecmp(a->host, b->host) == 0 &&
           a->port == b->port;
}

enum net_status http_set_hop(struct http_xfer *x, struct net_url *u)
{
    struct net_http_client *cl = x->cl;
    enum net_status st = http_check_url(u, x->err);
    char *text = NULL;
    struct net_http_proxy *proxy = NULL;
    if (st == NET_OK)
        st = net_url_format(u, &text, x->err);
    if (st == NET_OK)
        st = net_http_proxy_select(u, cl->o.proxy, cl->o.no_proxy, cl->o.proxy_env, &proxy,
                                   x->err);
    if (st == NET_OK)
        st = http_creds_proxy(proxy, &x->creds, x->err);
    if (st != NET_OK) {
        free(text);
        net_http_proxy_free(proxy);
        net_url_free(u);
        return st;
    }
    if (x->url != x->first)
        net_url_free(x->url);
    free(x->url_text);
    net_http_proxy_free(x->proxy);
    x->url = u;
    x->url_text = text;
    x->proxy = proxy;
    x->tunnel = proxy != NULL && strcmp(u->scheme, "https") == 0;
    x->same_origin = http_same_origin(u, x->first);
    x->send_creds = cl->o.location_trusted || x->same_origin;
    return NET_OK;
}

/* The redirect limit in force. */
static int redirect_limit(const struct net_http_client *cl)
{
    if (cl->o.max_redirects < 0)
        return 0;
    return cl->o.max_redirects ? cl->o.max_redirects : NET_HTTP_REDIRECTS_DEFAULT;
}

/* Is the scheme of absolute URL text http or https? */
static bool followable(const char *abs)
{
    return strncasecmp(abs, "http://", 7) == 0 || strncasecmp(abs, "https://", 8) == 0;
}

/* The method and body of the next hop (RFC 9110 15.4). */
static enum net_status next_method(struct http_xfer *x, int status)
{
    bool head = strcmp(x->method, "HEAD") == 0;
    bool post = strcmp(x->method, "POST") == 0;
    if (status == 303 || ((status == 301 || status == 302) && post)) {
        if (!head)
            x->method = "GET";
        if (x->send_body)
            x->strip_body_fields = true;
        x->send_body = false;
        return NET_OK;
    }
    if (x->send_body && !x->body_skipped)
        return http_body_rewind(x);
    return NET_OK;
}

/*
 * A Location as servers really send it: spaces and bytes over 0x7f are
 * percent-encoded (as browsers and curl do); anything else is left for the
 * resolver to judge. *out is location itself or an allocated copy.
 */
static enum net_status encode_location(const char *location, char **out, char **owned,
                                       struct net_err *err)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t extra = 0, n = strlen(location);
    *owned = NULL;
    *out = (char *)location;
    for (size_t i = 0; i < n; i++)
        if (location[i] == ' ' || (unsigned char)location[i] >= 0x80)
            extra += 2;
    if (extra == 0)
        return NET_OK;
    char *p = malloc(n + extra + 1);
    if (p == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory for a redirect");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)location[i];
        if (c == ' ' || c >= 0x80) {
            p[k++] = '%';
            p[k++] = hex[c >> 4];
            p[k++] = hex[c & 15];
        } else {
            p[k++] = (char)c;
        }
    }
    p[k] = '\0';
    *out = *owned = p;
    return NET_OK;
}

enum net_status http_follow(struct http_xfer *x, int status, const char *location)
{
    char *abs = NULL, *text = NULL, *loc, *owned;
    struct net_url *u = NULL;
    struct net_err e;
    enum net_status st = encode_location(location, &loc, &owned, x->err);
    if (st != NET_OK)
        return st;
    st = net_url_resolve(x->url, loc, &abs, &e);
    free(owned);
    if (st != NET_OK) {
        net_err_set(x->err, NET_E_PROTOCOL, "bad Location in the %d from %s: %s", status,
                    x->url_text, e.text);
        return NET_E_PROTOCOL;
    }
    if (!followable(abs)) {
        size_t n = strcspn(abs, ":");
        net_err_set(x->err, NET_E_REDIRECT_REFUSED, "redirect from %s to a URL of scheme "
                    "'%.*s' refused: only http and https are followed", x->url_text,
                    (int)(n < 16 ? n : 16), abs);
        free(abs);
        return NET_E_REDIRECT_REFUSED;
    }
    st = net_url_parse(abs, NULL, &u, &e);
    free(abs);
    if (st == NET_OK && (st = net_url_format(u, &text, &e)) != NET_OK)
        net_url_free(u);
    if (st != NET_OK) {
        net_err_set(x->err, NET_E_PROTOCOL, "bad Location in the %d from %s: %s", status,
                    x->url_text, e.text);
        return NET_E_PROTOCOL;
    }
    int limit = redirect_limit(x->cl);
    if (x->res->redirects >= (unsigned)limit) {
        net_err_set(x->err, NET_E_REDIRECTS, "more than %d redirect%s (last: %s)", limit,
                    limit == 1 ? "" : "s", text);
        free(text);
        net_url_free(u);
        return NET_E_REDIRECTS;
    }
    http_trace(x->cl, NULL, "redirect %d to %s", status, text);
    free(text);
    x->res->redirects++;
    if ((st = next_method(x, status)) != NET_OK) {
        net_url_free(u);
        return st;
    }
    return http_set_hop(x, u);
}
