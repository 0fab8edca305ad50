/*
 * framing.h - how an HTTP/1.x response body is delimited (RFC 9112 6.3),
 * whether the connection may carry another request after it, and
 * Content-Length values. Pure functions over a parsed head (head.h); no
 * I/O, no allocation.
 *
 * Contract:
 *  - net_http_framing() decides how the body is delimited (RFC 9112 6.3):
 *    none for HEAD, 1xx, 204, 304 (and 2xx to CONNECT); chunked when the last
 *    Transfer-Encoding is chunked; to close for any other Transfer-Encoding;
 *    else Content-Length; else to close. Content-Length together with
 *    Transfer-Encoding, several different Content-Length values, and a value
 *    that is empty, signed, not all digits or over NET_HTTP_LENGTH_MAX are
 *    errors (NET_E_PROTOCOL). It also says whether the connection may be
 *    reused afterwards (HTTP/1.1 without "Connection: close", or HTTP/1.0
 *    with "Connection: keep-alive"; never when the body runs to close, and
 *    never after 101 or a 2xx to CONNECT, where the connection stops
 *    carrying HTTP). A response without a body (HEAD, 1xx, 204, 304, 2xx to
 *    CONNECT) is NONE whatever its Content-Length or Transfer-Encoding say;
 *    those are not checked then. Transfer-Encoding in an HTTP/1.0 response
 *    is an error (RFC 9112 6.1: faulty framing).
 */
#ifndef NET_HTTP_FRAMING_H
#define NET_HTTP_FRAMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libnet/status.h"
#include "protocols/http/head.h"

enum net_http_body_kind {
    NET_HTTP_BODY_NONE,
    NET_HTTP_BODY_LENGTH,
    NET_HTTP_BODY_CHUNKED,
    NET_HTTP_BODY_CLOSE         /* read until the server closes */
};

struct net_http_framing {
    enum net_http_body_kind kind;
    uint64_t length;            /* for NET_HTTP_BODY_LENGTH */
    bool keep_alive;            /* the connection may carry another request */
};

/* method is the request's method ("HEAD" gets no body); a 2xx to CONNECT
 * has none either. */
enum net_status net_http_framing(const struct net_http_head *h,
                                 const char *method,
                                 struct net_http_framing *out,
                                 struct net_err *err);

/* Parse a Content-Length-style decimal (digits only, at most
 * NET_HTTP_LENGTH_MAX). */
bool net_http_parse_length(const char *p, size_t len, uint64_t *out);

#endif
