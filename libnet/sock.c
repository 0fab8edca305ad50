/* sock.c - Happy Eyeballs (RFC 8305) connection attempts over an address list. */
#include "libnet/sock.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One attempt per address: the list holds at most NET_ADDRS_MAX. */
struct attempt {
    int fd;             /* -1 once finished */
    int error;          /* errno of a failed attempt, 0 while in flight */
    bool started;
};

struct he {
    const struct net_addrlist *list;
    struct attempt a[NET_ADDRS_MAX];
    size_t n;           /* addresses considered (<= NET_ADDRS_MAX) */
    size_t next;        /* next address to start */
    size_t in_flight;
    const struct net_trace *trace;
};

void net_sock_order(struct net_addrlist *list)
{
    size_t n = list->n < NET_ADDRS_MAX ? list->n : NET_ADDRS_MAX;
    struct net_addr v6[NET_ADDRS_MAX], v4[NET_ADDRS_MAX];
    size_t n6 = 0, n4 = 0;
    for (size_t i = 0; i < n; i++) {
        if (list->v[i].ss.ss_family == AF_INET6)
            v6[n6++] = list->v[i];
        else
            v4[n4++] = list->v[i];
    }
    size_t k = 0, i6 = 0, i4 = 0;
    while (i6 < n6 || i4 < n4) {
        if (i6 < n6)
            list->v[k++] = v6[i6++];
        if (i4 < n4)
            list->v[k++] = v4[i4++];
    }
}

static void attempt_fail(struct he *h, size_t i, int e)
{
    struct attempt *a = &h->a[i];
    char addr[NET_ADDR_STR_MAX];
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
        h->in_flight--;
    }
    a->error = e;
    net_trace_info(h->trace, "connect to %s failed: %s",
                   net_addr_str(&h->list->v[i], addr, sizeof addr), strerror(e));
}

/* Start the next attempt. Returns the index of an immediate success, or -1. */
static int attempt_start(struct he *h)
{
    size_t i = h->next++;
    const struct net_addr *ad = &h->list->v[i];
    struct attempt *a = &h->a[i];
    char addr[NET_ADDR_STR_MAX];
    a->started = true;
    a->fd = -1;
    net_trace_info(h->trace, "connecting to %s", net_addr_str(ad, addr, sizeof addr));
    int fd = socket(ad->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        attempt_fail(h, i, errno);
        return -1;
    }
    a->fd = fd;
    h->in_flight++;
    int r;
    do
        r = connect(fd, (const struct sockaddr *)&ad->ss, ad->len);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return (int)i;
    if (errno != EINPROGRESS)
        attempt_fail(h, i, errno);
    return -1;
}

/* Poll the attempts in flight until next_at or deadline. Returns a winner or -1. */
static int attempts_poll(struct he *h, net_ms wake_at)
{
    struct pollfd pfd[NET_ADDRS_MAX];
    size_t idx[NET_ADDRS_MAX], k = 0;
    for (size_t i = 0; i < h->next; i++) {
        if (h->a[i].fd >= 0) {
            pfd[k] = (struct pollfd){.fd = h->a[i].fd, .events = POLLOUT};
            idx[k++] = i;
        }
    }
    int r = poll(pfd, k, net_deadline_poll_ms(wake_at));
    if (r <= 0)
        return -1;      /* timeout, or EINTR: the caller's loop re-checks */
    for (size_t j = 0; j < k; j++) {
        if (pfd[j].revents == 0)
            continue;
        int e = 0;
        socklen_t el = sizeof e;
        if (getsockopt(pfd[j].fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
            e = errno;
        if (e == 0)
            return (int)idx[j];
        attempt_fail(h, idx[j], e);
    }
    return -1;
}

static void attempts_close_except(struct he *h, int keep)
{
    for (size_t i = 0; i < h->next; i++)
        if ((int)i != keep && h->a[i].fd >= 0) {
            close(h->a[i].fd);
            h->a[i].fd = -1;
        }
}

static enum net_status report_failure(struct he *h, bool timed_out,
                                      struct net_err *err)
{
    char addr[NET_ADDR_STR_MAX];
    enum net_status st = timed_out ? NET_E_CONNECT_TIMEOUT : NET_E_CONNECT;
    net_err_set(err, st, "%s to %zu address%s:", timed_out ? "connect timed out" :
                "could not connect", h->n, h->n == 1 ? "" : "es");
    for (size_t i = 0; i < h->n; i++) {
        const char *why = !h->a[i].started ? "not tried before the deadline"
                        : h->a[i].error ? strerror(h->a[i].error) : "no answer";
        net_err_append(err, "%s %s (%s)", i ? ";" : "",
                       net_addr_str(&h->list->v[i], addr, sizeof addr), why);
    }
    return st;
}

enum net_status net_sock_connect(const struct net_addrlist *list,
                                 net_ms deadline, net_ms stagger_ms,
                                 const struct net_trace *trace, int *fd,
                                 struct net_addr *peer, struct net_err *err)
{
    if (list->n == 0)
        return net_err_set(err, NET_E_USAGE, "no address to connect to");
    struct he h = {.list = list, .trace = trace};
    h.n = list->n < NET_ADDRS_MAX ? list->n : NET_ADDRS_MAX;
    if (stagger_ms <= 0)
        stagger_ms = NET_HE_STAGGER_MS;
    int win = -1;
    net_ms next_at = net_now();
    while (win < 0) {
        net_ms now = net_now();
        if (now >= deadline)
            break;
        if (h.next < h.n && (now >= next_at || h.in_flight == 0)) {
            win = attempt_start(&h);
            next_at = net_now() + stagger_ms;
            continue;
        }
        if (h.in_flight == 0)
            break;      /* every address tried and failed */
        size_t before = h.in_flight;
        net_ms wake = h.next < h.n ? net_deadline_min(next_at, deadline) : deadline;
        win = attempts_poll(&h, wake);
        if (win < 0 && h.in_flight < before)
            next_at = net_now();    /* a failure starts the next attempt at once */
    }
    if (win < 0) {
        bool timed_out = net_now() >= deadline;
        attempts_close_except(&h, -1);
        return report_failure(&h, timed_out, err);
    }
    attempts_close_except(&h, win);
    int one = 1;
    setsockopt(h.a[win].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    *fd = h.a[win].fd;
    if (peer)
        *peer = list->v[win];
    char addr[NET_ADDR_STR_MAX];
    net_trace_info(trace, "connected to %s", net_addr_str(&list->v[win], addr, sizeof addr));
    return NET_OK;
}
