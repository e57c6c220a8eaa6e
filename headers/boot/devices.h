/* SPDX-License-Identifier: MIT */
/*
 * The loader's device list: the disks ports register and the partitions
 * found on them, all owned by the loader until devices_cleanup().
 */
#ifndef BOOT_DEVICES_H
#define BOOT_DEVICES_H

#include <stdint.h>

#include <boot/block_device.h>

/*
 * The list, in the order devices were added: disks as the port registered
 * them, then partitions as they were found. Walk it with device->next.
 */
struct block_device *devices_first(void);

/*
 * Make child a device that reads the size bytes at offset of parent, whose
 * range must lie inside parent. Fills every field but name and cookie
 * (cleared) and does not add child to the list. Errors: B_BAD_VALUE.
 */
status_t block_device_init_child(struct block_device *child,
	struct block_device *parent, uint64_t offset, uint64_t size);

/*
 * Append a device (from heap_alloc, its struct block_device at offset 0) to
 * the list; the loader owns it from now on, also when this fails (it is then
 * released and freed at once). Errors: B_BAD_VALUE (no read hook, no size,
 * block size not a power of two, or already listed).
 */
status_t devices_add(struct block_device *device);

/*
 * Release (ops->release) and heap_free every listed device, partitions before
 * the disks they live on, empty the list, then platform_cleanup_devices().
 */
void devices_cleanup(void);

#endif
