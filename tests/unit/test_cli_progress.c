/* test_cli_progress.c - the progress bar: its text, no bar off a terminal,
 * none before the delay, drawn on a terminal (a pseudo-terminal here) and
 * finished with a newline. */
#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/common/progress.h"

START_TEST(test_format_known_total)
{
    char buf[CLI_PROGRESS_LINE_MAX + 1];
    cli_progress_format(buf, 80, 512u << 20, 1024u << 20, 0, 2000);
    ck_assert_uint_eq(strlen(buf), 79);
    ck_assert_msg(strstr(buf, " 50.0%  512.0 MiB / 1.0 GiB  256.0 MiB/s  ETA 0:02") != NULL,
                  "%s", buf);
    ck_assert(buf[0] == '[' && strchr(buf, ']') != NULL);
    /* half the bar filled */
    size_t bar = (size_t)(strchr(buf, ']') - buf - 1), fill = strspn(buf + 1, "#");
    ck_assert_uint_eq(fill, bar / 2);
    cli_progress_format(buf, 80, 100, 100, 0, 10);
    ck_assert_ptr_nonnull(strstr(buf, "100.0%"));
    ck_assert_ptr_nonnull(strstr(buf, "ETA done"));
    /* narrow terminal: numbers only, cut to the width */
    cli_progress_format(buf, 20, 1, 100, 0, 10);
    ck_assert_uint_eq(strlen(buf), 19);
    ck_assert(buf[0] != '[');
}
END_TEST

START_TEST(test_format_resume_and_unknown)
{
    char buf[CLI_PROGRESS_LINE_MAX + 1];
    /* 600 bytes before, 200 now: 80%, but the rate counts only the 200 */
    cli_progress_format(buf, 120, 200, 1000, 600, 1000);
    ck_assert_msg(strstr(buf, " 80.0%  800 B / 1000 B  200 B/s  ETA 0:01") != NULL, "%s", buf);
    cli_progress_format(buf, 120, 3u << 20, 0, 0, 3000);
    ck_assert_str_eq(buf, "3.0 MiB  1.0 MiB/s  0:03");
    cli_progress_format(buf, 120, 0, 0, 0, 0);
    ck_assert_str_eq(buf, "0 B  0 B/s  0:00");
    cli_progress_format(buf, 120, 1, 1000, 0, 1000);
    ck_assert_ptr_nonnull(strstr(buf, "ETA 16:39"));
    cli_progress_format(buf, 120, 1, UINT64_C(1) << 40, 0, 1000);
    ck_assert_ptr_nonnull(strstr(buf, "ETA >99h"));
}
END_TEST

START_TEST(test_no_bar_off_terminal)
{
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    struct cli_progress p;
    cli_progress_start(&p, true, pfd[1], 100, 0);
    ck_assert(!p.enabled);
    p.started -= 10 * CLI_PROGRESS_DELAY_MS;
    for (int i = 0; i < 100; i++)
        cli_progress_update(&p, 1u << 20);
    cli_progress_end(&p);
    close(pfd[1]);
    char b;
    ck_assert_int_eq(read(pfd[0], &b, 1), 0);     /* nothing at all */
    close(pfd[0]);
}
END_TEST

/* A pseudo-terminal: *master to read, returns the terminal's fd. */
static int open_pty(int *master)
{
    *master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(*master, 0);
    ck_assert_int_eq(grantpt(*master), 0);
    ck_assert_int_eq(unlockpt(*master), 0);
    int fd = open(ptsname(*master), O_RDWR | O_NOCTTY);
    ck_assert_int_ge(fd, 0);
    return fd;
}

static size_t drain(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    while (n + 1 < cap && poll(&pf, 1, 100) == 1) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    return n;
}

START_TEST(test_bar_on_terminal)
{
    int master, tty = open_pty(&master);
    struct cli_progress p;
    char buf[4096];
    /* disabled by the tool: nothing even on a terminal */
    cli_progress_start(&p, false, tty, 100, 0);
    ck_assert(!p.enabled);
    /* enabled, but within the delay: nothing */
    cli_progress_start(&p, true, tty, 10u << 20, 0);
    ck_assert(p.enabled);
    p.started += 3600 * 1000;       /* however slow the machine, still "early" */
    for (int i = 0; i < 4; i++)
        cli_progress_update(&p, 1u << 20);
    ck_assert_uint_eq(drain(master, buf, sizeof buf), 0);
    /* past the delay: drawn once, then not again within the interval */
    p.started = net_now() - 2 * CLI_PROGRESS_DELAY_MS;
    cli_progress_update(&p, 1u << 20);
    ck_assert(p.shown);
    size_t n = drain(master, buf, sizeof buf);
    ck_assert_uint_gt(n, 0);
    ck_assert_int_eq(buf[0], '\r');
    ck_assert_msg(strstr(buf, " 50.0%") != NULL, "%s", buf);
    p.last_draw += 3600 * 1000;     /* "just drawn", deterministically */
    for (int i = 0; i < 2; i++)
        cli_progress_update(&p, 1u << 20);
    ck_assert_uint_eq(drain(master, buf, sizeof buf), 0);
    /* the end: redrawn and finished with a newline */
    p.bytes = 10u << 20;
    cli_progress_end(&p);
    n = drain(master, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "100.0%") != NULL, "%s", buf);
    ck_assert(n >= 2 && (buf[n - 1] == '\n'));
    ck_assert(!p.shown);
    close(tty);
    close(master);
}
END_TEST

START_TEST(test_clock_read_rarely)
{
    int master, tty = open_pty(&master);
    struct cli_progress p;
    cli_progress_start(&p, true, tty, 0, 0);
    p.started -= 2 * CLI_PROGRESS_DELAY_MS;
    /* small spans: the clock is read only every CLI_PROGRESS_CHECK_CALLS */
    for (int i = 0; i < CLI_PROGRESS_CHECK_CALLS - 1; i++)
        cli_progress_update(&p, 10);
    ck_assert(!p.shown);
    cli_progress_update(&p, 10);
    ck_assert(p.shown);
    char buf[512];
    drain(master, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "80 B") != NULL, "%s", buf);
    cli_progress_end(&p);
    close(tty);
    close(master);
}
END_TEST

static Suite *progress_suite(void)
{
    Suite *s = suite_create("cli_progress");
    TCase *tc = tcase_create("progress");
    tcase_add_test(tc, test_format_known_total);
    tcase_add_test(tc, test_format_resume_and_unknown);
    tcase_add_test(tc, test_no_bar_off_terminal);
    tcase_add_test(tc, test_bar_on_terminal);
    tcase_add_test(tc, test_clock_read_rarely);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(progress_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
