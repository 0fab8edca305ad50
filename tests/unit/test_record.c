/* test_record.c - the recording proxy between a scripted client and a
 * scripted server on loopback: the transcript it writes, byte for byte;
 * masking; STARTTLS and implicit TLS on both sides, an injection after the
 * go-ahead, a reset or a cut TLS end as a close; FTP passive data relayed and recorded;
 * HTTP bodies to sidecars; several connections; failures. Also the
 * per-protocol masking rules, line by line. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tests/support/tmpfiles.h"
#include "libnet/conn.h"
#include "protocols/fixture/record.h"
#include "protocols/fixture/record_impl.h"
#include "tests/support/tcpd.h"
#include "tests/support/tlsd.h"

/* Every socket wait in this test gives up after this long. */
#define WAIT_S 5

static char dir[64];
static char path[128];

static void setup(void)
{
    ck_assert_ptr_nonnull(tmpfiles_mkdir("test_record", dir, sizeof dir));
    snprintf(path, sizeof path, "%s/case.dlg", dir);
}

static void teardown(void)
{
    ck_assert_int_eq(tmpfiles_rmdir(dir), 0);
}

/* ---- the recorder in a thread ---- */

struct recorder {
    pthread_t th;
    int lfd;
    unsigned short port;
    struct net_record_opts o;
    struct net_err err;
    enum net_status st;
};

static void *rec_main(void *arg)
{
    struct recorder *r = arg;
    r->st = net_record_run(r->lfd, &r->o, &r->err);
    return NULL;
}

static void rec_listen(struct recorder *r)
{
    memset(r, 0, sizeof *r);
    struct net_err err;
    ck_assert_int_eq(net_record_listen("127.0.0.1", 0, &r->lfd, &r->port, &err), NET_OK);
    ck_assert_uint_gt(r->port, 0);
}

static void rec_run(struct recorder *r, enum net_record_proto p, unsigned short target)
{
    r->o.protocol = p;
    r->o.host = "127.0.0.1";
    r->o.port = target;
    r->o.out = path;
    r->o.idle_timeout_ms = WAIT_S * 1000;
    r->o.source = "test server";
    r->o.client = "test client";
    ck_assert_int_eq(pthread_create(&r->th, NULL, rec_main, r), 0);
}

static enum net_status rec_join(struct recorder *r)
{
    pthread_join(r->th, NULL);
    close(r->lfd);
    return r->st;
}

/* The transcript written must be exactly this header and body. */
static void expect_transcript(const char *proto, const char *banner, const char *body)
{
    char day[16], want[8192];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    snprintf(want, sizeof want,
             "# protocol: %s\n# source: test server (banner: %s), test client, recorded %s "
             "with net-record\n%s",
             proto, banner, day, body);
    char *got = tmpfiles_slurp(path, NULL);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    free(got);
}

/* ---- a plain blocking client ---- */

