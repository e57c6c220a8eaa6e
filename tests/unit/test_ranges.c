/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the kernel_args address range arrays (ranges.c).
 */
#include <stdio.h>
#include <string.h>

#include <boot/ranges.h>

#include "unit_test.h"


/* The kernel_args page; the literal addresses below are laid out in 4 KiB pages. */
_Static_assert(KERNEL_PAGE_SIZE == 0x1000, "the fixtures assume 4 KiB pages");
#define PAGE		KERNEL_PAGE_SIZE
#define TOP_PAGE	(0ULL - PAGE)
#define MAX_TEST	8


struct range_array {
	addr_range	ranges[MAX_TEST];
	uint32_t	count;
};


static void
expect_ranges(const struct range_array *array, const addr_range *expected,
	uint32_t count, int line)
{
	if (array->count != count) {
		unit_fail(__FILE__, line, "count %u, expected %u", array->count, count);
	}
	for (uint32_t i = 0; i < count; i++) {
		if (array->ranges[i].start != expected[i].start
			|| array->ranges[i].size != expected[i].size) {
			unit_fail(__FILE__, line, "range %u is %#llx+%#llx, expected %#llx+%#llx",
				i, (unsigned long long)array->ranges[i].start,
				(unsigned long long)array->ranges[i].size,
				(unsigned long long)expected[i].start,
				(unsigned long long)expected[i].size);
		}
	}
	if (!ranges_valid(array->ranges, array->count, 0))
		unit_fail(__FILE__, line, "result is not a valid range array");
}

#define EXPECT(array, ...) \
	do { \
		static const addr_range expected[] = { __VA_ARGS__ }; \
		expect_ranges((array), expected, sizeof(expected) / sizeof(expected[0]), \
			__LINE__); \
	} while (0)

#define EXPECT_EMPTY(array) CHECK_EQ((array)->count, 0)


static status_t
insert(struct range_array *array, uint64_t start, uint64_t size)
{
	return ranges_insert(array->ranges, &array->count, MAX_TEST, start, size);
}


static status_t
insert_limited(struct range_array *array, uint32_t max, uint64_t start, uint64_t size)
{
	return ranges_insert(array->ranges, &array->count, max, start, size);
}


static status_t
remove_range(struct range_array *array, uint64_t start, uint64_t size)
{
	return ranges_remove(array->ranges, &array->count, MAX_TEST, start, size);
}


TEST(insert_into_empty)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x5000, 0x2000), B_OK);
	EXPECT(&a, { 0x5000, 0x2000 });
}


TEST(insert_keeps_order)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x9000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, 0x1000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, 0x5000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, 0xc000, 0x1000), B_OK);
	EXPECT(&a, { 0x1000, 0x1000 }, { 0x5000, 0x1000 }, { 0x9000, 0x1000 },
		{ 0xc000, 0x1000 });
}


TEST(insert_merges_overlapping)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x1000, 0x3000), B_OK);
	CHECK_EQ(insert(&a, 0x3000, 0x3000), B_OK);
	EXPECT(&a, { 0x1000, 0x5000 });
	CHECK_EQ(insert(&a, 0x0800, 0x1000), B_OK);
	EXPECT(&a, { 0x0800, 0x5800 });
}


TEST(insert_merges_touching)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x1000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, 0x3000, 0x1000), B_OK);
	/* touches the end of the first */
	CHECK_EQ(insert(&a, 0x2000, 0x800), B_OK);
	EXPECT(&a, { 0x1000, 0x1800 }, { 0x3000, 0x1000 });
	/* touches both neighbours: all three become one */
	CHECK_EQ(insert(&a, 0x2800, 0x800), B_OK);
	EXPECT(&a, { 0x1000, 0x3000 });
	/* touches the start */
	CHECK_EQ(insert(&a, 0x0, 0x1000), B_OK);
	EXPECT(&a, { 0x0, 0x4000 });
}


