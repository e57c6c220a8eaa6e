/* SPDX-License-Identifier: MIT */
/*
 * Host block devices for the tests: pread on an image file, or memcpy from a
 * patched copy, with counters of what was read.
 */
#include "test_disk.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boot/heap.h>

struct test_disk {
	struct block_device		device;
	int						fd;
	uint8_t					*data;
	struct test_disk_stats	stats;
	int						failing;
};


static status_t
test_disk_read(struct block_device *device, uint64_t offset, void *buffer,
	size_t length)
{
	struct test_disk *disk = (struct test_disk *)device;
	/* the loader promised to stay inside the device */
	if (offset > device->size || length > device->size - offset) {
		fprintf(stderr, "test_disk: read past the end of %s\n", device->name);
		abort();
	}
	disk->stats.reads++;
	disk->stats.bytes += length;
	if (disk->failing)
		return B_IO_ERROR;

	if (disk->data != NULL) {
		memcpy(buffer, disk->data + offset, length);
		return B_OK;
	}
	size_t done = 0;
	while (done < length) {
		ssize_t count = pread(disk->fd, (uint8_t *)buffer + done, length - done,
			(off_t)(offset + done));
		if (count <= 0)
			return B_IO_ERROR;
		done += (size_t)count;
	}
	return B_OK;
}


static void
test_disk_release(struct block_device *device)
{
	struct test_disk *disk = (struct test_disk *)device;
	if (disk->fd >= 0)
		close(disk->fd);
	free(disk->data);
	disk->fd = -1;
	disk->data = NULL;
}


static const struct block_device_ops kTestDiskOps = {
	.read = test_disk_read,
	.release = test_disk_release,
};


static struct test_disk *
test_disk_new(uint64_t size, const char *name, uint32_t blockSize, uint32_t flags)
{
	struct test_disk *disk = heap_calloc(1, sizeof(*disk));
	if (disk == NULL)
		abort();
	disk->fd = -1;
	disk->device.ops = &kTestDiskOps;
	disk->device.size = size;
	disk->device.block_size = blockSize;
	disk->device.flags = flags;
	snprintf(disk->device.name, sizeof(disk->device.name), "%s", name);
	return disk;
}


struct block_device *
test_disk_open(const char *path, const char *name, uint32_t blockSize, uint32_t flags)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return NULL;
	}
	struct test_disk *disk = test_disk_new((uint64_t)st.st_size, name, blockSize, flags);
	disk->fd = fd;
	return &disk->device;
}


struct block_device *
test_disk_memory(void *data, size_t size, const char *name, uint32_t blockSize,
	uint32_t flags)
{
	struct test_disk *disk = test_disk_new(size, name, blockSize, flags);
	disk->data = data;
	return &disk->device;
}


struct test_disk_stats
test_disk_stats(const struct block_device *device)
{
	return ((const struct test_disk *)device)->stats;
}


void
test_disk_reset_stats(struct block_device *device)
{
	memset(&((struct test_disk *)device)->stats, 0, sizeof(struct test_disk_stats));
}


void
test_disk_set_failing(struct block_device *device, int failing)
{
	((struct test_disk *)device)->failing = failing;
}


void
test_disk_free(struct block_device *device)
{
	test_disk_release(device);
	heap_free(device);
}
