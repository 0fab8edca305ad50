/* clock.c - monotonic milliseconds and deadline arithmetic. */
#include "libnet/clock.h"

#include <time.h>

net_ms net_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (net_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

net_ms net_deadline_in(net_ms after_ms)
{
    if (after_ms <= 0)
        return NET_NO_DEADLINE;
    net_ms now = net_now();
    if (after_ms > NET_NO_DEADLINE - now)
        return NET_NO_DEADLINE;
    return now + after_ms;
}

net_ms net_deadline_min(net_ms a, net_ms b)
{
    return a < b ? a : b;
}

int net_deadline_poll_ms(net_ms deadline)
{
    if (deadline == NET_NO_DEADLINE)
        return -1;
    net_ms left = deadline - net_now();
    if (left <= 0)
        return 0;
    if (left > INT32_MAX)
        return INT32_MAX;
    return (int)left;
}
