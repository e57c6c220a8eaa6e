/* SPDX-License-Identifier: MIT */
/*
 * Device tree overlays (headers/boot/fdt_overlay.h). An overlay compiled
 * with `dtc -@` is a tree of fragments, each naming a node of the tree it
 * is meant for and holding what to merge into it (__overlay__), and three
 * tables: __symbols__ (its labels), __fixups__ (where it refers to labels
 * it does not have, by path, property and offset) and __local_fixups__
 * (where it refers to its own nodes, in a tree shaped like its own). Every
 * name and offset in them is checked before it is followed: an overlay is
 * a file like any other.
 */
#include <boot/fdt_overlay.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <boot/byte_order.h>

#define OVERLAY_NAME_LENGTH		64
#define OVERLAY_PATH_LENGTH		256

struct overlay {
	struct fdt_tree		*tree;
	struct fdt_tree		*overlay;
	const struct fdt_node	*local_fixups;	/* NULL: no references to its own nodes */
	char				*reason;
	size_t				reason_size;
	status_t			status;
};

/* What becomes of the overlay's references to its own nodes. */
struct overlay_change {
	uint32_t			delta;			/* added to each, when from is 0 */
	uint32_t			from;			/* else references to from ... */
	uint32_t			to;				/* ... made references to to */
};


static bool
overlay_refuse(struct overlay *o, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(o->reason, o->reason_size, format, args);
	va_end(args);
	o->status = B_BAD_DATA;
	return false;
}


static bool
overlay_no_memory(struct overlay *o)
{
	snprintf(o->reason, o->reason_size, "no memory to apply it");
	o->status = B_NO_MEMORY;
	return false;
}


/* A property that is one string, NUL-terminated, or NULL. */
static const char *
overlay_string(const struct fdt_property *property)
{
	if (property == NULL || property->length == 0
		|| property->value[property->length - 1] != '\0')
		return NULL;
	return (const char *)property->value;
}


static bool
overlay_is_phandle(const struct fdt_property *property)
{
	return strcmp(property->name, "phandle") == 0
		|| strcmp(property->name, "linux,phandle") == 0;
}


/* The overlay's own phandles, moved past every phandle of the tree. */
static bool
overlay_shift_phandles(struct overlay *o, uint32_t delta)
{
	for (struct fdt_node *node = o->overlay->root; node != NULL; node = fdt_node_next(node)) {
		for (struct fdt_property *property = node->properties; property != NULL;
				property = property->next) {
			if (!overlay_is_phandle(property))
				continue;
			uint32_t phandle = property->length == 4 ? read_be32(property->value) : 0;
			if (phandle == 0 || phandle >= UINT32_MAX - delta)
				return overlay_refuse(o, "the phandle of %s is not valid", node->name);
			write_be32(property->value, phandle + delta);
		}
	}
	return true;
}


/* The cell at offset in property, or NULL when it lies outside it. */
static uint8_t *
overlay_cell(struct fdt_property *property, uint32_t offset)
{
	if (property == NULL || property->length < 4 || offset > property->length - 4)
		return NULL;
	return property->value + offset;
}


static void
overlay_change_cell(uint8_t *cell, const struct overlay_change *change)
{
	uint32_t value = read_be32(cell);
	if (change->from == 0)
		write_be32(cell, value + change->delta);
	else if (value == change->from)
		write_be32(cell, change->to);
}


/* fixups mirrors node: each property lists offsets of references in node's namesake. */
static bool
overlay_fix_local(struct overlay *o, const struct fdt_node *fixups, struct fdt_node *node,
	const struct overlay_change *change)
{
	for (const struct fdt_property *list = fixups->properties; list != NULL;
			list = list->next) {
		struct fdt_property *property = fdt_node_property(node, list->name);
		bool fits = list->length % 4 == 0;
		for (uint32_t i = 0; fits && i < list->length; i += 4) {
			uint8_t *cell = overlay_cell(property, read_be32(list->value + i));
			if (cell != NULL)
				overlay_change_cell(cell, change);
			fits = cell != NULL;
		}
		if (!fits) {
			return overlay_refuse(o, "__local_fixups__ name %s of %s, which it has not",
				list->name, node->name);
		}
	}
	for (const struct fdt_node *child = fixups->children; child != NULL; child = child->next) {
		struct fdt_node *namesake = fdt_node_child(node, child->name, strlen(child->name));
		if (namesake == NULL) {
			return overlay_refuse(o, "__local_fixups__ name a node %s, which it has not",
				child->name);
		}
		if (!overlay_fix_local(o, child, namesake, change))
			return false;
	}
	return true;
}


