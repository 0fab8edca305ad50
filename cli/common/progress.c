/* progress.c - the progress bar (contract in progress.h). */
#include "cli/common/progress.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Width used when the terminal does not say. */
#define DEFAULT_WIDTH 80
/* Narrowest bar worth drawing; below it only the numbers are shown. */
#define BAR_MIN 10

static unsigned term_width(int fd)
{
    struct winsize ws;
    unsigned w = DEFAULT_WIDTH;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        w = ws.ws_col;
    if (w > CLI_PROGRESS_LINE_MAX)
        w = CLI_PROGRESS_LINE_MAX;
    return w;
}

void cli_progress_start(struct cli_progress *p, bool enabled, int fd,
                        uint64_t total, uint64_t base)
{
    memset(p, 0, sizeof *p);
    p->enabled = enabled && isatty(fd);
    p->fd = fd;
    p->total = total;
    p->base = base;
    if (p->enabled) {
        p->started = net_now();
        p->next_check = CLI_PROGRESS_CHECK_BYTES;
    }
}

void cli_progress_total(struct cli_progress *p, uint64_t total)
{
    p->total = total;
}

/* "12.3 MiB" */
static void human(char *buf, size_t size, double v)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    unsigned u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, size, "%.0f %s", v, units[u]);
    else
        snprintf(buf, size, "%.1f %s", v, units[u]);
}

/* "1:02:03" or "2:03" */
static void clock_str(char *buf, size_t size, uint64_t s)
{
    if (s >= 100 * 3600)
        snprintf(buf, size, ">99h");
    else if (s >= 3600)
        snprintf(buf, size, "%u:%02u:%02u", (unsigned)(s / 3600), (unsigned)(s / 60 % 60),
                 (unsigned)(s % 60));
    else
        snprintf(buf, size, "%u:%02u", (unsigned)(s / 60), (unsigned)(s % 60));
}

char *cli_progress_format(char *buf, unsigned width, uint64_t done, uint64_t total,
                          uint64_t base, net_ms elapsed_ms)
{
    char have[24], all[24], rate[24], t[16], text[CLI_PROGRESS_LINE_MAX + 1];
    double secs = elapsed_ms > 0 ? (double)elapsed_ms / 1000.0 : 0.001;
    double bps = (double)done / secs;
    uint64_t now = base + done;
    human(have, sizeof have, (double)now);
    human(rate, sizeof rate, bps);
    if (width > CLI_PROGRESS_LINE_MAX)
        width = CLI_PROGRESS_LINE_MAX;
    if (total > 0) {
        double frac = now >= total ? 1.0 : (double)now / (double)total;
        human(all, sizeof all, (double)total);
        if (now >= total)
            snprintf(t, sizeof t, "done");
        else if (bps < 1)
            snprintf(t, sizeof t, "--:--");
        else
            clock_str(t, sizeof t, (uint64_t)((double)(total - now) / bps));
        snprintf(text, sizeof text, " %5.1f%%  %s / %s  %s/s  ETA %s", frac * 100.0, have,
                 all, rate, t);
        size_t tl = strlen(text);
        if (width > tl + BAR_MIN + 3) {
            unsigned bar = width - 1 - (unsigned)tl - 2;
            unsigned fill = (unsigned)(frac * bar);
            buf[0] = '[';
            memset(buf + 1, '#', fill);
            memset(buf + 1 + fill, ' ', bar - fill);
            buf[1 + bar] = ']';
            memcpy(buf + 2 + bar, text, tl + 1);
            return buf;
        }
    } else {
        clock_str(t, sizeof t, (uint64_t)secs);
        snprintf(text, sizeof text, "%s  %s/s  %s", have, rate, t);
    }
    size_t tl = strlen(text);
    if (tl + 1 > width)
        tl = width > 0 ? width - 1 : 0;
    memcpy(buf, text, tl);
    buf[tl] = '\0';
    return buf;
}

static void draw(struct cli_progress *p, net_ms now)
{
    char line[CLI_PROGRESS_LINE_MAX + 2];
    unsigned w = term_width(p->fd);
    line[0] = '\r';
    cli_progress_format(line + 1, w, p->bytes, p->total, p->base, now - p->started);
    size_t n = strlen(line);
    while (n < (size_t)w && n < sizeof line - 1)
        line[n++] = ' ';        /* cover what a longer line left */
    if (n > (size_t)w)
        n = w;
    ssize_t r = write(p->fd, line, n);
    (void)r;
    p->shown = true;
    p->last_draw = now;
}

void cli_progress_update(struct cli_progress *p, uint64_t n)
{
    if (!p->enabled)
        return;
    p->bytes += n;
    if (++p->calls < CLI_PROGRESS_CHECK_CALLS && p->bytes < p->next_check)
        return;
    p->calls = 0;
    p->next_check = p->bytes + CLI_PROGRESS_CHECK_BYTES;
    net_ms now = net_now();
    if (now - p->started <= CLI_PROGRESS_DELAY_MS)
        return;
    if (p->shown && now - p->last_draw < CLI_PROGRESS_INTERVAL_MS)
        return;
    draw(p, now);
}

void cli_progress_end(struct cli_progress *p)
{
    if (!p->enabled || !p->shown)
        return;
    draw(p, net_now());
    ssize_t r = write(p->fd, "\n", 1);
    (void)r;
    p->shown = false;
}
