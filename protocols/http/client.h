/*
 * client.h - the HTTP/1.1 client: requests, responses streamed to the
 * caller, persistent connections, redirects, Basic auth, proxies, resume,
 * content decoding. net-http is a thin tool over this.
 *
 * Contract:
 *  - A client (struct net_http_client) holds options and a small pool of idle
 *    connections. It is used by one thread at a time. No globals, no stdio.
 *  - net_http_perform() runs one request to its end, following redirects
 *    when asked. Every response head (interim 1xx, each redirect, the final
 *    one) is shown to on_head; only the final response's body reaches
 *    on_body, as it arrives, in spans of at most the connection's buffer (or
 *    NET_HTTP_DECODE_CHUNK when decoding): a body never sits in memory.
 *  - Safety before the wire: the method must be an RFC 9110 token; header
 *    names tokens; header values, the URL's path and query (raw and
 *    percent-decoded), user and password free of CR, LF and NUL. Anything
 *    else fails with NET_E_UNSAFE_INPUT (or NET_E_URL) before a connection is
 *    opened.
 *  - Framing (framing.h) is strict; a malformed or conflicting response is
 *    NET_E_PROTOCOL and its connection is closed, never reused. A body cut
 *    short is NET_E_CLOSED ("partial transfer"). Heads over the caps,
 *    endless 1xx (NET_HTTP_INTERIM_MAX) and endless trailers fail.
 *  - Reuse: after a complete response whose framing allows keep-alive, the
 *    connection returns to the pool, keyed by scheme, host, port, proxy and
 *    TLS options. It is never reused after an error, a partial or unread
 *    body, "Connection: close", or by another origin. A reused connection
 *    that the server had closed (the request fails before any response byte)
 *    is retried once on a new connection, for idempotent methods or when no
 *    body byte was sent.
 *  - Redirects (follow on): 301, 302, 303, 307, 308 with a Location, at most
 *    max_redirects (NET_E_REDIRECTS; a URL seen before in this chain does not
 *    stop it early, the limit does). 303 always, and 301/302 for POST, turn
 *    the request into a GET without a body; 307/308 keep method and body (a
 *    callback body must be rewindable, else NET_E_USAGE). The Location is
 *    resolved against the current URL; only http and https are followed
 *    (else NET_E_REDIRECT_REFUSED). Credentials (user/password, netrc,
 *    Authorization and Cookie headers given by the caller) go only to the
 *    first URL's scheme, host and port, never to another, unless
 *    location_trusted is set (curl's --location-trusted). HTTPS to HTTP
 *    redirects are followed (as curl does) but the credentials rule still
 *    holds because the scheme differs.
 *  - Auth: Basic from user/password, else (netrc != NET_HTTP_NETRC_IGNORED)
 *    from netrc (libnet/netrc.h; an unsafe netrc is NET_E_AUTH). The
 *    Authorization and Proxy-Authorization values are marked secret for the
 *    trace. A 401 is returned to the caller as a response (the -f option of
 *    the tool makes it an error), with no retry loop.
 *  - Resume: range_start > 0 sends "Range: bytes=N-". A 206 must carry a
 *    Content-Range starting at N (else NET_E_PROTOCOL); a 200 to a range
 *    request is NET_E_RANGE_IGNORED before any body byte reaches on_body
 *    (the caller must not append a whole body to a partial file). A 416 is
 *    returned as a response with result.range_unsatisfied set; its body
 *    (an error page, not file content) is read and dropped, not delivered.
 *  - Decoding (decompress on): "Accept-Encoding: gzip, deflate" is sent and
 *    the body decoded (decode.h), capped by max_body; result.body_bytes
 *    counts bytes as received, result.decoded_bytes what reached on_body.
 *  - Proxies (proxy.h): an http URL is sent to the proxy in absolute form;
 *    an https URL goes through a CONNECT tunnel, then TLS to the origin. A
 *    non-2xx answer to CONNECT is NET_E_REFUSED quoting the proxy's status.
 *  - HTTPS offers ALPN "http/1.1" (added to the caller's TLS options) and
 *    verifies as libnet does: fully unless tls_opts says otherwise by name.
 *  - Upload: a body from memory, a file descriptor, or a read callback;
 *    with a known size, Content-Length, else chunked. With a body of
 *    expect_100_min bytes or more (or unknown size), "Expect: 100-continue"
 *    is sent and the body waits for 100 (up to expect_100_ms; a final
 *    status instead means the body is not sent and the connection closed).
 *  - Caller headers: one whose name equals a field we send (Host,
 *    User-Agent, Accept, Range, Content-Length, Expect, ...) replaces ours
 *    at our place; a NULL value removes ours. The caller's Host, Cookie and
 *    Authorization are not sent to another origin after a redirect (Cookie
 *    and Authorization are with location_trusted); Proxy-Authorization goes
 *    only to a proxy (in the CONNECT request when tunnelling). An Expect
 *    field from the caller decides whether we wait for 100 Continue.
 *  - on_head sees the final head before the checks that make it a failure
 *    (fail_on_error, a range not honoured), so -i / -D can show it; a
 *    malformed head is never shown.
 *  - Time limit: opts.conn.total_timeout_ms bounds each net_http_perform()
 *    call from its start: connecting (or taking a pooled connection, whose
 *    deadline is restarted for the call), the request, interim responses,
 *    the body, every redirect hop and the one retry all share it, as curl's
 *    --max-time covers a whole transfer. Passing it is NET_E_TOTAL_TIMEOUT.
 *    In net_http_perform_many() each request has the limit on its own, from
 *    when it is written (the first ones on a new connection: from when
 *    connecting began) to the end of its response.
 *  - Errors: net_err's text says what failed and, for HTTP-level failures,
 *    the status line the server sent (quoted). Each result also carries its
 *    own request's outcome (error, error_text): for net_http_perform() the
 *    returned status and err's text; for net_http_perform_many() each
 *    request's, so a complete response in a batch where another request
 *    failed is known to be complete.
 */
