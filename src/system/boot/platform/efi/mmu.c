/* SPDX-License-Identifier: MIT */
/*
 * Memory the kernel will see: regions at kernel addresses backed by firmware
 * pages, its address space, and the last steps before the kernel.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/address_space.h>
#include <boot/arch_cpu.h>
#include <boot/config.h>
#include <boot/kernel_regions.h>
#include <boot/platform.h>
#include <boot/smp.h>
#include <boot/stdio.h>
#include <boot/timeline.h>

/* ExitBootServices may fail while firmware events still change the map. */
#define EXIT_BOOT_SERVICES_TRIES	8


/* Whole EFI pages, as AllocatePages hands out: whole kernel pages too. */
static uint64_t
round_to_pages(uint64_t size)
{
	return (size + KERNEL_EFI_PAGE_SIZE - 1) & ~(KERNEL_EFI_PAGE_SIZE - 1);
}


status_t
platform_allocate_region(uint64_t *_kernel_address, size_t size,
	uint32_t protection, bool exact)
{
	if (size == 0 || size > KERNEL_DATA_END - KERNEL_DATA_BASE)
		return B_BAD_VALUE;
	uint64_t bytes = round_to_pages(size);
	uint64_t address = *_kernel_address;
	status_t status = kernel_regions_reserve(&address, bytes, exact);
	if (status != B_OK)
		return status;

	EFI_PHYSICAL_ADDRESS physical;
	if (gBootServices->AllocatePages(AllocateAnyPages, EfiLoaderData,
			bytes / KERNEL_EFI_PAGE_SIZE, &physical) != EFI_SUCCESS)
		return B_NO_MEMORY;
	if ((protection & REGION_UNZEROED) == 0)
		memset((void *)(uintptr_t)physical, 0, bytes);

	/* Boot services identity-map all memory. */
	const struct kernel_region region = {
		.kernel_address = address,
		.physical_address = physical,
		.loader_address = (void *)(uintptr_t)physical,
		.size = bytes,
		.protection = protection & REGION_PROTECTION_MASK,
	};
	kernel_regions_add(&region);
	*_kernel_address = address;
	return B_OK;
}


status_t
platform_free_region(uint64_t kernelAddress, size_t size)
{
	struct kernel_region region;
	status_t status = kernel_regions_remove(kernelAddress, round_to_pages(size),
		&region);
	if (status == B_OK)
		gBootServices->FreePages(region.physical_address, region.size / KERNEL_EFI_PAGE_SIZE);
	return status;
}


void *
platform_kernel_to_loader(uint64_t kernelAddress)
{
	return kernel_regions_to_loader(kernelAddress);
}


uint64_t
platform_loader_to_kernel(const void *loaderAddress)
{
	return kernel_regions_to_kernel(loaderAddress);
}


static status_t
mmu_allocate_table_page(void *cookie, uint64_t *_physical, void **_loader)
{
	EFI_PHYSICAL_ADDRESS page;
	if (gBootServices->AllocatePages(AllocateAnyPages, EfiLoaderData, 1, &page)
			!= EFI_SUCCESS)
		return B_NO_MEMORY;
	*_physical = page;
	*_loader = (void *)(uintptr_t)page;
	return B_OK;
}


static void *
mmu_table_to_loader(void *cookie, uint64_t physical)
{
	return (void *)(uintptr_t)physical;
}


static void
mmu_free_table_page(void *cookie, uint64_t physical)
{
	gBootServices->FreePages(physical, 1);
}


status_t
platform_prepare_kernel_start(kernel_args *args)
{
	efi_acpi_init(args);
	/* ACPI describes the machines of a port without FDT_MACHINES: no tree. */
	if (FDT_MACHINES)
		efi_fdt_init(args);
	efi_smbios_init(args);
	efi_video_init(args);
	args->boot_cpu_id = arch_cpu_boot_id();

	struct efi_memory_map map;
	status_t status = efi_get_memory_map(&map);
	if (status != B_OK)
		return status;
	uint64_t memoryEnd = efi_physical_map_end(&map, &args->framebuffer);
	efi_runtime_reserve(&map);

	const struct arch_mmu_page_source pageSource = {
		.allocate = mmu_allocate_table_page,
		.to_loader = mmu_table_to_loader,
		.free = mmu_free_table_page,
	};
	/*
	 * The typed map twice: the architecture types the physical map from it
	 * (arm64: Normal or Device memory), and the final one includes the
	 * page tables. A map that does not fit fails here, where the menu can
	 * still take over.
	 */
	status = efi_fill_memory_map(args, &map);
	if (status == B_OK)
		status = address_space_build(args, memoryEnd, &pageSource);
	if (status == B_OK)
		status = efi_runtime_map_code(&map, &pageSource);
	if (status == B_OK)
		status = efi_fill_memory_map(args, &map);
	if (status != B_OK)
		arch_mmu_release(&pageSource);
	gBootServices->FreePool(map.descriptors);
	return status;
}


status_t
platform_start_kernel(kernel_args *args)
{
	/* From the final map on, output goes to the serial line only. */
	efi_console_freeze(true);
	struct efi_memory_map map;
	status_t status = efi_get_memory_map(&map);
	if (status != B_OK) {
		efi_console_freeze(false);
		return status;
	}

	for (int tries = 0; tries < EXIT_BOOT_SERVICES_TRIES; tries++) {
		/* memory_map_build() said why when it fails. */
		status = efi_fill_memory_map(args, &map);
		if (status != B_OK) {
			efi_console_freeze(false);
			return status;
		}

		if (gBootServices->ExitBootServices(gImageHandle, map.key) == EFI_SUCCESS) {
			timeline_mark("ExitBootServices", 0);
			gBootServicesActive = 0;
			efi_enter_virtual_mode(args, &map);
			smp_start_cpus(args);
			arch_start_kernel(args);
		}

		/* Only GetMemoryMap may be called now; the buffer we have must do. */
		map.size = map.capacity;
		if (gBootServices->GetMemoryMap(&map.size, map.descriptors, &map.key,
				&map.descriptor_size, &map.descriptor_version) != EFI_SUCCESS)
			break;
	}
	efi_console_freeze(false);
	return B_ERROR;
}
