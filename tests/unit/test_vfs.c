/* SPDX-License-Identifier: MIT */
/*
 * Tests of the VFS over whole disks: volumes on GPT and MBR partitions,
 * their names, the boot volume, path syntax, search order and messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/devices.h>
#include <boot/heap.h>
#include <boot/partitions.h>
#include <boot/vfs.h>

#include "test_disk.h"
#include "test_fs_platform.h"
#include "test_tree.h"
#include "unit_test.h"

/* where the partitions of gpt.img start */
#define GPT_P1		(2048ULL * 512)
#define GPT_P3		(18432ULL * 512)


static long
fresh(void)
{
	vfs_cleanup();
	test_platform_reset();
	return counted_heap_live();
}


static struct block_device *
add_disk(const char *image, const char *name, uint32_t flags)
{
	struct block_device *disk = test_disk_open(test_image_path(image), name, 512, flags);
	CHECK(disk != NULL);
	test_platform_add_disk(disk);
	return disk;
}


/* The file's content must be the extracted file's. */
static void
expect_file(const char *path, const char *expectedFile)
{
	size_t expectedSize;
	uint8_t *expected = test_read_file(test_image_path(expectedFile), &expectedSize);
	char error[VFS_ERROR_SIZE];
	void *data;
	size_t size;
	status_t status = vfs_load_file(path, &data, &size, error, sizeof(error));
	if (status != B_OK)
		unit_fail(__FILE__, __LINE__, "%s: %s", path, error);
	if (size != expectedSize || memcmp(data, expected, size) != 0)
		unit_fail(__FILE__, __LINE__, "%s is not %s", path, expectedFile);
	heap_free(data);
	free(expected);
}


static void
expect_error(const char *path, status_t expected, const char *message)
{
	char error[VFS_ERROR_SIZE];
	void *data;
	size_t size;
	status_t status = vfs_load_file(path, &data, &size, error, sizeof(error));
	if (status == B_OK)
		heap_free(data);
	if (status != expected || strcmp(error, message) != 0) {
		unit_fail(__FILE__, __LINE__, "%s: %d \"%s\", expected %d \"%s\"", path, status,
			status == B_OK ? "" : error, expected, message);
	}
}


TEST(gpt_partitions_become_named_volumes)
{
	long live = fresh();
	add_disk("gpt.img", "disk0", BLOCK_DEVICE_BOOT_DISK);
	CHECK_EQ(vfs_init(NULL), B_OK);
	CHECK_EQ(vfs_volume_count(), 3);

	struct vfs_volume_info info;
	vfs_volume_get_info(vfs_volume_at(0), &info);
	CHECK(strcmp(info.device_name, "disk0p1") == 0);
	CHECK(strcmp(info.fs_name, "fat") == 0);
	CHECK(strcmp(info.fs_detail, "FAT16") == 0);
	CHECK(strcmp(info.label, "ESP") == 0);
	CHECK(strcmp(info.partition_name, "EFI system") == 0);
	CHECK(info.has_guid);
	CHECK(info.boot);
	CHECK_EQ(info.size, 12288 * 512);
	vfs_volume_get_info(vfs_volume_at(1), &info);
	CHECK(strcmp(info.device_name, "disk0p2") == 0);
	CHECK(strcmp(info.fs_name, "tar") == 0);
	CHECK(strcmp(info.label, "") == 0);
	CHECK(strcmp(info.partition_name, "tar data") == 0);
	CHECK(!info.boot);
	vfs_volume_get_info(vfs_volume_at(2), &info);
	CHECK(strcmp(info.label, "SECOND") == 0);
	char guid[GUID_STRING_SIZE];
	guid_to_string(info.guid, guid);
	CHECK(strcmp(guid, "A1A1A1A1-B2B2-C3C3-D4D4-E5E5E5E5E503") == 0);
	CHECK(vfs_volume_at(3) == NULL);
	CHECK(vfs_boot_volume() == vfs_volume_at(0));

	/* the log tells the story */
	CHECK(test_output_contains("vfs: disk0: 16777216 bytes, 512-byte blocks, boot disk"));
	CHECK(test_output_contains("vfs: disk0: GPT partition table"));
	CHECK(test_output_contains("vfs: disk0p1: GPT partition 1 at 1048576, 6291456 bytes, "
		"type C12A7328-F81F-11D2-BA4B-00A0C93EC93B (EFI system), name \"EFI system\""));
	CHECK(test_output_contains("vfs: vol0: disk0p1, fat FAT16, label \"ESP\", boot volume"));
	CHECK(test_output_contains("vfs: vol1: disk0p2, tar ustar, label \"\""));

	/* every file of every partition, by every kind of name */
	CHECK_EQ(test_compare_tree(test_image_path("gpt-p1.d"), "(disk0p1)"), 4);
	CHECK_EQ(test_compare_tree(test_image_path("tar-ustar.d"), "(vol1)"), 9);
	CHECK_EQ(test_compare_tree(test_image_path("gpt-p3.d"), "(label=second)"), 3);
	CHECK_EQ(test_compare_tree(test_image_path("gpt-p3.d"),
		"(guid=a1a1a1a1-b2b2-c3c3-d4d4-e5e5e5e5e503)"), 3);
	CHECK_EQ(test_compare_tree(test_image_path("tar-ustar.d"), "(label=TAR DATA)"), 9);
	CHECK_EQ(test_compare_tree(test_image_path("gpt-p3.d"),
		"(label=Second FAT \xe2\x9c\x93)"), 3);

	struct vfs_volume *volume;
	CHECK_EQ(vfs_find_volume("vol2", &volume), B_OK);
	CHECK(volume == vfs_volume_at(2));
	CHECK_EQ(vfs_find_volume("label=esp", &volume), B_OK);
	CHECK(volume == vfs_volume_at(0));
	CHECK_EQ(vfs_find_volume("guid=A1A1A1A1-B2B2-C3C3-D4D4-E5E5E5E5E502", &volume), B_OK);
	CHECK(volume == vfs_volume_at(1));
	CHECK_EQ(vfs_find_volume("disk0p3", &volume), B_OK);
	CHECK(volume == vfs_volume_at(2));
	/* a label's beginning is not the label */
	const char *unknown[] = { "vol3", "vol", "vol1x", "vol99999999999", "label=",
		"label=nothing", "label=es", "label=secon",
		"guid=A1A1A1A1-B2B2-C3C3-D4D4-E5E5E5E5E504", "guid=xyz", "disk0", "disk0p", "" };
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		if (vfs_find_volume(unknown[i], &volume) != B_ENTRY_NOT_FOUND)
			unit_fail(__FILE__, __LINE__, "\"%s\" found", unknown[i]);
	}

	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


