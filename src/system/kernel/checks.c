/*
 * The boot checks: each verifies one promise the loader makes in kernel_args
 * and says why it does not hold. Written independently of the loader's code
 * on purpose, so that a loader bug is not mirrored by the checker.
 */
#include "kernel.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


#define PAGE_MASK				(KERNEL_PAGE_SIZE - 1)
#define PTE_PRESENT				0x1ULL
#define PTE_LARGE				0x80ULL
#define PTE_ADDRESS_MASK		0x000ffffffffff000ULL
#define ENTRIES_PER_TABLE		512
#define PML4_INDEX(address)		(((address) >> 39) & (ENTRIES_PER_TABLE - 1))

/* x86_64 has at most 52 physical address bits. */
static const uint64_t kPhysicalAddressLimit = 1ULL << 52;
/* Start of the canonical upper half, where every kernel address lives. */
static const uint64_t kKernelSpaceStart = 0xffff800000000000ULL;
static const uint16_t kElfTypeExecutable = 2;
static const uint16_t kElfMachineX86_64 = 62;
/* Longer loader names are more likely garbage than a name. */
static const size_t kLoaderNameLimit = 256;

enum walk_result {
	WALK_MAPPED,
	WALK_NOT_PRESENT,
	WALK_OUTSIDE_PHYSICAL_MAP,
};


static bool
check_fail(char *reason, size_t reasonSize, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(reason, reasonSize, format, args);
	va_end(args);
	return false;
}


static bool
check_requires(const struct kcheck_context *context, enum kcheck_id id,
	char *reason, size_t reasonSize)
{
	if (context->passed[id])
		return true;
	return check_fail(reason, reasonSize, "not run: check %s failed",
		gKernelChecks[id].name);
}


/*
 * Checks that follow pointers out of kernel_args first need it to be what it
 * claims (right magic) and its virtual ranges to be sane, because "inside a
 * virtual allocated range" is what makes an address safe to read.
 */
static bool
check_requires_trusted_args(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	return check_requires(context, KCHECK_MAGIC, reason, reasonSize)
		&& check_requires(context, KCHECK_VIRTUAL_ALLOCATED_RANGES, reason, reasonSize);
}


/* --- address spans ------------------------------------------------------- */

/*
 * The last byte of [start, start + size), computed so that a span may end at
 * the very top of the address space. False for empty or wrapping spans.
 */
static bool
span_last(uint64_t start, uint64_t size, uint64_t *_last)
{
	if (size == 0)
		return false;
	uint64_t last = start + (size - 1);
	if (last < start)
		return false;
	*_last = last;
	return true;
}


static bool
span_page_aligned(uint64_t start, uint64_t size)
{
	return ((start | size) & PAGE_MASK) == 0;
}


static bool
spans_overlap(uint64_t startA, uint64_t sizeA, uint64_t startB, uint64_t sizeB)
{
	uint64_t lastA, lastB;
	if (!span_last(startA, sizeA, &lastA) || !span_last(startB, sizeB, &lastB))
		return false;
	return startA <= lastB && startB <= lastA;
}


static uint32_t
span_clamp_count(uint32_t count, uint32_t max)
{
	return count < max ? count : max;
}


/*
 * Index of the entry of ranges that contains all of [start, start + size)
 * (size 0 counts as 1 byte), or -1.
 */
static int32_t
span_find(const addr_range *ranges, uint32_t count, uint32_t max, uint64_t start,
	uint64_t size)
{
	uint64_t last;
	if (!span_last(start, size == 0 ? 1 : size, &last))
		return -1;

	count = span_clamp_count(count, max);
	for (uint32_t i = 0; i < count; i++) {
		uint64_t rangeLast;
		if (!span_last(ranges[i].start, ranges[i].size, &rangeLast))
			continue;
		if (ranges[i].start <= start && last <= rangeLast)
			return (int32_t)i;
	}
	return -1;
}


static bool
physical_allocated_contains(const kernel_args *args, uint64_t start, uint64_t size)
{
	return span_find(args->physical_allocated_range, args->num_physical_allocated_ranges,
		MAX_PHYSICAL_ALLOCATED_RANGES, start, size) >= 0;
}


bool
kcheck_virtual_contains(const kernel_args *args, uint64_t start, uint64_t size)
{
	return span_find(args->virtual_allocated_range, args->num_virtual_allocated_ranges,
		MAX_VIRTUAL_ALLOCATED_RANGES, start, size) >= 0;
}


