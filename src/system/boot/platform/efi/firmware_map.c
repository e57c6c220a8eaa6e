/* SPDX-License-Identifier: MIT */
/*
 * The firmware's memory map: read, typed for the kernel, and where the
 * kernel's physical map must end for it. tests/unit/test_efi_firmware_map.c
 * hands it the maps QEMU cannot make.
 */
#include "efi_platform.h"

#include <boot/memory_map.h>
#include <boot/platform.h>
#include <boot/stdio.h>


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


/*
 * The kernel's type for an EFI memory type. Loader memory is usable: what
 * the kernel must keep, memory_map_build() knows from the loader itself.
 * Types newer than the header (persistent, unaccepted memory) stay reserved.
 */
static uint32_t
efi_memory_type(UINT32 type)
{
	switch (type) {
		case EfiLoaderCode:
		case EfiLoaderData:
		case EfiBootServicesCode:
		case EfiBootServicesData:
		case EfiConventionalMemory:
			return KERNEL_MEMORY_USABLE;
		case EfiACPIReclaimMemory:
			return KERNEL_MEMORY_ACPI_RECLAIMABLE;
		case EfiACPIMemoryNVS:
			return KERNEL_MEMORY_ACPI_NVS;
		case EfiRuntimeServicesCode:
			return KERNEL_MEMORY_RUNTIME_CODE;
		case EfiRuntimeServicesData:
			return KERNEL_MEMORY_RUNTIME_DATA;
		case EfiMemoryMappedIO:
		case EfiMemoryMappedIOPortSpace:
			return KERNEL_MEMORY_MMIO;
		case EfiUnusableMemory:
			return KERNEL_MEMORY_BAD;
	}
	return KERNEL_MEMORY_RESERVED;
}


/*
 * The bytes of a descriptor below MEMORY_MAP_ADDRESS_LIMIT, which is all
 * memory_map.c keeps: a hostile NumberOfPages must not wrap the end around.
 */
static uint64_t
efi_descriptor_size(const EFI_MEMORY_DESCRIPTOR *descriptor)
{
	uint64_t start = descriptor->PhysicalStart;
	if (start >= MEMORY_MAP_ADDRESS_LIMIT)
		return 0;
	uint64_t room = MEMORY_MAP_ADDRESS_LIMIT - start;
	return descriptor->NumberOfPages > room / KERNEL_EFI_PAGE_SIZE ? room
		: descriptor->NumberOfPages * KERNEL_EFI_PAGE_SIZE;
}


uint64_t
efi_physical_map_end(const struct efi_memory_map *map,
	const kernel_framebuffer *framebuffer)
{
	/* The kernel reaches the framebuffer through the physical map. */
	uint64_t end = framebuffer->physical_address + framebuffer->size;
	FOR_EACH_DESCRIPTOR(descriptor, map) {
		/* Runtime MMIO (flash, RTC) is where the runtime services will reach it. */
		if (efi_is_mmio(descriptor->Type)
			&& (descriptor->Attribute & EFI_MEMORY_RUNTIME) == 0)
			continue;
		uint64_t size = efi_descriptor_size(descriptor);
		if (size != 0 && descriptor->PhysicalStart + size > end)
			end = descriptor->PhysicalStart + size;
	}
	return end;
}


status_t
efi_fill_memory_map(kernel_args *args, const struct efi_memory_map *map)
{
	uint32_t descriptors = 0;
	memory_map_begin();
	FOR_EACH_DESCRIPTOR(descriptor, map) {
		memory_map_add_firmware(descriptor->PhysicalStart, efi_descriptor_size(descriptor),
			efi_memory_type(descriptor->Type));
		descriptors++;
	}
	status_t status = memory_map_build(args);
	if (status == B_OK) {
		boot_dprintf("efi: %u memory descriptors, %u typed entries\n", descriptors,
			args->num_memory_map_entries);
	}
	return status;
}
