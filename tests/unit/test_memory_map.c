/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the memory map conversion (memory_map.c): hostile firmware
 * maps against a page-by-page model, and the kernel_args arrays built from
 * them and the loader's allocations.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/memory_map.h>
#include <boot/ranges.h>
#include <boot/stdio.h>

#include "unit_test.h"


/* The kernel_args page; the literal addresses below are laid out in 4 KiB pages. */
_Static_assert(KERNEL_PAGE_SIZE == 0x1000, "the fixtures assume 4 KiB pages");
#define PAGE			KERNEL_PAGE_SIZE
#define MODEL_PAGES		8192			/* 32 MiB of address space for random maps */
#define MAX_ENTRIES		(2 * 1000 + 16)
#define TYPE_COUNT		11

/* The documented precedence, lowest first, kept apart from the code under test. */
static const uint32_t kByPrecedence[TYPE_COUNT] = {
	KERNEL_MEMORY_USABLE, KERNEL_MEMORY_LOADER_RECLAIMABLE,
	KERNEL_MEMORY_KERNEL_AND_MODULES, KERNEL_MEMORY_ACPI_RECLAIMABLE,
	KERNEL_MEMORY_RUNTIME_DATA, KERNEL_MEMORY_RUNTIME_CODE, KERNEL_MEMORY_MMIO,
	KERNEL_MEMORY_RESERVED, KERNEL_MEMORY_ACPI_NVS, KERNEL_MEMORY_FRAMEBUFFER,
	KERNEL_MEMORY_BAD,
};

static char sMessages[4096];
static memory_map_entry sEntries[MAX_ENTRIES];
static struct memory_map_range sRanges[1100];
static uint8_t sModel[MODEL_PAGES];
static kernel_args sArgs;
static kernel_args sArgsBefore;


/* The loader's boot_printf, captured so that tests can read the messages. */
void
boot_printf(const char *format, ...)
{
	size_t used = strlen(sMessages);
	va_list args;
	va_start(args, format);
	vsnprintf(sMessages + used, sizeof(sMessages) - used, format, args);
	va_end(args);
}


static uint32_t
rank(uint32_t type)
{
	for (uint32_t i = 0; i < TYPE_COUNT; i++) {
		if (kByPrecedence[i] == type)
			return i + 1;
	}
	return 0;
}


static uint64_t sRandomState = 0x2545f4914f6cdd1dULL;


static uint64_t
random_next(void)
{
	sRandomState ^= sRandomState << 13;
	sRandomState ^= sRandomState >> 7;
	sRandomState ^= sRandomState << 17;
	return sRandomState;
}


static uint32_t
convert(uint32_t count, uint32_t max, status_t expected)
{
	uint32_t entries = 0xdeadbeef;
	status_t status = memory_map_convert(sRanges, count, sEntries, max, &entries);
	if (status != expected)
		unit_fail(__FILE__, __LINE__, "convert: status %d, expected %d", status, expected);
	return entries;
}


static void
expect_entries(uint32_t count, const memory_map_entry *expected, uint32_t expectedCount,
	int line)
{
	if (count != expectedCount)
		unit_fail(__FILE__, line, "%u entries, expected %u", count, expectedCount);
	for (uint32_t i = 0; i < count; i++) {
		if (sEntries[i].start != expected[i].start || sEntries[i].size != expected[i].size
			|| sEntries[i].type != expected[i].type) {
			unit_fail(__FILE__, line, "entry %u is %#llx+%#llx %s, expected %#llx+%#llx %s",
				i, (unsigned long long)sEntries[i].start,
				(unsigned long long)sEntries[i].size,
				memory_map_type_name(sEntries[i].type),
				(unsigned long long)expected[i].start,
				(unsigned long long)expected[i].size,
				memory_map_type_name(expected[i].type));
		}
	}
}

#define EXPECT_MAP(count, ...) \
	do { \
		static const memory_map_entry expected[] = { __VA_ARGS__ }; \
		expect_entries((count), expected, sizeof(expected) / sizeof(expected[0]), \
			__LINE__); \
	} while (0)

#define R(s, n, t)	(struct memory_map_range){ (s), (n), (t) }
#define E(s, n, t)	{ .start = (s), .size = (n), .type = (t) }


TEST(precedence_is_the_documented_order)
{
	for (uint32_t i = 0; i < TYPE_COUNT; i++) {
		CHECK_EQ(memory_map_precedence(kByPrecedence[i]), i + 1);
		CHECK(strcmp(memory_map_type_name(kByPrecedence[i]), "invalid") != 0);
	}
	CHECK_EQ(memory_map_precedence(0), 0);
	CHECK_EQ(memory_map_precedence(KERNEL_MEMORY_BAD + 1), 0);
	CHECK(strcmp(memory_map_type_name(0), "invalid") == 0);
	CHECK(strcmp(memory_map_type_name(KERNEL_MEMORY_ACPI_NVS), "ACPI NVS") == 0);
}


