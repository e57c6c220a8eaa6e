/* SPDX-License-Identifier: MIT */
/*
 * The device list: disks from the port, partitions found on them, and the
 * bounds-checked read every partition and file system goes through.
 */
#include <boot/devices.h>

#include <stdbool.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stdio.h>


static struct block_device *sFirst;
static struct block_device *sLast;


status_t
block_device_read(struct block_device *device, uint64_t offset, void *buffer,
	size_t length)
{
	if (device == NULL || device->ops == NULL || device->ops->read == NULL)
		return B_BAD_VALUE;
	/* Written so that no sum can wrap: offset + length may not fit 64 bits. */
	if (offset > device->size || (uint64_t)length > device->size - offset)
		return B_BAD_VALUE;
	if (length == 0)
		return B_OK;
	return device->ops->read(device, offset, buffer, length);
}


static status_t
child_read(struct block_device *device, uint64_t offset, void *buffer,
	size_t length)
{
	/* init_child checked that the child lies inside its parent */
	return block_device_read(device->parent, device->parent_offset + offset,
		buffer, length);
}


static const struct block_device_ops kChildOps = {
	.read = child_read,
	.release = NULL,
};


status_t
block_device_init_child(struct block_device *child, struct block_device *parent,
	uint64_t offset, uint64_t size)
{
	if (parent == NULL || size == 0 || offset > parent->size
		|| size > parent->size - offset) {
		return B_BAD_VALUE;
	}

	memset(child, 0, sizeof(*child));
	child->ops = &kChildOps;
	child->size = size;
	child->block_size = parent->block_size;
	child->parent = parent;
	child->parent_offset = offset;
	return B_OK;
}


struct block_device *
devices_first(void)
{
	return sFirst;
}


static bool
devices_listed(const struct block_device *device)
{
	for (const struct block_device *other = sFirst; other != NULL; other = other->next) {
		if (other == device)
			return true;
	}
	return false;
}


static void
devices_free(struct block_device *device)
{
	if (device->ops != NULL && device->ops->release != NULL)
		device->ops->release(device);
	heap_free(device);
}


status_t
devices_add(struct block_device *device)
{
	if (device == NULL)
		return B_BAD_VALUE;
	if (devices_listed(device))
		return B_BAD_VALUE;

	if (device->ops == NULL || device->ops->read == NULL || device->size == 0
		|| device->block_size == 0
		|| (device->block_size & (device->block_size - 1)) != 0) {
		boot_dprintf("devices: refusing device %.*s: no read hook, size or block size\n",
			BLOCK_DEVICE_NAME_LENGTH, device->name);
		devices_free(device);
		return B_BAD_VALUE;
	}

	/* Names appear in messages and volume paths: make sure they end. */
	device->name[BLOCK_DEVICE_NAME_LENGTH - 1] = '\0';
	device->next = NULL;
	if (sLast != NULL)
		sLast->next = device;
	else
		sFirst = device;
	sLast = device;
	return B_OK;
}


status_t
block_device_register(struct block_device *device)
{
	if (device == NULL)
		return B_BAD_VALUE;
	if (device->parent != NULL) {
		devices_free(device);
		return B_BAD_VALUE;
	}
	return devices_add(device);
}


void
devices_cleanup(void)
{
	/* A partition's read goes through its disk: free the children first. */
	for (int pass = 0; pass < 2; pass++) {
		struct block_device *previous = NULL;
		struct block_device *device = sFirst;
		while (device != NULL) {
			struct block_device *next = device->next;
			bool child = device->parent != NULL;
			if (child == (pass == 0)) {
				if (previous != NULL)
					previous->next = next;
				else
					sFirst = next;
				devices_free(device);
			} else
				previous = device;
			device = next;
		}
	}
	sFirst = NULL;
	sLast = NULL;

	platform_cleanup_devices();
}
