/*
 * url.c - RFC 3986 URLs for the suite's schemes, and percent-decoding.
 *
 * The parser first cuts the text into components by their delimiters
 * ("://", '@', '/', '?', '#', ':'), then checks each component against its
 * own character set, so that every error can name the component and the
 * offset (into the text as the caller gave it). Nothing from the user info
 * is ever copied into an error text.
 */
#include "libnet/url.h"

#include <openssl/crypto.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest piece of the URL quoted in an error text: enough to recognise it,
 * short enough that a hostile URL cannot fill the error record. */
#define URL_ECHO_MAX 32
/* Longest IPv6 address text inet_pton() can accept (INET6_ADDRSTRLEN - 1). */
#define URL_IPV6_TEXT_MAX 45
/* Longest decimal port text we evaluate; "65535" has 5 digits, and leading
 * zeros beyond this are not worth supporting. */
#define URL_PORT_DIGITS_MAX 5

static const struct net_scheme scheme_table[] = {
    {"http", 80, false},    {"https", 443, true},
    {"ftp", 21, false},     {"ftps", 990, true},
    {"smtp", 25, false},    {"smtps", 465, true},
    {"pop3", 110, false},   {"pop3s", 995, true},
    {"imap", 143, false},   {"imaps", 993, true},
    {"nntp", 119, false},   {"news", 119, false},
    {"nntps", 563, true},   {"telnet", 23, false},
    {"gopher", 70, false},  {"gophers", 70, true},
    {NULL, 0, false},
};

/* A component of the text: len bytes at offset off. */
struct span {
    size_t off;
    size_t len;
};

/* The state of one parse: the caller's text, the result, the error. */
struct parse {
    const char *text;
    struct net_url *url;
    struct net_err *err;
};

const struct net_scheme *net_scheme_table(void)
{
    return scheme_table;
}

/* Table entry for len bytes of name (case-insensitive), or NULL. */
static const struct net_scheme *scheme_find_n(const char *name, size_t len)
{
    for (const struct net_scheme *s = scheme_table; s->name != NULL; s++)
        if (strlen(s->name) == len && strncasecmp(s->name, name, len) == 0)
            return s;
    return NULL;
}

const struct net_scheme *net_scheme_find(const char *name)
{
    return name ? scheme_find_n(name, strlen(name)) : NULL;
}

bool net_has_ctl(const char *s, size_t len)
{
    if (s == NULL)
        return false;
    return memchr(s, '\r', len) || memchr(s, '\n', len) || memchr(s, '\0', len);
}

/* ---- character classes (RFC 3986 section 2) ---- */

