/* SPDX-License-Identifier: MIT */
/*
 * ISO 9660 volumes (ECMA-119), as OS images are shipped: a CD's or an image
 * file's primary volume descriptor, its directories and its files, each one
 * extent read straight from the device. Rock Ridge names are on every image
 * made from a POSIX tree; images made for Windows have Joliet's second tree
 * instead, whose names are read where Rock Ridge's are missing.
 *
 * Rock Ridge names match exactly; Joliet names and ISO names ("BOOT",
 * "LOADER.CFG;1") fold ASCII case, as Windows does, so that
 * /boot/loader.cfg is found on an image without Rock Ridge.
 */
#include "iso9660.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <boot/block_device.h>
#include <boot/byte_order.h>
#include <boot/heap.h>

/* The volume descriptors start at sector 16, after the system area. */
#define ISO_FIRST_DESCRIPTOR	16
#define ISO_MAX_DESCRIPTORS		32
#define ISO_PRIMARY				1
#define ISO_SUPPLEMENTARY		2
#define ISO_TERMINATOR			255
/* A supplementary descriptor is Joliet's when its escape sequences start %/@, %/C or %/E. */
#define ISO_ESCAPES				88
#define ISO_VOLUME_ID			40
#define ISO_VOLUME_ID_SIZE		32
#define ISO_LOGICAL_BLOCK		128
#define ISO_ROOT_RECORD			156
#define ISO_ROOT_RECORD_SIZE	34
/* SUSP's SP entry (IEEE P1281), first in the root's "." record */
#define ISO_SP_SIZE				7

/* What the volume descriptors say, kept while the next ones are read. */
struct iso_descriptors {
	uint8_t		primary_root[ISO_ROOT_RECORD_SIZE];
	uint8_t		joliet_root[ISO_ROOT_RECORD_SIZE];
	uint32_t	block_size;
	bool		primary;
	bool		joliet;
};

struct iso_lookup {
	const char		*name;			/* NULL once found */
	struct iso_node	*found;
};

struct iso_list {
	fs_dir_hook		hook;
	void			*cookie;
};


/* The volume identifier without the spaces that pad it. */
static void
iso_read_label(const uint8_t *primary, char *label)
{
	size_t length = ISO_VOLUME_ID_SIZE;
	while (length > 0 && (primary[ISO_VOLUME_ID + length - 1] == ' '
			|| primary[ISO_VOLUME_ID + length - 1] == '\0'))
		length--;
	memcpy(label, primary + ISO_VOLUME_ID, length);
	label[length] = '\0';
}


static bool
iso_is_joliet(const uint8_t *descriptor)
{
	const uint8_t *escapes = descriptor + ISO_ESCAPES;
	return escapes[0] == '%' && escapes[1] == '/'
		&& (escapes[2] == '@' || escapes[2] == 'C' || escapes[2] == 'E');
}


/*
 * The descriptors from sector 16 to the terminator: the primary one (its
 * label goes to fs) and Joliet's. B_NOT_SUPPORTED when the first is no ISO
 * 9660 one.
 */
static status_t
iso_read_descriptors(struct fs_volume *fs, uint8_t *sector, struct iso_descriptors *found)
{
	for (uint32_t index = ISO_FIRST_DESCRIPTOR;
			index < ISO_FIRST_DESCRIPTOR + ISO_MAX_DESCRIPTORS; index++) {
		uint64_t offset = (uint64_t)index * ISO_SECTOR_SIZE;
		if (offset + ISO_SECTOR_SIZE > fs->device->size
			|| block_device_read(fs->device, offset, sector, ISO_SECTOR_SIZE) != B_OK
			|| memcmp(sector + 1, "CD001", 5) != 0) {
			if (index == ISO_FIRST_DESCRIPTOR)
				return B_NOT_SUPPORTED;
			break;
		}
		if (sector[0] == ISO_PRIMARY && !found->primary) {
			found->primary = true;
			found->block_size = read_le16(sector + ISO_LOGICAL_BLOCK);
			iso_read_label(sector, fs->label);
			memcpy(found->primary_root, sector + ISO_ROOT_RECORD, ISO_ROOT_RECORD_SIZE);
		} else if (sector[0] == ISO_SUPPLEMENTARY && iso_is_joliet(sector) && !found->joliet) {
			found->joliet = true;
			memcpy(found->joliet_root, sector + ISO_ROOT_RECORD, ISO_ROOT_RECORD_SIZE);
		} else if (sector[0] == ISO_TERMINATOR)
			break;
	}
	if (found->primary)
		return B_OK;
	fs_set_reason(fs, "no primary volume descriptor");
	return B_BAD_DATA;
}


/* Rock Ridge announces itself by an SP entry, whose check bytes are BE EF. */
static status_t
iso_detect_rock_ridge(struct iso_mount *mount, uint8_t *sector)
{
	if (mount->root.size < ISO_ROOT_RECORD_SIZE)
		return B_OK;
	status_t status = block_device_read(mount->fs->device, mount->root.offset, sector,
		ISO_ROOT_RECORD_SIZE + ISO_SP_SIZE);
	if (status != B_OK) {
		fs_set_reason(mount->fs, "cannot read the root directory: %s", status_string(status));
		return status;
	}
	const uint8_t *sp = sector + ISO_ROOT_RECORD_SIZE;
	if (sector[0] >= ISO_ROOT_RECORD_SIZE + ISO_SP_SIZE && sp[0] == 'S' && sp[1] == 'P'
			&& sp[2] == ISO_SP_SIZE && sp[4] == 0xbe && sp[5] == 0xef) {
		mount->rock_ridge = true;
		mount->susp_skip = sp[6];
	}
	return B_OK;
}