#ifndef NET_HTTP_CLIENT_H
#define NET_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libnet/conn.h"
#include "libnet/status.h"
#include "protocols/http/head.h"

/* Idle connections kept for reuse: a handful of origins in one run. */
#define NET_HTTP_POOL_MAX 4
/* Default redirect limit when following (curl's is 50; 20 is Firefox's). */
#define NET_HTTP_REDIRECTS_DEFAULT 20
/* Default threshold for Expect: 100-continue (curl uses 1 MiB). */
#define NET_HTTP_EXPECT_MIN_DEFAULT (1024u * 1024)
/* Default wait for "100 Continue" before sending the body anyway (curl: 1 s). */
#define NET_HTTP_EXPECT_MS_DEFAULT 1000
/* Most caller-supplied header fields in one request. */
#define NET_HTTP_REQ_HEADERS_MAX 256
/* Largest request head we build (request line + fields). */
#define NET_HTTP_REQ_HEAD_MAX (256u * 1024)
/* Requests in flight at once when pipelining (net_http_perform_many). */
#define NET_HTTP_PIPELINE_MAX 64

struct net_http_client;

enum net_http_netrc {
    NET_HTTP_NETRC_IGNORED = 0,
    NET_HTTP_NETRC_OPTIONAL,    /* use it when it has the host */
    NET_HTTP_NETRC_REQUIRED     /* no entry is NET_E_AUTH */
};

/* Open a connection to host:port with opts (TLS included when opts->tls).
 * A hook for tests (in-memory replay) and custom transports; NULL means
 * net_conn_open(). */
typedef enum net_status (*net_http_connect_fn)(void *ctx, const char *host,
                                               unsigned short port,
                                               const struct net_conn_opts *opts,
                                               struct net_conn **out,
                                               struct net_err *err);

/* The strings and pointers in the options are the caller's and must
 * outlive the client (they are not copied). */
struct net_http_client_opts {
    struct net_conn_opts conn;  /* timeouts (total: per request, see above),
                                   resolver, TLS, trace, buffer */
    const char *proxy;          /* NULL: environment (if proxy_env); "": none */
    const char *no_proxy;       /* NULL: environment (if proxy_env) */
    bool proxy_env;             /* read http_proxy & co */
    const char *user_agent;     /* NULL: "net-http/<version>"; "": none */
    const char *user;           /* Basic auth, or NULL */
    const char *password;       /* NULL with user: empty password */
    enum net_http_netrc netrc;
    const char *netrc_file;     /* NULL: $NETRC or ~/.netrc */
    bool follow;                /* follow redirects */
    int max_redirects;          /* 0: NET_HTTP_REDIRECTS_DEFAULT; -1: none allowed */
    bool location_trusted;      /* send credentials to redirect targets too */
    bool decompress;            /* Accept-Encoding and decoding */
    uint64_t max_body;          /* cap on body bytes delivered; 0: none (decoded: NET_HTTP_DECODED_MAX) */
    uint64_t expect_100_min;    /* 0: NET_HTTP_EXPECT_MIN_DEFAULT */
    net_ms expect_100_ms;       /* 0: NET_HTTP_EXPECT_MS_DEFAULT */
    bool no_keepalive;          /* close after each response */
    bool fail_on_error;         /* a final status >= 400 is NET_E_HTTP_STATUS and
                                   its body is not delivered (curl -f) */
    net_http_connect_fn connect;    /* NULL: net_conn_open */
    void *connect_ctx;
};

struct net_http_header {
    const char *name;
    const char *value;          /* NULL: remove our default field of this name */
};

