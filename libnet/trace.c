/* trace.c - the trace callback, with secret spans masked before it sees them. */
#include "libnet/trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Masking happens in pieces of this size, so a secret of any length is
 * masked without allocating. */
#define TRACE_MASK_CHUNK 64

void net_trace_info(const struct net_trace *t, const char *fmt, ...)
{
    if (t == NULL || t->fn == NULL)
        return;
    char note[NET_TRACE_INFO_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(note, sizeof note, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof note ? (size_t)n : sizeof note - 1;
    t->fn(t->ctx, NET_TRACE_INFO, note, len, false);
}

void net_trace_data(const struct net_trace *t, enum net_trace_dir dir,
                    const char *data, size_t len, bool secret)
{
    if (t == NULL || t->fn == NULL || len == 0)
        return;
    if (!secret) {
        t->fn(t->ctx, dir, data, len, false);
        return;
    }
    char stars[TRACE_MASK_CHUNK];
    memset(stars, '*', sizeof stars);
    while (len > 0) {
        size_t n = len < sizeof stars ? len : sizeof stars;
        t->fn(t->ctx, dir, stars, n, true);
        len -= n;
    }
}

const char *net_trace_dir_name(enum net_trace_dir dir)
{
    switch (dir) {
    case NET_TRACE_INFO: return "info";
    case NET_TRACE_IN: return "in";
    case NET_TRACE_OUT: return "out";
    }
    return "?";
}
