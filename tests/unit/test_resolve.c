/* test_resolve.c - net_resolve() against a loopback DNS responder (c-ares)
 * and the system resolver on names that never leave the machine. */
#include <ares.h>
#include <arpa/inet.h>
#include <check.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "libnet/resolve.h"
#include "tests/support/dnsd.h"

/* Deadline for lookups that should succeed quickly on loopback. */
#define T_OK_MS 5000
/* Deadline for lookups that are meant to run into it. */
#define T_SHORT_MS 300

static struct dnsd *dns;

static void dns_setup(void)
{
    dns = dnsd_new();
    ck_assert_ptr_nonnull(dns);
    ck_assert_int_eq(dnsd_add(dns, "a.test", "192.0.2.1"), 0);
    ck_assert_int_eq(dnsd_add(dns, "aaaa.test", "2001:db8::1"), 0);
    ck_assert_int_eq(dnsd_add(dns, "both.test", "192.0.2.2"), 0);
    ck_assert_int_eq(dnsd_add(dns, "both.test", "2001:db8::2"), 0);
    ck_assert_int_eq(dnsd_add(dns, "dup.test", "192.0.2.5"), 0);
    ck_assert_int_eq(dnsd_add(dns, "dup.test", "192.0.2.5"), 0);
    ck_assert_int_eq(dnsd_add(dns, "dup.test", "192.0.2.6"), 0);
    ck_assert_int_eq(dnsd_add(dns, "tc.test", "192.0.2.3"), 0);
    ck_assert_int_eq(dnsd_add(dns, "tc.test", "2001:db8::3"), 0);
    ck_assert_int_eq(dnsd_set_mode(dns, "tc.test", DNSD_TRUNCATE), 0);
    ck_assert_int_eq(dnsd_add(dns, "silent.test", "192.0.2.4"), 0);
    ck_assert_int_eq(dnsd_set_mode(dns, "silent.test", DNSD_SILENT), 0);
    ck_assert_int_eq(dnsd_set_mode(dns, "garbage.test", DNSD_GARBAGE), 0);
    ck_assert_int_eq(dnsd_set_mode(dns, "junk.test", DNSD_JUNK), 0);
    ck_assert_int_eq(dnsd_start(dns), 0);
}

static void dns_teardown(void)
{
    dnsd_stop(dns);
    dns = NULL;
}

/* Resolve with a timeout in ms (0: no deadline). */
static enum net_status res(enum net_resolver_kind kind, enum net_family fam,
                           const char *servers, const char *host, unsigned short port,
                           net_ms timeout_ms, struct net_addrlist *out, struct net_err *err)
{
    struct net_resolve_opts o = {.kind = kind, .family = fam, .dns_servers = servers};
    net_err_clear(err);
    return net_resolve(&o, host, port, net_deadline_in(timeout_ms), NULL, out, err);
}

/* c-ares against our responder. */
static enum net_status ares(enum net_family fam, const char *host, struct net_addrlist *out,
                            struct net_err *err)
{
    return res(NET_RESOLVER_ARES, fam, dnsd_server(dns), host, 80, T_OK_MS, out, err);
}

static const char *addr_at(const struct net_addrlist *l, size_t i)
{
    static char buf[NET_ADDR_STR_MAX];
    ck_assert_uint_lt(i, l->n);
    return net_addr_str(&l->v[i], buf, sizeof buf);
}

static bool has_addr(const struct net_addrlist *l, const char *want)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(addr_at(l, i), want) == 0)
            return true;
    return false;
}

#define ck_status(got, want) \
    ck_assert_msg((got) == (want), "status %s, expected %s (%s)", net_status_name(got), \
                  net_status_name(want), err.text)

START_TEST(test_ares_a_only)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(ares(NET_FAMILY_ANY, "a.test", &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "192.0.2.1:80");
    net_addrlist_free(&l);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_A), 1);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_AAAA), 1);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_TCP, 0), 0);

    ck_status(ares(NET_FAMILY_V6, "a.test", &l, &err), NET_E_NO_SUCH_HOST);
    ck_assert_ptr_nonnull(strstr(err.text, "'a.test'"));
    ck_assert_uint_eq(l.n, 0);
    ck_assert_ptr_null(l.v);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_A), 1);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_AAAA), 2);

    ck_status(ares(NET_FAMILY_V4, "a.test", &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "192.0.2.1:80");
    net_addrlist_free(&l);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_A), 2);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_AAAA), 2);
}
END_TEST

