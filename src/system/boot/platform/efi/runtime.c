/* SPDX-License-Identifier: MIT */
/*
 * EFI runtime services for the kernel: their virtual addresses and the
 * tables a kernel needs to call them.
 *
 * Every runtime range is given its place in the physical map (kernel address
 * KERNEL_PHYSICAL_MAP_BASE + physical), so the kernel needs no mappings of
 * its own to call the firmware, and the runtime code pages are executable
 * there. SetVirtualAddressMap runs after ExitBootServices while the
 * firmware's identity mapping is still active; the map it is given must
 * outlive the loader, so its buffer is reserved before boot services end.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/arch_mmu.h>
#include <boot/platform/efi/efi_kernel_args.h>
#include <boot/handoff.h>
#include <boot/platform.h>
#include <boot/stdio.h>

/* The final map is usually a little longer than the one seen when reserving. */
#define SPARE_DESCRIPTORS	64

static EFI_MEMORY_DESCRIPTOR *sVirtualMap;
static UINTN sVirtualMapCapacity;


void
efi_runtime_reserve(const struct efi_memory_map *map)
{
	sVirtualMapCapacity = 2 * map->size + SPARE_DESCRIPTORS * map->descriptor_size;
	sVirtualMap = kernel_args_malloc(sVirtualMapCapacity);
	if (sVirtualMap == NULL) {
		sVirtualMapCapacity = 0;
		boot_dprintf("efi: no memory for the runtime memory map: the kernel gets no"
			" runtime services\n");
	}
}


status_t
efi_runtime_map_code(const struct efi_memory_map *map,
	const struct arch_mmu_page_source *source)
{
	FOR_EACH_DESCRIPTOR(descriptor, map) {
		if ((descriptor->Attribute & EFI_MEMORY_RUNTIME) == 0
			|| descriptor->Type != EfiRuntimeServicesCode)
			continue;
		status_t status = arch_mmu_allow_execute(
			KERNEL_PHYSICAL_MAP_BASE + descriptor->PhysicalStart,
			descriptor->NumberOfPages * KERNEL_EFI_PAGE_SIZE, source);
		if (status != B_OK)
			return status;
	}
	return B_OK;
}


void
efi_enter_virtual_mode(kernel_args *args, struct efi_memory_map *map)
{
	/* An EFI loader says so even when the kernel gets no runtime services. */
	struct efi_kernel_args *efi = efi_kernel_args_claim(args);

	/* Boot services are gone: boot_dprintf (serial and log) is all that is left. */
	if (sVirtualMap == NULL)
		return;
	if (map->size > sVirtualMapCapacity) {
		boot_dprintf("efi: the final memory map (%llu bytes) outgrew its buffer (%llu):"
			" no runtime services for the kernel\n", (unsigned long long)map->size,
			(unsigned long long)sVirtualMapCapacity);
		return;
	}

	memcpy(sVirtualMap, map->descriptors, map->size);
	struct efi_memory_map virtualMap = *map;
	virtualMap.descriptors = sVirtualMap;
	uint32_t runtimeRanges = 0;
	FOR_EACH_DESCRIPTOR(descriptor, &virtualMap) {
		if ((descriptor->Attribute & EFI_MEMORY_RUNTIME) == 0)
			continue;
		uint64_t end = descriptor->PhysicalStart + descriptor->NumberOfPages * KERNEL_EFI_PAGE_SIZE;
		if (end > args->physical_map_size) {
			boot_dprintf("efi: runtime range %#llx-%#llx lies beyond the physical map:"
				" no runtime services for the kernel\n",
				(unsigned long long)descriptor->PhysicalStart, (unsigned long long)end);
			return;
		}
		descriptor->VirtualStart = KERNEL_PHYSICAL_MAP_BASE + descriptor->PhysicalStart;
		runtimeRanges++;
	}

	EFI_STATUS status = gSystemTable->RuntimeServices->SetVirtualAddressMap(map->size,
		map->descriptor_size, map->descriptor_version, sVirtualMap);
	if (status != EFI_SUCCESS) {
		boot_dprintf("efi: SetVirtualAddressMap failed (%#llx): no runtime services for"
			" the kernel\n", (unsigned long long)status);
		return;
	}

	/*
	 * The firmware converted the pointers in the system table it owns, and
	 * recomputed its CRC; the table itself stays where it is.
	 */
	uint64_t runtimeServices = (uint64_t)(uintptr_t)gSystemTable->RuntimeServices;
	if (runtimeServices < KERNEL_PHYSICAL_MAP_BASE) {
		boot_dprintf("efi: the firmware left RuntimeServices physical (%#llx)\n",
			(unsigned long long)runtimeServices);
		runtimeServices += KERNEL_PHYSICAL_MAP_BASE;
	}
	efi->system_table = KERNEL_PHYSICAL_MAP_BASE + (uint64_t)(uintptr_t)gSystemTable;
	efi->runtime_services = runtimeServices;
	efi->memory_map = platform_loader_to_kernel(sVirtualMap);
	efi->memory_map_size = map->size;
	efi->descriptor_size = (uint32_t)map->descriptor_size;
	efi->descriptor_version = map->descriptor_version;
	boot_dprintf("efi: runtime services at %#llx, %u runtime ranges in the physical map\n",
		(unsigned long long)runtimeServices, runtimeRanges);
}
