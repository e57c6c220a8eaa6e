/*
 * Unit tests of the loader heap: one case per path, and a long random run
 * checked against a shadow model of what should be allocated where.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/heap.h>

#include "test_heap_platform.h"
#include "unit_test.h"


/* The bookkeeping per allocation and the smallest chunk, as heap.c documents. */
#define HEADER_SIZE		16
#define MIN_CHUNK_SIZE	32

#define RANDOM_OPERATIONS	1000000
#define RANDOM_SLOTS		2048
#define VALIDATE_INTERVAL	256

/*
 * Runs statement, which must panic; the message must contain needle. The
 * heap may be corrupt afterwards: the test repairs or resets it.
 */
#define CHECK_PANICS(statement, needle) \
	do { \
		jmp_buf panicJump; \
		int panicsBefore = gTestPanicCount; \
		gTestPanicJump = &panicJump; \
		if (setjmp(panicJump) == 0) { \
			statement; \
			gTestPanicJump = NULL; \
			unit_fail(__FILE__, __LINE__, "%s did not panic", #statement); \
		} \
		CHECK_EQ(gTestPanicCount, panicsBefore + 1); \
		if (strstr(gTestPanicMessage, needle) == NULL) { \
			unit_fail(__FILE__, __LINE__, "panic \"%s\" does not name %s", \
				gTestPanicMessage, needle); \
		} \
	} while (0)

struct slot {
	uint8_t		*pointer;
	size_t		size;
	size_t		alignment;
	uint64_t	seed;
};

static struct slot sSlots[RANDOM_SLOTS];
static void *sPointers[1024 * 1024 / MIN_CHUNK_SIZE];
static uint64_t sRandomState;


static uint64_t
random_next(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	sRandomState ^= sRandomState >> 12;
	sRandomState ^= sRandomState << 25;
	sRandomState ^= sRandomState >> 27;
	return sRandomState * 0x2545f4914f6cdd1dull;
}


/* A fresh heap over a region of the given size; drops what a failed test left. */
static void
heap_setup(size_t regionSize)
{
	heap_release(NULL);
	gTestHeapRegionSize = regionSize;
	gTestHeapRegionOffset = 0;
	gTestHeapInitFails = false;
	gTestPanicJump = NULL;
	CHECK_EQ(heap_init(NULL), B_OK);
	heap_validate();
}


static struct heap_stats
stats_now(void)
{
	struct heap_stats stats;
	heap_get_stats(&stats);
	return stats;
}


static void
address_string(char *buffer, size_t size, const void *address)
{
	snprintf(buffer, size, "%p", address);
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


/* Fills bytes [from, to) of a 16-byte aligned block with the seed's pattern. */
static void
pattern_fill(uint8_t *block, uint64_t seed, size_t from, size_t to)
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


static bool
pattern_intact(const uint8_t *block, uint64_t seed, size_t from, size_t to)
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


static bool
all_zero(const uint8_t *block, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (block[i] != 0)
			return false;
	}
	return true;
}


/* Mostly small, now and then up to a megabyte: what a loader asks for. */
static size_t
random_size(void)
{
	uint64_t bucket = random_next() % 1000;
	if (bucket < 550)
		return random_next() % 65;
	if (bucket < 850)
		return 65 + random_next() % 960;
	if (bucket < 980)
		return 1024 + random_next() % (15 * 1024);
	if (bucket < 998)
		return 16 * 1024 + random_next() % (112 * 1024);
	return 128 * 1024 + random_next() % (896 * 1024);
}


TEST(heap_init_and_release)
{
	heap_release(NULL);
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

	heap_setup(64 * 1024);
	CHECK_EQ(heap_init(NULL), B_NOT_ALLOWED);
	struct heap_stats stats = stats_now();
	CHECK_EQ(stats.heap_size, 64 * 1024);
	CHECK_EQ(stats.free_chunks, 1);
	CHECK_EQ(stats.allocations, 0);
	/* one free chunk spanning all but the fence */
	CHECK_EQ(stats.largest_free, 64 * 1024 - 2 * HEADER_SIZE);
	CHECK_EQ(stats.bytes_free, stats.largest_free);

	releases = gTestHeapReleaseCount;
	heap_release(NULL);
	CHECK_EQ(gTestHeapReleaseCount, releases + 1);
	CHECK(heap_alloc(1) == NULL);
	heap_release(NULL);
	CHECK_EQ(gTestHeapReleaseCount, releases + 1);
}


TEST(heap_misaligned_region)
{
	heap_release(NULL);
	gTestHeapRegionSize = 64 * 1024 + 5;
	gTestHeapRegionOffset = 8;
	CHECK_EQ(heap_init(NULL), B_OK);
	gTestHeapRegionOffset = 0;

	struct heap_stats stats = stats_now();
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
	CHECK_EQ(stats_now().largest_free, stats.largest_free);
	heap_release(NULL);
}


TEST(heap_alloc_zero_and_small)
{
	heap_setup(64 * 1024);
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
	CHECK_EQ(stats_now().free_chunks, 1);
}


TEST(heap_stats_consistency)
{
	heap_setup(64 * 1024);
	struct heap_stats initial = stats_now();
	CHECK_EQ(initial.bytes_in_use, 0);
	CHECK_EQ(initial.peak_in_use, 0);
	CHECK_EQ(initial.total_allocations, 0);

	/* 100 bytes: 16 of header, rounded up to a 128-byte chunk */
	void *a = heap_alloc(100);
	struct heap_stats stats = stats_now();
	CHECK_EQ(stats.bytes_in_use, 112);
	CHECK_EQ(stats.peak_in_use, 112);
	CHECK_EQ(stats.allocations, 1);
	CHECK_EQ(stats.total_allocations, 1);
	CHECK_EQ(stats.free_chunks, 1);
	CHECK_EQ(stats.bytes_free, initial.bytes_free - 128);

	void *b = heap_calloc(4, 8);
	void *c = heap_alloc_aligned(256, 10);
	char *d = heap_strdup("stats");
	stats = stats_now();
	CHECK_EQ(stats.allocations, 4);
	CHECK_EQ(stats.total_allocations, 4);
	CHECK_EQ(stats.bytes_in_use + stats.bytes_free
		+ HEADER_SIZE * (stats.allocations + stats.free_chunks),
		initial.bytes_free + HEADER_SIZE);

	heap_free(a);
	heap_free(c);
	stats = stats_now();
	CHECK_EQ(stats.allocations, 2);
	CHECK_EQ(stats.total_allocations, 4);
	CHECK(stats.peak_in_use > stats.bytes_in_use);
	CHECK_EQ(stats.bytes_in_use + stats.bytes_free
		+ HEADER_SIZE * (stats.allocations + stats.free_chunks),
		initial.bytes_free + HEADER_SIZE);

	/* a realloc that moves is no new allocation */
	b = heap_realloc(b, 4000);
	CHECK(b != NULL);
	CHECK_EQ(stats_now().total_allocations, 4);
	heap_free(b);
	heap_free(d);
	stats = stats_now();
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
	heap_setup(64 * 1024);
	uint8_t *dirty = heap_alloc(1000);
	memset(dirty, 0xff, 1000);
	heap_free(dirty);
	uint8_t *clean = heap_calloc(10, 100);
	CHECK(clean == dirty);
	CHECK(all_zero(clean, 1000));
	heap_free(clean);

	struct heap_stats before = stats_now();
	CHECK(heap_calloc(SIZE_MAX / 2 + 1, 2) == NULL);
	CHECK(heap_calloc(2, SIZE_MAX / 2 + 1) == NULL);
	CHECK(heap_calloc(SIZE_MAX, SIZE_MAX) == NULL);
	CHECK(heap_calloc((SIZE_MAX >> 4) + 2, 16) == NULL);
	CHECK(heap_calloc(1 << 20, 1 << 20) == NULL);
	/* products that fit but exceed the heap fail too */
	CHECK(heap_calloc(1024, 1024) == NULL);
	struct heap_stats after = stats_now();
	CHECK_EQ(after.allocations, before.allocations);
	CHECK_EQ(after.largest_free, before.largest_free);
	heap_validate();

	void *empty = heap_calloc(0, SIZE_MAX);
	CHECK(empty != NULL);
	heap_free(empty);
}


TEST(heap_huge_requests_fail_cleanly)
{
	heap_setup(64 * 1024);
	struct heap_stats before = stats_now();
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
	CHECK_EQ(stats_now().largest_free, before.largest_free);

	/* the largest free size is exactly what still succeeds */
	void *all = heap_alloc(before.largest_free);
	CHECK(all != NULL);
	CHECK_EQ(stats_now().free_chunks, 0);
	CHECK(heap_alloc(0) == NULL);
	heap_free(all);
	heap_validate();
}


TEST(heap_strdup_copies)
{
	heap_setup(64 * 1024);
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


/* Seven adjacent 64-byte blocks (80-byte chunks) at the start of a fresh heap. */
static void
allocate_row(uint8_t **blocks)
{
	for (int i = 0; i < 7; i++) {
		blocks[i] = heap_alloc(64);
		CHECK(blocks[i] != NULL);
		if (i > 0)
			CHECK_EQ(blocks[i] - blocks[i - 1], 80);
	}
	CHECK_EQ(stats_now().free_chunks, 1);
}


TEST(heap_coalesce_all_neighbour_cases)
{
	uint8_t *blocks[7];
	heap_setup(64 * 1024);
	allocate_row(blocks);

	/* neither neighbour free: a free chunk of its own */
	heap_free(blocks[1]);
	heap_validate();
	CHECK_EQ(stats_now().free_chunks, 2);

	/* the previous one free: merges backwards */
	heap_free(blocks[2]);
	heap_validate();
	CHECK_EQ(stats_now().free_chunks, 2);
	/* best fit: the 160-byte merged chunk exactly */
	CHECK(heap_alloc(160 - HEADER_SIZE) == blocks[1]);
	CHECK_EQ(stats_now().free_chunks, 1);
	heap_free(blocks[1]);

	/* the next one free: merges forwards */
	heap_free(blocks[5]);
	CHECK_EQ(stats_now().free_chunks, 3);
	heap_free(blocks[4]);
	heap_validate();
	CHECK_EQ(stats_now().free_chunks, 3);
	/* two free chunks of the same size: the lower address wins */
	CHECK(heap_alloc(160 - HEADER_SIZE) == blocks[1]);
	CHECK(heap_alloc(160 - HEADER_SIZE) == blocks[4]);
	CHECK_EQ(stats_now().free_chunks, 1);

	/* blocks[6] joins both its free predecessor and the free tail */
	heap_free(blocks[3]);
	heap_free(blocks[4]);
	CHECK_EQ(stats_now().free_chunks, 2);
	heap_free(blocks[6]);
	heap_validate();
	CHECK_EQ(stats_now().free_chunks, 1);
	heap_free(blocks[1]);
	heap_free(blocks[0]);
	heap_validate();
	CHECK_EQ(stats_now().free_chunks, 1);
	CHECK_EQ(stats_now().allocations, 0);

	/* and the plain "both" case away from the tail */
	allocate_row(blocks);
	heap_free(blocks[1]);
	heap_free(blocks[3]);
	CHECK_EQ(stats_now().free_chunks, 3);
	heap_free(blocks[2]);
	heap_validate();
	CHECK_EQ(stats_now().free_chunks, 2);
	CHECK(heap_alloc(240 - HEADER_SIZE) == blocks[1]);
}


TEST(heap_realloc_in_place)
{
	heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(64);
	uint8_t *b = heap_alloc(256);
	uint8_t *guard = heap_alloc(16);
	pattern_fill(a, 1, 0, 64);

	/* grows into the free successor */
	heap_free(b);
	CHECK(heap_realloc(a, 64 + 200) == a);
	CHECK(pattern_intact(a, 1, 0, 64));
	pattern_fill(a, 1, 64, 264);
	heap_validate();
	/* the unused rest of the successor is still free */
	CHECK_EQ(stats_now().free_chunks, 2);

	/* takes all of the successor */
	CHECK(heap_realloc(a, 64 + 256) == a);
	CHECK(pattern_intact(a, 1, 0, 264));
	CHECK_EQ(stats_now().free_chunks, 1);
	heap_validate();

	/* shrinks in place and frees the tail */
	CHECK(heap_realloc(a, 32) == a);
	CHECK(pattern_intact(a, 1, 0, 32));
	CHECK_EQ(stats_now().free_chunks, 2);
	heap_validate();
	/* a request that rounds to the same chunk changes nothing */
	CHECK(heap_realloc(a, 24) == a);
	CHECK_EQ(stats_now().free_chunks, 2);
	/* realloc to 0 keeps a valid block */
	CHECK(heap_realloc(a, 0) == a);
	CHECK(pattern_intact(a, 1, 0, 16));
	heap_validate();
	/* and it grows back in place */
	CHECK(heap_realloc(a, 300) == a);
	CHECK(pattern_intact(a, 1, 0, 16));
	heap_validate();

	/* a shrink by 16 hands the 16 bytes to a free successor */
	uint8_t *c = heap_alloc(300);
	heap_free(guard);
	size_t freeBefore = stats_now().bytes_free;
	CHECK(heap_realloc(c, 300 - 16) == c);
	CHECK_EQ(stats_now().bytes_free, freeBefore + 16);
	heap_validate();
}


TEST(heap_realloc_moves)
{
	heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(100);
	uint8_t *b = heap_alloc(100);
	uint8_t *c = heap_alloc(100);
	pattern_fill(b, 2, 0, 100);

	/* no room behind b: it moves, the contents come along */
	uint8_t *moved = heap_realloc(b, 1000);
	CHECK(moved != NULL);
	CHECK(moved != b);
	CHECK(pattern_intact(moved, 2, 0, 100));
	heap_validate();
	CHECK_EQ(stats_now().allocations, 3);

	/*
	 * A free predecessor too small on its own takes the block: the chunks
	 * are a, free (b), c, moved; with a freed, a and b merge into 256 bytes.
	 */
	pattern_fill(c, 3, 0, 100);
	heap_free(a);
	uint8_t *down = heap_realloc(c, 300);
	CHECK(down == a);
	CHECK(pattern_intact(down, 3, 0, 100));
	heap_validate();

	/* failure leaves the block as it was */
	struct heap_stats before = stats_now();
	CHECK(heap_realloc(moved, before.largest_free * 2) == NULL);
	CHECK(pattern_intact(moved, 2, 0, 100));
	CHECK_EQ(stats_now().allocations, before.allocations);
	heap_validate();

	/* realloc(NULL) allocates */
	void *fresh = heap_realloc(NULL, 10);
	CHECK(fresh != NULL);
	CHECK_EQ(stats_now().total_allocations, before.total_allocations + 1);
}


TEST(heap_aligned_allocations)
{
	heap_setup(1024 * 1024);
	struct heap_stats initial = stats_now();

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
			pattern_fill(p, alignment + i, 0, kSizes[i]);
			pointers[count++] = p;
			heap_free(spacer);
			heap_validate();
		}
	}
	for (int i = 0; i < count; i++) {
		const size_t kSizes[] = { 0, 1, 16, 100, 4096, 5000 };
		size_t alignment = (size_t)1 << (i / 6);
		CHECK(pattern_intact(pointers[i], alignment + (size_t)(i % 6), 0, kSizes[i % 6]));
	}
	for (int i = count - 1; i >= 0; i -= 2)
		heap_free(pointers[i]);
	heap_validate();
	for (int i = count - 2; i >= 0; i -= 2)
		heap_free(pointers[i]);
	heap_validate();
	struct heap_stats stats = stats_now();
	CHECK_EQ(stats.free_chunks, 1);
	CHECK_EQ(stats.largest_free, initial.largest_free);
}


