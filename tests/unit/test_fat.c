/* SPDX-License-Identifier: MIT */
/*
 * Tests of the FAT file system on volumes made by mkfs.fat and mtools, read
 * back through the VFS, intact and with damage patched into copies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/byte_order.h>
#include <boot/heap.h>
#include <boot/vfs.h>

#include "test_disk.h"
#include "test_fs_platform.h"
#include "test_tree.h"
#include "unit_test.h"

struct fat_case {
	const char	*image;
	const char	*label;
	const char	*detail;
	uint32_t	cluster_size;
};

static const struct fat_case kImages[] = {
	{ "fat12-s1", "FAT12S1", "FAT12", 512 },
	{ "fat12-s4", "FAT12S4", "FAT12", 2048 },
	{ "fat12-s64", "FAT12S64", "FAT12", 32768 },
	{ "fat16-s1", "FAT16S1", "FAT16", 512 },
	{ "fat16-s4", "FAT16S4", "FAT16", 2048 },
	{ "fat16-4k", "FAT16_4K", "FAT16", 4096 },
	{ "fat32-s1", "FAT32S1", "FAT32", 512 },
	{ "fat32-s8", "FAT32S8", "FAT32", 4096 },
};

/* The test's own reading of a FAT image in memory, to aim damage at it. */
struct image {
	uint8_t		*data;
	size_t		size;
	uint32_t	bits;
	uint32_t	cluster_size;
	uint32_t	clusters;
	uint64_t	fat;
	uint64_t	root;			/* FAT12/16 */
	uint32_t	root_size;
	uint32_t	root_cluster;	/* FAT32 */
	uint64_t	data_start;
	struct block_device	*disk;
};


static void
image_load(const char *name, struct image *image)
{
	char file[64];
	snprintf(file, sizeof(file), "%s.img", name);
	image->data = test_read_file(test_image_path(file), &image->size);
	const uint8_t *boot = image->data;
	uint32_t sectorSize = read_le16(boot + 11);
	uint32_t reserved = read_le16(boot + 14);
	uint32_t fats = boot[16];
	uint32_t rootEntries = read_le16(boot + 17);
	uint64_t total = read_le16(boot + 19) != 0 ? read_le16(boot + 19) : read_le32(boot + 32);
	uint64_t fatSectors = read_le16(boot + 22) != 0 ? read_le16(boot + 22) : read_le32(boot + 36);
	image->cluster_size = sectorSize * boot[13];
	image->fat = (uint64_t)reserved * sectorSize;
	image->root = image->fat + fats * fatSectors * sectorSize;
	image->root_size = rootEntries * 32;
	image->data_start = image->root + (image->root_size + sectorSize - 1) / sectorSize
		* sectorSize;
	image->clusters = (uint32_t)((total * sectorSize - image->data_start) / image->cluster_size);
	image->bits = rootEntries == 0 ? 32 : image->clusters < 4085 ? 12 : 16;
	image->root_cluster = image->bits == 32 ? read_le32(boot + 44) : 0;
	image->disk = NULL;
}


static uint32_t
fat_get(const struct image *image, uint32_t cluster)
{
	const uint8_t *fat = image->data + image->fat;
	if (image->bits == 12) {
		uint32_t value = read_le16(fat + cluster + cluster / 2);
		return (cluster & 1) != 0 ? value >> 4 : value & 0xfff;
	}
	if (image->bits == 16)
		return read_le16(fat + cluster * 2);
	return read_le32(fat + cluster * 4) & 0x0fffffff;
}


static void
fat_set(struct image *image, uint32_t cluster, uint32_t value)
{
	uint8_t *fat = image->data + image->fat;
	if (image->bits == 12) {
		uint8_t *entry = fat + cluster + cluster / 2;
		uint32_t old = read_le16(entry);
		value &= 0xfff;
		uint32_t packed = (cluster & 1) != 0 ? (old & 0x000f) | value << 4
			: (old & 0xf000) | value;
		entry[0] = (uint8_t)packed;
		entry[1] = (uint8_t)(packed >> 8);
	} else if (image->bits == 16) {
		fat[cluster * 2] = (uint8_t)value;
		fat[cluster * 2 + 1] = (uint8_t)(value >> 8);
	} else {
		for (int i = 0; i < 4; i++)
			fat[cluster * 4 + i] = (uint8_t)(value >> (8 * i));
	}
}


/* The short entry named like "BIG     BIN" in the root directory. */
static uint8_t *
root_entry(struct image *image, const char *shortName)
{
	uint32_t cluster = image->root_cluster;
	uint64_t offset = image->root;
	uint64_t size = image->root_size;
	for (;;) {
		if (image->bits == 32) {
			offset = image->data_start + (uint64_t)(cluster - 2) * image->cluster_size;
			size = image->cluster_size;
		}
		for (uint64_t i = 0; i < size; i += 32) {
			uint8_t *entry = image->data + offset + i;
			if (entry[11] != 0x0f && memcmp(entry, shortName, 11) == 0)
				return entry;
		}
		if (image->bits != 32)
			break;
		cluster = fat_get(image, cluster);
		if (cluster >= 0x0ffffff8)
			break;
	}
	unit_fail(__FILE__, __LINE__, "no %s in the root directory", shortName);
}


static uint32_t
entry_cluster(const struct image *image, const uint8_t *entry)
{
	uint32_t cluster = read_le16(entry + 26);
	if (image->bits == 32)
		cluster |= (uint32_t)read_le16(entry + 20) << 16;
	return cluster;
}


static void
set_le32(uint8_t *field, uint32_t value)
{
	for (int i = 0; i < 4; i++)
		field[i] = (uint8_t)(value >> (8 * i));
}


/* Start from nothing, also after a failed test; what the heap holds then. */
static long
fresh(void)
{
	vfs_cleanup();
	return counted_heap_live();
}


/* Hand the (patched) image to the VFS as the only disk. */
static status_t
image_mount(struct image *image)
{
	/* after a failed test, start from nothing */
	vfs_cleanup();
	test_platform_reset();
	image->disk = test_disk_memory(image->data, image->size, "disk0", 512,
		BLOCK_DEVICE_BOOT_DISK);
	test_platform_add_disk(image->disk);
	return vfs_init(NULL);
}


