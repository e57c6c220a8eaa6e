/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the loader heap's allocation paths: one case per path, and a
 * long random run checked against a shadow model of what should be
 * allocated where.
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


/* The bookkeeping per allocation and the smallest chunk, as heap_private.h says. */
#define HEADER_SIZE		16
#define MIN_CHUNK_SIZE	32

#define RANDOM_OPERATIONS	1000000

static void *sPointers[1024 * 1024 / MIN_CHUNK_SIZE];


TEST(heap_init_and_release)
{
	test_heap_release();
	/* nothing to allocate from before heap_init */
	CHECK(heap_alloc(16) == NULL);
	heap_free(NULL);

	gTestHeapInitFails = true;
	CHECK_EQ(heap_init(NULL), B_NO_MEMORY);
	gTestHeapInitFails = false;
	CHECK(heap_alloc(16) == NULL);

	/* too small for a chunk and the fence: handed back at once */
	int releases = gTestHeapReleaseCount;
	gTestHeapRegionSize = 40;
	CHECK_EQ(heap_init(NULL), B_NO_MEMORY);
	CHECK_EQ(gTestHeapReleaseCount, releases + 1);

	test_heap_setup(64 * 1024);
	CHECK_EQ(heap_init(NULL), B_NOT_ALLOWED);
	struct heap_stats stats = test_heap_stats();
	CHECK_EQ(stats.heap_size, 64 * 1024);
	CHECK_EQ(stats.free_chunks, 1);
	CHECK_EQ(stats.allocations, 0);
	/* one free chunk spanning all but the fence */
	CHECK_EQ(stats.largest_free, 64 * 1024 - 2 * HEADER_SIZE);
	CHECK_EQ(stats.bytes_free, stats.largest_free);

	releases = gTestHeapReleaseCount;
	test_heap_release();
	CHECK_EQ(gTestHeapReleaseCount, releases + 1);
	CHECK(heap_alloc(1) == NULL);
	test_heap_release();
	CHECK_EQ(gTestHeapReleaseCount, releases + 1);
}


TEST(heap_region_sizes_halve_down_to_the_minimum)
{
	const size_t MiB = 1024 * 1024;
	/* 16 MiB asked for: 8, 4, 2, then nothing. */
	CHECK_EQ(heap_next_region_size(16 * MiB, 16 * MiB), 8 * MiB);
	CHECK_EQ(heap_next_region_size(8 * MiB, 16 * MiB), 4 * MiB);
	CHECK_EQ(heap_next_region_size(4 * MiB, 16 * MiB), BOOT_MIN_HEAP_SIZE);
	CHECK_EQ(heap_next_region_size(BOOT_MIN_HEAP_SIZE, 16 * MiB), 0);
	/* Odd sizes: the minimum rather than below it, whole pages otherwise. */
	CHECK_EQ(heap_next_region_size(3 * MiB, 3 * MiB), BOOT_MIN_HEAP_SIZE);
	CHECK_EQ(heap_next_region_size(10 * MiB + 3 * 4096, 10 * MiB + 3 * 4096),
		5 * MiB + 4096);
	/* Asked for less than the minimum: that, or nothing. */
	CHECK_EQ(heap_next_region_size(512 * 1024, 512 * 1024), 0);
}


TEST(heap_misaligned_region)
{
	test_heap_release();
	gTestHeapRegionSize = 64 * 1024 + 5;
	gTestHeapRegionOffset = 8;
	CHECK_EQ(heap_init(NULL), B_OK);
	gTestHeapRegionOffset = 0;

	struct heap_stats stats = test_heap_stats();
	CHECK_EQ(stats.heap_size, 64 * 1024 + 5 - 8);
	void *pointers[64];
	for (int i = 0; i < 64; i++) {
		pointers[i] = heap_alloc((size_t)i * 13);
		CHECK(pointers[i] != NULL);
		CHECK_EQ((uintptr_t)pointers[i] % 16, 0);
		memset(pointers[i], 0xa5, (size_t)i * 13);
	}
	heap_validate();
	for (int i = 0; i < 64; i++)
		heap_free(pointers[i]);
	heap_validate();
	CHECK_EQ(test_heap_stats().largest_free, stats.largest_free);
	test_heap_release();
}


