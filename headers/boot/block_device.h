/* SPDX-License-Identifier: MIT */
/*
 * Block devices: what a port hands the generic loader, and what partitions
 * and file systems read from.
 */
#ifndef BOOT_BLOCK_DEVICE_H
#define BOOT_BLOCK_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include <boot/status.h>

struct block_device;

struct block_device_ops {
	/*
	 * Read exactly length bytes at byte offset into buffer (any alignment,
	 * any length); the caller has checked offset + length <= size.
	 * Errors: B_IO_ERROR, B_NO_MEMORY.
	 */
	status_t (*read)(struct block_device *device, uint64_t offset,
		void *buffer, size_t length);
	/* Release what the owner attached to cookie; may be NULL. */
	void (*release)(struct block_device *device);
};

/* block_device.flags */
#define BLOCK_DEVICE_BOOT_DISK	0x1		/* the disk the loader was started from */

#define BLOCK_DEVICE_NAME_LENGTH	32

struct block_device {
	const struct block_device_ops	*ops;
	uint64_t		size;				/* bytes */
	uint32_t		block_size;			/* the device's natural unit, a power of two */
	uint32_t		flags;
	char			name[BLOCK_DEVICE_NAME_LENGTH];	/* "disk0", "disk0p2": for messages */
	void			*cookie;			/* the owner's */
	struct block_device	*parent;		/* the disk of a partition, else NULL */
	uint64_t		parent_offset;		/* where a partition starts on its disk */
	struct block_device	*next;			/* the device list */
};

/*
 * Bounds-checked read: B_BAD_VALUE when [offset, offset + length) is not
 * inside the device (or wraps), else whatever the device returns.
 */
status_t block_device_read(struct block_device *device, uint64_t offset,
	void *buffer, size_t length);

/*
 * Add a whole disk to the loader's list; the loader owns it from now on, even
 * when this fails, and frees it (after ops->release) with heap_free when
 * devices are cleaned up. It must come from heap_alloc.
 * Called by ports from platform_add_block_devices().
 */
status_t block_device_register(struct block_device *device);

#endif
