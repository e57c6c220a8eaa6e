/* SPDX-License-Identifier: MIT */
/*
 * The flattened device tree's header (the Devicetree Specification, 5.2):
 * one check for every tree the loader takes, the firmware's (the EFI port)
 * and an entry's (docs/config.md).
 */
#ifndef BOOT_FDT_HEADER_H
#define BOOT_FDT_HEADER_H

#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC			0xd00dfeedu
#define FDT_HEADER_SIZE		40

/* The structure block's tokens. */
#define FDT_BEGIN_NODE		1
#define FDT_END_NODE		2
#define FDT_PROP			3
#define FDT_NOP				4
#define FDT_END				9

/* Where a tree's blocks lie, from its start; each inside size. */
struct fdt_layout {
	uint32_t	size;				/* totalsize */
	uint32_t	structure;
	uint32_t	structure_size;
	uint32_t	strings;
	uint32_t	strings_size;
};

/*
 * Why the tree at data, of which available bytes may be read, is none a
 * reader of version 17 can walk, or NULL with *layout filled in: the magic,
 * a totalsize from the header's size to available, a last compatible
 * version of 17 or less, and the structure (4-byte aligned) and strings
 * blocks past the header and inside totalsize.
 */
const char *fdt_check_header(const uint8_t *data, size_t available,
	struct fdt_layout *layout);

#endif
