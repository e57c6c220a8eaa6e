/* SPDX-License-Identifier: MIT */
/*
 * The VFS: volumes on the loader's devices, path lookup across them, and the
 * messages that say which volume, which path and what went wrong.
 */
#include <boot/vfs.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <boot/block_device.h>
#include <boot/devices.h>
#include <boot/file_server.h>
#include <boot/file_system.h>
#include <boot/heap.h>
#include <boot/partitions.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/unicode.h>

#include "vfs_private.h"


/* Paths longer than this are shortened in messages. */
#define VFS_ERROR_PATH_LENGTH	96

static const struct file_system_ops *const kFileSystems[] = {
	&gFatFileSystem,
	/* before tar: an ISO image's system area of zeros is an empty archive */
	&gIso9660FileSystem,
	&gTarFileSystem,
};
static const size_t kFileSystemCount = sizeof(kFileSystems) / sizeof(kFileSystems[0]);
/* what a disk with partitions may hold besides them */
static const struct file_system_ops *const kWholeDiskFileSystem = &gIso9660FileSystem;

static struct vfs_volume **sVolumes;
static uint32_t sVolumeCount;
static uint32_t sVolumeCapacity;
static struct vfs_volume *sBootVolume;
/* vfs_note_write() calls: what a file system kept from before is stale. */
static uint32_t sWrites;
static bool sInitialized;
/* what vfs_scan_damage() reports */
static char sDamage[VFS_ERROR_SIZE];
static uint32_t sDamageCount;
static uint32_t sOpenFiles;


void
fs_set_reason(struct fs_volume *volume, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(volume->reason, sizeof(volume->reason), format, args);
	va_end(args);
}


status_t
fs_read_run(struct fs_volume *volume, uint64_t start, uint64_t size, uint64_t offset,
	void *buffer, size_t length, size_t *_bytesRead)
{
	*_bytesRead = 0;
	if (offset >= size)
		return B_OK;
	if (length > size - offset)
		length = (size_t)(size - offset);
	status_t status = block_device_read(volume->device, start + offset, buffer, length);
	if (status != B_OK) {
		fs_set_reason(volume, "cannot read the file: %s", status_string(status));
		return status;
	}
	*_bytesRead = length;
	return B_OK;
}


void
vfs_format_error(char *error, size_t errorSize, const struct vfs_volume *volume,
	const char *path, const char *format, ...)
{
	if (error == NULL || errorSize == 0)
		return;

	size_t length = 0;
	if (volume != NULL) {
		char name[VFS_ERROR_SIZE];
		vfs_volume_display_name(volume, name, sizeof(name));
		length = (size_t)snprintf(error, errorSize, "%s: ", name);
	}
	if (path != NULL && length < errorSize) {
		/* keep both ends of a long path, whole characters, and room for the reason */
		size_t pathLength = strlen(path);
		if (pathLength > VFS_ERROR_PATH_LENGTH) {
			const char *tail = path + pathLength - VFS_ERROR_PATH_LENGTH / 2;
			while (((uint8_t)*tail & 0xc0) == 0x80)
				tail++;
			length += (size_t)snprintf(error + length, errorSize - length, "%.*s...%s: ",
				(int)unicode_utf8_prefix_length(path, VFS_ERROR_PATH_LENGTH / 2), path, tail);
		} else
			length += (size_t)snprintf(error + length, errorSize - length, "%s: ", path);
	}
	if (length < errorSize) {
		va_list args;
		va_start(args, format);
		vsnprintf(error + length, errorSize - length, format, args);
		va_end(args);
	}
}


void
vfs_volume_display_name(const struct vfs_volume *volume, char *buffer, size_t size)
{
	struct vfs_volume_info info;
	vfs_volume_get_info(volume, &info);
	const char *label = info.label[0] != '\0' ? info.label : info.partition_name;
	if (label[0] != '\0')
		snprintf(buffer, size, "%s (%s)", info.device_name, label);
	else
		snprintf(buffer, size, "%s", info.device_name);
}


/* The reason an operation on volume failed: the file system's, else the status. */
const char *
vfs_reason(const struct vfs_volume *volume, status_t status)
{
	if (volume != NULL && volume->fs.reason[0] != '\0')
		return volume->fs.reason;
	return status_string(status);
}


/* --- volumes ------------------------------------------------------------ */


uint32_t
vfs_volume_count(void)
{
	return sVolumeCount;
}


struct vfs_volume *
vfs_volume_at(uint32_t index)
{
	return index < sVolumeCount ? sVolumes[index] : NULL;
}


void
vfs_note_write(void)
{
	sWrites++;
}


uint32_t
vfs_writes(void)
{
	return sWrites;
}


