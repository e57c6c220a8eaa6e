/* SPDX-License-Identifier: MIT */
/*
 * The loader heap: all of the generic loader's dynamic memory.
 *
 * The heap lives in the region platform_init_heap() provides and dies at
 * handoff; nothing the kernel needs may be allocated here (use
 * kernel_args_malloc() for that).
 *
 * Build options (Jam variables, see build/jam/BuildSetup): HEAP_DEBUG=1 adds
 * fill patterns, guard bytes and checks that panic on double frees, foreign
 * pointers, overruns and writes after free; HEAP_TRACE=1 prints every heap
 * operation as a "heap-trace" line that tests/bench/heap_replay replays.
 */
#ifndef BOOT_HEAP_H
#define BOOT_HEAP_H

#include <stddef.h>

#include <boot/status.h>

struct stage2_args;

/* Every pointer heap_alloc() returns is aligned to this. */
#define HEAP_ALIGNMENT	16

/*
 * Requests of this many bytes or more bypass the heap: each gets pages of its
 * own from platform_allocate_large(). One such block would take a sixteenth
 * of the default heap or more; kernel and module images and whole-file
 * buffers are that size, and in pages of their own they can neither run the
 * heap out nor leave it in pieces when freed. Their page rounding and record
 * (at most one page) cost them under 0.4%. The loader's many small
 * allocations stay far below it.
 */
#define HEAP_LARGE_THRESHOLD	(1024 * 1024)

status_t heap_init(struct stage2_args *args);
/*
 * For platform_init_heap(): the size to try after size bytes could not be had
 * in one piece, when requested were asked for: half, in whole pages, but not
 * below BOOT_MIN_HEAP_SIZE (or requested, if that is smaller); 0 when size
 * was that minimum already.
 */
size_t heap_next_region_size(size_t size, size_t requested);
/*
 * For platform_init_heap(): the largest region allocate(size, cookie,
 * &address) gives, trying requested bytes first and then each size
 * heap_next_region_size() names; who ("efi", "host") prefixes what it says
 * on the way. Returns the size taken, or 0 when even the least failed (said
 * on the console).
 */
size_t heap_take_region(size_t requested,
	status_t (*allocate)(size_t size, void *cookie, uint64_t *_address), void *cookie,
	const char *who, uint64_t *_address);
/*
 * Report what is still allocated, free the large blocks and hand the heap
 * region back to the platform; the heap is unusable after.
 */
void heap_release(struct stage2_args *args);

/* NULL when out of memory; the heap stays intact. heap_alloc(0) is valid. */
void *heap_alloc(size_t size);
void *heap_calloc(size_t count, size_t size);
/* alignment is a power of two; values below HEAP_ALIGNMENT are raised to it */
void *heap_alloc_aligned(size_t alignment, size_t size);
/* Like C realloc: NULL keeps the old block intact when it fails. */
void *heap_realloc(void *pointer, size_t size);
void heap_free(void *pointer);

char *heap_strdup(const char *string);

struct heap_stats {
	size_t	heap_size;			/* bytes managed */
	size_t	bytes_in_use;		/* payload bytes of the heap's allocations */
	size_t	peak_in_use;
	size_t	bytes_free;
	size_t	largest_free;		/* the biggest request the heap itself could take */
	size_t	allocations;		/* live allocations in the heap */
	size_t	total_allocations;	/* allocations made, large blocks included */
	size_t	free_chunks;
	size_t	chunk_overhead;		/* bookkeeping bytes per chunk: 16, 32 in debug */
	size_t	high_water;			/* bytes from the heap's start to its highest use */
	size_t	large_blocks;		/* live blocks from platform_allocate_large() */
	size_t	large_bytes;		/* bytes those blocks take from the platform */
};

void heap_get_stats(struct heap_stats *stats);

/* Print heap_get_stats() to the debug channel. */
void heap_print_statistics(void);

/* Walk every chunk and check the heap's invariants; panics on corruption. */
void heap_validate(void);

#endif
