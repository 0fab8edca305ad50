/*
 * test_tls.c - TLS: verification (chain, names, IPs, NUL names, expiry),
 * the insecure and name-only modes, ALPN, client certificates, STARTTLS and
 * injection, resumption, truncation, lower-layer errors, and our own server
 * mode. Servers are tests/support/tlsd (raw OpenSSL) on loopback; the
 * certificates come from tests/certs/make-certs.sh.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "libnet/conn.h"
#include "libnet/tls.h"
#include "tests/support/tlsd.h"

#define CERTS "tests/certs/"
/* Every wait in these tests; far above what loopback needs. */
#define WAIT_MS 5000

static const struct net_tls_opts ca_opts = {.ca_file = CERTS "ca.pem"};

static struct tlsd *serve(const struct tlsd_opts *o)
{
    const char *why = "?";
    struct tlsd *d = tlsd_start(o, &why);
    ck_assert_msg(d != NULL, "tlsd_start: %s", why);
    return d;
}

static struct tlsd *serve_cert(const char *name)
{
    char cert[128], key[128];
    snprintf(cert, sizeof cert, CERTS "%s.pem", name);
    snprintf(key, sizeof key, CERTS "%s.key", name);
    struct tlsd_opts o = {.cert = cert, .key = key};
    return serve(&o);
}

/* net_conn_open with TLS to host (verifying tls_host when not NULL). */
static enum net_status dial(struct tlsd *d, const char *host, const char *tls_host,
                            const struct net_tls_opts *to, struct net_conn **c,
                            struct net_err *err)
{
    struct net_conn_opts o = {0};
    o.tls = true;
    o.tls_opts = to;
    o.tls_host = tls_host;
    o.connect_timeout_ms = WAIT_MS;
    o.idle_timeout_ms = WAIT_MS;
    net_err_clear(err);
    *c = NULL;
    return net_conn_open(host, tlsd_port(d), &o, c, err);
}

static void expect_line(struct net_conn *c, const char *want)
{
    struct net_line line;
    enum net_status st = net_conn_read_line(c, 0, &line);
    ck_assert_msg(st == NET_OK, "read_line: %s: %s", net_status_name(st),
                  net_conn_err(c)->text);
    ck_assert_int_eq((int)line.len, (int)strlen(want));
    ck_assert(memcmp(line.p, want, line.len) == 0);
}

/* The server's greeting, then an echo through TLS. */
static void hello_echo(struct net_conn *c)
{
    expect_line(c, "hello");
    ck_assert_int_eq(net_conn_write(c, "ping\r\n", 6), NET_OK);
    expect_line(c, "ping");
}

static void expect_tls12plus(struct net_conn *c)
{
    struct net_tls_info info;
    ck_assert(net_conn_tls_info(c, &info));
    ck_assert_msg(strcmp(info.version, "TLSv1.2") == 0 || strcmp(info.version, "TLSv1.3") == 0,
                  "version %s", info.version);
    ck_assert(info.cipher[0] != '\0');
}

/* A connection that must fail with st and an error text holding each of
 * the NULL-terminated strings. */
static void expect_fail(enum net_status got, const struct net_err *err,
                        enum net_status st, const char *const *texts)
{
    ck_assert_msg(got == st, "got %s (%s), want %s", net_status_name(got), err->text,
                  net_status_name(st));
    ck_assert_int_eq(err->status, st);
    for (; *texts != NULL; texts++)
        ck_assert_msg(strstr(err->text, *texts) != NULL, "'%s' not in '%s'", *texts,
                      err->text);
}

static void ok_case(const char *cert, const char *host, const char *tls_host,
                    const struct net_tls_opts *to, struct tlsd_result *res)
{
    struct tlsd *d = serve_cert(cert);
    struct net_conn *c;
    struct net_err err;
    enum net_status st = dial(d, host, tls_host, to, &c, &err);
    ck_assert_msg(st == NET_OK, "open: %s: %s", net_status_name(st), err.text);
    hello_echo(c);
    expect_tls12plus(c);
    net_conn_close(c);
    tlsd_stop(d, res);
    ck_assert_int_eq(res->handshakes_ok, 1);
    ck_assert_str_eq(res->line, "ping\r\n");
}

