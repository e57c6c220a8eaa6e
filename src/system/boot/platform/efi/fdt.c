/* SPDX-License-Identifier: MIT */
/*
 * The flattened device tree some firmware (U-Boot) installs in the EFI
 * configuration table: checked and handed to the kernel, and read for the
 * UART /chosen's stdout-path names (its address translated through the
 * buses above it), the CPUs /cpus lists with how each is started, and how
 * /psci is called (from the tree an entry made, when it made one). The
 * blob is the firmware's, so every offset is checked against its size
 * before it is followed.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/byte_order.h>
#include <boot/fdt_header.h>
#include <boot/platform.h>
#include <boot/stdio.h>

/* Far larger than any real tree; a bigger size field is garbage. */
#define FDT_MAX_SIZE		(16u << 20)
#define FDT_MAX_DEPTH		16
#define FDT_PATH_LENGTH		128

#define FDT_BEGIN_NODE		1
#define FDT_END_NODE		2
#define FDT_PROP			3
#define FDT_NOP				4
#define FDT_END				9

struct fdt {
	const uint8_t	*base;
	uint32_t		size;
	uint32_t		structure;		/* offset of the structure block */
	uint32_t		structure_end;
	uint32_t		strings;		/* offset of the strings block */
	uint32_t		strings_size;
};

/* A node and the nodes above it: where the properties of each start, the root's first. */
struct fdt_lineage {
	uint32_t		properties[FDT_MAX_DEPTH];
	uint32_t		depth;			/* the node's: properties[depth] are its own */
};

static EFI_GUID sDtbGuid = EFI_DTB_TABLE_GUID;


/* One or two cells (cells is checked) as a number. */
static uint64_t
fdt_read_cells(const uint8_t *value, uint32_t cells)
{
	uint64_t number = 0;
	for (uint32_t i = 0; i < cells; i++)
		number = number << 32 | read_be32(value + 4 * i);
	return number;
}


/* Why the blob at base is not a usable tree, or NULL when it is. */
static const char *
fdt_open(struct fdt *fdt, const uint8_t *base)
{
	/* The firmware says where the tree is, not how long it is. */
	struct fdt_layout layout;
	const char *problem = fdt_check_header(base, FDT_MAX_SIZE, &layout);
	if (problem != NULL)
		return problem;
	*fdt = (struct fdt){ base, layout.size, layout.structure,
		layout.structure + layout.structure_size, layout.strings, layout.strings_size };
	return NULL;
}


/* The token at *offset; advances past it. FDT_END when out of bounds. */
static uint32_t
fdt_token(const struct fdt *fdt, uint32_t *offset)
{
	if (*offset > fdt->structure_end - 4)
		return FDT_END;
	uint32_t token = read_be32(fdt->base + *offset);
	*offset += 4;
	return token;
}


/* Past a NUL-terminated name at offset, 4-byte aligned; 0 when it runs off. */
static uint32_t
fdt_skip_name(const struct fdt *fdt, uint32_t offset, const char **_name)
{
	const char *name = (const char *)fdt->base + offset;
	size_t length = strnlen(name, fdt->structure_end - offset);
	if (offset + length >= fdt->structure_end)
		return 0;
	*_name = name;
	return (uint32_t)((offset + length + 1 + 3) & ~3u);
}


/*
 * A property at offset (after its token): its name, value and length;
 * returns the offset past it, 0 when it is malformed.
 */
static uint32_t
fdt_property(const struct fdt *fdt, uint32_t offset, const char **_name,
	const uint8_t **_value, uint32_t *_length)
{
	if (offset > fdt->structure_end - 8)
		return 0;
	uint32_t length = read_be32(fdt->base + offset);
	uint32_t nameOffset = read_be32(fdt->base + offset + 4);
	offset += 8;
	if (length > fdt->structure_end - offset || nameOffset >= fdt->strings_size)
		return 0;
	const char *name = (const char *)fdt->base + fdt->strings + nameOffset;
	if (strnlen(name, fdt->strings_size - nameOffset) == fdt->strings_size - nameOffset)
		return 0;
	*_name = name;
	*_value = fdt->base + offset;
	*_length = length;
	return (offset + length + 3) & ~3u;
}


/*
 * The property name of the node whose properties start at offset (after
 * its name), or NULL. Properties come before a node's children.
 */
