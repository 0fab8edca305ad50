/*
 * client_impl.h - module-private declarations of the HTTP client engine,
 * shared by client.c, request.c, upload.c, response.c, redirect.c, pool.c,
 * auth.c, tunnel.c and pipeline.c. Not installed; not an API.
 *
 * Contract:
 *  - struct net_http_client owns its options (shallow copy: the caller's
 *    strings must outlive the client), one TLS context, the idle pool and
 *    two reusable buffers (request head, upload pieces), so a request on a
 *    pooled connection allocates nothing large.
 *  - struct http_xfer is the state of one net_http_perform() call, on the
 *    caller's stack; its res and err are never NULL inside the engine.
 *  - struct http_link is a connection together with its pool key. A link
 *    is either in the pool, held by one transfer, or closed (c == NULL).
 *  - Every function returns an enum net_status and fills x->err (or err).
 */
#ifndef NET_HTTP_CLIENT_IMPL_H
#define NET_HTTP_CLIENT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libnet/conn.h"
#include "libnet/tls.h"
#include "libnet/url.h"
#include "protocols/http/chunked.h"
#include "protocols/http/client.h"
#include "protocols/http/decode.h"
#include "protocols/http/framing.h"
#include "protocols/http/head.h"
#include "protocols/http/proxy.h"

/* Smallest input buffer for HTTP: a whole head (NET_HTTP_HEAD_MAX) must fit. */
#define HTTP_RBUF_MIN (64u * 1024)
/* Largest piece of request body read and sent at once: big enough that a
 * bulk upload costs few system calls, small enough to stay in cache. */
#define HTTP_UPLOAD_CHUNK (64u * 1024)
/* A body we throw away (redirect, error with --fail, 200 to a range) is
 * read to keep the connection only up to this size; larger, it is closed. */
#define HTTP_DRAIN_MAX (64u * 1024)
/* First size of the request head buffer; it doubles up to
 * NET_HTTP_REQ_HEAD_MAX. Most heads are a few hundred bytes. */
#define HTTP_REQ_BUF_INITIAL 4096u
/* Secret spans in one write: Authorization and Proxy-Authorization (and
 * their repeats from caller headers) of every request of a pipelined batch. */
#define HTTP_SECRETS_MAX (2 * NET_HTTP_PIPELINE_MAX + 8)
/* Spans of one request write: head pieces around the secrets, plus the
 * body framing and data. */
#define HTTP_SPANS_MAX (2 * HTTP_SECRETS_MAX + 8)
/* Room for a short field value we format: "bytes=N-", a decimal length,
 * our default User-Agent. */
#define HTTP_FIELD_SHORT_MAX 64
/* Room for "host:port" of a CONNECT target or a trace note (bracketed IPv6
 * literal with zone, colon, five digits). */
#define HTTP_HOSTPORT_MAX (NET_URL_HOST_MAX + 16)

/* A connection and what it was opened for. */
struct http_link {
    struct net_conn *c;         /* NULL: empty slot */
    bool tls;                   /* https (direct or through a tunnel) */
    unsigned short port;        /* the origin's port */
    char *host;                 /* the origin's host (decoded, no brackets) */
    char *proxy;                /* the proxy's display URL, NULL: direct */
    char *cred;                 /* credential identity, NULL: none */
    uint64_t last_used;         /* the client's tick when it was pooled */
    unsigned uses;              /* requests it carried */
    net_ms opened_at;
};

/* A range of the request head masked in the trace. */
struct http_secret {
    size_t off, len;
};

/* The request head being built: bytes, and the secret ranges in them. */
struct http_reqbuf {
    char *p;
    size_t len, cap;
    size_t nsecret;
    struct http_secret secret[HTTP_SECRETS_MAX];
    bool overflow;              /* over NET_HTTP_REQ_HEAD_MAX, or no memory */
    bool nomem;
};

struct net_http_client {
    struct net_http_client_opts o;
    struct net_tls_opts tls_opts;       /* the caller's, ALPN defaulted */
    struct net_tls_ctx *tls_ctx;        /* shared by every TLS connection */
    bool own_tls_ctx;
    struct http_link pool[NET_HTTP_POOL_MAX];
    uint64_t tick;
    struct http_reqbuf req;             /* reused for every request head */
    char *upbuf;                        /* HTTP_UPLOAD_CHUNK, on first upload */
};

/* Credentials for one transfer (decoded; free with http_creds_clear). */
struct http_creds {
    char *auth;                 /* "Basic ..." for the origin, or NULL */
    char *proxy_auth;           /* "Basic ..." for the proxy, or NULL */
};

