/* SPDX-License-Identifier: MIT */
/*
 * The loader heap's interface: best-fit allocation with boundary tags in the
 * one region the platform reserves for it; large requests go to the
 * platform.
 *
 * heap_private.h describes the chunk layout and the top chunk, heap_chunk.c
 * the chunk mechanics, heap_index.c and heap_tree.c the free index,
 * heap_large.c the large blocks, heap_debug.c the debug build's checks and
 * heap_check.c validation and reports.
 *
 * Placement is best fit among the indexed free chunks, then the top chunk.
 * Cost, n being the number of free chunks: O(1) for chunks up to
 * BIN_MAX_SIZE bytes and for the top chunk, O(log n) otherwise, for
 * heap_alloc, heap_calloc (plus zeroing), heap_free and heap_realloc in
 * place; heap_realloc that moves adds the copy; heap_alloc_aligned tries a
 * bounded number of candidates before it asks for one that fits for sure.
 * Large blocks cost a platform call plus a walk of the (short) large block
 * list.
 *
 * Statistics count usable bytes: an allocation's payload as rounded up, the
 * payloads free chunks could hand out (their size less a header). So
 * bytes_in_use + bytes_free + chunk_overhead * (allocations + free_chunks) is
 * constant. total_allocations counts calls that created an allocation; a
 * realloc that moves a block does not.
 */
#include "heap_private.h"

#include <string.h>

#include <boot/kernel_args.h>
#include <boot/platform.h>
#include <boot/stage2.h>


//#define TRACE_HEAP
#ifdef TRACE_HEAP
#	define TRACE(...) boot_dprintf("heap: " __VA_ARGS__)
#else
#	define TRACE(...) do {} while (0)
#endif

/* aligned allocation tries this many exact candidates before padding */
#define ALIGNED_CANDIDATES	8

struct heap_state gHeap;


static inline bool
heap_contains(const void *pointer)
{
	return (uintptr_t)pointer >= (uintptr_t)gHeap.first
		&& (uintptr_t)pointer < (uintptr_t)gHeap.fence;
}


/*
 * Whether an aligned chunk of chunkSize bytes fits into the free chunk; its
 * leading slack must be 0 or make a free chunk of its own.
 */
static bool
aligned_fits(const struct free_chunk *chunk, size_t alignment, size_t chunkSize,
	size_t *_slack)
{
	uintptr_t payload = (uintptr_t)chunk + HEADER_SIZE;
	size_t slack = ((payload + alignment - 1) & ~(uintptr_t)(alignment - 1)) - payload;
	if (slack != 0 && slack < MIN_CHUNK_SIZE)
		slack += alignment;

	size_t available = chunk_size(&chunk->chunk);
	*_slack = slack;
	return slack <= available && available - slack >= chunkSize;
}


static void *
allocate_aligned(size_t alignment, size_t size, uint32_t id)
{
	if (gHeap.first == NULL)
		return NULL;
	if (size >= HEAP_LARGE_THRESHOLD)
		return heap_large_allocate(alignment, size, id);
	if (alignment <= HEAP_ALIGNMENT)
		return heap_allocate_small(size, id);

	size_t chunkSize = heap_chunk_size_for(size);
	if (chunkSize == 0 || alignment > gHeap.region_size)
		return NULL;

	/*
	 * First the best fits for the bare size, in best-fit order; when none of
	 * them has room for its slack, a chunk that fits wherever it lies, and
	 * the top chunk last.
	 */
	size_t slack = 0;
	struct free_chunk *fit = heap_index_first_fit(chunkSize);
	for (int tries = 1; fit != NULL && !aligned_fits(fit, alignment, chunkSize, &slack);
			tries++) {
		if (tries == ALIGNED_CANDIDATES) {
			fit = NULL;
			break;
		}
		fit = heap_index_next_fit(fit);
	}
	if (fit == NULL) {
		/* room for the largest slack aligned_fits() can ask for */
		fit = heap_index_first_fit(chunkSize + alignment + MIN_CHUNK_SIZE - HEAP_ALIGNMENT);
		if (fit == NULL) {
			fit = gHeap.top;
			if (fit == NULL || !aligned_fits(fit, alignment, chunkSize, &slack))
				return NULL;
		} else if (!aligned_fits(fit, alignment, chunkSize, &slack))
			panic("heap: free chunk %p is too small for its size", (void *)fit);
	}

	if (slack == 0)
		return heap_chunk_allocate(fit, chunkSize, size, id);

	/* the slack in front becomes a free chunk of its own */
	struct chunk *front = &fit->chunk;
	size_t available = chunk_size(front);
	struct chunk *chunk = chunk_at(front, slack);
	heap_free_remove(front);
	heap_chunk_make(chunk, available - slack, true, false);
	heap_chunk_make(front, slack, false, chunk_prev_in_use(front));
	heap_free_insert(front);
	heap_chunk_shrink(chunk, chunkSize);
	heap_debug_check_unused(chunk, (uintptr_t)chunk_next(chunk));
	return heap_chunk_hand_out(chunk, size, id);
}