TEST(heap_aligned_slack_becomes_free_chunk)
{
	heap_setup(64 * 1024);
	/* the first payload is at base + 16, so a page-aligned one needs slack */
	void *first = heap_alloc_aligned(4096, 100);
	CHECK_EQ((uintptr_t)first % 4096, 0);
	struct heap_stats stats = stats_now();
	CHECK_EQ(stats.free_chunks, 2);
	heap_validate();

	/* the slack is usable */
	void *small = heap_alloc(64);
	CHECK((uintptr_t)small < (uintptr_t)first);
	heap_free(small);
	heap_free(first);
	heap_validate();
	CHECK_EQ(stats_now().free_chunks, 1);

	/* a chunk that fits only with its exact slack is still found */
	size_t largest = stats_now().largest_free;
	uint8_t *p = heap_alloc_aligned(64, largest - 64);
	CHECK(p != NULL);
	CHECK_EQ((uintptr_t)p % 64, 0);
	heap_free(p);
	heap_validate();
}


TEST(heap_aligned_tries_further_candidates)
{
	/* region base B is page aligned; the first payload is at B + 16 */
	heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(112);
	uint8_t *guard1 = heap_alloc(16);
	uint8_t *b = heap_alloc(192);
	uint8_t *guard2 = heap_alloc(16);
	uint8_t *base = a - HEADER_SIZE;
	CHECK_EQ((uintptr_t)base % 4096, 0);
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
	CHECK_EQ(stats_now().free_chunks, 3);
	heap_free(p);
	heap_validate();
}