TEST(unprefixed_paths_search_the_boot_volume_first)
{
	/* the port says it started from partition 3 */
	fresh();
	add_disk("gpt.img", "disk0", BLOCK_DEVICE_BOOT_DISK);
	test_platform_set_boot_partition("disk0", GPT_P3);
	CHECK_EQ(vfs_init(NULL), B_OK);
	CHECK(vfs_boot_volume() == vfs_volume_at(2));
	struct vfs_volume_info info;
	expect_file("/boot/kernel", "gpt-p3.d/boot/kernel");
	/* what the boot volume lacks comes from the others, in order */
	expect_file("/only-on-gpt-p1.txt", "gpt-p1.d/only-on-gpt-p1.txt");
	expect_file("/only-in-tar.txt", "tar-ustar.d/only-in-tar.txt");
	expect_file("(disk0p1)/boot/kernel", "gpt-p1.d/boot/kernel");

	/* the boot menu's choice of a boot volume takes over the search */
	vfs_set_boot_volume(vfs_volume_at(0));
	CHECK(vfs_boot_volume() == vfs_volume_at(0));
	vfs_volume_get_info(vfs_volume_at(0), &info);
	CHECK(info.boot);
	vfs_volume_get_info(vfs_volume_at(2), &info);
	CHECK(!info.boot);
	expect_file("/boot/kernel", "gpt-p1.d/boot/kernel");

	/* without a boot partition, the first volume of the boot disk */
	fresh();
	add_disk("gpt.img", "disk0", BLOCK_DEVICE_BOOT_DISK);
	CHECK_EQ(vfs_init(NULL), B_OK);
	CHECK(vfs_boot_volume() == vfs_volume_at(0));
	expect_file("/boot/kernel", "gpt-p1.d/boot/kernel");

	/* the boot disk need not be the first one */
	fresh();
	add_disk("mbr.img", "disk0", 0);
	add_disk("gpt.img", "disk1", BLOCK_DEVICE_BOOT_DISK);
	CHECK_EQ(vfs_init(NULL), B_OK);
	CHECK_EQ(vfs_volume_count(), 8);
	vfs_volume_get_info(vfs_boot_volume(), &info);
	CHECK(strcmp(info.device_name, "disk1p1") == 0);
	expect_file("/boot/kernel", "gpt-p1.d/boot/kernel");
	expect_file("/only-on-mbr-p7.txt", "mbr-p7.d/only-on-mbr-p7.txt");

	/* and without any boot information, plain order */
	fresh();
	add_disk("mbr.img", "disk0", 0);
	add_disk("gpt.img", "disk1", 0);
	CHECK_EQ(vfs_init(NULL), B_OK);
	CHECK(vfs_boot_volume() == NULL);
	expect_file("/boot/kernel", "mbr-p1.d/boot/kernel");
	vfs_cleanup();
}


