/* head.c - HTTP/1.x response heads (head.h): the status line and header
 * fields, incrementally and without copies; field lookups. Pure: no
 * allocation, no I/O. */
#include "protocols/http/head.h"

#include <string.h>

#include "protocols/http/lex_impl.h"

/* "HTTP/1.x " : the fixed start of a status line, version and one SP. */
#define HTTP_VERSION_LEN 9
/* "HTTP/1.x SSS": the shortest status line (no reason, no second SP). */
#define HTTP_STATUS_LINE_MIN 12

/* RFC 9110 5.6.2 tchar, for bytes below 0x80 (no byte above is a tchar). */
static const unsigned char tchar_table[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x10 */
    0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0,  /* 0x20 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,  /* 0x30 */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x40 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1,  /* 0x50 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x60 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,  /* 0x70 */
};

static bool is_tchar(unsigned char c) { return c < 0x80 && tchar_table[c]; }

/* Describe control byte c found in where ("the status line"). */
static enum net_status ctl_error(struct net_err *err, unsigned char c, const char *where)
{
    if (c == '\0')
        return net_err_set(err, NET_E_PROTOCOL, "NUL byte in %s", where);
    if (c == '\r')
        return net_err_set(err, NET_E_PROTOCOL, "bare CR in %s", where);
    return net_err_set(err, NET_E_PROTOCOL, "control byte 0x%02x in %s", c, where);
}

/* ---- the status line ---- */

/* Does p[0..n) (n may be short of a whole line) start like "HTTP/1.d "?
 * Checked on every call while the status line is incomplete, so a reply
 * that is not HTTP/1.x fails at once instead of at the line cap. */
static bool version_prefix_ok(const char *p, size_t n)
{
    static const char want[] = "HTTP/1.";
    for (size_t i = 0; i < n && i < HTTP_VERSION_LEN; i++) {
        unsigned char c = (unsigned char)p[i];
        if (i < sizeof want - 1 ? c != (unsigned char)want[i]
                                : i == 7 ? !http_is_digit(c) : c != ' ')
            return false;
    }
    return true;
}

static enum net_status version_error(struct net_err *err, const char *p, size_t n)
{
    const char *lf = memchr(p, '\n', n);
    if (lf != NULL)
        n = (size_t)(lf - p);
    if (n > 0 && p[n - 1] == '\r')
        n--;
    net_err_set(err, NET_E_PROTOCOL, "response status line is not HTTP/1.x: ");
    http_quote_cut(err, p, n);
    return NET_E_PROTOCOL;
}

/* Check a whole status line p[0..n) (without its line end). */
static enum net_status check_status(const char *p, size_t n, struct net_err *err)
{
    if (n < HTTP_VERSION_LEN || !version_prefix_ok(p, n))
        return version_error(err, p, n);
    if (n < HTTP_STATUS_LINE_MIN || p[9] < '1' || p[9] > '9' ||
        !http_is_digit((unsigned char)p[10]) || !http_is_digit((unsigned char)p[11]) ||
        (n > HTTP_STATUS_LINE_MIN && p[HTTP_STATUS_LINE_MIN] != ' ')) {
        net_err_set(err, NET_E_PROTOCOL, "malformed status code in status line ");
        http_quote_cut(err, p, n);
        return NET_E_PROTOCOL;
    }
    for (size_t i = HTTP_STATUS_LINE_MIN; i < n; i++) {
        if (http_is_ctl((unsigned char)p[i])) {
            ctl_error(err, (unsigned char)p[i], "the status line ");
            http_quote_cut(err, p, n);
            return NET_E_PROTOCOL;
        }
    }
    return NET_OK;
}

/* Fill head from a status line that check_status() accepted. */
static void fill_status(const char *p, size_t n, struct net_http_head *head)
{
    int minor = p[7] - '0';
    head->version_minor = minor > 1 ? 1 : minor;  /* RFC 9110 2.5: 1.x, x>1, is 1.1 */
    head->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    if (n > HTTP_STATUS_LINE_MIN) {
        head->reason.p = p + HTTP_STATUS_LINE_MIN + 1;
        head->reason.len = n - HTTP_STATUS_LINE_MIN - 1;
    } else {
        head->reason.p = p + n;
        head->reason.len = 0;
    }
}

/* ---- header fields ---- */

/* Fill f from a field line that check_field() accepted. */
static void fill_field(const char *p, size_t n, struct net_http_field *f)
{
    const char *colon = memchr(p, ':', n);
    size_t name_len = (size_t)(colon - p);
    size_t v = name_len + 1, e = n;
    while (v < e && http_is_ws((unsigned char)p[v]))
        v++;
    while (e > v && http_is_ws((unsigned char)p[e - 1]))
        e--;
    f->name.p = p;
    f->name.len = name_len;
    f->value.p = p + v;
    f->value.len = e - v;
}

