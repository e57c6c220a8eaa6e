/* SPDX-License-Identifier: MIT */
/*
 * Finding the loader heap's region, for every port's platform_init_heap():
 * apart from the heap itself, whose tests run without a console.
 */
#include <boot/heap.h>

#include <boot/stdio.h>


size_t
heap_take_region(size_t requested,
	status_t (*allocate)(size_t size, void *cookie, uint64_t *_address), void *cookie,
	const char *who, uint64_t *_address)
{
	size_t size = requested;
	while (allocate(size, cookie, _address) != B_OK) {
		size_t next = heap_next_region_size(size, requested);
		if (next == 0) {
			boot_printf("%s: no %zu KiB of memory in one piece for the loader heap"
				" (the least it takes; %zu KiB asked for)\n", who, size / 1024,
				requested / 1024);
			return 0;
		}
		boot_dprintf("%s: no %zu KiB in one piece for the heap, trying %zu KiB\n", who,
			size / 1024, next / 1024);
		size = next;
	}
	return size;
}