TEST(empty_and_zero_length_input_gives_an_empty_map)
{
	CHECK_EQ(convert(0, MAX_ENTRIES, B_OK), 0);
	sRanges[0] = R(0x1000, 0, KERNEL_MEMORY_RESERVED);
	sRanges[1] = R(0, 0, KERNEL_MEMORY_USABLE);
	sRanges[2] = R(UINT64_MAX, 0, KERNEL_MEMORY_BAD);
	CHECK_EQ(convert(3, MAX_ENTRIES, B_OK), 0);
}


TEST(zero_length_entries_do_not_split_or_change_neighbours)
{
	sRanges[0] = R(0, 0x4000, KERNEL_MEMORY_USABLE);
	sRanges[1] = R(0x2000, 0, KERNEL_MEMORY_BAD);
	sRanges[2] = R(0x4000, 0, KERNEL_MEMORY_RESERVED);
	sRanges[3] = R(0x4000, 0x2000, KERNEL_MEMORY_USABLE);
	EXPECT_MAP(convert(4, MAX_ENTRIES, B_OK), E(0, 0x6000, KERNEL_MEMORY_USABLE));
}


TEST(usable_shrinks_to_whole_pages_and_the_rest_grows)
{
	sRanges[0] = R(0x1800, 0x3000, KERNEL_MEMORY_USABLE);		/* 0x1800-0x4800 */
	sRanges[1] = R(0x10010, 0x10, KERNEL_MEMORY_ACPI_NVS);		/* inside one page */
	sRanges[2] = R(0x20800, 0x800, KERNEL_MEMORY_USABLE);		/* less than a page */
	sRanges[3] = R(0x30fff, 0x2, KERNEL_MEMORY_MMIO);			/* straddles two pages */
	EXPECT_MAP(convert(4, MAX_ENTRIES, B_OK),
		E(0x2000, 0x2000, KERNEL_MEMORY_USABLE),
		E(0x10000, 0x1000, KERNEL_MEMORY_ACPI_NVS),
		E(0x30000, 0x2000, KERNEL_MEMORY_MMIO));
}


TEST(a_partial_page_of_anything_else_is_not_usable)
{
	/* The firmware says 0x5000-0x5800 is RAM and 0x5800-0x6000 reserved. */
	sRanges[0] = R(0, 0x5800, KERNEL_MEMORY_USABLE);
	sRanges[1] = R(0x5800, 0x800, KERNEL_MEMORY_RESERVED);
	sRanges[2] = R(0x6000, 0x2000, KERNEL_MEMORY_USABLE);
	EXPECT_MAP(convert(3, MAX_ENTRIES, B_OK),
		E(0, 0x5000, KERNEL_MEMORY_USABLE),
		E(0x5000, 0x1000, KERNEL_MEMORY_RESERVED),
		E(0x6000, 0x2000, KERNEL_MEMORY_USABLE));
}


TEST(every_pair_of_types_overlaps_by_precedence)
{
	for (uint32_t a = 0; a < TYPE_COUNT; a++) {
		for (uint32_t b = 0; b < TYPE_COUNT; b++) {
			if (a == b)
				continue;
			uint32_t outer = kByPrecedence[a];
			uint32_t inner = kByPrecedence[b];
			uint32_t winner = a > b ? outer : inner;

			/* inner inside outer, then partly overlapping from the right. */
			sRanges[0] = R(0x10000, 0x3000, outer);
			sRanges[1] = R(0x11000, 0x1000, inner);
			sRanges[2] = R(0x20000, 0x2000, outer);
			sRanges[3] = R(0x21000, 0x2000, inner);
			uint32_t count = convert(4, MAX_ENTRIES, B_OK);

			memory_map_entry expected[6];
			uint32_t n = 0;
			if (winner == outer) {
				expected[n++] = (memory_map_entry){ 0x10000, 0x3000, outer, 0 };
				expected[n++] = (memory_map_entry){ 0x20000, 0x2000, outer, 0 };
				expected[n++] = (memory_map_entry){ 0x22000, 0x1000, inner, 0 };
			} else {
				expected[n++] = (memory_map_entry){ 0x10000, 0x1000, outer, 0 };
				expected[n++] = (memory_map_entry){ 0x11000, 0x1000, inner, 0 };
				expected[n++] = (memory_map_entry){ 0x12000, 0x1000, outer, 0 };
				expected[n++] = (memory_map_entry){ 0x20000, 0x1000, outer, 0 };
				expected[n++] = (memory_map_entry){ 0x21000, 0x2000, inner, 0 };
			}
			expect_entries(count, expected, n, __LINE__);
		}
	}
}


