/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the heap's debug build (BOOT_HEAP_DEBUG): fill patterns, and
 * every detector triggered on purpose, its panic naming the address and the
 * allocation's size; then the shadow-model random run on the debug heap.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <boot/heap.h>

#include "test_heap_platform.h"
#include "test_heap_shadow.h"
#include "unit_test.h"


#define FRESH_BYTE		0xcc
#define FREED_BYTE		0xdd
/* the debug build's header and the free index links behind it */
#define HEADER_SIZE		32
#define LINKS_SIZE		16

#define RANDOM_OPERATIONS	1000000


/* Runs statement, which must panic naming both address and "<size>-byte". */
#define CHECK_PANICS_NAMING(statement, address, size) \
	do { \
		char addressName[32]; \
		char sizeName[32]; \
		test_address_string(addressName, sizeof(addressName), address); \
		snprintf(sizeName, sizeof(sizeName), "%zu-byte", (size_t)(size)); \
		CHECK_PANICS(statement, addressName); \
		if (strstr(gTestPanicMessage, sizeName) == NULL) { \
			unit_fail(__FILE__, __LINE__, "panic \"%s\" does not name %s", \
				gTestPanicMessage, sizeName); \
		} \
	} while (0)


TEST(heap_debug_build_is_active)
{
	test_heap_setup(64 * 1024);
	struct heap_stats stats = test_heap_stats();
	CHECK_EQ(stats.chunk_overhead, HEADER_SIZE);
	/* the largest free size is still exactly what succeeds, guard included */
	void *all = heap_alloc(stats.largest_free);
	CHECK(all != NULL);
	CHECK_EQ(test_heap_stats().free_chunks, 0);
	heap_free(all);
	CHECK(heap_alloc(stats.largest_free + 1) == NULL);
	heap_validate();
}


TEST(heap_debug_fill_patterns)
{
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(100);
	uint8_t *guard = heap_alloc(16);
	CHECK(test_all_bytes(a, 100, FRESH_BYTE));
	memset(a, 0x11, 100);

	/* growing in place: the old bytes kept, the new ones fresh */
	uint8_t *b = heap_alloc(300);
	heap_free(b);
	CHECK(test_all_bytes(b + LINKS_SIZE, 300 - LINKS_SIZE, FREED_BYTE));
	heap_free(guard);
	CHECK(heap_realloc(a, 250) == a);
	CHECK(test_all_bytes(a, 100, 0x11));
	CHECK(test_all_bytes(a + 100, 150, FRESH_BYTE));

	/* freed memory holds the freed pattern behind the index links */
	heap_free(a);
	CHECK(test_all_bytes(a + LINKS_SIZE, 250 - LINKS_SIZE, FREED_BYTE));

	/* calloc still clears */
	uint8_t *zeroed = heap_calloc(5, 20);
	CHECK(test_all_bytes(zeroed, 100, 0));
	heap_free(zeroed);

	/* large blocks too */
	uint8_t *large = heap_alloc(HEAP_LARGE_THRESHOLD);
	CHECK(test_all_bytes(large, HEAP_LARGE_THRESHOLD, FRESH_BYTE));
	heap_free(large);
	heap_validate();
}


TEST(heap_debug_detects_double_free)
{
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(100);
	uint8_t *b = heap_alloc(40);
	uint8_t *c = heap_alloc(60);
	uint8_t *d = heap_alloc(16);

	/* a chunk that is still a header of its own */
	heap_free(a);
	CHECK_PANICS_NAMING(heap_free(a), a, 100);
	CHECK(strstr(gTestPanicMessage, "double free") != NULL);
	CHECK_PANICS_NAMING(heap_realloc(a, 10), a, 100);
	heap_validate();

	/* chunks merged into their free predecessor: found all the same */
	heap_free(b);
	heap_free(c);
	CHECK_EQ(test_heap_stats().free_chunks, 2);
	CHECK_PANICS_NAMING(heap_free(b), b, 40);
	CHECK_PANICS_NAMING(heap_free(c), c, 60);
	CHECK(strstr(gTestPanicMessage, "double free") != NULL);
	heap_validate();

	/* the merged space is still usable, and its pattern intact */
	void *reused = heap_alloc(200);
	CHECK(reused == a);
	heap_free(reused);
	heap_free(d);
	heap_validate();

	/* large blocks: once freed, the platform has them back */
	void *large = heap_alloc(HEAP_LARGE_THRESHOLD);
	heap_free(large);
	char name[32];
	test_address_string(name, sizeof(name), large);
	CHECK_PANICS(heap_free(large), name);
}


TEST(heap_debug_detects_foreign_pointers)
{
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(100);
	uint8_t *b = heap_alloc(100);
	heap_free(b);
	char name[32];

	int onStack;
	test_address_string(name, sizeof(name), &onStack);
	CHECK_PANICS(heap_free(&onStack), name);
	CHECK(strstr(gTestPanicMessage, "neither a heap allocation nor a live large block")
		!= NULL);

	/* inside a live allocation: named with its size and start */
	CHECK_PANICS_NAMING(heap_free(a + 32), a + 32, 100);
	CHECK(strstr(gTestPanicMessage, "32 bytes into") != NULL);
	test_address_string(name, sizeof(name), a);
	CHECK(strstr(gTestPanicMessage, name) != NULL);

	/* inside free space */
	test_address_string(name, sizeof(name), b + 64);
	CHECK_PANICS(heap_free(b + 64), name);
	CHECK(strstr(gTestPanicMessage, "inside a free chunk") != NULL);

	/* misaligned */
	test_address_string(name, sizeof(name), a + 8);
	CHECK_PANICS(heap_realloc(a + 8, 10), name);
	heap_validate();
	heap_free(a);
	heap_validate();
}


