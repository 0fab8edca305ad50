/*
 * sock.h - connecting a TCP socket over an address list (Happy Eyeballs).
 *
 * Contract: net_sock_connect() orders the addresses as RFC 8305 asks
 * (families interleaved, IPv6 first), starts a non-blocking connect to the
 * first, and starts the next one when the previous fails or after
 * stagger_ms, whichever comes first, keeping every attempt alive until one
 * succeeds or the deadline passes. The winner is returned non-blocking with
 * TCP_NODELAY set; every other socket is closed. When all fail, the error
 * text names every address tried and why each failed.
 */
#ifndef NET_SOCK_H
#define NET_SOCK_H

#include "libnet/clock.h"
#include "libnet/resolve.h"
#include "libnet/status.h"
#include "libnet/trace.h"

/* RFC 8305 section 5 recommends 250 ms between connection attempts. */
#define NET_HE_STAGGER_MS 250

/* Reorder list in place: interleave the families, IPv6 first. */
void net_sock_order(struct net_addrlist *list);

/*
 * Connect to one of list's addresses before deadline. stagger_ms <= 0 means
 * NET_HE_STAGGER_MS. On success *fd is the connected socket and *peer (if not
 * NULL) its address. The list is used in the order given: call
 * net_sock_order() first for RFC 8305 ordering.
 */
enum net_status net_sock_connect(const struct net_addrlist *list,
                                 net_ms deadline, net_ms stagger_ms,
                                 const struct net_trace *trace, int *fd,
                                 struct net_addr *peer, struct net_err *err);

#endif
