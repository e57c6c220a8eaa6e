/* SPDX-License-Identifier: MIT */
/*
 * The other CPUs on arm64: not started yet. The kernel gets one CPU; PSCI
 * CPU_ON and the MADT's GICC entries (or the device tree's cpu nodes) are
 * what a later version would use (docs/smp.md, Limits).
 */
#include "../../efi_platform.h"

#include <boot/platform.h>
#include <boot/stdio.h>


status_t
platform_smp_find_cpus(uint32_t bootOptions, struct platform_cpu *cpus, uint32_t max,
	uint32_t *_count)
{
	*_count = 0;
	boot_dprintf("efi: arm64 starts no other CPUs yet: the boot CPU only\n");
	return B_NOT_SUPPORTED;
}


status_t
platform_smp_start_cpu(const kernel_args *args, uint32_t index,
	volatile kernel_cpu_mailbox *mailbox)
{
	return B_NOT_SUPPORTED;
}


void
platform_smp_abandon_cpu(const kernel_args *args, uint32_t index)
{
}
