/* SPDX-License-Identifier: MIT */
/*
 * The loader heap and large allocations on anonymous mappings.
 */
#include "host_platform.h"

#include <sys/mman.h>

#include <boot/platform.h>
#include <boot/stage2.h>

static void *sHeapBase;
static size_t sHeapSize;


static void *
host_map(size_t size)
{
	void *address = mmap(NULL, size, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return address == MAP_FAILED ? NULL : address;
}


status_t
platform_init_heap(struct stage2_args *args, void **_base, void **_top)
{
	size_t size = args->heap_size != 0 ? args->heap_size : BOOT_DEFAULT_HEAP_SIZE;
	size = (size + KERNEL_PAGE_SIZE - 1) & ~(size_t)KERNEL_PAGE_MASK;
	void *base = host_map(size);
	if (base == NULL)
		return B_NO_MEMORY;
	sHeapBase = base;
	sHeapSize = size;
	*_base = base;
	*_top = (char *)base + size;
	return B_OK;
}


void
platform_release_heap(struct stage2_args *args, void *base)
{
	if (base == sHeapBase && sHeapBase != NULL) {
		munmap(sHeapBase, sHeapSize);
		sHeapBase = NULL;
	}
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
