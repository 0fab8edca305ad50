/*
 * resolve.c - host names to address lists: the API, numeric hosts parsed
 * locally, and the system's getaddrinfo() back end. The c-ares back end is
 * in resolve_ares.c.
 */
#include "libnet/resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libnet/resolve_impl.h"

/* ---- address lists ---- */

const char *net_resolve_family_name(enum net_family f)
{
    switch (f) {
    case NET_FAMILY_V4: return "IPv4";
    case NET_FAMILY_V6: return "IPv6";
    case NET_FAMILY_ANY: break;
    }
    return "any";
}

int net_resolve_family_af(enum net_family f)
{
    return f == NET_FAMILY_V4 ? AF_INET : f == NET_FAMILY_V6 ? AF_INET6 : AF_UNSPEC;
}

/* True when a and b name the same address (ports are equal by then). */
static bool addr_same(const struct sockaddr *a, const struct sockaddr *b)
{
    if (a->sa_family != b->sa_family)
        return false;
    if (a->sa_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr
               == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
    const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
    return memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0
           && x->sin6_scope_id == y->sin6_scope_id;
}

/*
 * Append sa to list with port set, unless it is of another family than
 * wanted, already present, or the list is full (NET_ADDRS_MAX entries were
 * allocated by the caller).
 */
void net_resolve_list_add(struct net_addrlist *list, const struct sockaddr *sa,
                     size_t salen, int want_af, unsigned short port)
{
    if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
        return;
    if (want_af != AF_UNSPEC && sa->sa_family != want_af)
        return;
    size_t need = sa->sa_family == AF_INET ? sizeof(struct sockaddr_in)
                                           : sizeof(struct sockaddr_in6);
    if (salen < need || list->n >= NET_ADDRS_MAX)
        return;
    struct net_addr *a = &list->v[list->n];
    memset(a, 0, sizeof *a);
    memcpy(&a->ss, sa, need);
    a->len = (socklen_t)need;
    if (sa->sa_family == AF_INET)
        ((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
    for (size_t i = 0; i < list->n; i++)
        if (addr_same((struct sockaddr *)&list->v[i].ss, (struct sockaddr *)&a->ss))
            return;
    list->n++;
}

enum net_status net_resolve_list_alloc(struct net_addrlist *list, struct net_err *err)
{
    list->n = 0;
    list->v = calloc(NET_ADDRS_MAX, sizeof *list->v);
    if (list->v == NULL)
        return net_err_set(err, NET_E_NOMEM, "resolve: out of memory for the address list");
    return NET_OK;
}

void net_addrlist_free(struct net_addrlist *list)
{
    if (list == NULL)
        return;
    free(list->v);
    list->v = NULL;
    list->n = 0;
}

/* Success when list holds something; otherwise free it: no such host. */
enum net_status net_resolve_list_finish(struct net_addrlist *list, const char *host,
                                   enum net_family fam, const char *backend,
                                   const struct net_trace *trace, struct net_err *err)
{
    if (list->n == 0) {
        net_addrlist_free(list);
        if (fam == NET_FAMILY_ANY)
            return net_err_set(err, NET_E_NO_SUCH_HOST,
                               "no address for '%s' (%s)", host, backend);
        return net_err_set(err, NET_E_NO_SUCH_HOST, "no %s address for '%s' (%s)",
                           net_resolve_family_name(fam), host, backend);
    }
    net_trace_info(trace, "resolved %s: %zu address%s", host, list->n,
                   list->n == 1 ? "" : "es");
    return NET_OK;
}
/* ---- input checks ---- */

/* host must be a non-empty printable name of sane length. */
static enum net_status check_host(const char *host, struct net_err *err)
{
    if (host == NULL || host[0] == '\0')
        return net_err_set(err, NET_E_USAGE, "resolve: empty host name");
    size_t len = strlen(host);
    if (len > RESOLVE_HOST_MAX)
        return net_err_set(err, NET_E_USAGE, "resolve: host name of %zu characters "
                           "(at most %d)", len, RESOLVE_HOST_MAX);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)host[i];
        if (ch <= 0x20 || ch == 0x7f)
            return net_err_set(err, NET_E_UNSAFE_INPUT, "resolve: host name contains "
                               "a control character or space (byte 0x%02x at %zu)", ch, i);
    }
    return NET_OK;
}

/* A decimal port 1..65535 of at most 5 digits. */
/* ---- numeric hosts ---- */

/* A host with ':' or '%' can only be an IPv6 literal, never a DNS name. */
static bool must_be_numeric(const char *host)
{
    return strchr(host, ':') != NULL || strchr(host, '%') != NULL;
}

/*
 * Parse host as an address without any lookup. *numeric tells whether it
 * was one; when it was not, nothing else happened.
 */
static enum net_status resolve_numeric(const char *host, enum net_family fam,
                                       unsigned short port, bool *numeric,
                                       struct net_addrlist *out, struct net_err *err)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    *numeric = rc == 0;
    if (rc != 0) {
        if (must_be_numeric(host))
            return net_err_set(err, NET_E_USAGE, "resolve: '%s' is not a valid IPv6 "
                               "address (or its zone is unknown)", host);
        return NET_OK;
    }
    int af = res->ai_family;
    enum net_status st = net_resolve_list_alloc(out, err);
    for (struct addrinfo *ai = res; st == NET_OK && ai != NULL; ai = ai->ai_next)
        net_resolve_list_add(out, ai->ai_addr, ai->ai_addrlen, net_resolve_family_af(fam), port);
    freeaddrinfo(res);
    if (st != NET_OK)
        return st;
    if (out->n == 0) {
        net_addrlist_free(out);
        return net_err_set(err, NET_E_NO_SUCH_HOST, "'%s' is an %s address, but only %s "
                           "was asked for", host, af == AF_INET ? "IPv4" : "IPv6",
                           net_resolve_family_name(fam));
    }
    return NET_OK;
}

