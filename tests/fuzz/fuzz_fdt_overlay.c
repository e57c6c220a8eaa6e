/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for device tree overlays (fdt_tree.c, fdt_overlay.c),
 * which read files an entry names: the input is a tree and, from the byte
 * its header's totalsize names, an overlay for it. Every input must be
 * applied or refused with a reason, reading only its own bytes, and leave
 * no heap block behind; a tree that was applied must pack into one the
 * loader reads again and packs into the same bytes. Seeds: make-overlay-seed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/byte_order.h>
#include <boot/fdt_overlay.h>
#include <boot/heap.h>

#include "../support/counted_heap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
check(bool condition, const char *what)
{
	if (!condition) {
		fprintf(stderr, "fuzz_fdt_overlay: broken promise: %s\n", what);
		abort();
	}
}


/* Exactly size bytes of its own, so that the sanitizer sees any read past them. */
static struct fdt_blob
copy_blob(const uint8_t *data, size_t size)
{
	struct fdt_blob blob = { malloc(size > 0 ? size : 1), size };
	check(blob.data != NULL, "malloc");
	memcpy(blob.data, data, size);
	return blob;
}


/* The merged tree read and packed once more: the same bytes. */
static void
check_packed(const struct fdt_blob *merged)
{
	struct fdt_tree tree;
	check(fdt_tree_parse(&tree, merged->data, merged->size) == NULL,
		"the merged tree is one the loader reads");
	size_t size;
	uint8_t *again = fdt_tree_pack(&tree, &size);
	check(again != NULL && size == merged->size && memcmp(again, merged->data, size) == 0,
		"packing the merged tree again changes it");
	heap_free(again);
	fdt_tree_free(&tree);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < FDT_HEADER_SIZE)
		return 0;
	size_t first = read_be32(data + 4);
	if (first > size)
		first = size;
	struct fdt_blob blobs[2] = { copy_blob(data, first),
		copy_blob(data + first, size - first) };
	struct fdt_blob merged = { NULL, 0 };
	uint32_t failed = 2;
	char reason[128] = "";
	status_t status = fdt_overlay_merge(blobs, 2, &merged, &failed, reason, sizeof(reason));
	if (status == B_OK) {
		check(merged.data != NULL, "a merged tree");
		check_packed(&merged);
		heap_free(merged.data);
	} else {
		check(reason[0] != '\0' && failed < 2, "a refusal names its reason and its blob");
	}
	free(blobs[0].data);
	free(blobs[1].data);
	check(counted_heap_live() == 0, "every heap block is freed");
	return 0;
}
