/* SPDX-License-Identifier: MIT */
/*
 * What every architecture's start of the other CPUs shares in the EFI
 * port (docs/smp.md): the list the firmware's tables fill, each CPU once,
 * and the page the CPUs start in, taken from the firmware while it serves,
 * once per loader run, and listed to the kernel as the loader's,
 * reclaimable once the CPUs it parked are released.
 */
#include "efi_platform.h"

#include <boot/memory_map.h>
#include <boot/platform.h>
#include <boot/stdio.h>

static EFI_PHYSICAL_ADDRESS sPage;


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


status_t
efi_smp_reserve_page(uint64_t lastAddress, uint64_t *_page)
{
	if (sPage == 0) {
		EFI_PHYSICAL_ADDRESS page = lastAddress;
		if (gBootServices->AllocatePages(AllocateMaxAddress, EfiLoaderCode, 1, &page)
				!= EFI_SUCCESS) {
			boot_dprintf("efi: no free page below %#llx to start the other CPUs in\n",
				(unsigned long long)lastAddress + 1);
			return B_NO_MEMORY;
		}
		/* Page 0 is no x86 start-up vector's page (it also holds the real-mode IVT). */
		if (page == 0) {
			boot_dprintf("efi: the only free page is page 0: no other CPUs\n");
			return B_NO_MEMORY;
		}
		status_t status = memory_map_add_extra(page, KERNEL_EFI_PAGE_SIZE,
			KERNEL_MEMORY_LOADER_RECLAIMABLE);
		if (status != B_OK) {
			gBootServices->FreePages(page, 1);
			return status;
		}
		sPage = page;
		boot_dprintf("efi: start-up page for the other CPUs at %#llx\n",
			(unsigned long long)page);
	}
	*_page = sPage;
	return B_OK;
}
