/*
 * trace.h - seeing every byte a connection sends and receives.
 *
 * Contract: when a connection has a trace callback, it is called with every
 * span of bytes received (NET_TRACE_IN) or sent (NET_TRACE_OUT), in order,
 * and with one-line notes about what the layer does (NET_TRACE_INFO:
 * "resolving", "connecting to", "TLS established"). A span that a protocol
 * marked secret (a password, an AUTH payload) arrives with secret=true and
 * its bytes replaced by '*' characters of the same length, so a trace can
 * never print a credential; the original bytes never reach the callback.
 * The callback must not call back into the connection.
 */
#ifndef NET_TRACE_H
#define NET_TRACE_H

#include <stdbool.h>
#include <stddef.h>

enum net_trace_dir {
    NET_TRACE_INFO,
    NET_TRACE_IN,
    NET_TRACE_OUT
};

typedef void (*net_trace_fn)(void *ctx, enum net_trace_dir dir,
                             const char *data, size_t len, bool secret);

struct net_trace {
    net_trace_fn fn;    /* NULL: no trace */
    void *ctx;
};

/* Cap on one INFO note; longer notes are cut. */
#define NET_TRACE_INFO_MAX 512

void net_trace_info(const struct net_trace *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void net_trace_data(const struct net_trace *t, enum net_trace_dir dir,
                    const char *data, size_t len, bool secret);

/* Name of a direction ("info", "in", "out"). */
const char *net_trace_dir_name(enum net_trace_dir dir);

#endif
