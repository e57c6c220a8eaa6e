/*
 * Memory the kernel will see: regions at kernel addresses backed by firmware
 * pages, the firmware memory map, and the last steps before the kernel.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/platform.h>
#include <boot/ranges.h>
#include <boot/stdio.h>

/* Kernel segments, a few kernel_args chunks and the stack: far fewer. */
#define MAX_REGIONS				64
#define KERNEL_STACK_SIZE		(64 * 1024)
/* ExitBootServices may fail while firmware events still change the map. */
#define EXIT_BOOT_SERVICES_TRIES	8

static struct efi_region sRegions[MAX_REGIONS];
static uint32_t sRegionCount;
static int sRegionsFrozen;
/* Non-exact allocations grow upwards, an unmapped page apart as guards. */
static uint64_t sNextDataAddress = KERNEL_DATA_BASE;


static uint64_t
round_to_pages(uint64_t size)
{
	return (size + EFI_PAGE_BYTES - 1) & ~(EFI_PAGE_BYTES - 1);
}


static int
mmu_overlaps_region(uint64_t start, uint64_t size)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		const struct efi_region *region = &sRegions[i];
		if (start < region->kernel_address + region->size
				&& region->kernel_address < start + size)
			return 1;
	}
	return 0;
}


status_t
platform_allocate_region(uint64_t *_kernel_address, size_t size,
	uint32_t protection, bool exact)
{
	if (sRegionsFrozen)
		return B_NOT_ALLOWED;
	if (size == 0 || size > KERNEL_DATA_END - KERNEL_DATA_BASE)
		return B_BAD_VALUE;
	if (sRegionCount == MAX_REGIONS)
		return B_NO_MEMORY;

	uint64_t bytes = round_to_pages(size);
	uint64_t address;
	if (exact) {
		address = *_kernel_address;
		if ((address & (EFI_PAGE_BYTES - 1)) != 0 || address < KERNEL_LOAD_BASE
				|| address >= KERNEL_WINDOW_END
				|| bytes > KERNEL_WINDOW_END - address
				|| mmu_overlaps_region(address, bytes))
			return B_BAD_ADDRESS;
	} else {
		address = sNextDataAddress;
		if (bytes + EFI_PAGE_BYTES > KERNEL_DATA_END - address)
			return B_NO_MEMORY;
	}

	EFI_PHYSICAL_ADDRESS physical;
	if (gBootServices->AllocatePages(AllocateAnyPages, EfiLoaderData,
			bytes / EFI_PAGE_BYTES, &physical) != EFI_SUCCESS)
		return B_NO_MEMORY;
	memset((void *)(uintptr_t)physical, 0, bytes);

	if (!exact)
		sNextDataAddress = address + bytes + EFI_PAGE_BYTES;

	struct efi_region *region = &sRegions[sRegionCount++];
	region->kernel_address = address;
	region->physical_address = physical;
	region->size = bytes;
	region->protection = protection;
	*_kernel_address = address;
	return B_OK;
}


status_t
platform_free_region(uint64_t kernelAddress, size_t size)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		struct efi_region *region = &sRegions[i];
		if (region->kernel_address != kernelAddress)
			continue;
		if (round_to_pages(size) != region->size || sRegionsFrozen)
			return B_BAD_VALUE;
		gBootServices->FreePages(region->physical_address,
			region->size / EFI_PAGE_BYTES);
		memmove(region, region + 1, (sRegionCount - i - 1) * sizeof(*region));
		sRegionCount--;
		return B_OK;
	}
	return B_BAD_VALUE;
}


void *
platform_kernel_to_loader(uint64_t kernelAddress)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		const struct efi_region *region = &sRegions[i];
		if (kernelAddress - region->kernel_address < region->size) {
			/* Boot services identity-map all memory. */
			return (void *)(uintptr_t)(region->physical_address
				+ (kernelAddress - region->kernel_address));
		}
	}
	return NULL;
}


