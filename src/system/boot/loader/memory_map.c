/* SPDX-License-Identifier: MIT */
/*
 * The typed memory map and the physical range arrays of kernel_args, made
 * from a port's firmware ranges and the loader's allocations.
 */
#include <boot/memory_map.h>

#include <stdbool.h>
#include <string.h>

#include <boot/stdio.h>


//#define TRACE_MEMORY_MAP
#ifdef TRACE_MEMORY_MAP
#	define TRACE(...) boot_dprintf(__VA_ARGS__)
#else
#	define TRACE(...) do {} while (0)
#endif

/* Precedence runs from 1 (usable) to this. */
#define MAX_PRECEDENCE		11

/* A range starts (+1) or ends (-1) at address. */
struct map_event {
	uint64_t	address;
	uint32_t	precedence;
	int32_t		delta;
};

/* Merged runs of some types, counted while the map is swept in order. */
struct map_runs {
	uint32_t	count;
	uint64_t	end;
};

/*
 * The swept map: counted in full, written only up to max entries; the last
 * entry is kept here so that merging works past max as well.
 */
struct map_output {
	memory_map_entry	*entries;
	uint32_t			max;
	uint32_t			count;
	memory_map_entry	last;
	struct map_runs		ram;			/* usable and allocated */
	struct map_runs		allocated;		/* loader-reclaimable, kernel and modules */
};

/*
 * Static, not on the stack or the heap: the map is built after the heap is
 * gone, and the scratch space is too large for a firmware stack. Beyond
 * what kernel_args holds, the typed map is only counted, not kept.
 */
static struct map_event sEvents[2 * MEMORY_MAP_MAX_INPUT];
static uint32_t sEventCount;
static memory_map_entry sTyped[MAX_MEMORY_MAP_ENTRIES];
static uint32_t sTypedCount;

static struct memory_map_range sFirmware[MEMORY_MAP_MAX_FIRMWARE_RANGES];
static uint32_t sFirmwareCount;
/* Firmware ranges that did not fit; build() fails when there were any. */
static uint32_t sFirmwareDropped;
static struct memory_map_range sExtra[MEMORY_MAP_MAX_EXTRA_RANGES];
static uint32_t sExtraCount;

/* Indexed by precedence; the order is the one documented in the header. */
static const uint32_t kTypeByPrecedence[MAX_PRECEDENCE + 1] = {
	0,
	KERNEL_MEMORY_USABLE,
	KERNEL_MEMORY_LOADER_RECLAIMABLE,
	KERNEL_MEMORY_KERNEL_AND_MODULES,
	KERNEL_MEMORY_ACPI_RECLAIMABLE,
	KERNEL_MEMORY_RUNTIME_DATA,
	KERNEL_MEMORY_RUNTIME_CODE,
	KERNEL_MEMORY_MMIO,
	KERNEL_MEMORY_RESERVED,
	KERNEL_MEMORY_ACPI_NVS,
	KERNEL_MEMORY_FRAMEBUFFER,
	KERNEL_MEMORY_BAD,
};


const char *
memory_map_type_name(uint32_t type)
{
	switch (type) {
		case KERNEL_MEMORY_USABLE:
			return "usable";
		case KERNEL_MEMORY_RESERVED:
			return "reserved";
		case KERNEL_MEMORY_ACPI_RECLAIMABLE:
			return "ACPI reclaimable";
		case KERNEL_MEMORY_ACPI_NVS:
			return "ACPI NVS";
		case KERNEL_MEMORY_RUNTIME_CODE:
			return "runtime code";
		case KERNEL_MEMORY_RUNTIME_DATA:
			return "runtime data";
		case KERNEL_MEMORY_MMIO:
			return "MMIO";
		case KERNEL_MEMORY_LOADER_RECLAIMABLE:
			return "loader-reclaimable";
		case KERNEL_MEMORY_KERNEL_AND_MODULES:
			return "kernel and modules";
		case KERNEL_MEMORY_FRAMEBUFFER:
			return "framebuffer";
		case KERNEL_MEMORY_BAD:
			return "bad";
	}
	return "invalid";
}


uint32_t
memory_map_precedence(uint32_t type)
{
	for (uint32_t precedence = 1; precedence <= MAX_PRECEDENCE; precedence++) {
		if (kTypeByPrecedence[precedence] == type)
			return precedence;
	}
	return 0;
}


static bool
event_before(const struct map_event *a, const struct map_event *b)
{
	return a->address < b->address;
}