static bool is_unreserved(unsigned char c)
{
    return isascii(c) && (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~');
}

static bool is_subdelim(unsigned char c)
{
    return c != '\0' && strchr("!$&'()*+,;=", c) != NULL;
}

/* Bytes that may never appear raw anywhere in a URL. */
static bool is_forbidden_raw(unsigned char c)
{
    return c < 0x21 || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL;
}

static bool is_scheme_char(unsigned char c)
{
    return isascii(c) && (isalnum(c) || c == '+' || c == '-' || c == '.');
}

/* The byte encoded by "%XX" at s (s[0] == '%'), or -1 when s[1..2] are not
 * two hex digits. s must be readable for len bytes. */
static int pct_byte(const char *s, size_t len)
{
    if (len < 3)
        return -1;
    int hi = OPENSSL_hexchar2int((unsigned char)s[1]), lo = OPENSSL_hexchar2int((unsigned char)s[2]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/* ---- error helpers ---- */

static enum net_status url_fail(struct parse *p, size_t off, const char *what)
{
    return net_err_set(p->err, NET_E_URL, "malformed URL: %s at offset %zu", what, off);
}

static enum net_status nomem(struct parse *p)
{
    return net_err_set(p->err, NET_E_NOMEM, "URL: out of memory");
}

/* Length of a quoted piece in error texts, and whether it was cut. */
static int echo_len(size_t len)
{
    return len > URL_ECHO_MAX ? URL_ECHO_MAX : (int)len;
}

static const char *echo_cut(size_t len)
{
    return len > URL_ECHO_MAX ? "..." : "";
}

/*
 * Check that every byte of span s is unreserved, a sub-delim, one of extra,
 * or a valid "%XX". what names the component; for a secret component the
 * offending byte is not shown.
 */
static enum net_status check_chars(struct parse *p, struct span s, const char *what,
                                   const char *extra, bool secret)
{
    for (size_t i = 0; i < s.len; i++) {
        size_t off = s.off + i;
        unsigned char c = (unsigned char)p->text[off];
        if (c == '%') {
            if (pct_byte(p->text + off, s.len - i) < 0)
                return net_err_set(p->err, NET_E_URL, "malformed URL: bad percent-encoding"
                                   " in the %s at offset %zu", what, off);
            i += 2;
        } else if (is_unreserved(c) || is_subdelim(c) || (c && strchr(extra, c))) {
            continue;
        } else if (secret) {
            return net_err_set(p->err, NET_E_URL, "malformed URL: invalid character"
                               " in the %s at offset %zu", what, off);
        } else if (is_forbidden_raw(c)) {
            return net_err_set(p->err, NET_E_URL, "malformed URL: forbidden character"
                               " 0x%02x in the %s at offset %zu", c, what, off);
        } else {
            return net_err_set(p->err, NET_E_URL, "malformed URL: invalid character"
                               " '%c' in the %s at offset %zu", c, what, off);
        }
    }
    return NET_OK;
}

/* ---- percent-decoding ---- */

/* Decode len valid bytes of in into out (room for len + 1); returns the
 * decoded length. The caller has checked every '%'. */
static size_t decode_valid(const char *in, size_t len, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        int b = in[i] == '%' ? pct_byte(in + i, len - i) : -1;
        if (b >= 0) {
            out[n++] = (char)b;
            i += 2;
        } else {
            out[n++] = in[i];
        }
    }
    out[n] = '\0';
    return n;
}

enum net_status net_pct_decode(const char *in, size_t len, unsigned flags,
                               const char *what, char **out, size_t *out_len,
                               struct net_err *err)
{
    if (what == NULL)
        what = "input";
    if (out == NULL || (in == NULL && len > 0))
        return net_err_set(err, NET_E_USAGE, "percent-decoding the %s: no input or output", what);
    *out = NULL;
    char *dst = malloc(len + 1);
    if (dst == NULL)
        return net_err_set(err, NET_E_NOMEM, "percent-decoding the %s: out of memory", what);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        int b = (unsigned char)in[i];
        size_t at = i;
        if (b == '%') {
            if ((b = pct_byte(in + i, len - i)) < 0) {
                free(dst);
                return net_err_set(err, NET_E_URL, "malformed URL: bad percent-encoding"
                                   " in the %s at offset %zu", what, at);
            }
            i += 2;
        } else if (b == '+' && (flags & NET_PCT_PLUS_SPACE)) {
            b = ' ';
        }
        if ((flags & NET_PCT_NO_CTL) && (b == '\r' || b == '\n' || b == '\0')) {
            free(dst);
            return net_err_set(err, NET_E_UNSAFE_INPUT, "the %s holds a CR, LF or NUL"
                               " at offset %zu", what, at);
        }
        dst[n++] = (char)b;
    }
    dst[n] = '\0';
    *out = dst;
    if (out_len)
        *out_len = n;
    return NET_OK;
}

/* ---- scheme ---- */

/* Length of the scheme name at the start of s (ALPHA *(ALPHA/DIGIT/+-.)). */
static size_t scheme_len(const char *s)
{
    if (!isascii((unsigned char)s[0]) || !isalpha((unsigned char)s[0]))
        return 0;
    size_t n = 1;
    while (is_scheme_char((unsigned char)s[n]))
        n++;
    return n;
}

/* Store scheme (len bytes at name, lower-cased) and its table defaults. */
static enum net_status set_scheme(struct parse *p, const char *name, size_t len)
{
    const struct net_scheme *s = scheme_find_n(name, len);
    if (s == NULL)
        return net_err_set(p->err, NET_E_URL, "unsupported scheme '%.*s%s' at offset 0",
                           echo_len(len), name, echo_cut(len));
    if ((p->url->scheme = strdup(s->name)) == NULL)
        return nomem(p);
    p->url->port = s->port;
    p->url->implicit_tls = s->implicit_tls;
    return NET_OK;
}

/* Offset of "://" in text when it comes before any '/', '?' or '#'
 * (i.e. the text tries to name a scheme), or (size_t)-1. */
static size_t scheme_sep(const char *text)
{
    const char *sep = strstr(text, "://");
    size_t stop = strcspn(text, "/?#");
    return sep && (size_t)(sep - text) < stop ? (size_t)(sep - text) : (size_t)-1;
}

/* Find the scheme, or use default_scheme; set *rest to the offset of what
 * follows "scheme://" (0 when the default scheme is used). */
static enum net_status parse_scheme(struct parse *p, const char *default_scheme, size_t *rest)
{
    const char *t = p->text;
    size_t n = scheme_len(t), sep = scheme_sep(t);
    if (n > 0 && n == sep) {
        *rest = n + 3;
        return set_scheme(p, t, n);
    }
    if (sep == 0)
        return url_fail(p, 0, "missing scheme before \"://\"");
    if (sep != (size_t)-1)
        return net_err_set(p->err, NET_E_URL, "malformed URL: invalid scheme name"
                           " (character 0x%02x) at offset %zu", (unsigned char)t[n], n);
    if (n > 0 && t[n] == ':' && t[n + 1] == '/' && scheme_find_n(t, n))
        return url_fail(p, n + 1, "expected \"//\" after the scheme");
    if (default_scheme == NULL)
        return url_fail(p, 0, "no scheme (expected \"scheme://\")");
    size_t dn = scheme_len(default_scheme);
    if (dn == 0 || default_scheme[dn] != '\0')
        return net_err_set(p->err, NET_E_USAGE, "invalid default URL scheme");
    *rest = 0;
    return set_scheme(p, default_scheme, dn);
}

/* ---- user info ---- */

/* userinfo = user [":" password]; kept raw. Never quoted in errors. */
static enum net_status parse_userinfo(struct parse *p, struct span ui)
{
    enum net_status st = check_chars(p, ui, "user info", ":", true);
    if (st != NET_OK)
        return st;
    const char *s = p->text + ui.off;
    const char *colon = memchr(s, ':', ui.len);
    size_t ulen = colon ? (size_t)(colon - s) : ui.len;
    if (ulen == 0)
        return url_fail(p, ui.off, "empty user name in the user info");
    if ((p->url->user = strndup(s, ulen)) == NULL)
        return nomem(p);
    if (colon && (p->url->password = strndup(colon + 1, ui.len - ulen - 1)) == NULL)
        return nomem(p);
    return NET_OK;
}

/* ---- port ---- */

/* port = *DIGIT; empty means the scheme's default; else 1..65535. */
static enum net_status parse_port(struct parse *p, struct span ps)
{
    const char *s = p->text + ps.off;
    if (ps.len == 0)
        return NET_OK;
    unsigned long v = 0;
    for (size_t i = 0; i < ps.len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return url_fail(p, ps.off, "bad port (not a decimal number)");
        if (v <= 65535)
            v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v == 0 || v > 65535 || ps.len > URL_PORT_DIGITS_MAX)
        return net_err_set(p->err, NET_E_URL, "malformed URL: bad port \"%.*s%s\""
                           " (must be 1-65535) at offset %zu",
                           echo_len(ps.len), s, echo_cut(ps.len), ps.off);
    p->url->port = (unsigned short)v;
    p->url->port_given = true;
    return NET_OK;
}

/* ---- IPv4 ---- */

/* Does the host's last label (before an optional final '.') look like a
 * number (decimal, or 0x hex)? Such names are read as IPv4 addresses by
 * inet_aton() and by browsers, so they must be strict dotted quads. */
static bool ends_in_number(const char *h, size_t n)
{
    if (n > 0 && h[n - 1] == '.')
        n--;
    size_t start = n;
    while (start > 0 && h[start - 1] != '.')
        start--;
    const char *l = h + start;
    size_t ll = n - start, i = 0;
    if (ll == 0)
        return false;
    bool hex = ll >= 2 && l[0] == '0' && (l[1] == 'x' || l[1] == 'X');
    for (i = hex ? 2 : 0; i < ll; i++)
        if (hex ? !isxdigit((unsigned char)l[i]) : !isdigit((unsigned char)l[i]))
            return false;
    return true;
}

/* Exactly four decimal octets 0-255, no leading zeros (which some readers
 * take as octal). */
static bool is_dotted_quad(const char *h, size_t n)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        size_t start = i;
        unsigned v = 0;
        while (i < n && isdigit((unsigned char)h[i]) && i - start < 3)
            v = v * 10 + (unsigned)(h[i++] - '0');
        size_t digits = i - start;
        if (digits == 0 || v > 255 || (digits > 1 && h[start] == '0'))
            return false;
        if (part < 3 && (i >= n || h[i++] != '.'))
            return false;
    }
    return i == n;
}

