/*
 * outfile.h - safe output files for every net-* tool that saves a download.
 *
 * Contract:
 *  - CLI_OUT_NEW and CLI_OUT_REPLACE write to a temporary file created
 *    beside the target, named ".<target's name>.XXXXXX" (mkostemp: O_EXCL,
 *    mode 0600 while open), and only cli_outfile_commit() makes the target
 *    appear: fchmod to 0666 & ~umask, then rename into place. Until then,
 *    and after cli_outfile_abort() (which unlinks the temporary file and
 *    nothing else), no file at the target's name looks complete.
 *  - CLI_OUT_NEW never replaces anything: cli_outfile_check() refuses an
 *    existing target before any network traffic, and the commit uses
 *    renameat2(RENAME_NOREPLACE) (or link() + unlink(), or an O_EXCL
 *    placeholder on file systems without either), so a file that appeared
 *    during the transfer is not overwritten: the commit fails and the
 *    temporary file is removed.
 *  - CLI_OUT_REPLACE replaces the target at commit (a symlink at the target
 *    is followed, as curl writes through it, unless CLI_OUT_NOFOLLOW).
 *  - CLI_OUT_APPEND (resume, -C) appends in place to an existing file: what
 *    arrived stays even when the transfer fails, and the file is never
 *    renamed; the tool's exit code says whether it is complete.
 *  - An existing target that is not a regular file (/dev/null, a FIFO) is
 *    written in place, opened without O_CREAT or O_TRUNC (CLI_OUT_NEW still
 *    refuses it). CLI_OUT_STDOUT writes to descriptor 1.
 *  - Writes go straight to the descriptor with write() (short writes and
 *    EINTR handled), never through stdio: this is the bulk-download path.
 *  - Errors are NET_E_LOCAL_IO (NET_E_NOMEM) with a text naming the file and
 *    the system's reason. No function here prints.
 */
#ifndef CLI_OUTFILE_H
#define CLI_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libnet/status.h"

/* Temporary files removed on a fatal signal: a tool has its body file and
 * a header dump open at once, pipelining a few more. */
#define CLI_OUT_TMP_TRACKED 8

enum cli_out_mode {
    CLI_OUT_NEW,        /* the target must not exist, now or at commit */
    CLI_OUT_REPLACE,    /* replace the target at commit */
    CLI_OUT_APPEND,     /* append in place to the existing target */
    CLI_OUT_STDOUT      /* descriptor 1 */
};

enum cli_out_flags {
    CLI_OUT_CREATE_DIRS = 1 << 0,   /* make missing directories (--create-dirs) */
    CLI_OUT_NOFOLLOW = 1 << 1       /* never follow a symlink at the target */
};

struct cli_outfile {
    int fd;                 /* -1 when closed */
    enum cli_out_mode mode;
    unsigned flags;
    bool in_place;          /* writing to the target itself */
    char *target;           /* the path to commit to (symlink resolved) */
    char *tmp;              /* the temporary file, or NULL */
    mode_t umask;           /* the process's, read at open */
    uint64_t written;       /* bytes written since open */
    struct net_err err;     /* the sink's failure, for cli_outfile_sink */
};

/* A closed outfile (safe to abort or commit: both do nothing). */
void cli_outfile_init(struct cli_outfile *of);
/*
 * Before any network traffic: CLI_OUT_NEW refuses an existing target
 * (NET_E_LOCAL_IO, "already exists"). *exists and *size (either may be NULL)
 * tell whether the target exists and its size (for resuming).
 */
enum net_status cli_outfile_check(const char *target, enum cli_out_mode mode,
                                  bool *exists, uint64_t *size,
                                  struct net_err *err);
/* Open for writing as described above (target ignored for CLI_OUT_STDOUT). */
enum net_status cli_outfile_open(struct cli_outfile *of, const char *target,
                                 enum cli_out_mode mode, unsigned flags,
                                 struct net_err *err);
enum net_status cli_outfile_write(struct cli_outfile *of, const void *p, size_t n,
                                  struct net_err *err);
/* A net_sink_fn over cli_outfile_write (ctx: the outfile); on failure it
 * returns -1 and keeps the error in of->err. */
int cli_outfile_sink(void *ctx, const char *p, size_t n);
/* Make the output final (see above) and close it. */
enum net_status cli_outfile_commit(struct cli_outfile *of, struct net_err *err);
/* Close it; remove the temporary file if there is one. */
void cli_outfile_abort(struct cli_outfile *of);
/*
 * Remove the temporary files of open outfiles when the process is killed by
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT or SIGPIPE (then die of the same signal):
 * an interrupted download leaves nothing behind. Call once, early. At most
 * CLI_OUT_TMP_TRACKED temporary files are tracked at once.
 */
void cli_outfile_cleanup_on_signals(void);
/* The path the user will see ("-" for standard output). */
const char *cli_outfile_name(const struct cli_outfile *of);

#endif