TEST(identical_duplicates_and_nested_ranges_of_one_type_merge)
{
	sRanges[0] = R(0x4000, 0x4000, KERNEL_MEMORY_RESERVED);
	sRanges[1] = R(0x4000, 0x4000, KERNEL_MEMORY_RESERVED);
	sRanges[2] = R(0x5000, 0x1000, KERNEL_MEMORY_RESERVED);
	sRanges[3] = R(0x2000, 0x2000, KERNEL_MEMORY_RESERVED);		/* touches on the left */
	sRanges[4] = R(0x9000, 0x1000, KERNEL_MEMORY_RESERVED);		/* a gap stays a gap */
	EXPECT_MAP(convert(5, MAX_ENTRIES, B_OK),
		E(0x2000, 0x6000, KERNEL_MEMORY_RESERVED),
		E(0x9000, 0x1000, KERNEL_MEMORY_RESERVED));
}


TEST(adjacent_ranges_of_different_types_stay_apart)
{
	sRanges[0] = R(0x3000, 0x1000, KERNEL_MEMORY_RUNTIME_DATA);
	sRanges[1] = R(0x2000, 0x1000, KERNEL_MEMORY_RUNTIME_CODE);
	sRanges[2] = R(0x4000, 0x1000, KERNEL_MEMORY_RUNTIME_DATA);
	EXPECT_MAP(convert(3, MAX_ENTRIES, B_OK),
		E(0x2000, 0x1000, KERNEL_MEMORY_RUNTIME_CODE),
		E(0x3000, 0x2000, KERNEL_MEMORY_RUNTIME_DATA));
}


TEST(unsorted_input_gives_the_sorted_map)
{
	static const struct memory_map_range kSorted[] = {
		{ 0, 0x9f000, KERNEL_MEMORY_USABLE },
		{ 0x9f000, 0x61000, KERNEL_MEMORY_RESERVED },
		{ 0x100000, 0x7ee00000, KERNEL_MEMORY_USABLE },
		{ 0x7ef00000, 0x80000, KERNEL_MEMORY_ACPI_RECLAIMABLE },
		{ 0x7ef80000, 0x80000, KERNEL_MEMORY_ACPI_NVS },
		{ 0xfec00000, 0x1000, KERNEL_MEMORY_MMIO },
		{ 0x100000000ULL, 0x40000000, KERNEL_MEMORY_USABLE },
	};
	const uint32_t n = sizeof(kSorted) / sizeof(kSorted[0]);
	for (uint32_t i = 0; i < n; i++)
		sRanges[i] = kSorted[n - 1 - i];
	uint32_t count = convert(n, MAX_ENTRIES, B_OK);
	CHECK_EQ(count, n);
	for (uint32_t i = 0; i < n; i++) {
		CHECK_EQ(sEntries[i].start, kSorted[i].start);
		CHECK_EQ(sEntries[i].size, kSorted[i].size);
		CHECK_EQ(sEntries[i].type, kSorted[i].type);
	}
}


TEST(addresses_beyond_the_limit_are_dropped_without_wrapping)
{
	sRanges[0] = R(UINT64_MAX - 0xfff, 0x2000, KERNEL_MEMORY_RESERVED);	/* wraps */
	sRanges[1] = R(MEMORY_MAP_ADDRESS_LIMIT, PAGE, KERNEL_MEMORY_USABLE);
	sRanges[2] = R(MEMORY_MAP_ADDRESS_LIMIT - PAGE, UINT64_MAX, KERNEL_MEMORY_MMIO);
	sRanges[3] = R(0, UINT64_MAX, KERNEL_MEMORY_USABLE);
	EXPECT_MAP(convert(4, MAX_ENTRIES, B_OK),
		E(0, MEMORY_MAP_ADDRESS_LIMIT - PAGE, KERNEL_MEMORY_USABLE),
		E(MEMORY_MAP_ADDRESS_LIMIT - PAGE, PAGE, KERNEL_MEMORY_MMIO));
}


TEST(invalid_types_are_refused)
{
	sRanges[0] = R(0, PAGE, KERNEL_MEMORY_USABLE);
	sRanges[1] = R(PAGE, PAGE, 0);
	convert(2, MAX_ENTRIES, B_BAD_VALUE);
	sRanges[1] = R(PAGE, PAGE, KERNEL_MEMORY_BAD + 1);
	convert(2, MAX_ENTRIES, B_BAD_VALUE);
	CHECK_EQ(memory_map_add_firmware(0, PAGE, 0), B_BAD_VALUE);
	CHECK_EQ(memory_map_add_extra(0, PAGE, 99), B_BAD_VALUE);
}