static void fail_case(const char *cert, const char *host, const char *tls_host,
                      const struct net_tls_opts *to, enum net_status want,
                      const char *const *texts)
{
    struct tlsd *d = serve_cert(cert);
    struct net_conn *c;
    struct net_err err;
    enum net_status st = dial(d, host, tls_host, to, &c, &err);
    if (st == NET_OK)
        net_conn_close(c);
    struct tlsd_result res;
    tlsd_stop(d, &res);
    expect_fail(st, &err, want, texts);
    ck_assert_int_eq(res.handshakes_ok, 0);
}

/* ---- valid certificates ---- */

START_TEST(valid_by_name)
{
    struct tlsd_result res;
    ok_case("good", "localhost", NULL, &ca_opts, &res);
    ck_assert_str_eq(res.sni, "localhost");
}
END_TEST

START_TEST(valid_by_ipv4)
{
    struct tlsd_result res;
    ok_case("good", "127.0.0.1", NULL, &ca_opts, &res);
    ck_assert_str_eq(res.sni, "");     /* no SNI for an IP literal */
}
END_TEST

START_TEST(valid_by_ipv6)
{
    const char *why = "?";
    struct tlsd_opts o = {.family = AF_INET6, .cert = CERTS "good.pem", .key = CERTS "good.key"};
    struct tlsd *d = tlsd_start(&o, &why);
    if (d == NULL)
        return;     /* no IPv6 loopback on this machine: nothing to test */
    struct net_conn *c;
    struct net_err err;
    enum net_status st = dial(d, "::1", NULL, &ca_opts, &c, &err);
    ck_assert_msg(st == NET_OK, "open: %s: %s", net_status_name(st), err.text);
    hello_echo(c);
    net_conn_close(c);
    struct tlsd_result res;
    tlsd_stop(d, &res);
    ck_assert_int_eq(res.handshakes_ok, 1);
    ck_assert_str_eq(res.sni, "");
}
END_TEST

/* The server closes with close_notify: an orderly end, not a truncation. */
START_TEST(clean_close_is_orderly)
{
    struct tlsd *d = serve_cert("good");
    struct net_conn *c;
    struct net_err err;
    ck_assert_int_eq(dial(d, "127.0.0.1", "localhost", &ca_opts, &c, &err), NET_OK);
    hello_echo(c);
    struct net_line line;
    ck_assert_int_eq(net_conn_read_line(c, 0, &line), NET_E_CLOSED);
    ck_assert(net_conn_eof(c));
    ck_assert_ptr_null(strstr(net_conn_err(c)->text, "close_notify"));
    net_conn_close(c);
    tlsd_stop(d, NULL);
}
END_TEST

/* ---- verification failures ---- */

START_TEST(wrong_name)
{
    const char *t[] = {"'localhost'", "hostname mismatch", NULL};
    fail_case("wrongname", "127.0.0.1", "localhost", &ca_opts, NET_E_TLS_VERIFY, t);
}
END_TEST

START_TEST(expired)
{
    const char *t[] = {"'localhost'", "expired", NULL};
    fail_case("expired", "localhost", NULL, &ca_opts, NET_E_TLS_VERIFY, t);
}
END_TEST

START_TEST(self_signed_full)
{
    const char *t[] = {"verification failed for 'localhost'", "self", "signed", NULL};
    fail_case("selfsigned", "127.0.0.1", "localhost", &ca_opts, NET_E_TLS_VERIFY, t);
}
END_TEST

START_TEST(self_signed_name_only)
{
    struct net_tls_opts to = {.verify = NET_TLS_VERIFY_NAME_ONLY};
    struct tlsd_result res;
    ok_case("selfsigned", "127.0.0.1", "localhost", &to, &res);
}
END_TEST

START_TEST(self_signed_wrong_name_name_only)
{
    struct net_tls_opts to = {.verify = NET_TLS_VERIFY_NAME_ONLY};
    const char *t[] = {"'localhost'", "hostname mismatch", NULL};
    fail_case("selfwrong", "127.0.0.1", "localhost", &to, NET_E_TLS_VERIFY, t);
}
END_TEST

/* Name-only mode still checks an IP literal against the IP SANs. */
START_TEST(self_signed_ip_name_only)
{
    struct net_tls_opts to = {.verify = NET_TLS_VERIFY_NAME_ONLY};
    const char *t[] = {"'127.0.0.1'", "IP address mismatch", NULL};
    fail_case("selfwrong", "127.0.0.1", NULL, &to, NET_E_TLS_VERIFY, t);
}
END_TEST

