/* SPDX-License-Identifier: MIT */
/*
 * The checks of what only arm64 descriptors say: that EL0 can neither read
 * nor execute anything in the kernel's half, that every mapping has the
 * memory attributes of what it maps (Normal for RAM, Device for MMIO) and
 * its access flag, and that the UART the loader names is device memory.
 */
#include "arm64_paging.h"

#include <stdio.h>


/* Called for each block or page of a range with its translation. */
typedef bool (*range_visit)(const struct kcheck_context *context, const char *what,
	uint64_t address, const struct arm64_page *page, char *reason, size_t reasonSize);


static bool
walk_or_fail(const struct kcheck_context *context, uint64_t address,
	struct arm64_page *page, char *reason, size_t reasonSize)
{
	if (arm64_page_walk(context, address, page) == KCHECK_WALK_MAPPED)
		return true;
	/* The generic walk says why. */
	return kcheck_walk_or_fail(context, address, &page->page, reason, reasonSize);
}


/* Each block or page of [start, start + size) once, however large it is. */
static bool
visit_range(const struct kcheck_context *context, const char *what, uint64_t start,
	uint64_t size, range_visit visit, char *reason, size_t reasonSize)
{
	uint64_t address = start;
	while (address - start < size) {
		struct arm64_page page;
		if (!walk_or_fail(context, address, &page, reason, reasonSize))
			return false;
		if (!visit(context, what, address, &page, reason, reasonSize))
			return false;
		uint64_t next = (address & ~(page.page.size - 1)) + page.page.size;
		/* Only at the very top of the address space would this not advance. */
		if (next <= address)
			break;
		address = next;
	}
	return true;
}


/* Every virtual allocated range: segments, loader data, preloaded images, physical map. */
static bool
visit_kernel_ranges(const struct kcheck_context *context, range_visit visit, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint32_t count = kcheck_clamp_count(args->num_virtual_allocated_ranges,
		MAX_VIRTUAL_ALLOCATED_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->virtual_allocated_range[i];
		char what[48];
		snprintf(what, sizeof(what), "virtual range [%u]", i);
		if (!visit_range(context, what, range->start, range->size, visit, reason,
				reasonSize)) {
			return false;
		}
	}
	return true;
}


static bool
el0_visit(const struct kcheck_context *context, const char *what, uint64_t address,
	const struct arm64_page *page, char *reason, size_t reasonSize)
{
	(void)context;
	if (arm64_page_el0_accessible(page)) {
		return kcheck_fail(reason, reasonSize, "%s: %#llx is accessible from EL0"
			" (descriptor %#llx)", what, (ull)address, (ull)page->descriptor);
	}
	if (arm64_page_el0_executable(page)) {
		return kcheck_fail(reason, reasonSize, "%s: %#llx is executable from EL0, UXN clear"
			" (descriptor %#llx)", what, (ull)address, (ull)page->descriptor);
	}
	return true;
}


/*
 * Nothing the loader mapped for the kernel is EL0's: AP[1] clear, and UXN
 * set everywhere, as AP[1] alone leaves kernel code executable from EL0.
 */
bool
kcheck_el0_no_access(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_VIRTUAL_BACKING, reason, reasonSize)) {
		return false;
	}
	return visit_kernel_ranges(context, el0_visit, reason, reasonSize);
}


static const char *
attribute_name(uint32_t index)
{
	switch (index) {
		case ARM64_MAIR_INDEX_NORMAL:
			return "Normal write-back";
		case ARM64_MAIR_INDEX_DEVICE_nGnRnE:
			return "Device-nGnRnE";
		case ARM64_MAIR_INDEX_DEVICE_nGnRE:
			return "Device-nGnRE";
		case ARM64_MAIR_INDEX_NORMAL_NC:
			return "Normal non-cacheable";
	}
	return "an index MAIR does not define";
}


