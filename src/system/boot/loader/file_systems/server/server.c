/* SPDX-License-Identifier: MIT */
/*
 * A file server (boot/file_server.h) as a read-only volume. The server sends
 * a file only from its start, so a file is fetched into memory once and
 * read from there: a read that ends in its first FILE_SERVER_PREFIX_UNIT
 * bytes fetches only those (the loader's look at a kernel's headers), a
 * read of the whole file goes straight into the caller's buffer, and any
 * other fetches the whole file and keeps it until the file is closed.
 */
#include <stdio.h>
#include <string.h>

#include <boot/file_server.h>
#include <boot/heap.h>


struct server_node {
	char		*path;			/* relative to the server's root; NULL: the root */
	uint64_t	size;
	uint8_t		*data;			/* the file's first `cached` bytes */
	uint64_t	cached;
};


static struct file_server *
server_of(struct fs_volume *fs)
{
	return fs->device->cookie;
}


/* The file's first length bytes into buffer, all of them. */
static status_t
server_fetch(struct fs_volume *fs, struct server_node *file, void *buffer, uint64_t length)
{
	struct file_server *server = server_of(fs);
	uint64_t received = 0;
	status_t status = server->ops->fetch(server, file->path, buffer, length, &received,
		fs->reason, sizeof(fs->reason));
	if (status == B_OK && received < length) {
		fs_set_reason(fs, "the file ended after %llu of %llu bytes",
			(unsigned long long)received, (unsigned long long)length);
		return B_BAD_DATA;
	}
	return status;
}


static status_t
server_mount(struct fs_volume *fs, void **_root)
{
	struct server_node *root = heap_calloc(1, sizeof(*root));
	if (root == NULL)
		return B_NO_MEMORY;
	struct file_server *server = server_of(fs);
	snprintf(fs->label, sizeof(fs->label), "%s", server->address);
	snprintf(fs->detail, sizeof(fs->detail), "%s", server->protocol);
	*_root = root;
	return B_OK;
}


static void
server_put_node(struct fs_volume *fs, void *node)
{
	struct server_node *file = node;
	heap_free(file->data);
	heap_free(file->path);
	heap_free(file);
}


static void
server_unmount(struct fs_volume *fs, void *root)
{
	server_put_node(fs, root);
}


/* With whole_paths set, name is every component below the root: "boot/kernel". */
static status_t
server_lookup(struct fs_volume *fs, void *directory, const char *name, void **_node)
{
	struct server_node *node = heap_calloc(1, sizeof(*node));
	size_t length = strlen(name);
	char *path = heap_alloc(length + 1);
	if (node == NULL || path == NULL) {
		heap_free(node);
		heap_free(path);
		return B_NO_MEMORY;
	}
	memcpy(path, name, length + 1);
	node->path = path;

	struct file_server *server = server_of(fs);
	status_t status = server->ops->size(server, path, &node->size, fs->reason,
		sizeof(fs->reason));
	if (status != B_OK) {
		server_put_node(fs, node);
		return status;
	}
	*_node = node;
	return B_OK;
}


static void
server_stat(struct fs_volume *fs, void *node, struct vfs_stat *stat)
{
	const struct server_node *file = node;
	stat->type = file->path == NULL ? VFS_DIRECTORY : VFS_FILE;
	stat->size = file->size;
}


/* Keep the file's first length bytes in memory, instead of what was kept. */
static status_t
server_cache(struct fs_volume *fs, struct server_node *file, uint64_t length)
{
	uint8_t *data = length == (size_t)length ? heap_alloc((size_t)length) : NULL;
	if (data == NULL) {
		fs_set_reason(fs, "no memory to fetch %llu bytes",
			(unsigned long long)length);
		return B_NO_MEMORY;
	}
	status_t status = server_fetch(fs, file, data, length);
	if (status != B_OK) {
		heap_free(data);
		return status;
	}
	heap_free(file->data);
	file->data = data;
	file->cached = length;
	return B_OK;
}


static status_t
server_read(struct fs_volume *fs, void *node, uint64_t offset, void *buffer,
	size_t length, size_t *_bytesRead)
{
	struct server_node *file = node;
	*_bytesRead = 0;
	if (offset >= file->size || length == 0)
		return B_OK;
	if (length > file->size - offset)
		length = (size_t)(file->size - offset);
	uint64_t end = offset + length;

	if (end > file->cached) {
		if (offset == 0 && end == file->size) {
			status_t status = server_fetch(fs, file, buffer, end);
			if (status == B_OK)
				*_bytesRead = length;
			return status;
		}
		uint64_t wanted = end <= FILE_SERVER_PREFIX_UNIT
			&& file->size > FILE_SERVER_PREFIX_UNIT ? FILE_SERVER_PREFIX_UNIT : file->size;
		status_t status = server_cache(fs, file, wanted);
		if (status != B_OK)
			return status;
	}
	memcpy(buffer, file->data + offset, length);
	*_bytesRead = length;
	return B_OK;
}


static status_t
server_read_dir(struct fs_volume *fs, void *directory, fs_dir_hook hook, void *cookie)
{
	fs_set_reason(fs, "a %s server lists no directories", server_of(fs)->protocol);
	return B_NOT_SUPPORTED;
}


const struct file_system_ops gServerFileSystem = {
	.name = "server",
	.whole_paths = true,
	.mount = server_mount,
	.unmount = server_unmount,
	.lookup = server_lookup,
	.put_node = server_put_node,
	.stat = server_stat,
	.read = server_read,
	.read_dir = server_read_dir,
};
