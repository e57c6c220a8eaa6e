/* SPDX-License-Identifier: MIT */
/*
 * The loader heap's free index: every free chunk but the top, the small ones
 * in exact-size bins, the others in the tree (heap_tree.c).
 *
 * Best fit across both: a request of a bin size takes a chunk from the
 * smallest non-empty bin that is large enough (a bitmap finds it in one
 * step), and only when there is none the tree's smallest chunk; a larger
 * request searches the tree. Within a bin the chunk freed last is used
 * first, the likeliest to be in the cache. Bin lists are unlinked only after
 * their neighbours' links are checked, so a write after free into them ends
 * in a panic rather than in a corrupted heap.
 */
#include "heap_private.h"


static inline unsigned
bin_index(size_t size)
{
	return (unsigned)(size / HEAP_ALIGNMENT) - 1;
}


/* The first chunk of the smallest non-empty bin from index on, or NULL. */
static inline struct free_chunk *
bin_first_from(unsigned index)
{
	if (index >= BIN_COUNT)
		return NULL;
	uint64_t map = gHeap.bin_map & (~(uint64_t)0 << index);
	if (map == 0)
		return NULL;
	return gHeap.bins[__builtin_ctzll(map)];
}


void
heap_index_insert(struct free_chunk *chunk)
{
	size_t size = chunk_size(&chunk->chunk);
	gHeap.free_chunks++;
	gHeap.free_chunk_bytes += size;
	if (size > BIN_MAX_SIZE) {
		heap_tree_insert(&gHeap.root, chunk);
		return;
	}

	unsigned index = bin_index(size);
	struct free_chunk *head = gHeap.bins[index];
	chunk->left = head;
	chunk->right = NULL;
	if (head != NULL)
		head->right = chunk;
	gHeap.bins[index] = chunk;
	gHeap.bin_map |= (uint64_t)1 << index;
}


void
heap_index_remove(struct free_chunk *chunk)
{
	size_t size = chunk_size(&chunk->chunk);
	gHeap.free_chunks--;
	gHeap.free_chunk_bytes -= size;
	if (size > BIN_MAX_SIZE) {
		heap_tree_remove(&gHeap.root, chunk);
		return;
	}

	unsigned index = bin_index(size);
	struct free_chunk *next = chunk->left;
	struct free_chunk *previous = chunk->right;
	if ((next != NULL && (!heap_is_chunk_address(next) || next->right != chunk))
		|| (previous != NULL
			? !heap_is_chunk_address(previous) || previous->left != chunk
			: gHeap.bins[index] != chunk)) {
		panic("heap: free chunk %p of %zu bytes has damaged bin links (written after "
			"free?)", (void *)chunk, size);
	}

	if (previous != NULL)
		previous->left = next;
	else {
		gHeap.bins[index] = next;
		if (next == NULL)
			gHeap.bin_map &= ~((uint64_t)1 << index);
	}
	if (next != NULL)
		next->right = previous;
}


struct free_chunk *
heap_index_first_fit(size_t size)
{
	if (size <= BIN_MAX_SIZE) {
		struct free_chunk *fit = bin_first_from(bin_index(size));
		if (fit != NULL)
			return fit;
	}
	/* every chunk in the tree is larger than any bin's */
	return heap_tree_lower_bound(gHeap.root, size, 0);
}


struct free_chunk *
heap_index_next_fit(const struct free_chunk *chunk)
{
	size_t size = chunk_size(&chunk->chunk);
	if (size > BIN_MAX_SIZE)
		return heap_tree_lower_bound(gHeap.root, size, (uintptr_t)chunk + 1);

	if (chunk->left != NULL)
		return chunk->left;
	struct free_chunk *fit = bin_first_from(bin_index(size) + 1);
	if (fit != NULL)
		return fit;
	return heap_tree_lower_bound(gHeap.root, 0, 0);
}


struct free_chunk *
heap_index_largest(void)
{
	struct free_chunk *largest = heap_tree_largest(gHeap.root);
	if (largest != NULL || gHeap.bin_map == 0)
		return largest;
	return gHeap.bins[63 - __builtin_clzll(gHeap.bin_map)];
}


bool
heap_index_contains(const struct free_chunk *chunk)
{
	size_t size = chunk_size(&chunk->chunk);
	if (size > BIN_MAX_SIZE)
		return heap_tree_contains(gHeap.root, chunk);

	/*
	 * Linked both ways: with heap_index_validate() having walked every list
	 * and the counts agreeing, the chunk is in its bin.
	 */
	const struct free_chunk *next = chunk->left;
	const struct free_chunk *previous = chunk->right;
	if (previous == NULL ? gHeap.bins[bin_index(size)] != chunk
			: !heap_is_chunk_address(previous) || previous->left != chunk)
		return false;
	return next == NULL || (heap_is_chunk_address(next) && next->right == chunk);
}


size_t
heap_index_validate(void)
{
	size_t count = 0;
	for (unsigned index = 0; index < BIN_COUNT; index++) {
		if (((gHeap.bin_map >> index) & 1) != (gHeap.bins[index] != NULL))
			panic("heap: the bin map disagrees with bin %u", index);

		const struct free_chunk *previous = NULL;
		for (const struct free_chunk *node = gHeap.bins[index]; node != NULL;
				node = node->left) {
			if (!heap_is_chunk_address(node))
				panic("heap: bin %u points to %p, outside the heap", index, (const void *)node);
			if (++count > gHeap.free_chunks)
				panic("heap: bin %u at %p holds more chunks than there are free ones",
					index, (const void *)node);
			if (chunk_in_use(&node->chunk) || bin_index(chunk_size(&node->chunk)) != index
				|| node->right != previous || node == gHeap.top) {
				panic("heap: bin %u holds a bad chunk %p", index, (const void *)node);
			}
			previous = node;
		}
	}
	return count + heap_tree_validate(gHeap.root, gHeap.free_chunks - count);
}