/* Page aligned, non-empty, no wrap-around, sorted, disjoint and not touching. */
static bool
check_range_array(const addr_range *ranges, uint32_t count, uint32_t max, uint64_t lowest,
	uint64_t highest, char *reason, size_t reasonSize)
{
	if (count == 0)
		return check_fail(reason, reasonSize, "no ranges");
	if (count > max)
		return check_fail(reason, reasonSize, "count %u exceeds %u", count, max);

	uint64_t previousLast = 0;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t start = ranges[i].start;
		uint64_t size = ranges[i].size;
		uint64_t last;
		if (size == 0)
			return check_fail(reason, reasonSize, "[%u] at %#llx is empty", i, (ull)start);
		if (!span_page_aligned(start, size)) {
			return check_fail(reason, reasonSize, "[%u] %#llx size %#llx not page aligned",
				i, (ull)start, (ull)size);
		}
		if (!span_last(start, size, &last)) {
			return check_fail(reason, reasonSize, "[%u] %#llx size %#llx wraps around",
				i, (ull)start, (ull)size);
		}
		if (start < lowest || last > highest) {
			return check_fail(reason, reasonSize,
				"[%u] %#llx-%#llx outside %#llx-%#llx", i, (ull)start, (ull)last + 1,
				(ull)lowest, (ull)highest);
		}
		if (i > 0) {
			if (start < ranges[i - 1].start) {
				return check_fail(reason, reasonSize, "[%u] %#llx not sorted after %#llx",
					i, (ull)start, (ull)ranges[i - 1].start);
			}
			if (start <= previousLast) {
				return check_fail(reason, reasonSize,
					"[%u] %#llx overlaps [%u] ending %#llx", i, (ull)start, i - 1,
					(ull)previousLast + 1);
			}
			if (start == previousLast + 1) {
				return check_fail(reason, reasonSize,
					"[%u] %#llx touches [%u] (not merged)", i, (ull)start, i - 1);
			}
		}
		previousLast = last;
	}
	return true;
}


/* --- reading through the physical map and walking the page tables ------- */

static bool
physical_read(const struct kcheck_context *context, uint64_t physical, uint64_t *_value)
{
	const kernel_args *args = context->args;
	if (args->physical_map_size < sizeof(uint64_t)
		|| physical > args->physical_map_size - sizeof(uint64_t)) {
		return false;
	}
	*_value = *(const volatile uint64_t *)(uintptr_t)(args->physical_map_base + physical);
	return true;
}


/* Translate like the MMU does with the current CR3 (4 KiB, 2 MiB and 1 GiB pages). */
static enum walk_result
page_translate(const struct kcheck_context *context, uint64_t address, uint64_t *_physical)
{
	static const unsigned kShifts[4] = { 39, 30, 21, 12 };
	uint64_t table = context->cpu.cr3 & PTE_ADDRESS_MASK;

	for (int level = 0; level < 4; level++) {
		unsigned shift = kShifts[level];
		uint64_t index = (address >> shift) & (ENTRIES_PER_TABLE - 1);
		uint64_t entry;
		if (!physical_read(context, table + index * sizeof(uint64_t), &entry))
			return WALK_OUTSIDE_PHYSICAL_MAP;
		if ((entry & PTE_PRESENT) == 0)
			return WALK_NOT_PRESENT;

		/* PS is only meaningful in PDPT and PD entries. */
		if (level == 3 || (level > 0 && (entry & PTE_LARGE) != 0)) {
			uint64_t offsetMask = (1ULL << shift) - 1;
			*_physical = (entry & PTE_ADDRESS_MASK & ~offsetMask) | (address & offsetMask);
			return WALK_MAPPED;
		}
		table = entry & PTE_ADDRESS_MASK;
	}
	return WALK_NOT_PRESENT;
}


static bool
translate_or_fail(const struct kcheck_context *context, uint64_t address,
	uint64_t *_physical, char *reason, size_t reasonSize)
{
	switch (page_translate(context, address, _physical)) {
		case WALK_MAPPED:
			return true;
		case WALK_NOT_PRESENT:
			return check_fail(reason, reasonSize, "%#llx is not mapped", (ull)address);
		case WALK_OUTSIDE_PHYSICAL_MAP:
			break;
	}
	return check_fail(reason, reasonSize,
		"page table for %#llx lies outside the physical map", (ull)address);
}


/* --- kernel_args header -------------------------------------------------- */

static bool
check_magic(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint64_t magic = context->args->magic;
	if (magic != KERNEL_ARGS_MAGIC) {
		return check_fail(reason, reasonSize, "magic %#llx, expected %#llx", (ull)magic,
			(ull)KERNEL_ARGS_MAGIC);
	}
	return true;
}


static bool
check_version(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint32_t version = context->args->version;
	if (version != KERNEL_ARGS_VERSION) {
		return check_fail(reason, reasonSize, "version %u, expected %u", version,
			KERNEL_ARGS_VERSION);
	}
	return true;
}