TEST(mbr_primary_and_logical_partitions_become_volumes)
{
	long live = fresh();
	add_disk("mbr.img", "disk0", BLOCK_DEVICE_BOOT_DISK);
	CHECK_EQ(vfs_init(NULL), B_OK);
	CHECK_EQ(vfs_volume_count(), 5);
	const char *names[] = { "disk0p1", "disk0p2", "disk0p5", "disk0p6", "disk0p7" };
	const char *systems[] = { "fat", "tar", "fat", "tar", "fat" };
	for (int i = 0; i < 5; i++) {
		struct vfs_volume_info info;
		vfs_volume_get_info(vfs_volume_at((uint32_t)i), &info);
		CHECK(strcmp(info.device_name, names[i]) == 0);
		CHECK(strcmp(info.fs_name, systems[i]) == 0);
		CHECK(!info.has_guid);
	}
	CHECK(test_output_contains("vfs: disk0p5: MBR partition 5 at 8388608, 4194304 bytes, "
		"type 0x06 (FAT16)"));
	CHECK_EQ(test_compare_tree(test_image_path("mbr-p1.d"), "(disk0p1)"), 3);
	CHECK_EQ(test_compare_tree(test_image_path("tar-ustar.d"), "(disk0p2)"), 9);
	CHECK_EQ(test_compare_tree(test_image_path("mbr-p5.d"), "(label=logical5)"), 3);
	CHECK_EQ(test_compare_tree(test_image_path("tar-gnu.d"), "(disk0p6)"), 10);
	CHECK_EQ(test_compare_tree(test_image_path("mbr-p7.d"), "(vol4)"), 3);
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


TEST(four_kilobyte_sectors_work_end_to_end)
{
	fresh();
	test_platform_add_disk(test_disk_open(test_image_path("gpt4k.img"), "disk0", 4096,
		BLOCK_DEVICE_BOOT_DISK));
	CHECK_EQ(vfs_init(NULL), B_OK);
	CHECK_EQ(vfs_volume_count(), 1);
	CHECK_EQ(test_compare_tree(test_image_path("gpt4k-p1.d"), "(label=FOURK)"), 2);
	vfs_cleanup();
}


TEST(paths_are_parsed_strictly_and_errors_say_where_and_why)
{
	long live = fresh();
	add_disk("gpt.img", "disk0", BLOCK_DEVICE_BOOT_DISK);
	CHECK_EQ(vfs_init(NULL), B_OK);
	expect_file("//boot//./kernel/", "gpt-p1.d/boot/kernel");
	expect_file("/EFI/../boot/../../boot/kernel", "gpt-p1.d/boot/kernel");
	expect_file("(vol2)/boot/kernel", "gpt-p3.d/boot/kernel");

	expect_error("boot/kernel", B_BAD_VALUE,
		"boot/kernel: a path starts with '/' or '(volume)'");
	expect_error("(vol0", B_BAD_VALUE, "(vol0: missing ')'");
	expect_error("(vol0)boot", B_BAD_VALUE, "(vol0)boot: '/' must follow the volume");
	expect_error("(vol7)/x", B_ENTRY_NOT_FOUND, "(vol7)/x: no volume vol7");
	expect_error(NULL, B_BAD_VALUE, "no path given");
	expect_error("(vol0)", B_BAD_VALUE, "disk0p1 (ESP): (vol0): is a directory");
	expect_error("/boot/nothing", B_ENTRY_NOT_FOUND, "/boot/nothing: not found on any volume");
	expect_error("(vol1)/nothing", B_ENTRY_NOT_FOUND,
		"disk0p2 (tar data): (vol1)/nothing: no such file or directory");
	expect_error("(vol0)/boot/kernel/x", B_BAD_VALUE,
		"disk0p1 (ESP): (vol0)/boot/kernel/x: a path component is not a directory");

	char *path = malloc(2000);
	memset(path, 'a', 1999);
	path[0] = '/';
	path[1999] = '\0';
	expect_error(path, B_NAME_TOO_LONG, "path longer than 1024 bytes");
	path[800] = '\0';
	char error[VFS_ERROR_SIZE];
	struct vfs_stat stat;
	CHECK_EQ(vfs_stat(path, &stat, error, sizeof(error)), B_NAME_TOO_LONG);
	free(path);
	/* a long path is shortened in the middle so that the reason still fits */
	CHECK(strncmp(error, "/aaaaaaaaaa", 11) == 0);
	if (strstr(error, "a...a") == NULL || strstr(error, "aaaaaaaaaa: name too long") == NULL)
		unit_fail(__FILE__, __LINE__, "%s", error);

	struct vfs_file *file;
	CHECK_EQ(vfs_open("(vol0)/boot", &file, error, sizeof(error)), B_OK);
	uint8_t buffer[16];
	size_t bytesRead;
	CHECK_EQ(vfs_read(file, 0, buffer, sizeof(buffer), &bytesRead, error, sizeof(error)),
		B_BAD_VALUE);
	CHECK(strcmp(error, "disk0p1 (ESP): (vol0)/boot: is a directory") == 0);
	CHECK(vfs_file_volume(file) == vfs_volume_at(0));
	vfs_close(file);

	/* errors never overrun a small buffer */
	char tiny[8];
	CHECK_EQ(vfs_stat("/boot/nothing", &stat, tiny, sizeof(tiny)), B_ENTRY_NOT_FOUND);
	CHECK(strcmp(tiny, "/boot/n") == 0);
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


/* The status of a lookup, and that its reason ends as given. */
static void
expect_lookup(const char *path, status_t expected, const char *reasonEnd, int line)
{
	char error[VFS_ERROR_SIZE];
	struct vfs_stat stat;
	status_t status = vfs_stat(path, &stat, error, sizeof(error));
	size_t length = strlen(error), endLength = strlen(reasonEnd);
	if (status != expected || length < endLength
			|| strcmp(error + length - endLength, reasonEnd) != 0) {
		unit_fail(__FILE__, line, "%zu-byte path: %d \"%s\", expected %d \"...%s\"",
			strlen(path), status, error, expected, reasonEnd);
	}
}


/* "/" and then components of the given lengths, each of 'a's. */
static char *
make_path(const size_t *lengths, size_t count)
{
	size_t total = 1;
	for (size_t i = 0; i < count; i++)
		total += lengths[i] + 1;
	char *path = malloc(total);
	size_t used = 0;
	for (size_t i = 0; i < count; i++) {
		path[used++] = '/';
		memset(path + used, 'a', lengths[i]);
		used += lengths[i];
	}
	path[used] = '\0';
	return path;
}


/* Each length limit at exactly its value and one byte past it. */
TEST(path_limits_hold_at_their_exact_boundaries)
{
	long live = fresh();
	add_disk("gpt.img", "disk0", BLOCK_DEVICE_BOOT_DISK);
	CHECK_EQ(vfs_init(NULL), B_OK);

	/* A component: VFS_NAME_SIZE - 1 bytes are a name, one more is not. */
	size_t name = VFS_NAME_SIZE - 1;
	char *path = make_path(&name, 1);
	expect_lookup(path, B_ENTRY_NOT_FOUND, "not found on any volume", __LINE__);
	free(path);
	name = VFS_NAME_SIZE;
	path = make_path(&name, 1);
	expect_lookup(path, B_NAME_TOO_LONG, "name too long", __LINE__);
	free(path);

	/* The whole path: VFS_PATH_LENGTH bytes are taken, one more is refused. */
	size_t lengths[2] = { VFS_NAME_SIZE - 1, VFS_PATH_LENGTH - VFS_NAME_SIZE - 1 };
	path = make_path(lengths, 2);
	CHECK_EQ(strlen(path), VFS_PATH_LENGTH);
	expect_lookup(path, B_ENTRY_NOT_FOUND, "not found on any volume", __LINE__);
	free(path);
	lengths[1]++;
	path = make_path(lengths, 2);
	expect_lookup(path, B_NAME_TOO_LONG, "path longer than 1024 bytes", __LINE__);
	free(path);

	/* A volume number past 32 bits names no volume, even one that wraps to 0 in 64. */
	expect_lookup("(vol4294967296)/boot/kernel", B_ENTRY_NOT_FOUND,
		"no volume vol4294967296", __LINE__);
	expect_lookup("(vol18446744073709551616)/boot/kernel", B_ENTRY_NOT_FOUND,
		"no volume vol18446744073709551616", __LINE__);
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


TEST(a_broken_volume_does_not_hide_the_others)
{
	long live = fresh();
	struct block_device *broken = add_disk("fat16-s1.img", "disk0", BLOCK_DEVICE_BOOT_DISK);
	add_disk("gpt.img", "disk1", 0);
	CHECK_EQ(vfs_init(NULL), B_OK);
	CHECK_EQ(vfs_volume_count(), 4);
	test_disk_set_failing(broken, 1);
	expect_file("/boot/kernel", "gpt-p1.d/boot/kernel");
	/*
	 * found nowhere: the first real error is the one worth reporting (the
	 * root was read at the mount and is kept: a directory below it fails)
	 */
	expect_error("/dir/nothing-anywhere", B_IO_ERROR,
		"disk0 (FAT16S1): /dir/nothing-anywhere: cannot read the FAT");
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


TEST(damaged_or_empty_disks_leave_the_good_ones_usable)
{
	long live = fresh();
	add_disk("gpt.img", "disk0", 0);
	add_disk("gpt-bad-entries.img", "disk1", 0);
	test_platform_add_disk(test_disk_memory(calloc(1, 1 << 20), 1 << 20, "disk2", 512, 0));
	CHECK_EQ(vfs_init(NULL), B_OK);
	CHECK_EQ(vfs_volume_count(), 3);
	CHECK(test_console_contains("disk1: GPT unusable"));
	CHECK(test_console_contains("vfs: disk1: GPT partition table damaged: bad data"));
	CHECK(test_output_contains("vfs: disk2: no partition table"));
	CHECK(test_output_contains("vfs: disk2: no known file system"));
	expect_file("/boot/kernel", "gpt-p1.d/boot/kernel");
	/* A file found nowhere may have been on the damaged disk: the error says so. */
	expect_error("/boot/nothing", B_ENTRY_NOT_FOUND, "/boot/nothing: not found on any volume; "
		"damaged: disk1: GPT partition table damaged");

	/* a second init is a bug of the caller */
	CHECK_EQ(vfs_init(NULL), B_NOT_ALLOWED);
	int cleanups = test_platform_cleanup_count();
	vfs_cleanup();
	CHECK_EQ(test_platform_cleanup_count(), cleanups + 1);
	CHECK(devices_first() == NULL);
	CHECK_EQ(counted_heap_live(), live);

	/* nothing at all */
	fresh();
	CHECK_EQ(vfs_init(NULL), B_ENTRY_NOT_FOUND);
	CHECK(test_console_contains("vfs: no disks: no such file or directory"));
	vfs_cleanup();

	fresh();
	add_disk("gpt-bad-entries.img", "disk0", 0);
	add_disk("gpt-bad-entries.img", "disk1", 0);
	CHECK_EQ(vfs_init(NULL), B_ENTRY_NOT_FOUND);
	expect_error("/boot/kernel", B_ENTRY_NOT_FOUND, "/boot/kernel: no volumes; damaged: "
		"disk0: GPT partition table damaged (and 1 more)");
	vfs_cleanup();

	/* The damage is forgotten with the volumes. */
	fresh();
	test_platform_add_disk(test_disk_memory(calloc(1, 1 << 20), 1 << 20, "disk0", 512, 0));
	CHECK_EQ(vfs_init(NULL), B_ENTRY_NOT_FOUND);
	CHECK(test_console_contains("vfs: no volume found on 1 disk"));
	expect_error("/boot/kernel", B_ENTRY_NOT_FOUND, "/boot/kernel: no volumes");
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


static bool
find_name(void *cookie, const char *name, const struct vfs_stat *stat)
{
	const char **wanted = cookie;
	if (strcmp(name, *wanted) == 0)
		*wanted = NULL;
	return *wanted != NULL;
}


TEST(directories_list_on_every_kind_of_volume)
{
	fresh();
	add_disk("gpt.img", "disk0", 0);
	CHECK_EQ(vfs_init(NULL), B_OK);
	const char *wanted = "modules";
	CHECK_EQ(vfs_list_directory("(vol1)/boot", find_name, &wanted, NULL, 0), B_OK);
	CHECK(wanted == NULL);
	wanted = "EFI";
	CHECK_EQ(vfs_list_directory("/", find_name, &wanted, NULL, 0), B_OK);
	CHECK(wanted == NULL);
	wanted = "kernel";
	char error[VFS_ERROR_SIZE];
	CHECK_EQ(vfs_list_directory("(vol1)/boot/kernel", find_name, &wanted, error,
		sizeof(error)), B_BAD_VALUE);
	CHECK(strcmp(error, "disk0p2 (tar data): (vol1)/boot/kernel: not a directory") == 0);
	vfs_cleanup();
}
