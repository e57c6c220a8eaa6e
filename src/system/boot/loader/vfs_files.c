/* SPDX-License-Identifier: MIT */
/*
 * The VFS's file side: paths with an optional "(volume)" prefix, lookups
 * across volumes, reading, listing, and files mounted as volumes.
 */
#include <boot/vfs.h>

#include <stdio.h>
#include <string.h>

#include <boot/block_device.h>
#include <boot/heap.h>
#include <boot/stdio.h>

#include "vfs_private.h"


struct vfs_file {
	struct vfs_volume	*volume;
	void				*node;
	struct vfs_stat		stat;
	char				path[VFS_PATH_LENGTH + 1];	/* as opened, for messages */
};

/* A file seen as a block device, so that any file system can mount it. */
struct vfs_file_device {
	struct block_device	device;
	struct vfs_file		*file;
};

static uint32_t sFileDeviceCount;


/*
 * Split path into its volume (NULL: search them all) and the absolute path
 * on it, normalised: no empty, "." or ".." components, no trailing slash.
 */
static status_t
vfs_parse_path(const char *path, struct vfs_volume **_volume, char *normalized,
	char *error, size_t errorSize)
{
	if (path == NULL) {
		vfs_format_error(error, errorSize, NULL, NULL, "no path given");
		return B_BAD_VALUE;
	}
	size_t pathLength = strnlen(path, VFS_PATH_LENGTH + 1);
	if (pathLength > VFS_PATH_LENGTH) {
		vfs_format_error(error, errorSize, NULL, NULL, "path longer than %d bytes",
			VFS_PATH_LENGTH);
		return B_NAME_TOO_LONG;
	}

	const char *rest = path;
	*_volume = NULL;
	if (path[0] == '(') {
		const char *close = strchr(path, ')');
		if (close == NULL) {
			vfs_format_error(error, errorSize, NULL, path, "missing ')'");
			return B_BAD_VALUE;
		}
		*_volume = vfs_find_volume_spec(path + 1, (size_t)(close - path - 1));
		if (*_volume == NULL) {
			vfs_format_error(error, errorSize, NULL, path, "no volume %.*s",
				(int)(close - path - 1), path + 1);
			return B_ENTRY_NOT_FOUND;
		}
		rest = close + 1;
		if (rest[0] != '\0' && rest[0] != '/') {
			vfs_format_error(error, errorSize, NULL, path, "'/' must follow the volume");
			return B_BAD_VALUE;
		}
	} else if (path[0] != '/') {
		vfs_format_error(error, errorSize, NULL, path,
			"a path starts with '/' or '(volume)'");
		return B_BAD_VALUE;
	}

	size_t length = 0;
	const char *component = rest;
	while (*component != '\0') {
		while (*component == '/')
			component++;
		const char *end = component;
		while (*end != '/' && *end != '\0')
			end++;
		size_t componentLength = (size_t)(end - component);
		if (componentLength == 0 || (componentLength == 1 && component[0] == '.')) {
			/* nothing to add */
		} else if (componentLength == 2 && component[0] == '.' && component[1] == '.') {
			while (length > 0 && normalized[length - 1] != '/')
				length--;
			if (length > 0)
				length--;
		} else if (componentLength >= VFS_NAME_SIZE) {
			vfs_format_error(error, errorSize, NULL, path, "name too long");
			return B_NAME_TOO_LONG;
		} else {
			/* never longer than the path itself */
			normalized[length++] = '/';
			memcpy(normalized + length, component, componentLength);
			length += componentLength;
		}
		component = end;
	}
	normalized[length] = '\0';
	return B_OK;
}


static void
vfs_put(struct vfs_volume *volume, void *node)
{
	if (node != volume->root)
		volume->ops->put_node(&volume->fs, node);
}


