/* SPDX-License-Identifier: MIT */
/*
 * A flattened device tree read where it lies, without the heap (unlike
 * fdt_tree.h, which unpacks one to change it): what a port needs of the
 * firmware's tree before the heap exists (its console UART) and of the tree
 * the kernel gets (its CPUs). Every offset is checked against the blob
 * before it is followed. A node is named by the offset of its properties,
 * just past its name.
 */
#ifndef BOOT_FDT_VIEW_H
#define BOOT_FDT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/status.h>

/* For a tree whose length nobody says (the firmware's): larger ones are garbage. */
#define FDT_VIEW_ANY_SIZE		(16u << 20)
/* Nodes below the root a path may reach, and a walk may enter. */
#define FDT_VIEW_MAX_DEPTH		16

struct fdt_view {
	const uint8_t	*base;
	uint32_t		size;
	uint32_t		structure;		/* offset of the structure block */
	uint32_t		structure_end;
	uint32_t		strings;		/* offset of the strings block */
	uint32_t		strings_size;
};

/* A node and the nodes above it: where the properties of each start, the root's first. */
struct fdt_lineage {
	uint32_t		properties[FDT_VIEW_MAX_DEPTH];
	uint32_t		depth;			/* the node's: properties[depth] are its own */
};

/* Why the blob at base (available bytes readable) is no usable tree, or NULL. */
const char *fdt_view_open(struct fdt_view *view, const void *base, size_t available);

/*
 * The node at the absolute path ("/soc/serial@1000"; a component without
 * a unit address matches one with it): its properties, and where lineage
 * is not NULL, those of the nodes above it. False when there is none.
 */
bool fdt_view_find(const struct fdt_view *view, const char *path, uint32_t *_properties,
	struct fdt_lineage *lineage);

/* A node's property: its value and length, or NULL. */
const uint8_t *fdt_view_property(const struct fdt_view *view, uint32_t properties,
	const char *name, uint32_t *_length);

/* A node's string property, NUL-terminated within it, or NULL. */
const char *fdt_view_string(const struct fdt_view *view, uint32_t properties,
	const char *name);

/* The string property name of the node at path, or NULL. */
const char *fdt_view_path_string(const struct fdt_view *view, const char *path,
	const char *name);

/* A node's cell count property (#address-cells, #size-cells), or fallback. */
uint32_t fdt_view_cells(const struct fdt_view *view, uint32_t properties, const char *name,
	uint32_t fallback);

/*
 * An address from the reg of lineage's node made the CPU's: mapped through
 * the ranges of each bus above it (empty ranges map 1:1). False when a bus
 * maps nothing there or uses more than two cells.
 */
bool fdt_view_translate(const struct fdt_view *view, const struct fdt_lineage *lineage,
	uint64_t *_address);

/*
 * Hands each child of a node to visit, with its name and properties. False
 * when the tree ends or breaks before the node does.
 */
typedef void (*fdt_view_visit)(void *cookie, const char *name, uint32_t properties);
bool fdt_view_visit_children(const struct fdt_view *view, uint32_t properties,
	fdt_view_visit visit, void *cookie);

/* One or two big-endian cells as a number (the caller checks cells). */
uint64_t fdt_read_cells(const uint8_t *value, uint32_t cells);

/* Whether a compatible property (NUL-separated strings) names compatible. */
bool fdt_is_compatible(const char *list, uint32_t length, const char *compatible);

/*
 * fdt_cpus.c: the CPUs /cpus lists to run (device_type "cpu", status okay
 * or none), each handed to found with its id (reg) and, when its
 * enable-method is "spin-table", the address it waits at (0 otherwise, or
 * when that is unusable, said in the log). Errors, logged: B_ENTRY_NOT_FOUND
 * (no /cpus), B_BAD_DATA (a /cpus or a CPU without the cells it needs, or
 * a tree that breaks inside /cpus).
 */
typedef void (*fdt_cpu_found)(void *cookie, uint64_t id, uint64_t releaseAddress);
status_t fdt_view_find_cpus(const struct fdt_view *view, fdt_cpu_found found, void *cookie);

#endif