TEST(a_map_filling_the_output_exactly_fits)
{
	static const struct memory_map_range ranges[] = {
		{ 0x100000, 0x1000, KERNEL_MEMORY_USABLE },
		{ 0x101000, 0x1000, KERNEL_MEMORY_RESERVED },
	};
	memory_map_entry entries[2];
	uint32_t count;
	CHECK_EQ(memory_map_convert(ranges, 2, entries, 2, &count), B_OK);
	CHECK_EQ(count, 2);
	CHECK_EQ(memory_map_convert(ranges, 2, entries, 1, &count), B_BUFFER_OVERFLOW);
}


TEST(too_much_input_is_refused)
{
	static struct memory_map_range many[MEMORY_MAP_MAX_INPUT + 1];
	for (uint32_t i = 0; i <= MEMORY_MAP_MAX_INPUT; i++)
		many[i] = R(i * 2 * PAGE, PAGE, KERNEL_MEMORY_USABLE);
	static memory_map_entry entries[MEMORY_MAP_MAX_OUTPUT];
	uint32_t count;
	CHECK_EQ(memory_map_convert(many, MEMORY_MAP_MAX_INPUT + 1, entries,
		MEMORY_MAP_MAX_OUTPUT, &count), B_BUFFER_OVERFLOW);
	CHECK_EQ(memory_map_convert(many, MEMORY_MAP_MAX_INPUT, entries, MEMORY_MAP_MAX_OUTPUT,
		&count), B_OK);
	CHECK_EQ(count, MEMORY_MAP_MAX_INPUT);
}


/* Random hostile maps: unaligned, overlapping, empty, unsorted. */
static uint32_t
random_map(uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		uint64_t choice = random_next();
		uint64_t start = random_next() % (MODEL_PAGES * PAGE);
		uint64_t size;
		switch (choice % 8) {
			case 0:
				size = 0;
				break;
			case 1:
				size = random_next() % (2 * PAGE);
				break;
			case 2:
				size = random_next() % (MODEL_PAGES * PAGE / 4);
				break;
			default:
				size = random_next() % (48 * PAGE);
				break;
		}
		if ((choice >> 8) % 3 == 0) {
			start &= ~(PAGE - 1);
			size &= ~(PAGE - 1);
		}
		if (start + size > MODEL_PAGES * PAGE)
			size = MODEL_PAGES * PAGE - start;
		/* Usable dominates real maps; make it common so precedence matters. */
		uint32_t type = (choice >> 16) % 3 == 0 ? KERNEL_MEMORY_USABLE
			: kByPrecedence[(choice >> 20) % TYPE_COUNT];
		sRanges[i] = R(start, size, type);
	}
	return count;
}


/* The map as the model sees it: each page takes the highest covering type. */
static uint32_t
model_map(uint32_t count, memory_map_entry *expected)
{
	memset(sModel, 0, sizeof(sModel));
	for (uint32_t i = 0; i < count; i++) {
		const struct memory_map_range *range = &sRanges[i];
		uint64_t firstPage, endPage;
		if (range->type == KERNEL_MEMORY_USABLE) {
			firstPage = (range->start + PAGE - 1) / PAGE;
			endPage = (range->start + range->size) / PAGE;
		} else {
			firstPage = range->start / PAGE;
			endPage = (range->start + range->size + PAGE - 1) / PAGE;
		}
		if (range->size == 0)
			continue;
		for (uint64_t page = firstPage; page < endPage; page++) {
			if (rank(range->type) > sModel[page])
				sModel[page] = (uint8_t)rank(range->type);
		}
	}

	uint32_t n = 0;
	for (uint64_t page = 0; page < MODEL_PAGES; page++) {
		if (sModel[page] == 0)
			continue;
		uint32_t type = kByPrecedence[sModel[page] - 1];
		if (n > 0 && expected[n - 1].type == type
			&& expected[n - 1].start + expected[n - 1].size == page * PAGE) {
			expected[n - 1].size += PAGE;
		} else
			expected[n++] = (memory_map_entry){ page * PAGE, PAGE, type, 0 };
	}
	return n;
}


