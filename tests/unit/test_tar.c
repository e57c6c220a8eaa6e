/* SPDX-License-Identifier: MIT */
/*
 * Tests of the tar file system on archives made by GNU tar (ustar, GNU, pax),
 * as whole disks, as partitions and as files on a FAT volume, intact and
 * with damage patched into copies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/vfs.h>

#include "test_disk.h"
#include "test_fs_platform.h"
#include "test_tree.h"
#include "unit_test.h"


static long
fresh(void)
{
	vfs_cleanup();
	test_platform_reset();
	return counted_heap_live();
}


static status_t
mount_memory(uint8_t *data, size_t size)
{
	test_platform_add_disk(test_disk_memory(data, size, "disk0", 512, 0));
	return vfs_init(NULL);
}


static uint64_t
octal(const uint8_t *field, int length)
{
	uint64_t value = 0;
	for (int i = 0; i < length && field[i] >= '0' && field[i] <= '7'; i++)
		value = value * 8 + (uint64_t)(field[i] - '0');
	return value;
}


static void
fix_checksum(uint8_t *header)
{
	memset(header + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += header[i];
	snprintf((char *)header + 148, 8, "%06o", sum);
	header[155] = ' ';
}


/* The header whose name field is name, in an archive in memory. */
static uint8_t *
find_header(uint8_t *data, size_t size, const char *name)
{
	size_t offset = 0;
	while (offset + 512 <= size && data[offset] != 0) {
		uint8_t *header = data + offset;
		if (strncmp((const char *)header, name, 100) == 0)
			return header;
		uint64_t entrySize = octal(header + 124, 12);
		offset += 512 + (entrySize + 511) / 512 * 512;
	}
	unit_fail(__FILE__, __LINE__, "no header %s", name);
}


static uint8_t *
load_archive(const char *name, size_t *_size)
{
	return test_read_file(test_image_path(name), _size);
}


TEST(every_file_of_every_archive_reads_back_identical)
{
	const char *archives[] = { "tar-ustar", "tar-gnu", "tar-pax", "tar-files" };
	const char *details[] = { "ustar", "GNU tar", "ustar", "GNU tar" };
	const int files[] = { 9, 10, 10, 10 };
	for (int i = 0; i < 4; i++) {
		long live = fresh();
		char name[64];
		snprintf(name, sizeof(name), "%s.tar", archives[i]);
		test_platform_add_disk(test_disk_open(test_image_path(name), "disk0", 512, 0));
		CHECK_EQ(vfs_init(NULL), B_OK);
		CHECK_EQ(vfs_volume_count(), 1);
		struct vfs_volume_info info;
		vfs_volume_get_info(vfs_volume_at(0), &info);
		CHECK(strcmp(info.fs_name, "tar") == 0);
		CHECK(strcmp(info.fs_detail, details[i]) == 0);

		snprintf(name, sizeof(name), "%s.d", archives[i]);
		int compared = test_compare_tree(test_image_path(name), "(vol0)");
		if (compared != files[i])
			unit_fail(__FILE__, __LINE__, "%s: %d files", archives[i], compared);
		vfs_cleanup();
		CHECK_EQ(counted_heap_live(), live);
	}
}


TEST(tar_names_are_exact_and_directories_are_implied)
{
	fresh();
	test_platform_add_disk(test_disk_open(test_image_path("tar-files.tar"), "disk0", 512, 0));
	CHECK_EQ(vfs_init(NULL), B_OK);
	struct vfs_stat stat;
	CHECK_EQ(vfs_stat("/deep/a/b/c", &stat, NULL, 0), B_OK);
	CHECK_EQ(stat.type, VFS_DIRECTORY);
	CHECK_EQ(vfs_stat("/boot/kernel", &stat, NULL, 0), B_OK);
	CHECK_EQ(stat.size, 20000);
	/* tar is case-sensitive */
	CHECK_EQ(vfs_stat("/BOOT/kernel", &stat, NULL, 0), B_ENTRY_NOT_FOUND);
	/* an empty directory has no file in it, so this archive cannot know it */
	CHECK_EQ(vfs_stat("/empty-dir", &stat, NULL, 0), B_ENTRY_NOT_FOUND);
	vfs_cleanup();
}


