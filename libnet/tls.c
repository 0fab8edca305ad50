/*
 * tls.c - TLS through OpenSSL 3.0 as a layer of a connection.
 *
 * The context wraps an SSL_CTX (trust, client certificate, ALPN, TLS 1.2
 * floor) and the BIO_METHOD its layers use. A layer owns one SSL whose BIO
 * reads and writes through the layer below, so OpenSSL never touches a
 * descriptor itself: the lower layer's "again" becomes a BIO retry, and its
 * errors (a reset) are kept and reported as this layer's error.
 */
#include "libnet/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* Room for a few queued OpenSSL error strings in one error text. */
#define TLS_REASONS_MAX 512
/* One OpenSSL error string (ERR_error_string_n asks for at least 256). */
#define TLS_REASON_ONE_MAX 256
/* A DNS name is at most 253 octets; an IPv6 literal with a zone fits too. */
#define TLS_HOST_MAX 256
/* Session id context of our server mode: any fixed bytes do (max 32). */
#define TLS_SID_CTX "libnet"

struct net_tls_ctx {
    SSL_CTX *ssl;
    BIO_METHOD *bio_meth;       /* made once per context, freed with it */
    bool server;
    enum net_tls_verify verify;
    unsigned char alpn[NET_TLS_ALPN_LIST_MAX];  /* wire format */
    size_t alpn_len;
};

struct net_tls_session {
    SSL_SESSION *sess;
};

struct tls_layer {
    struct net_layer base;      /* ops and below; must stay first */
    struct net_tls_ctx *ctx;    /* not owned; outlives the layer */
    SSL *ssl;
    char host[TLS_HOST_MAX];    /* for error texts; "peer" in server mode */
    bool done;                  /* handshake finished */
    bool fatal;                 /* OpenSSL reported a fatal error */
    bool below_eof;             /* the lower layer reached end of stream */
    bool below_failed;          /* below_err holds the lower layer's error */
    short below_want;           /* poll events the lower layer last asked for */
    struct net_err below_err;
};

static const struct net_layer_ops tls_ops;

/* ---- errors ---------------------------------------------------------- */

/*
 * Drain OpenSSL's error queue into buf as "reason; reason"; returns true if
 * one of them was a failed certificate verification.
 */
static bool tls_reasons(char *buf, size_t n)
{
    bool verify = false;
    size_t used = 0;
    unsigned long e;
    buf[0] = '\0';
    while ((e = ERR_get_error()) != 0) {
        if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
            ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED)
            verify = true;
        char one[TLS_REASON_ONE_MAX];
        ERR_error_string_n(e, one, sizeof one);
        if (used < n - 1) {
            int k = snprintf(buf + used, n - used, "%s%s", used ? "; " : "", one);
            if (k > 0)
                used += (size_t)k < n - used ? (size_t)k : n - used - 1;
        }
    }
    if (buf[0] == '\0')
        snprintf(buf, n, "no reason given by OpenSSL");
    return verify;
}

/* Report a file-loading failure: missing/unreadable file or OpenSSL's reason. */
static enum net_status tls_file_err(struct net_err *err, const char *what,
                                    const char *path)
{
    char why[TLS_REASONS_MAX];
    if (access(path, R_OK) != 0) {
        int e = errno;
        ERR_clear_error();
        return net_err_set(err, NET_E_LOCAL_IO, "TLS %s '%s': cannot read it: %s",
                           what, path, strerror(e));
    }
    tls_reasons(why, sizeof why);
    return net_err_set(err, NET_E_TLS, "TLS %s '%s' could not be loaded: %s",
                       what, path, why);
}

/* ---- ALPN ------------------------------------------------------------- */

