/* SPDX-License-Identifier: MIT */
/*
 * The loader heap's chunk mechanics: making, splitting and merging chunks,
 * filing free chunks as the top or in the index, and best-fit placement.
 */
#include "heap_private.h"


/*
 * Writes a chunk header and the successor's view of it (tag and
 * CHUNK_PREV_IN_USE). The successor must already be a valid header: when a
 * range is split, the back part is made first.
 */
void
heap_chunk_make(struct chunk *chunk, size_t size, bool inUse, bool previousInUse)
{
	chunk->header = size | (inUse ? CHUNK_IN_USE : 0)
		| (previousInUse ? CHUNK_PREV_IN_USE : 0);

	struct chunk *next = chunk_at(chunk, size);
	if (inUse) {
		next->tag = chunk_guard_tag(size, next);
		next->header |= CHUNK_PREV_IN_USE;
	} else {
		next->tag = size;
		next->header &= ~CHUNK_PREV_IN_USE;
	}
}


/* Files a made free chunk: as the top when it ends at the fence, else indexed. */
void
heap_free_insert(struct chunk *chunk)
{
	if (chunk_next(chunk) == gHeap.fence)
		gHeap.top = (struct free_chunk *)chunk;
	else
		heap_index_insert((struct free_chunk *)chunk);
}


void
heap_free_remove(struct chunk *chunk)
{
	if ((struct free_chunk *)chunk == gHeap.top)
		gHeap.top = NULL;
	else
		heap_index_remove((struct free_chunk *)chunk);
}


size_t
heap_chunk_size_for(size_t size)
{
	/* also keeps the arithmetic below from overflowing */
	if (size > gHeap.region_size)
		return 0;
	size_t chunkSize = (size + HEADER_SIZE + DEBUG_GUARD_SIZE + HEAP_ALIGNMENT - 1)
		& SIZE_MASK;
	return chunkSize < MIN_CHUNK_SIZE ? MIN_CHUNK_SIZE : chunkSize;
}


void
heap_account_in_use(struct chunk *chunk, size_t addedBytes)
{
	gHeap.in_use_bytes += addedBytes;
	if (gHeap.in_use_bytes > gHeap.peak_in_use)
		gHeap.peak_in_use = gHeap.in_use_bytes;
	uintptr_t end = (uintptr_t)chunk_next(chunk);
	if (end > gHeap.high_water)
		gHeap.high_water = end;
}


/*
 * Cuts a used chunk down to size bytes. The rest goes to a free successor,
 * or becomes a free chunk of its own when it is large enough for one.
 * Returns the bytes given up.
 */
size_t
heap_chunk_shrink(struct chunk *chunk, size_t size)
{
	size_t excess = chunk_size(chunk) - size;
	if (excess == 0)
		return 0;

	struct chunk *next = chunk_next(chunk);
	struct chunk *rest = chunk_at(chunk, size);
	if (!chunk_in_use(next)) {
		size_t nextSize = chunk_size(next);
		heap_free_remove(next);
		heap_debug_absorb(next);
		heap_chunk_make(rest, excess + nextSize, false, true);
	} else if (excess >= MIN_CHUNK_SIZE)
		heap_chunk_make(rest, excess, false, true);
	else
		return 0;

	heap_free_insert(rest);
	heap_chunk_make(chunk, size, true, chunk_prev_in_use(chunk));
	return excess;
}


/* A chunk just became an allocation of requested bytes. */
void *
heap_chunk_hand_out(struct chunk *chunk, size_t requested, uint32_t id)
{
	chunk_set_request(chunk, requested, id);
	heap_debug_allocated(chunk, 0);
	gHeap.allocations++;
	heap_account_in_use(chunk, chunk_size(chunk) - HEADER_SIZE);
	return chunk_payload(chunk);
}


/* Takes a free chunk and hands out its first size bytes. */
void *
heap_chunk_allocate(struct free_chunk *freeChunk, size_t size, size_t requested, uint32_t id)
{
	struct chunk *chunk = &freeChunk->chunk;
	size_t available = chunk_size(chunk);

	heap_free_remove(chunk);
	/* what follows a free chunk is in use: the rest has nothing to merge with */
	if (available - size >= MIN_CHUNK_SIZE) {
		struct chunk *rest = chunk_at(chunk, size);
		heap_chunk_make(rest, available - size, false, true);
		heap_free_insert(rest);
		available = size;
	}
	heap_chunk_make(chunk, available, true, chunk_prev_in_use(chunk));
	heap_debug_check_unused(chunk, (uintptr_t)chunk_next(chunk));
	return heap_chunk_hand_out(chunk, requested, id);
}


/* Frees [chunk, chunk + size), merging it with free neighbours. */
static void
chunk_release(struct chunk *chunk, size_t size)
{
	bool previousInUse = chunk_prev_in_use(chunk);
	struct chunk *next = chunk_at(chunk, size);

	if (!chunk_in_use(next)) {
		size += chunk_size(next);
		heap_free_remove(next);
		heap_debug_absorb(next);
	}
	if (!previousInUse) {
		struct chunk *previous = chunk_at(chunk, -chunk->tag);
		size += chunk_size(previous);
		heap_free_remove(previous);
		heap_debug_absorb(chunk);
		chunk = previous;
		/* no two free chunks touch, so the one before previous is in use */
		previousInUse = true;
	}
	heap_chunk_make(chunk, size, false, previousInUse);
	heap_free_insert(chunk);
}


/* Frees a checked, live chunk. */
void
heap_chunk_free(struct chunk *chunk)
{
	size_t size = chunk_size(chunk);
	gHeap.in_use_bytes -= size - HEADER_SIZE;
	gHeap.allocations--;
	heap_debug_freed(chunk);
	chunk_release(chunk, size);
}


/*
 * Hands out the last size bytes of a free chunk in the tree that stays there
 * with the rest. Cutting from the end keeps the free chunk's address, and
 * when fit was the lowest key of at least size bytes, every key before it is
 * smaller than size: a rest of size bytes or more keeps the tree's order, so
 * the tree need not be touched at all.
 */
static void *
chunk_cut_tail(struct free_chunk *fit, size_t size, size_t requested, uint32_t id)
{
	struct chunk *remaining = &fit->chunk;
	size_t rest = chunk_size(remaining) - size;
	remaining->header = (remaining->header & ~SIZE_MASK) | rest;
	gHeap.free_chunk_bytes -= size;

	struct chunk *chunk = chunk_at(remaining, rest);
	chunk->tag = rest;
	heap_chunk_make(chunk, size, true, false);
	heap_debug_check_unused(chunk, (uintptr_t)chunk_next(chunk));
	return heap_chunk_hand_out(chunk, requested, id);
}


void *
heap_allocate_small(size_t size, uint32_t id)
{
	size_t chunkSize = heap_chunk_size_for(size);
	if (chunkSize == 0)
		return NULL;

	struct free_chunk *fit = heap_index_first_fit(chunkSize);
	if (fit != NULL) {
		size_t available = chunk_size(&fit->chunk);
		if (available > BIN_MAX_SIZE && available - chunkSize > BIN_MAX_SIZE
			&& available - chunkSize >= chunkSize)
			return chunk_cut_tail(fit, chunkSize, size, id);
	} else if (gHeap.top != NULL && chunk_size(&gHeap.top->chunk) >= chunkSize)
		fit = gHeap.top;
	else
		return NULL;
	return heap_chunk_allocate(fit, chunkSize, size, id);
}
