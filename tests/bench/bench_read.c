/*
 * bench_read.c - read a large body through the connection layer, plain and
 * TLS, and through a bare read() loop over the same kind of socket, for
 * comparison in the same run.
 *
 *   bench_read serve PORTFILE            serve forever: plain on one port,
 *                                        TLS on the next line of PORTFILE
 *   bench_read bare|conn|tls PORT BYTES  read BYTES, print one result line
 *
 * The result line: "<mode> bytes=<n> wall_ms=<ms> cpu_ms=<ms> maxrss_kb=<kb>".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libnet/conn.h"

/* The bare loop and the server move data in blocks of this size, the same
 * as the connection's default input buffer. */
#define BENCH_BLOCK NET_CONN_RBUF_DEFAULT

static int listen_any(unsigned short *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, len) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        perror("listen");
        exit(1);
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* Each request: the client sends the byte count as 8 bytes; we send that many. */
static unsigned long long read_count(int fd, SSL *ssl)
{
    unsigned char b[8];
    size_t got = 0;
    while (got < 8) {
        int r = ssl ? SSL_read(ssl, b + got, (int)(8 - got)) : (int)read(fd, b + got, 8 - got);
        if (r <= 0)
            return 0;
        got += (size_t)r;
    }
    unsigned long long n = 0;
    for (int i = 0; i < 8; i++)
        n = n << 8 | b[i];
    return n;
}

static void serve_one(int fd, SSL_CTX *tls)
{
    static char block[BENCH_BLOCK];
    memset(block, 'x', sizeof block);
    SSL *ssl = NULL;
    if (tls) {
        ssl = SSL_new(tls);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) != 1)
            _exit(1);
    }
    unsigned long long n = read_count(fd, ssl);
    while (n > 0) {
        size_t k = n < sizeof block ? (size_t)n : sizeof block;
        int r = ssl ? SSL_write(ssl, block, (int)k) : (int)write(fd, block, k);
        if (r <= 0)
            break;
        n -= (unsigned long long)r;
    }
    if (ssl)
        SSL_shutdown(ssl);
    _exit(0);
}

static int serve(const char *portfile)
{
    signal(SIGCHLD, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    SSL_CTX *tls = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(tls, "tests/certs/good.pem") != 1 ||
        SSL_CTX_use_PrivateKey_file(tls, "tests/certs/good.key", SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    unsigned short pp, tp;
    int plain = listen_any(&pp), secure = listen_any(&tp);
    FILE *f = fopen(portfile, "w");
    fprintf(f, "%u\n%u\n", pp, tp);
    fclose(f);
    for (;;) {
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(plain, &rd);
        FD_SET(secure, &rd);
        if (select((plain > secure ? plain : secure) + 1, &rd, NULL, NULL, NULL) <= 0)
            continue;
        int lfd = FD_ISSET(plain, &rd) ? plain : secure;
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            continue;
        if (fork() == 0)
            serve_one(fd, lfd == secure ? tls : NULL);
        close(fd);
    }
}

static void request(unsigned char b[8], unsigned long long n)
{
    for (int i = 7; i >= 0; i--, n >>= 8)
        b[i] = (unsigned char)n;
}

static unsigned long long run_bare(unsigned short port, unsigned long long n)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
        return 0;
    unsigned char b[8];
    request(b, n);
    if (write(fd, b, 8) != 8)
        return 0;
    static char buf[BENCH_BLOCK];
    unsigned long long got = 0;
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0)
        got += (unsigned long long)r;
    close(fd);
    return got;
}

static int null_sink(void *ctx, const char *p, size_t n)
{
    *(unsigned long long *)ctx += n;
    return 0;
}

static unsigned long long run_conn(unsigned short port, unsigned long long n, bool tls)
{
    struct net_tls_opts topts = {.ca_file = "tests/certs/ca.pem"};
    struct net_conn_opts o = {.tls = tls, .tls_opts = &topts, .connect_timeout_ms = 5000,
                              .idle_timeout_ms = 10000};
    struct net_conn *c;
    struct net_err err;
    if (net_conn_open("127.0.0.1", port, &o, &c, &err) != NET_OK) {
        fprintf(stderr, "open: %s\n", err.text);
        return 0;
    }
    unsigned char b[8];
    request(b, n);
    unsigned long long got = 0;
    if (net_conn_write(c, b, 8) != NET_OK ||
        net_conn_stream(c, n, null_sink, &got) != NET_OK)
        fprintf(stderr, "read: %s\n", net_conn_err(c)->text);
    net_conn_close(c);
    return got;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "serve") == 0)
        return serve(argv[2]);
    if (argc != 4) {
        fprintf(stderr, "usage: bench_read serve PORTFILE | bench_read bare|conn|tls PORT BYTES\n");
        return 2;
    }
    unsigned short port = (unsigned short)atoi(argv[2]);
    unsigned long long n = strtoull(argv[3], NULL, 10);
    net_ms t0 = net_now();
    unsigned long long got = strcmp(argv[1], "bare") == 0 ? run_bare(port, n)
                           : run_conn(port, n, strcmp(argv[1], "tls") == 0);
    net_ms wall = net_now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L +
               (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000L;
    printf("%-4s bytes=%llu wall_ms=%lld cpu_ms=%ld maxrss_kb=%ld\n", argv[1], got,
           (long long)wall, cpu, ru.ru_maxrss);
    return got == n ? 0 : 1;
}
