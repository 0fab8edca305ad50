/* socklayer.c - the bottom layer of a connection: a non-blocking TCP socket. */
#include "libnet/layer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct sock_layer {
    struct net_layer base;
    int fd;
};

static enum net_status errno_status(int e)
{
    switch (e) {
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
        return NET_E_RESET;
    default:
        return NET_E_IO;
    }
}

static ssize_t sock_read(struct net_layer *l, void *p, size_t n, short *want,
                         struct net_err *err)
{
    struct sock_layer *s = (struct sock_layer *)l;
    for (;;) {
        ssize_t r = recv(s->fd, p, n, 0);
        if (r >= 0)
            return r;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            *want = POLLIN;
            return NET_IO_AGAIN;
        }
        int e = errno;
        net_err_set(err, errno_status(e), "receive failed: %s", strerror(e));
        return NET_IO_ERROR;
    }
}

static ssize_t sock_write(struct net_layer *l, const void *p, size_t n,
                          short *want, struct net_err *err)
{
    struct sock_layer *s = (struct sock_layer *)l;
    for (;;) {
        ssize_t r = send(s->fd, p, n, MSG_NOSIGNAL);
        if (r >= 0)
            return r;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            *want = POLLOUT;
            return NET_IO_AGAIN;
        }
        int e = errno;
        net_err_set(err, errno_status(e), "send failed: %s", strerror(e));
        return NET_IO_ERROR;
    }
}

static size_t sock_pending(struct net_layer *l)
{
    return 0;
}

static int sock_fd(struct net_layer *l)
{
    return ((struct sock_layer *)l)->fd;
}

static void sock_destroy(struct net_layer *l)
{
    struct sock_layer *s = (struct sock_layer *)l;
    if (s->fd >= 0)
        close(s->fd);
    free(s);
}

static const struct net_layer_ops sock_ops = {
    .name = "socket",
    .read = sock_read,
    .write = sock_write,
    .handshake = NULL,
    .pending = sock_pending,
    .fd = sock_fd,
    .destroy = sock_destroy,
};

enum net_status net_sock_layer_new(int fd, struct net_layer **out,
                                   struct net_err *err)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return net_err_set(err, NET_E_IO, "cannot make socket non-blocking: %s",
                           strerror(errno));
    struct sock_layer *s = calloc(1, sizeof *s);
    if (s == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory for a socket layer");
    s->base.ops = &sock_ops;
    s->fd = fd;
    *out = &s->base;
    return NET_OK;
}

size_t net_layer_unread_below(struct net_layer *l)
{
    while (l->below != NULL)
        l = l->below;
    if (l->ops != &sock_ops)
        return l->ops->pending(l);
    int avail = 0;
    if (ioctl(((struct sock_layer *)l)->fd, FIONREAD, &avail) < 0 || avail < 0)
        return 0;
    return (size_t)avail;
}