TEST(heap_alloc_zero_and_small)
{
	test_heap_setup(64 * 1024);
	void *a = heap_alloc(0);
	void *b = heap_alloc(0);
	CHECK(a != NULL);
	CHECK(b != NULL);
	CHECK(a != b);
	/* even a zero-size block owns the smallest payload */
	CHECK((uintptr_t)b - (uintptr_t)a >= MIN_CHUNK_SIZE);

	for (size_t size = 1; size <= 200; size++) {
		uint8_t *p = heap_alloc(size);
		CHECK(p != NULL);
		CHECK_EQ((uintptr_t)p % 16, 0);
		memset(p, (int)size, size);
		heap_free(p);
	}
	heap_free(a);
	heap_free(b);
	heap_validate();
	CHECK_EQ(test_heap_stats().free_chunks, 1);
}


/*
 * A free chunk one smallest chunk larger than a request is split: the rest
 * becomes a free chunk of its own, not slack of the allocation.
 */
TEST(heap_split_leaves_a_smallest_chunk)
{
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(200);
	uint8_t *b = heap_alloc(200 + MIN_CHUNK_SIZE);
	uint8_t *c = heap_alloc(200);
	heap_free(b);
	size_t freeChunks = test_heap_stats().free_chunks;

	uint8_t *d = heap_alloc(200);
	CHECK(d == b);
	CHECK_EQ(test_heap_stats().free_chunks, freeChunks);
	uint8_t *e = heap_alloc(MIN_CHUNK_SIZE - HEADER_SIZE);
	CHECK(e == d + ((200 + HEADER_SIZE + 15) & ~(size_t)15));
	heap_validate();
	heap_free(a);
	heap_free(c);
	heap_free(d);
	heap_free(e);
	heap_validate();
}


/*
 * The last bin holds chunks of BIN_MAX_SIZE (64 bins of 16 bytes, as
 * heap_private.h says): a request of exactly that size finds its chunk there
 * before it looks at the tree of larger ones.
 */
TEST(heap_last_bin_is_searched)
{
	test_heap_setup(64 * 1024);
	const size_t binMaxSize = 64 * 16;
	uint8_t *a = heap_alloc(binMaxSize - HEADER_SIZE);
	uint8_t *b = heap_alloc(100);
	heap_free(a);

	uint8_t *c = heap_alloc(binMaxSize - HEADER_SIZE);
	CHECK(c == a);
	heap_free(b);
	heap_free(c);
	heap_validate();
}


TEST(heap_stats_consistency)
{
	test_heap_setup(64 * 1024);
	struct heap_stats initial = test_heap_stats();
	CHECK_EQ(initial.bytes_in_use, 0);
	CHECK_EQ(initial.peak_in_use, 0);
	CHECK_EQ(initial.total_allocations, 0);

	/* 100 bytes: 16 of header, rounded up to a 128-byte chunk */
	void *a = heap_alloc(100);
	struct heap_stats stats = test_heap_stats();
	CHECK_EQ(stats.bytes_in_use, 112);
	CHECK_EQ(stats.peak_in_use, 112);
	CHECK_EQ(stats.allocations, 1);
	CHECK_EQ(stats.total_allocations, 1);
	CHECK_EQ(stats.free_chunks, 1);
	CHECK_EQ(stats.bytes_free, initial.bytes_free - 128);

	void *b = heap_calloc(4, 8);
	void *c = heap_alloc_aligned(256, 10);
	char *d = heap_strdup("stats");
	stats = test_heap_stats();
	CHECK_EQ(stats.allocations, 4);
	CHECK_EQ(stats.total_allocations, 4);
	CHECK_EQ(stats.bytes_in_use + stats.bytes_free
		+ HEADER_SIZE * (stats.allocations + stats.free_chunks),
		initial.bytes_free + HEADER_SIZE);

	heap_free(a);
	heap_free(c);
	stats = test_heap_stats();
	CHECK_EQ(stats.allocations, 2);
	CHECK_EQ(stats.total_allocations, 4);
	CHECK(stats.peak_in_use > stats.bytes_in_use);
	CHECK_EQ(stats.bytes_in_use + stats.bytes_free
		+ HEADER_SIZE * (stats.allocations + stats.free_chunks),
		initial.bytes_free + HEADER_SIZE);

	/* a realloc that moves is no new allocation */
	b = heap_realloc(b, 4000);
	CHECK(b != NULL);
	CHECK_EQ(test_heap_stats().total_allocations, 4);
	heap_free(b);
	heap_free(d);
	stats = test_heap_stats();
	CHECK_EQ(stats.bytes_in_use, 0);
	CHECK_EQ(stats.allocations, 0);
	CHECK_EQ(stats.free_chunks, 1);
	CHECK_EQ(stats.largest_free, initial.largest_free);
	heap_validate();
	/* tracing is off by default */
	CHECK_EQ(gTestDebugCount, 0);
}


