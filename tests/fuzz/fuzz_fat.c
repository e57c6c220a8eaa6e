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
#include <stdlib.h>

#include <boot/block_device.h>
#include <boot/vfs.h>

#include "fuzz_platform.h"

#define FUZZ_DEVICE_SIZE	(64ULL * 1024 * 1024)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t deviceSize = size > FUZZ_DEVICE_SIZE ? size : FUZZ_DEVICE_SIZE;
	struct block_device *device = fuzz_device(data, size, deviceSize, 512);
	char error[VFS_ERROR_SIZE];
	error[0] = '\0';
	struct vfs_volume *volume;
	status_t status = vfs_mount_device(device, true, &volume, error, sizeof(error));
	if (status == B_OK) {
		struct vfs_volume_info info;
		vfs_volume_get_info(volume, &info);
		if (info.label == NULL || info.fs_detail == NULL)
			abort();
		fuzz_walk_volume("(vol0)");
	} else if (error[0] == '\0')
		abort();
	vfs_cleanup();
	fuzz_device_free(device);
	fuzz_check_heap();
	return 0;
}
