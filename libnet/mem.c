/* mem.c - the in-memory layer: scripted input chunks, captured output. */
#include "libnet/mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct mem_chunk {
    struct mem_chunk *next;
    size_t len;
    size_t off;
    char data[];
};

struct mem_layer {
    struct net_layer base;
    struct mem_chunk *head, *tail;
    bool end_with_reset;
    size_t write_max;
    char *out;
    size_t out_len, out_cap;
};

static ssize_t mem_read(struct net_layer *l, void *p, size_t n, short *want,
                        struct net_err *err)
{
    struct mem_layer *m = (struct mem_layer *)l;
    struct mem_chunk *c = m->head;
    if (c == NULL) {
        if (!m->end_with_reset)
            return 0;
        net_err_set(err, NET_E_RESET, "receive failed: %s", strerror(ECONNRESET));
        return NET_IO_ERROR;
    }
    size_t k = c->len - c->off < n ? c->len - c->off : n;
    memcpy(p, c->data + c->off, k);
    c->off += k;
    if (c->off == c->len) {
        m->head = c->next;
        if (m->head == NULL)
            m->tail = NULL;
        free(c);
    }
    return (ssize_t)k;
}

static bool out_reserve(struct mem_layer *m, size_t extra)
{
    if (m->out_cap - m->out_len >= extra)
        return true;
    if (extra > NET_MEM_OUTPUT_MAX - m->out_len)
        return false;
    size_t cap = m->out_cap ? m->out_cap : 4096;
    while (cap - m->out_len < extra)
        cap *= 2;
    char *p = realloc(m->out, cap);
    if (p == NULL)
        return false;
    m->out = p;
    m->out_cap = cap;
    return true;
}

static ssize_t mem_write(struct net_layer *l, const void *p, size_t n,
                         short *want, struct net_err *err)
{
    struct mem_layer *m = (struct mem_layer *)l;
    if (m->write_max && n > m->write_max)
        n = m->write_max;
    if (!out_reserve(m, n)) {
        net_err_set(err, NET_E_NOMEM, "in-memory layer: output over %u bytes",
                    NET_MEM_OUTPUT_MAX);
        return NET_IO_ERROR;
    }
    memcpy(m->out + m->out_len, p, n);
    m->out_len += n;
    return (ssize_t)n;
}

static size_t mem_pending(struct net_layer *l)
{
    struct mem_layer *m = (struct mem_layer *)l;
    size_t n = 0;
    for (struct mem_chunk *c = m->head; c != NULL; c = c->next)
        n += c->len - c->off;
    return n;
}

static int mem_fd(struct net_layer *l)
{
    return -1;
}

static void mem_destroy(struct net_layer *l)
{
    struct mem_layer *m = (struct mem_layer *)l;
    while (m->head != NULL) {
        struct mem_chunk *next = m->head->next;
        free(m->head);
        m->head = next;
    }
    free(m->out);
    free(m);
}

static const struct net_layer_ops mem_ops = {
    .name = "memory",
    .read = mem_read,
    .write = mem_write,
    .handshake = NULL,
    .pending = mem_pending,
    .fd = mem_fd,
    .destroy = mem_destroy,
};

enum net_status net_mem_layer_new(struct net_layer **out, struct net_err *err)
{
    struct mem_layer *m = calloc(1, sizeof *m);
    if (m == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory for an in-memory layer");
    m->base.ops = &mem_ops;
    *out = &m->base;
    return NET_OK;
}

enum net_status net_mem_feed(struct net_layer *l, const void *p, size_t n)
{
    struct mem_layer *m = (struct mem_layer *)l;
    if (n == 0)
        return NET_OK;
    struct mem_chunk *c = malloc(sizeof *c + n);
    if (c == NULL)
        return NET_E_NOMEM;
    c->next = NULL;
    c->len = n;
    c->off = 0;
    memcpy(c->data, p, n);
    if (m->tail)
        m->tail->next = c;
    else
        m->head = c;
    m->tail = c;
    return NET_OK;
}

void net_mem_end_with_reset(struct net_layer *l)
{
    ((struct mem_layer *)l)->end_with_reset = true;
}

void net_mem_set_write_max(struct net_layer *l, size_t max)
{
    ((struct mem_layer *)l)->write_max = max;
}

const char *net_mem_output(struct net_layer *l, size_t *len)
{
    struct mem_layer *m = (struct mem_layer *)l;
    *len = m->out_len;
    return m->out ? m->out : "";
}

void net_mem_clear_output(struct net_layer *l)
{
    ((struct mem_layer *)l)->out_len = 0;
}
