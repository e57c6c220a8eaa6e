/* SPDX-License-Identifier: MIT */
/*
 * Large blocks: requests of HEAP_LARGE_THRESHOLD bytes or more, each in pages
 * of its own from platform_allocate_large(), listed so that heap_free() and
 * heap_realloc() know them and heap_release() can report and free the rest.
 *
 * The list is walked linearly: with every block a megabyte or more, the
 * loader never holds more than a few dozen.
 */
#include "heap_private.h"

#include <string.h>

#include <boot/kernel_args.h>
#include <boot/platform.h>


static uint64_t
record_checksum(const struct large_block *block)
{
	const uint64_t words[] = {
		(uintptr_t)block->next, (uintptr_t)block->base, block->block_size,
		(uintptr_t)block->payload, block->requested,
		(uint64_t)block->id << 32 | block->reserved,
	};
	uint64_t hash = 0x6a09e667f3bcc909ull ^ (uintptr_t)block;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		hash = (hash ^ words[i]) * 0x100000001b3ull;
		hash ^= hash >> 29;
	}
	return hash;
}


static void
record_seal(struct large_block *block)
{
	block->check = record_checksum(block);
}


static void
record_verify(const struct large_block *block)
{
	if (block->check != record_checksum(block)) {
		panic("heap: the record of a large block at %p is damaged (written past the "
			"block's end?)", (const void *)block);
	}
}


/* The bytes from the payload to the record. */
static size_t
block_capacity(const struct large_block *block)
{
	return (uintptr_t)block - (uintptr_t)block->payload;
}


#ifdef BOOT_HEAP_DEBUG

/* Fresh bytes from keep to the request, guard bytes behind it. */
static void
block_fill(struct large_block *block, size_t keep)
{
	uint8_t *payload = block->payload;
	if (keep < block->requested)
		memset(payload + keep, DEBUG_FRESH_BYTE, block->requested - keep);
	memset(payload + block->requested, DEBUG_GUARD_BYTE,
		block_capacity(block) - block->requested);
}

#else

static inline void block_fill(struct large_block *block, size_t keep) {}

#endif


void *
heap_large_allocate(size_t alignment, size_t size, uint32_t id)
{
	/* keeps the sums below from overflowing; no platform has that much */
	if (size > SIZE_MAX / 4 || alignment > SIZE_MAX / 4)
		return NULL;

	/* Every port hands out large blocks in whole pages, page aligned. */
	const size_t page = KERNEL_PAGE_SIZE;
	size_t padding = alignment > page ? alignment - page : 0;
	size_t blockSize = (size + padding + sizeof(struct large_block) + page - 1)
		& ~(page - 1);
	void *base;
	if (platform_allocate_large(blockSize, &base) != B_OK)
		return NULL;

	uintptr_t start = (uintptr_t)base;
	if (start % page != 0
		|| (start < (uintptr_t)gHeap.fence && start + blockSize > (uintptr_t)gHeap.first)) {
		panic("heap: platform_allocate_large(%zu) returned %p, unaligned or inside the "
			"heap", blockSize, base);
	}

	struct large_block *block
		= (struct large_block *)(start + blockSize - sizeof(struct large_block));
	block->next = gHeap.large;
	block->base = base;
	block->block_size = blockSize;
	block->payload = (void *)((start + alignment - 1) & ~(uintptr_t)(alignment - 1));
	block->requested = size;
	block->id = id;
	block->reserved = 0;
	record_seal(block);
	block_fill(block, 0);

	gHeap.large = block;
	gHeap.large_blocks++;
	gHeap.large_bytes += blockSize;
	return block->payload;
}


struct large_block *
heap_large_find(const void *pointer)
{
	for (struct large_block *block = gHeap.large; block != NULL; block = block->next) {
		record_verify(block);
		if (block->payload == pointer)
			return block;
	}
	return NULL;
}


void
heap_large_check(const struct large_block *block, const char *operation)
{
#ifdef BOOT_HEAP_DEBUG
	const uint8_t *payload = block->payload;
	for (size_t offset = block->requested; offset < block_capacity(block); offset++) {
		if (payload[offset] != DEBUG_GUARD_BYTE) {
			panic("heap: %s(%p): overrun: the %zu-byte large block was written past "
				"its end at %p", operation, block->payload, block->requested,
				(const void *)(payload + offset));
		}
	}
#endif
}


void
heap_large_free(struct large_block *block)
{
	struct large_block **link = &gHeap.large;
	struct large_block *previous = NULL;
	while (*link != block) {
		if (*link == NULL)
			panic("heap: large block %p is not in the list", block->payload);
		previous = *link;
		link = &previous->next;
	}
	*link = block->next;
	if (previous != NULL)
		record_seal(previous);

	gHeap.large_blocks--;
	gHeap.large_bytes -= block->block_size;
	void *base = block->base;
	size_t blockSize = block->block_size;
#ifdef BOOT_HEAP_DEBUG
	/* in case the platform keeps the pages mapped: stale reads see the pattern */
	memset(base, DEBUG_FREED_BYTE, blockSize);
#endif
	platform_free_large(base, blockSize);
}


bool
heap_large_resize(struct large_block *block, size_t size)
{
	if (size > block_capacity(block))
		return false;

	size_t kept = block->requested < size ? block->requested : size;
	block->requested = size;
	record_seal(block);
	block_fill(block, kept);
	return true;
}


void
heap_large_release_all(void)
{
	struct large_block *block = gHeap.large;
	while (block != NULL) {
		record_verify(block);
		struct large_block *next = block->next;
		/* ids exist in debug and trace builds only */
		if (block->id != 0) {
			boot_dprintf("heap: leak: large block %p, %zu bytes (allocation %u)\n",
				block->payload, block->requested, (unsigned)block->id);
		} else {
			boot_dprintf("heap: leak: large block %p, %zu bytes\n", block->payload,
				block->requested);
		}
		platform_free_large(block->base, block->block_size);
		block = next;
	}
	gHeap.large = NULL;
	gHeap.large_blocks = 0;
	gHeap.large_bytes = 0;
}


void
heap_large_validate(void)
{
	size_t count = 0;
	size_t bytes = 0;
	for (struct large_block *block = gHeap.large; block != NULL; block = block->next) {
		record_verify(block);
		if (++count > gHeap.large_blocks)
			panic("heap: the large block list at %p is longer than counted",
				(void *)gHeap.large);
		bytes += block->block_size;
		heap_large_check(block, "heap_validate");
	}
	if (count != gHeap.large_blocks || bytes != gHeap.large_bytes)
		panic("heap: %zu large blocks of %zu bytes listed, %zu of %zu counted", count, bytes,
			gHeap.large_blocks, gHeap.large_bytes);
}
