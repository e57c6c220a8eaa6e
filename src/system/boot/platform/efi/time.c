/*
 * Time from the TSC, calibrated once against the firmware's Stall(), so that
 * it also works after ExitBootServices.
 */
#include "efi_platform.h"

#include <boot/platform.h>
#include <boot/stdio.h>

/* Long enough for a precise rate, short enough not to slow the boot. */
static const UINTN kCalibrationMicroseconds = 10000;

static uint64_t sTicksPerMicrosecond = 1000;	/* a guess until calibrated */
static uint64_t sBootTicks;


static inline uint64_t
read_tsc(void)
{
	uint32_t low, high;
	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return ((uint64_t)high << 32) | low;
}


void
efi_time_init(void)
{
	sBootTicks = read_tsc();
	uint64_t start = read_tsc();
	gBootServices->Stall(kCalibrationMicroseconds);
	uint64_t ticks = read_tsc() - start;
	if (ticks >= kCalibrationMicroseconds)
		sTicksPerMicrosecond = ticks / kCalibrationMicroseconds;
	boot_dprintf("efi: TSC runs at %llu MHz\n",
		(unsigned long long)sTicksPerMicrosecond);
}


uint64_t
system_time(void)
{
	return (read_tsc() - sBootTicks) / sTicksPerMicrosecond;
}


void
spin(uint64_t microseconds)
{
	uint64_t end = system_time() + microseconds;
	while (system_time() < end)
		__asm__ volatile("pause");
}