START_TEST(test_ares_aaaa_only)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(ares(NET_FAMILY_ANY, "aaaa.test", &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "[2001:db8::1]:80");
    ck_assert_int_eq(l.v[0].ss.ss_family, AF_INET6);
    ck_assert_uint_eq(l.v[0].len, sizeof(struct sockaddr_in6));
    net_addrlist_free(&l);

    ck_status(ares(NET_FAMILY_V4, "aaaa.test", &l, &err), NET_E_NO_SUCH_HOST);
    ck_assert_ptr_nonnull(strstr(err.text, "'aaaa.test'"));
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_A), 2);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_AAAA), 1);
}
END_TEST

START_TEST(test_ares_both)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(ares(NET_FAMILY_ANY, "both.test", &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 2);
    ck_assert(has_addr(&l, "192.0.2.2:80"));
    ck_assert(has_addr(&l, "[2001:db8::2]:80"));
    net_addrlist_free(&l);

    ck_status(ares(NET_FAMILY_V4, "both.test", &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "192.0.2.2:80");
    net_addrlist_free(&l);

    ck_status(ares(NET_FAMILY_V6, "both.test", &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "[2001:db8::2]:80");
    net_addrlist_free(&l);
}
END_TEST

START_TEST(test_ares_duplicates_skipped)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(ares(NET_FAMILY_V4, "dup.test", &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 2);
    ck_assert(has_addr(&l, "192.0.2.5:80"));
    ck_assert(has_addr(&l, "192.0.2.6:80"));
    net_addrlist_free(&l);
}
END_TEST

START_TEST(test_ares_nxdomain)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(ares(NET_FAMILY_ANY, "nope.test", &l, &err), NET_E_NO_SUCH_HOST);
    ck_assert_int_eq(err.status, NET_E_NO_SUCH_HOST);
    ck_assert_ptr_nonnull(strstr(err.text, "no such host 'nope.test'"));
    ck_assert_uint_eq(l.n, 0);
    ck_assert_uint_ge(dnsd_count(dns, DNSD_UDP, 0), 1);
}
END_TEST

START_TEST(test_ares_truncated_retries_over_tcp)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(ares(NET_FAMILY_ANY, "tc.test", &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 2);
    ck_assert(has_addr(&l, "192.0.2.3:80"));
    ck_assert(has_addr(&l, "[2001:db8::3]:80"));
    net_addrlist_free(&l);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_A), 1);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_AAAA), 1);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_TCP, DNSD_TYPE_A), 1);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_TCP, DNSD_TYPE_AAAA), 1);
}
END_TEST

START_TEST(test_ares_silent_server_times_out)
{
    struct net_addrlist l;
    struct net_err err;
    net_ms t0 = net_now();
    enum net_status st = res(NET_RESOLVER_ARES, NET_FAMILY_ANY, dnsd_server(dns),
                             "silent.test", 80, T_SHORT_MS, &l, &err);
    net_ms took = net_now() - t0;
    ck_status(st, NET_E_RESOLVE_TIMEOUT);
    ck_assert_int_ge(took, T_SHORT_MS - 50);
    ck_assert_int_le(took, 2000);
    ck_assert_ptr_nonnull(strstr(err.text, "lookup of 'silent.test' timed out after "));
    ck_assert_ptr_nonnull(strstr(err.text, " ms"));
    ck_assert_uint_eq(l.n, 0);
    ck_assert_uint_ge(dnsd_count(dns, DNSD_UDP, 0), 1);
}
END_TEST

START_TEST(test_ares_garbage_reply_is_an_error)
{
    struct net_addrlist l;
    struct net_err err;
    net_ms t0 = net_now();
    enum net_status st = res(NET_RESOLVER_ARES, NET_FAMILY_V4, dnsd_server(dns),
                             "garbage.test", 80, 2000, &l, &err);
    ck_assert_int_lt(net_now() - t0, 1000);
    ck_status(st, NET_E_RESOLVE);
    ck_assert_ptr_nonnull(strstr(err.text, "lookup of 'garbage.test' failed: "));
    ck_assert_ptr_nonnull(strstr(err.text, ares_strerror(ARES_EBADRESP)));
    ck_assert_uint_eq(l.n, 0);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_UDP, DNSD_TYPE_A), 1);
}
END_TEST

