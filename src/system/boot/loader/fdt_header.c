/* SPDX-License-Identifier: MIT */
/*
 * The flattened device tree's header (headers/boot/fdt_header.h). Every
 * field is checked against what may be read: a tree comes from a file or
 * from firmware.
 */
#include <boot/fdt_header.h>

#include <boot/byte_order.h>

/* Version 17 added the structure block's size, which the walk needs. */
#define FDT_VERSION					17


const char *
fdt_check_header(const uint8_t *data, size_t available, struct fdt_layout *layout)
{
	if (available < FDT_HEADER_SIZE || read_be32(data) != FDT_MAGIC)
		return "not a flattened device tree (no magic 0xd00dfeed)";
	uint32_t size = read_be32(data + 4);
	if (size < FDT_HEADER_SIZE || size > available)
		return "the size in its header is too small or too large";
	if (read_be32(data + 24) > FDT_VERSION)
		return "its version is newer than 17";
	uint32_t structure = read_be32(data + 8);
	uint32_t structureSize = read_be32(data + 36);
	uint32_t strings = read_be32(data + 12);
	uint32_t stringsSize = read_be32(data + 32);
	/* Blocks start past the header: a walk's bounds rely on it. */
	if (structure < FDT_HEADER_SIZE || structure > size || structureSize > size - structure
		|| strings > size || stringsSize > size - strings || (structure & 3) != 0)
		return "its blocks lie outside it";
	*layout = (struct fdt_layout){ size, structure, structureSize, strings, stringsSize };
	return NULL;
}
