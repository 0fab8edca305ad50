/*
 * rawhttp.c - the floor for one HTTP download over loopback: connect, send
 * "GET PATH HTTP/1.0", read into a 256 KiB buffer until the server closes,
 * discard. No parsing, no TLS, no allocation in the loop: what remains is
 * the kernel's cost. The HTTP benchmark compares net-http and curl with it.
 *
 *   rawhttp HOST PORT PATH      exit 0 when the reply began "HTTP/1.1 200"
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The read size of the reference loop (the harness's rawget uses the same). */
#define RAW_BLOCK (256 * 1024)

static char block[RAW_BLOCK];

static int dial(const char *host, const char *port)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
    struct addrinfo *ai;
    if (getaddrinfo(host, port, &hints, &ai) != 0)
        return -1;
    int fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: rawhttp HOST PORT PATH\n");
        return 2;
    }
    int fd = dial(argv[1], argv[2]);
    if (fd < 0) {
        perror("rawhttp: connect");
        return 1;
    }
    int n = snprintf(block, sizeof block, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n",
                     argv[3], argv[1]);
    if (write(fd, block, (size_t)n) != n)
        return 1;
    ssize_t got;
    int first = 1, ok = 0;
    while ((got = read(fd, block, sizeof block)) > 0) {
        if (first && got >= 12)
            ok = memcmp(block, "HTTP/1.1 200", 12) == 0;
        first = 0;
    }
    close(fd);
    return ok && got == 0 ? 0 : 1;
}
