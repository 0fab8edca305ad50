/*
 * conn.h - a connection: resolve, connect, optional TLS, buffered reading
 * with caps, complete writes, deadlines, trace. Every protocol uses this.
 *
 * Contract:
 *  - A connection is opaque. It is used by one thread at a time.
 *  - Reads go through one input buffer whose size is fixed at creation
 *    (rbuf_size); no read ever allocates. Lines and zero-copy views point
 *    into that buffer and stay valid until the next call on the connection.
 *  - Every wait is bounded by deadlines: the idle timeout (no byte moved for
 *    that long, reset by every byte), the total timeout (from open, or from
 *    the last net_conn_set_total_timeout()), and the low-speed limit (fewer
 *    than low_speed_bytes per second, averaged over low_speed_ms). 0
 *    disables each.
 *  - EINTR, EAGAIN, short writes and SIGPIPE are handled inside.
 *  - After any failure the error is in net_conn_err(); the connection must
 *    then only be closed (every later call returns the same status).
 */
#ifndef NET_CONN_H
#define NET_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libnet/clock.h"
#include "libnet/layer.h"
#include "libnet/resolve.h"
#include "libnet/status.h"
#include "libnet/tls.h"
#include "libnet/trace.h"

/* Default input buffer: 64 KiB holds any sane reply line or header block
 * and lets a bulk read move a large span per system call. */
#define NET_CONN_RBUF_DEFAULT (64u * 1024)
/* Smallest input buffer: protocol lines up to 1000 octets (RFC 5321) must fit. */
#define NET_CONN_RBUF_MIN 1024
/* Largest input buffer: a cap so a caller's typo cannot ask for gigabytes. */
#define NET_CONN_RBUF_MAX (16u * 1024 * 1024)
/* Stream to EOF rather than a byte count. */
#define NET_CONN_TO_EOF UINT64_MAX

struct net_conn;

struct net_conn_opts {
    struct net_resolve_opts resolve;
    net_ms connect_timeout_ms;  /* resolve + connect + TLS handshake; 0: none */
    net_ms idle_timeout_ms;     /* 0: none */
    net_ms total_timeout_ms;    /* 0: none */
    uint64_t low_speed_bytes;   /* bytes per second ... */
    net_ms low_speed_ms;        /* ... averaged over this long; 0: no limit */
    net_ms stagger_ms;          /* Happy Eyeballs; 0: NET_HE_STAGGER_MS */
    size_t rbuf_size;           /* 0: NET_CONN_RBUF_DEFAULT */
    bool tls;                   /* TLS from the start (https, imaps, ...) */
    const struct net_tls_opts *tls_opts;   /* NULL: defaults (full verify) */
    struct net_tls_ctx *tls_ctx;    /* shared context, or NULL to make one */
    const struct net_tls_session *tls_resume;  /* session to offer, or NULL */
    const char *tls_host;       /* name to verify instead of host, or NULL */
    struct net_trace trace;
};

struct net_line {
    const char *p;      /* the line without its terminator, in the buffer */
    size_t len;
    bool crlf;          /* ended with CR LF (false: a bare LF) */
};

struct net_span {
    const void *p;
    size_t len;
    bool secret;        /* masked in the trace */
};

/* Called with each span of a streamed body; non-zero stops with NET_E_LOCAL_IO. */
typedef int (*net_sink_fn)(void *ctx, const char *data, size_t len);

struct net_conn_stats {
    uint64_t bytes_in;
    uint64_t bytes_out;
    net_ms opened_at;
};

/* One-time library initialisation (c-ares; OpenSSL initialises itself on
 * first TLS use); safe to call again. net_conn_open() calls it. */
enum net_status net_init(struct net_err *err);

/* Resolve host, connect (Happy Eyeballs), and start TLS if opts->tls. */
enum net_status net_conn_open(const char *host, unsigned short port,
                              const struct net_conn_opts *opts,
                              struct net_conn **out, struct net_err *err);
/* A connection over an existing layer stack (the in-memory layer, an
 * accepted socket); takes ownership of top, even on failure. */
enum net_status net_conn_from_layer(struct net_layer *top,
                                    const struct net_conn_opts *opts,
                                    struct net_conn **out, struct net_err *err);
/*
 * The server side: a connection over an accepted socket fd (owned from now
 * on, even on failure), its peer named from getpeername(). With opts->tls,
 * the TLS handshake is done at once as the server, with opts->tls_ctx (a
 * context made with server=true; required).
 */
enum net_status net_conn_accept(int fd, const struct net_conn_opts *opts,
                                struct net_conn **out, struct net_err *err);
void net_conn_close(struct net_conn *c);