static void
check_random_maps(uint32_t rangeCount, int rounds)
{
	static memory_map_entry expected[MODEL_PAGES];
	for (int round = 0; round < rounds; round++) {
		random_map(rangeCount);
		uint32_t expectedCount = model_map(rangeCount, expected);
		uint32_t count = convert(rangeCount, MAX_ENTRIES, B_OK);
		expect_entries(count, expected, expectedCount, __LINE__);

		/* Sorted, aligned, disjoint and merged, as the kernel is promised. */
		for (uint32_t i = 0; i < count; i++) {
			CHECK(sEntries[i].size > 0);
			CHECK_EQ((sEntries[i].start | sEntries[i].size) & (PAGE - 1), 0);
			if (i > 0) {
				const memory_map_entry *previous = &sEntries[i - 1];
				CHECK(previous->start + previous->size <= sEntries[i].start);
				CHECK(previous->start + previous->size < sEntries[i].start
					|| previous->type != sEntries[i].type);
			}
		}

		/* Too small an array: the full count, and the entries that fit are right. */
		if (count > 1) {
			uint32_t max = count / 2;
			memset(sEntries, 0xa5, sizeof(sEntries));
			CHECK_EQ(convert(rangeCount, max, B_BUFFER_OVERFLOW), count);
			expect_entries(max, expected, max, __LINE__);
			CHECK_EQ(sEntries[max].start, 0xa5a5a5a5a5a5a5a5ULL);
		}
	}
}


TEST(random_maps_of_300_ranges_match_the_page_model)
{
	check_random_maps(300, 40);
}


TEST(random_maps_of_1000_ranges_match_the_page_model)
{
	check_random_maps(1000, 20);
}


TEST(random_maps_of_few_ranges_match_the_page_model)
{
	check_random_maps(5, 400);
}


/* --- memory_map_build() ------------------------------------------------- */

static void
build_reset(void)
{
	memset(&sArgs, 0, sizeof(sArgs));
	sMessages[0] = '\0';
	memory_map_reset();
	kernel_regions_reset();
}


static void
add_region(uint64_t kernelAddress, uint64_t physical, uint64_t size)
{
	const struct kernel_region region = {
		.kernel_address = kernelAddress,
		.physical_address = physical,
		.size = size,
	};
	kernel_regions_add(&region);
	CHECK_EQ(ranges_insert_pages(sArgs.physical_allocated_range,
		&sArgs.num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES, physical,
		size), B_OK);
}


/* A PC-like firmware map, unsorted and fragmented as EFI maps are. */
static void
add_pc_firmware(void)
{
	CHECK_EQ(memory_map_add_firmware(0x100000, 0x300000, KERNEL_MEMORY_USABLE), B_OK);
	CHECK_EQ(memory_map_add_firmware(0, 0x9f000, KERNEL_MEMORY_USABLE), B_OK);
	CHECK_EQ(memory_map_add_firmware(0x9f000, 0x61000, KERNEL_MEMORY_RESERVED), B_OK);
	CHECK_EQ(memory_map_add_firmware(0x400000, 0x3b00000, KERNEL_MEMORY_USABLE), B_OK);
	CHECK_EQ(memory_map_add_firmware(0x3f00000, 0x80000, KERNEL_MEMORY_RUNTIME_CODE), B_OK);
	CHECK_EQ(memory_map_add_firmware(0x3f80000, 0x40000, KERNEL_MEMORY_ACPI_RECLAIMABLE),
		B_OK);
	CHECK_EQ(memory_map_add_firmware(0x3fc0000, 0x40000, KERNEL_MEMORY_ACPI_NVS), B_OK);
	CHECK_EQ(memory_map_add_firmware(0xfec00000, 0x1000, KERNEL_MEMORY_MMIO), B_OK);
}


/* The kernel at 2 MiB, a module, kernel_args data and two page-table pages. */
static void
add_pc_loader_memory(void)
{
	add_region(KERNEL_LOAD_BASE, 0x200000, 0x3000);
	add_region(KERNEL_LOAD_BASE + 0x3000, 0x203000, 0x1000);
	add_region(KERNEL_DATA_BASE, 0x300000, 0x10000);
	add_region(KERNEL_DATA_BASE + 0x11000, 0x310000, 0x4000);
	CHECK_EQ(kernel_regions_set_kind(KERNEL_DATA_BASE + 0x11000, KERNEL_REGION_MODULE),
		B_OK);
	CHECK_EQ(ranges_insert_pages(sArgs.physical_allocated_range,
		&sArgs.num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES, 0x500000,
		0x2000), B_OK);
}


static void
expect_args_map(const memory_map_entry *expected, uint32_t count, int line)
{
	memcpy(sEntries, sArgs.memory_map, sizeof(sArgs.memory_map));
	expect_entries(sArgs.num_memory_map_entries, expected, count, line);
}

#define EXPECT_ARGS_MAP(...) \
	do { \
		static const memory_map_entry expected[] = { __VA_ARGS__ }; \
		expect_args_map(expected, sizeof(expected) / sizeof(expected[0]), __LINE__); \
	} while (0)


