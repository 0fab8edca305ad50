/*
 * netrc.c - credentials from a .netrc file.
 *
 * The file (at most NET_NETRC_MAX bytes) is read whole into one buffer,
 * cut into tokens in place (a quoted token is unescaped where it lies), and
 * parsed entry by entry; the first machine entry that fits, else the first
 * default entry that fits, is the answer. The buffer is wiped before it is
 * freed: it held passwords.
 */
#include "libnet/netrc.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Room for the strings of a passwd entry (name, home, shell, ...): far
 * above real ones; a bigger entry just means no default path. */
#define NETRC_PWBUF_SIZE 4096

/* The keywords of the format; anything else is skipped (as curl does). */
enum netrc_kw {
    KW_MACHINE,
    KW_DEFAULT,
    KW_LOGIN,
    KW_PASSWORD,
    KW_ACCOUNT,
    KW_MACDEF,
    KW_OTHER,
    KW_COUNT
};

static const char *const kw_names[KW_COUNT] = {
    [KW_MACHINE] = "machine", [KW_DEFAULT] = "default", [KW_LOGIN] = "login",
    [KW_PASSWORD] = "password", [KW_ACCOUNT] = "account", [KW_MACDEF] = "macdef",
    [KW_OTHER] = "(other)",
};

/* A token: len bytes at p inside the file buffer, from line line. */
struct tok {
    const char *p;
    size_t len;
    unsigned line;
};

/* The tokenizer's state over the file buffer. */
struct lexer {
    char *buf;
    size_t len;
    size_t pos;
    unsigned line;
    const char *path;
    struct net_err *err;
};

enum entry_kind {
    ENTRY_NONE,         /* before the first machine or default */
    ENTRY_MACHINE,
    ENTRY_DEFAULT
};

struct entry {
    enum entry_kind kind;
    struct tok name;
    struct tok login;       /* p NULL when absent */
    struct tok password;    /* p NULL when absent */
};

/* What the lookup asks for, and the entries picked so far. */
struct pick {
    const char *host;
    const char *login;
    struct entry machine;   /* kind ENTRY_NONE until found */
    struct entry deflt;     /* kind ENTRY_NONE until found */
};

/* ---- reading the file ---- */

static void wipe_free(char *buf, size_t len)
{
    if (buf != NULL)
        explicit_bzero(buf, len);
    free(buf);
}

/* Read the whole regular file fd (size from st) into *out (NUL-terminated,
 * *len bytes). */
static enum net_status read_all(int fd, const char *path, const struct stat *st,
                                char **out, size_t *len, struct net_err *err)
{
    if (!S_ISREG(st->st_mode))
        return net_err_set(err, NET_E_LOCAL_IO, "netrc %s: not a regular file", path);
    if (st->st_size > (off_t)NET_NETRC_MAX)
        return net_err_set(err, NET_E_LOCAL_IO, "netrc %s: larger than %u bytes (not a"
                           " netrc file?)", path, NET_NETRC_MAX);
    char *buf = malloc(NET_NETRC_MAX + 1);
    if (buf == NULL)
        return net_err_set(err, NET_E_NOMEM, "netrc %s: out of memory", path);
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, NET_NETRC_MAX + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            wipe_free(buf, n);
            return net_err_set(err, NET_E_LOCAL_IO, "netrc %s: read: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > NET_NETRC_MAX) {
            wipe_free(buf, n);
            return net_err_set(err, NET_E_LOCAL_IO, "netrc %s: larger than %u bytes (not a"
                               " netrc file?)", path, NET_NETRC_MAX);
        }
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return NET_OK;
}

/* Open path; *fd is -1 (and NET_OK) when the file does not exist. */
static enum net_status open_file(const char *path, int *fd, struct stat *st,
                                 struct net_err *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0 && (errno == ENOENT || errno == ENOTDIR))
        return NET_OK;
    if (*fd < 0)
        return net_err_set(err, NET_E_LOCAL_IO, "netrc %s: open: %s", path, strerror(errno));
    if (fstat(*fd, st) != 0) {
        int e = errno;
        close(*fd);
        *fd = -1;
        return net_err_set(err, NET_E_LOCAL_IO, "netrc %s: fstat: %s", path, strerror(e));
    }
    return NET_OK;
}

/* ---- tokens ---- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Skip white space and comments ("#" at a token boundary, to the end of
 * the line), counting lines. */
static void skip_blank(struct lexer *lx)
{
    while (lx->pos < lx->len) {
        char c = lx->buf[lx->pos];
        if (c == '#') {
            while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
                lx->pos++;
        } else if (is_space(c)) {
            if (c == '\n')
                lx->line++;
            lx->pos++;
        } else {
            return;
        }
    }
}

/* A double-quoted token starting at lx->pos (the '"'), unescaped in place:
 * \" and \\ (and \x for any other x) stand for the byte after the '\'. */
