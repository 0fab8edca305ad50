/* test_url.c - URL parsing, the scheme table and percent-decoding. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libnet/url.h"

/* Parse text, which must succeed; the caller frees the result. */
static struct net_url *parse_ok(const char *text, const char *def)
{
    struct net_url *u = NULL;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_url_parse(text, def, &u, &err);
    ck_assert_msg(st == NET_OK, "parse \"%s\": %s: %s", text, net_status_name(st), err.text);
    ck_assert_ptr_nonnull(u);
    return u;
}

/* Parse text, which must fail with st and an error text holding frag. */
static void parse_fails(const char *text, const char *def, enum net_status want,
                        const char *frag)
{
    struct net_url *u = (struct net_url *)1;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_url_parse(text, def, &u, &err);
    ck_assert_msg(st == want, "parse \"%s\": got %s (%s), want %s", text,
                  net_status_name(st), err.text, net_status_name(want));
    ck_assert_int_eq(err.status, want);
    ck_assert_ptr_null(u);
    ck_assert_msg(strstr(err.text, frag) != NULL, "parse \"%s\": error \"%s\" lacks \"%s\"",
                  text, err.text, frag);
}

/* ---- the scheme table ---- */

static const struct net_scheme expected_schemes[] = {
    {"http", 80, false},   {"https", 443, true}, {"ftp", 21, false},
    {"ftps", 990, true},   {"smtp", 25, false},  {"smtps", 465, true},
    {"pop3", 110, false},  {"pop3s", 995, true}, {"imap", 143, false},
    {"imaps", 993, true},  {"nntp", 119, false}, {"news", 119, false},
    {"nntps", 563, true},  {"telnet", 23, false}, {"gopher", 70, false},
    {"gophers", 70, true},
};
#define N_SCHEMES (int)(sizeof expected_schemes / sizeof expected_schemes[0])

START_TEST(test_scheme_defaults)
{
    const struct net_scheme *want = &expected_schemes[_i];
    char text[64], upper[64];
    snprintf(text, sizeof text, "%s://host/", want->name);
    struct net_url *u = parse_ok(text, NULL);
    ck_assert_str_eq(u->scheme, want->name);
    ck_assert_uint_eq(u->port, want->port);
    ck_assert(u->implicit_tls == want->implicit_tls);
    ck_assert(!u->port_given);
    net_url_free(u);

    /* Upper-case scheme: matched case-insensitively, stored lower-case. */
    size_t n = strlen(text);
    for (size_t i = 0; i <= n; i++)
        upper[i] = (char)((text[i] >= 'a' && text[i] <= 'z') ? text[i] - 32 : text[i]);
    u = parse_ok(upper, NULL);
    ck_assert_str_eq(u->scheme, want->name);
    ck_assert_uint_eq(u->port, want->port);
    ck_assert(u->implicit_tls == want->implicit_tls);
    net_url_free(u);

    const struct net_scheme *s = net_scheme_find(want->name);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(s->port, want->port);
    ck_assert(s->implicit_tls == want->implicit_tls);
}
END_TEST

START_TEST(test_scheme_table_complete)
{
    int n = 0;
    for (const struct net_scheme *s = net_scheme_table(); s->name; s++)
        n++;
    ck_assert_int_eq(n, N_SCHEMES);
    ck_assert_ptr_nonnull(net_scheme_find("HTTPS"));
    ck_assert_ptr_null(net_scheme_find("xyz"));
    ck_assert_ptr_null(net_scheme_find("http2"));
    ck_assert_ptr_null(net_scheme_find(""));
    ck_assert_ptr_null(net_scheme_find(NULL));
}
END_TEST

START_TEST(test_mixed_case_scheme)
{
    struct net_url *u = parse_ok("HtTpS://h", NULL);
    ck_assert_str_eq(u->scheme, "https");
    ck_assert_uint_eq(u->port, 443);
    ck_assert(u->implicit_tls);
    net_url_free(u);
}
END_TEST