static status_t
mount_file(const char *image, uint32_t blockSize, struct block_device **_disk)
{
	vfs_cleanup();
	test_platform_reset();
	char file[64];
	snprintf(file, sizeof(file), "%s.img", image);
	struct block_device *disk = test_disk_open(test_image_path(file), "disk0",
		blockSize, BLOCK_DEVICE_BOOT_DISK);
	CHECK(disk != NULL);
	test_platform_add_disk(disk);
	if (_disk != NULL)
		*_disk = disk;
	return vfs_init(NULL);
}


/* Load path and expect a failure with exactly this message (prefix). */
static void
expect_load_error(const char *path, status_t expected, const char *message)
{
	char error[VFS_ERROR_SIZE];
	void *data = NULL;
	size_t size;
	status_t status = vfs_load_file(path, &data, &size, error, sizeof(error));
	if (status != expected)
		unit_fail(__FILE__, __LINE__, "%s: status %d, expected %d (%s)", path, status,
			expected, status == B_OK ? "loaded" : error);
	if (strncmp(error, message, strlen(message)) != 0)
		unit_fail(__FILE__, __LINE__, "%s: \"%s\", expected \"%s...\"", path, error, message);
}


static void
expect_load_ok(const char *path, size_t expectedSize)
{
	char error[VFS_ERROR_SIZE];
	void *data;
	size_t size;
	status_t status = vfs_load_file(path, &data, &size, error, sizeof(error));
	if (status != B_OK)
		unit_fail(__FILE__, __LINE__, "%s: %s", path, error);
	CHECK_EQ(size, expectedSize);
	heap_free(data);
}


