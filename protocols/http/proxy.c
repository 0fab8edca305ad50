/*
 * proxy.c - choosing the proxy for a request: explicit options, then the
 * environment (as curl reads it), with no_proxy exceptions.
 *
 * no_proxy matching allocates nothing: each entry is copied into a small
 * local buffer, cut of its ":port", and compared as a CIDR block, an IP
 * literal or a domain name.
 */
#include "protocols/http/proxy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Port of a proxy URL that names none: curl's default for -x and the
 * environment (1080), so the same settings reach the same proxy. */
#define PROXY_PORT_DEFAULT 1080
/* Longest no_proxy entry considered: a host name (253) with brackets, a
 * port and a prefix length fits; a longer entry cannot match any host. */
#define NO_PROXY_ENTRY_MAX 300
/* Longest scheme name quoted in an error text. */
#define PROXY_ECHO_MAX 16

/* Separators of no_proxy entries. */
static const char no_proxy_seps[] = ", \t\r\n";

/* ---- no_proxy ---- */

/* Cut a ":port" suffix (digits only) off entry e, and brackets off an IPv6
 * literal; e is NUL-terminated and edited in place. */
static char *entry_strip_port(char *e)
{
    if (e[0] == '[') {
        char *close = strchr(e, ']');
        if (close == NULL)
            return e;
        *close = '\0';
        return e + 1;
    }
    char *colon = strchr(e, ':');
    if (colon == NULL || strchr(colon + 1, ':') != NULL)
        return e;                       /* no port, or a bare IPv6 address */
    for (const char *d = colon + 1; *d; d++)
        if (!isdigit((unsigned char)*d))
            return e;
    *colon = '\0';
    return e;
}

/* The address in text (IPv4 or IPv6, an IPv6 zone ignored) into addr;
 * returns AF_INET, AF_INET6, or 0 when text is no IP literal. */
static int parse_ip(const char *text, unsigned char addr[16])
{
    char buf[INET6_ADDRSTRLEN + 1];
    size_t n = strcspn(text, "%");
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, text, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, addr) == 1)
        return AF_INET;
    if (inet_pton(AF_INET6, buf, addr) == 1)
        return AF_INET6;
    return 0;
}

/* Do the first bits bits of a and b agree? */
static bool prefix_equal(const unsigned char *a, const unsigned char *b, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

/* Entry "addr/bits" against the host address (family hfam). */
static bool cidr_match(char *e, char *slash, int hfam, const unsigned char *haddr)
{
    unsigned char net[16];
    *slash = '\0';
    int fam = parse_ip(e, net);
    const char *b = slash + 1;
    if (fam == 0 || fam != hfam || *b == '\0' || strlen(b) > 3)
        return false;
    unsigned bits = 0;
    for (; *b; b++) {
        if (!isdigit((unsigned char)*b))
            return false;
        bits = bits * 10 + (unsigned)(*b - '0');
    }
    if (bits > (fam == AF_INET ? 32u : 128u))
        return false;
    return prefix_equal(net, haddr, bits);
}

/* Does domain entry e (a leading '.' and a final '.' ignored) match host
 * (hlen bytes, final '.' already cut): equal, or host ends in ".e"? */
static bool name_match(const char *e, const char *host, size_t hlen)
{
    if (e[0] == '.')
        e++;
    size_t elen = strlen(e);
    if (elen > 0 && e[elen - 1] == '.')
        elen--;
    if (elen == 0 || elen > hlen)
        return false;
    if (strncasecmp(host + hlen - elen, e, elen) != 0)
        return false;
    return elen == hlen || host[hlen - elen - 1] == '.';
}

/* Does the single entry e (NUL-terminated, editable) exempt host? An IP
 * host (hfam non-zero, address in haddr) is matched only by IP entries. */
static bool entry_match(char *e, const char *host, size_t hlen, int hfam,
                        const unsigned char *haddr)
{
    if (strcmp(e, "*") == 0)
        return true;
    e = entry_strip_port(e);
    char *slash = strchr(e, '/');
    if (slash != NULL)
        return hfam != 0 && cidr_match(e, slash, hfam, haddr);
    unsigned char addr[16];
    int fam = parse_ip(e, addr);
    if (fam != 0)
        return fam == hfam && memcmp(addr, haddr, fam == AF_INET ? 4 : 16) == 0;
    return hfam == 0 && name_match(e, host, hlen);
}

bool net_http_no_proxy_match(const char *no_proxy, const char *host)
{
    if (no_proxy == NULL || host == NULL)
        return false;
    size_t hlen = strlen(host);
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
        host++;
        hlen -= 2;
    }
    char hbuf[NO_PROXY_ENTRY_MAX];
    if (hlen == 0 || hlen >= sizeof hbuf)
        return false;
    memcpy(hbuf, host, hlen);
    hbuf[hlen] = '\0';
    unsigned char haddr[16];
    int hfam = parse_ip(hbuf, haddr);
    if (hfam == 0 && hbuf[hlen - 1] == '.')
        hbuf[--hlen] = '\0';
    for (const char *p = no_proxy; *p;) {
        p += strspn(p, no_proxy_seps);
        size_t n = strcspn(p, no_proxy_seps);
        if (n > 0 && n < NO_PROXY_ENTRY_MAX) {
            char e[NO_PROXY_ENTRY_MAX];
            memcpy(e, p, n);
            e[n] = '\0';
            if (entry_match(e, hbuf, hlen, hfam, haddr))
                return true;
        }
        p += n;
    }
    return false;
}

/* ---- choosing the proxy text ---- */

/* The variable name's value when set and not empty (else NULL); *from
 * gets name when it is. */
