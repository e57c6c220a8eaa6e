/* SPDX-License-Identifier: MIT */
/*
 * Time from the CPU's cycle counter, at the rate the architecture states or
 * calibrated once against the firmware's Stall(), so that it also works after
 * ExitBootServices; where the firmware's tables name the ACPI power
 * management timer, the rate is measured again against it over all the boot
 * so far whenever it is asked for.
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
 * enough not to slow the boot; with a timer to measure against later, the
 * first rate need only be good for the menu's countdown.
 */
#define CALIBRATION_WINDOWS			3
static const UINTN kWindowMicroseconds = 3000;
static const UINTN kShortWindowMicroseconds = 300;

/*
 * Measured against the timer, a rate must agree with the calibration within
 * 1/kAgreement (a counter that jumped, or a timer that is not one, does
 * not). Its wraps are counted by the rate known, at most kMaxWraps of them:
 * one wrap miscounted in nine moves the rate by 11 %, more than the
 * agreement allows, so it is refused rather than believed.
 */
static const uint64_t kAgreement = 20;
static const uint64_t kMaxWraps = 8;
/* 10 us: a timer that does not tick within it is not one. */
static const uint64_t kTickWaitsPerSecond = 100000;

static uint64_t sTicksPerSecond;				/* 0 until calibrated */
static uint64_t sRate = 1000000000;				/* the same, or a guess until then */
static uint64_t sBootTicks;
static uint16_t sTimerPort;						/* 0: nothing to measure against */
static uint64_t sTimerStartTicks;
static uint32_t sTimerStart;


static uint64_t
efi_time_median3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t low = a < b ? a : b;
	uint64_t high = a < b ? b : a;
	return c < low ? low : c > high ? high : c;
}


/* The counter's rate measured against the firmware's Stall(). */
static void
efi_time_calibrate(UINTN window)
{
	uint64_t ticks[CALIBRATION_WINDOWS];
	for (int i = 0; i < CALIBRATION_WINDOWS; i++) {
		uint64_t start = arch_cpu_cycle_counter();
		gBootServices->Stall(window);
		ticks[i] = arch_cpu_cycle_counter() - start;
	}
	uint64_t median = efi_time_median3(ticks[0], ticks[1], ticks[2]);
	/* Slower than a tick a microsecond, the counter is not worth believing. */
	if (median >= window)
		sTicksPerSecond = median * 1000000 / window;
}


/*
 * The counter as the timer ticks to *_timer: a read at any moment lands
 * anywhere in a tick's 279 ns, the first after a tick within a read of it.
 * 0 for a timer that does not tick in 10 us: at the start, the timer is
 * left; later, the count from the start is then too large to be believed.
 */
static uint64_t
efi_time_sample(uint32_t *_timer)
{
	uint32_t previous;
	efi_pm_timer_read(sTimerPort, &previous);
	uint64_t start = arch_cpu_cycle_counter();
	uint64_t now;
	do {
		now = arch_cpu_cycle_counter();
		efi_pm_timer_read(sTimerPort, _timer);
		if (*_timer != previous)
			return now;
	} while (now - start < sRate / kTickWaitsPerSecond);
	return 0;
}


/*
 * The rate over everything since efi_time_init() against the timer: a
 * window of milliseconds to seconds, where the calibration had 0.9 ms.
 */
static void
efi_time_measure(void)
{
	uint32_t timer;
	uint64_t ticks = efi_time_sample(&timer) - sTimerStartTicks;
	uint64_t period = (uint64_t)EFI_PM_TIMER_MASK + 1;
	uint64_t counted = (timer - sTimerStart) & EFI_PM_TIMER_MASK;
	uint64_t expected = timeline_scale(ticks, EFI_PM_TIMER_HZ, sTicksPerSecond);
	if (expected > kMaxWraps * period) {
		/* Too long to count the wraps: the last rate stays. */
		sTimerPort = 0;
		return;
	}
	if (expected + period / 2 > counted)
		counted += (expected + period / 2 - counted) / period * period;
	if (counted < EFI_PM_TIMER_HZ / 4000)
		return;

	uint64_t rate = timeline_scale(ticks, EFI_PM_TIMER_HZ, counted);
	if (rate > sRate + sRate / kAgreement || rate < sRate - sRate / kAgreement)
		sTimerPort = 0;
	else
		sTicksPerSecond = rate;
}


void
efi_time_init(void)
{
	sBootTicks = arch_cpu_cycle_counter();
	/* Where the architecture states the rate (arm64), the Stall's 0.9 or 9 ms are saved. */
	uint64_t stated = arch_cpu_cycle_counter_frequency();
	if (stated >= 1000000)
		sTicksPerSecond = stated;
	else if (efi_pm_timer_find(&sTimerPort)
		&& (sTimerStartTicks = efi_time_sample(&sTimerStart)) != 0)
		efi_time_calibrate(kShortWindowMicroseconds);
	else {
		sTimerPort = 0;
		efi_time_calibrate(kWindowMicroseconds);
	}
	if (sTicksPerSecond != 0)
		sRate = sTicksPerSecond;
	else
		sTimerPort = 0;
	boot_dprintf("efi: the cycle counter runs at %llu Hz\n",
		(unsigned long long)sTicksPerSecond);
}


/*
 * Measured again at every call while there is a timer: the Boot Loader
 * Interface asks for its times, the generic loader as the kernel starts.
 * system_time() keeps the first rate, so that it never runs backwards.
 */
uint64_t
platform_cycle_counter_frequency(void)
{
	if (sTimerPort != 0)
		efi_time_measure();
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
