/* SPDX-License-Identifier: MIT */
/*
 * Simulated CPUs (--cpus): a machine of N CPUs, ids 0 to N - 1, whose CPUs
 * "park" at once by writing their mailbox the way a real one's wait loop
 * does, so that the generic part and the kernel_args CPU list are tested
 * at native speed. The list is what the machine's firmware tables say: a
 * simulated ACPI MADT of them all or, when the kernel is handed a device
 * tree (--device-tree, or an entry's), that tree's /cpus, as on U-Boot's
 * machines; the host gives the kernel no ACPI tables beside a tree. A CPU
 * the tree names but the machine lacks never answers, nor does
 * --silent-cpu's.
 */
#include "host_platform.h"

#include <boot/fdt_view.h>
#include <boot/stdio.h>

struct host_cpu_list {
	struct platform_cpu	*cpus;
	uint32_t			max;
	uint32_t			count;
};


/* Each id once, as the EFI port keeps them; release addresses are arm64's. */
static void
host_smp_add_cpu(void *cookie, uint64_t id, uint64_t releaseAddress)
{
	struct host_cpu_list *list = cookie;
	for (uint32_t i = 0; i < list->count; i++) {
		if (list->cpus[i].hardware_id == id)
			return;
	}
	if (list->count < list->max)
		list->cpus[list->count++] = (struct platform_cpu){ .hardware_id = id, .boot = id == 0 };
}


static status_t
host_smp_tree_cpus(const void *tree, struct host_cpu_list *list)
{
	struct fdt_view view;
	const char *problem = fdt_view_open(&view, tree, FDT_VIEW_ANY_SIZE);
	if (problem != NULL) {
		boot_dprintf("host: the device tree is no tree (%s): the boot CPU only\n", problem);
		return B_BAD_DATA;
	}
	status_t status = fdt_view_find_cpus(&view, host_smp_add_cpu, list);
	if (status != B_OK) {
		list->count = 0;
		boot_dprintf("host: no CPU list in the device tree: the boot CPU only\n");
		return status;
	}
	boot_dprintf("host: the device tree lists %u CPU(s)\n", list->count);
	return B_OK;
}


status_t
platform_smp_find_cpus(uint32_t bootOptions, const void *deviceTree,
	struct platform_cpu *cpus, uint32_t max, uint32_t *_count)
{
	*_count = 0;
	if (gHostOptions.cpus == 0)
		return B_NOT_SUPPORTED;
	struct host_cpu_list list = { .cpus = cpus, .max = max };
	size_t size;
	const void *tree = deviceTree != NULL ? deviceTree : platform_firmware_device_tree(&size);
	if (tree != NULL) {
		status_t status = host_smp_tree_cpus(tree, &list);
		*_count = list.count;
		return status;
	}
	if ((bootOptions & BOOT_OPTION_DISABLE_ACPI) != 0) {
		boot_dprintf("host: ACPI is off: no CPU list, the boot CPU only\n");
		return B_ENTRY_NOT_FOUND;
	}
	for (uint32_t id = 0; id < gHostOptions.cpus; id++)
		host_smp_add_cpu(&list, id, 0);
	*_count = list.count;
	return B_OK;
}


status_t
platform_smp_start_cpu(const kernel_args *args, uint32_t index,
	volatile kernel_cpu_mailbox *mailbox)
{
	uint64_t id = mailbox->hardware_id;
	if (id >= gHostOptions.cpus || gHostOptions.silent_cpus[id])
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
