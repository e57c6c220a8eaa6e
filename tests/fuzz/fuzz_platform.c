/* SPDX-License-Identifier: MIT */
/*
 * The platform side of the storage fuzz targets, and their shared walk.
 */
#include "fuzz_platform.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/block_device.h>
#include <boot/devices.h>
#include <boot/heap.h>
#include <boot/partitions.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/vfs.h>

#include "../support/counted_heap.h"

/* Bounds that keep one run in milliseconds, yet reach every code path. */
#define WALK_MAX_DEPTH		6
#define WALK_MAX_ENTRIES	64
#define WALK_MAX_FILES		48
/* garbage directories full of subdirectories would otherwise explode */
#define WALK_MAX_DIRECTORIES	32
#define WALK_MAX_BYTES		(256 * 1024)
#define WALK_CHUNK			(32 * 1024)

struct fuzz_disk {
	struct block_device	device;
	const uint8_t		*data;
	size_t				data_size;
};

struct walk_state {
	int			directories;
	int			files;
	uint64_t	bytes;
	uint8_t		*buffer;
};

struct walk_listing {
	int				count;
	char			*names[WALK_MAX_ENTRIES];
	struct vfs_stat	stats[WALK_MAX_ENTRIES];
};

static struct block_device *sQueued;


/* --- heap: tests/support/counted_heap.c ------------------------------------ */

void
fuzz_check_heap(void)
{
	long live = counted_heap_live();
	if (live != 0) {
		fprintf(stderr, "fuzz: %ld heap blocks leaked\n", live);
		abort();
	}
}


/* --- output: formatted (so that bad arguments show), then dropped -------- */

void
boot_printf(const char *format, ...)
{
	char buffer[512];
	va_list args;
	va_start(args, format);
	vsnprintf(buffer, sizeof(buffer), format, args);
	va_end(args);
	if (getenv("FUZZ_VERBOSE") != NULL)
		fputs(buffer, stderr);
}


void
boot_dprintf(const char *format, ...)
{
	char buffer[512];
	va_list args;
	va_start(args, format);
	vsnprintf(buffer, sizeof(buffer), format, args);
	va_end(args);
	if (getenv("FUZZ_VERBOSE") != NULL)
		fputs(buffer, stderr);
}


/* --- devices ------------------------------------------------------------- */

static status_t
fuzz_disk_read(struct block_device *device, uint64_t offset, void *buffer,
	size_t length)
{
	struct fuzz_disk *disk = (struct fuzz_disk *)device;
	/* block_device_read promised this */
	if (offset > device->size || length > device->size - offset)
		abort();
	uint8_t *out = buffer;
	size_t inData = 0;
	if (offset < disk->data_size) {
		inData = disk->data_size - offset < length ? disk->data_size - (size_t)offset : length;
		memcpy(out, disk->data + offset, inData);
	}
	memset(out + inData, 0, length - inData);
	return B_OK;
}


static const struct block_device_ops kFuzzDiskOps = {
	.read = fuzz_disk_read,
	.release = NULL,
};


struct block_device *
fuzz_device(const uint8_t *data, size_t size, uint64_t deviceSize, uint32_t blockSize)
{
	struct fuzz_disk *disk = heap_calloc(1, sizeof(*disk));
	if (disk == NULL)
		abort();
	disk->device.ops = &kFuzzDiskOps;
	disk->device.size = deviceSize;
	disk->device.block_size = blockSize;
	snprintf(disk->device.name, sizeof(disk->device.name), "disk0");
	disk->data = data;
	disk->data_size = size;
	return &disk->device;
}


void
fuzz_device_free(struct block_device *device)
{
	heap_free(device);
}


void
fuzz_add_disk(struct block_device *device)
{
	sQueued = device;
}


status_t
platform_add_block_devices(struct stage2_args *args)
{
	if (sQueued == NULL)
		return B_ENTRY_NOT_FOUND;
	status_t status = block_device_register(sQueued);
	sQueued = NULL;
	return status;
}


bool
platform_is_boot_partition(struct stage2_args *args, const struct block_device *disk,
	uint64_t offset)
{
	return offset == 0;
}


struct file_server *
platform_boot_file_server(struct stage2_args *args)
{
	return NULL;
}


void
platform_cleanup_devices(void)
{
}


