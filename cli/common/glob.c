/* glob.c - URL globbing (contract in glob.h). */
#include "cli/common/glob.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for the decimal form of any number up to CLI_GLOB_NUMBER_MAX. */
#define NUM_STR_MAX 24

enum pat_kind {
    PAT_LIST,
    PAT_NUM,
    PAT_CHAR
};

struct pat {
    enum pat_kind kind;
    char **items;           /* PAT_LIST */
    size_t nitems;
    uint64_t start, step;   /* PAT_NUM, PAT_CHAR */
    unsigned width;         /* PAT_NUM: zero padding */
    uint64_t count;         /* values in all */
    uint64_t cur;           /* index of the current value */
    size_t maxlen;          /* longest value */
};

struct cli_glob {
    char **lits;            /* npats + 1 literal pieces */
    struct pat *pats;
    size_t npats;
    uint64_t total, produced;
    char *buf;              /* the current URL */
};

/* A growing string for parsing. */
struct sbuf {
    char *p;
    size_t len, cap;
};

static bool sb_add(struct sbuf *b, char c)
{
    if (b->len + 2 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            return false;
        b->p = p;
        b->cap = cap;
    }
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
    return true;
}

/* Take the string out of b (an empty string when nothing was added). */
static char *sb_take(struct sbuf *b)
{
    char *s = b->p ? b->p : strdup("");
    b->p = NULL;
    b->len = b->cap = 0;
    return s;
}

struct parser {
    const char *url;
    const char *p;
    struct cli_glob *g;
    size_t cap_pats;
    struct net_err *err;
};

static enum net_status perr(struct parser *ps, const char *at, const char *what)
{
    return net_err_set(ps->err, NET_E_USAGE, "bad URL glob: %s at pos %zu", what,
                       (size_t)(at - ps->url) + 1);
}

static enum net_status nomem(struct parser *ps)
{
    return net_err_set(ps->err, NET_E_NOMEM, "out of memory");
}

/* Is "[...]" at p a bracketed IPv6 literal? Sets *len to its length. */
static bool ipv6_literal(const char *p, size_t *len)
{
    const char *e = strchr(p, ']');
    if (e == NULL)
        return false;
    size_t colons = 0;
    bool zone = false;
    for (const char *q = p + 1; q < e; q++) {
        if (*q == '%')
            zone = true;
        else if (*q == ':' && !zone)
            colons++;
        else if (!zone && !isxdigit((unsigned char)*q) && *q != '.')
            return false;
        else if (zone && !isalnum((unsigned char)*q) && *q != '.' && *q != '-' && *q != '_')
            return false;
    }
    *len = (size_t)(e - p) + 1;
    return colons >= 2;
}

static struct pat *new_pat(struct parser *ps, const char *at)
{
    struct cli_glob *g = ps->g;
    if (g->npats >= CLI_GLOB_PATTERNS_MAX) {
        perr(ps, at, "too many patterns");
        return NULL;
    }
    if (g->npats == ps->cap_pats) {
        size_t cap = ps->cap_pats ? ps->cap_pats * 2 : 4;
        struct pat *pats = realloc(g->pats, cap * sizeof *pats);
        char **lits = realloc(g->lits, (cap + 1) * sizeof *lits);
        if (pats)
            g->pats = pats;
        if (lits) {
            for (size_t i = ps->cap_pats + 1; i <= cap; i++)
                lits[i] = NULL;     /* freed safely if parsing stops early */
            g->lits = lits;
        }
        if (pats == NULL || lits == NULL) {
            nomem(ps);
            return NULL;
        }
        ps->cap_pats = cap;
    }
    struct pat *pt = &g->pats[g->npats];
    memset(pt, 0, sizeof *pt);
    return pt;
}

/* "{a,b,c}" at ps->p. */
static enum net_status parse_list(struct parser *ps, struct pat *pt)
{
    const char *open = ps->p++;
    struct sbuf item = {0};
    pt->kind = PAT_LIST;
    for (;;) {
        char c = *ps->p;
        if (c == '\0' || c == '{' || c == '}' || c == ',') {
            if (c == '\0' || c == '{') {
                free(item.p);
                return perr(ps, c ? ps->p : open, c ? "nested brace" : "unmatched brace");
            }
            char **items = realloc(pt->items, (pt->nitems + 1) * sizeof *items);
            if (items == NULL) {
                free(item.p);
                return nomem(ps);
            }
            pt->items = items;
            size_t len = item.len;
            if ((pt->items[pt->nitems] = sb_take(&item)) == NULL)
                return nomem(ps);
            pt->nitems++;
            if (len > pt->maxlen)
                pt->maxlen = len;
            ps->p++;
            if (c == '}')
                break;
            continue;
        }
        if (c == '\\' && ps->p[1] != '\0')
            c = *++ps->p;
        if (!sb_add(&item, c)) {
            free(item.p);
            return nomem(ps);
        }
        ps->p++;
    }
    pt->count = pt->nitems;
    return NET_OK;
}

