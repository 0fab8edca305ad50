/* writeout.c - the -w format (contract in writeout.h). */
#include "cli/common/writeout.h"

#include <string.h>
#include <strings.h>

void cli_writeout_seconds(FILE *out, net_ms ms)
{
    if (ms < 0)
        ms = 0;
    fprintf(out, "%lld.%03lld000", (long long)(ms / 1000), (long long)(ms % 1000));
}

/* One %{name} at p (after "%{", name ends at end); switches *cur. */
static void variable(const char *p, size_t n, FILE **cur, FILE *out, FILE *err_stream,
                     FILE *warn, const char *tool, cli_writeout_var_fn var, void *ctx)
{
    char name[CLI_WRITEOUT_NAME_MAX + 1];
    bool fits = n <= CLI_WRITEOUT_NAME_MAX;
    if (fits) {
        memcpy(name, p, n);
        name[n] = '\0';
        if (strcasecmp(name, "stdout") == 0) {
            *cur = out;
            return;
        }
        if (strcasecmp(name, "stderr") == 0) {
            *cur = err_stream;
            return;
        }
        if (var != NULL && var(ctx, name, *cur))
            return;
    }
    fprintf(warn, "%s: unknown --write-out variable: '%.*s'\n", tool, (int)n, p);
}

static char unescape(char c)
{
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '\\': return '\\';
    default: return 0;
    }
}

void cli_writeout(const char *fmt, FILE *out, FILE *err_stream, FILE *warn,
                  const char *tool, cli_writeout_var_fn var, void *ctx)
{
    FILE *cur = out;
    const char *p = fmt;
    while (*p) {
        if (p[0] == '%' && p[1] == '%') {
            fputc('%', cur);
            p += 2;
        } else if (p[0] == '%' && p[1] == '{') {
            const char *end = strchr(p + 2, '}');
            if (end == NULL) {
                fputs(p, cur);      /* no closing brace: printed as is */
                break;
            }
            variable(p + 2, (size_t)(end - (p + 2)), &cur, out, err_stream, warn, tool, var,
                     ctx);
            p = end + 1;
        } else if (p[0] == '\\' && p[1] != '\0' && unescape(p[1]) != 0) {
            fputc(unescape(p[1]), cur);
            p += 2;
        } else {
            fputc(*p, cur);
            p++;
        }
    }
    fflush(cur);
    if (cur != out)
        fflush(out);
}