START_TEST(test_ares_junk_reply_is_ignored_until_deadline)
{
    struct net_addrlist l;
    struct net_err err;
    net_ms t0 = net_now();
    enum net_status st = res(NET_RESOLVER_ARES, NET_FAMILY_ANY, dnsd_server(dns),
                             "junk.test", 80, T_SHORT_MS, &l, &err);
    net_ms took = net_now() - t0;
    ck_status(st, NET_E_RESOLVE_TIMEOUT);
    ck_assert_int_ge(took, T_SHORT_MS - 50);
    ck_assert_int_le(took, 2000);
    ck_assert_ptr_nonnull(strstr(err.text, "'junk.test' timed out"));
    ck_assert_uint_ge(dnsd_count(dns, DNSD_UDP, 0), 1);
}
END_TEST

START_TEST(test_ares_deadline_already_passed)
{
    struct net_addrlist l;
    struct net_err err;
    struct net_resolve_opts o = {.dns_servers = dnsd_server(dns)};
    enum net_status st = net_resolve(&o, "a.test", 80, net_now() - 1, NULL, &l, &err);
    ck_status(st, NET_E_RESOLVE_TIMEOUT);
    ck_assert_ptr_nonnull(strstr(err.text, "lookup of 'a.test' timed out after"));
}
END_TEST

START_TEST(test_ares_port_set_in_every_address)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_ANY, dnsd_server(dns), "both.test",
                  4242, T_OK_MS, &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 2);
    for (size_t i = 0; i < l.n; i++) {
        const struct sockaddr *sa = (const struct sockaddr *)&l.v[i].ss;
        unsigned port = sa->sa_family == AF_INET
            ? ntohs(((const struct sockaddr_in *)sa)->sin_port)
            : ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
        ck_assert_uint_eq(port, 4242);
    }
    ck_assert(has_addr(&l, "192.0.2.2:4242"));
    net_addrlist_free(&l);
}
END_TEST

START_TEST(test_ares_bad_dns_servers)
{
    static const char *const bad[] = {
        "", "127.0.0.1\r\n", "127.0.0.1\n", "127.0.0.1 ", "localhost", "1.2.3",
        "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:", "127.0.0.1:x53", "[::1",
        "[::1]:", "[::1]x", "[127.0.0.1]:53", "127.0.0.1,", ",127.0.0.1",
        "127.0.0.1,,::1", "::1:53:", "1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,"
        "1.1.1.6,1.1.1.7,1.1.1.8,1.1.1.9",
    };
    struct net_addrlist l;
    struct net_err err;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum net_status st = res(NET_RESOLVER_ARES, NET_FAMILY_ANY, bad[i], "a.test", 80,
                                 T_OK_MS, &l, &err);
        ck_assert_msg(st == NET_E_USAGE, "'%s' gave %s", bad[i], net_status_name(st));
        ck_assert_ptr_nonnull(strstr(err.text, "DNS server"));
        ck_assert_uint_eq(l.n, 0);
    }
    ck_assert_uint_eq(dnsd_count(dns, DNSD_ANY, 0), 0);
}
END_TEST

START_TEST(test_ares_good_dns_server_forms)
{
    /* Accepted forms; a numeric host keeps c-ares from querying them. */
    static const char *const good[] = {
        "127.0.0.1", "127.0.0.1:53", "::1", "[::1]", "[::1]:5353",
        "127.0.0.1:53,[::1]:53,192.0.2.1", "[fe80::1]:53",
    };
    struct net_addrlist l;
    struct net_err err;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        enum net_status st = res(NET_RESOLVER_ARES, NET_FAMILY_ANY, good[i], "127.0.0.1",
                                 80, T_OK_MS, &l, &err);
        ck_assert_msg(st == NET_OK, "'%s' gave %s: %s", good[i], net_status_name(st),
                      err.text);
        net_addrlist_free(&l);
    }
}
END_TEST

