/*
 * parse.h - HTTP/1.x response parsing: the head (status line and header
 * fields), the body's framing, and chunked transfer-coding. Pure functions
 * over bytes the caller owns; no I/O, no allocation, no copies.
 *
 * Contract:
 *  - net_http_parse_head() reads a response head from buf[0..len). Results
 *    are pointer+length pairs into buf, valid while buf is. It returns the
 *    number of bytes the head took (through the blank line) when complete,
 *    NET_HTTP_NEED_MORE when buf holds only a valid prefix, or
 *    NET_HTTP_ERROR with err set (NET_E_PROTOCOL: malformed; status line,
 *    field or count over a cap: NET_E_LINE_TOO_LONG / NET_E_PROTOCOL, the text
 *    naming the cap). Lines may end in CR LF or a bare LF. A NUL, a bare CR,
 *    or any other control byte but TAB in a line is an error; obs-fold
 *    (a line starting with SP/HT) is an error (RFC 9112 5.2 allows rejecting).
 *  - The parser is incremental: pass the whole unconsumed prefix again with
 *    more bytes appended, and *scan (0 at first) so it does not rescan what
 *    it already checked. *scan is opaque: pass back what the last call left
 *    there (a value inconsistent with buf only costs a rescan). When the
 *    head is complete *scan is set back to 0, ready for the next head (an
 *    interim 1xx is followed by another). Caps apply while incomplete too,
 *    so an endless head fails as soon as it passes NET_HTTP_HEAD_MAX. *head
 *    is only fully filled once the head is complete (it may be a different
 *    struct in each call). Status line "HTTP/1.x SSS[ reason]": x one
 *    digit (1.2..1.9 count as 1.1), SSS three digits 100..999.
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
 *  - The chunked decoder is a state machine fed any split of the stream; it
 *    hands back spans of chunk data pointing into the input, so nothing is
 *    copied. Chunk sizes over 16 hex digits or NET_HTTP_LENGTH_MAX, missing
 *    CR LF after data, and trailers over their caps are errors.
 */
#ifndef NET_HTTP_PARSE_H
#define NET_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libnet/status.h"

/* Longest status or header line: nginx and Apache stop at 8 KiB too. */
#define NET_HTTP_LINE_MAX 8192
/* Most header fields in one head: 100 is Apache's LimitRequestFields default. */
#define NET_HTTP_FIELDS_MAX 100
/* Largest head in bytes: must fit the connection's 64 KiB input buffer. */
#define NET_HTTP_HEAD_MAX (64u * 1024 - 1024)
/* Most interim (1xx) responses before the final one: a server sending more
 * is stalling us (endless "100 Continue"). */
#define NET_HTTP_INTERIM_MAX 16
/* Largest Content-Length or chunk size: 2^63 - 1, so sums stay in range. */
#define NET_HTTP_LENGTH_MAX INT64_MAX
/* Most trailer fields, and most trailer bytes, after the last chunk. */
#define NET_HTTP_TRAILERS_MAX NET_HTTP_FIELDS_MAX
#define NET_HTTP_TRAILER_BYTES_MAX (16u * 1024)
/* Longest chunk-size line with its extensions. */
#define NET_HTTP_CHUNK_LINE_MAX 4096

#define NET_HTTP_NEED_MORE ((ssize_t)-2)
#define NET_HTTP_ERROR ((ssize_t)-1)

struct net_http_str {
    const char *p;
    size_t len;
};

struct net_http_field {
    struct net_http_str name;   /* as sent, without the colon */
    struct net_http_str value;  /* without leading and trailing SP/HT */
};

struct net_http_head {
    int version_minor;          /* HTTP/1.<minor>; 0 or 1 */
    int status;                 /* 100..999 */
    struct net_http_str reason; /* may be empty */
    size_t nfields;
    struct net_http_field fields[NET_HTTP_FIELDS_MAX];
};

ssize_t net_http_parse_head(const char *buf, size_t len, size_t *scan,
                            struct net_http_head *head, struct net_err *err);

/* The first field named name (ASCII case-insensitive), or NULL. */
const struct net_http_field *net_http_head_find(const struct net_http_head *h,
                                                const char *name);
/* Does the comma-separated list value of any field named name hold token
 * (case-insensitive)? ("Connection: keep-alive, Upgrade" holds "upgrade".) */
bool net_http_head_has_token(const struct net_http_head *h, const char *name,
                             const char *token);

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

enum net_http_chunk_state {
    NET_HTTP_CHUNK_SIZE,        /* reading hex digits */
    NET_HTTP_CHUNK_SIZE_WS,     /* SP/HT after the digits: ";" or the end next */
    NET_HTTP_CHUNK_EXT,         /* skipping ";ext" up to the line end */
    NET_HTTP_CHUNK_SIZE_LF,     /* CR seen after the size line */
    NET_HTTP_CHUNK_DATA,        /* remaining bytes of chunk data */
    NET_HTTP_CHUNK_DATA_CR,     /* CR after the data */
    NET_HTTP_CHUNK_DATA_LF,     /* LF after the data */
    NET_HTTP_CHUNK_TRAILER,     /* trailer lines, up to the empty one */
    NET_HTTP_CHUNK_TRAILER_LF,  /* CR seen at the end of a trailer line */
    NET_HTTP_CHUNK_DONE,
    NET_HTTP_CHUNK_STATE_COUNT
};

/* Names of the states, for traces ("size", "data", ...). */
const char *net_http_chunk_state_name(enum net_http_chunk_state st);

struct net_http_chunked {
    enum net_http_chunk_state state;
    uint64_t remaining;         /* bytes left in the current chunk */
    unsigned size_digits;       /* significant hex digits of the current size */
    size_t line_bytes;          /* bytes of the current size line so far */
    size_t trailer_bytes;       /* all trailer bytes so far */
    unsigned trailers;          /* trailer fields so far */
    bool line_empty;            /* the current trailer line has no bytes yet */
};

void net_http_chunked_init(struct net_http_chunked *d);
/*
 * Decode from in[0..len). Sets *used to the bytes of in that were taken
 * (framing and data alike) and, when chunk data was reached, *data / *data_len
 * to one span of it inside in (the span ends at or before in + *used).
 * Returns NET_OK; the body is complete when d->state is NET_HTTP_CHUNK_DONE
 * (bytes after it are not taken). A call that yields a span stops right
 * after it, so framing errors never cost data already decoded. Call again
 * with the rest, or with more input when *used == len. On malformed input
 * returns NET_E_PROTOCOL with err set, naming what was wrong (the decoder
 * is then not usable further). After DONE, further calls take nothing.
 */
enum net_status net_http_chunked_step(struct net_http_chunked *d,
                                      const char *in, size_t len,
                                      size_t *used, const char **data,
                                      size_t *data_len, struct net_err *err);

#endif
