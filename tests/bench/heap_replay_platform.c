/* SPDX-License-Identifier: MIT */
/*
 * The platform hooks the loader heap needs, for the benchmark: its region and
 * large blocks from the host, panics and debug output on stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <boot/kernel_args.h>
#include <boot/platform.h>
#include <boot/stage2.h>
#include <boot/stdio.h>

#include "heap_replay.h"


static void *sRegion;
static size_t sRegionSize;


status_t
platform_init_heap(struct stage2_args *args, void **_base, void **_top)
{
	size_t size = args->heap_size != 0 ? args->heap_size : BOOT_DEFAULT_HEAP_SIZE;
	sRegionSize = (size + KERNEL_PAGE_SIZE - 1) & ~(size_t)KERNEL_PAGE_MASK;
	/* pages the heap never touches cost nothing, as with the firmware's */
	sRegion = bench_map(sRegionSize);
	*_base = sRegion;
	*_top = (char *)sRegion + sRegionSize;
	return B_OK;
}


void
platform_release_heap(struct stage2_args *args, void *base)
{
	munmap(base, sRegionSize);
	sRegion = NULL;
}


status_t
platform_allocate_large(size_t size, void **_address)
{
	void *address = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (address == MAP_FAILED)
		return B_NO_MEMORY;
	*_address = address;
	return B_OK;
}


void
platform_free_large(void *address, size_t size)
{
	munmap(address, size);
}


void
panic(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fprintf(stderr, "heap_replay: PANIC: ");
	vfprintf(stderr, format, args);
	fprintf(stderr, "\n");
	va_end(args);
	abort();
}


void
boot_dprintf(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
}
