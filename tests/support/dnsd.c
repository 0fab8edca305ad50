/* dnsd.c - a tiny loopback DNS responder (UDP and TCP) for tests. */
#include "tests/support/dnsd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* Longest DNS name in text form plus its NUL (RFC 1035: 255 octets wire). */
#define DNSD_NAME_MAX 256
/* Largest query we read: real queries are tiny; bigger ones are dropped. */
#define DNSD_QUERY_MAX 4096
/* Largest reply we build: header, the longest question, DNSD_ADDRS_MAX
 * AAAA records (28 bytes each) fit with room to spare. */
#define DNSD_REPLY_MAX 1024
/* TCP clients served at once: c-ares opens one per server. */
#define DNSD_CONNS_MAX 8
/* Attempts to find a port free for both UDP and TCP. */
#define DNSD_BIND_TRIES 50
/* DNS header size (RFC 1035 4.1.1). */
#define DNSD_HDR 12

/* Header flag bits (RFC 1035 4.1.1). */
#define DNSD_QR 0x8000u
#define DNSD_OPCODE 0x7800u
#define DNSD_AA 0x0400u
#define DNSD_TC 0x0200u
#define DNSD_RD 0x0100u
#define DNSD_RA 0x0080u
#define DNSD_RCODE_FORMERR 1u
#define DNSD_RCODE_NXDOMAIN 3u

struct dnsd_rec {
    int qtype;                  /* DNSD_TYPE_A or DNSD_TYPE_AAAA */
    unsigned char addr[16];
};

struct dnsd_name {
    char name[DNSD_NAME_MAX];
    enum dnsd_mode mode;
    int nrecs;
    struct dnsd_rec recs[DNSD_ADDRS_MAX];
};

struct dnsd_conn {
    int fd;                     /* -1: free slot */
    size_t len;
    unsigned char buf[DNSD_QUERY_MAX + 2];
};

struct dnsd {
    struct dnsd_name names[DNSD_NAMES_MAX];
    int nnames;
    int udp, tcp, wake[2];
    struct dnsd_conn conns[DNSD_CONNS_MAX];
    pthread_t thread;
    bool running;
    pthread_mutex_t lock;
    unsigned counts[3][3];      /* [transport][A, AAAA, other] */
    char server[32];
};

struct dnsd_query {
    unsigned id, flags;
    char name[DNSD_NAME_MAX];
    size_t qend;                /* offset just past the question */
    int qtype;
};

struct dnsd *dnsd_new(void)
{
    struct dnsd *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->udp = d->tcp = d->wake[0] = d->wake[1] = -1;
    for (int i = 0; i < DNSD_CONNS_MAX; i++)
        d->conns[i].fd = -1;
    pthread_mutex_init(&d->lock, NULL);
    return d;
}

static struct dnsd_name *dnsd_find(struct dnsd *d, const char *name)
{
    for (int i = 0; i < d->nnames; i++)
        if (strcasecmp(d->names[i].name, name) == 0)
            return &d->names[i];
    return NULL;
}

static struct dnsd_name *dnsd_get(struct dnsd *d, const char *name)
{
    struct dnsd_name *n = dnsd_find(d, name);
    if (n != NULL)
        return n;
    if (d->running || d->nnames >= DNSD_NAMES_MAX || strlen(name) >= DNSD_NAME_MAX)
        return NULL;
    n = &d->names[d->nnames++];
    snprintf(n->name, sizeof n->name, "%s", name);
    return n;
}

int dnsd_add(struct dnsd *d, const char *name, const char *addr)
{
    struct dnsd_name *n = dnsd_get(d, name);
    if (n == NULL)
        return -1;
    if (addr == NULL)
        return 0;
    if (n->nrecs >= DNSD_ADDRS_MAX)
        return -1;
    struct dnsd_rec *r = &n->recs[n->nrecs];
    if (inet_pton(AF_INET, addr, r->addr) == 1)
        r->qtype = DNSD_TYPE_A;
    else if (inet_pton(AF_INET6, addr, r->addr) == 1)
        r->qtype = DNSD_TYPE_AAAA;
    else
        return -1;
    n->nrecs++;
    return 0;
}

