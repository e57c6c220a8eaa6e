/* SPDX-License-Identifier: MIT */
/*
 * Time from the host's monotonic clock, and the rate of the cycle counter measured
 * against it.
 */
#include "host_platform.h"

#include <time.h>

#include <boot/arch_cpu.h>
#include <boot/platform.h>

/* As on the EFI port: long enough for a precise rate, short enough to not matter. */
#define CALIBRATION_NANOSECONDS		10000000ULL


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


static uint64_t
host_clock_nanoseconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000 + (uint64_t)now.tv_nsec;
}


/* Busy, not asleep: the cycle counter is counted against the clock across the same span. */
uint64_t
platform_cycle_counter_frequency(void)
{
	static uint64_t sFrequency;
	if (sFrequency != 0)
		return sFrequency;

	uint64_t startTime = host_clock_nanoseconds();
	uint64_t startCycles = arch_cpu_cycle_counter();
	uint64_t elapsed;
	do {
		elapsed = host_clock_nanoseconds() - startTime;
	} while (elapsed < CALIBRATION_NANOSECONDS);
	uint64_t cycles = arch_cpu_cycle_counter() - startCycles;

	/* Split so that cycles * 10^9 cannot overflow. */
	sFrequency = cycles / elapsed * 1000000000
		+ cycles % elapsed * 1000000000 / elapsed;
	return sFrequency;
}