static void
unmount_and_check_leaks(long live)
{
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


/* --- intact volumes ----------------------------------------------------- */

TEST(every_file_of_every_fat_image_reads_back_identical)
{
	for (size_t i = 0; i < sizeof(kImages) / sizeof(kImages[0]); i++) {
		const struct fat_case *image = &kImages[i];
		long live = fresh();
		uint32_t blockSize = strcmp(image->image, "fat16-4k") == 0 ? 4096 : 512;
		CHECK_EQ(mount_file(image->image, blockSize, NULL), B_OK);
		CHECK_EQ(vfs_volume_count(), 1);

		struct vfs_volume_info info;
		vfs_volume_get_info(vfs_volume_at(0), &info);
		CHECK(strcmp(info.fs_name, "fat") == 0);
		CHECK(strcmp(info.fs_detail, image->detail) == 0);
		CHECK(strcmp(info.label, image->label) == 0);
		CHECK(info.boot);

		char tree[64];
		snprintf(tree, sizeof(tree), "%s.d", image->image);
		int files = test_compare_tree(test_image_path(tree), "(vol0)");
		/* 13 in the root and its directories, 120 in many/, 20 holes + 1 in frag/ */
		if (files != 13 + 120 + 21)
			unit_fail(__FILE__, __LINE__, "%s: %d files", image->image, files);

		/* the boundary sizes really are the cluster size's */
		struct vfs_stat stat;
		CHECK_EQ(vfs_stat("/cluster+1.bin", &stat, NULL, 0), B_OK);
		CHECK_EQ(stat.size, image->cluster_size + 1);
		unmount_and_check_leaks(live);
	}
}


TEST(fat_lookups_fold_ascii_case_and_know_both_names)
{
	CHECK_EQ(mount_file("fat16-s1", 512, NULL), B_OK);
	expect_load_ok("/BIG.BIN", 3000000);
	expect_load_ok("/Big.Bin", 3000000);
	expect_load_ok("/mixedcase.txt", 40);
	expect_load_ok("/MIXEDC~1.TXT", 40);
	expect_load_ok("/short.txt", 50);
	expect_load_ok("/LOWER.TXT", 60);
	expect_load_ok("/THISIS~1.TXT", 300);
	expect_load_ok("/this is a long file name with spaces, AND MORE THAN 64 characters in it.txt",
		300);
	expect_load_ok("/DIR/SUB DIR/DEEPER/DEEPEST/NESTED.TXT", 1000);
	expect_load_ok("/dir/sub dir/deeper/deepest/../deepest/./nested.txt", 1000);
	expect_load_ok("/\xc3\xbcn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 \xc3\xb1" "ame.txt", 70);
	/* only ASCII folds: the upper case of the non-ASCII letters is another name */
	expect_load_error("/\xc3\x9cN\xc3\x8f" "C\xc3\x96" "D\xc3\x89 \xc3\x91" "AME.TXT",
		B_ENTRY_NOT_FOUND, "/");
	expect_load_error("/big.bi", B_ENTRY_NOT_FOUND, "/big.bi: not found on any volume");
	expect_load_error("/big.bin/x", B_ENTRY_NOT_FOUND, "/big.bin/x: not found");
	expect_load_error("(vol0)/big.bin/x", B_BAD_VALUE,
		"disk0 (FAT16S1): (vol0)/big.bin/x: a path component is not a directory");
	expect_load_error("(vol0)/dir", B_BAD_VALUE, "disk0 (FAT16S1): (vol0)/dir: is a directory");
	vfs_cleanup();
}


static bool
count_entry(void *cookie, const char *name, const struct vfs_stat *stat)
{
	int *count = cookie;
	(*count)++;
	return *count < 10;
}


TEST(fat_listing_can_stop_early_and_refuses_files)
{
	CHECK_EQ(mount_file("fat32-s1", 512, NULL), B_OK);
	int count = 0;
	CHECK_EQ(vfs_list_directory("/many", count_entry, &count, NULL, 0), B_OK);
	CHECK_EQ(count, 10);
	char error[VFS_ERROR_SIZE];
	CHECK_EQ(vfs_list_directory("/one.bin", count_entry, &count, error, sizeof(error)),
		B_BAD_VALUE);
	CHECK(strcmp(error, "disk0 (FAT32S1): /one.bin: not a directory") == 0);

	struct vfs_stat stat;
	CHECK_EQ(vfs_stat("/", &stat, NULL, 0), B_OK);
	CHECK_EQ(stat.type, VFS_DIRECTORY);
	CHECK_EQ(vfs_stat("/many", &stat, NULL, 0), B_OK);
	CHECK_EQ(stat.type, VFS_DIRECTORY);
	CHECK_EQ(vfs_stat("/empty.txt", &stat, NULL, 0), B_OK);
	CHECK_EQ(stat.type, VFS_FILE);
	CHECK_EQ(stat.size, 0);
	vfs_cleanup();
}


/*
 * /frag/fragmented.bin fills 20 one-cluster holes, each a cluster apart, and
 * goes on one cluster after the last: 21 runs with gaps of one cluster, which
 * reads coalesce (clusters are at most 32 KiB here): a few requests, each
 * covering gaps, and the right bytes (the whole-tree test compares them).
 */
TEST(fat_reads_fragmented_files_in_few_requests)
{
	for (size_t i = 0; i < sizeof(kImages) / sizeof(kImages[0]); i++) {
		struct block_device *disk;
		uint32_t blockSize = strcmp(kImages[i].image, "fat16-4k") == 0 ? 4096 : 512;
		CHECK_EQ(mount_file(kImages[i].image, blockSize, &disk), B_OK);
		struct vfs_stat stat;
		CHECK_EQ(vfs_stat("/frag/fragmented.bin", &stat, NULL, 0), B_OK);
		test_disk_reset_stats(disk);
		expect_load_ok("/frag/fragmented.bin", stat.size);
		struct test_disk_stats stats = test_disk_stats(disk);
		/* Gap bytes were read, so the file is fragmented, and its 21 runs took few. */
		if (stats.bytes <= stat.size || stats.reads > 8) {
			unit_fail(__FILE__, __LINE__, "%s: %llu reads of %llu bytes for %llu",
				kImages[i].image, (unsigned long long)stats.reads,
				(unsigned long long)stats.bytes, (unsigned long long)stat.size);
		}
		vfs_cleanup();
	}
}


/*
 * On fat32-s8 (4 KiB clusters) /frag/fragmented.bin is 4 KiB fragments with
 * 4 KiB gaps: 21 runs read whole, in one request per halving of what is
 * left (the gaps must fit the buffer), not one per run.
 */
TEST(fat_4k_fragments_take_few_requests)
{
	struct block_device *disk;
	CHECK_EQ(mount_file("fat32-s8", 512, &disk), B_OK);
	struct vfs_stat stat;
	CHECK_EQ(vfs_stat("/frag/fragmented.bin", &stat, NULL, 0), B_OK);
	struct vfs_file *file;
	CHECK_EQ(vfs_open("/frag/fragmented.bin", &file, NULL, 0), B_OK);
	uint8_t *buffer = malloc(stat.size);
	CHECK(buffer != NULL);
	test_disk_reset_stats(disk);
	size_t bytesRead;
	CHECK_EQ(vfs_read(file, 0, buffer, stat.size, &bytesRead, NULL, 0), B_OK);
	CHECK_EQ(bytesRead, stat.size);
	struct test_disk_stats stats = test_disk_stats(disk);
	if (stats.reads > 6 || stats.bytes > 2 * stat.size) {
		unit_fail(__FILE__, __LINE__, "%llu reads of %llu bytes for %llu",
			(unsigned long long)stats.reads, (unsigned long long)stats.bytes,
			(unsigned long long)stat.size);
	}
	free(buffer);
	vfs_close(file);
	vfs_cleanup();
}


/* Reads of every size at every offset of a fragmented file, against mtools' copy. */
TEST(fat_coalesced_reads_return_the_right_bytes_anywhere)
{
	const char *images[] = { "fat32-s8", "fat12-s1", "fat16-s4" };
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		CHECK_EQ(mount_file(images[i], 512, NULL), B_OK);
		char path[64];
		snprintf(path, sizeof(path), "%s.d/frag/fragmented.bin", images[i]);
		size_t size;
		uint8_t *expected = test_read_file(test_image_path(path), &size);
		CHECK(expected != NULL);
		struct vfs_file *file;
		CHECK_EQ(vfs_open("/frag/fragmented.bin", &file, NULL, 0), B_OK);
		uint8_t *buffer = malloc(size + 1);
		CHECK(buffer != NULL);

		uint32_t cluster = (uint32_t)kImages[0].cluster_size;
		for (size_t k = 0; k < sizeof(kImages) / sizeof(kImages[0]); k++) {
			if (strcmp(kImages[k].image, images[i]) == 0)
				cluster = (uint32_t)kImages[k].cluster_size;
		}
		const size_t steps[] = { 1, cluster - 1, cluster, cluster + 1, 3 * cluster + 7 };
		for (size_t a = 0; a < sizeof(steps) / sizeof(steps[0]); a++) {
			for (size_t offset = 0; offset < size; offset += steps[a] + 13 * cluster) {
				for (size_t b = 0; b < sizeof(steps) / sizeof(steps[0]); b++) {
					for (size_t length = steps[b]; length <= size - offset;
							length = length * 3 + cluster) {
						size_t bytesRead = 0;
						memset(buffer, 0xee, size + 1);
						CHECK_EQ(vfs_read(file, offset, buffer, length, &bytesRead, NULL, 0),
							B_OK);
						CHECK_EQ(bytesRead, length);
						CHECK(memcmp(buffer, expected + offset, length) == 0);
						CHECK_EQ(buffer[length], 0xee);
					}
				}
			}
		}
		free(buffer);
		free(expected);
		vfs_close(file);
		vfs_cleanup();
	}
}


