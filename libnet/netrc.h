/*
 * netrc.h - credentials from a .netrc file (the format of ftp(1), curl and
 * Python's netrc module), shared by every protocol client.
 *
 * Contract:
 *  - path NULL means $NETRC, else $HOME/.netrc. A missing file is not an
 *    error: *found is false.
 *  - Tokens: machine NAME, default, login NAME, password WORD, account WORD
 *    (ignored), macdef NAME (its body, up to an empty line, is skipped).
 *    Tokens are separated by any white space, newlines included; a token may
 *    be a double-quoted string with \" and \\ escapes. A file without a final
 *    newline is fine. "#" starts a comment at a token boundary.
 *  - The first "machine" whose name equals host (ASCII case-insensitive) is
 *    used; when login is non-NULL, the first such entry with that login. The
 *    "default" entry is used when no machine matches, wherever it appears.
 *  - Safety, as ftp(1) and Python's netrc: when the entry used holds a
 *    password, the file must belong to the user running us and must not be
 *    readable or writable by group or others; otherwise NET_E_AUTH, with a
 *    text naming the file and its mode ("chmod 600" says the cure). The
 *    file is opened with O_NOFOLLOW-free open + fstat (the checks apply to
 *    what was read), and is at most NET_NETRC_MAX bytes (larger:
 *    NET_E_LOCAL_IO).
 *  - A malformed file (a keyword without its value) is NET_E_USAGE with
 *    "file:line: ...". Errors never contain a password.
 *  - *login_out and *password_out are allocated (free()); either may be NULL
 *    when the entry lacks it.
 */
#ifndef NET_NETRC_H
#define NET_NETRC_H

#include <stdbool.h>

#include "libnet/status.h"

/* Largest netrc read: a hand-kept file is a few KiB; this stops a mistaken
 * path (a log, a device) from being read whole. */
#define NET_NETRC_MAX (1024u * 1024)

enum net_status net_netrc_lookup(const char *path, const char *host,
                                 const char *login, bool *found,
                                 char **login_out, char **password_out,
                                 struct net_err *err);

#endif
