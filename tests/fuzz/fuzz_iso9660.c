/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the ISO 9660 file system (file_systems/iso9660/)
 * through the VFS: mount the input, list every directory and read every
 * file, within bounds (fuzz_walk_volume).
 *
 * The input starts at the first volume descriptor: the 32 KiB system area
 * before it, which the file system never reads, is zeros added here, so
 * that no mutation is spent on it.
 */
#include <stdlib.h>
#include <string.h>

#include <boot/block_device.h>

#include "fuzz_platform.h"

#define FUZZ_SYSTEM_AREA	(16 * 2048)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *image = calloc(1, FUZZ_SYSTEM_AREA + size);
	if (image == NULL)
		abort();
	memcpy(image + FUZZ_SYSTEM_AREA, data, size);
	struct block_device *device = fuzz_device(image, FUZZ_SYSTEM_AREA + size,
		FUZZ_SYSTEM_AREA + size, 2048);
	fuzz_mount_and_walk(device);
	free(image);
	return 0;
}
