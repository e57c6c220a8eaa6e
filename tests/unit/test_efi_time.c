/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's time (src/system/boot/platform/efi/time.c),
 * compiled right into this test with gnu-efi's headers, on a fake cycle
 * counter, Stall() and ACPI PM timer: the rate an architecture states
 * (arm64's 19.2 MHz of a Raspberry Pi 3 and 62.5 MHz of QEMU's virt), the
 * rate measured where it does not (x86_64's TSC), a window the counter
 * jumped in, a counter that does not run, system_time() and spin() exact at
 * each rate; and the rate measured again against the PM timer over the boot
 * so far, its wraps counted, a timer that disagrees or does not tick.
 */
#include <stdbool.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/time.c"
#include "../support/boot_log.h"

#include "unit_test.h"

EFI_BOOT_SERVICES *gBootServices;
/* What kernel_args.c would provide for timeline.c, which converts the time. */
kernel_args *gKernelArgs;

static EFI_BOOT_SERVICES sBootServices;
static uint64_t sCounter;
static uint64_t sStated;				/* what the architecture states, 0: nothing */
static uint64_t sTrueRate;				/* how fast the fake counter runs during a Stall */
static uint64_t sJump;					/* ticks the second window gains on top */
static uint64_t sStallExtra;			/* ticks every Stall() overshoots by */
static UINTN sStallWindow;
static int sStalls;
/* The PM timer: its port (0: none), its rate, and the reads of it. */
static uint16_t sTimerPortFound;
static uint64_t sTimerRate;
static int sTimerReads;
static bool sTimerFlips;				/* a broken timer: 1, 2, 1, 2, ... */


uint64_t
arch_cpu_cycle_counter(void)
{
	return sCounter;
}


uint64_t
arch_cpu_cycle_counter_frequency(void)
{
	return sStated;
}


void
arch_cpu_relax(void)
{
	sCounter++;
}


/* A read takes 100 ticks of the counter, so that a loop waiting for a tick ends. */
bool
efi_pm_timer_read(uint16_t port, uint32_t *_ticks)
{
	CHECK_EQ(port, sTimerPortFound);
	sTimerReads++;
	sCounter += 100;
	*_ticks = timeline_scale(sCounter, sTimerRate, sTrueRate) & EFI_PM_TIMER_MASK;
	if (sTimerFlips)
		*_ticks = 1 + sTimerReads % 2;
	return true;
}


bool
efi_pm_timer_find(uint16_t *_port)
{
	if (sTimerPortFound == 0)
		return false;
	*_port = sTimerPortFound;
	return true;
}


static EFI_STATUS EFIAPI
fake_stall(UINTN microseconds)
{
	sStalls++;
	sStallWindow = microseconds;
	sCounter += microseconds * sTrueRate / 1000000 + sStallExtra;
	if (sStalls == 2)
		sCounter += sJump;
	return EFI_SUCCESS;
}


static void
start(uint64_t stated, uint64_t trueRate)
{
	sBootServices.Stall = fake_stall;
	gBootServices = &sBootServices;
	sCounter = 0x123456789ULL;
	sStated = stated;
	sTrueRate = trueRate;
	sJump = 0;
	sStallExtra = 0;
	sStalls = 0;
	sTimerPortFound = 0;
	sTimerRate = EFI_PM_TIMER_HZ;
	sTimerReads = 0;
	sTimerFlips = false;
	/* As the loader starts: nothing known. */
	sTicksPerSecond = 0;
	sRate = 1000000000;
	sTimerPort = 0;
	boot_log_clear();
}


TEST(a_stated_rate_is_taken_without_a_stall)
{
	start(19200000, 0);
	efi_time_init();
	CHECK_EQ(sStalls, 0);
	CHECK_EQ(platform_cycle_counter_frequency(), 19200000);
	CHECK(strstr(sLog, "efi: the cycle counter runs at 19200000 Hz\n") != NULL);
	CHECK_EQ(system_time(), 0);
	/* A second is a second at 19.2 MHz: 19 ticks a microsecond would make it 1,010,526 us. */
	sCounter += 19200000;
	CHECK_EQ(system_time(), 1000000);
	sCounter += 19;
	CHECK_EQ(system_time(), 1000000);
	sCounter += 1;
	CHECK_EQ(system_time(), 1000001);

	start(62500000, 0);
	efi_time_init();
	sCounter += 5 * 62500000ULL + 62;
	CHECK_EQ(system_time(), 5000000);
	sCounter += 1;
	CHECK_EQ(system_time(), 5000001);
}


TEST(the_rate_measured_against_stall_outlasts_a_jump)
{
	/* A TSC of 2.5 GHz whose second window jumped ahead by a factor of ten. */
	start(0, 2500000000ULL);
	sJump = 9 * 3000 * 2500ULL;
	efi_time_init();
	CHECK_EQ(sStalls, 3);
	CHECK_EQ(sStallWindow, 3000);
	CHECK_EQ(sTimerReads, 0);
	CHECK_EQ(platform_cycle_counter_frequency(), 2500000000ULL);
	CHECK(strstr(sLog, "efi: the cycle counter runs at 2500000000 Hz\n") != NULL);
	/* Measured in whole hertz, not rounded down to a multiple of 333. */
	start(0, 2399999000ULL);
	efi_time_init();
	CHECK_EQ(platform_cycle_counter_frequency(), 2399999000ULL);

	/* Time since the start, after hours of it, without overflow. */
	start(0, 3000000000ULL);
	efi_time_init();
	uint64_t started = system_time();
	sCounter += 3000000000ULL * 7200 + 3000;
	CHECK_EQ(system_time() - started, 7200000001ULL);
}


TEST(the_median_of_three_windows)
{
	static const uint64_t kOrders[][3] = {
		{ 1, 2, 3 }, { 1, 3, 2 }, { 2, 1, 3 }, { 2, 3, 1 }, { 3, 1, 2 }, { 3, 2, 1 },
	};
	for (size_t i = 0; i < sizeof(kOrders) / sizeof(kOrders[0]); i++) {
		if (efi_time_median3(kOrders[i][0], kOrders[i][1], kOrders[i][2]) != 2)
			unit_fail(__FILE__, __LINE__, "order %zu: not the middle one", i);
	}
	CHECK_EQ(efi_time_median3(5, 5, 9), 5);
	CHECK_EQ(efi_time_median3(9, 5, 5), 5);
	CHECK_EQ(efi_time_median3(5, 9, 5), 5);
}


TEST(a_counter_that_does_not_run_is_not_believed)
{
	/* A tick a microsecond is the slowest believed. */
	start(0, 1000000);
	efi_time_init();
	CHECK_EQ(platform_cycle_counter_frequency(), 1000000);

	start(0, 999999);
	efi_time_init();
	CHECK_EQ(platform_cycle_counter_frequency(), 0);
	CHECK(strstr(sLog, "efi: the cycle counter runs at 0 Hz\n") != NULL);
	/* Time goes on at the guess of 1 GHz. */
	uint64_t started = system_time();
	sCounter += 1000000000;
	CHECK_EQ(system_time() - started, 1000000);
}


TEST(spin_waits_the_time_asked_and_no_longer)
{
	start(62500000, 0);
	efi_time_init();
	uint64_t before = sCounter;
	spin(1000);
	CHECK_EQ(sCounter - before, 62500);
}


/* --- measured again against the ACPI PM timer ----------------------------- */

/* How far rate is from the truth, in parts per million (rounded up). */
static uint64_t
ppm_off(uint64_t rate, uint64_t truth)
{
	uint64_t off = rate > truth ? rate - truth : truth - rate;
	return (off * 1000000 + truth - 1) / truth;
}


/* A TSC of 2.5 GHz, and a Stall() that overshoots by 3 us: 1 % fast over 300 us. */
static void
start_with_timer(void)
{
	start(0, 2500000000ULL);
	sStallExtra = 3 * 2500;
	sTimerPortFound = 0x608;
}


TEST(a_pm_timer_shortens_the_calibration_and_measures_over_the_boot)
{
	start_with_timer();
	efi_time_init();
	/* Three windows of 0.3 ms: 0.9 ms, where they were 9. */
	CHECK_EQ(sStalls, 3);
	CHECK_EQ(sStallWindow, 300);
	CHECK_EQ(sRate, 2525000000ULL);
	/*
	 * Each sample is taken as the timer ticks, within a read of it (100
	 * ticks here): asked at once, over the 0.9 ms, Stall()'s 1 % is gone
	 * already; over 20 ms the rate is within 4 parts per million.
	 */
	CHECK(ppm_off(platform_cycle_counter_frequency(), 2500000000ULL) <= 100);
	sCounter += 20 * 2500000ULL;
	CHECK(ppm_off(platform_cycle_counter_frequency(), 2500000000ULL) <= 4);
	/* system_time() keeps the first rate: it never goes back. */
	uint64_t before = system_time();
	sCounter += 2525000000ULL;
	CHECK_EQ(system_time() - before, 1000000);
}


TEST(the_pm_timer_wraps_are_counted_up_to_eight)
{
	/* The 24-bit timer wraps every 4.69 s: twice in 10 s, eight times in 37.5 s. */
	start_with_timer();
	efi_time_init();
	sCounter += 10 * 2500000000ULL;
	CHECK(ppm_off(platform_cycle_counter_frequency(), 2500000000ULL) <= 1);
	sCounter += 27 * 2500000000ULL;
	CHECK(ppm_off(platform_cycle_counter_frequency(), 2500000000ULL) <= 1);
	/* Past eight wraps one could be miscounted: the last rate stays, and the timer is left. */
	sCounter += 2500000000ULL;
	uint64_t kept = platform_cycle_counter_frequency();
	CHECK(ppm_off(kept, 2500000000ULL) <= 1);
	int reads = sTimerReads;
	CHECK_EQ(platform_cycle_counter_frequency(), kept);
	CHECK_EQ(sTimerReads, reads);
}


TEST(a_pm_timer_that_disagrees_with_stall_is_left)
{
	/* A timer at twice the rate (not the PM timer at all): Stall()'s rate stays, for good. */
	start_with_timer();
	sStallExtra = 0;
	sTimerRate = EFI_PM_TIMER_HZ * 2;
	efi_time_init();
	sCounter += 20 * 2500000ULL;
	CHECK_EQ(platform_cycle_counter_frequency(), 2500000000ULL);
	int reads = sTimerReads;
	sCounter += 20 * 2500000ULL;
	CHECK_EQ(platform_cycle_counter_frequency(), 2500000000ULL);
	CHECK_EQ(sTimerReads, reads);

	/* One at half the rate, the same. */
	start_with_timer();
	sStallExtra = 0;
	sTimerRate = EFI_PM_TIMER_HZ / 2;
	efi_time_init();
	sCounter += 20 * 2500000ULL;
	CHECK_EQ(platform_cycle_counter_frequency(), 2500000000ULL);

	/* Within 5 % it is believed: a rate 4 % from Stall()'s. */
	start_with_timer();
	sStallExtra = 0;
	sTimerRate = EFI_PM_TIMER_HZ * 104 / 100;
	efi_time_init();
	sCounter += 20 * 2500000ULL;
	CHECK(ppm_off(platform_cycle_counter_frequency(), 2403846154ULL) <= 4);
}


TEST(a_pm_timer_that_does_not_tick_is_left)
{
	/* Stuck from the start: 10 us of reads (of 100 ticks at the guessed 1 GHz), then Stall()'s 3 ms. */
	start_with_timer();
	sStallExtra = 0;
	sTimerRate = 0;
	efi_time_init();
	int reads = sTimerReads;
	CHECK(reads >= 100 && reads <= 102);
	CHECK_EQ(sStallWindow, 3000);
	sCounter += 20 * 2500000ULL;
	CHECK_EQ(platform_cycle_counter_frequency(), 2500000000ULL);
	CHECK_EQ(sTimerReads, reads);

	/* Stopped later: the rate measured before it stays, and the timer is left. */
	start_with_timer();
	efi_time_init();
	sCounter += 20 * 2500000ULL;
	uint64_t kept = platform_cycle_counter_frequency();
	CHECK(ppm_off(kept, 2500000000ULL) <= 4);
	sTimerRate = 0;
	sCounter += 20 * 2500000ULL;
	CHECK_EQ(platform_cycle_counter_frequency(), kept);
	reads = sTimerReads;
	CHECK_EQ(platform_cycle_counter_frequency(), kept);
	CHECK_EQ(sTimerReads, reads);
}


TEST(a_pm_timer_that_ticks_back_is_not_divided_by)
{
	/* A count that only ever goes from 1 to 2 and back: no time between the samples. */
	start_with_timer();
	sStallExtra = 0;
	sTimerFlips = true;
	efi_time_init();
	CHECK_EQ(sStallWindow, 300);
	sCounter += 20 * 2500000ULL;
	CHECK_EQ(platform_cycle_counter_frequency(), 2500000000ULL);
}