TEST(fat_reads_each_cluster_once_and_contiguous_runs_at_once)
{
	const char *images[] = { "fat16-s1", "fat32-s8", "fat12-s64" };
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		struct block_device *disk;
		CHECK_EQ(mount_file(images[i], 512, &disk), B_OK);
		struct vfs_file *file;
		CHECK_EQ(vfs_open("/big.bin", &file, NULL, 0), B_OK);
		struct vfs_stat stat;
		vfs_file_stat(file, &stat);

		/* whole: the data once, the FAT in a few 32 KiB windows, a few reads */
		uint8_t *buffer = malloc(stat.size);
		size_t bytesRead;
		test_disk_reset_stats(disk);
		CHECK_EQ(vfs_read(file, 0, buffer, stat.size, &bytesRead, NULL, 0), B_OK);
		struct test_disk_stats stats = test_disk_stats(disk);
		CHECK_EQ(bytesRead, stat.size);
		CHECK(stats.bytes <= stat.size + 3 * 32768);
		CHECK(stats.reads <= 4);

		/* in pieces, sequentially: still every data byte once */
		vfs_close(file);
		CHECK_EQ(vfs_open("/big.bin", &file, NULL, 0), B_OK);
		test_disk_reset_stats(disk);
		for (uint64_t offset = 0; offset < stat.size; offset += 65536)
			CHECK_EQ(vfs_read(file, offset, buffer, 65536, &bytesRead, NULL, 0), B_OK);
		stats = test_disk_stats(disk);
		CHECK(stats.bytes <= stat.size + 3 * 32768);
		CHECK(stats.reads <= stat.size / 65536 + 5);
		free(buffer);
		vfs_close(file);
		vfs_cleanup();
	}
}


/* A read at the end of a file is answered from its size: no FAT, no data. */
TEST(fat_a_read_at_the_end_reads_nothing_from_the_disk)
{
	struct block_device *disk;
	CHECK_EQ(mount_file("fat16-s1", 512, &disk), B_OK);
	struct vfs_file *file;
	CHECK_EQ(vfs_open("/big.bin", &file, NULL, 0), B_OK);
	struct vfs_stat stat;
	vfs_file_stat(file, &stat);
	uint8_t buffer[16];
	size_t bytesRead = 1;
	test_disk_reset_stats(disk);
	CHECK_EQ(vfs_read(file, stat.size, buffer, sizeof(buffer), &bytesRead, NULL, 0), B_OK);
	CHECK_EQ(bytesRead, 0);
	CHECK_EQ(test_disk_stats(disk).reads, 0);
	vfs_close(file);
	vfs_cleanup();
}


/*
 * A directory's first piece is kept: a path looked up again reads nothing
 * from the disk, on a FAT16 root (a region larger than a piece) and a
 * FAT32 one (a chain). Once the port says it wrote to a volume (boot
 * counting's renames), the directory is read again and a renamed file is
 * found by its new name only.
 */
TEST(fat_directories_are_read_once_until_the_port_writes)
{
	const char *images[] = { "fat16-s1", "fat32-s1" };
	for (int i = 0; i < 2; i++) {
		long live = fresh();
		struct image image;
		image_load(images[i], &image);
		CHECK_EQ(image_mount(&image), B_OK);
		struct vfs_stat stat;
		CHECK_EQ(vfs_stat("/SHORT.TXT", &stat, NULL, 0), B_OK);
		CHECK_EQ(vfs_stat("/dir/sub dir/deeper", &stat, NULL, 0), B_OK);
		test_disk_reset_stats(image.disk);
		CHECK_EQ(vfs_stat("/SHORT.TXT", &stat, NULL, 0), B_OK);
		CHECK_EQ(vfs_stat("/NONE.TXT", &stat, NULL, 0), B_ENTRY_NOT_FOUND);
		/* three directories walked: each kept */
		CHECK_EQ(vfs_stat("/dir/sub dir/deeper", &stat, NULL, 0), B_OK);
		CHECK_EQ(stat.type, VFS_DIRECTORY);
		CHECK_EQ(test_disk_stats(image.disk).reads, 0);

		memcpy(root_entry(&image, "SHORT   TXT"), "RENAMED TXT", 11);
		vfs_note_write();
		CHECK_EQ(vfs_stat("/RENAMED.TXT", &stat, NULL, 0), B_OK);
		CHECK_EQ(stat.size, 50);
		CHECK_EQ(vfs_stat("/SHORT.TXT", &stat, NULL, 0), B_ENTRY_NOT_FOUND);
		CHECK(test_disk_stats(image.disk).reads > 0);
		unmount_and_check_leaks(live);
	}
}


/*
 * The FAT's window is kept between files too; once the port says it wrote
 * to a volume (an application it started came back), a chain is read from
 * the FAT as it is now: here one cut short where big.bin was read whole.
 */
TEST(fat_chains_are_read_again_after_the_port_writes)
{
	const char *images[] = { "fat12-s4", "fat32-s1" };
	const char *labels[] = { "FAT12S4", "FAT32S1" };
	for (int i = 0; i < 2; i++) {
		long live = fresh();
		struct image image;
		image_load(images[i], &image);
		CHECK_EQ(image_mount(&image), B_OK);
		struct vfs_stat stat;
		CHECK_EQ(vfs_stat("/big.bin", &stat, NULL, 0), B_OK);
		expect_load_ok("/big.bin", stat.size);
		uint32_t cluster = entry_cluster(&image, root_entry(&image, "BIG     BIN"));
		for (int j = 0; j < 3; j++)
			cluster = fat_get(&image, cluster);
		fat_set(&image, cluster, image.bits == 12 ? 0xfff : 0x0fffffff);
		/* Nothing said so: the kept window still has the chain whole. */
		expect_load_ok("/big.bin", stat.size);
		vfs_note_write();
		char message[VFS_ERROR_SIZE];
		snprintf(message, sizeof(message), "disk0 (%s): /big.bin: FAT cluster chain ends "
			"after 4 clusters", labels[i]);
		expect_load_error("/big.bin", B_BAD_DATA, message);
		unmount_and_check_leaks(live);
	}
}


/* --- damaged volumes ---------------------------------------------------- */

struct chain_case {
	int			at;				/* which cluster of the file gets a new FAT entry */
	uint32_t	value;			/* 0xffffffff: point at the file's own cluster "at - 3" */
	const char	*message;
};


