/* SPDX-License-Identifier: MIT */
/*
 * Simulated physical memory: an anonymous mapping under the firmware map of
 * firmware_map.c, pages for kernel regions and page tables, and the
 * kernel's view of it all.
 */
#include "host_platform.h"

#include <string.h>
#include <sys/mman.h>

#include <boot/address_space.h>
#include <boot/kernel_regions.h>
#include <boot/memory_map.h>
#include <boot/platform.h>
#include <boot/stdio.h>

/* Allocations start above the legacy megabyte, as firmware allocators tend to. */
#define HIGH_MEMORY_START	0x100000ULL
/* What REGION_UNZEROED memory holds here; neither zero nor a likely value. */
static const uint8_t kUnzeroedFill = 0xa5;

static uint8_t *sMemory;
static uint64_t sMemorySize;
/* Where the firmware map's RAM and firmware memory end: the physical map covers it. */
static uint64_t sMemoryEnd;
/* One bit per page of simulated RAM; set bits are taken or not usable. */
static uint8_t *sPageBitmap;
static uint64_t sNextFreePage;


void *
host_physical_to_pointer(uint64_t physical, uint64_t size)
{
	if (physical >= sMemorySize || size > sMemorySize - physical)
		return host_video_physical_to_pointer(physical, size);
	return sMemory + physical;
}


static bool
host_page_taken(uint64_t page)
{
	return (sPageBitmap[page / 8] >> (page % 8)) & 1;
}


static void
host_mark_pages(uint64_t first, uint64_t count, bool taken)
{
	for (uint64_t page = first; page < first + count; page++) {
		if (taken)
			sPageBitmap[page / 8] |= (uint8_t)(1 << (page % 8));
		else
			sPageBitmap[page / 8] &= (uint8_t)~(1 << (page % 8));
	}
}


/*
 * Only pages the firmware map calls usable, and no other type touches, are
 * free, as a firmware allocator would have it.
 */
static void
host_memory_apply_firmware_map(void)
{
	uint64_t pages = sMemorySize / KERNEL_PAGE_SIZE;
	uint32_t count;
	const struct memory_map_range *ranges = host_firmware_map(&count);

	host_mark_pages(0, pages, true);
	for (int pass = 0; pass < 2; pass++) {
		bool usable = pass == 0;
		for (uint32_t i = 0; i < count; i++) {
			const struct memory_map_range *range = &ranges[i];
			if ((range->type == KERNEL_MEMORY_USABLE) != usable || range->size == 0
				|| range->start >= sMemorySize)
				continue;
			uint64_t end = range->size > sMemorySize - range->start ? sMemorySize
				: range->start + range->size;
			uint64_t first = usable
				? (range->start + KERNEL_PAGE_SIZE - 1) / KERNEL_PAGE_SIZE
				: range->start / KERNEL_PAGE_SIZE;
			uint64_t last = usable ? end / KERNEL_PAGE_SIZE
				: (end + KERNEL_PAGE_SIZE - 1) / KERNEL_PAGE_SIZE;
			if (first < last)
				host_mark_pages(first, last - first, !usable);
		}
	}

	sMemoryEnd = sMemorySize;
	for (uint32_t i = 0; i < count; i++) {
		const struct memory_map_range *range = &ranges[i];
		if (range->type == KERNEL_MEMORY_MMIO || range->start >= MEMORY_MAP_ADDRESS_LIMIT)
			continue;
		uint64_t end = range->size > MEMORY_MAP_ADDRESS_LIMIT - range->start
			? MEMORY_MAP_ADDRESS_LIMIT : range->start + range->size;
		if (end > sMemoryEnd)
			sMemoryEnd = end;
	}
}


status_t
host_memory_init(size_t size, const char *memoryMapPath)
{
	if (size < 8 * HIGH_MEMORY_START)
		return B_BAD_VALUE;
	/* NORESERVE: a large simulated machine costs only the pages it touches. */
	void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (memory == MAP_FAILED)
		return B_NO_MEMORY;
	uint64_t pages = size / KERNEL_PAGE_SIZE;
	void *bitmap = mmap(NULL, (pages + 7) / 8, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bitmap == MAP_FAILED)
		return B_NO_MEMORY;

	sMemory = memory;
	sMemorySize = size & ~KERNEL_PAGE_MASK;
	sPageBitmap = bitmap;
	sNextFreePage = HIGH_MEMORY_START / KERNEL_PAGE_SIZE;

	status_t status = host_firmware_map_init(sMemorySize, memoryMapPath);
	if (status == B_OK)
		host_memory_apply_firmware_map();
	return status;
}


/*
 * First fit above the low megabyte, as firmware allocators tend to do; the
 * pages are filled with fill.
 */
