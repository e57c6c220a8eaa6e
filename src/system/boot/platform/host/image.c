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
	}
	snprintf(reason, reasonSize, "the hosted port has no firmware to start it");
	return B_NOT_SUPPORTED;
}