/* The node a label of the tree names, and its phandle. */
static bool
overlay_find_label(struct overlay *o, const char *label, uint32_t *_phandle)
{
	struct fdt_node *symbols = FDT_NODE_CHILD(o->tree->root, "__symbols__");
	if (symbols == NULL)
		return overlay_refuse(o, "the tree has no __symbols__ (dtc -@) to find %s in", label);
	const char *path = overlay_string(fdt_node_property(symbols, label));
	if (path == NULL)
		return overlay_refuse(o, "the label %s is not in the tree's __symbols__", label);
	struct fdt_node *node = fdt_tree_find(o->tree, path, strlen(path));
	if (node == NULL)
		return overlay_refuse(o, "the label %s names %s, which is not in the tree", label, path);
	*_phandle = fdt_node_phandle(node);
	if (*_phandle == 0)
		return overlay_refuse(o, "the label %s names %s, which has no phandle", label, path);
	return true;
}


/* One "path:property:offset" of __fixups__, given phandle. */
static bool
overlay_fix_reference(struct overlay *o, const char *fixup, uint32_t phandle)
{
	const char *colon = strchr(fixup, ':');
	const char *second = colon != NULL ? strchr(colon + 1, ':') : NULL;
	if (second == NULL || second[1] == '\0'
		|| (size_t)(second - colon - 1) >= OVERLAY_NAME_LENGTH)
		return overlay_refuse(o, "the fixup \"%s\" is malformed", fixup);
	const char *name = colon + 1;
	const char *digit = second + 1;
	uint32_t offset = 0;
	for (; *digit >= '0' && *digit <= '9' && offset < 0x10000000; digit++)
		offset = offset * 10 + (uint32_t)(*digit - '0');
	if (*digit != '\0')
		return overlay_refuse(o, "the fixup \"%s\" is malformed", fixup);

	char property[OVERLAY_NAME_LENGTH];
	memcpy(property, name, (size_t)(second - name));
	property[second - name] = '\0';
	struct fdt_node *node = fdt_tree_find(o->overlay, fixup, (size_t)(colon - fixup));
	uint8_t *cell = overlay_cell(node != NULL ? fdt_node_property(node, property) : NULL,
		offset);
	if (cell == NULL)
		return overlay_refuse(o, "the fixup \"%s\" names no cell of the overlay", fixup);
	write_be32(cell, phandle);
	return true;
}


/* Every reference of the overlay to a label of the tree. */
static bool
overlay_fix_references(struct overlay *o)
{
	const struct fdt_node *fixups = FDT_NODE_CHILD(o->overlay->root, "__fixups__");
	for (const struct fdt_property *label = fixups != NULL ? fixups->properties : NULL;
			label != NULL; label = label->next) {
		uint32_t phandle;
		if (label->length == 0 || label->value[label->length - 1] != '\0')
			return overlay_refuse(o, "the fixups of %s are malformed", label->name);
		if (!overlay_find_label(o, label->name, &phandle))
			return false;
		for (uint32_t at = 0; at < label->length;) {
			const char *fixup = (const char *)label->value + at;
			if (!overlay_fix_reference(o, fixup, phandle))
				return false;
			at += (uint32_t)strlen(fixup) + 1;
		}
	}
	return true;
}


