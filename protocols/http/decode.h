/*
 * decode.h - HTTP content decoding (Content-Encoding: gzip, deflate) through
 * zlib, as a streaming filter in front of a sink.
 *
 * Contract:
 *  - A decoder is made from the response's Content-Encoding value, a list of
 *    codings applied in order ("gzip", "deflate, gzip"); it undoes them in
 *    reverse. "identity" entries are skipped; an empty list needs no decoder
 *    (*out is set to NULL and NET_OK returned). More than
 *    NET_HTTP_CODINGS_MAX codings, or one we do not know (br, zstd,
 *    compress), is NET_E_DECODE, naming it.
 *  - "gzip" and "x-gzip" are RFC 1952 members (several concatenated members
 *    are one stream, as gzip(1) reads them); "deflate" is the zlib format
 *    (RFC 1950), and raw deflate (RFC 1951) is accepted when the first bytes
 *    are not a zlib header, as browsers and curl do.
 *  - net_http_decoder_write() takes encoded bytes in any split and passes
 *    decoded bytes to the sink in spans of at most NET_HTTP_DECODE_CHUNK.
 *    Memory is bounded: one output buffer per coding, never the body.
 *  - The decoded output is capped at max_out bytes (0: NET_HTTP_DECODED_MAX):
 *    more is NET_E_TOO_LARGE. A corrupt stream, or bytes after the end of a
 *    non-gzip stream, is NET_E_DECODE with zlib's message.
 *  - net_http_decoder_finish() says whether the stream ended properly: a
 *    body cut before the end of the compressed stream is NET_E_DECODE
 *    ("truncated"), so a partial file is never taken as complete.
 *  - A sink returning non-zero stops with NET_E_LOCAL_IO.
 */
#ifndef NET_HTTP_DECODE_H
#define NET_HTTP_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "libnet/conn.h"
#include "libnet/status.h"

/* Most chained codings: real servers use one; curl stops at 5. */
#define NET_HTTP_CODINGS_MAX 4
/* Default cap on decoded bytes: far above any real download, and it stops a
 * decompression bomb (1000:1 and more) long before it fills a disk. */
#define NET_HTTP_DECODED_MAX (64ull * 1024 * 1024 * 1024)
/* Output span handed to the sink (and buffer size per coding). */
#define NET_HTTP_DECODE_CHUNK (64u * 1024)

struct net_http_decoder;

enum net_status net_http_decoder_new(const char *content_encoding,
                                     uint64_t max_out, net_sink_fn sink,
                                     void *sink_ctx,
                                     struct net_http_decoder **out,
                                     struct net_err *err);
enum net_status net_http_decoder_write(struct net_http_decoder *d,
                                       const char *p, size_t n,
                                       struct net_err *err);
enum net_status net_http_decoder_finish(struct net_http_decoder *d,
                                        struct net_err *err);
/* Decoded bytes passed to the sink so far. */
uint64_t net_http_decoder_out(const struct net_http_decoder *d);
void net_http_decoder_free(struct net_http_decoder *d);

#endif
