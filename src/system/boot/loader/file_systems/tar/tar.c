/* SPDX-License-Identifier: MIT */
/*
 * tar archives (ustar, GNU and pax headers) as read-only volumes: the whole
 * archive is indexed into a tree at mount, and reads go straight to the data.
 *
 * Names are matched exactly (tar is a POSIX format). Directories need no
 * entry of their own; every path implies its parents. Regular files, hard
 * links to them and directories are kept; other entry types are skipped.
 */
#include "tar.h"

#include <string.h>

#include <boot/heap.h>


static status_t
tar_mount(struct fs_volume *fs, void **_root)
{
	struct tar_mount *mount = heap_calloc(1, sizeof(*mount));
	struct tar_node *root = heap_calloc(1, sizeof(*root));
	char *rootName = heap_alloc(1);
	struct tar_node **buckets = heap_calloc(TAR_INITIAL_BUCKETS, sizeof(*buckets));
	if (mount == NULL || root == NULL || rootName == NULL || buckets == NULL) {
		heap_free(mount);
		heap_free(root);
		heap_free(rootName);
		heap_free(buckets);
		return B_NO_MEMORY;
	}
	mount->buckets = buckets;
	mount->bucket_count = TAR_INITIAL_BUCKETS;
	rootName[0] = '\0';
	root->name = rootName;
	root->directory = true;
	mount->fs = fs;
	mount->root = root;

	status_t status = tar_index(mount);
	heap_free(mount->long_name);
	heap_free(mount->long_link);
	mount->long_name = NULL;
	mount->long_link = NULL;
	if (status != B_OK) {
		tar_free_tree(root);
		heap_free(mount->buckets);
		heap_free(mount);
		return status;
	}

	fs->cookie = mount;
	*_root = root;
	return B_OK;
}


static void
tar_unmount(struct fs_volume *fs, void *root)
{
	struct tar_mount *mount = fs->cookie;
	tar_free_tree(root);
	heap_free(mount->buckets);
	heap_free(mount);
	fs->cookie = NULL;
}


static status_t
tar_lookup(struct fs_volume *fs, void *_directory, const char *name, void **_node)
{
	struct tar_node *directory = _directory;
	if (!directory->directory)
		return B_BAD_VALUE;
	struct tar_node *node = tar_find_child(fs->cookie, directory, name, strlen(name));
	if (node == NULL)
		return B_ENTRY_NOT_FOUND;
	*_node = node;
	return B_OK;
}


static void
tar_put_node(struct fs_volume *fs, void *node)
{
	/* nodes belong to the tree until unmount */
}


static void
tar_stat(struct fs_volume *fs, void *_node, struct vfs_stat *stat)
{
	struct tar_node *node = _node;
	stat->type = node->directory ? VFS_DIRECTORY : VFS_FILE;
	stat->size = node->directory ? 0 : node->size;
}


static status_t
tar_read(struct fs_volume *fs, void *_node, uint64_t offset, void *buffer,
	size_t length, size_t *_bytesRead)
{
	struct tar_node *node = _node;
	*_bytesRead = 0;
	if (node->directory)
		return B_BAD_VALUE;
	return fs_read_run(fs, node->offset, node->size, offset, buffer, length, _bytesRead);
}


static status_t
tar_read_dir(struct fs_volume *fs, void *_directory, fs_dir_hook hook, void *cookie)
{
	struct tar_node *directory = _directory;
	if (!directory->directory)
		return B_BAD_VALUE;
	for (struct tar_node *child = directory->first_child; child != NULL;
			child = child->next_sibling) {
		struct vfs_stat stat;
		tar_stat(fs, child, &stat);
		if (!hook(cookie, child->name, &stat))
			break;
	}
	return B_OK;
}


const struct file_system_ops gTarFileSystem = {
	.name = "tar",
	.mount = tar_mount,
	.unmount = tar_unmount,
	.lookup = tar_lookup,
	.put_node = tar_put_node,
	.stat = tar_stat,
	.read = tar_read,
	.read_dir = tar_read_dir,
};
