/*
 * Simulated physical memory: a firmware-like memory map over an anonymous
 * mapping, pages for kernel regions and page tables, and the kernel's view
 * of it all.
 */
#include "host_platform.h"

#include <string.h>
#include <sys/mman.h>

#include <boot/address_space.h>
#include <boot/kernel_regions.h>
#include <boot/platform.h>
#include <boot/ranges.h>

#define PAGE_SIZE			4096ULL
#define LOW_MEMORY_END		0x9f000ULL		/* the PC's EBDA starts here */
#define HIGH_MEMORY_START	0x100000ULL
/* The top megabyte plays firmware tables the kernel must not use. */
#define FIRMWARE_RESERVED	0x100000ULL

static uint8_t *sMemory;
static uint64_t sMemorySize;
/* One bit per page of simulated RAM; set bits are taken. */
static uint8_t *sPageBitmap;
static uint64_t sNextFreePage;


/* The simulated firmware memory map: usable RAM as a real PC lays it out. */
static const struct {
	uint64_t	start;
	uint64_t	end;		/* 0 means "the top of RAM minus the firmware" */
} kUsableRanges[] = {
	{ PAGE_SIZE, LOW_MEMORY_END },
	{ HIGH_MEMORY_START, 0 },
};


static uint64_t
host_usable_end(unsigned index)
{
	uint64_t end = kUsableRanges[index].end;
	return end != 0 ? end : sMemorySize - FIRMWARE_RESERVED;
}


status_t
host_memory_init(size_t size)
{
	if (size < 8 * HIGH_MEMORY_START)
		return B_BAD_VALUE;
	/* NORESERVE: a large simulated machine costs only the pages it touches. */
	void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (memory == MAP_FAILED)
		return B_NO_MEMORY;
	uint64_t pages = size / PAGE_SIZE;
	void *bitmap = mmap(NULL, (pages + 7) / 8, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bitmap == MAP_FAILED)
		return B_NO_MEMORY;

	sMemory = memory;
	sMemorySize = size & ~(PAGE_SIZE - 1);
	sPageBitmap = bitmap;
	sNextFreePage = HIGH_MEMORY_START / PAGE_SIZE;
	return B_OK;
}


void *
host_physical_to_pointer(uint64_t physical, uint64_t size)
{
	if (physical >= sMemorySize || size > sMemorySize - physical)
		return NULL;
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


/* First fit above the low megabyte, as firmware allocators tend to do. */
static status_t
host_allocate_pages(uint64_t count, uint64_t *_physical)
{
	uint64_t end = host_usable_end(1) / PAGE_SIZE;
	uint64_t run = 0;
	for (uint64_t page = sNextFreePage; page < end; page++) {
		run = host_page_taken(page) ? 0 : run + 1;
		if (run == count) {
			uint64_t first = page + 1 - count;
			host_mark_pages(first, count, true);
			memset(sMemory + first * PAGE_SIZE, 0, count * PAGE_SIZE);
			*_physical = first * PAGE_SIZE;
			return B_OK;
		}
	}
	return B_NO_MEMORY;
}


status_t
platform_allocate_region(uint64_t *_kernel_address, size_t size,
	uint32_t protection, bool exact)
{
	if (size == 0 || size > sMemorySize)
		return B_BAD_VALUE;
	uint64_t bytes = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t address = *_kernel_address;
	status_t status = kernel_regions_reserve(&address, bytes, exact);
	if (status != B_OK)
		return status;

	uint64_t physical;
	status = host_allocate_pages(bytes / PAGE_SIZE, &physical);
	if (status != B_OK)
		return status;

	const struct kernel_region region = {
		.kernel_address = address,
		.physical_address = physical,
		.loader_address = sMemory + physical,
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
	status_t status = kernel_regions_remove(kernelAddress,
		(size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), &region);
	if (status == B_OK)
		host_mark_pages(region.physical_address / PAGE_SIZE, region.size / PAGE_SIZE, false);
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
host_allocate_table_page(void *cookie, uint64_t *_physical, void **_loader)
{
	status_t status = host_allocate_pages(1, _physical);
	if (status == B_OK)
		*_loader = sMemory + *_physical;
	return status;
}


static void *
host_table_to_loader(void *cookie, uint64_t physical)
{
	return host_physical_to_pointer(physical, PAGE_SIZE);
}


status_t
platform_prepare_kernel_start(kernel_args *args)
{
	const struct arch_mmu_page_source pageSource = {
		.allocate = host_allocate_table_page,
		.to_loader = host_table_to_loader,
	};
	return address_space_build(args, sMemorySize, &pageSource);
}


/* What a firmware memory map would have said, as kernel_args wants it. */
status_t
host_fill_physical_memory(kernel_args *args)
{
	args->num_physical_memory_ranges = 0;
	for (unsigned i = 0; i < sizeof(kUsableRanges) / sizeof(kUsableRanges[0]); i++) {
		uint64_t start = kUsableRanges[i].start;
		status_t status = ranges_insert_pages(args->physical_memory_range,
			&args->num_physical_memory_ranges, MAX_PHYSICAL_MEMORY_RANGES, start,
			host_usable_end(i) - start);
		if (status != B_OK)
			return status;
	}
	return B_OK;
}
