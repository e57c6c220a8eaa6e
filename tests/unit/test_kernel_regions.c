/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the kernel address space bookkeeping (kernel_regions.c):
 * where regions are placed, what is refused, how an address translates
 * between the loader's view and the kernel's, and what reaches kernel_args.
 */
#include <string.h>

#include <boot/kernel_regions.h>

#include "unit_test.h"

#define PAGE	KERNEL_PAGE_SIZE

static kernel_args sArgs;
static uint8_t sMemory[4 * 4096];


static void
regions_reset(void)
{
	kernel_regions_reset();
	memset(&sArgs, 0, sizeof(sArgs));
}


/* Reserve size bytes of the data area and record them at physical. */
static uint64_t
add_data(uint64_t size, uint64_t physical)
{
	uint64_t address = 0;
	CHECK_EQ(kernel_regions_reserve(&address, size, false), B_OK);
	const struct kernel_region region = {
		.kernel_address = address, .physical_address = physical, .size = size,
	};
	kernel_regions_add(&region);
	return address;
}


static void
add_exact(uint64_t address, uint64_t size, uint64_t physical, void *loader)
{
	CHECK_EQ(kernel_regions_reserve(&address, size, true), B_OK);
	const struct kernel_region region = {
		.kernel_address = address, .physical_address = physical, .loader_address = loader,
		.size = size,
	};
	kernel_regions_add(&region);
}


TEST(data_regions_follow_each_other_a_guard_page_apart)
{
	regions_reset();
	uint64_t address = 0;
	CHECK_EQ(kernel_regions_reserve(&address, 2 * PAGE, false), B_OK);
	CHECK_EQ(address, KERNEL_DATA_BASE);
	/* Nothing is taken until the region is added. */
	CHECK_EQ(kernel_regions_reserve(&address, PAGE, false), B_OK);
	CHECK_EQ(address, KERNEL_DATA_BASE);
	CHECK_EQ(add_data(2 * PAGE, 0x100000), KERNEL_DATA_BASE);
	CHECK_EQ(add_data(PAGE, 0x200000), KERNEL_DATA_BASE + 3 * PAGE);
	/* Regions in the kernel window leave the data area where it was. */
	add_exact(KERNEL_LOAD_BASE, PAGE, 0x300000, NULL);
	CHECK_EQ(add_data(PAGE, 0x400000), KERNEL_DATA_BASE + 5 * PAGE);
}


TEST(a_region_added_below_the_last_does_not_move_the_data_area_back)
{
	regions_reset();
	const struct kernel_region high = {
		.kernel_address = KERNEL_DATA_BASE + 8 * PAGE, .size = PAGE,
	};
	const struct kernel_region low = { .kernel_address = KERNEL_DATA_BASE, .size = PAGE };
	kernel_regions_add(&high);
	kernel_regions_add(&low);
	CHECK_EQ(add_data(PAGE, 0), KERNEL_DATA_BASE + 10 * PAGE);
}


TEST(the_data_area_keeps_a_guard_page_before_its_end)
{
	regions_reset();
	uint64_t area = KERNEL_DATA_END - KERNEL_DATA_BASE;
	uint64_t address = 0;
	CHECK_EQ(kernel_regions_reserve(&address, area, false), B_NO_MEMORY);
	CHECK_EQ(kernel_regions_reserve(&address, area + PAGE, false), B_NO_MEMORY);
	CHECK_EQ(kernel_regions_reserve(&address, area - PAGE, false), B_OK);
	CHECK_EQ(address, KERNEL_DATA_BASE);
	add_data(area - 2 * PAGE, 0);
	CHECK_EQ(kernel_regions_reserve(&address, PAGE, false), B_NO_MEMORY);
	/* After a reset the area is whole again. */
	regions_reset();
	CHECK_EQ(kernel_regions_reserve(&address, area - PAGE, false), B_OK);
	CHECK_EQ(address, KERNEL_DATA_BASE);
}


