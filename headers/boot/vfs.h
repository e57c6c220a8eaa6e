/* SPDX-License-Identifier: MIT */
/*
 * The loader's file access: volumes on every disk, opened by path.
 *
 * Paths are absolute. "/boot/kernel" is looked up on the boot volume first,
 * then on every other volume in order; "(<volume>)/boot/kernel" names one
 * volume, where <volume> is a device name ("disk0p2", "file0"), "vol<index>",
 * "label=<file system label or GPT partition name>" (ASCII case-insensitive)
 * or "guid=<GPT unique partition GUID>". docs/volumes.md has the details.
 *
 * Every function that can fail takes an optional buffer (error may be NULL)
 * for a one-line message naming the volume, the path and the reason.
 */
#ifndef BOOT_VFS_H
#define BOOT_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/status.h>

struct block_device;
struct kernel_boot_device;
struct stage2_args;
struct vfs_volume;
struct vfs_file;

/* Longest path the loader accepts, without the NUL. */
#define VFS_PATH_LENGTH		1024
/* Room for any file name in UTF-8 (255 UTF-16 units), with the NUL. */
#define VFS_NAME_SIZE		768
/* Room for a one-line error message. */
#define VFS_ERROR_SIZE		256

enum vfs_node_type {
	VFS_FILE,
	VFS_DIRECTORY,
};

struct vfs_stat {
	uint64_t			size;		/* bytes; 0 for directories */
	enum vfs_node_type	type;
};

/*
 * Mount the file server the loader was started from, if the port has one
 * (platform_boot_file_server), as the boot volume; then get the disks from
 * the port (platform_add_block_devices), find their partitions and mount
 * every partition, and every disk without a partition table, that a file
 * system recognises, and every disk with one that holds ISO 9660 over its
 * whole (a hybrid image, docs/volumes.md). Logs each disk, partition and volume with
 * boot_dprintf; damaged tables and volumes with boot_printf, and the first
 * of them is named again when a path is found on no volume.
 * Errors: platform_add_block_devices()'s when no disk was registered and
 * there is no server, B_ENTRY_NOT_FOUND when no volume was found at all,
 * B_NOT_ALLOWED when already initialised. The VFS stays usable (with no
 * volumes) after an error.
 */
status_t vfs_init(struct stage2_args *args);

/*
 * Unmount everything (volumes made from files first), then devices_cleanup().
 * Close every file before.
 */
void vfs_cleanup(void);

/* --- volumes ------------------------------------------------------------ */

struct vfs_volume_info {
	uint32_t			index;			/* n in "vol<n>" */
	const char			*device_name;	/* "disk0p1", "disk1", "file0" */
	const char			*fs_name;		/* "fat", "iso9660", "tar" */
	const char			*fs_detail;		/* "FAT32", "ustar"; may be "" */
	const char			*label;			/* the file system's label; may be "" */
	const char			*partition_name;	/* the GPT partition name; may be "" */
	bool				has_guid;		/* a GPT partition: guid is its unique GUID */
	uint8_t				guid[16];
	uint64_t			size;			/* of the device, bytes */
	bool				boot;			/* the volume searched first */
	const struct block_device	*device;	/* a partition (its parent is the disk) or a disk */
};

uint32_t vfs_volume_count(void);
/* NULL when index is out of range. */
struct vfs_volume *vfs_volume_at(uint32_t index);
/* NULL when no volume lives on the boot disk. */
struct vfs_volume *vfs_boot_volume(void);
/*
 * Make volume the boot volume (the boot menu's choice): paths without a
 * volume search it first from now on. volume must be mounted.
 */
void vfs_set_boot_volume(struct vfs_volume *volume);
void vfs_volume_get_info(const struct vfs_volume *volume, struct vfs_volume_info *info);

/*
 * The whole disk volume lies on (its device, or the disk of its partition),
 * and in *_offset the byte of that disk the volume starts at.
 */
const struct block_device *vfs_volume_disk(const struct vfs_volume *volume,
	uint64_t *_offset);

/*
 * What a kernel read from volume is told of where it came from
 * (kernel_args.boot_device): the partition (or disk) it lies on, or the
 * network of a file server's volume; a volume made from a file lies where
 * that file does.
 */
void vfs_volume_describe(const struct vfs_volume *volume,
	struct kernel_boot_device *device);