/* ---- hosts ---- */

START_TEST(test_ipv4_host)
{
    struct net_url *u = parse_ok("http://192.168.0.255:8080/x", NULL);
    ck_assert_str_eq(u->host, "192.168.0.255");
    ck_assert_int_eq(u->host_kind, NET_HOST_IPV4);
    ck_assert_uint_eq(u->port, 8080);
    ck_assert(u->port_given);
    ck_assert_str_eq(u->path, "/x");
    ck_assert_ptr_null(u->zone);
    net_url_free(u);
    u = parse_ok("http://0.0.0.0/", NULL);
    ck_assert_int_eq(u->host_kind, NET_HOST_IPV4);
    net_url_free(u);
}
END_TEST

START_TEST(test_name_host)
{
    struct net_url *u = parse_ok("http://www.Example.COM/", NULL);
    ck_assert_str_eq(u->host, "www.example.com");
    ck_assert_int_eq(u->host_kind, NET_HOST_NAME);
    net_url_free(u);
    /* Digits in labels other than the last are a name, not an address. */
    u = parse_ok("http://1.2.3.4.example/", NULL);
    ck_assert_int_eq(u->host_kind, NET_HOST_NAME);
    net_url_free(u);
    /* A percent-encoded host is decoded, then lower-cased. */
    u = parse_ok("http://%41b%2Dc.org/", NULL);
    ck_assert_str_eq(u->host, "ab-c.org");
    net_url_free(u);
}
END_TEST

START_TEST(test_ipv6_loopback)
{
    struct net_url *u = parse_ok("http://[::1]/", NULL);
    ck_assert_str_eq(u->host, "::1");
    ck_assert_int_eq(u->host_kind, NET_HOST_IPV6);
    ck_assert_uint_eq(u->port, 80);
    ck_assert(!u->port_given);
    ck_assert_ptr_null(u->zone);
    ck_assert_str_eq(u->path, "/");
    net_url_free(u);
}
END_TEST

START_TEST(test_ipv6_port)
{
    struct net_url *u = parse_ok("https://[2001:DB8::1]:8080/p?q", NULL);
    ck_assert_str_eq(u->host, "2001:db8::1");
    ck_assert_int_eq(u->host_kind, NET_HOST_IPV6);
    ck_assert_uint_eq(u->port, 8080);
    ck_assert(u->port_given);
    ck_assert_str_eq(u->path, "/p");
    ck_assert_str_eq(u->query, "q");
    net_url_free(u);
    u = parse_ok("http://[::ffff:192.0.2.1]", NULL);
    ck_assert_str_eq(u->host, "::ffff:192.0.2.1");
    ck_assert_str_eq(u->path, "");
    net_url_free(u);
}
END_TEST

START_TEST(test_ipv6_zone)
{
    struct net_url *u = parse_ok("http://[fe80::1%25eth0]:81/", NULL);
    ck_assert_str_eq(u->host, "fe80::1%eth0");
    ck_assert_ptr_nonnull(u->zone);
    ck_assert_str_eq(u->zone, "eth0");
    ck_assert_ptr_eq(u->zone, u->host + strlen("fe80::1%"));
    ck_assert_int_eq(u->host_kind, NET_HOST_IPV6);
    ck_assert_uint_eq(u->port, 81);
    net_url_free(u);
    /* The zone is percent-decoded, and keeps its case. */
    u = parse_ok("http://[FE80::1%25En%5F0]/", NULL);
    ck_assert_str_eq(u->host, "fe80::1%En_0");
    ck_assert_str_eq(u->zone, "En_0");
    net_url_free(u);
}
END_TEST

/* ---- user info ---- */