TEST(heap_calloc_zeroes_and_checks_overflow)
{
	test_heap_setup(64 * 1024);
	uint8_t *dirty = heap_alloc(1000);
	memset(dirty, 0xff, 1000);
	heap_free(dirty);
	uint8_t *clean = heap_calloc(10, 100);
	CHECK(clean == dirty);
	CHECK(test_all_bytes(clean, 1000, 0));
	heap_free(clean);

	struct heap_stats before = test_heap_stats();
	CHECK(heap_calloc(SIZE_MAX / 2 + 1, 2) == NULL);
	CHECK(heap_calloc(2, SIZE_MAX / 2 + 1) == NULL);
	CHECK(heap_calloc(SIZE_MAX, SIZE_MAX) == NULL);
	CHECK(heap_calloc((SIZE_MAX >> 4) + 2, 16) == NULL);
	CHECK(heap_calloc(1 << 20, 1 << 20) == NULL);
	/* products that fit but exceed the heap fail too */
	CHECK(heap_calloc(512, 512) == NULL);
	struct heap_stats after = test_heap_stats();
	CHECK_EQ(after.allocations, before.allocations);
	CHECK_EQ(after.largest_free, before.largest_free);
	heap_validate();

	void *empty = heap_calloc(0, SIZE_MAX);
	CHECK(empty != NULL);
	heap_free(empty);
}


TEST(heap_huge_requests_fail_cleanly)
{
	test_heap_setup(64 * 1024);
	struct heap_stats before = test_heap_stats();
	CHECK(heap_alloc(SIZE_MAX) == NULL);
	CHECK(heap_alloc(SIZE_MAX - 8) == NULL);
	CHECK(heap_alloc(SIZE_MAX - 31) == NULL);
	CHECK(heap_alloc(before.largest_free + 1) == NULL);
	CHECK(heap_alloc_aligned(4096, SIZE_MAX - 100) == NULL);
	CHECK(heap_alloc_aligned((size_t)1 << 40, 16) == NULL);
	void *p = heap_alloc(10);
	CHECK(heap_realloc(p, SIZE_MAX) == NULL);
	CHECK(heap_realloc(p, SIZE_MAX - 15) == NULL);
	heap_free(p);
	heap_validate();
	CHECK_EQ(test_heap_stats().largest_free, before.largest_free);

	/* the largest free size is exactly what still succeeds */
	void *all = heap_alloc(before.largest_free);
	CHECK(all != NULL);
	CHECK_EQ(test_heap_stats().free_chunks, 0);
	CHECK(heap_alloc(0) == NULL);
	heap_free(all);
	heap_validate();
}


TEST(heap_strdup_copies)
{
	test_heap_setup(64 * 1024);
	const char *text = "kernel=/boot/kernel";
	char *copy = heap_strdup(text);
	CHECK(copy != NULL);
	CHECK(copy != text);
	CHECK(strcmp(copy, text) == 0);
	char *empty = heap_strdup("");
	CHECK(empty != NULL);
	CHECK_EQ(empty[0], '\0');
	heap_free(copy);
	heap_free(empty);
	heap_validate();
}


