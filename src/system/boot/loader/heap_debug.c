/* SPDX-License-Identifier: MIT */
/*
 * The heap's debug build (BOOT_HEAP_DEBUG): fill patterns, guard bytes and
 * signatures that turn double frees, foreign pointers, overruns and writes
 * after free into panics naming the address and the allocation's size.
 *
 * Patterns. Fresh allocations are filled with DEBUG_FRESH_BYTE up to the
 * requested size and with DEBUG_GUARD_BYTE from there to the chunk's end (at
 * least DEBUG_GUARD_SIZE bytes). Free chunks hold DEBUG_FREED_BYTE behind
 * their index links; a chunk is checked for it when it is handed out again.
 *
 * Signatures. The check word of a chunk header says whether the chunk is a
 * live allocation or a freed one, hashed with its address, size and id so
 * that stray data does not pass for either. When a freed chunk merges into a
 * neighbour, its 16-byte requested/id/check window stays behind inside the
 * free space ("a dead header"); a second free of the same pointer still finds
 * it and reports a double free with the size. The freed-pattern check skips
 * such windows, which always sit 16-byte aligned where a header was.
 */
#include "heap_private.h"

#ifdef BOOT_HEAP_DEBUG

#include <string.h>


#define FREED_WORD	0xddddddddddddddddull

static const uint64_t kLiveKey = 0x6c6976652d636b21ull;
static const uint64_t kFreedKey = 0x66726565642d6b21ull;

_Static_assert(DEBUG_FREED_BYTE == (FREED_WORD & 0xff), "one freed pattern");


static uint64_t
signature(const struct chunk *chunk, uint64_t key)
{
	uint64_t value = ((uint64_t)chunk->requested << 32 | chunk->id)
		^ (uint64_t)(uintptr_t)chunk;
	value *= 0x9e3779b97f4a7c15ull;
	value ^= value >> 31;
	return value ^ key;
}


static inline bool
chunk_is_freed(const struct chunk *chunk)
{
	return chunk->check == signature(chunk, kFreedKey);
}


void
heap_debug_fill_unused(uintptr_t from, uintptr_t to)
{
	if (to > from)
		memset((void *)from, DEBUG_FREED_BYTE, to - from);
}


void
heap_debug_check_unused(const struct chunk *chunk, uintptr_t end)
{
	for (uintptr_t window = (uintptr_t)chunk + MIN_CHUNK_SIZE; window < end;
			window += 16) {
		const uint64_t *words = (const uint64_t *)window;
		if (words[0] == FREED_WORD && words[1] == FREED_WORD)
			continue;
		if (chunk_is_freed((const struct chunk *)(window - 16)))
			continue;

		const uint8_t *byte = (const uint8_t *)window;
		while (*byte == DEBUG_FREED_BYTE)
			byte++;
		panic("heap: write after free at %p, in a free chunk of %zu bytes at %p",
			(const void *)byte, chunk_size(chunk), (const void *)chunk);
	}
}


void
heap_debug_absorb(struct chunk *chunk)
{
	uint8_t *bytes = (uint8_t *)chunk;
	memset(bytes, DEBUG_FREED_BYTE, offsetof(struct chunk, requested));
	if (!chunk_is_freed(chunk)) {
		memset(bytes + offsetof(struct chunk, requested), DEBUG_FREED_BYTE,
			HEADER_SIZE - offsetof(struct chunk, requested));
	}
	/* the free index links, where the chunk was free */
	memset(bytes + HEADER_SIZE, DEBUG_FREED_BYTE, MIN_CHUNK_SIZE - HEADER_SIZE);
}


void
heap_debug_freed(struct chunk *chunk)
{
	chunk->check = signature(chunk, kFreedKey);
	memset(chunk_payload(chunk), DEBUG_FREED_BYTE, chunk_size(chunk) - HEADER_SIZE);
}


void
heap_debug_allocated(struct chunk *chunk, size_t keep)
{
	chunk->check = signature(chunk, kLiveKey);
	uint8_t *payload = chunk_payload(chunk);
	size_t requested = chunk->requested;
	if (keep < requested)
		memset(payload + keep, DEBUG_FRESH_BYTE, requested - keep);
	memset(payload + requested, DEBUG_GUARD_BYTE,
		chunk_size(chunk) - HEADER_SIZE - requested);
}


/* The chunk that holds address, or NULL when the walk finds none. */
static const struct chunk *
containing_chunk(const void *address)
{
	const struct chunk *chunk = gHeap.first;
	while (chunk != gHeap.fence) {
		size_t size = chunk_size(chunk);
		if (size < MIN_CHUNK_SIZE || size > (uintptr_t)gHeap.fence - (uintptr_t)chunk)
			return NULL;
		if ((uintptr_t)address < (uintptr_t)chunk + size)
			return chunk;
		chunk = chunk_next(chunk);
	}
	return NULL;
}


/* Panics unless the guard bytes behind chunk's request are intact. */
static void
check_guard(const struct chunk *chunk, const void *pointer, const char *operation)
{
	const uint8_t *payload = (const uint8_t *)chunk + HEADER_SIZE;
	size_t capacity = chunk_size(chunk) - HEADER_SIZE;
	for (size_t offset = chunk->requested; offset < capacity; offset++) {
		if (payload[offset] != DEBUG_GUARD_BYTE) {
			panic("heap: %s(%p): overrun: the %u-byte allocation was written past its "
				"end at %p", operation, pointer, (unsigned)chunk->requested,
				(const void *)(payload + offset));
		}
	}
}


void
heap_debug_check_allocation(const struct chunk *chunk, const void *pointer,
	const char *operation)
{
	if (chunk_in_use(chunk) && chunk->check == signature(chunk, kLiveKey)) {
		check_guard(chunk, pointer, operation);
		return;
	}

	if (chunk_is_freed(chunk)) {
		panic("heap: %s(%p): double free: the %u-byte allocation was already freed",
			operation, pointer, (unsigned)chunk->requested);
	}

	const struct chunk *container = containing_chunk(pointer);
	if (container == NULL) {
		panic("heap: %s(%p): foreign pointer, not an allocation of this heap",
			operation, pointer);
	}
	if (chunk_in_use(container)) {
		const uint8_t *payload = (const uint8_t *)container + HEADER_SIZE;
		panic("heap: %s(%p): foreign pointer, %td bytes into the %u-byte allocation "
			"at %p", operation, pointer, (const uint8_t *)pointer - payload,
			(unsigned)container->requested, (const void *)payload);
	}
	panic("heap: %s(%p): foreign pointer, inside a free chunk of %zu bytes at %p",
		operation, pointer, chunk_size(container), (const void *)container);
}


void
heap_debug_validate_chunk(const struct chunk *chunk)
{
	const void *pointer = (const uint8_t *)chunk + HEADER_SIZE;
	if (chunk->check != signature(chunk, kLiveKey)) {
		panic("heap: chunk %p is in use but its %u-byte allocation %p is not signed "
			"as live", (const void *)chunk, (unsigned)chunk->requested, pointer);
	}
	check_guard(chunk, pointer, "heap_validate");
}


void
heap_debug_report_leaks(void)
{
	for (const struct chunk *chunk = gHeap.first; chunk != gHeap.fence;
			chunk = chunk_next(chunk)) {
		if (chunk_in_use(chunk)) {
			boot_dprintf("heap: leak: %p, %u bytes (allocation %u)\n",
				(const void *)((uintptr_t)chunk + HEADER_SIZE), (unsigned)chunk->requested,
				(unsigned)chunk->id);
		}
	}
}

#endif
