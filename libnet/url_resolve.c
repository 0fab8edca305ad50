/*
 * url_resolve.c - reference resolution (RFC 3986 section 5.2) and URL
 * formatting without credentials.
 *
 * The reference is split by the regular expression of RFC 3986 appendix B
 * (so any scheme, and a reference the suite's parser would refuse, still
 * resolves); the target is built by the strict algorithm of 5.2.2, its path
 * cleaned by remove_dot_segments (5.2.4), and recomposed as in 5.3. The
 * base's user and password never reach the result.
 */
#include "libnet/url.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes a raw non-ASCII byte grows to when percent-encoded ("%XX"). */
#define PCT_WIDTH 3

/* A piece of a string: len bytes at p; p NULL when the piece is absent
 * (an empty piece that is present has p non-NULL and len 0). */
struct piece {
    const char *p;
    size_t len;
};

/* The five components of a URI reference (RFC 3986 5.2.1). */
struct parts {
    struct piece scheme, authority, path, query, fragment;
};

/* A growing output string, capped at NET_URL_MAX bytes. */
struct out {
    char *p;
    size_t len, cap;
    bool over;          /* the cap was passed */
    bool nomem;
};

/* ---- the output string ---- */

static void out_add(struct out *o, const char *s, size_t n)
{
    if (o->over || o->nomem || n == 0)
        return;
    if (o->len + n > NET_URL_MAX) {
        o->over = true;
        return;
    }
    if (o->len + n + 1 > o->cap) {
        size_t cap = (o->len + n + 1) * 2;
        char *p = realloc(o->p, cap);
        if (p == NULL) {
            o->nomem = true;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void out_str(struct out *o, const char *s)
{
    out_add(o, s, strlen(s));
}

static void out_piece(struct out *o, struct piece pc)
{
    if (pc.p != NULL)
        out_add(o, pc.p, pc.len);
}

/* Hand the string over in *dst, or fail naming what. */
static enum net_status out_finish(struct out *o, const char *what, char **dst,
                                  struct net_err *err)
{
    if (o->nomem || o->over || o->p == NULL) {
        free(o->p);
        if (o->over)
            return net_err_set(err, NET_E_URL, "%s: the result is longer than %d bytes",
                               what, NET_URL_MAX);
        return net_err_set(err, NET_E_NOMEM, "%s: out of memory", what);
    }
    *dst = o->p;
    return NET_OK;
}

/* ---- the base ---- */

/* host [":" port] of url, without user info: IPv6 bracketed, its zone's
 * '%' written "%25"; the port only when the URL gave one. */
static void out_authority(struct out *o, const struct net_url *url)
{
    bool v6 = url->host_kind == NET_HOST_IPV6;
    size_t hlen = url->zone ? (size_t)(url->zone - 1 - url->host) : strlen(url->host);
    if (v6)
        out_str(o, "[");
    out_add(o, url->host, hlen);
    if (url->zone) {
        out_str(o, "%25");
        out_str(o, url->zone);
    }
    if (v6)
        out_str(o, "]");
    if (url->port_given) {
        char port[sizeof ":65535"];
        snprintf(port, sizeof port, ":%u", (unsigned)url->port);
        out_str(o, port);
    }
}

/* ---- the reference ---- */

/* Refuse a reference that is too long or holds a control byte or space;
 * *len gets its length. */
static enum net_status check_ref(const char *ref, size_t *len, struct net_err *err)
{
    *len = strnlen(ref, NET_URL_MAX + 1);
    if (*len > NET_URL_MAX)
        return net_err_set(err, NET_E_URL, "malformed URL reference: longer than %d bytes",
                           NET_URL_MAX);
    for (size_t i = 0; i < *len; i++) {
        unsigned char c = (unsigned char)ref[i];
        if (c <= 0x20 || c == 0x7f)
            return net_err_set(err, NET_E_URL, "malformed URL reference: %s 0x%02x at"
                               " offset %zu", c == 0x20 ? "space" : "control byte", c, i);
    }
    return NET_OK;
}

/* A copy of the len bytes of ref with every non-ASCII byte percent-encoded
 * (servers send raw UTF-8 in Location; browsers and curl encode it). */
static char *encode_high(const char *ref, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char *s = malloc(len * PCT_WIDTH + 1), *w = s;
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)ref[i];
        if (c < 0x80) {
            *w++ = (char)c;
        } else {
            *w++ = '%';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 15];
        }
    }
    *w = '\0';
    return s;
}

/* Length of a scheme at the start of s: ALPHA *( ALPHA / DIGIT / "+" /
 * "-" / "." ) followed by ':'; 0 when there is none. */