/* CN=127.0.0.1 and SAN DNS:localhost: no IP SAN, so an IP connection fails. */
START_TEST(name_cert_for_ip)
{
    const char *t[] = {"'127.0.0.1'", "IP address mismatch", NULL};
    fail_case("nameonly", "127.0.0.1", NULL, &ca_opts, NET_E_TLS_VERIFY, t);
}
END_TEST

START_TEST(nul_in_name)
{
    const char *t[] = {"'localhost'", "hostname mismatch", NULL};
    fail_case("nulname", "127.0.0.1", "localhost", &ca_opts, NET_E_TLS_VERIFY, t);
}
END_TEST

START_TEST(insecure_self_signed)
{
    struct net_tls_opts to = {.verify = NET_TLS_INSECURE};
    struct tlsd_result res;
    ok_case("selfsigned", "127.0.0.1", "localhost", &to, &res);
}
END_TEST

START_TEST(insecure_wrong_name)
{
    struct net_tls_opts to = {.verify = NET_TLS_INSECURE};
    struct tlsd_result res;
    ok_case("wrongname", "127.0.0.1", "localhost", &to, &res);
    ck_assert_str_eq(res.sni, "localhost");
}
END_TEST

/* The system store does not hold the test CA. */
START_TEST(system_store_rejects_test_ca)
{
    const char *t[] = {"verification failed for 'localhost'", "issuer", NULL};
    fail_case("good", "127.0.0.1", "localhost", NULL, NET_E_TLS_VERIFY, t);
}
END_TEST

/* OpenSSL 3.0 still serves TLS 1.1 at security level 0; we refuse it. */
START_TEST(tls11_server_refused)
{
    struct tlsd_opts o = {.cert = CERTS "good.pem", .key = CERTS "good.key",
                          .max_version = TLS1_1_VERSION};
    struct tlsd *d = serve(&o);
    struct net_conn *c;
    struct net_err err;
    enum net_status st = dial(d, "127.0.0.1", "localhost", &ca_opts, &c, &err);
    if (st == NET_OK)
        net_conn_close(c);
    struct tlsd_result res;
    tlsd_stop(d, &res);
    const char *t[] = {"TLS handshake with 'localhost'", "protocol", NULL};
    expect_fail(st, &err, NET_E_TLS, t);
    ck_assert_int_eq(res.handshakes_ok, 0);
    ck_assert_msg(strstr(res.error, "unsupported protocol") != NULL, "server: %s", res.error);
}
END_TEST

/* ---- ALPN ---- */

START_TEST(alpn_selects_http11)
{
    struct net_tls_opts to = {.ca_file = CERTS "ca.pem", .alpn = "h2,http/1.1"};
    struct tlsd *d = serve_cert("good");
    struct net_conn *c;
    struct net_err err;
    ck_assert_int_eq(dial(d, "127.0.0.1", "localhost", &to, &c, &err), NET_OK);
    struct net_tls_info info;
    ck_assert(net_conn_tls_info(c, &info));
    ck_assert_str_eq(info.alpn, "http/1.1");
    hello_echo(c);
    net_conn_close(c);
    struct tlsd_result res;
    tlsd_stop(d, &res);
    ck_assert_str_eq(res.alpn_offered, "h2,http/1.1");
}
END_TEST

START_TEST(alpn_malformed)
{
    char longname[NET_TLS_ALPN_NAME_MAX + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    const char *bad[] = {"", "h2,,http/1.1", ",h2", "h2,", "h2\r\n", "h\n2", longname};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct net_tls_opts to = {.ca_file = CERTS "ca.pem", .alpn = bad[i]};
        struct net_tls_ctx *ctx = (struct net_tls_ctx *)1;
        struct net_err err;
        net_err_clear(&err);
        ck_assert_int_eq(net_tls_ctx_new(&to, &ctx, &err), NET_E_USAGE);
        ck_assert_ptr_null(ctx);
        ck_assert_int_eq(err.status, NET_E_USAGE);
        ck_assert_msg(strstr(err.text, "ALPN") != NULL, "%s", err.text);
    }
    /* The longest allowed name passes. */
    longname[NET_TLS_ALPN_NAME_MAX] = '\0';
    struct net_tls_opts to = {.ca_file = CERTS "ca.pem", .alpn = longname};
    struct net_tls_ctx *ctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&to, &ctx, &err), NET_OK);
    net_tls_ctx_free(ctx);
}
END_TEST

