/* SPDX-License-Identifier: MIT */
/*
 * Kernel address space bookkeeping shared by all ports: where each region
 * the kernel will see lives, at its kernel address and in the loader.
 */
#include <boot/kernel_regions.h>

#include <string.h>

#include <boot/ranges.h>

static struct kernel_region sRegions[KERNEL_REGIONS_MAX];
static uint32_t sRegionCount;
static bool sFrozen;
/* Non-exact regions grow upwards, an unmapped page apart as guards. */
static uint64_t sNextDataAddress = KERNEL_DATA_BASE;


static bool
kernel_regions_overlap(uint64_t start, uint64_t size)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		const struct kernel_region *region = &sRegions[i];
		if (start < region->kernel_address + region->size
				&& region->kernel_address < start + size)
			return true;
	}
	return false;
}


status_t
kernel_regions_reserve(uint64_t *_address, uint64_t size, bool exact)
{
	if (sFrozen)
		return B_NOT_ALLOWED;
	if (size == 0 || (size & KERNEL_PAGE_MASK) != 0)
		return B_BAD_VALUE;
	if (sRegionCount == KERNEL_REGIONS_MAX)
		return B_NO_MEMORY;

	if (exact) {
		uint64_t address = *_address;
		if ((address & KERNEL_PAGE_MASK) != 0 || address < KERNEL_LOAD_BASE
				|| address >= KERNEL_WINDOW_END
				|| size > KERNEL_WINDOW_END - address
				|| kernel_regions_overlap(address, size))
			return B_BAD_ADDRESS;
		return B_OK;
	}

	if (size > KERNEL_DATA_END - sNextDataAddress
			|| KERNEL_DATA_END - sNextDataAddress - size < KERNEL_PAGE_SIZE)
		return B_NO_MEMORY;
	*_address = sNextDataAddress;
	return B_OK;
}


void
kernel_regions_add(const struct kernel_region *region)
{
	struct kernel_region *added = &sRegions[sRegionCount++];
	*added = *region;
	if (region->kernel_address >= KERNEL_LOAD_BASE
			&& region->kernel_address < KERNEL_WINDOW_END)
		added->kind = KERNEL_REGION_KERNEL;
	uint64_t end = region->kernel_address + region->size;
	if (region->kernel_address >= KERNEL_DATA_BASE && end + KERNEL_PAGE_SIZE > sNextDataAddress)
		sNextDataAddress = end + KERNEL_PAGE_SIZE;
}


status_t
kernel_regions_set_kind(uint64_t kernelAddress, uint32_t kind)
{
	if (kind > KERNEL_REGION_MODULE)
		return B_BAD_VALUE;
	for (uint32_t i = 0; i < sRegionCount; i++) {
		if (sRegions[i].kernel_address == kernelAddress) {
			sRegions[i].kind = kind;
			return B_OK;
		}
	}
	return B_BAD_VALUE;
}


status_t
kernel_regions_remove(uint64_t kernelAddress, uint64_t size,
	struct kernel_region *_removed)
{
	if (sFrozen)
		return B_NOT_ALLOWED;
	for (uint32_t i = 0; i < sRegionCount; i++) {
		struct kernel_region *region = &sRegions[i];
		if (region->kernel_address != kernelAddress)
			continue;
		if (region->size != size)
			return B_BAD_VALUE;
		*_removed = *region;
		memmove(region, region + 1, (sRegionCount - i - 1) * sizeof(*region));
		sRegionCount--;
		return B_OK;
	}
	return B_BAD_VALUE;
}


static const struct kernel_region *
kernel_regions_find(uint64_t kernelAddress)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		if (kernelAddress - sRegions[i].kernel_address < sRegions[i].size)
			return &sRegions[i];
	}
	return NULL;
}


void *
kernel_regions_to_loader(uint64_t kernelAddress)
{
	const struct kernel_region *region = kernel_regions_find(kernelAddress);
	if (region == NULL)
		return NULL;
	return (uint8_t *)region->loader_address + (kernelAddress - region->kernel_address);
}


uint64_t
kernel_regions_to_physical(uint64_t kernelAddress)
{
	const struct kernel_region *region = kernel_regions_find(kernelAddress);
	if (region == NULL)
		return 0;
	return region->physical_address + (kernelAddress - region->kernel_address);
}


uint64_t
kernel_regions_to_kernel(const void *loaderAddress)
{
	uintptr_t loader = (uintptr_t)loaderAddress;
	for (uint32_t i = 0; i < sRegionCount; i++) {
		const struct kernel_region *region = &sRegions[i];
		uintptr_t base = (uintptr_t)region->loader_address;
		if (loader - base < region->size)
			return region->kernel_address + (loader - base);
	}
	return 0;
}


const struct kernel_region *
kernel_regions(uint32_t *_count)
{
	*_count = sRegionCount;
	return sRegions;
}


void
kernel_regions_freeze(void)
{
	sFrozen = true;
}


void
kernel_regions_thaw(void)
{
	sFrozen = false;
}


status_t
kernel_regions_record(kernel_args *args)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		status_t status = ranges_insert_pages(args->virtual_allocated_range,
			&args->num_virtual_allocated_ranges, MAX_VIRTUAL_ALLOCATED_RANGES,
			sRegions[i].kernel_address, sRegions[i].size);
		if (status == B_OK) {
			status = ranges_insert_pages(args->physical_allocated_range,
				&args->num_physical_allocated_ranges,
				MAX_PHYSICAL_ALLOCATED_RANGES, sRegions[i].physical_address,
				sRegions[i].size);
		}
		if (status != B_OK)
			return status;
	}

	for (uint32_t i = 0; i < args->kernel.segment_count; i++) {
		kernel_segment *segment = &args->kernel.segments[i];
		const struct kernel_region *region = NULL;
		for (uint32_t k = 0; k < sRegionCount && region == NULL; k++) {
			if (segment->virtual_address - sRegions[k].kernel_address
					< sRegions[k].size)
				region = &sRegions[k];
		}
		if (region == NULL)
			return B_BAD_ADDRESS;
		segment->physical_address = region->physical_address
			+ (segment->virtual_address - region->kernel_address);
	}
	return B_OK;
}


void
kernel_regions_reset(void)
{
	sRegionCount = 0;
	sFrozen = false;
	sNextDataAddress = KERNEL_DATA_BASE;
}
