/* parse.c - HTTP/1.x response parsing (parse.h): the head, incrementally and
 * without copies; header lookups; body framing (RFC 9112 6.3); the chunked
 * transfer-coding decoder. Pure: no allocation, no I/O. */
#include "protocols/http/parse.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

/* Bytes of a peer's line quoted in an error text: enough to recognise it,
 * short enough that the text stays readable. */
#define HTTP_QUOTE_MAX 80
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
static bool is_ws(unsigned char c) { return c == ' ' || c == '\t'; }
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* A control byte other than HT (RFC 9110 field-vchar, SP and HT are fine;
 * obs-text 0x80..0xff too). */
static bool is_ctl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* ASCII case-insensitive equality of p[0..n) and the C string s. */
static bool eq_nocase(const char *p, size_t n, const char *s)
{
    size_t i = 0;
    for (; i < n && s[i] != '\0'; i++)
        if (lower((unsigned char)p[i]) != lower((unsigned char)s[i]))
            return false;
    return i == n && s[i] == '\0';
}

/* Quote at most HTTP_QUOTE_MAX bytes of the peer's p[0..n) into err. */
static void quote_cut(struct net_err *err, const char *p, size_t n)
{
    net_err_append_quoted(err, p, n < HTTP_QUOTE_MAX ? n : HTTP_QUOTE_MAX);
    if (n > HTTP_QUOTE_MAX)
        net_err_append(err, "...");
}

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
                                : i == 7 ? !is_digit(c) : c != ' ')
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
    quote_cut(err, p, n);
    return NET_E_PROTOCOL;
}

