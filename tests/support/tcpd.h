/*
 * tcpd.h - a scripted loopback TCP peer for tests, run in a thread.
 *
 * It listens on 127.0.0.1 or ::1 (port chosen by the kernel), accepts one
 * connection and plays its steps in order: send bytes, sleep, read and
 * discard, close, or reset (SO_LINGER 0). tcpd_stop() waits for the script
 * to finish (or the connection to be gone) and frees everything.
 */
#ifndef TESTS_TCPD_H
#define TESTS_TCPD_H

#include <stddef.h>
#include <stdint.h>

enum tcpd_op {
    TCPD_SEND,          /* send data (len bytes; len 0: strlen) */
    TCPD_SEND_N,        /* send n copies of data[0] (bulk) */
    TCPD_TRICKLE,       /* send data one byte every ms milliseconds */
    TCPD_SLEEP,         /* sleep ms */
    TCPD_READ,          /* read until n bytes arrived (or EOF) */
    TCPD_DRAIN,         /* read and discard until the peer closes */
    TCPD_RESET,         /* close with RST */
    TCPD_END
};

struct tcpd_step {
    enum tcpd_op op;
    const char *data;
    size_t len;
    uint64_t n;
    int ms;
};

struct tcpd;

/* Start a peer on family AF_INET or AF_INET6 playing steps (copied up to
 * TCPD_END). Returns NULL on failure. */
struct tcpd *tcpd_start(int family, const struct tcpd_step *steps);
unsigned short tcpd_port(const struct tcpd *t);
/* Wait for the script to end, free, and return the bytes the peer received. */
uint64_t tcpd_stop(struct tcpd *t);

/* A loopback port on which nothing listens (bound, then closed). */
unsigned short tcpd_free_port(int family);

/* A listening socket that accepts nothing: its backlog (0) is filled by
 * one connection made here, so further connects hang (no SYN-ACK).
 * Returns the listening fd and sets *port; tcpd_blackhole_close frees. */
int tcpd_blackhole(int family, unsigned short *port, int *filler);

#endif