int dnsd_set_mode(struct dnsd *d, const char *name, enum dnsd_mode mode)
{
    struct dnsd_name *n = dnsd_get(d, name);
    if (n == NULL)
        return -1;
    n->mode = mode;
    return 0;
}

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

/* Read the question's name at *off into q->name (no compression allowed). */
static int dnsd_parse_name(const unsigned char *p, size_t n, size_t *off,
                           struct dnsd_query *q)
{
    size_t used = 0;
    for (;;) {
        if (*off >= n)
            return -1;
        size_t len = p[(*off)++];
        if (len == 0)
            break;
        if ((len & 0xc0) != 0 || *off + len > n || used + len + 1 >= DNSD_NAME_MAX)
            return -1;
        if (used > 0)
            q->name[used++] = '.';
        memcpy(q->name + used, p + *off, len);
        used += len;
        *off += len;
    }
    q->name[used] = '\0';
    return 0;
}

/*
 * Parse a query: -1 when there is no usable header (ignore it), -2 when
 * the header is readable but the question is not (FORMERR), 0 when good.
 */
static int dnsd_parse(const unsigned char *p, size_t n, struct dnsd_query *q)
{
    memset(q, 0, sizeof *q);
    if (n < DNSD_HDR)
        return -1;
    q->id = get16(p);
    q->flags = get16(p + 2);
    if ((q->flags & DNSD_QR) != 0)
        return -1;
    if (get16(p + 4) != 1)
        return -2;
    size_t off = DNSD_HDR;
    if (dnsd_parse_name(p, n, &off, q) != 0 || off + 4 > n)
        return -2;
    q->qtype = (int)get16(p + off);
    q->qend = off + 4;
    return 0;
}

static void dnsd_count_query(struct dnsd *d, bool tcp, int qtype)
{
    int t = tcp ? DNSD_TCP : DNSD_UDP;
    int k = qtype == DNSD_TYPE_A ? 0 : qtype == DNSD_TYPE_AAAA ? 1 : 2;
    pthread_mutex_lock(&d->lock);
    d->counts[t][k]++;
    pthread_mutex_unlock(&d->lock);
}

unsigned dnsd_count(struct dnsd *d, enum dnsd_transport t, int qtype)
{
    unsigned sum = 0;
    pthread_mutex_lock(&d->lock);
    for (int i = DNSD_UDP; i <= DNSD_TCP; i++) {
        if (t != DNSD_ANY && (int)t != i)
            continue;
        for (int k = 0; k < 3; k++) {
            int kt = k == 0 ? DNSD_TYPE_A : k == 1 ? DNSD_TYPE_AAAA : -1;
            if (qtype == 0 || qtype == kt)
                sum += d->counts[i][k];
        }
    }
    pthread_mutex_unlock(&d->lock);
    return sum;
}

/* Header of a reply to q: echoes ID, opcode and RD. */
static void dnsd_header(unsigned char *out, const struct dnsd_query *q,
                        unsigned extra_flags, unsigned qd, unsigned an)
{
    unsigned flags = DNSD_QR | (q->flags & (DNSD_OPCODE | DNSD_RD)) | DNSD_AA
                     | DNSD_RA | extra_flags;
    put16(out, q->id);
    put16(out + 2, flags);
    put16(out + 4, qd);
    put16(out + 6, an);
    put16(out + 8, 0);
    put16(out + 10, 0);
}

/* One answer record for the name at offset 12 (the question's). */
static size_t dnsd_put_rr(unsigned char *out, size_t off, const struct dnsd_rec *r)
{
    size_t alen = r->qtype == DNSD_TYPE_A ? 4 : 16;
    put16(out + off, 0xc000 | DNSD_HDR);
    put16(out + off + 2, (unsigned)r->qtype);
    put16(out + off + 4, 1);            /* class IN */
    put16(out + off + 6, 0);            /* TTL, high half */
    put16(out + off + 8, 60);           /* TTL, low half */
    put16(out + off + 10, (unsigned)alen);
    memcpy(out + off + 12, r->addr, alen);
    return off + 12 + alen;
}

/* The "garbage" reply: a valid header and question, then an answer whose
 * name is a compression pointer far past the end of the message. */