/* Parse "h2,http/1.1" into RFC 7301 wire format (length-prefixed names). */
static enum net_status tls_alpn_parse(const char *list, unsigned char *out,
                                      size_t cap, size_t *len,
                                      struct net_err *err)
{
    size_t used = 0;
    const char *p = list;
    for (;;) {
        size_t nlen = strcspn(p, ",");
        if (nlen == 0)
            return net_err_set(err, NET_E_USAGE,
                               "TLS ALPN list '%s': empty protocol name", list);
        if (nlen > NET_TLS_ALPN_NAME_MAX)
            return net_err_set(err, NET_E_USAGE,
                               "TLS ALPN list: a protocol name is longer than %d bytes",
                               NET_TLS_ALPN_NAME_MAX);
        if (memchr(p, '\r', nlen) != NULL || memchr(p, '\n', nlen) != NULL)
            return net_err_set(err, NET_E_USAGE,
                               "TLS ALPN list: CR or LF in a protocol name");
        if (used + 1 + nlen > cap)
            return net_err_set(err, NET_E_USAGE,
                               "TLS ALPN list longer than %zu bytes on the wire", cap);
        out[used++] = (unsigned char)nlen;
        memcpy(out + used, p, nlen);
        used += nlen;
        if (p[nlen] == '\0')
            break;
        p += nlen + 1;
    }
    *len = used;
    return NET_OK;
}

/* Server mode: pick the first of our protocols that the client offered. */
static int tls_alpn_select(SSL *ssl, const unsigned char **out,
                           unsigned char *outlen, const unsigned char *in,
                           unsigned int inlen, void *arg)
{
    struct net_tls_ctx *ctx = arg;
    unsigned char *sel = NULL;
    if (SSL_select_next_proto(&sel, outlen, ctx->alpn, (unsigned)ctx->alpn_len,
                              in, inlen) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
}

/* ---- verification ----------------------------------------------------- */

/* NAME_ONLY: accept every chain error, but never a name mismatch. */
static int tls_verify_name_only(int ok, X509_STORE_CTX *store)
{
    switch (X509_STORE_CTX_get_error(store)) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
    case X509_V_ERR_EMAIL_MISMATCH:
        return 0;
    default:
        return 1;
    }
}

/* ---- the context ------------------------------------------------------ */

static int tls_bio_create(BIO *b);
static int tls_bio_destroy(BIO *b);
static int tls_bio_read(BIO *b, char *p, int n);
static int tls_bio_write(BIO *b, const char *p, int n);
static long tls_bio_ctrl(BIO *b, int cmd, long num, void *ptr);

static enum net_status tls_ctx_bio(struct net_tls_ctx *ctx, struct net_err *err)
{
    ctx->bio_meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
                                 "libnet layer");
    if (ctx->bio_meth == NULL ||
        !BIO_meth_set_create(ctx->bio_meth, tls_bio_create) ||
        !BIO_meth_set_destroy(ctx->bio_meth, tls_bio_destroy) ||
        !BIO_meth_set_read(ctx->bio_meth, tls_bio_read) ||
        !BIO_meth_set_write(ctx->bio_meth, tls_bio_write) ||
        !BIO_meth_set_ctrl(ctx->bio_meth, tls_bio_ctrl)) {
        ERR_clear_error();
        return net_err_set(err, NET_E_NOMEM, "TLS: cannot create the BIO method");
    }
    return NET_OK;
}

static enum net_status tls_ctx_trust(struct net_tls_ctx *ctx,
                                     const struct net_tls_opts *o,
                                     struct net_err *err)
{
    if (o->ca_file != NULL || o->ca_dir != NULL) {
        if (o->ca_file != NULL && access(o->ca_file, R_OK) != 0)
            return tls_file_err(err, "CA file", o->ca_file);
        if (o->ca_dir != NULL && access(o->ca_dir, R_OK | X_OK) != 0)
            return tls_file_err(err, "CA directory", o->ca_dir);
        if (SSL_CTX_load_verify_locations(ctx->ssl, o->ca_file, o->ca_dir) != 1)
            return tls_file_err(err, o->ca_file ? "CA file" : "CA directory",
                                o->ca_file ? o->ca_file : o->ca_dir);
    } else if (SSL_CTX_set_default_verify_paths(ctx->ssl) != 1) {
        char why[TLS_REASONS_MAX];
        tls_reasons(why, sizeof why);
        return net_err_set(err, NET_E_TLS, "TLS: cannot load the system CA store: %s", why);
    }
    if (o->server || o->verify == NET_TLS_INSECURE)
        SSL_CTX_set_verify(ctx->ssl, SSL_VERIFY_NONE, NULL);
    else if (o->verify == NET_TLS_VERIFY_NAME_ONLY)
        SSL_CTX_set_verify(ctx->ssl, SSL_VERIFY_PEER, tls_verify_name_only);
    else
        SSL_CTX_set_verify(ctx->ssl, SSL_VERIFY_PEER, NULL);
    return NET_OK;
}