/* Look normalized up on volume; the node must be put with vfs_put. */
static status_t
vfs_lookup(struct vfs_volume *volume, const char *normalized, void **_node)
{
	char name[VFS_NAME_SIZE];
	void *node = volume->root;
	volume->fs.reason[0] = '\0';

	const char *component = normalized;
	if (volume->ops->whole_paths && *component == '/')
		return volume->ops->lookup(&volume->fs, volume->root, component + 1, _node);
	while (*component == '/') {
		component++;
		const char *end = strchr(component, '/');
		size_t length = end != NULL ? (size_t)(end - component) : strlen(component);

		struct vfs_stat stat;
		volume->ops->stat(&volume->fs, node, &stat);
		if (stat.type != VFS_DIRECTORY) {
			vfs_put(volume, node);
			snprintf(volume->fs.reason, sizeof(volume->fs.reason),
				"a path component is not a directory");
			return B_BAD_VALUE;
		}

		memcpy(name, component, length);
		name[length] = '\0';
		void *child;
		status_t status = volume->ops->lookup(&volume->fs, node, name, &child);
		vfs_put(volume, node);
		if (status != B_OK)
			return status;
		node = child;
		component += length;
	}
	*_node = node;
	return B_OK;
}


static status_t
vfs_search(const char *path, const char *normalized, struct vfs_volume **_volume,
	void **_node, char *error, size_t errorSize)
{
	status_t firstError = B_OK;
	uint32_t count = vfs_volume_count();
	struct vfs_volume *boot = vfs_boot_volume();
	for (uint32_t i = 0; i <= count; i++) {
		/* the boot volume first, then all others in order */
		struct vfs_volume *volume = i == 0 ? boot : vfs_volume_at(i - 1);
		if (volume == NULL || (i > 0 && volume == boot))
			continue;

		status_t status = vfs_lookup(volume, normalized, _node);
		if (status == B_OK) {
			*_volume = volume;
			return B_OK;
		}
		/* a path through a file is just as absent as a missing one */
		if (status == B_ENTRY_NOT_FOUND || status == B_BAD_VALUE)
			continue;
		/* a damaged volume: remember why, but another one may have the file */
		if (firstError == B_OK) {
			firstError = status;
			vfs_format_error(error, errorSize, volume, path, "%s",
				vfs_reason(volume, status));
		}
	}

	if (firstError != B_OK)
		return firstError;
	/* What the menu shows has to say why, when a damaged volume is the likely reason. */
	uint32_t damageCount;
	const char *damage = vfs_scan_damage(&damageCount);
	const char *absent = count == 0 ? "no volumes" : "not found on any volume";
	if (damage == NULL)
		vfs_format_error(error, errorSize, NULL, path, "%s", absent);
	else if (damageCount == 1)
		vfs_format_error(error, errorSize, NULL, path, "%s; damaged: %s", absent, damage);
	else {
		vfs_format_error(error, errorSize, NULL, path, "%s; damaged: %s (and %u more)",
			absent, damage, damageCount - 1);
	}
	return B_ENTRY_NOT_FOUND;
}


status_t
vfs_open(const char *path, struct vfs_file **_file, char *error, size_t errorSize)
{
	char normalized[VFS_PATH_LENGTH + 1];
	struct vfs_volume *volume;
	status_t status = vfs_parse_path(path, &volume, normalized, error, errorSize);
	if (status != B_OK)
		return status;

	void *node;
	if (volume != NULL) {
		status = vfs_lookup(volume, normalized, &node);
		if (status != B_OK) {
			vfs_format_error(error, errorSize, volume, path, "%s",
				vfs_reason(volume, status));
			return status;
		}
	} else {
		status = vfs_search(path, normalized, &volume, &node, error, errorSize);
		if (status != B_OK)
			return status;
	}

	struct vfs_file *file = heap_alloc(sizeof(*file));
	if (file == NULL) {
		vfs_put(volume, node);
		vfs_format_error(error, errorSize, volume, path, "out of memory");
		return B_NO_MEMORY;
	}
	file->volume = volume;
	file->node = node;
	volume->ops->stat(&volume->fs, node, &file->stat);
	snprintf(file->path, sizeof(file->path), "%s", path);
	vfs_file_opened();
	*_file = file;
	return B_OK;
}


