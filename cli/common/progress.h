/*
 * progress.h - the progress bar of every net-* tool, on stderr.
 *
 * Contract:
 *  - cli_progress_start() decides once whether the bar may appear: only when
 *    enabled by the tool (not -s, output not a terminal on stdout) and fd
 *    (stderr) is a terminal. A disabled bar costs one branch per update.
 *  - The bar is drawn only once the transfer has run for more than
 *    CLI_PROGRESS_DELAY_MS (short transfers never flicker) and then at most
 *    every CLI_PROGRESS_INTERVAL_MS. cli_progress_update() reads the clock
 *    only every CLI_PROGRESS_CHECK_CALLS calls or CLI_PROGRESS_CHECK_BYTES
 *    bytes, so it is cheap on the bulk path.
 *  - With a known total: percent, bytes, rate and time left; without: bytes
 *    and rate. base is what was there before (a resumed file): it counts in
 *    the bytes and percent but not in the rate.
 *  - cli_progress_end() finishes a line that was drawn (one final redraw and
 *    a newline); nothing when the bar never appeared.
 *  - Writes use write(2) on fd, one whole line per draw; errors are ignored.
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "libnet/clock.h"

/* No bar for transfers shorter than this: no flicker on small files. */
#define CLI_PROGRESS_DELAY_MS 1000
/* Redraw at most five times a second: readable, and cheap on a slow tty. */
#define CLI_PROGRESS_INTERVAL_MS 200
/* Read the clock at most once per this many updates (a slow transfer of
 * small spans still redraws every few seconds) ... */
#define CLI_PROGRESS_CHECK_CALLS 8
/* ... or per this many bytes, whichever comes first. */
#define CLI_PROGRESS_CHECK_BYTES (1u << 20)
/* Longest line drawn (a terminal wider than this gets this much). */
#define CLI_PROGRESS_LINE_MAX 160

struct cli_progress {
    bool enabled;           /* decided at start */
    bool shown;             /* a line is on the screen */
    int fd;
    uint64_t total;         /* 0: unknown */
    uint64_t base;          /* bytes there before (resume) */
    uint64_t bytes;         /* bytes this transfer */
    uint64_t next_check;    /* bytes at which to read the clock */
    unsigned calls;         /* updates since the last clock read */
    net_ms started, last_draw;
};

/* Start a transfer. enabled: the tool allows a bar (not -s, ...). */
void cli_progress_start(struct cli_progress *p, bool enabled, int fd,
                        uint64_t total, uint64_t base);
/* The total became known (a Content-Length), or 0. */
void cli_progress_total(struct cli_progress *p, uint64_t total);
/* n more bytes moved. */
void cli_progress_update(struct cli_progress *p, uint64_t n);
/* The transfer is over. */
void cli_progress_end(struct cli_progress *p);
/*
 * Format the bar for the given state into buf (for tests and the drawing
 * code): width columns at most, no line ending. Returns buf.
 */
char *cli_progress_format(char *buf, unsigned width, uint64_t done, uint64_t total,
                          uint64_t base, net_ms elapsed_ms);

#endif