/* ---- reg-name / IPv4 host ---- */

/* Every "%XX" of a host must decode to a byte that could appear raw. */
static enum net_status check_host_decoded(struct parse *p, struct span hs)
{
    for (size_t i = 0; i < hs.len; i++) {
        const char *c = p->text + hs.off + i;
        if (*c != '%')
            continue;
        int b = pct_byte(c, hs.len - i);
        if (!is_unreserved((unsigned char)b) && !is_subdelim((unsigned char)b))
            return net_err_set(p->err, NET_E_URL, "malformed URL: encoded byte 0x%02x"
                               " not allowed in the host at offset %zu", b, hs.off + i);
        i += 2;
    }
    return NET_OK;
}

static enum net_status parse_reg_host(struct parse *p, struct span hs)
{
    if (hs.len == 0)
        return url_fail(p, hs.off, "empty host");
    enum net_status st = check_chars(p, hs, "host", "", false);
    if (st == NET_OK)
        st = check_host_decoded(p, hs);
    if (st != NET_OK)
        return st;
    char *h = malloc(hs.len + 1);
    if ((p->url->host = h) == NULL)
        return nomem(p);
    size_t n = decode_valid(p->text + hs.off, hs.len, h);
    if (n > NET_URL_HOST_MAX)
        return net_err_set(p->err, NET_E_URL, "malformed URL: host longer than %d bytes"
                           " at offset %zu", NET_URL_HOST_MAX, hs.off);
    for (size_t i = 0; i < n; i++)
        h[i] = (char)tolower((unsigned char)h[i]);
    p->url->host_kind = NET_HOST_NAME;
    if (!ends_in_number(h, n))
        return NET_OK;
    if (!is_dotted_quad(h, n))
        return net_err_set(p->err, NET_E_URL, "malformed URL: bad IPv4 address \"%.*s%s\""
                           " at offset %zu", echo_len(n), h, echo_cut(n), hs.off);
    p->url->host_kind = NET_HOST_IPV4;
    return NET_OK;
}

