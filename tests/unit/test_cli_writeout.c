/* test_cli_writeout.c - the -w format: variables through the callback,
 * escapes, %%, stream switching, unknown variables, odd input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/common/writeout.h"

struct streams {
    char *out, *err, *warn;
    size_t out_len, err_len, warn_len;
};

/* Variables of the test: http_code, url_effective, time_total, calls. */
static int calls;
static bool vars(void *ctx, const char *name, FILE *out)
{
    calls++;
    if (!strcasecmp(name, "http_code"))
        fprintf(out, "%03d", *(int *)ctx);
    else if (!strcasecmp(name, "url_effective"))
        fputs("http://h/x", out);
    else if (!strcasecmp(name, "time_total"))
        cli_writeout_seconds(out, 1234);
    else
        return false;
    return true;
}

/* Run fmt; the three streams' texts end up in s (caller frees). */
static void run(const char *fmt, struct streams *s)
{
    memset(s, 0, sizeof *s);
    FILE *o = open_memstream(&s->out, &s->out_len);
    FILE *e = open_memstream(&s->err, &s->err_len);
    FILE *w = open_memstream(&s->warn, &s->warn_len);
    ck_assert(o && e && w);
    int code = 200;
    cli_writeout(fmt, o, e, w, "net-test", vars, &code);
    fclose(o);
    fclose(e);
    fclose(w);
}

static void done(struct streams *s)
{
    free(s->out);
    free(s->err);
    free(s->warn);
}

static void out_is(const char *fmt, const char *want)
{
    struct streams s;
    run(fmt, &s);
    ck_assert_msg(strcmp(s.out, want) == 0, "\"%s\" gave \"%s\", want \"%s\"", fmt, s.out, want);
    ck_assert_str_eq(s.warn, "");
    ck_assert_str_eq(s.err, "");
    done(&s);
}

START_TEST(test_variables)
{
    out_is("%{http_code}", "200");
    out_is("code=%{http_code} url=%{url_effective}\n", "code=200 url=http://h/x\n");
    out_is("%{HTTP_CODE}", "200");
    out_is("%{time_total}", "1.234000");
    out_is("plain text", "plain text");
    out_is("", "");
}
END_TEST

START_TEST(test_escapes)
{
    out_is("a\\nb\\tc\\rd\\\\e", "a\nb\tc\rd\\e");
    out_is("100%%", "100%");
    out_is("%%{http_code}", "%{http_code}");
    out_is("\\x", "\\x");
    out_is("50%x", "50%x");
    out_is("trailing %", "trailing %");
    out_is("trailing \\", "trailing \\");
}
END_TEST

START_TEST(test_unclosed_brace)
{
    out_is("a %{http_code", "a %{http_code");
    out_is("%{", "%{");
}
END_TEST

START_TEST(test_unknown_variable)
{
    struct streams s;
    calls = 0;
    run("[%{nope}][%{http_code}]", &s);
    ck_assert_str_eq(s.out, "[][200]");
    ck_assert_str_eq(s.warn, "net-test: unknown --write-out variable: 'nope'\n");
    ck_assert_int_eq(calls, 2);
    done(&s);
    char fmt[CLI_WRITEOUT_NAME_MAX + 8];
    snprintf(fmt, sizeof fmt, "%%{%0*d}", CLI_WRITEOUT_NAME_MAX + 1, 0);
    calls = 0;
    run(fmt, &s);
    ck_assert_str_eq(s.out, "");
    ck_assert_ptr_nonnull(strstr(s.warn, "unknown --write-out variable: '000"));
    ck_assert_int_eq(calls, 0);     /* too long to ask about */
    done(&s);
    run("%{}", &s);
    ck_assert_str_eq(s.warn, "net-test: unknown --write-out variable: ''\n");
    done(&s);
}
END_TEST

START_TEST(test_stream_switch)
{
    struct streams s;
    run("a%{stderr}b%{http_code}%{stdout}c\\n%{STDERR}d", &s);
    ck_assert_str_eq(s.out, "ac\n");
    ck_assert_str_eq(s.err, "b200d");
    ck_assert_str_eq(s.warn, "");
    done(&s);
}
END_TEST

START_TEST(test_seconds)
{
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    cli_writeout_seconds(f, 0);
    fputc(' ', f);
    cli_writeout_seconds(f, 5);
    fputc(' ', f);
    cli_writeout_seconds(f, 61001);
    fputc(' ', f);
    cli_writeout_seconds(f, -3);
    fclose(f);
    ck_assert_str_eq(buf, "0.000000 0.005000 61.001000 0.000000");
    free(buf);
}
END_TEST

static Suite *writeout_suite(void)
{
    Suite *s = suite_create("cli_writeout");
    TCase *tc = tcase_create("writeout");
    tcase_add_test(tc, test_variables);
    tcase_add_test(tc, test_escapes);
    tcase_add_test(tc, test_unclosed_brace);
    tcase_add_test(tc, test_unknown_variable);
    tcase_add_test(tc, test_stream_switch);
    tcase_add_test(tc, test_seconds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(writeout_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