/* The sink chain of a response body: count -> decoder -> cap -> on_body. */
struct http_sink {
    struct net_http_result *res;
    struct net_http_decoder *dec;
    uint64_t cap;               /* max delivered bytes; 0: none */
    uint64_t delivered;
    net_sink_fn on_body;        /* NULL: discard */
    void *ctx;
    bool drain;                 /* counting only, nothing delivered */
    uint64_t drain_cap;         /* drain: stop (and close) past this */
    uint64_t raw;               /* bytes received for this body */
    struct net_err err;         /* why the chain stopped, if it did */
};

struct http_xfer {
    struct net_http_client *cl;
    const struct net_http_request *req;
    const struct net_http_callbacks *cb;
    struct net_http_result *res;
    struct net_err *err;
    net_ms t0;
    net_ms deadline;            /* the time limit (opts.conn.total_timeout_ms) as an
                                   absolute time; NET_NO_DEADLINE: none */
    /* the current hop */
    struct net_url *url;
    char *url_text;             /* formatted, without credentials */
    const char *method;
    const char *target;         /* path and query as text (pipelining), or NULL */
    bool follow;                /* follow redirects on this transfer */
    bool send_body;             /* this hop carries req->body */
    bool strip_body_fields;     /* drop caller Content-Type / Content-Length */
    bool send_creds;            /* this hop's origin may see credentials */
    bool same_origin;           /* this hop goes to the first URL's origin */
    struct net_http_proxy *proxy;
    bool tunnel;                /* https through the proxy: CONNECT */
    /* the transfer as a whole */
    struct net_url *first;      /* the first URL: the credentials' origin */
    struct http_creds creds;
    off_t fd_start;             /* FD body: offset of its first byte */
    int fd_seekable;            /* -1 unknown, 0 no, 1 yes */
    bool body_used;             /* bytes were taken from the body source */
    /* the exchange on the current connection */
    struct http_link link;
    unsigned interim;
    bool answered_early;        /* a final status came before the body */
    bool body_skipped;          /* ... so the body was never sent */
    uint64_t in_before;         /* connection bytes_in before the request */
    struct net_http_head head;
};

/* ---- client.c ---- */
const char *http_method(const struct net_http_request *req);
/* Record a request's outcome in its result (error, error_text); returns st. */
enum net_status http_result_outcome(struct net_http_result *res, enum net_status st,
                                    const struct net_err *err);
