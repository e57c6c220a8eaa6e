/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the tar file system (file_systems/tar/) through the
 * VFS: mount the input, list every directory and read every file, within
 * bounds (fuzz_walk_volume).
 *
 * The device is exactly the input: an archive's data must be in it.
 */

#include <boot/block_device.h>

#include "fuzz_platform.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct block_device *device = fuzz_device(data, size, size, 512);
	fuzz_mount_and_walk(device);
	return 0;
}