TEST(build_types_loader_memory_and_derives_the_arrays)
{
	build_reset();
	add_pc_firmware();
	add_pc_loader_memory();
	CHECK_EQ(memory_map_build(&sArgs), B_OK);
	CHECK_EQ(sMessages[0], '\0');

	EXPECT_ARGS_MAP(
		E(0, 0x9f000, KERNEL_MEMORY_USABLE),
		E(0x9f000, 0x61000, KERNEL_MEMORY_RESERVED),
		E(0x100000, 0x100000, KERNEL_MEMORY_USABLE),
		E(0x200000, 0x4000, KERNEL_MEMORY_KERNEL_AND_MODULES),
		E(0x204000, 0xfc000, KERNEL_MEMORY_USABLE),
		E(0x300000, 0x10000, KERNEL_MEMORY_LOADER_RECLAIMABLE),
		E(0x310000, 0x4000, KERNEL_MEMORY_KERNEL_AND_MODULES),
		E(0x314000, 0x1ec000, KERNEL_MEMORY_USABLE),
		E(0x500000, 0x2000, KERNEL_MEMORY_LOADER_RECLAIMABLE),
		E(0x502000, 0x39fe000, KERNEL_MEMORY_USABLE),
		E(0x3f00000, 0x80000, KERNEL_MEMORY_RUNTIME_CODE),
		E(0x3f80000, 0x40000, KERNEL_MEMORY_ACPI_RECLAIMABLE),
		E(0x3fc0000, 0x40000, KERNEL_MEMORY_ACPI_NVS),
		E(0xfec00000, 0x1000, KERNEL_MEMORY_MMIO));

	CHECK_EQ(sArgs.num_physical_memory_ranges, 2);
	CHECK_EQ(sArgs.physical_memory_range[0].start, 0);
	CHECK_EQ(sArgs.physical_memory_range[0].size, 0x9f000);
	CHECK_EQ(sArgs.physical_memory_range[1].start, 0x100000);
	CHECK_EQ(sArgs.physical_memory_range[1].size, 0x3e00000);
	CHECK_EQ(sArgs.num_physical_allocated_ranges, 3);
	CHECK_EQ(sArgs.physical_allocated_range[0].start, 0x200000);
	CHECK_EQ(sArgs.physical_allocated_range[0].size, 0x4000);
	CHECK_EQ(sArgs.physical_allocated_range[1].start, 0x300000);
	CHECK_EQ(sArgs.physical_allocated_range[1].size, 0x14000);
	CHECK_EQ(sArgs.physical_allocated_range[2].start, 0x500000);
	CHECK_EQ(sArgs.physical_allocated_range[2].size, 0x2000);
	CHECK(ranges_valid(sArgs.physical_memory_range, sArgs.num_physical_memory_ranges, 1));
	CHECK(ranges_valid(sArgs.physical_allocated_range, sArgs.num_physical_allocated_ranges,
		1));

	/* Again with the same input (EFI: ExitBootServices retried) changes nothing. */
	memcpy(&sArgsBefore, &sArgs, sizeof(sArgs));
	memory_map_begin();
	add_pc_firmware();
	CHECK_EQ(memory_map_build(&sArgs), B_OK);
	CHECK(memcmp(&sArgsBefore, &sArgs, sizeof(sArgs)) == 0);
}


TEST(build_adds_the_framebuffer_and_extras_across_attempts)
{
	build_reset();
	CHECK_EQ(memory_map_add_extra(0xfee00000, 0x1000, KERNEL_MEMORY_MMIO), B_OK);
	add_pc_firmware();
	add_pc_loader_memory();
	sArgs.framebuffer.physical_address = 0x80000000;
	sArgs.framebuffer.size = 0x300000;
	CHECK_EQ(memory_map_build(&sArgs), B_OK);
	uint32_t count = sArgs.num_memory_map_entries;
	CHECK(count >= 3);
	CHECK_EQ(sArgs.memory_map[count - 3].start, 0x80000000);
	CHECK_EQ(sArgs.memory_map[count - 3].size, 0x300000);
	CHECK_EQ(sArgs.memory_map[count - 3].type, KERNEL_MEMORY_FRAMEBUFFER);
	CHECK_EQ(sArgs.memory_map[count - 1].start, 0xfee00000);
	CHECK_EQ(sArgs.memory_map[count - 1].type, KERNEL_MEMORY_MMIO);

	/* A new attempt forgets the firmware ranges, not the extras. */
	memory_map_begin();
	CHECK_EQ(memory_map_build(&sArgs), B_OK);
	CHECK_EQ(sArgs.memory_map[sArgs.num_memory_map_entries - 1].start, 0xfee00000);
	for (uint32_t i = 0; i < sArgs.num_memory_map_entries; i++)
		CHECK(sArgs.memory_map[i].type != KERNEL_MEMORY_USABLE);
}


