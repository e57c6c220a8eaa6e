/*
 * The loader heap: best-fit allocation with boundary tags in the one region
 * the platform reserves for it.
 *
 * Chunks. The region is a row of chunks, each 16-byte aligned and a multiple
 * of 16 bytes long, that starts with a 16-byte header:
 *
 *	tag		the previous chunk's size; while that chunk is in use, XORed with
 *			a guard value derived from this header's address
 *	header	this chunk's size | CHUNK_IN_USE | CHUNK_PREV_IN_USE, and for a
 *			free chunk its balance in the free index
 *
 * The payload follows the header, so every payload is 16-byte aligned, and an
 * allocation costs exactly 16 bytes of bookkeeping (the request itself is
 * rounded up to 16, and to 16 payload bytes at least). A fence header at the
 * end of the region gives the last chunk a successor.
 *
 * Boundary tags. A free chunk's size is repeated in its successor's tag (its
 * footer), and CHUNK_PREV_IN_USE says whether that footer is valid, so
 * heap_free() finds both neighbours in O(1) and coalesces with them; two free
 * chunks are never adjacent. While the previous chunk is in use its footer is
 * not needed, and the tag becomes a guard word instead: a write past the end
 * of a payload changes it first, which heap_free(), heap_realloc() and
 * heap_validate() detect.
 *
 * Free index. Free chunks are kept in one AVL tree keyed by (size, address),
 * its links stored in the free chunk's payload, its balance factors in two
 * header bits, so a free chunk needs 32 bytes (the smallest chunk there is).
 * Best fit is the smallest key whose size is large enough: among chunks of
 * the same size the lowest address wins, which keeps the heap packed towards
 * its start. One balanced tree rather than size bins plus a tree: the loader
 * heap holds few free chunks, and one structure with one code path gives the
 * same O(log n) bound for every size without bin tuning. The tree functions
 * recurse; AVL depth stays below 1.44 log2(n), about 40 even for a 4 GiB heap.
 *
 * Cost, n being the number of free chunks: heap_alloc, heap_calloc (plus
 * zeroing), heap_free, heap_realloc in place O(log n); heap_realloc that
 * moves O(log n) plus the copy; heap_alloc_aligned O(log n), trying a bounded
 * number of candidates before it asks for one that fits for sure;
 * heap_get_stats O(log n); heap_validate O(chunks + n log n).
 *
 * Statistics count usable bytes: an allocation's payload as rounded up, the
 * payloads free chunks could hand out (their size less a header). So
 * bytes_in_use + bytes_free + 16 * (allocations + free_chunks) is constant.
 * total_allocations counts calls that created an allocation; a realloc that
 * moves a block does not.
 */
#include <boot/heap.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <boot/platform.h>
#include <boot/stdio.h>


//#define TRACE_HEAP
#ifdef TRACE_HEAP
#	define TRACE(...) boot_dprintf("heap: " __VA_ARGS__)
#else
#	define TRACE(...) do {} while (0)
#endif

#define CHUNK_IN_USE		((size_t)0x1)
#define CHUNK_PREV_IN_USE	((size_t)0x2)
#define BALANCE_SHIFT		2
#define BALANCE_MASK		((size_t)0x3 << BALANCE_SHIFT)
#define SIZE_MASK			(~(size_t)(HEAP_ALIGNMENT - 1))

/* aligned() keeps the header at 16 bytes should size_t ever be 32 bits */
struct chunk {
	size_t	tag;
	size_t	header;
} __attribute__((aligned(HEAP_ALIGNMENT)));

struct free_chunk {
	struct chunk		chunk;
	struct free_chunk	*left;
	struct free_chunk	*right;
};

#define HEADER_SIZE		sizeof(struct chunk)
#define MIN_CHUNK_SIZE	sizeof(struct free_chunk)

_Static_assert(HEADER_SIZE == HEAP_ALIGNMENT, "a payload must start aligned");
_Static_assert(MIN_CHUNK_SIZE % HEAP_ALIGNMENT == 0, "chunk sizes are multiples of 16");

/* aligned allocation tries this many exact candidates before padding */
#define ALIGNED_CANDIDATES	8

