/* SPDX-License-Identifier: MIT */
/*
 * The loader heap on malloc, counted, with one allocation made to fail on
 * demand (counted_heap.h).
 */
#include "counted_heap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <boot/heap.h>

static long sLive;
static long sAllocations;
static long sFailAt;


static bool
counted_heap_fails(void)
{
	return ++sAllocations == sFailAt;
}


void *
heap_alloc(size_t size)
{
	if (counted_heap_fails())
		return NULL;
	/* heap_alloc(0) is valid and must not look like a failure */
	void *block = malloc(size > 0 ? size : 1);
	if (block != NULL) {
		memset(block, 0xa5, size > 0 ? size : 1);
		sLive++;
	}
	return block;
}


void *
heap_alloc_aligned(size_t alignment, size_t size)
{
	if (counted_heap_fails())
		return NULL;
	void *block;
	if (posix_memalign(&block, alignment < sizeof(void *) ? sizeof(void *) : alignment,
			size > 0 ? size : 1) != 0)
		return NULL;
	memset(block, 0xa5, size > 0 ? size : 1);
	sLive++;
	return block;
}


void *
heap_calloc(size_t count, size_t size)
{
	if (counted_heap_fails())
		return NULL;
	void *block = calloc(count > 0 ? count : 1, size > 0 ? size : 1);
	if (block != NULL)
		sLive++;
	return block;
}


void *
heap_realloc(void *pointer, size_t size)
{
	if (counted_heap_fails())
		return NULL;
	void *block = realloc(pointer, size > 0 ? size : 1);
	if (block != NULL && pointer == NULL)
		sLive++;
	return block;
}


void
heap_free(void *pointer)
{
	if (pointer != NULL)
		sLive--;
	free(pointer);
}


long
counted_heap_live(void)
{
	return sLive;
}


long
counted_heap_allocations(void)
{
	return sAllocations;
}


void
counted_heap_fail_at(long n)
{
	sAllocations = 0;
	sFailAt = n;
}


void
counted_heap_reset(void)
{
	counted_heap_fail_at(0);
	sLive = 0;
}
