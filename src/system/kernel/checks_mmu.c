/* SPDX-License-Identifier: MIT */
/*
 * The checks of the address space: the physical map, the page tables and
 * what they translate, read through the physical memory accessor.
 */
#include "checks.h"

#include <string.h>


/* Bytes compared at a time between two views of the same memory. */
#define COMPARE_CHUNK_SIZE		256

/* Translate like the MMU does; the walk itself is in checks_paging.c. */
static bool
translate_or_fail(const struct kcheck_context *context, uint64_t address,
	uint64_t *_physical, char *reason, size_t reasonSize)
{
	struct kcheck_page page;
	if (!kcheck_walk_or_fail(context, address, &page, reason, reasonSize))
		return false;
	*_physical = page.physical;
	return true;
}


bool
kcheck_physical_map(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint64_t base = args->physical_map_base;
	uint64_t size = args->physical_map_size;

	if (base != KERNEL_PHYSICAL_MAP_BASE) {
		return kcheck_fail(reason, reasonSize, "physical_map_base %#llx, expected %#llx",
			(ull)base, (ull)KERNEL_PHYSICAL_MAP_BASE);
	}
	if (size == 0 || !kcheck_span_page_aligned(base, size))
		return kcheck_fail(reason, reasonSize, "physical_map_size %#llx", (ull)size);
	if (!bootcheck_virtual_contains(args, base, size)) {
		return kcheck_fail(reason, reasonSize,
			"physical map %#llx size %#llx not inside a virtual allocated range",
			(ull)base, (ull)size);
	}

	uint32_t count = kcheck_clamp_count(args->num_physical_memory_ranges,
		MAX_PHYSICAL_MEMORY_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->physical_memory_range[i];
		if (range->start > size || range->size > size - range->start) {
			return kcheck_fail(reason, reasonSize,
				"size %#llx does not cover memory range %#llx-%#llx", (ull)size,
				(ull)range->start, (ull)(range->start + range->size));
		}
	}
	if (context->page_root > size - KERNEL_PAGE_SIZE) {
		return kcheck_fail(reason, reasonSize, "size %#llx does not cover the page table root at %#llx",
			(ull)size, (ull)context->page_root);
	}
	return true;
}


/* Whether the physical map translates to physical, as it must for all memory. */
static bool
check_physical_map_maps(const struct kcheck_context *context, uint64_t physical,
	char *reason, size_t reasonSize)
{
	uint64_t address = context->args->physical_map_base + physical;
	uint64_t translated;
	if (!translate_or_fail(context, address, &translated, reason, reasonSize))
		return false;
	if (translated != physical) {
		return kcheck_fail(reason, reasonSize,
			"physical map: %#llx maps to %#llx, expected %#llx", (ull)address,
			(ull)translated, (ull)physical);
	}
	return true;
}


bool
kcheck_page_tables(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires_trusted_args(context, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_PHYSICAL_MAP, reason, reasonSize)) {
		return false;
	}

	const kernel_args *args = context->args;
	uint64_t root = context->page_root;
	if (!kcheck_arch_region_roots(context, reason, reasonSize))
		return false;

	/* The physical map must map physical address X at base + X. */
	if (!check_physical_map_maps(context, 0, reason, reasonSize)
		|| !check_physical_map_maps(context, root, reason, reasonSize)) {
		return false;
	}
	uint32_t count = kcheck_clamp_count(args->num_physical_memory_ranges,
		MAX_PHYSICAL_MEMORY_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->physical_memory_range[i];
		uint64_t lastPage = (range->start + range->size - 1) & ~KERNEL_PAGE_MASK;
		if (!check_physical_map_maps(context, range->start, reason, reasonSize)
			|| !check_physical_map_maps(context, lastPage, reason, reasonSize)) {
			return false;
		}
	}
	return true;
}


bool
kcheck_segment_translation(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_KERNEL_SEGMENTS, reason, reasonSize)) {
		return false;
	}

	const kernel_image *kernel = &context->args->kernel;
	uint32_t count = kcheck_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);
	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		for (uint64_t offset = 0; offset < segment->size; offset += KERNEL_PAGE_SIZE) {
			uint64_t physical;
			if (!translate_or_fail(context, segment->virtual_address + offset, &physical,
					reason, reasonSize)) {
				return false;
			}
			if (physical != segment->physical_address + offset) {
				return kcheck_fail(reason, reasonSize,
					"[%u] %#llx maps to %#llx, segment says %#llx", i,
					(ull)(segment->virtual_address + offset), (ull)physical,
					(ull)(segment->physical_address + offset));
			}
		}
	}
	return true;
}