TEST(heap_coalesce_all_neighbour_cases)
{
	uint8_t *blocks[7];
	test_heap_setup(64 * 1024);
	test_heap_row(blocks);

	/* neither neighbour free: a free chunk of its own */
	heap_free(blocks[1]);
	heap_validate();
	CHECK_EQ(test_heap_stats().free_chunks, 2);

	/* the previous one free: merges backwards */
	heap_free(blocks[2]);
	heap_validate();
	CHECK_EQ(test_heap_stats().free_chunks, 2);
	/* best fit: the 160-byte merged chunk exactly */
	CHECK(heap_alloc(160 - HEADER_SIZE) == blocks[1]);
	CHECK_EQ(test_heap_stats().free_chunks, 1);
	heap_free(blocks[1]);

	/* the next one free: merges forwards */
	heap_free(blocks[5]);
	CHECK_EQ(test_heap_stats().free_chunks, 3);
	heap_free(blocks[4]);
	heap_validate();
	CHECK_EQ(test_heap_stats().free_chunks, 3);
	/* two free chunks of one bin size: the one freed last comes first */
	CHECK(heap_alloc(160 - HEADER_SIZE) == blocks[4]);
	CHECK(heap_alloc(160 - HEADER_SIZE) == blocks[1]);
	CHECK_EQ(test_heap_stats().free_chunks, 1);

	/* blocks[6] joins both its free predecessor and the free tail */
	heap_free(blocks[3]);
	heap_free(blocks[4]);
	CHECK_EQ(test_heap_stats().free_chunks, 2);
	heap_free(blocks[6]);
	heap_validate();
	CHECK_EQ(test_heap_stats().free_chunks, 1);
	heap_free(blocks[1]);
	heap_free(blocks[0]);
	heap_validate();
	CHECK_EQ(test_heap_stats().free_chunks, 1);
	CHECK_EQ(test_heap_stats().allocations, 0);

	/* and the plain "both" case away from the tail */
	test_heap_row(blocks);
	heap_free(blocks[1]);
	heap_free(blocks[3]);
	CHECK_EQ(test_heap_stats().free_chunks, 3);
	heap_free(blocks[2]);
	heap_validate();
	CHECK_EQ(test_heap_stats().free_chunks, 2);
	CHECK(heap_alloc(240 - HEADER_SIZE) == blocks[1]);
}


TEST(heap_tree_prefers_lower_addresses)
{
	test_heap_setup(64 * 1024);
	/* chunks above the bins' 1024 bytes, each between two used ones */
	uint8_t *blocks[5];
	for (int i = 0; i < 5; i++)
		blocks[i] = heap_alloc(2000);
	heap_free(blocks[3]);
	heap_free(blocks[1]);
	heap_validate();
	CHECK(heap_alloc(2000) == blocks[1]);
	CHECK(heap_alloc(2000) == blocks[3]);

	/* best fit: the smaller of two large enough */
	uint8_t *big = heap_alloc(5000);
	uint8_t *guard = heap_alloc(16);
	heap_free(blocks[2]);
	heap_free(big);
	CHECK(heap_alloc(1500) == blocks[2]);
	CHECK(heap_alloc(4000) == big);
	heap_free(guard);
	heap_validate();
}


TEST(heap_top_chunk_is_the_last_resort)
{
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(200);
	uint8_t *guard = heap_alloc(16);
	heap_free(a);
	/* a's free chunk fits: it is used before the top is cut */
	uint8_t *b = heap_alloc(100);
	CHECK(b == a);
	/* its 96-byte rest is too small for 200: the top */
	uint8_t *c = heap_alloc(200);
	CHECK(c > guard);
	CHECK_EQ(test_heap_stats().free_chunks, 2);

	/* freeing the last block returns it to the top */
	struct heap_stats before = test_heap_stats();
	heap_free(c);
	struct heap_stats after = test_heap_stats();
	CHECK_EQ(after.free_chunks, before.free_chunks);
	CHECK_EQ(after.largest_free, before.largest_free + 224);
	heap_free(b);
	heap_free(guard);
	heap_validate();
	CHECK_EQ(test_heap_stats().free_chunks, 1);
}