static const char *env_value(const char *name, const char **from)
{
    const char *v = getenv(name);
    if (v == NULL || *v == '\0')
        return NULL;
    *from = name;
    return v;
}

/* The proxy the environment names for scheme, or NULL; *from gets the
 * variable's name. */
static const char *env_proxy(const char *scheme, const char **from)
{
    const char *v = NULL;
    if (strcmp(scheme, "http") == 0) {
        v = env_value("http_proxy", from);  /* never HTTP_PROXY: "httpoxy" */
    } else if (strcmp(scheme, "https") == 0) {
        v = env_value("https_proxy", from);
        if (v == NULL)
            v = env_value("HTTPS_PROXY", from);
    }
    if (v == NULL)
        v = env_value("all_proxy", from);
    if (v == NULL)
        v = env_value("ALL_PROXY", from);
    return v;
}

static const char *env_no_proxy(void)
{
    const char *v = getenv("no_proxy");
    return v != NULL ? v : getenv("NO_PROXY");
}

/* ---- the proxy URL ---- */

void net_http_proxy_free(struct net_http_proxy *p)
{
    if (p == NULL)
        return;
    if (p->password != NULL)
        explicit_bzero(p->password, strlen(p->password));
    if (p->user != NULL)
        explicit_bzero(p->user, strlen(p->user));
    free(p->host);
    free(p->user);
    free(p->password);
    free(p->display);
    free(p);
}

/* Refuse a proxy URL whose scheme is not http (a URL without one is
 * http). The scheme is "name://" before any '/'. from names the source. */
static enum net_status check_scheme(const char *text, const char *from, struct net_err *err)
{
    const char *sep = strstr(text, "://");
    if (sep == NULL || (size_t)(sep - text) > strcspn(text, "/"))
        return NET_OK;
    size_t n = (size_t)(sep - text);
    if (n == 4 && strncasecmp(text, "http", 4) == 0)
        return NET_OK;
    net_err_set(err, NET_E_USAGE, "proxy (from %s): scheme ", from);
    net_err_append_quoted(err, text, n > PROXY_ECHO_MAX ? PROXY_ECHO_MAX : n);
    net_err_append(err, "%s is not supported (only http:// proxies)",
                   n > PROXY_ECHO_MAX ? "..." : "");
    return NET_E_USAGE;
}

/* "http://host:port" (IPv6 bracketed, its zone '%' encoded). */
static enum net_status make_display(struct net_http_proxy *p, const struct net_url *u,
                                    struct net_err *err)
{
    const char *zone = u->zone;
    size_t hlen = zone ? (size_t)(zone - 1 - u->host) : strlen(u->host);
    bool v6 = u->host_kind == NET_HOST_IPV6;
    if (asprintf(&p->display, "http://%s%.*s%s%s%s:%u", v6 ? "[" : "", (int)hlen, u->host,
                 zone ? "%25" : "", zone ? zone : "", v6 ? "]" : "", p->port) < 0) {
        p->display = NULL;
        return net_err_set(err, NET_E_NOMEM, "proxy: out of memory");
    }
    return NET_OK;
}

/* Fill p from the parsed proxy URL u. */
static enum net_status fill_proxy(struct net_http_proxy *p, const struct net_url *u,
                                  struct net_err *err)
{
    p->port = u->port_given ? u->port : PROXY_PORT_DEFAULT;
    if ((p->host = strdup(u->host)) == NULL)
        return net_err_set(err, NET_E_NOMEM, "proxy: out of memory");
    enum net_status st = net_url_credentials(u, "proxy ", &p->user, &p->password, err);
    if (st == NET_OK && p->user != NULL && strchr(p->user, ':') != NULL)
        st = net_err_set(err, NET_E_USAGE, "proxy: the user name holds a ':'"
                         " (Basic credentials cannot carry it)");
    return st == NET_OK ? make_display(p, u, err) : st;
}

/* Parse the proxy text (from the source named from) into *out. */
static enum net_status parse_proxy(const char *text, const char *from,
                                   struct net_http_proxy **out, struct net_err *err)
{
    enum net_status st = check_scheme(text, from, err);
    if (st != NET_OK)
        return st;
    struct net_url *u = NULL;
    if ((st = net_url_parse(text, "http", &u, err)) != NET_OK) {
        char why[NET_ERR_TEXT_MAX];
        snprintf(why, sizeof why, "%s", err ? err->text : "");
        return net_err_set(err, st, "proxy (from %s): %s", from, why);
    }
    struct net_http_proxy *p = calloc(1, sizeof *p);
    if (p == NULL)
        st = net_err_set(err, NET_E_NOMEM, "proxy: out of memory");
    else
        st = fill_proxy(p, u, err);
    net_url_free(u);
    if (st != NET_OK) {
        net_http_proxy_free(p);
        return st;
    }
    *out = p;
    return NET_OK;
}

enum net_status net_http_proxy_select(const struct net_url *target,
                                      const char *proxy, const char *no_proxy,
                                      bool use_env,
                                      struct net_http_proxy **out,
                                      struct net_err *err)
{
    if (out == NULL || target == NULL)
        return net_err_set(err, NET_E_USAGE, "proxy: no target URL or output");
    *out = NULL;
    const char *chosen = proxy, *from = "the proxy option";
    if (chosen == NULL && use_env)
        chosen = env_proxy(target->scheme, &from);
    if (chosen == NULL || *chosen == '\0')
        return NET_OK;
    const char *np = no_proxy;
    if (np == NULL && use_env)
        np = env_no_proxy();
    if (net_http_no_proxy_match(np, target->host))
        return NET_OK;
    return parse_proxy(chosen, from, out, err);
}
