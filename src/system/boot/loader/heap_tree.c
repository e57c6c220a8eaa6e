/* SPDX-License-Identifier: MIT */
/*
 * The loader heap's tree of large free chunks: an AVL tree keyed by (size,
 * address), holding the free chunks too large for the bins (heap_index.c).
 *
 * Best fit is the smallest key whose size is large enough: among chunks of
 * the same size the lowest address wins, which keeps the heap packed towards
 * its start. The links live in the free chunk's payload and the balance
 * factors in two header bits, so a free chunk needs no memory beyond its
 * smallest size. The functions recurse; AVL depth stays below 1.44 log2(n),
 * about 40 even for a 4 GiB heap.
 */
#include "heap_private.h"


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


/* Removes chunk below *link; true if the subtree shrank. */
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


void
heap_tree_insert(struct free_chunk **root, struct free_chunk *chunk)
{
	tree_insert(root, chunk);
}


void
heap_tree_remove(struct free_chunk **root, struct free_chunk *chunk)
{
	tree_remove(root, chunk);
}


struct free_chunk *
heap_tree_lower_bound(struct free_chunk *root, size_t size, uintptr_t address)
{
	struct free_chunk *found = NULL;
	struct free_chunk *node = root;
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


struct free_chunk *
heap_tree_largest(struct free_chunk *root)
{
	struct free_chunk *node = root;
	while (node != NULL && node->right != NULL)
		node = node->right;
	return node;
}


bool
heap_tree_contains(const struct free_chunk *root, const struct free_chunk *chunk)
{
	const struct free_chunk *node = root;
	while (node != NULL && node != chunk)
		node = node_less(chunk, node) ? node->left : node->right;
	return node != NULL;
}


/*
 * Checks the subtree at node, whose keys must lie strictly between low and
 * high (NULL: unbounded); returns its height.
 */
static int
validate_subtree(const struct free_chunk *node, const struct free_chunk *low,
	const struct free_chunk *high, size_t limit, size_t *_count)
{
	if (node == NULL)
		return 0;
	if (!heap_is_chunk_address(node))
		panic("heap: free tree points to %p, outside the heap", (const void *)node);
	if (++*_count > limit)
		panic("heap: free tree at %p has more nodes than there are free chunks",
			(const void *)node);
	if (chunk_in_use(&node->chunk) || chunk_size(&node->chunk) <= BIN_MAX_SIZE)
		panic("heap: free tree holds chunk %p, which is in use or small",
			(const void *)node);
	if ((low != NULL && !node_less(low, node)) || (high != NULL && !node_less(node, high)))
		panic("heap: free tree out of order at %p", (const void *)node);

	int leftHeight = validate_subtree(node->left, low, node, limit, _count);
	int rightHeight = validate_subtree(node->right, node, high, limit, _count);
	int balance = node_balance(node);
	if (balance > 1 || rightHeight - leftHeight != balance)
		panic("heap: free tree unbalanced at %p", (const void *)node);
	return (leftHeight > rightHeight ? leftHeight : rightHeight) + 1;
}


size_t
heap_tree_validate(const struct free_chunk *root, size_t limit)
{
	size_t count = 0;
	validate_subtree(root, NULL, NULL, limit, &count);
	return count;
}
