/* SPDX-License-Identifier: MIT */
/*
 * Compares what the VFS reads with what mtools or tar extracted.
 */
#include "test_tree.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <boot/heap.h>
#include <boot/vfs.h>

#include "test_fs_platform.h"
#include "unit_test.h"

#define MAX_ENTRIES		256
/* a prime, so that pieces straddle every cluster and block boundary */
#define PIECE_SIZE		4093

struct listing {
	int				count;
	char			*names[MAX_ENTRIES];
	struct vfs_stat	stats[MAX_ENTRIES];
};


static bool
collect_entry(void *cookie, const char *name, const struct vfs_stat *stat)
{
	struct listing *listing = cookie;
	if (listing->count == MAX_ENTRIES)
		unit_fail(__FILE__, __LINE__, "more than %d entries", MAX_ENTRIES);
	listing->names[listing->count] = strdup(name);
	listing->stats[listing->count] = *stat;
	listing->count++;
	return true;
}


static void
compare_file(const char *hostPath, const char *vfsPath)
{
	size_t expectedSize;
	uint8_t *expected = test_read_file(hostPath, &expectedSize);

	char error[VFS_ERROR_SIZE];
	void *data;
	size_t size;
	status_t status = vfs_load_file(vfsPath, &data, &size, error, sizeof(error));
	if (status != B_OK)
		unit_fail(__FILE__, __LINE__, "%s: %s", vfsPath, error);
	if (size != expectedSize || memcmp(data, expected, size) != 0)
		unit_fail(__FILE__, __LINE__, "%s: %zu bytes differ from %s", vfsPath, size, hostPath);
	heap_free(data);

	struct vfs_file *file;
	CHECK_EQ(vfs_open(vfsPath, &file, error, sizeof(error)), B_OK);
	struct vfs_stat stat;
	vfs_file_stat(file, &stat);
	CHECK_EQ(stat.type, VFS_FILE);
	CHECK_EQ(stat.size, expectedSize);
	uint8_t *piece = malloc(PIECE_SIZE);
	for (size_t offset = 0; offset < expectedSize; offset += PIECE_SIZE) {
		size_t bytesRead;
		CHECK_EQ(vfs_read(file, offset, piece, PIECE_SIZE, &bytesRead, error,
			sizeof(error)), B_OK);
		size_t left = expectedSize - offset;
		CHECK_EQ(bytesRead, left < PIECE_SIZE ? left : PIECE_SIZE);
		if (memcmp(piece, expected + offset, bytesRead) != 0)
			unit_fail(__FILE__, __LINE__, "%s: piece at %zu differs", vfsPath, offset);
	}
	size_t bytesRead = 1;
	CHECK_EQ(vfs_read(file, expectedSize, piece, 10, &bytesRead, NULL, 0), B_OK);
	CHECK_EQ(bytesRead, 0);
	free(piece);
	vfs_close(file);
	free(expected);
}


static int
compare_directory(const char *hostRoot, const char *relative, const char *prefix)
{
	char hostPath[PATH_MAX];
	char vfsPath[VFS_PATH_LENGTH + 1];
	snprintf(hostPath, sizeof(hostPath), "%s%s", hostRoot, relative);
	snprintf(vfsPath, sizeof(vfsPath), "%s%s", prefix, relative[0] != '\0' ? relative : "/");

	struct listing *listing = calloc(1, sizeof(*listing));
	char error[VFS_ERROR_SIZE];
	status_t status = vfs_list_directory(vfsPath, collect_entry, listing, error,
		sizeof(error));
	if (status != B_OK)
		unit_fail(__FILE__, __LINE__, "%s: %s", vfsPath, error);

	DIR *directory = opendir(hostPath);
	CHECK(directory != NULL);
	int hostCount = 0;
	int files = 0;
	struct dirent *entry;
	while ((entry = readdir(directory)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		hostCount++;
		char childHost[PATH_MAX + 256];
		char childRelative[VFS_PATH_LENGTH + 1];
		snprintf(childHost, sizeof(childHost), "%s/%s", hostPath, entry->d_name);
		snprintf(childRelative, sizeof(childRelative), "%s/%s", relative, entry->d_name);
		struct stat st;
		CHECK(stat(childHost, &st) == 0);

		int found = -1;
		for (int i = 0; i < listing->count; i++) {
			if (strcmp(listing->names[i], entry->d_name) == 0)
				found = i;
		}
		if (found < 0)
			unit_fail(__FILE__, __LINE__, "%s: %s missing from the listing", vfsPath,
				entry->d_name);
		if (S_ISDIR(st.st_mode)) {
			CHECK_EQ(listing->stats[found].type, VFS_DIRECTORY);
			files += compare_directory(hostRoot, childRelative, prefix);
		} else {
			CHECK_EQ(listing->stats[found].type, VFS_FILE);
			CHECK_EQ(listing->stats[found].size, (uint64_t)st.st_size);
			char childVfs[VFS_PATH_LENGTH + 1];
			snprintf(childVfs, sizeof(childVfs), "%s%s", prefix, childRelative);
			compare_file(childHost, childVfs);
			files++;
		}
	}
	closedir(directory);
	if (hostCount != listing->count)
		unit_fail(__FILE__, __LINE__, "%s: %d entries listed, %d extracted", vfsPath,
			listing->count, hostCount);
	for (int i = 0; i < listing->count; i++)
		free(listing->names[i]);
	free(listing);
	return files;
}


int
test_compare_tree(const char *hostRoot, const char *prefix)
{
	char root[PATH_MAX];
	snprintf(root, sizeof(root), "%s", hostRoot);
	return compare_directory(root, "", prefix);
}
