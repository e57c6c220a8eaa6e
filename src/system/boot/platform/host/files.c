/* SPDX-License-Identifier: MIT */
/*
 * Renaming a file on a disk image, the one write the loader makes (boot
 * counting): through mtools' mren, the tool the tests make the images with,
 * as a firmware would through its own FAT driver; the loader's file systems
 * stay read-only here too.
 */
#include "host_platform.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boot/block_device.h>
#include <boot/platform.h>
#include <boot/vfs.h>

extern char **environ;


/* Run mren, its output to the log; false, with the reason, when it failed. */
static bool
files_run_mren(char *const arguments[], char *reason, size_t reasonSize)
{
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	/* nothing to answer: with -D s a name that exists already is a failure */
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
	pid_t child;
	int error = posix_spawnp(&child, "mren", &actions, NULL, arguments, environ);
	posix_spawn_file_actions_destroy(&actions);
	int status = 0;
	if (error != 0) {
		snprintf(reason, reasonSize, "cannot run mren: %s", strerror(error));
		return false;
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status)
			|| WEXITSTATUS(status) != 0) {
		snprintf(reason, reasonSize, "mren failed (status %#x)", (unsigned)status);
		return false;
	}
	return true;
}


status_t
platform_rename_file(const struct block_device *disk, uint64_t offset, const char *path,
	const char *name, char *reason, size_t reasonSize)
{
	const char *image = host_disk_image_path(disk);
	if (image == NULL) {
		snprintf(reason, reasonSize, "%s is no disk image", disk->name);
		return B_NOT_SUPPORTED;
	}
	char drive[VFS_PATH_LENGTH + 32];
	char from[VFS_PATH_LENGTH + 4];
	char to[VFS_PATH_LENGTH + VFS_NAME_SIZE];
	snprintf(drive, sizeof(drive), "%s@@%llu", image, (unsigned long long)offset);
	snprintf(from, sizeof(from), "::%s", path);
	snprintf(to, sizeof(to), "::%.*s%s", (int)(strrchr(path, '/') + 1 - path), path, name);
	char *arguments[] = { "mren", "-D", "s", "-i", drive, from, to, NULL };
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	return files_run_mren(arguments, reason, reasonSize) ? B_OK : B_IO_ERROR;
}
