/* SPDX-License-Identifier: MIT */
/*
 * Block devices backed by disk image files.
 */
#include "host_platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boot/block_device.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stdio.h>

#define IMAGE_BLOCK_SIZE	512
#define LARGE_BLOCK_SIZE	4096
#define GPT_SIGNATURE		"EFI PART"


/* A disk's cookie: the image file, open, and its name. */
struct host_image {
	int			fd;
	const char	*path;				/* gHostOptions' */
};


static status_t
image_read(struct block_device *device, uint64_t offset, void *buffer,
	size_t length)
{
	int fd = ((struct host_image *)device->cookie)->fd;
	uint8_t *bytes = buffer;
	while (length > 0) {
		ssize_t done = pread(fd, bytes, length, (off_t)offset);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return B_IO_ERROR;
		bytes += done;
		offset += (uint64_t)done;
		length -= (size_t)done;
	}
	return B_OK;
}


static void
image_release(struct block_device *device)
{
	struct host_image *image = device->cookie;
	close(image->fd);
	heap_free(image);
}


static const struct block_device_ops kImageOps = {
	.read = image_read,
	.release = image_release,
};


/*
 * A disk image does not say its sector size; its GPT does, by where the
 * header is: LBA 1 is byte 4096 on a 4Kn disk. Anything else is taken as
 * 512-byte sectors (an MBR disk of 4 KiB sectors needs --block-size).
 */
static uint32_t
host_guess_block_size(int fd)
{
	char signature[sizeof(GPT_SIGNATURE) - 1];
	if (pread(fd, signature, sizeof(signature), IMAGE_BLOCK_SIZE) == sizeof(signature)
			&& memcmp(signature, GPT_SIGNATURE, sizeof(signature)) == 0)
		return IMAGE_BLOCK_SIZE;
	if (pread(fd, signature, sizeof(signature), LARGE_BLOCK_SIZE) == sizeof(signature)
			&& memcmp(signature, GPT_SIGNATURE, sizeof(signature)) == 0)
		return LARGE_BLOCK_SIZE;
	return IMAGE_BLOCK_SIZE;
}


static status_t
host_add_image(const char *path, uint32_t blockSize, int index)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat info;
	if (fd < 0 || fstat(fd, &info) != 0) {
		boot_printf("host: cannot open disk image %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return B_ENTRY_NOT_FOUND;
	}

	struct block_device *device = heap_calloc(1, sizeof(*device));
	struct host_image *image = heap_alloc(sizeof(*image));
	if (device == NULL || image == NULL) {
		boot_printf("host: no memory for disk image %s\n", path);
		heap_free(device);
		heap_free(image);
		close(fd);
		return B_NO_MEMORY;
	}
	image->fd = fd;
	image->path = path;
	device->ops = &kImageOps;
	device->size = (uint64_t)info.st_size;
	device->block_size = blockSize != 0 ? blockSize : host_guess_block_size(fd);
	device->flags = index == 0 ? BLOCK_DEVICE_BOOT_DISK : 0;
	device->cookie = image;
	snprintf(device->name, sizeof(device->name), "disk%d", index);

	/* From here on the device is the loader's, even when this fails. */
	status_t status = block_device_register(device);
	if (status != B_OK)
		return status;
	boot_dprintf("host: %s is %s, %llu bytes in %u-byte blocks\n", device->name, path,
		(unsigned long long)device->size, device->block_size);
	return B_OK;
}


status_t
platform_add_block_devices(struct stage2_args *args)
{
	int added = 0;
	status_t failure = B_ENTRY_NOT_FOUND;
	for (int i = 0; i < gHostOptions.image_count; i++) {
		status_t status = host_add_image(gHostOptions.images[i],
			gHostOptions.block_sizes[i], i);
		if (status == B_OK)
			added++;
		else
			failure = status;
	}
	/* With no disk at all, why the last one failed is the useful answer. */
	return added > 0 ? B_OK : failure;
}


const char *
host_disk_image_path(const struct block_device *disk)
{
	return disk->ops == &kImageOps ? ((const struct host_image *)disk->cookie)->path : NULL;
}


/* A disk image carries no trace of which partition "the firmware" chose. */
bool
platform_is_boot_partition(struct stage2_args *args,
	const struct block_device *disk, uint64_t offset)
{
	return false;
}


void
platform_cleanup_devices(void)
{
}
