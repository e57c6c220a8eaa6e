/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the heap's large blocks and reports: allocations that bypass
 * the heap, realloc across the threshold, platform failures, the leak report
 * at release, statistics and the high-water mark.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/kernel_args.h>
#include <boot/stage2.h>

#include "test_heap_platform.h"
#include "test_heap_shadow.h"
#include "unit_test.h"

/* The record at a large block's end, as heap_private.h has it. */
#define LARGE_RECORD_SIZE	56


TEST(heap_init_with_stage2_args)
{
	test_heap_release();
	struct stage2_args args;
	memset(&args, 0, sizeof(args));
	CHECK_EQ(heap_init(&args), B_OK);
	/* heap_size 0 selects the default */
	CHECK_EQ(test_heap_stats().heap_size, BOOT_DEFAULT_HEAP_SIZE);
	void *p = heap_alloc(100);
	CHECK(p != NULL);
	heap_free(p);
	int releases = gTestHeapReleaseCount;
	heap_release(&args);
	CHECK_EQ(gTestHeapReleaseCount, releases + 1);

	args.heap_size = 256 * 1024;
	CHECK_EQ(heap_init(&args), B_OK);
	CHECK_EQ(test_heap_stats().heap_size, 256 * 1024);
	heap_release(&args);
}


TEST(heap_high_water_marks_highest_use)
{
	test_heap_setup(64 * 1024);
	CHECK_EQ(test_heap_stats().high_water, 0);
	/* the region is page aligned: the first chunk starts at its base */
	void *a = heap_alloc(100);
	CHECK_EQ(test_heap_stats().high_water, 128);
	void *b = heap_alloc(1000);
	CHECK_EQ(test_heap_stats().high_water, 128 + 1024);
	heap_free(b);
	heap_free(a);
	/* a mark, not a level */
	CHECK_EQ(test_heap_stats().high_water, 128 + 1024);
	a = heap_alloc(16);
	CHECK_EQ(test_heap_stats().high_water, 128 + 1024);
	heap_free(a);
}


TEST(heap_large_allocations_bypass_the_heap)
{
	test_heap_setup(4 * 1024 * 1024);
	struct heap_stats initial = test_heap_stats();
	size_t calls = gTestLargeCalls;

	/* just below the threshold: still the heap's */
	uint8_t *below = heap_alloc(HEAP_LARGE_THRESHOLD - 1);
	CHECK(below != NULL);
	CHECK_EQ(test_heap_stats().allocations, 1);
	CHECK_EQ(gTestLargeCalls, calls);
	heap_free(below);

	uint8_t *large = heap_alloc(HEAP_LARGE_THRESHOLD);
	CHECK(large != NULL);
	CHECK_EQ(gTestLargeCalls, calls + 1);
	CHECK_EQ(gTestLargeLive, 1);
	CHECK_EQ((uintptr_t)large % KERNEL_PAGE_SIZE, 0);
	test_pattern_fill(large, 7, 0, HEAP_LARGE_THRESHOLD);
	struct heap_stats stats = test_heap_stats();
	CHECK_EQ(stats.allocations, 0);
	CHECK_EQ(stats.bytes_in_use, 0);
	CHECK_EQ(stats.largest_free, initial.largest_free);
	CHECK_EQ(stats.large_blocks, 1);
	/* whole pages, the record included */
	CHECK_EQ(stats.large_bytes, gTestLargeLiveBytes);
	CHECK(stats.large_bytes >= HEAP_LARGE_THRESHOLD);
	CHECK(stats.large_bytes <= HEAP_LARGE_THRESHOLD + KERNEL_PAGE_SIZE);
	CHECK_EQ(stats.total_allocations, initial.total_allocations + 2);
	heap_validate();

	/* calloc clears what the platform handed out dirty */
	uint8_t *zeroed = heap_calloc(3, HEAP_LARGE_THRESHOLD / 2);
	CHECK(zeroed != NULL);
	CHECK(test_all_bytes(zeroed, 3 * HEAP_LARGE_THRESHOLD / 2, 0));

	/* alignment beyond the platform's pages */
	uint8_t *aligned = heap_alloc_aligned(1024 * 1024, 2 * HEAP_LARGE_THRESHOLD);
	CHECK(aligned != NULL);
	CHECK_EQ((uintptr_t)aligned % (1024 * 1024), 0);
	test_pattern_fill(aligned, 8, 0, 2 * HEAP_LARGE_THRESHOLD);
	CHECK_EQ(gTestLargeLive, 3);
	CHECK_EQ(test_heap_stats().large_blocks, 3);
	heap_validate();

	CHECK(test_pattern_intact(large, 7, 0, HEAP_LARGE_THRESHOLD));
	heap_free(large);
	CHECK(test_pattern_intact(aligned, 8, 0, 2 * HEAP_LARGE_THRESHOLD));
	heap_free(aligned);
	heap_free(zeroed);
	CHECK_EQ(gTestLargeLive, 0);
	stats = test_heap_stats();
	CHECK_EQ(stats.large_blocks, 0);
	CHECK_EQ(stats.large_bytes, 0);
	heap_validate();
}