TEST(an_exact_region_must_be_page_aligned_inside_the_window_and_free)
{
	regions_reset();
	uint64_t window = KERNEL_WINDOW_END - KERNEL_LOAD_BASE;
	uint64_t address = KERNEL_LOAD_BASE;
	CHECK_EQ(kernel_regions_reserve(&address, window, true), B_OK);
	CHECK_EQ(address, KERNEL_LOAD_BASE);
	CHECK_EQ(kernel_regions_reserve(&address, window + PAGE, true), B_BAD_ADDRESS);
	address = KERNEL_LOAD_BASE - PAGE;
	CHECK_EQ(kernel_regions_reserve(&address, PAGE, true), B_BAD_ADDRESS);
	address = KERNEL_LOAD_BASE + 0x10;
	CHECK_EQ(kernel_regions_reserve(&address, PAGE, true), B_BAD_ADDRESS);
	address = KERNEL_WINDOW_END - PAGE;
	CHECK_EQ(kernel_regions_reserve(&address, PAGE, true), B_OK);
	address = KERNEL_WINDOW_END;
	CHECK_EQ(kernel_regions_reserve(&address, PAGE, true), B_BAD_ADDRESS);

	add_exact(KERNEL_LOAD_BASE + 4 * PAGE, 2 * PAGE, 0, NULL);
	static const struct {
		uint64_t page;
		uint64_t pages;
		status_t status;
	} kTries[] = {
		{ 3, 1, B_OK },				/* ends where the region starts */
		{ 6, 1, B_OK },				/* starts where it ends */
		{ 3, 2, B_BAD_ADDRESS },	/* shares its first page */
		{ 5, 1, B_BAD_ADDRESS },	/* shares its last page */
		{ 2, 8, B_BAD_ADDRESS },	/* covers it */
	};
	for (size_t i = 0; i < sizeof(kTries) / sizeof(kTries[0]); i++) {
		address = KERNEL_LOAD_BASE + kTries[i].page * PAGE;
		CHECK_EQ(kernel_regions_reserve(&address, kTries[i].pages * PAGE, true),
			kTries[i].status);
	}
}


TEST(sizes_tables_and_frozen_regions_are_refused)
{
	regions_reset();
	uint64_t address = 0;
	CHECK_EQ(kernel_regions_reserve(&address, 0, false), B_BAD_VALUE);
	CHECK_EQ(kernel_regions_reserve(&address, PAGE + 1, false), B_BAD_VALUE);
	for (uint32_t i = 0; i < KERNEL_REGIONS_MAX; i++)
		add_data(PAGE, 0);
	CHECK_EQ(kernel_regions_reserve(&address, PAGE, false), B_NO_MEMORY);

	regions_reset();
	add_data(PAGE, 0);
	kernel_regions_freeze();
	CHECK_EQ(kernel_regions_reserve(&address, PAGE, false), B_NOT_ALLOWED);
	struct kernel_region removed;
	CHECK_EQ(kernel_regions_remove(KERNEL_DATA_BASE, PAGE, &removed), B_NOT_ALLOWED);
	kernel_regions_thaw();
	CHECK_EQ(kernel_regions_remove(KERNEL_DATA_BASE, PAGE, &removed), B_OK);
}


TEST(a_removed_region_must_match_and_the_others_keep_their_order)
{
	regions_reset();
	add_data(PAGE, 0x1000);
	add_data(2 * PAGE, 0x2000);
	add_data(PAGE, 0x3000);
	struct kernel_region removed = { 0 };
	CHECK_EQ(kernel_regions_remove(KERNEL_DATA_BASE + 2 * PAGE, PAGE, &removed), B_BAD_VALUE);
	CHECK_EQ(kernel_regions_remove(KERNEL_DATA_BASE + PAGE, PAGE, &removed), B_BAD_VALUE);
	uint32_t count;
	kernel_regions(&count);
	CHECK_EQ(count, 3);

	CHECK_EQ(kernel_regions_remove(KERNEL_DATA_BASE, PAGE, &removed), B_OK);
	CHECK_EQ(removed.physical_address, 0x1000);
	const struct kernel_region *regions = kernel_regions(&count);
	CHECK_EQ(count, 2);
	CHECK_EQ(regions[0].physical_address, 0x2000);
	CHECK_EQ(regions[1].physical_address, 0x3000);
	CHECK_EQ(kernel_regions_remove(KERNEL_DATA_BASE, PAGE, &removed), B_BAD_VALUE);
}


TEST(addresses_translate_to_their_last_byte_and_no_further)
{
	regions_reset();
	add_exact(KERNEL_LOAD_BASE, 2 * PAGE, 0x100000, sMemory);
	add_exact(KERNEL_LOAD_BASE + 3 * PAGE, PAGE, 0x200000, sMemory + 3 * PAGE);
	CHECK(kernel_regions_to_loader(KERNEL_LOAD_BASE) == sMemory);
	CHECK(kernel_regions_to_loader(KERNEL_LOAD_BASE + 2 * PAGE - 1)
		== sMemory + 2 * PAGE - 1);
	CHECK(kernel_regions_to_loader(KERNEL_LOAD_BASE + 2 * PAGE) == NULL);
	CHECK(kernel_regions_to_loader(KERNEL_LOAD_BASE + 3 * PAGE + 5) == sMemory + 3 * PAGE + 5);
	CHECK(kernel_regions_to_loader(KERNEL_LOAD_BASE - 1) == NULL);

	CHECK_EQ(kernel_regions_to_kernel(sMemory + 2 * PAGE - 1), KERNEL_LOAD_BASE + 2 * PAGE - 1);
	CHECK_EQ(kernel_regions_to_kernel(sMemory + 2 * PAGE), 0);
	CHECK_EQ(kernel_regions_to_kernel(sMemory + 4 * PAGE - 1), KERNEL_LOAD_BASE + 4 * PAGE - 1);
	CHECK_EQ(kernel_regions_to_kernel(sMemory + 4 * PAGE), 0);
}