TEST(insert_bridges_many)
{
	struct range_array a = { .count = 0 };
	for (uint64_t i = 0; i < 6; i++)
		CHECK_EQ(insert(&a, 0x10000 + i * 0x2000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, 0x40000, 0x1000), B_OK);
	CHECK_EQ(a.count, 7);
	CHECK_EQ(insert(&a, 0x10800, 0x9000), B_OK);
	EXPECT(&a, { 0x10000, 0x9800 }, { 0x1a000, 0x1000 }, { 0x40000, 0x1000 });
}


TEST(insert_contained_is_noop)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x1000, 0x4000), B_OK);
	CHECK_EQ(insert(&a, 0x2000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, 0x1000, 0x4000), B_OK);
	EXPECT(&a, { 0x1000, 0x4000 });
}


TEST(insert_size_zero_is_noop)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x1000, 0), B_OK);
	EXPECT_EMPTY(&a);
	CHECK_EQ(insert(&a, UINT64_MAX, 0), B_OK);
	EXPECT_EMPTY(&a);
	/* even into a full array */
	CHECK_EQ(insert_limited(&a, 0, 0x1000, 0), B_OK);
	EXPECT_EMPTY(&a);
}


TEST(insert_wrap_is_bad_value)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x1000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, TOP_PAGE, PAGE + 1), B_BAD_VALUE);
	CHECK_EQ(insert(&a, UINT64_MAX, 2), B_BAD_VALUE);
	CHECK_EQ(insert(&a, 2, UINT64_MAX), B_BAD_VALUE);
	CHECK_EQ(insert(&a, UINT64_MAX, UINT64_MAX), B_BAD_VALUE);
	EXPECT(&a, { 0x1000, 0x1000 });

	/* [1, 2^64) ends exactly at the top: no wrap */
	struct range_array b = { .count = 0 };
	CHECK_EQ(insert(&b, 1, UINT64_MAX), B_OK);
	EXPECT(&b, { 1, UINT64_MAX });
}


TEST(insert_end_of_address_space)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0xfffffffffff00000ULL, 0x100000), B_OK);
	EXPECT(&a, { 0xfffffffffff00000ULL, 0x100000 });
	/* the last byte alone, already covered */
	CHECK_EQ(insert(&a, UINT64_MAX, 1), B_OK);
	EXPECT(&a, { 0xfffffffffff00000ULL, 0x100000 });
	/* touching from below */
	CHECK_EQ(insert(&a, 0xffffffffffe00000ULL, 0x100000), B_OK);
	EXPECT(&a, { 0xffffffffffe00000ULL, 0x200000 });
	CHECK(ranges_contain(a.ranges, a.count, UINT64_MAX, 1));
	CHECK_EQ(ranges_total(a.ranges, a.count), 0x200000);
}


TEST(insert_from_zero_to_almost_everything)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0, UINT64_MAX), B_OK);
	EXPECT(&a, { 0, UINT64_MAX });
	/* the whole space would need a size of 2^64 */
	CHECK_EQ(insert(&a, UINT64_MAX, 1), B_BAD_VALUE);
	EXPECT(&a, { 0, UINT64_MAX });

	struct range_array b = { .count = 0 };
	CHECK_EQ(insert(&b, 0, TOP_PAGE), B_OK);
	CHECK_EQ(insert(&b, TOP_PAGE, PAGE), B_BAD_VALUE);
	EXPECT(&b, { 0, TOP_PAGE });
}