static enum net_status tls_ctx_cert(struct net_tls_ctx *ctx,
                                    const struct net_tls_opts *o,
                                    struct net_err *err)
{
    if (o->cert_file == NULL) {
        if (o->server)
            return net_err_set(err, NET_E_USAGE, "TLS server mode needs a certificate file");
        if (o->key_file != NULL)
            return net_err_set(err, NET_E_USAGE,
                               "TLS key file '%s' given without a certificate file",
                               o->key_file);
        return NET_OK;
    }
    const char *key = o->key_file ? o->key_file : o->cert_file;
    if (SSL_CTX_use_certificate_chain_file(ctx->ssl, o->cert_file) != 1)
        return tls_file_err(err, "certificate file", o->cert_file);
    if (SSL_CTX_use_PrivateKey_file(ctx->ssl, key, SSL_FILETYPE_PEM) != 1)
        return tls_file_err(err, "key file", key);
    if (SSL_CTX_check_private_key(ctx->ssl) != 1) {
        char why[TLS_REASONS_MAX];
        tls_reasons(why, sizeof why);
        return net_err_set(err, NET_E_TLS,
                           "TLS key file '%s' does not match certificate '%s': %s",
                           key, o->cert_file, why);
    }
    return NET_OK;
}

static enum net_status tls_ctx_alpn(struct net_tls_ctx *ctx,
                                    const struct net_tls_opts *o,
                                    struct net_err *err)
{
    if (o->alpn == NULL)
        return NET_OK;
    enum net_status st = tls_alpn_parse(o->alpn, ctx->alpn, sizeof ctx->alpn,
                                        &ctx->alpn_len, err);
    if (st != NET_OK)
        return st;
    if (o->server) {
        SSL_CTX_set_alpn_select_cb(ctx->ssl, tls_alpn_select, ctx);
        return NET_OK;
    }
    /* Note: SSL_CTX_set_alpn_protos returns 0 on success. */
    if (SSL_CTX_set_alpn_protos(ctx->ssl, ctx->alpn, (unsigned)ctx->alpn_len) != 0) {
        ERR_clear_error();
        return net_err_set(err, NET_E_NOMEM, "TLS: cannot set the ALPN list");
    }
    return NET_OK;
}

static enum net_status tls_ctx_setup(struct net_tls_ctx *ctx,
                                     const struct net_tls_opts *o,
                                     struct net_err *err)
{
    enum net_status st = tls_ctx_bio(ctx, err);
    if (st != NET_OK)
        return st;
    if (SSL_CTX_set_min_proto_version(ctx->ssl, TLS1_2_VERSION) != 1) {
        ERR_clear_error();
        return net_err_set(err, NET_E_TLS, "TLS: cannot set TLS 1.2 as the minimum version");
    }
    SSL_CTX_set_mode(ctx->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
                               SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (o->server) {
        SSL_CTX_set_session_cache_mode(ctx->ssl, SSL_SESS_CACHE_SERVER);
        SSL_CTX_set_session_id_context(ctx->ssl, (const unsigned char *)TLS_SID_CTX,
                                       sizeof TLS_SID_CTX - 1);
    } else {
        SSL_CTX_set_session_cache_mode(ctx->ssl, SSL_SESS_CACHE_CLIENT);
    }
    if ((st = tls_ctx_trust(ctx, o, err)) != NET_OK)
        return st;
    if ((st = tls_ctx_cert(ctx, o, err)) != NET_OK)
        return st;
    return tls_ctx_alpn(ctx, o, err);
}

enum net_status net_tls_ctx_new(const struct net_tls_opts *opts,
                                struct net_tls_ctx **out, struct net_err *err)
{
    *out = NULL;
    if (opts == NULL)
        return net_err_set(err, NET_E_USAGE, "TLS: no options given");
    if ((unsigned)opts->verify > NET_TLS_INSECURE)
        return net_err_set(err, NET_E_USAGE, "TLS: unknown verification mode %d",
                           (int)opts->verify);
    struct net_tls_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL)
        return net_err_set(err, NET_E_NOMEM, "TLS: out of memory for a context");
    ctx->server = opts->server;
    ctx->verify = opts->verify;
    ctx->ssl = SSL_CTX_new(opts->server ? TLS_server_method() : TLS_client_method());
    if (ctx->ssl == NULL) {
        char why[TLS_REASONS_MAX];
        tls_reasons(why, sizeof why);
        free(ctx);
        return net_err_set(err, NET_E_TLS, "TLS: cannot create a context: %s", why);
    }
    enum net_status st = tls_ctx_setup(ctx, opts, err);
    if (st != NET_OK) {
        net_tls_ctx_free(ctx);
        return st;
    }
    *out = ctx;
    return NET_OK;
}

