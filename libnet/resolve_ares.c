/*
 * resolve_ares.c - the c-ares back end, driven by our own poll() loop
 * through c-ares's socket-state callback, ares_timeout() and
 * ares_process_fd() (c-ares 1.18 has no ares_process_fds): no blocking
 * call, no thread, no signal.
 */
#include <ares.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libnet/resolve_impl.h"

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

/* ---- DNS server lists ---- */

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
enum net_status net_resolve_check_servers(const char *s, struct net_err *err)
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
    enum net_status st = net_resolve_list_alloc(out, err);
    if (st != NET_OK)
        return st;
    for (struct ares_addrinfo_node *n = r->ai->nodes; n != NULL; n = n->ai_next)
        net_resolve_list_add(out, n->ai_addr, n->ai_addrlen, net_resolve_family_af(fam), port);
    return net_resolve_list_finish(out, host, fam, "c-ares", trace, err);
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

enum net_status net_resolve_ares(const struct net_resolve_opts *opts, const char *host,
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
    int af = local ? AF_UNSPEC : net_resolve_family_af(opts->family);
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