TEST(insert_into_full_array)
{
	struct range_array a = { .count = 0 };
	for (uint64_t i = 0; i < MAX_TEST; i++)
		CHECK_EQ(insert(&a, i * 0x10000, 0x1000), B_OK);
	CHECK_EQ(a.count, MAX_TEST);

	struct range_array before = a;
	CHECK_EQ(insert(&a, 0x8000, 0x1000), B_BUFFER_OVERFLOW);
	CHECK(memcmp(&a, &before, sizeof(a)) == 0);
	CHECK_EQ(insert(&a, 0x100000, 0x1000), B_BUFFER_OVERFLOW);
	CHECK(memcmp(&a, &before, sizeof(a)) == 0);

	/* merging needs no new entry, so it still works in a full array */
	CHECK_EQ(insert(&a, 0x1000, 0x1000), B_OK);
	CHECK_EQ(a.count, MAX_TEST);
	CHECK_EQ(a.ranges[0].size, 0x2000);
	CHECK_EQ(insert(&a, 0x2000, 0xe000), B_OK);
	CHECK_EQ(a.count, MAX_TEST - 1);
	CHECK_EQ(a.ranges[0].size, 0x11000);
	CHECK(ranges_valid(a.ranges, a.count, 1));
}


TEST(insert_count_above_max_is_bad_value)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x1000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, 0x3000, 0x1000), B_OK);
	CHECK_EQ(insert_limited(&a, 1, 0x5000, 0x1000), B_BAD_VALUE);
	CHECK_EQ(a.count, 2);
}


TEST(remove_splits)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x1000, 0x5000), B_OK);
	CHECK_EQ(remove_range(&a, 0x3000, 0x1000), B_OK);
	EXPECT(&a, { 0x1000, 0x2000 }, { 0x4000, 0x2000 });
}


TEST(remove_head_tail_and_whole)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x1000, 0x5000), B_OK);
	CHECK_EQ(remove_range(&a, 0x0, 0x2000), B_OK);
	EXPECT(&a, { 0x2000, 0x4000 });
	CHECK_EQ(remove_range(&a, 0x5000, 0x10000), B_OK);
	EXPECT(&a, { 0x2000, 0x3000 });
	CHECK_EQ(remove_range(&a, 0x2000, 0x3000), B_OK);
	EXPECT_EMPTY(&a);
}


TEST(remove_spanning_many)
{
	struct range_array a = { .count = 0 };
	for (uint64_t i = 0; i < 6; i++)
		CHECK_EQ(insert(&a, 0x10000 + i * 0x2000, 0x1000), B_OK);
	CHECK_EQ(remove_range(&a, 0x12800, 0x6000), B_OK);
	EXPECT(&a, { 0x10000, 0x1000 }, { 0x12000, 0x800 }, { 0x18800, 0x800 },
		{ 0x1a000, 0x1000 });
}


TEST(remove_outside_is_noop)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x2000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, 0x5000, 0x1000), B_OK);
	CHECK_EQ(remove_range(&a, 0x3000, 0x2000), B_OK);
	CHECK_EQ(remove_range(&a, 0x0, 0x2000), B_OK);
	CHECK_EQ(remove_range(&a, 0x6000, 0x1000), B_OK);
	CHECK_EQ(remove_range(&a, 0x2000, 0), B_OK);
	EXPECT(&a, { 0x2000, 0x1000 }, { 0x5000, 0x1000 });
}


TEST(remove_split_in_full_array)
{
	struct range_array a = { .count = 0 };
	for (uint64_t i = 0; i < MAX_TEST; i++)
		CHECK_EQ(insert(&a, i * 0x10000, 0x4000), B_OK);
	struct range_array before = a;
	CHECK_EQ(remove_range(&a, 0x21000, 0x1000), B_BUFFER_OVERFLOW);
	CHECK(memcmp(&a, &before, sizeof(a)) == 0);

	/* cutting a head or tail needs no new entry */
	CHECK_EQ(remove_range(&a, 0x20000, 0x1000), B_OK);
	CHECK_EQ(remove_range(&a, 0x33000, 0x1000), B_OK);
	CHECK_EQ(a.count, MAX_TEST);
	CHECK_EQ(a.ranges[2].start, 0x21000);
	CHECK_EQ(a.ranges[3].size, 0x3000);

	/* two ranges cut at once: one on each side survives, count stays */
	CHECK_EQ(remove_range(&a, 0x41000, 0x11000), B_OK);
	CHECK_EQ(a.count, MAX_TEST);
	CHECK_EQ(a.ranges[4].start, 0x40000);
	CHECK_EQ(a.ranges[4].size, 0x1000);
	CHECK_EQ(a.ranges[5].start, 0x52000);
	CHECK_EQ(a.ranges[5].size, 0x2000);
}