/* Through net_conn_open: refused before any TLS byte is sent. */
START_TEST(alpn_malformed_conn)
{
    struct net_tls_opts to = {.ca_file = CERTS "ca.pem", .alpn = "h2,,x"};
    const char *t[] = {"empty protocol name", NULL};
    fail_case("good", "127.0.0.1", "localhost", &to, NET_E_USAGE, t);
}
END_TEST

/* ---- client certificates and files ---- */

START_TEST(client_cert_presented)
{
    struct tlsd_opts o = {.cert = CERTS "good.pem", .key = CERTS "good.key",
                          .require_client_cert = true};
    struct tlsd *d = serve(&o);
    struct net_tls_opts to = {.ca_file = CERTS "ca.pem", .cert_file = CERTS "client.pem",
                              .key_file = CERTS "client.key"};
    struct net_conn *c;
    struct net_err err;
    enum net_status st = dial(d, "127.0.0.1", "localhost", &to, &c, &err);
    ck_assert_msg(st == NET_OK, "open: %s", err.text);
    hello_echo(c);
    net_conn_close(c);
    struct tlsd_result res;
    tlsd_stop(d, &res);
    ck_assert_int_eq(res.handshakes_ok, 1);
    ck_assert(res.client_cert);
}
END_TEST

/* The server requires a certificate we do not have: a TLS failure (in TLS
 * 1.3 it arrives as an alert after our side of the handshake). */
START_TEST(client_cert_required_but_missing)
{
    struct tlsd_opts o = {.cert = CERTS "good.pem", .key = CERTS "good.key",
                          .require_client_cert = true};
    struct tlsd *d = serve(&o);
    struct net_conn *c;
    struct net_err err;
    enum net_status st = dial(d, "127.0.0.1", "localhost", &ca_opts, &c, &err);
    if (st == NET_OK) {
        struct net_line line;
        st = net_conn_read_line(c, 0, &line);
        err = *net_conn_err(c);
        net_conn_close(c);
    }
    struct tlsd_result res;
    tlsd_stop(d, &res);
    const char *t[] = {"'localhost'", "alert", NULL};
    expect_fail(st, &err, NET_E_TLS, t);
    ck_assert_int_eq(res.handshakes_ok, 0);
    ck_assert(!res.client_cert);
}
END_TEST

START_TEST(missing_key_file)
{
    struct net_tls_opts to = {.ca_file = CERTS "ca.pem", .cert_file = CERTS "client.pem",
                              .key_file = CERTS "no-such.key"};
    struct net_tls_ctx *ctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&to, &ctx, &err), NET_E_LOCAL_IO);
    ck_assert_ptr_null(ctx);
    ck_assert_ptr_nonnull(strstr(err.text, "key file 'tests/certs/no-such.key'"));
    ck_assert_ptr_nonnull(strstr(err.text, "No such file"));
}
END_TEST

START_TEST(missing_ca_file)
{
    struct net_tls_opts to = {.ca_file = CERTS "no-such-ca.pem"};
    struct net_tls_ctx *ctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&to, &ctx, &err), NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "CA file 'tests/certs/no-such-ca.pem'"));
}
END_TEST

START_TEST(key_does_not_match)
{
    struct net_tls_opts to = {.ca_file = CERTS "ca.pem", .cert_file = CERTS "client.pem",
                              .key_file = CERTS "good.key"};
    struct net_tls_ctx *ctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&to, &ctx, &err), NET_E_TLS);
    ck_assert_ptr_nonnull(strstr(err.text, "key file 'tests/certs/good.key'"));
    ck_assert_ptr_nonnull(strstr(err.text, "key values mismatch"));
}
END_TEST

/* A file that exists but holds no certificate: OpenSSL's reason is quoted. */
START_TEST(cert_file_not_pem)
{
    struct net_tls_opts to = {.cert_file = CERTS "README"};
    struct net_tls_ctx *ctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&to, &ctx, &err), NET_E_TLS);
    ck_assert_ptr_nonnull(strstr(err.text, "certificate file 'tests/certs/README' could not be loaded: error:"));
}
END_TEST

