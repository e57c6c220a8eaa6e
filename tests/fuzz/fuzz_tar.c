/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the tar file system (file_systems/tar/) through the
 * VFS: mount the input, list every directory and read every file, within
 * bounds (fuzz_walk_volume).
 *
 * The device is exactly the input: an archive's data must be in it.
 */
#include <stdlib.h>

#include <boot/block_device.h>
#include <boot/vfs.h>

#include "fuzz_platform.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct block_device *device = fuzz_device(data, size, size, 512);
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
