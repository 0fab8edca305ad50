/* tlsd.c - loopback TLS test server in a thread, on raw OpenSSL. */
#include "tests/support/tlsd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

/* The CA that signs client certificates in tests/certs. */
#define TLSD_CLIENT_CA "tests/certs/ca.pem"

struct tlsd {
    struct tlsd_opts o;
    SSL_CTX *ctx;
    int lfd;
    int stop[2];                /* self-pipe: tlsd_stop wakes accept */
    unsigned short port;
    pthread_t thread;
    struct tlsd_result res;
};

static void tlsd_fail(struct tlsd *d, const char *what)
{
    char why[TLSD_TEXT_MAX];
    unsigned long e = ERR_get_error();
    if (e != 0)
        ERR_error_string_n(e, why, sizeof why);
    else
        snprintf(why, sizeof why, "%s", errno ? strerror(errno) : "no reason");
    snprintf(d->res.error, sizeof d->res.error, "%s: %.200s", what, why);
    ERR_clear_error();
}

/* Client's ALPN offer, recorded as "a,b"; "http/1.1" chosen when offered. */
static int tlsd_alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                        const unsigned char *in, unsigned int inlen, void *arg)
{
    struct tlsd *d = arg;
    size_t used = 0;
    int found = 0;
    for (unsigned int i = 0; i < inlen;) {
        unsigned int n = in[i];
        if (i + 1 + n > inlen)
            break;
        if (n == 8 && memcmp(in + i + 1, "http/1.1", 8) == 0) {
            *out = in + i + 1;
            *outlen = (unsigned char)n;
            found = 1;
        }
        int k = snprintf(d->res.alpn_offered + used, sizeof d->res.alpn_offered - used,
                         "%s%.*s", used ? "," : "", (int)n, (const char *)in + i + 1);
        if (k > 0 && used + (size_t)k < sizeof d->res.alpn_offered)
            used += (size_t)k;
        i += 1 + n;
    }
    return found ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_NOACK;
}

static int tlsd_ctx(struct tlsd *d, const char **why)
{
    d->ctx = SSL_CTX_new(TLS_server_method());
    if (d->ctx == NULL) {
        *why = "SSL_CTX_new";
        return -1;
    }
    if (SSL_CTX_use_certificate_chain_file(d->ctx, d->o.cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(d->ctx, d->o.key, SSL_FILETYPE_PEM) != 1) {
        *why = "cannot load server certificate or key";
        return -1;
    }
    SSL_CTX_set_session_id_context(d->ctx, (const unsigned char *)"tlsd", 4);
    SSL_CTX_set_alpn_select_cb(d->ctx, tlsd_alpn_cb, d);
    if (d->o.require_client_cert) {
        if (SSL_CTX_load_verify_locations(d->ctx, TLSD_CLIENT_CA, NULL) != 1) {
            *why = "cannot load client CA";
            return -1;
        }
        SSL_CTX_set_verify(d->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
    if (d->o.max_version != 0) {
        SSL_CTX_set_security_level(d->ctx, 0);
        SSL_CTX_set_cipher_list(d->ctx, "DEFAULT:@SECLEVEL=0");
        SSL_CTX_set_min_proto_version(d->ctx, TLS1_VERSION);
        SSL_CTX_set_max_proto_version(d->ctx, d->o.max_version);
    }
    return 0;
}

static int tlsd_listen(struct tlsd *d, const char **why)
{
    int fam = d->o.family ? d->o.family : AF_INET;
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (fam == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    }
    d->lfd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (d->lfd < 0 || bind(d->lfd, (struct sockaddr *)&ss, len) != 0 ||
        listen(d->lfd, 8) != 0 || getsockname(d->lfd, (struct sockaddr *)&ss, &len) != 0) {
        *why = "cannot listen on loopback";
        return -1;
    }
    d->port = ntohs(fam == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                    : ((struct sockaddr_in *)&ss)->sin_port);
    return 0;
}

/* Wait for a client (or the stop pipe); -1 when stopped or timed out. */
static int tlsd_accept(struct tlsd *d)
{
    struct pollfd p[2] = {{.fd = d->lfd, .events = POLLIN}, {.fd = d->stop[0], .events = POLLIN}};
    if (poll(p, 2, TLSD_WAIT_MS) <= 0 || (p[1].revents & POLLIN) || !(p[0].revents & POLLIN))
        return -1;
    int fd = accept4(d->lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return -1;
    struct timeval tv = {.tv_sec = TLSD_WAIT_MS / 1000, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

/* Plaintext line (up to LF) into buf; -1 on EOF, error or timeout. */
static int tlsd_plain_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        char ch;
        if (recv(fd, &ch, 1, 0) != 1)
            return -1;
        buf[n++] = ch;
        if (ch == '\n')
            break;
    }
    buf[n] = '\0';
    return 0;
}

static void tlsd_send(int fd, const char *s)
{
    (void)send(fd, s, strlen(s), MSG_NOSIGNAL);
}

/* STARTTLS: the plaintext dialogue, then peek at what the client sent next. */
static int tlsd_starttls(struct tlsd *d, int fd)
{
    char buf[TLSD_TEXT_MAX * 2];
    tlsd_send(fd, "220 ready\r\n");
    if (tlsd_plain_line(fd, d->res.starttls_cmd, sizeof d->res.starttls_cmd) != 0) {
        snprintf(d->res.error, sizeof d->res.error, "no STARTTLS command");
        return -1;
    }
    snprintf(buf, sizeof buf, "220 go ahead\r\n%s", d->o.inject ? d->o.inject : "");
    tlsd_send(fd, buf);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, TLSD_WAIT_MS) <= 0)
        return 0;
    ssize_t n = recv(fd, buf, sizeof buf, MSG_PEEK);
    d->res.after_goahead = n < 0 ? -1 : (int)n;
    d->res.after_goahead_first_is_tls = n > 0 && buf[0] == 0x16;
    if (n <= 0) {
        snprintf(d->res.error, sizeof d->res.error, "client closed after the go-ahead");
        return -1;
    }
    return 0;
}

/* One TLS line (up to LF) into buf; -1 on failure. */
static int tlsd_tls_line(SSL *ssl, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        char ch;
        if (SSL_read(ssl, &ch, 1) != 1)
            return -1;
        buf[n++] = ch;
        if (ch == '\n')
            break;
    }
    buf[n] = '\0';
    return 0;
}

static void tlsd_record(struct tlsd *d, SSL *ssl)
{
    d->res.handshakes_ok++;
    if (SSL_session_reused(ssl))
        d->res.resumed++;
    if (SSL_get0_peer_certificate(ssl) != NULL)
        d->res.client_cert = true;
    const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    snprintf(d->res.sni, sizeof d->res.sni, "%s", sni ? sni : "");
}

/* Wait until the client closes (bounded by the socket timeouts). */
static void tlsd_drain(int fd)
{
    char buf[512];
    while (recv(fd, buf, sizeof buf, 0) > 0)
        ;
}

static void tlsd_serve(struct tlsd *d, int fd)
{
    if (d->o.mode == TLSD_STARTTLS && tlsd_starttls(d, fd) != 0)
        return;
    SSL *ssl = SSL_new(d->ctx);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
        tlsd_fail(d, "SSL_new");
        SSL_free(ssl);
        return;
    }
    errno = 0;
    if (SSL_accept(ssl) != 1) {
        tlsd_fail(d, "handshake");
        SSL_free(ssl);
        return;
    }
    tlsd_record(d, ssl);
    if (SSL_write(ssl, "hello\r\n", 7) != 7) {
        tlsd_fail(d, "write greeting");
    } else if (d->o.abrupt_close) {
        shutdown(fd, SHUT_WR);      /* FIN without close_notify */
        tlsd_drain(fd);
    } else if (tlsd_tls_line(ssl, d->res.line, sizeof d->res.line) != 0) {
        tlsd_fail(d, "read line");
    } else {
        int n = (int)strlen(d->res.line);
        if (SSL_write(ssl, d->res.line, n) != n)
            tlsd_fail(d, "echo");
        else if (SSL_shutdown(ssl) >= 0)
            tlsd_drain(fd);
    }
    ERR_clear_error();
    SSL_free(ssl);
}