TEST(heap_realloc_in_place)
{
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(64);
	uint8_t *b = heap_alloc(256);
	uint8_t *guard = heap_alloc(16);
	test_pattern_fill(a, 1, 0, 64);

	/* grows into the free successor */
	heap_free(b);
	CHECK(heap_realloc(a, 64 + 200) == a);
	CHECK(test_pattern_intact(a, 1, 0, 64));
	test_pattern_fill(a, 1, 64, 264);
	heap_validate();
	/* the unused rest of the successor is still free */
	CHECK_EQ(test_heap_stats().free_chunks, 2);

	/* takes all of the successor */
	CHECK(heap_realloc(a, 64 + 256) == a);
	CHECK(test_pattern_intact(a, 1, 0, 264));
	CHECK_EQ(test_heap_stats().free_chunks, 1);
	heap_validate();

	/* shrinks in place and frees the tail */
	CHECK(heap_realloc(a, 32) == a);
	CHECK(test_pattern_intact(a, 1, 0, 32));
	CHECK_EQ(test_heap_stats().free_chunks, 2);
	heap_validate();
	/* a request that rounds to the same chunk changes nothing */
	CHECK(heap_realloc(a, 24) == a);
	CHECK_EQ(test_heap_stats().free_chunks, 2);
	/* realloc to 0 keeps a valid block */
	CHECK(heap_realloc(a, 0) == a);
	CHECK(test_pattern_intact(a, 1, 0, 16));
	heap_validate();
	/* and it grows back in place */
	CHECK(heap_realloc(a, 300) == a);
	CHECK(test_pattern_intact(a, 1, 0, 16));
	heap_validate();

	/* a shrink by 16 hands the 16 bytes to a free successor */
	uint8_t *c = heap_alloc(300);
	heap_free(guard);
	size_t freeBefore = test_heap_stats().bytes_free;
	CHECK(heap_realloc(c, 300 - 16) == c);
	CHECK_EQ(test_heap_stats().bytes_free, freeBefore + 16);
	heap_validate();
}


/* The boundary of growing in place: a successor of exactly the bytes needed. */
TEST(heap_realloc_takes_a_successor_of_exactly_the_needed_size)
{
	test_heap_setup(64 * 1024);
	/* Chunks of 80 and 272 bytes: together 352, the chunk of a 336-byte request. */
	uint8_t *a = heap_alloc(64);
	uint8_t *b = heap_alloc(256);
	uint8_t *guard = heap_alloc(16);
	test_pattern_fill(a, 2, 0, 64);
	heap_free(b);
	size_t freeChunks = test_heap_stats().free_chunks;

	CHECK(heap_realloc(a, 80 + 272 - HEADER_SIZE) == a);
	CHECK(test_pattern_intact(a, 2, 0, 64));
	/* Nothing of the successor is left over. */
	CHECK_EQ(test_heap_stats().free_chunks, freeChunks - 1);
	heap_validate();

	/* One byte more does not fit there: the block moves, its bytes with it. */
	uint8_t *moved = heap_realloc(a, 80 + 272 - HEADER_SIZE + 1);
	CHECK(moved != NULL && moved != a);
	CHECK(test_pattern_intact(moved, 2, 0, 64));
	heap_validate();
	heap_free(moved);
	heap_free(guard);
}


TEST(heap_realloc_moves)
{
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(100);
	uint8_t *b = heap_alloc(100);
	uint8_t *c = heap_alloc(100);
	test_pattern_fill(b, 2, 0, 100);

	/* no room behind b: it moves, the contents come along */
	uint8_t *moved = heap_realloc(b, 1000);
	CHECK(moved != NULL);
	CHECK(moved != b);
	CHECK(test_pattern_intact(moved, 2, 0, 100));
	heap_validate();
	CHECK_EQ(test_heap_stats().allocations, 3);

	/*
	 * A free predecessor too small on its own takes the block: the chunks
	 * are a, free (b), c, moved; with a freed, a and b merge into 256 bytes.
	 */
	test_pattern_fill(c, 3, 0, 100);
	heap_free(a);
	uint8_t *down = heap_realloc(c, 300);
	CHECK(down == a);
	CHECK(test_pattern_intact(down, 3, 0, 100));
	heap_validate();

	/* failure leaves the block as it was */
	struct heap_stats before = test_heap_stats();
	CHECK(heap_realloc(moved, before.largest_free * 2) == NULL);
	CHECK(test_pattern_intact(moved, 2, 0, 100));
	CHECK_EQ(test_heap_stats().allocations, before.allocations);
	heap_validate();

	/* realloc(NULL) allocates */
	void *fresh = heap_realloc(NULL, 10);
	CHECK(fresh != NULL);
	CHECK_EQ(test_heap_stats().total_allocations, before.total_allocations + 1);
}