void net_tls_ctx_free(struct net_tls_ctx *ctx)
{
    if (ctx == NULL)
        return;
    SSL_CTX_free(ctx->ssl);
    BIO_meth_free(ctx->bio_meth);
    free(ctx);
}

/* ---- the BIO over the lower layer -------------------------------------- */

static int tls_bio_create(BIO *b)
{
    BIO_set_data(b, NULL);
    BIO_set_init(b, 0);
    return 1;
}

/* The layer owns the lower layer; the BIO owns nothing. */
static int tls_bio_destroy(BIO *b)
{
    BIO_set_data(b, NULL);
    BIO_set_init(b, 0);
    return 1;
}

static int tls_bio_read(BIO *b, char *p, int n)
{
    struct tls_layer *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (t == NULL || n <= 0)
        return 0;
    struct net_layer *below = t->base.below;
    short want = 0;
    ssize_t r = below->ops->read(below, p, (size_t)n, &want, &t->below_err);
    if (r > 0)
        return (int)r;
    if (r == 0) {
        t->below_eof = true;
        return 0;
    }
    if (r == NET_IO_AGAIN) {
        t->below_want = want ? want : POLLIN;
        BIO_set_retry_read(b);
        return -1;
    }
    t->below_failed = true;
    return -1;
}

static int tls_bio_write(BIO *b, const char *p, int n)
{
    struct tls_layer *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (t == NULL || n <= 0)
        return 0;
    struct net_layer *below = t->base.below;
    short want = 0;
    ssize_t r = below->ops->write(below, p, (size_t)n, &want, &t->below_err);
    if (r > 0)
        return (int)r;
    if (r == NET_IO_AGAIN) {
        t->below_want = want ? want : POLLOUT;
        BIO_set_retry_write(b);
        return -1;
    }
    if (r == 0)
        net_err_set(&t->below_err, NET_E_IO, "TLS: the lower layer took no bytes");
    t->below_failed = true;
    return -1;
}

static long tls_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct tls_layer *t = BIO_get_data(b);
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_EOF:
        return t != NULL && t->below_eof;
    default:
        return 0;
    }
}

/* ---- the layer --------------------------------------------------------- */

/* Which poll events let OpenSSL go on after WANT_READ / WANT_WRITE. */
static short tls_want(struct tls_layer *t, int sslerr)
{
    if (t->below_want)
        return t->below_want;
    return sslerr == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
}

/* Copy the lower layer's error, prefixed with what this layer was doing. */
static ssize_t tls_below_failed(struct tls_layer *t, const char *doing,
                                struct net_err *err)
{
    ERR_clear_error();
    t->fatal = true;
    net_err_set(err, t->below_err.status, "TLS %s '%s': %s", doing, t->host,
                t->below_err.text);
    return NET_IO_ERROR;
}

