/* SPDX-License-Identifier: MIT */
/*
 * A flattened device tree as nodes (headers/boot/fdt_tree.h): unpacked
 * with every offset checked against its block, since trees come from files
 * and firmware, and packed again in the order the nodes have.
 */
#include <boot/fdt_tree.h>

#include <string.h>

#include <boot/byte_order.h>
#include <boot/heap.h>

/* Far deeper than a real tree; the limit keeps a damaged one from nesting without end. */
#define FDT_MAX_DEPTH		64
#define FDT_ARENA_CHUNK		(32u << 10)
#define FDT_RESERVATION		16

static const char *const kDamaged = "its structure block is damaged";
static const char *const kNoMemory = "no memory to unpack it";

struct fdt_arena {
	struct fdt_arena	*next;
	size_t				used;
	size_t				size;
	uint64_t			data[];
};


static uint32_t
fdt_align(uint32_t offset)
{
	return (offset + 3) & ~3u;
}


void *
fdt_tree_alloc(struct fdt_tree *tree, size_t length)
{
	length = (length + 7) & ~(size_t)7;
	struct fdt_arena *arena = tree->arena;
	if (arena == NULL || arena->size - arena->used < length) {
		size_t size = length > FDT_ARENA_CHUNK ? length : FDT_ARENA_CHUNK;
		arena = heap_alloc(sizeof(*arena) + size);
		if (arena == NULL)
			return NULL;
		*arena = (struct fdt_arena){ tree->arena, 0, size };
		tree->arena = arena;
	}
	void *memory = (uint8_t *)arena->data + arena->used;
	arena->used += length;
	return memory;
}


void
fdt_tree_free(struct fdt_tree *tree)
{
	while (tree->arena != NULL) {
		struct fdt_arena *next = tree->arena->next;
		heap_free(tree->arena);
		tree->arena = next;
	}
	tree->root = NULL;
}


static struct fdt_property *
fdt_add_property(struct fdt_tree *tree, struct fdt_node *node, const char *name,
	uint8_t *value, uint32_t length)
{
	struct fdt_property *property = fdt_tree_alloc(tree, sizeof(*property));
	if (property == NULL)
		return NULL;
	*property = (struct fdt_property){ NULL, name, value, length };
	if (node->last_property != NULL)
		node->last_property->next = property;
	else
		node->properties = property;
	node->last_property = property;
	return property;
}


struct fdt_node *
fdt_node_add_child(struct fdt_tree *tree, struct fdt_node *parent, const char *name)
{
	struct fdt_node *node = fdt_tree_alloc(tree, sizeof(*node));
	if (node == NULL)
		return NULL;
	*node = (struct fdt_node){ .parent = parent, .name = name };
	if (parent == NULL) {
		tree->root = node;
		return node;
	}
	if (parent->last_child != NULL)
		parent->last_child->next = node;
	else
		parent->children = node;
	parent->last_child = node;
	return node;
}


/* The block ends with an entry of two zeros; nothing else marks its end. */
static const char *
fdt_parse_reservations(struct fdt_tree *tree)
{
	uint32_t start = read_be32(tree->blob + 16);
	uint32_t size = tree->layout.size;
	if (start < FDT_HEADER_SIZE || (start & 7) != 0 || start > size)
		return "its memory reservations lie outside it";
	for (uint32_t at = start; size - at >= FDT_RESERVATION; at += FDT_RESERVATION) {
		if (read_be64(tree->blob + at) == 0 && read_be64(tree->blob + at + 8) == 0) {
			tree->reservations = start;
			tree->reservations_size = at + FDT_RESERVATION - start;
			return NULL;
		}
	}
	return "its memory reservations have no end";
}


/* A property at offset (past its token): its name checked in the strings block. */
static const char *
fdt_parse_property(struct fdt_tree *tree, struct fdt_node *node, uint8_t *blob,
	uint32_t *offset, uint32_t end)
{
	if (node == NULL || end - *offset < 8)
		return kDamaged;
	uint32_t length = read_be32(blob + *offset);
	uint32_t name = read_be32(blob + *offset + 4);
	*offset += 8;
	if (length > end - *offset || fdt_align(length) > end - *offset)
		return kDamaged;
	const struct fdt_layout *layout = &tree->layout;
	if (name >= layout->strings_size
		|| memchr(blob + layout->strings + name, 0, layout->strings_size - name) == NULL)
		return "a property's name lies outside its strings block";
	if (fdt_add_property(tree, node, (const char *)blob + layout->strings + name,
			blob + *offset, length) == NULL)
		return kNoMemory;
	*offset += fdt_align(length);
	return NULL;
}