static enum net_status quoted_token(struct lexer *lx, struct tok *t)
{
    size_t start = ++lx->pos, w = start;
    while (lx->pos < lx->len && lx->buf[lx->pos] != '"') {
        char c = lx->buf[lx->pos++];
        if (c == '\\' && lx->pos < lx->len)
            c = lx->buf[lx->pos++];
        if (c == '\n')
            lx->line++;
        lx->buf[w++] = c;
    }
    if (lx->pos >= lx->len)
        return net_err_set(lx->err, NET_E_USAGE, "%s:%u: unterminated quoted string",
                           lx->path, t->line);
    lx->pos++;
    t->p = lx->buf + start;
    t->len = w - start;
    return NET_OK;
}

/* The next token into *t; *got false at the end of the file. */
static enum net_status next_token(struct lexer *lx, struct tok *t, bool *got)
{
    skip_blank(lx);
    *got = lx->pos < lx->len;
    if (!*got)
        return NET_OK;
    t->line = lx->line;
    if (lx->buf[lx->pos] == '"')
        return quoted_token(lx, t);
    size_t start = lx->pos;
    while (lx->pos < lx->len && !is_space(lx->buf[lx->pos]))
        lx->pos++;
    t->p = lx->buf + start;
    t->len = lx->pos - start;
    return NET_OK;
}

/* The value after keyword kw (at line line): missing is NET_E_USAGE. */
static enum net_status value_token(struct lexer *lx, enum netrc_kw kw, unsigned line,
                                   struct tok *t)
{
    bool got = false;
    enum net_status st = next_token(lx, t, &got);
    if (st == NET_OK && !got)
        st = net_err_set(lx->err, NET_E_USAGE, "%s:%u: \"%s\" without a value",
                         lx->path, line, kw_names[kw]);
    return st;
}

static enum netrc_kw keyword(const struct tok *t)
{
    for (int k = 0; k < KW_OTHER; k++)
        if (strlen(kw_names[k]) == t->len && memcmp(kw_names[k], t->p, t->len) == 0)
            return (enum netrc_kw)k;
    return KW_OTHER;
}

/* Skip a macro body: the rest of the macdef line, then lines up to and
 * including the first blank one (or the end of the file). */
static void skip_macro(struct lexer *lx)
{
    while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
        lx->pos++;
    while (lx->pos < lx->len) {
        lx->pos++;                      /* the '\n' ending the previous line */
        lx->line++;
        size_t end = lx->pos;
        bool blank = true;
        while (end < lx->len && lx->buf[end] != '\n') {
            if (!is_space(lx->buf[end]))
                blank = false;
            end++;
        }
        lx->pos = end;
        if (blank)
            return;
    }
}

/* ---- entries ---- */

static bool tok_eq(const struct tok *t, const char *s)
{
    return t->p != NULL && strlen(s) == t->len && memcmp(t->p, s, t->len) == 0;
}

static bool tok_eq_nocase(const struct tok *t, const char *s)
{
    return t->p != NULL && strlen(s) == t->len && strncasecmp(t->p, s, t->len) == 0;
}

/* An entry is complete: keep it when it is the first that fits. */
static void entry_done(struct pick *pk, const struct entry *e)
{
    if (pk->login != NULL && !tok_eq(&e->login, pk->login))
        return;
    if (e->kind == ENTRY_MACHINE && pk->machine.kind == ENTRY_NONE &&
        tok_eq_nocase(&e->name, pk->host))
        pk->machine = *e;
    else if (e->kind == ENTRY_DEFAULT && pk->deflt.kind == ENTRY_NONE)
        pk->deflt = *e;
}

/* Handle keyword kw (from line line) for the current entry *e. */
static enum net_status handle_kw(struct lexer *lx, struct pick *pk, struct entry *e,
                                 enum netrc_kw kw, unsigned line)
{
    struct tok v = {0};
    enum net_status st = NET_OK;
    if (kw == KW_MACHINE || kw == KW_DEFAULT) {
        entry_done(pk, e);
        memset(e, 0, sizeof *e);
        e->kind = kw == KW_MACHINE ? ENTRY_MACHINE : ENTRY_DEFAULT;
        if (kw == KW_MACHINE)
            st = value_token(lx, kw, line, &e->name);
        return st;
    }
    if (kw == KW_OTHER)
        return NET_OK;
    if ((st = value_token(lx, kw, line, &v)) != NET_OK)
        return st;
    if (kw == KW_LOGIN)
        e->login = v;
    else if (kw == KW_PASSWORD)
        e->password = v;
    else if (kw == KW_MACDEF)
        skip_macro(lx);
    return NET_OK;
}