TEST(remove_wrap_is_bad_value)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, TOP_PAGE, PAGE), B_OK);
	CHECK_EQ(remove_range(&a, TOP_PAGE, PAGE + 1), B_BAD_VALUE);
	CHECK_EQ(remove_range(&a, UINT64_MAX, 2), B_BAD_VALUE);
	EXPECT(&a, { TOP_PAGE, PAGE });
}


TEST(remove_end_of_address_space)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0xfffffffffff00000ULL, 0x100000), B_OK);
	CHECK_EQ(remove_range(&a, TOP_PAGE, PAGE), B_OK);
	EXPECT(&a, { 0xfffffffffff00000ULL, 0xff000 });
	CHECK_EQ(insert(&a, TOP_PAGE, PAGE), B_OK);
	CHECK_EQ(remove_range(&a, 0xfffffffffff80000ULL, 0x1000), B_OK);
	EXPECT(&a, { 0xfffffffffff00000ULL, 0x80000 }, { 0xfffffffffff81000ULL, 0x7f000 });
	CHECK_EQ(remove_range(&a, 0, UINT64_MAX), B_OK);
	EXPECT(&a, { UINT64_MAX, 1 });
	CHECK_EQ(remove_range(&a, UINT64_MAX, 1), B_OK);
	EXPECT_EMPTY(&a);
}


TEST(insert_pages_widens)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(ranges_insert_pages(a.ranges, &a.count, MAX_TEST, 0x1234, 0x10), B_OK);
	EXPECT(&a, { 0x1000, 0x1000 });
	CHECK_EQ(ranges_insert_pages(a.ranges, &a.count, MAX_TEST, 0x2fff, 2), B_OK);
	EXPECT(&a, { 0x1000, 0x3000 });
	CHECK_EQ(ranges_insert_pages(a.ranges, &a.count, MAX_TEST, 0x6000, 0x1000), B_OK);
	EXPECT(&a, { 0x1000, 0x3000 }, { 0x6000, 0x1000 });
	CHECK_EQ(ranges_insert_pages(a.ranges, &a.count, MAX_TEST, 0x9000, 0), B_OK);
	CHECK_EQ(ranges_insert_pages(a.ranges, &a.count, MAX_TEST, UINT64_MAX - 5, 6),
		B_OK);
	EXPECT(&a, { 0x1000, 0x3000 }, { 0x6000, 0x1000 }, { TOP_PAGE, PAGE });
	CHECK_EQ(ranges_insert_pages(a.ranges, &a.count, MAX_TEST, UINT64_MAX - 5, 7),
		B_BAD_VALUE);
	CHECK(ranges_valid(a.ranges, a.count, 1));
	/* rounding [1, 2^64 - 1) outwards would give the whole space */
	CHECK_EQ(ranges_insert_pages(a.ranges, &a.count, MAX_TEST, 1, UINT64_MAX - 1),
		B_BAD_VALUE);
	CHECK_EQ(a.count, 3);
}