/* ---- IPv6 host ---- */

/* Check the address part of an IPv6 literal with inet_pton(). */
static enum net_status check_ipv6_addr(struct parse *p, struct span as)
{
    const char *s = p->text + as.off;
    for (size_t i = 0; i < as.len; i++)
        if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
            return url_fail(p, as.off + i, "bad IPv6 address (invalid character)");
    char buf[URL_IPV6_TEXT_MAX + 1];
    struct in6_addr a;
    if (as.len > URL_IPV6_TEXT_MAX)
        return url_fail(p, as.off, "bad IPv6 address (too long)");
    memcpy(buf, s, as.len);
    buf[as.len] = '\0';
    if (inet_pton(AF_INET6, buf, &a) != 1)
        return net_err_set(p->err, NET_E_URL, "malformed URL: bad IPv6 address \"%s\""
                           " at offset %zu", buf, as.off);
    return NET_OK;
}

/* RFC 6874 ZoneID = 1*( unreserved / pct-encoded ); we also require every
 * decoded byte to be unreserved (interface names). */
static enum net_status check_zone(struct parse *p, struct span zs)
{
    if (zs.len == 0)
        return url_fail(p, zs.off, "empty IPv6 zone id");
    for (size_t i = 0; i < zs.len; i++) {
        const char *c = p->text + zs.off + i;
        size_t at = zs.off + i;
        int b = (unsigned char)*c;
        if (b == '%' && (b = pct_byte(c, zs.len - i)) >= 0)
            i += 2;
        if (b < 0 || !is_unreserved((unsigned char)b))
            return url_fail(p, at, "bad IPv6 zone id (only unreserved characters)");
    }
    return NET_OK;
}