/*
 * The segments' bytes seen at their kernel addresses must be those at their
 * physical addresses: what the kernel runs is what the loader says it placed.
 */
bool
kcheck_segment_contents(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_SEGMENT_TRANSLATION, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_SEGMENTS_PHYSICAL, reason, reasonSize)) {
		return false;
	}

	const kernel_image *kernel = &context->args->kernel;
	uint8_t virtualBytes[COMPARE_CHUNK_SIZE];
	uint8_t physicalBytes[COMPARE_CHUNK_SIZE];
	uint32_t count = kcheck_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);
	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		/* Sizes are page aligned, a multiple of the chunk size. */
		for (uint64_t offset = 0; offset < segment->size; offset += COMPARE_CHUNK_SIZE) {
			uint64_t address = segment->virtual_address + offset;
			uint64_t physical = segment->physical_address + offset;
			if (!kcheck_read_virtual(context, address, virtualBytes, COMPARE_CHUNK_SIZE)) {
				return kcheck_fail(reason, reasonSize, "[%u] %#llx cannot be read", i,
					(ull)address);
			}
			if (!kcheck_read_physical(context, physical, physicalBytes,
					COMPARE_CHUNK_SIZE)) {
				return kcheck_fail(reason, reasonSize, "[%u] phys %#llx cannot be read", i,
					(ull)physical);
			}
			if (memcmp(virtualBytes, physicalBytes, COMPARE_CHUNK_SIZE) != 0) {
				return kcheck_fail(reason, reasonSize,
					"[%u] %#llx does not hold the bytes at phys %#llx", i, (ull)address,
					(ull)physical);
			}
		}
	}
	return true;
}


/*
 * Every page of every virtual allocated range (but the physical map, which
 * maps all memory) must be mapped to memory the kernel is told to keep.
 */
bool
kcheck_virtual_backing(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_VIRTUAL_ALLOCATED_RANGES, reason, reasonSize)) {
		return false;
	}

	const kernel_args *args = context->args;
	uint32_t count = kcheck_clamp_count(args->num_virtual_allocated_ranges,
		MAX_VIRTUAL_ALLOCATED_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->virtual_allocated_range[i];
		if (kcheck_spans_overlap(range->start, range->size, args->physical_map_base,
				args->physical_map_size)) {
			continue;
		}
		for (uint64_t offset = 0; offset < range->size; offset += KERNEL_PAGE_SIZE) {
			uint64_t address = range->start + offset;
			uint64_t physical;
			if (!translate_or_fail(context, address, &physical, reason, reasonSize))
				return false;
			if (!kcheck_physical_allocated_contains(args, physical, KERNEL_PAGE_SIZE)) {
				return kcheck_fail(reason, reasonSize,
					"%#llx maps to %#llx, not inside a physical allocated range",
					(ull)address, (ull)physical);
			}
		}
	}
	return true;
}


/* Reading kernel_args through the physical map must show the same bytes. */
bool
kcheck_args_alias(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_ARGS_MAPPED, reason, reasonSize)) {
		return false;
	}

	const uint8_t *expected = (const uint8_t *)context->args;
	uint64_t start = context->environment->received_args;
	uint8_t bytes[COMPARE_CHUNK_SIZE];
	size_t offset = 0;
	while (offset < sizeof(kernel_args)) {
		uint64_t address = start + offset;
		/* Pages need not be contiguous in physical memory: translate each. */
		size_t size = COMPARE_CHUNK_SIZE;
		uint64_t pageLeft = KERNEL_PAGE_SIZE - (address & KERNEL_PAGE_MASK);
		if (size > pageLeft)
			size = (size_t)pageLeft;
		if (size > sizeof(kernel_args) - offset)
			size = sizeof(kernel_args) - offset;

		uint64_t physical;
		if (!translate_or_fail(context, address, &physical, reason, reasonSize))
			return false;
		if (!kcheck_read_physical(context, physical, bytes, size)) {
			return kcheck_fail(reason, reasonSize, "phys %#llx cannot be read",
				(ull)physical);
		}
		if (memcmp(bytes, expected + offset, size) != 0) {
			size_t first = 0;
			while (bytes[first] == expected[offset + first])
				first++;
			return kcheck_fail(reason, reasonSize,
				"kernel_args byte %#zx at phys %#llx reads %#x, expected %#x",
				offset + first, (ull)(physical + first), bytes[first],
				expected[offset + first]);
		}
		offset += size;
	}
	return true;
}
