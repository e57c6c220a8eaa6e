/* SPDX-License-Identifier: MIT */
/*
 * The checks of the kernel image the loader placed: its sections, segments
 * and their permissions, and of the stack, log and name it handed over.
 */
#include "checks.h"

#include <string.h>


static const uint16_t kElfTypeExecutable = 2;
/* Longer loader names are more likely garbage than a name. */
static const size_t kLoaderNameLimit = 256;
/* Bytes read at a time when all of a buffer must be readable. */
#define READ_CHUNK_SIZE			256


/* --- the running kernel's own image -------------------------------------- */

bool
kcheck_kernel_sections(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const struct bootcheck_image *image = context->environment->image;
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
			return kcheck_fail(reason, reasonSize, "%s ends %#llx before it starts %#llx",
				sections[i].name, (ull)end, (ull)start);
		}
		if (end > start && !bootcheck_virtual_contains(context->args, start, end - start)) {
			return kcheck_fail(reason, reasonSize,
				"%s %#llx-%#llx not inside a virtual allocated range", sections[i].name,
				(ull)start, (ull)end);
		}
	}
	return true;
}


bool
kcheck_kernel_contents(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const struct bootcheck_image *image = context->environment->image;
	if (!image->rodata_canary_ok)
		return kcheck_fail(reason, reasonSize, ".rodata does not hold what was linked");
	if (!image->data_canary_ok)
		return kcheck_fail(reason, reasonSize, ".data does not hold what was linked");
	if (image->bss_nonzero != UINT64_MAX) {
		return kcheck_fail(reason, reasonSize, ".bss not zeroed: byte at %#llx",
			(ull)(image->bss_start + image->bss_nonzero));
	}
	return true;
}


/* --- kernel_args' description of the image ------------------------------- */

/* The segment that holds address, or NULL. */
const kernel_segment *
kcheck_segment_containing(const kernel_image *kernel, uint64_t address)
{
	uint32_t count = kcheck_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);
	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		if (address >= segment->virtual_address
			&& address - segment->virtual_address < segment->size) {
			return segment;
		}
	}
	return NULL;
}


bool
kcheck_kernel_image(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_image *kernel = &context->args->kernel;

	if (strnlen(kernel->name, sizeof(kernel->name)) == sizeof(kernel->name))
		return kcheck_fail(reason, reasonSize, "name is not NUL terminated");
	if (kernel->name[0] == '\0')
		return kcheck_fail(reason, reasonSize, "name is empty");
	if (kernel->elf_type != kElfTypeExecutable
		|| kernel->elf_machine != KERNEL_ARCH_ELF_MACHINE) {
		return kcheck_fail(reason, reasonSize, "elf_type %u machine %u, expected %u %u",
			kernel->elf_type, kernel->elf_machine, kElfTypeExecutable,
			KERNEL_ARCH_ELF_MACHINE);
	}
	if (kernel->file_size == 0)
		return kcheck_fail(reason, reasonSize, "file_size is 0");
	if (kernel->program_header_count < kernel->segment_count) {
		return kcheck_fail(reason, reasonSize, "%u segments from %u program headers",
			kernel->segment_count, kernel->program_header_count);
	}
	const kernel_segment *segment = kcheck_segment_containing(kernel, kernel->entry);
	if (segment == NULL || (segment->flags & KERNEL_SEGMENT_EXECUTE) == 0) {
		return kcheck_fail(reason, reasonSize, "entry %#llx is in no executable segment",
			(ull)kernel->entry);
	}
	return true;
}


/* kernel_args must describe the kernel that is actually running. */
bool
kcheck_kernel_linked(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_image *kernel = &context->args->kernel;
	const struct bootcheck_image *image = context->environment->image;

	if (kernel->entry != image->entry) {
		return kcheck_fail(reason, reasonSize, "entry %#llx, but _start is at %#llx",
			(ull)kernel->entry, (ull)image->entry);
	}
	if (kernel->image_start > image->text_start || kernel->image_end < image->bss_end) {
		return kcheck_fail(reason, reasonSize,
			"image %#llx-%#llx does not cover the kernel %#llx-%#llx",
			(ull)kernel->image_start, (ull)kernel->image_end, (ull)image->text_start,
			(ull)image->bss_end);
	}
	return true;
}