TEST(a_tar_file_on_a_fat_volume_mounts_as_a_volume)
{
	long live = fresh();
	test_platform_add_disk(test_disk_open(test_image_path("gpt.img"), "disk0", 512, 0));
	CHECK_EQ(vfs_init(NULL), B_OK);
	uint32_t before = vfs_volume_count();

	struct vfs_volume *volume;
	char error[VFS_ERROR_SIZE];
	CHECK_EQ(vfs_mount_file("(label=ESP)/boot/tar-ustar.tar", &volume, error,
		sizeof(error)), B_OK);
	CHECK_EQ(vfs_volume_count(), before + 1);
	struct vfs_volume_info info;
	vfs_volume_get_info(volume, &info);
	CHECK(strcmp(info.device_name, "file0") == 0);
	CHECK(strcmp(info.fs_name, "tar") == 0);
	CHECK_EQ(info.index, before);
	CHECK_EQ(test_compare_tree(test_image_path("tar-ustar.d"), "(file0)"), 9);
	char prefix[16];
	snprintf(prefix, sizeof(prefix), "(vol%u)", before);
	CHECK_EQ(test_compare_tree(test_image_path("tar-ustar.d"), prefix), 9);

	/* files that are no archive, and directories, are refused */
	CHECK_EQ(vfs_mount_file("(label=ESP)/boot/kernel", &volume, error, sizeof(error)),
		B_NOT_SUPPORTED);
	CHECK(strcmp(error, "disk0p1 (ESP): (label=ESP)/boot/kernel: file1: no known file "
		"system") == 0);
	CHECK_EQ(vfs_mount_file("(label=ESP)/boot", &volume, error, sizeof(error)),
		B_BAD_VALUE);
	CHECK(strcmp(error, "disk0p1 (ESP): (label=ESP)/boot: is a directory") == 0);
	CHECK_EQ(vfs_mount_file("/nothing.tar", &volume, error, sizeof(error)),
		B_ENTRY_NOT_FOUND);

	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


/* The archive's /boot/kernel holds what tar-ustar.d/boot/kernel does. */
static void
expect_kernel(const char *volume)
{
	char path[64];
	snprintf(path, sizeof(path), "%s/boot/kernel", volume);
	void *data;
	size_t size;
	char error[VFS_ERROR_SIZE];
	CHECK_EQ(vfs_load_file(path, &data, &size, error, sizeof(error)), B_OK);
	size_t expectedSize;
	uint8_t *expected = test_read_file(test_image_path("tar-ustar.d/boot/kernel"),
		&expectedSize);
	CHECK_EQ(size, expectedSize);
	CHECK(memcmp(data, expected, size) == 0);
	free(expected);
	heap_free(data);
}


/*
 * GNU tar writes a size of 8 GiB or more only in a pax record, with 0 in
 * the header: trusting the header would take the member's data for the
 * next headers and lose every later entry.
 */
TEST(tar_pax_size_records_are_honoured)
{
	long live = fresh();
	test_platform_add_disk(test_disk_open(test_image_path("tar-pax-huge.tar"), "disk0",
		512, 0));
	CHECK_EQ(vfs_init(NULL), B_OK);
	struct vfs_stat stat;
	char error[VFS_ERROR_SIZE];
	CHECK_EQ(vfs_stat("(vol0)/a-huge.bin", &stat, error, sizeof(error)), B_OK);
	CHECK_EQ(stat.size, 8ULL << 30);
	expect_kernel("(vol0)");
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


/* A sparse member's data is a map and pieces: skipped, and what follows found. */
TEST(tar_sparse_members_are_skipped_in_both_gnu_encodings)
{
	long live = fresh();
	static const char *const kArchives[] = { "tar-gnu-sparse.tar", "tar-pax-sparse.tar" };
	for (size_t i = 0; i < sizeof(kArchives) / sizeof(kArchives[0]); i++) {
		fresh();
		test_platform_add_disk(test_disk_open(test_image_path(kArchives[i]), "disk0", 512,
			0));
		CHECK_EQ(vfs_init(NULL), B_OK);
		struct vfs_stat stat;
		char error[VFS_ERROR_SIZE];
		CHECK_EQ(vfs_stat("(vol0)/a-sparse.bin", &stat, error, sizeof(error)),
			B_ENTRY_NOT_FOUND);
		CHECK(test_output_contains("sparse entry "));
		expect_kernel("(vol0)");
	}
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


TEST(tar_bad_checksums_are_reported_with_their_position)
{
	long live = fresh();
	size_t size;
	uint8_t *data = load_archive("tar-gnu.tar", &size);
	uint8_t *header = find_header(data, size, "./boot/kernel");
	header[0] = 'X';
	CHECK_EQ(mount_memory(data, size), B_ENTRY_NOT_FOUND);
	char expected[128];
	snprintf(expected, sizeof(expected),
		"vfs: cannot mount disk0: tar: tar header at byte %zu: bad checksum",
		(size_t)(header - data));
	if (!test_console_contains(expected))
		unit_fail(__FILE__, __LINE__, "no \"%s\" in %s", expected, test_output());
	vfs_cleanup();

	/* the first header: with the ustar magic it is a broken archive, not no archive */
	fresh();
	data = load_archive("tar-ustar.tar", &size);
	data[0] ^= 1;
	CHECK_EQ(mount_memory(data, size), B_ENTRY_NOT_FOUND);
	CHECK(test_console_contains("tar header at byte 0: bad checksum"));
	vfs_cleanup();

	/* without the magic too, it is just something else */
	fresh();
	data = load_archive("tar-ustar.tar", &size);
	data[0] ^= 1;
	memset(data + 257, 0, 8);
	CHECK_EQ(mount_memory(data, size), B_ENTRY_NOT_FOUND);
	CHECK(!test_console_contains("tar header"));
	CHECK(test_output_contains("disk0: no known file system"));
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


TEST(tar_sizes_are_checked_and_base256_is_understood)
{
	long live = fresh();
	size_t size;
	uint8_t *data = load_archive("tar-ustar.tar", &size);
	uint8_t *header = find_header(data, size, "./big.bin");
	/* GNU tar's base-256 form of the same 1048577 bytes */
	memset(header + 124, 0, 12);
	header[124] = 0x80;
	header[133] = 0x10;
	header[134] = 0x00;
	header[135] = 0x01;
	fix_checksum(header);
	CHECK_EQ(mount_memory(data, size), B_OK);
	CHECK_EQ(test_compare_tree(test_image_path("tar-ustar.d"), "(vol0)"), 9);
	vfs_cleanup();

	struct {
		const char	*field;		/* 12 bytes; NULL: negative base-256 */
		const char	*message;
	} cases[] = {
		{ "0000004x001", "bad size field" },
		{ "           ", "bad size field" },
		{ NULL, "bad size field" },
		{ "77777777777", "tar entry at byte " },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fresh();
		data = load_archive("tar-ustar.tar", &size);
		header = find_header(data, size, "./boot/kernel");
		if (cases[i].field != NULL)
			memcpy(header + 124, cases[i].field, 12);
		else
			memset(header + 124, 0xff, 12);
		fix_checksum(header);
		CHECK_EQ(mount_memory(data, size), B_ENTRY_NOT_FOUND);
		if (!test_console_contains(cases[i].message))
			unit_fail(__FILE__, __LINE__, "case %zu: %s", i, test_output());
		vfs_cleanup();
	}
	CHECK(test_console_contains("bytes of data run past the end of the archive"));
	CHECK_EQ(counted_heap_live(), live);
}


/* big.bin's 1048577 bytes (octal 4000001) in a 12-byte size field. */
static status_t
mount_with_big_size(const uint8_t field[12])
{
	fresh();
	size_t size;
	uint8_t *data = load_archive("tar-ustar.tar", &size);
	uint8_t *header = find_header(data, size, "./big.bin");
	memcpy(header + 124, field, 12);
	fix_checksum(header);
	return mount_memory(data, size);
}


/* The forms GNU tar, old Unix tars, busybox and star write, and near misses. */
TEST(tar_numbers_in_every_form_writers_use)
{
	long live = fresh();
	static const uint8_t kAccepted[][12] = {
		"00004000001",						/* POSIX: NUL terminated */
		{ '0', '0', '0', '0', '4', '0', '0', '0', '0', '0', '1', ' ' },	/* space */
		{ ' ', ' ', ' ', ' ', '4', '0', '0', '0', '0', '0', '1', ' ' },	/* v7: spaces */
		{ ' ', '4', '0', '0', '0', '0', '0', '1', 0, 0, 0, 0 },	/* NUL padded */
		{ '4', '0', '0', '0', '0', '0', '1', ' ', 0, ' ', 0, ' ' },	/* terminators */
		{ 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0x01 },	/* base-256 */
	};
	for (size_t i = 0; i < sizeof(kAccepted) / sizeof(kAccepted[0]); i++) {
		if (mount_with_big_size(kAccepted[i]) != B_OK)
			unit_fail(__FILE__, __LINE__, "accepted form %zu: %s", i, test_output());
		CHECK_EQ(test_compare_tree(test_image_path("tar-ustar.d"), "(vol0)"), 9);
	}

	static const uint8_t kRefused[][12] = {
		{ '0', '0', '0', '4', '0', '0', ' ', '0', '0', '0', '1', 0 },	/* space inside */
		{ '0', '0', '0', '4', '0', '0', '0', '0', '0', '0', '8', 0 },	/* not octal */
		{ '0', '0', '0', '4', '0', 0, '0', '0', '0', '0', '1', 0 },	/* NUL inside */
		{ 0 },								/* no digits */
		{ 0x80, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },	/* > 2^64 */
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe },	/* -2 */
		{ 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0x01 },	/* not GNU's 0x80 */
	};
	for (size_t i = 0; i < sizeof(kRefused) / sizeof(kRefused[0]); i++) {
		if (mount_with_big_size(kRefused[i]) != B_ENTRY_NOT_FOUND
				|| !test_console_contains("bad size field"))
			unit_fail(__FILE__, __LINE__, "refused form %zu: %s", i, test_output());
	}
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


/* Old tars summed the header as signed bytes; both sums are right, nothing else. */
TEST(tar_checksums_signed_and_unsigned)
{
	long live = fresh();
	for (int form = 0; form < 4; form++) {
		fresh();
		size_t size;
		uint8_t *data = load_archive("tar-ustar.tar", &size);
		uint8_t *header = find_header(data, size, "./boot/kernel");
		/* A user name with bytes above 0x7f makes the two sums differ. */
		memcpy(header + 265, "\xe9\xe9\xe9", 4);
		memset(header + 148, ' ', 8);
		int64_t sum = 0;
		for (int j = 0; j < 512; j++)
			sum += form == 1 || form == 3 ? (int8_t)header[j] : header[j];
		if (form >= 2)
			sum += 1;
		/* Leading spaces, as some writers put them. */
		snprintf((char *)header + 148, 8, "%7llo", (long long)sum & 0777777);
		header[155] = ' ';
		status_t status = mount_memory(data, size);
		if (form < 2) {
			CHECK_EQ(status, B_OK);
			CHECK_EQ(test_compare_tree(test_image_path("tar-ustar.d"), "(vol0)"), 9);
		} else {
			CHECK_EQ(status, B_ENTRY_NOT_FOUND);
			CHECK(test_console_contains("bad checksum"));
		}
	}
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


TEST(truncated_archives_never_crash)
{
	long live = fresh();
	size_t size;
	uint8_t *original = load_archive("tar-gnu.tar", &size);
	for (size_t cut = 0; cut < size; cut += 509) {
		fresh();
		uint8_t *data = malloc(cut > 0 ? cut : 1);
		memcpy(data, original, cut);
		status_t status = mount_memory(data, cut);
		if (status == B_OK) {
			/* then everything it lists must be readable */
			char error[VFS_ERROR_SIZE];
			void *file;
			size_t fileSize;
			status = vfs_load_file("/boot/kernel", &file, &fileSize, error, sizeof(error));
			if (status == B_OK)
				heap_free(file);
			else
				CHECK_EQ(status, B_ENTRY_NOT_FOUND);
		} else {
			CHECK_EQ(status, B_ENTRY_NOT_FOUND);
			/* cut inside the data of an entry: said so */
			if (cut > 1100 && cut < 1048000)
				CHECK(test_console_contains("run past the end of the archive"));
		}
		vfs_cleanup();
	}
	free(original);
	CHECK_EQ(counted_heap_live(), live);
}


TEST(tar_entries_that_climb_out_or_clash_are_skipped)
{
	long live = fresh();
	size_t size;
	uint8_t *data = load_archive("tar-gnu.tar", &size);
	uint8_t *header = find_header(data, size, "./only-in-tar.txt");
	memset(header, 0, 100);
	strcpy((char *)header, "../../evil.txt");
	fix_checksum(header);
	/* a file where a directory is */
	header = find_header(data, size, "./empty.txt");
	memset(header, 0, 100);
	strcpy((char *)header, "boot/modules/a.txt/inside");
	fix_checksum(header);
	CHECK_EQ(mount_memory(data, size), B_OK);
	CHECK(test_output_contains("tar: entry ../../evil.txt skipped"));
	CHECK(test_output_contains("tar: entry boot/modules/a.txt/inside skipped"));
	struct vfs_stat stat;
	CHECK_EQ(vfs_stat("/evil.txt", &stat, NULL, 0), B_ENTRY_NOT_FOUND);
	CHECK_EQ(vfs_stat("/boot/modules/a.txt", &stat, NULL, 0), B_OK);
	CHECK_EQ(stat.size, 100);
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}


static bool
count_all(void *cookie, const char *name, const struct vfs_stat *stat)
{
	(*(int *)cookie)++;
	return true;
}


/* A reader that has seen enough after three entries. */
static bool
count_three(void *cookie, const char *name, const struct vfs_stat *stat)
{
	return ++*(int *)cookie < 3;
}


/* A ustar header as GNU tar would write it. */
static void
make_header(uint8_t *header, const char *name, uint64_t size, char type)
{
	memset(header, 0, 512);
	snprintf((char *)header, 100, "%s", name);
	snprintf((char *)header + 100, 8, "%07o", 0644);
	snprintf((char *)header + 124, 12, "%011llo", (unsigned long long)size);
	header[156] = (uint8_t)type;
	memcpy(header + 257, "ustar\0" "00", 8);
	fix_checksum(header);
}


TEST(tar_with_many_entries_and_duplicates)
{
	long live = fresh();
	/* 20000 one-block files in one directory, the last name twice */
	const int count = 20000;
	size_t size = (size_t)(count + 1) * 1024 + 1024;
	uint8_t *data = calloc(1, size);
	size_t offset = 0;
	for (int i = 0; i <= count; i++) {
		char name[32];
		snprintf(name, sizeof(name), "dir/file%d", i < count ? i : count - 1);
		make_header(data + offset, name, 4, '0');
		snprintf((char *)data + offset + 512, 512, "%04d", i % 10000);
		offset += 1024;
	}
	CHECK_EQ(mount_memory(data, size), B_OK);
	int listed = 0;
	CHECK_EQ(vfs_list_directory("/dir", count_all, &listed, NULL, 0), B_OK);
	CHECK_EQ(listed, count);
	listed = 0;
	CHECK_EQ(vfs_list_directory("/dir", count_three, &listed, NULL, 0), B_OK);
	CHECK_EQ(listed, 3);
	char error[VFS_ERROR_SIZE];
	void *file;
	size_t fileSize;
	CHECK_EQ(vfs_load_file("/dir/file12345", &file, &fileSize, error, sizeof(error)), B_OK);
	CHECK_EQ(fileSize, 4);
	CHECK(memcmp(file, "2345", 4) == 0);
	heap_free(file);
	/* as when extracting, the later of two entries wins */
	CHECK_EQ(vfs_load_file("/dir/file19999", &file, &fileSize, error, sizeof(error)), B_OK);
	CHECK(memcmp(file, "0000", 4) == 0);
	heap_free(file);
	vfs_cleanup();
	CHECK_EQ(counted_heap_live(), live);
}