/* ---- STARTTLS ---- */

static struct net_conn *starttls_dialogue(struct tlsd *d)
{
    struct net_conn_opts o = {0};
    o.connect_timeout_ms = WAIT_MS;
    o.idle_timeout_ms = WAIT_MS;
    struct net_conn *c;
    struct net_err err;
    enum net_status st = net_conn_open("127.0.0.1", tlsd_port(d), &o, &c, &err);
    ck_assert_msg(st == NET_OK, "open: %s", err.text);
    expect_line(c, "220 ready");
    ck_assert_int_eq(net_conn_write(c, "STARTTLS\r\n", 10), NET_OK);
    expect_line(c, "220 go ahead");
    return c;
}

START_TEST(starttls_clean)
{
    struct tlsd_opts o = {.mode = TLSD_STARTTLS, .cert = CERTS "good.pem",
                          .key = CERTS "good.key"};
    struct tlsd *d = serve(&o);
    struct net_conn *c = starttls_dialogue(d);
    enum net_status st = net_conn_starttls(c, "localhost", &ca_opts, NULL);
    ck_assert_msg(st == NET_OK, "starttls: %s", net_conn_err(c)->text);
    hello_echo(c);
    expect_tls12plus(c);
    net_conn_close(c);
    struct tlsd_result res;
    tlsd_stop(d, &res);
    ck_assert_int_eq(res.handshakes_ok, 1);
    ck_assert_str_eq(res.starttls_cmd, "STARTTLS\r\n");
    ck_assert(res.after_goahead > 0);
    ck_assert(res.after_goahead_first_is_tls);
}
END_TEST

START_TEST(starttls_injected)
{
    struct tlsd_opts o = {.mode = TLSD_STARTTLS, .cert = CERTS "good.pem",
                          .key = CERTS "good.key", .inject = "EVIL\r\n"};
    struct tlsd *d = serve(&o);
    struct net_conn *c = starttls_dialogue(d);
    enum net_status st = net_conn_starttls(c, "localhost", &ca_opts, NULL);
    ck_assert_int_eq(st, NET_E_STARTTLS_INJECTED);
    ck_assert_int_eq(net_conn_err(c)->status, NET_E_STARTTLS_INJECTED);
    ck_assert_ptr_nonnull(strstr(net_conn_err(c)->text, "6 bytes"));
    ck_assert(!net_conn_tls_info(c, &(struct net_tls_info){0}));
    net_conn_close(c);
    struct tlsd_result res;
    tlsd_stop(d, &res);
    ck_assert_int_eq(res.handshakes_ok, 0);
    ck_assert_int_eq(res.after_goahead, 0);    /* nothing more from the client */
}
END_TEST

/* ---- resumption ---- */

START_TEST(session_resumed)
{
    struct tlsd_opts o = {.cert = CERTS "good.pem", .key = CERTS "good.key", .accepts = 2};
    struct tlsd *d = serve(&o);
    struct net_tls_ctx *ctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&ca_opts, &ctx, &err), NET_OK);
    struct net_conn_opts co = {.tls = true, .tls_ctx = ctx, .tls_host = "localhost",
                               .connect_timeout_ms = WAIT_MS, .idle_timeout_ms = WAIT_MS};
    struct net_conn *c;
    ck_assert_int_eq(net_conn_open("127.0.0.1", tlsd_port(d), &co, &c, &err), NET_OK);
    hello_echo(c);      /* TLS 1.3 tickets arrive with the first application data */
    struct net_tls_info info;
    ck_assert(net_conn_tls_info(c, &info));
    ck_assert(!info.resumed);
    struct net_tls_session *s = net_conn_tls_session(c);
    ck_assert_ptr_nonnull(s);
    net_conn_close(c);

    co.tls_resume = s;
    ck_assert_int_eq(net_conn_open("127.0.0.1", tlsd_port(d), &co, &c, &err), NET_OK);
    ck_assert(net_conn_tls_info(c, &info));
    ck_assert(info.resumed);
    hello_echo(c);
    net_conn_close(c);
    net_tls_session_free(s);
    net_tls_ctx_free(ctx);
    struct tlsd_result res;
    tlsd_stop(d, &res);
    ck_assert_int_eq(res.handshakes_ok, 2);
    ck_assert_int_eq(res.resumed, 1);
}
END_TEST

