/* tmpfiles.c - scratch directories and whole-file reads for tests. */
#include "tests/support/tmpfiles.h"

#include <stdio.h>
#include <stdlib.h>

char *tmpfiles_mkdir(const char *prefix, char *dir, size_t size)
{
    if ((size_t)snprintf(dir, size, "/tmp/%s.XXXXXX", prefix) >= size)
        return NULL;
    return mkdtemp(dir);
}

int tmpfiles_rmdir(const char *dir)
{
    char cmd[256];
    if ((size_t)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) >= sizeof cmd)
        return -1;
    return system(cmd);
}

char *tmpfiles_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(TMPFILES_SLURP_MAX);
    if (buf == NULL) {
        fclose(f);
        return NULL;
    }
    size_t n = fread(buf, 1, TMPFILES_SLURP_MAX - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}