static void
check_chain_damage(const char *name, const char *label)
{
	uint32_t endOfChain = 0;
	uint32_t bad = 0;
	const struct chain_case cases[] = {
		{ 5, 0xffffffff, "FAT cluster chain loops at cluster " },
		{ 0, 0xfffffffe, "FAT cluster chain loops at cluster " },
		{ 3, 0, "FAT cluster chain reaches a free cluster after cluster " },
		{ 3, 0xfffffffd, "FAT cluster chain reaches a bad cluster after cluster " },
		{ 3, 0xfffffffc, "FAT cluster chain ends after 4 clusters, but the file size " },
		{ 3, 0xfffffffb, "FAT cluster chain refers to cluster " },
		{ 3, 1, "FAT cluster chain refers to cluster 1, past the end" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long live = fresh();
		struct image image;
		image_load(name, &image);
		endOfChain = image.bits == 12 ? 0xfff : image.bits == 16 ? 0xffff : 0x0fffffff;
		bad = endOfChain - 8;
		uint8_t *entry = root_entry(&image, "BIG     BIN");
		uint32_t first = entry_cluster(&image, entry);
		uint32_t cluster = first;
		for (int j = 0; j < cases[i].at; j++)
			cluster = fat_get(&image, cluster);

		uint32_t value = cases[i].value;
		if (value == 0xffffffff)
			value = first + 2;
		else if (value == 0xfffffffe)
			value = cluster;
		else if (value == 0xfffffffd)
			value = bad;
		else if (value == 0xfffffffc)
			value = endOfChain;
		else if (value == 0xfffffffb)
			value = image.clusters + 2;
		fat_set(&image, cluster, value);

		CHECK_EQ(image_mount(&image), B_OK);
		char message[VFS_ERROR_SIZE];
		snprintf(message, sizeof(message), "disk0 (%s): /big.bin: %s", label,
			cases[i].message);
		expect_load_error("/big.bin", B_BAD_DATA, message);
		/* the rest of the volume is fine */
		expect_load_ok("/one.bin", 1);
		unmount_and_check_leaks(live);
	}
}


TEST(fat16_chain_damage_is_reported)
{
	check_chain_damage("fat16-s1", "FAT16S1");
}


TEST(fat12_chain_damage_is_reported)
{
	check_chain_damage("fat12-s4", "FAT12S4");
}


TEST(fat32_chain_damage_is_reported)
{
	check_chain_damage("fat32-s1", "FAT32S1");
}


TEST(fat_loop_messages_name_the_cluster)
{
	struct image image;
	image_load("fat16-s1", &image);
	uint8_t *entry = root_entry(&image, "BIG     BIN");
	uint32_t first = entry_cluster(&image, entry);
	/* the 2nd cluster points back at itself */
	fat_set(&image, first + 1, first + 1);
	CHECK_EQ(image_mount(&image), B_OK);
	char message[VFS_ERROR_SIZE];
	snprintf(message, sizeof(message),
		"disk0 (FAT16S1): /big.bin: FAT cluster chain loops at cluster %u", first + 1);
	expect_load_error("/big.bin", B_BAD_DATA, message);
	vfs_cleanup();
}


/*
 * A loop through several clusters is named where the chain comes back to,
 * and found after a few FAT lookups: here the two clusters lie a FAT cache
 * window apart, so a walk that went round the loop for long would show as
 * hundreds of thousands of block reads.
 */
TEST(fat_multi_cluster_loops_are_found_at_their_entry_with_bounded_work)
{
	struct image image;
	image_load("fat32-s1", &image);
	CHECK(image.clusters > 20000);
	uint8_t *entry = root_entry(&image, "BIG     BIN");
	uint32_t first = entry_cluster(&image, entry);
	/* first -> +1 -> +2 -> +3 -> far -> +2: a detector meets it at +3 */
	uint32_t far = first + 12000;
	fat_set(&image, first + 3, far);
	fat_set(&image, far, first + 2);
	CHECK_EQ(image_mount(&image), B_OK);
	test_disk_reset_stats(image.disk);
	char message[VFS_ERROR_SIZE];
	snprintf(message, sizeof(message),
		"disk0 (FAT32S1): /big.bin: FAT cluster chain loops at cluster %u", first + 2);
	expect_load_error("/big.bin", B_BAD_DATA, message);
	struct test_disk_stats stats = test_disk_stats(image.disk);
	if (stats.reads > 64) {
		unit_fail(__FILE__, __LINE__, "%llu block reads to find a loop of 3 clusters",
			(unsigned long long)stats.reads);
	}
	vfs_cleanup();
}


/*
 * The walk through the cached FAT window takes thousands of links at once:
 * a loop deep inside a long stretch of consecutive clusters is still named
 * where the chain comes back to, as a walk link by link names it.
 */
TEST(fat_loops_deep_in_a_long_chain_are_named_at_their_entry)
{
	struct image image;
	image_load("fat32-s1", &image);
	uint8_t *entry = root_entry(&image, "BIG     BIN");
	uint32_t first = entry_cluster(&image, entry);
	/* BIG.BIN has some 5,900 clusters: the 3000th goes back to the 1000th. */
	uint32_t entryCluster = first;
	for (int j = 0; j < 1000; j++)
		entryCluster = fat_get(&image, entryCluster);
	uint32_t cluster = entryCluster;
	for (int j = 1000; j < 3000; j++)
		cluster = fat_get(&image, cluster);
	fat_set(&image, cluster, entryCluster);
	CHECK_EQ(image_mount(&image), B_OK);
	char message[VFS_ERROR_SIZE];
	snprintf(message, sizeof(message),
		"disk0 (FAT32S1): /big.bin: FAT cluster chain loops at cluster %u", entryCluster);
	expect_load_error("/big.bin", B_BAD_DATA, message);
	vfs_cleanup();
}

/*
 * A volume cut short in the middle of a long contiguous file: the chain is
 * named at its first cluster past the device's end, also where the walk
 * through the cached FAT window takes thousands of links at once. FAT16:
 * its root directory is not a chain the cut could reach first.
 */
TEST(fat_chains_off_a_cut_device_are_named_at_the_first_cluster_past_it)
{
	struct image image;
	image_load("fat16-s1", &image);
	uint32_t first = entry_cluster(&image, root_entry(&image, "BIG     BIN"));
	uint32_t middle = first;
	for (int j = 0; j < 2000; j++)
		middle = fat_get(&image, middle);
	/* Half of the middle cluster is on the device: it is the first one off it. */
	image.size = image.data_start + (uint64_t)(middle - 2) * image.cluster_size
		+ image.cluster_size / 2;
	CHECK_EQ(image_mount(&image), B_OK);
	char message[VFS_ERROR_SIZE];
	snprintf(message, sizeof(message), "disk0 (FAT16S1): /big.bin: FAT cluster %u lies past "
		"the end of the device (the volume is larger than its partition)", middle);
	expect_load_error("/big.bin", B_BAD_DATA, message);
	vfs_cleanup();
}


TEST(fat_directory_entries_with_absurd_values_are_refused)
{
	struct {
		uint32_t	size;
		uint32_t	cluster;
		const char	*message;
	} cases[] = {
		{ 0xfffffff0, 0, "FAT directory entry claims 4294967280 bytes, more than the "
			"volume holds" },
		{ 6000000, 0, "FAT cluster chain ends after 5860 clusters, but the file size "
			"(6000000 bytes) needs 11719" },
		{ 1000, 0, "FAT cluster chain is longer than the file size (1000 bytes) allows" },
		{ 0, 0xfff0, "FAT directory entry points to cluster 65520, past the end" },
		{ 0, 1, "FAT directory entry points to cluster 1, past the end" },
		{ 100, 0xffffffff, "FAT directory entry has a size but no clusters" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long live = fresh();
		struct image image;
		image_load("fat16-s1", &image);
		uint8_t *entry = root_entry(&image, "BIG     BIN");
		if (cases[i].size != 0)
			set_le32(entry + 28, cases[i].size);
		if (cases[i].cluster == 0xffffffff) {
			entry[26] = 0;
			entry[27] = 0;
		} else if (cases[i].cluster != 0) {
			entry[26] = (uint8_t)cases[i].cluster;
			entry[27] = (uint8_t)(cases[i].cluster >> 8);
		}
		CHECK_EQ(image_mount(&image), B_OK);
		char message[VFS_ERROR_SIZE];
		snprintf(message, sizeof(message), "disk0 (FAT16S1): /big.bin: %s",
			cases[i].message);
		expect_load_error("/big.bin", B_BAD_DATA, message);
		unmount_and_check_leaks(live);
	}
}


/*
 * fat16-s1 mounted with SHORT.TXT's entry moved to the root's slot index,
 * the free slots before it marked deleted so that no end marker comes first.
 */
static void
mount_with_short_at(struct image *image, uint32_t index)
{
	image_load("fat16-s1", image);
	CHECK(image->root_size >= (index + 1) * 32);
	uint8_t *root = image->data + image->root;
	uint8_t *moved = root + index * 32;
	uint8_t *entry = root_entry(image, "SHORT   TXT");
	memcpy(moved, entry, 32);
	entry[0] = 0xe5;
	for (uint8_t *slot = root; slot < moved; slot += 32) {
		if (slot[0] == 0)
			slot[0] = 0xe5;
	}
	CHECK_EQ(image_mount(image), B_OK);
}


/* Directories are read 4 KiB at a time; the 128th entry ends the first piece. */
TEST(fat_the_last_entry_of_a_directory_piece_is_seen)
{
	long live = fresh();
	struct image image;
	mount_with_short_at(&image, 127);
	expect_load_ok("/SHORT.TXT", 50);
	unmount_and_check_leaks(live);
}


/*
 * An entry in a directory's second piece, after the first was kept: each
 * piece is read where it is, not taken for the kept first one.
 */
TEST(fat_an_entry_past_the_first_piece_is_found)
{
	long live = fresh();
	struct image image;
	mount_with_short_at(&image, 199);
	expect_load_ok("/SHORT.TXT", 50);
	expect_load_ok("/SHORT.TXT", 50);
	unmount_and_check_leaks(live);
}


TEST(fat_damaged_directories_are_reported)
{
	const char *images[] = { "fat16-s1", "fat32-s1" };
	const char *labels[] = { "FAT16S1", "FAT32S1" };
	for (int i = 0; i < 2; i++) {
		long live = fresh();
		struct image image;
		image_load(images[i], &image);
		uint8_t *entry = root_entry(&image, "DIR        ");
		uint32_t cluster = entry_cluster(&image, entry);
		fat_set(&image, cluster, cluster);
		CHECK_EQ(image_mount(&image), B_OK);

		char message[VFS_ERROR_SIZE];
		snprintf(message, sizeof(message),
			"disk0 (%s): /dir/sub dir/deeper/deepest/nested.txt: FAT cluster chain loops "
			"at cluster %u", labels[i], cluster);
		expect_load_error("/dir/sub dir/deeper/deepest/nested.txt", B_BAD_DATA, message);
		char error[VFS_ERROR_SIZE];
		int count = 0;
		CHECK_EQ(vfs_list_directory("/dir", count_entry, &count, error, sizeof(error)),
			B_BAD_DATA);
		CHECK(strstr(error, "loops at cluster") != NULL);
		unmount_and_check_leaks(live);
	}

	/* a directory entry without clusters */
	struct image image;
	image_load("fat16-s1", &image);
	uint8_t *entry = root_entry(&image, "MANY       ");
	/* cluster 0 on a subdirectory means the root: many/ then lists the root */
	entry[26] = 0;
	entry[27] = 0;
	CHECK_EQ(image_mount(&image), B_OK);
	expect_load_ok("/many/one.bin", 1);
	vfs_cleanup();
}


TEST(fat_long_names_with_bad_checksums_fall_back_to_short_names)
{
	struct image image;
	image_load("fat16-s1", &image);
	uint8_t *entry = root_entry(&image, "THISIS~1TXT");
	/* the long name's pieces stand right before their short entry */
	int pieces = 0;
	for (uint8_t *piece = entry - 32; piece >= image.data + image.root && piece[11] == 0x0f;
			piece -= 32) {
		piece[13] ^= 0x5a;
		pieces++;
	}
	CHECK(pieces >= 6);
	CHECK_EQ(image_mount(&image), B_OK);
	expect_load_error("/This is a long file name with spaces, and more than 64 characters "
		"in it.txt", B_ENTRY_NOT_FOUND, "/This is");
	expect_load_ok("/THISIS~1.TXT", 300);
	vfs_cleanup();

	/* pieces out of order are no name either */
	image_load("fat16-s1", &image);
	entry = root_entry(&image, "MIXEDC~1TXT");
	uint8_t *piece = entry - 32;
	CHECK_EQ(piece[11], 0x0f);
	CHECK_EQ(piece[0], 0x41);
	/* "MixedCase.Txt" has 13 characters: one piece; make it claim to be the 2nd */
	piece[0] = 0x02;
	CHECK_EQ(image_mount(&image), B_OK);
	expect_load_error("/MixedCase.Txt", B_ENTRY_NOT_FOUND, "/MixedCase.Txt");
	expect_load_ok("/MIXEDC~1.TXT", 40);
	vfs_cleanup();
}


static bool
check_listed_name(void *cookie, const char *name, const struct vfs_stat *stat)
{
	int *count = cookie;
	(*count)++;
	/* nothing that could not be looked up again */
	if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0
		|| strchr(name, '/') != NULL || strcmp(name, "SHORT.TXT") == 0)
		unit_fail(__FILE__, __LINE__, "listed \"%s\"", name);
	return true;
}


TEST(fat_entries_without_a_usable_name_are_not_listed)
{
	struct image image;
	image_load("fat16-s1", &image);
	/* a blank short name (found by the fuzzer) */
	memset(root_entry(&image, "SHORT   TXT"), ' ', 11);
	/* a long name "..", with its checksum right */
	uint8_t *entry = root_entry(&image, "MIXEDC~1TXT");
	uint8_t *piece = entry - 32;
	memset(piece + 1, 0xff, 10);
	memset(piece + 14, 0xff, 12);
	memset(piece + 28, 0xff, 4);
	piece[1] = '.';
	piece[2] = 0;
	piece[3] = '.';
	piece[4] = 0;
	piece[5] = 0;
	piece[6] = 0;
	CHECK_EQ(image_mount(&image), B_OK);
	int count = 0;
	CHECK_EQ(vfs_list_directory("/", check_listed_name, &count, NULL, 0), B_OK);
	CHECK_EQ(count, 15 - 1);
	/* the entry with the bad long name is still there by its short name */
	expect_load_ok("/MIXEDC~1.TXT", 40);
	vfs_cleanup();
}


TEST(fat_damaged_boot_sectors_are_refused_clearly)
{
	struct {
		int			offset;
		int			width;
		uint32_t	value;
		const char	*message;		/* NULL: not recognised as FAT at all */
		bool		unnamed;		/* the "FAT16   " type name erased too */
	} cases[] = {
		/* An impossible geometry is damage when the sector says it is FAT... */
		{ 11, 2, 0, "FAT boot sector gives 0 bytes per sector", false },
		{ 11, 2, 768, "FAT boot sector gives 768 bytes per sector", false },
		{ 13, 1, 3, "FAT boot sector gives 3 sectors per cluster", false },
		{ 14, 2, 0, "FAT boot sector gives no reserved sectors", false },
		{ 16, 1, 0, "FAT boot sector gives 0 FATs", false },
		{ 16, 1, 5, "FAT boot sector gives 5 FATs", false },
		/* ...and a sign of something else when it does not. */
		{ 11, 2, 768, NULL, true },
		{ 13, 1, 3, NULL, true },
		{ 16, 1, 0, NULL, true },
		{ 19, 2, 0, "FAT boot sector gives no volume size", false },
		{ 22, 2, 0, "FAT boot sector gives no FAT size", false },
		{ 17, 2, 0, "FAT12/16 boot sector without a root directory", false },
		{ 22, 2, 1, "FAT of 512 bytes is too small for ", false },
		{ 14, 2, 40000, "FAT volume has no data area", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long live = fresh();
		struct image image;
		image_load("fat16-s1", &image);
		if (cases[i].unnamed)
			memset(image.data + 54, ' ', 8);
		for (int j = 0; j < cases[i].width; j++)
			image.data[cases[i].offset + j] = (uint8_t)(cases[i].value >> (8 * j));
		CHECK_EQ(image_mount(&image), B_ENTRY_NOT_FOUND);
		if (cases[i].message != NULL) {
			char expected[160];
			snprintf(expected, sizeof(expected), "vfs: cannot mount disk0: fat: %s",
				cases[i].message);
			if (!test_console_contains(expected))
				unit_fail(__FILE__, __LINE__, "case %zu: no \"%s\" in %s", i, expected,
					test_output());
		} else
			CHECK(test_output_contains("disk0: no known file system"));
		CHECK(test_console_contains("vfs: no volume found on 1 disk"));
		unmount_and_check_leaks(live);
	}
}


/* The cluster count decides: up to 4084 clusters is FAT12, from 4085 FAT16. */
TEST(fat12_and_fat16_part_at_4085_clusters)
{
	static const struct {
		uint32_t	clusters;
		const char	*detail;
	} cases[] = { { 4084, "FAT12" }, { 4085, "FAT16" } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long live = fresh();
		struct image image;
		image_load("fat16-s1", &image);
		/* one sector a cluster: the volume ends after that many data sectors */
		uint32_t total = (uint32_t)(image.data_start / 512) + cases[i].clusters;
		image.data[19] = (uint8_t)total;
		image.data[20] = (uint8_t)(total >> 8);
		set_le32(image.data + 32, 0);
		CHECK_EQ(image_mount(&image), B_OK);
		struct vfs_volume_info info;
		vfs_volume_get_info(vfs_volume_at(0), &info);
		if (strcmp(info.fs_detail, cases[i].detail) != 0)
			unit_fail(__FILE__, __LINE__, "%u clusters: %s", cases[i].clusters, info.fs_detail);
		unmount_and_check_leaks(live);
	}
}


/*
 * A volume that claims more than its device is read as far as the device
 * goes: refused only when its FATs or root directory are cut off, and then
 * each file either reads whole or fails because a cluster is past the end.
 */
TEST(fat_truncated_volumes_are_read_as_far_as_they_go)
{
	const char *images[] = { "fat12-s4", "fat16-s1", "fat32-s1" };
	int mounted = 0, cut = 0;
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		for (int part = 1; part < 8; part++) {
			long live = fresh();
			struct image image;
			image_load(images[i], &image);
			image.size = image.size * part / 8;
			status_t status = image_mount(&image);
			if (status != B_OK) {
				CHECK_EQ(status, B_ENTRY_NOT_FOUND);
				CHECK(test_console_contains("is larger than its device"));
				CHECK(test_console_contains("its FATs and root directory too"));
				unmount_and_check_leaks(live);
				continue;
			}
			mounted++;
			CHECK(test_console_contains("is larger than its device ("));
			char error[VFS_ERROR_SIZE];
			void *data;
			size_t size;
			status = vfs_load_file("/big.bin", &data, &size, error, sizeof(error));
			if (status == B_OK)
				heap_free(data);
			else if (strstr(error, "lies past the end of the device") != NULL)
				cut++;
			else
				unit_fail(__FILE__, __LINE__, "%s at %d/8: %s", images[i], part, error);
			unmount_and_check_leaks(live);
		}
	}
	if (mounted == 0 || cut == 0)
		unit_fail(__FILE__, __LINE__, "%d mounted, %d cut files", mounted, cut);

	/* Cut inside its FAT, a volume cannot be read at all. */
	long live = fresh();
	struct image image;
	image_load("fat16-s1", &image);
	image.size = 2048;
	CHECK_EQ(image_mount(&image), B_ENTRY_NOT_FOUND);
	CHECK(test_console_contains("is larger than its device"));
	CHECK(test_console_contains("its FATs and root directory too"));
	unmount_and_check_leaks(live);
}


static void
add_gpt_overhang_disk(void)
{
	test_platform_add_disk(test_disk_open(test_image_path("gpt-overhang.img"), "disk0", 512,
		BLOCK_DEVICE_BOOT_DISK));
}


/* mformat without -T, on a partition that ends before the image: the volume overhangs. */
TEST(fat_volume_overhanging_its_partition_mounts_with_a_warning)
{
	long live = fresh();
	add_gpt_overhang_disk();
	CHECK_EQ(vfs_init(NULL), B_OK);
	CHECK(test_console_contains("disk0p1: FAT volume ("));
	CHECK(test_console_contains("is larger than its device ("));
	CHECK_EQ(test_compare_tree(test_image_path("gpt-overhang-p1.d/boot"), "/boot"), 1);
	char error[VFS_ERROR_SIZE];
	void *data;
	size_t size;
	CHECK_EQ(vfs_load_file("/past-the-end.bin", &data, &size, error, sizeof(error)),
		B_BAD_DATA);
	if (strstr(error, "lies past the end of the device (the volume is larger than its "
			"partition)") == NULL)
		unit_fail(__FILE__, __LINE__, "%s", error);
	unmount_and_check_leaks(live);
}


TEST(fat32_root_cluster_and_active_fat_are_checked)
{
	struct image image;
	image_load("fat32-s1", &image);
	set_le32(image.data + 44, image.clusters + 2);
	CHECK_EQ(image_mount(&image), B_ENTRY_NOT_FOUND);
	CHECK(test_console_contains("FAT32 root directory cluster"));
	vfs_cleanup();

	image_load("fat32-s1", &image);
	/* mirroring off, and FAT number 3 of 2 active */
	image.data[40] = 0x83;
	CHECK_EQ(image_mount(&image), B_ENTRY_NOT_FOUND);
	CHECK(test_console_contains("FAT32 active FAT does not exist"));
	vfs_cleanup();

	/* FAT 1 active: damage to FAT 0 no longer matters */
	image_load("fat32-s1", &image);
	image.data[40] = 0x81;
	uint32_t first = entry_cluster(&image, root_entry(&image, "BIG     BIN"));
	fat_set(&image, first, first);
	CHECK_EQ(image_mount(&image), B_OK);
	expect_load_ok("/big.bin", 3000000);
	vfs_cleanup();
}


TEST(fat_io_errors_are_reported)
{
	struct block_device *disk;
	CHECK_EQ(mount_file("fat16-s1", 512, &disk), B_OK);
	test_disk_set_failing(disk, 1);
	expect_load_error("(vol0)/big.bin", B_IO_ERROR, "disk0 (FAT16S1): (vol0)/big.bin: ");
	test_disk_set_failing(disk, 0);
	expect_load_ok("/big.bin", 3000000);
	vfs_cleanup();
}


TEST(fat_survives_garbage_in_its_metadata)
{
	/* a fixed seed: failures must be reproducible */
	uint32_t seed = 12345;
	for (int round = 0; round < 40; round++) {
		long live = fresh();
		struct image image;
		image_load(round % 2 == 0 ? "fat12-s1" : "fat32-s1", &image);
		/* scribble over the FATs, the root and the first data clusters */
		uint64_t end = image.data_start + 64 * (uint64_t)image.cluster_size;
		for (int j = 0; j < 200; j++) {
			seed = seed * 1103515245 + 12345;
			uint64_t offset = image.fat + (seed >> 4) % (end - image.fat);
			image.data[offset] = (uint8_t)(seed >> 24);
		}
		if (image_mount(&image) == B_OK) {
			const char *paths[] = { "/big.bin", "/boot/kernel", "/frag/fragmented.bin",
				"/dir/sub dir/deeper/deepest/nested.txt", "/many/file7.txt" };
			for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
				char error[VFS_ERROR_SIZE];
				void *data;
				size_t size;
				if (vfs_load_file(paths[k], &data, &size, error, sizeof(error)) == B_OK)
					heap_free(data);
				else
					CHECK(strstr(error, paths[k]) != NULL);
				int count = 0;
				vfs_list_directory("/many", count_entry, &count, NULL, 0);
			}
		}
		unmount_and_check_leaks(live);
	}
}
