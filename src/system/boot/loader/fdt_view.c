/* SPDX-License-Identifier: MIT */
/*
 * A flattened device tree read in place (headers/boot/fdt_view.h). Trees
 * come from firmware and files, so every offset is checked against its
 * block before it is followed, and walks stop at FDT_VIEW_MAX_DEPTH.
 */
#include <boot/fdt_view.h>

#include <string.h>

#include <boot/byte_order.h>
#include <boot/fdt_header.h>


uint64_t
fdt_read_cells(const uint8_t *value, uint32_t cells)
{
	uint64_t number = 0;
	for (uint32_t i = 0; i < cells; i++)
		number = number << 32 | read_be32(value + 4 * i);
	return number;
}


const char *
fdt_view_open(struct fdt_view *view, const void *base, size_t available)
{
	struct fdt_layout layout;
	const char *problem = fdt_check_header(base, available, &layout);
	if (problem != NULL)
		return problem;
	*view = (struct fdt_view){ base, layout.size, layout.structure,
		layout.structure + layout.structure_size, layout.strings, layout.strings_size };
	return NULL;
}


/* The token at *offset; advances past it. FDT_END when out of bounds. */
static uint32_t
fdt_token(const struct fdt_view *view, uint32_t *offset)
{
	if (*offset > view->structure_end - 4)
		return FDT_END;
	uint32_t token = read_be32(view->base + *offset);
	*offset += 4;
	return token;
}


/* Past a NUL-terminated name at offset, 4-byte aligned; 0 when it runs off. */
static uint32_t
fdt_skip_name(const struct fdt_view *view, uint32_t offset, const char **_name)
{
	const char *name = (const char *)view->base + offset;
	size_t length = strnlen(name, view->structure_end - offset);
	if (offset + length >= view->structure_end)
		return 0;
	*_name = name;
	return (uint32_t)((offset + length + 1 + 3) & ~3u);
}


/*
 * A property at offset (after its token): its name, value and length;
 * returns the offset past it, 0 when it is malformed.
 */
static uint32_t
fdt_property(const struct fdt_view *view, uint32_t offset, const char **_name,
	const uint8_t **_value, uint32_t *_length)
{
	if (offset > view->structure_end - 8)
		return 0;
	uint32_t length = read_be32(view->base + offset);
	uint32_t nameOffset = read_be32(view->base + offset + 4);
	offset += 8;
	if (length > view->structure_end - offset || nameOffset >= view->strings_size)
		return 0;
	const char *name = (const char *)view->base + view->strings + nameOffset;
	if (strnlen(name, view->strings_size - nameOffset) == view->strings_size - nameOffset)
		return 0;
	*_name = name;
	*_value = view->base + offset;
	*_length = length;
	return (offset + length + 3) & ~3u;
}


/* Properties come before a node's children: the first other token ends them. */
const uint8_t *
fdt_view_property(const struct fdt_view *view, uint32_t offset, const char *name,
	uint32_t *_length)
{
	for (;;) {
		uint32_t token = fdt_token(view, &offset);
		if (token == FDT_NOP)
			continue;
		if (token != FDT_PROP)
			return NULL;
		const char *propertyName;
		const uint8_t *value;
		offset = fdt_property(view, offset, &propertyName, &value, _length);
		if (offset == 0)
			return NULL;
		if (strcmp(propertyName, name) == 0)
			return value;
	}
}


/*
 * The next node boundary from *offset, properties and NOPs passed over:
 * FDT_BEGIN_NODE (its name in *_name, *offset at its properties),
 * FDT_END_NODE, or FDT_END when the structure ends or breaks.
 */
static uint32_t
fdt_next_node_token(const struct fdt_view *view, uint32_t *offset, const char **_name)
{
	for (;;) {
		uint32_t token = fdt_token(view, offset);
		if (token == FDT_NOP)
			continue;
		if (token == FDT_PROP) {
			const char *name;
			const uint8_t *value;
			uint32_t length;
			*offset = fdt_property(view, *offset, &name, &value, &length);
			if (*offset == 0)
				return FDT_END;
			continue;
		}
		if (token == FDT_BEGIN_NODE) {
			*offset = fdt_skip_name(view, *offset, _name);
			return *offset == 0 ? FDT_END : FDT_BEGIN_NODE;
		}
		return token == FDT_END_NODE ? FDT_END_NODE : FDT_END;
	}
}


/* Whether a node name matches a path component ("uart" matches "uart@1000"). */
static bool
fdt_name_matches(const char *name, const char *component, size_t length)
{
	if (strncmp(name, component, length) != 0)
		return false;
	return name[length] == '\0'
		|| (name[length] == '@' && memchr(component, '@', length) == NULL);
}


/* The next component of path at *path, and its length; advances past it. */
static size_t
fdt_path_component(const char **path, const char **_component)
{
	while (**path == '/')
		(*path)++;
	*_component = *path;
	size_t length = 0;
	while ((*path)[length] != '\0' && (*path)[length] != '/')
		length++;
	*path += length;
	return length;
}


