/* SPDX-License-Identifier: MIT */
/*
 * The checks that walk the live page tables as the MMU does: kernel
 * segments with exactly their ELF permissions, loader data read-write and
 * non-executable, the physical map non-executable and in the largest pages
 * the CPU has, and the unmapped guard page below the boot stack.
 */
#include "checks.h"

#include <stdio.h>


bool
kcheck_walk_or_fail(const struct kcheck_context *context, uint64_t address,
	struct kcheck_page *page, char *reason, size_t reasonSize)
{
	switch (kcheck_page_walk(context, address, page)) {
		case KCHECK_WALK_MAPPED:
			return true;
		case KCHECK_WALK_NOT_PRESENT:
			return kcheck_fail(reason, reasonSize, "%#llx is not mapped", (ull)address);
		case KCHECK_WALK_OUTSIDE_PHYSICAL_MAP:
			break;
		case KCHECK_WALK_UNREADABLE:
			return kcheck_fail(reason, reasonSize,
				"page table for %#llx cannot be read", (ull)address);
	}
	return kcheck_fail(reason, reasonSize,
		"page table for %#llx lies outside the physical map", (ull)address);
}


/* address must be mapped writable or read-only, executable or not, as given. */
static bool
paging_expect(const struct kcheck_context *context, const char *what, uint64_t address,
	bool writable, bool executable, char *reason, size_t reasonSize)
{
	struct kcheck_page page;
	if (!kcheck_walk_or_fail(context, address, &page, reason, reasonSize))
		return false;

	if (!kcheck_arch_no_execute_enabled(context)) {
		/* Only x86_64 can turn NX off: with EFER.NXE clear bit 63 is reserved. */
		if (page.no_execute) {
			return kcheck_fail(reason, reasonSize,
				"%s %#llx has NX set, but EFER.NXE is clear", what, (ull)address);
		}
	} else if (page.no_execute == executable) {
		return kcheck_fail(reason, reasonSize, "%s %#llx is %s, expected %s", what,
			(ull)address, page.no_execute ? "NX" : "executable",
			executable ? "executable" : "NX");
	}
	if (page.writable != writable) {
		return kcheck_fail(reason, reasonSize, "%s %#llx is %s, expected %s", what,
			(ull)address, page.writable ? "writable" : "read-only",
			writable ? "writable" : "read-only");
	}
	return true;
}


bool
kcheck_segment_permissions(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	/* That check proved every page of every segment mapped. */
	if (!kcheck_requires(context, KCHECK_SEGMENT_TRANSLATION, reason, reasonSize))
		return false;

	const kernel_image *kernel = &context->args->kernel;
	uint32_t count = kcheck_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);
	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		char what[32];
		snprintf(what, sizeof(what), "segment [%u]", i);
		for (uint64_t offset = 0; offset < segment->size; offset += KERNEL_PAGE_SIZE) {
			if (!paging_expect(context, what, segment->virtual_address + offset,
					(segment->flags & KERNEL_SEGMENT_WRITE) != 0,
					(segment->flags & KERNEL_SEGMENT_EXECUTE) != 0, reason, reasonSize)) {
				return false;
			}
		}
	}
	return true;
}


/* Whether the page at address belongs to a preloaded image (read-only data). */
static bool
paging_in_preloaded_image(const kernel_args *args, uint64_t address)
{
	uint32_t count = kcheck_clamp_count(args->num_preloaded_images, MAX_PRELOADED_IMAGES);
	for (uint32_t i = 0; i < count; i++) {
		const preloaded_image *image = &args->preloaded_images[i];
		/* Images have pages of their own; an empty one still has one. */
		uint64_t size = image->size > 0 ? image->size : 1;
		if (address >= image->address && address - image->address < size)
			return true;
	}
	return false;
}


/*
 * What the loader allocated for the kernel outside the kernel window
 * (kernel_args data, log, GDT, stack, preloaded images) is never code.
 */
bool
kcheck_data_permissions(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_VIRTUAL_BACKING, reason, reasonSize)) {
		return false;
	}

	const kernel_args *args = context->args;
	uint32_t count = kcheck_clamp_count(args->num_virtual_allocated_ranges,
		MAX_VIRTUAL_ALLOCATED_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->virtual_allocated_range[i];
		/* A range may go on from the end of the kernel window: only its data part. */
		uint64_t start = range->start > KERNEL_DATA_BASE ? range->start : KERNEL_DATA_BASE;
		uint64_t end = range->start + range->size;
		if (end > KERNEL_DATA_END)
			end = KERNEL_DATA_END;
		for (uint64_t address = start; address < end; address += KERNEL_PAGE_SIZE) {
			bool image = paging_in_preloaded_image(args, address);
			if (!paging_expect(context, image ? "preloaded image" : "loader data", address,
					!image, false, reason, reasonSize)) {
				return false;
			}
		}
	}
	return true;
}


