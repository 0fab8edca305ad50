/* outfile.c - safe output files (contract in outfile.h). */
#include "cli/common/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Suffix mkostemp fills in, and the dots around the name: the temporary
 * name must fit NAME_MAX, so a long target name is cut in it. */
#define TMP_SUFFIX ".XXXXXX"
#define TMP_EXTRA (1 + sizeof TMP_SUFFIX - 1)

/* Temporary files to remove on a fatal signal (read by the handler). */
static char *volatile tracked[CLI_OUT_TMP_TRACKED];

static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

static void track(char *path)
{
    for (size_t i = 0; i < CLI_OUT_TMP_TRACKED; i++)
        if (tracked[i] == NULL) {
            tracked[i] = path;
            return;
        }
}

static void untrack(const char *path)
{
    for (size_t i = 0; i < CLI_OUT_TMP_TRACKED; i++)
        if (tracked[i] == path)
            tracked[i] = NULL;
}

static void on_fatal_signal(int sig)
{
    for (size_t i = 0; i < CLI_OUT_TMP_TRACKED; i++)
        if (tracked[i] != NULL)
            unlink(tracked[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_outfile_cleanup_on_signals(void)
{
    struct sigaction sa = {.sa_handler = on_fatal_signal};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
        struct sigaction old;
        /* leave a signal the caller ignores ignored (nohup, SIGPIPE) */
        if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(fatal_signals[i], &sa, NULL);
    }
}

void cli_outfile_init(struct cli_outfile *of)
{
    memset(of, 0, sizeof *of);
    of->fd = -1;
}

const char *cli_outfile_name(const struct cli_outfile *of)
{
    if (of->mode == CLI_OUT_STDOUT || of->target == NULL)
        return "-";
    return of->target;
}

static enum net_status sys_err(struct net_err *err, const char *what, const char *path)
{
    int e = errno;
    if (e == ENOMEM)
        return net_err_set(err, NET_E_NOMEM, "%s '%s': %s", what, path, strerror(e));
    return net_err_set(err, NET_E_LOCAL_IO, "%s '%s': %s", what, path, strerror(e));
}

enum net_status cli_outfile_check(const char *target, enum cli_out_mode mode,
                                  bool *exists, uint64_t *size,
                                  struct net_err *err)
{
    if (exists)
        *exists = false;
    if (size)
        *size = 0;
    if (mode == CLI_OUT_STDOUT)
        return NET_OK;
    struct stat st;
    if (lstat(target, &st) != 0) {
        if (errno == ENOENT)
            return NET_OK;
        return sys_err(err, "cannot examine", target);
    }
    if (mode == CLI_OUT_NEW)
        return net_err_set(err, NET_E_LOCAL_IO, "'%s' already exists (not overwritten)",
                           target);
    if (exists)
        *exists = true;
    if (S_ISLNK(st.st_mode) && stat(target, &st) != 0)
        return sys_err(err, "cannot follow", target);
    if (S_ISDIR(st.st_mode))
        return net_err_set(err, NET_E_LOCAL_IO, "'%s' is a directory", target);
    if (size && S_ISREG(st.st_mode))
        *size = (uint64_t)st.st_size;
    return NET_OK;
}

/* mkdir -p for every directory above path. */
static enum net_status make_dirs(const char *path, struct net_err *err)
{
    char *p = strdup(path);
    if (p == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory");
    enum net_status st = NET_OK;
    for (char *s = strchr(p + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            st = sys_err(err, "cannot create directory", p);
            break;
        }
        *s = '/';
    }
    free(p);
    return st;
}

/* "dir/.name.XXXXXX" for target "dir/name" (name cut to fit NAME_MAX). */
static char *tmp_template(const char *target)
{
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
    const char *base = target + dirlen;
    size_t blen = strlen(base);
    if (blen > NAME_MAX - TMP_EXTRA)
        blen = NAME_MAX - TMP_EXTRA;
    size_t size = dirlen + 1 + blen + sizeof TMP_SUFFIX;
    char *t = malloc(size);
    if (t == NULL)
        return NULL;
    snprintf(t, size, "%.*s.%.*s%s", (int)dirlen, target, (int)blen, base, TMP_SUFFIX);
    return t;
}

static enum net_status open_tmp(struct cli_outfile *of, struct net_err *err)
{
    of->tmp = tmp_template(of->target);
    if (of->tmp == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory");
    of->fd = mkostemp(of->tmp, O_CLOEXEC);
    if (of->fd < 0) {
        enum net_status st = sys_err(err, "cannot create a temporary file beside", of->target);
        free(of->tmp);
        of->tmp = NULL;
        return st;
    }
    track(of->tmp);
    return NET_OK;
}

/* Resolve a symlink at the target (REPLACE writes through it, as curl). */
static enum net_status resolve_target(struct cli_outfile *of, const char *target,
                                      struct stat *st, bool *exists,
                                      struct net_err *err)
{
    *exists = false;
    if (lstat(target, st) != 0) {
        if (errno != ENOENT)
            return sys_err(err, "cannot examine", target);
        of->target = strdup(target);
        return of->target ? NET_OK : net_err_set(err, NET_E_NOMEM, "out of memory");
    }
    *exists = true;
    if (S_ISLNK(st->st_mode)) {
        if (of->flags & CLI_OUT_NOFOLLOW)
            return net_err_set(err, NET_E_LOCAL_IO, "'%s' is a symbolic link (not followed)",
                               target);
        of->target = realpath(target, NULL);
        if (of->target == NULL)
            return sys_err(err, "cannot follow the symbolic link", target);
        if (stat(of->target, st) != 0)
            return sys_err(err, "cannot examine", of->target);
        return NET_OK;
    }
    of->target = strdup(target);
    return of->target ? NET_OK : net_err_set(err, NET_E_NOMEM, "out of memory");
}

static enum net_status open_in_place(struct cli_outfile *of, int extra, struct net_err *err)
{
    int fl = O_WRONLY | O_CLOEXEC | extra;
    if (of->flags & CLI_OUT_NOFOLLOW)
        fl |= O_NOFOLLOW;
    of->fd = open(of->target, fl);
    if (of->fd < 0)
        return sys_err(err, "cannot open", of->target);
    of->in_place = true;
    return NET_OK;
}

static enum net_status open_file(struct cli_outfile *of, const char *target,
                                 struct net_err *err)
{
    if (target == NULL || *target == '\0' || target[strlen(target) - 1] == '/')
        return net_err_set(err, NET_E_LOCAL_IO, "'%s' names no file", target ? target : "");
    if ((of->flags & CLI_OUT_CREATE_DIRS) && make_dirs(target, err) != NET_OK)
        return err->status;
    struct stat st;
    bool exists;
    if (resolve_target(of, target, &st, &exists, err) != NET_OK)
        return err->status;
    if (exists && of->mode == CLI_OUT_NEW)
        return net_err_set(err, NET_E_LOCAL_IO, "'%s' already exists (not overwritten)",
                           target);
    if (exists && S_ISDIR(st.st_mode))
        return net_err_set(err, NET_E_LOCAL_IO, "'%s' is a directory", target);
    if (of->mode == CLI_OUT_APPEND) {
        if (!exists)
            return net_err_set(err, NET_E_LOCAL_IO, "cannot append to '%s': no such file",
                               target);
        return open_in_place(of, O_APPEND, err);
    }
    if (exists && !S_ISREG(st.st_mode))
        return open_in_place(of, 0, err);   /* /dev/null, a FIFO: write through */
    return open_tmp(of, err);
}

enum net_status cli_outfile_open(struct cli_outfile *of, const char *target,
                                 enum cli_out_mode mode, unsigned flags,
                                 struct net_err *err)
{
    cli_outfile_init(of);
    of->mode = mode;
    of->flags = flags;
    if (mode == CLI_OUT_STDOUT) {
        of->fd = STDOUT_FILENO;
        of->in_place = true;
        return NET_OK;
    }
    mode_t m = umask(0);    /* read it (there is no other way), then put it back */
    umask(m);
    of->umask = m;
    enum net_status st = open_file(of, target, err);
    if (st != NET_OK)
        cli_outfile_abort(of);
    return st;
}

enum net_status cli_outfile_write(struct cli_outfile *of, const void *p, size_t n,
                                  struct net_err *err)
{
    const char *s = p;
    while (n > 0) {
        ssize_t w = write(of->fd, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            const char *name = of->tmp ? of->tmp : cli_outfile_name(of);
            return sys_err(err, "cannot write to", name);
        }
        s += w;
        n -= (size_t)w;
        of->written += (uint64_t)w;
    }
    return NET_OK;
}

int cli_outfile_sink(void *ctx, const char *p, size_t n)
{
    struct cli_outfile *of = ctx;
    return cli_outfile_write(of, p, n, &of->err) == NET_OK ? 0 : -1;
}

/* Move the temporary file to a target that must not exist. */
static int rename_noreplace(const char *tmp, const char *target)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
    if (link(tmp, target) == 0)
        return unlink(tmp) == 0 || errno == ENOENT ? 0 : -1;
    if (errno == EEXIST)
        return -1;
    /* no hard links here (FAT, some FUSE): claim the name, then replace
     * our own placeholder */
    int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    close(fd);
    if (rename(tmp, target) == 0)
        return 0;
    int e = errno;
    unlink(target);
    errno = e;
    return -1;
}

static enum net_status commit_tmp(struct cli_outfile *of, struct net_err *err)
{
    if (fchmod(of->fd, 0666 & ~of->umask) != 0)
        return sys_err(err, "cannot set the mode of", of->tmp);
    int fd = of->fd;
    of->fd = -1;
    if (close(fd) != 0)
        return sys_err(err, "cannot write to", of->tmp);
    if (of->mode == CLI_OUT_NEW) {
        if (rename_noreplace(of->tmp, of->target) != 0) {
            if (errno == EEXIST)
                return net_err_set(err, NET_E_LOCAL_IO,
                                   "'%s' appeared during the transfer (not overwritten)",
                                   of->target);
            return sys_err(err, "cannot create", of->target);
        }
    } else if (rename(of->tmp, of->target) != 0) {
        return sys_err(err, "cannot replace", of->target);
    }
    untrack(of->tmp);
    free(of->tmp);
    of->tmp = NULL;
    return NET_OK;
}

enum net_status cli_outfile_commit(struct cli_outfile *of, struct net_err *err)
{
    enum net_status st = NET_OK;
    if (of->mode == CLI_OUT_STDOUT) {
        of->fd = -1;
    } else if (of->tmp != NULL) {
        st = commit_tmp(of, err);
    } else if (of->fd >= 0) {
        int fd = of->fd;
        of->fd = -1;
        if (close(fd) != 0)
            st = sys_err(err, "cannot write to", of->target);
    }
    cli_outfile_abort(of);      /* frees; removes the temporary file on failure */
    return st;
}

void cli_outfile_abort(struct cli_outfile *of)
{
    if (of->fd >= 0 && of->mode != CLI_OUT_STDOUT)
        close(of->fd);
    of->fd = -1;
    if (of->tmp != NULL) {
        unlink(of->tmp);
        untrack(of->tmp);
        free(of->tmp);
        of->tmp = NULL;
    }
    free(of->target);
    of->target = NULL;
}
