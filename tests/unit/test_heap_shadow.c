/* SPDX-License-Identifier: MIT */
/*
 * The heap tests' shared part: setup, content patterns, and a long random run
 * checked against a shadow model of what should be allocated where.
 */
#include "test_heap_shadow.h"

#include <stdio.h>
#include <string.h>

#include "test_heap_platform.h"
#include "unit_test.h"


#define SHADOW_SLOTS		2048
#define VALIDATE_INTERVAL	256
/* the platform's large blocks may take this much at a time */
#define SHADOW_LARGE_LIMIT	(6 * 1024 * 1024)

struct slot {
	uint8_t		*pointer;
	size_t		size;
	size_t		alignment;
	uint64_t	seed;
	bool		large;			/* a large block, not a heap chunk */
};

struct shadow_counts {
	size_t		failures;
	size_t		large_failures;
	size_t		successes;
	size_t		large_successes;
	size_t		frees;
	size_t		reallocations;
	size_t		crossings;		/* reallocations across HEAP_LARGE_THRESHOLD */
};

uint64_t gTestRandomState = 1;
static struct slot sSlots[SHADOW_SLOTS];


void
test_heap_setup(size_t regionSize)
{
	test_heap_release();
	gTestHeapRegionSize = regionSize;
	gTestHeapRegionOffset = 0;
	gTestHeapInitFails = false;
	gTestLargeFails = false;
	/* far more than any test needs, far less than the sanitizers allow */
	gTestLargeLimit = (size_t)1 << 30;
	gTestPanicJump = NULL;
	CHECK_EQ(heap_init(NULL), B_OK);
	heap_validate();
	test_debug_reset();
}


struct heap_stats
test_heap_stats(void)
{
	struct heap_stats stats;
	heap_get_stats(&stats);
	return stats;
}


uint64_t
test_random(void)
{
	gTestRandomState ^= gTestRandomState >> 12;
	gTestRandomState ^= gTestRandomState << 25;
	gTestRandomState ^= gTestRandomState >> 27;
	return gTestRandomState * 0x2545f4914f6cdd1dull;
}


static uint64_t
pattern_word(uint64_t seed, size_t index)
{
	uint64_t value = seed + index * 0x9e3779b97f4a7c15ull;
	return value ^ (value >> 29);
}


static uint8_t
pattern_byte(uint64_t seed, size_t offset)
{
	uint64_t word = pattern_word(seed, offset / 8);
	return ((const uint8_t *)&word)[offset % 8];
}


void
test_pattern_fill(uint8_t *block, uint64_t seed, size_t from, size_t to)
{
	size_t offset = from;
	for (; offset < to && offset % 8 != 0; offset++)
		block[offset] = pattern_byte(seed, offset);
	for (; offset + 8 <= to; offset += 8) {
		uint64_t word = pattern_word(seed, offset / 8);
		memcpy(block + offset, &word, 8);
	}
	for (; offset < to; offset++)
		block[offset] = pattern_byte(seed, offset);
}


bool
test_pattern_intact(const uint8_t *block, uint64_t seed, size_t from, size_t to)
{
	size_t offset = from;
	for (; offset < to && offset % 8 != 0; offset++) {
		if (block[offset] != pattern_byte(seed, offset))
			return false;
	}
	for (; offset + 8 <= to; offset += 8) {
		uint64_t word;
		memcpy(&word, block + offset, 8);
		if (word != pattern_word(seed, offset / 8))
			return false;
	}
	for (; offset < to; offset++) {
		if (block[offset] != pattern_byte(seed, offset))
			return false;
	}
	return true;
}


bool
test_all_bytes(const uint8_t *block, size_t size, uint8_t value)
{
	for (size_t i = 0; i < size; i++) {
		if (block[i] != value)
			return false;
	}
	return true;
}


void
test_address_string(char *buffer, size_t size, const void *address)
{
	snprintf(buffer, size, "%p", address);
}


