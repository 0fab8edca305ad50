/*
 * status.h - the one status enum of the suite, its messages, its failure
 * classes, and the "last error" record every fallible call fills in.
 *
 * Contract:
 *  - Every fallible function of libnet (and of the protocol modules above it)
 *    returns an enum net_status; NET_OK is 0 and every failure is non-zero.
 *  - On failure it also fills a struct net_err with the status and a text
 *    saying what failed, where, and the peer's words when there were any.
 *  - net_status_class() maps a status to one of a few failure classes; the
 *    command-line tools map classes to documented exit codes.
 *  - Protocol modules add their statuses here, in this one enum, so that a
 *    single table gives every message and every class.
 */
#ifndef NET_STATUS_H
#define NET_STATUS_H

#include <stdarg.h>
#include <stddef.h>

enum net_status {
    NET_OK = 0,
    /* usage: the caller asked for something impossible */
    NET_E_USAGE,            /* bad argument or option */
    NET_E_URL,              /* malformed URL */
    NET_E_UNSAFE_INPUT,     /* CR, LF or NUL in a value bound for the wire */
    /* local resources */
    NET_E_NOMEM,            /* allocation failed */
    NET_E_LOCAL_IO,         /* a local file, pipe or sink failed */
    /* name resolution */
    NET_E_RESOLVE,          /* lookup failed (server failure, bad reply) */
    NET_E_NO_SUCH_HOST,     /* NXDOMAIN or no address of the wanted family */
    NET_E_RESOLVE_TIMEOUT,  /* the lookup deadline passed */
    /* connecting */
    NET_E_CONNECT,          /* every address failed; the text lists each */
    NET_E_CONNECT_TIMEOUT,  /* the connect deadline passed */
    /* TLS */
    NET_E_TLS,              /* handshake or record-layer failure */
    NET_E_TLS_VERIFY,       /* the certificate chain or host name did not verify */
    NET_E_STARTTLS_INJECTED,/* bytes were buffered when STARTTLS began */
    /* transfer */
    NET_E_IDLE_TIMEOUT,     /* no progress within the per-operation deadline */
    NET_E_TOTAL_TIMEOUT,    /* the whole-transfer deadline passed */
    NET_E_TOO_SLOW,         /* below the low-speed limit for too long */
    NET_E_CLOSED,           /* the peer closed before the expected end */
    NET_E_RESET,            /* the peer reset the connection */
    NET_E_IO,               /* another socket error */
    NET_E_LINE_TOO_LONG,    /* a line exceeded its maximum length */
    /* protocol level (used by protocols/) */
    NET_E_PROTOCOL,         /* the peer broke the protocol */
    NET_E_REFUSED,          /* the server said no */
    /* HTTP (protocols/http) */
    NET_E_HTTP_STATUS,      /* the server answered 400 or above (with --fail) */
    NET_E_REDIRECTS,        /* more redirects than allowed, or a loop */
    NET_E_REDIRECT_REFUSED, /* a redirect to a scheme we do not follow */
    NET_E_RANGE_IGNORED,    /* the server did not honour a resume range */
    NET_E_DECODE,           /* a content encoding failed to decode */
    NET_E_TOO_LARGE,        /* a body or decoded output over its cap */
    NET_E_AUTH,             /* credentials refused, or unsafe to use */
    NET_STATUS_COUNT
};

/* Failure classes: what kind of thing went wrong, for exit codes. */
enum net_class {
    NET_CLASS_OK = 0,
    NET_CLASS_USAGE,
    NET_CLASS_LOCAL_IO,
    NET_CLASS_RESOLVE,
    NET_CLASS_CONNECT,
    NET_CLASS_TLS,
    NET_CLASS_TIMEOUT,
    NET_CLASS_PROTOCOL,
    NET_CLASS_REFUSED,
    NET_CLASS_COUNT
};

/* Cap on an error text: room for "connect to each of N addresses failed"
 * with a reason per address and a quoted server reply; longer texts are cut
 * and end in "...". */
#define NET_ERR_TEXT_MAX 1024

struct net_err {
    enum net_status status;
    char text[NET_ERR_TEXT_MAX];
};

/* Short fixed message for a status ("connection reset by peer"). Never NULL. */
const char *net_status_str(enum net_status st);
/* Symbolic name ("NET_E_RESET") for traces and tests. Never NULL. */
const char *net_status_name(enum net_status st);
enum net_class net_status_class(enum net_status st);
/* Lower-case name of a class ("timeout"). Never NULL. */
const char *net_class_name(enum net_class cls);

/* Clear an error record to NET_OK with an empty text. */
void net_err_clear(struct net_err *err);
/*
 * Set err (which may be NULL) to st with a printf-style text, and return st,
 * so callers can write `return net_err_set(err, NET_E_IO, "read: %s", ...)`.
 * An empty or NULL fmt uses net_status_str(st).
 */
enum net_status net_err_set(struct net_err *err, enum net_status st,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
enum net_status net_err_vset(struct net_err *err, enum net_status st,
                             const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Append printf-style text to err->text (cut at the cap), keeping status. */
void net_err_append(struct net_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Append a peer's words to err->text, quoted, with control bytes shown as
 * \xNN so a hostile reply cannot forge terminal output.
 */
void net_err_append_quoted(struct net_err *err, const char *data, size_t len);

#endif