struct vfs_volume *
vfs_boot_volume(void)
{
	return sBootVolume;
}


void
vfs_set_boot_volume(struct vfs_volume *volume)
{
	sBootVolume = volume;
}


void
vfs_volume_get_info(const struct vfs_volume *volume, struct vfs_volume_info *info)
{
	memset(info, 0, sizeof(*info));
	info->index = volume->index;
	info->device_name = volume->device->name;
	info->fs_name = volume->ops->name;
	info->fs_detail = volume->fs.detail;
	info->label = volume->fs.label;
	info->partition_name = "";
	info->size = volume->device->size;
	info->boot = volume == sBootVolume;
	info->device = volume->device;

	const struct partition *partition = partition_of(volume->device);
	if (partition != NULL) {
		info->partition_name = partition->info.name;
		if (partition->info.scheme == PARTITION_SCHEME_GPT) {
			info->has_guid = true;
			memcpy(info->guid, partition->info.unique_guid, sizeof(info->guid));
		}
	}
}


static bool
vfs_equal_ignoring_case(const char *a, size_t aLength, const char *b)
{
	size_t bLength = strlen(b);
	if (aLength != bLength)
		return false;
	for (size_t i = 0; i < aLength; i++) {
		char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] - 'A' + 'a') : a[i];
		char y = b[i] >= 'A' && b[i] <= 'Z' ? (char)(b[i] - 'A' + 'a') : b[i];
		if (x != y)
			return false;
	}
	return true;
}


static bool
vfs_volume_matches(const struct vfs_volume *volume, const char *spec, size_t length)
{
	struct vfs_volume_info info;
	vfs_volume_get_info(volume, &info);

	if (length > 6 && strncmp(spec, "label=", 6) == 0) {
		return (info.label[0] != '\0'
				&& vfs_equal_ignoring_case(spec + 6, length - 6, info.label))
			|| (info.partition_name[0] != '\0'
				&& vfs_equal_ignoring_case(spec + 6, length - 6, info.partition_name));
	}
	if (length > 5 && strncmp(spec, "guid=", 5) == 0) {
		uint8_t guid[16];
		return info.has_guid && guid_parse(spec + 5, length - 5, guid)
			&& memcmp(guid, info.guid, sizeof(guid)) == 0;
	}
	if (length > 3 && strncmp(spec, "vol", 3) == 0 && spec[3] >= '0' && spec[3] <= '9') {
		uint64_t index = 0;
		size_t i = 3;
		for (; i < length && spec[i] >= '0' && spec[i] <= '9' && index <= UINT32_MAX; i++)
			index = index * 10 + (uint64_t)(spec[i] - '0');
		if (i == length)
			return index == info.index;
	}
	return strlen(info.device_name) == length
		&& strncmp(spec, info.device_name, length) == 0;
}


struct vfs_volume *
vfs_find_volume_spec(const char *spec, size_t length)
{
	for (uint32_t i = 0; i < sVolumeCount; i++) {
		if (vfs_volume_matches(sVolumes[i], spec, length))
			return sVolumes[i];
	}
	return NULL;
}


status_t
vfs_find_volume(const char *spec, struct vfs_volume **_volume)
{
	if (spec == NULL)
		return B_BAD_VALUE;
	struct vfs_volume *volume = vfs_find_volume_spec(spec, strlen(spec));
	if (volume == NULL)
		return B_ENTRY_NOT_FOUND;
	*_volume = volume;
	return B_OK;
}


static status_t
vfs_add_volume(struct vfs_volume *volume)
{
	if (sVolumeCount == sVolumeCapacity) {
		uint32_t capacity = sVolumeCapacity == 0 ? 8 : sVolumeCapacity * 2;
		struct vfs_volume **volumes = heap_realloc(sVolumes, capacity * sizeof(*volumes));
		if (volumes == NULL)
			return B_NO_MEMORY;
		sVolumes = volumes;
		sVolumeCapacity = capacity;
	}
	volume->index = sVolumeCount;
	sVolumes[sVolumeCount++] = volume;
	return B_OK;
}