/* Read up to cap bytes of request body into buf: the count, 0 at the end,
 * -1 on failure (NET_E_LOCAL_IO). */
typedef ssize_t (*net_http_read_fn)(void *ctx, char *buf, size_t cap);
/* Start the body again from its first byte (for a 307/308 redirect or a
 * retry); 0 on success. NULL: not rewindable. */
typedef int (*net_http_rewind_fn)(void *ctx);

enum net_http_body_src {
    NET_HTTP_SRC_NONE = 0,
    NET_HTTP_SRC_MEMORY,
    NET_HTTP_SRC_FD,            /* read from fd (a file: rewound with lseek) */
    NET_HTTP_SRC_CALLBACK
};

struct net_http_body {
    enum net_http_body_src src;
    const void *data;           /* MEMORY */
    int fd;                     /* FD */
    net_http_read_fn read;      /* CALLBACK */
    net_http_rewind_fn rewind;  /* CALLBACK, optional */
    void *ctx;
    int64_t size;               /* bytes; -1: unknown (chunked). MEMORY: required */
};

struct net_http_request {
    const char *method;         /* NULL: GET, or POST with a body */
    const char *url;            /* http:// or https:// (no scheme: http) */
    const struct net_http_header *headers;
    size_t nheaders;
    struct net_http_body body;
    uint64_t range_start;       /* > 0: resume from this byte */
};

/* What on_head sees: valid only during the callback. */
struct net_http_response {
    const struct net_http_head *head;   /* status, reason, fields */
    const char *raw;            /* the head's bytes as received (for -i/-D) */
    size_t raw_len;
    const char *url;            /* the URL this response answers */
    bool interim;               /* a 1xx */
    bool final;                 /* the response whose body follows */
};

/* Non-zero from on_head stops the request with NET_E_LOCAL_IO (the caller's
 * choice, e.g. an output file that cannot be opened). */
typedef int (*net_http_head_fn)(void *ctx, const struct net_http_response *r);

struct net_http_callbacks {
    net_http_head_fn on_head;   /* optional */
    net_sink_fn on_body;        /* optional: NULL discards the body */
    void *ctx;
};

struct net_http_result {
    int status;                 /* final status, 0 if none arrived */
    uint64_t body_bytes;        /* body bytes received (encoded) */
    uint64_t decoded_bytes;     /* bytes delivered to on_body */
    uint64_t head_bytes;        /* bytes of all heads received */
    uint64_t upload_bytes;      /* request body bytes sent */
    unsigned redirects;         /* redirects followed */
    unsigned connects;          /* new connections opened */
    bool reused;                /* the final request went on a reused connection */
    bool range_unsatisfied;     /* 416 to a resume */
    net_ms time_total;          /* from the call to the end of the body */
    net_ms time_connect;        /* until the last connection was open */
    net_ms time_starttransfer;  /* until the final head's first byte */
    char *effective_url;        /* last URL, without credentials; free() via net_http_result_clear */
    enum net_status error;      /* NET_OK: this request completed (its whole
                                   response arrived); else its failure */
    char error_text[NET_ERR_TEXT_MAX];  /* what failed, as net_err's text; "" when NET_OK */
};

enum net_status net_http_client_new(const struct net_http_client_opts *opts,
                                    struct net_http_client **out,
                                    struct net_err *err);
void net_http_client_free(struct net_http_client *cl);

/* res (optional) is overwritten from the start: clear an earlier result
 * with net_http_result_clear first. err (optional) gets the failure. */
enum net_status net_http_perform(struct net_http_client *cl,
                                 const struct net_http_request *req,
                                 const struct net_http_callbacks *cb,
                                 struct net_http_result *res,
                                 struct net_err *err);

/*
 * Pipelining (RFC 9112 9.3): n bodyless GET or HEAD requests to one origin,
 * written up to depth (1..NET_HTTP_PIPELINE_MAX) ahead of their responses on
 * one connection; responses come back in order to cb[i] / res[i]. No
 * redirects are followed. If the server closes early, the unanswered
 * requests are retried on a new connection (they are idempotent); after a
 * request fails otherwise, the ones behind it go on a new connection too.
 * Returns the first failure; res[i].error says how request i ended: NET_OK
 * (complete), its own failure, or, when the batch stopped before its
 * response (no connection, a write failed; also every request when one is
 * refused before anything is sent), that failure with a text saying it got
 * no answer. res[i].status is 0 for requests that got no answer.
 */
enum net_status net_http_perform_many(struct net_http_client *cl,
                                      const struct net_http_request *reqs,
                                      const struct net_http_callbacks *cb,
                                      struct net_http_result *res, size_t n,
                                      unsigned depth, struct net_err *err);

void net_http_result_clear(struct net_http_result *res);

/* The library's version string ("0.1.0"). */
const char *net_http_version(void);

#endif
