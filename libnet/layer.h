/*
 * layer.h - the operations every layer of a connection provides.
 *
 * A connection is a short stack: a socket layer at the bottom (or the
 * in-memory layer, for tests), optionally a TLS layer above it. The
 * connection (conn.h) only ever talks to the top layer; each layer talks to
 * the one below it. Layers never block: when nothing can be done now they
 * return NET_IO_AGAIN and say which poll() events on fd() would let them go on.
 *
 * Contract of the operations:
 *  - read: > 0 bytes read; 0 orderly end of stream; NET_IO_AGAIN with *want
 *    set (POLLIN and/or POLLOUT); NET_IO_ERROR with err filled in.
 *  - write: > 0 bytes taken (possibly fewer than n); NET_IO_AGAIN; NET_IO_ERROR.
 *  - handshake (NULL when the layer has none): 0 done; NET_IO_AGAIN; NET_IO_ERROR.
 *  - pending: bytes already decoded inside the layer that read() returns
 *    without touching the fd (TLS records), so callers must not poll first.
 *  - fd: the descriptor to poll, or -1 for a layer that never waits.
 *  - destroy: free this layer and every layer below it.
 */
#ifndef NET_LAYER_H
#define NET_LAYER_H

#include <stddef.h>
#include <sys/types.h>

#include "libnet/status.h"

#define NET_IO_ERROR ((ssize_t)-1)
#define NET_IO_AGAIN ((ssize_t)-2)

struct net_layer;

struct net_layer_ops {
    const char *name;
    ssize_t (*read)(struct net_layer *l, void *p, size_t n, short *want,
                    struct net_err *err);
    ssize_t (*write)(struct net_layer *l, const void *p, size_t n, short *want,
                     struct net_err *err);
    int (*handshake)(struct net_layer *l, short *want, struct net_err *err);
    size_t (*pending)(struct net_layer *l);
    int (*fd)(struct net_layer *l);
    void (*destroy)(struct net_layer *l);
};

struct net_layer {
    const struct net_layer_ops *ops;
    struct net_layer *below;    /* NULL at the bottom */
};

/*
 * The socket layer: owns fd (made non-blocking here) and closes it on
 * destroy. Writes use MSG_NOSIGNAL, so a closed peer gives NET_E_RESET or
 * NET_E_IO, never SIGPIPE; EINTR is retried inside.
 */
enum net_status net_sock_layer_new(int fd, struct net_layer **out,
                                   struct net_err *err);

/*
 * Does the socket under l (walking down to the bottom layer) already hold
 * received bytes that nobody has read? Used by STARTTLS to catch injection.
 */
size_t net_layer_unread_below(struct net_layer *l);

#endif