START_TEST(test_ares_localhost_from_hosts_file)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_ANY, dnsd_server(dns), "localhost", 8080,
                  T_OK_MS, &l, &err), NET_OK);
    ck_assert_uint_ge(l.n, 1);
    ck_assert(has_addr(&l, "127.0.0.1:8080"));
    net_addrlist_free(&l);
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_V4, dnsd_server(dns), "localhost", 8080,
                  T_OK_MS, &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "127.0.0.1:8080");
    net_addrlist_free(&l);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_ANY, 0), 0);
}
END_TEST

START_TEST(test_ares_localhost_v6_never_queries)
{
    /* Whether "localhost" has an IPv6 address depends on this machine's
     * /etc/hosts; either way no DNS server is asked. */
    struct net_addrlist l;
    struct net_err err;
    enum net_status st = res(NET_RESOLVER_ARES, NET_FAMILY_V6, dnsd_server(dns),
                             "localhost", 80, T_OK_MS, &l, &err);
    if (st == NET_OK) {
        for (size_t i = 0; i < l.n; i++)
            ck_assert_int_eq(l.v[i].ss.ss_family, AF_INET6);
        net_addrlist_free(&l);
    } else {
        ck_status(st, NET_E_NO_SUCH_HOST);
        ck_assert_str_eq(err.text, "no IPv6 address for 'localhost' (c-ares)");
    }
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_ANY, dnsd_server(dns), "LocalHost.",
                  80, T_OK_MS, &l, &err), NET_OK);
    ck_assert(has_addr(&l, "127.0.0.1:80"));
    net_addrlist_free(&l);
    /* Names under .localhost come from /etc/hosts or nowhere (RFC 6761). */
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_V4, dnsd_server(dns), "sub.localhost",
                  80, T_OK_MS, &l, &err), NET_E_NO_SUCH_HOST);
    ck_assert_ptr_nonnull(strstr(err.text, "no such host 'sub.localhost'"));
    ck_assert_uint_eq(dnsd_count(dns, DNSD_ANY, 0), 0);
}
END_TEST

START_TEST(test_numeric_hosts_never_query)
{
    struct net_addrlist l;
    struct net_err err;
    const char *srv = dnsd_server(dns);
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_ANY, srv, "127.0.0.1", 25, 0, &l, &err),
              NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "127.0.0.1:25");
    net_addrlist_free(&l);
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_V6, srv, "::1", 25, 0, &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "[::1]:25");
    net_addrlist_free(&l);
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_V6, srv, "127.0.0.1", 25, 0, &l, &err),
              NET_E_NO_SUCH_HOST);
    ck_assert_str_eq(err.text, "'127.0.0.1' is an IPv4 address, but only IPv6 was asked for");
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_V4, srv, "::1", 25, 0, &l, &err),
              NET_E_NO_SUCH_HOST);
    ck_assert_str_eq(err.text, "'::1' is an IPv6 address, but only IPv4 was asked for");
    ck_assert_uint_eq(l.n, 0);
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_ANY, srv, "fe80::1%no-such-if0", 25, 0,
                  &l, &err), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.text, "not a valid IPv6 address"));
    /* A deadline already passed does not matter: there is nothing to wait for. */
    struct net_resolve_opts o = {.dns_servers = srv};
    ck_status(net_resolve(&o, "192.0.2.9", 1, net_now() - 1, NULL, &l, &err), NET_OK);
    ck_assert_str_eq(addr_at(&l, 0), "192.0.2.9:1");
    net_addrlist_free(&l);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_ANY, 0), 0);
}
END_TEST

