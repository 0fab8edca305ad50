/* chunked.c - the chunked transfer-coding decoder (chunked.h): a byte-wise
 * state machine over any split of the stream, handing back spans of chunk
 * data inside the input. Pure: no allocation, no I/O. */
#include "protocols/http/chunked.h"

#include <stdarg.h>
#include <string.h>

#include "protocols/http/lex_impl.h"

static const char *const chunk_state_names[NET_HTTP_CHUNK_STATE_COUNT] = {
    [NET_HTTP_CHUNK_SIZE] = "size",
    [NET_HTTP_CHUNK_SIZE_WS] = "size-ws",
    [NET_HTTP_CHUNK_EXT] = "ext",
    [NET_HTTP_CHUNK_SIZE_LF] = "size-lf",
    [NET_HTTP_CHUNK_DATA] = "data",
    [NET_HTTP_CHUNK_DATA_CR] = "data-cr",
    [NET_HTTP_CHUNK_DATA_LF] = "data-lf",
    [NET_HTTP_CHUNK_TRAILER] = "trailer",
    [NET_HTTP_CHUNK_TRAILER_LF] = "trailer-lf",
    [NET_HTTP_CHUNK_DONE] = "done",
};

const char *net_http_chunk_state_name(enum net_http_chunk_state st)
{
    if ((unsigned)st >= NET_HTTP_CHUNK_STATE_COUNT)
        return "unknown";
    return chunk_state_names[st];
}

void net_http_chunked_init(struct net_http_chunked *d)
{
    memset(d, 0, sizeof *d);
    d->state = NET_HTTP_CHUNK_SIZE;
    d->line_empty = true;
}