/* The node of the tree a fragment is for, by phandle, path or alias. */
static struct fdt_node *
overlay_target(struct overlay *o, const struct fdt_node *fragment)
{
	const struct fdt_property *target = fdt_node_property(fragment, "target");
	if (target != NULL) {
		uint32_t phandle = target->length == 4 ? read_be32(target->value) : 0;
		struct fdt_node *node = fdt_tree_find_phandle(o->tree, phandle);
		if (node == NULL)
			overlay_refuse(o, "%s's target <%#x> is no node of the tree", fragment->name, phandle);
		return node;
	}
	const char *path = overlay_string(fdt_node_property(fragment, "target-path"));
	if (path == NULL) {
		overlay_refuse(o, "%s has no target or target-path", fragment->name);
		return NULL;
	}
	const char *resolved = path;
	if (path[0] != '/') {
		struct fdt_node *aliases = FDT_NODE_CHILD(o->tree->root, "aliases");
		resolved = aliases != NULL ? overlay_string(fdt_node_property(aliases, path)) : NULL;
	}
	struct fdt_node *node = resolved != NULL ? fdt_tree_find(o->tree, resolved,
		strlen(resolved)) : NULL;
	if (node == NULL)
		overlay_refuse(o, "%s's target-path %s is no node of the tree", fragment->name, path);
	return node;
}


/* source's properties set on node, its children merged into node's namesakes. */
static bool
overlay_merge(struct overlay *o, struct fdt_node *node, const struct fdt_node *source)
{
	for (const struct fdt_property *property = source->properties; property != NULL;
			property = property->next) {
		if (!fdt_node_set_property(o->tree, node, property->name, property->value,
				property->length))
			return overlay_no_memory(o);
	}
	for (const struct fdt_node *child = source->children; child != NULL; child = child->next) {
		struct fdt_node *namesake = fdt_node_child(node, child->name, strlen(child->name));
		if (namesake == NULL)
			namesake = fdt_node_add_child(o->tree, node, child->name);
		if (namesake == NULL)
			return overlay_no_memory(o);
		if (!overlay_merge(o, namesake, child))
			return false;
	}
	return true;
}


/*
 * A node of the overlay that merges into a node of the tree with a phandle
 * takes the tree's: the tree's references need it, and the overlay's to
 * its node follow (libfdt does the same since 1.7; 1.6 let the overlay's
 * phandle replace the tree's).
 */
static bool
overlay_keep_phandles(struct overlay *o, const struct fdt_node *target,
	const struct fdt_node *source)
{
	uint32_t ours = fdt_node_phandle(source);
	uint32_t theirs = fdt_node_phandle(target);
	if (ours != 0 && theirs != 0 && ours != theirs) {
		const struct overlay_change change = { 0, ours, theirs };
		if (o->local_fixups != NULL
			&& !overlay_fix_local(o, o->local_fixups, o->overlay->root, &change))
			return false;
		for (struct fdt_property *property = source->properties; property != NULL;
				property = property->next) {
			if (overlay_is_phandle(property))
				overlay_change_cell(property->value, &change);
		}
	}
	for (const struct fdt_node *child = source->children; child != NULL;
			child = child->next) {
		const struct fdt_node *namesake = fdt_node_child(target, child->name,
			strlen(child->name));
		if (namesake != NULL && !overlay_keep_phandles(o, namesake, child))
			return false;
	}
	return true;
}


static bool
overlay_merge_fragments(struct overlay *o)
{
	for (struct fdt_node *fragment = o->overlay->root->children; fragment != NULL;
			fragment = fragment->next) {
		const struct fdt_node *content = FDT_NODE_CHILD(fragment, "__overlay__");
		if (content == NULL)
			continue;
		struct fdt_node *target = overlay_target(o, fragment);
		if (target == NULL || !overlay_keep_phandles(o, target, content)
			|| !overlay_merge(o, target, content))
			return false;
	}
	return true;
}


/*
 * A label of the overlay ("/fragment@0/__overlay__/led") as the path its
 * node has in the tree now, in the tree's arena; NULL when the label names
 * no merged node (and is left out), or out of memory (*_failed).
 */