/* ---- truncation ---- */

START_TEST(close_without_close_notify)
{
    struct tlsd_opts o = {.cert = CERTS "good.pem", .key = CERTS "good.key",
                          .abrupt_close = true};
    struct tlsd *d = serve(&o);
    struct net_conn *c;
    struct net_err err;
    ck_assert_int_eq(dial(d, "127.0.0.1", "localhost", &ca_opts, &c, &err), NET_OK);
    expect_line(c, "hello");
    struct net_line line;
    ck_assert_int_eq(net_conn_read_line(c, 0, &line), NET_E_CLOSED);
    ck_assert_int_eq(net_conn_err(c)->status, NET_E_CLOSED);
    ck_assert_str_eq(net_conn_err(c)->text,
                     "TLS: peer closed without close_notify (possible truncation)");
    net_conn_close(c);
    tlsd_stop(d, NULL);
}
END_TEST

/* ---- layer level: our server mode, lower-layer errors, host checks ---- */

/* A connected loopback TCP pair (client, server side). */
static void tcp_pair(int *cfd, int *sfd)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(l, (struct sockaddr *)&a, len), 0);
    ck_assert_int_eq(listen(l, 1), 0);
    ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
    *cfd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(connect(*cfd, (struct sockaddr *)&a, len), 0);
    *sfd = accept(l, NULL, NULL);
    ck_assert_int_ge(*sfd, 0);
    close(l);
}

static struct net_layer *sock_layer(int fd)
{
    struct net_layer *l;
    struct net_err err;
    ck_assert_int_eq(net_sock_layer_new(fd, &l, &err), NET_OK);
    return l;
}

static void wait_for(struct net_layer *l, short want)
{
    struct pollfd p = {.fd = l->ops->fd(l), .events = want};
    ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
}

/* Run two handshakes in one thread, alternating, until both are done. */
static void handshake_both(struct net_layer *a, struct net_layer *b)
{
    bool da = false, db = false;
    struct net_err err;
    for (int i = 0; i < 100 && !(da && db); i++) {
        short want = 0;
        if (!da) {
            int r = a->ops->handshake(a, &want, &err);
            ck_assert_msg(r == 0 || r == NET_IO_AGAIN, "client: %s", err.text);
            da = r == 0;
        }
        if (!db) {
            int r = b->ops->handshake(b, &want, &err);
            ck_assert_msg(r == 0 || r == NET_IO_AGAIN, "server: %s", err.text);
            db = r == 0;
        }
        struct pollfd p[2] = {{.fd = a->ops->fd(a), .events = POLLIN},
                              {.fd = b->ops->fd(b), .events = POLLIN}};
        if (!(da && db))
            poll(p, 2, 100);
    }
    ck_assert(da && db);
}

static void layer_send(struct net_layer *l, const char *s)
{
    struct net_err err;
    size_t n = strlen(s), done = 0;
    while (done < n) {
        short want = 0;
        ssize_t r = l->ops->write(l, s + done, n - done, &want, &err);
        ck_assert_msg(r > 0 || r == NET_IO_AGAIN, "write: %s", err.text);
        if (r > 0)
            done += (size_t)r;
        else
            wait_for(l, want);
    }
}

/* Read until n bytes or end of stream; returns the count. */
static size_t layer_recv(struct net_layer *l, char *buf, size_t n)
{
    struct net_err err;
    size_t got = 0;
    while (got < n) {
        short want = 0;
        ssize_t r = l->ops->read(l, buf + got, n - got, &want, &err);
        ck_assert_msg(r >= 0 || r == NET_IO_AGAIN, "read: %s", err.text);
        if (r == 0)
            break;
        if (r > 0)
            got += (size_t)r;
        else
            wait_for(l, want);
    }
    return got;
}