START_TEST(test_userinfo_password)
{
    struct net_url *u = parse_ok("ftp://user:pa%3Ass@host/f", NULL);
    ck_assert_str_eq(u->user, "user");
    ck_assert_str_eq(u->password, "pa%3Ass");
    ck_assert_str_eq(u->host, "host");
    ck_assert_uint_eq(u->port, 21);
    char *pw = NULL;
    size_t n = 0;
    struct net_err err;
    ck_assert_int_eq(net_pct_decode(u->password, strlen(u->password), NET_PCT_NO_CTL,
                                    "password", &pw, &n, &err), NET_OK);
    ck_assert_str_eq(pw, "pa:ss");
    ck_assert_uint_eq(n, 5);
    free(pw);
    net_url_free(u);
}
END_TEST

START_TEST(test_user_no_password)
{
    struct net_url *u = parse_ok("imap://joe%40example.com@mail/INBOX", NULL);
    ck_assert_str_eq(u->user, "joe%40example.com");
    ck_assert_ptr_null(u->password);
    ck_assert_str_eq(u->host, "mail");
    ck_assert_str_eq(u->path, "/INBOX");
    net_url_free(u);
}
END_TEST

START_TEST(test_empty_password)
{
    struct net_url *u = parse_ok("pop3://user:@h", NULL);
    ck_assert_str_eq(u->user, "user");
    ck_assert_ptr_nonnull(u->password);
    ck_assert_str_eq(u->password, "");
    ck_assert_str_eq(u->host, "h");
    ck_assert_str_eq(u->path, "");
    net_url_free(u);
    /* Only the first ':' splits; the rest belongs to the password. */
    u = parse_ok("smtp://a:b:c@h", NULL);
    ck_assert_str_eq(u->user, "a");
    ck_assert_str_eq(u->password, "b:c");
    net_url_free(u);
}
END_TEST

START_TEST(test_no_userinfo)
{
    struct net_url *u = parse_ok("gopher://h", NULL);
    ck_assert_ptr_null(u->user);
    ck_assert_ptr_null(u->password);
    ck_assert_str_eq(u->path, "");
    ck_assert_ptr_null(u->query);
    ck_assert_ptr_null(u->fragment);
    net_url_free(u);
}
END_TEST

/* ---- path, query, fragment, port ---- */

START_TEST(test_path_decoding)
{
    struct net_url *u = parse_ok("http://h/a%20b%2Fc/%7Euser", NULL);
    ck_assert_str_eq(u->path, "/a%20b%2Fc/%7Euser");
    char *d = NULL;
    size_t n = 0;
    struct net_err err;
    ck_assert_int_eq(net_pct_decode(u->path, strlen(u->path), NET_PCT_NO_CTL, "path",
                                    &d, &n, &err), NET_OK);
    ck_assert_str_eq(d, "/a b/c/~user");
    ck_assert_uint_eq(n, strlen("/a b/c/~user"));
    free(d);
    net_url_free(u);
}
END_TEST

START_TEST(test_query_fragment)
{
    struct net_url *u = parse_ok("http://h/p/q.html?a=1&b=%20x/y?z#sec:2/x?", NULL);
    ck_assert_str_eq(u->path, "/p/q.html");
    ck_assert_str_eq(u->query, "a=1&b=%20x/y?z");
    ck_assert_str_eq(u->fragment, "sec:2/x?");
    net_url_free(u);
    u = parse_ok("http://h?", NULL);
    ck_assert_str_eq(u->path, "");
    ck_assert_str_eq(u->query, "");
    ck_assert_ptr_null(u->fragment);
    net_url_free(u);
    u = parse_ok("http://h#", NULL);
    ck_assert_ptr_null(u->query);
    ck_assert_str_eq(u->fragment, "");
    net_url_free(u);
    u = parse_ok("http://h/?q=a[]", NULL);
    ck_assert_str_eq(u->query, "q=a[]");
    net_url_free(u);
}
END_TEST

START_TEST(test_empty_port)
{
    struct net_url *u = parse_ok("http://h:/x", NULL);
    ck_assert_str_eq(u->host, "h");
    ck_assert_uint_eq(u->port, 80);
    ck_assert(!u->port_given);
    ck_assert_str_eq(u->path, "/x");
    net_url_free(u);
    u = parse_ok("nntps://[::1]:", NULL);
    ck_assert_uint_eq(u->port, 563);
    ck_assert(!u->port_given);
    net_url_free(u);
}
END_TEST

