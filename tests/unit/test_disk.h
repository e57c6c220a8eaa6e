/* SPDX-License-Identifier: MIT */
/*
 * Host block devices for the partition, file system and VFS tests: image
 * files read with pread, or bytes in memory that a test has patched.
 */
#ifndef TEST_DISK_H
#define TEST_DISK_H

#include <stddef.h>
#include <stdint.h>

#include <boot/block_device.h>

struct test_disk_stats {
	uint64_t	reads;
	uint64_t	bytes;
};

/*
 * A disk over the image file at path; NULL when it cannot be opened. It comes
 * from heap_alloc, as block_device_register() wants; call test_disk_free()
 * for disks that were never registered.
 */
struct block_device *test_disk_open(const char *path, const char *name,
	uint32_t blockSize, uint32_t flags);

/* A disk over data (from malloc; the disk frees it on release). */
struct block_device *test_disk_memory(void *data, size_t size, const char *name,
	uint32_t blockSize, uint32_t flags);

/* Reads the device served since it was made or the stats were reset. */
struct test_disk_stats test_disk_stats(const struct block_device *device);
void test_disk_reset_stats(struct block_device *device);

/* Make every read of the device fail with B_IO_ERROR (or work again). */
void test_disk_set_failing(struct block_device *device, int failing);

void test_disk_free(struct block_device *device);

#endif