static const char *
fdt_parse_structure(struct fdt_tree *tree, uint8_t *blob)
{
	uint32_t offset = tree->layout.structure;
	uint32_t end = offset + tree->layout.structure_size;
	struct fdt_node *node = NULL;
	uint32_t depth = 0;
	while (end - offset >= 4) {
		uint32_t token = read_be32(blob + offset);
		offset += 4;
		const char *problem = NULL;
		if (token == FDT_BEGIN_NODE) {
			const uint8_t *name = blob + offset;
			const uint8_t *nul = memchr(name, 0, end - offset);
			/* One root, named "", holds every other node. */
			if (nul == NULL || (node == NULL && (tree->root != NULL || nul != name)))
				return kDamaged;
			if (++depth > FDT_MAX_DEPTH)
				return "its nodes are nested deeper than 64";
			node = fdt_node_add_child(tree, node, (const char *)name);
			if (node == NULL)
				return kNoMemory;
			offset = fdt_align((uint32_t)(nul + 1 - blob));
			if (offset > end)
				return kDamaged;
		} else if (token == FDT_END_NODE) {
			if (node == NULL)
				return kDamaged;
			node = node->parent;
			depth--;
		} else if (token == FDT_PROP) {
			problem = fdt_parse_property(tree, node, blob, &offset, end);
		} else if (token == FDT_END) {
			return node == NULL && tree->root != NULL ? NULL : kDamaged;
		} else if (token != FDT_NOP) {
			return kDamaged;
		}
		if (problem != NULL)
			return problem;
	}
	return kDamaged;
}


const char *
fdt_tree_parse(struct fdt_tree *tree, uint8_t *blob, size_t available)
{
	*tree = (struct fdt_tree){ .blob = blob };
	const char *problem = fdt_check_header(blob, available, &tree->layout);
	if (problem == NULL)
		problem = fdt_parse_reservations(tree);
	if (problem == NULL)
		problem = fdt_parse_structure(tree, blob);
	if (problem != NULL)
		fdt_tree_free(tree);
	return problem;
}


/* --- packing -------------------------------------------------------------- */

struct fdt_packer {
	const struct fdt_tree	*tree;
	uint8_t					*structure;		/* where the next token goes */
	char					*strings;
	uint32_t				strings_size;
};


/* Bytes of node and everything below it in the structure block; *names, the strings it may add. */
static uint32_t
fdt_node_size(const struct fdt_node *node, uint32_t *names)
{
	uint32_t size = 8 + fdt_align((uint32_t)strlen(node->name) + 1);
	for (const struct fdt_property *property = node->properties; property != NULL;
			property = property->next) {
		size += 12 + fdt_align(property->length);
		*names += (uint32_t)strlen(property->name) + 1;
	}
	for (const struct fdt_node *child = node->children; child != NULL; child = child->next)
		size += fdt_node_size(child, names);
	return size;
}


/* Where name is in the strings block: the first tree's own, or one added. */
static uint32_t
fdt_pack_name(struct fdt_packer *packer, const char *name)
{
	const struct fdt_layout *layout = &packer->tree->layout;
	const char *own = (const char *)packer->tree->blob + layout->strings;
	if (name >= own && name < own + layout->strings_size)
		return (uint32_t)(name - own);
	size_t length = strlen(name) + 1;
	for (uint32_t at = 0; at + length <= packer->strings_size; at++) {
		if (memcmp(packer->strings + at, name, length) == 0)
			return at;
	}
	memcpy(packer->strings + packer->strings_size, name, length);
	packer->strings_size += (uint32_t)length;
	return packer->strings_size - (uint32_t)length;
}


static void
fdt_pack_token(struct fdt_packer *packer, uint32_t token)
{
	write_be32(packer->structure, token);
	packer->structure += 4;
}


/* bytes, padded with zeros to a multiple of four */
static void
fdt_pack_bytes(struct fdt_packer *packer, const void *bytes, uint32_t length)
{
	memcpy(packer->structure, bytes, length);
	memset(packer->structure + length, 0, fdt_align(length) - length);
	packer->structure += fdt_align(length);
}


static void
fdt_pack_node(struct fdt_packer *packer, const struct fdt_node *node)
{
	fdt_pack_token(packer, FDT_BEGIN_NODE);
	fdt_pack_bytes(packer, node->name, (uint32_t)strlen(node->name) + 1);
	for (const struct fdt_property *property = node->properties; property != NULL;
			property = property->next) {
		fdt_pack_token(packer, FDT_PROP);
		fdt_pack_token(packer, property->length);
		fdt_pack_token(packer, fdt_pack_name(packer, property->name));
		fdt_pack_bytes(packer, property->value, property->length);
	}
	for (const struct fdt_node *child = node->children; child != NULL; child = child->next)
		fdt_pack_node(packer, child);
	fdt_pack_token(packer, FDT_END_NODE);
}


