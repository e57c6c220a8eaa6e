/* SPDX-License-Identifier: MIT */
/*
 * ISO 9660 internals shared by the directory reader and the file system glue.
 */
#ifndef ISO9660_H
#define ISO9660_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/file_system.h>

/* Every CD's and every image's logical block; the only one read. */
#define ISO_SECTOR_SIZE		2048
/* Rock Ridge names are POSIX names of up to 255 bytes. */
#define ISO_NAME_SIZE		256

struct iso_node {
	uint64_t	offset;			/* of the data on the device, bytes */
	uint64_t	size;
	bool		directory;
	/* the first of several extents (a file over 4 GiB), which are not joined */
	bool		pieces;
};

struct iso_mount {
	struct fs_volume	*fs;
	struct iso_node		root;
	/* Rock Ridge: bytes of each record's system use area before its entries */
	bool				rock_ridge;
	uint32_t			susp_skip;
	/* the root is Joliet's, whose names are UCS-2 */
	bool				joliet;
};

struct iso_entry {
	struct iso_node	node;
	/* Rock Ridge's or Joliet's name, else the ISO name, without ";1" and a final "." */
	char			name[ISO_NAME_SIZE];
	bool			posix_name;		/* Rock Ridge's, matched exactly */
	/* ".", ".." or an associated file (a Macintosh resource fork) */
	bool			skipped;
};

/* Called for each entry but "." and ".."; return false to stop. */
typedef bool (*iso_entry_hook)(void *cookie, const struct iso_entry *entry);

/* iso9660_dir.c */
/*
 * Decode the directory record at record, of which length bytes are there;
 * B_BAD_DATA with a reason when it does not fit in them or its data is not
 * all on the device.
 */
status_t iso_parse_record(struct iso_mount *mount, const uint8_t *record,
	size_t length, struct iso_entry *entry);
/* Each entry of directory in order. B_BAD_DATA, B_IO_ERROR, B_NO_MEMORY. */
status_t iso_read_directory(struct iso_mount *mount, const struct iso_node *directory,
	iso_entry_hook hook, void *cookie);

#endif