static ssize_t tls_truncated(struct tls_layer *t, struct net_err *err)
{
    ERR_clear_error();
    t->fatal = true;
    net_err_set(err, NET_E_CLOSED,
                "TLS: peer closed without close_notify (possible truncation)");
    return NET_IO_ERROR;
}

/* Is the first queued error OpenSSL's "unexpected EOF"? */
static bool tls_unexpected_eof(void)
{
    unsigned long e = ERR_peek_error();
    return ERR_GET_LIB(e) == ERR_LIB_SSL &&
           ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

/* Map a failed SSL_read_ex / SSL_write_ex to the layer contract. */
static ssize_t tls_io_fail(struct tls_layer *t, int rc, const char *doing,
                           short *want, struct net_err *err)
{
    int e = SSL_get_error(t->ssl, rc);
    switch (e) {
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        *want = tls_want(t, e);
        return NET_IO_AGAIN;
    default:
        break;
    }
    if (t->below_failed)
        return tls_below_failed(t, doing, err);
    if (e == SSL_ERROR_SYSCALL || (e == SSL_ERROR_SSL && tls_unexpected_eof()) ||
        t->below_eof)
        return tls_truncated(t, err);
    char why[TLS_REASONS_MAX];
    tls_reasons(why, sizeof why);
    t->fatal = true;
    net_err_set(err, NET_E_TLS, "TLS %s '%s' failed: %s", doing, t->host, why);
    return NET_IO_ERROR;
}

static ssize_t tls_read(struct net_layer *l, void *p, size_t n, short *want,
                        struct net_err *err)
{
    struct tls_layer *t = (struct tls_layer *)l;
    if (n == 0)
        return 0;
    if (n > INT_MAX)
        n = INT_MAX;
    size_t got = 0;
    t->below_want = 0;
    ERR_clear_error();
    int rc = SSL_read_ex(t->ssl, p, n, &got);
    if (rc == 1)
        return (ssize_t)got;
    return tls_io_fail(t, rc, "read from", want, err);
}

static ssize_t tls_write(struct net_layer *l, const void *p, size_t n,
                         short *want, struct net_err *err)
{
    struct tls_layer *t = (struct tls_layer *)l;
    if (n == 0)
        return 0;
    if (n > INT_MAX)
        n = INT_MAX;
    size_t put = 0;
    t->below_want = 0;
    ERR_clear_error();
    int rc = SSL_write_ex(t->ssl, p, n, &put);
    if (rc == 1)
        return (ssize_t)put;
    ssize_t r = tls_io_fail(t, rc, "write to", want, err);
    if (r == 0) {   /* close_notify received: writing is over */
        t->fatal = true;
        net_err_set(err, NET_E_CLOSED, "TLS write to '%s': the peer closed the TLS session",
                    t->host);
        return NET_IO_ERROR;
    }
    return r;
}

static int tls_handshake(struct net_layer *l, short *want, struct net_err *err)
{
    struct tls_layer *t = (struct tls_layer *)l;
    if (t->done)
        return 0;
    t->below_want = 0;
    ERR_clear_error();
    int rc = SSL_do_handshake(t->ssl);
    if (rc == 1) {
        t->done = true;
        return 0;
    }
    int e = SSL_get_error(t->ssl, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        *want = tls_want(t, e);
        return (int)NET_IO_AGAIN;
    }
    if (t->below_failed)
        return (int)tls_below_failed(t, "handshake with", err);
    t->fatal = true;
    char why[TLS_REASONS_MAX];
    bool verify = tls_reasons(why, sizeof why);
    long vr = SSL_get_verify_result(t->ssl);
    if (verify && vr != X509_V_OK) {
        net_err_set(err, NET_E_TLS_VERIFY,
                    "TLS certificate verification failed for '%s': %s", t->host,
                    X509_verify_cert_error_string(vr));
        return (int)NET_IO_ERROR;
    }
    if (t->below_eof)
        net_err_set(err, NET_E_TLS,
                    "TLS handshake with '%s': the peer closed the connection (%s)",
                    t->host, why);
    else
        net_err_set(err, NET_E_TLS, "TLS handshake with '%s' failed: %s", t->host, why);
    return (int)NET_IO_ERROR;
}

static size_t tls_pending(struct net_layer *l)
{
    struct tls_layer *t = (struct tls_layer *)l;
    int n = SSL_pending(t->ssl);
    return n > 0 ? (size_t)n : 0;
}

static int tls_fd(struct net_layer *l)
{
    struct net_layer *below = l->below;
    return below->ops->fd(below);
}

/* Send close_notify once (best effort, never waits), then free everything. */
static void tls_destroy(struct net_layer *l)
{
    struct tls_layer *t = (struct tls_layer *)l;
    if (t->done && !t->fatal && !t->below_failed) {
        ERR_clear_error();
        (void)SSL_shutdown(t->ssl);
    }
    ERR_clear_error();
    SSL_free(t->ssl);   /* frees the BIO too */
    struct net_layer *below = l->below;
    free(t);
    if (below != NULL)
        below->ops->destroy(below);
}

static const struct net_layer_ops tls_ops = {
    .name = "tls",
    .read = tls_read,
    .write = tls_write,
    .handshake = tls_handshake,
    .pending = tls_pending,
    .fd = tls_fd,
    .destroy = tls_destroy,
};

/* ---- creating a layer -------------------------------------------------- */

/*
 * Is host an IP literal? Writes the address without brackets or "%zone"
 * into ip (cap bytes) when it is.
 */
static bool tls_host_ip(const char *host, char *ip, size_t cap)
{
    size_t len = strlen(host);
    const char *p = host;
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        p++;
        len -= 2;
    }
    size_t keep = strcspn(p, "%");
    if (keep < len)
        len = keep;
    if (len >= cap)
        return false;
    memcpy(ip, p, len);
    ip[len] = '\0';
    unsigned char bin[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, ip, bin) == 1 || inet_pton(AF_INET6, ip, bin) == 1;
}

