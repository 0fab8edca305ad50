/* exit.c - failure class to exit code (the table is in exit.h). */
#include "cli/common/exit.h"

static const int class_exit[NET_CLASS_COUNT] = {
    [NET_CLASS_OK] = CLI_EXIT_OK,
    [NET_CLASS_USAGE] = CLI_EXIT_USAGE,
    [NET_CLASS_LOCAL_IO] = CLI_EXIT_LOCAL_IO,
    [NET_CLASS_RESOLVE] = CLI_EXIT_RESOLVE,
    [NET_CLASS_CONNECT] = CLI_EXIT_CONNECT,
    [NET_CLASS_TLS] = CLI_EXIT_TLS,
    [NET_CLASS_TIMEOUT] = CLI_EXIT_TIMEOUT,
    [NET_CLASS_PROTOCOL] = CLI_EXIT_PROTOCOL,
    [NET_CLASS_REFUSED] = CLI_EXIT_REFUSED,
};

int cli_exit_code(enum net_status st)
{
    enum net_class cls = net_status_class(st);
    if ((unsigned)cls >= NET_CLASS_COUNT)
        return CLI_EXIT_PROTOCOL;
    return class_exit[cls];
}

const char *cli_exit_table(void)
{
    return "  0  success\n"
           "  1  partial success where the tool defines it (see its manual)\n"
           "  2  usage: bad option, URL or argument; CR/LF/NUL in a wire value\n"
           "  3  local I/O: output file exists or cannot be written; out of memory\n"
           "  4  name resolution failed\n"
           "  5  could not connect, or the connection was reset\n"
           "  6  TLS handshake or certificate verification failed\n"
           "  7  timeout: connect, idle, --max-time or low-speed limit\n"
           "  8  protocol: malformed or partial reply, too many redirects\n"
           "  9  refused: error status with --fail, credentials refused,\n"
           "     resume not honoured\n";
}
