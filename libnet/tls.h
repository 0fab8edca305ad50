/*
 * tls.h - TLS through OpenSSL, as a layer of a connection.
 *
 * Contract:
 *  - A context (net_tls_ctx) holds what is shared between connections: the
 *    trust store, the client certificate, ALPN, the version floor (TLS 1.2).
 *    Make one per set of options and reuse it; it outlives its layers.
 *  - Verification is on by default (NET_TLS_VERIFY_FULL): the chain must lead
 *    to a trusted CA (the system store, or ca_file / ca_dir) and the
 *    certificate must name the host, checked by OpenSSL (SSL_set1_host for
 *    names, the IP-address check for literals; no home-made matcher).
 *    NET_TLS_VERIFY_NAME_ONLY skips the chain but still checks the name;
 *    only NET_TLS_INSECURE skips both, and callers must name it to get it.
 *  - SNI is sent for host names, never for IP literals.
 *  - The layer owns the layer below it once created, and drives OpenSSL over
 *    it through a BIO of its own, so TLS works over any layer (a socket,
 *    the in-memory layer) and never raises SIGPIPE.
 *  - Server mode (for the fixture replay server) presents cert_file/key_file
 *    and does not ask the client for a certificate.
 */
#ifndef NET_TLS_H
#define NET_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "libnet/layer.h"
#include "libnet/status.h"

/* Longest ALPN protocol name we accept (RFC 7301 allows 255). */
#define NET_TLS_ALPN_NAME_MAX 255
/* Longest ALPN list on the wire (RFC 7301: a 2-byte length, we stop far below). */
#define NET_TLS_ALPN_LIST_MAX 1024

enum net_tls_verify {
    NET_TLS_VERIFY_FULL = 0,    /* chain and host name: the default */
    NET_TLS_VERIFY_NAME_ONLY,   /* host name only (self-signed peers you pinned by name) */
    NET_TLS_INSECURE            /* nothing: only when the user asks by name */
};

struct net_tls_opts {
    bool server;                /* act as the TLS server (fixture replay) */
    enum net_tls_verify verify;
    const char *ca_file;        /* PEM bundle of trusted CAs, or NULL */
    const char *ca_dir;         /* hashed CA directory, or NULL */
    const char *cert_file;      /* client (or server) certificate, PEM */
    const char *key_file;       /* its key, PEM; NULL: inside cert_file */
    const char *alpn;           /* "h2,http/1.1": comma-separated, or NULL */
};

struct net_tls_ctx;
struct net_tls_session;

struct net_tls_info {
    char version[16];           /* "TLSv1.3" */
    char cipher[64];
    char alpn[NET_TLS_ALPN_NAME_MAX + 1];   /* selected protocol, "" if none */
    bool resumed;               /* the session was resumed */
};

enum net_status net_tls_ctx_new(const struct net_tls_opts *opts,
                                struct net_tls_ctx **out, struct net_err *err);
void net_tls_ctx_free(struct net_tls_ctx *ctx);

/*
 * A TLS layer over below, for a client talking to host (a name or an IP
 * literal, as the user gave it; checked against the certificate). resume,
 * when not NULL, offers that earlier session. On success the new layer owns
 * below; on failure below is untouched and still the caller's. The
 * handshake happens through the layer's handshake operation.
 */
enum net_status net_tls_layer_new(struct net_tls_ctx *ctx,
                                  struct net_layer *below, const char *host,
                                  const struct net_tls_session *resume,
                                  struct net_layer **out, struct net_err *err);

/* Is l a TLS layer (made by net_tls_layer_new)? */
bool net_tls_layer_is(const struct net_layer *l);
/* Facts about the established session of TLS layer l. */
void net_tls_layer_info(struct net_layer *l, struct net_tls_info *info);
/*
 * The session of TLS layer l after its handshake, for resuming it on another
 * connection (an FTPS data connection). NULL if none. Free with
 * net_tls_session_free.
 */
struct net_tls_session *net_tls_layer_session(struct net_layer *l);
void net_tls_session_free(struct net_tls_session *s);

#endif
