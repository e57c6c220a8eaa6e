/* SPDX-License-Identifier: MIT */
/*
 * The device tree the firmware handed over (kernel_args.device_tree), read
 * by the checker itself, independently of the loader's reader: the CPUs
 * /cpus names, for the CPU list check when there are no ACPI tables.
 * Every read goes through kcheck_read_physical and is bounded by the
 * blob's header, so a broken tree ends in a reason, never a fault.
 */
#include "checks.h"

#include <string.h>

#define FDT_MAGIC			0xd00dfeedu
#define FDT_HEADER_SIZE		40
#define FDT_BEGIN_NODE		1
#define FDT_END_NODE		2
#define FDT_PROP			3
#define FDT_NOP				4
#define FDT_END				9
/* Deeper than any real tree; names and values longer than read here matter to no check. */
#define FDT_MAX_DEPTH		16
#define FDT_NAME_BYTES		32
#define FDT_VALUE_BYTES		16

/* Where the root, /cpus and its children are while walking. */
#define DEPTH_ROOT			1
#define DEPTH_CPUS			2
#define DEPTH_CPU			3

struct fdt_walk {
	const struct kcheck_context	*context;
	uint64_t					base;
	uint32_t					structure_end;
	uint32_t					strings;
	uint32_t					strings_size;
	/* The node being read: /cpus, or one of its children. */
	uint32_t					address_cells;
	bool						is_cpu;
	bool						may_run;
	bool						has_reg;
	uint64_t					reg;
};


static bool
fdt_read32(const struct fdt_walk *walk, uint32_t offset, uint32_t *_value)
{
	uint8_t bytes[4];
	if (offset > walk->structure_end - 4
		|| !kcheck_read_physical(walk->context, walk->base + offset, bytes, 4))
		return false;
	*_value = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8
		| bytes[3];
	return true;
}


/*
 * The NUL-terminated string at offset, no further than limit, into buffer
 * (cut to its size); its length including the NUL. 0 when it does not end
 * before limit or cannot be read.
 */
static uint32_t
fdt_read_string(const struct fdt_walk *walk, uint32_t offset, uint32_t limit,
	char buffer[FDT_NAME_BYTES])
{
	for (uint32_t length = 0; offset + length < limit; length++) {
		char byte;
		if (!kcheck_read_physical(walk->context, walk->base + offset + length, &byte, 1))
			return 0;
		if (length < FDT_NAME_BYTES)
			buffer[length] = byte;
		if (byte == '\0') {
			buffer[FDT_NAME_BYTES - 1] = '\0';
			return length + 1;
		}
	}
	return 0;
}


/* A property of /cpus or of a CPU node: what the CPU list needs of it. */
static void
fdt_note_property(struct fdt_walk *walk, uint32_t depth, const char *name,
	const uint8_t *value, uint32_t length)
{
	if (depth == DEPTH_CPUS && strcmp(name, "#address-cells") == 0 && length == 4) {
		walk->address_cells = (uint32_t)value[0] << 24 | (uint32_t)value[1] << 16
			| (uint32_t)value[2] << 8 | value[3];
	} else if (depth != DEPTH_CPU) {
		return;
	} else if (strcmp(name, "device_type") == 0) {
		walk->is_cpu = length == 4 && memcmp(value, "cpu", 4) == 0;
	} else if (strcmp(name, "status") == 0) {
		walk->may_run = (length == 5 && memcmp(value, "okay", 5) == 0)
			|| (length == 3 && memcmp(value, "ok", 3) == 0);
	} else if (strcmp(name, "reg") == 0 && walk->address_cells >= 1
			&& walk->address_cells <= 2 && length >= 4 * walk->address_cells) {
		walk->reg = 0;
		for (uint32_t i = 0; i < 4 * walk->address_cells; i++)
			walk->reg = walk->reg << 8 | value[i];
		walk->has_reg = true;
	}
}


