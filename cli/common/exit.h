/*
 * exit.h - the exit codes of every net-* tool, one table for the suite.
 *
 * Contract: a tool exits with cli_exit_code(status) of the failure that
 * stopped it; the codes follow the failure classes of libnet/status.h, so
 * the same kind of failure gives the same code in every tool:
 *
 *   0  success
 *   1  partial success, where a tool defines it (net-smtp: some recipients
 *      refused); with several URLs net-http exits with the code of the last
 *      failure, as curl does
 *   2  usage: a bad option, URL or argument; CR/LF/NUL in a value for the wire
 *   3  local I/O: the output file exists, cannot be written, or memory ran out
 *   4  name resolution failed
 *   5  could not connect, or the connection was reset
 *   6  TLS: handshake or certificate verification failed, STARTTLS injection
 *   7  timeout: connect, idle, total (--max-time) or low-speed limit
 *   8  protocol: malformed or partial reply, too many redirects, bad encoding
 *   9  refused: the server said no (an HTTP error status with --fail,
 *      credentials refused, a resume range not honoured)
 *
 * Each tool's man page and --help repeat this table (cli_exit_table()).
 */
#ifndef CLI_EXIT_H
#define CLI_EXIT_H

#include "libnet/status.h"

enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_SOME_FAILED = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_LOCAL_IO = 3,
    CLI_EXIT_RESOLVE = 4,
    CLI_EXIT_CONNECT = 5,
    CLI_EXIT_TLS = 6,
    CLI_EXIT_TIMEOUT = 7,
    CLI_EXIT_PROTOCOL = 8,
    CLI_EXIT_REFUSED = 9
};

int cli_exit_code(enum net_status st);
/* The table above as text for --help, one "  N  meaning" line per code. */
const char *cli_exit_table(void);

#endif
