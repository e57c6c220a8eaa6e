/* SPDX-License-Identifier: MIT */
/*
 * Device tree overlays (the Devicetree Specification's plugins, as
 * `dtc -@` compiles them) applied to a tree: fdt_overlay.c.
 */
#ifndef BOOT_FDT_OVERLAY_H
#define BOOT_FDT_OVERLAY_H

#include <stddef.h>

#include <boot/fdt_tree.h>
#include <boot/status.h>

/*
 * Merges overlay into tree: the overlay's phandles move past the tree's
 * largest (its __local_fixups__ say where it refers to its own), its
 * references to the tree's labels (__fixups__) are resolved through the
 * tree's __symbols__, each fragment's __overlay__ is merged into the node
 * its target or target-path names, and its labels join the tree's
 * __symbols__, so that a later overlay can refer to them. The overlay's
 * blob is changed and must outlive tree. Errors, with the reason: B_BAD_DATA
 * (a target, label or fixup that names nothing, or a malformed one),
 * B_NO_MEMORY. On error, tree may be partly changed.
 */
status_t fdt_overlay_apply(struct fdt_tree *tree, struct fdt_tree *overlay, char *reason,
	size_t reasonSize);

struct fdt_blob {
	uint8_t		*data;
	size_t		size;				/* bytes that may be read */
};

/*
 * blobs[0], a tree, with the overlays blobs[1] to blobs[count - 1] applied
 * in order, packed into *merged (a heap buffer). Errors, with the reason
 * and *_failed the index of the blob at fault: B_BAD_DATA (a blob that is
 * no tree, fdt_tree_parse(); an overlay fdt_overlay_apply() refuses),
 * B_NO_MEMORY. The overlays' blobs are changed.
 */
status_t fdt_overlay_merge(struct fdt_blob *blobs, uint32_t count, struct fdt_blob *merged,
	uint32_t *_failed, char *reason, size_t reasonSize);

#endif