static const uint8_t *
fdt_node_property(const struct fdt *fdt, uint32_t offset, const char *name,
	uint32_t *_length)
{
	for (;;) {
		uint32_t token = fdt_token(fdt, &offset);
		if (token == FDT_NOP)
			continue;
		if (token != FDT_PROP)
			return NULL;
		const char *propertyName;
		const uint8_t *value;
		offset = fdt_property(fdt, offset, &propertyName, &value, _length);
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
fdt_next_node_token(const struct fdt *fdt, uint32_t *offset, const char **_name)
{
	for (;;) {
		uint32_t token = fdt_token(fdt, offset);
		if (token == FDT_NOP)
			continue;
		if (token == FDT_PROP) {
			const char *name;
			const uint8_t *value;
			uint32_t length;
			*offset = fdt_property(fdt, *offset, &name, &value, &length);
			if (*offset == 0)
				return FDT_END;
			continue;
		}
		if (token == FDT_BEGIN_NODE) {
			*offset = fdt_skip_name(fdt, *offset, _name);
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


/*
 * The node at the absolute path: the offset of its properties, and where
 * lineage is not NULL, those of the nodes above it. False when there is no
 * such node.
 */
static bool
fdt_find_node(const struct fdt *fdt, const char *path, uint32_t *_properties,
	struct fdt_lineage *lineage)
{
	uint32_t offset = fdt->structure;
	const char *component = "";
	size_t componentLength = 0;
	/* depth: nodes entered; matched: how many of them are on the path. */
	uint32_t depth = 0;
	uint32_t matched = 0;
	for (;;) {
		const char *name;
		uint32_t token = fdt_next_node_token(fdt, &offset, &name);
		if (token == FDT_END_NODE) {
			if (depth == 0 || depth-- == matched)
				return false;
			continue;
		}
		if (token != FDT_BEGIN_NODE || depth >= FDT_MAX_DEPTH)
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


/* A cell count property (#address-cells, #size-cells) of a node, or fallback. */
static uint32_t
fdt_node_cells(const struct fdt *fdt, uint32_t properties, const char *name,
	uint32_t fallback)
{
	uint32_t length;
	const uint8_t *cells = fdt_node_property(fdt, properties, name, &length);
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


/*
 * An address from the reg of lineage's node, as the CPU sees it: mapped
 * through the ranges of each bus above the node (empty ranges map 1:1).
 * False when a bus maps nothing there, or its cells are more than two.
 */
static bool
fdt_translate(const struct fdt *fdt, const struct fdt_lineage *lineage, uint64_t *_address)
{
	for (uint32_t bus = lineage->depth - 1; bus > 0 && bus < lineage->depth; bus--) {
		uint32_t properties = lineage->properties[bus];
		uint32_t childCells = fdt_node_cells(fdt, properties, "#address-cells", 2);
		uint32_t sizeCells = fdt_node_cells(fdt, properties, "#size-cells", 1);
		uint32_t parentCells = fdt_node_cells(fdt, lineage->properties[bus - 1],
			"#address-cells", 2);
		uint32_t length;
		const uint8_t *ranges = fdt_node_property(fdt, properties, "ranges", &length);
		if (ranges == NULL || childCells > 2 || parentCells > 2 || sizeCells > 2)
			return false;
		if (length > 0 && (childCells == 0 || !fdt_map_range(ranges, length, childCells,
				parentCells, sizeCells, _address)))
			return false;
	}
	return true;
}


/* The string property name of the node whose properties start at offset. */
static const char *
fdt_node_string(const struct fdt *fdt, uint32_t properties, const char *name)
{
	uint32_t length;
	const char *value = (const char *)fdt_node_property(fdt, properties, name, &length);
	if (value == NULL || length == 0 || value[length - 1] != '\0')
		return NULL;
	return value;
}


/* The string property name of the node at path, NUL-terminated within it. */
static const char *
fdt_string_property(const struct fdt *fdt, const char *path, const char *name)
{
	uint32_t properties;
	if (!fdt_find_node(fdt, path, &properties, NULL))
		return NULL;
	return fdt_node_string(fdt, properties, name);
}


/*
 * Hand each child of the node whose properties start at offset to visit,
 * with its name and the offset of its properties. False when the tree
 * ends or breaks before the node does.
 */
typedef void (*fdt_child_visit)(void *cookie, const char *name, uint32_t properties);

static bool
fdt_visit_children(const struct fdt *fdt, uint32_t offset, fdt_child_visit visit,
	void *cookie)
{
	uint32_t depth = 0;
	for (;;) {
		const char *name;
		uint32_t token = fdt_next_node_token(fdt, &offset, &name);
		if (token == FDT_END_NODE) {
			if (depth == 0)
				return true;
			depth--;
			continue;
		}
		if (token != FDT_BEGIN_NODE || depth >= FDT_MAX_DEPTH)
			return false;
		if (depth++ == 0)
			visit(cookie, name, offset);
	}
}


/* Whether the compatible list (NUL-separated strings) names compatible. */
static bool
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


static const uint8_t *
efi_fdt_blob(struct fdt *fdt)
{
	const uint8_t *blob = efi_find_configuration_table(&sDtbGuid);
	if (blob == NULL)
		return NULL;
	const char *problem = fdt_open(fdt, blob);
	if (problem != NULL) {
		boot_dprintf("efi: ignoring the device tree at %p: %s\n", (const void *)blob,
			problem);
		return NULL;
	}
	return blob;
}


/*
 * The tree the kernel gets: tree (one the loader made, checked already)
 * or, when it is NULL, the firmware's. False when there is none.
 */
static bool
efi_fdt_choose(struct fdt *fdt, const void *tree)
{
	if (tree == NULL)
		return efi_fdt_blob(fdt) != NULL;
	return fdt_open(fdt, tree) == NULL;
}


const void *
platform_firmware_device_tree(size_t *_size)
{
	struct fdt fdt;
	const uint8_t *blob = efi_fdt_blob(&fdt);
	*_size = blob != NULL ? fdt.size : 0;
	return blob;
}


void
efi_fdt_init(kernel_args *args)
{
	struct fdt fdt;
	args->device_tree = 0;
	args->device_tree_size = 0;
	const uint8_t *blob = efi_fdt_blob(&fdt);
	if (blob == NULL)
		return;
	args->device_tree = (uint64_t)(uintptr_t)blob;
	args->device_tree_size = fdt.size;
	boot_dprintf("efi: device tree at %p, %u bytes\n", (const void *)blob, fdt.size);
}


/* stdout-path as a node path: options after ':' cut, an alias resolved. */
static bool
fdt_stdout_path(const struct fdt *fdt, char path[FDT_PATH_LENGTH])
{
	const char *stdoutPath = fdt_string_property(fdt, "/chosen", "stdout-path");
	if (stdoutPath == NULL)
		stdoutPath = fdt_string_property(fdt, "/chosen", "linux,stdout-path");
	if (stdoutPath == NULL)
		return false;
	size_t length = 0;
	while (stdoutPath[length] != '\0' && stdoutPath[length] != ':')
		length++;
	if (length >= FDT_PATH_LENGTH)
		return false;
	memcpy(path, stdoutPath, length);
	path[length] = '\0';
	if (path[0] == '/')
		return true;

	const char *alias = fdt_string_property(fdt, "/aliases", path);
	size_t aliasLength = alias != NULL ? strlen(alias) : 0;
	if (aliasLength == 0 || alias[0] != '/' || aliasLength >= FDT_PATH_LENGTH)
		return false;
	memcpy(path, alias, aliasLength + 1);
	return true;
}


bool
efi_fdt_uart(struct efi_uart *uart)
{
	struct fdt fdt;
	if (efi_fdt_blob(&fdt) == NULL)
		return false;
	char path[FDT_PATH_LENGTH];
	struct fdt_lineage lineage;
	uint32_t properties, length, compatibleLength;
	if (!fdt_stdout_path(&fdt, path) || !fdt_find_node(&fdt, path, &properties, &lineage)
		|| lineage.depth == 0)
		return false;

	uint32_t addressCells = fdt_node_cells(&fdt, lineage.properties[lineage.depth - 1],
		"#address-cells", 2);
	const uint8_t *reg = fdt_node_property(&fdt, properties, "reg", &length);
	const char *compatible = (const char *)fdt_node_property(&fdt, properties,
		"compatible", &compatibleLength);
	if (reg == NULL || compatible == NULL || addressCells < 1 || addressCells > 2
		|| length < 4 * addressCells)
		return false;
	uint64_t address = fdt_read_cells(reg, addressCells);
	if (!fdt_translate(&fdt, &lineage, &address)) {
		boot_dprintf("efi: the device tree's console %s is at no address the CPU sees\n",
			path);
		return false;
	}

	uint32_t ioWidthLength;
	const uint8_t *ioWidth = fdt_node_property(&fdt, properties, "reg-io-width",
		&ioWidthLength);
	if (fdt_is_compatible(compatible, compatibleLength, "arm,pl011"))
		uart->kind = EFI_UART_PL011;
	else if ((fdt_is_compatible(compatible, compatibleLength, "ns16550a")
			&& ioWidth != NULL && ioWidthLength == 4 && read_be32(ioWidth) == 4)
		|| fdt_is_compatible(compatible, compatibleLength, "brcm,bcm2835-aux-uart")) {
		/* The Raspberry Pi's mini UART: a 16550's registers, a word each. */
		uart->kind = EFI_UART_16550_MMIO32;
	} else {
		boot_dprintf("efi: the device tree's console %s is no UART the loader knows\n",
			path);
		return false;
	}
	uart->physical = address;
	boot_dprintf("efi: debug UART from the device tree: %s at %#llx\n", path,
		(unsigned long long)address);
	return true;
}


struct fdt_cpus {
	const struct fdt	*fdt;
	uint32_t			address_cells;
	struct efi_cpu_list	*list;
	uint32_t			broken;
};


/*
 * Where a CPU whose enable-method is "spin-table" waits for its entry point
 * (cpu-release-addr, always two cells), 0 for any other method. The
 * address must hold an aligned 64-bit word.
 */
static uint64_t
fdt_release_address(const struct fdt *fdt, const char *name, uint32_t properties)
{
	const char *method = fdt_node_string(fdt, properties, "enable-method");
	if (method == NULL || strcmp(method, "spin-table") != 0)
		return 0;
	uint32_t length;
	const uint8_t *value = fdt_node_property(fdt, properties, "cpu-release-addr", &length);
	uint64_t address = value != NULL && length == 8 ? fdt_read_cells(value, 2) : 0;
	if (address == 0 || (address & 7) != 0) {
		boot_dprintf("efi: the device tree's spin-table CPU %s has no usable"
			" cpu-release-addr\n", name);
		return 0;
	}
	return address;
}


/*
 * A cpu node: its reg is the hardware id (arm64: MPIDR's affinity fields),
 * and where the list keeps them, its spin-table release address.
 */
static void
fdt_visit_cpu(void *cookie, const char *name, uint32_t properties)
{
	struct fdt_cpus *walk = cookie;
	const char *type = fdt_node_string(walk->fdt, properties, "device_type");
	if (type == NULL || strcmp(type, "cpu") != 0)
		return;
	/* Anything but "okay" (or no status) says the CPU is not there to run. */
	const char *status = fdt_node_string(walk->fdt, properties, "status");
	if (status != NULL && strcmp(status, "okay") != 0 && strcmp(status, "ok") != 0)
		return;
	uint32_t length;
	const uint8_t *reg = fdt_node_property(walk->fdt, properties, "reg", &length);
	if (reg == NULL || length < 4 * walk->address_cells) {
		boot_dprintf("efi: the device tree's CPU %s has no reg\n", name);
		walk->broken++;
		return;
	}
	struct efi_cpu_list *list = walk->list;
	uint32_t index = list->count;
	efi_cpu_list_add(list, fdt_read_cells(reg, walk->address_cells), EFI_CPU_ENABLED);
	if (list->release_addresses != NULL && list->count > index)
		list->release_addresses[index] = fdt_release_address(walk->fdt, name, properties);
}


status_t
efi_fdt_find_cpus(const void *tree, struct efi_cpu_list *list)
{
	struct fdt fdt;
	uint32_t properties, length;
	if (!efi_fdt_choose(&fdt, tree) || !fdt_find_node(&fdt, "/cpus", &properties, NULL)) {
		boot_dprintf("efi: no device tree /cpus: the boot CPU only\n");
		return B_ENTRY_NOT_FOUND;
	}
	const uint8_t *cells = fdt_node_property(&fdt, properties, "#address-cells", &length);
	struct fdt_cpus walk = {
		.fdt = &fdt,
		.address_cells = cells != NULL && length == 4 ? read_be32(cells) : 0,
		.list = list,
	};
	if (walk.address_cells < 1 || walk.address_cells > 2
		|| !fdt_visit_children(&fdt, properties, fdt_visit_cpu, &walk) || walk.broken > 0) {
		boot_dprintf("efi: the device tree's /cpus is malformed: the boot CPU only\n");
		return B_BAD_DATA;
	}
	boot_dprintf("efi: the device tree lists %u CPU(s)\n", list->count);
	return B_OK;
}


status_t
efi_fdt_psci_method(const void *tree, bool *_hvc)
{
	struct fdt fdt;
	const char *method = efi_fdt_choose(&fdt, tree)
		? fdt_string_property(&fdt, "/psci", "method") : NULL;
	if (method == NULL) {
		boot_dprintf("efi: the device tree has no /psci method: no other CPUs\n");
		return B_NOT_SUPPORTED;
	}
	if (strcmp(method, "hvc") != 0 && strcmp(method, "smc") != 0) {
		boot_dprintf("efi: the device tree's PSCI method \"%s\" is unknown\n", method);
		return B_NOT_SUPPORTED;
	}
	*_hvc = method[0] == 'h';
	return B_OK;
}
