/* SPDX-License-Identifier: MIT */
/*
 * The firmware's device tree (--device-tree FILE): as the EFI port finds
 * U-Boot's in the configuration table, read once and checked by its header.
 * A file that is no tree is reported and the machine has none, as the EFI
 * port ignores a damaged one. The firmware's fix-up of the loader's trees is
 * simulated too.
 */
#include "host_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/byte_order.h>
#include <boot/fdt_header.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stdio.h>

/* Far larger than any real tree. */
#define HOST_MAX_DEVICE_TREE	(16u << 20)

static uint8_t *sTree;
static size_t sTreeSize;
static bool sTreeRead;


static void
host_read_device_tree(const char *path)
{
	FILE *file = fopen(path, "rb");
	uint8_t *data = malloc(HOST_MAX_DEVICE_TREE);
	const char *problem = file == NULL ? "cannot be read" : data == NULL ? "no memory" : NULL;
	size_t size = problem == NULL ? fread(data, 1, HOST_MAX_DEVICE_TREE, file) : 0;
	if (file != NULL)
		fclose(file);
	struct fdt_layout layout;
	if (problem == NULL)
		problem = fdt_check_header(data, size, &layout);
	if (problem != NULL) {
		fprintf(stderr, "host: ignoring the device tree %s: %s\n", path, problem);
		free(data);
		return;
	}
	sTree = data;
	sTreeSize = layout.size;
}


const void *
platform_firmware_device_tree(size_t *_size)
{
	if (!sTreeRead && gHostOptions.device_tree_path != NULL)
		host_read_device_tree(gHostOptions.device_tree_path);
	sTreeRead = true;
	*_size = sTreeSize;
	return sTree;
}


/*
 * As U-Boot leaves its tree in ACPI reclaimable memory: copied where this
 * firmware keeps its tables, which no allocation of the loader's touches
 * under the default map (one that calls them usable leaves them to the
 * boot checks' firmware_memory).
 */
void
host_device_tree_hand_over(kernel_args *args)
{
	size_t size, room;
	const void *tree = platform_firmware_device_tree(&size);
	uint64_t physical = host_firmware_tables(&room);
	void *target = tree != NULL && size <= room ? host_physical_to_pointer(physical, size)
		: NULL;
	if (target == NULL)
		return;
	memcpy(target, tree, size);
	args->device_tree = physical;
	args->device_tree_size = size;
}


/*
 * --fix-up-device-tree: as U-Boot's fix-up protocol, which leaves the room it
 * asked for at the tree's end (totalsize grown, zeros), or refuses.
 */
status_t
platform_fix_up_device_tree(const void *tree, size_t size, void **_fixed,
	size_t *_fixedSize)
{
	if (gHostOptions.device_tree_refused)
		return B_BAD_DATA;
	size_t growth = gHostOptions.device_tree_growth;
	if (growth == 0)
		return B_NOT_SUPPORTED;
	uint8_t *fixed = heap_alloc(size + growth);
	if (fixed == NULL)
		return B_NO_MEMORY;
	memcpy(fixed, tree, size);
	memset(fixed + size, 0, growth);
	write_be32(fixed + 4, (uint32_t)(size + growth));
	boot_dprintf("host: device tree of %zu bytes fixed up: %zu bytes\n", size, size + growth);
	*_fixed = fixed;
	*_fixedSize = size + growth;
	return B_OK;
}