/* Check field line number lineno (the status line is 1), p[0..n), n > 0. */
static enum net_status check_field(const char *p, size_t n, size_t lineno,
                                   struct net_err *err)
{
    if (http_is_ws((unsigned char)p[0]))
        return net_err_set(err, NET_E_PROTOCOL,
                           "header line %zu starts with whitespace (obs-fold is not accepted)",
                           lineno);
    size_t i = 0;
    while (i < n && is_tchar((unsigned char)p[i]))
        i++;
    if (i == n || p[i] != ':') {
        unsigned char c = i < n ? (unsigned char)p[i] : 0;
        if (i < n && http_is_ctl(c))
            ctl_error(err, c, "a header field name: ");
        else if (memchr(p + i, ':', n - i) == NULL)
            net_err_set(err, NET_E_PROTOCOL, "header line %zu has no colon: ", lineno);
        else if (http_is_ws(c))
            net_err_set(err, NET_E_PROTOCOL,
                        "header line %zu has whitespace before the colon: ", lineno);
        else
            net_err_set(err, NET_E_PROTOCOL,
                        "header line %zu has byte 0x%02x in the field name: ", lineno, c);
        http_quote_cut(err, p, n);
        return NET_E_PROTOCOL;
    }
    if (i == 0)
        return net_err_set(err, NET_E_PROTOCOL, "header line %zu has an empty field name",
                           lineno);
    for (size_t j = i + 1; j < n; j++) {
        if (http_is_ctl((unsigned char)p[j])) {
            ctl_error(err, (unsigned char)p[j], "the value of header field ");
            http_quote_cut(err, p, i);
            return NET_E_PROTOCOL;
        }
    }
    return NET_OK;
}

/* ---- the incremental scan state ---- */

/*
 * *scan packs three numbers: start, the offset of the first unchecked line;
 * searched, how far past start the search for its LF has got; lines, how
 * many lines (the status line included) were checked. Radixes follow from
 * the caps: start <= NET_HTTP_HEAD_MAX, searched <= NET_HTTP_LINE_MAX + 1,
 * lines <= NET_HTTP_FIELDS_MAX + 1. Where size_t is too narrow for all
 * three, searched is dropped (the partial line is searched again).
 */
#define SCAN_START_RADIX ((uint64_t)NET_HTTP_HEAD_MAX + 1)
#define SCAN_LINES_RADIX ((uint64_t)NET_HTTP_FIELDS_MAX + 2)
#define SCAN_SEARCHED_MAX ((size_t)NET_HTTP_LINE_MAX + 1)

struct head_scan {
    size_t start, searched, lines;
};

static size_t scan_pack(const struct head_scan *s)
{
    uint64_t base = (uint64_t)s->lines * SCAN_START_RADIX + s->start;
    uint64_t v = (uint64_t)s->searched * SCAN_LINES_RADIX * SCAN_START_RADIX + base;
    return v <= SIZE_MAX ? (size_t)v : (size_t)base;
}

/* Unpack v for a buffer of len bytes; anything inconsistent starts over. */
static void scan_unpack(size_t v, size_t len, struct head_scan *s)
{
    uint64_t x = v;
    s->start = (size_t)(x % SCAN_START_RADIX);
    x /= SCAN_START_RADIX;
    s->lines = (size_t)(x % SCAN_LINES_RADIX);
    x /= SCAN_LINES_RADIX;
    s->searched = x <= SCAN_SEARCHED_MAX ? (size_t)x : SIZE_MAX;
    if (s->searched > SCAN_SEARCHED_MAX || s->start > len ||
        s->searched > len - s->start || (s->lines == 0 && s->start != 0)) {
        s->start = s->searched = s->lines = 0;
    }
}

/* Fill head from the first nlines lines of buf, all checked earlier. */
static void refill(const char *buf, size_t len, size_t nlines, struct net_http_head *head)
{
    size_t pos = 0;
    for (size_t k = 0; k < nlines; k++) {
        const char *lf = memchr(buf + pos, '\n', len - pos);
        size_t end = (size_t)(lf - buf), cend = end;
        if (cend > pos && buf[cend - 1] == '\r')
            cend--;
        if (k == 0)
            fill_status(buf + pos, cend - pos, head);
        else
            fill_field(buf + pos, cend - pos, &head->fields[k - 1]);
        pos = end + 1;
    }
}

/* Check the complete line buf[start..cend) as line number s->lines + 1 and
 * record it in head. */