static bool
check_args_size(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint32_t size = context->args->kernel_args_size;
	if (size != sizeof(kernel_args)) {
		return check_fail(reason, reasonSize, "kernel_args_size %u, expected %zu", size,
			sizeof(kernel_args));
	}
	return true;
}


static bool
check_self(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint64_t self = context->args->self;
	if (self != context->received_args) {
		return check_fail(reason, reasonSize, "self %#llx, but rdi was %#llx", (ull)self,
			(ull)context->received_args);
	}
	return true;
}


static bool
check_boot_cpu(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (context->received_cpu != 0) {
		return check_fail(reason, reasonSize, "entered with CPU number %u, expected 0",
			context->received_cpu);
	}
	return true;
}


static bool
check_counts(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	const struct {
		const char	*name;
		uint32_t	count;
		uint32_t	minimum;
		uint32_t	maximum;
	} counts[] = {
		{ "num_physical_memory_ranges", args->num_physical_memory_ranges, 1,
			MAX_PHYSICAL_MEMORY_RANGES },
		{ "num_physical_allocated_ranges", args->num_physical_allocated_ranges, 1,
			MAX_PHYSICAL_ALLOCATED_RANGES },
		{ "num_virtual_allocated_ranges", args->num_virtual_allocated_ranges, 1,
			MAX_VIRTUAL_ALLOCATED_RANGES },
		{ "kernel.segment_count", args->kernel.segment_count, 1, MAX_KERNEL_SEGMENTS },
		{ "cpu_count", args->cpu_count, 1, UINT32_MAX },
	};

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		if (counts[i].count < counts[i].minimum || counts[i].count > counts[i].maximum) {
			return check_fail(reason, reasonSize, "%s is %u, must be %u..%u",
				counts[i].name, counts[i].count, counts[i].minimum, counts[i].maximum);
		}
	}
	return true;
}


/* --- range arrays -------------------------------------------------------- */

static bool
check_physical_memory_ranges(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	return check_range_array(args->physical_memory_range, args->num_physical_memory_ranges,
		MAX_PHYSICAL_MEMORY_RANGES, 0, kPhysicalAddressLimit - 1, reason, reasonSize);
}


static bool
check_physical_allocated_ranges(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	return check_range_array(args->physical_allocated_range,
		args->num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES, 0,
		kPhysicalAddressLimit - 1, reason, reasonSize);
}


static bool
check_virtual_allocated_ranges(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	return check_range_array(args->virtual_allocated_range,
		args->num_virtual_allocated_ranges, MAX_VIRTUAL_ALLOCATED_RANGES, kKernelSpaceStart,
		UINT64_MAX, reason, reasonSize);
}


static bool
check_args_mapped(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_virtual_contains(context->args, context->received_args, sizeof(kernel_args))) {
		return check_fail(reason, reasonSize,
			"kernel_args %#llx-%#llx not inside a virtual allocated range",
			(ull)context->received_args, (ull)(context->received_args + sizeof(kernel_args)));
	}
	return true;
}


static bool
check_physical_allocated_in_memory(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint32_t count = span_clamp_count(args->num_physical_allocated_ranges,
		MAX_PHYSICAL_ALLOCATED_RANGES);

	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->physical_allocated_range[i];
		if (span_find(args->physical_memory_range, args->num_physical_memory_ranges,
				MAX_PHYSICAL_MEMORY_RANGES, range->start, range->size) < 0) {
			return check_fail(reason, reasonSize,
				"allocated [%u] %#llx-%#llx not inside one physical memory range", i,
				(ull)range->start, (ull)(range->start + range->size));
		}
	}
	return true;
}


/* --- the kernel image ---------------------------------------------------- */

static bool
check_kernel_sections(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const struct kcheck_image *image = &context->image;
	const struct {
		const char	*name;
		uint64_t	start;
		uint64_t	end;
	} sections[] = {
		{ "text", image->text_start, image->text_end },
		{ "rodata", image->rodata_start, image->rodata_end },
		{ "data", image->data_start, image->data_end },
		{ "bss", image->bss_start, image->bss_end },
	};

	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		uint64_t start = sections[i].start;
		uint64_t end = sections[i].end;
		if (end < start) {
			return check_fail(reason, reasonSize, "%s ends %#llx before it starts %#llx",
				sections[i].name, (ull)end, (ull)start);
		}
		if (end > start && !kcheck_virtual_contains(context->args, start, end - start)) {
			return check_fail(reason, reasonSize,
				"%s %#llx-%#llx not inside a virtual allocated range", sections[i].name,
				(ull)start, (ull)end);
		}
	}
	return true;
}