static void
events_sift_down(struct map_event *events, uint32_t root, uint32_t count)
{
	while (2 * root + 1 < count) {
		uint32_t child = 2 * root + 1;
		if (child + 1 < count && event_before(&events[child], &events[child + 1]))
			child++;
		if (!event_before(&events[root], &events[child]))
			return;
		struct map_event swap = events[root];
		events[root] = events[child];
		events[child] = swap;
		root = child;
	}
}


/* Heapsort: O(n log n) without recursion or extra memory. */
static void
events_sort(struct map_event *events, uint32_t count)
{
	for (uint32_t i = count / 2; i-- > 0;)
		events_sift_down(events, i, count);
	for (uint32_t end = count; end-- > 1;) {
		struct map_event swap = events[0];
		events[0] = events[end];
		events[end] = swap;
		events_sift_down(events, 0, end);
	}
}


/*
 * The page-aligned part of a range the map uses, [*_start, *_end); false
 * when nothing of it is left.
 */
static bool
range_pages(const struct memory_map_range *range, uint64_t *_start, uint64_t *_end)
{
	uint64_t start = range->start;
	if (range->size == 0 || start >= MEMORY_MAP_ADDRESS_LIMIT)
		return false;
	uint64_t end = range->size > MEMORY_MAP_ADDRESS_LIMIT - start
		? MEMORY_MAP_ADDRESS_LIMIT : start + range->size;

	/* Free RAM only where a whole page is; everything else takes the page. */
	if (range->type == KERNEL_MEMORY_USABLE) {
		start = (start + KERNEL_PAGE_MASK) & ~KERNEL_PAGE_MASK;
		end &= ~KERNEL_PAGE_MASK;
	} else {
		start &= ~KERNEL_PAGE_MASK;
		end = (end + KERNEL_PAGE_MASK) & ~KERNEL_PAGE_MASK;
	}
	if (start >= end)
		return false;
	*_start = start;
	*_end = end;
	return true;
}


/* The boundaries of a range, if any of it is left after alignment. */
static status_t
map_add_range(uint64_t start, uint64_t size, uint32_t type)
{
	uint32_t precedence = memory_map_precedence(type);
	if (precedence == 0)
		return B_BAD_VALUE;
	const struct memory_map_range range = { start, size, type };
	uint64_t first, end;
	if (!range_pages(&range, &first, &end))
		return B_OK;
	if (sEventCount > sizeof(sEvents) / sizeof(sEvents[0]) - 2)
		return B_BUFFER_OVERFLOW;
	sEvents[sEventCount++] = (struct map_event){ first, precedence, 1 };
	sEvents[sEventCount++] = (struct map_event){ end, precedence, -1 };
	return B_OK;
}


static bool
memory_map_is_allocated(uint32_t type)
{
	return type == KERNEL_MEMORY_LOADER_RECLAIMABLE
		|| type == KERNEL_MEMORY_KERNEL_AND_MODULES;
}


static bool
memory_map_is_ram(uint32_t type)
{
	return type == KERNEL_MEMORY_USABLE || memory_map_is_allocated(type);
}


static void
map_runs_add(struct map_runs *runs, uint64_t start, uint64_t end)
{
	if (runs->count == 0 || runs->end != start)
		runs->count++;
	runs->end = end;
}


/* Append [start, end) of type, merged into the previous entry if it continues it. */
static void
map_emit(struct map_output *output, uint64_t start, uint64_t end, uint32_t type)
{
	memory_map_entry *last = &output->last;
	if (output->count > 0 && last->type == type && last->start + last->size == start)
		last->size += end - start;
	else {
		output->count++;
		*last = (memory_map_entry){ .start = start, .size = end - start, .type = type };
	}
	if (output->count <= output->max)
		output->entries[output->count - 1] = *last;

	if (memory_map_is_ram(type))
		map_runs_add(&output->ram, start, end);
	if (memory_map_is_allocated(type))
		map_runs_add(&output->allocated, start, end);
}


/*
 * Sweep over the sorted range boundaries, keeping how many ranges of each
 * precedence cover the current address; between two boundaries the
 * highest covering precedence decides the type.
 */
static void
map_sweep(struct map_output *output)
{
	events_sort(sEvents, sEventCount);

	uint32_t covering[MAX_PRECEDENCE + 1] = { 0 };
	uint32_t i = 0;
	while (i < sEventCount) {
		uint64_t address = sEvents[i].address;
		for (; i < sEventCount && sEvents[i].address == address; i++) {
			if (sEvents[i].delta > 0)
				covering[sEvents[i].precedence]++;
			else
				covering[sEvents[i].precedence]--;
		}
		if (i == sEventCount)
			break;

		uint32_t precedence = MAX_PRECEDENCE;
		while (precedence > 0 && covering[precedence] == 0)
			precedence--;
		if (precedence > 0)
			map_emit(output, address, sEvents[i].address, kTypeByPrecedence[precedence]);
	}
}


