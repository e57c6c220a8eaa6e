/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the checks every heap build makes: overruns into the next
 * header, bad and double frees, a damaged free index or large block record.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <boot/heap.h>

#include "test_heap_platform.h"
#include "test_heap_shadow.h"
#include "unit_test.h"


/* The bookkeeping per allocation, as heap_private.h documents. */
#define HEADER_SIZE		16


TEST(heap_detects_overrun_into_next_header)
{
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(32);
	uint8_t *b = heap_alloc(32);
	char name[32];
	/* b's header sits right behind a's 32 payload bytes */
	test_address_string(name, sizeof(name), b - HEADER_SIZE);

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
	test_heap_setup(64 * 1024);
	uint8_t *a = heap_alloc(100);
	uint8_t *b = heap_alloc(100);
	char name[32];

	heap_free(a);
	test_address_string(name, sizeof(name), a);
	CHECK_PANICS(heap_free(a), name);
	CHECK(strstr(gTestPanicMessage, "freed twice") != NULL);

	int onStack;
	test_address_string(name, sizeof(name), &onStack);
	CHECK_PANICS(heap_free(&onStack), name);

	test_address_string(name, sizeof(name), b + 8);
	CHECK_PANICS(heap_free(b + 8), name);

	/*
	 * The fence, the used chunk of size 0 at the heap's end, is not in the
	 * heap (a bounds test with <= took it for one of its chunks).
	 */
	uint8_t *fence = a - HEADER_SIZE + test_heap_stats().heap_size - HEADER_SIZE;
	test_address_string(name, sizeof(name), fence);
	CHECK_PANICS(heap_free(fence), name);
	CHECK(strstr(gTestPanicMessage, "neither a heap allocation nor a live large block")
		!= NULL);

	heap_validate();
	heap_free(b);
	heap_validate();
}


TEST(heap_detects_corrupt_free_index)
{
	test_heap_setup(64 * 1024);
	uint8_t *blocks[7];
	test_heap_row(blocks);
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
	test_address_string(name, sizeof(name), blocks[2] - HEADER_SIZE);
	blocks[2][-8] &= (uint8_t)~1;
	CHECK_PANICS(heap_validate(), name);
	CHECK(strstr(gTestPanicMessage, "follows another free chunk") != NULL);
	blocks[2][-8] |= 1;
	heap_validate();
}


TEST(heap_large_bad_frees)
{
	test_heap_setup(64 * 1024);
	uint8_t *large = heap_alloc(HEAP_LARGE_THRESHOLD);
	char name[32];

	/* inside a large block is not a large block */
	test_address_string(name, sizeof(name), large + 4096);
	CHECK_PANICS(heap_free(large + 4096), name);
	CHECK(strstr(gTestPanicMessage, "neither a heap allocation nor a live large block")
		!= NULL);

	/* the record behind the payload: an overrun damages it */
	struct heap_stats stats = test_heap_stats();
	size_t capacity = stats.large_bytes - 56;
	large[capacity] ^= 0x1;
	CHECK_PANICS(heap_validate(), "damaged");
	CHECK_PANICS(heap_free(large), "damaged");
	large[capacity] ^= 0x1;
	heap_validate();

	heap_free(large);
	test_address_string(name, sizeof(name), large);
	CHECK_PANICS(heap_free(large), name);
	CHECK_PANICS(heap_realloc(large, 10), name);
	heap_validate();
}
