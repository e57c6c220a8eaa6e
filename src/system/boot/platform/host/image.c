/* SPDX-License-Identifier: MIT */
/*
 * A process has no firmware to start another system's executable with: the
 * hosted port says what it was handed, so that the tests can check what the
 * generic loader read, and declines.
 */
#include "host_platform.h"

#include <stdio.h>

#include <boot/block_device.h>
#include <boot/crc32.h>
#include <boot/platform.h>
#include <boot/stdio.h>


/* --dump-device-tree: the tree as the image would get it, for a test to read. */
static void
host_dump_device_tree(const struct platform_image *image)
{
	const char *path = gHostOptions.device_tree_dump;
	FILE *file = path != NULL ? fopen(path, "wb") : NULL;
	if (file == NULL)
		return;
	fwrite(image->device_tree, 1, image->device_tree_size, file);
	fclose(file);
}


status_t
platform_start_image(const struct platform_image *image, char *reason, size_t reasonSize)
{
	boot_dprintf("host: image %s: %zu bytes, crc32 %08x, %s%s at byte %llu, "
		"load options \"%s\"\n", image->path, image->size,
		crc32(0, image->data, image->size), image->disk != NULL ? image->disk->name : "?",
		image->volume_path, (unsigned long long)image->partition_offset,
		image->command_line);
	if (image->initrd != NULL) {
		boot_dprintf("host: initrd: %zu bytes, crc32 %08x\n", image->initrd_size,
			crc32(0, image->initrd, image->initrd_size));
	}
	if (image->device_tree != NULL) {
		boot_dprintf("host: device tree: %zu bytes, crc32 %08x\n", image->device_tree_size,
			crc32(0, image->device_tree, image->device_tree_size));
		host_dump_device_tree(image);
	}
	snprintf(reason, reasonSize, "the hosted port has no firmware to start it");
	return B_NOT_SUPPORTED;
}