static status_t
host_allocate_pages(uint64_t count, uint8_t fill, uint64_t *_physical)
{
	uint64_t end = sMemorySize / KERNEL_PAGE_SIZE;
	uint64_t run = 0;
	for (uint64_t page = sNextFreePage; page < end; page++) {
		run = host_page_taken(page) ? 0 : run + 1;
		if (run == count) {
			uint64_t first = page + 1 - count;
			host_mark_pages(first, count, true);
			memset(sMemory + first * KERNEL_PAGE_SIZE, fill, count * KERNEL_PAGE_SIZE);
			*_physical = first * KERNEL_PAGE_SIZE;
			return B_OK;
		}
	}
	return B_NO_MEMORY;
}


status_t
host_allocate_ram(uint64_t size, uint64_t *_physical)
{
	if (size == 0 || size > sMemorySize)
		return B_NO_MEMORY;
	return host_allocate_pages((size + KERNEL_PAGE_SIZE - 1) / KERNEL_PAGE_SIZE, 0, _physical);
}


void
host_free_ram(uint64_t physical, uint64_t size)
{
	host_mark_pages(physical / KERNEL_PAGE_SIZE, (size + KERNEL_PAGE_SIZE - 1) / KERNEL_PAGE_SIZE,
		false);
}


status_t
platform_allocate_region(uint64_t *_kernel_address, size_t size,
	uint32_t protection, bool exact)
{
	if (size == 0)
		return B_BAD_VALUE;
	/* More than the machine has is what EFI's AllocatePages says too: no memory. */
	if (size > sMemorySize)
		return B_NO_MEMORY;
	uint64_t bytes = (size + KERNEL_PAGE_SIZE - 1) & ~KERNEL_PAGE_MASK;
	uint64_t address = *_kernel_address;
	status_t status = kernel_regions_reserve(&address, bytes, exact);
	if (status != B_OK)
		return status;

	uint64_t physical;
	/*
	 * Unzeroed memory gets a pattern rather than zeroes, so that a caller
	 * that leaves bytes unwritten shows up in the hosted boot's checks.
	 */
	status = host_allocate_pages(bytes / KERNEL_PAGE_SIZE,
		(protection & REGION_UNZEROED) != 0 ? kUnzeroedFill : 0, &physical);
	if (status != B_OK)
		return status;

	const struct kernel_region region = {
		.kernel_address = address,
		.physical_address = physical,
		.loader_address = sMemory + physical,
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
	status_t status = kernel_regions_remove(kernelAddress,
		(size + KERNEL_PAGE_SIZE - 1) & ~KERNEL_PAGE_MASK, &region);
	if (status == B_OK)
		host_mark_pages(region.physical_address / KERNEL_PAGE_SIZE,
			region.size / KERNEL_PAGE_SIZE, false);
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


/* Page-table pages taken and given back during one platform_prepare_kernel_start(). */
struct host_table_pages {
	uint32_t	allocated;
	uint32_t	released;
};


static status_t
host_allocate_table_page(void *cookie, uint64_t *_physical, void **_loader)
{
	struct host_table_pages *pages = cookie;
	status_t status = host_allocate_pages(1, 0, _physical);
	if (status == B_OK) {
		*_loader = sMemory + *_physical;
		pages->allocated++;
	}
	return status;
}


static void *
host_table_to_loader(void *cookie, uint64_t physical)
{
	return host_physical_to_pointer(physical, KERNEL_PAGE_SIZE);
}


static void
host_free_table_page(void *cookie, uint64_t physical)
{
	struct host_table_pages *pages = cookie;
	host_mark_pages(physical / KERNEL_PAGE_SIZE, 1, false);
	pages->released++;
}


status_t
platform_prepare_kernel_start(kernel_args *args)
{
	struct host_table_pages pages = { 0, 0 };
	const struct arch_mmu_page_source pageSource = {
		.allocate = host_allocate_table_page,
		.to_loader = host_table_to_loader,
		.free = host_free_table_page,
		.cookie = &pages,
	};
	host_device_tree_hand_over(args);
	host_video_hand_over(args);
	status_t status = address_space_build(args, sMemoryEnd, &pageSource);
	/* As on EFI: a map that does not fit fails while the loader can still say so. */
	if (status == B_OK)
		status = host_fill_physical_memory(args);
	if (status != B_OK) {
		arch_mmu_release(&pageSource);
		/* Tests count them: every page of the tables must come back. */
		boot_dprintf("host: page tables given back: %u of %u pages\n", pages.released,
			pages.allocated);
	}
	return status;
}


status_t
host_fill_physical_memory(kernel_args *args)
{
	uint32_t count;
	const struct memory_map_range *ranges = host_firmware_map(&count);
	memory_map_begin();
	for (uint32_t i = 0; i < count; i++) {
		/* An overflow is remembered: memory_map_build() reports it. */
		memory_map_add_firmware(ranges[i].start, ranges[i].size, ranges[i].type);
	}
	return memory_map_build(args);
}