TEST(build_refuses_loader_memory_the_firmware_claims)
{
	build_reset();
	add_pc_firmware();
	add_pc_loader_memory();
	/* A firmware map that overlaps itself: reserved over the module. */
	CHECK_EQ(memory_map_add_firmware(0x312000, 0x1000, KERNEL_MEMORY_RESERVED), B_OK);
	memcpy(&sArgsBefore, &sArgs, sizeof(sArgs));
	CHECK_EQ(memory_map_build(&sArgs), B_BAD_DATA);
	CHECK(strstr(sMessages, "loader memory 0x300000-0x314000 overlaps reserved memory"
		" 0x312000-0x313000") != NULL);
	CHECK(memcmp(&sArgsBefore, &sArgs, sizeof(sArgs)) == 0);
}


TEST(build_keeps_loader_memory_the_firmware_does_not_know)
{
	build_reset();
	CHECK_EQ(memory_map_add_firmware(0x100000, 0x100000, KERNEL_MEMORY_USABLE), B_OK);
	add_region(KERNEL_DATA_BASE, 0x800000, 0x2000);
	CHECK_EQ(memory_map_build(&sArgs), B_OK);
	EXPECT_ARGS_MAP(
		E(0x100000, 0x100000, KERNEL_MEMORY_USABLE),
		E(0x800000, 0x2000, KERNEL_MEMORY_LOADER_RECLAIMABLE));
	CHECK_EQ(sArgs.num_physical_memory_ranges, 2);
	CHECK_EQ(sArgs.num_physical_allocated_ranges, 1);
}


TEST(build_types_regions_holding_preloaded_images_as_modules)
{
	build_reset();
	CHECK_EQ(memory_map_add_firmware(0x100000, 0x100000, KERNEL_MEMORY_USABLE), B_OK);
	add_region(KERNEL_DATA_BASE, 0x100000, 0x2000);
	add_region(KERNEL_DATA_BASE + 0x3000, 0x102000, 0x2000);
	sArgs.num_preloaded_images = 1;
	sArgs.preloaded_images[0].address = KERNEL_DATA_BASE + 0x3000 + 0x10;
	sArgs.preloaded_images[0].size = 0x1800;
	CHECK_EQ(memory_map_build(&sArgs), B_OK);
	EXPECT_ARGS_MAP(
		E(0x100000, 0x2000, KERNEL_MEMORY_LOADER_RECLAIMABLE),
		E(0x102000, 0x2000, KERNEL_MEMORY_KERNEL_AND_MODULES),
		E(0x104000, 0xfc000, KERNEL_MEMORY_USABLE));
	CHECK_EQ(sArgs.num_physical_allocated_ranges, 1);
	CHECK_EQ(sArgs.physical_allocated_range[0].size, 0x4000);
}


/* An image starting where a region ends is in the next region, not in both. */
TEST(build_types_only_the_region_an_image_starts_in)
{
	build_reset();
	CHECK_EQ(memory_map_add_firmware(0x100000, 0x100000, KERNEL_MEMORY_USABLE), B_OK);
	add_region(KERNEL_DATA_BASE, 0x100000, 0x2000);
	add_region(KERNEL_DATA_BASE + 0x2000, 0x102000, 0x2000);
	sArgs.num_preloaded_images = 1;
	sArgs.preloaded_images[0].address = KERNEL_DATA_BASE + 0x2000;
	sArgs.preloaded_images[0].size = 0x1800;
	CHECK_EQ(memory_map_build(&sArgs), B_OK);
	EXPECT_ARGS_MAP(
		E(0x100000, 0x2000, KERNEL_MEMORY_LOADER_RECLAIMABLE),
		E(0x102000, 0x2000, KERNEL_MEMORY_KERNEL_AND_MODULES),
		E(0x104000, 0xfc000, KERNEL_MEMORY_USABLE));
}


TEST(build_takes_a_fragmented_map_of_400_firmware_ranges)
{
	/* EFI maps split RAM into many boot services pieces; merged, they fit. */
	build_reset();
	for (uint32_t i = 0; i < 400; i++) {
		uint32_t type = i % 40 == 39 ? KERNEL_MEMORY_RUNTIME_DATA : KERNEL_MEMORY_USABLE;
		CHECK_EQ(memory_map_add_firmware(0x100000 + (uint64_t)(399 - i) * 0x10000, 0x10000,
			type), B_OK);
	}
	add_region(KERNEL_DATA_BASE, 0x110000, 0x1000);
	CHECK_EQ(memory_map_build(&sArgs), B_OK);
	CHECK_EQ(sArgs.num_memory_map_entries, 1 + 2 * 10);
	CHECK_EQ(sArgs.num_physical_memory_ranges, 10);
	CHECK_EQ(sArgs.num_physical_allocated_ranges, 1);
}


/* Every other page usable and reserved: as many entries as ranges. */
static void
add_alternating_firmware(uint32_t count, uint32_t otherType)
{
	for (uint32_t i = 0; i < count; i++) {
		CHECK_EQ(memory_map_add_firmware((uint64_t)i * PAGE, PAGE,
			i % 2 == 0 ? KERNEL_MEMORY_USABLE : otherType), B_OK);
	}
}


