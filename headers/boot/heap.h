/*
 * The loader heap: all of the generic loader's dynamic memory.
 *
 * The heap lives in the region platform_init_heap() provides and dies at
 * handoff; nothing the kernel needs may be allocated here (use
 * kernel_args_malloc() for that).
 */
#ifndef BOOT_HEAP_H
#define BOOT_HEAP_H

#include <stddef.h>

#include <boot/status.h>

struct stage2_args;

/* Every pointer heap_alloc() returns is aligned to this. */
#define HEAP_ALIGNMENT	16

status_t heap_init(struct stage2_args *args);
/* Hand the heap region back to the platform; the heap is unusable after. */
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
	size_t	bytes_in_use;		/* payload bytes currently allocated */
	size_t	peak_in_use;
	size_t	bytes_free;
	size_t	largest_free;		/* the biggest request that would succeed */
	size_t	allocations;		/* live allocations */
	size_t	total_allocations;	/* heap_alloc calls that succeeded */
	size_t	free_chunks;
};

void heap_get_stats(struct heap_stats *stats);

/* Walk every chunk and check the heap's invariants; panics on corruption. */
void heap_validate(void);

#endif
