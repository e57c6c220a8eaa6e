/* SPDX-License-Identifier: MIT */
/*
 * What the storage fuzz targets share: the platform hooks the storage code
 * needs (a malloc heap so that ASan sees every block, silent output), a
 * block device over the fuzz input, and a bounded walk over a volume.
 */
#ifndef FUZZ_PLATFORM_H
#define FUZZ_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include <boot/status.h>

struct block_device;
struct partition_info;

/*
 * A device of deviceSize bytes whose first size bytes are data and the rest
 * zeros (a sparse image: a big file system's metadata fits a small input).
 * Not in the device list; free it with fuzz_device_free.
 */
struct block_device *fuzz_device(const uint8_t *data, size_t size, uint64_t deviceSize,
	uint32_t blockSize);
void fuzz_device_free(struct block_device *device);

/* Queue a device for platform_add_block_devices (which then owns it). */
void fuzz_add_disk(struct block_device *device);

/*
 * List the volume at prefix ("(vol0)") recursively and read every file,
 * within fixed bounds of depth, entries and bytes; abort on any broken
 * promise of the VFS (a read past the end, a failure without a message).
 */
void fuzz_walk_volume(const char *prefix);

/*
 * What each file system target does with its device: mount it as the boot
 * volume, walk it (fuzz_walk_volume) when it mounts and insist on a
 * message when it does not, then unmount, free the device and check the
 * heap.
 */
void fuzz_mount_and_walk(struct block_device *device);

/*
 * A partition_scan callback that aborts when a partition leaves the disk,
 * is not block aligned or has an unterminated name.
 */
status_t fuzz_check_partition(void *cookie, struct block_device *disk,
	const struct partition_info *info);

/*
 * Register disk, find its partitions through partitions_scan and the device
 * list, check that each partition device reads its first and last byte and
 * refuses the one past the end, then clean the devices up.
 */
void fuzz_scan_partitions(struct block_device *disk);

/* Abort unless every heap block has been freed. */
void fuzz_check_heap(void);

#endif