START_TEST(own_server_mode)
{
    struct net_tls_opts so = {.server = true, .cert_file = CERTS "good.pem",
                              .key_file = CERTS "good.key", .alpn = "http/1.1"};
    struct net_tls_opts co = {.ca_file = CERTS "ca.pem", .alpn = "h2,http/1.1"};
    struct net_tls_ctx *sctx, *cctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&so, &sctx, &err), NET_OK);
    ck_assert_int_eq(net_tls_ctx_new(&co, &cctx, &err), NET_OK);
    int cfd, sfd;
    tcp_pair(&cfd, &sfd);
    struct net_layer *cs = sock_layer(cfd), *ss = sock_layer(sfd), *cl, *sl;
    ck_assert_int_eq(net_tls_layer_new(cctx, cs, "localhost", NULL, &cl, &err), NET_OK);
    ck_assert_int_eq(net_tls_layer_new(sctx, ss, NULL, NULL, &sl, &err), NET_OK);
    ck_assert(net_tls_layer_is(cl) && net_tls_layer_is(sl) && !net_tls_layer_is(cs));
    ck_assert_int_eq(cl->ops->fd(cl), cfd);
    handshake_both(cl, sl);

    struct net_tls_info ci, si;
    net_tls_layer_info(cl, &ci);
    net_tls_layer_info(sl, &si);
    ck_assert_str_eq(ci.alpn, "http/1.1");
    ck_assert_str_eq(si.alpn, "http/1.1");
    ck_assert_str_eq(ci.version, si.version);

    char buf[32] = {0};
    layer_send(cl, "from client");
    ck_assert_uint_eq(layer_recv(sl, buf, 11), 11);
    ck_assert_str_eq(buf, "from client");
    memset(buf, 0, sizeof buf);
    layer_send(sl, "from server");
    ck_assert_uint_eq(layer_recv(cl, buf, 4), 4);
    ck_assert_uint_eq(cl->ops->pending(cl), 7);    /* rest of the record, decoded */
    ck_assert_uint_eq(layer_recv(cl, buf + 4, 7), 7);
    ck_assert_str_eq(buf, "from server");

    sl->ops->destroy(sl);       /* sends close_notify, closes the socket */
    ck_assert_uint_eq(layer_recv(cl, buf, sizeof buf), 0);     /* orderly end */
    cl->ops->destroy(cl);
    net_tls_ctx_free(sctx);
    net_tls_ctx_free(cctx);
}
END_TEST

/* A reset from below during the handshake keeps the lower layer's status. */
START_TEST(reset_during_handshake)
{
    struct net_tls_ctx *ctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&ca_opts, &ctx, &err), NET_OK);
    int cfd, sfd;
    tcp_pair(&cfd, &sfd);
    struct net_layer *cl;
    ck_assert_int_eq(net_tls_layer_new(ctx, sock_layer(cfd), "localhost", NULL, &cl, &err),
                     NET_OK);
    short want = 0;
    ck_assert_int_eq(cl->ops->handshake(cl, &want, &err), NET_IO_AGAIN);
    ck_assert_int_eq(want, POLLIN);
    char hello[64];
    ck_assert_int_gt(recv(sfd, hello, sizeof hello, 0), 0);    /* the ClientHello */
    ck_assert_int_eq(hello[0], 0x16);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(sfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(sfd);     /* RST */
    wait_for(cl, POLLIN);
    net_err_clear(&err);
    ck_assert_int_eq(cl->ops->handshake(cl, &want, &err), NET_IO_ERROR);
    ck_assert_int_eq(err.status, NET_E_RESET);
    ck_assert_ptr_nonnull(strstr(err.text, "TLS handshake with 'localhost'"));
    ck_assert_ptr_nonnull(strstr(err.text, "reset"));
    cl->ops->destroy(cl);
    net_tls_ctx_free(ctx);
}
END_TEST

/* The peer closes (FIN) in the middle of the handshake: a TLS failure. */
START_TEST(eof_during_handshake)
{
    struct net_tls_ctx *ctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&ca_opts, &ctx, &err), NET_OK);
    int cfd, sfd;
    tcp_pair(&cfd, &sfd);
    struct net_layer *cl;
    ck_assert_int_eq(net_tls_layer_new(ctx, sock_layer(cfd), "localhost", NULL, &cl, &err),
                     NET_OK);
    short want = 0;
    ck_assert_int_eq(cl->ops->handshake(cl, &want, &err), NET_IO_AGAIN);
    char hello[4096];
    ck_assert_int_gt(recv(sfd, hello, sizeof hello, 0), 0);
    close(sfd);     /* FIN, everything sent was read: no RST */
    wait_for(cl, POLLIN);
    net_err_clear(&err);
    ck_assert_int_eq(cl->ops->handshake(cl, &want, &err), NET_IO_ERROR);
    ck_assert_int_eq(err.status, NET_E_TLS);
    ck_assert_msg(strstr(err.text, "TLS handshake with 'localhost': the peer closed the "
                                   "connection") != NULL, "%s", err.text);
    cl->ops->destroy(cl);
    net_tls_ctx_free(ctx);
}
END_TEST

