/* SPDX-License-Identifier: MIT */
/*
 * The checks of kernel_args itself: its header, its counts and its three range
 * arrays. Written independently of the loader's code on purpose, so that a
 * loader bug is not mirrored by the checker.
 */
#include "checks.h"


static const uint64_t kPhysicalAddressLimit = KERNEL_PHYSICAL_ADDRESS_LIMIT;
static const uint64_t kKernelSpaceStart = KERNEL_SPACE_START;


/* --- address spans ------------------------------------------------------- */

/*
 * The last byte of [start, start + size), computed so that a span may end at
 * the very top of the address space. False for empty or wrapping spans.
 */
bool
kcheck_span_last(uint64_t start, uint64_t size, uint64_t *_last)
{
	if (size == 0)
		return false;
	uint64_t last = start + (size - 1);
	if (last < start)
		return false;
	*_last = last;
	return true;
}


bool
kcheck_span_page_aligned(uint64_t start, uint64_t size)
{
	return ((start | size) & KERNEL_PAGE_MASK) == 0;
}


bool
kcheck_spans_overlap(uint64_t startA, uint64_t sizeA, uint64_t startB, uint64_t sizeB)
{
	uint64_t lastA, lastB;
	if (!kcheck_span_last(startA, sizeA, &lastA) || !kcheck_span_last(startB, sizeB, &lastB))
		return false;
	return startA <= lastB && startB <= lastA;
}


uint32_t
kcheck_clamp_count(uint32_t count, uint32_t max)
{
	return count < max ? count : max;
}


/*
 * Index of the entry of ranges that contains all of [start, start + size)
 * (size 0 counts as 1 byte), or -1.
 */
int32_t
kcheck_span_find(const addr_range *ranges, uint32_t count, uint32_t max, uint64_t start,
	uint64_t size)
{
	uint64_t last;
	if (!kcheck_span_last(start, size == 0 ? 1 : size, &last))
		return -1;

	count = kcheck_clamp_count(count, max);
	for (uint32_t i = 0; i < count; i++) {
		uint64_t rangeLast;
		if (!kcheck_span_last(ranges[i].start, ranges[i].size, &rangeLast))
			continue;
		if (ranges[i].start <= start && last <= rangeLast)
			return (int32_t)i;
	}
	return -1;
}


bool
kcheck_physical_allocated_contains(const kernel_args *args, uint64_t start, uint64_t size)
{
	return kcheck_span_find(args->physical_allocated_range,
		args->num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES, start, size) >= 0;
}


bool
bootcheck_virtual_contains(const kernel_args *args, uint64_t start, uint64_t size)
{
	return kcheck_span_find(args->virtual_allocated_range, args->num_virtual_allocated_ranges,
		MAX_VIRTUAL_ALLOCATED_RANGES, start, size) >= 0;
}


/* Page aligned, non-empty, no wrap-around, sorted, disjoint and not touching. */
static bool
check_range_array(const addr_range *ranges, uint32_t count, uint32_t max, uint64_t lowest,
	uint64_t highest, char *reason, size_t reasonSize)
{
	if (count == 0)
		return kcheck_fail(reason, reasonSize, "no ranges");
	if (count > max)
		return kcheck_fail(reason, reasonSize, "count %u exceeds %u", count, max);

	uint64_t previousLast = 0;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t start = ranges[i].start;
		uint64_t size = ranges[i].size;
		uint64_t last;
		if (size == 0)
			return kcheck_fail(reason, reasonSize, "[%u] at %#llx is empty", i, (ull)start);
		if (!kcheck_span_page_aligned(start, size)) {
			return kcheck_fail(reason, reasonSize, "[%u] %#llx size %#llx not page aligned",
				i, (ull)start, (ull)size);
		}
		if (!kcheck_span_last(start, size, &last)) {
			return kcheck_fail(reason, reasonSize, "[%u] %#llx size %#llx wraps around",
				i, (ull)start, (ull)size);
		}
		if (start < lowest || last > highest) {
			return kcheck_fail(reason, reasonSize,
				"[%u] %#llx-%#llx outside %#llx-%#llx", i, (ull)start, (ull)last + 1,
				(ull)lowest, (ull)highest);
		}
		if (i > 0) {
			if (start < ranges[i - 1].start) {
				return kcheck_fail(reason, reasonSize, "[%u] %#llx not sorted after %#llx",
					i, (ull)start, (ull)ranges[i - 1].start);
			}
			if (start <= previousLast) {
				return kcheck_fail(reason, reasonSize,
					"[%u] %#llx overlaps [%u] ending %#llx", i, (ull)start, i - 1,
					(ull)previousLast + 1);
			}
			if (start == previousLast + 1) {
				return kcheck_fail(reason, reasonSize,
					"[%u] %#llx touches [%u] (not merged)", i, (ull)start, i - 1);
			}
		}
		previousLast = last;
	}
	return true;
}


/* --- kernel_args header -------------------------------------------------- */