/*
 * The O(1) checks an allocation gets whenever it is handed back: that it is
 * one, and that neither it nor its predecessor overran their ends.
 */
static struct chunk *
checked_chunk(const void *pointer, const char *operation)
{
	uintptr_t address = (uintptr_t)pointer;
	if (address % HEAP_ALIGNMENT != 0 || address < (uintptr_t)gHeap.first + HEADER_SIZE)
		panic("heap: %s(%p): not a heap allocation", operation, pointer);

	struct chunk *chunk = chunk_at(pointer, -HEADER_SIZE);
	heap_debug_check_allocation(chunk, pointer, operation);
	size_t size = chunk_size(chunk);
	if (!chunk_in_use(chunk))
		panic("heap: %s(%p): not allocated (freed twice?)", operation, pointer);
	if ((chunk->header & BALANCE_MASK) != 0 || size < MIN_CHUNK_SIZE
		|| size > (uintptr_t)gHeap.fence - (uintptr_t)chunk)
		panic("heap: %s(%p): corrupt chunk %p", operation, pointer, (void *)chunk);

	struct chunk *next = chunk_at(chunk, size);
	if (next->tag != chunk_guard_tag(size, next) || !chunk_prev_in_use(next)) {
		panic("heap: %s(%p): chunk %p of %zu bytes overran into %p", operation, pointer,
			(void *)chunk, size, (void *)next);
	}

	if (!chunk_prev_in_use(chunk)) {
		size_t previousSize = chunk->tag;
		struct chunk *previous = chunk_at(chunk, -previousSize);
		if (previousSize < MIN_CHUNK_SIZE || previousSize % HEAP_ALIGNMENT != 0
			|| previousSize > (uintptr_t)chunk - (uintptr_t)gHeap.first
			|| chunk_in_use(previous) || chunk_size(previous) != previousSize) {
			panic("heap: %s(%p): corrupt footer of free chunk before %p", operation,
				pointer, (void *)chunk);
		}
	}
	return chunk;
}


/* The live large block at pointer, which is not in the heap; panics if none. */
static struct large_block *
checked_large_block(const void *pointer, const char *operation)
{
	struct large_block *block = heap_large_find(pointer);
	if (block == NULL) {
		panic("heap: %s(%p): neither a heap allocation nor a live large block",
			operation, pointer);
	}
	heap_large_check(block, operation);
	return block;
}