/* Parse the whole buffer, filling pk. */
static enum net_status parse(struct lexer *lx, struct pick *pk)
{
    struct entry cur = {0};
    for (;;) {
        struct tok t = {0};
        bool got = false;
        enum net_status st = next_token(lx, &t, &got);
        if (st != NET_OK)
            return st;
        if (!got)
            break;
        if ((st = handle_kw(lx, pk, &cur, keyword(&t), t.line)) != NET_OK)
            return st;
    }
    entry_done(pk, &cur);
    return NET_OK;
}

/* ---- safety and results ---- */

/* A password may only come from a file that is ours and private. */
static enum net_status check_private(const char *path, const struct stat *st,
                                     struct net_err *err)
{
    if (st->st_uid != getuid())
        return net_err_set(err, NET_E_AUTH, "netrc %s holds a password but belongs to uid"
                           " %u, not to us (uid %u); refusing it", path,
                           (unsigned)st->st_uid, (unsigned)getuid());
    if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return net_err_set(err, NET_E_AUTH, "netrc %s holds a password but its mode %04o"
                           " lets others read or change it; refusing it (chmod 600 %s)",
                           path, (unsigned)(st->st_mode & 07777), path);
    return NET_OK;
}

static enum net_status copy_tok(const struct tok *t, char **out, const char *path,
                                struct net_err *err)
{
    if (t->p == NULL)
        return NET_OK;
    if ((*out = strndup(t->p, t->len)) == NULL)
        return net_err_set(err, NET_E_NOMEM, "netrc %s: out of memory", path);
    return NET_OK;
}

/* From the picked entry e (or none), set the outputs. */
static enum net_status give(const struct entry *e, const char *path, const struct stat *st,
                            bool *found, char **login_out, char **password_out,
                            struct net_err *err)
{
    if (e->kind == ENTRY_NONE)
        return NET_OK;
    enum net_status rc = e->password.p ? check_private(path, st, err) : NET_OK;
    if (rc == NET_OK)
        rc = copy_tok(&e->login, login_out, path, err);
    if (rc == NET_OK)
        rc = copy_tok(&e->password, password_out, path, err);
    if (rc != NET_OK) {
        free(*login_out);
        if (*password_out)
            explicit_bzero(*password_out, strlen(*password_out));
        free(*password_out);
        *login_out = *password_out = NULL;
        return rc;
    }
    *found = true;
    return NET_OK;
}

/* The default path ($NETRC, else $HOME/.netrc, else the passwd entry's
 * home) into *out (allocated), or NULL when there is none. */
static enum net_status default_path(char **out, struct net_err *err)
{
    const char *v = getenv("NETRC");
    *out = NULL;
    if (v != NULL && *v != '\0') {
        *out = strdup(v);
    } else {
        const char *home = getenv("HOME");
        struct passwd pwbuf, *pw = NULL;
        char strings[NETRC_PWBUF_SIZE];
        if ((home == NULL || *home == '\0') &&
            getpwuid_r(getuid(), &pwbuf, strings, sizeof strings, &pw) == 0 && pw != NULL)
            home = pw->pw_dir;
        if (home == NULL || *home == '\0')
            return NET_OK;
        if (asprintf(out, "%s/.netrc", home) < 0)
            *out = NULL;
    }
    if (*out == NULL)
        return net_err_set(err, NET_E_NOMEM, "netrc: out of memory");
    return NET_OK;
}

/* Look up in the file at path (given). */
static enum net_status lookup_path(const char *path, const char *host, const char *login,
                                   bool *found, char **login_out, char **password_out,
                                   struct net_err *err)
{
    int fd = -1;
    struct stat st;
    enum net_status rc = open_file(path, &fd, &st, err);
    if (rc != NET_OK || fd < 0)
        return rc;
    struct lexer lx = {.path = path, .line = 1, .err = err};
    rc = read_all(fd, path, &st, &lx.buf, &lx.len, err);
    close(fd);
    if (rc != NET_OK)
        return rc;
    struct pick pk = {.host = host, .login = login};
    rc = parse(&lx, &pk);
    if (rc == NET_OK)
        rc = give(pk.machine.kind != ENTRY_NONE ? &pk.machine : &pk.deflt, path, &st, found,
                  login_out, password_out, err);
    wipe_free(lx.buf, lx.len);
    return rc;
}

enum net_status net_netrc_lookup(const char *path, const char *host,
                                 const char *login, bool *found,
                                 char **login_out, char **password_out,
                                 struct net_err *err)
{
    if (found == NULL || login_out == NULL || password_out == NULL || host == NULL)
        return net_err_set(err, NET_E_USAGE, "netrc: no host or output");
    *found = false;
    *login_out = *password_out = NULL;
    char *dflt = NULL;
    if (path == NULL) {
        enum net_status rc = default_path(&dflt, err);
        if (rc != NET_OK || dflt == NULL)
            return rc;
        path = dflt;
    }
    enum net_status rc = lookup_path(path, host, login, found, login_out, password_out, err);
    free(dflt);
    return rc;
}