static char *
overlay_label_path(struct overlay *o, const char *label, bool *_failed)
{
	static const char kContent[] = "/__overlay__";
	const char *slash = label[0] == '/' ? strchr(label + 1, '/') : NULL;
	if (slash == NULL || strncmp(slash, kContent, sizeof(kContent) - 1) != 0)
		return NULL;
	const char *rest = slash + sizeof(kContent) - 1;
	if (rest[0] != '\0' && rest[0] != '/')
		return NULL;
	struct fdt_node *fragment = fdt_node_child(o->overlay->root, label + 1,
		(size_t)(slash - label - 1));
	/* Only a fragment with content had its target checked and merged. */
	struct fdt_node *target = fragment != NULL
		&& FDT_NODE_CHILD(fragment, "__overlay__") != NULL
		? overlay_target(o, fragment) : NULL;
	char path[OVERLAY_PATH_LENGTH];
	if (target == NULL || !fdt_node_path(target, path, sizeof(path)))
		return NULL;
	size_t length = strcmp(path, "/") == 0 && rest[0] != '\0' ? 0 : strlen(path);
	size_t restLength = strlen(rest);
	char *joined = fdt_tree_alloc(o->tree, length + restLength + 1);
	if (joined == NULL) {
		*_failed = true;
		return NULL;
	}
	memcpy(joined, path, length);
	memcpy(joined + length, rest, restLength + 1);
	return joined;
}


static bool
overlay_add_symbols(struct overlay *o)
{
	const struct fdt_node *labels = FDT_NODE_CHILD(o->overlay->root, "__symbols__");
	if (labels == NULL)
		return true;
	struct fdt_node *symbols = FDT_NODE_CHILD(o->tree->root, "__symbols__");
	if (symbols == NULL)
		symbols = fdt_node_add_child(o->tree, o->tree->root, "__symbols__");
	if (symbols == NULL)
		return overlay_no_memory(o);
	for (const struct fdt_property *label = labels->properties; label != NULL;
			label = label->next) {
		const char *value = overlay_string(label);
		bool failed = false;
		char *path = value != NULL ? overlay_label_path(o, value, &failed) : NULL;
		if (failed || (path != NULL && !fdt_node_set_property(o->tree, symbols, label->name,
				(uint8_t *)path, (uint32_t)strlen(path) + 1)))
			return overlay_no_memory(o);
	}
	return true;
}


status_t
fdt_overlay_apply(struct fdt_tree *tree, struct fdt_tree *overlay, char *reason,
	size_t reasonSize)
{
	struct overlay o = { tree, overlay, FDT_NODE_CHILD(overlay->root, "__local_fixups__"),
		reason, reasonSize, B_OK };
	const struct overlay_change shift = { fdt_tree_max_phandle(tree), 0, 0 };
	if (overlay_shift_phandles(&o, shift.delta)
		&& (o.local_fixups == NULL
			|| overlay_fix_local(&o, o.local_fixups, overlay->root, &shift))
		&& overlay_fix_references(&o)
		&& overlay_merge_fragments(&o))
		overlay_add_symbols(&o);
	return o.status;
}


status_t
fdt_overlay_merge(struct fdt_blob *blobs, uint32_t count, struct fdt_blob *merged,
	uint32_t *_failed, char *reason, size_t reasonSize)
{
	struct fdt_tree tree;
	status_t status = B_OK;
	const char *problem = fdt_tree_parse(&tree, blobs[0].data, blobs[0].size);
	*_failed = 0;
	for (uint32_t i = 1; problem == NULL && status == B_OK && i < count; i++) {
		struct fdt_tree overlay;
		*_failed = i;
		problem = fdt_tree_parse(&overlay, blobs[i].data, blobs[i].size);
		if (problem == NULL) {
			status = fdt_overlay_apply(&tree, &overlay, reason, reasonSize);
			fdt_tree_free(&overlay);
		}
	}
	if (problem == NULL && status == B_OK) {
		merged->data = fdt_tree_pack(&tree, &merged->size);
		if (merged->data == NULL) {
			snprintf(reason, reasonSize, "no memory to pack it");
			*_failed = 0;
			status = B_NO_MEMORY;
		}
	}
	fdt_tree_free(&tree);
	if (problem != NULL) {
		snprintf(reason, reasonSize, "%s", problem);
		return B_BAD_DATA;
	}
	return status;
}