TEST(heap_aligned_allocations)
{
	test_heap_setup(1024 * 1024);
	struct heap_stats initial = test_heap_stats();

	CHECK(heap_alloc_aligned(0, 16) == NULL);
	CHECK(heap_alloc_aligned(24, 16) == NULL);
	CHECK(heap_alloc_aligned(4097, 16) == NULL);

	void *pointers[13 * 6];
	int count = 0;
	for (size_t alignment = 1; alignment <= 4096; alignment *= 2) {
		static const size_t kSizes[] = { 0, 1, 16, 100, 4096, 5000 };
		for (size_t i = 0; i < sizeof(kSizes) / sizeof(kSizes[0]); i++) {
			/* an odd block in between, so the free space starts misaligned */
			void *spacer = heap_alloc(16 * (i + 1));
			uint8_t *p = heap_alloc_aligned(alignment, kSizes[i]);
			CHECK(p != NULL);
			CHECK_EQ((uintptr_t)p % (alignment < 16 ? 16 : alignment), 0);
			test_pattern_fill(p, alignment + i, 0, kSizes[i]);
			pointers[count++] = p;
			heap_free(spacer);
			heap_validate();
		}
	}
	for (int i = 0; i < count; i++) {
		const size_t kSizes[] = { 0, 1, 16, 100, 4096, 5000 };
		size_t alignment = (size_t)1 << (i / 6);
		CHECK(test_pattern_intact(pointers[i], alignment + (size_t)(i % 6), 0, kSizes[i % 6]));
	}
	for (int i = count - 1; i >= 0; i -= 2)
		heap_free(pointers[i]);
	heap_validate();
	for (int i = count - 2; i >= 0; i -= 2)
		heap_free(pointers[i]);
	heap_validate();
	struct heap_stats stats = test_heap_stats();
	CHECK_EQ(stats.free_chunks, 1);
	CHECK_EQ(stats.largest_free, initial.largest_free);
}


/*
 * Two free chunks of one size in the tree: the first cannot hold the aligned
 * block, the second can, with no slack at all. The search goes on to the
 * second rather than back to the first, or past both to the top.
 */
TEST(heap_aligned_search_goes_on_to_the_next_chunk_of_a_size)
{
	test_heap_setup(256 * 1024);
	const size_t size = 2000;			/* a tree chunk: over BIN_MAX_SIZE */
	uint8_t *first = heap_alloc(size);
	if ((uintptr_t)first % 4096 == 0) {
		heap_alloc(16);
		first = heap_alloc(size);
	}
	CHECK((uintptr_t)first % 4096 != 0);
	heap_alloc(16);
	/* pads of 48-byte chunks (a step of 16 modulo 32) until the next block's
	 * payload lies on a page boundary */
	uint8_t *second;
	while ((second = heap_alloc(size)) != NULL && ((uintptr_t)second & 4095) != 0) {
		heap_free(second);
		CHECK(heap_alloc(32) != NULL);
	}
	CHECK(second != NULL);
	CHECK(heap_alloc(16) != NULL);
	heap_free(first);
	heap_free(second);
	heap_validate();

	CHECK(heap_alloc_aligned(4096, size) == second);
	heap_validate();
}


/* The largest free chunk is the free tree's rightmost, not its leftmost. */
TEST(heap_largest_free_chunk_is_the_trees_largest)
{
	test_heap_setup(64 * 1024);
	uint8_t *small = heap_alloc(2000);
	CHECK(heap_alloc(16) != NULL);
	uint8_t *large = heap_alloc(6000);
	CHECK(heap_alloc(16) != NULL);
	/* the rest in one block: no top chunk left to be the largest */
	CHECK(heap_alloc(test_heap_stats().largest_free) != NULL);
	heap_free(small);
	heap_free(large);
	heap_validate();
	struct heap_stats stats = test_heap_stats();
	CHECK_EQ(stats.free_chunks, 2);
	CHECK_EQ(stats.largest_free, 6000);
}


