/* SPDX-License-Identifier: MIT */
/*
 * The kernel's address space as the loader hands it out: which kernel
 * virtual ranges are taken and which memory backs them. Ports call this from
 * their platform_allocate_region(), so every port places regions the same way.
 */
#ifndef BOOT_KERNEL_REGIONS_H
#define BOOT_KERNEL_REGIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <boot/kernel_args.h>
#include <boot/status.h>

#define KERNEL_REGIONS_MAX	64

/* What a region holds, for the typed memory map (boot/memory_map.h). */
enum kernel_region_kind {
	KERNEL_REGION_LOADER_DATA = 0,	/* kernel_args data, log, stack: reclaimable */
	KERNEL_REGION_KERNEL,			/* set for every region in the kernel window */
	KERNEL_REGION_MODULE,			/* preloaded images: kernel_regions_set_kind() */
};

struct kernel_region {
	uint64_t	kernel_address;
	uint64_t	physical_address;
	void		*loader_address;	/* where the loader reaches the memory */
	uint64_t	size;				/* page multiple */
	uint32_t	protection;			/* REGION_* */
	uint32_t	kind;				/* enum kernel_region_kind */
};

/*
 * Choose the kernel address for size bytes (a page multiple). With exact,
 * check *_address: page aligned, inside the kernel window, free. Otherwise
 * take the next free address of the data area, keeping an unmapped guard
 * page after the previous region. Nothing is recorded until
 * kernel_regions_add(). Errors: B_BAD_ADDRESS, B_NO_MEMORY (data area or
 * table full), B_NOT_ALLOWED (frozen), B_BAD_VALUE.
 */
status_t kernel_regions_reserve(uint64_t *_address, uint64_t size, bool exact);

/*
 * Record a region reserve() approved, now backed by memory. A region in the
 * kernel window is always of kind KERNEL_REGION_KERNEL.
 */
void kernel_regions_add(const struct kernel_region *region);

/*
 * Say what the region starting at kernelAddress holds (KERNEL_REGION_*), so
 * that the memory map types it right. Errors: B_BAD_VALUE.
 */
status_t kernel_regions_set_kind(uint64_t kernelAddress, uint32_t kind);

/*
 * Forget the region starting at kernelAddress, whose size must match;
 * *_removed receives it so that the port can free the memory.
 * Errors: B_BAD_VALUE, B_NOT_ALLOWED (frozen).
 */
status_t kernel_regions_remove(uint64_t kernelAddress, uint64_t size,
	struct kernel_region *_removed);

void *kernel_regions_to_loader(uint64_t kernelAddress);
uint64_t kernel_regions_to_kernel(const void *loaderAddress);
/* The physical address of a kernel address in a region; 0 outside them. */
uint64_t kernel_regions_to_physical(uint64_t kernelAddress);

/* The regions in allocation order; valid until the next change. */
const struct kernel_region *kernel_regions(uint32_t *_count);

/* The page tables are about to describe the regions: no changes after this. */
void kernel_regions_freeze(void);

/*
 * The page tables are gone again (a boot attempt failed): regions may be
 * freed once more.
 */
void kernel_regions_thaw(void);

/*
 * Enter every region in the virtual and physical allocated ranges of args
 * and fill in the physical address of each kernel segment.
 * Errors: B_BUFFER_OVERFLOW, B_BAD_ADDRESS (a segment without a region).
 */
status_t kernel_regions_record(kernel_args *args);

/* Start over (tests and ports that retry a boot). */
void kernel_regions_reset(void);

/*
 * Zero an image's pages past its first size bytes (the loader's view,
 * loaderAddress): the kernel maps whole pages, so a region allocated
 * REGION_UNZEROED must not show it stale bytes. An empty image still has
 * its page (KERNEL_IMAGE_PAGES_SIZE).
 */
static inline void
kernel_regions_clear_tail(void *loaderAddress, size_t size)
{
	memset((uint8_t *)loaderAddress + size, 0, (size_t)KERNEL_IMAGE_PAGES_SIZE(size) - size);
}

#endif