status_t
vfs_mount_as(struct block_device *device, const struct file_system_ops *const *systems,
	size_t count, bool boot, struct vfs_volume **_volume, char *error, size_t errorSize)
{
	struct vfs_volume *volume = heap_calloc(1, sizeof(*volume));
	if (volume == NULL) {
		vfs_format_error(error, errorSize, NULL, device->name, "out of memory");
		return B_NO_MEMORY;
	}
	volume->device = device;

	status_t status = B_NOT_SUPPORTED;
	for (size_t i = 0; i < count; i++) {
		memset(&volume->fs, 0, sizeof(volume->fs));
		volume->fs.device = device;
		volume->ops = systems[i];
		status = volume->ops->mount(&volume->fs, &volume->root);
		if (status == B_OK)
			break;
		if (status != B_NOT_SUPPORTED) {
			/* it is this file system, but a broken one: no point asking others */
			vfs_format_error(error, errorSize, NULL, device->name, "%s: %s",
				volume->ops->name, vfs_reason(volume, status));
			heap_free(volume);
			return status;
		}
	}
	if (status != B_OK) {
		vfs_format_error(error, errorSize, NULL, device->name,
			"no known file system");
		heap_free(volume);
		return status;
	}
	volume->fs.label[sizeof(volume->fs.label) - 1] = '\0';
	volume->fs.detail[sizeof(volume->fs.detail) - 1] = '\0';

	status = vfs_add_volume(volume);
	if (status != B_OK) {
		volume->ops->unmount(&volume->fs, volume->root);
		heap_free(volume);
		vfs_format_error(error, errorSize, NULL, device->name, "out of memory");
		return status;
	}
	if (boot && sBootVolume == NULL)
		sBootVolume = volume;
	if (_volume != NULL)
		*_volume = volume;
	return B_OK;
}


status_t
vfs_mount_device(struct block_device *device, bool boot, struct vfs_volume **_volume,
	char *error, size_t errorSize)
{
	return vfs_mount_as(device, kFileSystems, kFileSystemCount, boot, _volume, error,
		errorSize);
}


void
vfs_volume_describe(const struct vfs_volume *volume, struct kernel_boot_device *device)
{
	memset(device, 0, sizeof(*device));
	while (volume->source != NULL)
		volume = vfs_file_volume(volume->source);
	const struct file_server *server = vfs_volume_server(volume);
	if (server != NULL) {
		*device = server->boot_device;
		return;
	}

	const struct block_device *disk = volume->device;
	device->type = KERNEL_BOOT_DEVICE_DISK;
	device->partition_offset = disk->parent != NULL ? disk->parent_offset : 0;
	device->partition_size = disk->size;
	struct vfs_volume_info info;
	vfs_volume_get_info(volume, &info);
	if (info.has_guid) {
		device->flags |= KERNEL_BOOT_DEVICE_HAS_GUID;
		memcpy(device->partition_guid, info.guid, sizeof(device->partition_guid));
	}
}


static void
vfs_unmount(struct vfs_volume *volume)
{
	volume->ops->unmount(&volume->fs, volume->root);
	if (volume->source != NULL)
		vfs_close(volume->source);
	if (volume->owns_device) {
		if (volume->device->ops->release != NULL)
			volume->device->ops->release(volume->device);
		heap_free(volume->device);
	}
	heap_free(volume);
}


/* --- init and cleanup --------------------------------------------------- */


static void
vfs_log_partition(struct block_device *device)
{
	const struct partition *partition = partition_of(device);
	if (partition == NULL)
		return;
	const struct partition_info *info = &partition->info;

	char type[GUID_STRING_SIZE + 8];
	if (info->scheme == PARTITION_SCHEME_GPT)
		guid_to_string(info->type_guid, type);
	else
		snprintf(type, sizeof(type), "0x%02x", info->mbr_type);
	boot_dprintf("vfs: %s: %s partition %u at %llu, %llu bytes, type %s (%s)%s%s%s\n",
		device->name, partition_scheme_name(info->scheme), info->index,
		(unsigned long long)info->offset, (unsigned long long)info->size, type,
		partition_type_name(info), info->name[0] != '\0' ? ", name \"" : "",
		info->name, info->name[0] != '\0' ? "\"" : "");
}


static void
vfs_note_damage(const char *format, ...) BOOT_PRINTF(1, 2);

static void
vfs_note_damage(const char *format, ...)
{
	if (sDamageCount++ > 0)
		return;
	va_list args;
	va_start(args, format);
	vsnprintf(sDamage, sizeof(sDamage), format, args);
	va_end(args);
}


const char *
vfs_scan_damage(uint32_t *_count)
{
	*_count = sDamageCount;
	return sDamageCount > 0 ? sDamage : NULL;
}


static void
vfs_try_mount(struct stage2_args *args, struct block_device *disk,
	struct block_device *device, const struct file_system_ops *const *systems, size_t count)
{
	char error[VFS_ERROR_SIZE];
	uint64_t offset = device == disk ? 0 : device->parent_offset;
	bool boot = platform_is_boot_partition(args, disk, offset);
	status_t status = vfs_mount_as(device, systems, count, boot, NULL, error, sizeof(error));
	if (status == B_NOT_SUPPORTED) {
		/* a disk with partitions is seldom more, and need not say it is not */
		if (systems == kFileSystems)
			boot_dprintf("vfs: %s\n", error);
	} else if (status != B_OK) {
		boot_printf("vfs: cannot mount %s\n", error);
		vfs_note_damage("%s", error);
	}
}


