/* SPDX-License-Identifier: MIT */
/*
 * What the loader heap's source files share: the chunk layout, the heap's
 * state, the free index, large blocks and the debug and trace hooks.
 *
 * Chunks. The region is a row of chunks, each 16-byte aligned and a multiple
 * of 16 bytes long, that starts with a header:
 *
 *	tag		the previous chunk's size; while that chunk is in use, XORed with
 *			a guard value derived from this header's address
 *	header	this chunk's size | CHUNK_IN_USE | CHUNK_PREV_IN_USE, and for a
 *			free chunk in the tree its balance there
 *	(debug and trace builds only) the requested size, the allocation's id and
 *			a signature that tells a live allocation from a freed one
 *
 * The payload follows the header, so every payload is 16-byte aligned, and an
 * allocation costs exactly 16 bytes of bookkeeping (32 in debug and trace
 * builds); the request itself is rounded up to 16, and to 16 payload bytes at
 * least. A fence header at the end of the region gives the last chunk a
 * successor.
 *
 * Boundary tags. A free chunk's size is repeated in its successor's tag (its
 * footer), and CHUNK_PREV_IN_USE says whether that footer is valid, so
 * heap_free() finds both neighbours in O(1) and coalesces with them; two free
 * chunks are never adjacent. While the previous chunk is in use its footer is
 * not needed, and the tag becomes a guard word instead: a write past the end
 * of a payload changes it first, which heap_free(), heap_realloc() and
 * heap_validate() detect.
 *
 * Free chunks. The one that ends at the fence, the top chunk, is kept apart
 * and only cut into when no other free chunk fits: it stays whole for as
 * long as possible, and the common pattern of allocating and freeing at the
 * end of the used space costs no index work. Every other free chunk is in
 * the free index (heap_index.c): exact-size bins for small chunks, an AVL
 * tree (heap_tree.c) for the rest, their links in the free chunk's payload.
 */
#ifndef BOOT_HEAP_PRIVATE_H
#define BOOT_HEAP_PRIVATE_H

#include <boot/heap.h>

#include <stdbool.h>
#include <stdint.h>

#include <boot/stdio.h>


#if defined(BOOT_HEAP_DEBUG) || defined(BOOT_HEAP_TRACE)
#	define HEAP_INSTRUMENTED 1
#endif

#define CHUNK_IN_USE		((size_t)0x1)
#define CHUNK_PREV_IN_USE	((size_t)0x2)
#define BALANCE_SHIFT		2
#define BALANCE_MASK		((size_t)0x3 << BALANCE_SHIFT)
#define SIZE_MASK			(~(size_t)(HEAP_ALIGNMENT - 1))

/* aligned() keeps the header a multiple of 16 should size_t ever be 32 bits */
struct chunk {
	size_t		tag;
	size_t		header;
#ifdef HEAP_INSTRUMENTED
	/* fits: the heap only holds requests below HEAP_LARGE_THRESHOLD */
	uint32_t	requested;
	uint32_t	id;
	uint64_t	check;
#endif
} __attribute__((aligned(HEAP_ALIGNMENT)));

struct free_chunk {
	struct chunk		chunk;
	struct free_chunk	*left;
	struct free_chunk	*right;
};

#define HEADER_SIZE		sizeof(struct chunk)
#define MIN_CHUNK_SIZE	sizeof(struct free_chunk)

/* Debug builds keep at least this many guard bytes behind every request. */
#ifdef BOOT_HEAP_DEBUG
#	define DEBUG_GUARD_SIZE	8
#else
#	define DEBUG_GUARD_SIZE	0
#endif

_Static_assert(HEADER_SIZE % HEAP_ALIGNMENT == 0, "a payload must start aligned");
_Static_assert(MIN_CHUNK_SIZE % HEAP_ALIGNMENT == 0, "chunk sizes are multiples of 16");
_Static_assert(HEAP_LARGE_THRESHOLD <= UINT32_MAX, "requested sizes fit 32 bits");

/*
 * A block from platform_allocate_large(). Its record sits at the block's end,
 * behind the payload, so the payload keeps the block's page alignment and no
 * heap memory is spent on it; check (see heap_large.c) covers every field, so
 * an overrun into the record is caught before a damaged link is followed.
 */
struct large_block {
	struct large_block	*next;
	void				*base;
	size_t				block_size;
	void				*payload;
	size_t				requested;
	uint32_t			id;
	uint32_t			reserved;
	uint64_t			check;
};

/*
 * Bins hold free chunks of one size each, 16 to BIN_MAX_SIZE bytes, in
 * doubly linked lists (left: next, right: previous); bigger ones go to the
 * tree. The loader's allocations are mostly small, and an exact-size list
 * finds and unlinks them in O(1).
 */
#define BIN_COUNT		64
#define BIN_MAX_SIZE	(BIN_COUNT * HEAP_ALIGNMENT)