/*
 * The file systems only read; when the port writes to a volume behind them
 * (platform_rename_file) or an image it started returns, having perhaps
 * written, vfs_note_write() says so, and what they keep of its directories
 * (fat_dir.c) and its FAT (fat_volume.c), and what a port keeps of its
 * disks' blocks, is read again: vfs_writes() counts them.
 */
void vfs_note_write(void);
uint32_t vfs_writes(void);

/*
 * The volume a specification (what stands between the parentheses of a
 * path) selects. Errors: B_ENTRY_NOT_FOUND.
 */
status_t vfs_find_volume(const char *spec, struct vfs_volume **_volume);

/*
 * Mount device directly; vfs_init does this for every partition.
 * The volume owns nothing of device, which must outlive it.
 * Errors: B_NOT_SUPPORTED (no file system recognised it), B_BAD_DATA (one
 * did, but the volume is damaged; the reason is in error), B_NO_MEMORY.
 */
status_t vfs_mount_device(struct block_device *device, bool boot,
	struct vfs_volume **_volume, char *error, size_t errorSize);

/*
 * Mount the file at path (a tar archive, a FAT image) as a volume named
 * "file<n>"; it is unmounted, before its own volume, by vfs_cleanup.
 * Errors: those of vfs_open and vfs_mount_device, B_BAD_VALUE (a directory).
 */
status_t vfs_mount_file(const char *path, struct vfs_volume **_volume,
	char *error, size_t errorSize);

/* --- files and directories --------------------------------------------- */

/*
 * Errors: B_ENTRY_NOT_FOUND, B_BAD_VALUE (a path component is not a
 * directory, or the path is malformed), B_NAME_TOO_LONG, B_BAD_DATA (a
 * damaged volume), B_IO_ERROR, B_NO_MEMORY.
 */
status_t vfs_open(const char *path, struct vfs_file **_file, char *error,
	size_t errorSize);
void vfs_close(struct vfs_file *file);
void vfs_file_stat(const struct vfs_file *file, struct vfs_stat *stat);
struct vfs_volume *vfs_file_volume(const struct vfs_file *file);

/*
 * Read up to length bytes at offset; fewer only at the end of the file
 * (*_bytesRead is 0 at or past it). Errors: B_BAD_VALUE (a directory),
 * B_BAD_DATA, B_IO_ERROR, B_NO_MEMORY.
 */
status_t vfs_read(struct vfs_file *file, uint64_t offset, void *buffer,
	size_t length, size_t *_bytesRead, char *error, size_t errorSize);

/*
 * Open the file at path for reading by offset, refusing a directory; *_size
 * gets its size. Errors: those of vfs_open, B_BAD_VALUE (a directory).
 */
status_t vfs_open_regular(const char *path, struct vfs_file **_file, uint64_t *_size,
	char *error, size_t errorSize);

/*
 * vfs_read of exactly length bytes: fewer, at the end of the file, is the
 * error B_IO_ERROR ("read <n> of <length> bytes").
 */
status_t vfs_read_exact(struct vfs_file *file, uint64_t offset, void *buffer,
	size_t length, char *error, size_t errorSize);

status_t vfs_stat(const char *path, struct vfs_stat *stat, char *error,
	size_t errorSize);

/* Called for each entry but "." and ".."; return false to stop early. */
typedef bool (*vfs_dir_hook)(void *cookie, const char *name,
	const struct vfs_stat *stat);

/* Errors: those of vfs_open, B_BAD_VALUE (not a directory). */
status_t vfs_list_directory(const char *path, vfs_dir_hook hook, void *cookie,
	char *error, size_t errorSize);

/*
 * Read the whole file at path into a buffer from heap_alloc (the caller
 * frees it; an empty file gives a valid 0-byte buffer). Errors: those of
 * vfs_open and vfs_read, B_BAD_VALUE (a directory), B_NO_MEMORY.
 */
status_t vfs_load_file(const char *path, void **_data, size_t *_size,
	char *error, size_t errorSize);

/*
 * vfs_load_file for a file of at most maxSize bytes (a larger one is
 * B_BAD_DATA, said in error); *_volume, unless NULL, gets the volume the
 * file came from, for trust_check_data.
 */
status_t vfs_load_file_limited(const char *path, uint64_t maxSize, void **_data,
	size_t *_size, struct vfs_volume **_volume, char *error, size_t errorSize);

#endif