status_t
memory_map_convert(const struct memory_map_range *ranges, uint32_t count,
	memory_map_entry *entries, uint32_t max, uint32_t *_count)
{
	*_count = 0;
	if (count > MEMORY_MAP_MAX_INPUT)
		return B_BUFFER_OVERFLOW;

	sEventCount = 0;
	for (uint32_t i = 0; i < count; i++) {
		status_t status = map_add_range(ranges[i].start, ranges[i].size, ranges[i].type);
		if (status != B_OK)
			return status;
	}

	struct map_output output = { .entries = entries, .max = max };
	map_sweep(&output);
	*_count = output.count;
	return output.count > max ? B_BUFFER_OVERFLOW : B_OK;
}


void
memory_map_begin(void)
{
	sFirmwareCount = 0;
	sFirmwareDropped = 0;
}


static status_t
memory_map_append(struct memory_map_range *ranges, uint32_t *_count, uint32_t max,
	uint64_t start, uint64_t size, uint32_t type)
{
	if (memory_map_precedence(type) == 0)
		return B_BAD_VALUE;
	if (*_count == max)
		return B_BUFFER_OVERFLOW;
	ranges[(*_count)++] = (struct memory_map_range){ start, size, type };
	return B_OK;
}


status_t
memory_map_add_firmware(uint64_t start, uint64_t size, uint32_t type)
{
	status_t status = memory_map_append(sFirmware, &sFirmwareCount,
		MEMORY_MAP_MAX_FIRMWARE_RANGES, start, size, type);
	if (status == B_BUFFER_OVERFLOW)
		sFirmwareDropped++;
	return status;
}


status_t
memory_map_add_extra(uint64_t start, uint64_t size, uint32_t type)
{
	return memory_map_append(sExtra, &sExtraCount, MEMORY_MAP_MAX_EXTRA_RANGES, start,
		size, type);
}


void
memory_map_reset(void)
{
	memory_map_begin();
	sExtraCount = 0;
}


/* Preloaded images are modules whether or not their loader said so. */
static bool
memory_map_holds_module(const kernel_args *args, const struct kernel_region *region)
{
	if (region->kind != KERNEL_REGION_LOADER_DATA)
		return true;
	uint32_t count = args->num_preloaded_images;
	if (count > MAX_PRELOADED_IMAGES)
		count = MAX_PRELOADED_IMAGES;
	for (uint32_t i = 0; i < count; i++) {
		if (args->preloaded_images[i].address - region->kernel_address < region->size)
			return true;
	}
	return false;
}


/*
 * The firmware and extra ranges, the framebuffer and the loader's
 * allocations, as boundaries in sEvents. Calls each loader allocation
 * (page aligned) with allocation() when it is not NULL instead.
 */
static status_t
memory_map_gather(const kernel_args *args,
	bool (*allocation)(uint64_t start, uint64_t size))
{
	status_t status = B_OK;
	if (allocation == NULL) {
		sEventCount = 0;
		for (uint32_t i = 0; i < sFirmwareCount && status == B_OK; i++)
			status = map_add_range(sFirmware[i].start, sFirmware[i].size, sFirmware[i].type);
		for (uint32_t i = 0; i < sExtraCount && status == B_OK; i++)
			status = map_add_range(sExtra[i].start, sExtra[i].size, sExtra[i].type);
		const kernel_framebuffer *framebuffer = &args->framebuffer;
		if (framebuffer->physical_address != 0 && status == B_OK) {
			status = map_add_range(framebuffer->physical_address, framebuffer->size,
				KERNEL_MEMORY_FRAMEBUFFER);
		}
	}

	/* Everything the loader allocated for the kernel, page tables included. */
	uint32_t allocated = args->num_physical_allocated_ranges;
	if (allocated > MAX_PHYSICAL_ALLOCATED_RANGES)
		allocated = MAX_PHYSICAL_ALLOCATED_RANGES;
	for (uint32_t i = 0; i < allocated && status == B_OK; i++) {
		const addr_range *range = &args->physical_allocated_range[i];
		if (allocation != NULL) {
			if (!allocation(range->start, range->size))
				return B_BAD_DATA;
		} else {
			status = map_add_range(range->start, range->size,
				KERNEL_MEMORY_LOADER_RECLAIMABLE);
		}
	}

	uint32_t regionCount;
	const struct kernel_region *regions = kernel_regions(&regionCount);
	for (uint32_t i = 0; i < regionCount && status == B_OK; i++) {
		if (!memory_map_holds_module(args, &regions[i]))
			continue;
		if (allocation != NULL) {
			if (!allocation(regions[i].physical_address, regions[i].size))
				return B_BAD_DATA;
		} else {
			status = map_add_range(regions[i].physical_address, regions[i].size,
				KERNEL_MEMORY_KERNEL_AND_MODULES);
		}
	}
	return status;
}