START_TEST(host_checks)
{
    struct net_tls_ctx *ctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&ca_opts, &ctx, &err), NET_OK);
    int cfd, sfd;
    tcp_pair(&cfd, &sfd);
    struct net_layer *below = sock_layer(cfd), *l = (struct net_layer *)1;
    ck_assert_int_eq(net_tls_layer_new(ctx, below, "local\r\nhost", NULL, &l, &err),
                     NET_E_UNSAFE_INPUT);
    ck_assert_ptr_null(l);
    ck_assert_ptr_nonnull(strstr(err.text, "CR or LF"));
    ck_assert_int_eq(net_tls_layer_new(ctx, below, NULL, NULL, &l, &err), NET_E_USAGE);
    ck_assert_int_eq(net_tls_layer_new(ctx, below, "", NULL, &l, &err), NET_E_USAGE);
    /* below is still ours and usable after the refusals */
    short want = 0;
    ck_assert_int_eq(below->ops->write(below, "x", 1, &want, &err), 1);
    /* IP literals with brackets or a zone are accepted as IPs */
    ck_assert_int_eq(net_tls_layer_new(ctx, below, "[::1]", NULL, &l, &err), NET_OK);
    l->ops->destroy(l);     /* takes below with it */
    close(sfd);
    net_tls_ctx_free(ctx);
}
END_TEST

START_TEST(server_mode_needs_cert)
{
    struct net_tls_opts so = {.server = true};
    struct net_tls_ctx *ctx;
    struct net_err err;
    ck_assert_int_eq(net_tls_ctx_new(&so, &ctx, &err), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.text, "certificate"));
}
END_TEST

static Suite *tls_suite(void)
{
    Suite *s = suite_create("tls");
    TCase *v = tcase_create("verify");
    tcase_set_timeout(v, 20);
    tcase_add_test(v, valid_by_name);
    tcase_add_test(v, valid_by_ipv4);
    tcase_add_test(v, valid_by_ipv6);
    tcase_add_test(v, clean_close_is_orderly);
    tcase_add_test(v, wrong_name);
    tcase_add_test(v, expired);
    tcase_add_test(v, self_signed_full);
    tcase_add_test(v, self_signed_name_only);
    tcase_add_test(v, self_signed_wrong_name_name_only);
    tcase_add_test(v, self_signed_ip_name_only);
    tcase_add_test(v, name_cert_for_ip);
    tcase_add_test(v, nul_in_name);
    tcase_add_test(v, insecure_self_signed);
    tcase_add_test(v, insecure_wrong_name);
    tcase_add_test(v, system_store_rejects_test_ca);
    tcase_add_test(v, tls11_server_refused);
    suite_add_tcase(s, v);

    TCase *o = tcase_create("options");
    tcase_set_timeout(o, 20);
    tcase_add_test(o, alpn_selects_http11);
    tcase_add_test(o, alpn_malformed);
    tcase_add_test(o, alpn_malformed_conn);
    tcase_add_test(o, client_cert_presented);
    tcase_add_test(o, client_cert_required_but_missing);
    tcase_add_test(o, missing_key_file);
    tcase_add_test(o, missing_ca_file);
    tcase_add_test(o, key_does_not_match);
    tcase_add_test(o, cert_file_not_pem);
    tcase_add_test(o, server_mode_needs_cert);
    suite_add_tcase(s, o);

    TCase *c = tcase_create("conn");
    tcase_set_timeout(c, 20);
    tcase_add_test(c, starttls_clean);
    tcase_add_test(c, starttls_injected);
    tcase_add_test(c, session_resumed);
    tcase_add_test(c, close_without_close_notify);
    tcase_add_test(c, own_server_mode);
    tcase_add_test(c, reset_during_handshake);
    tcase_add_test(c, eof_during_handshake);
    tcase_add_test(c, host_checks);
    suite_add_tcase(s, c);
    return s;
}

int main(void)
{
    struct net_err err;
    if (net_init(&err) != NET_OK)
        return 1;
    SRunner *sr = srunner_create(tls_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
