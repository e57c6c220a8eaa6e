/* SPDX-License-Identifier: MIT */
/*
 * Boot counting: the chosen entry's file renamed for the try about to
 * start, and the new name told to the operating system.
 */
#include <boot/boot_counting.h>

#include <stdio.h>
#include <string.h>

#include <boot/config.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/vfs.h>

/* Room for a port's reason a file cannot be renamed. */
#define BOOT_COUNTING_REASON_SIZE	160


/* A copy of path whose last component is name; NULL when out of memory. */
static char *
boot_counting_renamed(const char *path, const char *name)
{
	size_t directory = (size_t)(strrchr(path, '/') + 1 - path);
	size_t size = directory + strlen(name) + 1;
	char *copy = heap_alloc(size);
	if (copy != NULL)
		snprintf(copy, size, "%.*s%s", (int)directory, path, name);
	return copy;
}


/* LoaderBootCountPath: the path on the volume, in the firmware's form. */
static void
boot_counting_publish(const char *volumePath)
{
	char path[VFS_PATH_LENGTH];
	size_t length = strlen(volumePath);
	if (length >= sizeof(path))
		return;
	for (size_t i = 0; i <= length; i++)
		path[i] = volumePath[i] == '/' ? '\\' : volumePath[i];
	status_t status = platform_set_loader_variable("LoaderBootCountPath", path, length + 1,
		PLATFORM_VARIABLE_TEXT);
	if (status != B_OK && status != B_NOT_SUPPORTED)
		boot_dprintf("boot: cannot set LoaderBootCountPath: %s\n", status_string(status));
}


/* Rename the file at "(<volume>)/<path>" to name, in its directory. */
static status_t
boot_counting_rename(const char *fileName, const char *name, char *reason, size_t size)
{
	const char *path = strchr(fileName, ')') + 1;
	char volumeName[VFS_NAME_SIZE];
	snprintf(volumeName, sizeof(volumeName), "%.*s", (int)(path - fileName - 2), fileName + 1);
	struct vfs_volume *volume;
	if (vfs_find_volume(volumeName, &volume) != B_OK) {
		snprintf(reason, size, "its volume is gone");
		return B_ENTRY_NOT_FOUND;
	}
	uint64_t offset;
	const struct block_device *disk = vfs_volume_disk(volume, &offset);
	status_t status = platform_rename_file(disk, offset, path, name, reason, size);
	/* even a failed rename may have written part of the directory */
	vfs_note_write();
	return status;
}


void
boot_counting_count_try(struct config_entry *entry)
{
	struct config_bls_entry *bls = entry->bls;
	if (bls == NULL || bls->tries_left < 0)
		return;
	/* one fewer left, never below none, and one more done, as systemd-boot counts */
	int32_t left = bls->tries_left > 0 ? bls->tries_left - 1 : 0;
	int32_t done = bls->tries_done < INT32_MAX ? bls->tries_done + 1 : INT32_MAX;
	const char *suffix = strrchr(strrchr(bls->file_name, '/'), '.');
	char next[VFS_NAME_SIZE];
	snprintf(next, sizeof(next), "%s+%d-%d%s", bls->id, (int)left, (int)done,
		suffix != NULL ? suffix : "");

	/* an image is the file it starts: read from its new name if it comes back */
	bool isImage = strcmp(entry->kernel_path, bls->file_name) == 0;
	char *fileName = boot_counting_renamed(bls->file_name, next);
	char *kernelPath = isImage && fileName != NULL ? heap_strdup(fileName) : NULL;
	char reason[BOOT_COUNTING_REASON_SIZE];
	status_t status = fileName == NULL || (isImage && kernelPath == NULL) ? B_NO_MEMORY
		: boot_counting_rename(bls->file_name, next, reason, sizeof(reason));
	if (status != B_OK) {
		heap_free(fileName);
		heap_free(kernelPath);
		boot_printf("boot: cannot count this try of %s: %s; it starts uncounted\n",
			bls->file_name, status == B_NO_MEMORY ? "out of memory" : reason);
		return;
	}
	boot_dprintf("boot: counted a try of %s: it is %s now\n", bls->file_name, next);
	if (isImage) {
		heap_free(entry->kernel_path);
		entry->kernel_path = kernelPath;
	}
	heap_free(bls->file_name);
	bls->file_name = fileName;
	bls->tries_left = left;
	bls->tries_done = done;
	boot_counting_publish(strchr(fileName, ')') + 1);
}
