/* test_netrc.c - .netrc lookup: matching, the default entry, macros,
 * quoting, comments, file safety, errors and the default paths. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libnet/netrc.h"
#include "tests/support/tmpfiles.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    ck_assert_ptr_nonnull(tmpfiles_mkdir("test_netrc", dir, sizeof dir));
    snprintf(path, sizeof path, "%s/netrc", dir);
}

static void teardown(void)
{
    tmpfiles_rmdir(dir);
}

/* Write text to file p with exactly mode. */
static void write_mode(const char *p, const char *text, mode_t mode)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    size_t n = strlen(text);
    ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    close(fd);
}

static void write_netrc(const char *text)
{
    write_mode(path, text, 0600);
}

/* Look host (and login) up in the file at path; expect status st. */
struct result {
    enum net_status st;
    bool found;
    char *login;
    char *password;
    struct net_err err;
};

static struct result lookup(const char *p, const char *host, const char *login)
{
    struct result r = {0};
    r.login = r.password = (char *)1;
    net_err_clear(&r.err);
    r.st = net_netrc_lookup(p, host, login, &r.found, &r.login, &r.password, &r.err);
    return r;
}

static void result_free(struct result *r)
{
    free(r->login);
    free(r->password);
}

/* Expect host/login to give want_login and want_password (NULL: absent). */
static void expect(const char *host, const char *login, const char *want_login,
                   const char *want_password)
{
    struct result r = lookup(path, host, login);
    ck_assert_msg(r.st == NET_OK, "lookup %s: %s: %s", host, net_status_name(r.st), r.err.text);
    ck_assert_msg(r.found, "lookup %s: not found", host);
    if (want_login)
        ck_assert_str_eq(r.login, want_login);
    else
        ck_assert_ptr_null(r.login);
    if (want_password)
        ck_assert_str_eq(r.password, want_password);
    else
        ck_assert_ptr_null(r.password);
    result_free(&r);
}

static void expect_not_found(const char *p, const char *host, const char *login)
{
    struct result r = lookup(p, host, login);
    ck_assert_msg(r.st == NET_OK, "lookup %s: %s: %s", host, net_status_name(r.st), r.err.text);
    ck_assert_msg(!r.found, "lookup %s: found", host);
    ck_assert_ptr_null(r.login);
    ck_assert_ptr_null(r.password);
}

/* Expect a failure st whose text holds frag and not secret. */
static void expect_fail(const char *host, enum net_status st, const char *frag,
                        const char *secret)
{
    struct result r = lookup(path, host, NULL);
    ck_assert_msg(r.st == st, "lookup %s: got %s (%s), want %s", host, net_status_name(r.st),
                  r.err.text, net_status_name(st));
    ck_assert_int_eq(r.err.status, st);
    ck_assert(!r.found);
    ck_assert_ptr_null(r.login);
    ck_assert_ptr_null(r.password);
    ck_assert_msg(strstr(r.err.text, frag) != NULL, "error \"%s\" lacks \"%s\"", r.err.text,
                  frag);
    if (secret)
        ck_assert_msg(strstr(r.err.text, secret) == NULL, "error \"%s\" shows the password",
                      r.err.text);
}

/* ---- matching ---- */

START_TEST(test_machine_match)
{
    write_netrc("machine one.example login alice password a1\n"
                "machine two.example login bob password b2\n");
    expect("one.example", NULL, "alice", "a1");
    expect("two.example", NULL, "bob", "b2");
    expect_not_found(path, "three.example", NULL);
    expect_not_found(path, "example", NULL);
}
END_TEST

START_TEST(test_host_case)
{
    write_netrc("machine Example.COM login alice password a1\n");
    expect("example.com", NULL, "alice", "a1");
    expect("EXAMPLE.com", NULL, "alice", "a1");
}
END_TEST

START_TEST(test_login_filter)
{
    write_netrc("machine h login alice password a1\n"
                "machine h login bob password b2\n"
                "machine h password nologin\n");
    expect("h", NULL, "alice", "a1");
    expect("h", "bob", "bob", "b2");
    expect("h", "alice", "alice", "a1");
    expect_not_found(path, "h", "carol");
    expect_not_found(path, "h", "Bob");
}
END_TEST