/* Check a whole status line p[0..n) (without its line end). */
static enum net_status check_status(const char *p, size_t n, struct net_err *err)
{
    if (n < HTTP_VERSION_LEN || !version_prefix_ok(p, n))
        return version_error(err, p, n);
    if (n < HTTP_STATUS_LINE_MIN || p[9] < '1' || p[9] > '9' ||
        !is_digit((unsigned char)p[10]) || !is_digit((unsigned char)p[11]) ||
        (n > HTTP_STATUS_LINE_MIN && p[HTTP_STATUS_LINE_MIN] != ' ')) {
        net_err_set(err, NET_E_PROTOCOL, "malformed status code in status line ");
        quote_cut(err, p, n);
        return NET_E_PROTOCOL;
    }
    for (size_t i = HTTP_STATUS_LINE_MIN; i < n; i++) {
        if (is_ctl((unsigned char)p[i])) {
            ctl_error(err, (unsigned char)p[i], "the status line ");
            quote_cut(err, p, n);
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
    while (v < e && is_ws((unsigned char)p[v]))
        v++;
    while (e > v && is_ws((unsigned char)p[e - 1]))
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
    if (is_ws((unsigned char)p[0]))
        return net_err_set(err, NET_E_PROTOCOL,
                           "header line %zu starts with whitespace (obs-fold is not accepted)",
                           lineno);
    size_t i = 0;
    while (i < n && is_tchar((unsigned char)p[i]))
        i++;
    if (i == n || p[i] != ':') {
        unsigned char c = i < n ? (unsigned char)p[i] : 0;
        if (i < n && is_ctl(c))
            ctl_error(err, c, "a header field name: ");
        else if (memchr(p + i, ':', n - i) == NULL)
            net_err_set(err, NET_E_PROTOCOL, "header line %zu has no colon: ", lineno);
        else if (is_ws(c))
            net_err_set(err, NET_E_PROTOCOL,
                        "header line %zu has whitespace before the colon: ", lineno);
        else
            net_err_set(err, NET_E_PROTOCOL,
                        "header line %zu has byte 0x%02x in the field name: ", lineno, c);
        quote_cut(err, p, n);
        return NET_E_PROTOCOL;
    }
    if (i == 0)
        return net_err_set(err, NET_E_PROTOCOL, "header line %zu has an empty field name",
                           lineno);
    for (size_t j = i + 1; j < n; j++) {
        if (is_ctl((unsigned char)p[j])) {
            ctl_error(err, (unsigned char)p[j], "the value of header field ");
            quote_cut(err, p, i);
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
        if (eq_nocase(h->fields[i].name.p, h->fields[i].name.len, name))
            return &h->fields[i];
    return NULL;
}

/* The next item of the comma-separated list v[0..n) from *pos, without OWS;
 * empty items are returned too. False once the list is exhausted; start
 * with *pos = 0. */
static bool next_item(const struct net_http_str *v, size_t *pos, struct net_http_str *item)
{
    if (*pos > v->len)
        return false;
    const char *p = v->p + *pos;
    size_t n = v->len - *pos;
    const char *comma = memchr(p, ',', n);
    size_t e = comma != NULL ? (size_t)(comma - p) : n, b = 0;
    *pos += e + 1;
    while (b < e && is_ws((unsigned char)p[b]))
        b++;
    while (e > b && is_ws((unsigned char)p[e - 1]))
        e--;
    item->p = p + b;
    item->len = e - b;
    return true;
}

bool net_http_head_has_token(const struct net_http_head *h, const char *name,
                             const char *token)
{
    for (size_t i = 0; i < h->nfields; i++) {
        const struct net_http_field *f = &h->fields[i];
        if (!eq_nocase(f->name.p, f->name.len, name))
            continue;
        struct net_http_str item;
        size_t pos = 0;
        while (next_item(&f->value, &pos, &item))
            if (eq_nocase(item.p, item.len, token))
                return true;
    }
    return false;
}

/* ---- framing ---- */

bool net_http_parse_length(const char *p, size_t len, uint64_t *out)
{
    if (len == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!is_digit(c))
            return false;
        unsigned d = (unsigned)(c - '0');
        if (v > ((uint64_t)NET_HTTP_LENGTH_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* RFC 9112 6.3 items 1 and 2: no body whatever the fields say. */
static bool has_no_body(const struct net_http_head *h, const char *method)
{
    bool connect_ok = method != NULL && strcmp(method, "CONNECT") == 0 &&
                      h->status >= 200 && h->status < 300;
    return (method != NULL && strcmp(method, "HEAD") == 0) || h->status < 200 ||
           h->status == 204 || h->status == 304 || connect_ok;
}

/* May the connection carry another request, by version and Connection? */
static bool connection_reusable(const struct net_http_head *h)
{
    if (net_http_head_has_token(h, "Connection", "close"))
        return false;
    return h->version_minor >= 1 || net_http_head_has_token(h, "Connection", "keep-alive");
}

/* Transfer-Encoding is present: chunked when it is the last coding. */
static enum net_status te_framing(const struct net_http_head *h, bool has_cl,
                                  struct net_http_framing *out, struct net_err *err)
{
    if (has_cl)
        return net_err_set(err, NET_E_PROTOCOL,
                           "response has both Content-Length and Transfer-Encoding");
    if (h->version_minor == 0)
        return net_err_set(err, NET_E_PROTOCOL,
                           "Transfer-Encoding in an HTTP/1.0 response");
    unsigned chunked = 0, codings = 0;
    bool last_chunked = false;
    for (size_t i = 0; i < h->nfields; i++) {
        const struct net_http_field *f = &h->fields[i];
        if (!eq_nocase(f->name.p, f->name.len, "Transfer-Encoding"))
            continue;
        struct net_http_str item;
        size_t pos = 0;
        while (next_item(&f->value, &pos, &item)) {
            if (item.len == 0)
                continue;                   /* RFC 9110 5.6.1: ignore empty items */
            codings++;
            last_chunked = eq_nocase(item.p, item.len, "chunked");
            chunked += last_chunked;
        }
    }
    if (codings == 0)
        return net_err_set(err, NET_E_PROTOCOL, "empty Transfer-Encoding");
    if (chunked > 1)
        return net_err_set(err, NET_E_PROTOCOL, "Transfer-Encoding applies chunked twice");
    if (chunked == 1 && !last_chunked)
        return net_err_set(err, NET_E_PROTOCOL,
                           "Transfer-Encoding has chunked before another coding");
    out->kind = last_chunked ? NET_HTTP_BODY_CHUNKED : NET_HTTP_BODY_CLOSE;
    return NET_OK;
}

/* Every Content-Length field and item must be the same valid number. */
static enum net_status cl_framing(const struct net_http_head *h,
                                  struct net_http_framing *out, struct net_err *err)
{
    bool have = false;
    struct net_http_str first = {NULL, 0};
    for (size_t i = 0; i < h->nfields; i++) {
        const struct net_http_field *f = &h->fields[i];
        if (!eq_nocase(f->name.p, f->name.len, "Content-Length"))
            continue;
        struct net_http_str item;
        size_t pos = 0;
        while (next_item(&f->value, &pos, &item)) {
            uint64_t v;
            if (!net_http_parse_length(item.p, item.len, &v)) {
                net_err_set(err, NET_E_PROTOCOL, "invalid Content-Length ");
                quote_cut(err, f->value.p, f->value.len);
                return NET_E_PROTOCOL;
            }
            if (have && v != out->length) {
                net_err_set(err, NET_E_PROTOCOL, "conflicting Content-Length values ");
                quote_cut(err, first.p, first.len);
                net_err_append(err, " and ");
                quote_cut(err, item.p, item.len);
                return NET_E_PROTOCOL;
            }
            if (!have)
                first = item;
            have = true;
            out->length = v;
        }
    }
    out->kind = NET_HTTP_BODY_LENGTH;
    return NET_OK;
}

enum net_status net_http_framing(const struct net_http_head *h, const char *method,
                                 struct net_http_framing *out, struct net_err *err)
{
    out->kind = NET_HTTP_BODY_CLOSE;
    out->length = 0;
    out->keep_alive = false;
    bool reusable = connection_reusable(h);
    if (has_no_body(h, method)) {
        /* After 101 or a 2xx to CONNECT the connection no longer carries HTTP. */
        bool tunnel = h->status == 101 ||
                      (h->status >= 200 && h->status < 300 && method != NULL &&
                       strcmp(method, "CONNECT") == 0);
        out->kind = NET_HTTP_BODY_NONE;
        out->keep_alive = reusable && !tunnel;
        return NET_OK;
    }
    const struct net_http_field *te = net_http_head_find(h, "Transfer-Encoding");
    const struct net_http_field *cl = net_http_head_find(h, "Content-Length");
    enum net_status st = NET_OK;
    if (te != NULL)
        st = te_framing(h, cl != NULL, out, err);
    else if (cl != NULL)
        st = cl_framing(h, out, err);
    if (st != NET_OK)
        return st;
    out->keep_alive = reusable && out->kind != NET_HTTP_BODY_CLOSE;
    return NET_OK;
}

/* ---- chunked transfer-coding ---- */

static const char *const chunk_state_names[NET_HTTP_CHUNK_STATE_COUNT] = {
    [NET_HTTP_CHUNK_SIZE] = "size",
    [NET_HTTP_CHUNK_SIZE_WS] = "size-ws",
    [NET_HTTP_CHUNK_EXT] = "ext",
    [NET_HTTP_CHUNK_SIZE_LF] = "size-lf",
    [NET_HTTP_CHUNK_DATA] = "data",
    [NET_HTTP_CHUNK_DATA_CR] = "data-cr",
    [NET_HTTP_CHUNK_DATA_LF] = "data-lf",
    [NET_HTTP_CHUNK_TRAILER] = "trailer",
    [NET_HTTP_CHUNK_TRAILER_LF] = "trailer-lf",
    [NET_HTTP_CHUNK_DONE] = "done",
};

const char *net_http_chunk_state_name(enum net_http_chunk_state st)
{
    if ((unsigned)st >= NET_HTTP_CHUNK_STATE_COUNT)
        return "unknown";
    return chunk_state_names[st];
}

void net_http_chunked_init(struct net_http_chunked *d)
{
    memset(d, 0, sizeof *d);
    d->state = NET_HTTP_CHUNK_SIZE;
    d->line_empty = true;
}

static enum net_status chunk_error(struct net_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum net_status chunk_error(struct net_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    net_err_vset(err, NET_E_PROTOCOL, fmt, ap);
    va_end(ap);
    return NET_E_PROTOCOL;
}

static int hex_value(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Begin the next chunk's size line. */
static void start_size(struct net_http_chunked *d)
{
    d->state = NET_HTTP_CHUNK_SIZE;
    d->remaining = 0;
    d->size_digits = 0;
    d->line_bytes = 0;
}

/* The size line ended: data follows, or the trailer section after "0". */
static void end_size_line(struct net_http_chunked *d)
{
    if (d->remaining > 0) {
        d->state = NET_HTTP_CHUNK_DATA;
    } else {
        d->state = NET_HTTP_CHUNK_TRAILER;
        d->line_empty = true;
    }
}

/* A size-line byte other than CR/LF counts against the line cap. */
static enum net_status count_size_byte(struct net_http_chunked *d, struct net_err *err)
{
    if (++d->line_bytes > NET_HTTP_CHUNK_LINE_MAX)
        return chunk_error(err, "chunked body: chunk size line over %d bytes",
                           NET_HTTP_CHUNK_LINE_MAX);
    return NET_OK;
}

/* One hex digit of the size. */
static enum net_status size_digit(struct net_http_chunked *d, unsigned v, struct net_err *err)
{
    if (d->size_digits > 0 || v != 0) {
        if (d->size_digits == 16)
            return chunk_error(err, "chunked body: chunk size over 16 hex digits");
        d->size_digits++;
    }
    if (d->remaining > ((uint64_t)NET_HTTP_LENGTH_MAX - v) / 16)
        return chunk_error(err, "chunked body: chunk size over %lld bytes",
                           (long long)NET_HTTP_LENGTH_MAX);
    d->remaining = d->remaining * 16 + v;
    return NET_OK;
}

/* End of size digits at byte c (not a hex digit). */
static enum net_status size_end(struct net_http_chunked *d, unsigned char c, struct net_err *err)
{
    bool line_end = c == '\r' || c == '\n';
    if (!line_end && !is_ws(c) && c != ';')
        return chunk_error(err, "chunked body: byte 0x%02x in the chunk size", c);
    if (d->line_bytes == 0)
        return chunk_error(err, "chunked body: empty chunk size");
    if (c == '\n')
        end_size_line(d);
    else
        d->state = c == '\r' ? NET_HTTP_CHUNK_SIZE_LF
                   : c == ';' ? NET_HTTP_CHUNK_EXT : NET_HTTP_CHUNK_SIZE_WS;
    return line_end ? NET_OK : count_size_byte(d, err);
}

/* After the size digits (SIZE_WS, EXT): BWS, ";ext", up to the line end. */
static enum net_status ext_byte(struct net_http_chunked *d, unsigned char c,
                                struct net_err *err)
{
    if (d->state == NET_HTTP_CHUNK_SIZE_WS && !is_ws(c) && c != ';' && c != '\r' &&
        c != '\n')
        return chunk_error(err, "chunked body: byte 0x%02x after the chunk size", c);
    if (c == '\r') {
        d->state = NET_HTTP_CHUNK_SIZE_LF;
        return NET_OK;
    }
    if (c == '\n') {
        end_size_line(d);
        return NET_OK;
    }
    if (is_ctl(c))
        return chunk_error(err, "chunked body: control byte 0x%02x in a chunk extension", c);
    if (c == ';')
        d->state = NET_HTTP_CHUNK_EXT;
    return count_size_byte(d, err);
}

/* The size line, all of it: digits, BWS, extensions, its line end. */
static enum net_status size_line_byte(struct net_http_chunked *d, unsigned char c,
                                      struct net_err *err)
{
    if (d->state == NET_HTTP_CHUNK_SIZE) {
        int v = hex_value(c);
        if (v < 0)
            return size_end(d, c, err);
        enum net_status st = size_digit(d, (unsigned)v, err);
        return st != NET_OK ? st : count_size_byte(d, err);
    }
    if (d->state != NET_HTTP_CHUNK_SIZE_LF)
        return ext_byte(d, c, err);
    if (c != '\n')
        return chunk_error(err, "chunked body: bare CR in a chunk size line");
    end_size_line(d);
    return NET_OK;
}

/* The line end after chunk data: CR LF, or a bare LF. */
static enum net_status data_end_byte(struct net_http_chunked *d, unsigned char c,
                                     struct net_err *err)
{
    if (d->state == NET_HTTP_CHUNK_DATA_CR && c == '\r') {
        d->state = NET_HTTP_CHUNK_DATA_LF;
        return NET_OK;
    }
    if (c != '\n')
        return chunk_error(err, "chunked body: missing CRLF after chunk data");
    start_size(d);
    return NET_OK;
}

/* One byte of the trailer section (fields discarded, caps enforced). */
static enum net_status trailer_byte(struct net_http_chunked *d, unsigned char c,
                                    struct net_err *err)
{
    if (++d->trailer_bytes > NET_HTTP_TRAILER_BYTES_MAX)
        return chunk_error(err, "chunked body: endless trailers (over %u bytes)",
                           (unsigned)NET_HTTP_TRAILER_BYTES_MAX);
    if (d->state == NET_HTTP_CHUNK_TRAILER_LF && c != '\n')
        return chunk_error(err, "chunked body: bare CR in a trailer line");
    if (c == '\r') {
        d->state = NET_HTTP_CHUNK_TRAILER_LF;
        return NET_OK;
    }
    if (c != '\n') {
        if (is_ctl(c))
            return chunk_error(err, "chunked body: control byte 0x%02x in a trailer", c);
        d->line_empty = false;
        return NET_OK;
    }
    if (d->line_empty) {
        d->state = NET_HTTP_CHUNK_DONE;
        return NET_OK;
    }
    if (++d->trailers > NET_HTTP_TRAILERS_MAX)
        return chunk_error(err, "chunked body: endless trailers (more than %d fields)",
                           NET_HTTP_TRAILERS_MAX);
    d->state = NET_HTTP_CHUNK_TRAILER;
    d->line_empty = true;
    return NET_OK;
}

/* One framing byte in any state but DATA and DONE. */
static enum net_status framing_byte(struct net_http_chunked *d, unsigned char c,
                                    struct net_err *err)
{
    switch (d->state) {
    case NET_HTTP_CHUNK_DATA_CR:
    case NET_HTTP_CHUNK_DATA_LF:
        return data_end_byte(d, c, err);
    case NET_HTTP_CHUNK_TRAILER:
    case NET_HTTP_CHUNK_TRAILER_LF:
        return trailer_byte(d, c, err);
    default:
        return size_line_byte(d, c, err);
    }
}

enum net_status net_http_chunked_step(struct net_http_chunked *d, const char *in,
                                      size_t len, size_t *used, const char **data,
                                      size_t *data_len, struct net_err *err)
{
    *used = 0;
    *data = NULL;
    *data_len = 0;
    size_t i = 0;
    while (i < len && d->state != NET_HTTP_CHUNK_DONE) {
        if (d->state == NET_HTTP_CHUNK_DATA) {
            size_t take = d->remaining < len - i ? (size_t)d->remaining : len - i;
            *data = in + i;
            *data_len = take;
            i += take;
            d->remaining -= take;
            if (d->remaining == 0)
                d->state = NET_HTTP_CHUNK_DATA_CR;
            break;                          /* one span per call */
        }
        enum net_status st = framing_byte(d, (unsigned char)in[i], err);
        if (st != NET_OK) {
            *used = i;
            return st;
        }
        i++;
    }
    *used = i;
    return NET_OK;
}
