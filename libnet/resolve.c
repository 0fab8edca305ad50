/*
 * resolve.c - host names to address lists: numeric hosts parsed locally,
 * then c-ares driven by our own poll() loop, or the system's getaddrinfo().
 */
#include "libnet/resolve.h"

#include <ares.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Longest host accepted: RFC 1035 limits a DNS name to 253 characters,
 * and the longest IPv6 text with a zone is far shorter. */
#define RESOLVE_HOST_MAX 253
/* Longest dns_servers text: 8 bracketed IPv6 servers with ports fit. */
#define RESOLVE_SERVERS_STR_MAX 512
/* Most DNS servers a caller may name: more only multiplies the wait. */
#define RESOLVE_SERVERS_MAX 8
/* Longest one entry of dns_servers: "[IPv6]:65535". */
#define RESOLVE_SERVER_ENTRY_MAX (INET6_ADDRSTRLEN + 8)
/* Sockets c-ares may hold open at once: one UDP and one TCP per server,
 * for RESOLVE_SERVERS_MAX servers (resolv.conf gives at most 3). */
#define RESOLVE_FDS_MAX (2 * RESOLVE_SERVERS_MAX)
/* c-ares wait for one try of one server; later tries double it. */
#define RESOLVE_ARES_TRY_MS 1500
/* c-ares tries per server: 1.5 + 3 + 6 s at worst when no deadline is set. */
#define RESOLVE_ARES_TRIES 3
/* Longest single poll() wait: a backstop so that a socket-state change we
 * missed can never stall the lookup; c-ares runs its timers each wake. */
#define RESOLVE_POLL_CAP_MS 1000

/* ---- address lists ---- */

static const char *family_name(enum net_family f)
{
    switch (f) {
    case NET_FAMILY_V4: return "IPv4";
    case NET_FAMILY_V6: return "IPv6";
    case NET_FAMILY_ANY: break;
    }
    return "any";
}

