/* test_sock.c - Happy Eyeballs: ordering, stagger, refusal, total failure. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libnet/sock.h"
#include "tests/support/tcpd.h"

static struct net_addr addr_of(int family, unsigned short port)
{
    struct net_addr a;
    memset(&a, 0, sizeof a);
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a.ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_loopback;
        s6->sin6_port = htons(port);
        a.len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&a.ss;
        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        s4->sin_port = htons(port);
        a.len = sizeof *s4;
    }
    return a;
}

static const struct tcpd_step greet[] = {
    {TCPD_SEND, "hi\r\n", 0, 0, 0}, {TCPD_END, NULL, 0, 0, 0}};

START_TEST(order_interleaves_ipv6_first)
{
    struct net_addr v[5] = {addr_of(AF_INET, 1), addr_of(AF_INET, 2), addr_of(AF_INET, 3),
                            addr_of(AF_INET6, 4), addr_of(AF_INET6, 5)};
    struct net_addrlist l = {5, v};
    net_sock_order(&l);
    char buf[NET_ADDR_STR_MAX];
    const char *want[5] = {"[::1]:4", "127.0.0.1:1", "[::1]:5", "127.0.0.1:2", "127.0.0.1:3"};
    for (int i = 0; i < 5; i++)
        ck_assert_str_eq(net_addr_str(&v[i], buf, sizeof buf), want[i]);
}
END_TEST

START_TEST(silent_ipv6_then_ipv4_within_stagger)
{
    unsigned short bh_port;
    int filler;
    int bh = tcpd_blackhole(AF_INET6, &bh_port, &filler);
    ck_assert_int_ge(bh, 0);
    struct tcpd *srv = tcpd_start(AF_INET, greet);
    ck_assert_ptr_nonnull(srv);
    struct net_addr v[2] = {addr_of(AF_INET6, bh_port), addr_of(AF_INET, tcpd_port(srv))};
    struct net_addrlist l = {2, v};
    struct net_err err;
    struct net_addr peer;
    int fd = -1;
    net_ms t0 = net_now();
    enum net_status st = net_sock_connect(&l, net_deadline_in(10000), 250, NULL, &fd, &peer, &err);
    net_ms took = net_now() - t0;
    ck_assert_msg(st == NET_OK, "%s", err.text);
    ck_assert_int_eq(peer.ss.ss_family, AF_INET);
    ck_assert_msg(took >= 200 && took < 2000, "took %lld ms", (long long)took);
    close(fd);
    tcpd_stop(srv);
    close(filler);
    close(bh);
}
END_TEST

START_TEST(refused_ipv6_starts_ipv4_at_once)
{
    struct tcpd *srv = tcpd_start(AF_INET, greet);
    struct net_addr v[2] = {addr_of(AF_INET6, tcpd_free_port(AF_INET6)),
                            addr_of(AF_INET, tcpd_port(srv))};
    struct net_addrlist l = {2, v};
    struct net_err err;
    int fd = -1;
    net_ms t0 = net_now();
    /* a stagger of 5 s: only the refusal can start the IPv4 attempt early */
    enum net_status st = net_sock_connect(&l, net_deadline_in(10000), 5000, NULL, &fd, NULL, &err);
    net_ms took = net_now() - t0;
    ck_assert_msg(st == NET_OK, "%s", err.text);
    ck_assert_msg(took < 1000, "took %lld ms", (long long)took);
    close(fd);
    tcpd_stop(srv);
}
END_TEST

START_TEST(all_refused_lists_each_address)
{
    unsigned short p6 = tcpd_free_port(AF_INET6), p4 = tcpd_free_port(AF_INET);
    struct net_addr v[2] = {addr_of(AF_INET6, p6), addr_of(AF_INET, p4)};
    struct net_addrlist l = {2, v};
    struct net_err err;
    int fd = -1;
    enum net_status st = net_sock_connect(&l, net_deadline_in(5000), 0, NULL, &fd, NULL, &err);
    ck_assert_int_eq(st, NET_E_CONNECT);
    char a6[64], a4[64];
    snprintf(a6, sizeof a6, "[::1]:%u (Connection refused)", p6);
    snprintf(a4, sizeof a4, "127.0.0.1:%u (Connection refused)", p4);
    ck_assert_msg(strstr(err.text, a6) && strstr(err.text, a4), "%s", err.text);
    ck_assert_ptr_nonnull(strstr(err.text, "2 addresses"));
    ck_assert_int_eq(net_status_class(st), NET_CLASS_CONNECT);
}
END_TEST

START_TEST(silent_only_times_out_at_deadline)
{
    unsigned short bh_port;
    int filler;
    int bh = tcpd_blackhole(AF_INET6, &bh_port, &filler);
    unsigned short p4 = tcpd_free_port(AF_INET);
    struct net_addr v[2] = {addr_of(AF_INET6, bh_port), addr_of(AF_INET, p4)};
    struct net_addrlist l = {2, v};
    struct net_err err;
    int fd = -1;
    net_ms t0 = net_now();
    enum net_status st = net_sock_connect(&l, net_deadline_in(400), 100, NULL, &fd, NULL, &err);
    net_ms took = net_now() - t0;
    ck_assert_int_eq(st, NET_E_CONNECT_TIMEOUT);
    ck_assert_msg(took >= 350 && took < 1500, "took %lld ms", (long long)took);
    ck_assert_msg(strstr(err.text, "(no answer)") && strstr(err.text, "refused"), "%s", err.text);
    ck_assert_int_eq(net_status_class(st), NET_CLASS_TIMEOUT);
    close(filler);
    close(bh);
}
END_TEST

START_TEST(empty_list_is_usage_error)
{
    struct net_addrlist l = {0, NULL};
    struct net_err err;
    int fd;
    ck_assert_int_eq(net_sock_connect(&l, NET_NO_DEADLINE, 0, NULL, &fd, NULL, &err), NET_E_USAGE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sock");
    TCase *tc = tcase_create("happy-eyeballs");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, order_interleaves_ipv6_first);
    tcase_add_test(tc, silent_ipv6_then_ipv4_within_stagger);
    tcase_add_test(tc, refused_ipv6_starts_ipv4_at_once);
    tcase_add_test(tc, all_refused_lists_each_address);
    tcase_add_test(tc, silent_only_times_out_at_deadline);
    tcase_add_test(tc, empty_list_is_usage_error);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
