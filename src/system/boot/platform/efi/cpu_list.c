/* SPDX-License-Identifier: MIT */
/*
 * The list of CPUs the firmware's tables fill (the MADT, the device tree's
 * /cpus), each CPU once, in the EFI port (docs/smp.md).
 */
#include "efi_platform.h"

#include <boot/platform.h>
#include <boot/stdio.h>


/* One CPU, once per id: firmware may name a CPU twice (MADT: under two entry types). */
void
efi_cpu_list_add(struct efi_cpu_list *list, uint64_t id, uint32_t flags)
{
	if ((flags & (EFI_CPU_ENABLED | EFI_CPU_ONLINE_CAPABLE)) == 0)
		return;
	for (uint32_t i = 0; i < list->count; i++) {
		if (list->cpus[i].hardware_id == id)
			return;
	}
	if (list->count == list->max) {
		list->dropped++;
		return;
	}
	struct platform_cpu *cpu = &list->cpus[list->count++];
	cpu->hardware_id = id;
	cpu->boot = id == list->boot_id;
	cpu->online_capable = (flags & EFI_CPU_ENABLED) == 0;
}


void
efi_cpu_list_report(const struct efi_cpu_list *list, const char *source)
{
	if (list->dropped > 0)
		boot_dprintf("efi: %s lists %u CPUs more than the loader takes\n", source,
			list->dropped);
	boot_dprintf("efi: %s lists %u CPU(s)\n", source, list->count);
}