struct heap_state {
	void				*region_base;
	size_t				region_size;
	struct chunk		*first;
	struct chunk		*fence;
	struct free_chunk	*top;			/* the free chunk before the fence, or NULL */
	struct free_chunk	*root;			/* the tree */
	struct free_chunk	*bins[BIN_COUNT];
	uint64_t			bin_map;		/* bit i: bins[i] is not empty */

	size_t				in_use_bytes;
	size_t				peak_in_use;
	size_t				allocations;
	size_t				total_allocations;
	size_t				free_chunks;		/* in the index: the top is not */
	size_t				free_chunk_bytes;
	uintptr_t			high_water;		/* end of the highest chunk ever used */

	struct large_block	*large;
	size_t				large_blocks;
	size_t				large_bytes;

	uint32_t			next_id;		/* debug and trace builds */
};

extern struct heap_state gHeap;


static inline size_t
chunk_size(const struct chunk *chunk)
{
	return chunk->header & SIZE_MASK;
}


static inline bool
chunk_in_use(const struct chunk *chunk)
{
	return (chunk->header & CHUNK_IN_USE) != 0;
}


static inline bool
chunk_prev_in_use(const struct chunk *chunk)
{
	return (chunk->header & CHUNK_PREV_IN_USE) != 0;
}


static inline struct chunk *
chunk_at(const void *base, size_t offset)
{
	return (struct chunk *)((uintptr_t)base + offset);
}


static inline struct chunk *
chunk_next(const struct chunk *chunk)
{
	return chunk_at(chunk, chunk_size(chunk));
}


static inline void *
chunk_payload(struct chunk *chunk)
{
	return (uint8_t *)chunk + HEADER_SIZE;
}


/* The tag of the header at chunk while its predecessor is in use. */
static inline size_t
chunk_guard_tag(size_t previousSize, const struct chunk *chunk)
{
	static const size_t kGuard = (size_t)0x9e3779b97f4a7c15ull;
	return previousSize ^ kGuard ^ (size_t)(uintptr_t)chunk;
}


/* Where a chunk header could be: aligned, between the first and the fence. */
static inline bool
heap_is_chunk_address(const void *address)
{
	uintptr_t value = (uintptr_t)address;
	return value % HEAP_ALIGNMENT == 0 && value >= (uintptr_t)gHeap.first
		&& value < (uintptr_t)gHeap.fence;
}


/* The payload bytes the caller may use: what realloc must carry over. */
static inline size_t
chunk_usable(const struct chunk *chunk)
{
#ifdef HEAP_INSTRUMENTED
	return chunk->requested;
#else
	return chunk_size(chunk) - HEADER_SIZE;
#endif
}


static inline uint32_t
chunk_id(const struct chunk *chunk)
{
#ifdef HEAP_INSTRUMENTED
	return chunk->id;
#else
	(void)chunk;
	return 0;
#endif
}


static inline void
chunk_set_request(struct chunk *chunk, size_t requested, uint32_t id)
{
#ifdef HEAP_INSTRUMENTED
	chunk->requested = (uint32_t)requested;
	chunk->id = id;
#else
	(void)chunk;
	(void)requested;
	(void)id;
#endif
}


static inline uint32_t
heap_next_id(void)
{
#ifdef HEAP_INSTRUMENTED
	return ++gHeap.next_id;
#else
	return 0;
#endif
}


/* --- chunk mechanics (heap_chunk.c) -------------------------------------- */

/* Writes a header and the successor's tag and CHUNK_PREV_IN_USE bit. */
void heap_chunk_make(struct chunk *chunk, size_t size, bool inUse, bool previousInUse);
/* Files a made free chunk: as the top when it ends at the fence, else indexed. */
void heap_free_insert(struct chunk *chunk);
void heap_free_remove(struct chunk *chunk);
/* The chunk size that holds size payload bytes; 0 when no chunk could. */
size_t heap_chunk_size_for(size_t size);
/* chunk took addedBytes more payload: statistics and high-water mark. */
void heap_account_in_use(struct chunk *chunk, size_t addedBytes);
/* Cuts a used chunk down to size bytes; returns the bytes given up. */
size_t heap_chunk_shrink(struct chunk *chunk, size_t size);
/* A used chunk just became an allocation of requested bytes; its payload. */
void *heap_chunk_hand_out(struct chunk *chunk, size_t requested, uint32_t id);
/* Takes a free chunk and hands out its first size bytes. */
void *heap_chunk_allocate(struct free_chunk *freeChunk, size_t size, size_t requested,
	uint32_t id);
/* Frees a checked, live chunk, merging it with free neighbours. */
void heap_chunk_free(struct chunk *chunk);
/* A best-fit allocation of size bytes from the heap itself; NULL if none fits. */
void *heap_allocate_small(size_t size, uint32_t id);


