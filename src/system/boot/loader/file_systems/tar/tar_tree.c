/* SPDX-License-Identifier: MIT */
/*
 * The tree of a mounted archive: nodes, and a hash table of them by parent
 * and name.
 */
#include "tar.h"

#include <string.h>

#include <boot/heap.h>


static uint32_t
tar_hash(const struct tar_node *parent, const char *name, size_t length)
{
	/* FNV-1a, seeded with the parent */
	uint64_t hash = 0xcbf29ce484222325ull ^ (uint64_t)(uintptr_t)parent;
	for (size_t i = 0; i < length; i++) {
		hash ^= (uint8_t)name[i];
		hash *= 0x100000001b3ull;
	}
	return (uint32_t)(hash ^ hash >> 32);
}


struct tar_node *
tar_find_child(struct tar_mount *mount, struct tar_node *directory, const char *name,
	size_t length)
{
	uint32_t bucket = tar_hash(directory, name, length) & (mount->bucket_count - 1);
	for (struct tar_node *node = mount->buckets[bucket]; node != NULL;
			node = node->hash_next) {
		if (node->parent == directory && strncmp(node->name, name, length) == 0
			&& node->name[length] == '\0') {
			return node;
		}
	}
	return NULL;
}


static void
tar_hash_insert(struct tar_node **buckets, uint32_t count, struct tar_node *node)
{
	uint32_t bucket = tar_hash(node->parent, node->name, strlen(node->name)) & (count - 1);
	node->hash_next = buckets[bucket];
	buckets[bucket] = node;
}


/* Double the table when it gets crowded; when that fails it just stays slower. */
static void
tar_hash_grow(struct tar_mount *mount)
{
	if (mount->node_count < mount->bucket_count * 2 || mount->bucket_count >= (1u << 24))
		return;
	uint32_t count = mount->bucket_count * 2;
	struct tar_node **buckets = heap_calloc(count, sizeof(*buckets));
	if (buckets == NULL)
		return;
	for (uint32_t i = 0; i < mount->bucket_count; i++) {
		struct tar_node *node = mount->buckets[i];
		while (node != NULL) {
			struct tar_node *next = node->hash_next;
			tar_hash_insert(buckets, count, node);
			node = next;
		}
	}
	heap_free(mount->buckets);
	mount->buckets = buckets;
	mount->bucket_count = count;
}


static struct tar_node *
tar_add_child(struct tar_mount *mount, struct tar_node *directory, const char *name,
	size_t length, bool isDirectory)
{
	struct tar_node *node = heap_calloc(1, sizeof(*node));
	char *copy = heap_alloc(length + 1);
	if (node == NULL || copy == NULL) {
		heap_free(node);
		heap_free(copy);
		return NULL;
	}
	memcpy(copy, name, length);
	copy[length] = '\0';
	node->name = copy;
	node->directory = isDirectory;
	node->parent = directory;
	if (directory->last_child != NULL)
		directory->last_child->next_sibling = node;
	else
		directory->first_child = node;
	directory->last_child = node;

	tar_hash_insert(mount->buckets, mount->bucket_count, node);
	mount->node_count++;
	tar_hash_grow(mount);
	return node;
}


status_t
tar_walk(struct tar_mount *mount, const char *path, bool create, bool isDirectory,
	struct tar_node **_node)
{
	struct tar_node *node = mount->root;
	const char *component = path;
	for (;;) {
		while (*component == '/')
			component++;
		if (*component == '\0')
			break;
		const char *end = component;
		while (*end != '/' && *end != '\0')
			end++;
		size_t length = (size_t)(end - component);

		if (length == 1 && component[0] == '.') {
			component = end;
			continue;
		}
		if (length == 2 && component[0] == '.' && component[1] == '.')
			return B_BAD_VALUE;
		if (!node->directory)
			return B_BAD_VALUE;

		struct tar_node *child = tar_find_child(mount, node, component, length);
		if (child == NULL) {
			if (!create)
				return B_ENTRY_NOT_FOUND;
			bool last = true;
			for (const char *rest = end; *rest != '\0'; rest++) {
				if (*rest != '/')
					last = false;
			}
			child = tar_add_child(mount, node, component, length, !last || isDirectory);
			if (child == NULL)
				return B_NO_MEMORY;
		}
		node = child;
		component = end;
	}
	*_node = node;
	return B_OK;
}


void
tar_free_tree(struct tar_node *root)
{
	/* Iteratively: a hostile archive can nest thousands of directories. */
	struct tar_node *node = root;
	while (node != NULL) {
		if (node->first_child != NULL) {
			struct tar_node *child = node->first_child;
			node->first_child = child->next_sibling;
			node = child;
			continue;
		}
		struct tar_node *parent = node == root ? NULL : node->parent;
		heap_free(node->name);
		heap_free(node);
		node = parent;
	}
}