static size_t dnsd_garbage(const unsigned char *qp, const struct dnsd_query *q,
                           unsigned char *out)
{
    dnsd_header(out, q, 0, 1, 1);
    memcpy(out + DNSD_HDR, qp + DNSD_HDR, q->qend - DNSD_HDR);
    size_t off = q->qend;
    put16(out + off, 0xffff);           /* pointer to offset 0x3fff */
    put16(out + off + 2, DNSD_TYPE_A);
    put16(out + off + 4, 1);
    memset(out + off + 6, 0, 4);
    put16(out + off + 10, 4);
    memset(out + off + 12, 0x7f, 4);
    return off + 16;
}

/* Build the reply to a parsed query into out; 0 means "send nothing". */
static size_t dnsd_answer(struct dnsd *d, const unsigned char *qp,
                          const struct dnsd_query *q, bool tcp, unsigned char *out)
{
    struct dnsd_name *n = dnsd_find(d, q->name);
    size_t qlen = q->qend - DNSD_HDR;
    if (DNSD_HDR + qlen + 28 * (DNSD_ADDRS_MAX + 1) > DNSD_REPLY_MAX)
        return 0;
    enum dnsd_mode mode = n != NULL ? n->mode : DNSD_NORMAL;
    if (mode == DNSD_SILENT)
        return 0;
    if (mode == DNSD_GARBAGE)
        return dnsd_garbage(qp, q, out);
    if (mode == DNSD_JUNK) {
        memcpy(out, qp, 2);
        memcpy(out + 2, "\x81\x80\xff", 3);
        return 5;
    }
    memcpy(out + DNSD_HDR, qp + DNSD_HDR, qlen);
    if (n == NULL) {
        dnsd_header(out, q, DNSD_RCODE_NXDOMAIN, 1, 0);
        return q->qend;
    }
    if (mode == DNSD_TRUNCATE && !tcp) {
        dnsd_header(out, q, DNSD_TC, 1, 0);
        return q->qend;
    }
    size_t off = q->qend;
    unsigned an = 0;
    for (int i = 0; i < n->nrecs; i++) {
        if (n->recs[i].qtype != q->qtype)
            continue;
        off = dnsd_put_rr(out, off, &n->recs[i]);
        an++;
    }
    dnsd_header(out, q, 0, 1, an);
    return off;
}

/* Count and answer one query message; returns the reply length (0: none). */
static size_t dnsd_handle(struct dnsd *d, const unsigned char *p, size_t n,
                          bool tcp, unsigned char *out)
{
    struct dnsd_query q;
    int rc = dnsd_parse(p, n, &q);
    if (rc == -1)
        return 0;
    dnsd_count_query(d, tcp, rc == 0 ? q.qtype : 0);
    if (rc == -2) {
        dnsd_header(out, &q, DNSD_RCODE_FORMERR, 0, 0);
        return DNSD_HDR;
    }
    return dnsd_answer(d, p, &q, tcp, out);
}

static void dnsd_serve_udp(struct dnsd *d)
{
    unsigned char in[DNSD_QUERY_MAX], out[DNSD_REPLY_MAX];
    struct sockaddr_storage from;
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(d->udp, in, sizeof in, 0, (struct sockaddr *)&from, &flen);
    if (n <= 0)
        return;
    size_t len = dnsd_handle(d, in, (size_t)n, false, out);
    if (len > 0)
        (void)sendto(d->udp, out, len, 0, (struct sockaddr *)&from, flen);
}

static void dnsd_accept(struct dnsd *d)
{
    int fd = accept(d->tcp, NULL, NULL);
    if (fd < 0)
        return;
    for (int i = 0; i < DNSD_CONNS_MAX; i++) {
        if (d->conns[i].fd < 0) {
            d->conns[i].fd = fd;
            d->conns[i].len = 0;
            return;
        }
    }
    close(fd);
}

static void dnsd_conn_close(struct dnsd_conn *c)
{
    close(c->fd);
    c->fd = -1;
    c->len = 0;
}

