/* lex.c - the lexical helpers shared by the HTTP/1.x parsers (lex_impl.h):
 * case-insensitive comparison, comma-separated list items, quoting a peer's
 * bytes into an error text. */
#include "protocols/http/lex_impl.h"

#include <string.h>

bool http_eq_nocase(const char *p, size_t n, const char *s)
{
    size_t i = 0;
    for (; i < n && s[i] != '\0'; i++)
        if (http_lower((unsigned char)p[i]) != http_lower((unsigned char)s[i]))
            return false;
    return i == n && s[i] == '\0';
}

bool http_next_item(const struct net_http_str *v, size_t *pos, struct net_http_str *item)
{
    if (*pos > v->len)
        return false;
    const char *p = v->p + *pos;
    size_t n = v->len - *pos;
    const char *comma = memchr(p, ',', n);
    size_t e = comma != NULL ? (size_t)(comma - p) : n, b = 0;
    *pos += e + 1;
    while (b < e && http_is_ws((unsigned char)p[b]))
        b++;
    while (e > b && http_is_ws((unsigned char)p[e - 1]))
        e--;
    item->p = p + b;
    item->len = e - b;
    return true;
}

void http_quote_cut(struct net_err *err, const char *p, size_t n)
{
    net_err_append_quoted(err, p, n < HTTP_QUOTE_MAX ? n : HTTP_QUOTE_MAX);
    if (n > HTTP_QUOTE_MAX)
        net_err_append(err, "...");
}