/* Resizes a heap allocation below the large threshold. */
static void *
reallocate_small(struct chunk *chunk, size_t size)
{
	void *pointer = chunk_payload(chunk);
	size_t needed = heap_chunk_size_for(size);
	if (needed == 0)
		return NULL;

	uint32_t id = chunk_id(chunk);
	size_t kept = chunk_usable(chunk) < size ? chunk_usable(chunk) : size;
	size_t current = chunk_size(chunk);
	if (needed <= current) {
		heap_debug_fill_unused((uintptr_t)chunk + needed, (uintptr_t)chunk + current);
		gHeap.in_use_bytes -= heap_chunk_shrink(chunk, needed);
		chunk_set_request(chunk, size, id);
		heap_debug_allocated(chunk, kept);
		return pointer;
	}

	struct chunk *next = chunk_at(chunk, current);
	size_t nextSize = chunk_in_use(next) ? 0 : chunk_size(next);
	if (current + nextSize >= needed) {
		heap_debug_check_unused(next, (uintptr_t)chunk + needed);
		heap_free_remove(next);
		heap_debug_absorb(next);
		heap_chunk_make(chunk, current + nextSize, true, chunk_prev_in_use(chunk));
		heap_chunk_shrink(chunk, needed);
		chunk_set_request(chunk, size, id);
		heap_debug_allocated(chunk, kept);
		heap_account_in_use(chunk, chunk_size(chunk) - current);
		TRACE("realloc(%p, %zu): grown in place\n", pointer, size);
		return pointer;
	}

	/* A free predecessor can take the block without a trip through the index. */
	if (!chunk_prev_in_use(chunk)) {
		struct chunk *previous = chunk_at(chunk, -chunk->tag);
		size_t previousSize = chunk_size(previous);
		if (previousSize + current + nextSize >= needed) {
			heap_debug_check_unused(previous, (uintptr_t)chunk);
			heap_free_remove(previous);
			if (nextSize != 0) {
				heap_debug_check_unused(next, (uintptr_t)previous + needed);
				heap_free_remove(next);
				heap_debug_absorb(next);
			}
			memmove(chunk_payload(previous), pointer, kept);
			heap_debug_fill_unused((uintptr_t)previous + needed,
				(uintptr_t)chunk + current);
			heap_chunk_make(previous, previousSize + current + nextSize, true, true);
			heap_chunk_shrink(previous, needed);
			chunk_set_request(previous, size, id);
			heap_debug_allocated(previous, kept);
			heap_account_in_use(previous, chunk_size(previous) - current);
			TRACE("realloc(%p, %zu): moved down\n", pointer, size);
			return chunk_payload(previous);
		}
	}

	void *moved = heap_allocate_small(size, id);
	if (moved == NULL)
		return NULL;
	memcpy(moved, pointer, kept);
	heap_chunk_free(chunk);
	TRACE("realloc(%p, %zu) = %p\n", pointer, size, moved);
	return moved;
}


/* Resizes a large block, moving it into the heap when it got small. */
static void *
reallocate_large(struct large_block *block, size_t size)
{
	void *pointer = block->payload;
	size_t kept = block->requested < size ? block->requested : size;
	void *moved;
	if (size >= HEAP_LARGE_THRESHOLD) {
		if (heap_large_resize(block, size))
			return pointer;
		moved = heap_large_allocate(HEAP_ALIGNMENT, size, block->id);
		if (moved == NULL)
			return NULL;
	} else {
		moved = heap_allocate_small(size, block->id);
		if (moved == NULL) {
			/* shrinking cannot fail: the block stays where it is */
			heap_large_resize(block, size);
			return pointer;
		}
	}
	memcpy(moved, pointer, kept);
	heap_large_free(block);
	return moved;
}


/* --- the interface ------------------------------------------------------- */


size_t
heap_next_region_size(size_t size, size_t requested)
{
	size_t minimum = requested < BOOT_MIN_HEAP_SIZE ? requested : BOOT_MIN_HEAP_SIZE;
	if (size <= minimum)
		return 0;
	size_t next = (size / 2) & ~(size_t)KERNEL_PAGE_MASK;
	return next > minimum ? next : minimum;
}


status_t
heap_init(struct stage2_args *args)
{
	if (gHeap.first != NULL)
		return B_NOT_ALLOWED;

	void *base;
	void *top;
	status_t status = platform_init_heap(args, &base, &top);
	if (status != B_OK)
		return status;

	uintptr_t start = ((uintptr_t)base + HEAP_ALIGNMENT - 1) & SIZE_MASK;
	uintptr_t end = (uintptr_t)top & SIZE_MASK;
	if ((uintptr_t)top <= (uintptr_t)base || end < start
		|| end - start < MIN_CHUNK_SIZE + HEADER_SIZE) {
		platform_release_heap(args, base);
		return B_NO_MEMORY;
	}

	memset(&gHeap, 0, sizeof(gHeap));
	gHeap.region_base = base;
	gHeap.region_size = (uintptr_t)top - (uintptr_t)base;
	gHeap.first = (struct chunk *)start;
	gHeap.fence = (struct chunk *)(end - HEADER_SIZE);
	gHeap.high_water = (uintptr_t)base;
	heap_debug_fill_unused(start, end);

	/* The fence is a permanently used chunk of size 0; nothing precedes the first. */
	gHeap.fence->header = CHUNK_IN_USE;
	gHeap.first->tag = chunk_guard_tag(0, gHeap.first);
	heap_chunk_make(gHeap.first, (uintptr_t)gHeap.fence - start, false, true);
	heap_free_insert(gHeap.first);

	TRACE("%zu bytes at %p\n", gHeap.region_size, base);
	HEAP_TRACE("i %zu\n", gHeap.region_size);
	return B_OK;
}


