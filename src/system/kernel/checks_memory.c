/* SPDX-License-Identifier: MIT */
/*
 * The checks of the typed memory map: its own invariants, that the physical
 * range arrays are exactly what it says, that every page the loader used
 * for the kernel is accounted for, once, and that the firmware's tables
 * are in memory the kernel keeps.
 */
#include "checks.h"

#include <boot/acpi.h>
#include <boot/smbios.h>


static const uint64_t kPhysicalLimit = KERNEL_PHYSICAL_ADDRESS_LIMIT;
#define TYPE_BIT(type)			(1u << (type))
#define ALLOCATED_TYPES			(TYPE_BIT(KERNEL_MEMORY_LOADER_RECLAIMABLE) \
	| TYPE_BIT(KERNEL_MEMORY_KERNEL_AND_MODULES))
#define RAM_TYPES				(ALLOCATED_TYPES | TYPE_BIT(KERNEL_MEMORY_USABLE))
/* What the kernel may take for itself as soon as it runs. */
#define REUSABLE_TYPES			(TYPE_BIT(KERNEL_MEMORY_USABLE) \
	| TYPE_BIT(KERNEL_MEMORY_LOADER_RECLAIMABLE))


const char *
kcheck_memory_type_name(uint32_t type)
{
	static const char *const kNames[] = {
		[KERNEL_MEMORY_USABLE] = "usable",
		[KERNEL_MEMORY_RESERVED] = "reserved",
		[KERNEL_MEMORY_ACPI_RECLAIMABLE] = "ACPI reclaimable",
		[KERNEL_MEMORY_ACPI_NVS] = "ACPI NVS",
		[KERNEL_MEMORY_RUNTIME_CODE] = "runtime code",
		[KERNEL_MEMORY_RUNTIME_DATA] = "runtime data",
		[KERNEL_MEMORY_MMIO] = "MMIO",
		[KERNEL_MEMORY_LOADER_RECLAIMABLE] = "loader-reclaimable",
		[KERNEL_MEMORY_KERNEL_AND_MODULES] = "kernel and modules",
		[KERNEL_MEMORY_FRAMEBUFFER] = "framebuffer",
		[KERNEL_MEMORY_BAD] = "bad",
	};
	if (type >= sizeof(kNames) / sizeof(kNames[0]) || kNames[type] == NULL)
		return "invalid";
	return kNames[type];
}


/* Index of the entry that holds address, or -1; the map must be valid. */
static int32_t
map_find(const kernel_args *args, uint64_t address)
{
	uint32_t low = 0;
	uint32_t high = args->num_memory_map_entries;
	while (low < high) {
		uint32_t middle = low + (high - low) / 2;
		const memory_map_entry *entry = &args->memory_map[middle];
		if (address < entry->start)
			high = middle;
		else if (address - entry->start >= entry->size)
			low = middle + 1;
		else
			return (int32_t)middle;
	}
	return -1;
}


/*
 * Whether every page of [start, start + size) is typed one of types; if
 * not, *_address receives the first page that is not and *_type its type
 * (0 outside the map).
 */
static bool
map_span_typed(const kernel_args *args, uint64_t start, uint64_t size, uint32_t types,
	uint64_t *_address, uint32_t *_type)
{
	uint64_t last;
	if (!kcheck_span_last(start, size, &last)) {
		*_address = start;
		*_type = 0;
		return false;
	}
	uint64_t address = start;
	while (true) {
		int32_t index = map_find(args, address);
		uint32_t type = index < 0 ? 0 : args->memory_map[index].type;
		if (index < 0 || type >= 32 || (TYPE_BIT(type) & types) == 0) {
			*_address = address & ~KERNEL_PAGE_MASK;
			*_type = type;
			return false;
		}
		const memory_map_entry *entry = &args->memory_map[index];
		uint64_t entryLast = entry->start + (entry->size - 1);
		if (entryLast >= last)
			return true;
		address = entryLast + 1;
	}
}