TEST(heap_exhaustion_and_recovery)
{
	heap_setup(1024 * 1024);
	struct heap_stats initial = stats_now();
	sRandomState = 0x1234567;

	size_t count = 0;
	size_t size = 64 * 1024;
	for (;;) {
		void *p = heap_alloc(random_next() % (size + 1));
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
	struct heap_stats full = stats_now();
	CHECK_EQ(full.free_chunks, 0);
	CHECK_EQ(full.largest_free, 0);
	CHECK_EQ(full.allocations, count);
	CHECK(heap_alloc_aligned(64, 0) == NULL);
	CHECK(heap_calloc(1, 1) == NULL);

	/* free in random order */
	for (size_t i = count; i > 1; i--) {
		size_t j = random_next() % i;
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
	struct heap_stats empty = stats_now();
	CHECK_EQ(empty.free_chunks, 1);
	CHECK_EQ(empty.largest_free, initial.largest_free);
	CHECK_EQ(empty.bytes_in_use, 0);
	CHECK_EQ(empty.allocations, 0);
	CHECK_EQ(empty.total_allocations, count);

	void *all = heap_alloc(initial.largest_free);
	CHECK(all != NULL);
	heap_free(all);
}


TEST(heap_detects_overrun_into_next_header)
{
	heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(32);
	uint8_t *b = heap_alloc(32);
	char name[32];
	/* b's header sits right behind a's 32 payload bytes */
	address_string(name, sizeof(name), b - HEADER_SIZE);

	a[32] ^= 0x40;
	CHECK_PANICS(heap_validate(), name);
	CHECK_PANICS(heap_free(a), name);
	CHECK_PANICS(heap_realloc(a, 100), name);
	/* undone, the heap is whole again */
	a[32] ^= 0x40;
	heap_validate();

	/* the size word itself */
	a[45] ^= 0x10;
	CHECK_PANICS(heap_validate(), name);
	a[45] ^= 0x10;
	heap_validate();

	/* the free-chunk footer behind a free block */
	heap_free(a);
	uint8_t *c = heap_alloc(32);
	CHECK(c == a);
	heap_free(c);
	/* the first chunk is free now: its footer is b's tag */
	b[-HEADER_SIZE] ^= 0x20;
	CHECK_PANICS(heap_validate(), name);
	CHECK_PANICS(heap_free(b), name);
	b[-HEADER_SIZE] ^= 0x20;
	heap_validate();
	heap_free(b);
	heap_validate();
}


TEST(heap_detects_bad_frees)
{
	heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(100);
	uint8_t *b = heap_alloc(100);
	char name[32];

	heap_free(a);
	address_string(name, sizeof(name), a);
	CHECK_PANICS(heap_free(a), name);
	CHECK(strstr(gTestPanicMessage, "freed twice") != NULL);

	int onStack;
	address_string(name, sizeof(name), &onStack);
	CHECK_PANICS(heap_free(&onStack), name);

	address_string(name, sizeof(name), b + 8);
	CHECK_PANICS(heap_free(b + 8), name);

	heap_validate();
	heap_free(b);
	heap_validate();
}


TEST(heap_detects_corrupt_free_index)
{
	heap_setup(64 * 1024);
	uint8_t *blocks[7];
	allocate_row(blocks);
	heap_free(blocks[1]);
	heap_free(blocks[3]);
	heap_validate();

	/* a write after free lands on the index links in the payload */
	uint8_t saved[16];
	memcpy(saved, blocks[3], sizeof(saved));
	memset(blocks[3], 0x41, sizeof(saved));
	CHECK_PANICS(heap_validate(), "heap:");
	memcpy(blocks[3], saved, sizeof(saved));
	heap_validate();

	/* a free chunk's header that claims to be in use */
	blocks[1][-8] |= 1;
	CHECK_PANICS(heap_validate(), "heap:");
	blocks[1][-8] &= (uint8_t)~1;
	heap_validate();

	/* a used chunk that claims to be free, next to a free one */
	char name[32];
	address_string(name, sizeof(name), blocks[2] - HEADER_SIZE);
	blocks[2][-8] &= (uint8_t)~1;
	CHECK_PANICS(heap_validate(), name);
	CHECK(strstr(gTestPanicMessage, "follows another free chunk") != NULL);
	blocks[2][-8] |= 1;
	heap_validate();
}


/* Allocates into an empty slot with one of the allocating calls. */
static void
random_allocate(struct slot *slot, size_t *_failures)
{
	size_t size = random_size();
	size_t alignment = 16;
	uint8_t *pointer;
	bool zeroed = false;
	uint64_t kind = random_next() % 10;

	if (kind < 5) {
		pointer = heap_alloc(size);
	} else if (kind < 7) {
		size_t count = 1 + random_next() % 8;
		size /= count;
		pointer = heap_calloc(count, size);
		size *= count;
		zeroed = true;
	} else if (kind < 9) {
		alignment = (size_t)16 << (random_next() % 9);
		pointer = heap_alloc_aligned(alignment, size);
	} else
		pointer = heap_realloc(NULL, size);

	if (pointer == NULL) {
		/* best fit: only fails when no free chunk is large enough */
		struct heap_stats stats = stats_now();
		if (alignment > 16)
			CHECK(stats.largest_free < size + alignment + 32);
		else
			CHECK(stats.largest_free < size);
		(*_failures)++;
		return;
	}

	CHECK_EQ((uintptr_t)pointer % alignment, 0);
	if (zeroed)
		CHECK(all_zero(pointer, size));
	slot->pointer = pointer;
	slot->size = size;
	slot->alignment = alignment;
	slot->seed = random_next();
	pattern_fill(pointer, slot->seed, 0, size);
}


static void
random_reallocate(struct slot *slot, size_t *_failures)
{
	size_t size = random_size();
	CHECK(pattern_intact(slot->pointer, slot->seed, 0, slot->size));

	uint8_t *pointer = heap_realloc(slot->pointer, size);
	if (pointer == NULL) {
		CHECK(stats_now().largest_free < size);
		CHECK(pattern_intact(slot->pointer, slot->seed, 0, slot->size));
		(*_failures)++;
		return;
	}

	size_t kept = size < slot->size ? size : slot->size;
	CHECK_EQ((uintptr_t)pointer % 16, 0);
	CHECK(pattern_intact(pointer, slot->seed, 0, kept));
	pattern_fill(pointer, slot->seed, kept, size);
	slot->pointer = pointer;
	slot->size = size;
	slot->alignment = 16;
}


static void
check_random_stats(size_t live, size_t requested, size_t managed)
{
	struct heap_stats stats = stats_now();
	CHECK_EQ(stats.allocations, live);
	CHECK(stats.bytes_in_use >= requested);
	/* rounding to 16, plus a remainder too small to split off */
	CHECK(stats.bytes_in_use <= requested + live * 31);
	CHECK(stats.peak_in_use >= stats.bytes_in_use);
	CHECK(stats.largest_free <= stats.bytes_free);
	CHECK_EQ(stats.bytes_in_use + stats.bytes_free
		+ HEADER_SIZE * (stats.allocations + stats.free_chunks), managed);
}


TEST(heap_random_against_shadow)
{
	heap_setup(8 * 1024 * 1024);
	struct heap_stats initial = stats_now();
	size_t managed = initial.bytes_free + HEADER_SIZE;
	sRandomState = 0x243f6a8885a308d3ull;
	memset(sSlots, 0, sizeof(sSlots));

	size_t failures = 0;
	size_t successes = 0;
	size_t frees = 0;
	size_t reallocations = 0;
	for (long operation = 0; operation < RANDOM_OPERATIONS; operation++) {
		struct slot *slot = &sSlots[random_next() % RANDOM_SLOTS];
		if (slot->pointer == NULL) {
			random_allocate(slot, &failures);
			successes += slot->pointer != NULL;
		} else if (random_next() % 2 == 0) {
			CHECK(pattern_intact(slot->pointer, slot->seed, 0, slot->size));
			heap_free(slot->pointer);
			slot->pointer = NULL;
			frees++;
		} else {
			random_reallocate(slot, &failures);
			reallocations++;
		}

		if (operation % VALIDATE_INTERVAL == 0) {
			heap_validate();
			size_t live = 0;
			size_t requested = 0;
			for (int i = 0; i < RANDOM_SLOTS; i++) {
				if (sSlots[i].pointer != NULL) {
					live++;
					requested += sSlots[i].size;
				}
			}
			check_random_stats(live, requested, managed);
		}
	}

	/* every path was taken, including running out */
	CHECK(failures > 0);
	CHECK(successes > RANDOM_OPERATIONS / 4);
	CHECK(frees > RANDOM_OPERATIONS / 8);
	CHECK(reallocations > RANDOM_OPERATIONS / 8);
	CHECK_EQ(stats_now().total_allocations, successes);

	for (int i = 0; i < RANDOM_SLOTS; i++) {
		if (sSlots[i].pointer == NULL)
			continue;
		CHECK(pattern_intact(sSlots[i].pointer, sSlots[i].seed, 0, sSlots[i].size));
		heap_free(sSlots[i].pointer);
		sSlots[i].pointer = NULL;
	}
	heap_validate();
	struct heap_stats final = stats_now();
	CHECK_EQ(final.free_chunks, 1);
	CHECK_EQ(final.largest_free, initial.largest_free);
	CHECK_EQ(final.bytes_in_use, 0);
}