/* ---- system back end ---- */

static enum net_status gai_status(int rc)
{
    switch (rc) {
    case EAI_NONAME:
    case EAI_NODATA:
    case EAI_ADDRFAMILY:
        return NET_E_NO_SUCH_HOST;
    case EAI_MEMORY:
        return NET_E_NOMEM;
    default:
        return NET_E_RESOLVE;
    }
}

static enum net_status resolve_system(const char *host, enum net_family fam,
                                      unsigned short port, const struct net_trace *trace,
                                      struct net_addrlist *out, struct net_err *err)
{
    struct addrinfo hints = {.ai_family = net_resolve_family_af(fam), .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0) {
        int e = errno;
        return net_err_set(err, gai_status(rc), "lookup of '%s' failed: %s (getaddrinfo)",
                           host, rc == EAI_SYSTEM ? strerror(e) : gai_strerror(rc));
    }
    enum net_status st = net_resolve_list_alloc(out, err);
    for (struct addrinfo *ai = res; st == NET_OK && ai != NULL; ai = ai->ai_next)
        net_resolve_list_add(out, ai->ai_addr, ai->ai_addrlen, net_resolve_family_af(fam), port);
    freeaddrinfo(res);
    if (st != NET_OK)
        return st;
    return net_resolve_list_finish(out, host, fam, "system", trace, err);
}

/* ---- the API ---- */

const char *net_resolver_name(enum net_resolver_kind kind)
{
    switch (kind) {
    case NET_RESOLVER_ARES: return "ares";
    case NET_RESOLVER_SYSTEM: return "system";
    }
    return "?";
}

bool net_resolver_parse(const char *name, enum net_resolver_kind *kind)
{
    if (name == NULL)
        return false;
    if (strcmp(name, "ares") == 0)
        *kind = NET_RESOLVER_ARES;
    else if (strcmp(name, "system") == 0)
        *kind = NET_RESOLVER_SYSTEM;
    else
        return false;
    return true;
}

/* Reject impossible options before anything happens. */
static enum net_status check_opts(const struct net_resolve_opts *opts, struct net_err *err)
{
    if (opts->kind != NET_RESOLVER_ARES && opts->kind != NET_RESOLVER_SYSTEM)
        return net_err_set(err, NET_E_USAGE, "resolve: unknown resolver %d", (int)opts->kind);
    if (opts->family != NET_FAMILY_ANY && opts->family != NET_FAMILY_V4
        && opts->family != NET_FAMILY_V6)
        return net_err_set(err, NET_E_USAGE, "resolve: unknown address family %d",
                           (int)opts->family);
    if (opts->dns_servers == NULL)
        return NET_OK;
    if (opts->kind == NET_RESOLVER_SYSTEM)
        return net_err_set(err, NET_E_USAGE, "resolve: the system resolver cannot be "
                           "given DNS servers (use the c-ares resolver)");
    return net_resolve_check_servers(opts->dns_servers, err);
}

enum net_status net_resolve(const struct net_resolve_opts *opts,
                            const char *host, unsigned short port,
                            net_ms deadline, const struct net_trace *trace,
                            struct net_addrlist *out, struct net_err *err)
{
    static const struct net_resolve_opts defaults = {0};
    if (out == NULL)
        return net_err_set(err, NET_E_USAGE, "resolve: no result list given");
    out->n = 0;
    out->v = NULL;
    if (opts == NULL)
        opts = &defaults;
    enum net_status st = check_opts(opts, err);
    if (st == NET_OK)
        st = check_host(host, err);
    if (st != NET_OK)
        return st;
    bool numeric = false;
    st = resolve_numeric(host, opts->family, port, &numeric, out, err);
    if (st != NET_OK || numeric) {
        if (st == NET_OK)
            net_trace_info(trace, "%s is a numeric address: no lookup", host);
        return st;
    }
    net_trace_info(trace, "resolving %s with %s", host, net_resolver_name(opts->kind));
    if (opts->kind == NET_RESOLVER_SYSTEM)
        return resolve_system(host, opts->family, port, trace, out, err);
    return net_resolve_ares(opts, host, port, deadline, trace, out, err);
}

const char *net_addr_str(const struct net_addr *a, char *buf, size_t size)
{
    char host[NI_MAXHOST];
    char serv[NI_MAXSERV];
    if (size == 0)
        return buf;
    if (getnameinfo((const struct sockaddr *)&a->ss, a->len, host, sizeof host,
                    serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(buf, size, "(unprintable address)");
        return buf;
    }
    if (a->ss.ss_family == AF_INET6)
        snprintf(buf, size, "[%s]:%s", host, serv);
    else
        snprintf(buf, size, "%s:%s", host, serv);
    return buf;
}