const struct block_device *
vfs_volume_disk(const struct vfs_volume *volume, uint64_t *_offset)
{
	const struct block_device *device = volume->device;
	*_offset = device->parent != NULL ? device->parent_offset : 0;
	return device->parent != NULL ? device->parent : device;
}


static bool
vfs_on_boot_disk(const struct vfs_volume *volume)
{
	uint64_t offset;
	return (vfs_volume_disk(volume, &offset)->flags & BLOCK_DEVICE_BOOT_DISK) != 0;
}


status_t
vfs_init(struct stage2_args *args)
{
	if (sInitialized)
		return B_NOT_ALLOWED;
	sInitialized = true;

	vfs_mount_boot_server(args);
	status_t status = platform_add_block_devices(args);
	if (status != B_OK && devices_first() == NULL) {
		/* a network boot needs no disk */
		if (sVolumeCount == 0) {
			boot_printf("vfs: no disks: %s\n", status_string(status));
			return status;
		}
		boot_dprintf("vfs: no disks: %s\n", status_string(status));
	}

	uint32_t diskCount = 0;
	for (struct block_device *disk = devices_first(); disk != NULL; disk = disk->next) {
		/* partitions are appended behind the disks while this walks */
		if (disk->parent != NULL)
			continue;
		diskCount++;
		boot_dprintf("vfs: %s: %llu bytes, %u-byte blocks%s\n", disk->name,
			(unsigned long long)disk->size, disk->block_size,
			(disk->flags & BLOCK_DEVICE_BOOT_DISK) != 0 ? ", boot disk" : "");

		enum partition_scheme scheme;
		status = partitions_scan(disk, &scheme);
		if (status == B_ENTRY_NOT_FOUND) {
			boot_dprintf("vfs: %s: no partition table\n", disk->name);
			vfs_try_mount(args, disk, disk, kFileSystems, kFileSystemCount);
			continue;
		}
		if (status != B_OK) {
			boot_printf("vfs: %s: %s partition table damaged: %s\n", disk->name,
				partition_scheme_name(scheme), status_string(status));
			vfs_note_damage("%s: %s partition table damaged", disk->name,
				partition_scheme_name(scheme));
		} else
			boot_dprintf("vfs: %s: %s partition table\n", disk->name,
				partition_scheme_name(scheme));

		for (struct block_device *device = disk->next; device != NULL;
				device = device->next) {
			if (device->parent != disk)
				continue;
			vfs_log_partition(device);
			vfs_try_mount(args, disk, device, kFileSystems, kFileSystemCount);
		}
		/* a hybrid image: a stick's partitions and a CD's file system in one */
		vfs_try_mount(args, disk, disk, &kWholeDiskFileSystem, 1);
	}

	if (sBootVolume == NULL) {
		for (uint32_t i = 0; i < sVolumeCount; i++) {
			if (vfs_on_boot_disk(sVolumes[i])) {
				sBootVolume = sVolumes[i];
				break;
			}
		}
	}

	for (uint32_t i = 0; i < sVolumeCount; i++) {
		struct vfs_volume_info info;
		vfs_volume_get_info(sVolumes[i], &info);
		boot_dprintf("vfs: vol%u: %s, %s %s, label \"%s\"%s\n", info.index,
			info.device_name, info.fs_name, info.fs_detail, info.label,
			info.boot ? ", boot volume" : "");
	}
	if (sVolumeCount == 0) {
		boot_printf("vfs: no volume found on %u disk%s\n", diskCount,
			diskCount == 1 ? "" : "s");
		return B_ENTRY_NOT_FOUND;
	}
	return B_OK;
}


void
vfs_cleanup(void)
{
	if (sOpenFiles != 0)
		boot_dprintf("vfs: %u files still open at cleanup\n", sOpenFiles);

	/* Newest first: a file volume reads through the volume it came from. */
	while (sVolumeCount > 0)
		vfs_unmount(sVolumes[--sVolumeCount]);
	heap_free(sVolumes);
	sVolumes = NULL;
	sVolumeCapacity = 0;
	sBootVolume = NULL;
	sDamageCount = 0;
	sInitialized = false;
	vfs_files_reset();

	devices_cleanup();
}


void
vfs_file_opened(void)
{
	sOpenFiles++;
}


void
vfs_file_closed(void)
{
	sOpenFiles--;
}
