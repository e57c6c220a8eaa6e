/* SPDX-License-Identifier: MIT */
/*
 * The FAT file system as the VFS sees it: mount, lookup, stat, read and list.
 *
 * Lookups fold ASCII case only ("KERNEL" finds "kernel"); other characters
 * must match exactly. Both the long and the 8.3 name of an entry match.
 */
#include "fat.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <boot/heap.h>


struct fat_lookup {
	const char			*name;
	struct fat_entry	found;
	bool				matched;
};

struct fat_list {
	fs_dir_hook		hook;
	void			*cookie;
};


static struct fat_node *
fat_new_node(void)
{
	return heap_calloc(1, sizeof(struct fat_node));
}


static void
fat_free_node(struct fat_node *node)
{
	if (node == NULL)
		return;
	heap_free(node->runs);
	heap_free(node);
}


static status_t
fat_mount(struct fs_volume *fs, void **_root)
{
	struct fat_volume *volume = heap_alloc(sizeof(*volume));
	if (volume == NULL)
		return B_NO_MEMORY;
	status_t status = fat_volume_init(volume, fs);
	if (status != B_OK) {
		fat_volume_uninit(volume);
		heap_free(volume);
		return status;
	}

	struct fat_node *root = fat_new_node();
	if (root == NULL) {
		fat_volume_uninit(volume);
		heap_free(volume);
		return B_NO_MEMORY;
	}
	root->directory = true;
	if (volume->fat_bits == 32)
		root->first_cluster = volume->root_cluster;
	else
		root->fixed_root = true;

	fs->cookie = volume;
	snprintf(fs->detail, sizeof(fs->detail), "FAT%u", volume->fat_bits);
	fat_dir_read_label(volume, root, fs->label, sizeof(fs->label));
	*_root = root;
	return B_OK;
}


static void
fat_unmount(struct fs_volume *fs, void *root)
{
	struct fat_volume *volume = fs->cookie;
	fat_free_node(root);
	fat_volume_uninit(volume);
	heap_free(volume);
	fs->cookie = NULL;
}


static status_t
fat_lookup_hook(void *cookie, const struct fat_entry *entry)
{
	struct fat_lookup *lookup = cookie;
	if ((entry->attributes & FAT_ATTR_VOLUME_ID) != 0)
		return B_OK;
	/* ASCII folding only: enough for the names a boot loader looks up */
	if (strcasecmp(entry->name, lookup->name) != 0
		&& strcasecmp(entry->short_name, lookup->name) != 0) {
		return B_OK;
	}
	lookup->found = *entry;
	lookup->matched = true;
	return FAT_STOP;
}


static status_t
fat_lookup(struct fs_volume *fs, void *directory, const char *name, void **_node)
{
	struct fat_volume *volume = fs->cookie;
	struct fat_lookup *lookup = heap_alloc(sizeof(*lookup));
	if (lookup == NULL)
		return B_NO_MEMORY;
	lookup->name = name;
	lookup->matched = false;

	status_t status = fat_dir_iterate(volume, directory, fat_lookup_hook, lookup);
	if (status == B_OK && !lookup->matched)
		status = B_ENTRY_NOT_FOUND;
	if (status != B_OK) {
		heap_free(lookup);
		return status;
	}

	const struct fat_entry *entry = &lookup->found;
	bool isDirectory = (entry->attributes & FAT_ATTR_DIRECTORY) != 0;
	/* Caught here, so that nobody allocates gigabytes for a bogus size. */
	if (!isDirectory
		&& entry->size > (uint64_t)volume->cluster_count * volume->cluster_size) {
		fs_set_reason(fs, "FAT directory entry claims %u bytes, more than the volume "
			"holds", entry->size);
		heap_free(lookup);
		return B_BAD_DATA;
	}

	struct fat_node *node = fat_new_node();
	if (node == NULL) {
		heap_free(lookup);
		return B_NO_MEMORY;
	}
	node->directory = isDirectory;
	node->first_cluster = entry->first_cluster;
	node->size = isDirectory ? 0 : entry->size;
	/* ".." of a first-level directory points at cluster 0, the root */
	if (isDirectory && node->first_cluster == 0 && volume->fat_bits != 32)
		node->fixed_root = true;
	else if (isDirectory && node->first_cluster == 0)
		node->first_cluster = volume->root_cluster;

	heap_free(lookup);
	*_node = node;
	return B_OK;
}


static void
fat_put_node(struct fs_volume *fs, void *node)
{
	fat_free_node(node);
}


static void
fat_stat(struct fs_volume *fs, void *_node, struct vfs_stat *stat)
{
	struct fat_node *node = _node;
	stat->type = node->directory ? VFS_DIRECTORY : VFS_FILE;
	stat->size = node->directory ? 0 : node->size;
}


static status_t
fat_read(struct fs_volume *fs, void *_node, uint64_t offset, void *buffer,
	size_t length, size_t *_bytesRead)
{
	struct fat_volume *volume = fs->cookie;
	struct fat_node *node = _node;
	*_bytesRead = 0;
	if (node->directory)
		return B_BAD_VALUE;
	if (offset >= node->size)
		return B_OK;
	if (length > node->size - offset)
		length = (size_t)(node->size - offset);

	status_t status = fat_map_node(volume, node);
	if (status != B_OK)
		return status;
	status = fat_node_read(volume, node, offset, buffer, length);
	if (status != B_OK)
		return status;
	*_bytesRead = length;
	return B_OK;
}


static status_t
fat_list_hook(void *cookie, const struct fat_entry *entry)
{
	struct fat_list *list = cookie;
	if ((entry->attributes & FAT_ATTR_VOLUME_ID) != 0)
		return B_OK;
	struct vfs_stat stat;
	stat.type = (entry->attributes & FAT_ATTR_DIRECTORY) != 0 ? VFS_DIRECTORY : VFS_FILE;
	stat.size = stat.type == VFS_DIRECTORY ? 0 : entry->size;
	return list->hook(list->cookie, entry->name, &stat) ? B_OK : FAT_STOP;
}


static status_t
fat_read_dir(struct fs_volume *fs, void *directory, fs_dir_hook hook, void *cookie)
{
	struct fat_node *node = directory;
	if (!node->directory)
		return B_BAD_VALUE;
	struct fat_list list = { hook, cookie };
	return fat_dir_iterate(fs->cookie, node, fat_list_hook, &list);
}


const struct file_system_ops gFatFileSystem = {
	.name = "fat",
	.mount = fat_mount,
	.unmount = fat_unmount,
	.lookup = fat_lookup,
	.put_node = fat_put_node,
	.stat = fat_stat,
	.read = fat_read,
	.read_dir = fat_read_dir,
};
