/*
 * mem.h - the in-memory layer: a connection with no socket, for unit tests
 * and for replaying transcripts without the network.
 *
 * Contract: the test feeds input as a sequence of chunks; each read() returns
 * bytes from one chunk at most, so chunk boundaries model how the peer's
 * bytes arrive. After the last chunk, read() returns what the test chose:
 * end of stream (the default), or a reset (NET_E_RESET). Everything written
 * is kept and can be inspected; write_max limits how much one write() takes,
 * to exercise short writes. The layer never returns NET_IO_AGAIN; its fd()
 * is -1.
 */
#ifndef NET_MEM_H
#define NET_MEM_H

#include <stdbool.h>
#include <stddef.h>

#include "libnet/layer.h"

/* Cap on bytes the layer keeps as written output: unit tests only. */
#define NET_MEM_OUTPUT_MAX (64u * 1024 * 1024)

enum net_status net_mem_layer_new(struct net_layer **out, struct net_err *err);
/* Queue one chunk of input (copied). */
enum net_status net_mem_feed(struct net_layer *l, const void *p, size_t n);
/* After the queued input: reset instead of end of stream. */
void net_mem_end_with_reset(struct net_layer *l);
/* Largest number of bytes one write() accepts (0: no limit). */
void net_mem_set_write_max(struct net_layer *l, size_t max);
/* Everything written so far. */
const char *net_mem_output(struct net_layer *l, size_t *len);
void net_mem_clear_output(struct net_layer *l);

#endif