void
vfs_close(struct vfs_file *file)
{
	if (file == NULL)
		return;
	vfs_put(file->volume, file->node);
	heap_free(file);
	vfs_file_closed();
}


void
vfs_file_stat(const struct vfs_file *file, struct vfs_stat *stat)
{
	*stat = file->stat;
}


struct vfs_volume *
vfs_file_volume(const struct vfs_file *file)
{
	return file->volume;
}


status_t
vfs_read(struct vfs_file *file, uint64_t offset, void *buffer, size_t length,
	size_t *_bytesRead, char *error, size_t errorSize)
{
	struct vfs_volume *volume = file->volume;
	*_bytesRead = 0;
	if (file->stat.type == VFS_DIRECTORY) {
		vfs_format_error(error, errorSize, volume, file->path, "is a directory");
		return B_BAD_VALUE;
	}

	volume->fs.reason[0] = '\0';
	status_t status = volume->ops->read(&volume->fs, file->node, offset, buffer, length,
		_bytesRead);
	if (status != B_OK) {
		vfs_format_error(error, errorSize, volume, file->path, "%s",
			vfs_reason(volume, status));
	}
	return status;
}


status_t
vfs_stat(const char *path, struct vfs_stat *stat, char *error, size_t errorSize)
{
	struct vfs_file *file;
	status_t status = vfs_open(path, &file, error, errorSize);
	if (status != B_OK)
		return status;
	*stat = file->stat;
	vfs_close(file);
	return B_OK;
}


status_t
vfs_list_directory(const char *path, vfs_dir_hook hook, void *cookie, char *error,
	size_t errorSize)
{
	struct vfs_file *file;
	status_t status = vfs_open(path, &file, error, errorSize);
	if (status != B_OK)
		return status;

	struct vfs_volume *volume = file->volume;
	if (file->stat.type != VFS_DIRECTORY) {
		vfs_format_error(error, errorSize, volume, path, "not a directory");
		vfs_close(file);
		return B_BAD_VALUE;
	}
	volume->fs.reason[0] = '\0';
	status = volume->ops->read_dir(&volume->fs, file->node, hook, cookie);
	if (status != B_OK)
		vfs_format_error(error, errorSize, volume, path, "%s", vfs_reason(volume, status));
	vfs_close(file);
	return status;
}


status_t
vfs_open_regular(const char *path, struct vfs_file **_file, uint64_t *_size, char *error,
	size_t errorSize)
{
	struct vfs_file *file;
	status_t status = vfs_open(path, &file, error, errorSize);
	if (status != B_OK)
		return status;
	if (file->stat.type == VFS_DIRECTORY) {
		vfs_format_error(error, errorSize, file->volume, path, "is a directory");
		vfs_close(file);
		return B_BAD_VALUE;
	}
	*_file = file;
	*_size = file->stat.size;
	return B_OK;
}


status_t
vfs_read_exact(struct vfs_file *file, uint64_t offset, void *buffer, size_t length,
	char *error, size_t errorSize)
{
	size_t bytesRead;
	status_t status = vfs_read(file, offset, buffer, length, &bytesRead, error, errorSize);
	if (status == B_OK && bytesRead != length) {
		vfs_format_error(error, errorSize, file->volume, file->path,
			"read %zu of %zu bytes", bytesRead, length);
		status = B_IO_ERROR;
	}
	return status;
}