static bool
check_kernel_contents(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const struct kcheck_image *image = &context->image;
	if (!image->rodata_canary_ok)
		return check_fail(reason, reasonSize, ".rodata does not hold what was linked");
	if (!image->data_canary_ok)
		return check_fail(reason, reasonSize, ".data does not hold what was linked");
	if (image->bss_nonzero != UINT64_MAX) {
		return check_fail(reason, reasonSize, ".bss not zeroed: byte at %#llx",
			(ull)(image->bss_start + image->bss_nonzero));
	}
	return true;
}


static bool
check_kernel_image(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_image *kernel = &context->args->kernel;
	const struct kcheck_image *image = &context->image;

	if (strnlen(kernel->name, sizeof(kernel->name)) == sizeof(kernel->name))
		return check_fail(reason, reasonSize, "name is not NUL terminated");
	if (kernel->name[0] == '\0')
		return check_fail(reason, reasonSize, "name is empty");
	if (kernel->entry != image->entry) {
		return check_fail(reason, reasonSize, "entry %#llx, but _start is at %#llx",
			(ull)kernel->entry, (ull)image->entry);
	}
	if (kernel->image_start > image->text_start || kernel->image_end < image->bss_end) {
		return check_fail(reason, reasonSize,
			"image %#llx-%#llx does not cover the kernel %#llx-%#llx",
			(ull)kernel->image_start, (ull)kernel->image_end, (ull)image->text_start,
			(ull)image->bss_end);
	}
	if (kernel->elf_type != kElfTypeExecutable || kernel->elf_machine != kElfMachineX86_64) {
		return check_fail(reason, reasonSize, "elf_type %u machine %u, expected %u %u",
			kernel->elf_type, kernel->elf_machine, kElfTypeExecutable, kElfMachineX86_64);
	}
	if (kernel->file_size == 0)
		return check_fail(reason, reasonSize, "file_size is 0");
	if (kernel->program_header_count < kernel->segment_count) {
		return check_fail(reason, reasonSize, "%u segments from %u program headers",
			kernel->segment_count, kernel->program_header_count);
	}
	return true;
}


static bool
check_kernel_segments(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	const kernel_image *kernel = &args->kernel;
	uint32_t count = span_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);
	uint64_t lowest = UINT64_MAX;
	uint64_t highestEnd = 0;

	if (count == 0)
		return check_fail(reason, reasonSize, "no segments");

	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		uint64_t start = segment->virtual_address;
		uint64_t size = segment->size;
		uint64_t last;

		if (size == 0 || !span_page_aligned(start, size)
			|| (segment->physical_address & PAGE_MASK) != 0) {
			return check_fail(reason, reasonSize,
				"[%u] %#llx (phys %#llx) size %#llx empty or not page aligned", i,
				(ull)start, (ull)segment->physical_address, (ull)size);
		}
		if (!span_last(start, size, &last) || start < KERNEL_LOAD_BASE
			|| last >= KERNEL_WINDOW_END) {
			return check_fail(reason, reasonSize,
				"[%u] %#llx size %#llx outside the kernel window", i, (ull)start, (ull)size);
		}
		if (!kcheck_virtual_contains(args, start, size)) {
			return check_fail(reason, reasonSize,
				"[%u] %#llx-%#llx not inside a virtual allocated range", i, (ull)start,
				(ull)(start + size));
		}
		if ((segment->flags & ~(uint32_t)(KERNEL_SEGMENT_READ | KERNEL_SEGMENT_WRITE
				| KERNEL_SEGMENT_EXECUTE)) != 0) {
			return check_fail(reason, reasonSize, "[%u] unknown flags %#x", i,
				segment->flags);
		}
		if ((segment->flags & KERNEL_SEGMENT_WRITE) != 0
			&& (segment->flags & KERNEL_SEGMENT_EXECUTE) != 0) {
			return check_fail(reason, reasonSize, "[%u] %#llx is writable and executable",
				i, (ull)start);
		}
		if (i > 0 && start <= kernel->segments[i - 1].virtual_address
				+ (kernel->segments[i - 1].size - 1)) {
			return check_fail(reason, reasonSize,
				"[%u] %#llx overlaps or is not sorted after [%u]", i, (ull)start, i - 1);
		}
		if (start < lowest)
			lowest = start;
		if (start + size > highestEnd)
			highestEnd = start + size;
	}

	if (kernel->image_start != lowest || kernel->image_end != highestEnd) {
		return check_fail(reason, reasonSize,
			"image %#llx-%#llx, but the segments span %#llx-%#llx",
			(ull)kernel->image_start, (ull)kernel->image_end, (ull)lowest, (ull)highestEnd);
	}
	return true;
}


