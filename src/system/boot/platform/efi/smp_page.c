/* SPDX-License-Identifier: MIT */
/*
 * The page the other CPUs start in, which every architecture's start of
 * them shares in the EFI port (docs/smp.md): taken from the firmware while
 * it serves, once per loader run, and listed to the kernel as the loader's,
 * reclaimable once the CPUs it parked are released.
 */
#include "efi_platform.h"

#include <boot/memory_map.h>
#include <boot/stdio.h>

static EFI_PHYSICAL_ADDRESS sPage;


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