START_TEST(test_default_entry)
{
    /* The default entry comes first but is only the last resort. */
    write_netrc("default login anonymous password guest@\n"
                "machine h login alice password a1\n");
    expect("h", NULL, "alice", "a1");
    expect("other", NULL, "anonymous", "guest@");
    expect("other", "anonymous", "anonymous", "guest@");
    expect_not_found(path, "other", "alice");
    /* A default entry without a password. */
    write_netrc("machine h login alice password a1\ndefault login anonymous");
    expect("elsewhere", NULL, "anonymous", NULL);
}
END_TEST

START_TEST(test_first_match_wins)
{
    write_netrc("machine h login first password p1\n"
                "machine h login second password p2\n");
    expect("h", NULL, "first", "p1");
}
END_TEST

/* ---- syntax ---- */

START_TEST(test_macdef_skipped)
{
    write_netrc("machine a login u1 password p1\n"
                "macdef init\n"
                "cd /pub\n"
                "machine evil login x password y\n"
                "\n"
                "machine b login u2 password p2\n");
    expect("a", NULL, "u1", "p1");
    expect("b", NULL, "u2", "p2");
    expect_not_found(path, "evil", NULL);
    /* A macro running to the end of the file. */
    write_netrc("machine a login u1 password p1\nmacdef m\nmachine b login x password y");
    expect_not_found(path, "b", NULL);
    expect("a", NULL, "u1", "p1");
}
END_TEST

START_TEST(test_quoted_tokens)
{
    write_netrc("machine h login \"with space\" password \"p a\\\"s\\\\s#x\"\n"
                "machine \"q.example\" login \"\" password \"\"\n");
    expect("h", NULL, "with space", "p a\"s\\s#x");
    expect("q.example", NULL, "", "");
}
END_TEST

START_TEST(test_unterminated_quote)
{
    write_netrc("machine h login u\npassword \"Zx9secret\n");
    expect_fail("h", NET_E_USAGE, "netrc:2: unterminated quoted string", "Zx9secret");
}
END_TEST

START_TEST(test_comments)
{
    write_netrc("# machine h login commented password out\n"
                "machine h # a comment after a token\n"
                "  login u  # the login\n"
                "  password pa#ss\n"
                "#machine h2 login x password y\n");
    expect("h", NULL, "u", "pa#ss");
    expect_not_found(path, "h2", NULL);
}
END_TEST

START_TEST(test_layout)
{
    /* No final newline; tokens spread over lines; CRLF; tabs; account and
     * unknown tokens skipped. */
    write_netrc("machine\th\r\n login\r\n u account acct port 21 password p");
    expect("h", NULL, "u", "p");
    write_netrc("machine h1 login u1 password p1 machine h2 login u2 password p2");
    expect("h2", NULL, "u2", "p2");
    write_netrc("");
    expect_not_found(path, "h", NULL);
}
END_TEST

START_TEST(test_keyword_without_value)
{
    write_netrc("machine h login u password");
    expect_fail("h", NET_E_USAGE, "netrc:1: \"password\" without a value", NULL);
    write_netrc("machine h\nlogin u\n\npassword p\nmachine");
    expect_fail("h", NET_E_USAGE, "netrc:5: \"machine\" without a value", NULL);
    write_netrc("machine h login u password p\nmachine g login # comment only\n");
    expect_fail("h", NET_E_USAGE, "netrc:2: \"login\" without a value", NULL);
    ck_assert_ptr_nonnull(strstr(lookup(path, "h", NULL).err.text, dir));
}
END_TEST

/* ---- files ---- */

START_TEST(test_missing_file)
{
    char missing[160];
    snprintf(missing, sizeof missing, "%s/nope/netrc", dir);
    expect_not_found(missing, "h", NULL);
    snprintf(missing, sizeof missing, "%s/absent", dir);
    expect_not_found(missing, "h", NULL);
}
END_TEST

START_TEST(test_mode_0644_password)
{
    write_mode(path, "machine h login u password Qw8secret\n", 0644);
    expect_fail("h", NET_E_AUTH, "chmod 600", "Qw8secret");
    expect_fail("h", NET_E_AUTH, "0644", "Qw8secret");
    expect_fail("h", NET_E_AUTH, path, "Qw8secret");
    write_mode(path, "default login u password Qw8secret\n", 0604);
    expect_fail("h", NET_E_AUTH, "chmod 600", "Qw8secret");
    write_mode(path, "machine h login u password Qw8secret\n", 0620);
    expect_fail("h", NET_E_AUTH, "0620", "Qw8secret");
}
END_TEST