/* The property at offset (past its token); the offset past it, 0 when malformed. */
static uint32_t
fdt_read_property(struct fdt_walk *walk, uint32_t offset, uint32_t depth)
{
	uint32_t length, nameOffset;
	if (!fdt_read32(walk, offset, &length) || !fdt_read32(walk, offset + 4, &nameOffset)
		|| length > walk->structure_end - offset - 8 || nameOffset >= walk->strings_size)
		return 0;
	char name[FDT_NAME_BYTES];
	if (fdt_read_string(walk, walk->strings + nameOffset, walk->strings + walk->strings_size,
			name) == 0)
		return 0;
	uint8_t value[FDT_VALUE_BYTES] = { 0 };
	uint32_t read = length < FDT_VALUE_BYTES ? length : FDT_VALUE_BYTES;
	if (!kcheck_read_physical(walk->context, walk->base + offset + 8, value, read))
		return 0;
	fdt_note_property(walk, depth, name, value, length);
	return (offset + 8 + length + 3) & ~3u;
}


/* Opens the blob: the structure block's start, or 0 with a reason. */
static uint32_t
fdt_open(struct fdt_walk *walk, char *reason, size_t reasonSize)
{
	const kernel_args *args = walk->context->args;
	walk->base = args->device_tree;
	walk->structure_end = FDT_HEADER_SIZE;
	uint32_t magic, size, structure, strings, stringsSize, structureSize;
	if (!fdt_read32(walk, 0, &magic) || !fdt_read32(walk, 4, &size)
		|| !fdt_read32(walk, 8, &structure) || !fdt_read32(walk, 12, &strings)
		|| !fdt_read32(walk, 32, &stringsSize) || !fdt_read32(walk, 36, &structureSize)
		|| magic != FDT_MAGIC || size != args->device_tree_size || structure < FDT_HEADER_SIZE
		|| structure > size || structureSize > size - structure || strings > size
		|| stringsSize > size - strings || (structure & 3) != 0) {
		kcheck_fail(reason, reasonSize, "the device tree at %#llx has a bad header",
			(ull)args->device_tree);
		return 0;
	}
	walk->structure_end = structure + structureSize;
	walk->strings = strings;
	walk->strings_size = stringsSize;
	return structure;
}


bool
kcheck_fdt_cpus(const struct kcheck_context *context, kcheck_fdt_cpu_visit visit,
	void *cookie, char *reason, size_t reasonSize)
{
	struct fdt_walk walk = { .context = context };
	uint32_t offset = fdt_open(&walk, reason, reasonSize);
	if (offset == 0)
		return false;
	uint32_t depth = 0;
	bool inCpus = false;
	uint32_t at;
	for (;;) {
		at = offset;
		uint32_t token;
		if (!fdt_read32(&walk, offset, &token))
			break;
		offset += 4;
		if (token == FDT_END && depth == 0)
			return true;
		if (token == FDT_NOP)
			continue;
		if (token == FDT_PROP) {
			offset = fdt_read_property(&walk, offset, inCpus ? depth : 0);
			if (offset == 0)
				break;
		} else if (token == FDT_BEGIN_NODE && depth < FDT_MAX_DEPTH) {
			char name[FDT_NAME_BYTES];
			uint32_t length = fdt_read_string(&walk, offset, walk.structure_end, name);
			if (length == 0)
				break;
			offset = (offset + length + 3) & ~3u;
			if (++depth == DEPTH_CPUS)
				inCpus = strcmp(name, "cpus") == 0;
			if (depth == DEPTH_CPU) {
				walk.is_cpu = false;
				walk.has_reg = false;
				walk.may_run = true;
			}
		} else if (token == FDT_END_NODE && depth > 0) {
			if (inCpus && depth == DEPTH_CPU && walk.is_cpu && walk.may_run) {
				if (!walk.has_reg) {
					return kcheck_fail(reason, reasonSize,
						"a device tree CPU has no reg of #address-cells %u",
						walk.address_cells);
				}
				if (!visit(cookie, walk.reg, reason, reasonSize))
					return false;
			}
			if (depth-- == DEPTH_CPUS)
				inCpus = false;
		} else {
			break;
		}
	}
	return kcheck_fail(reason, reasonSize, "the device tree's structure is malformed at %#x",
		at);
}
