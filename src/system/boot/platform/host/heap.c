/* SPDX-License-Identifier: MIT */
/*
 * The loader heap, in the simulated RAM as EFI's is in the machine's, and
 * large allocations on anonymous mappings.
 */
#include "host_platform.h"

#include <sys/mman.h>

#include <boot/handoff.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stage2.h>
#include <boot/stdio.h>

static uint64_t sHeapPhysical;
static size_t sHeapSize;


static void *
host_map(size_t size)
{
	void *address = mmap(NULL, size, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return address == MAP_FAILED ? NULL : address;
}


static status_t
host_allocate_heap(size_t size, void *cookie, uint64_t *_address)
{
	return host_allocate_ram(size, _address);
}


/*
 * As on EFI: the largest piece of simulated RAM there is, from the size
 * asked for down to BOOT_MIN_HEAP_SIZE, so that --memory shows what a small
 * machine does.
 */
status_t
platform_init_heap(struct stage2_args *args, void **_base, void **_top)
{
	size_t requested = args->heap_size != 0 ? args->heap_size : BOOT_DEFAULT_HEAP_SIZE;
	requested = (requested + KERNEL_PAGE_SIZE - 1) & ~(size_t)KERNEL_PAGE_MASK;
	uint64_t physical;
	size_t size = heap_take_region(requested, host_allocate_heap, NULL, "host", &physical);
	if (size == 0)
		return B_NO_MEMORY;
	sHeapPhysical = physical;
	sHeapSize = size;
	*_base = host_physical_to_pointer(physical, size);
	*_top = (char *)*_base + size;
	boot_dprintf("host: heap at %#llx, %zu KiB\n", (unsigned long long)physical, size / 1024);
	return B_OK;
}


void
platform_release_heap(struct stage2_args *args, void *base)
{
	if (sHeapSize == 0 || base != host_physical_to_pointer(sHeapPhysical, sHeapSize))
		return;
	host_free_ram(sHeapPhysical, sHeapSize);
	/* As on EFI: the kernel checks that these pages are usable RAM, not allocated. */
	gKernelArgs->loader_heap.start = sHeapPhysical;
	gKernelArgs->loader_heap.size = sHeapSize;
	sHeapSize = 0;
}


status_t
platform_allocate_large(size_t size, void **_address)
{
	void *address = host_map(size);
	if (address == NULL)
		return B_NO_MEMORY;
	*_address = address;
	return B_OK;
}


void
platform_free_large(void *address, size_t size)
{
	munmap(address, size);
}
