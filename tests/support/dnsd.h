/*
 * dnsd.h - a tiny DNS responder on loopback for tests (UDP and TCP on one
 * port of 127.0.0.1), served by one pthread.
 *
 * Contract:
 *  - Build the record table with dnsd_add()/dnsd_set_mode() before
 *    dnsd_start(); the table is read-only while the thread runs.
 *  - A known name answers its A/AAAA records (NOERROR with no answer when it
 *    has none of the asked type); an unknown name gets NXDOMAIN with the
 *    question echoed; a query that cannot be parsed gets FORMERR when its
 *    header is readable, and nothing otherwise.
 *  - Per-name modes change the reply: see enum dnsd_mode.
 *  - Every query that reaches the responder is counted by transport and
 *    type, whatever the mode (dnsd_count()).
 *  - dnsd_stop() stops the thread, joins it, closes every socket and frees
 *    everything; it is safe on a responder that never started.
 */
#ifndef DNSD_H
#define DNSD_H

/* Names one responder knows: tests use a handful. */
#define DNSD_NAMES_MAX 16
/* Addresses per name: enough for a multi-address answer. */
#define DNSD_ADDRS_MAX 8

enum dnsd_mode {
    DNSD_NORMAL = 0,
    DNSD_TRUNCATE,  /* UDP: TC bit, no answers; TCP: the full answer */
    DNSD_SILENT,    /* never reply */
    DNSD_GARBAGE,   /* right ID and question, answer name points past the end */
    DNSD_JUNK       /* 5 bytes starting with the right ID: not a DNS message */
};

enum dnsd_transport {
    DNSD_ANY = 0,
    DNSD_UDP,
    DNSD_TCP
};

/* Query types the counters tell apart (others count as type 0 only). */
#define DNSD_TYPE_A 1
#define DNSD_TYPE_AAAA 28

struct dnsd;

struct dnsd *dnsd_new(void);
/* Add an address ("192.0.2.1" or "2001:db8::1") to name; addr NULL only
 * makes the name known. 0 on success, -1 on a bad address or a full table. */
int dnsd_add(struct dnsd *d, const char *name, const char *addr);
/* Set the mode of name (made known if it was not). 0 or -1. */
int dnsd_set_mode(struct dnsd *d, const char *name, enum dnsd_mode mode);
/* Bind UDP and TCP on one free port of 127.0.0.1 and start serving. 0 or -1. */
int dnsd_start(struct dnsd *d);
/* "127.0.0.1:PORT", for net_resolve_opts.dns_servers. */
const char *dnsd_server(const struct dnsd *d);
/* Queries seen on transport (DNSD_ANY: both) of qtype (0: any type). */
unsigned dnsd_count(struct dnsd *d, enum dnsd_transport t, int qtype);
void dnsd_stop(struct dnsd *d);

#endif
