/* SPDX-License-Identifier: MIT */
/*
 * Time from the CPU's cycle counter, at the rate the architecture states or
 * calibrated once against the firmware's Stall(), so that it also works after
 * ExitBootServices.
 */
#include "efi_platform.h"

#include <boot/arch_cpu.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/timeline.h>

/*
 * Three windows whose median rate counts: a counter that jumps (as a
 * virtual machine's does when its host moves it between CPUs; one boot
 * under TCG once measured 28 GHz over a single 10 ms window) spoils one
 * window, not the rate. Together long enough for a precise rate, short
 * enough not to slow the boot.
 */
#define CALIBRATION_WINDOWS			3
static const UINTN kWindowMicroseconds = 3000;

static uint64_t sTicksPerSecond;				/* 0 until calibrated */
static uint64_t sRate = 1000000000;				/* the same, or a guess until then */
static uint64_t sBootTicks;


static uint64_t
efi_time_median3(uint64_t a, uint64_t b, uint64_t c)
{
	if ((a <= b && b <= c) || (c <= b && b <= a))
		return b;
	if ((b <= a && a <= c) || (c <= a && a <= b))
		return a;
	return c;
}


/* The counter's rate measured against the firmware's Stall(). */
static void
efi_time_calibrate(void)
{
	uint64_t ticks[CALIBRATION_WINDOWS];
	for (int i = 0; i < CALIBRATION_WINDOWS; i++) {
		uint64_t start = arch_cpu_cycle_counter();
		gBootServices->Stall(kWindowMicroseconds);
		ticks[i] = arch_cpu_cycle_counter() - start;
	}
	uint64_t median = efi_time_median3(ticks[0], ticks[1], ticks[2]);
	/* Slower than a tick a microsecond, the counter is not worth believing. */
	if (median >= kWindowMicroseconds)
		sTicksPerSecond = median * 1000000 / kWindowMicroseconds;
}


void
efi_time_init(void)
{
	sBootTicks = arch_cpu_cycle_counter();
	/* Where the architecture states the rate (arm64), the Stall's 9 ms are saved. */
	uint64_t stated = arch_cpu_cycle_counter_frequency();
	if (stated >= 1000000)
		sTicksPerSecond = stated;
	else
		efi_time_calibrate();
	if (sTicksPerSecond != 0)
		sRate = sTicksPerSecond;
	boot_dprintf("efi: the cycle counter runs at %llu.%03llu MHz\n",
		(unsigned long long)(sTicksPerSecond / 1000000),
		(unsigned long long)(sTicksPerSecond / 1000 % 1000));
}


uint64_t
platform_cycle_counter_frequency(void)
{
	return sTicksPerSecond;
}


/*
 * Exact at any rate: a Raspberry Pi 3's counter runs at 19.2 MHz, where
 * whole ticks per microsecond would make every second 1 % short.
 */
uint64_t
system_time(void)
{
	return timeline_microseconds(arch_cpu_cycle_counter() - sBootTicks, sRate);
}


void
spin(uint64_t microseconds)
{
	uint64_t end = system_time() + microseconds;
	while (system_time() < end)
		arch_cpu_relax();
}