START_TEST(test_port_bounds)
{
    struct net_url *u = parse_ok("http://h:65535", NULL);
    ck_assert_uint_eq(u->port, 65535);
    ck_assert(u->port_given);
    net_url_free(u);
    u = parse_ok("http://h:1/", NULL);
    ck_assert_uint_eq(u->port, 1);
    net_url_free(u);
    u = parse_ok("http://h:0080/", NULL);
    ck_assert_uint_eq(u->port, 80);
    ck_assert(u->port_given);
    net_url_free(u);
}
END_TEST

/* ---- default scheme ---- */

START_TEST(test_default_scheme)
{
    struct net_url *u = parse_ok("Example.com/x?y", "https");
    ck_assert_str_eq(u->scheme, "https");
    ck_assert_uint_eq(u->port, 443);
    ck_assert(u->implicit_tls);
    ck_assert_str_eq(u->host, "example.com");
    ck_assert_str_eq(u->path, "/x");
    ck_assert_str_eq(u->query, "y");
    net_url_free(u);

    u = parse_ok("h:2525", "SMTP");
    ck_assert_str_eq(u->scheme, "smtp");
    ck_assert_uint_eq(u->port, 2525);
    net_url_free(u);

    u = parse_ok("user:pw@h/p?u=http://x", "ftp");
    ck_assert_str_eq(u->scheme, "ftp");
    ck_assert_str_eq(u->user, "user");
    ck_assert_str_eq(u->password, "pw");
    ck_assert_str_eq(u->query, "u=http://x");
    net_url_free(u);

    /* A scheme in the text wins over the default. */
    u = parse_ok("imaps://h", "http");
    ck_assert_str_eq(u->scheme, "imaps");
    ck_assert_uint_eq(u->port, 993);
    net_url_free(u);

    parse_fails("example.com/x", NULL, NET_E_URL, "no scheme");
    parse_fails("example.com", "xyz", NET_E_URL, "unsupported scheme 'xyz'");
    parse_fails("example.com", "ht tp", NET_E_USAGE, "default URL scheme");
    parse_fails("http:/example.com", "http", NET_E_URL, "expected \"//\" after the scheme");
}
END_TEST

START_TEST(test_null_arguments)
{
    struct net_url *u = NULL;
    struct net_err err;
    ck_assert_int_eq(net_url_parse(NULL, NULL, &u, &err), NET_E_USAGE);
    ck_assert_ptr_null(u);
    ck_assert_int_eq(net_url_parse("http://h", NULL, NULL, &err), NET_E_USAGE);
    /* A NULL error record is allowed. */
    ck_assert_int_eq(net_url_parse("http://h:0", NULL, &u, NULL), NET_E_URL);
    ck_assert_ptr_null(u);
    net_url_free(NULL);
}
END_TEST

/* ---- malformed URLs ---- */

struct bad_url {
    const char *text;
    const char *frag;   /* must appear in the error text */
};

