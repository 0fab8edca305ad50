/* buf.c - the bounded read buffer. */
#include "libnet/buf.h"

#include <stdlib.h>
#include <string.h>

bool net_buf_init(struct net_buf *b, size_t cap)
{
    b->data = cap ? malloc(cap) : NULL;
    b->cap = b->data ? cap : 0;
    b->start = b->end = 0;
    return b->data != NULL;
}

void net_buf_free(struct net_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->cap = b->start = b->end = 0;
}

void net_buf_compact(struct net_buf *b)
{
    if (b->start == 0)
        return;
    size_t len = b->end - b->start;
    if (len)
        memmove(b->data, b->data + b->start, len);
    b->start = 0;
    b->end = len;
}

size_t net_buf_space(struct net_buf *b, bool compact)
{
    if (b->start == b->end)
        b->start = b->end = 0;      /* empty: reuse the whole storage for free */
    else if (compact)
        net_buf_compact(b);
    return b->cap - b->end;
}

void net_buf_commit(struct net_buf *b, size_t n)
{
    b->end += n;
}

void net_buf_consume(struct net_buf *b, size_t n)
{
    b->start += n;
    if (b->start == b->end)
        b->start = b->end = 0;
}

bool net_buf_append(struct net_buf *b, const void *p, size_t n)
{
    if (net_buf_space(b, true) < n)
        return false;
    memcpy(b->data + b->end, p, n);
    b->end += n;
    return true;
}

void net_buf_reset(struct net_buf *b)
{
    b->start = b->end = 0;
}
