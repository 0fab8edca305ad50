/*
 * clock.h - the monotonic clock and deadlines.
 *
 * Contract: times are milliseconds on CLOCK_MONOTONIC (never the wall clock,
 * which can jump). A deadline is an absolute monotonic time; NET_NO_DEADLINE
 * means "never". Durations given as 0 by callers mean "no limit".
 */
#ifndef NET_CLOCK_H
#define NET_CLOCK_H

#include <stdint.h>

typedef int64_t net_ms;             /* monotonic milliseconds */

#define NET_NO_DEADLINE INT64_MAX

net_ms net_now(void);
/* now + after_ms, or NET_NO_DEADLINE when after_ms <= 0. */
net_ms net_deadline_in(net_ms after_ms);
/* The earlier of two deadlines. */
net_ms net_deadline_min(net_ms a, net_ms b);
/*
 * Milliseconds left until deadline, for poll(): -1 for no deadline, 0 when
 * passed, otherwise the remainder capped at INT32_MAX.
 */
int net_deadline_poll_ms(net_ms deadline);

#endif