/* Client side: the host check (OpenSSL's own) and SNI for names. */
static enum net_status tls_set_host(struct tls_layer *t, const char *host,
                                    struct net_err *err)
{
    char ip[TLS_HOST_MAX];
    bool is_ip = tls_host_ip(host, ip, sizeof ip);
    int ok = 1;
    if (t->ctx->verify != NET_TLS_INSECURE) {
        if (is_ip) {
            ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), ip);
        } else {
            SSL_set_hostflags(t->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            ok = SSL_set1_host(t->ssl, host);
        }
    }
    if (ok == 1 && !is_ip)
        ok = SSL_set_tlsext_host_name(t->ssl, host);
    if (ok != 1) {
        char why[TLS_REASONS_MAX];
        tls_reasons(why, sizeof why);
        return net_err_set(err, NET_E_USAGE, "TLS: cannot use '%s' as the host name: %s",
                           host, why);
    }
    return NET_OK;
}

static enum net_status tls_check_host(const struct net_tls_ctx *ctx,
                                      const char *host, struct net_err *err)
{
    if (host == NULL) {
        if (ctx->server || ctx->verify == NET_TLS_INSECURE)
            return NET_OK;
        return net_err_set(err, NET_E_USAGE,
                           "TLS: a host name is needed to verify the certificate");
    }
    if (host[0] == '\0')
        return net_err_set(err, NET_E_USAGE, "TLS: empty host name");
    if (strpbrk(host, "\r\n") != NULL)
        return net_err_set(err, NET_E_UNSAFE_INPUT, "TLS: CR or LF in the host name");
    if (strlen(host) >= TLS_HOST_MAX)
        return net_err_set(err, NET_E_USAGE, "TLS: host name longer than %d bytes",
                           TLS_HOST_MAX - 1);
    return NET_OK;
}