/* A pointer at a chunk's header is its chunk's, not the end of the one before. */
TEST(heap_debug_names_the_allocation_whose_header_is_pointed_at)
{
	test_heap_setup(64 * 1024);
	uint8_t *before = heap_alloc(100);
	uint8_t *after = heap_alloc(200);
	CHECK_PANICS_NAMING(heap_free(after - HEADER_SIZE), after - HEADER_SIZE, 200);
	char name[32];
	test_address_string(name, sizeof(name), after);
	CHECK(strstr(gTestPanicMessage, name) != NULL);
	heap_free(after);
	heap_free(before);
	heap_validate();
}


TEST(heap_debug_detects_overrun_by_one_byte)
{
	static const size_t kSizes[] = { 0, 1, 8, 15, 16, 17, 24, 100, 4095, 65536 };
	test_heap_setup(256 * 1024);
	for (size_t i = 0; i < sizeof(kSizes) / sizeof(kSizes[0]); i++) {
		size_t size = kSizes[i];
		uint8_t *p = heap_alloc(size);
		uint8_t *after = heap_alloc(16);
		uint8_t saved = p[size];
		p[size] = 0;
		CHECK_PANICS_NAMING(heap_free(p), p, size);
		CHECK(strstr(gTestPanicMessage, "overrun") != NULL);
		CHECK_PANICS_NAMING(heap_realloc(p, size + 1), p, size);
		CHECK_PANICS_NAMING(heap_validate(), p, size);
		p[size] = saved;
		heap_validate();
		heap_free(p);
		heap_free(after);
	}

	/* after a realloc the guard sits behind the new size */
	uint8_t *p = heap_alloc(100);
	CHECK(heap_realloc(p, 50) == p);
	p[50] = 1;
	CHECK_PANICS_NAMING(heap_free(p), p, 50);
	p[50] = 0xfd;
	heap_free(p);

	/* and behind a large block's */
	uint8_t *large = heap_alloc(HEAP_LARGE_THRESHOLD + 3);
	large[HEAP_LARGE_THRESHOLD + 3] = 0;
	CHECK_PANICS_NAMING(heap_free(large), large, HEAP_LARGE_THRESHOLD + 3);
	CHECK_PANICS_NAMING(heap_validate(), large, HEAP_LARGE_THRESHOLD + 3);
	large[HEAP_LARGE_THRESHOLD + 3] = 0xfd;
	heap_free(large);
	heap_validate();
}


TEST(heap_debug_detects_write_after_free)
{
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(200);
	uint8_t *guard = heap_alloc(16);
	heap_free(a);
	/* behind the index links, where nothing but the pattern may be */
	a[100] = 0x42;
	char name[32];
	test_address_string(name, sizeof(name), a + 100);
	CHECK_PANICS(heap_alloc(200), name);
	CHECK(strstr(gTestPanicMessage, "write after free") != NULL);
	/* the 240-byte chunk the 200 bytes had */
	CHECK(strstr(gTestPanicMessage, "240 bytes") != NULL);

	/* found when the free chunk is split, too */
	test_heap_setup(64 * 1024);
	a = heap_alloc(1000);
	guard = heap_alloc(16);
	heap_free(a);
	a[600] = 0x42;
	/* the first part is clean and handed out */
	void *front = heap_alloc(400);
	CHECK(front == a);
	test_address_string(name, sizeof(name), a + 600);
	CHECK_PANICS(heap_alloc(400), name);

	/* and when a block grows into free space behind it */
	test_heap_setup(64 * 1024);
	a = heap_alloc(100);
	uint8_t *b = heap_alloc(500);
	guard = heap_alloc(16);
	heap_free(b);
	b[300] = 0x42;
	test_address_string(name, sizeof(name), b + 300);
	CHECK_PANICS(heap_realloc(a, 550), name);
	(void)guard;
}


TEST(heap_debug_release_lists_leaks)
{
	test_heap_setup(64 * 1024);
	void *a = heap_alloc(100);
	void *b = heap_alloc(37);
	void *c = heap_alloc(200);
	void *large = heap_alloc(HEAP_LARGE_THRESHOLD);
	heap_free(b);

	test_debug_reset();
	test_heap_release();
	char expected[96];
	snprintf(expected, sizeof(expected), "heap: leak: %p, 100 bytes (allocation ", a);
	CHECK(strstr(gTestDebugOutput, expected) != NULL);
	snprintf(expected, sizeof(expected), "heap: leak: %p, 200 bytes (allocation ", c);
	CHECK(strstr(gTestDebugOutput, expected) != NULL);
	snprintf(expected, sizeof(expected), "heap: leak: %p,", b);
	CHECK(strstr(gTestDebugOutput, expected) == NULL);
	snprintf(expected, sizeof(expected), "heap: leak: large block %p, %zu bytes", large,
		(size_t)HEAP_LARGE_THRESHOLD);
	CHECK(strstr(gTestDebugOutput, expected) != NULL);
	CHECK(strstr(gTestDebugOutput, "2 allocations") != NULL);
	CHECK_EQ(gTestLargeLive, 0);
}


TEST(heap_debug_random_against_shadow)
{
	test_heap_shadow_run(RANDOM_OPERATIONS, 8 * 1024 * 1024);
}
