/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the FAT file system (file_systems/fat/) through the
 * VFS: mount the input, list every directory and read every file, within
 * bounds (fuzz_walk_volume).
 *
 * The input is the start of a 64 MiB device whose rest reads as zeros, so
 * that the metadata of FAT16 and FAT32 volumes, too big as whole images,
 * fits a small input.
 */

#include <boot/block_device.h>

#include "fuzz_platform.h"

#define FUZZ_DEVICE_SIZE	(64ULL * 1024 * 1024)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t deviceSize = size > FUZZ_DEVICE_SIZE ? size : FUZZ_DEVICE_SIZE;
	struct block_device *device = fuzz_device(data, size, deviceSize, 512);
	fuzz_mount_and_walk(device);
	return 0;
}