/* The whole of an open file in a buffer from heap_alloc, if at most maxSize bytes. */
static status_t
vfs_read_whole(struct vfs_file *file, uint64_t maxSize, void **_data, size_t *_size,
	char *error, size_t errorSize)
{
	uint64_t fileSize = file->stat.size;
	if (fileSize > maxSize) {
		vfs_format_error(error, errorSize, file->volume, file->path,
			"larger than %llu KiB, the most it may be", (unsigned long long)(maxSize >> 10));
		return B_BAD_DATA;
	}
	if (fileSize > SIZE_MAX) {
		vfs_format_error(error, errorSize, file->volume, file->path, "too large to load");
		return B_NO_MEMORY;
	}

	size_t size = (size_t)fileSize;
	void *data = heap_alloc(size);
	if (data == NULL) {
		vfs_format_error(error, errorSize, file->volume, file->path,
			"out of memory (%zu bytes)", size);
		return B_NO_MEMORY;
	}
	status_t status = vfs_read_exact(file, 0, data, size, error, errorSize);
	if (status != B_OK) {
		heap_free(data);
		return status;
	}
	*_data = data;
	*_size = size;
	return B_OK;
}


status_t
vfs_load_file_limited(const char *path, uint64_t maxSize, void **_data, size_t *_size,
	struct vfs_volume **_volume, char *error, size_t errorSize)
{
	struct vfs_file *file;
	uint64_t fileSize;
	status_t status = vfs_open_regular(path, &file, &fileSize, error, errorSize);
	if (status != B_OK)
		return status;
	status = vfs_read_whole(file, maxSize, _data, _size, error, errorSize);
	if (_volume != NULL)
		*_volume = vfs_file_volume(file);
	vfs_close(file);
	return status;
}


status_t
vfs_load_file(const char *path, void **_data, size_t *_size, char *error,
	size_t errorSize)
{
	return vfs_load_file_limited(path, UINT64_MAX, _data, _size, NULL, error, errorSize);
}


/* --- files as volumes --------------------------------------------------- */


void
vfs_files_reset(void)
{
	sFileDeviceCount = 0;
}


static status_t
vfs_file_device_read(struct block_device *device, uint64_t offset, void *buffer,
	size_t length)
{
	struct vfs_file_device *fileDevice = (struct vfs_file_device *)device;
	size_t bytesRead;
	status_t status = vfs_read(fileDevice->file, offset, buffer, length, &bytesRead,
		NULL, 0);
	if (status != B_OK)
		return status;
	return bytesRead == length ? B_OK : B_IO_ERROR;
}


static const struct block_device_ops kFileDeviceOps = {
	.read = vfs_file_device_read,
	.release = NULL,
};


status_t
vfs_mount_file(const char *path, struct vfs_volume **_volume, char *error,
	size_t errorSize)
{
	struct vfs_file *file;
	status_t status = vfs_open(path, &file, error, errorSize);
	if (status != B_OK)
		return status;
	if (file->stat.type == VFS_DIRECTORY || file->stat.size == 0) {
		vfs_format_error(error, errorSize, file->volume, path, "%s",
			file->stat.type == VFS_DIRECTORY ? "is a directory" : "is empty");
		vfs_close(file);
		return B_BAD_VALUE;
	}

	struct vfs_file_device *fileDevice = heap_calloc(1, sizeof(*fileDevice));
	if (fileDevice == NULL) {
		vfs_format_error(error, errorSize, file->volume, path, "out of memory");
		vfs_close(file);
		return B_NO_MEMORY;
	}
	fileDevice->file = file;
	struct block_device *device = &fileDevice->device;
	device->ops = &kFileDeviceOps;
	device->size = file->stat.size;
	device->block_size = 512;
	snprintf(device->name, sizeof(device->name), "file%u", sFileDeviceCount++);

	char mountError[VFS_ERROR_SIZE];
	struct vfs_volume *volume;
	status = vfs_mount_device(device, false, &volume, mountError, sizeof(mountError));
	if (status != B_OK) {
		vfs_format_error(error, errorSize, file->volume, path, "%s", mountError);
		vfs_close(file);
		heap_free(fileDevice);
		return status;
	}
	volume->source = file;
	volume->owns_device = true;
	boot_dprintf("vfs: vol%u: %s is %s, %s %s, label \"%s\"\n", volume->index,
		device->name, path, volume->ops->name, volume->fs.detail, volume->fs.label);
	if (_volume != NULL)
		*_volume = volume;
	return B_OK;
}