bool
fdt_view_find(const struct fdt_view *view, const char *path, uint32_t *_properties,
	struct fdt_lineage *lineage)
{
	uint32_t offset = view->structure;
	const char *component = "";
	size_t componentLength = 0;
	/* depth: nodes entered; matched: how many of them are on the path. */
	uint32_t depth = 0;
	uint32_t matched = 0;
	for (;;) {
		const char *name;
		uint32_t token = fdt_next_node_token(view, &offset, &name);
		if (token == FDT_END_NODE) {
			if (depth == 0 || depth-- == matched)
				return false;
			continue;
		}
		if (token != FDT_BEGIN_NODE || depth >= FDT_VIEW_MAX_DEPTH)
			return false;
		depth++;
		/* The root has an empty name and matches before any component. */
		if (depth != matched + 1 || (depth > 1
				&& !fdt_name_matches(name, component, componentLength)))
			continue;
		matched = depth;
		if (lineage != NULL) {
			lineage->properties[depth - 1] = offset;
			lineage->depth = depth - 1;
		}
		componentLength = fdt_path_component(&path, &component);
		if (componentLength == 0) {
			*_properties = offset;
			return true;
		}
	}
}


uint32_t
fdt_view_cells(const struct fdt_view *view, uint32_t properties, const char *name,
	uint32_t fallback)
{
	uint32_t length;
	const uint8_t *cells = fdt_view_property(view, properties, name, &length);
	return cells != NULL && length == 4 ? read_be32(cells) : fallback;
}


/*
 * The address in the entries of ranges (a bus's, with its cell counts) that
 * covers *_address, made the parent's. False when none covers it.
 */
static bool
fdt_map_range(const uint8_t *ranges, uint32_t length, uint32_t childCells,
	uint32_t parentCells, uint32_t sizeCells, uint64_t *_address)
{
	uint32_t entrySize = 4 * (childCells + parentCells + sizeCells);
	for (uint32_t at = 0; length - at >= entrySize; at += entrySize) {
		const uint8_t *entry = ranges + at;
		uint64_t child = fdt_read_cells(entry, childCells);
		uint64_t parent = fdt_read_cells(entry + 4 * childCells, parentCells);
		uint64_t size = fdt_read_cells(entry + 4 * (childCells + parentCells), sizeCells);
		if (*_address >= child && *_address - child < size) {
			*_address = parent + (*_address - child);
			return true;
		}
	}
	return false;
}


bool
fdt_view_translate(const struct fdt_view *view, const struct fdt_lineage *lineage,
	uint64_t *_address)
{
	for (uint32_t bus = lineage->depth - 1; bus > 0 && bus < lineage->depth; bus--) {
		uint32_t properties = lineage->properties[bus];
		uint32_t childCells = fdt_view_cells(view, properties, "#address-cells", 2);
		uint32_t sizeCells = fdt_view_cells(view, properties, "#size-cells", 1);
		uint32_t parentCells = fdt_view_cells(view, lineage->properties[bus - 1],
			"#address-cells", 2);
		uint32_t length;
		const uint8_t *ranges = fdt_view_property(view, properties, "ranges", &length);
		if (ranges == NULL || childCells > 2 || parentCells > 2 || sizeCells > 2)
			return false;
		if (length > 0 && (childCells == 0 || !fdt_map_range(ranges, length, childCells,
				parentCells, sizeCells, _address)))
			return false;
	}
	return true;
}


const char *
fdt_view_string(const struct fdt_view *view, uint32_t properties, const char *name)
{
	uint32_t length;
	const char *value = (const char *)fdt_view_property(view, properties, name, &length);
	if (value == NULL || length == 0 || value[length - 1] != '\0')
		return NULL;
	return value;
}


const char *
fdt_view_path_string(const struct fdt_view *view, const char *path, const char *name)
{
	uint32_t properties;
	if (!fdt_view_find(view, path, &properties, NULL))
		return NULL;
	return fdt_view_string(view, properties, name);
}


bool
fdt_view_visit_children(const struct fdt_view *view, uint32_t offset, fdt_view_visit visit,
	void *cookie)
{
	uint32_t depth = 0;
	for (;;) {
		const char *name;
		uint32_t token = fdt_next_node_token(view, &offset, &name);
		if (token == FDT_END_NODE) {
			if (depth == 0)
				return true;
			depth--;
			continue;
		}
		if (token != FDT_BEGIN_NODE || depth >= FDT_VIEW_MAX_DEPTH)
			return false;
		if (depth++ == 0)
			visit(cookie, name, offset);
	}
}


bool
fdt_is_compatible(const char *list, uint32_t length, const char *compatible)
{
	size_t wanted = strlen(compatible);
	for (uint32_t at = 0; at < length;) {
		size_t entry = strnlen(list + at, length - at);
		/* An entry must end within the property: the last one may not. */
		if (entry == wanted && at + entry < length && memcmp(list + at, compatible, entry) == 0)
			return true;
		at += entry + 1;
	}
	return false;
}
