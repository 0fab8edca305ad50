/* trace.c - the -v trace printer (contract in trace.h). */
#include "cli/common/trace.h"

#include <string.h>
#include <strings.h>

#include "protocols/http/chunked.h"
#include "protocols/http/framing.h"

static const char *const state_names[CLI_TRACE_STATE_COUNT] = {
    [CLI_TRACE_HEAD] = "head",
    [CLI_TRACE_BODY_LENGTH] = "length",
    [CLI_TRACE_BODY_CHUNKED] = "chunked",
    [CLI_TRACE_BODY_OPEN] = "open",
};

const char *cli_trace_state_name(enum cli_trace_state st)
{
    if ((unsigned)st >= CLI_TRACE_STATE_COUNT)
        return "?";
    return state_names[st];
}

static void dir_reset(struct cli_trace_dir *d)
{
    d->state = CLI_TRACE_HEAD;
    d->len = 0;
    d->piece = false;
    d->head_started = false;
    d->status = 0;
    d->no_body = d->has_length = d->chunked = d->other_coding = false;
    d->length = d->remaining = 0;
}

void cli_trace_init(struct cli_trace *t, FILE *out, enum cli_trace_mode mode)
{
    memset(t, 0, sizeof *t);
    t->out = out;
    t->mode = mode;
    dir_reset(&t->in);
    dir_reset(&t->sent);
}

struct net_trace cli_trace_hook(struct cli_trace *t)
{
    return (struct net_trace){.fn = cli_trace_fn, .ctx = t};
}

/* Print one line (or piece) with its prefix, escaping what is not printable. */
static void emit(struct cli_trace *t, char prefix, const char *p, size_t n)
{
    FILE *f = t->out;
    fputc(prefix, f);
    fputc(' ', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f)
            fputc(c, f);
        else
            fprintf(f, "\\x%02x", c);
    }
    fputc('\n', f);
}

static void flush_partial(struct cli_trace *t, struct cli_trace_dir *d, char prefix)
{
    if (d->len > 0)
        emit(t, prefix, d->line, d->len);
    d->len = 0;
    d->piece = false;
}

void cli_trace_reset(struct cli_trace *t)
{
    flush_partial(t, &t->sent, '>');
    flush_partial(t, &t->in, '<');
    dir_reset(&t->sent);
    dir_reset(&t->in);
    t->pending = 0;
    t->pending_bits = 0;
}

static void pending_push(struct cli_trace *t, bool no_body)
{
    if (t->pending >= CLI_TRACE_PENDING_MAX)
        return;
    if (no_body)
        t->pending_bits |= (uint64_t)1 << t->pending;
    t->pending++;
}

static bool pending_pop(struct cli_trace *t)
{
    if (t->pending == 0)
        return false;
    bool no_body = (t->pending_bits & 1) != 0;
    t->pending_bits >>= 1;
    t->pending--;
    return no_body;
}

/* Does line (n bytes) start with field name "name:"? Sets *v to the value,
 * without surrounding blanks. */
static bool field_is(const char *line, size_t n, const char *name, const char **v,
                     size_t *vlen)
{
    size_t k = strlen(name);
    if (n <= k || line[k] != ':' || strncasecmp(line, name, k) != 0)
        return false;
    const char *p = line + k + 1, *e = line + n;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *v = p;
    *vlen = (size_t)(e - p);
    return true;
}

/* Is the last element of a comma-separated list "chunked"? */
static bool last_is_chunked(const char *v, size_t n)
{
    size_t start = n;
    while (start > 0 && v[start - 1] != ',')
        start--;
    while (start < n && (v[start] == ' ' || v[start] == '\t'))
        start++;
    return n - start == 7 && strncasecmp(v + start, "chunked", 7) == 0;
}

/* Learn from the start line of a head. */
static void start_line(struct cli_trace_dir *d, bool in, const char *l, size_t n)
{
    d->head_started = true;
    if (in) {
        /* "HTTP/1.1 200 OK": the three digits after the first space */
        const char *sp = memchr(l, ' ', n);
        d->status = 0;
        if (sp != NULL && (size_t)(l + n - sp) >= 4)
            for (int i = 1; i <= 3 && sp[i] >= '0' && sp[i] <= '9'; i++)
                d->status = d->status * 10 + (sp[i] - '0');
    } else {
        d->no_body = (n >= 5 && memcmp(l, "HEAD ", 5) == 0) ||
                     (n >= 8 && memcmp(l, "CONNECT ", 8) == 0);
    }
}

/* Learn from one header field line. */
static void field_line(struct cli_trace_dir *d, const char *l, size_t n)
{
    const char *v;
    size_t vlen;
    if (field_is(l, n, "Content-Length", &v, &vlen)) {
        uint64_t x;
        if (net_http_parse_length(v, vlen, &x)) {
            d->has_length = true;
            d->length = x;
        }
    } else if (field_is(l, n, "Transfer-Encoding", &v, &vlen)) {
        d->chunked = last_is_chunked(v, vlen);
        d->other_coding = !d->chunked;
    }
}