START_TEST(test_bad_host_names)
{
    struct net_addrlist l;
    struct net_err err;
    const char *srv = dnsd_server(dns);
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_ANY, srv, "", 80, 0, &l, &err), NET_E_USAGE);
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_ANY, srv, NULL, 80, 0, &l, &err), NET_E_USAGE);
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_ANY, srv, "a.test\r\nX", 80, 0, &l, &err),
              NET_E_UNSAFE_INPUT);
    ck_assert_ptr_nonnull(strstr(err.text, "0x0d at 6"));
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_ANY, srv, "a test", 80, 0, &l, &err),
              NET_E_UNSAFE_INPUT);
    ck_status(res(NET_RESOLVER_ARES, NET_FAMILY_ANY, srv, longname, 80, 0, &l, &err),
              NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.text, "299 characters"));
    ck_status(res(NET_RESOLVER_SYSTEM, NET_FAMILY_ANY, NULL, "a\nb", 80, 0, &l, &err),
              NET_E_UNSAFE_INPUT);
    ck_assert_uint_eq(l.n, 0);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_ANY, 0), 0);
}
END_TEST

/* Collects INFO notes for the trace test. */
struct notes {
    char text[1024];
};

static void note_fn(void *ctx, enum net_trace_dir dir, const char *data, size_t len,
                    bool secret)
{
    struct notes *n = ctx;
    size_t used = strlen(n->text);
    if (dir != NET_TRACE_INFO || used + len + 2 > sizeof n->text)
        return;
    memcpy(n->text + used, data, len);
    memcpy(n->text + used + len, "\n", 2);
}

START_TEST(test_trace_notes)
{
    struct notes n = {{0}};
    struct net_trace t = {note_fn, &n};
    struct net_resolve_opts o = {.dns_servers = dnsd_server(dns)};
    struct net_addrlist l;
    struct net_err err;
    ck_status(net_resolve(&o, "both.test", 80, net_deadline_in(T_OK_MS), &t, &l, &err),
              NET_OK);
    net_addrlist_free(&l);
    ck_assert_str_eq(n.text, "resolving both.test with ares\nresolved both.test: 2 addresses\n");
}
END_TEST

START_TEST(test_system_localhost)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(res(NET_RESOLVER_SYSTEM, NET_FAMILY_V4, NULL, "localhost", 8080, 0, &l, &err),
              NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "127.0.0.1:8080");
    net_addrlist_free(&l);
    ck_status(res(NET_RESOLVER_SYSTEM, NET_FAMILY_ANY, NULL, "localhost", 8080, 0, &l, &err),
              NET_OK);
    ck_assert(has_addr(&l, "127.0.0.1:8080"));
    net_addrlist_free(&l);
}
END_TEST

START_TEST(test_system_numeric)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(res(NET_RESOLVER_SYSTEM, NET_FAMILY_ANY, NULL, "127.0.0.1", 21, 0, &l, &err),
              NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "127.0.0.1:21");
    net_addrlist_free(&l);
    ck_status(res(NET_RESOLVER_SYSTEM, NET_FAMILY_ANY, NULL, "::1", 21, 0, &l, &err), NET_OK);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(addr_at(&l, 0), "[::1]:21");
    net_addrlist_free(&l);
    ck_status(res(NET_RESOLVER_SYSTEM, NET_FAMILY_V4, NULL, "::1", 21, 0, &l, &err),
              NET_E_NO_SUCH_HOST);
    ck_assert_ptr_nonnull(strstr(err.text, "is an IPv6 address"));
    ck_status(res(NET_RESOLVER_SYSTEM, NET_FAMILY_V6, NULL, "127.0.0.1", 21, 0, &l, &err),
              NET_E_NO_SUCH_HOST);
    ck_assert_ptr_nonnull(strstr(err.text, "is an IPv4 address"));
}
END_TEST

START_TEST(test_system_numeric_zone)
{
    unsigned lo = if_nametoindex("lo");
    if (lo == 0)
        return;     /* no interface named lo here: nothing to test */
    struct net_addrlist l;
    struct net_err err;
    ck_status(res(NET_RESOLVER_SYSTEM, NET_FAMILY_ANY, NULL, "fe80::1%lo", 80, 0, &l, &err),
              NET_OK);
    ck_assert_uint_eq(l.n, 1);
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&l.v[0].ss;
    ck_assert_int_eq(s6->sin6_family, AF_INET6);
    ck_assert_uint_eq(s6->sin6_scope_id, lo);
    ck_assert_str_eq(addr_at(&l, 0), "[fe80::1%lo]:80");
    net_addrlist_free(&l);
}
END_TEST