/* The segment that holds address, or NULL. */
static const kernel_segment *
segment_containing(const kernel_image *kernel, uint64_t address)
{
	uint32_t count = span_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);
	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		if (address >= segment->virtual_address
			&& address - segment->virtual_address < segment->size) {
			return segment;
		}
	}
	return NULL;
}


/* The segments must carry the permissions kernel.ld gave the program headers. */
static bool
check_segment_flags(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const struct kcheck_image *image = &context->image;
	const struct {
		const char	*name;
		uint64_t	start;
		uint64_t	end;
		uint32_t	flags;
	} sections[] = {
		{ "text", image->text_start, image->text_end,
			KERNEL_SEGMENT_READ | KERNEL_SEGMENT_EXECUTE },
		{ "rodata", image->rodata_start, image->rodata_end, KERNEL_SEGMENT_READ },
		{ "data", image->data_start, image->data_end,
			KERNEL_SEGMENT_READ | KERNEL_SEGMENT_WRITE },
		{ "bss", image->bss_start, image->bss_end,
			KERNEL_SEGMENT_READ | KERNEL_SEGMENT_WRITE },
	};

	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (sections[i].end <= sections[i].start)
			continue;
		/* A section may span several segments; every page must be covered. */
		for (uint64_t address = sections[i].start; address < sections[i].end;
				address = (address & ~PAGE_MASK) + KERNEL_PAGE_SIZE) {
			const kernel_segment *segment = segment_containing(&context->args->kernel,
				address);
			if (segment == NULL) {
				return check_fail(reason, reasonSize, "%s at %#llx is in no segment",
					sections[i].name, (ull)address);
			}
			if (segment->flags != sections[i].flags) {
				return check_fail(reason, reasonSize,
					"%s at %#llx is in a segment with flags %#x, expected %#x",
					sections[i].name, (ull)address, segment->flags, sections[i].flags);
			}
		}
	}
	return true;
}


static bool
check_segments_physical(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	const kernel_image *kernel = &args->kernel;
	uint32_t count = span_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);

	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		if (!physical_allocated_contains(args, segment->physical_address, segment->size)) {
			return check_fail(reason, reasonSize,
				"[%u] phys %#llx-%#llx not inside a physical allocated range", i,
				(ull)segment->physical_address,
				(ull)(segment->physical_address + segment->size));
		}
		for (uint32_t j = 0; j < i; j++) {
			if (spans_overlap(segment->physical_address, segment->size,
					kernel->segments[j].physical_address, kernel->segments[j].size)) {
				return check_fail(reason, reasonSize, "[%u] and [%u] share physical memory",
					j, i);
			}
		}
	}
	return true;
}


/* --- stack, log, name ---------------------------------------------------- */

static bool
check_stack(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const addr_range *stack = &context->args->cpu_kernel_stack[0];
	uint64_t rsp = context->initial_rsp;
	uint64_t last;

	if (!span_last(stack->start, stack->size, &last)) {
		return check_fail(reason, reasonSize, "stack %#llx size %#llx is empty or wraps",
			(ull)stack->start, (ull)stack->size);
	}
	/* rsp points one past the top: the first push writes below it. */
	if (rsp <= stack->start || rsp - 1 > last) {
		return check_fail(reason, reasonSize, "rsp %#llx outside stack %#llx-%#llx",
			(ull)rsp, (ull)stack->start, (ull)last + 1);
	}
	if (!kcheck_virtual_contains(context->args, stack->start, stack->size)) {
		return check_fail(reason, reasonSize,
			"stack %#llx-%#llx not inside a virtual allocated range", (ull)stack->start,
			(ull)last + 1);
	}
	return true;
}


static bool
check_loader_log(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	if (args->log_size == 0)
		return check_fail(reason, reasonSize, "log_size is 0");
	if (!kcheck_virtual_contains(args, args->log_address, args->log_size)) {
		return check_fail(reason, reasonSize,
			"log %#llx size %#llx not inside a virtual allocated range",
			(ull)args->log_address, (ull)args->log_size);
	}
	return true;
}


