/*
 * dlg-client - a scripted client for the fixture self-tests (fixtures/test/).
 *
 *   dlg-client PORT ACTION...
 *
 * Connects to 127.0.0.1:PORT and runs the actions in order; the first that
 * fails prints why on stderr and exits 1 (2: usage). TEXT takes transcript
 * escapes (\r \n \t \0 \\ \xHH \{).
 *
 *   send:TEXT        send TEXT as is (add \r\n for a line)
 *   line:TEXT        read a line ending in CR LF; it must be TEXT
 *   line-prefix:TEXT read a line ending in CR LF; it must start with TEXT
 *   raw:TEXT         read exactly the bytes of TEXT; they must be TEXT
 *   bytes:N[:HH]     read N bytes, each HH (hex, default 78)
 *   tls, starttls    TLS handshake now (CA tests/certs/ca.pem, name 127.0.0.1)
 *   sleep:MS         wait
 *   timer, min-ms:N  start a timer; fail if less than N ms have passed since
 *   close, connect   close the connection; open a new one
 *   expect-eof       the server must close (end of stream)
 *   expect-reset     the server must reset the connection
 *   pasv, epsv       open the data connection to the port in the last line read
 *   port, eprt       listen for the data connection and send PORT / EPRT
 *   port-to:A.B.C.D  send a PORT naming that address (for hostile tests)
 *   data-tls         TLS on the data connection
 *   data-read:N      read the data connection to its end: exactly N bytes
 *   data-text:TEXT   read the data connection to its end: exactly TEXT
 *   data-send:N[:HH] send N bytes (default "x") and close the data connection
 *   data-close       close the data connection
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libnet/conn.h"
#include "protocols/fixture/transcript.h"

/* Longest decoded TEXT and longest line kept for pasv/epsv. */
#define DC_TEXT_MAX 4096
/* Each wait: the replay answers in milliseconds, so 5 s means stuck. */
#define DC_TIMEOUT_MS 5000
#define DC_HOST "127.0.0.1"
#define DC_CA "tests/certs/ca.pem"

struct dc {
    unsigned short port;
    struct net_conn *c, *data;
    int data_lfd;
    struct net_tls_ctx *tls;
    struct net_tls_opts tls_opts;
    char last[DC_TEXT_MAX];     /* the last line read */
    net_ms timer;
    const char *action;
};

static void die(struct dc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void die(struct dc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "dlg-client: %s: ", d->action);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static struct net_conn_opts conn_opts(void)
{
    return (struct net_conn_opts){
        .connect_timeout_ms = DC_TIMEOUT_MS,
        .idle_timeout_ms = DC_TIMEOUT_MS,
        .resolve = {.kind = NET_RESOLVER_SYSTEM},
    };
}

static struct net_conn *open_conn(struct dc *d, unsigned short port)
{
    struct net_conn_opts o = conn_opts();
    struct net_conn *c;
    struct net_err err;
    if (net_conn_open(DC_HOST, port, &o, &c, &err) != NET_OK)
        die(d, "%s", err.text);
    return c;
}

static struct net_conn *ctl(struct dc *d)
{
    if (d->c == NULL)
        die(d, "no connection (closed)");
    return d->c;
}

static size_t text_arg(struct dc *d, const char *s, char *out)
{
    size_t n = strlen(s), len;
    struct net_err err;
    if (n > DC_TEXT_MAX)
        die(d, "text too long");
    if (net_transcript_unescape(s, n, out, &len, &err) != NET_OK)
        die(d, "%s", err.text);
    return len;
}

/* "N" or "N:HH" */
static void count_arg(struct dc *d, const char *s, unsigned long *n, unsigned char *fill)
{
    char *end;
    *n = strtoul(s, &end, 10);
    *fill = 'x';
    if (end == s || (*end != '\0' && *end != ':'))
        die(d, "bad count");
    if (*end == ':') {
        unsigned long h = strtoul(end + 1, &end, 16);
        if (*end != '\0' || h > 255)
            die(d, "bad hex byte");
        *fill = (unsigned char)h;
    }
}

static void tls_on(struct dc *d, struct net_conn *c)
{
    struct net_err err;
    if (d->tls == NULL && net_tls_ctx_new(&d->tls_opts, &d->tls, &err) != NET_OK)
        die(d, "%s", err.text);
    if (net_conn_starttls(c, DC_HOST, &d->tls_opts, d->tls) != NET_OK)
        die(d, "%s", net_conn_err(c)->text);
}

/* ---- control connection ---- */

static void do_line(struct dc *d, const char *arg, bool prefix)
{
    char want[DC_TEXT_MAX];
    size_t n = text_arg(d, arg, want);
    struct net_line ln;
    if (net_conn_read_line(ctl(d), 0, &ln) != NET_OK)
        die(d, "%s", net_conn_err(d->c)->text);
    size_t k = ln.len < sizeof d->last - 1 ? ln.len : sizeof d->last - 1;
    memcpy(d->last, ln.p, k);
    d->last[k] = '\0';
    if (!ln.crlf || ln.len < n || (!prefix && ln.len != n) || memcmp(ln.p, want, n) != 0)
        die(d, "received \"%s\"%s", d->last, ln.crlf ? "" : " (bare LF)");
}

static void do_raw(struct dc *d, const char *want, size_t n)
{
    char *got = malloc(n ? n : 1);
    if (got == NULL)
        die(d, "out of memory");
    if (net_conn_read_exact(ctl(d), got, n) != NET_OK)
        die(d, "%s", net_conn_err(d->c)->text);
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i])
            die(d, "byte %zu is 0x%02x, expected 0x%02x", i, (unsigned char)got[i],
                (unsigned char)want[i]);
    free(got);
}

