/*
 * chunked.h - the decoder of the chunked transfer-coding (RFC 9112 7.1)
 * of HTTP/1.x response bodies. Pure: no I/O, no allocation, no copies.
 *
 * Contract:
 *  - The chunked decoder is a state machine fed any split of the stream; it
 *    hands back spans of chunk data pointing into the input, so nothing is
 *    copied. Chunk sizes over 16 hex digits or NET_HTTP_LENGTH_MAX, missing
 *    CR LF after data, and trailers over their caps are errors.
 */
#ifndef NET_HTTP_CHUNKED_H
#define NET_HTTP_CHUNKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libnet/status.h"
#include "protocols/http/head.h"

/* Most trailer fields, and most trailer bytes, after the last chunk. */
#define NET_HTTP_TRAILERS_MAX NET_HTTP_FIELDS_MAX
#define NET_HTTP_TRAILER_BYTES_MAX (16u * 1024)
/* Longest chunk-size line with its extensions. */
#define NET_HTTP_CHUNK_LINE_MAX 4096

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