static bool
check_loader_name(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!check_requires_trusted_args(context, reason, reasonSize))
		return false;

	const kernel_args *args = context->args;
	uint64_t address = args->loader_name;
	int32_t index = span_find(args->virtual_allocated_range,
		args->num_virtual_allocated_ranges, MAX_VIRTUAL_ALLOCATED_RANGES, address, 1);
	if (address == 0 || index < 0) {
		return check_fail(reason, reasonSize,
			"loader_name %#llx not inside a virtual allocated range", (ull)address);
	}

	/* Never read past the range that is known to be mapped. */
	const addr_range *range = &args->virtual_allocated_range[index];
	uint64_t readable = range->start + (range->size - 1) - address + 1;
	size_t limit = readable < kLoaderNameLimit ? (size_t)readable : kLoaderNameLimit;
	size_t length = strnlen((const char *)(uintptr_t)address, limit);
	if (length == limit)
		return check_fail(reason, reasonSize, "loader_name not NUL terminated");
	if (length == 0)
		return check_fail(reason, reasonSize, "loader_name is empty");
	return true;
}


/* --- CPU state ----------------------------------------------------------- */

static bool
check_cr3(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint64_t actual = context->cpu.cr3 & PTE_ADDRESS_MASK;
	uint64_t expected = args->arch_args.page_directory_physical & PTE_ADDRESS_MASK;
	if (actual != expected) {
		return check_fail(reason, reasonSize, "CR3 %#llx, page_directory_physical %#llx",
			(ull)context->cpu.cr3, (ull)args->arch_args.page_directory_physical);
	}
	/* The kernel runs on these tables until it has its own: they must be kept. */
	if (!physical_allocated_contains(args, actual, KERNEL_PAGE_SIZE)) {
		return check_fail(reason, reasonSize,
			"PML4 %#llx not inside a physical allocated range", (ull)actual);
	}
	return true;
}


/* Whether a GDT descriptor is a present ring-0 code (or data) segment usable in long mode. */
static bool
gdt_descriptor_usable(uint64_t descriptor, bool code)
{
	const uint64_t present = 1ULL << 47;
	const uint64_t codeOrData = 1ULL << 44;
	const uint64_t executable = 1ULL << 43;
	const uint64_t writable = 1ULL << 41;
	const uint64_t privilegeMask = 3ULL << 45;
	const uint64_t longMode = 1ULL << 53;
	const uint64_t defaultSize = 1ULL << 54;

	if ((descriptor & present) == 0 || (descriptor & codeOrData) == 0
		|| (descriptor & privilegeMask) != 0) {
		return false;
	}
	if (code) {
		return (descriptor & executable) != 0 && (descriptor & longMode) != 0
			&& (descriptor & defaultSize) == 0;
	}
	return (descriptor & executable) == 0 && (descriptor & writable) != 0;
}


static bool
check_gdt(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const struct arch_kernel_args *arch = &context->args->arch_args;
	const struct kcheck_cpu_state *cpu = &context->cpu;

	if (cpu->gdt_base != arch->gdt_address || cpu->gdt_limit != arch->gdt_limit) {
		return check_fail(reason, reasonSize,
			"GDTR %#llx limit %#x, arch_args %#llx limit %#x", (ull)cpu->gdt_base,
			cpu->gdt_limit, (ull)arch->gdt_address, arch->gdt_limit);
	}
	if (!kcheck_virtual_contains(context->args, arch->gdt_address,
			(uint64_t)arch->gdt_limit + 1)) {
		return check_fail(reason, reasonSize,
			"GDT %#llx not inside a virtual allocated range", (ull)arch->gdt_address);
	}

	if (!check_requires_trusted_args(context, reason, reasonSize))
		return false;

	const struct {
		const char	*name;
		uint16_t	selector;
		bool		code;
	} selectors[] = {
		{ "kernel_code_selector", arch->kernel_code_selector, true },
		{ "kernel_data_selector", arch->kernel_data_selector, false },
	};
	for (size_t i = 0; i < sizeof(selectors) / sizeof(selectors[0]); i++) {
		uint16_t selector = selectors[i].selector;
		/* Must be a ring-0 GDT selector that is not the null descriptor. */
		if ((selector & 7) != 0 || selector == 0
			|| (uint32_t)selector + 7 > arch->gdt_limit) {
			return check_fail(reason, reasonSize, "%s %#x invalid for GDT limit %#x",
				selectors[i].name, selector, arch->gdt_limit);
		}
		uint64_t descriptor = *(const volatile uint64_t *)(uintptr_t)
			(arch->gdt_address + selector);
		if (!gdt_descriptor_usable(descriptor, selectors[i].code)) {
			return check_fail(reason, reasonSize, "%s %#x: descriptor %#llx is not a %s",
				selectors[i].name, selector, (ull)descriptor,
				selectors[i].code ? "64-bit ring 0 code segment" : "writable data segment");
		}
	}
	return true;
}


static bool
check_code_selector(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint16_t expected = context->args->arch_args.kernel_code_selector;
	if (context->cpu.cs != expected) {
		return check_fail(reason, reasonSize, "CS %#x, kernel_code_selector %#x",
			context->cpu.cs, expected);
	}
	return true;
}


