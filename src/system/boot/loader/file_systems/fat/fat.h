/* SPDX-License-Identifier: MIT */
/*
 * FAT12/16/32 internals shared by the volume, directory and file code.
 */
#ifndef FAT_H
#define FAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/block_device.h>
#include <boot/file_system.h>

#define FAT_DIR_ENTRY_SIZE		32
/* The most FAT allows in one directory: 65536 entries. */
#define FAT_MAX_DIR_SIZE		(2 * 1024 * 1024)

/* directory entry attributes */
#define FAT_ATTR_READ_ONLY		0x01
#define FAT_ATTR_HIDDEN			0x02
#define FAT_ATTR_SYSTEM			0x04
#define FAT_ATTR_VOLUME_ID		0x08
#define FAT_ATTR_DIRECTORY		0x10
#define FAT_ATTR_ARCHIVE		0x20
#define FAT_ATTR_LONG_NAME		0x0f

/* A hook's way of ending a directory walk early without an error. */
#define FAT_STOP				1

/* Directories are read in pieces this big (a multiple of the entry size). */
#define FAT_DIR_CHUNK			4096
/* How many directories' first pieces a volume keeps after a walk (fat_dir.c). */
#define FAT_DIR_COPIES			4

struct fat_dir_copy {
	uint8_t		*data;			/* FAT_DIR_CHUNK bytes once used */
	uint32_t	first_cluster;	/* 0: the FAT12/16 root */
	uint32_t	length;			/* of the piece; 0 while empty */
	uint32_t	writes;			/* vfs_writes() when it was read */
};

/* A run of contiguous clusters (or the fixed root) of a file or directory. */
struct fat_run {
	uint64_t	file_offset;
	uint64_t	disk_offset;
	uint64_t	length;
};

struct fat_node {
	uint32_t		first_cluster;
	uint32_t		size;			/* files: from the directory entry */
	bool			directory;
	bool			fixed_root;		/* the FAT12/16 root: a region, not a chain */
	bool			mapped;
	struct fat_run	*runs;
	uint32_t		run_count;
	uint64_t		mapped_size;	/* bytes the runs cover */
	uint32_t		last_run;		/* where the previous read ended */
};

struct fat_volume {
	struct fs_volume	*fs;
	struct block_device	*device;
	uint32_t		fat_bits;		/* 12, 16 or 32 */
	uint32_t		sector_size;
	uint32_t		cluster_size;
	uint32_t		cluster_count;	/* data clusters are 2 .. cluster_count + 1 */
	uint64_t		fat_offset;		/* the active FAT, bytes from the volume start */
	uint64_t		fat_length;		/* bytes of one FAT */
	uint64_t		root_offset;	/* FAT12/16 */
	uint32_t		root_size;		/* FAT12/16, bytes */
	uint32_t		root_cluster;	/* FAT32 */
	uint64_t		data_offset;	/* cluster 2 */
	uint8_t			boot_label[11];	/* from the boot sector, as stored; spaces if none */

	/* a window of the active FAT */
	uint8_t			*fat_cache;
	uint64_t		fat_cache_offset;
	uint32_t		fat_cache_length;	/* 0 while empty */
	uint32_t		fat_cache_writes;	/* vfs_writes() when it was read */

	struct fat_dir_copy	dir_copies[FAT_DIR_COPIES];
	uint32_t		next_dir_copy;		/* the one to replace next */
};

/* One directory entry, its long name assembled. */
struct fat_entry {
	char			name[VFS_NAME_SIZE];	/* the long name, else the 8.3 name */
	char			short_name[13];			/* "NAME.EXT" */
	uint8_t			raw_name[11];			/* as stored: labels keep their spaces */
	uint8_t			attributes;
	uint32_t		first_cluster;
	uint32_t		size;
};

/* fat_volume.c */
status_t fat_volume_init(struct fat_volume *volume, struct fs_volume *fs);
void fat_volume_uninit(struct fat_volume *volume);
/* Follow the node's cluster chain once, checking it, into runs. */
status_t fat_map_node(struct fat_volume *volume, struct fat_node *node);
/* Read bytes the runs cover (offset + length <= mapped_size). */
status_t fat_node_read(struct fat_volume *volume, struct fat_node *node,
	uint64_t offset, void *buffer, size_t length);
bool fat_valid_cluster(const struct fat_volume *volume, uint32_t cluster);

/* fat_dir.c */
typedef status_t (*fat_entry_hook)(void *cookie, const struct fat_entry *entry);
/*
 * Every entry of directory but deleted ones, long name pieces, "." and "..";
 * volume labels included. A hook returning FAT_STOP ends the walk with B_OK.
 */
/* Free the directory pieces kept; fat_volume_uninit() does. */
void fat_dir_forget(struct fat_volume *volume);

status_t fat_dir_iterate(struct fat_volume *volume, struct fat_node *directory,
	fat_entry_hook hook, void *cookie);
/* The label from the root directory, else from the boot sector; may be empty. */
void fat_dir_read_label(struct fat_volume *volume, struct fat_node *root,
	char *label, size_t size);
/* A label from its 11 stored bytes, trimmed; "NO NAME" is no label. */
void fat_copy_label(char *label, size_t size, const uint8_t raw[11]);

#endif
