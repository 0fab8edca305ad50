/* cred.c - -u user:password and the password prompt (contract in cred.h). */
#include "cli/common/cred.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Signals that restore the terminal before they take effect. */
static const int prompt_signals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};
#define NSIGNALS (sizeof prompt_signals / sizeof prompt_signals[0])

/* The signal that interrupted the prompt (0: none); set by the handler. */
static volatile sig_atomic_t caught_signal;

static void on_signal(int sig) { caught_signal = sig; }

enum net_status cli_cred_split(char *arg, char **user, char **password,
                               struct net_err *err)
{
    *user = *password = NULL;
    char *colon = strchr(arg, ':');
    size_t ulen = colon ? (size_t)(colon - arg) : strlen(arg);
    *user = strndup(arg, ulen);
    if (*user == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory");
    if (colon != NULL) {
        *password = strdup(colon + 1);
        if (*password == NULL) {
            free(*user);
            *user = NULL;
            return net_err_set(err, NET_E_NOMEM, "out of memory");
        }
        memset(colon + 1, '*', strlen(colon + 1));
    }
    return NET_OK;
}

bool cli_cred_can_prompt(void) { return isatty(STDIN_FILENO) == 1; }

void cli_cred_free(char *secret)
{
    if (secret == NULL)
        return;
    explicit_bzero(secret, strlen(secret));
    free(secret);
}

/* Read one line from fd into buf (cap bytes, NUL-terminated); -1 on error
 * or interruption, -2 when too long. */
static int read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR && caught_signal == 0)
            continue;
        if (r < 0)
            return -1;
        if (r == 0 || c == '\n')
            break;
        if (n + 1 >= cap)
            return -2;
        buf[n++] = c;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return 0;
}

enum net_status cli_cred_prompt(const char *prompt, char **out, struct net_err *err)
{
    *out = NULL;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return net_err_set(err, NET_E_USAGE, "no terminal to ask for the password on");
    struct termios old, quiet;
    if (tcgetattr(fd, &old) != 0) {
        close(fd);
        return net_err_set(err, NET_E_USAGE, "cannot turn off echo on the terminal");
    }
    struct sigaction sa = {.sa_handler = on_signal}, saved[NSIGNALS];
    sigemptyset(&sa.sa_mask);
    caught_signal = 0;
    for (size_t i = 0; i < NSIGNALS; i++)
        sigaction(prompt_signals[i], &sa, &saved[i]);   /* no SA_RESTART: read stops */
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    tcsetattr(fd, TCSAFLUSH, &quiet);   /* echo off before the prompt shows */
    ssize_t w = write(fd, prompt, strlen(prompt));
    (void)w;
    char buf[CLI_CRED_MAX + 1];
    int rc = read_line(fd, buf, sizeof buf);
    tcsetattr(fd, TCSAFLUSH, &old);
    w = write(fd, "\n", 1);
    close(fd);
    for (size_t i = 0; i < NSIGNALS; i++)
        sigaction(prompt_signals[i], &saved[i], NULL);
    if (caught_signal != 0) {
        explicit_bzero(buf, sizeof buf);
        raise(caught_signal);
        return net_err_set(err, NET_E_USAGE, "password prompt interrupted");
    }
    if (rc != 0) {
        explicit_bzero(buf, sizeof buf);
        if (rc == -2)
            return net_err_set(err, NET_E_USAGE, "password longer than %d bytes", CLI_CRED_MAX);
        return net_err_set(err, NET_E_USAGE, "cannot read the password from the terminal");
    }
    *out = strdup(buf);
    explicit_bzero(buf, sizeof buf);
    if (*out == NULL)
        return net_err_set(err, NET_E_NOMEM, "out of memory");
    return NET_OK;
}