static void do_expect_end(struct dc *d, enum net_status want)
{
    enum net_status st = net_conn_fill(ctl(d));
    if (st == NET_OK) {
        size_t n;
        net_conn_data(d->c, &n);
        die(d, "received %zu more bytes", n);
    }
    if (st != want)
        die(d, "%s (%s)", net_status_name(st), net_conn_err(d->c)->text);
}

/* ---- data connection ---- */

static void open_data_passive(struct dc *d, bool epsv)
{
    unsigned v[6], port;
    const char *p = strchr(d->last, '(');
    if (p == NULL)
        die(d, "no '(' in the last line \"%s\"", d->last);
    if (epsv ? sscanf(p, "(|||%u|)", &port) != 1
             : sscanf(p, "(%u,%u,%u,%u,%u,%u)", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        die(d, "cannot parse \"%s\"", d->last);
    if (!epsv)
        port = v[4] * 256 + v[5];
    if (port == 0 || port > 65535)
        die(d, "bad port %u", port);
    d->data = open_conn(d, (unsigned short)port);
}

static void do_port(struct dc *d, const char *host, bool eprt)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&a, len) != 0 || listen(s, 1) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) != 0)
        die(d, "cannot listen");
    d->data_lfd = s;
    unsigned port = ntohs(a.sin_port);
    char cmd[128];
    if (eprt) {
        snprintf(cmd, sizeof cmd, "EPRT |1|%s|%u|\r\n", DC_HOST, port);
    } else {
        unsigned h[4];
        if (sscanf(host, "%u.%u.%u.%u", &h[0], &h[1], &h[2], &h[3]) != 4)
            die(d, "bad address");
        snprintf(cmd, sizeof cmd, "PORT %u,%u,%u,%u,%u,%u\r\n", h[0], h[1], h[2], h[3],
                 port >> 8, port & 255);
    }
    if (net_conn_write(ctl(d), cmd, strlen(cmd)) != NET_OK)
        die(d, "%s", net_conn_err(d->c)->text);
}

static struct net_conn *data(struct dc *d)
{
    if (d->data != NULL)
        return d->data;
    if (d->data_lfd < 0)
        die(d, "no data connection");
    struct pollfd p = {.fd = d->data_lfd, .events = POLLIN};
    if (poll(&p, 1, DC_TIMEOUT_MS) != 1)
        die(d, "the server did not connect to the data port");
    int fd = accept(d->data_lfd, NULL, NULL);
    close(d->data_lfd);
    d->data_lfd = -1;
    struct net_conn_opts o = conn_opts();
    struct net_err err;
    if (fd < 0 || net_conn_accept(fd, &o, &d->data, &err) != NET_OK)
        die(d, "cannot accept the data connection");
    return d->data;
}

struct acc {
    char *buf;
    size_t len, cap;    /* len counts every byte; buf keeps the first cap */
};

static int count_sink(void *ctx, const char *p, size_t n)
{
    struct acc *acc = ctx;
    size_t room = acc->len < acc->cap ? acc->cap - acc->len : 0;
    size_t k = n < room ? n : room;
    memcpy(acc->buf + acc->len, p, k);
    acc->len += n;
    return 0;
}

/* Read the data connection to its end; *n counts, buf keeps the first cap bytes. */
static size_t data_read_all(struct dc *d, char *buf, size_t cap)
{
    struct acc acc = {buf, 0, cap};
    if (net_conn_stream(data(d), NET_CONN_TO_EOF, count_sink, &acc) != NET_OK)
        die(d, "%s", net_conn_err(d->data)->text);
    net_conn_close(d->data);
    d->data = NULL;
    return acc.len;
}