static enum net_status chunk_error(struct net_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum net_status chunk_error(struct net_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    net_err_vset(err, NET_E_PROTOCOL, fmt, ap);
    va_end(ap);
    return NET_E_PROTOCOL;
}

static int hex_value(unsigned char c)
{
    if (http_is_digit(c))
        return c - '0';
    c = http_lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Begin the next chunk's size line. */
static void start_size(struct net_http_chunked *d)
{
    d->state = NET_HTTP_CHUNK_SIZE;
    d->remaining = 0;
    d->size_digits = 0;
    d->line_bytes = 0;
}

/* The size line ended: data follows, or the trailer section after "0". */
static void end_size_line(struct net_http_chunked *d)
{
    if (d->remaining > 0) {
        d->state = NET_HTTP_CHUNK_DATA;
    } else {
        d->state = NET_HTTP_CHUNK_TRAILER;
        d->line_empty = true;
    }
}

/* A size-line byte other than CR/LF counts against the line cap. */
static enum net_status count_size_byte(struct net_http_chunked *d, struct net_err *err)
{
    if (++d->line_bytes > NET_HTTP_CHUNK_LINE_MAX)
        return chunk_error(err, "chunked body: chunk size line over %d bytes",
                           NET_HTTP_CHUNK_LINE_MAX);
    return NET_OK;
}

/* One hex digit of the size. */
static enum net_status size_digit(struct net_http_chunked *d, unsigned v, struct net_err *err)
{
    if (d->size_digits > 0 || v != 0) {
        if (d->size_digits == 16)
            return chunk_error(err, "chunked body: chunk size over 16 hex digits");
        d->size_digits++;
    }
    if (d->remaining > ((uint64_t)NET_HTTP_LENGTH_MAX - v) / 16)
        return chunk_error(err, "chunked body: chunk size over %lld bytes",
                           (long long)NET_HTTP_LENGTH_MAX);
    d->remaining = d->remaining * 16 + v;
    return NET_OK;
}

/* End of size digits at byte c (not a hex digit). */
static enum net_status size_end(struct net_http_chunked *d, unsigned char c, struct net_err *err)
{
    bool line_end = c == '\r' || c == '\n';
    if (!line_end && !http_is_ws(c) && c != ';')
        return chunk_error(err, "chunked body: byte 0x%02x in the chunk size", c);
    if (d->line_bytes == 0)
        return chunk_error(err, "chunked body: empty chunk size");
    if (c == '\n')
        end_size_line(d);
    else
        d->state = c == '\r' ? NET_HTTP_CHUNK_SIZE_LF
                   : c == ';' ? NET_HTTP_CHUNK_EXT : NET_HTTP_CHUNK_SIZE_WS;
    return line_end ? NET_OK : count_size_byte(d, err);
}

/* After the size digits (SIZE_WS, EXT): BWS, ";ext", up to the line end. */
static enum net_status ext_byte(struct net_http_chunked *d, unsigned char c,
                                struct net_err *err)
{
    if (d->state == NET_HTTP_CHUNK_SIZE_WS && !http_is_ws(c) && c != ';' && c != '\r' &&
        c != '\n')
        return chunk_error(err, "chunked body: byte 0x%02x after the chunk size", c);
    if (c == '\r') {
        d->state = NET_HTTP_CHUNK_SIZE_LF;
        return NET_OK;
    }
    if (c == '\n') {
        end_size_line(d);
        return NET_OK;
    }
    if (http_is_ctl(c))
        return chunk_error(err, "chunked body: control byte 0x%02x in a chunk extension", c);
    if (c == ';')
        d->state = NET_HTTP_CHUNK_EXT;
    return count_size_byte(d, err);
}

/* The size line, all of it: digits, BWS, extensions, its line end. */
static enum net_status size_line_byte(struct net_http_chunked *d, unsigned char c,
                                      struct net_err *err)
{
    if (d->state == NET_HTTP_CHUNK_SIZE) {
        int v = hex_value(c);
        if (v < 0)
            return size_end(d, c, err);
        enum net_status st = size_digit(d, (unsigned)v, err);
        return st != NET_OK ? st : count_size_byte(d, err);
    }
    if (d->state != NET_HTTP_CHUNK_SIZE_LF)
        return ext_byte(d, c, err);
    if (c != '\n')
        return chunk_error(err, "chunked body: bare CR in a chunk size line");
    end_size_line(d);
    return NET_OK;
}

/* The line end after chunk data: CR LF, or a bare LF. */
static enum net_status data_end_byte(struct net_http_chunked *d, unsigned char c,
                                     struct net_err *err)
{
    if (d->state == NET_HTTP_CHUNK_DATA_CR && c == '\r') {
        d->state = NET_HTTP_CHUNK_DATA_LF;
        return NET_OK;
    }
    if (c != '\n')
        return chunk_error(err, "chunked body: missing CRLF after chunk data");
    start_size(d);
    return NET_OK;
}

/* One byte of the trailer section (fields discarded, caps enforced). */
static enum net_status trailer_byte(struct net_http_chunked *d, unsigned char c,
                                    struct net_err *err)
{
    if (++d->trailer_bytes > NET_HTTP_TRAILER_BYTES_MAX)
        return chunk_error(err, "chunked body: endless trailers (over %u bytes)",
                           (unsigned)NET_HTTP_TRAILER_BYTES_MAX);
    if (d->state == NET_HTTP_CHUNK_TRAILER_LF && c != '\n')
        return chunk_error(err, "chunked body: bare CR in a trailer line");
    if (c == '\r') {
        d->state = NET_HTTP_CHUNK_TRAILER_LF;
        return NET_OK;
    }
    if (c != '\n') {
        if (http_is_ctl(c))
            return chunk_error(err, "chunked body: control byte 0x%02x in a trailer", c);
        d->line_empty = false;
        return NET_OK;
    }
    if (d->line_empty) {
        d->state = NET_HTTP_CHUNK_DONE;
        return NET_OK;
    }
    if (++d->trailers > NET_HTTP_TRAILERS_MAX)
        return chunk_error(err, "chunked body: endless trailers (more than %d fields)",
                           NET_HTTP_TRAILERS_MAX);
    d->state = NET_HTTP_CHUNK_TRAILER;
    d->line_empty = true;
    return NET_OK;
}

/* One framing byte in any state but DATA and DONE. */
static enum net_status framing_byte(struct net_http_chunked *d, unsigned char c,
                                    struct net_err *err)
{
    switch (d->state) {
    case NET_HTTP_CHUNK_DATA_CR:
    case NET_HTTP_CHUNK_DATA_LF:
        return data_end_byte(d, c, err);
    case NET_HTTP_CHUNK_TRAILER:
    case NET_HTTP_CHUNK_TRAILER_LF:
        return trailer_byte(d, c, err);
    default:
        return size_line_byte(d, c, err);
    }
}

enum net_status net_http_chunked_step(struct net_http_chunked *d, const char *in,
                                      size_t len, size_t *used, const char **data,
                                      size_t *data_len, struct net_err *err)
{
    *used = 0;
    *data = NULL;
    *data_len = 0;
    size_t i = 0;
    while (i < len && d->state != NET_HTTP_CHUNK_DONE) {
        if (d->state == NET_HTTP_CHUNK_DATA) {
            size_t take = d->remaining < len - i ? (size_t)d->remaining : len - i;
            *data = in + i;
            *data_len = take;
            i += take;
            d->remaining -= take;
            if (d->remaining == 0)
                d->state = NET_HTTP_CHUNK_DATA_CR;
            break;                          /* one span per call */
        }
        enum net_status st = framing_byte(d, (unsigned char)in[i], err);
        if (st != NET_OK) {
            *used = i;
            return st;
        }
        i++;
    }
    *used = i;
    return NET_OK;
}
