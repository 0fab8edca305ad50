/*
 * proxy.h - which proxy, if any, carries a request: explicit options first,
 * then the environment, with no_proxy exceptions (as curl reads them).
 *
 * Contract:
 *  - An explicit proxy (non-NULL) wins; "" means "no proxy" and also
 *    disables the environment. Otherwise, with use_env, the variables are,
 *    for an http URL: http_proxy (lower case only: HTTP_PROXY can be set by a
 *    CGI request header, "httpoxy"); for https: https_proxy, then
 *    HTTPS_PROXY; then all_proxy / ALL_PROXY for either.
 *  - no_proxy (the explicit one, else no_proxy / NO_PROXY with use_env) is a
 *    comma- or space-separated list: "*" matches every host; a name matches
 *    itself and its subdomains ("example.com" and ".example.com" both match
 *    "www.example.com" and "example.com"), case-insensitively; an IP literal
 *    matches that address; an entry "addr/bits" is a CIDR block (IPv4 or
 *    IPv6); a ":port" suffix on an entry is ignored, as curl does.
 *  - The chosen proxy URL is parsed: http:// only (a proxy URL without a
 *    scheme is read as http://); any other scheme is NET_E_USAGE, naming it.
 *    Its user and password, when present, become Proxy-Authorization Basic
 *    credentials (percent-decoded, CR/LF/NUL refused).
 *  - *out is NULL when no proxy applies.
 */
#ifndef NET_HTTP_PROXY_H
#define NET_HTTP_PROXY_H

#include <stdbool.h>

#include "libnet/status.h"
#include "libnet/url.h"

struct net_http_proxy {
    char *host;
    unsigned short port;
    char *user;                 /* decoded, or NULL */
    char *password;             /* decoded, or NULL */
    char *display;              /* "http://host:port", never the password */
};

enum net_status net_http_proxy_select(const struct net_url *target,
                                      const char *proxy, const char *no_proxy,
                                      bool use_env,
                                      struct net_http_proxy **out,
                                      struct net_err *err);
/* Does no_proxy list exempt host? (Exposed for tests.) */
bool net_http_no_proxy_match(const char *no_proxy, const char *host);
void net_http_proxy_free(struct net_http_proxy *p);

#endif
