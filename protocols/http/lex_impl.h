/*
 * lex_impl.h - module-private: the small lexical pieces of HTTP/1.x text
 * shared by the head parser (head.c), the framing rules (framing.c) and
 * the chunked decoder (chunked.c). Not installed; not an API.
 *
 * Contract: byte classes follow RFC 9110 (5.6.3 whitespace, 5.5 field
 * values); the text helpers work on pointer+length text the caller owns
 * and never allocate.
 */
#ifndef NET_HTTP_LEX_IMPL_H
#define NET_HTTP_LEX_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "libnet/status.h"
#include "protocols/http/head.h"

/* Bytes of a peer's line quoted in an error text: enough to recognise it,
 * short enough that the text stays readable. */
#define HTTP_QUOTE_MAX 80

/* The byte classes are inline: the parsers call them for every byte. */
static inline bool http_is_ws(unsigned char c) { return c == ' ' || c == '\t'; }
static inline bool http_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* A control byte other than HT (RFC 9110 field-vchar, SP and HT are fine;
 * obs-text 0x80..0xff too). */
static inline bool http_is_ctl(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* ASCII lower case; other bytes unchanged. */
static inline unsigned char http_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* ASCII case-insensitive equality of p[0..n) and the C string s. */
bool http_eq_nocase(const char *p, size_t n, const char *s);
/* The next item of the comma-separated list v[0..n) from *pos, without OWS;
 * empty items are returned too. False once the list is exhausted; start
 * with *pos = 0. */
bool http_next_item(const struct net_http_str *v, size_t *pos, struct net_http_str *item);
/* Quote at most HTTP_QUOTE_MAX bytes of the peer's p[0..n) into err. */
void http_quote_cut(struct net_err *err, const char *p, size_t n);

#endif
