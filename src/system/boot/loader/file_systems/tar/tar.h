/* SPDX-License-Identifier: MIT */
/*
 * tar internals shared by the index, the tree and the file system glue.
 */
#ifndef TAR_H
#define TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/file_system.h>

#define TAR_INITIAL_BUCKETS		256

struct tar_node {
	char			*name;
	struct tar_node	*parent;
	struct tar_node	*first_child;
	struct tar_node	*last_child;
	struct tar_node	*next_sibling;
	struct tar_node	*hash_next;		/* in the mount's (parent, name) table */
	bool			directory;
	uint64_t		offset;			/* of the data on the device */
	uint64_t		size;
};

struct tar_mount {
	struct fs_volume	*fs;
	struct tar_node		*root;
	char				*long_name;		/* from a GNU 'L' or pax entry, for the next file */
	char				*long_link;		/* from a GNU 'K' entry */
	/* From a pax header, for the next entry: its size, and whether it is sparse. */
	uint64_t			pax_size;
	bool				pax_has_size;
	bool				pax_sparse;
	/*
	 * Children by (parent, name): a linear search per entry would make a
	 * hostile archive of many files in one directory quadratic to mount.
	 */
	struct tar_node		**buckets;
	uint32_t			bucket_count;	/* a power of two */
	uint32_t			node_count;
};


/* tar_tree.c */
/* The child called name (length bytes) of directory, or NULL. */
struct tar_node *tar_find_child(struct tar_mount *mount, struct tar_node *directory,
	const char *name, size_t length);
/*
 * The node for path, created with its parents as needed when create is set.
 * B_BAD_VALUE for paths with ".." and paths through files,
 * B_ENTRY_NOT_FOUND, B_NO_MEMORY.
 */
status_t tar_walk(struct tar_mount *mount, const char *path, bool create,
	bool isDirectory, struct tar_node **_node);
void tar_free_tree(struct tar_node *root);

/* tar_index.c */
/*
 * Read every header of the archive on mount->fs->device into the tree.
 * B_NOT_SUPPORTED when it is no tar archive; B_BAD_DATA with a reason.
 */
status_t tar_index(struct tar_mount *mount);

#endif
