/*
 * glob.h - curl's URL globbing, for every net-* tool that takes URLs.
 *
 * Contract:
 *  - A URL may hold patterns: "[1-100]" (numbers; "[001-100]" pads to the
 *    width of the first number), "[a-z]" (letters of one case), a step
 *    "[1-100:10]", "[a-z:2]", and lists "{one,two,}" (empty items allowed).
 *    Several patterns multiply; the rightmost varies fastest (curl's order).
 *    A backslash makes the next "[", "]", "{" or "}" literal (inside a list,
 *    any next character). A bracketed IPv6 literal ("http://[::1]:80/") is
 *    not a pattern.
 *  - Malformed patterns (unclosed, nested, reversed or mixed ranges, a zero
 *    step, a stray "]" or "}") are NET_E_USAGE with a text naming the
 *    problem and the offset in the URL (1-based, as curl says "pos").
 *  - One URL expands to at most CLI_GLOB_URLS_MAX URLs and holds at most
 *    CLI_GLOB_PATTERNS_MAX patterns; more is NET_E_USAGE.
 *  - With globbing off the URL is taken as is (one URL).
 *  - URLs are produced one at a time (nothing is expanded in advance);
 *    cli_glob_next() returns a string valid until the next call.
 *  - cli_glob_name() substitutes "#N" in an output name template with the
 *    current value of the N-th pattern (1-based); a "#" not followed by the
 *    number of an existing pattern stays as it is.
 */
#ifndef CLI_GLOB_H
#define CLI_GLOB_H

#include <stdbool.h>
#include <stdint.h>

#include "libnet/status.h"

/* Most URLs one glob expands to: far above any real batch (a day at a
 * thousand requests a second is 86 million, but nobody types that), and it
 * turns a typo like [1-1000000000] into an error instead of a week's run. */
#define CLI_GLOB_URLS_MAX 10000000ull
/* Most patterns in one URL (curl's limit is 100 as well). */
#define CLI_GLOB_PATTERNS_MAX 100
/* Largest number in a numeric range: 18 digits keep every sum in uint64. */
#define CLI_GLOB_NUMBER_MAX 999999999999999999ull

struct cli_glob;

enum net_status cli_glob_new(const char *url, bool enabled, struct cli_glob **out,
                             struct net_err *err);
/* How many URLs the glob gives in all. */
uint64_t cli_glob_count(const struct cli_glob *g);
/* The next URL, or NULL after the last. */
const char *cli_glob_next(struct cli_glob *g);
/* The output name for the current URL (*out allocated, free()). */
enum net_status cli_glob_name(const struct cli_glob *g, const char *tmpl, char **out,
                              struct net_err *err);
void cli_glob_free(struct cli_glob *g);

#endif
