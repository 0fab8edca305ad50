/* tcpd.c - a scripted loopback TCP peer for tests. */
#include "tests/support/tcpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TCPD_STEPS_MAX 32
/* The peer never waits longer than this for anything: a stuck test ends. */
#define TCPD_WAIT_MS 10000

struct tcpd {
    int lfd;
    unsigned short port;
    pthread_t thread;
    struct tcpd_step steps[TCPD_STEPS_MAX];
    uint64_t received;
};

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int listen_on(int family, unsigned short *port, int backlog)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_loopback;
        len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *s4;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, backlog) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                     : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static int wait_fd(int fd, short ev)
{
    struct pollfd p = {.fd = fd, .events = ev};
    return poll(&p, 1, TCPD_WAIT_MS);
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
        if (r <= 0)
            return;
        p += r;
        n -= (size_t)r;
    }
}

static void send_n(int fd, char ch, uint64_t n)
{
    char block[65536];
    memset(block, ch, sizeof block);
    while (n > 0) {
        size_t k = n < sizeof block ? (size_t)n : sizeof block;
        ssize_t r = send(fd, block, k, MSG_NOSIGNAL);
        if (r <= 0)
            return;
        n -= (uint64_t)r;
    }
}

static void read_until(struct tcpd *t, int fd, uint64_t want)
{
    char buf[4096];
    uint64_t got = 0;
    while (got < want && wait_fd(fd, POLLIN) > 0) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r <= 0)
            return;
        got += (uint64_t)r;
        t->received += (uint64_t)r;
    }
}

static bool play(struct tcpd *t, int fd, const struct tcpd_step *s)
{
    size_t len = s->len ? s->len : (s->data ? strlen(s->data) : 0);
    switch (s->op) {
    case TCPD_SEND: send_all(fd, s->data, len); break;
    case TCPD_SEND_N: send_n(fd, s->data[0], s->n); break;
    case TCPD_TRICKLE:
        for (size_t i = 0; i < len; i++) {
            send_all(fd, s->data + i, 1);
            sleep_ms(s->ms);
        }
        break;
    case TCPD_SLEEP: sleep_ms(s->ms); break;
    case TCPD_READ: read_until(t, fd, s->n); break;
    case TCPD_DRAIN: read_until(t, fd, UINT64_MAX); break;
    case TCPD_RESET: {
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        return false;
    }
    case TCPD_END: return false;
    }
    return true;
}

static void *tcpd_main(void *arg)
{
    struct tcpd *t = arg;
    if (wait_fd(t->lfd, POLLIN) <= 0)
        return NULL;
    int fd = accept(t->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    for (size_t i = 0; i < TCPD_STEPS_MAX && play(t, fd, &t->steps[i]); i++)
        ;
    close(fd);
    return NULL;
}

struct tcpd *tcpd_start(int family, const struct tcpd_step *steps)
{
    struct tcpd *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    size_t n = 0;
    while (n < TCPD_STEPS_MAX - 1 && steps[n].op != TCPD_END) {
        t->steps[n] = steps[n];
        n++;
    }
    t->steps[n].op = TCPD_END;
    t->lfd = listen_on(family, &t->port, 4);
    if (t->lfd < 0 || pthread_create(&t->thread, NULL, tcpd_main, t) != 0) {
        if (t->lfd >= 0)
            close(t->lfd);
        free(t);
        return NULL;
    }
    return t;
}

unsigned short tcpd_port(const struct tcpd *t) { return t->port; }

uint64_t tcpd_stop(struct tcpd *t)
{
    if (t == NULL)
        return 0;
    pthread_join(t->thread, NULL);
    close(t->lfd);
    uint64_t received = t->received;
    free(t);
    return received;
}

int tcpd_blackhole(int family, unsigned short *port, int *filler)
{
    int lfd = listen_on(family, port, 0);
    if (lfd < 0)
        return -1;
    int c = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(lfd, (struct sockaddr *)&ss, &len);
    if (c < 0 || connect(c, (struct sockaddr *)&ss, len) < 0) {
        close(lfd);
        if (c >= 0)
            close(c);
        return -1;
    }
    *filler = c;
    return lfd;
}

unsigned short tcpd_free_port(int family)
{
    unsigned short port = 0;
    int fd = listen_on(family, &port, 1);
    if (fd >= 0)
        close(fd);
    return port;
}