static int family_af(enum net_family f)
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
static void list_add(struct net_addrlist *list, const struct sockaddr *sa,
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

static enum net_status list_alloc(struct net_addrlist *list, struct net_err *err)
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
static enum net_status list_finish(struct net_addrlist *list, const char *host,
                                   enum net_family fam, const char *backend,
                                   const struct net_trace *trace, struct net_err *err)
{
    if (list->n == 0) {
        net_addrlist_free(list);
        if (fam == NET_FAMILY_ANY)
            return net_err_set(err, NET_E_NO_SUCH_HOST,
                               "no address for '%s' (%s)", host, backend);
        return net_err_set(err, NET_E_NO_SUCH_HOST, "no %s address for '%s' (%s)",
                           family_name(fam), host, backend);
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
static bool port_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
        return false;
    long v = strtol(s, NULL, 10);
    return v >= 1 && v <= 65535;
}

/* One entry: "IPv4", "IPv4:port", "IPv6", "[IPv6]" or "[IPv6]:port". */
static bool server_entry_ok(char *e)
{
    unsigned char buf[sizeof(struct in6_addr)];
    if (e[0] == '[') {
        char *close = strchr(e, ']');
        if (close == NULL)
            return false;
        *close = '\0';
        if (inet_pton(AF_INET6, e + 1, buf) != 1)
            return false;
        return close[1] == '\0' || (close[1] == ':' && port_ok(close + 2));
    }
    char *colon = strchr(e, ':');
    if (colon != NULL && strchr(colon + 1, ':') != NULL)
        return inet_pton(AF_INET6, e, buf) == 1;
    if (colon != NULL) {
        *colon = '\0';
        if (!port_ok(colon + 1))
            return false;
    }
    return inet_pton(AF_INET, e, buf) == 1;
}

/* Validate "addr[:port],..." before c-ares sees it. */
static enum net_status check_servers(const char *s, struct net_err *err)
{
    size_t len = strlen(s);
    if (len == 0 || len > RESOLVE_SERVERS_STR_MAX)
        return net_err_set(err, NET_E_USAGE, "resolve: DNS server list is empty or "
                           "longer than %d characters", RESOLVE_SERVERS_STR_MAX);
    if (strspn(s, "0123456789abcdefABCDEF.:[],") != len)
        return net_err_set(err, NET_E_USAGE, "resolve: DNS server list has a character "
                           "other than digits, hex letters and . : [ ] , at %zu",
                           strspn(s, "0123456789abcdefABCDEF.:[],"));
    int count = 0;
    for (const char *p = s;; count++) {
        size_t n = strcspn(p, ",");
        char entry[RESOLVE_SERVER_ENTRY_MAX + 1];
        if (count >= RESOLVE_SERVERS_MAX)
            return net_err_set(err, NET_E_USAGE, "resolve: more than %d DNS servers",
                               RESOLVE_SERVERS_MAX);
        if (n == 0 || n > RESOLVE_SERVER_ENTRY_MAX)
            return net_err_set(err, NET_E_USAGE, "resolve: DNS server %d is empty "
                               "or too long", count + 1);
        memcpy(entry, p, n);
        entry[n] = '\0';
        if (!server_entry_ok(entry))
            return net_err_set(err, NET_E_USAGE, "resolve: DNS server '%.*s' is not "
                               "addr, addr:port or [addr]:port", (int)n, p);
        if (p[n] == '\0')
            return NET_OK;
        p += n + 1;
    }
}

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
    enum net_status st = list_alloc(out, err);
    for (struct addrinfo *ai = res; st == NET_OK && ai != NULL; ai = ai->ai_next)
        list_add(out, ai->ai_addr, ai->ai_addrlen, family_af(fam), port);
    freeaddrinfo(res);
    if (st != NET_OK)
        return st;
    if (out->n == 0) {
        net_addrlist_free(out);
        return net_err_set(err, NET_E_NO_SUCH_HOST, "'%s' is an %s address, but only %s "
                           "was asked for", host, af == AF_INET ? "IPv4" : "IPv6",
                           family_name(fam));
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
    struct addrinfo hints = {.ai_family = family_af(fam), .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0) {
        int e = errno;
        return net_err_set(err, gai_status(rc), "lookup of '%s' failed: %s (getaddrinfo)",
                           host, rc == EAI_SYSTEM ? strerror(e) : gai_strerror(rc));
    }
    enum net_status st = list_alloc(out, err);
    for (struct addrinfo *ai = res; st == NET_OK && ai != NULL; ai = ai->ai_next)
        list_add(out, ai->ai_addr, ai->ai_addrlen, family_af(fam), port);
    freeaddrinfo(res);
    if (st != NET_OK)
        return st;
    return list_finish(out, host, fam, "system", trace, err);
}

/* ---- c-ares back end ---- */

/* The sockets c-ares asked us to watch, kept by its socket-state callback. */
struct ares_watch {
    size_t n;
    bool overflow;              /* c-ares opened more than RESOLVE_FDS_MAX */
    struct {
        ares_socket_t fd;
        bool rd, wr;
    } v[RESOLVE_FDS_MAX];
};

/* The outcome of ares_getaddrinfo, filled by its callback. */
struct ares_result {
    bool done;
    int status;
    struct ares_addrinfo *ai;   /* ours to free */
};

static void watch_cb(void *data, ares_socket_t fd, int readable, int writable)
{
    struct ares_watch *w = data;
    size_t i = 0;
    while (i < w->n && w->v[i].fd != fd)
        i++;
    if (!readable && !writable) {
        if (i < w->n)
            w->v[i] = w->v[--w->n];
        return;
    }
    if (i == w->n) {
        if (w->n >= RESOLVE_FDS_MAX) {
            w->overflow = true;
            return;
        }
        w->n++;
    }
    w->v[i].fd = fd;
    w->v[i].rd = readable != 0;
    w->v[i].wr = writable != 0;
}

static void result_cb(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
    struct ares_result *r = arg;
    r->done = true;
    r->status = status;
    if (status == ARES_SUCCESS)
        r->ai = ai;
    else if (ai != NULL)
        ares_freeaddrinfo(ai);
}

/* A channel with our options; local: a localhost name, for /etc/hosts only. */
static enum net_status ares_new(const char *servers, bool local, struct ares_watch *w,
                                ares_channel *ch, struct net_err *err)
{
    char lookups[] = "fb";      /* /etc/hosts first, then DNS */
    if (local)
        lookups[1] = '\0';      /* RFC 6761: never ask DNS about localhost */
    struct ares_options o;
    memset(&o, 0, sizeof o);
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
    o.sock_state_cb = watch_cb;
    o.sock_state_cb_data = w;
    o.timeout = RESOLVE_ARES_TRY_MS;
    o.tries = RESOLVE_ARES_TRIES;
    o.lookups = lookups;
    if (servers != NULL) {
        mask |= ARES_OPT_DOMAINS;   /* no search domains from resolv.conf */
        o.domains = NULL;
        o.ndomains = 0;
    }
    int rc = ares_init_options(ch, &o, mask);
    if (rc != ARES_SUCCESS)
        return net_err_set(err, rc == ARES_ENOMEM ? NET_E_NOMEM : NET_E_RESOLVE,
                           "resolve: c-ares initialisation failed: %s", ares_strerror(rc));
    if (servers == NULL)
        return NET_OK;
    rc = ares_set_servers_ports_csv(*ch, servers);
    if (rc == ARES_SUCCESS)
        return NET_OK;
    ares_destroy(*ch);
    return net_err_set(err, rc == ARES_ENOMEM ? NET_E_NOMEM : NET_E_USAGE,
                       "resolve: c-ares refused the DNS server list '%s': %s",
                       servers, ares_strerror(rc));
}

/* poll() wait in ms: c-ares's next timer, our deadline, the backstop. */
static int ares_wait_ms(ares_channel ch, net_ms deadline)
{
    struct timeval cap = {.tv_sec = RESOLVE_POLL_CAP_MS / 1000,
                          .tv_usec = (RESOLVE_POLL_CAP_MS % 1000) * 1000};
    struct timeval tv;
    struct timeval *t = ares_timeout(ch, &cap, &tv);
    long long ms = (long long)t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
    int dl = net_deadline_poll_ms(deadline);
    if (dl >= 0 && dl < ms)
        ms = dl;
    return (int)ms;
}

/* One poll() round over the watched sockets, then let c-ares work. */
static enum net_status ares_step(ares_channel ch, struct ares_watch *w,
                                 net_ms deadline, struct net_err *err)
{
    struct pollfd p[RESOLVE_FDS_MAX];
    nfds_t n = 0;
    for (size_t i = 0; i < w->n; i++) {
        short ev = (short)((w->v[i].rd ? POLLIN : 0) | (w->v[i].wr ? POLLOUT : 0));
        p[n++] = (struct pollfd){.fd = w->v[i].fd, .events = ev};
    }
    int rc = poll(p, n, ares_wait_ms(ch, deadline));
    if (rc < 0 && errno != EINTR)
        return net_err_set(err, NET_E_RESOLVE, "resolve: poll: %s", strerror(errno));
    if (rc <= 0) {
        ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
        return NET_OK;
    }
    for (nfds_t i = 0; i < n; i++) {
        short re = p[i].revents;
        if (re == 0)
            continue;
        bool bad = (re & (POLLERR | POLLHUP | POLLNVAL)) != 0;
        ares_socket_t r = (re & POLLIN) || bad ? p[i].fd : ARES_SOCKET_BAD;
        ares_socket_t wr = (re & POLLOUT) || bad ? p[i].fd : ARES_SOCKET_BAD;
        ares_process_fd(ch, r, wr);
    }
    return NET_OK;
}

/* Drive the query until its callback ran or the deadline passed. */
static enum net_status ares_drive(ares_channel ch, struct ares_watch *w,
                                  const struct ares_result *r, const char *host,
                                  net_ms start, net_ms deadline, struct net_err *err)
{
    while (!r->done) {
        if (w->overflow)
            return net_err_set(err, NET_E_RESOLVE, "lookup of '%s': c-ares opened more "
                               "than %d sockets", host, RESOLVE_FDS_MAX);
        if (deadline != NET_NO_DEADLINE && net_now() >= deadline)
            return net_err_set(err, NET_E_RESOLVE_TIMEOUT, "lookup of '%s' timed out "
                               "after %lld ms", host, (long long)(net_now() - start));
        enum net_status st = ares_step(ch, w, deadline, err);
        if (st != NET_OK)
            return st;
    }
    return NET_OK;
}

/* Map a finished c-ares lookup to a status (and the list on success). */
static enum net_status ares_outcome(const struct ares_result *r, const char *host,
                                    enum net_family fam, unsigned short port,
                                    const struct net_trace *trace,
                                    struct net_addrlist *out, struct net_err *err)
{
    switch (r->status) {
    case ARES_SUCCESS:
        break;
    case ARES_ENOTFOUND:
    case ARES_ENODATA:
        return net_err_set(err, NET_E_NO_SUCH_HOST, "no such host '%s': %s (c-ares)",
                           host, ares_strerror(r->status));
    case ARES_ETIMEOUT:
        return net_err_set(err, NET_E_RESOLVE_TIMEOUT, "lookup of '%s' timed out: "
                           "no DNS server answered (c-ares)", host);
    case ARES_ENOMEM:
        return net_err_set(err, NET_E_NOMEM, "lookup of '%s': out of memory", host);
    default:
        return net_err_set(err, NET_E_RESOLVE, "lookup of '%s' failed: %s (c-ares)",
                           host, ares_strerror(r->status));
    }
    enum net_status st = list_alloc(out, err);
    if (st != NET_OK)
        return st;
    for (struct ares_addrinfo_node *n = r->ai->nodes; n != NULL; n = n->ai_next)
        list_add(out, n->ai_addr, n->ai_addrlen, family_af(fam), port);
    return list_finish(out, host, fam, "c-ares", trace, err);
}

/* RFC 6761 localhost names: "localhost" and "*.localhost", with or
 * without the final dot, in any case: never a question for DNS. */
static bool is_localhost_name(const char *host)
{
    static const char name[] = "localhost";
    const size_t nlen = sizeof name - 1;
    size_t len = strlen(host);
    if (len > 0 && host[len - 1] == '.')
        len--;
    if (len < nlen || strncasecmp(host + len - nlen, name, nlen) != 0)
        return false;
    return len == nlen || host[len - nlen - 1] == '.';
}

/*
 * A localhost name the way c-ares 1.18 recognises it for its RFC 6761
 * loopback answer (lower case, no final dot). buf holds
 * RESOLVE_HOST_MAX + 1 bytes; host is at most RESOLVE_HOST_MAX long.
 */
static const char *localhost_form(const char *host, char *buf)
{
    size_t len = strlen(host);
    if (len > 0 && host[len - 1] == '.')
        len--;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)tolower((unsigned char)host[i]);
    buf[len] = '\0';
    return buf;
}

static enum net_status resolve_ares(const struct net_resolve_opts *opts, const char *host,
                                    unsigned short port, net_ms deadline,
                                    const struct net_trace *trace,
                                    struct net_addrlist *out, struct net_err *err)
{
    struct ares_watch w = {0};
    struct ares_result r = {0};
    ares_channel ch;
    net_ms start = net_now();
    bool local = is_localhost_name(host);
    enum net_status st = ares_new(opts->dns_servers, local, &w, &ch, err);
    if (st != NET_OK)
        return st;
    /* c-ares 1.18 leaks the name when a localhost name is in /etc/hosts
     * but not for the asked family (its RFC 6761 fallback overwrites it);
     * asking for any family and filtering here never takes that path. */
    char name[RESOLVE_HOST_MAX + 1];
    int af = local ? AF_UNSPEC : family_af(opts->family);
    struct ares_addrinfo_hints hints = {.ai_family = af, .ai_socktype = SOCK_STREAM};
    ares_getaddrinfo(ch, local ? localhost_form(host, name) : host, NULL, &hints,
                     result_cb, &r);
    st = ares_drive(ch, &w, &r, host, start, deadline, err);
    /* With only the hosts file to ask, c-ares ends a miss with its initial
     * "could not contact DNS servers": for us it is no such host. */
    if (st == NET_OK && local && r.status == ARES_ECONNREFUSED)
        r.status = ARES_ENOTFOUND;
    if (st != NET_OK)
        ares_cancel(ch);
    else
        st = ares_outcome(&r, host, opts->family, port, trace, out, err);
    ares_destroy(ch);
    if (r.ai != NULL)
        ares_freeaddrinfo(r.ai);
    return st;
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
    return check_servers(opts->dns_servers, err);
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
    return resolve_ares(opts, host, port, deadline, trace, out, err);
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
