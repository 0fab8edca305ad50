/*
 * tlsd.h - a loopback TLS test server in a thread, written with raw OpenSSL
 * (not libnet's TLS layer), so the client side is tested against an
 * independent implementation.
 *
 * Contract: tlsd_start() binds 127.0.0.1 or ::1 on a kernel-chosen port and
 * serves `accepts` connections one after the other, then exits. Every wait
 * is bounded by TLSD_WAIT_MS, and tlsd_stop() wakes a thread still waiting
 * to accept, so a client that aborts never hangs a test. tlsd_stop() joins
 * the thread, fills in what the server saw, and frees everything.
 *
 * Per connection: (implicit) TLS handshake, send "hello\r\n", read one line
 * and echo it back, send close_notify; (STARTTLS) first "220 ready\r\n",
 * read "STARTTLS\r\n", send "220 go ahead\r\n" plus `inject` in the same
 * send(), then as implicit.
 */
#ifndef TLSD_H
#define TLSD_H

#include <stdbool.h>

/* How long the server waits for any one step before giving up. */
#define TLSD_WAIT_MS 5000
/* Room for recorded texts (error strings, ALPN lists, lines). */
#define TLSD_TEXT_MAX 256

enum tlsd_mode {
    TLSD_IMPLICIT,      /* TLS from the first byte */
    TLSD_STARTTLS       /* plaintext "220" dialogue, then TLS */
};

struct tlsd_opts {
    int family;                 /* AF_INET (default when 0) or AF_INET6 */
    enum tlsd_mode mode;
    const char *cert;           /* PEM certificate (tests/certs/...) */
    const char *key;            /* its key */
    const char *inject;         /* STARTTLS: bytes sent right after the go-ahead */
    bool require_client_cert;   /* verify the client against tests/certs/ca.pem */
    int max_version;            /* 0, or e.g. TLS1_1_VERSION (enables seclevel 0) */
    int accepts;                /* connections to serve; 0 means 1 */
    bool abrupt_close;          /* after "hello", close TCP without close_notify */
};

struct tlsd_result {
    int handshakes_ok;          /* server-side handshakes that succeeded */
    int resumed;                /* of those, how many resumed a session */
    char error[TLSD_TEXT_MAX];  /* last server-side failure, "" if none */
    bool client_cert;           /* the client presented a certificate */
    char sni[TLSD_TEXT_MAX];    /* server name the client sent, "" if none */
    char alpn_offered[TLSD_TEXT_MAX];   /* client's ALPN list, "a,b" */
    char line[TLSD_TEXT_MAX];   /* last line read from the client (echoed) */
    char starttls_cmd[TLSD_TEXT_MAX];   /* plaintext command read */
    int after_goahead;          /* STARTTLS: bytes waiting after the go-ahead
                                   (peeked before TLS); -1 unknown */
    bool after_goahead_first_is_tls;    /* the first of them was 0x16 */
};

struct tlsd;

/* Start a server; NULL on failure (the reason goes to *why when not NULL). */
struct tlsd *tlsd_start(const struct tlsd_opts *o, const char **why);
unsigned short tlsd_port(const struct tlsd *d);
/* Stop, join, copy the results into *res (may be NULL), free. */
void tlsd_stop(struct tlsd *d, struct tlsd_result *res);

#endif