static const size_t kGuard = (size_t)0x9e3779b97f4a7c15ull;

static void *sRegionBase;
static size_t sRegionSize;
static struct chunk *sFirst;
static struct chunk *sFence;
static struct free_chunk *sRoot;

static size_t sInUseBytes;
static size_t sPeakInUse;
static size_t sAllocations;
static size_t sTotalAllocations;
static size_t sFreeChunks;
static size_t sFreeChunkBytes;


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
guard_tag(size_t previousSize, const struct chunk *chunk)
{
	return previousSize ^ kGuard ^ (size_t)(uintptr_t)chunk;
}


/*
 * Writes a chunk header and the successor's view of it (tag and
 * CHUNK_PREV_IN_USE). The successor must already be a valid header: when a
 * range is split, the back part is made first.
 */
static void
chunk_make(struct chunk *chunk, size_t size, bool inUse, bool previousInUse)
{
	chunk->header = size | (inUse ? CHUNK_IN_USE : 0)
		| (previousInUse ? CHUNK_PREV_IN_USE : 0);

	struct chunk *next = chunk_at(chunk, size);
	if (inUse) {
		next->tag = guard_tag(size, next);
		next->header |= CHUNK_PREV_IN_USE;
	} else {
		next->tag = size;
		next->header &= ~CHUNK_PREV_IN_USE;
	}
}


/* --- the free index: an AVL tree keyed by (size, address) ---------------- */


static inline int
node_balance(const struct free_chunk *node)
{
	return (int)((node->chunk.header & BALANCE_MASK) >> BALANCE_SHIFT) - 1;
}


static inline void
node_set_balance(struct free_chunk *node, int balance)
{
	node->chunk.header = (node->chunk.header & ~BALANCE_MASK)
		| ((size_t)(balance + 1) << BALANCE_SHIFT);
}


static inline bool
node_less(const struct free_chunk *a, const struct free_chunk *b)
{
	size_t sizeA = chunk_size(&a->chunk);
	size_t sizeB = chunk_size(&b->chunk);
	return sizeA < sizeB || (sizeA == sizeB && (uintptr_t)a < (uintptr_t)b);
}


/* The subtree at *link is two levels deeper on the left; true if it got lower. */
static bool
tree_fix_left(struct free_chunk **link)
{
	struct free_chunk *node = *link;
	struct free_chunk *left = node->left;

	if (node_balance(left) <= 0) {
		node->left = left->right;
		left->right = node;
		*link = left;
		if (node_balance(left) == 0) {
			/* only after a removal: the height stays */
			node_set_balance(node, -1);
			node_set_balance(left, 1);
			return false;
		}
		node_set_balance(node, 0);
		node_set_balance(left, 0);
		return true;
	}

	struct free_chunk *pivot = left->right;
	int balance = node_balance(pivot);
	left->right = pivot->left;
	node->left = pivot->right;
	pivot->left = left;
	pivot->right = node;
	*link = pivot;
	node_set_balance(node, balance < 0 ? 1 : 0);
	node_set_balance(left, balance > 0 ? -1 : 0);
	node_set_balance(pivot, 0);
	return true;
}


/* The mirror image of tree_fix_left(). */
static bool
tree_fix_right(struct free_chunk **link)
{
	struct free_chunk *node = *link;
	struct free_chunk *right = node->right;

	if (node_balance(right) >= 0) {
		node->right = right->left;
		right->left = node;
		*link = right;
		if (node_balance(right) == 0) {
			node_set_balance(node, 1);
			node_set_balance(right, -1);
			return false;
		}
		node_set_balance(node, 0);
		node_set_balance(right, 0);
		return true;
	}

	struct free_chunk *pivot = right->left;
	int balance = node_balance(pivot);
	right->left = pivot->right;
	node->right = pivot->left;
	pivot->right = right;
	pivot->left = node;
	*link = pivot;
	node_set_balance(node, balance > 0 ? -1 : 0);
	node_set_balance(right, balance < 0 ? 1 : 0);
	node_set_balance(pivot, 0);
	return true;
}