void
test_heap_row(uint8_t **blocks)
{
	for (int i = 0; i < 7; i++) {
		blocks[i] = heap_alloc(64);
		CHECK(blocks[i] != NULL);
		if (i > 0)
			CHECK_EQ(blocks[i] - blocks[i - 1], 80);
	}
	CHECK_EQ(test_heap_stats().free_chunks, 1);
}


/* Mostly small, now and then up to a few megabytes: what a loader asks for. */
static size_t
random_size(void)
{
	uint64_t bucket = test_random() % 1000;
	if (bucket < 550)
		return test_random() % 65;
	if (bucket < 850)
		return 65 + test_random() % 960;
	if (bucket < 980)
		return 1024 + test_random() % (15 * 1024);
	if (bucket < 997)
		return 16 * 1024 + test_random() % (112 * 1024);
	if (bucket < 999)
		return 128 * 1024 + test_random() % (HEAP_LARGE_THRESHOLD - 128 * 1024);
	return HEAP_LARGE_THRESHOLD + test_random() % (2 * HEAP_LARGE_THRESHOLD);
}


/* Allocates into an empty slot with one of the allocating calls. */
static void
random_allocate(struct slot *slot, struct shadow_counts *counts)
{
	size_t size = random_size();
	size_t alignment = 16;
	uint8_t *pointer;
	bool zeroed = false;
	uint64_t kind = test_random() % 10;
	size_t refusedBefore = gTestLargeRefused;

	if (kind < 5) {
		pointer = heap_alloc(size);
	} else if (kind < 7) {
		size_t count = 1 + test_random() % 8;
		size /= count;
		pointer = heap_calloc(count, size);
		size *= count;
		zeroed = true;
	} else if (kind < 9) {
		/* up to 64 KiB, beyond the platform's page alignment of large blocks */
		alignment = (size_t)16 << (test_random() % 13);
		pointer = heap_alloc_aligned(alignment, size);
	} else
		pointer = heap_realloc(NULL, size);

	bool large = size >= HEAP_LARGE_THRESHOLD;
	if (pointer == NULL) {
		struct heap_stats stats = test_heap_stats();
		if (large) {
			/* large blocks only fail when the platform has no pages */
			CHECK(gTestLargeRefused > refusedBefore);
			counts->large_failures++;
		} else if (alignment > 16) {
			/* best fit: only fails when no free chunk is large enough */
			CHECK(stats.largest_free < size + alignment + 16 + stats.chunk_overhead);
		} else
			CHECK(stats.largest_free < size);
		counts->failures++;
		return;
	}

	CHECK_EQ((uintptr_t)pointer % alignment, 0);
	if (zeroed)
		CHECK(test_all_bytes(pointer, size, 0));
	slot->pointer = pointer;
	slot->size = size;
	slot->alignment = alignment;
	slot->seed = test_random();
	slot->large = large;
	test_pattern_fill(pointer, slot->seed, 0, size);
	counts->successes++;
	counts->large_successes += large;
}


static void
random_reallocate(struct slot *slot, struct shadow_counts *counts)
{
	size_t size = random_size();
	CHECK(test_pattern_intact(slot->pointer, slot->seed, 0, slot->size));
	size_t refusedBefore = gTestLargeRefused;
	bool wasLarge = slot->large;
	bool large = size >= HEAP_LARGE_THRESHOLD;

	uint8_t *pointer = heap_realloc(slot->pointer, size);
	counts->reallocations++;
	if (pointer == NULL) {
		if (large)
			CHECK(gTestLargeRefused > refusedBefore);
		else {
			/* a large block that shrinks stays where it is rather than fail */
			CHECK(!wasLarge);
			CHECK(test_heap_stats().largest_free < size);
		}
		CHECK(test_pattern_intact(slot->pointer, slot->seed, 0, slot->size));
		counts->failures++;
		return;
	}

	size_t kept = size < slot->size ? size : slot->size;
	CHECK_EQ((uintptr_t)pointer % 16, 0);
	CHECK(test_pattern_intact(pointer, slot->seed, 0, kept));
	test_pattern_fill(pointer, slot->seed, kept, size);
	/* a large block that could not move into the full heap shrank in place */
	if (wasLarge && !large && pointer == slot->pointer)
		large = true;
	slot->pointer = pointer;
	slot->size = size;
	slot->alignment = 16;
	slot->large = large;
	counts->crossings += large != wasLarge;
}


