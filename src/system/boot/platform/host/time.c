/*
 * Time from the host's monotonic clock.
 */
#include "host_platform.h"

#include <time.h>

#include <boot/platform.h>


static uint64_t
host_clock_microseconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
}


uint64_t
system_time(void)
{
	static uint64_t sStart;
	if (sStart == 0)
		sStart = host_clock_microseconds();
	return host_clock_microseconds() - sStart;
}


void
spin(uint64_t microseconds)
{
	struct timespec delay = {
		.tv_sec = (time_t)(microseconds / 1000000),
		.tv_nsec = (long)(microseconds % 1000000) * 1000,
	};
	while (nanosleep(&delay, &delay) != 0)
		;
}