bool
kcheck_memory_map(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint32_t count = args->num_memory_map_entries;
	if (count == 0)
		return kcheck_fail(reason, reasonSize, "no entries");
	if (count > MAX_MEMORY_MAP_ENTRIES) {
		return kcheck_fail(reason, reasonSize, "count %u exceeds %u", count,
			MAX_MEMORY_MAP_ENTRIES);
	}

	uint64_t previousEnd = 0;
	for (uint32_t i = 0; i < count; i++) {
		const memory_map_entry *entry = &args->memory_map[i];
		uint64_t start = entry->start;
		uint64_t last;
		if (entry->size == 0)
			return kcheck_fail(reason, reasonSize, "[%u] at %#llx is empty", i, (ull)start);
		if (!kcheck_span_page_aligned(start, entry->size)) {
			return kcheck_fail(reason, reasonSize, "[%u] %#llx size %#llx not page aligned",
				i, (ull)start, (ull)entry->size);
		}
		if (!kcheck_span_last(start, entry->size, &last) || last >= kPhysicalLimit) {
			return kcheck_fail(reason, reasonSize,
				"[%u] %#llx size %#llx beyond the physical address space", i, (ull)start,
				(ull)entry->size);
		}
		if (entry->type < KERNEL_MEMORY_USABLE || entry->type > KERNEL_MEMORY_BAD) {
			return kcheck_fail(reason, reasonSize, "[%u] %#llx has invalid type %u", i,
				(ull)start, entry->type);
		}
		if (entry->reserved != 0) {
			return kcheck_fail(reason, reasonSize, "[%u] %#llx: reserved field is %#x", i,
				(ull)start, entry->reserved);
		}
		if (i > 0) {
			const memory_map_entry *previous = &args->memory_map[i - 1];
			if (start < previous->start) {
				return kcheck_fail(reason, reasonSize, "[%u] %#llx not sorted after %#llx",
					i, (ull)start, (ull)previous->start);
			}
			if (start < previousEnd) {
				return kcheck_fail(reason, reasonSize,
					"[%u] %#llx overlaps [%u] ending %#llx: pages counted twice", i,
					(ull)start, i - 1, (ull)previousEnd);
			}
			if (start == previousEnd && entry->type == previous->type) {
				return kcheck_fail(reason, reasonSize,
					"[%u] %#llx continues [%u] of the same type (not merged)", i,
					(ull)start, i - 1);
			}
		}
		previousEnd = last + 1;
	}
	return true;
}


/*
 * The entries of types, merged where they touch, must be exactly ranges:
 * no page more, no page less.
 */
static bool
check_union_equals(const kernel_args *args, uint32_t types, const char *what,
	const addr_range *ranges, uint32_t rangeCount, char *reason, size_t reasonSize)
{
	uint32_t index = 0;
	uint32_t i = 0;
	uint32_t count = args->num_memory_map_entries;
	while (i < count) {
		const memory_map_entry *entry = &args->memory_map[i++];
		if ((TYPE_BIT(entry->type) & types) == 0)
			continue;
		uint64_t start = entry->start;
		uint64_t end = start + entry->size;
		while (i < count && args->memory_map[i].start == end
			&& (TYPE_BIT(args->memory_map[i].type) & types) != 0) {
			end += args->memory_map[i++].size;
		}

		if (index == rangeCount) {
			return kcheck_fail(reason, reasonSize,
				"typed map has %#llx-%#llx, which is not in the %s ranges", (ull)start,
				(ull)end, what);
		}
		const addr_range *range = &ranges[index];
		if (range->start != start || range->size != end - start) {
			return kcheck_fail(reason, reasonSize,
				"%s [%u] is %#llx-%#llx, the typed map says %#llx-%#llx", what, index,
				(ull)range->start, (ull)(range->start + range->size), (ull)start, (ull)end);
		}
		index++;
	}
	if (index != rangeCount) {
		return kcheck_fail(reason, reasonSize, "%s [%u] %#llx-%#llx is not in the typed map",
			what, index, (ull)ranges[index].start,
			(ull)(ranges[index].start + ranges[index].size));
	}
	return true;
}