static enum net_status take_line(const char *buf, size_t cend, const struct head_scan *s,
                                 struct net_http_head *head, struct net_err *err)
{
    const char *p = buf + s->start;
    size_t n = cend - s->start;
    enum net_status st;
    if (s->lines == 0) {
        if ((st = check_status(p, n, err)) != NET_OK)
            return st;
        fill_status(p, n, head);
        return NET_OK;
    }
    if (s->lines > NET_HTTP_FIELDS_MAX)
        return net_err_set(err, NET_E_PROTOCOL, "more than %d header fields",
                           NET_HTTP_FIELDS_MAX);
    if ((st = check_field(p, n, s->lines + 1, err)) != NET_OK)
        return st;
    fill_field(p, n, &head->fields[s->lines - 1]);
    return NET_OK;
}

static enum net_status line_too_long(struct net_err *err, const struct head_scan *s)
{
    return net_err_set(err, NET_E_LINE_TOO_LONG, "%s line over %d bytes",
                       s->lines == 0 ? "status" : "header", NET_HTTP_LINE_MAX);
}

static enum net_status head_too_long(struct net_err *err)
{
    return net_err_set(err, NET_E_PROTOCOL, "response head over %u bytes",
                       (unsigned)NET_HTTP_HEAD_MAX);
}

/* No LF yet in buf[s->start..limit): fail if a cap is already passed. */
static enum net_status check_partial(const char *buf, size_t len, size_t limit,
                                     const struct head_scan *s, struct net_err *err)
{
    size_t part = limit - s->start;
    if (part > (size_t)NET_HTTP_LINE_MAX + 1 ||
        (part == (size_t)NET_HTTP_LINE_MAX + 1 && buf[limit - 1] != '\r'))
        return line_too_long(err, s);
    if (len > NET_HTTP_HEAD_MAX)
        return head_too_long(err);
    return NET_OK;
}

ssize_t net_http_parse_head(const char *buf, size_t len, size_t *scan,
                            struct net_http_head *head, struct net_err *err)
{
    struct head_scan s;
    scan_unpack(*scan, len, &s);
    size_t lines_before = s.lines;  /* lines checked (and filled) in earlier calls */
    if (s.lines == 0 && !version_prefix_ok(buf, len)) {
        version_error(err, buf, len);
        return NET_HTTP_ERROR;
    }
    for (;;) {
        /* A line longer than the cap needs no more search than this. */
        size_t limit = len - s.start > (size_t)NET_HTTP_LINE_MAX + 2
                           ? s.start + NET_HTTP_LINE_MAX + 2 : len;
        size_t from = s.start + s.searched;
        const char *lf = memchr(buf + from, '\n', limit - from);
        if (lf == NULL) {
            if (check_partial(buf, len, limit, &s, err) != NET_OK)
                return NET_HTTP_ERROR;
            s.searched = limit - s.start;
            *scan = scan_pack(&s);
            return NET_HTTP_NEED_MORE;
        }
        size_t end = (size_t)(lf - buf), cend = end;
        if (cend > s.start && buf[cend - 1] == '\r')
            cend--;
        if (cend - s.start > NET_HTTP_LINE_MAX) {
            line_too_long(err, &s);
            return NET_HTTP_ERROR;
        }
        if (end + 1 > NET_HTTP_HEAD_MAX) {
            head_too_long(err);
            return NET_HTTP_ERROR;
        }
        if (cend == s.start && s.lines > 0) {   /* the blank line: complete */
            refill(buf, len, lines_before, head);
            head->nfields = s.lines - 1;
            *scan = 0;
            return (ssize_t)(end + 1);
        }
        if (take_line(buf, cend, &s, head, err) != NET_OK)
            return NET_HTTP_ERROR;
        s.lines++;
        s.start = end + 1;
        s.searched = 0;
    }
}

/* ---- lookups ---- */

const struct net_http_field *net_http_head_find(const struct net_http_head *h,
                                                const char *name)
{
    for (size_t i = 0; i < h->nfields; i++)
        if (http_eq_nocase(h->fields[i].name.p, h->fields[i].name.len, name))
            return &h->fields[i];
    return NULL;
}

bool net_http_head_has_token(const struct net_http_head *h, const char *name,
                             const char *token)
{
    for (size_t i = 0; i < h->nfields; i++) {
        const struct net_http_field *f = &h->fields[i];
        if (!http_eq_nocase(f->name.p, f->name.len, name))
            continue;
        struct net_http_str item;
        size_t pos = 0;
        while (http_next_item(&f->value, &pos, &item))
            if (http_eq_nocase(item.p, item.len, token))
                return true;
    }
    return false;
}