/* Inserts chunk below *link; true if the subtree grew. */
static bool
tree_insert(struct free_chunk **link, struct free_chunk *chunk)
{
	struct free_chunk *node = *link;
	if (node == NULL) {
		chunk->left = NULL;
		chunk->right = NULL;
		node_set_balance(chunk, 0);
		*link = chunk;
		return true;
	}
	if (node == chunk)
		panic("heap: free chunk %p is indexed twice", (void *)chunk);

	if (node_less(chunk, node)) {
		if (!tree_insert(&node->left, chunk))
			return false;
		int balance = node_balance(node);
		if (balance == -1) {
			tree_fix_left(link);
			return false;
		}
		node_set_balance(node, balance - 1);
		return balance == 0;
	}

	if (!tree_insert(&node->right, chunk))
		return false;
	int balance = node_balance(node);
	if (balance == 1) {
		tree_fix_right(link);
		return false;
	}
	node_set_balance(node, balance + 1);
	return balance == 0;
}


/* The left subtree of *link got lower; true if *link did too. */
static bool
tree_left_shrank(struct free_chunk **link)
{
	int balance = node_balance(*link);
	if (balance == 1)
		return tree_fix_right(link);
	node_set_balance(*link, balance + 1);
	return balance == -1;
}


static bool
tree_right_shrank(struct free_chunk **link)
{
	int balance = node_balance(*link);
	if (balance == -1)
		return tree_fix_left(link);
	node_set_balance(*link, balance - 1);
	return balance == 1;
}


/* Unlinks the smallest node below *link into *_minimum; true if it shrank. */
static bool
tree_remove_minimum(struct free_chunk **link, struct free_chunk **_minimum)
{
	struct free_chunk *node = *link;
	if (node->left == NULL) {
		*_minimum = node;
		*link = node->right;
		return true;
	}
	if (tree_remove_minimum(&node->left, _minimum))
		return tree_left_shrank(link);
	return false;
}


/* Removes chunk, whose key must not have changed, below *link; true if it shrank. */
static bool
tree_remove(struct free_chunk **link, struct free_chunk *chunk)
{
	struct free_chunk *node = *link;
	if (node == NULL)
		panic("heap: free chunk %p is missing from the free index", (void *)chunk);

	if (node != chunk) {
		if (node_less(chunk, node)) {
			if (tree_remove(&node->left, chunk))
				return tree_left_shrank(link);
			return false;
		}
		if (tree_remove(&node->right, chunk))
			return tree_right_shrank(link);
		return false;
	}

	if (node->left == NULL) {
		*link = node->right;
		return true;
	}
	if (node->right == NULL) {
		*link = node->left;
		return true;
	}

	/* two children: the in-order successor takes the node's place */
	struct free_chunk *successor;
	bool shrank = tree_remove_minimum(&node->right, &successor);
	successor->left = node->left;
	successor->right = node->right;
	node_set_balance(successor, node_balance(node));
	*link = successor;
	if (shrank)
		return tree_right_shrank(link);
	return false;
}


/* The smallest node whose key is at least (size, address). */
static struct free_chunk *
tree_lower_bound(size_t size, uintptr_t address)
{
	struct free_chunk *found = NULL;
	struct free_chunk *node = sRoot;
	while (node != NULL) {
		size_t nodeSize = chunk_size(&node->chunk);
		if (nodeSize > size || (nodeSize == size && (uintptr_t)node >= address)) {
			found = node;
			node = node->left;
		} else
			node = node->right;
	}
	return found;
}


static void
index_insert(struct free_chunk *chunk)
{
	tree_insert(&sRoot, chunk);
	sFreeChunks++;
	sFreeChunkBytes += chunk_size(&chunk->chunk);
}


static void
index_remove(struct free_chunk *chunk)
{
	tree_remove(&sRoot, chunk);
	sFreeChunks--;
	sFreeChunkBytes -= chunk_size(&chunk->chunk);
}


/* --- chunks -------------------------------------------------------------- */