START_TEST(test_system_with_dns_servers_is_usage)
{
    struct net_addrlist l;
    struct net_err err;
    ck_status(res(NET_RESOLVER_SYSTEM, NET_FAMILY_ANY, dnsd_server(dns), "localhost", 80, 0,
                  &l, &err), NET_E_USAGE);
    ck_assert_ptr_nonnull(strstr(err.text, "system resolver cannot be given DNS servers"));
    ck_assert_uint_eq(l.n, 0);
    ck_assert_uint_eq(dnsd_count(dns, DNSD_ANY, 0), 0);
}
END_TEST

START_TEST(test_names_and_addr_str)
{
    enum net_resolver_kind k = NET_RESOLVER_SYSTEM;
    ck_assert_str_eq(net_resolver_name(NET_RESOLVER_ARES), "ares");
    ck_assert_str_eq(net_resolver_name(NET_RESOLVER_SYSTEM), "system");
    ck_assert(net_resolver_parse("ares", &k));
    ck_assert_int_eq(k, NET_RESOLVER_ARES);
    ck_assert(net_resolver_parse("system", &k));
    ck_assert_int_eq(k, NET_RESOLVER_SYSTEM);
    ck_assert(!net_resolver_parse("dns", &k));
    ck_assert(!net_resolver_parse("ARES", &k));
    ck_assert(!net_resolver_parse(NULL, &k));
    ck_assert_int_eq(k, NET_RESOLVER_SYSTEM);

    struct net_addr a = {.len = sizeof(struct sockaddr_in6)};
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a.ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(65535);
    memset(&s6->sin6_addr, 0xff, sizeof s6->sin6_addr);
    char buf[NET_ADDR_STR_MAX];
    ck_assert_str_eq(net_addr_str(&a, buf, sizeof buf),
                     "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
    char small[8];
    net_addr_str(&a, small, sizeof small);
    ck_assert_uint_eq(strlen(small), sizeof small - 1);
}
END_TEST

static Suite *resolve_suite(void)
{
    Suite *s = suite_create("resolve");
    TCase *ares_tc = tcase_create("ares");
    tcase_add_checked_fixture(ares_tc, dns_setup, dns_teardown);
    tcase_set_timeout(ares_tc, 10);
    tcase_add_test(ares_tc, test_ares_a_only);
    tcase_add_test(ares_tc, test_ares_aaaa_only);
    tcase_add_test(ares_tc, test_ares_both);
    tcase_add_test(ares_tc, test_ares_duplicates_skipped);
    tcase_add_test(ares_tc, test_ares_nxdomain);
    tcase_add_test(ares_tc, test_ares_truncated_retries_over_tcp);
    tcase_add_test(ares_tc, test_ares_silent_server_times_out);
    tcase_add_test(ares_tc, test_ares_garbage_reply_is_an_error);
    tcase_add_test(ares_tc, test_ares_junk_reply_is_ignored_until_deadline);
    tcase_add_test(ares_tc, test_ares_deadline_already_passed);
    tcase_add_test(ares_tc, test_ares_port_set_in_every_address);
    tcase_add_test(ares_tc, test_ares_bad_dns_servers);
    tcase_add_test(ares_tc, test_ares_good_dns_server_forms);
    tcase_add_test(ares_tc, test_ares_localhost_from_hosts_file);
    tcase_add_test(ares_tc, test_ares_localhost_v6_never_queries);
    tcase_add_test(ares_tc, test_numeric_hosts_never_query);
    tcase_add_test(ares_tc, test_bad_host_names);
    tcase_add_test(ares_tc, test_trace_notes);
    tcase_add_test(ares_tc, test_system_with_dns_servers_is_usage);
    suite_add_tcase(s, ares_tc);

    TCase *sys_tc = tcase_create("system");
    tcase_add_test(sys_tc, test_system_localhost);
    tcase_add_test(sys_tc, test_system_numeric);
    tcase_add_test(sys_tc, test_system_numeric_zone);
    tcase_add_test(sys_tc, test_names_and_addr_str);
    suite_add_tcase(s, sys_tc);
    return s;
}

int main(void)
{
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
        return 1;
    SRunner *sr = srunner_create(resolve_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    ares_library_cleanup();
    return failed == 0 ? 0 : 1;
}
