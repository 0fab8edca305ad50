/*
 * resolve_impl.h - what the resolver's back ends share (internal to libnet;
 * not installed). resolve.c holds the API, numeric hosts and the system
 * back end; resolve_ares.c holds the c-ares back end.
 */
#ifndef NET_RESOLVE_IMPL_H
#define NET_RESOLVE_IMPL_H

#include <sys/socket.h>

#include "libnet/resolve.h"

/* Longest host accepted: RFC 1035 limits a DNS name to 253 characters,
 * and the longest IPv6 text with a zone is far shorter. */
#define RESOLVE_HOST_MAX 253

const char *net_resolve_family_name(enum net_family f);
int net_resolve_family_af(enum net_family f);
/* Give list room for NET_ADDRS_MAX entries, empty. */
enum net_status net_resolve_list_alloc(struct net_addrlist *list, struct net_err *err);
/*
 * Append sa to list with port set, unless it is of another family than
 * want_af (AF_UNSPEC: any), already present, or the list is full.
 */
void net_resolve_list_add(struct net_addrlist *list, const struct sockaddr *sa,
                          size_t salen, int want_af, unsigned short port);
/* Success when list holds something; otherwise free it: no such host. */
enum net_status net_resolve_list_finish(struct net_addrlist *list, const char *host,
                                        enum net_family fam, const char *backend,
                                        const struct net_trace *trace, struct net_err *err);

/* Check a dns_servers text ("addr[:port],...") before c-ares sees it. */
enum net_status net_resolve_check_servers(const char *s, struct net_err *err);
/* Resolve host with c-ares under deadline (host already checked, not numeric). */
enum net_status net_resolve_ares(const struct net_resolve_opts *opts, const char *host,
                                 unsigned short port, net_ms deadline,
                                 const struct net_trace *trace,
                                 struct net_addrlist *out, struct net_err *err);

#endif