TEST(heap_large_realloc_across_the_threshold)
{
	test_heap_setup(2 * 1024 * 1024);

	/* small to large: the contents move out of the heap */
	uint8_t *block = heap_alloc(1000);
	test_pattern_fill(block, 9, 0, 1000);
	uint8_t *large = heap_realloc(block, HEAP_LARGE_THRESHOLD + 100);
	CHECK(large != NULL);
	CHECK_EQ(gTestLargeLive, 1);
	CHECK_EQ(test_heap_stats().allocations, 0);
	CHECK(test_pattern_intact(large, 9, 0, 1000));
	test_pattern_fill(large, 9, 1000, HEAP_LARGE_THRESHOLD + 100);

	/* a little more fits the block's last page: in place */
	size_t calls = gTestLargeCalls;
	CHECK(heap_realloc(large, HEAP_LARGE_THRESHOLD + 200) == large);
	CHECK_EQ(gTestLargeCalls, calls);
	test_pattern_fill(large, 9, HEAP_LARGE_THRESHOLD + 100, HEAP_LARGE_THRESHOLD + 200);
	/* so does every byte up to the block's record (LARGE_RECORD_SIZE) */
	CHECK(heap_realloc(large, HEAP_LARGE_THRESHOLD + KERNEL_PAGE_SIZE - LARGE_RECORD_SIZE)
		== large);
	CHECK_EQ(gTestLargeCalls, calls);

	/* twice as much does not: a new block */
	uint8_t *larger = heap_realloc(large, 2 * HEAP_LARGE_THRESHOLD);
	CHECK(larger != NULL);
	CHECK(larger != large);
	CHECK_EQ(gTestLargeLive, 1);
	CHECK(test_pattern_intact(larger, 9, 0, HEAP_LARGE_THRESHOLD + 200));
	heap_validate();

	/* large to small: back into the heap */
	uint8_t *small = heap_realloc(larger, 5000);
	CHECK(small != NULL);
	CHECK_EQ(gTestLargeLive, 0);
	CHECK_EQ(test_heap_stats().allocations, 1);
	CHECK(test_pattern_intact(small, 9, 0, 5000));
	heap_validate();

	/* the platform refuses: NULL, and the small block is untouched */
	gTestLargeFails = true;
	CHECK(heap_realloc(small, 3 * HEAP_LARGE_THRESHOLD) == NULL);
	CHECK(test_pattern_intact(small, 9, 0, 5000));
	CHECK_EQ(test_heap_stats().allocations, 1);
	gTestLargeFails = false;

	/* a large block that shrinks while the heap is full stays where it is */
	large = heap_realloc(small, HEAP_LARGE_THRESHOLD);
	CHECK(large != NULL);
	void *fillers[8];
	int fillerCount = 0;
	while (test_heap_stats().free_chunks != 0) {
		CHECK(fillerCount < 8);
		/* what the heap itself takes: less than the threshold */
		size_t size = test_heap_stats().largest_free;
		if (size >= HEAP_LARGE_THRESHOLD)
			size = HEAP_LARGE_THRESHOLD - 1;
		fillers[fillerCount] = heap_alloc(size);
		CHECK(fillers[fillerCount] != NULL);
		fillerCount++;
	}
	CHECK(heap_realloc(large, 100) == large);
	CHECK(test_pattern_intact(large, 9, 0, 100));
	CHECK_EQ(gTestLargeLive, 1);
	heap_validate();
	for (int i = 0; i < fillerCount; i++)
		heap_free(fillers[i]);
	heap_free(large);
	CHECK_EQ(gTestLargeLive, 0);
	heap_validate();
}


