/*
 * resolve.h - one name-resolution API, two back ends.
 *
 * Contract:
 *  - NET_RESOLVER_ARES (the default) uses c-ares, driven by this module's own
 *    poll() loop through c-ares's socket-state callback, ares_timeout() and
 *    ares_process_fd(): no blocking call, no thread, no signal. It honours
 *    the deadline. DNS servers can be named ("127.0.0.1:5353,[::1]:53"); then
 *    only those are asked, and no search domains from resolv.conf apply.
 *    Names in /etc/hosts (localhost) are answered from there first.
 *  - NET_RESOLVER_SYSTEM uses getaddrinfo(), which blocks and cannot honour a
 *    deadline; it cannot take DNS servers.
 *  - Numeric hosts (IPv4, IPv6 with an optional "%zone") never cause a query.
 *  - The result is ordered as the back end returned it and filtered by the
 *    family preference; an empty answer is NET_E_NO_SUCH_HOST.
 */
#ifndef NET_RESOLVE_H
#define NET_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "libnet/clock.h"
#include "libnet/status.h"
#include "libnet/trace.h"

/* Most addresses kept from one answer: more is a hostile or broken reply,
 * and Happy Eyeballs would take minutes to try them all anyway. */
#define NET_ADDRS_MAX 64
/* Longest "addr:port" text, bracketed IPv6 with zone and port included. */
#define NET_ADDR_STR_MAX 80

enum net_resolver_kind {
    NET_RESOLVER_ARES = 0,
    NET_RESOLVER_SYSTEM
};

enum net_family {
    NET_FAMILY_ANY = 0,
    NET_FAMILY_V4,
    NET_FAMILY_V6
};

struct net_resolve_opts {
    enum net_resolver_kind kind;
    enum net_family family;
    const char *dns_servers;    /* c-ares only: "addr[:port],..." or NULL */
};

struct net_addr {
    struct sockaddr_storage ss;
    socklen_t len;
};

struct net_addrlist {
    size_t n;
    struct net_addr *v;         /* n entries, allocated */
};

/*
 * Resolve host for port before deadline. On success *out holds at least one
 * address (free with net_addrlist_free). trace may be NULL.
 */
enum net_status net_resolve(const struct net_resolve_opts *opts,
                            const char *host, unsigned short port,
                            net_ms deadline, const struct net_trace *trace,
                            struct net_addrlist *out, struct net_err *err);
void net_addrlist_free(struct net_addrlist *list);

/* "127.0.0.1:80" or "[::1]:80" into buf (at least NET_ADDR_STR_MAX). */
const char *net_addr_str(const struct net_addr *a, char *buf, size_t size);

/* Name of a back end ("ares", "system"); parse one back (false if unknown). */
const char *net_resolver_name(enum net_resolver_kind kind);
bool net_resolver_parse(const char *name, enum net_resolver_kind *kind);

#endif