static int cl_connect(unsigned short port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {.tv_sec = WAIT_S};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

static void cl_send(int fd, const char *s, size_t n)
{
    ck_assert_int_eq(send(fd, s, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void cl_puts(int fd, const char *s)
{
    cl_send(fd, s, strlen(s));
}

/* One line with its terminator, NUL-terminated. */
static char *cl_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t r = recv(fd, buf + n, 1, 0);
        if (r <= 0)
            break;
        if (buf[n++] == '\n')
            break;
    }
    buf[n] = '\0';
    return buf;
}

/* Read to end of stream; returns the count. */
static size_t cl_all(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        ssize_t r = recv(fd, buf + n, cap - n, 0);
        if (r <= 0)
            return n;
        n += (size_t)r;
        if (n == cap)
            return n;
    }
}

/* ---- a fake FTP server with passive data connections ---- */

struct fakeftp {
    int lfd;
    unsigned short port;
    pthread_t th;
    const char *fail;           /* NULL when the whole script ran */
    char stored[64];
    size_t stored_n;
};

static int ff_listen(unsigned short *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

static int ff_accept(int lfd)
{
    struct timeval tv = {.tv_sec = WAIT_S};
    setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int fd = accept(lfd, NULL, NULL);
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static bool ff_expect(int fd, const char *want)
{
    char line[256];
    return strcmp(cl_line(fd, line, sizeof line), want) == 0;
}

static void ff_say(int fd, const char *s)
{
    send(fd, s, strlen(s), MSG_NOSIGNAL);
}

/* A transfer: accept the data connection and send or receive. With
 * early (a download), the final reply goes out on control before the data
 * connection closes, as a server may do: the recorder must still write
 * the data records first. */
static bool ff_transfer(struct fakeftp *f, int c, int dl, const char *data, size_t n,
                        bool upload, const char *early)
{
    int dc = ff_accept(dl);
    close(dl);
    if (dc < 0)
        return false;
    if (upload)
        f->stored_n = cl_all(dc, f->stored, sizeof f->stored);
    else
        send(dc, data, n, MSG_NOSIGNAL);
    if (early != NULL) {
        ff_say(c, early);
        usleep(100 * 1000);
    }
    close(dc);
    return true;
}

static void *ff_main(void *arg)
{
    struct fakeftp *f = arg;
    char msg[128], big[1000];
    unsigned short dp;
    int dl;
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i % 251);
    int c = ff_accept(f->lfd);
    f->fail = "control accept";
    if (c < 0)
        return NULL;
    ff_say(c, "220 fake ftp\r\n");
    f->fail = "PASV";
    if (!ff_expect(c, "PASV\r\n") || (dl = ff_listen(&dp)) < 0)
        goto out;
    snprintf(msg, sizeof msg, "227 Entering Passive Mode (127,0,0,1,%u,%u).\r\n", dp >> 8,
             dp & 255);
    ff_say(c, msg);
    f->fail = "RETR small";
    if (!ff_expect(c, "RETR small\r\n"))
        goto out;
    ff_say(c, "150 here\r\n");
    if (!ff_transfer(f, c, dl, "hello\n", 6, false, NULL))
        goto out;
    ff_say(c, "226 done\r\n");
    f->fail = "EPSV 1";
    if (!ff_expect(c, "EPSV\r\n") || (dl = ff_listen(&dp)) < 0)
        goto out;
    snprintf(msg, sizeof msg, "229 Entering Extended Passive Mode (|||%u|)\r\n", dp);
    ff_say(c, msg);
    f->fail = "RETR big";
    if (!ff_expect(c, "RETR big\r\n"))
        goto out;
    ff_say(c, "150 here\r\n");
    if (!ff_transfer(f, c, dl, big, sizeof big, false, "226 done\r\n"))
        goto out;
    f->fail = "EPSV 2";
    if (!ff_expect(c, "EPSV\r\n") || (dl = ff_listen(&dp)) < 0)
        goto out;
    snprintf(msg, sizeof msg, "229 Entering Extended Passive Mode (|||%u|)\r\n", dp);
    ff_say(c, msg);
    f->fail = "STOR";
    if (!ff_expect(c, "STOR up\r\n"))
        goto out;
    ff_say(c, "150 go\r\n");
    if (!ff_transfer(f, c, dl, NULL, 0, true, NULL))
        goto out;
    ff_say(c, "226 stored\r\n");
    f->fail = "QUIT";
    if (!ff_expect(c, "QUIT\r\n"))
        goto out;
    ff_say(c, "221 bye\r\n");
    f->fail = NULL;
out:
    close(c);
    return NULL;
}

/* The data port a 227 or 229 reply names, and for 227 its address. */
static unsigned short reply_port(const char *line, char *addr, size_t cap)
{
    unsigned h1, h2, h3, h4, p1, p2, port;
    const char *open = strchr(line, '(');
    ck_assert_ptr_nonnull(open);
    if (sscanf(open, "(%u,%u,%u,%u,%u,%u)", &h1, &h2, &h3, &h4, &p1, &p2) == 6) {
        snprintf(addr, cap, "%u.%u.%u.%u", h1, h2, h3, h4);
        return (unsigned short)(p1 * 256 + p2);
    }
    ck_assert_int_eq(sscanf(open, "(|||%u|)", &port), 1);
    snprintf(addr, cap, "epsv");
    return (unsigned short)port;
}

/* ---- tests ---- */

START_TEST(test_smtp_dialogue_masks)
{
    struct recorder r;
    rec_listen(&r);
    const char auth[] = "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n";
    struct tcpd_step steps[] = {
        {TCPD_SEND, "220 mx.test ESMTP\r\n", 0, 0, 0},
        {TCPD_READ, NULL, 0, 15, 0},
        {TCPD_SEND, "250-mx.test\r\n250 AUTH PLAIN\r\n", 0, 0, 0},
        {TCPD_READ, NULL, 0, sizeof auth - 1, 0},
        {TCPD_SEND, "235 ok\r\n", 0, 0, 0},
        {TCPD_READ, NULL, 0, 6, 0},
        {TCPD_SEND, "221 bye\r\n", 0, 0, 0},
        {TCPD_END, NULL, 0, 0, 0},
    };
    struct tcpd *t = tcpd_start(AF_INET, steps);
    ck_assert_ptr_nonnull(t);
    rec_run(&r, NET_REC_SMTP, tcpd_port(t));
    int fd = cl_connect(r.port);
    char line[256], rest[64];
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "220 mx.test ESMTP\r\n");
    cl_puts(fd, "EHLO client.x\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "250-mx.test\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "250 AUTH PLAIN\r\n");
    cl_puts(fd, auth);
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "235 ok\r\n");
    cl_puts(fd, "QUIT\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "221 bye\r\n");
    ck_assert_uint_eq(cl_all(fd, rest, sizeof rest), 0);
    close(fd);
    ck_assert_int_eq(rec_join(&r), NET_OK);
    tcpd_stop(t);
    expect_transcript("smtp", "mx.test ESMTP",
                      "S: 220 mx.test ESMTP\n"
                      "C: EHLO {*}\n"
                      "S: 250-mx.test\n"
                      "S: 250 AUTH PLAIN\n"
                      "C: AUTH PLAIN {*}\n"
                      "S: 235 ok\n"
                      "C: QUIT\n"
                      "S: 221 bye\n"
                      "!close\n");
}
END_TEST

START_TEST(test_ftp_pass_masked)
{
    struct recorder r;
    rec_listen(&r);
    struct tcpd_step steps[] = {
        {TCPD_SEND, "220 ftp ready\r\n", 0, 0, 0},
        {TCPD_READ, NULL, 0, 10, 0},
        {TCPD_SEND, "331 password?\r\n", 0, 0, 0},
        {TCPD_READ, NULL, 0, 13, 0},
        {TCPD_SEND, "230 in\r\n", 0, 0, 0},
        {TCPD_DRAIN, NULL, 0, 0, 0},
        {TCPD_END, NULL, 0, 0, 0},
    };
    struct tcpd *t = tcpd_start(AF_INET, steps);
    rec_run(&r, NET_REC_FTP, tcpd_port(t));
    int fd = cl_connect(r.port);
    char line[256];
    cl_line(fd, line, sizeof line);
    cl_puts(fd, "USER bob\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "331 password?\r\n");
    cl_puts(fd, "PASS s3cret\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "230 in\r\n");
    close(fd);
    ck_assert_int_eq(rec_join(&r), NET_OK);
    ck_assert_uint_eq(tcpd_stop(t), 23);    /* the server got the real password */
    expect_transcript("ftp", "ftp ready",
                      "S: 220 ftp ready\n"
                      "C: USER bob\n"
                      "S: 331 password?\n"
                      "C: PASS {*}\n"
                      "S: 230 in\n"
                      "!expect-close\n");
    char *got = tmpfiles_slurp(path, NULL);
    ck_assert_ptr_null(strstr(got, "s3cret"));
    free(got);
}
END_TEST

START_TEST(test_pop3_sasl_continuation)
{
    struct recorder r;
    rec_listen(&r);
    struct tcpd_step steps[] = {
        {TCPD_SEND, "+OK pop ready\r\n", 0, 0, 0},
        {TCPD_READ, NULL, 0, 12, 0},
        {TCPD_SEND, "+ \r\n", 0, 0, 0},
        {TCPD_READ, NULL, 0, 18, 0},
        {TCPD_SEND, "+OK in\r\n", 0, 0, 0},
        {TCPD_READ, NULL, 0, 6, 0},
        {TCPD_SEND, "+OK bye\r\n", 0, 0, 0},
        {TCPD_END, NULL, 0, 0, 0},
    };
    struct tcpd *t = tcpd_start(AF_INET, steps);
    rec_run(&r, NET_REC_POP3, tcpd_port(t));
    int fd = cl_connect(r.port);
    char line[256], rest[16];
    cl_line(fd, line, sizeof line);
    cl_puts(fd, "AUTH PLAIN\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "+ \r\n");
    cl_puts(fd, "AGJvYgBib2JwYXNz\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "+OK in\r\n");
    cl_puts(fd, "QUIT\r\n");
    cl_line(fd, line, sizeof line);
    cl_all(fd, rest, sizeof rest);
    close(fd);
    ck_assert_int_eq(rec_join(&r), NET_OK);
    tcpd_stop(t);
    expect_transcript("pop3", "pop ready",
                      "S: +OK pop ready\n"
                      "C: AUTH PLAIN\n"
                      "S: + \n"
                      "C: {*}\n"
                      "S: +OK in\n"
                      "C: QUIT\n"
                      "S: +OK bye\n"
                      "!close\n");
}
END_TEST

START_TEST(test_starttls_both_sides)
{
    const char *why = NULL;
    struct tlsd_opts to = {.mode = TLSD_STARTTLS, .cert = "tests/certs/good.pem",
                           .key = "tests/certs/good.key"};
    struct tlsd *d = tlsd_start(&to, &why);
    ck_assert_msg(d != NULL, "tlsd: %s", why ? why : "?");
    struct recorder r;
    rec_listen(&r);
    r.o.cacert = "tests/certs/ca.pem";
    rec_run(&r, NET_REC_SMTP, tlsd_port(d));

    struct net_conn_opts co = {.idle_timeout_ms = WAIT_S * 1000};
    struct net_conn *c;
    struct net_err err;
    struct net_line l;
    ck_assert_int_eq(net_conn_open("127.0.0.1", r.port, &co, &c, &err), NET_OK);
    ck_assert_int_eq(net_conn_read_line(c, 0, &l), NET_OK);
    ck_assert_mem_eq(l.p, "220 ready", 9);
    ck_assert_int_eq(net_conn_write(c, "STARTTLS\r\n", 10), NET_OK);
    ck_assert_int_eq(net_conn_read_line(c, 0, &l), NET_OK);
    ck_assert_mem_eq(l.p, "220 go ahead", 12);
    struct net_tls_opts tls = {.ca_file = "tests/certs/ca.pem"};
    ck_assert_int_eq(net_conn_starttls(c, NULL, &tls, NULL), NET_OK);
    ck_assert_int_eq(net_conn_read_line(c, 0, &l), NET_OK);
    ck_assert_uint_eq(l.len, 5);
    ck_assert_mem_eq(l.p, "hello", 5);
    ck_assert_int_eq(net_conn_write(c, "echo me\r\n", 9), NET_OK);
    ck_assert_int_eq(net_conn_read_line(c, 0, &l), NET_OK);
    ck_assert_uint_eq(l.len, 7);
    ck_assert_mem_eq(l.p, "echo me", 7);
    ck_assert_int_eq(net_conn_read_line(c, 0, &l), NET_E_CLOSED);
    net_conn_close(c);
    ck_assert_int_eq(rec_join(&r), NET_OK);
    struct tlsd_result res;
    tlsd_stop(d, &res);
    ck_assert_int_eq(res.handshakes_ok, 1);
    ck_assert_str_eq(res.error, "");
    expect_transcript("smtp", "ready",
                      "S: 220 ready\n"
                      "C: STARTTLS\n"
                      "S: 220 go ahead\n"
                      "!starttls\n"
                      "S: hello\n"
                      "C: echo me\n"
                      "S: echo me\n"
                      "!close\n");
}
END_TEST

START_TEST(test_starttls_bad_server_cert)
{
    /* the real server is not trusted: the recording fails, nothing is written */
    const char *why = NULL;
    struct tlsd_opts to = {.mode = TLSD_STARTTLS, .cert = "tests/certs/selfsigned.pem",
                           .key = "tests/certs/selfsigned.key"};
    struct tlsd *d = tlsd_start(&to, &why);
    ck_assert_ptr_nonnull(d);
    struct recorder r;
    rec_listen(&r);
    r.o.cacert = "tests/certs/ca.pem";
    rec_run(&r, NET_REC_SMTP, tlsd_port(d));
    int fd = cl_connect(r.port);
    char line[256];
    cl_line(fd, line, sizeof line);
    cl_puts(fd, "STARTTLS\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "220 go ahead\r\n");
    ck_assert_int_eq(rec_join(&r), NET_E_TLS_VERIFY);
    ck_assert_ptr_nonnull(strstr(r.err.text, "server"));
    close(fd);
    tlsd_stop(d, NULL);
    struct stat st;
    ck_assert_int_ne(stat(path, &st), 0);
}
END_TEST

/* A client of the recorder speaking TLS from the first byte. */
static struct net_conn *tls_client(unsigned short port)
{
    static const struct net_tls_opts tls = {.ca_file = "tests/certs/ca.pem"};
    struct net_conn_opts co = {.idle_timeout_ms = WAIT_S * 1000, .tls = true,
                               .tls_opts = &tls};
    struct net_conn *c = NULL;
    struct net_err err;
    ck_assert_msg(net_conn_open("127.0.0.1", port, &co, &c, &err) == NET_OK, "%s", err.text);
    return c;
}

START_TEST(test_implicit_tls_both_sides)
{
    const char *why = NULL;
    struct tlsd_opts to = {.mode = TLSD_IMPLICIT, .cert = "tests/certs/good.pem",
                           .key = "tests/certs/good.key"};
    struct tlsd *d = tlsd_start(&to, &why);
    ck_assert_msg(d != NULL, "tlsd: %s", why ? why : "?");
    struct recorder r;
    rec_listen(&r);
    r.o.cacert = "tests/certs/ca.pem";
    r.o.tls = true;
    rec_run(&r, NET_REC_POP3, tlsd_port(d));
    struct net_conn *c = tls_client(r.port);
    struct net_line l;
    ck_assert_int_eq(net_conn_read_line(c, 0, &l), NET_OK);
    ck_assert_uint_eq(l.len, 5);
    ck_assert_mem_eq(l.p, "hello", 5);
    ck_assert_int_eq(net_conn_write(c, "echo me\r\n", 9), NET_OK);
    ck_assert_int_eq(net_conn_read_line(c, 0, &l), NET_OK);
    ck_assert_uint_eq(l.len, 7);
    ck_assert_mem_eq(l.p, "echo me", 7);
    ck_assert_int_eq(net_conn_read_line(c, 0, &l), NET_E_CLOSED);
    net_conn_close(c);
    ck_assert_int_eq(rec_join(&r), NET_OK);
    struct tlsd_result res;
    tlsd_stop(d, &res);
    ck_assert_int_eq(res.handshakes_ok, 1);
    ck_assert_str_eq(res.error, "");
    expect_transcript("pop3", "hello",
                      "# tls: implicit\n"
                      "S: hello\n"
                      "C: echo me\n"
                      "S: echo me\n"
                      "!close\n");
}
END_TEST

START_TEST(test_implicit_tls_bad_server_cert)
{
    /* the real server is not trusted: the client sees a close, nothing is written */
    const char *why = NULL;
    struct tlsd_opts to = {.mode = TLSD_IMPLICIT, .cert = "tests/certs/selfsigned.pem",
                           .key = "tests/certs/selfsigned.key"};
    struct tlsd *d = tlsd_start(&to, &why);
    ck_assert_ptr_nonnull(d);
    struct recorder r;
    rec_listen(&r);
    r.o.cacert = "tests/certs/ca.pem";
    r.o.tls = true;
    rec_run(&r, NET_REC_POP3, tlsd_port(d));
    int fd = cl_connect(r.port);
    char buf[16];
    ck_assert_uint_eq(cl_all(fd, buf, sizeof buf), 0);
    close(fd);
    ck_assert_int_eq(rec_join(&r), NET_E_TLS_VERIFY);
    ck_assert_ptr_nonnull(strstr(r.err.text, "(TLS with the server 127.0.0.1:"));
    tlsd_stop(d, NULL);
    struct stat st;
    ck_assert_int_ne(stat(path, &st), 0);
}
END_TEST

START_TEST(test_starttls_injected_by_server)
{
    /* bytes after the go-ahead, in the same segment: the upgrade is refused */
    const char *why = NULL;
    struct tlsd_opts to = {.mode = TLSD_STARTTLS, .cert = "tests/certs/good.pem",
                           .key = "tests/certs/good.key", .inject = "250 injected\r\n"};
    struct tlsd *d = tlsd_start(&to, &why);
    ck_assert_ptr_nonnull(d);
    struct recorder r;
    rec_listen(&r);
    r.o.cacert = "tests/certs/ca.pem";
    rec_run(&r, NET_REC_SMTP, tlsd_port(d));
    int fd = cl_connect(r.port);
    char line[256];
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "220 ready\r\n");
    cl_puts(fd, "STARTTLS\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "220 go ahead\r\n");
    ck_assert_uint_eq(cl_all(fd, line, sizeof line), 0);    /* the injection never passes */
    close(fd);
    ck_assert_int_eq(rec_join(&r), NET_E_STARTTLS_INJECTED);
    ck_assert_ptr_nonnull(strstr(r.err.text, "14 bytes"));
    ck_assert_ptr_nonnull(strstr(r.err.text, "(TLS with the server 127.0.0.1:"));
    tlsd_stop(d, NULL);
    struct stat st;
    ck_assert_int_ne(stat(path, &st), 0);
}
END_TEST

START_TEST(test_server_reset_is_close)
{
    /* a reset from the server ends the dialogue like a close */
    struct tcpd_step steps[] = {
        {TCPD_SEND, "hello\r\n", 0, 0, 0},
        {TCPD_READ, NULL, 0, 4, 0},
        {TCPD_RESET, NULL, 0, 0, 0},
        {TCPD_END, NULL, 0, 0, 0},
    };
    struct tcpd *t = tcpd_start(AF_INET, steps);
    ck_assert_ptr_nonnull(t);
    struct recorder r;
    rec_listen(&r);
    rec_run(&r, NET_REC_GOPHER, tcpd_port(t));
    int fd = cl_connect(r.port);
    char line[64];
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "hello\r\n");
    cl_puts(fd, "ok\r\n");
    ck_assert_uint_eq(cl_all(fd, line, sizeof line), 0);
    close(fd);
    ck_assert_int_eq(rec_join(&r), NET_OK);
    ck_assert_uint_eq(tcpd_stop(t), 4);
    expect_transcript("gopher", "hello",
                      "S: hello\n"
                      "C: ok\n"
                      "!close\n");
}
END_TEST

START_TEST(test_server_tls_cut_short_is_close)
{
    /* the server ends TLS without close_notify: a close for the recorder */
    const char *why = NULL;
    struct tlsd_opts to = {.mode = TLSD_IMPLICIT, .cert = "tests/certs/good.pem",
                           .key = "tests/certs/good.key", .abrupt_close = true};
    struct tlsd *d = tlsd_start(&to, &why);
    ck_assert_ptr_nonnull(d);
    struct recorder r;
    rec_listen(&r);
    r.o.cacert = "tests/certs/ca.pem";
    r.o.tls = true;
    rec_run(&r, NET_REC_POP3, tlsd_port(d));
    struct net_conn *c = tls_client(r.port);
    struct net_line l;
    ck_assert_int_eq(net_conn_read_line(c, 0, &l), NET_OK);
    ck_assert_mem_eq(l.p, "hello", 5);
    ck_assert_int_eq(net_conn_read_line(c, 0, &l), NET_E_CLOSED);
    net_conn_close(c);
    ck_assert_int_eq(rec_join(&r), NET_OK);
    tlsd_stop(d, NULL);
    expect_transcript("pop3", "hello",
                      "# tls: implicit\n"
                      "S: hello\n"
                      "!close\n");
}
END_TEST

START_TEST(test_ftp_passive_relay)
{
    struct fakeftp f = {0};
    f.lfd = ff_listen(&f.port);
    ck_assert_int_ge(f.lfd, 0);
    ck_assert_int_eq(pthread_create(&f.th, NULL, ff_main, &f), 0);
    struct recorder r;
    rec_listen(&r);
    rec_run(&r, NET_REC_FTP, f.port);

    int fd = cl_connect(r.port), dfd;
    char line[256], addr[32], data[2048];
    cl_line(fd, line, sizeof line);
    /* PASV: the reply names the recorder's listener, which relays */
    cl_puts(fd, "PASV\r\n");
    cl_line(fd, line, sizeof line);
    ck_assert_msg(strncmp(line, "227 Entering Passive Mode (127,0,0,1,", 37) == 0, "%s", line);
    dfd = cl_connect(reply_port(line, addr, sizeof addr));
    ck_assert_str_eq(addr, "127.0.0.1");
    cl_puts(fd, "RETR small\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "150 here\r\n");
    ck_assert_uint_eq(cl_all(dfd, data, sizeof data), 6);
    ck_assert_mem_eq(data, "hello\n", 6);
    close(dfd);
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "226 done\r\n");
    /* EPSV, a download large enough for a sidecar */
    cl_puts(fd, "EPSV\r\n");
    cl_line(fd, line, sizeof line);
    dfd = cl_connect(reply_port(line, addr, sizeof addr));
    cl_puts(fd, "RETR big\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "150 here\r\n");
    ck_assert_uint_eq(cl_all(dfd, data, sizeof data), 1000);
    ck_assert_int_eq((unsigned char)data[999], 999 % 251);
    close(dfd);
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "226 done\r\n");
    /* EPSV, an upload */
    cl_puts(fd, "EPSV\r\n");
    cl_line(fd, line, sizeof line);
    dfd = cl_connect(reply_port(line, addr, sizeof addr));
    cl_puts(fd, "STOR up\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "150 go\r\n");
    cl_puts(dfd, "12345");
    close(dfd);
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "226 stored\r\n");
    cl_puts(fd, "QUIT\r\n");
    ck_assert_str_eq(cl_line(fd, line, sizeof line), "221 bye\r\n");
    ck_assert_uint_eq(cl_all(fd, data, sizeof data), 0);
    close(fd);
    ck_assert_int_eq(rec_join(&r), NET_OK);
    pthread_join(f.th, NULL);
    close(f.lfd);
    ck_assert_msg(f.fail == NULL, "fake server stopped at %s", f.fail);
    ck_assert_uint_eq(f.stored_n, 5);
    ck_assert_mem_eq(f.stored, "12345", 5);
    expect_transcript("ftp", "fake ftp",
                      "S: 220 fake ftp\n"
                      "C: PASV\n"
                      "!data-listen\n"
                      "S: 227 Entering Passive Mode ({pasv}).\n"
                      "C: RETR small\n"
                      "S: 150 here\n"
                      "!data-send hello\\n\n"
                      "!data-close\n"
                      "S: 226 done\n"
                      "C: EPSV\n"
                      "!data-listen\n"
                      "S: 229 Entering Extended Passive Mode ({epsv})\n"
                      "C: RETR big\n"
                      "S: 150 here\n"
                      "!data-send-file case.1.bin\n"
                      "!data-close\n"
                      "S: 226 done\n"
                      "C: EPSV\n"
                      "!data-listen\n"
                      "S: 229 Entering Extended Passive Mode ({epsv})\n"
                      "C: STOR up\n"
                      "S: 150 go\n"
                      "!data-expect 5 sha256=5994471abb01112afcc18159f6cc74b4f511b99806da59b3"
                      "caf5a9c173cacfc5\n"
                      "S: 226 stored\n"
                      "C: QUIT\n"
                      "S: 221 bye\n"
                      "!close\n");
    char side[160];
    size_t len;
    snprintf(side, sizeof side, "%s/case.1.bin", dir);
    char *got = tmpfiles_slurp(side, &len);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, 1000);
    for (size_t i = 0; i < len; i++)
        ck_assert_int_eq((unsigned char)got[i], i % 251);
    free(got);
}
END_TEST

START_TEST(test_http_body_sidecar)
{
    struct recorder r;
    rec_listen(&r);
    char req[256];
    snprintf(req, sizeof req,
             "GET /big HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nAuthorization: Basic dXNlcjpwYXNz\r\n"
             "\r\n",
             r.port);
    const char head[] = "HTTP/1.1 200 OK\r\nServer: fake/1.0\r\nContent-Length: 10000\r\n\r\n";
    struct tcpd_step steps[] = {
        {TCPD_READ, NULL, 0, strlen(req), 0},
        {TCPD_SEND, head, 0, 0, 0},
        {TCPD_SEND_N, "x", 0, 10000, 0},
        {TCPD_DRAIN, NULL, 0, 0, 0},
        {TCPD_END, NULL, 0, 0, 0},
    };
    struct tcpd *t = tcpd_start(AF_INET, steps);
    rec_run(&r, NET_REC_HTTP, tcpd_port(t));
    int fd = cl_connect(r.port);
    cl_puts(fd, req);
    char *buf = malloc(20000);
    size_t got = 0, want = sizeof head - 1 + 10000;
    while (got < want) {
        ssize_t k = recv(fd, buf + got, want - got, 0);
        ck_assert_int_gt(k, 0);
        got += (size_t)k;
    }
    ck_assert_mem_eq(buf, head, sizeof head - 1);
    close(fd);
    free(buf);
    ck_assert_int_eq(rec_join(&r), NET_OK);
    tcpd_stop(t);
    expect_transcript("http", "fake/1.0",
                      "C: GET /big HTTP/1.1\n"
                      "C: Host: 127.0.0.1:{*}\n"
                      "C: Authorization: Basic {*}\n"
                      "C: \n"
                      "S: HTTP/1.1 200 OK\n"
                      "S: Server: fake/1.0\n"
                      "S: Content-Length: 10000\n"
                      "S: \n"
                      "!send-file case.1.bin\n"
                      "!expect-close\n");
    char side[160];
    size_t len;
    snprintf(side, sizeof side, "%s/case.1.bin", dir);
    char *body = tmpfiles_slurp(side, &len);
    ck_assert_uint_eq(len, 10000);
    ck_assert_int_eq(body[0], 'x');
    ck_assert_int_eq(body[9999], 'x');
    free(body);
}
END_TEST

/* A server that greets each of two connections and closes it. */
struct greeter {
    int lfd;
    unsigned short port;
    pthread_t th;
};

static void *greeter_main(void *arg)
{
    struct greeter *g = arg;
    for (int i = 1; i <= 2; i++) {
        int c = ff_accept(g->lfd);
        if (c < 0)
            return NULL;
        char msg[32];
        snprintf(msg, sizeof msg, "hello %d\r\n", i);
        ff_say(c, msg);
        close(c);
    }
    return NULL;
}

START_TEST(test_two_connections)
{
    struct greeter g;
    g.lfd = ff_listen(&g.port);
    ck_assert_int_eq(pthread_create(&g.th, NULL, greeter_main, &g), 0);
    struct recorder r;
    rec_listen(&r);
    r.o.connections = 2;
    rec_run(&r, NET_REC_GOPHER, g.port);
    char buf[64];
    for (int i = 1; i <= 2; i++) {
        int fd = cl_connect(r.port);
        size_t n = cl_all(fd, buf, sizeof buf - 1);
        buf[n] = '\0';
        ck_assert_str_eq(buf, i == 1 ? "hello 1\r\n" : "hello 2\r\n");
        close(fd);
    }
    ck_assert_int_eq(rec_join(&r), NET_OK);
    pthread_join(g.th, NULL);
    close(g.lfd);
    expect_transcript("gopher", "hello 1",
                      "S: hello 1\n"
                      "!close\n"
                      "!connection\n"
                      "S: hello 2\n"
                      "!close\n");
}
END_TEST

START_TEST(test_server_unreachable)
{
    struct recorder r;
    rec_listen(&r);
    rec_run(&r, NET_REC_HTTP, tcpd_free_port(AF_INET));
    int fd = cl_connect(r.port);
    char buf[16];
    ck_assert_uint_eq(cl_all(fd, buf, sizeof buf), 0);     /* closed on us */
    close(fd);
    ck_assert_int_eq(rec_join(&r), NET_E_CONNECT);
    ck_assert_ptr_nonnull(strstr(r.err.text, "127.0.0.1"));
    struct stat st;
    ck_assert_int_ne(stat(path, &st), 0);
}
END_TEST

START_TEST(test_bad_options)
{
    struct net_record_opts o = {.protocol = NET_REC_HTTP, .host = "127.0.0.1", .port = 0,
                                .out = path};
    struct net_err err;
    ck_assert_int_eq(net_record_run(-1, &o, &err), NET_E_USAGE);
    int fd;
    unsigned short port;
    ck_assert_int_eq(net_record_listen("localhost", 0, &fd, &port, &err), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.text, "not an IP address"));
    enum net_record_proto p;
    ck_assert(net_record_proto_parse("imap", &p));
    ck_assert_int_eq(p, NET_REC_IMAP);
    ck_assert(!net_record_proto_parse("IMAPS", &p));
    ck_assert_str_eq(net_record_proto_name(NET_REC_GOPHER), "gopher");
}
END_TEST

/* ---- the masking rules, line by line ---- */

/* Feed lines (client: "C", server: "S") and return the last client
 * line's text with its mask applied, e.g. "PASS {*}". */
static const char *masked(enum net_record_proto proto, const char *const *lines)
{
    static char out[512];
    struct rec_proto pr;
    net_rec_proto_init(&pr, proto);
    out[0] = '\0';
    for (size_t i = 0; lines[i] != NULL; i++) {
        const char *s = lines[i] + 2;
        size_t n = strlen(s);
        if (lines[i][0] == 'S') {
            uint64_t bulk;
            net_rec_proto_server_line(&pr, s, n, &bulk);
            continue;
        }
        struct rec_cmask m;
        net_rec_proto_client_line(&pr, s, n, &m);
        size_t text = n - 2;        /* every test line ends in CR LF */
        if (m.mask)
            snprintf(out, sizeof out, "%.*s{*}%.*s", (int)m.off, s,
                     (int)(text - m.off - m.len), s + m.off + m.len);
        else
            snprintf(out, sizeof out, "%.*s", (int)text, s);
    }
    return out;
}

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

START_TEST(test_mask_rules)
{
    /* IMAP LOGIN: atom, quoted, literal password, literal user */
    ck_assert_str_eq(masked(NET_REC_IMAP, L("C a1 LOGIN alice alicepass\r\n")),
                     "a1 LOGIN alice {*}");
    ck_assert_str_eq(masked(NET_REC_IMAP, L("C a1 login \"al ice\" \"p\\\"w d\"\r\n")),
                     "a1 login \"al ice\" {*}");
    ck_assert_str_eq(masked(NET_REC_IMAP, L("C a1 LOGIN alice {9}\r\n", "S + go\r\n",
                                            "C alicepass\r\n")),
                     "{*}");
    ck_assert_str_eq(masked(NET_REC_IMAP, L("C a1 LOGIN {5+}\r\n", "C alice \"pw\"\r\n")),
                     "alice {*}");
    ck_assert_str_eq(masked(NET_REC_IMAP, L("C a1 LOGIN {5+}\r\n", "C alice {2+}\r\n",
                                            "C pw\r\n")),
                     "{*}");
    /* IMAP AUTHENTICATE: initial response and continuations, until tagged */
    ck_assert_str_eq(masked(NET_REC_IMAP, L("C a2 AUTHENTICATE PLAIN AGFAYg==\r\n")),
                     "a2 AUTHENTICATE PLAIN {*}");
    ck_assert_str_eq(masked(NET_REC_IMAP, L("C a2 AUTHENTICATE LOGIN\r\n", "S + VXNlcg==\r\n",
                                            "C YWxpY2U=\r\n")),
                     "{*}");
    ck_assert_str_eq(masked(NET_REC_IMAP, L("C a2 AUTHENTICATE LOGIN\r\n", "S + x\r\n",
                                            "C YQ==\r\n", "S a2 OK done\r\n",
                                            "C a3 SELECT INBOX\r\n")),
                     "a3 SELECT INBOX");
    /* POP3 */
    ck_assert_str_eq(masked(NET_REC_POP3, L("C PASS bobpass\r\n")), "PASS {*}");
    ck_assert_str_eq(masked(NET_REC_POP3, L("C APOP bob 0123abcd\r\n")), "APOP bob {*}");
    ck_assert_str_eq(masked(NET_REC_POP3, L("C AUTH\r\n", "S +OK\r\n", "C CAPA\r\n")), "CAPA");
    /* SMTP: SASL after 334, EHLO name, message headers and boundaries */
    ck_assert_str_eq(masked(NET_REC_SMTP, L("C AUTH LOGIN\r\n", "S 334 VXNlcm5hbWU6\r\n",
                                            "C YWxpY2U=\r\n")),
                     "{*}");
    ck_assert_str_eq(masked(NET_REC_SMTP, L("C AUTH LOGIN\r\n", "S 334 x\r\n", "C YQ==\r\n",
                                            "S 235 ok\r\n", "C MAIL FROM:<a@b>\r\n")),
                     "MAIL FROM:<a@b>");
    ck_assert_str_eq(masked(NET_REC_SMTP, L("C DATA\r\n", "S 354 go\r\n",
                                            "C Date: Sat, 21 Nov 2026 12:00:00 +0000\r\n")),
                     "Date: {*}");
    ck_assert_str_eq(masked(NET_REC_SMTP, L("C DATA\r\n", "S 354 go\r\n",
                                            "C Message-ID: <x@y>\r\n")),
                     "Message-ID: {*}");
    ck_assert_str_eq(masked(NET_REC_SMTP, L("C DATA\r\n", "S 354 go\r\n",
                                            "C Content-Type: multipart/mixed; "
                                            "boundary=\"------abc\"\r\n")),
                     "Content-Type: multipart/mixed; boundary=\"{*}\"");
    ck_assert_str_eq(masked(NET_REC_SMTP, L("C DATA\r\n", "S 354 go\r\n",
                                            "C Content-Type: multipart/mixed; boundary=b1\r\n",
                                            "C \r\n", "C --b1--\r\n")),
                     "--{*}--");
    /* a Date: line in the body, or before DATA was accepted, stays */
    ck_assert_str_eq(masked(NET_REC_SMTP, L("C DATA\r\n", "S 354 go\r\n", "C \r\n",
                                            "C Date: x\r\n")),
                     "Date: x");
    ck_assert_str_eq(masked(NET_REC_SMTP, L("C DATA\r\n", "S 554 no\r\n", "C Date: x\r\n")),
                     "Date: x");
    /* NNTP */
    ck_assert_str_eq(masked(NET_REC_NNTP, L("C AUTHINFO PASS newspass\r\n")),
                     "AUTHINFO PASS {*}");
    ck_assert_str_eq(masked(NET_REC_NNTP, L("C AUTHINFO USER newsuser\r\n")),
                     "AUTHINFO USER newsuser");
    ck_assert_str_eq(masked(NET_REC_NNTP, L("C AUTHINFO SASL PLAIN AGE=\r\n")),
                     "AUTHINFO SASL PLAIN {*}");
    /* FTP */
    ck_assert_str_eq(masked(NET_REC_FTP, L("C PORT 127,0,0,1,4,2\r\n")), "PORT {*}");
    ck_assert_str_eq(masked(NET_REC_FTP, L("C EPRT |1|127.0.0.1|1026|\r\n")), "EPRT {*}");
    ck_assert_str_eq(masked(NET_REC_FTP, L("C PASS ftppass\r\n")), "PASS {*}");
    ck_assert_str_eq(masked(NET_REC_FTP, L("C PASSIVE\r\n")), "PASSIVE");
    /* HTTP */
    ck_assert_str_eq(masked(NET_REC_HTTP, L("C GET / HTTP/1.1\r\n",
                                            "C Authorization: Basic aHR0cHVzZXI6aHR0cHBhc3M=\r\n")),
                     "Authorization: Basic {*}");
    ck_assert_str_eq(masked(NET_REC_HTTP, L("C GET / HTTP/1.1\r\n",
                                            "C proxy-authorization: token\r\n")),
                     "proxy-authorization: {*}");
    ck_assert_str_eq(masked(NET_REC_HTTP, L("C GET / HTTP/1.1\r\n",
                                            "C User-Agent: curl/7.88.1\r\n")),
                     "User-Agent: curl/7.88.1");
    /* Telnet: the line after a password prompt */
    ck_assert_str_eq(masked(NET_REC_TELNET, L("S Password: \r\n", "C telpass\r\n")), "{*}");
}
END_TEST

START_TEST(test_tls_goahead_rules)
{
    struct rec_proto pr;
    uint64_t bulk;
    struct rec_cmask m;
    net_rec_proto_init(&pr, NET_REC_IMAP);
    net_rec_proto_client_line(&pr, "t1 STARTTLS\r\n", 13, &m);
    ck_assert_int_eq(net_rec_proto_server_line(&pr, "* OK still\r\n", 12, &bulk), REC_S_NONE);
    ck_assert_int_eq(net_rec_proto_server_line(&pr, "t1 OK go\r\n", 10, &bulk), REC_S_STARTTLS);
    net_rec_proto_init(&pr, NET_REC_SMTP);
    net_rec_proto_client_line(&pr, "STARTTLS\r\n", 10, &m);
    ck_assert_int_eq(net_rec_proto_server_line(&pr, "454 no TLS\r\n", 12, &bulk), REC_S_NONE);
    ck_assert_int_eq(net_rec_proto_server_line(&pr, "220 later\r\n", 11, &bulk), REC_S_NONE);
    net_rec_proto_init(&pr, NET_REC_FTP);
    net_rec_proto_client_line(&pr, "AUTH TLS\r\n", 10, &m);
    ck_assert_int_eq(net_rec_proto_server_line(&pr, "234 go\r\n", 8, &bulk), REC_S_STARTTLS);
    net_rec_proto_init(&pr, NET_REC_NNTP);
    net_rec_proto_client_line(&pr, "STARTTLS\r\n", 10, &m);
    ck_assert_int_eq(net_rec_proto_server_line(&pr, "382 go\r\n", 8, &bulk), REC_S_STARTTLS);
    net_rec_proto_init(&pr, NET_REC_POP3);
    net_rec_proto_client_line(&pr, "STLS\r\n", 6, &m);
    ck_assert_int_eq(net_rec_proto_server_line(&pr, "+OK go\r\n", 8, &bulk), REC_S_STARTTLS);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("proxy");
    tcase_set_timeout(tc, 20);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_smtp_dialogue_masks);
    tcase_add_test(tc, test_ftp_pass_masked);
    tcase_add_test(tc, test_pop3_sasl_continuation);
    tcase_add_test(tc, test_starttls_both_sides);
    tcase_add_test(tc, test_starttls_bad_server_cert);
    tcase_add_test(tc, test_implicit_tls_both_sides);
    tcase_add_test(tc, test_implicit_tls_bad_server_cert);
    tcase_add_test(tc, test_starttls_injected_by_server);
    tcase_add_test(tc, test_server_reset_is_close);
    tcase_add_test(tc, test_server_tls_cut_short_is_close);
    tcase_add_test(tc, test_ftp_passive_relay);
    tcase_add_test(tc, test_http_body_sidecar);
    tcase_add_test(tc, test_two_connections);
    tcase_add_test(tc, test_server_unreachable);
    tcase_add_test(tc, test_bad_options);
    suite_add_tcase(s, tc);
    TCase *rules = tcase_create("rules");
    tcase_add_test(rules, test_mask_rules);
    tcase_add_test(rules, test_tls_goahead_rules);
    suite_add_tcase(s, rules);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
