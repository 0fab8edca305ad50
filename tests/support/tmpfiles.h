/*
 * tmpfiles.h - scratch directories and whole-file reads for tests that
 * check what a module wrote to disk.
 */
#ifndef TESTS_TMPFILES_H
#define TESTS_TMPFILES_H

#include <stddef.h>

/* Biggest file tmpfiles_slurp reads: test outputs are far smaller. */
#define TMPFILES_SLURP_MAX (1u << 20)

/* Make a fresh directory /tmp/<prefix>.XXXXXX into dir (size bytes);
 * returns dir, or NULL on failure. */
char *tmpfiles_mkdir(const char *prefix, char *dir, size_t size);
/* Remove dir and everything in it; 0 on success. */
int tmpfiles_rmdir(const char *dir);
/* The whole file at path (NUL-terminated, malloc'd; at most
 * TMPFILES_SLURP_MAX - 1 bytes), or NULL; *len gets its length if len. */
char *tmpfiles_slurp(const char *path, size_t *len);

#endif
