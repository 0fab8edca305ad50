/* framing.c - how an HTTP/1.x response body is delimited (framing.h, RFC
 * 9112 6.3), whether the connection may be reused, Content-Length values.
 * Pure: no allocation, no I/O. */
#include "protocols/http/framing.h"

#include <string.h>

#include "protocols/http/lex_impl.h"

bool net_http_parse_length(const char *p, size_t len, uint64_t *out)
{
    if (len == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!http_is_digit(c))
            return false;
        unsigned d = (unsigned)(c - '0');
        if (v > ((uint64_t)NET_HTTP_LENGTH_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* RFC 9112 6.3 items 1 and 2: no body whatever the fields say. */
static bool has_no_body(const struct net_http_head *h, const char *method)
{
    bool connect_ok = method != NULL && strcmp(method, "CONNECT") == 0 &&
                      h->status >= 200 && h->status < 300;
    return (method != NULL && strcmp(method, "HEAD") == 0) || h->status < 200 ||
           h->status == 204 || h->status == 304 || connect_ok;
}

/* May the connection carry another request, by version and Connection? */
static bool connection_reusable(const struct net_http_head *h)
{
    if (net_http_head_has_token(h, "Connection", "close"))
        return false;
    return h->version_minor >= 1 || net_http_head_has_token(h, "Connection", "keep-alive");
}

/* Transfer-Encoding is present: chunked when it is the last coding. */
static enum net_status te_framing(const struct net_http_head *h, bool has_cl,
                                  struct net_http_framing *out, struct net_err *err)
{
    if (has_cl)
        return net_err_set(err, NET_E_PROTOCOL,
                           "response has both Content-Length and Transfer-Encoding");
    if (h->version_minor == 0)
        return net_err_set(err, NET_E_PROTOCOL,
                           "Transfer-Encoding in an HTTP/1.0 response");
    unsigned chunked = 0, codings = 0;
    bool last_chunked = false;
    for (size_t i = 0; i < h->nfields; i++) {
        const struct net_http_field *f = &h->fields[i];
        if (!http_eq_nocase(f->name.p, f->name.len, "Transfer-Encoding"))
            continue;
        struct net_http_str item;
        size_t pos = 0;
        while (http_next_item(&f->value, &pos, &item)) {
            if (item.len == 0)
                continue;                   /* RFC 9110 5.6.1: ignore empty items */
            codings++;
            last_chunked = http_eq_nocase(item.p, item.len, "chunked");
            chunked += last_chunked;
        }
    }
    if (codings == 0)
        return net_err_set(err, NET_E_PROTOCOL, "empty Transfer-Encoding");
    if (chunked > 1)
        return net_err_set(err, NET_E_PROTOCOL, "Transfer-Encoding applies chunked twice");
    if (chunked == 1 && !last_chunked)
        return net_err_set(err, NET_E_PROTOCOL,
                           "Transfer-Encoding has chunked before another coding");
    out->kind = last_chunked ? NET_HTTP_BODY_CHUNKED : NET_HTTP_BODY_CLOSE;
    return NET_OK;
}

/* Every Content-Length field and item must be the same valid number. */
static enum net_status cl_framing(const struct net_http_head *h,
                                  struct net_http_framing *out, struct net_err *err)
{
    bool have = false;
    struct net_http_str first = {NULL, 0};
    for (size_t i = 0; i < h->nfields; i++) {
        const struct net_http_field *f = &h->fields[i];
        if (!http_eq_nocase(f->name.p, f->name.len, "Content-Length"))
            continue;
        struct net_http_str item;
        size_t pos = 0;
        while (http_next_item(&f->value, &pos, &item)) {
            uint64_t v;
            if (!net_http_parse_length(item.p, item.len, &v)) {
                net_err_set(err, NET_E_PROTOCOL, "invalid Content-Length ");
                http_quote_cut(err, f->value.p, f->value.len);
                return NET_E_PROTOCOL;
            }
            if (have && v != out->length) {
                net_err_set(err, NET_E_PROTOCOL, "conflicting Content-Length values ");
                http_quote_cut(err, first.p, first.len);
                net_err_append(err, " and ");
                http_quote_cut(err, item.p, item.len);
                return NET_E_PROTOCOL;
            }
            if (!have)
                first = item;
            have = true;
            out->length = v;
        }
    }
    out->kind = NET_HTTP_BODY_LENGTH;
    return NET_OK;
}

enum net_status net_http_framing(const struct net_http_head *h, const char *method,
                                 struct net_http_framing *out, struct net_err *err)
{
    out->kind = NET_HTTP_BODY_CLOSE;
    out->length = 0;
    out->keep_alive = false;
    bool reusable = connection_reusable(h);
    if (has_no_body(h, method)) {
        /* After 101 or a 2xx to CONNECT the connection no longer carries HTTP. */
        bool tunnel = h->status == 101 ||
                      (h->status >= 200 && h->status < 300 && method != NULL &&
                       strcmp(method, "CONNECT") == 0);
        out->kind = NET_HTTP_BODY_NONE;
        out->keep_alive = reusable && !tunnel;
        return NET_OK;
    }
    const struct net_http_field *te = net_http_head_find(h, "Transfer-Encoding");
    const struct net_http_field *cl = net_http_head_find(h, "Content-Length");
    enum net_status st = NET_OK;
    if (te != NULL)
        st = te_framing(h, cl != NULL, out, err);
    else if (cl != NULL)
        st = cl_framing(h, out, err);
    if (st != NET_OK)
        return st;
    out->keep_alive = reusable && out->kind != NET_HTTP_BODY_CLOSE;
    return NET_OK;
}