static void data_send(struct dc *d, const char *arg)
{
    unsigned long n;
    unsigned char fill;
    count_arg(d, arg, &n, &fill);
    char chunk[4096];
    memset(chunk, fill, sizeof chunk);
    struct net_conn *c = data(d);
    for (unsigned long left = n; left > 0;) {
        size_t k = left < sizeof chunk ? left : sizeof chunk;
        if (net_conn_write(c, chunk, k) != NET_OK)
            die(d, "%s", net_conn_err(c)->text);
        left -= k;
    }
    net_conn_close(c);
    d->data = NULL;
}

/* ---- actions ---- */

static bool is(const char *a, const char *name, const char **arg)
{
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return false;
    if (a[n] == '\0' && arg == NULL)
        return true;
    if (a[n] == ':' && arg != NULL) {
        *arg = a + n + 1;
        return true;
    }
    return false;
}

static bool control_action(struct dc *d, const char *a)
{
    const char *arg;
    char buf[DC_TEXT_MAX];
    if (is(a, "send", &arg)) {
        size_t n = text_arg(d, arg, buf);
        if (net_conn_write(ctl(d), buf, n) != NET_OK)
            die(d, "%s", net_conn_err(d->c)->text);
    } else if (is(a, "line", &arg)) {
        do_line(d, arg, false);
    } else if (is(a, "line-prefix", &arg)) {
        do_line(d, arg, true);
    } else if (is(a, "raw", &arg)) {
        do_raw(d, buf, text_arg(d, arg, buf));
    } else if (is(a, "bytes", &arg)) {
        unsigned long n;
        unsigned char fill;
        count_arg(d, arg, &n, &fill);
        char *want = malloc(n ? n : 1);
        if (want == NULL)
            die(d, "out of memory");
        memset(want, fill, n);
        do_raw(d, want, n);
        free(want);
    } else if (is(a, "tls", NULL) || is(a, "starttls", NULL)) {
        tls_on(d, ctl(d));
    } else if (is(a, "close", NULL)) {
        net_conn_close(ctl(d));
        d->c = NULL;
    } else if (is(a, "connect", NULL)) {
        d->c = open_conn(d, d->port);
    } else if (is(a, "expect-eof", NULL)) {
        do_expect_end(d, NET_E_CLOSED);
    } else if (is(a, "expect-reset", NULL)) {
        do_expect_end(d, NET_E_RESET);
    } else {
        return false;
    }
    return true;
}

static bool other_action(struct dc *d, const char *a)
{
    const char *arg;
    char buf[DC_TEXT_MAX];
    if (is(a, "sleep", &arg)) {
        poll(NULL, 0, atoi(arg));
    } else if (is(a, "timer", NULL)) {
        d->timer = net_now();
    } else if (is(a, "min-ms", &arg)) {
        if (net_now() - d->timer < atol(arg))
            die(d, "only %lld ms passed", (long long)(net_now() - d->timer));
    } else if (is(a, "pasv", NULL) || is(a, "epsv", NULL)) {
        open_data_passive(d, a[0] == 'e');
    } else if (is(a, "port", NULL) || is(a, "eprt", NULL)) {
        do_port(d, DC_HOST, a[0] == 'e');
    } else if (is(a, "port-to", &arg)) {
        do_port(d, arg, false);
    } else if (is(a, "data-tls", NULL)) {
        tls_on(d, data(d));
    } else if (is(a, "data-read", &arg)) {
        size_t got = data_read_all(d, buf, sizeof buf);
        if (got != strtoul(arg, NULL, 10))
            die(d, "received %zu bytes", got);
    } else if (is(a, "data-text", &arg)) {
        char want[DC_TEXT_MAX];
        size_t n = text_arg(d, arg, want);
        size_t got = data_read_all(d, buf, sizeof buf);
        if (got != n || memcmp(buf, want, n) != 0)
            die(d, "received %zu bytes \"%.*s\"", got, (int)(got < 200 ? got : 200), buf);
    } else if (is(a, "data-send", &arg)) {
        data_send(d, arg);
    } else if (is(a, "data-close", NULL)) {
        net_conn_close(data(d));
        d->data = NULL;
    } else {
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: dlg-client PORT ACTION...\n");
        return 2;
    }
    struct dc d = {.data_lfd = -1, .tls_opts = {.ca_file = DC_CA}, .action = "connect"};
    d.port = (unsigned short)atoi(argv[1]);
    d.timer = net_now();
    d.c = open_conn(&d, d.port);
    for (int i = 2; i < argc; i++) {
        d.action = argv[i];
        if (!control_action(&d, argv[i]) && !other_action(&d, argv[i])) {
            fprintf(stderr, "dlg-client: unknown action '%s'\n", argv[i]);
            return 2;
        }
    }
    net_conn_close(d.data);
    net_conn_close(d.c);
    if (d.data_lfd >= 0)
        close(d.data_lfd);
    net_tls_ctx_free(d.tls);
    return 0;
}
