/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's time (src/system/boot/platform/efi/time.c),
 * compiled right into this test with gnu-efi's headers, on a fake cycle
 * counter and Stall(): the rate an architecture states (arm64's 19.2 MHz of
 * a Raspberry Pi 3 and 62.5 MHz of QEMU's virt), the rate measured where it
 * does not (x86_64's TSC), a window the counter jumped in, a counter that
 * does not run, and system_time() and spin() exact at each rate.
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
static int sStalls;


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


static EFI_STATUS EFIAPI
fake_stall(UINTN microseconds)
{
	sStalls++;
	sCounter += microseconds * sTrueRate / 1000000;
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
	sStalls = 0;
	/* As the loader starts: nothing known. */
	sTicksPerSecond = 0;
	sRate = 1000000000;
	boot_log_clear();
}


TEST(a_stated_rate_is_taken_without_a_stall)
{
	start(19200000, 0);
	efi_time_init();
	CHECK_EQ(sStalls, 0);
	CHECK_EQ(platform_cycle_counter_frequency(), 19200000);
	CHECK(strstr(sLog, "efi: the cycle counter runs at 19.200 MHz\n") != NULL);
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
	CHECK_EQ(platform_cycle_counter_frequency(), 2500000000ULL);
	CHECK(strstr(sLog, "efi: the cycle counter runs at 2500.000 MHz\n") != NULL);
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
	CHECK(strstr(sLog, "efi: the cycle counter runs at 0.000 MHz\n") != NULL);
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