TEST(contain)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(insert(&a, 0x1000, 0x2000), B_OK);
	CHECK_EQ(insert(&a, 0x4000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, TOP_PAGE, PAGE), B_OK);
	CHECK(ranges_contain(a.ranges, a.count, 0x1000, 0x2000));
	CHECK(ranges_contain(a.ranges, a.count, 0x2fff, 1));
	CHECK(!ranges_contain(a.ranges, a.count, 0x2fff, 2));
	CHECK(!ranges_contain(a.ranges, a.count, 0xfff, 2));
	/* spans two ranges with a gap between */
	CHECK(!ranges_contain(a.ranges, a.count, 0x2000, 0x3000));
	CHECK(ranges_contain(a.ranges, a.count, 0x4000, 0x1000));
	CHECK(ranges_contain(a.ranges, a.count, TOP_PAGE, PAGE));
	CHECK(ranges_contain(a.ranges, a.count, UINT64_MAX, 1));
	CHECK(!ranges_contain(a.ranges, a.count, UINT64_MAX, 2));
	CHECK(!ranges_contain(a.ranges, a.count, 0x1000, 0));
	CHECK(!ranges_contain(a.ranges, 0, 0x1000, 1));
}


TEST(valid)
{
	addr_range good[] = { { 0x1000, 0x1000 }, { 0x3000, 0x2000 }, { TOP_PAGE, PAGE } };
	CHECK(ranges_valid(good, 3, 1));
	CHECK(ranges_valid(good, 0, 1));

	addr_range touching[] = { { 0x1000, 0x1000 }, { 0x2000, 0x1000 } };
	CHECK(!ranges_valid(touching, 2, 0));
	addr_range overlapping[] = { { 0x1000, 0x2000 }, { 0x2000, 0x1000 } };
	CHECK(!ranges_valid(overlapping, 2, 0));
	addr_range unsorted[] = { { 0x5000, 0x1000 }, { 0x1000, 0x1000 } };
	CHECK(!ranges_valid(unsorted, 2, 0));
	addr_range empty[] = { { 0x1000, 0x1000 }, { 0x5000, 0 } };
	CHECK(!ranges_valid(empty, 2, 0));
	addr_range unaligned[] = { { 0x1000, 0x800 } };
	CHECK(ranges_valid(unaligned, 1, 0));
	CHECK(!ranges_valid(unaligned, 1, 1));
	addr_range unalignedStart[] = { { 0x1800, 0x1000 } };
	CHECK(!ranges_valid(unalignedStart, 1, 1));
	addr_range wrapping[] = { { TOP_PAGE, PAGE + 1 } };
	CHECK(!ranges_valid(wrapping, 1, 0));
	addr_range afterTop[] = { { TOP_PAGE, PAGE }, { 0x1000, 0x1000 } };
	CHECK(!ranges_valid(afterTop, 2, 0));
}


TEST(total)
{
	struct range_array a = { .count = 0 };
	CHECK_EQ(ranges_total(a.ranges, a.count), 0);
	CHECK_EQ(insert(&a, 0x1000, 0x2000), B_OK);
	CHECK_EQ(insert(&a, 0x2000, 0x2000), B_OK);
	CHECK_EQ(insert(&a, 0x8000, 0x1000), B_OK);
	CHECK_EQ(insert(&a, TOP_PAGE, PAGE), B_OK);
	CHECK_EQ(ranges_total(a.ranges, a.count), 0x5000);
}


/* --- randomized comparison with a bitmap ------------------------------------ */

#define MODEL_UNITS		64
#define RANDOM_OPS		20000

static uint64_t sRandomState;


static uint64_t
random_next(void)
{
	/* xorshift64: deterministic, so a failure can be reproduced */
	sRandomState ^= sRandomState << 13;
	sRandomState ^= sRandomState >> 7;
	sRandomState ^= sRandomState << 17;
	return sRandomState;
}


static uint64_t
model_bitmap(const addr_range *ranges, uint32_t count, uint64_t base, uint64_t unit)
{
	uint64_t bitmap = 0;
	for (uint32_t i = 0; i < count; i++) {
		CHECK(ranges[i].start >= base);
		CHECK_EQ((ranges[i].start - base) % unit, 0);
		CHECK_EQ(ranges[i].size % unit, 0);
		uint64_t first = (ranges[i].start - base) / unit;
		uint64_t units = ranges[i].size / unit;
		CHECK(first + units <= MODEL_UNITS);
		for (uint64_t j = first; j < first + units; j++)
			bitmap |= 1ULL << j;
	}
	return bitmap;
}


