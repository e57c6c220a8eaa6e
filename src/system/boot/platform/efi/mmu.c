/*
 * Memory the kernel will see: regions at kernel addresses backed by firmware
 * pages, the firmware memory map, and the last steps before the kernel.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/address_space.h>
#include <boot/kernel_regions.h>
#include <boot/platform.h>
#include <boot/ranges.h>
#include <boot/stdio.h>

/* ExitBootServices may fail while firmware events still change the map. */
#define EXIT_BOOT_SERVICES_TRIES	8


static uint64_t
round_to_pages(uint64_t size)
{
	return (size + EFI_PAGE_BYTES - 1) & ~(EFI_PAGE_BYTES - 1);
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
			bytes / EFI_PAGE_BYTES, &physical) != EFI_SUCCESS)
		return B_NO_MEMORY;
	memset((void *)(uintptr_t)physical, 0, bytes);

	/* Boot services identity-map all memory. */
	const struct kernel_region region = {
		.kernel_address = address,
		.physical_address = physical,
		.loader_address = (void *)(uintptr_t)physical,
		.size = bytes,
		.protection = protection,
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
		gBootServices->FreePages(region.physical_address, region.size / EFI_PAGE_BYTES);
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


status_t
efi_get_memory_map(struct efi_memory_map *map)
{
	UINTN size = 0;
	EFI_STATUS status = gBootServices->GetMemoryMap(&size, NULL, &map->key,
		&map->descriptor_size, &map->descriptor_version);
	for (int tries = 0; tries < 4 && status == EFI_BUFFER_TOO_SMALL; tries++) {
		/*
		 * The pool allocation itself may split a descriptor or two, and the
		 * map may grow again before ExitBootServices succeeds.
		 */
		size += 8 * map->descriptor_size;
		if (gBootServices->AllocatePool(EfiLoaderData, size,
				(void **)&map->descriptors) != EFI_SUCCESS)
			return B_NO_MEMORY;
		map->capacity = size;
		map->size = size;
		status = gBootServices->GetMemoryMap(&map->size, map->descriptors,
			&map->key, &map->descriptor_size, &map->descriptor_version);
		if (status == EFI_SUCCESS)
			return B_OK;
		gBootServices->FreePool(map->descriptors);
		size = map->size;
	}
	return B_ERROR;
}


static int
efi_is_mmio(UINT32 type)
{
	return type == EfiMemoryMappedIO || type == EfiMemoryMappedIOPortSpace;
}


/* RAM the kernel may use once it has taken over what it was told about. */
static int
efi_is_usable(UINT32 type)
{
	switch (type) {
		case EfiLoaderCode:
		case EfiLoaderData:
		case EfiBootServicesCode:
		case EfiBootServicesData:
		case EfiConventionalMemory:
			return 1;
	}
	return 0;
}


/* Descriptors may be larger than the struct we know: step by their size. */
#define FOR_EACH_DESCRIPTOR(descriptor, map) \
	for (const EFI_MEMORY_DESCRIPTOR *descriptor = (map)->descriptors; \
		(const uint8_t *)descriptor \
			< (const uint8_t *)(map)->descriptors + (map)->size; \
		descriptor = (const EFI_MEMORY_DESCRIPTOR *) \
			((const uint8_t *)descriptor + (map)->descriptor_size))


static uint64_t
efi_physical_memory_end(const struct efi_memory_map *map)
{
	uint64_t end = 0;
	FOR_EACH_DESCRIPTOR(descriptor, map) {
		if (efi_is_mmio(descriptor->Type))
			continue;
		uint64_t top = descriptor->PhysicalStart
			+ descriptor->NumberOfPages * EFI_PAGE_BYTES;
		if (top > end)
			end = top;
	}
	return end;
}


static status_t
mmu_fill_physical_memory(kernel_args *args, const struct efi_memory_map *map)
{
	args->num_physical_memory_ranges = 0;
	FOR_EACH_DESCRIPTOR(descriptor, map) {
		if (!efi_is_usable(descriptor->Type))
			continue;
		status_t status = ranges_insert_pages(args->physical_memory_range,
			&args->num_physical_memory_ranges, MAX_PHYSICAL_MEMORY_RANGES,
			descriptor->PhysicalStart,
			descriptor->NumberOfPages * EFI_PAGE_BYTES);
		if (status != B_OK)
			return status;
	}
	return B_OK;
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


status_t
platform_prepare_kernel_start(kernel_args *args)
{
	struct efi_memory_map map;
	status_t status = efi_get_memory_map(&map);
	if (status != B_OK)
		return status;
	uint64_t memoryEnd = efi_physical_memory_end(&map);
	gBootServices->FreePool(map.descriptors);

	const struct arch_mmu_page_source pageSource = {
		.allocate = mmu_allocate_table_page,
		.to_loader = mmu_table_to_loader,
	};
	return address_space_build(args, memoryEnd, &pageSource);
}


status_t
platform_start_kernel(kernel_args *args)
{
	struct efi_memory_map map;
	status_t status = efi_get_memory_map(&map);
	if (status != B_OK)
		return status;

	for (int tries = 0; tries < EXIT_BOOT_SERVICES_TRIES; tries++) {
		status = mmu_fill_physical_memory(args, &map);
		if (status != B_OK) {
			boot_printf("efi: the memory map has more ranges than kernel_args"
				" holds (%u)\n", MAX_PHYSICAL_MEMORY_RANGES);
			return status;
		}

		if (gBootServices->ExitBootServices(gImageHandle, map.key) == EFI_SUCCESS) {
			gBootServicesActive = 0;
			efi_enter_virtual_mode(args, &map);
			arch_start_kernel(args);
		}

		/* Only GetMemoryMap may be called now; the buffer we have must do. */
		map.size = map.capacity;
		if (gBootServices->GetMemoryMap(&map.size, map.descriptors, &map.key,
				&map.descriptor_size, &map.descriptor_version) != EFI_SUCCESS)
			break;
	}
	return B_ERROR;
}