void
heap_release(struct stage2_args *args)
{
	if (gHeap.first == NULL)
		return;

#ifdef BOOT_HEAP_DEBUG
	/* what the boot needed, for sizing BOOT_DEFAULT_HEAP_SIZE */
	heap_print_statistics();
#endif
	if (gHeap.allocations != 0 || gHeap.large_blocks != 0) {
		boot_dprintf("heap: still allocated at release: %zu allocations of %zu bytes, "
			"%zu large blocks of %zu bytes\n", gHeap.allocations, gHeap.in_use_bytes,
			gHeap.large_blocks, gHeap.large_bytes);
	}
	heap_debug_report_leaks();
	heap_large_release_all();
	platform_release_heap(args, gHeap.region_base);
	memset(&gHeap, 0, sizeof(gHeap));
}


void *
heap_alloc(size_t size)
{
	uint32_t id = heap_next_id();
	void *pointer = allocate_aligned(HEAP_ALIGNMENT, size, id);
	if (pointer != NULL) {
		gHeap.total_allocations++;
		HEAP_TRACE("a %u %zu\n", (unsigned)id, size);
	}
	TRACE("alloc(%zu) = %p\n", size, pointer);
	return pointer;
}


void *
heap_calloc(size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		return NULL;

	uint32_t id = heap_next_id();
	void *pointer = allocate_aligned(HEAP_ALIGNMENT, count * size, id);
	if (pointer != NULL) {
		memset(pointer, 0, count * size);
		gHeap.total_allocations++;
		HEAP_TRACE("c %u %zu\n", (unsigned)id, count * size);
	}
	return pointer;
}


void *
heap_alloc_aligned(size_t alignment, size_t size)
{
	if (alignment == 0 || (alignment & (alignment - 1)) != 0)
		return NULL;

	uint32_t id = heap_next_id();
	void *pointer = allocate_aligned(alignment, size, id);
	if (pointer != NULL) {
		gHeap.total_allocations++;
		HEAP_TRACE("m %u %zu %zu\n", (unsigned)id, alignment, size);
	}
	TRACE("alloc_aligned(%zu, %zu) = %p\n", alignment, size, pointer);
	return pointer;
}


void *
heap_realloc(void *pointer, size_t size)
{
	if (pointer == NULL)
		return heap_alloc(size);

	void *result;
	uint32_t id;
	if (!heap_contains(pointer)) {
		struct large_block *block = checked_large_block(pointer, "heap_realloc");
		id = block->id;
		result = reallocate_large(block, size);
	} else {
		/*
		 * Size 0 keeps the smallest block: NULL would read as a failure,
		 * which leaves the old block allocated.
		 */
		struct chunk *chunk = checked_chunk(pointer, "heap_realloc");
		id = chunk_id(chunk);
		if (size >= HEAP_LARGE_THRESHOLD) {
			result = heap_large_allocate(HEAP_ALIGNMENT, size, id);
			if (result != NULL) {
				memcpy(result, pointer, chunk_usable(chunk));
				heap_chunk_free(chunk);
			}
		} else
			result = reallocate_small(chunk, size);
	}

	if (result != NULL)
		HEAP_TRACE("r %u %zu\n", (unsigned)id, size);
	(void)id;
	return result;
}


void
heap_free(void *pointer)
{
	if (pointer == NULL)
		return;

	if (!heap_contains(pointer)) {
		struct large_block *block = checked_large_block(pointer, "heap_free");
		HEAP_TRACE("f %u\n", block->id);
		heap_large_free(block);
		return;
	}

	struct chunk *chunk = checked_chunk(pointer, "heap_free");
	HEAP_TRACE("f %u\n", chunk_id(chunk));
	heap_chunk_free(chunk);
	TRACE("free(%p)\n", pointer);
}


char *
heap_strdup(const char *string)
{
	size_t size = strlen(string) + 1;
	char *copy = heap_alloc(size);
	if (copy != NULL)
		memcpy(copy, string, size);
	return copy;
}
