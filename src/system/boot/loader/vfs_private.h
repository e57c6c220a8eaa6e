/* SPDX-License-Identifier: MIT */
/*
 * What the VFS's volume and file halves share.
 */
#ifndef VFS_PRIVATE_H
#define VFS_PRIVATE_H

#include <boot/file_system.h>
#include <boot/vfs.h>

struct vfs_volume {
	uint32_t						index;
	struct block_device				*device;
	const struct file_system_ops	*ops;
	struct fs_volume				fs;
	void							*root;
	/* for a file mounted as a volume: the open file its device reads */
	struct vfs_file					*source;
	/* device is the volume's own: released and freed at unmount */
	bool							owns_device;
};

struct file_server;
struct stage2_args;

struct vfs_volume *vfs_find_volume_spec(const char *spec, size_t length);

/*
 * Mount device with the first of count file systems that recognises it;
 * vfs_mount_device's errors.
 */
status_t vfs_mount_as(struct block_device *device,
	const struct file_system_ops *const *systems, size_t count, bool boot,
	struct vfs_volume **_volume, char *error, size_t errorSize);

/* vfs_servers.c: mount the port's boot file server, if it has one. */
void vfs_mount_boot_server(struct stage2_args *args);
/* The server behind volume, NULL for any other volume. */
const struct file_server *vfs_volume_server(const struct vfs_volume *volume);
void vfs_volume_display_name(const struct vfs_volume *volume, char *buffer, size_t size);
const char *vfs_reason(const struct vfs_volume *volume, status_t status);
/* "<volume (label)>: <path>: <message>"; volume and path may be NULL. */
void vfs_format_error(char *error, size_t errorSize, const struct vfs_volume *volume,
	const char *path, const char *format, ...) BOOT_PRINTF(5, 6);

/*
 * The first damage the volume scan met (a partition table, a file system it
 * could not mount), NULL for none, and in *_count how many: a file found on
 * no volume may have been on one of them.
 */
const char *vfs_scan_damage(uint32_t *_count);

/* bookkeeping of open files, for the warning at cleanup */
void vfs_file_opened(void);
void vfs_file_closed(void);
/* Forget the file device numbers; called by vfs_cleanup. */
void vfs_files_reset(void);

#endif