/* --- the physical map and the page tables -------------------------------- */

static bool
check_physical_map(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint64_t base = args->physical_map_base;
	uint64_t size = args->physical_map_size;

	if (base != KERNEL_PHYSICAL_MAP_BASE) {
		return check_fail(reason, reasonSize, "physical_map_base %#llx, expected %#llx",
			(ull)base, (ull)KERNEL_PHYSICAL_MAP_BASE);
	}
	if (size == 0 || !span_page_aligned(base, size))
		return check_fail(reason, reasonSize, "physical_map_size %#llx", (ull)size);
	if (!kcheck_virtual_contains(args, base, size)) {
		return check_fail(reason, reasonSize,
			"physical map %#llx size %#llx not inside a virtual allocated range",
			(ull)base, (ull)size);
	}

	uint32_t count = span_clamp_count(args->num_physical_memory_ranges,
		MAX_PHYSICAL_MEMORY_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->physical_memory_range[i];
		if (range->start > size || range->size > size - range->start) {
			return check_fail(reason, reasonSize,
				"size %#llx does not cover memory range %#llx-%#llx", (ull)size,
				(ull)range->start, (ull)(range->start + range->size));
		}
	}
	uint64_t pml4 = context->cpu.cr3 & PTE_ADDRESS_MASK;
	if (pml4 > size - KERNEL_PAGE_SIZE) {
		return check_fail(reason, reasonSize, "size %#llx does not cover the PML4 at %#llx",
			(ull)size, (ull)pml4);
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
		return check_fail(reason, reasonSize, "physical map: %#llx maps to %#llx, expected %#llx",
			(ull)address, (ull)translated, (ull)physical);
	}
	return true;
}


static bool
check_page_tables(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!check_requires_trusted_args(context, reason, reasonSize)
		|| !check_requires(context, KCHECK_PHYSICAL_MAP, reason, reasonSize)) {
		return false;
	}

	const kernel_args *args = context->args;
	uint64_t pml4 = context->cpu.cr3 & PTE_ADDRESS_MASK;
	const struct {
		const char	*name;
		uint64_t	address;
	} roots[] = {
		{ "kernel window", KERNEL_LOAD_BASE },
		{ "kernel data", KERNEL_DATA_BASE },
		{ "physical map", KERNEL_PHYSICAL_MAP_BASE },
	};
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		uint64_t entry = 0;
		/* physical_map proved that the PML4 lies inside the map. */
		physical_read(context, pml4 + PML4_INDEX(roots[i].address) * sizeof(uint64_t),
			&entry);
		if ((entry & PTE_PRESENT) == 0) {
			return check_fail(reason, reasonSize, "PML4 entry %llu (%s) not present",
				(ull)PML4_INDEX(roots[i].address), roots[i].name);
		}
	}

	/* The physical map must map physical address X at base + X. */
	if (!check_physical_map_maps(context, 0, reason, reasonSize)
		|| !check_physical_map_maps(context, pml4, reason, reasonSize)) {
		return false;
	}
	uint32_t count = span_clamp_count(args->num_physical_memory_ranges,
		MAX_PHYSICAL_MEMORY_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->physical_memory_range[i];
		uint64_t lastPage = (range->start + range->size - 1) & ~PAGE_MASK;
		if (!check_physical_map_maps(context, range->start, reason, reasonSize)
			|| !check_physical_map_maps(context, lastPage, reason, reasonSize)) {
			return false;
		}
	}
	return true;
}


static bool
check_segment_translation(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!check_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize)
		|| !check_requires(context, KCHECK_KERNEL_SEGMENTS, reason, reasonSize)) {
		return false;
	}

	const kernel_image *kernel = &context->args->kernel;
	for (uint32_t i = 0; i < kernel->segment_count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		for (uint64_t offset = 0; offset < segment->size; offset += KERNEL_PAGE_SIZE) {
			uint64_t physical;
			if (!translate_or_fail(context, segment->virtual_address + offset, &physical,
					reason, reasonSize)) {
				return false;
			}
			if (physical != segment->physical_address + offset) {
				return check_fail(reason, reasonSize,
					"[%u] %#llx maps to %#llx, segment says %#llx", i,
					(ull)(segment->virtual_address + offset), (ull)physical,
					(ull)(segment->physical_address + offset));
			}
		}
	}
	return true;
}


/*
 * Every page of every virtual allocated range (but the physical map, which
 * maps all memory) must be mapped to memory the kernel is told to keep.
 */