static void
check_shadow_stats(size_t managed)
{
	size_t live = 0;
	size_t requested = 0;
	size_t large = 0;
	for (int i = 0; i < SHADOW_SLOTS; i++) {
		if (sSlots[i].pointer == NULL)
			continue;
		if (sSlots[i].large) {
			large++;
			continue;
		}
		live++;
		requested += sSlots[i].size;
	}

	struct heap_stats stats = test_heap_stats();
	/* rounding to 16 (and debug guard bytes), plus a remainder too small to split */
	size_t slack = stats.chunk_overhead == 16 ? 31 : 55;
	CHECK_EQ(stats.allocations, live);
	CHECK(stats.bytes_in_use >= requested);
	CHECK(stats.bytes_in_use <= requested + live * slack);
	CHECK(stats.peak_in_use >= stats.bytes_in_use);
	CHECK(stats.largest_free <= stats.bytes_free);
	CHECK_EQ(stats.bytes_in_use + stats.bytes_free
		+ stats.chunk_overhead * (stats.allocations + stats.free_chunks), managed);
	CHECK_EQ(stats.large_blocks, large);
	CHECK_EQ(gTestLargeLive, large);
	CHECK_EQ(stats.large_bytes, gTestLargeLiveBytes);
	CHECK(stats.high_water <= stats.heap_size);
}


void
test_heap_shadow_run(long operations, size_t regionSize)
{
	test_heap_setup(regionSize);
	gTestLargeLimit = SHADOW_LARGE_LIMIT;
	struct heap_stats initial = test_heap_stats();
	size_t managed = initial.bytes_free + initial.chunk_overhead;
	gTestRandomState = 0x243f6a8885a308d3ull;
	memset(sSlots, 0, sizeof(sSlots));

	struct shadow_counts counts = { 0 };
	for (long operation = 0; operation < operations; operation++) {
		struct slot *slot = &sSlots[test_random() % SHADOW_SLOTS];
		if (slot->pointer == NULL)
			random_allocate(slot, &counts);
		else if (test_random() % 2 == 0) {
			CHECK(test_pattern_intact(slot->pointer, slot->seed, 0, slot->size));
			heap_free(slot->pointer);
			slot->pointer = NULL;
			counts.frees++;
		} else
			random_reallocate(slot, &counts);

		if (operation % VALIDATE_INTERVAL == 0) {
			heap_validate();
			check_shadow_stats(managed);
		}
	}

	/* every path was taken, including running out of heap and of pages */
	CHECK(counts.failures > counts.large_failures);
	CHECK(counts.large_failures > 0);
	CHECK(counts.large_successes > 0);
	CHECK(counts.crossings > 0);
	CHECK(counts.successes > (size_t)operations / 4);
	CHECK(counts.frees > (size_t)operations / 8);
	CHECK(counts.reallocations > (size_t)operations / 8);
	CHECK_EQ(test_heap_stats().total_allocations, counts.successes);

	for (int i = 0; i < SHADOW_SLOTS; i++) {
		if (sSlots[i].pointer == NULL)
			continue;
		CHECK(test_pattern_intact(sSlots[i].pointer, sSlots[i].seed, 0, sSlots[i].size));
		heap_free(sSlots[i].pointer);
		sSlots[i].pointer = NULL;
	}
	heap_validate();
	struct heap_stats final = test_heap_stats();
	CHECK_EQ(final.free_chunks, 1);
	CHECK_EQ(final.largest_free, initial.largest_free);
	CHECK_EQ(final.bytes_in_use, 0);
	CHECK_EQ(final.large_blocks, 0);
	CHECK_EQ(gTestLargeLive, 0);
}
