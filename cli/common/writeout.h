/*
 * writeout.h - curl's -w/--write-out format, for every net-* tool.
 *
 * Contract:
 *  - cli_writeout() prints fmt to out, with:
 *      %{name}      the value of a variable, printed by the tool's callback
 *                   (names compared as the tool likes; curl ignores case);
 *      %{stdout}    and %{stderr}: later output goes to that stream;
 *      %%           a '%';
 *      \n \t \r \\  newline, tab, carriage return, backslash.
 *    An unknown variable prints a warning on warn ("<tool>: unknown
 *    --write-out variable: 'name'") and nothing on out, as curl does. A
 *    "%{" without its '}' is printed as is; so is a '%' or '\' before
 *    anything else.
 *  - Names longer than CLI_WRITEOUT_NAME_MAX are unknown.
 *  - cli_writeout_seconds() prints milliseconds as seconds with six
 *    decimals (curl's time_* format).
 */
#ifndef CLI_WRITEOUT_H
#define CLI_WRITEOUT_H

#include <stdbool.h>
#include <stdio.h>

#include "libnet/clock.h"

/* Longest variable name: curl's longest is under 30 characters. */
#define CLI_WRITEOUT_NAME_MAX 64

/* Print the variable name's value to out; false when there is no such
 * variable. */
typedef bool (*cli_writeout_var_fn)(void *ctx, const char *name, FILE *out);

void cli_writeout(const char *fmt, FILE *out, FILE *err_stream, FILE *warn,
                  const char *tool, cli_writeout_var_fn var, void *ctx);
void cli_writeout_seconds(FILE *out, net_ms ms);

#endif