static enum net_status tls_layer_setup(struct tls_layer *t, const char *host,
                                       const struct net_tls_session *resume,
                                       struct net_err *err)
{
    BIO *bio = BIO_new(t->ctx->bio_meth);
    if (bio == NULL) {
        ERR_clear_error();
        return net_err_set(err, NET_E_NOMEM, "TLS: out of memory for a BIO");
    }
    BIO_set_data(bio, t);
    BIO_set_init(bio, 1);
    SSL_set_bio(t->ssl, bio, bio);  /* the SSL owns the BIO from here */
    if (t->ctx->server) {
        SSL_set_accept_state(t->ssl);
        return NET_OK;
    }
    SSL_set_connect_state(t->ssl);
    if (host != NULL) {
        enum net_status st = tls_set_host(t, host, err);
        if (st != NET_OK)
            return st;
    }
    if (resume != NULL && resume->sess != NULL && SSL_set_session(t->ssl, resume->sess) != 1) {
        char why[TLS_REASONS_MAX];
        tls_reasons(why, sizeof why);
        return net_err_set(err, NET_E_TLS, "TLS: cannot offer the earlier session: %s", why);
    }
    return NET_OK;
}

enum net_status net_tls_layer_new(struct net_tls_ctx *ctx,
                                  struct net_layer *below, const char *host,
                                  const struct net_tls_session *resume,
                                  struct net_layer **out, struct net_err *err)
{
    *out = NULL;
    if (ctx == NULL || below == NULL)
        return net_err_set(err, NET_E_USAGE, "TLS: no context or no lower layer");
    enum net_status st = tls_check_host(ctx, host, err);
    if (st != NET_OK)
        return st;
    struct tls_layer *t = calloc(1, sizeof *t);
    if (t == NULL)
        return net_err_set(err, NET_E_NOMEM, "TLS: out of memory for a layer");
    t->base.ops = &tls_ops;
    t->base.below = below;
    t->ctx = ctx;
    snprintf(t->host, sizeof t->host, "%s", host ? host : "peer");
    t->ssl = SSL_new(ctx->ssl);
    if (t->ssl == NULL) {
        char why[TLS_REASONS_MAX];
        tls_reasons(why, sizeof why);
        free(t);
        return net_err_set(err, NET_E_TLS, "TLS: cannot create a session: %s", why);
    }
    st = tls_layer_setup(t, host, resume, err);
    if (st != NET_OK) {
        SSL_free(t->ssl);   /* below stays the caller's */
        free(t);
        return st;
    }
    *out = &t->base;
    return NET_OK;
}

/* ---- facts and sessions ------------------------------------------------- */

bool net_tls_layer_is(const struct net_layer *l)
{
    return l != NULL && l->ops == &tls_ops;
}

void net_tls_layer_info(struct net_layer *l, struct net_tls_info *info)
{
    memset(info, 0, sizeof *info);
    if (!net_tls_layer_is(l))
        return;
    struct tls_layer *t = (struct tls_layer *)l;
    const SSL_CIPHER *c = SSL_get_current_cipher(t->ssl);
    const unsigned char *alpn = NULL;
    unsigned int alen = 0;
    snprintf(info->version, sizeof info->version, "%s", SSL_get_version(t->ssl));
    snprintf(info->cipher, sizeof info->cipher, "%s", c ? SSL_CIPHER_get_name(c) : "");
    SSL_get0_alpn_selected(t->ssl, &alpn, &alen);
    if (alpn != NULL && alen <= NET_TLS_ALPN_NAME_MAX) {
        memcpy(info->alpn, alpn, alen);
        info->alpn[alen] = '\0';
    }
    info->resumed = SSL_session_reused(t->ssl) == 1;
}

struct net_tls_session *net_tls_layer_session(struct net_layer *l)
{
    if (!net_tls_layer_is(l))
        return NULL;
    struct tls_layer *t = (struct tls_layer *)l;
    SSL_SESSION *sess = SSL_get1_session(t->ssl);
    if (sess == NULL)
        return NULL;
    struct net_tls_session *s = NULL;
    if (SSL_SESSION_is_resumable(sess) == 1)
        s = malloc(sizeof *s);
    if (s == NULL) {
        SSL_SESSION_free(sess);
        return NULL;
    }
    s->sess = sess;
    return s;
}

void net_tls_session_free(struct net_tls_session *s)
{
    if (s == NULL)
        return;
    SSL_SESSION_free(s->sess);
    free(s);
}