bool
kcheck_kernel_segments(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	const kernel_image *kernel = &args->kernel;
	uint32_t count = kcheck_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);
	uint64_t lowest = UINT64_MAX;
	uint64_t highestEnd = 0;

	if (count == 0)
		return kcheck_fail(reason, reasonSize, "no segments");
	if (kernel->segment_count > MAX_KERNEL_SEGMENTS) {
		return kcheck_fail(reason, reasonSize, "segment_count %u exceeds %u",
			kernel->segment_count, MAX_KERNEL_SEGMENTS);
	}

	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		uint64_t start = segment->virtual_address;
		uint64_t size = segment->size;
		uint64_t last;

		if (size == 0 || !kcheck_span_page_aligned(start, size)
			|| (segment->physical_address & KERNEL_PAGE_MASK) != 0) {
			return kcheck_fail(reason, reasonSize,
				"[%u] %#llx (phys %#llx) size %#llx empty or not page aligned", i,
				(ull)start, (ull)segment->physical_address, (ull)size);
		}
		if (!kcheck_span_last(start, size, &last) || start < KERNEL_LOAD_BASE
			|| last >= KERNEL_WINDOW_END) {
			return kcheck_fail(reason, reasonSize,
				"[%u] %#llx size %#llx outside the kernel window", i, (ull)start, (ull)size);
		}
		if (!bootcheck_virtual_contains(args, start, size)) {
			return kcheck_fail(reason, reasonSize,
				"[%u] %#llx-%#llx not inside a virtual allocated range", i, (ull)start,
				(ull)(start + size));
		}
		if ((segment->flags & ~(uint32_t)(KERNEL_SEGMENT_READ | KERNEL_SEGMENT_WRITE
				| KERNEL_SEGMENT_EXECUTE)) != 0) {
			return kcheck_fail(reason, reasonSize, "[%u] unknown flags %#x", i,
				segment->flags);
		}
		if ((segment->flags & KERNEL_SEGMENT_WRITE) != 0
			&& (segment->flags & KERNEL_SEGMENT_EXECUTE) != 0) {
			return kcheck_fail(reason, reasonSize, "[%u] %#llx is writable and executable",
				i, (ull)start);
		}
		if (i > 0 && start <= kernel->segments[i - 1].virtual_address
				+ (kernel->segments[i - 1].size - 1)) {
			return kcheck_fail(reason, reasonSize,
				"[%u] %#llx overlaps or is not sorted after [%u]", i, (ull)start, i - 1);
		}
		if (start < lowest)
			lowest = start;
		if (start + size > highestEnd)
			highestEnd = start + size;
	}

	if (kernel->image_start != lowest || kernel->image_end != highestEnd) {
		return kcheck_fail(reason, reasonSize,
			"image %#llx-%#llx, but the segments span %#llx-%#llx",
			(ull)kernel->image_start, (ull)kernel->image_end, (ull)lowest, (ull)highestEnd);
	}
	return true;
}


/* The segments must carry the permissions kernel.ld gave the program headers. */
bool
kcheck_segment_flags(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const struct bootcheck_image *image = context->environment->image;
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
				address = (address & ~KERNEL_PAGE_MASK) + KERNEL_PAGE_SIZE) {
			const kernel_segment *segment = kcheck_segment_containing(
				&context->args->kernel, address);
			if (segment == NULL) {
				return kcheck_fail(reason, reasonSize, "%s at %#llx is in no segment",
					sections[i].name, (ull)address);
			}
			if (segment->flags != sections[i].flags) {
				return kcheck_fail(reason, reasonSize,
					"%s at %#llx is in a segment with flags %#x, expected %#x",
					sections[i].name, (ull)address, segment->flags, sections[i].flags);
			}
		}
	}
	return true;
}


