/* SPDX-License-Identifier: MIT */
/*
 * The port-independent steps of building the kernel's address space.
 */
#include <boot/address_space.h>

#include <boot/kernel_regions.h>
#include <boot/platform.h>
#include <boot/ranges.h>
#include <boot/stdio.h>


static uint64_t
address_space_physical_map_size(uint64_t memoryEnd)
{
	/* The architecture says how much device memory lies below RAM's end. */
	uint64_t size = KERNEL_PHYSICAL_MAP_MINIMUM;
	if (memoryEnd > size) {
		size = (memoryEnd + KERNEL_PHYSICAL_MAP_GRANULE - 1)
			& ~(KERNEL_PHYSICAL_MAP_GRANULE - 1);
	}
	return size;
}


status_t
address_space_build(kernel_args *args, uint64_t memoryEnd,
	const struct arch_mmu_page_source *source)
{
	uint64_t stack = 0;
	status_t status = platform_allocate_region(&stack, KERNEL_STACK_SIZE,
		REGION_READ | REGION_WRITE, false);
	if (status != B_OK)
		return status;
	args->cpu_kernel_stack[0].start = stack;
	args->cpu_kernel_stack[0].size = KERNEL_STACK_SIZE;

	uint64_t physicalMapSize = address_space_physical_map_size(memoryEnd);
	status = arch_mmu_build(args, physicalMapSize, source);
	if (status != B_OK)
		return status;

	args->physical_map_base = KERNEL_PHYSICAL_MAP_BASE;
	args->physical_map_size = physicalMapSize;
	status = ranges_insert_pages(args->virtual_allocated_range,
		&args->num_virtual_allocated_ranges, MAX_VIRTUAL_ALLOCATED_RANGES,
		KERNEL_PHYSICAL_MAP_BASE, physicalMapSize);
	if (status != B_OK)
		return status;

	status = kernel_regions_record(args);
	if (status != B_OK)
		return status;

	boot_dprintf("boot: memory ends at %#llx, physical map %llu GiB at %#llx\n",
		(unsigned long long)memoryEnd,
		(unsigned long long)(physicalMapSize >> 30),
		(unsigned long long)KERNEL_PHYSICAL_MAP_BASE);
	return B_OK;
}
