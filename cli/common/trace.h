/*
 * trace.h - the -v trace printer of every net-* tool, curl-like, on a stdio
 * stream (stderr): "* " notes, "> " lines sent, "< " lines received.
 *
 * Contract:
 *  - cli_trace_hook() gives a struct net_trace for net_conn_opts.trace; the
 *    printer is then called with every span in either direction, in any
 *    split, and reassembles lines (ending in LF; a CR before the LF is
 *    dropped). A line is printed when complete; a line longer than
 *    CLI_TRACE_LINE_MAX is printed in pieces, each with the prefix.
 *  - Every byte outside printable ASCII (controls, DEL, bytes >= 0x80) is
 *    shown as \xHH, so a hostile peer cannot drive the terminal. Secret spans
 *    arrive already masked by libnet ('*' bytes) and are shown as they came.
 *  - CLI_TRACE_LINES shows every line (line protocols: SMTP, POP3, ...).
 *    CLI_TRACE_HTTP shows the lines of each request and response head and
 *    summarises each body as "> [N bytes data]" / "< [N bytes data]", one
 *    summary per span. It finds where each body ends from the head it saw:
 *    Content-Length, chunked coding (decoded with the library's chunk
 *    parser), none for 1xx, 204, 304 and answers to HEAD (requests are
 *    remembered in order, so pipelined HEADs work); a body delimited by the
 *    close of the connection lasts until the next note or cli_trace_reset().
 *  - A note (NET_TRACE_INFO) flushes any partial line and starts both
 *    directions afresh (a note marks a new connection or a new exchange).
 *  - Output errors are ignored: a trace never fails a transfer.
 */
#ifndef CLI_TRACE_H
#define CLI_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libnet/trace.h"
#include "protocols/http/chunked.h"

/* Longest line shown in one piece: a head line is capped at 8 KiB by the
 * parser (NET_HTTP_LINE_MAX); longer lines are shown in pieces. */
#define CLI_TRACE_LINE_MAX 8192
/* Pipelined requests whose method is remembered for their responses
 * (bits of a 64-bit queue; NET_HTTP_PIPELINE_MAX is 64). */
#define CLI_TRACE_PENDING_MAX 64

enum cli_trace_mode {
    CLI_TRACE_LINES,    /* every line */
    CLI_TRACE_HTTP      /* head lines; bodies summarised */
};

/* Where a direction is in the HTTP stream. */
enum cli_trace_state {
    CLI_TRACE_HEAD,         /* reading head lines */
    CLI_TRACE_BODY_LENGTH,  /* body of a known length */
    CLI_TRACE_BODY_CHUNKED, /* chunked body */
    CLI_TRACE_BODY_OPEN,    /* body until the connection ends */
    CLI_TRACE_STATE_COUNT
};

struct cli_trace_dir {
    enum cli_trace_state state;
    char line[CLI_TRACE_LINE_MAX];
    size_t len;
    bool piece;             /* the line so far was printed in part */
    /* facts of the head being read */
    bool head_started;      /* the start line was seen */
    int status;             /* response status (IN) */
    bool no_body;           /* a HEAD or CONNECT request (OUT) */
    bool has_length, chunked, other_coding;
    uint64_t length;
    uint64_t remaining;     /* BODY_LENGTH */
    struct net_http_chunked dec;    /* BODY_CHUNKED */
};

struct cli_trace {
    FILE *out;
    enum cli_trace_mode mode;
    struct cli_trace_dir in, sent;
    uint64_t pending_bits;  /* 1: that request expects no body */
    unsigned pending;       /* requests in the queue */
};

void cli_trace_init(struct cli_trace *t, FILE *out, enum cli_trace_mode mode);
/* The hook for net_conn_opts.trace. */
struct net_trace cli_trace_hook(struct cli_trace *t);
/* The net_trace_fn itself (ctx is a struct cli_trace). */
void cli_trace_fn(void *ctx, enum net_trace_dir dir, const char *data,
                  size_t len, bool secret);
/* Flush partial lines and start both directions afresh. */
void cli_trace_reset(struct cli_trace *t);
/* Name of a state ("head", "length", "chunked", "open"). */
const char *cli_trace_state_name(enum cli_trace_state st);

#endif