bool
kcheck_segments_physical(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	const kernel_image *kernel = &args->kernel;
	uint32_t count = kcheck_clamp_count(kernel->segment_count, MAX_KERNEL_SEGMENTS);

	for (uint32_t i = 0; i < count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		if (!kcheck_physical_allocated_contains(args, segment->physical_address,
				segment->size)) {
			return kcheck_fail(reason, reasonSize,
				"[%u] phys %#llx-%#llx not inside a physical allocated range", i,
				(ull)segment->physical_address,
				(ull)(segment->physical_address + segment->size));
		}
		for (uint32_t j = 0; j < i; j++) {
			if (kcheck_spans_overlap(segment->physical_address, segment->size,
					kernel->segments[j].physical_address, kernel->segments[j].size)) {
				return kcheck_fail(reason, reasonSize,
					"[%u] and [%u] share physical memory", j, i);
			}
		}
	}
	return true;
}


/* --- stack, log, name ---------------------------------------------------- */

bool
kcheck_stack(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const addr_range *stack = &context->args->cpu_kernel_stack[0];
	uint64_t pointer = context->environment->initial_stack_pointer;
	uint64_t last;

	if (!kcheck_span_last(stack->start, stack->size, &last)) {
		return kcheck_fail(reason, reasonSize, "stack %#llx size %#llx is empty or wraps",
			(ull)stack->start, (ull)stack->size);
	}
	/* The pointer may be one past the top: the first push writes below it. */
	if (pointer <= stack->start || pointer - 1 > last) {
		return kcheck_fail(reason, reasonSize,
			"stack pointer %#llx outside stack %#llx-%#llx", (ull)pointer,
			(ull)stack->start, (ull)last + 1);
	}
	if (!bootcheck_virtual_contains(context->args, stack->start, stack->size)) {
		return kcheck_fail(reason, reasonSize,
			"stack %#llx-%#llx not inside a virtual allocated range", (ull)stack->start,
			(ull)last + 1);
	}
	return true;
}


bool
kcheck_loader_log(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	if (args->log_size == 0)
		return kcheck_fail(reason, reasonSize, "log_size is 0");
	if (!bootcheck_virtual_contains(args, args->log_address, args->log_size)) {
		return kcheck_fail(reason, reasonSize,
			"log %#llx size %#llx not inside a virtual allocated range",
			(ull)args->log_address, (ull)args->log_size);
	}

	if (!kcheck_requires_trusted_args(context, reason, reasonSize))
		return false;
	/* Where the loader's word is all there is, this reads what it claims. */
	char buffer[READ_CHUNK_SIZE];
	for (uint64_t offset = 0; offset < args->log_size; offset += sizeof(buffer)) {
		uint64_t left = args->log_size - offset;
		size_t size = left < sizeof(buffer) ? (size_t)left : sizeof(buffer);
		if (!kcheck_read_virtual(context, args->log_address + offset, buffer, size)) {
			return kcheck_fail(reason, reasonSize, "log cannot be read at %#llx",
				(ull)(args->log_address + offset));
		}
	}
	return true;
}


bool
kcheck_loader_name(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires_trusted_args(context, reason, reasonSize))
		return false;

	const kernel_args *args = context->args;
	uint64_t address = args->loader_name;
	if (address == 0 || !bootcheck_virtual_contains(args, address, 1)) {
		return kcheck_fail(reason, reasonSize,
			"loader_name %#llx not inside a virtual allocated range", (ull)address);
	}

	/* Byte by byte: only the first one is known to be mapped so far. */
	for (size_t length = 0; length < kLoaderNameLimit; length++) {
		char c;
		if (!kcheck_read_virtual(context, address + length, &c, 1)) {
			if (length == 0) {
				return kcheck_fail(reason, reasonSize, "loader_name %#llx cannot be read",
					(ull)address);
			}
			return kcheck_fail(reason, reasonSize,
				"loader_name not NUL terminated before unreadable %#llx",
				(ull)(address + length));
		}
		if (c == '\0') {
			if (length == 0)
				return kcheck_fail(reason, reasonSize, "loader_name is empty");
			return true;
		}
	}
	return kcheck_fail(reason, reasonSize, "loader_name not NUL terminated within %zu bytes",
		kLoaderNameLimit);
}