static bool
attribute_is_device(uint32_t index)
{
	return index == ARM64_MAIR_INDEX_DEVICE_nGnRnE || index == ARM64_MAIR_INDEX_DEVICE_nGnRE;
}


/* Whether memory of a class may be mapped with the attributes at index. */
static bool
attribute_fits(enum arm64_memory_class memoryClass, uint32_t index)
{
	switch (memoryClass) {
		case ARM64_MEMORY_RAM:
		case ARM64_MEMORY_RUNTIME_CODE:
			return index == ARM64_MAIR_INDEX_NORMAL;
		case ARM64_MEMORY_DEVICE:
			return attribute_is_device(index);
		case ARM64_MEMORY_FRAMEBUFFER:
			/* Never write-back: the display reads memory, not the cache. */
			return index == ARM64_MAIR_INDEX_NORMAL_NC || attribute_is_device(index);
		case ARM64_MEMORY_ANY:
			return index <= ARM64_MAIR_INDEX_NORMAL_NC;
		case ARM64_MEMORY_MIXED:
			break;
	}
	return false;
}


/* A page of kernel_args memory besides the physical map: RAM the loader allocated. */
static bool
kernel_memory_visit(const struct kcheck_context *context, const char *what,
	uint64_t address, const struct arm64_page *page, char *reason, size_t reasonSize)
{
	(void)context;
	if ((page->descriptor & ARM64_ATTR_ACCESS_FLAG) == 0) {
		return kcheck_fail(reason, reasonSize, "%s: %#llx has the access flag clear: its first"
			" access faults", what, (ull)address);
	}
	uint32_t index = arm64_page_attribute_index(page);
	if (index != ARM64_MAIR_INDEX_NORMAL) {
		return kcheck_fail(reason, reasonSize, "%s: %#llx is %s, expected Normal write-back",
			what, (ull)address, attribute_name(index));
	}
	return true;
}


/*
 * A block of the physical map: each memory map entry it covers, and each
 * gap between them (device memory or nothing), must fit its attributes.
 */
static bool
physical_map_visit(const struct kcheck_context *context, const char *what,
	uint64_t address, const struct arm64_page *page, char *reason, size_t reasonSize)
{
	if ((page->descriptor & ARM64_ATTR_ACCESS_FLAG) == 0) {
		return kcheck_fail(reason, reasonSize, "%s: %#llx has the access flag clear: its first"
			" access faults", what, (ull)address);
	}
	const kernel_args *args = context->args;
	uint64_t start = page->page.physical & ~(page->page.size - 1);
	uint64_t end = start + page->page.size;
	uint32_t index = arm64_page_attribute_index(page);
	uint64_t gapStart = start;
	uint32_t count = kcheck_clamp_count(args->num_memory_map_entries,
		MAX_MEMORY_MAP_ENTRIES);
	for (uint32_t i = 0; i <= count; i++) {
		/* One past the last entry: the gap up to the end of the block. */
		const memory_map_entry *entry = i < count ? &args->memory_map[i] : NULL;
		uint64_t entryStart = entry != NULL ? entry->start : end;
		uint64_t entryEnd = entry != NULL ? entry->start + entry->size : end;
		if (entryEnd <= start)
			continue;
		if (entryStart > gapStart && gapStart < end
			&& !attribute_fits(ARM64_MEMORY_DEVICE, index)) {
			return kcheck_fail(reason, reasonSize, "%s: the block at %#llx (physical %#llx,"
				" %#llx bytes) is %s, but %#llx is not RAM", what, (ull)address, (ull)start,
				(ull)page->page.size, attribute_name(index), (ull)gapStart);
		}
		if (entry == NULL || entryStart >= end)
			break;
		if (!attribute_fits(arm64_memory_type_class(entry->type), index)) {
			return kcheck_fail(reason, reasonSize, "%s: the block at %#llx (physical %#llx,"
				" %#llx bytes) is %s, but %#llx-%#llx is %s", what, (ull)address, (ull)start,
				(ull)page->page.size, attribute_name(index), (ull)entryStart, (ull)entryEnd,
				kcheck_memory_type_name(entry->type));
		}
		gapStart = entryEnd;
	}
	return true;
}


