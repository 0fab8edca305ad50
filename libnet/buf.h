/*
 * buf.h - a bounded byte buffer for reading.
 *
 * Contract: the storage is allocated once, at creation, with the maximum the
 * caller names; it never grows. Bytes live in data[start, end). Readers look
 * at the unread span and consume from its front; writers (the connection's
 * fill) append into the free space at the back, compacting first when asked.
 * A line can therefore never be longer than the buffer's capacity, which is
 * how every line and header length stays bounded.
 */
#ifndef NET_BUF_H
#define NET_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct net_buf {
    char *data;
    size_t cap;     /* fixed at creation */
    size_t start;   /* first unread byte */
    size_t end;     /* one past the last unread byte */
};

/* Allocate cap bytes. Returns false when out of memory or cap is 0. */
bool net_buf_init(struct net_buf *b, size_t cap);
void net_buf_free(struct net_buf *b);

static inline size_t net_buf_len(const struct net_buf *b) { return b->end - b->start; }
static inline const char *net_buf_head(const struct net_buf *b) { return b->data + b->start; }
/* Free space at the back, after compacting if compact is true. */
size_t net_buf_space(struct net_buf *b, bool compact);
static inline char *net_buf_tail(struct net_buf *b) { return b->data + b->end; }
/* Record n bytes written at the tail (n <= net_buf_space()). */
void net_buf_commit(struct net_buf *b, size_t n);
/* Drop n unread bytes from the front (n <= net_buf_len()). */
void net_buf_consume(struct net_buf *b, size_t n);
/* Append n bytes; false (and nothing appended) when they do not fit. */
bool net_buf_append(struct net_buf *b, const void *p, size_t n);
/* Move unread bytes to the front of the storage. */
void net_buf_compact(struct net_buf *b);
/* Drop everything. */
void net_buf_reset(struct net_buf *b);

#endif