/* Header, reservations, structure, strings: the order dtc writes them in. */
uint8_t *
fdt_tree_pack(const struct fdt_tree *tree, size_t *_size)
{
	const struct fdt_layout *layout = &tree->layout;
	uint32_t names = layout->strings_size;
	uint32_t structureSize = fdt_node_size(tree->root, &names) + 4;
	uint32_t structure = FDT_HEADER_SIZE + tree->reservations_size;
	uint8_t *blob = heap_alloc(structure + structureSize + names);
	if (blob == NULL)
		return NULL;
	memcpy(blob + FDT_HEADER_SIZE, tree->blob + tree->reservations, tree->reservations_size);
	struct fdt_packer packer = { tree, blob + structure,
		(char *)blob + structure + structureSize, layout->strings_size };
	memcpy(packer.strings, tree->blob + layout->strings, layout->strings_size);
	fdt_pack_node(&packer, tree->root);
	fdt_pack_token(&packer, FDT_END);

	uint32_t size = structure + structureSize + packer.strings_size;
	const uint32_t header[] = { FDT_MAGIC, size, structure, structure + structureSize,
		FDT_HEADER_SIZE, 17, 16, read_be32(tree->blob + 28), packer.strings_size,
		structureSize };
	for (uint32_t i = 0; i < FDT_HEADER_SIZE / 4; i++)
		write_be32(blob + 4 * i, header[i]);
	*_size = size;
	return blob;
}


/* --- finding and changing ------------------------------------------------- */

struct fdt_node *
fdt_node_next(const struct fdt_node *node)
{
	if (node->children != NULL)
		return node->children;
	while (node != NULL && node->next == NULL)
		node = node->parent;
	return node != NULL ? node->next : NULL;
}


/* "name" matches "name@unit" too, as a path may leave the unit out. */
struct fdt_node *
fdt_node_child(const struct fdt_node *node, const char *name, size_t length)
{
	bool hasUnit = memchr(name, '@', length) != NULL;
	for (struct fdt_node *child = node->children; child != NULL; child = child->next) {
		if (strncmp(child->name, name, length) == 0
			&& (child->name[length] == '\0' || (!hasUnit && child->name[length] == '@')))
			return child;
	}
	return NULL;
}


struct fdt_node *
fdt_tree_find(const struct fdt_tree *tree, const char *path, size_t length)
{
	if (length == 0 || path[0] != '/')
		return NULL;
	struct fdt_node *node = tree->root;
	const char *end = path + length;
	while (node != NULL && path < end) {
		while (path < end && *path == '/')
			path++;
		const char *slash = memchr(path, '/', (size_t)(end - path));
		size_t component = (size_t)((slash != NULL ? slash : end) - path);
		if (component > 0)
			node = fdt_node_child(node, path, component);
		path += component;
	}
	return node;
}


struct fdt_property *
fdt_node_property(const struct fdt_node *node, const char *name)
{
	for (struct fdt_property *property = node->properties; property != NULL;
			property = property->next) {
		if (strcmp(property->name, name) == 0)
			return property;
	}
	return NULL;
}


uint32_t
fdt_node_phandle(const struct fdt_node *node)
{
	const struct fdt_property *property = fdt_node_property(node, "phandle");
	if (property == NULL)
		property = fdt_node_property(node, "linux,phandle");
	return property != NULL && property->length == 4 ? read_be32(property->value) : 0;
}


struct fdt_node *
fdt_tree_find_phandle(const struct fdt_tree *tree, uint32_t phandle)
{
	for (struct fdt_node *node = tree->root; node != NULL; node = fdt_node_next(node)) {
		if (fdt_node_phandle(node) == phandle)
			return node;
	}
	return NULL;
}


uint32_t
fdt_tree_max_phandle(const struct fdt_tree *tree)
{
	uint32_t largest = 0;
	for (struct fdt_node *node = tree->root; node != NULL; node = fdt_node_next(node)) {
		uint32_t phandle = fdt_node_phandle(node);
		if (phandle != UINT32_MAX && phandle > largest)
			largest = phandle;
	}
	return largest;
}


bool
fdt_node_set_property(struct fdt_tree *tree, struct fdt_node *node, const char *name,
	uint8_t *value, uint32_t length)
{
	struct fdt_property *property = fdt_node_property(node, name);
	if (property == NULL)
		return fdt_add_property(tree, node, name, value, length) != NULL;
	property->value = value;
	property->length = length;
	return true;
}


bool
fdt_node_path(const struct fdt_node *node, char *buffer, size_t size)
{
	size_t length = 0;
	for (const struct fdt_node *up = node; up->parent != NULL; up = up->parent)
		length += strlen(up->name) + 1;
	if (length + 2 > size)
		return false;
	/* The root alone is "/"; every other path is its names, each after a '/'. */
	buffer[0] = '/';
	buffer[length > 0 ? length : 1] = '\0';
	for (const struct fdt_node *up = node; up->parent != NULL; up = up->parent) {
		size_t name = strlen(up->name);
		length -= name + 1;
		buffer[length] = '/';
		memcpy(buffer + length + 1, up->name, name);
	}
	return true;
}
