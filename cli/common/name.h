/*
 * name.h - a local file name from a server-side name (-O, and later the
 * FTP and Gopher tools), safe to create in the current directory.
 *
 * Contract: cli_name_from_url_path() takes a URL's raw path (as in struct
 * net_url: percent-encoded, without query or fragment), keeps its last
 * segment (after the last '/') and percent-decodes it. The name is refused
 * (NET_E_USAGE, a text saying why and quoting the segment with control
 * bytes escaped) when it is empty, ".", "..", longer than NAME_MAX, or holds
 * '/', '\\', NUL or any control byte (below 0x20, or DEL) after decoding;
 * a malformed escape is NET_E_URL. So the name never leaves the directory
 * and never hides terminal control in a listing. *out is allocated (free()).
 */
#ifndef CLI_NAME_H
#define CLI_NAME_H

#include "libnet/status.h"

enum net_status cli_name_from_url_path(const char *path, char **out,
                                       struct net_err *err);

#endif