static const struct bad_url bad_urls[] = {
    {"", "empty URL"},
    {"http://", "empty host at offset 7"},
    {"http:///path", "empty host at offset 7"},
    {"://host", "missing scheme"},
    {"1http://h", "invalid scheme name"},
    {"ht tp://h", "invalid scheme name (character 0x20) at offset 2"},
    {"xyz://h/", "unsupported scheme 'xyz'"},
    {"http:/h", "expected \"//\""},
    {"http://h:0/", "bad port \"0\""},
    {"http://h:65536/", "bad port \"65536\" (must be 1-65535) at offset 9"},
    {"http://h:99999999999999999999/", "bad port \"99999999999999999999\""},
    {"http://h:-1/", "bad port (not a decimal number) at offset 9"},
    {"http://h:8a/", "bad port (not a decimal number)"},
    {"http://h:+80/", "bad port"},
    {"http://h:80:90/", "bad port"},
    {"http://[::1/", "unterminated IPv6 address"},
    {"http://[::g]/", "bad IPv6 address (invalid character) at offset 10"},
    {"http://[1:2:3:4:5:6:7:8:9]/", "bad IPv6 address \"1:2:3:4:5:6:7:8:9\""},
    {"http://[]/", "bad IPv6 address"},
    {"http://[fe80::1%25]/", "empty IPv6 zone id"},
    {"http://[fe80::1%eth0]/", "zone id must start with \"%25\""},
    {"http://[fe80::1%25eth%2F0]/", "bad IPv6 zone id (only unreserved characters) at offset 21"},
    {"http://[fe80::1%25eth 0]/", "bad IPv6 zone id"},
    {"http://[v1.x]/", "IPvFuture"},
    {"http://::1/", "IPv6 address must be enclosed"},
    {"http://[::1]junk/", "unexpected text after the IPv6 address at offset 12"},
    {"http://h/a b", "forbidden character 0x20 in the path at offset 10"},
    {"http://h/\x01", "forbidden character 0x01 in the path at offset 9"},
    {"http://h/\x7f", "forbidden character 0x7f in the path"},
    {"http://h/\xc3\xa9", "forbidden character 0xc3 in the path"},
    {"http://h/%", "bad percent-encoding in the path at offset 9"},
    {"http://h/%4", "bad percent-encoding in the path at offset 9"},
    {"http://h/%zz", "bad percent-encoding in the path"},
    {"http://h?a=%g0", "bad percent-encoding in the query at offset 11"},
    {"http://h\r\n/", "forbidden character 0x0d in the host at offset 8"},
    {"http://h/?q=<x>", "forbidden character 0x3c in the query at offset 12"},
    {"http://h/{x}", "forbidden character 0x7b in the path"},
    {"http://h/#a#b", "invalid character '#' in the fragment at offset 11"},
    {"http://h/#a|b", "forbidden character 0x7c in the fragment"},
    {"http://user@/", "empty host at offset 12"},
    {"http://@h/", "empty user name in the user info"},
    {"http://:pw@h/", "empty user name in the user info"},
    {"http://a@b@c/", "more than one '@'"},
    {"http://u s@h/", "invalid character in the user info at offset 8"},
    {"http://u%zz@h/", "bad percent-encoding in the user info"},
    {"http://1.2.3.256/", "bad IPv4 address \"1.2.3.256\" at offset 7"},
    {"http://1.2.3/", "bad IPv4 address"},
    {"http://1.2.3.4.5/", "bad IPv4 address"},
    {"http://127.1/", "bad IPv4 address"},
    {"http://010.0.0.1/", "bad IPv4 address"},
    {"http://0x7f.0.0.1/", "bad IPv4 address"},
    {"http://example.0x10/", "bad IPv4 address"},
    {"http://1.2.3.4./", "bad IPv4 address"},
    {"http://h%00x/", "encoded byte 0x00 not allowed in the host at offset 8"},
    {"http://h%0d%0a/", "encoded byte 0x0d not allowed in the host"},
    {"http://h%2Fx/", "encoded byte 0x2f not allowed in the host"},
    {"http://h%40x/", "encoded byte 0x40 not allowed in the host"},
    {"http://h%C3%A9/", "encoded byte 0xc3 not allowed in the host"},
    {"http://h]/", "invalid character ']' in the host at offset 8"},
    {"http://h\"/", "forbidden character 0x22 in the host"},
};
#define N_BAD (int)(sizeof bad_urls / sizeof bad_urls[0])

START_TEST(test_malformed)
{
    parse_fails(bad_urls[_i].text, NULL, NET_E_URL, bad_urls[_i].frag);
}
END_TEST