static size_t scheme_len(const char *s)
{
    static const char more[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.";
    if (s[0] == '\0' || strchr(more, s[0]) == NULL || strchr("0123456789+-.", s[0]) != NULL)
        return 0;
    size_t n = strspn(s, more);
    return s[n] == ':' ? n : 0;
}

/* Split ref (NUL-terminated) per RFC 3986 appendix B. */
static struct parts split_ref(const char *ref)
{
    struct parts r;
    memset(&r, 0, sizeof r);
    const char *p = ref;
    size_t n = scheme_len(p);
    if (n > 0) {
        r.scheme = (struct piece){p, n};
        p += n + 1;
    }
    if (p[0] == '/' && p[1] == '/') {
        size_t a = strcspn(p + 2, "/?#");
        r.authority = (struct piece){p + 2, a};
        p += 2 + a;
    }
    size_t pl = strcspn(p, "?#");
    r.path = (struct piece){p, pl};
    p += pl;
    if (*p == '?') {
        size_t q = strcspn(p + 1, "#");
        r.query = (struct piece){p + 1, q};
        p += 1 + q;
    }
    if (*p == '#')
        r.fragment = (struct piece){p + 1, strlen(p + 1)};
    return r;
}

/* ---- paths ---- */

/* Drop the last segment (and the '/' before it) from the len bytes of out. */
static size_t pop_segment(const char *out, size_t len)
{
    while (len > 0 && out[len - 1] != '/')
        len--;
    return len > 0 ? len - 1 : 0;
}

/* remove_dot_segments (RFC 3986 5.2.4) of the NUL-terminated in (edited in
 * place) into out (room for strlen(in) + 1); returns the output length. */
static size_t remove_dots(char *in, char *out)
{
    size_t o = 0;
    char *p = in;
    while (*p != '\0') {
        if (strncmp(p, "../", 3) == 0) {
            p += 3;
        } else if (strncmp(p, "./", 2) == 0 || strncmp(p, "/./", 3) == 0) {
            p += 2;
        } else if (strcmp(p, "/.") == 0) {
            p[1] = '\0';
        } else if (strncmp(p, "/../", 4) == 0) {
            p += 3;
            o = pop_segment(out, o);
        } else if (strcmp(p, "/..") == 0) {
            p[1] = '\0';
            o = pop_segment(out, o);
        } else if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
            p += strlen(p);
        } else {
            do
                out[o++] = *p++;
            while (*p != '\0' && *p != '/');
        }
    }
    out[o] = '\0';
    return o;
}

/* Append to o the path made of base's path (when merge) and the reference
 * path rp, with dot segments removed. */
static bool out_path(struct out *o, const struct net_url *base, bool merge, struct piece rp)
{
    size_t blen = 0;
    const char *bp = base->path ? base->path : "";
    if (merge) {
        /* RFC 3986 5.2.3: an authority with an empty path merges as "/";
         * otherwise all of the base path up to its last '/'. */
        const char *slash = strrchr(bp, '/');
        blen = slash ? (size_t)(slash - bp) + 1 : 0;
        if (*bp == '\0') {
            bp = "/";
            blen = 1;
        }
    }
    char *in = malloc(blen + rp.len + 1), *cleaned = malloc(blen + rp.len + 1);
    if (in == NULL || cleaned == NULL) {
        free(in);
        free(cleaned);
        return false;
    }
    memcpy(in, bp, blen);
    memcpy(in + blen, rp.p, rp.len);
    in[blen + rp.len] = '\0';
    out_add(o, cleaned, remove_dots(in, cleaned));
    free(in);
    free(cleaned);
    return true;
}

/* ---- resolution ---- */

/* Build the target of reference r against base into o (RFC 3986 5.2.2,
 * strict: a reference scheme equal to the base's still counts). */
static bool resolve_into(struct out *o, const struct net_url *base, const struct parts *r)
{
    bool ok = true;
    size_t at = o->len;
    if (r->scheme.p != NULL)
        out_piece(o, r->scheme);
    else
        out_str(o, base->scheme);
    for (size_t i = at; i < o->len; i++)
        o->p[i] = (char)tolower((unsigned char)o->p[i]);
    out_str(o, ":");
    struct piece query = r->query;
    if (r->scheme.p != NULL || r->authority.p != NULL) {
        if (r->authority.p != NULL) {
            out_str(o, "//");
            out_piece(o, r->authority);
        }
        ok = out_path(o, base, false, r->path);
    } else {
        out_str(o, "//");
        out_authority(o, base);
        if (r->path.len == 0) {
            out_str(o, base->path ? base->path : "");
            if (query.p == NULL)
                query = (struct piece){base->query, base->query ? strlen(base->query) : 0};
        } else {
            ok = out_path(o, base, r->path.p[0] != '/', r->path);
        }
    }
    if (query.p != NULL) {
        out_str(o, "?");
        out_piece(o, query);
    }
    if (r->fragment.p != NULL) {
        out_str(o, "#");
        out_piece(o, r->fragment);
    }
    return ok;
}

enum net_status net_url_resolve(const struct net_url *base, const char *ref,
                                char **out, struct net_err *err)
{
    if (out == NULL || base == NULL || ref == NULL)
        return net_err_set(err, NET_E_USAGE, "URL resolve: no base, reference or output");
    *out = NULL;
    size_t len = 0;
    enum net_status st = check_ref(ref, &len, err);
    if (st != NET_OK)
        return st;
    char *clean = encode_high(ref, len);
    if (clean == NULL)
        return net_err_set(err, NET_E_NOMEM, "URL resolve: out of memory");
    struct parts r = split_ref(clean);
    struct out o = {0};
    if (!resolve_into(&o, base, &r))
        o.nomem = true;
    free(clean);
    return out_finish(&o, "URL resolve", out, err);
}

enum net_status net_url_format(const struct net_url *url, char **out,
                               struct net_err *err)
{
    if (out == NULL || url == NULL)
        return net_err_set(err, NET_E_USAGE, "URL format: no URL or output");
    *out = NULL;
    struct out o = {0};
    out_str(&o, url->scheme);
    out_str(&o, "://");
    out_authority(&o, url);
    out_str(&o, url->path && *url->path ? url->path : "/");
    if (url->query != NULL) {
        out_str(&o, "?");
        out_str(&o, url->query);
    }
    return out_finish(&o, "URL format", out, err);
}