/* The root a record describes; B_BAD_DATA with a reason when it is none. */
static status_t
iso_read_root(struct iso_mount *mount, const uint8_t *record)
{
	struct iso_entry *root = heap_alloc(sizeof(*root));
	if (root == NULL)
		return B_NO_MEMORY;
	status_t status = iso_parse_record(mount, record, ISO_ROOT_RECORD_SIZE, root);
	if (status == B_OK && !root->node.directory) {
		fs_set_reason(mount->fs, "the root is not a directory");
		status = B_BAD_DATA;
	}
	mount->root = root->node;
	heap_free(root);
	return status;
}


/* Rock Ridge's names in the primary tree, else Joliet's tree, else ISO names. */
static status_t
iso_read_volume(struct iso_mount *mount, uint8_t *sector)
{
	struct fs_volume *fs = mount->fs;
	struct iso_descriptors found = { 0 };
	status_t status = iso_read_descriptors(fs, sector, &found);
	if (status != B_OK)
		return status;
	if (found.block_size != ISO_SECTOR_SIZE) {
		fs_set_reason(fs, "logical blocks of %u bytes (only 2048 are read)", found.block_size);
		return B_BAD_DATA;
	}
	status = iso_read_root(mount, found.primary_root);
	if (status == B_OK)
		status = iso_detect_rock_ridge(mount, sector);
	if (status != B_OK || mount->rock_ridge || !found.joliet)
		return status;
	mount->joliet = true;
	return iso_read_root(mount, found.joliet_root);
}


static status_t
iso_mount(struct fs_volume *fs, void **_root)
{
	if (fs->device->size < (ISO_FIRST_DESCRIPTOR + 1) * ISO_SECTOR_SIZE)
		return B_NOT_SUPPORTED;
	struct iso_mount *mount = heap_calloc(1, sizeof(*mount));
	uint8_t *sector = heap_alloc(ISO_SECTOR_SIZE);
	if (mount == NULL || sector == NULL) {
		heap_free(mount);
		heap_free(sector);
		return B_NO_MEMORY;
	}
	mount->fs = fs;
	status_t status = iso_read_volume(mount, sector);
	heap_free(sector);
	if (status != B_OK) {
		heap_free(mount);
		return status;
	}
	snprintf(fs->detail, sizeof(fs->detail), "%s",
		mount->rock_ridge ? "Rock Ridge" : mount->joliet ? "Joliet" : "ISO names");
	fs->cookie = mount;
	*_root = &mount->root;
	return B_OK;
}


static void
iso_unmount(struct fs_volume *fs, void *root)
{
	heap_free(fs->cookie);
	fs->cookie = NULL;
}


static bool
iso_match(void *cookie, const struct iso_entry *entry)
{
	struct iso_lookup *lookup = cookie;
	if (entry->posix_name ? strcmp(entry->name, lookup->name) != 0
			: strcasecmp(entry->name, lookup->name) != 0)
		return true;
	*lookup->found = entry->node;
	lookup->name = NULL;
	return false;
}


static status_t
iso_lookup(struct fs_volume *fs, void *_directory, const char *name, void **_node)
{
	struct iso_node *directory = _directory;
	if (!directory->directory)
		return B_BAD_VALUE;
	struct iso_node *node = heap_alloc(sizeof(*node));
	if (node == NULL)
		return B_NO_MEMORY;
	struct iso_lookup lookup = { name, node };
	status_t status = iso_read_directory(fs->cookie, directory, iso_match, &lookup);
	if (status == B_OK && lookup.name != NULL)
		status = B_ENTRY_NOT_FOUND;
	if (status != B_OK) {
		heap_free(node);
		return status;
	}
	*_node = node;
	return B_OK;
}


static void
iso_put_node(struct fs_volume *fs, void *node)
{
	heap_free(node);
}


static void
iso_fill_stat(const struct iso_node *node, struct vfs_stat *stat)
{
	stat->type = node->directory ? VFS_DIRECTORY : VFS_FILE;
	stat->size = node->directory ? 0 : node->size;
}


static void
iso_stat(struct fs_volume *fs, void *node, struct vfs_stat *stat)
{
	iso_fill_stat(node, stat);
}


static status_t
iso_read(struct fs_volume *fs, void *_node, uint64_t offset, void *buffer,
	size_t length, size_t *_bytesRead)
{
	const struct iso_node *node = _node;
	*_bytesRead = 0;
	if (node->directory)
		return B_BAD_VALUE;
	if (node->pieces) {
		fs_set_reason(fs, "the file is stored in several extents (over 4 GiB), "
			"which this loader does not join");
		return B_BAD_DATA;
	}
	return fs_read_run(fs, node->offset, node->size, offset, buffer, length, _bytesRead);
}


static bool
iso_list_entry(void *cookie, const struct iso_entry *entry)
{
	struct iso_list *list = cookie;
	struct vfs_stat stat;
	iso_fill_stat(&entry->node, &stat);
	return list->hook(list->cookie, entry->name, &stat);
}


static status_t
iso_read_dir(struct fs_volume *fs, void *_directory, fs_dir_hook hook, void *cookie)
{
	struct iso_node *directory = _directory;
	if (!directory->directory)
		return B_BAD_VALUE;
	struct iso_list list = { hook, cookie };
	return iso_read_directory(fs->cookie, directory, iso_list_entry, &list);
}


const struct file_system_ops gIso9660FileSystem = {
	.name = "iso9660",
	.mount = iso_mount,
	.unmount = iso_unmount,
	.lookup = iso_lookup,
	.put_node = iso_put_node,
	.stat = iso_stat,
	.read = iso_read,
	.read_dir = iso_read_dir,
};