/* Build host = lower-cased address [ '%' decoded zone ]. */
static enum net_status store_ipv6(struct parse *p, struct span as, struct span zs, bool zoned)
{
    char *h = malloc(as.len + 1 + zs.len + 1);
    if ((p->url->host = h) == NULL)
        return nomem(p);
    for (size_t i = 0; i < as.len; i++)
        h[i] = (char)tolower((unsigned char)p->text[as.off + i]);
    h[as.len] = '\0';
    if (zoned) {
        h[as.len] = '%';
        p->url->zone = h + as.len + 1;
        size_t zn = decode_valid(p->text + zs.off, zs.len, h + as.len + 1);
        if (as.len + 1 + zn > NET_URL_HOST_MAX)
            return net_err_set(p->err, NET_E_URL, "malformed URL: host longer than %d bytes"
                               " at offset %zu", NET_URL_HOST_MAX, as.off);
    }
    p->url->host_kind = NET_HOST_IPV6;
    return NET_OK;
}

/* The text between '[' and ']': IPv6address [ "%25" ZoneID ]. */
static enum net_status parse_ipv6(struct parse *p, struct span in)
{
    const char *s = p->text + in.off;
    if (in.len > 0 && (s[0] == 'v' || s[0] == 'V'))
        return url_fail(p, in.off, "IPvFuture addresses are not supported");
    const char *pct = memchr(s, '%', in.len);
    struct span as = {in.off, pct ? (size_t)(pct - s) : in.len}, zs = {0, 0};
    if (pct) {
        size_t rem = in.len - as.len;
        if (rem < 3 || pct[1] != '2' || pct[2] != '5')
            return url_fail(p, in.off + as.len, "IPv6 zone id must start with \"%25\"");
        zs.off = in.off + as.len + 3;
        zs.len = rem - 3;
    }
    enum net_status st = check_ipv6_addr(p, as);
    if (st == NET_OK && pct)
        st = check_zone(p, zs);
    return st != NET_OK ? st : store_ipv6(p, as, zs, pct != NULL);
}

/* ---- host and port ---- */

/* Is span s a bare IPv6 address (someone forgot the brackets)? */
static bool is_bare_ipv6(struct parse *p, struct span s)
{
    char buf[URL_IPV6_TEXT_MAX + 1];
    struct in6_addr a;
    if (s.len > URL_IPV6_TEXT_MAX || memchr(p->text + s.off, ':', s.len) == NULL)
        return false;
    memcpy(buf, p->text + s.off, s.len);
    buf[s.len] = '\0';
    return inet_pton(AF_INET6, buf, &a) == 1;
}

/* host [ ":" port ] */
static enum net_status parse_hostport(struct parse *p, struct span hp)
{
    const char *s = p->text + hp.off;
    size_t hlen;
    enum net_status st;
    if (hp.len > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', hp.len);
        if (close == NULL)
            return url_fail(p, hp.off, "unterminated IPv6 address (no ']')");
        hlen = (size_t)(close - s) + 1;
        st = parse_ipv6(p, (struct span){hp.off + 1, hlen - 2});
        if (st == NET_OK && hlen < hp.len && s[hlen] != ':')
            return url_fail(p, hp.off + hlen, "unexpected text after the IPv6 address");
    } else {
        if (is_bare_ipv6(p, hp))
            return url_fail(p, hp.off, "IPv6 address must be enclosed in '[' and ']'");
        const char *colon = memchr(s, ':', hp.len);
        hlen = colon ? (size_t)(colon - s) : hp.len;
        st = parse_reg_host(p, (struct span){hp.off, hlen});
    }
    if (st != NET_OK || hlen == hp.len)
        return st;
    return parse_port(p, (struct span){hp.off + hlen + 1, hp.len - hlen - 1});
}

/* authority = [ userinfo "@" ] host [ ":" port ] */
static enum net_status parse_authority(struct parse *p, struct span au)
{
    const char *s = p->text + au.off;
    const char *at = memchr(s, '@', au.len);
    if (at == NULL)
        return parse_hostport(p, au);
    size_t ulen = (size_t)(at - s);
    if (memchr(at + 1, '@', au.len - ulen - 1) != NULL)
        return url_fail(p, au.off, "more than one '@' in the authority");
    enum net_status st = parse_userinfo(p, (struct span){au.off, ulen});
    if (st != NET_OK)
        return st;
    return parse_hostport(p, (struct span){au.off + ulen + 1, au.len - ulen - 1});
}