/* Answer every complete length-prefixed message buffered on c. */
static void dnsd_conn_drain(struct dnsd *d, struct dnsd_conn *c)
{
    unsigned char out[DNSD_REPLY_MAX + 2];
    while (c->len >= 2) {
        size_t mlen = get16(c->buf);
        if (mlen > DNSD_QUERY_MAX) {
            dnsd_conn_close(c);
            return;
        }
        if (c->len < 2 + mlen)
            return;
        size_t rlen = dnsd_handle(d, c->buf + 2, mlen, true, out + 2);
        if (rlen > 0) {
            put16(out, (unsigned)rlen);
            if (send(c->fd, out, rlen + 2, MSG_NOSIGNAL) != (ssize_t)(rlen + 2)) {
                dnsd_conn_close(c);
                return;
            }
        }
        memmove(c->buf, c->buf + 2 + mlen, c->len - 2 - mlen);
        c->len -= 2 + mlen;
    }
}

static void dnsd_serve_conn(struct dnsd *d, struct dnsd_conn *c)
{
    ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (n <= 0) {
        dnsd_conn_close(c);
        return;
    }
    c->len += (size_t)n;
    dnsd_conn_drain(d, c);
}

static void *dnsd_main(void *arg)
{
    struct dnsd *d = arg;
    for (;;) {
        struct pollfd p[3 + DNSD_CONNS_MAX];
        int slot[3 + DNSD_CONNS_MAX];
        nfds_t np = 0;
        int fixed[3] = {d->wake[0], d->udp, d->tcp};
        for (int i = 0; i < 3; i++) {
            p[np] = (struct pollfd){.fd = fixed[i], .events = POLLIN};
            slot[np++] = -1;
        }
        for (int i = 0; i < DNSD_CONNS_MAX; i++) {
            if (d->conns[i].fd < 0)
                continue;
            p[np] = (struct pollfd){.fd = d->conns[i].fd, .events = POLLIN};
            slot[np++] = i;
        }
        if (poll(p, np, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents != 0)
            break;
        if (p[1].revents != 0)
            dnsd_serve_udp(d);
        if (p[2].revents != 0)
            dnsd_accept(d);
        for (nfds_t i = 3; i < np; i++)
            if (p[i].revents != 0)
                dnsd_serve_conn(d, &d->conns[slot[i]]);
    }
    return NULL;
}

/* Bind UDP to a kernel-chosen port, then TCP to the same port. */
static int dnsd_bind_once(struct dnsd *d)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    d->udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    d->tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (d->udp < 0 || d->tcp < 0)
        return -1;
    if (bind(d->udp, (struct sockaddr *)&sa, sizeof sa) != 0
        || getsockname(d->udp, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    int one = 1;
    setsockopt(d->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(d->tcp, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(d->tcp, 8) != 0)
        return -1;
    snprintf(d->server, sizeof d->server, "127.0.0.1:%u", ntohs(sa.sin_port));
    return 0;
}

static void dnsd_close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

int dnsd_start(struct dnsd *d)
{
    if (d->running)
        return -1;
    int ok = -1;
    for (int i = 0; i < DNSD_BIND_TRIES && ok != 0; i++) {
        ok = dnsd_bind_once(d);
        if (ok != 0) {
            dnsd_close_fd(&d->udp);
            dnsd_close_fd(&d->tcp);
        }
    }
    if (ok != 0 || pipe2(d->wake, O_CLOEXEC) != 0)
        return -1;
    if (pthread_create(&d->thread, NULL, dnsd_main, d) != 0)
        return -1;
    d->running = true;
    return 0;
}

const char *dnsd_server(const struct dnsd *d)
{
    return d->server;
}

void dnsd_stop(struct dnsd *d)
{
    if (d == NULL)
        return;
    if (d->running) {
        (void)!write(d->wake[1], "x", 1);
        pthread_join(d->thread, NULL);
    }
    for (int i = 0; i < DNSD_CONNS_MAX; i++)
        if (d->conns[i].fd >= 0)
            dnsd_conn_close(&d->conns[i]);
    dnsd_close_fd(&d->udp);
    dnsd_close_fd(&d->tcp);
    dnsd_close_fd(&d->wake[0]);
    dnsd_close_fd(&d->wake[1]);
    pthread_mutex_destroy(&d->lock);
    free(d);
}
