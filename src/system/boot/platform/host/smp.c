/* SPDX-License-Identifier: MIT */
/*
 * Simulated CPUs (--cpus): the machine's list as a firmware table would
 * give it, and CPUs that "park" at once by writing their mailbox the way
 * a real one's wait loop does, so that the generic part and the
 * kernel_args CPU list are tested at native speed. --silent-cpu names one
 * that never answers.
 */
#include "host_platform.h"

#include <boot/stdio.h>


status_t
platform_smp_find_cpus(uint32_t bootOptions, const void *deviceTree,
	struct platform_cpu *cpus, uint32_t max, uint32_t *_count)
{
	*_count = 0;
	if (gHostOptions.cpus == 0)
		return B_NOT_SUPPORTED;
	/* The simulated machine's CPUs are in its (simulated) ACPI tables. */
	if ((bootOptions & BOOT_OPTION_DISABLE_ACPI) != 0) {
		boot_dprintf("host: ACPI is off: no CPU list, the boot CPU only\n");
		return B_ENTRY_NOT_FOUND;
	}
	uint32_t count = gHostOptions.cpus < max ? gHostOptions.cpus : max;
	for (uint32_t i = 0; i < count; i++) {
		cpus[i].hardware_id = i;
		cpus[i].boot = i == 0;
		cpus[i].online_capable = false;
	}
	*_count = count;
	return B_OK;
}


status_t
platform_smp_start_cpu(const kernel_args *args, uint32_t index,
	volatile kernel_cpu_mailbox *mailbox)
{
	uint64_t id = mailbox->hardware_id;
	if (id < HOST_MAX_CPUS && gHostOptions.silent_cpus[id])
		return B_OK;
	/* What the wait loop writes as it parks; a real CPU does it a while later. */
	__atomic_store_n(&mailbox->state, KERNEL_MAILBOX_PARKED, __ATOMIC_RELEASE);
	return B_OK;
}


void
platform_smp_abandon_cpu(const kernel_args *args, uint32_t index)
{
	boot_dprintf("host: CPU %u abandoned\n", index);
}