bool
kcheck_memory_map_ram(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_MEMORY_MAP, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_PHYSICAL_MEMORY_RANGES, reason, reasonSize)) {
		return false;
	}
	const kernel_args *args = context->args;
	return check_union_equals(args, RAM_TYPES, "physical memory", args->physical_memory_range,
		args->num_physical_memory_ranges, reason, reasonSize);
}


bool
kcheck_memory_map_allocated(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_MEMORY_MAP, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_PHYSICAL_ALLOCATED_RANGES, reason,
			reasonSize)) {
		return false;
	}
	const kernel_args *args = context->args;
	return check_union_equals(args, ALLOCATED_TYPES, "physical allocated",
		args->physical_allocated_range, args->num_physical_allocated_ranges, reason,
		reasonSize);
}


/* The heap went back to the firmware before the final map: free RAM now. */
bool
kcheck_memory_map_heap(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_MEMORY_MAP, reason, reasonSize))
		return false;
	const kernel_args *args = context->args;
	const addr_range *heap = &args->loader_heap;
	if (heap->start == 0 && heap->size == 0)
		return true;

	uint64_t address;
	uint32_t type;
	if (!map_span_typed(args, heap->start, heap->size, TYPE_BIT(KERNEL_MEMORY_USABLE),
			&address, &type)) {
		return kcheck_fail(reason, reasonSize,
			"heap %#llx-%#llx: page %#llx is %s, not usable", (ull)heap->start,
			(ull)(heap->start + heap->size), (ull)address, kcheck_memory_type_name(type));
	}
	return true;
}


/*
 * A firmware table kernel_args names at address, size bytes of it: fails
 * when a page of it is memory the kernel may reuse (pages outside the map,
 * ROM, are not).
 */
static bool
firmware_table_kept(const kernel_args *args, const char *name, uint64_t address,
	uint64_t size, char *reason, size_t reasonSize)
{
	if (address == 0)
		return true;
	for (uint32_t i = 0; i < args->num_memory_map_entries; i++) {
		const memory_map_entry *entry = &args->memory_map[i];
		if (entry->type >= 32 || (TYPE_BIT(entry->type) & REUSABLE_TYPES) == 0
			|| !kcheck_spans_overlap(address, size, entry->start, entry->size))
			continue;
		uint64_t page = (entry->start > address ? entry->start : address)
			& ~KERNEL_PAGE_MASK;
		return kcheck_fail(reason, reasonSize, "%s %#llx (%llu bytes): page %#llx is %s,"
			" which the kernel may reuse before it reads the table", name, (ull)address,
			(ull)size, (ull)page, kcheck_memory_type_name(entry->type));
	}
	return true;
}


/*
 * The firmware's tables kernel_args names lie in memory the kernel keeps
 * (ACPI, runtime, reserved, kernel and modules, or none of the map's):
 * one a port left in boot-services memory or copied into the loader's
 * would pass every other check and be lost to the kernel's first
 * allocations.
 */
bool
kcheck_firmware_memory(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_MEMORY_MAP, reason, reasonSize))
		return false;
	const kernel_args *args = context->args;
	uint64_t rsdpSize = args->acpi_revision >= 2 ? ACPI_RSDP_V2_LENGTH : ACPI_RSDP_V1_LENGTH;
	return firmware_table_kept(args, "ACPI RSDP", args->acpi_rsdp, rsdpSize, reason,
			reasonSize)
		&& firmware_table_kept(args, "SMBIOS entry point", args->smbios_entry,
			SMBIOS_ENTRY_LENGTH, reason, reasonSize)
		&& firmware_table_kept(args, "SMBIOS 3 entry point", args->smbios3_entry,
			SMBIOS3_ENTRY_LENGTH, reason, reasonSize)
		&& firmware_table_kept(args, "device tree", args->device_tree,
			args->device_tree_size, reason, reasonSize);
}


/* Page tables are loader memory the kernel may reclaim once it has its own. */
static bool
table_is_loader_memory(const struct kcheck_context *context, uint64_t table,
	const char *level, void *cookie, char *reason, size_t reasonSize)
{
	uint64_t address;
	uint32_t type;
	if (!map_span_typed(context->args, table, KERNEL_PAGE_SIZE,
			TYPE_BIT(KERNEL_MEMORY_LOADER_RECLAIMABLE), &address, &type)) {
		return kcheck_fail(reason, reasonSize,
			"%s at %#llx is %s memory, not loader-reclaimable", level, (ull)table,
			kcheck_memory_type_name(type));
	}
	return true;
}


