/* SPDX-License-Identifier: MIT */
/*
 * The file server a network boot came from, as a volume: mounted before any
 * disk as the boot volume, on a device of its own that reads no blocks and
 * releases the server when the volume goes.
 */
#include <stdio.h>

#include <boot/file_server.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stdio.h>

#include "vfs_private.h"


static void
vfs_release_server(struct file_server *server)
{
	if (server->ops->release != NULL)
		server->ops->release(server);
	heap_free(server);
}


static status_t
vfs_server_device_read(struct block_device *device, uint64_t offset, void *buffer,
	size_t length)
{
	return B_NOT_SUPPORTED;
}


static void
vfs_server_device_release(struct block_device *device)
{
	vfs_release_server(device->cookie);
}


static const struct block_device_ops kServerDeviceOps = {
	.read = vfs_server_device_read,
	.release = vfs_server_device_release,
};


void
vfs_mount_boot_server(struct stage2_args *args)
{
	struct file_server *server = platform_boot_file_server(args);
	if (server == NULL)
		return;
	struct block_device *device = heap_calloc(1, sizeof(*device));
	if (device == NULL) {
		boot_printf("vfs: %s: out of memory\n", server->name);
		vfs_release_server(server);
		return;
	}
	device->ops = &kServerDeviceOps;
	device->block_size = 1;
	device->cookie = server;
	snprintf(device->name, sizeof(device->name), "%s", server->name);

	static const struct file_system_ops *const kServer[] = { &gServerFileSystem };
	char error[VFS_ERROR_SIZE];
	struct vfs_volume *volume;
	if (vfs_mount_as(device, kServer, 1, true, &volume, error, sizeof(error)) != B_OK) {
		boot_printf("vfs: %s\n", error);
		vfs_server_device_release(device);
		heap_free(device);
		return;
	}
	volume->owns_device = true;
}


const struct file_server *
vfs_volume_server(const struct vfs_volume *volume)
{
	return volume->device->ops == &kServerDeviceOps ? volume->device->cookie : NULL;
}