TEST(recording_fills_the_ranges_and_the_segments_physical_addresses)
{
	regions_reset();
	add_exact(KERNEL_LOAD_BASE, 2 * PAGE, 0x100000, NULL);
	add_data(PAGE, 0x300000);
	kernel_segment *segments = sArgs.kernel.segments;
	segments[0].virtual_address = KERNEL_LOAD_BASE;
	segments[1].virtual_address = KERNEL_LOAD_BASE + PAGE;
	sArgs.kernel.segment_count = 2;
	CHECK_EQ(kernel_regions_record(&sArgs), B_OK);
	CHECK_EQ(segments[0].physical_address, 0x100000);
	CHECK_EQ(segments[1].physical_address, 0x101000);
	CHECK_EQ(sArgs.num_virtual_allocated_ranges, 2);
	CHECK_EQ(sArgs.virtual_allocated_range[0].start, KERNEL_LOAD_BASE);
	CHECK_EQ(sArgs.virtual_allocated_range[0].size, 2 * PAGE);
	CHECK_EQ(sArgs.virtual_allocated_range[1].start, KERNEL_DATA_BASE);
	CHECK_EQ(sArgs.num_physical_allocated_ranges, 2);
	CHECK_EQ(sArgs.physical_allocated_range[0].start, 0x100000);
	CHECK_EQ(sArgs.physical_allocated_range[1].start, 0x300000);
	CHECK_EQ(sArgs.physical_allocated_range[1].size, PAGE);

	/* A segment that starts where its region ends has no memory. */
	memset(&sArgs, 0, sizeof(sArgs));
	segments[0].virtual_address = KERNEL_LOAD_BASE + 2 * PAGE;
	sArgs.kernel.segment_count = 1;
	CHECK_EQ(kernel_regions_record(&sArgs), B_BAD_ADDRESS);
}


TEST(regions_know_what_they_hold)
{
	regions_reset();
	const struct kernel_region window = {
		.kernel_address = KERNEL_LOAD_BASE, .physical_address = 0x1000, .size = PAGE,
	};
	const struct kernel_region data = {
		.kernel_address = KERNEL_DATA_BASE, .physical_address = 0x2000, .size = PAGE,
	};
	kernel_regions_add(&window);
	kernel_regions_add(&data);
	uint32_t count;
	const struct kernel_region *regions = kernel_regions(&count);
	CHECK_EQ(count, 2);
	CHECK_EQ(regions[0].kind, KERNEL_REGION_KERNEL);
	CHECK_EQ(regions[1].kind, KERNEL_REGION_LOADER_DATA);
	CHECK_EQ(kernel_regions_set_kind(KERNEL_DATA_BASE, KERNEL_REGION_MODULE), B_OK);
	CHECK_EQ(regions[1].kind, KERNEL_REGION_MODULE);
	CHECK_EQ(kernel_regions_set_kind(KERNEL_DATA_BASE + PAGE, KERNEL_REGION_MODULE),
		B_BAD_VALUE);
	CHECK_EQ(kernel_regions_set_kind(KERNEL_DATA_BASE, KERNEL_REGION_MODULE + 1), B_BAD_VALUE);
}


TEST(a_region_clears_the_rest_of_its_last_page)
{
	memset(sMemory, 0xa5, sizeof(sMemory));
	kernel_regions_clear_tail(sMemory, PAGE + 10);
	CHECK_EQ(sMemory[PAGE + 9], 0xa5);
	for (size_t i = PAGE + 10; i < 2 * PAGE; i++)
		CHECK_EQ(sMemory[i], 0);
	CHECK_EQ(sMemory[2 * PAGE], 0xa5);
	/* An empty region still has its page; a full page has nothing to clear. */
	memset(sMemory, 0xa5, sizeof(sMemory));
	kernel_regions_clear_tail(sMemory, 0);
	for (size_t i = 0; i < PAGE; i++)
		CHECK_EQ(sMemory[i], 0);
	CHECK_EQ(sMemory[PAGE], 0xa5);
	kernel_regions_clear_tail(sMemory + PAGE, PAGE);
	CHECK_EQ(sMemory[2 * PAGE], 0xa5);
}