TEST(heap_large_failure_keeps_heap_intact)
{
	test_heap_setup(256 * 1024);
	void *keep = heap_alloc(500);
	test_pattern_fill(keep, 10, 0, 500);
	struct heap_stats before = test_heap_stats();

	gTestLargeFails = true;
	CHECK(heap_alloc(HEAP_LARGE_THRESHOLD) == NULL);
	CHECK(heap_calloc(HEAP_LARGE_THRESHOLD, 2) == NULL);
	CHECK(heap_alloc_aligned(4096, 4 * HEAP_LARGE_THRESHOLD) == NULL);
	CHECK(heap_realloc(NULL, HEAP_LARGE_THRESHOLD) == NULL);
	gTestLargeFails = false;

	/* out of pages rather than refused outright */
	gTestLargeLimit = HEAP_LARGE_THRESHOLD + KERNEL_PAGE_SIZE;
	void *fits = heap_alloc(HEAP_LARGE_THRESHOLD);
	CHECK(fits != NULL);
	CHECK(heap_alloc(HEAP_LARGE_THRESHOLD) == NULL);
	heap_free(fits);

	struct heap_stats after = test_heap_stats();
	CHECK_EQ(after.allocations, before.allocations);
	CHECK_EQ(after.bytes_in_use, before.bytes_in_use);
	CHECK_EQ(after.largest_free, before.largest_free);
	CHECK_EQ(after.large_blocks, 0);
	CHECK_EQ(after.total_allocations, before.total_allocations + 1);
	CHECK_EQ(gTestLargeLive, 0);
	CHECK(test_pattern_intact(keep, 10, 0, 500));
	heap_validate();

	/* and everything works again once there are pages */
	gTestLargeLimit = SIZE_MAX / 2;
	fits = heap_alloc(HEAP_LARGE_THRESHOLD);
	CHECK(fits != NULL);
	heap_free(fits);
	heap_free(keep);
	heap_validate();
}


TEST(heap_release_reports_leaks)
{
	test_heap_setup(64 * 1024);
	void *small = heap_alloc(100);
	void *other = heap_strdup("leaked");
	void *large = heap_alloc(HEAP_LARGE_THRESHOLD + 5);
	void *freed = heap_alloc(300);
	heap_free(freed);
	CHECK(small != NULL && other != NULL && large != NULL);
	CHECK_EQ(gTestLargeLive, 1);
	size_t largeBytes = test_heap_stats().large_bytes;

	test_debug_reset();
	test_heap_release();
	char expected[160];
	/* 100 bytes take 112, "leaked" 16 */
	snprintf(expected, sizeof(expected), "heap: still allocated at release: 2 allocations "
		"of 128 bytes, 1 large blocks of %zu bytes\n", largeBytes);
	CHECK(strstr(gTestDebugOutput, expected) != NULL);
	snprintf(expected, sizeof(expected), "heap: leak: large block %p, %zu bytes\n", large,
		(size_t)HEAP_LARGE_THRESHOLD + 5);
	CHECK(strstr(gTestDebugOutput, expected) != NULL);
	/* the large block went back to the platform */
	CHECK_EQ(gTestLargeLive, 0);

	/* nothing left over, nothing said */
	test_heap_setup(64 * 1024);
	void *p = heap_alloc(10);
	void *q = heap_alloc(HEAP_LARGE_THRESHOLD);
	heap_free(p);
	heap_free(q);
	test_debug_reset();
	test_heap_release();
	CHECK_EQ(gTestDebugCount, 0);
}


TEST(heap_print_statistics_reports_figures)
{
	test_heap_setup(64 * 1024);
	void *a = heap_alloc(100);
	void *b = heap_alloc(200);
	void *large = heap_alloc(HEAP_LARGE_THRESHOLD);
	heap_free(b);
	struct heap_stats stats = test_heap_stats();

	test_debug_reset();
	heap_print_statistics();
	char expected[160];
	snprintf(expected, sizeof(expected), "in use %zu bytes in 1 allocations, peak %zu bytes",
		stats.bytes_in_use, stats.peak_in_use);
	CHECK(strstr(gTestDebugOutput, expected) != NULL);
	snprintf(expected, sizeof(expected), "free %zu bytes in %zu chunks, largest %zu bytes",
		stats.bytes_free, stats.free_chunks, stats.largest_free);
	CHECK(strstr(gTestDebugOutput, expected) != NULL);
	snprintf(expected, sizeof(expected), "large blocks 1, %zu bytes", stats.large_bytes);
	CHECK(strstr(gTestDebugOutput, expected) != NULL);
	CHECK(strstr(gTestDebugOutput, "64 KiB") != NULL);
	CHECK(strstr(gTestDebugOutput, "3 allocations made") != NULL);
	heap_free(a);
	heap_free(large);
}