static bool
check_virtual_backing(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!check_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize)
		|| !check_requires(context, KCHECK_VIRTUAL_ALLOCATED_RANGES, reason, reasonSize)) {
		return false;
	}

	const kernel_args *args = context->args;
	for (uint32_t i = 0; i < args->num_virtual_allocated_ranges; i++) {
		const addr_range *range = &args->virtual_allocated_range[i];
		if (spans_overlap(range->start, range->size, args->physical_map_base,
				args->physical_map_size)) {
			continue;
		}
		for (uint64_t offset = 0; offset < range->size; offset += KERNEL_PAGE_SIZE) {
			uint64_t address = range->start + offset;
			uint64_t physical;
			if (!translate_or_fail(context, address, &physical, reason, reasonSize))
				return false;
			if (!physical_allocated_contains(args, physical, KERNEL_PAGE_SIZE)) {
				return check_fail(reason, reasonSize,
					"%#llx maps to %#llx, not inside a physical allocated range",
					(ull)address, (ull)physical);
			}
		}
	}
	return true;
}


/* Reading kernel_args through the physical map must show the same bytes. */
static bool
check_args_alias(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!check_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize))
		return false;

	const kernel_args *args = context->args;
	uint64_t physical;
	if (!translate_or_fail(context, context->received_args, &physical, reason, reasonSize))
		return false;

	uint64_t values[2];
	if (!physical_read(context, physical, &values[0])
		|| !physical_read(context, physical + sizeof(uint64_t), &values[1])) {
		return check_fail(reason, reasonSize, "phys %#llx outside the physical map",
			(ull)physical);
	}
	uint64_t expected = args->magic;
	uint64_t expectedVersion = ((uint64_t)args->kernel_args_size << 32) | args->version;
	if (values[0] != expected || values[1] != expectedVersion) {
		return check_fail(reason, reasonSize,
			"kernel_args at phys %#llx reads %#llx %#llx, expected %#llx %#llx",
			(ull)physical, (ull)values[0], (ull)values[1], (ull)expected,
			(ull)expectedVersion);
	}
	return true;
}


const struct kcheck gKernelChecks[KCHECK_COUNT] = {
	[KCHECK_MAGIC] = { "magic", check_magic },
	[KCHECK_VERSION] = { "version", check_version },
	[KCHECK_ARGS_SIZE] = { "args_size", check_args_size },
	[KCHECK_SELF] = { "self", check_self },
	[KCHECK_BOOT_CPU] = { "boot_cpu", check_boot_cpu },
	[KCHECK_COUNTS] = { "counts", check_counts },
	[KCHECK_PHYSICAL_MEMORY_RANGES] = { "physical_memory_ranges",
		check_physical_memory_ranges },
	[KCHECK_PHYSICAL_ALLOCATED_RANGES] = { "physical_allocated_ranges",
		check_physical_allocated_ranges },
	[KCHECK_VIRTUAL_ALLOCATED_RANGES] = { "virtual_allocated_ranges",
		check_virtual_allocated_ranges },
	[KCHECK_ARGS_MAPPED] = { "args_mapped", check_args_mapped },
	[KCHECK_PHYSICAL_ALLOCATED_IN_MEMORY] = { "physical_allocated_in_memory",
		check_physical_allocated_in_memory },
	[KCHECK_KERNEL_SECTIONS] = { "kernel_sections", check_kernel_sections },
	[KCHECK_KERNEL_CONTENTS] = { "kernel_contents", check_kernel_contents },
	[KCHECK_KERNEL_IMAGE] = { "kernel_image", check_kernel_image },
	[KCHECK_KERNEL_SEGMENTS] = { "kernel_segments", check_kernel_segments },
	[KCHECK_SEGMENT_FLAGS] = { "segment_flags", check_segment_flags },
	[KCHECK_SEGMENTS_PHYSICAL] = { "segments_physical", check_segments_physical },
	[KCHECK_STACK] = { "stack", check_stack },
	[KCHECK_LOADER_LOG] = { "loader_log", check_loader_log },
	[KCHECK_LOADER_NAME] = { "loader_name", check_loader_name },
	[KCHECK_CR3] = { "cr3", check_cr3 },
	[KCHECK_GDT] = { "gdt", check_gdt },
	[KCHECK_CODE_SELECTOR] = { "code_selector", check_code_selector },
	[KCHECK_PHYSICAL_MAP] = { "physical_map", check_physical_map },
	[KCHECK_PAGE_TABLES] = { "page_tables", check_page_tables },
	[KCHECK_SEGMENT_TRANSLATION] = { "segment_translation", check_segment_translation },
	[KCHECK_VIRTUAL_BACKING] = { "virtual_backing", check_virtual_backing },
	[KCHECK_ARGS_ALIAS] = { "args_alias", check_args_alias },
};