static uint32_t
model_run_count(uint64_t bitmap)
{
	/* runs of set bits = entries a fully merged array needs */
	return (uint32_t)__builtin_popcountll(bitmap & ~(bitmap << 1));
}


static void
random_against_model(uint64_t base, uint64_t unit, uint32_t max, int pageAligned,
	uint64_t seed)
{
	addr_range ranges[MODEL_UNITS];
	uint32_t count = 0;
	uint64_t model = 0;
	int overflows = 0;

	sRandomState = seed;
	for (int op = 0; op < RANDOM_OPS; op++) {
		uint64_t first = random_next() % MODEL_UNITS;
		uint64_t units = random_next() % (MODEL_UNITS - first + 1);
		if (random_next() % 8 == 0) {
			units = random_next() % 3;
			if (first + units > MODEL_UNITS)
				units = MODEL_UNITS - first;
		}
		uint64_t mask = units == MODEL_UNITS ? UINT64_MAX
			: ((1ULL << units) - 1) << first;
		int inserting = random_next() % 5 < 3;

		uint64_t expected = inserting ? model | mask : model & ~mask;
		addr_range before[MODEL_UNITS];
		uint32_t countBefore = count;
		memcpy(before, ranges, sizeof(ranges));

		status_t status = inserting
			? ranges_insert(ranges, &count, max, base + first * unit, units * unit)
			: ranges_remove(ranges, &count, max, base + first * unit, units * unit);

		if (model_run_count(expected) > max) {
			if (status != B_BUFFER_OVERFLOW) {
				unit_fail(__FILE__, __LINE__, "seed %#llx op %d: status %d, expected "
					"B_BUFFER_OVERFLOW", (unsigned long long)seed, op, (int)status);
			}
			CHECK_EQ(count, countBefore);
			CHECK(memcmp(before, ranges, sizeof(ranges)) == 0);
			overflows++;
		} else {
			if (status != B_OK) {
				unit_fail(__FILE__, __LINE__, "seed %#llx op %d: status %d",
					(unsigned long long)seed, op, (int)status);
			}
			model = expected;
		}

		CHECK(ranges_valid(ranges, count, pageAligned));
		CHECK_EQ(count, model_run_count(model));
		CHECK_EQ(model_bitmap(ranges, count, base, unit), model);
		CHECK_EQ(ranges_total(ranges, count), (uint64_t)__builtin_popcountll(model) * unit);

		uint64_t probe = random_next() % MODEL_UNITS;
		uint64_t probeUnits = 1 + random_next() % (MODEL_UNITS - probe);
		uint64_t probeMask = probeUnits == MODEL_UNITS ? UINT64_MAX
			: ((1ULL << probeUnits) - 1) << probe;
		int covered = (model & probeMask) == probeMask;
		CHECK_EQ(!!ranges_contain(ranges, count, base + probe * unit,
			probeUnits * unit), covered);
	}
	/* the capacity limit must actually have been hit, or the test is weaker */
	if (max < MODEL_UNITS / 2)
		CHECK(overflows > 0);
}


TEST(random_pages_low)
{
	random_against_model(0, PAGE, 6, 1, 0x9e3779b97f4a7c15ULL);
}


TEST(random_pages_top_of_address_space)
{
	random_against_model(0ULL - MODEL_UNITS * PAGE, PAGE, 5, 1, 0x2545f4914f6cdd1dULL);
}


TEST(random_bytes_roomy)
{
	random_against_model(0x1000, 1, MODEL_UNITS, 0, 0x1234567887654321ULL);
}


TEST(random_bytes_tight)
{
	random_against_model(0x7, 3, 3, 0, 0xdeadbeefcafef00dULL);
}