uint64_t
platform_loader_to_kernel(const void *loaderAddress)
{
	uint64_t physical = (uintptr_t)loaderAddress;
	for (uint32_t i = 0; i < sRegionCount; i++) {
		const struct efi_region *region = &sRegions[i];
		if (physical - region->physical_address < region->size)
			return region->kernel_address + (physical - region->physical_address);
	}
	return 0;
}


const struct efi_region *
mmu_regions(uint32_t *_count)
{
	*_count = sRegionCount;
	return sRegions;
}


void
mmu_freeze_regions(void)
{
	sRegionsFrozen = 1;
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


/* Everything the kernel needs is mapped, covering all of RAM in 1 GiB steps. */
static uint64_t
mmu_physical_map_size(uint64_t memoryEnd)
{
	const uint64_t kGigabyte = 1ULL << 30;
	/* The low 4 GiB also hold the local APIC, I/O APIC and the framebuffer. */
	uint64_t size = 4 * kGigabyte;
	if (memoryEnd > size)
		size = (memoryEnd + kGigabyte - 1) & ~(kGigabyte - 1);
	return size;
}


static status_t
mmu_record_regions(kernel_args *args)
{
	uint32_t count;
	const struct efi_region *regions = mmu_regions(&count);
	for (uint32_t i = 0; i < count; i++) {
		status_t status = ranges_insert_pages(args->virtual_allocated_range,
			&args->num_virtual_allocated_ranges, MAX_VIRTUAL_ALLOCATED_RANGES,
			regions[i].kernel_address, regions[i].size);
		if (status == B_OK) {
			status = ranges_insert_pages(args->physical_allocated_range,
				&args->num_physical_allocated_ranges,
				MAX_PHYSICAL_ALLOCATED_RANGES, regions[i].physical_address,
				regions[i].size);
		}
		if (status != B_OK)
			return status;
	}

	/* The port fills in where the ELF loader put each segment. */
	for (uint32_t i = 0; i < args->kernel.segment_count; i++) {
		kernel_segment *segment = &args->kernel.segments[i];
		void *loader = platform_kernel_to_loader(segment->virtual_address);
		if (loader == NULL)
			return B_BAD_ADDRESS;
		segment->physical_address = (uintptr_t)loader;
	}
	return B_OK;
}


status_t
platform_prepare_kernel_start(kernel_args *args)
{
	uint64_t stack = 0;
	status_t status = platform_allocate_region(&stack, KERNEL_STACK_SIZE,
		REGION_READ | REGION_WRITE, false);
	if (status != B_OK)
		return status;
	args->cpu_kernel_stack[0].start = stack;
	args->cpu_kernel_stack[0].size = KERNEL_STACK_SIZE;

	struct efi_memory_map map;
	status = efi_get_memory_map(&map);
	if (status != B_OK)
		return status;
	uint64_t memoryEnd = efi_physical_memory_end(&map);
	gBootServices->FreePool(map.descriptors);

	uint64_t physicalMapSize = mmu_physical_map_size(memoryEnd);
	status = arch_mmu_prepare(args, physicalMapSize);
	if (status != B_OK)
		return status;

	args->physical_map_base = KERNEL_PHYSICAL_MAP_BASE;
	args->physical_map_size = physicalMapSize;
	status = ranges_insert_pages(args->virtual_allocated_range,
		&args->num_virtual_allocated_ranges, MAX_VIRTUAL_ALLOCATED_RANGES,
		KERNEL_PHYSICAL_MAP_BASE, physicalMapSize);
	if (status != B_OK)
		return status;

	status = mmu_record_regions(args);
	if (status != B_OK)
		return status;

	boot_dprintf("efi: RAM ends at %#llx, physical map %llu GiB at %#llx\n",
		(unsigned long long)memoryEnd,
		(unsigned long long)(physicalMapSize >> 30),
		(unsigned long long)KERNEL_PHYSICAL_MAP_BASE);
	return B_OK;
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
