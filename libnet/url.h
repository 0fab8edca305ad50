/*
 * url.h - RFC 3986 URLs for the suite's schemes, and percent-decoding.
 *
 * Contract:
 *  - net_url_parse() accepts "scheme://[user[:password]@]host[:port][/path][?query][#fragment]"
 *    for the schemes in the table below (scheme matched case-insensitively and
 *    stored lower-case). host is a reg-name, a dotted IPv4 address, or a
 *    bracketed IPv6 address with an optional zone id ("[fe80::1%25eth0]").
 *  - Components are stored as the URL spelled them (still percent-encoded),
 *    except host, which is decoded and without brackets; an IPv6 zone is kept
 *    joined by a single '%' ("fe80::1%eth0", the form getaddrinfo takes) and
 *    also pointed to by `zone`. Absent components are NULL; an empty path is "".
 *  - Decoding is the caller's choice, per component, with net_pct_decode();
 *    NET_PCT_NO_CTL refuses a decoded CR, LF or NUL, for anything that will
 *    reach the wire.
 *  - A malformed URL fails with NET_E_URL and a text that says what is wrong
 *    and at which character offset; the text never contains the password.
 */
#ifndef NET_URL_H
#define NET_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "libnet/status.h"

/* Longest URL accepted: far above any real one (browsers stop near 64 KiB),
 * low enough that a hostile redirect cannot make us allocate much. */
#define NET_URL_MAX 65536
/* Longest host name: RFC 1035 limits a DNS name to 253 characters. */
#define NET_URL_HOST_MAX 253

enum net_host_kind {
    NET_HOST_NAME,
    NET_HOST_IPV4,
    NET_HOST_IPV6
};

struct net_scheme {
    const char *name;       /* "https" */
    unsigned short port;    /* default port: 443 */
    bool implicit_tls;      /* TLS from the first byte */
};

struct net_url {
    char *scheme;           /* lower-case, never NULL */
    char *user;             /* raw, NULL when absent */
    char *password;         /* raw, NULL when absent */
    char *host;             /* decoded, no brackets; never NULL, never empty */
    const char *zone;       /* points into host after '%', or NULL */
    enum net_host_kind host_kind;
    unsigned short port;    /* the given port, or the scheme's default */
    bool port_given;        /* the URL named a port */
    bool implicit_tls;      /* from the scheme table */
    char *path;             /* raw, begins with '/' or is "" */
    char *query;            /* raw, without '?', NULL when absent */
    char *fragment;         /* raw, without '#', NULL when absent */
};

/* The scheme table entry for name (case-insensitive), or NULL. */
const struct net_scheme *net_scheme_find(const char *name);
/* The whole table, terminated by an entry with name == NULL. */
const struct net_scheme *net_scheme_table(void);

/*
 * Parse text into *out (allocated; free with net_url_free). When text has no
 * "scheme://" and default_scheme is not NULL, text is read as if prefixed by
 * "default_scheme://" (as curl does with "example.com/x").
 */
enum net_status net_url_parse(const char *text, const char *default_scheme,
                              struct net_url **out, struct net_err *err);
void net_url_free(struct net_url *url);

enum net_pct_flags {
    NET_PCT_NO_CTL = 1 << 0,    /* refuse decoded CR, LF or NUL */
    NET_PCT_PLUS_SPACE = 1 << 1 /* '+' means space (form encoding) */
};

/*
 * Decode len bytes of in into a new NUL-terminated string *out of *out_len
 * bytes (the length excludes the terminator; without NET_PCT_NO_CTL the
 * result may contain NUL bytes). A '%' not followed by two hex digits is an
 * error (NET_E_URL, with the offset). A refused control byte is
 * NET_E_UNSAFE_INPUT; what names the component in the error text ("path").
 */
enum net_status net_pct_decode(const char *in, size_t len, unsigned flags,
                               const char *what, char **out, size_t *out_len,
                               struct net_err *err);

/*
 * Resolve a reference (a redirect's Location) against base (RFC 3986 5.2,
 * with dot-segment removal) into a new absolute URL string *out (free()).
 * ref may be absolute ("https://b/x"), network-path ("//b/x"), absolute-path
 * ("/x"), relative ("x", "../x"), query-only ("?q") or empty; the base's
 * fragment is dropped, the reference's kept (the caller strips it before
 * sending). A ref over NET_URL_MAX, or with a control byte or space, is
 * NET_E_URL.
 */
enum net_status net_url_resolve(const struct net_url *base, const char *ref,
                                char **out, struct net_err *err);
/* Format url back into text (*out, free()), without user and password:
 * "scheme://host[:port]/path[?query]" (IPv6 hosts bracketed, the port only
 * when given). For effective URLs and messages. */
enum net_status net_url_format(const struct net_url *url, char **out,
                               struct net_err *err);

/*
 * The URL's user name and password, percent-decoded into new strings
 * (free()), each NULL when the URL has none. CR, LF and NUL are refused
 * (NET_E_UNSAFE_INPUT): credentials go into headers and commands. what
 * prefixes the component in error texts ("proxy " gives "proxy password");
 * NULL for none. On failure both are NULL.
 */
enum net_status net_url_credentials(const struct net_url *url, const char *what,
                                    char **user, char **password, struct net_err *err);

/* Does s (len bytes) hold a CR, LF or NUL? For values bound for the wire. */
bool net_has_ctl(const char *s, size_t len);

#endif