/* Every URL error that is not about the scheme starts the same way. */
START_TEST(test_malformed_prefix)
{
    struct net_url *u = NULL;
    struct net_err err;
    ck_assert_int_eq(net_url_parse("http://h:0/", NULL, &u, &err), NET_E_URL);
    ck_assert_str_eq(err.text, "malformed URL: bad port \"0\" (must be 1-65535) at offset 9");
    ck_assert_int_eq(net_url_parse("xyz://h/", NULL, &u, &err), NET_E_URL);
    ck_assert_str_eq(err.text, "unsupported scheme 'xyz' at offset 0");
}
END_TEST

START_TEST(test_overlong_url)
{
    size_t n = NET_URL_MAX + 1;
    char *t = malloc(n + 1);
    ck_assert_ptr_nonnull(t);
    memcpy(t, "http://h/", 9);
    memset(t + 9, 'a', n - 9);
    t[n] = '\0';
    parse_fails(t, NULL, NET_E_URL, "longer than 65536 bytes");
    /* Exactly the maximum is accepted. */
    t[NET_URL_MAX] = '\0';
    struct net_url *u = parse_ok(t, NULL);
    ck_assert_uint_eq(strlen(u->path), NET_URL_MAX - 8);
    net_url_free(u);
    free(t);
}
END_TEST

START_TEST(test_overlong_host)
{
    char t[NET_URL_HOST_MAX + 32];
    memcpy(t, "http://", 7);
    memset(t + 7, 'a', NET_URL_HOST_MAX + 1);
    strcpy(t + 7 + NET_URL_HOST_MAX + 1, "/");
    parse_fails(t, NULL, NET_E_URL, "host longer than 253 bytes at offset 7");
    /* 253 is accepted. */
    strcpy(t + 7 + NET_URL_HOST_MAX, "/");
    struct net_url *u = parse_ok(t, NULL);
    ck_assert_uint_eq(strlen(u->host), NET_URL_HOST_MAX);
    net_url_free(u);
    /* The limit applies to the decoded host: 253 encoded bytes fit. */
    char e[3 * NET_URL_HOST_MAX + 16];
    strcpy(e, "http://");
    for (int i = 0; i < NET_URL_HOST_MAX; i++)
        strcat(e, "%61");
    u = parse_ok(e, NULL);
    ck_assert_uint_eq(strlen(u->host), NET_URL_HOST_MAX);
    net_url_free(u);
}
END_TEST

/* ---- secrets never reach error texts ---- */

static const char *const secret_urls[] = {
    "http://user:SECRETPW@h:99999/",
    "http://user:SECRETPW@h:8a/",
    "http://user:SECRETPW@1.2.3.256/",
    "http://user:SECRETPW@[::g]/",
    "http://user:SECRETPW@h/a b",
    "http://user:SECRETPW@/",
    "http://user:SECRETPW@h@x/",
    "http://user:SECRETPW%zz@h/",
    "http://user:SECRET PW@h/",
    "http://user:SECRET\rPW@h/",
    "http://user:SECRETPW@h%00/",
    "xyz://user:SECRETPW@h/",
    "ftp://:SECRETPW@h/",
};
#define N_SECRET (int)(sizeof secret_urls / sizeof secret_urls[0])

START_TEST(test_password_not_in_error)
{
    struct net_url *u = NULL;
    struct net_err err;
    net_err_clear(&err);
    enum net_status st = net_url_parse(secret_urls[_i], NULL, &u, &err);
    ck_assert_int_eq(st, NET_E_URL);
    ck_assert_ptr_null(u);
    ck_assert_msg(err.text[0] != '\0', "empty error text");
    ck_assert_msg(strstr(err.text, "SECRET") == NULL && strstr(err.text, "PW") == NULL,
                  "password leaked: %s", err.text);
    ck_assert_msg(strstr(err.text, "user") == NULL || strstr(err.text, "user info"),
                  "user info leaked: %s", err.text);
}
END_TEST

/* ---- net_pct_decode and net_has_ctl ---- */