/* Whether [start, start + size) holds EFI runtime code, which must stay executable. */
bool
kcheck_holds_runtime_code(const kernel_args *args, uint64_t start, uint64_t size)
{
	uint32_t count = kcheck_clamp_count(args->num_memory_map_entries,
		MAX_MEMORY_MAP_ENTRIES);
	for (uint32_t i = 0; i < count; i++) {
		const memory_map_entry *entry = &args->memory_map[i];
		if (entry->type == KERNEL_MEMORY_RUNTIME_CODE
			&& kcheck_spans_overlap(entry->start, entry->size, start, size)) {
			return true;
		}
	}
	return false;
}


/* Called for each page of a linear map with the offset the walk is at. */
typedef bool (*paging_visit)(const struct kcheck_context *context,
	const struct kcheck_linear_map *map, uint64_t offset, const struct kcheck_page *page,
	char *reason, size_t reasonSize);


/*
 * Every page of map present, writable, mapping the right frame, and NX as
 * the map requires; visit (optional) may fail the walk too.
 */
static bool
paging_walk_linear_map(const struct kcheck_context *context,
	const struct kcheck_linear_map *map, paging_visit visit, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	bool checkNoExecute = map->physical_map && kcheck_arch_no_execute_enabled(context);
	uint64_t offset = 0;
	while (offset < map->size) {
		uint64_t address = map->base + offset;
		struct kcheck_page page;
		if (!kcheck_walk_or_fail(context, address, &page, reason, reasonSize))
			return false;
		if (page.physical != offset) {
			return kcheck_fail(reason, reasonSize, "%s: %#llx maps to %#llx, expected %#llx",
				map->name, (ull)address, (ull)page.physical, (ull)offset);
		}
		if (!page.writable) {
			return kcheck_fail(reason, reasonSize, "%s: %#llx is read-only", map->name,
				(ull)address);
		}
		uint64_t pageStart = offset & ~(page.size - 1);
		if (checkNoExecute && !page.no_execute
			&& !kcheck_holds_runtime_code(args, pageStart, page.size)) {
			return kcheck_fail(reason, reasonSize,
				"%s: %#llx (a page of %#llx bytes) is executable", map->name,
				(ull)address, (ull)page.size);
		}
		if (visit != NULL && !visit(context, map, offset, &page, reason, reasonSize))
			return false;
		/* Only at the very top of the address space would this not advance. */
		if (pageStart + page.size <= offset)
			break;
		offset = pageStart + page.size;
	}
	return true;
}


bool
kcheck_physical_map_pages(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize))
		return false;

	struct kcheck_linear_map maps[KCHECK_MAX_LINEAR_MAPS];
	uint32_t count = kcheck_arch_linear_maps(context->args, maps);
	for (uint32_t i = 0; i < count; i++) {
		if (!paging_walk_linear_map(context, &maps[i], NULL, reason, reasonSize))
			return false;
	}
	return true;
}


bool
kcheck_large_pages(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PHYSICAL_MAP_PAGES, reason, reasonSize))
		return false;

	struct kcheck_linear_map maps[KCHECK_MAX_LINEAR_MAPS];
	uint32_t count = kcheck_arch_linear_maps(context->args, maps);
	for (uint32_t i = 0; i < count; i++) {
		if (!paging_walk_linear_map(context, &maps[i], kcheck_arch_linear_page_size, reason,
				reasonSize)) {
			return false;
		}
	}
	return true;
}


/* A stack overflow must fault, not run into the region below. */
bool
kcheck_stack_guard(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_STACK, reason, reasonSize)) {
		return false;
	}

	const addr_range *stack = &context->args->cpu_kernel_stack[0];
	uint64_t guard = stack->start - KERNEL_PAGE_SIZE;
	if (bootcheck_virtual_contains(context->args, guard, KERNEL_PAGE_SIZE)) {
		return kcheck_fail(reason, reasonSize,
			"guard page %#llx below the stack is inside a virtual allocated range",
			(ull)guard);
	}
	struct kcheck_page page;
	switch (kcheck_page_walk(context, guard, &page)) {
		case KCHECK_WALK_NOT_PRESENT:
			return true;
		case KCHECK_WALK_MAPPED:
			return kcheck_fail(reason, reasonSize,
				"guard page %#llx below the stack is mapped (to %#llx)", (ull)guard,
				(ull)page.physical);
		default:
			return kcheck_fail(reason, reasonSize,
				"page table for the guard page %#llx cannot be read", (ull)guard);
	}
}