TEST(heap_aligned_slack_becomes_free_chunk)
{
	test_heap_setup(64 * 1024);
	/* the first payload is at base + 16, so a page-aligned one needs slack */
	void *first = heap_alloc_aligned(4096, 100);
	CHECK_EQ((uintptr_t)first % 4096, 0);
	struct heap_stats stats = test_heap_stats();
	CHECK_EQ(stats.free_chunks, 2);
	heap_validate();

	/* the slack is usable */
	void *small = heap_alloc(64);
	CHECK((uintptr_t)small < (uintptr_t)first);
	heap_free(small);
	heap_free(first);
	heap_validate();
	CHECK_EQ(test_heap_stats().free_chunks, 1);

	/* a chunk that fits only with its exact slack is still found */
	size_t largest = test_heap_stats().largest_free;
	uint8_t *p = heap_alloc_aligned(64, largest - 64);
	CHECK(p != NULL);
	CHECK_EQ((uintptr_t)p % 64, 0);
	heap_free(p);
	heap_validate();
}


TEST(heap_aligned_tries_further_candidates)
{
	/* region base B is page aligned; the first payload is at B + 16 */
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(112);
	uint8_t *guard1 = heap_alloc(16);
	uint8_t *b = heap_alloc(192);
	uint8_t *guard2 = heap_alloc(16);
	uint8_t *base = a - HEADER_SIZE;
	CHECK_EQ((uintptr_t)base % KERNEL_PAGE_SIZE, 0);
	CHECK(guard1 == base + 128 + HEADER_SIZE);
	CHECK(b == base + 160 + HEADER_SIZE);
	CHECK(guard2 == base + 368 + HEADER_SIZE);
	heap_free(a);
	heap_free(b);

	/*
	 * 112 bytes aligned to 256 need a 128-byte chunk. The best fit, a's 128
	 * bytes, has no room for slack; b's 208 bytes have exactly enough for
	 * 80 bytes of slack and the chunk. A search padded for the worst case
	 * would have gone to the tail instead.
	 */
	uint8_t *p = heap_alloc_aligned(256, 112);
	CHECK(p == base + 256);
	heap_validate();
	/* a's chunk, the slack before p, the tail */
	CHECK_EQ(test_heap_stats().free_chunks, 3);
	heap_free(p);
	heap_validate();
}


TEST(heap_exhaustion_and_recovery)
{
	test_heap_setup(1024 * 1024);
	struct heap_stats initial = test_heap_stats();
	gTestRandomState = 0x1234567;

	size_t count = 0;
	size_t size = 64 * 1024;
	for (;;) {
		void *p = heap_alloc(test_random() % (size + 1));
		if (p == NULL) {
			if (size == 0)
				break;
			size /= 2;
			continue;
		}
		CHECK(count < sizeof(sPointers) / sizeof(sPointers[0]));
		sPointers[count++] = p;
	}
	heap_validate();
	struct heap_stats full = test_heap_stats();
	CHECK_EQ(full.free_chunks, 0);
	CHECK_EQ(full.largest_free, 0);
	CHECK_EQ(full.allocations, count);
	CHECK(heap_alloc_aligned(64, 0) == NULL);
	CHECK(heap_calloc(1, 1) == NULL);

	/* free in random order */
	for (size_t i = count; i > 1; i--) {
		size_t j = test_random() % i;
		void *swap = sPointers[i - 1];
		sPointers[i - 1] = sPointers[j];
		sPointers[j] = swap;
	}
	for (size_t i = 0; i < count; i++) {
		heap_free(sPointers[i]);
		if (i % 512 == 0)
			heap_validate();
	}
	heap_validate();
	struct heap_stats empty = test_heap_stats();
	CHECK_EQ(empty.free_chunks, 1);
	CHECK_EQ(empty.largest_free, initial.largest_free);
	CHECK_EQ(empty.bytes_in_use, 0);
	CHECK_EQ(empty.allocations, 0);
	CHECK_EQ(empty.total_allocations, count);

	void *all = heap_alloc(initial.largest_free);
	CHECK(all != NULL);
	heap_free(all);
}


TEST(heap_random_against_shadow)
{
	test_heap_shadow_run(RANDOM_OPERATIONS, 8 * 1024 * 1024);
}
