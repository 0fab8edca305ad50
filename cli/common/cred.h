/*
 * cred.h - user names and passwords from the command line, and the
 * password prompt, for every net-* tool with -u.
 *
 * Contract:
 *  - cli_cred_split() splits "user[:password]" at the first ':' into two
 *    allocated strings (*password NULL when there was no ':'), then
 *    overwrites the password in arg with '*' so that ps(1) and
 *    /proc/PID/cmdline no longer show it (as curl does).
 *  - cli_cred_prompt() asks for a password on the controlling terminal
 *    (/dev/tty) with echo off, and restores the terminal before it returns,
 *    also when interrupted: SIGINT, SIGTERM, SIGQUIT and SIGHUP during the
 *    prompt restore the terminal first and are then re-raised. A password
 *    longer than CLI_CRED_MAX is refused. No terminal: NET_E_USAGE.
 *  - Buffers that held a password are cleared before they are freed here.
 */
#ifndef CLI_CRED_H
#define CLI_CRED_H

#include <stdbool.h>

#include "libnet/status.h"

/* Longest password typed at the prompt: longer is a paste gone wrong. */
#define CLI_CRED_MAX 1024

enum net_status cli_cred_split(char *arg, char **user, char **password,
                               struct net_err *err);
enum net_status cli_cred_prompt(const char *prompt, char **out, struct net_err *err);
/* Is standard input a terminal (so a prompt makes sense)? */
bool cli_cred_can_prompt(void);
/* Clear and free a password (NULL is fine). */
void cli_cred_free(char *secret);

#endif
