/* SPDX-License-Identifier: MIT */
/*
 * The interface between the VFS and the file systems it mounts.
 */
#ifndef BOOT_FILE_SYSTEM_H
#define BOOT_FILE_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/status.h>
#include <boot/stdio.h>
#include <boot/vfs.h>

struct block_device;

#define FS_LABEL_SIZE		128
#define FS_DETAIL_SIZE		16
#define FS_REASON_SIZE		160

/*
 * One mounted volume as its file system sees it. The VFS fills device; the
 * file system owns cookie and fills label and detail at mount. On failure an
 * operation may explain itself in reason (fs_set_reason) in a few words
 * ("FAT cluster chain loops at cluster 1234"); the VFS adds volume and path.
 */
struct fs_volume {
	struct block_device	*device;
	void				*cookie;
	char				label[FS_LABEL_SIZE];
	char				detail[FS_DETAIL_SIZE];
	char				reason[FS_REASON_SIZE];
};

/* Nodes are the file system's own; the VFS only passes them back. */
typedef bool (*fs_dir_hook)(void *cookie, const char *name,
	const struct vfs_stat *stat);

struct file_system_ops {
	const char	*name;
	/*
	 * lookup gets every component below the root at once ("boot/kernel"),
	 * from a file system that has no directories of its own to walk.
	 */
	bool		whole_paths;

	/*
	 * Recognise and mount volume->device; return the root directory.
	 * B_NOT_SUPPORTED (silently) when the device holds some other format;
	 * B_BAD_DATA with a reason when it is this format but unusable.
	 */
	status_t	(*mount)(struct fs_volume *volume, void **_root);
	/* Called after every node but the root has been put. */
	void		(*unmount)(struct fs_volume *volume, void *root);

	/*
	 * Find name (one path component, UTF-8) in directory; the new node must
	 * be put. B_ENTRY_NOT_FOUND, B_BAD_DATA, B_IO_ERROR, B_NO_MEMORY.
	 */
	status_t	(*lookup)(struct fs_volume *volume, void *directory,
					const char *name, void **_node);
	void		(*put_node)(struct fs_volume *volume, void *node);

	void		(*stat)(struct fs_volume *volume, void *node, struct vfs_stat *stat);

	/*
	 * Read from a file node, clipped at its end; length can be anything up
	 * to the file size (the loader reads whole kernels in one call).
	 */
	status_t	(*read)(struct fs_volume *volume, void *node, uint64_t offset,
					void *buffer, size_t length, size_t *_bytesRead);

	/* Every entry but "." and "..", until the hook returns false. */
	status_t	(*read_dir)(struct fs_volume *volume, void *directory,
					fs_dir_hook hook, void *cookie);
};

/* Record why the current operation on volume fails (printf format). */
void fs_set_reason(struct fs_volume *volume, const char *format, ...)
	BOOT_PRINTF(2, 3);

/*
 * read for a file whose bytes lie in one run on the device, from start, size
 * bytes long: clipped at its end, a failed read explained in the reason.
 */
status_t fs_read_run(struct fs_volume *volume, uint64_t start, uint64_t size,
	uint64_t offset, void *buffer, size_t length, size_t *_bytesRead);

extern const struct file_system_ops gFatFileSystem;
extern const struct file_system_ops gIso9660FileSystem;
extern const struct file_system_ops gTarFileSystem;
extern const struct file_system_ops gServerFileSystem;

#endif
