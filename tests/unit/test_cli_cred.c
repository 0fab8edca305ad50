/* test_cli_cred.c - -u user:password splitting (and hiding it from ps),
 * and the password prompt on a terminal with echo off (a pseudo-terminal
 * made the controlling terminal of a child process). */
#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli/common/cred.h"

START_TEST(test_split)
{
    char arg[] = "bob:s3cret:x";
    char *user, *pass;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(cli_cred_split(arg, &user, &pass, &err), NET_OK);
    ck_assert_str_eq(user, "bob");
    ck_assert_str_eq(pass, "s3cret:x");
    ck_assert_str_eq(arg, "bob:********");     /* hidden from ps */
    free(user);
    cli_cred_free(pass);
    char arg2[] = "alice";
    ck_assert_int_eq(cli_cred_split(arg2, &user, &pass, &err), NET_OK);
    ck_assert_str_eq(user, "alice");
    ck_assert_ptr_null(pass);
    ck_assert_str_eq(arg2, "alice");
    free(user);
    char arg3[] = ":pw";
    ck_assert_int_eq(cli_cred_split(arg3, &user, &pass, &err), NET_OK);
    ck_assert_str_eq(user, "");
    ck_assert_str_eq(pass, "pw");
    free(user);
    cli_cred_free(pass);
    char arg4[] = "u:";
    ck_assert_int_eq(cli_cred_split(arg4, &user, &pass, &err), NET_OK);
    ck_assert_str_eq(pass, "");
    free(user);
    cli_cred_free(pass);
    cli_cred_free(NULL);
}
END_TEST

/* Read what the terminal shows until it is quiet for 200 ms (or want is in). */
static void read_screen(int master, char *buf, size_t cap, const char *want)
{
    size_t n = 0;
    struct pollfd pf = {.fd = master, .events = POLLIN};
    while (n + 1 < cap && poll(&pf, 1, 5000) == 1) {
        ssize_t r = read(master, buf + n, cap - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
        if (want != NULL && strstr(buf, want) != NULL)
            break;
    }
    buf[n] = '\0';
}

/* In a child with the pseudo-terminal as its controlling terminal: prompt,
 * and exit 0 when the password read was "s3cret", with echo back on. */
static void child(const char *slave_name)
{
    if (setsid() < 0)
        _exit(10);
    int fd = open(slave_name, O_RDWR);      /* becomes the controlling tty */
    if (fd < 0)
        _exit(11);
    ioctl(fd, TIOCSCTTY, 0);
    char *pw = NULL;
    struct net_err err;
    net_err_clear(&err);
    if (cli_cred_prompt("Password for bob:", &pw, &err) != NET_OK)
        _exit(12);
    struct termios t;
    if (tcgetattr(fd, &t) != 0 || !(t.c_lflag & ECHO))
        _exit(13);
    int ok = strcmp(pw, "s3cret") == 0;
    cli_cred_free(pw);
    _exit(ok ? 0 : 14);
}

START_TEST(test_prompt_echo_off)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(master, 0);
    ck_assert_int_eq(grantpt(master), 0);
    ck_assert_int_eq(unlockpt(master), 0);
    char name[64];
    snprintf(name, sizeof name, "%s", ptsname(master));
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        child(name);
    char screen[512];
    read_screen(master, screen, sizeof screen, "Password for bob:");
    ck_assert_msg(strstr(screen, "Password for bob:") != NULL, "screen: %s", screen);
    ck_assert_int_eq(write(master, "s3cret\n", 7), 7);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
    read_screen(master, screen, sizeof screen, "\n");
    ck_assert_msg(strstr(screen, "s3cret") == NULL, "echoed: %s", screen);
    close(master);
}
END_TEST

START_TEST(test_prompt_without_terminal)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setsid();       /* no controlling terminal: /dev/tty cannot open */
        char *pw = (char *)1;
        struct net_err err;
        net_err_clear(&err);
        enum net_status st = cli_cred_prompt("pw:", &pw, &err);
        _exit(st == NET_E_USAGE && pw == NULL && strstr(err.text, "no terminal") ? 0 : 1);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

static Suite *cred_suite(void)
{
    Suite *s = suite_create("cli_cred");
    TCase *tc = tcase_create("cred");
    tcase_set_timeout(tc, 15);
    tcase_add_test(tc, test_split);
    tcase_add_test(tc, test_prompt_echo_off);
    tcase_add_test(tc, test_prompt_without_terminal);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cred_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