/* Decode s with flags; return the status, and the result in *out. */
static enum net_status decode(const char *s, unsigned flags, char **out, size_t *n,
                              struct net_err *err)
{
    net_err_clear(err);
    return net_pct_decode(s, strlen(s), flags, "path", out, n, err);
}

START_TEST(test_pct_crlf)
{
    char *d = NULL;
    size_t n = 0;
    struct net_err err;
    ck_assert_int_eq(decode("a%0d%0Ab", NET_PCT_NO_CTL, &d, &n, &err), NET_E_UNSAFE_INPUT);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(err.status, NET_E_UNSAFE_INPUT);
    ck_assert_str_eq(err.text, "the path holds a CR, LF or NUL at offset 1");
    ck_assert_int_eq(decode("a%0d%0Ab", 0, &d, &n, &err), NET_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_mem_eq(d, "a\r\nb", 5);
    free(d);
}
END_TEST

START_TEST(test_pct_nul)
{
    char *d = NULL;
    size_t n = 0;
    struct net_err err;
    ck_assert_int_eq(decode("x%00y", NET_PCT_NO_CTL, &d, &n, &err), NET_E_UNSAFE_INPUT);
    ck_assert_ptr_nonnull(strstr(err.text, "path"));
    ck_assert_ptr_nonnull(strstr(err.text, "offset 1"));
    ck_assert_int_eq(decode("x%00y", 0, &d, &n, &err), NET_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_mem_eq(d, "x\0y", 4);
    free(d);
    /* A raw LF (not encoded) is refused too. */
    ck_assert_int_eq(decode("ab\n", NET_PCT_NO_CTL, &d, &n, &err), NET_E_UNSAFE_INPUT);
    ck_assert_ptr_nonnull(strstr(err.text, "offset 2"));
}
END_TEST

START_TEST(test_pct_bad)
{
    char *d = NULL;
    size_t n = 0;
    struct net_err err;
    ck_assert_int_eq(decode("ab%zz", 0, &d, &n, &err), NET_E_URL);
    ck_assert_ptr_null(d);
    ck_assert_str_eq(err.text, "malformed URL: bad percent-encoding in the path at offset 2");
    ck_assert_int_eq(decode("%4", 0, &d, &n, &err), NET_E_URL);
    ck_assert_ptr_nonnull(strstr(err.text, "offset 0"));
    ck_assert_int_eq(decode("abc%", NET_PCT_NO_CTL, &d, &n, &err), NET_E_URL);
    ck_assert_ptr_nonnull(strstr(err.text, "offset 3"));
    ck_assert_int_eq(decode("%4g", 0, &d, &n, &err), NET_E_URL);
    /* Only the given length is read: "%41" cut to "%4" is bad. */
    net_err_clear(&err);
    ck_assert_int_eq(net_pct_decode("%41", 2, 0, NULL, &d, &n, &err), NET_E_URL);
    ck_assert_ptr_nonnull(strstr(err.text, "input"));
}
END_TEST

START_TEST(test_pct_plus_space)
{
    char *d = NULL;
    size_t n = 0;
    struct net_err err;
    ck_assert_int_eq(decode("a+b%2B%41%e9", NET_PCT_PLUS_SPACE, &d, &n, &err), NET_OK);
    ck_assert_str_eq(d, "a b+A\xe9");
    ck_assert_uint_eq(n, 6);
    free(d);
    ck_assert_int_eq(decode("a+b", 0, &d, &n, &err), NET_OK);
    ck_assert_str_eq(d, "a+b");
    free(d);
    ck_assert_int_eq(decode("", NET_PCT_NO_CTL, &d, &n, &err), NET_OK);
    ck_assert_str_eq(d, "");
    ck_assert_uint_eq(n, 0);
    free(d);
}
END_TEST

/* Credentials come out decoded; a CR, LF or NUL in them is refused and
 * named, with the prefix the caller gave. */
START_TEST(test_credentials)
{
    struct net_url *u = NULL;
    struct net_err err;
    char *user = (char *)"x", *pw = (char *)"x";
    ck_assert_int_eq(net_url_parse("http://a%40b:p%3Aw@h/", NULL, &u, &err), NET_OK);
    ck_assert_int_eq(net_url_credentials(u, NULL, &user, &pw, &err), NET_OK);
    ck_assert_str_eq(user, "a@b");
    ck_assert_str_eq(pw, "p:w");
    free(user);
    free(pw);
    net_url_free(u);

    ck_assert_int_eq(net_url_parse("http://h/", NULL, &u, &err), NET_OK);
    ck_assert_int_eq(net_url_credentials(u, NULL, &user, &pw, &err), NET_OK);
    ck_assert_ptr_null(user);
    ck_assert_ptr_null(pw);
    net_url_free(u);

    ck_assert_int_eq(net_url_parse("http://bob:s%0d%0aX@h/", NULL, &u, &err), NET_OK);
    ck_assert_int_eq(net_url_credentials(u, "proxy ", &user, &pw, &err), NET_E_UNSAFE_INPUT);
    ck_assert_ptr_null(user);
    ck_assert_ptr_null(pw);
    ck_assert_ptr_nonnull(strstr(err.text, "proxy password"));
    net_url_free(u);

    ck_assert_int_eq(net_url_parse("http://b%00b@h/", NULL, &u, &err), NET_OK);
    ck_assert_int_eq(net_url_credentials(u, NULL, &user, &pw, &err), NET_E_UNSAFE_INPUT);
    ck_assert_ptr_nonnull(strstr(err.text, "user name"));
    net_url_free(u);
}
END_TEST

START_TEST(test_has_ctl)
{
    ck_assert(!net_has_ctl("abc", 3));
    ck_assert(net_has_ctl("a\rb", 3));
    ck_assert(net_has_ctl("a\nb", 3));
    ck_assert(net_has_ctl("a\0b", 3));
    ck_assert(!net_has_ctl("a\0b", 1));
    ck_assert(!net_has_ctl("a\tb\x7f", 4));
    ck_assert(!net_has_ctl(NULL, 0));
}
END_TEST

static Suite *url_suite(void)
{
    Suite *s = suite_create("url");
    TCase *tc = tcase_create("schemes");
    tcase_add_loop_test(tc, test_scheme_defaults, 0, N_SCHEMES);
    tcase_add_test(tc, test_scheme_table_complete);
    tcase_add_test(tc, test_mixed_case_scheme);
    tcase_add_test(tc, test_default_scheme);
    tcase_add_test(tc, test_null_arguments);
    suite_add_tcase(s, tc);

    tc = tcase_create("components");
    tcase_add_test(tc, test_ipv4_host);
    tcase_add_test(tc, test_name_host);
    tcase_add_test(tc, test_ipv6_loopback);
    tcase_add_test(tc, test_ipv6_port);
    tcase_add_test(tc, test_ipv6_zone);
    tcase_add_test(tc, test_userinfo_password);
    tcase_add_test(tc, test_user_no_password);
    tcase_add_test(tc, test_empty_password);
    tcase_add_test(tc, test_no_userinfo);
    tcase_add_test(tc, test_path_decoding);
    tcase_add_test(tc, test_query_fragment);
    tcase_add_test(tc, test_empty_port);
    tcase_add_test(tc, test_port_bounds);
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_add_loop_test(tc, test_malformed, 0, N_BAD);
    tcase_add_test(tc, test_malformed_prefix);
    tcase_add_test(tc, test_overlong_url);
    tcase_add_test(tc, test_overlong_host);
    tcase_add_loop_test(tc, test_password_not_in_error, 0, N_SECRET);
    suite_add_tcase(s, tc);

    tc = tcase_create("pct");
    tcase_add_test(tc, test_pct_crlf);
    tcase_add_test(tc, test_pct_nul);
    tcase_add_test(tc, test_pct_bad);
    tcase_add_test(tc, test_pct_plus_space);
    tcase_add_test(tc, test_has_ctl);
    tcase_add_test(tc, test_credentials);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(url_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
