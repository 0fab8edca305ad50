/*
 * head.h - HTTP/1.x response heads: the status line and the header fields,
 * parsed incrementally; field lookups; the caps on heads. Pure functions
 * over bytes the caller owns; no I/O, no allocation, no copies.
 *
 * Contract:
 *  - net_http_parse_head() reads a response head from buf[0..len). Results
 *    are pointer+length pairs into buf, valid while buf is. It returns the
 *    number of bytes the head took (through the blank line) when complete,
 *    NET_HTTP_NEED_MORE when buf holds only a valid prefix, or
 *    NET_HTTP_ERROR with err set (NET_E_PROTOCOL: malformed; status line,
 *    field or count over a cap: NET_E_LINE_TOO_LONG / NET_E_PROTOCOL, the text
 *    naming the cap). Lines may end in CR LF or a bare LF. A NUL, a bare CR,
 *    or any other control byte but TAB in a line is an error; obs-fold
 *    (a line starting with SP/HT) is an error (RFC 9112 5.2 allows rejecting).
 *  - The parser is incremental: pass the whole unconsumed prefix again with
 *    more bytes appended, and *scan (0 at first) so it does not rescan what
 *    it already checked. *scan is opaque: pass back what the last call left
 *    there (a value inconsistent with buf only costs a rescan). When the
 *    head is complete *scan is set back to 0, ready for the next head (an
 *    interim 1xx is followed by another). Caps apply while incomplete too,
 *    so an endless head fails as soon as it passes NET_HTTP_HEAD_MAX. *head
 *    is only fully filled once the head is complete (it may be a different
 *    struct in each call). Status line "HTTP/1.x SSS[ reason]": x one
 *    digit (1.2..1.9 count as 1.1), SSS three digits 100..999.
 */
#ifndef NET_HTTP_HEAD_H
#define NET_HTTP_HEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libnet/status.h"

/* Longest status or header line: nginx and Apache stop at 8 KiB too. */
#define NET_HTTP_LINE_MAX 8192
/* Most header fields in one head: 100 is Apache's LimitRequestFields default. */
#define NET_HTTP_FIELDS_MAX 100
/* Largest head in bytes: must fit the connection's 64 KiB input buffer. */
#define NET_HTTP_HEAD_MAX (64u * 1024 - 1024)
/* Most interim (1xx) responses before the final one: a server sending more
 * is stalling us (endless "100 Continue"). */
#define NET_HTTP_INTERIM_MAX 16
/* Largest Content-Length or chunk size: 2^63 - 1, so sums stay in range. */
#define NET_HTTP_LENGTH_MAX INT64_MAX

#define NET_HTTP_NEED_MORE ((ssize_t)-2)
#define NET_HTTP_ERROR ((ssize_t)-1)

struct net_http_str {
    const char *p;
    size_t len;
};

struct net_http_field {
    struct net_http_str name;   /* as sent, without the colon */
    struct net_http_str value;  /* without leading and trailing SP/HT */
};

struct net_http_head {
    int version_minor;          /* HTTP/1.<minor>; 0 or 1 */
    int status;                 /* 100..999 */
    struct net_http_str reason; /* may be empty */
    size_t nfields;
    struct net_http_field fields[NET_HTTP_FIELDS_MAX];
};

ssize_t net_http_parse_head(const char *buf, size_t len, size_t *scan,
                            struct net_http_head *head, struct net_err *err);

/* The first field named name (ASCII case-insensitive), or NULL. */
const struct net_http_field *net_http_head_find(const struct net_http_head *h,
                                                const char *name);
/* Does the comma-separated list value of any field named name hold token
 * (case-insensitive)? ("Connection: keep-alive, Upgrade" holds "upgrade".) */
bool net_http_head_has_token(const struct net_http_head *h, const char *name,
                             const char *token);

#endif
