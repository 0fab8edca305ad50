/* test_cli_outfile.c - safe output files: temporary file beside the target,
 * modes, umask, abort, no-clobber (also against a race), append, signals. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/common/outfile.h"
#include "tests/support/tmpfiles.h"

static char dir[64];

static void setup(void)
{
    ck_assert_ptr_nonnull(tmpfiles_mkdir("test_cli_outfile", dir, sizeof dir));
}

static void teardown(void)
{
    tmpfiles_rmdir(dir);
}

static char *path_in(const char *name)
{
    static char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* The names in the scratch directory, sorted, joined by '|'. */
static const char *listing(void)
{
    static char out[4096];
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    ck_assert_int_ge(n, 0);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (strcmp(ents[i]->d_name, ".") != 0 && strcmp(ents[i]->d_name, "..") != 0) {
            if (out[0])
                strcat(out, "|");
            strncat(out, ents[i]->d_name, sizeof out - strlen(out) - 2);
        }
        free(ents[i]);
    }
    free(ents);
    return out;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void assert_content(const char *path, const char *want)
{
    char *got = tmpfiles_slurp(path, NULL);
    ck_assert_msg(got != NULL, "cannot read %s", path);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(test_tmp_beside_target_0600)
{
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    char target[PATH_MAX];
    snprintf(target, sizeof target, "%s", path_in("out.bin"));
    ck_assert_int_eq(cli_outfile_open(&of, target, CLI_OUT_REPLACE, 0, &err), NET_OK);
    ck_assert_ptr_nonnull(of.tmp);
    /* ".out.bin.XXXXXX" in the same directory, and nothing at the target */
    const char *l = listing();
    ck_assert_msg(strncmp(l, ".out.bin.", 9) == 0 && strlen(l) == 15, "listing %s", l);
    ck_assert_msg(strncmp(of.tmp, dir, strlen(dir)) == 0, "tmp %s not in %s", of.tmp, dir);
    struct stat st;
    ck_assert_int_eq(stat(of.tmp, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_ne(access(target, F_OK), 0);
    ck_assert_int_eq(cli_outfile_write(&of, "hello ", 6, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_sink(&of, "world", 5), 0);
    ck_assert_uint_eq(of.written, 11);
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_OK);
    assert_content(target, "hello world");
    ck_assert_str_eq(listing(), "out.bin");
}
END_TEST

START_TEST(test_umask_applied_on_commit)
{
    mode_t old = umask(027);
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(cli_outfile_open(&of, path_in("m"), CLI_OUT_NEW, 0, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_OK);
    struct stat st;
    ck_assert_int_eq(stat(path_in("m"), &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    umask(022);
    ck_assert_int_eq(cli_outfile_open(&of, path_in("n"), CLI_OUT_NEW, 0, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_OK);
    ck_assert_int_eq(stat(path_in("n"), &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    umask(old);
}
END_TEST

START_TEST(test_abort_leaves_nothing)
{
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(cli_outfile_open(&of, path_in("partial"), CLI_OUT_REPLACE, 0, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_write(&of, "half a body", 11, &err), NET_OK);
    cli_outfile_abort(&of);
    ck_assert_str_eq(listing(), "");
    cli_outfile_abort(&of);     /* twice is harmless */
    ck_assert_int_eq(of.fd, -1);
}
END_TEST

START_TEST(test_new_refuses_existing)
{
    write_file(path_in("exists"), "precious");
    struct net_err err;
    net_err_clear(&err);
    bool exists = false;
    ck_assert_int_eq(cli_outfile_check(path_in("exists"), CLI_OUT_NEW, &exists, NULL, &err),
                     NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "already exists"));
    ck_assert_ptr_nonnull(strstr(err.text, "exists'"));
    struct cli_outfile of;
    net_err_clear(&err);
    ck_assert_int_eq(cli_outfile_open(&of, path_in("exists"), CLI_OUT_NEW, 0, &err),
                     NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "already exists"));
    assert_content(path_in("exists"), "precious");
    ck_assert_str_eq(listing(), "exists");
    /* a dangling symlink counts as existing too */
    ck_assert_int_eq(symlink("nowhere", path_in("link")), 0);
    ck_assert_int_eq(cli_outfile_check(path_in("link"), CLI_OUT_NEW, NULL, NULL, &err),
                     NET_E_LOCAL_IO);
    /* the other modes report existence and size */
    uint64_t size = 0;
    ck_assert_int_eq(cli_outfile_check(path_in("exists"), CLI_OUT_REPLACE, &exists, &size, &err),
                     NET_OK);
    ck_assert(exists);
    ck_assert_uint_eq(size, 8);
    ck_assert_int_eq(cli_outfile_check(path_in("absent"), CLI_OUT_NEW, &exists, &size, &err),
                     NET_OK);
    ck_assert(!exists);
}
END_TEST

START_TEST(test_noclobber_race)
{
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(cli_outfile_open(&of, path_in("race"), CLI_OUT_NEW, 0, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_write(&of, "ours", 4, &err), NET_OK);
    write_file(path_in("race"), "theirs");      /* appears during the transfer */
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "appeared during the transfer"));
    assert_content(path_in("race"), "theirs");
    ck_assert_str_eq(listing(), "race");        /* our temporary file is gone */
}
END_TEST

START_TEST(test_replace_at_commit_only)
{
    write_file(path_in("old"), "old content");
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(cli_outfile_open(&of, path_in("old"), CLI_OUT_REPLACE, 0, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_write(&of, "new", 3, &err), NET_OK);
    assert_content(path_in("old"), "old content");
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_OK);
    assert_content(path_in("old"), "new");
    /* and a failed replacement keeps the old file */
    ck_assert_int_eq(cli_outfile_open(&of, path_in("old"), CLI_OUT_REPLACE, 0, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_write(&of, "broken", 6, &err), NET_OK);
    cli_outfile_abort(&of);
    assert_content(path_in("old"), "new");
    ck_assert_str_eq(listing(), "old");
}
END_TEST

START_TEST(test_append_in_place)
{
    write_file(path_in("part"), "abc");
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(cli_outfile_open(&of, path_in("part"), CLI_OUT_APPEND, 0, &err), NET_OK);
    ck_assert(of.in_place);
    ck_assert_ptr_null(of.tmp);
    ck_assert_int_eq(cli_outfile_write(&of, "def", 3, &err), NET_OK);
    assert_content(path_in("part"), "abcdef");  /* written in place at once */
    cli_outfile_abort(&of);                     /* a failure keeps what arrived */
    assert_content(path_in("part"), "abcdef");
    ck_assert_int_eq(cli_outfile_open(&of, path_in("part"), CLI_OUT_APPEND, 0, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_write(&of, "g", 1, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_OK);
    assert_content(path_in("part"), "abcdefg");
    ck_assert_str_eq(listing(), "part");
    /* appending needs the file */
    ck_assert_int_eq(cli_outfile_open(&of, path_in("none"), CLI_OUT_APPEND, 0, &err),
                     NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "no such file"));
}
END_TEST

START_TEST(test_device_written_in_place)
{
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(cli_outfile_open(&of, "/dev/null", CLI_OUT_REPLACE, 0, &err), NET_OK);
    ck_assert(of.in_place);
    ck_assert_ptr_null(of.tmp);
    ck_assert_int_eq(cli_outfile_write(&of, "x", 1, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_OK);
    struct stat st;
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    /* CLI_OUT_NEW still refuses it: it exists */
    ck_assert_int_eq(cli_outfile_open(&of, "/dev/null", CLI_OUT_NEW, 0, &err), NET_E_LOCAL_IO);
}
END_TEST

START_TEST(test_create_dirs)
{
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    char target[PATH_MAX];
    snprintf(target, sizeof target, "%s", path_in("a/b/c/out"));
    ck_assert_int_eq(cli_outfile_open(&of, target, CLI_OUT_REPLACE, 0, &err), NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "cannot create a temporary file beside"));
    ck_assert_int_eq(cli_outfile_open(&of, target, CLI_OUT_REPLACE, CLI_OUT_CREATE_DIRS, &err),
                     NET_OK);
    ck_assert_int_eq(cli_outfile_write(&of, "deep", 4, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_OK);
    assert_content(target, "deep");
}
END_TEST

START_TEST(test_symlinks)
{
    write_file(path_in("real"), "r");
    ck_assert_int_eq(symlink("real", path_in("link")), 0);
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    /* a name from a server never follows a link */
    ck_assert_int_eq(cli_outfile_open(&of, path_in("link"), CLI_OUT_REPLACE, CLI_OUT_NOFOLLOW,
                                      &err), NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "symbolic link"));
    ck_assert_int_eq(cli_outfile_open(&of, path_in("link"), CLI_OUT_APPEND, CLI_OUT_NOFOLLOW,
                                      &err), NET_E_LOCAL_IO);
    /* -o writes through it, as curl does; the link stays a link */
    ck_assert_int_eq(cli_outfile_open(&of, path_in("link"), CLI_OUT_REPLACE, 0, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_write(&of, "through", 7, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_OK);
    struct stat st;
    ck_assert_int_eq(lstat(path_in("link"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    assert_content(path_in("real"), "through");
    ck_assert_str_eq(listing(), "link|real");
}
END_TEST

START_TEST(test_bad_targets)
{
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(mkdir(path_in("d"), 0700), 0);
    ck_assert_int_eq(cli_outfile_open(&of, path_in("d"), CLI_OUT_REPLACE, 0, &err), NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "is a directory"));
    ck_assert_int_eq(cli_outfile_check(path_in("d"), CLI_OUT_REPLACE, NULL, NULL, &err),
                     NET_E_LOCAL_IO);
    ck_assert_int_eq(cli_outfile_open(&of, path_in("d/"), CLI_OUT_REPLACE, 0, &err),
                     NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(err.text, "names no file"));
    ck_assert_int_eq(cli_outfile_open(&of, "", CLI_OUT_NEW, 0, &err), NET_E_LOCAL_IO);
    ck_assert_str_eq(listing(), "d");
}
END_TEST

START_TEST(test_long_name)
{
    char name[NAME_MAX + 1];
    memset(name, 'n', NAME_MAX);
    name[NAME_MAX] = '\0';
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    char target[PATH_MAX];
    snprintf(target, sizeof target, "%s/%s", dir, name);
    ck_assert_int_eq(cli_outfile_open(&of, target, CLI_OUT_NEW, 0, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_OK);
    ck_assert_str_eq(listing(), name);
}
END_TEST

START_TEST(test_write_error)
{
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(cli_outfile_open(&of, path_in("w"), CLI_OUT_REPLACE, 0, &err), NET_OK);
    int ro = open("/dev/null", O_RDONLY);
    ck_assert_int_ge(ro, 0);
    ck_assert_int_ge(dup2(ro, of.fd), 0);      /* the descriptor can no longer write */
    close(ro);
    ck_assert_int_eq(cli_outfile_sink(&of, "x", 1), -1);
    ck_assert_int_eq(of.err.status, NET_E_LOCAL_IO);
    ck_assert_ptr_nonnull(strstr(of.err.text, "cannot write to"));
    ck_assert_ptr_nonnull(strstr(of.err.text, ".w."));
    cli_outfile_abort(&of);
    ck_assert_str_eq(listing(), "");
}
END_TEST

START_TEST(test_stdout)
{
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    int saved = dup(STDOUT_FILENO);
    ck_assert_int_ge(dup2(pfd[1], STDOUT_FILENO), 0);
    struct cli_outfile of;
    struct net_err err;
    net_err_clear(&err);
    ck_assert_int_eq(cli_outfile_open(&of, NULL, CLI_OUT_STDOUT, 0, &err), NET_OK);
    ck_assert_str_eq(cli_outfile_name(&of), "-");
    ck_assert_int_eq(cli_outfile_write(&of, "to fd 1", 7, &err), NET_OK);
    ck_assert_int_eq(cli_outfile_commit(&of, &err), NET_OK);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(pfd[1]);
    char buf[16] = {0};
    ck_assert_int_eq(read(pfd[0], buf, sizeof buf - 1), 7);
    ck_assert_str_eq(buf, "to fd 1");
    close(pfd[0]);
    /* standard output is still open after commit */
    ck_assert_int_ne(fcntl(STDOUT_FILENO, F_GETFD), -1);
}
END_TEST

START_TEST(test_signal_removes_tmp)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        cli_outfile_cleanup_on_signals();
        struct cli_outfile of;
        struct net_err err;
        if (cli_outfile_open(&of, path_in("killed"), CLI_OUT_NEW, 0, &err) != NET_OK)
            _exit(3);
        if (cli_outfile_write(&of, "partial", 7, &err) != NET_OK)
            _exit(4);
        raise(SIGTERM);
        _exit(5);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %#x", status);
    ck_assert_str_eq(listing(), "");
}
END_TEST

static Suite *outfile_suite(void)
{
    Suite *s = suite_create("cli_outfile");
    TCase *tc = tcase_create("outfile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_tmp_beside_target_0600);
    tcase_add_test(tc, test_umask_applied_on_commit);
    tcase_add_test(tc, test_abort_leaves_nothing);
    tcase_add_test(tc, test_new_refuses_existing);
    tcase_add_test(tc, test_noclobber_race);
    tcase_add_test(tc, test_replace_at_commit_only);
    tcase_add_test(tc, test_append_in_place);
    tcase_add_test(tc, test_device_written_in_place);
    tcase_add_test(tc, test_create_dirs);
    tcase_add_test(tc, test_symlinks);
    tcase_add_test(tc, test_bad_targets);
    tcase_add_test(tc, test_long_name);
    tcase_add_test(tc, test_write_error);
    tcase_add_test(tc, test_stdout);
    tcase_add_test(tc, test_signal_removes_tmp);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(outfile_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
