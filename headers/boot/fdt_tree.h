/* SPDX-License-Identifier: MIT */
/*
 * A flattened device tree unpacked into nodes that can be changed, and
 * packed again (fdt_tree.c): what applying an overlay needs
 * (fdt_overlay.h). Names and values point into the blobs parsed, which
 * must outlive the tree; what is added comes from the tree's own arena.
 */
#ifndef BOOT_FDT_TREE_H
#define BOOT_FDT_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/fdt_header.h>

struct fdt_property {
	struct fdt_property	*next;
	const char			*name;
	uint8_t				*value;
	uint32_t			length;
};

struct fdt_node {
	struct fdt_node		*next;				/* the next sibling */
	struct fdt_node		*parent;			/* NULL for the root */
	struct fdt_node		*children;
	struct fdt_node		*last_child;
	struct fdt_property	*properties;
	struct fdt_property	*last_property;
	const char			*name;				/* "" for the root, else "name@unit" */
};

struct fdt_arena;

struct fdt_tree {
	struct fdt_node		*root;
	const uint8_t		*blob;				/* parsed from; kept for its header */
	struct fdt_layout	layout;
	uint32_t			reservations;		/* the memory reservation block's offset */
	uint32_t			reservations_size;	/* with its closing entry */
	struct fdt_arena	*arena;
};

/*
 * Unpacks the tree at blob (available bytes may be read), or says why it
 * cannot: its header (fdt_check_header()), a damaged structure or
 * reservation block, or no memory. The blob stays in use: values are
 * changed in place.
 */
const char *fdt_tree_parse(struct fdt_tree *tree, uint8_t *blob, size_t available);

/* Everything the tree allocated; not the blobs it points into. */
void fdt_tree_free(struct fdt_tree *tree);

/* length bytes from the tree's arena; NULL when out of memory. */
void *fdt_tree_alloc(struct fdt_tree *tree, size_t length);

/*
 * The tree packed (version 17, the first blob's reservations and boot CPU)
 * in a heap buffer of *_size bytes; NULL when out of memory.
 */
uint8_t *fdt_tree_pack(const struct fdt_tree *tree, size_t *_size);

/* The node after node in the order they are packed (depth first), or NULL. */
struct fdt_node *fdt_node_next(const struct fdt_node *node);

/* The child of node whose whole name is name's first length bytes, or NULL. */
struct fdt_node *fdt_node_child(const struct fdt_node *node, const char *name,
	size_t length);

/* The child of node named by a string literal. */
#define FDT_NODE_CHILD(node, literal)	fdt_node_child(node, literal, sizeof(literal) - 1)

/* The node at an absolute path ("/" is the root), or NULL. */
struct fdt_node *fdt_tree_find(const struct fdt_tree *tree, const char *path,
	size_t length);

/* The node whose phandle is phandle, or NULL. */
struct fdt_node *fdt_tree_find_phandle(const struct fdt_tree *tree, uint32_t phandle);

/* The largest phandle in the tree; 0 for none. */
uint32_t fdt_tree_max_phandle(const struct fdt_tree *tree);

/* The node's phandle ("phandle" or the older "linux,phandle"); 0 for none. */
uint32_t fdt_node_phandle(const struct fdt_node *node);

/* The property of node named name, or NULL. */
struct fdt_property *fdt_node_property(const struct fdt_node *node, const char *name);

/* Sets or adds a property of node; false when out of memory. */
bool fdt_node_set_property(struct fdt_tree *tree, struct fdt_node *node, const char *name,
	uint8_t *value, uint32_t length);

/*
 * A new empty last child of parent named name (the root, for a parent of
 * NULL); NULL when out of memory.
 */
struct fdt_node *fdt_node_add_child(struct fdt_tree *tree, struct fdt_node *parent,
	const char *name);

/* The node's path into buffer; false when it does not fit. */
bool fdt_node_path(const struct fdt_node *node, char *buffer, size_t size);

#endif