/* --- the free index (heap_index.c, heap_tree.c) -------------------------- */

void heap_index_insert(struct free_chunk *chunk);
void heap_index_remove(struct free_chunk *chunk);
/* The best fit: a smallest free chunk of at least size bytes; NULL if none. */
struct free_chunk *heap_index_first_fit(size_t size);
/* The fit after chunk in best-fit order: same size first, then larger. */
struct free_chunk *heap_index_next_fit(const struct free_chunk *chunk);
struct free_chunk *heap_index_largest(void);
bool heap_index_contains(const struct free_chunk *chunk);
/* Checks the bins and the tree; returns the number of chunks they hold. */
size_t heap_index_validate(void);

/* The tree; chunk's key must not change while it is in the tree. */
void heap_tree_insert(struct free_chunk **root, struct free_chunk *chunk);
void heap_tree_remove(struct free_chunk **root, struct free_chunk *chunk);
/* The smallest node whose key is at least (size, address), or NULL. */
struct free_chunk *heap_tree_lower_bound(struct free_chunk *root, size_t size,
	uintptr_t address);
struct free_chunk *heap_tree_largest(struct free_chunk *root);
bool heap_tree_contains(const struct free_chunk *root, const struct free_chunk *chunk);
/* Checks order, balance and links of at most limit nodes; returns their number. */
size_t heap_tree_validate(const struct free_chunk *root, size_t limit);


/* --- large blocks (heap_large.c) ----------------------------------------- */

/* A block of size bytes aligned to alignment; NULL when the platform has none. */
void *heap_large_allocate(size_t alignment, size_t size, uint32_t id);
/* The live block whose payload is pointer, or NULL; checks every record it passes. */
struct large_block *heap_large_find(const void *pointer);
/* Checks the block's guard bytes (debug builds); panics naming operation. */
void heap_large_check(const struct large_block *block, const char *operation);
void heap_large_free(struct large_block *block);
/* Resizes in place when the block has room; false when it does not. */
bool heap_large_resize(struct large_block *block, size_t size);
/* Reports and frees every live block; called by heap_release(). */
void heap_large_release_all(void);
void heap_large_validate(void);


/* --- debug checks (heap_debug.c), no-ops in other builds ------------------ */

#ifdef BOOT_HEAP_DEBUG

#define DEBUG_FRESH_BYTE	0xcc
#define DEBUG_FREED_BYTE	0xdd
#define DEBUG_GUARD_BYTE	0xfd

/* Fills [from, to) with the freed pattern. */
void heap_debug_fill_unused(uintptr_t from, uintptr_t to);
/* Checks that free chunk's payload up to end still holds the freed pattern. */
void heap_debug_check_unused(const struct chunk *chunk, uintptr_t end);
/* A header that stops being one because its chunk merged into another. */
void heap_debug_absorb(struct chunk *chunk);
/* Marks a live chunk freed and fills its payload with the freed pattern. */
void heap_debug_freed(struct chunk *chunk);
/* Signs a chunk live; fills payload bytes from keep on: fresh, then guard. */
void heap_debug_allocated(struct chunk *chunk, size_t keep);
/*
 * Panics unless chunk (pointer less the header) is a live allocation with its
 * guard intact; names double frees and foreign pointers as such.
 */
void heap_debug_check_allocation(const struct chunk *chunk, const void *pointer,
	const char *operation);
/* Lists every live allocation on the debug channel. */
void heap_debug_report_leaks(void);
/* Checks the signature and guard of every live chunk. */
void heap_debug_validate_chunk(const struct chunk *chunk);

#else

static inline void heap_debug_fill_unused(uintptr_t from, uintptr_t to) {}
static inline void heap_debug_check_unused(const struct chunk *chunk, uintptr_t end) {}
static inline void heap_debug_absorb(struct chunk *chunk) {}
static inline void heap_debug_freed(struct chunk *chunk) {}
static inline void heap_debug_allocated(struct chunk *chunk, size_t keep) {}
static inline void heap_debug_check_allocation(const struct chunk *chunk,
	const void *pointer, const char *operation) {}
static inline void heap_debug_report_leaks(void) {}
static inline void heap_debug_validate_chunk(const struct chunk *chunk) {}

#endif


/* --- the allocation trace ------------------------------------------------- */

/*
 * One line per operation, naming allocations by id so that a trace replays
 * anywhere: "a <id> <size>", "c <id> <size>" (calloc), "m <id> <alignment>
 * <size>", "r <id> <size>", "f <id>", and "i <heap size>" at heap_init().
 */
#ifdef BOOT_HEAP_TRACE
#	define HEAP_TRACE(...)	boot_dprintf("heap-trace " __VA_ARGS__)
#else
#	define HEAP_TRACE(...)	do {} while (0)
#endif

#endif