START_TEST(test_mode_0644_no_password)
{
    /* Only the entry used matters: it has no password, so the file's mode is
     * no secret's business. */
    write_mode(path, "machine other login x password Qw8secret\nmachine h login u\n", 0644);
    expect("h", NULL, "u", NULL);
    expect_not_found(path, "nowhere", NULL);
    expect_fail("other", NET_E_AUTH, "chmod 600", "Qw8secret");
}
END_TEST

START_TEST(test_too_large)
{
    size_t n = NET_NETRC_MAX + 1;
    char *big = malloc(n + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, '#', n);
    big[n] = '\0';
    memcpy(big + n - 30, "\nmachine h login u password p", 29);
    write_netrc(big);
    free(big);
    expect_fail("h", NET_E_LOCAL_IO, "larger than 1048576 bytes", NULL);

    /* Exactly the cap is fine. */
    big = malloc(NET_NETRC_MAX + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, '#', NET_NETRC_MAX);
    memcpy(big + NET_NETRC_MAX - 30, "\nmachine h login u password p\n", 30);
    big[NET_NETRC_MAX] = '\0';
    write_netrc(big);
    free(big);
    expect("h", NULL, "u", "p");
}
END_TEST

START_TEST(test_not_a_file)
{
    struct result r = lookup(dir, "h", NULL);
    ck_assert_int_eq(r.st, NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(r.err.text, "not a regular file"));
    ck_assert(!r.found);
}
END_TEST

START_TEST(test_default_paths)
{
    char *saved_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char *saved_netrc = getenv("NETRC") ? strdup(getenv("NETRC")) : NULL;
    char home_netrc[160];
    snprintf(home_netrc, sizeof home_netrc, "%s/.netrc", dir);
    write_mode(home_netrc, "machine h login fromhome password ph\n", 0600);
    write_netrc("machine h login fromenv password pe\n");

    setenv("HOME", dir, 1);
    setenv("NETRC", path, 1);
    struct result r = lookup(NULL, "h", NULL);
    ck_assert_int_eq(r.st, NET_OK);
    ck_assert(r.found);
    ck_assert_str_eq(r.login, "fromenv");
    result_free(&r);

    unsetenv("NETRC");
    r = lookup(NULL, "h", NULL);
    ck_assert_int_eq(r.st, NET_OK);
    ck_assert(r.found);
    ck_assert_str_eq(r.login, "fromhome");
    ck_assert_str_eq(r.password, "ph");
    result_free(&r);

    /* An empty $NETRC is unset. */
    setenv("NETRC", "", 1);
    r = lookup(NULL, "h", NULL);
    ck_assert(r.found);
    ck_assert_str_eq(r.login, "fromhome");
    result_free(&r);

    unlink(home_netrc);
    unsetenv("NETRC");
    expect_not_found(NULL, "h", NULL);

    if (saved_home)
        setenv("HOME", saved_home, 1);
    if (saved_netrc)
        setenv("NETRC", saved_netrc, 1);
    free(saved_home);
    free(saved_netrc);
}
END_TEST

START_TEST(test_usage)
{
    bool found = true;
    char *l = NULL, *p = NULL;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(net_netrc_lookup(path, NULL, NULL, &found, &l, &p, &err), NET_E_USAGE);
    ck_assert_int_eq(net_netrc_lookup(path, "h", NULL, NULL, &l, &p, &err), NET_E_USAGE);
}
END_TEST

static Suite *netrc_suite(void)
{
    Suite *s = suite_create("netrc");
    TCase *tc = tcase_create("match");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_machine_match);
    tcase_add_test(tc, test_host_case);
    tcase_add_test(tc, test_login_filter);
    tcase_add_test(tc, test_default_entry);
    tcase_add_test(tc, test_first_match_wins);
    suite_add_tcase(s, tc);

    tc = tcase_create("syntax");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_macdef_skipped);
    tcase_add_test(tc, test_quoted_tokens);
    tcase_add_test(tc, test_unterminated_quote);
    tcase_add_test(tc, test_comments);
    tcase_add_test(tc, test_layout);
    tcase_add_test(tc, test_keyword_without_value);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_mode_0644_password);
    tcase_add_test(tc, test_mode_0644_no_password);
    tcase_add_test(tc, test_too_large);
    tcase_add_test(tc, test_not_a_file);
    tcase_add_test(tc, test_default_paths);
    tcase_add_test(tc, test_usage);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(netrc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