/* What may back the page at address: kernel window pages hold the kernel. */
static uint32_t
allowed_backing(uint64_t address)
{
	if (address >= KERNEL_LOAD_BASE && address < KERNEL_WINDOW_END)
		return TYPE_BIT(KERNEL_MEMORY_KERNEL_AND_MODULES);
	return ALLOCATED_TYPES;
}


/*
 * Every page the loader used for the kernel is typed as allocated, never as
 * free RAM or firmware memory: the kernel segments and preloaded images as
 * kernel and modules, what the virtual ranges map as kernel or loader
 * memory, the page tables as loader memory. Firmware memory, the framebuffer included, is reached
 * through the physical map only.
 */
bool
kcheck_loader_pages(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_MEMORY_MAP, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_KERNEL_SEGMENTS, reason, reasonSize)) {
		return false;
	}
	const kernel_args *args = context->args;
	uint64_t address;
	uint32_t type;

	const kernel_image *kernel = &args->kernel;
	uint32_t segments = kcheck_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);
	for (uint32_t i = 0; i < segments; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		if (!map_span_typed(args, segment->physical_address, segment->size,
				TYPE_BIT(KERNEL_MEMORY_KERNEL_AND_MODULES), &address, &type)) {
			return kcheck_fail(reason, reasonSize,
				"kernel segment [%u]: page %#llx is %s, not kernel and modules", i,
				(ull)address, kcheck_memory_type_name(type));
		}
	}

	uint32_t count = kcheck_clamp_count(args->num_virtual_allocated_ranges,
		MAX_VIRTUAL_ALLOCATED_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->virtual_allocated_range[i];
		if (kcheck_spans_overlap(range->start, range->size, args->physical_map_base,
				args->physical_map_size)) {
			continue;
		}
		for (uint64_t offset = 0; offset < range->size; offset += KERNEL_PAGE_SIZE) {
			uint64_t virtualAddress = range->start + offset;
			struct kcheck_page page;
			if (!kcheck_walk_or_fail(context, virtualAddress, &page, reason, reasonSize))
				return false;
			uint64_t physical = page.physical & ~KERNEL_PAGE_MASK;
			if (!map_span_typed(args, physical, KERNEL_PAGE_SIZE,
					allowed_backing(virtualAddress), &address, &type)) {
				return kcheck_fail(reason, reasonSize,
					"%#llx maps to %#llx, which is %s memory", (ull)virtualAddress,
					(ull)physical, kcheck_memory_type_name(type));
			}
		}
	}

	/* Preloaded images stay with the kernel like its segments. */
	uint32_t images = kcheck_clamp_count(args->num_preloaded_images, MAX_PRELOADED_IMAGES);
	for (uint32_t i = 0; i < images; i++) {
		const preloaded_image *image = &args->preloaded_images[i];
		if (image->size == 0 || !bootcheck_virtual_contains(args, image->address, image->size))
			continue;
		uint64_t first = image->address & ~KERNEL_PAGE_MASK;
		for (uint64_t page = first; page - first < image->address + image->size - first;
				page += KERNEL_PAGE_SIZE) {
			struct kcheck_page mapping;
			if (!kcheck_walk_or_fail(context, page, &mapping, reason, reasonSize))
				return false;
			uint64_t physical = mapping.physical & ~KERNEL_PAGE_MASK;
			if (!map_span_typed(args, physical, KERNEL_PAGE_SIZE,
					TYPE_BIT(KERNEL_MEMORY_KERNEL_AND_MODULES), &address, &type)) {
				return kcheck_fail(reason, reasonSize,
					"preloaded image [%u] %#llx maps to %#llx, which is %s memory", i,
					(ull)page, (ull)physical, kcheck_memory_type_name(type));
			}
		}
	}

	return kcheck_arch_visit_tables(context, table_is_loader_memory, NULL, reason,
		reasonSize);
}