/*
 * A loader allocation that the firmware claims for something else (its
 * map overlaps itself, or a port allocated outside free RAM) would be
 * neither allocated nor free for the kernel: refuse rather than lose it.
 * sTyped must hold the whole map.
 */
static bool
memory_map_allocation_kept(uint64_t start, uint64_t size)
{
	const struct memory_map_range range = { start, size, KERNEL_MEMORY_LOADER_RECLAIMABLE };
	uint64_t end;
	if (!range_pages(&range, &start, &end))
		return true;

	/* The first entry that ends after start. */
	uint32_t low = 0;
	uint32_t high = sTypedCount;
	while (low < high) {
		uint32_t middle = low + (high - low) / 2;
		if (sTyped[middle].start + sTyped[middle].size <= start)
			low = middle + 1;
		else
			high = middle;
	}
	for (uint32_t i = low; i < sTypedCount && sTyped[i].start < end; i++) {
		if (memory_map_is_allocated(sTyped[i].type))
			continue;
		boot_printf("memory map: loader memory %#llx-%#llx overlaps %s memory"
			" %#llx-%#llx of the firmware\n", (unsigned long long)start,
			(unsigned long long)end, memory_map_type_name(sTyped[i].type),
			(unsigned long long)sTyped[i].start,
			(unsigned long long)(sTyped[i].start + sTyped[i].size));
		return false;
	}
	return true;
}


/* The typed entries that are wanted, merged where they touch; returns how many. */
static uint32_t
memory_map_collect(bool (*wanted)(uint32_t type), addr_range *ranges)
{
	uint32_t count = 0;
	for (uint32_t i = 0; i < sTypedCount; i++) {
		if (!wanted(sTyped[i].type))
			continue;
		if (count > 0 && ranges[count - 1].start + ranges[count - 1].size == sTyped[i].start)
			ranges[count - 1].size += sTyped[i].size;
		else
			ranges[count++] = (addr_range){ sTyped[i].start, sTyped[i].size };
	}
	return count;
}


static bool
memory_map_fits(const char *what, uint32_t needed, uint32_t max)
{
	if (needed <= max)
		return true;
	boot_printf("memory map: %s: %u entries needed, kernel_args holds %u\n", what,
		needed, max);
	return false;
}


status_t
memory_map_build(kernel_args *args)
{
	if (sFirmwareDropped > 0) {
		boot_printf("memory map: the firmware reported %u ranges, the loader takes at"
			" most %u\n", sFirmwareCount + sFirmwareDropped, MEMORY_MAP_MAX_FIRMWARE_RANGES);
		return B_BUFFER_OVERFLOW;
	}

	status_t status = memory_map_gather(args, NULL);
	if (status != B_OK)
		return status;
	struct map_output output = { .entries = sTyped, .max = MAX_MEMORY_MAP_ENTRIES };
	map_sweep(&output);

	/* Name every array that overflows: the fix may need all of them bigger. */
	bool fits = memory_map_fits("typed memory map", output.count, MAX_MEMORY_MAP_ENTRIES);
	fits &= memory_map_fits("physical memory ranges", output.ram.count,
		MAX_PHYSICAL_MEMORY_RANGES);
	fits &= memory_map_fits("physical allocated ranges", output.allocated.count,
		MAX_PHYSICAL_ALLOCATED_RANGES);
	if (!fits)
		return B_BUFFER_OVERFLOW;

	sTypedCount = output.count;
	status = memory_map_gather(args, memory_map_allocation_kept);
	if (status != B_OK)
		return status;

	/* Only now that nothing can fail: args stays intact otherwise. */
	memset(args->memory_map, 0, sizeof(args->memory_map));
	memcpy(args->memory_map, sTyped, sTypedCount * sizeof(sTyped[0]));
	args->num_memory_map_entries = sTypedCount;
	memset(args->physical_memory_range, 0, sizeof(args->physical_memory_range));
	args->num_physical_memory_ranges = memory_map_collect(memory_map_is_ram,
		args->physical_memory_range);
	memset(args->physical_allocated_range, 0, sizeof(args->physical_allocated_range));
	args->num_physical_allocated_ranges = memory_map_collect(memory_map_is_allocated,
		args->physical_allocated_range);

	TRACE("memory map: %u firmware ranges, %u typed entries, %u memory and %u allocated"
		" ranges\n", sFirmwareCount, sTypedCount, args->num_physical_memory_ranges,
		args->num_physical_allocated_ranges);
	return B_OK;
}