/*
 * Upgrade to TLS in place (STARTTLS, STLS, AUTH TLS) and complete the
 * handshake. Refused with NET_E_STARTTLS_INJECTED if any byte from the peer
 * is already waiting, in our buffer or the socket's: it came after the
 * "go ahead" and was not protected. host is the name to verify (NULL: the
 * host the connection was opened to). tls_opts/ctx as in net_conn_opts.
 */
enum net_status net_conn_starttls(struct net_conn *c, const char *host,
                                  const struct net_tls_opts *tls_opts,
                                  struct net_tls_ctx *tls_ctx);

/*
 * The server side of STARTTLS: start TLS as the server with ctx (made with
 * server=true) after sending the go-ahead. No injection check: here the
 * client's handshake legitimately follows the go-ahead at once.
 */
enum net_status net_conn_accept_tls(struct net_conn *c, struct net_tls_ctx *ctx);

/*
 * Read one line ending in LF (CR LF or a bare LF) of at most max bytes
 * without its terminator; max 0 means the buffer's capacity less two.
 * NET_E_LINE_TOO_LONG when longer; NET_E_CLOSED when the stream ends first
 * (a final unterminated fragment is an error too).
 */
enum net_status net_conn_read_line(struct net_conn *c, size_t max,
                                   struct net_line *line);
/* Read exactly n bytes into p. */
enum net_status net_conn_read_exact(struct net_conn *c, void *p, size_t n);
/*
 * Pass exactly n bytes (or all until end of stream, n == NET_CONN_TO_EOF) to
 * sink as they arrive, never holding more than the input buffer. For a
 * count, an early end of stream is NET_E_CLOSED ("partial transfer").
 */
enum net_status net_conn_stream(struct net_conn *c, uint64_t n,
                                net_sink_fn sink, void *ctx);

/*
 * Zero-copy access for incremental parsers: net_conn_fill() waits for and
 * appends at least one more byte (NET_E_CLOSED at end of stream; when the
 * buffer is full of unconsumed bytes, NET_E_LINE_TOO_LONG). net_conn_data()
 * shows the unread bytes, net_conn_consume() drops n of them.
 */
enum net_status net_conn_fill(struct net_conn *c);
const char *net_conn_data(const struct net_conn *c, size_t *len);
void net_conn_consume(struct net_conn *c, size_t n);
/*
 * For relays that poll several connections themselves: one read attempt
 * that never waits, appending what the stack has now to the buffer. *got
 * is 0 when nothing was ready, when the buffer is full (consume first), or
 * at the end of the stream (net_conn_eof() tells). Errors are as for fill.
 */
enum net_status net_conn_fill_nowait(struct net_conn *c, size_t *got);
/*
 * Bytes already decoded inside the stack (TLS records) that poll() on
 * net_conn_fd() cannot see: when non-zero, net_conn_fill_nowait() gets data
 * without the descriptor becoming readable.
 */
size_t net_conn_pending(const struct net_conn *c);
/* Is the peer's stream at its end (seen by an earlier fill)? */
bool net_conn_eof(const struct net_conn *c);

/* Write all of p. */
enum net_status net_conn_write(struct net_conn *c, const void *p, size_t n);
/* Write several spans as one (one system call where possible); secret
 * spans are masked in the trace. */
enum net_status net_conn_writev(struct net_conn *c, const struct net_span *v,
                                size_t n);

/* The last error (status NET_OK if none). */
const struct net_err *net_conn_err(const struct net_conn *c);
/* Record a protocol-level failure on the connection (for protocols/). */
enum net_status net_conn_fail(struct net_conn *c, enum net_status st,
                              const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Change the idle deadline for what follows (e.g. a long DATA reply). */
void net_conn_set_idle_timeout(struct net_conn *c, net_ms ms);
/*
 * Restart the total deadline: from now on the connection may live ms more
 * milliseconds (ms <= 0 removes the limit). For a connection reused by
 * several operations that each have their own time limit (one HTTP request
 * on a kept-alive connection). Like every deadline it is checked when a
 * call must wait; it does not clear an error already recorded.
 */
void net_conn_set_total_timeout(struct net_conn *c, net_ms ms);
void net_conn_stats(const struct net_conn *c, struct net_conn_stats *st);
/* The peer's address as "addr:port" ("" for layers without one). */
const char *net_conn_peer(const struct net_conn *c);
/* The descriptor under the stack, or -1. */
int net_conn_fd(const struct net_conn *c);
/* TLS facts and the session for resumption; false / NULL without TLS. */
bool net_conn_tls_info(const struct net_conn *c, struct net_tls_info *info);
struct net_tls_session *net_conn_tls_session(const struct net_conn *c);
const struct net_trace *net_conn_trace(const struct net_conn *c);

#endif