void http_trace(const struct net_http_client *cl, const struct net_conn *c,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- request.c ---- */
bool http_is_token(const char *s);
/* Method, header names and values, body description: NET_E_UNSAFE_INPUT,
 * NET_E_USAGE. Nothing is sent before this passes. */
enum net_status http_check_request(const struct net_http_request *req, struct net_err *err);
/* Scheme http/https, and path and query free of CR, LF, NUL raw and
 * percent-decoded. */
enum net_status http_check_url(const struct net_url *u, struct net_err *err);
/* Build the request head of x's current hop into cl->req. */
enum net_status http_build_head(struct http_xfer *x, bool expect);
/* The same, appended to what cl->req holds (a pipelined batch). */
enum net_status http_append_head(struct http_xfer *x, bool expect);
/* Spans of cl->req (secrets marked), appended to v; returns how many. */
size_t http_head_spans(const struct http_reqbuf *b, struct net_span *v);
/* "host" or "[v6]" (zone dropped) and ":port" when not the default. */
size_t http_host_field(const struct net_url *u, char *out, size_t cap);
void http_reqbuf_reset(struct http_reqbuf *b);
void http_reqbuf_put(struct http_reqbuf *b, const char *s, size_t n);
void http_reqbuf_str(struct http_reqbuf *b, const char *s);
void http_reqbuf_field(struct http_reqbuf *b, const char *name, const char *value,
                       bool secret);
enum net_status http_reqbuf_status(const struct http_reqbuf *b, struct net_err *err);

/* ---- upload.c ---- */
/* Does the body need "Expect: 100-continue"? */
bool http_wants_expect(const struct http_xfer *x);
/* The body's declared size, or -1 (chunked). */
int64_t http_body_size(const struct http_xfer *x);
/* Send the head spans (n of them) followed by the whole body. */
enum net_status http_send_with_body(struct http_xfer *x, const struct net_span *head,
                                    size_t nhead);
/* After "Expect: 100-continue": wait for 100 (send the body), a timeout
 * (send the body) or a final status (leave it unread, skip the body). */
enum net_status http_expect_continue(struct http_xfer *x);
/* Put the body source back at its first byte (for 307/308 and retries). */
enum net_status http_body_rewind(struct http_xfer *x);
/* Can the body be sent again (nothing taken yet, or rewindable)? */
bool http_body_resendable(const struct http_xfer *x);

/* ---- response.c ---- */
/* Read one complete head into *head; *len is its size, still unconsumed. */
enum net_status http_read_one_head(struct net_conn *c, struct net_http_head *head,
                                   size_t *len, struct net_err *err);
/* An interim (1xx) head of len bytes in x->head: refused when 101 or one
 * too many, else shown to on_head and consumed. */
enum net_status http_interim(struct http_xfer *x, size_t len);
/* Read heads until a final one, showing interim ones to on_head; the final
 * head is left parsed in x->head and unconsumed (*len bytes). */
enum net_status http_read_final_head(struct http_xfer *x, size_t *len);
/* Show head (len bytes at the buffer's front) to on_head. */
enum net_status http_show_head(struct http_xfer *x, size_t len, bool interim, bool final);
/* Read the body framed by fr through sink s. On return *complete says the
 * body was read to its end (else the connection must be closed). */
enum net_status http_read_body(struct net_conn *c, const struct net_http_framing *fr,
                               struct http_sink *s, const char *url, bool *complete,
                               struct net_err *err);
/* Handle the final response of the current hop: checks, body, reuse. Sets
 * *redirect_to (allocated) when the response is a redirect to follow. */
enum net_status http_handle_response(struct http_xfer *x, size_t head_len,
                                     char **redirect_to, bool *reusable);
/* "HTTP/1.1 404 Not Found" of head, quoted safely, appended to err. */
void http_err_status_line(struct net_err *err, const struct net_http_head *h);

/* ---- redirect.c ---- */
bool http_is_redirect(int status);
/* Resolve location against x->url and switch x to the new hop (method,
 * body, credentials). Counts the redirect and enforces the limit. */
enum net_status http_follow(struct http_xfer *x, int status, const char *location);
/* Does u have the same scheme, host and port as the first URL? */
bool http_same_origin(const struct net_url *a, const struct net_url *b);
/* Set x->url (taking it), x->url_text, proxy and tunnel for a new hop. */
enum net_status http_set_hop(struct http_xfer *x, struct net_url *u);

/* ---- pool.c ---- */
/* A connection for x's current hop: pooled (checked for staleness) or new
 * (tunnel and TLS included). x->link holds it on success. */
enum net_status http_acquire(struct http_xfer *x, bool fresh_only);
/* Return x->link to the pool when reusable, else close it. */
void http_release(struct http_xfer *x, bool reusable);
void http_link_close(struct http_link *l);
void http_pool_clear(struct net_http_client *cl);
/* The TLS context of the client (made on first use). */
enum net_status http_tls_ctx(struct net_http_client *cl, struct net_err *err);
/* x->deadline for a transfer (or pipelined request) whose clock started at
 * t0: t0 + opts.conn.total_timeout_ms, or NET_NO_DEADLINE without a limit. */
net_ms http_deadline_from(const struct net_http_client *cl, net_ms t0);
/* Milliseconds left before x->deadline into *left (0: no limit), or
 * NET_E_TOTAL_TIMEOUT in x->err when it has passed. */
enum net_status http_time_left(struct http_xfer *x, net_ms *left);
/* Make c's total deadline x->deadline (none: remove it), so that a pooled
 * connection serves each request under that request's own limit. When the
 * deadline has passed, the failure is recorded on c and in x->err. */
enum net_status http_arm_deadline(struct http_xfer *x, struct net_conn *c);

/* ---- auth.c ---- */
/* The origin's credentials for the transfer: from the options, else the
 * first URL's userinfo, else netrc (when asked). */
enum net_status http_creds_init(struct net_http_client *cl, const struct net_url *u,
                                struct http_creds *cr, struct net_err *err);
/* Proxy credentials for proxy (replacing any earlier). */
enum net_status http_creds_proxy(const struct net_http_proxy *proxy, struct http_creds *cr,
                                 struct net_err *err);
/* "Basic " + base64(user ":" password), allocated. */
enum net_status http_basic_value(const char *user, const char *password, char **out,
                                 struct net_err *err);
void http_creds_clear(struct http_creds *cr);

/* ---- tunnel.c ---- */
/* CONNECT through the proxy on c to x's origin, then TLS to the origin. */
enum net_status http_tunnel(struct http_xfer *x, struct net_conn *c);

#endif