/* ---- path, query, fragment ---- */

/* Check span s as the component what and store a raw copy in *dst. '[' and
 * ']' are accepted raw, as clients commonly send them in queries. */
static enum net_status take_component(struct parse *p, struct span s, const char *what,
                                      const char *extra, char **dst)
{
    enum net_status st = check_chars(p, s, what, extra, false);
    if (st != NET_OK)
        return st;
    if ((*dst = strndup(p->text + s.off, s.len)) == NULL)
        return nomem(p);
    return NET_OK;
}

/* [ path ] [ "?" query ] [ "#" fragment ], starting at off. */
static enum net_status parse_tail(struct parse *p, size_t off)
{
    const char *t = p->text;
    size_t plen = strcspn(t + off, "?#");
    enum net_status st = take_component(p, (struct span){off, plen}, "path", "/:@[]",
                                        &p->url->path);
    off += plen;
    if (st == NET_OK && t[off] == '?') {
        size_t qlen = strcspn(t + off + 1, "#");
        st = take_component(p, (struct span){off + 1, qlen}, "query", "/:@?[]",
                            &p->url->query);
        off += 1 + qlen;
    }
    if (st == NET_OK && t[off] == '#')
        st = take_component(p, (struct span){off + 1, strlen(t + off + 1)}, "fragment",
                            "/:@?[]", &p->url->fragment);
    return st;
}

/* ---- the whole URL ---- */

static enum net_status parse_all(struct parse *p, const char *default_scheme)
{
    size_t len = strnlen(p->text, NET_URL_MAX + 1);
    if (len == 0)
        return url_fail(p, 0, "empty URL");
    if (len > NET_URL_MAX)
        return net_err_set(p->err, NET_E_URL, "malformed URL: longer than %d bytes",
                           NET_URL_MAX);
    size_t rest = 0;
    enum net_status st = parse_scheme(p, default_scheme, &rest);
    if (st != NET_OK)
        return st;
    size_t alen = strcspn(p->text + rest, "/?#");
    st = parse_authority(p, (struct span){rest, alen});
    return st != NET_OK ? st : parse_tail(p, rest + alen);
}

enum net_status net_url_parse(const char *text, const char *default_scheme,
                              struct net_url **out, struct net_err *err)
{
    if (out == NULL)
        return net_err_set(err, NET_E_USAGE, "URL parse: no output");
    *out = NULL;
    if (text == NULL)
        return net_err_set(err, NET_E_USAGE, "URL parse: no URL given");
    struct parse p = {text, calloc(1, sizeof(struct net_url)), err};
    if (p.url == NULL)
        return nomem(&p);
    enum net_status st = parse_all(&p, default_scheme);
    if (st != NET_OK) {
        net_url_free(p.url);
        return st;
    }
    *out = p.url;
    return NET_OK;
}

/* Free s after wiping it, for strings that may hold a credential. */
static void free_secret(char *s)
{
    if (s != NULL)
        explicit_bzero(s, strlen(s));
    free(s);
}

void net_url_free(struct net_url *url)
{
    if (url == NULL)
        return;
    free(url->scheme);
    free_secret(url->user);
    free_secret(url->password);
    free(url->host);
    free(url->path);
    free(url->query);
    free(url->fragment);
    free(url);
}

/* Decode one userinfo part (NULL stays NULL). */
static enum net_status decode_userinfo(const char *raw, const char *what, const char *part,
                                       char **out, struct net_err *err)
{
    *out = NULL;
    if (raw == NULL)
        return NET_OK;
    char name[64];
    snprintf(name, sizeof name, "%s%s", what ? what : "", part);
    return net_pct_decode(raw, strlen(raw), NET_PCT_NO_CTL, name, out, NULL, err);
}

enum net_status net_url_credentials(const struct net_url *url, const char *what,
                                    char **user, char **password, struct net_err *err)
{
    *password = NULL;
    enum net_status st = decode_userinfo(url->user, what, "user name", user, err);
    if (st == NET_OK)
        st = decode_userinfo(url->password, what, "password", password, err);
    if (st != NET_OK) {
        free(*user);
        *user = NULL;
    }
    return st;
}