bool
kcheck_memory_attributes(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PHYSICAL_MAP_PAGES, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_VIRTUAL_BACKING, reason, reasonSize)) {
		return false;
	}

	const kernel_args *args = context->args;
	if (!visit_range(context, "physical map", args->physical_map_base,
			args->physical_map_size, physical_map_visit, reason, reasonSize)) {
		return false;
	}
	uint32_t count = kcheck_clamp_count(args->num_virtual_allocated_ranges,
		MAX_VIRTUAL_ALLOCATED_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->virtual_allocated_range[i];
		if (kcheck_spans_overlap(range->start, range->size, args->physical_map_base,
				args->physical_map_size)) {
			continue;
		}
		char what[48];
		snprintf(what, sizeof(what), "virtual range [%u]", i);
		if (!visit_range(context, what, range->start, range->size, kernel_memory_visit,
				reason, reasonSize)) {
			return false;
		}
	}
	return true;
}


/* Whether physical lies in usable RAM. */
static bool
uart_in_ram(const kernel_args *args, uint64_t physical)
{
	uint32_t count = kcheck_clamp_count(args->num_physical_memory_ranges,
		MAX_PHYSICAL_MEMORY_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->physical_memory_range[i];
		if (physical >= range->start && physical - range->start < range->size)
			return true;
	}
	return false;
}


/*
 * The UART the loader wrote to after ExitBootServices, which the kernel
 * writes to through the physical map: a known kind, outside RAM, and mapped
 * as device memory (a write-back mapping could keep bytes in the cache).
 */
bool
kcheck_uart(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint32_t kind = args->arch_args.uart_kind;
	uint64_t physical = args->arch_args.uart_physical;
	if (kind != ARM64_UART_NONE && kind != ARM64_UART_PL011 && kind != ARM64_UART_16550)
		return kcheck_fail(reason, reasonSize, "uart_kind %u is unknown", kind);
	if (kind == ARM64_UART_NONE) {
		if (physical != 0) {
			return kcheck_fail(reason, reasonSize, "uart_kind none with uart_physical %#llx",
				(ull)physical);
		}
		return true;
	}
	if (!kcheck_requires(context, KCHECK_PHYSICAL_MAP_PAGES, reason, reasonSize))
		return false;

	uint64_t page = physical & ~KERNEL_PAGE_MASK;
	if (physical == 0 || page > args->physical_map_size - KERNEL_PAGE_SIZE) {
		return kcheck_fail(reason, reasonSize,
			"uart_physical %#llx is not inside the physical map", (ull)physical);
	}
	if (uart_in_ram(args, physical)) {
		return kcheck_fail(reason, reasonSize, "uart_physical %#llx lies in RAM",
			(ull)physical);
	}
	enum arm64_memory_class memoryClass = arm64_memory_class(args, page, KERNEL_PAGE_SIZE);
	if (memoryClass != ARM64_MEMORY_DEVICE && memoryClass != ARM64_MEMORY_ANY) {
		return kcheck_fail(reason, reasonSize, "uart_physical %#llx is %s in the memory map",
			(ull)physical, arm64_memory_class_name(memoryClass));
	}
	struct arm64_page mapping;
	if (!walk_or_fail(context, args->physical_map_base + page, &mapping, reason, reasonSize))
		return false;
	uint32_t index = arm64_page_attribute_index(&mapping);
	if (!attribute_is_device(index)) {
		return kcheck_fail(reason, reasonSize, "the UART's page %#llx is mapped %s, not as"
			" device memory", (ull)(args->physical_map_base + page), attribute_name(index));
	}
	return true;
}