/* --- the walk ------------------------------------------------------------ */

static bool
walk_collect(void *cookie, const char *name, const struct vfs_stat *stat)
{
	struct walk_listing *listing = cookie;
	if (name[0] == '\0' || strchr(name, '/') != NULL)
		abort();
	listing->names[listing->count] = strdup(name);
	listing->stats[listing->count] = *stat;
	listing->count++;
	return listing->count < WALK_MAX_ENTRIES;
}


static void
walk_file(struct walk_state *state, const char *path)
{
	char error[VFS_ERROR_SIZE];
	error[0] = '\0';
	struct vfs_file *file;
	status_t status = vfs_open(path, &file, error, sizeof(error));
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "walk: %s: %s\n", path, status == B_OK ? "open" : error);
	if (status != B_OK) {
		if (error[0] == '\0')
			abort();
		return;
	}
	/* not compared with the listing: a hostile directory can hold two "A"s */
	struct vfs_stat stat;
	vfs_file_stat(file, &stat);

	for (uint64_t offset = 0; offset < stat.size && state->bytes < WALK_MAX_BYTES;
			offset += WALK_CHUNK) {
		size_t bytesRead;
		error[0] = '\0';
		status = vfs_read(file, offset, state->buffer, WALK_CHUNK, &bytesRead, error,
			sizeof(error));
		if (status != B_OK) {
			if (error[0] == '\0')
				abort();
			break;
		}
		uint64_t left = stat.size - offset;
		if (bytesRead != (left < WALK_CHUNK ? left : WALK_CHUNK))
			abort();
		state->bytes += bytesRead;
	}
	vfs_close(file);
}


static void
walk_directory(struct walk_state *state, const char *path, int depth)
{
	struct walk_listing *listing = calloc(1, sizeof(*listing));
	char error[VFS_ERROR_SIZE];
	error[0] = '\0';
	status_t status = vfs_list_directory(path, walk_collect, listing, error, sizeof(error));
	if (status != B_OK && error[0] == '\0')
		abort();

	size_t pathLength = strlen(path);
	for (int i = 0; i < listing->count; i++) {
		char child[VFS_PATH_LENGTH + VFS_NAME_SIZE + 2];
		snprintf(child, sizeof(child), "%s%s%s", path,
			path[pathLength - 1] == '/' ? "" : "/", listing->names[i]);
		if (listing->stats[i].type == VFS_DIRECTORY) {
			if (depth < WALK_MAX_DEPTH && state->directories < WALK_MAX_DIRECTORIES) {
				state->directories++;
				walk_directory(state, child, depth + 1);
			}
		} else if (state->files < WALK_MAX_FILES) {
			state->files++;
			walk_file(state, child);
		}
		free(listing->names[i]);
	}
	free(listing);
}


void
fuzz_walk_volume(const char *prefix)
{
	struct walk_state state = { 0, 0, 0, malloc(WALK_CHUNK) };
	char root[64];
	snprintf(root, sizeof(root), "%s/", prefix);
	walk_directory(&state, root, 0);
	free(state.buffer);
}


void
fuzz_mount_and_walk(struct block_device *device)
{
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
}


status_t
fuzz_check_partition(void *cookie, struct block_device *disk,
	const struct partition_info *info)
{
	if (info->size == 0 || info->offset > disk->size
		|| info->size > disk->size - info->offset || info->index == 0
		|| info->name[PARTITION_NAME_SIZE - 1] != '\0')
		abort();
	if (info->offset % disk->block_size != 0 || info->size % disk->block_size != 0)
		abort();
	return B_OK;
}


void
fuzz_scan_partitions(struct block_device *disk)
{
	enum partition_scheme scheme;
	if (block_device_register(disk) != B_OK)
		abort();
	partitions_scan(disk, &scheme);
	for (struct block_device *device = devices_first(); device != NULL;
			device = device->next) {
		if (device == disk)
			continue;
		if (partition_of(device) == NULL || device->parent != disk)
			abort();
		uint8_t byte;
		if (block_device_read(device, 0, &byte, 1) != B_OK
			|| block_device_read(device, device->size - 1, &byte, 1) != B_OK
			|| block_device_read(device, device->size, &byte, 1) != B_BAD_VALUE)
			abort();
	}
	devices_cleanup();
}