bool
kcheck_magic(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint64_t magic = context->args->magic;
	if (magic != KERNEL_ARGS_MAGIC) {
		return kcheck_fail(reason, reasonSize, "magic %#llx, expected %#llx", (ull)magic,
			(ull)KERNEL_ARGS_MAGIC);
	}
	return true;
}


bool
kcheck_version(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	/* A newer loader appends fields this kernel does not know; an older one lacks some. */
	uint32_t version = context->args->version;
	if (version < KERNEL_ARGS_VERSION) {
		return kcheck_fail(reason, reasonSize,
			"version %u is older than the %u this kernel needs: update the loader", version,
			KERNEL_ARGS_VERSION);
	}
	return true;
}


bool
kcheck_args_size(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	/* Fields are only appended: a larger structure holds all this kernel reads. */
	uint32_t size = context->args->kernel_args_size;
	if (size < sizeof(kernel_args)) {
		return kcheck_fail(reason, reasonSize,
			"kernel_args_size %u is smaller than the %zu bytes this kernel reads", size,
			sizeof(kernel_args));
	}
	return true;
}


bool
kcheck_self(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint64_t self = context->args->self;
	uint64_t received = context->environment->received_args;
	if (self != received) {
		return kcheck_fail(reason, reasonSize, "self %#llx, but rdi was %#llx", (ull)self,
			(ull)received);
	}
	return true;
}


bool
kcheck_boot_cpu(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint32_t cpu = context->environment->received_cpu;
	if (cpu != 0)
		return kcheck_fail(reason, reasonSize, "entered with CPU number %u, expected 0", cpu);
	return true;
}


bool
kcheck_counts(const struct kcheck_context *context, char *reason, size_t reasonSize)
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
			return kcheck_fail(reason, reasonSize, "%s is %u, must be %u..%u",
				counts[i].name, counts[i].count, counts[i].minimum, counts[i].maximum);
		}
	}
	return true;
}


/* --- range arrays -------------------------------------------------------- */

bool
kcheck_physical_memory_ranges(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	return check_range_array(args->physical_memory_range, args->num_physical_memory_ranges,
		MAX_PHYSICAL_MEMORY_RANGES, 0, kPhysicalAddressLimit - 1, reason, reasonSize);
}


bool
kcheck_physical_allocated_ranges(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	return check_range_array(args->physical_allocated_range,
		args->num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES, 0,
		kPhysicalAddressLimit - 1, reason, reasonSize);
}


bool
kcheck_virtual_allocated_ranges(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	return check_range_array(args->virtual_allocated_range,
		args->num_virtual_allocated_ranges, MAX_VIRTUAL_ALLOCATED_RANGES, kKernelSpaceStart,
		UINT64_MAX, reason, reasonSize);
}


bool
kcheck_args_mapped(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint64_t address = context->environment->received_args;
	if (!bootcheck_virtual_contains(context->args, address, sizeof(kernel_args))) {
		return kcheck_fail(reason, reasonSize,
			"kernel_args %#llx-%#llx not inside a virtual allocated range", (ull)address,
			(ull)(address + sizeof(kernel_args)));
	}
	return true;
}


bool
kcheck_physical_allocated_in_memory(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint32_t count = kcheck_clamp_count(args->num_physical_allocated_ranges,
		MAX_PHYSICAL_ALLOCATED_RANGES);

	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->physical_allocated_range[i];
		if (kcheck_span_find(args->physical_memory_range, args->num_physical_memory_ranges,
				MAX_PHYSICAL_MEMORY_RANGES, range->start, range->size) < 0) {
			return kcheck_fail(reason, reasonSize,
				"allocated [%u] %#llx-%#llx not inside one physical memory range", i,
				(ull)range->start, (ull)(range->start + range->size));
		}
	}
	return true;
}


/*
 * The loader's heap must have come back as plain usable RAM: a page that is
 * neither usable nor allocated would be lost to the kernel for good.
 */
bool
kcheck_loader_heap(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	const addr_range *heap = &args->loader_heap;
	if (heap->size == 0 && heap->start == 0)
		return true;
	if (!kcheck_span_page_aligned(heap->start, heap->size))
		return kcheck_fail(reason, reasonSize, "heap %#llx+%#llx not page aligned",
			(ull)heap->start, (ull)heap->size);
	if (kcheck_span_find(args->physical_memory_range, args->num_physical_memory_ranges,
			MAX_PHYSICAL_MEMORY_RANGES, heap->start, heap->size) < 0) {
		return kcheck_fail(reason, reasonSize,
			"heap %#llx-%#llx is not usable physical memory", (ull)heap->start,
			(ull)(heap->start + heap->size));
	}
	uint32_t count = kcheck_clamp_count(args->num_physical_allocated_ranges,
		MAX_PHYSICAL_ALLOCATED_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->physical_allocated_range[i];
		if (kcheck_spans_overlap(heap->start, heap->size, range->start, range->size)) {
			return kcheck_fail(reason, reasonSize,
				"heap %#llx-%#llx overlaps allocated [%u]", (ull)heap->start,
				(ull)(heap->start + heap->size), i);
		}
	}
	return true;
}