/* The chunk size that holds size payload bytes; 0 when no chunk could. */
static size_t
request_chunk_size(size_t size)
{
	/* also keeps the arithmetic below from overflowing */
	if (size > sRegionSize)
		return 0;
	size_t chunkSize = (size + HEADER_SIZE + HEAP_ALIGNMENT - 1) & SIZE_MASK;
	return chunkSize < MIN_CHUNK_SIZE ? MIN_CHUNK_SIZE : chunkSize;
}


static void
account_in_use(size_t payloadBytes)
{
	sInUseBytes += payloadBytes;
	if (sInUseBytes > sPeakInUse)
		sPeakInUse = sInUseBytes;
}


/*
 * Cuts a used chunk down to size bytes. The rest goes to a free successor,
 * or becomes a free chunk of its own when it is large enough for one.
 * Returns the bytes given up.
 */
static size_t
chunk_shrink(struct chunk *chunk, size_t size)
{
	size_t excess = chunk_size(chunk) - size;
	if (excess == 0)
		return 0;

	struct chunk *next = chunk_next(chunk);
	struct chunk *rest = chunk_at(chunk, size);
	if (!chunk_in_use(next)) {
		size_t nextSize = chunk_size(next);
		index_remove((struct free_chunk *)next);
		chunk_make(rest, excess + nextSize, false, true);
	} else if (excess >= MIN_CHUNK_SIZE)
		chunk_make(rest, excess, false, true);
	else
		return 0;

	index_insert((struct free_chunk *)rest);
	chunk_make(chunk, size, true, chunk_prev_in_use(chunk));
	return excess;
}


/* Takes a free chunk out of the index and hands out its first size bytes. */
static void *
chunk_allocate(struct free_chunk *freeChunk, size_t size)
{
	struct chunk *chunk = &freeChunk->chunk;
	size_t available = chunk_size(chunk);

	index_remove(freeChunk);
	chunk_make(chunk, available, true, chunk_prev_in_use(chunk));
	chunk_shrink(chunk, size);
	sAllocations++;
	account_in_use(chunk_size(chunk) - HEADER_SIZE);
	return chunk_payload(chunk);
}


