/* SPDX-License-Identifier: MIT */
/*
 * What the loader heap tells about itself: statistics, their report on the
 * debug channel, and heap_validate(), the full consistency check.
 */
#include "heap_private.h"


void
heap_get_stats(struct heap_stats *stats)
{
	struct free_chunk *largest = heap_index_largest();
	size_t largestSize = largest != NULL ? chunk_size(&largest->chunk) : 0;
	size_t freeChunks = gHeap.free_chunks;
	size_t freeBytes = gHeap.free_chunk_bytes;
	if (gHeap.top != NULL) {
		size_t topSize = chunk_size(&gHeap.top->chunk);
		freeChunks++;
		freeBytes += topSize;
		if (topSize > largestSize)
			largestSize = topSize;
	}

	stats->heap_size = gHeap.region_size;
	stats->bytes_in_use = gHeap.in_use_bytes;
	stats->peak_in_use = gHeap.peak_in_use;
	stats->bytes_free = freeBytes - freeChunks * HEADER_SIZE;
	/* free chunks are larger than header and guard */
	stats->largest_free = largestSize != 0
		? largestSize - HEADER_SIZE - DEBUG_GUARD_SIZE : 0;
	stats->allocations = gHeap.allocations;
	stats->total_allocations = gHeap.total_allocations;
	stats->free_chunks = freeChunks;
	stats->chunk_overhead = HEADER_SIZE;
	stats->high_water = gHeap.high_water - (uintptr_t)gHeap.region_base;
	stats->large_blocks = gHeap.large_blocks;
	stats->large_bytes = gHeap.large_bytes;
}


void
heap_print_statistics(void)
{
	struct heap_stats stats;
	heap_get_stats(&stats);

	boot_dprintf("heap: %zu KiB at %p, %zu bytes used at most (high water)\n",
		stats.heap_size / 1024, gHeap.region_base, stats.high_water);
	boot_dprintf("heap: in use %zu bytes in %zu allocations, peak %zu bytes, "
		"%zu allocations made\n", stats.bytes_in_use, stats.allocations,
		stats.peak_in_use, stats.total_allocations);
	boot_dprintf("heap: free %zu bytes in %zu chunks, largest %zu bytes\n",
		stats.bytes_free, stats.free_chunks, stats.largest_free);
	boot_dprintf("heap: large blocks %zu, %zu bytes\n", stats.large_blocks,
		stats.large_bytes);
}


void
heap_validate(void)
{
	if (gHeap.first == NULL)
		return;

	size_t usedChunks = 0;
	size_t usedBytes = 0;
	size_t freeChunks = 0;
	size_t freeBytes = 0;
	bool previousInUse = true;
	size_t previousSize = 0;

	struct chunk *chunk = gHeap.first;
	while (chunk != gHeap.fence) {
		size_t size = chunk_size(chunk);
		bool inUse = chunk_in_use(chunk);
		if (size < MIN_CHUNK_SIZE || size > (uintptr_t)gHeap.fence - (uintptr_t)chunk)
			panic("heap: chunk %p has a bad size %#zx", (void *)chunk, size);
		if (inUse && (chunk->header & BALANCE_MASK) != 0)
			panic("heap: chunk %p has stray header bits", (void *)chunk);
		if (chunk_prev_in_use(chunk) != previousInUse)
			panic("heap: chunk %p has a wrong previous-in-use bit", (void *)chunk);
		if (chunk->tag != (previousInUse ? chunk_guard_tag(previousSize, chunk)
				: previousSize)) {
			panic("heap: chunk %p has a bad tag (overrun from the chunk before?)",
				(void *)chunk);
		}
		if (!inUse && !previousInUse)
			panic("heap: free chunk %p follows another free chunk", (void *)chunk);
		if (!inUse && (chunk_at(chunk, size) == gHeap.fence)
				!= ((struct free_chunk *)chunk == gHeap.top))
			panic("heap: free chunk %p is not the top chunk", (void *)chunk);

		if (inUse) {
			heap_debug_validate_chunk(chunk);
			usedChunks++;
			usedBytes += size - HEADER_SIZE;
		} else {
			freeChunks++;
			freeBytes += size;
		}
		previousInUse = inUse;
		previousSize = size;
		chunk = chunk_at(chunk, size);
	}

	struct chunk *fence = gHeap.fence;
	if ((fence->header & ~CHUNK_PREV_IN_USE) != CHUNK_IN_USE
		|| chunk_prev_in_use(fence) != previousInUse
		|| fence->tag != (previousInUse ? chunk_guard_tag(previousSize, fence) : previousSize))
		panic("heap: fence %p is corrupt", (void *)fence);
	if (previousInUse != (gHeap.top == NULL))
		panic("heap: the top chunk %p is not the last chunk", (void *)gHeap.top);

	/* the top chunk is free but not indexed */
	if (gHeap.top != NULL) {
		freeChunks--;
		freeBytes -= previousSize;
	}
	if (usedChunks != gHeap.allocations || usedBytes != gHeap.in_use_bytes
		|| freeChunks != gHeap.free_chunks || freeBytes != gHeap.free_chunk_bytes)
		panic("heap: counters disagree with the chunks at %p", (void *)gHeap.first);

	size_t indexed = heap_index_validate();
	if (indexed != freeChunks)
		panic("heap: the free index holds %zu of %zu free chunks", indexed, freeChunks);
	/* same count, distinct entries, and every free chunk found: the same set */
	for (chunk = gHeap.first; chunk != gHeap.fence; chunk = chunk_next(chunk)) {
		if (!chunk_in_use(chunk) && (struct free_chunk *)chunk != gHeap.top
			&& !heap_index_contains((struct free_chunk *)chunk))
			panic("heap: free chunk %p is missing from the free index", (void *)chunk);
	}

	heap_large_validate();
}