/* Digits at *p into *v (at most CLI_GLOB_NUMBER_MAX); sets *ndig. */
static bool number(const char **p, uint64_t *v, size_t *ndig)
{
    const char *s = *p;
    uint64_t x = 0;
    size_t n = 0;
    while (isdigit((unsigned char)*s)) {
        if (++n > 18)
            return false;
        x = x * 10 + (uint64_t)(*s - '0');
        s++;
    }
    if (n == 0)
        return false;
    *p = s;
    *v = x;
    *ndig = n;
    return true;
}

/* ":step]" or "]" at *p. */
static bool step_end(const char **p, uint64_t *step)
{
    size_t nd;
    *step = 1;
    if (**p == ':') {
        (*p)++;
        if (!number(p, step, &nd) || *step == 0)
            return false;
    }
    if (**p != ']')
        return false;
    (*p)++;
    return true;
}

/* "[a-z]" or "[1-100:10]" at ps->p. */
static enum net_status parse_range(struct parser *ps, struct pat *pt)
{
    const char *open = ps->p;
    const char *p = ps->p + 1;
    uint64_t step;
    if (isalpha((unsigned char)p[0]) && p[1] == '-' && isalpha((unsigned char)p[2])) {
        char a = p[0], b = p[2];
        p += 3;
        if (!step_end(&p, &step) || (islower((unsigned char)a) != islower((unsigned char)b)) ||
            a > b)
            return perr(ps, open, "bad range");
        pt->kind = PAT_CHAR;
        pt->start = (unsigned char)a;
        pt->step = step;
        pt->count = (uint64_t)(b - a) / step + 1;
        pt->maxlen = 1;
    } else {
        uint64_t a, b;
        size_t na, nb;
        if (!number(&p, &a, &na) || *p++ != '-' || !number(&p, &b, &nb) ||
            !step_end(&p, &step) || a > b)
            return perr(ps, open, "bad range");
        pt->kind = PAT_NUM;
        pt->start = a;
        pt->step = step;
        pt->width = (open[1] == '0' && na > 1) ? (unsigned)na : 0;
        pt->count = (b - a) / step + 1;
        pt->maxlen = nb > pt->width ? nb : pt->width;
    }
    ps->p = p;
    return NET_OK;
}

/* Append the current literal piece and start the next. */
static enum net_status end_literal(struct parser *ps, struct sbuf *lit)
{
    char *s = sb_take(lit);
    if (s == NULL)
        return nomem(ps);
    ps->g->lits[ps->g->npats] = s;
    return NET_OK;
}

static enum net_status add_pattern(struct parser *ps, struct sbuf *lit)
{
    const char *at = ps->p;
    struct pat *pt = new_pat(ps, at);
    if (pt == NULL)
        return ps->err->status;
    if (end_literal(ps, lit) != NET_OK)
        return NET_E_NOMEM;
    ps->g->npats++;     /* counted now so that free() sees its parts */
    enum net_status st = *at == '{' ? parse_list(ps, pt) : parse_range(ps, pt);
    if (st != NET_OK)
        return st;
    if (ps->g->total > CLI_GLOB_URLS_MAX / pt->count)
        return net_err_set(ps->err, NET_E_USAGE,
                           "bad URL glob: more than %llu URLs (at pos %zu)",
                           (unsigned long long)CLI_GLOB_URLS_MAX, (size_t)(at - ps->url) + 1);
    ps->g->total *= pt->count;
    return NET_OK;
}

static enum net_status parse(struct parser *ps)
{
    struct sbuf lit = {0};
    enum net_status st = NET_OK;
    /* lits needs one slot even without patterns */
    ps->g->lits = calloc(1, sizeof *ps->g->lits);
    if (ps->g->lits == NULL)
        return nomem(ps);
    while (st == NET_OK && *ps->p) {
        char c = *ps->p;
        size_t v6;
        if (c == '\\' && ps->p[1] && strchr("[]{}", ps->p[1])) {
            if (!sb_add(&lit, ps->p[1]))
                st = nomem(ps);
            ps->p += 2;
        } else if (c == '[' && ipv6_literal(ps->p, &v6)) {
            for (size_t i = 0; i < v6 && st == NET_OK; i++)
                if (!sb_add(&lit, ps->p[i]))
                    st = nomem(ps);
            ps->p += v6;
        } else if (c == '{' || c == '[') {
            st = add_pattern(ps, &lit);
        } else if (c == ']' || c == '}') {
            st = perr(ps, ps->p, c == ']' ? "unmatched close bracket" : "unmatched close brace");
        } else {
            if (!sb_add(&lit, c))
                st = nomem(ps);
            ps->p++;
        }
    }
    if (st == NET_OK)
        st = end_literal(ps, &lit);
    free(lit.p);
    return st;
}