/* The blank line ending a head: choose how the body is delimited. */
static void head_end(struct cli_trace *t, struct cli_trace_dir *d, bool in)
{
    enum cli_trace_state next = CLI_TRACE_HEAD;
    bool none = false;
    if (in) {
        if (d->status >= 100 && d->status < 200)
            none = true;                    /* interim: the final head follows */
        else
            none = pending_pop(t) || d->status == 204 || d->status == 304;
    } else {
        pending_push(t, d->no_body);
    }
    if (!none) {
        if (d->chunked)
            next = CLI_TRACE_BODY_CHUNKED;
        else if (d->other_coding)
            next = in ? CLI_TRACE_BODY_OPEN : CLI_TRACE_HEAD;
        else if (d->has_length)
            next = d->length > 0 ? CLI_TRACE_BODY_LENGTH : CLI_TRACE_HEAD;
        else
            next = in ? CLI_TRACE_BODY_OPEN : CLI_TRACE_HEAD;
    }
    uint64_t length = d->length;
    dir_reset(d);
    d->state = next;
    d->remaining = length;
    if (next == CLI_TRACE_BODY_CHUNKED)
        net_http_chunked_init(&d->dec);
}

/* A complete line (without its LF) in head mode. */
static void head_line(struct cli_trace *t, struct cli_trace_dir *d, bool in,
                      const char *l, size_t n)
{
    if (t->mode != CLI_TRACE_HTTP)
        return;
    if (n == 0) {
        if (d->head_started)
            head_end(t, d, in);
        return;
    }
    if (!d->head_started)
        start_line(d, in, l, n);
    else
        field_line(d, l, n);
}

/* Take head bytes up to and including the first LF; returns bytes taken. */
static size_t take_line_bytes(struct cli_trace *t, struct cli_trace_dir *d, char prefix,
                              bool in, const char *p, size_t n)
{
    const char *lf = memchr(p, '\n', n);
    size_t chunk = lf ? (size_t)(lf - p) : n;
    size_t used = lf ? chunk + 1 : n;
    while (chunk > 0) {
        size_t room = sizeof d->line - d->len;
        if (room == 0) {
            emit(t, prefix, d->line, d->len);   /* a piece of a long line */
            d->len = 0;
            d->piece = true;
            room = sizeof d->line;
        }
        size_t k = chunk < room ? chunk : room;
        memcpy(d->line + d->len, p, k);
        d->len += k;
        p += k;
        chunk -= k;
    }
    if (lf != NULL) {
        size_t len = d->len;
        if (len > 0 && d->line[len - 1] == '\r')
            len--;
        if (len > 0 || !d->piece)
            emit(t, prefix, d->line, len);
        bool whole = !d->piece;
        d->len = 0;
        d->piece = false;
        if (whole)
            head_line(t, d, in, d->line, len);
    }
    return used;
}

/* Body bytes of the current span: returns how many belong to the body. */
static size_t take_body_bytes(struct cli_trace_dir *d, const char *p, size_t n)
{
    switch (d->state) {
    case CLI_TRACE_BODY_LENGTH: {
        size_t k = d->remaining < n ? (size_t)d->remaining : n;
        d->remaining -= k;
        if (d->remaining == 0)
            d->state = CLI_TRACE_HEAD;
        return k;
    }
    case CLI_TRACE_BODY_CHUNKED: {
        size_t off = 0;
        while (off < n && d->dec.state != NET_HTTP_CHUNK_DONE) {
            size_t used = 0, dlen = 0;
            const char *data = NULL;
            if (net_http_chunked_step(&d->dec, p + off, n - off, &used, &data, &dlen,
                                      NULL) != NET_OK) {
                d->state = CLI_TRACE_BODY_OPEN;     /* lost: summarise the rest */
                return n;
            }
            if (used == 0)
                break;
            off += used;
        }
        if (d->dec.state == NET_HTTP_CHUNK_DONE)
            d->state = CLI_TRACE_HEAD;
        return off;
    }
    case CLI_TRACE_BODY_OPEN:
        return n;
    default:
        return 0;
    }
}

static void take(struct cli_trace *t, struct cli_trace_dir *d, char prefix, bool in,
                 const char *p, size_t n)
{
    uint64_t body = 0;
    while (n > 0) {
        size_t used;
        if (t->mode == CLI_TRACE_LINES || d->state == CLI_TRACE_HEAD) {
            if (body > 0) {
                fprintf(t->out, "%c [%llu bytes data]\n", prefix, (unsigned long long)body);
                body = 0;
            }
            used = take_line_bytes(t, d, prefix, in, p, n);
        } else {
            used = take_body_bytes(d, p, n);
            body += used;
            if (used == 0 && d->state != CLI_TRACE_HEAD) {
                d->state = CLI_TRACE_BODY_OPEN;     /* never loop without progress */
                continue;
            }
        }
        p += used;
        n -= used;
    }
    if (body > 0)
        fprintf(t->out, "%c [%llu bytes data]\n", prefix, (unsigned long long)body);
}

void cli_trace_fn(void *ctx, enum net_trace_dir dir, const char *data, size_t len,
                  bool secret)
{
    struct cli_trace *t = ctx;
    switch (dir) {
    case NET_TRACE_INFO:
        cli_trace_reset(t);
        emit(t, '*', data, len);
        break;
    case NET_TRACE_OUT:
        take(t, &t->sent, '>', false, data, len);
        break;
    case NET_TRACE_IN:
        take(t, &t->in, '<', true, data, len);
        break;
    }
    fflush(t->out);
}