/* Frees [chunk, chunk + size), merging it with free neighbours. */
static void
chunk_release(struct chunk *chunk, size_t size)
{
	bool previousInUse = chunk_prev_in_use(chunk);
	struct chunk *next = chunk_at(chunk, size);

	if (!chunk_in_use(next)) {
		size += chunk_size(next);
		index_remove((struct free_chunk *)next);
	}
	if (!previousInUse) {
		struct chunk *previous = chunk_at(chunk, -chunk->tag);
		size += chunk_size(previous);
		index_remove((struct free_chunk *)previous);
		chunk = previous;
		/* no two free chunks touch, so the one before previous is in use */
		previousInUse = true;
	}
	chunk_make(chunk, size, false, previousInUse);
	index_insert((struct free_chunk *)chunk);
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
allocate(size_t size)
{
	size_t chunkSize = request_chunk_size(size);
	if (chunkSize == 0)
		return NULL;

	struct free_chunk *fit = tree_lower_bound(chunkSize, 0);
	if (fit == NULL)
		return NULL;
	return chunk_allocate(fit, chunkSize);
}


/*
 * The O(1) checks an allocation gets whenever it is handed back: that it is
 * one, and that neither it nor its predecessor overran their ends.
 */
static struct chunk *
checked_chunk(const void *pointer, const char *operation)
{
	uintptr_t address = (uintptr_t)pointer;
	if (sFirst == NULL || address % HEAP_ALIGNMENT != 0
		|| address < (uintptr_t)sFirst + HEADER_SIZE || address >= (uintptr_t)sFence)
		panic("heap: %s(%p): not a heap allocation", operation, pointer);

	struct chunk *chunk = chunk_at(pointer, -HEADER_SIZE);
	size_t size = chunk_size(chunk);
	if (!chunk_in_use(chunk))
		panic("heap: %s(%p): not allocated (freed twice?)", operation, pointer);
	if ((chunk->header & BALANCE_MASK) != 0 || size < MIN_CHUNK_SIZE
		|| size > (uintptr_t)sFence - (uintptr_t)chunk)
		panic("heap: %s(%p): corrupt chunk %p", operation, pointer, (void *)chunk);

	struct chunk *next = chunk_at(chunk, size);
	if (next->tag != guard_tag(size, next) || !chunk_prev_in_use(next)) {
		panic("heap: %s(%p): chunk %p overran into %p", operation, pointer,
			(void *)chunk, (void *)next);
	}

	if (!chunk_prev_in_use(chunk)) {
		size_t previousSize = chunk->tag;
		struct chunk *previous = chunk_at(chunk, -previousSize);
		if (previousSize < MIN_CHUNK_SIZE || previousSize % HEAP_ALIGNMENT != 0
			|| previousSize > (uintptr_t)chunk - (uintptr_t)sFirst
			|| chunk_in_use(previous) || chunk_size(previous) != previousSize) {
			panic("heap: %s(%p): corrupt footer of free chunk before %p", operation,
				pointer, (void *)chunk);
		}
	}
	return chunk;
}


/* --- the interface ------------------------------------------------------- */


status_t
heap_init(struct stage2_args *args)
{
	if (sFirst != NULL)
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

	sRegionBase = base;
	sRegionSize = (uintptr_t)top - (uintptr_t)base;
	sFirst = (struct chunk *)start;
	sFence = (struct chunk *)(end - HEADER_SIZE);
	sRoot = NULL;
	sInUseBytes = sPeakInUse = sAllocations = sTotalAllocations = 0;
	sFreeChunks = sFreeChunkBytes = 0;

	/* The fence is a permanently used chunk of size 0; nothing precedes the first. */
	sFence->header = CHUNK_IN_USE;
	sFirst->tag = guard_tag(0, sFirst);
	chunk_make(sFirst, (uintptr_t)sFence - start, false, true);
	index_insert((struct free_chunk *)sFirst);

	TRACE("%zu bytes at %p\n", sRegionSize, base);
	return B_OK;
}


void
heap_release(struct stage2_args *args)
{
	if (sFirst == NULL)
		return;

	TRACE("release: %zu allocations still live\n", sAllocations);
	platform_release_heap(args, sRegionBase);
	sRegionBase = NULL;
	sRegionSize = 0;
	sFirst = NULL;
	sFence = NULL;
	sRoot = NULL;
	sInUseBytes = sPeakInUse = sAllocations = sTotalAllocations = 0;
	sFreeChunks = sFreeChunkBytes = 0;
}


void *
heap_alloc(size_t size)
{
	void *pointer = allocate(size);
	if (pointer != NULL)
		sTotalAllocations++;
	TRACE("alloc(%zu) = %p\n", size, pointer);
	return pointer;
}


void *
heap_calloc(size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		return NULL;

	void *pointer = heap_alloc(count * size);
	if (pointer != NULL)
		memset(pointer, 0, count * size);
	return pointer;
}


void *
heap_alloc_aligned(size_t alignment, size_t size)
{
	if (alignment == 0 || (alignment & (alignment - 1)) != 0)
		return NULL;
	if (alignment <= HEAP_ALIGNMENT)
		return heap_alloc(size);

	size_t chunkSize = request_chunk_size(size);
	if (chunkSize == 0 || alignment > sRegionSize)
		return NULL;

	/*
	 * First the best fits for the bare size, in key order; when none of them
	 * has room for its slack, a chunk that fits wherever it lies.
	 */
	size_t slack = 0;
	struct free_chunk *fit = tree_lower_bound(chunkSize, 0);
	for (int tries = 1; fit != NULL && !aligned_fits(fit, alignment, chunkSize, &slack);
			tries++) {
		if (tries == ALIGNED_CANDIDATES) {
			fit = NULL;
			break;
		}
		fit = tree_lower_bound(chunk_size(&fit->chunk), (uintptr_t)fit + 1);
	}
	if (fit == NULL) {
		fit = tree_lower_bound(chunkSize + alignment + HEAP_ALIGNMENT, 0);
		if (fit == NULL)
			return NULL;
		if (!aligned_fits(fit, alignment, chunkSize, &slack))
			panic("heap: free chunk %p is too small for its size", (void *)fit);
	}

	struct chunk *chunk = &fit->chunk;
	if (slack == 0) {
		chunk_allocate(fit, chunkSize);
	} else {
		/* the slack in front becomes a free chunk of its own */
		struct chunk *front = chunk;
		size_t available = chunk_size(front);
		chunk = chunk_at(front, slack);
		index_remove(fit);
		chunk_make(chunk, available - slack, true, false);
		chunk_make(front, slack, false, chunk_prev_in_use(front));
		index_insert((struct free_chunk *)front);
		chunk_shrink(chunk, chunkSize);
		sAllocations++;
		account_in_use(chunk_size(chunk) - HEADER_SIZE);
	}
	sTotalAllocations++;
	TRACE("alloc_aligned(%zu, %zu) = %p\n", alignment, size, chunk_payload(chunk));
	return chunk_payload(chunk);
}


void *
heap_realloc(void *pointer, size_t size)
{
	if (pointer == NULL)
		return heap_alloc(size);

	/*
	 * Size 0 keeps the smallest block: NULL would read as a failure, which
	 * leaves the old block allocated.
	 */
	struct chunk *chunk = checked_chunk(pointer, "heap_realloc");
	size_t needed = request_chunk_size(size);
	if (needed == 0)
		return NULL;

	size_t current = chunk_size(chunk);
	if (needed <= current) {
		sInUseBytes -= chunk_shrink(chunk, needed);
		return pointer;
	}

	struct chunk *next = chunk_at(chunk, current);
	size_t nextSize = chunk_in_use(next) ? 0 : chunk_size(next);
	if (current + nextSize >= needed) {
		index_remove((struct free_chunk *)next);
		chunk_make(chunk, current + nextSize, true, chunk_prev_in_use(chunk));
		chunk_shrink(chunk, needed);
		account_in_use(chunk_size(chunk) - current);
		TRACE("realloc(%p, %zu): grown in place\n", pointer, size);
		return pointer;
	}

	/* A free predecessor can take the block without a trip through the index. */
	if (!chunk_prev_in_use(chunk)) {
		struct chunk *previous = chunk_at(chunk, -chunk->tag);
		size_t previousSize = chunk_size(previous);
		if (previousSize + current + nextSize >= needed) {
			index_remove((struct free_chunk *)previous);
			if (nextSize != 0)
				index_remove((struct free_chunk *)next);
			memmove(chunk_payload(previous), pointer, current - HEADER_SIZE);
			chunk_make(previous, previousSize + current + nextSize, true, true);
			chunk_shrink(previous, needed);
			account_in_use(chunk_size(previous) - current);
			TRACE("realloc(%p, %zu): moved down\n", pointer, size);
			return chunk_payload(previous);
		}
	}

	void *moved = allocate(size);
	if (moved == NULL)
		return NULL;
	memcpy(moved, pointer, current - HEADER_SIZE);
	heap_free(pointer);
	TRACE("realloc(%p, %zu) = %p\n", pointer, size, moved);
	return moved;
}


void
heap_free(void *pointer)
{
	if (pointer == NULL)
		return;

	struct chunk *chunk = checked_chunk(pointer, "heap_free");
	size_t size = chunk_size(chunk);
	sInUseBytes -= size - HEADER_SIZE;
	sAllocations--;
	chunk_release(chunk, size);
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


void
heap_get_stats(struct heap_stats *stats)
{
	struct free_chunk *largest = sRoot;
	while (largest != NULL && largest->right != NULL)
		largest = largest->right;

	stats->heap_size = sRegionSize;
	stats->bytes_in_use = sInUseBytes;
	stats->peak_in_use = sPeakInUse;
	stats->bytes_free = sFreeChunkBytes - sFreeChunks * HEADER_SIZE;
	stats->largest_free = largest != NULL ? chunk_size(&largest->chunk) - HEADER_SIZE : 0;
	stats->allocations = sAllocations;
	stats->total_allocations = sTotalAllocations;
	stats->free_chunks = sFreeChunks;
}


/* --- validation ---------------------------------------------------------- */


static bool
address_is_chunk(const void *address)
{
	uintptr_t value = (uintptr_t)address;
	return value % HEAP_ALIGNMENT == 0 && value >= (uintptr_t)sFirst
		&& value < (uintptr_t)sFence;
}


/*
 * Checks the subtree at node, whose keys must lie strictly between low and
 * high (NULL: unbounded); returns its height.
 */
static int
validate_subtree(const struct free_chunk *node, const struct free_chunk *low,
	const struct free_chunk *high, size_t *_count)
{
	if (node == NULL)
		return 0;
	if (!address_is_chunk(node))
		panic("heap: free index points to %p, outside the heap", (const void *)node);
	if (++*_count > sFreeChunks)
		panic("heap: free index at %p has more nodes than there are free chunks",
			(const void *)node);
	if (chunk_in_use(&node->chunk))
		panic("heap: free index holds chunk %p, which is in use", (const void *)node);
	if ((low != NULL && !node_less(low, node)) || (high != NULL && !node_less(node, high)))
		panic("heap: free index out of order at %p", (const void *)node);

	int leftHeight = validate_subtree(node->left, low, node, _count);
	int rightHeight = validate_subtree(node->right, node, high, _count);
	int balance = node_balance(node);
	if (balance > 1 || rightHeight - leftHeight != balance)
		panic("heap: free index unbalanced at %p", (const void *)node);
	return (leftHeight > rightHeight ? leftHeight : rightHeight) + 1;
}


static bool
index_contains(const struct free_chunk *chunk)
{
	const struct free_chunk *node = sRoot;
	while (node != NULL && node != chunk)
		node = node_less(chunk, node) ? node->left : node->right;
	return node != NULL;
}


void
heap_validate(void)
{
	if (sFirst == NULL)
		return;

	size_t usedChunks = 0;
	size_t usedBytes = 0;
	size_t freeChunks = 0;
	size_t freeBytes = 0;
	bool previousInUse = true;
	size_t previousSize = 0;

	struct chunk *chunk = sFirst;
	while (chunk != sFence) {
		size_t size = chunk_size(chunk);
		bool inUse = chunk_in_use(chunk);
		if (size < MIN_CHUNK_SIZE || size > (uintptr_t)sFence - (uintptr_t)chunk)
			panic("heap: chunk %p has a bad size %#zx", (void *)chunk, size);
		if (inUse && (chunk->header & BALANCE_MASK) != 0)
			panic("heap: chunk %p has stray header bits", (void *)chunk);
		if (chunk_prev_in_use(chunk) != previousInUse)
			panic("heap: chunk %p has a wrong previous-in-use bit", (void *)chunk);
		if (chunk->tag != (previousInUse ? guard_tag(previousSize, chunk) : previousSize))
			panic("heap: chunk %p has a bad tag (overrun from the chunk before?)",
				(void *)chunk);
		if (!inUse && !previousInUse)
			panic("heap: free chunk %p follows another free chunk", (void *)chunk);

		if (inUse) {
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

	if ((sFence->header & ~CHUNK_PREV_IN_USE) != CHUNK_IN_USE
		|| chunk_prev_in_use(sFence) != previousInUse
		|| sFence->tag != (previousInUse ? guard_tag(previousSize, sFence) : previousSize))
		panic("heap: fence %p is corrupt", (void *)sFence);
	if (usedChunks != sAllocations || usedBytes != sInUseBytes || freeChunks != sFreeChunks
		|| freeBytes != sFreeChunkBytes)
		panic("heap: counters disagree with the chunks at %p", (void *)sFirst);

	size_t indexed = 0;
	validate_subtree(sRoot, NULL, NULL, &indexed);
	if (indexed != freeChunks)
		panic("heap: free index at %p holds %zu of %zu free chunks", (void *)sRoot, indexed,
			freeChunks);
	/* same count, distinct keys, and every free chunk found: the same set */
	for (chunk = sFirst; chunk != sFence; chunk = chunk_next(chunk)) {
		if (!chunk_in_use(chunk) && !index_contains((struct free_chunk *)chunk))
			panic("heap: free chunk %p is missing from the free index", (void *)chunk);
	}
}