static void *tlsd_main(void *arg)
{
    struct tlsd *d = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);       /* a closed client gives EPIPE, not a signal */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int n = d->o.accepts > 0 ? d->o.accepts : 1;
    for (int i = 0; i < n; i++) {
        int fd = tlsd_accept(d);
        if (fd < 0)
            break;
        tlsd_serve(d, fd);
        close(fd);
    }
    ERR_clear_error();
    return NULL;
}

static void tlsd_free(struct tlsd *d)
{
    SSL_CTX_free(d->ctx);
    if (d->lfd >= 0)
        close(d->lfd);
    if (d->stop[0] >= 0)
        close(d->stop[0]);
    if (d->stop[1] >= 0)
        close(d->stop[1]);
    free(d);
}

struct tlsd *tlsd_start(const struct tlsd_opts *o, const char **why)
{
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    struct tlsd *d = calloc(1, sizeof *d);
    if (d == NULL) {
        *why = "out of memory";
        return NULL;
    }
    d->o = *o;
    d->lfd = d->stop[0] = d->stop[1] = -1;
    d->res.after_goahead = -1;
    if (pipe2(d->stop, O_CLOEXEC) != 0) {
        *why = "pipe";
        tlsd_free(d);
        return NULL;
    }
    if (tlsd_ctx(d, why) != 0 || tlsd_listen(d, why) != 0) {
        ERR_clear_error();
        tlsd_free(d);
        return NULL;
    }
    if (pthread_create(&d->thread, NULL, tlsd_main, d) != 0) {
        *why = "pthread_create";
        tlsd_free(d);
        return NULL;
    }
    return d;
}

unsigned short tlsd_port(const struct tlsd *d)
{
    return d->port;
}

void tlsd_stop(struct tlsd *d, struct tlsd_result *res)
{
    if (d == NULL)
        return;
    if (write(d->stop[1], "x", 1) < 0) {
        /* the thread still ends after TLSD_WAIT_MS */
    }
    pthread_join(d->thread, NULL);
    if (res != NULL)
        *res = d->res;
    tlsd_free(d);
}