static enum net_status make_buffer(struct cli_glob *g, struct net_err *err)
{
    size_t size = 1;
    for (size_t i = 0; i <= g->npats; i++)
        size += strlen(g->lits[i]);
    for (size_t i = 0; i < g->npats; i++)
        size += g->pats[i].maxlen;
    g->buf = malloc(size);
    if (g->buf == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory");
    return NET_OK;
}

enum net_status cli_glob_new(const char *url, bool enabled, struct cli_glob **out,
                             struct net_err *err)
{
    *out = NULL;
    struct cli_glob *g = calloc(1, sizeof *g);
    if (g == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory");
    g->total = 1;
    enum net_status st;
    if (!enabled) {
        g->lits = calloc(1, sizeof *g->lits);
        if (g->lits == NULL || (g->lits[0] = strdup(url)) == NULL)
            st = net_err_set(err, NET_E_NOMEM, "out of memory");
        else
            st = NET_OK;
    } else {
        struct parser ps = {.url = url, .p = url, .g = g, .err = err};
        st = parse(&ps);
    }
    if (st == NET_OK)
        st = make_buffer(g, err);
    if (st != NET_OK) {
        cli_glob_free(g);
        return st;
    }
    *out = g;
    return NET_OK;
}

uint64_t cli_glob_count(const struct cli_glob *g) { return g->total; }

/* The current value of pattern pt into buf (at least maxlen + 1 bytes, or
 * NUM_STR_MAX); returns its length. */
static size_t value(const struct pat *pt, char *buf, size_t size)
{
    switch (pt->kind) {
    case PAT_LIST: {
        size_t n = strlen(pt->items[pt->cur]);
        if (n >= size)
            n = size - 1;
        memcpy(buf, pt->items[pt->cur], n);
        buf[n] = '\0';
        return n;
    }
    case PAT_CHAR:
        buf[0] = (char)(pt->start + pt->cur * pt->step);
        buf[1] = '\0';
        return 1;
    default: {
        int n = snprintf(buf, size, "%0*llu", (int)pt->width,
                         (unsigned long long)(pt->start + pt->cur * pt->step));
        return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
    }
    }
}

const char *cli_glob_next(struct cli_glob *g)
{
    if (g->produced >= g->total)
        return NULL;
    if (g->produced > 0) {
        for (size_t i = g->npats; i-- > 0;) {     /* rightmost fastest */
            struct pat *pt = &g->pats[i];
            if (++pt->cur < pt->count)
                break;
            pt->cur = 0;
        }
    }
    g->produced++;
    char *w = g->buf;
    for (size_t i = 0; i <= g->npats; i++) {
        size_t n = strlen(g->lits[i]);
        memcpy(w, g->lits[i], n);
        w += n;
        if (i < g->npats)
            w += value(&g->pats[i], w, g->pats[i].maxlen + 1);
    }
    *w = '\0';
    return g->buf;
}

enum net_status cli_glob_name(const struct cli_glob *g, const char *tmpl, char **out,
                              struct net_err *err)
{
    struct sbuf b = {0};
    *out = NULL;
    for (const char *p = tmpl; *p;) {
        unsigned long n = 0;
        const char *q = p + 1;
        if (*p == '#' && isdigit((unsigned char)*q)) {
            while (isdigit((unsigned char)*q) && n <= CLI_GLOB_PATTERNS_MAX)
                n = n * 10 + (unsigned long)(*q++ - '0');
        }
        if (*p == '#' && n >= 1 && n <= g->npats && !isdigit((unsigned char)*q)) {
            const struct pat *pt = &g->pats[n - 1];
            size_t size = pt->maxlen + 1 > NUM_STR_MAX ? pt->maxlen + 1 : NUM_STR_MAX;
            char *v = malloc(size);
            bool ok = v != NULL;
            if (ok) {
                size_t len = value(pt, v, size);
                for (size_t i = 0; i < len && ok; i++)
                    ok = sb_add(&b, v[i]);
            }
            free(v);
            if (!ok) {
                free(b.p);
                return net_err_set(err, NET_E_NOMEM, "out of memory");
            }
            p = q;
            continue;
        }
        if (!sb_add(&b, *p++)) {
            free(b.p);
            return net_err_set(err, NET_E_NOMEM, "out of memory");
        }
    }
    *out = sb_take(&b);
    return *out ? NET_OK : net_err_set(err, NET_E_NOMEM, "out of memory");
}

void cli_glob_free(struct cli_glob *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->npats; i++) {
        for (size_t k = 0; k < g->pats[i].nitems; k++)
            free(g->pats[i].items[k]);
        free(g->pats[i].items);
    }
    if (g->lits != NULL)
        for (size_t i = 0; i <= g->npats; i++)
            free(g->lits[i]);
    free(g->lits);
    free(g->pats);
    free(g->buf);
    free(g);
}
