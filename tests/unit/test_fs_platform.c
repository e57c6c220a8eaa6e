/* SPDX-License-Identifier: MIT */
/*
 * The platform side of the partition, file system and VFS tests.
 */
#include "test_fs_platform.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <boot/block_device.h>
#include <boot/platform.h>
#include <boot/stdio.h>

#include "unit_test.h"

#define MAX_DISKS		8
#define OUTPUT_SIZE		(256 * 1024)

static struct block_device *sDisks[MAX_DISKS];
static int sDiskCount;
static char sBootDisk[BLOCK_DEVICE_NAME_LENGTH];
static uint64_t sBootOffset;
static char sOutput[OUTPUT_SIZE];
static size_t sOutputLength;
static char sConsole[OUTPUT_SIZE];
static size_t sConsoleLength;
static int sCleanupCount;
static struct file_server *sServer;


/* --- output ------------------------------------------------------------- */

static void
test_append(char *buffer, size_t *length, const char *format, va_list args)
{
	if (*length + 1 >= OUTPUT_SIZE)
		return;
	int count = vsnprintf(buffer + *length, OUTPUT_SIZE - *length, format, args);
	if (count > 0)
		*length += (size_t)count < OUTPUT_SIZE - *length ? (size_t)count
			: OUTPUT_SIZE - *length - 1;
}


void
boot_printf(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	test_append(sConsole, &sConsoleLength, format, args);
	va_end(args);
	va_start(args, format);
	test_append(sOutput, &sOutputLength, format, args);
	va_end(args);
	if (getenv("TEST_VERBOSE") != NULL) {
		va_start(args, format);
		vfprintf(stderr, format, args);
		va_end(args);
	}
}


void
boot_dprintf(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	test_append(sOutput, &sOutputLength, format, args);
	va_end(args);
	if (getenv("TEST_VERBOSE") != NULL) {
		va_start(args, format);
		vfprintf(stderr, format, args);
		va_end(args);
	}
}


const char *
test_output(void)
{
	return sOutput;
}


bool
test_output_contains(const char *text)
{
	return strstr(sOutput, text) != NULL;
}


bool
test_console_contains(const char *text)
{
	return strstr(sConsole, text) != NULL;
}


/* --- devices ------------------------------------------------------------ */

void
test_platform_add_disk(struct block_device *disk)
{
	if (disk == NULL || sDiskCount == MAX_DISKS)
		unit_fail(__FILE__, __LINE__, "cannot add a test disk");
	sDisks[sDiskCount++] = disk;
}


void
test_platform_set_boot_partition(const char *diskName, uint64_t offset)
{
	snprintf(sBootDisk, sizeof(sBootDisk), "%s", diskName);
	sBootOffset = offset;
}


void
test_platform_set_file_server(struct file_server *server)
{
	sServer = server;
}


void
test_platform_reset(void)
{
	sDiskCount = 0;
	sServer = NULL;
	sBootDisk[0] = '\0';
	sOutputLength = 0;
	sOutput[0] = '\0';
	sConsoleLength = 0;
	sConsole[0] = '\0';
}


int
test_platform_cleanup_count(void)
{
	return sCleanupCount;
}


status_t
platform_add_block_devices(struct stage2_args *args)
{
	if (sDiskCount == 0)
		return B_ENTRY_NOT_FOUND;
	for (int i = 0; i < sDiskCount; i++)
		block_device_register(sDisks[i]);
	sDiskCount = 0;
	return B_OK;
}


struct file_server *
platform_boot_file_server(struct stage2_args *args)
{
	struct file_server *server = sServer;
	sServer = NULL;
	return server;
}


bool
platform_is_boot_partition(struct stage2_args *args, const struct block_device *disk,
	uint64_t offset)
{
	return strcmp(disk->name, sBootDisk) == 0 && offset == sBootOffset;
}


void
platform_cleanup_devices(void)
{
	sCleanupCount++;
}


/* --- image files -------------------------------------------------------- */

const char *
test_image_path(const char *name)
{
	static char path[2 * PATH_MAX];
	const char *directory = getenv("TEST_IMAGE_DIR");
	if (directory != NULL) {
		snprintf(path, sizeof(path), "%s/%s", directory, name);
		return path;
	}

	/* the binaries live in generated/host, the images in generated/test-images */
	char executable[PATH_MAX];
	ssize_t length = readlink("/proc/self/exe", executable, sizeof(executable) - 1);
	if (length <= 0)
		unit_fail(__FILE__, __LINE__, "cannot find the test binary");
	executable[length] = '\0';
	char *slash = strrchr(executable, '/');
	if (slash != NULL)
		*slash = '\0';
	snprintf(path, sizeof(path), "%s/../test-images/%s", executable, name);
	return path;
}


uint8_t *
test_read_file(const char *path, size_t *_size)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		unit_fail(__FILE__, __LINE__, "cannot open %s (run jam to make the test images)", path);
	fseek(file, 0, SEEK_END);
	long size = ftell(file);
	fseek(file, 0, SEEK_SET);
	uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
	if (data == NULL || (size > 0 && fread(data, 1, (size_t)size, file) != (size_t)size)) {
		fclose(file);
		free(data);
		unit_fail(__FILE__, __LINE__, "cannot read %s", path);
	}
	fclose(file);
	*_size = (size_t)size;
	return data;
}