TEST(build_overflowing_the_typed_map_fails_and_leaves_args_alone)
{
	build_reset();
	add_alternating_firmware(600, KERNEL_MEMORY_RESERVED);
	memcpy(&sArgsBefore, &sArgs, sizeof(sArgs));
	CHECK_EQ(memory_map_build(&sArgs), B_BUFFER_OVERFLOW);
	CHECK(strstr(sMessages, "typed memory map: 600 entries needed, kernel_args holds 512")
		!= NULL);
	CHECK(memcmp(&sArgsBefore, &sArgs, sizeof(sArgs)) == 0);
}


TEST(build_overflowing_the_physical_memory_ranges_fails)
{
	/* Usable pages with gaps between them: the typed map fits, the ranges do not. */
	build_reset();
	for (uint32_t i = 0; i < 260; i++)
		CHECK_EQ(memory_map_add_firmware((uint64_t)i * 2 * PAGE, PAGE,
			KERNEL_MEMORY_USABLE), B_OK);
	memcpy(&sArgsBefore, &sArgs, sizeof(sArgs));
	CHECK_EQ(memory_map_build(&sArgs), B_BUFFER_OVERFLOW);
	CHECK(strstr(sMessages, "physical memory ranges: 260 entries needed, kernel_args"
		" holds 256") != NULL);
	CHECK(strstr(sMessages, "typed memory map") == NULL);
	CHECK(strstr(sMessages, "allocated") == NULL);
	CHECK(memcmp(&sArgsBefore, &sArgs, sizeof(sArgs)) == 0);
}


TEST(build_overflowing_the_physical_allocated_ranges_fails)
{
	build_reset();
	CHECK_EQ(memory_map_add_firmware(0, 0x10000000, KERNEL_MEMORY_USABLE), B_OK);
	for (uint32_t i = 0; i < 200; i++)
		CHECK_EQ(ranges_insert_pages(sArgs.physical_allocated_range,
			&sArgs.num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES,
			0x1000000 + (uint64_t)i * 2 * PAGE, PAGE), B_OK);
	/* Kernel regions not (yet) in the allocated ranges count as well. */
	for (uint32_t i = 0; i < 60; i++) {
		const struct kernel_region region = {
			.kernel_address = KERNEL_LOAD_BASE + i * 2 * PAGE,
			.physical_address = 0x2000000 + (uint64_t)i * 2 * PAGE,
			.size = PAGE,
		};
		kernel_regions_add(&region);
	}
	memcpy(&sArgsBefore, &sArgs, sizeof(sArgs));
	CHECK_EQ(memory_map_build(&sArgs), B_BUFFER_OVERFLOW);
	/* Each allocation splits free RAM in two: the typed map overflows too. */
	CHECK(strstr(sMessages, "physical allocated ranges: 260 entries needed, kernel_args"
		" holds 256") != NULL);
	CHECK(strstr(sMessages, "typed memory map: 521 entries needed") != NULL);
	CHECK(strstr(sMessages, "physical memory ranges") == NULL);
	CHECK(memcmp(&sArgsBefore, &sArgs, sizeof(sArgs)) == 0);
}


TEST(build_with_more_firmware_ranges_than_fit_fails)
{
	build_reset();
	for (uint32_t i = 0; i < MEMORY_MAP_MAX_FIRMWARE_RANGES; i++)
		CHECK_EQ(memory_map_add_firmware((uint64_t)i * PAGE, PAGE, KERNEL_MEMORY_USABLE),
			B_OK);
	CHECK_EQ(memory_map_add_firmware(0, PAGE, KERNEL_MEMORY_USABLE), B_BUFFER_OVERFLOW);
	CHECK_EQ(memory_map_add_firmware(0, PAGE, KERNEL_MEMORY_USABLE), B_BUFFER_OVERFLOW);
	memcpy(&sArgsBefore, &sArgs, sizeof(sArgs));
	CHECK_EQ(memory_map_build(&sArgs), B_BUFFER_OVERFLOW);
	CHECK(strstr(sMessages, "the firmware reported 1026 ranges, the loader takes at most"
		" 1024") != NULL);
	CHECK(memcmp(&sArgsBefore, &sArgs, sizeof(sArgs)) == 0);

	/* A fresh attempt with a smaller map works again. */
	memory_map_begin();
	CHECK_EQ(memory_map_add_firmware(0, 0x100000, KERNEL_MEMORY_USABLE), B_OK);
	CHECK_EQ(memory_map_build(&sArgs), B_OK);
	CHECK_EQ(sArgs.num_memory_map_entries, 1);
}
