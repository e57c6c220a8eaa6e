/* SPDX-License-Identifier: MIT */
/*
 * Tests of CRC32, GUID text, UTF-16 names, the device list, and GPT/MBR
 * parsing on images made by sgdisk, fdisk and sfdisk, intact and damaged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/byte_order.h>
#include <boot/crc32.h>
#include <boot/devices.h>
#include <boot/heap.h>
#include <boot/partitions.h>
#include <boot/unicode.h>

#include "test_disk.h"
#include "test_fs_platform.h"
#include "unit_test.h"

#define MAX_FOUND		16
#define GPT_DISK_SIZE	(16 * 1024 * 1024)

struct found {
	int						count;
	struct partition_info	info[MAX_FOUND];
	status_t				fail_with;		/* returned by the hook when set */
};


static status_t
collect(void *cookie, struct block_device *disk, const struct partition_info *info)
{
	struct found *found = cookie;
	CHECK(found->count < MAX_FOUND);
	found->info[found->count++] = *info;
	return found->fail_with;
}


static struct block_device *
memory_disk(const char *image, size_t *_size, uint8_t **_data, uint32_t blockSize)
{
	size_t size;
	uint8_t *data = test_read_file(test_image_path(image), &size);
	if (_size != NULL)
		*_size = size;
	if (_data != NULL)
		*_data = data;
	return test_disk_memory(data, size, "disk0", blockSize, 0);
}


static void
check_gpt_partitions(const struct found *found)
{
	CHECK_EQ(found->count, 3);
	CHECK_EQ(found->info[0].index, 1);
	CHECK_EQ(found->info[0].offset, 2048 * 512);
	CHECK_EQ(found->info[0].size, (14335 - 2048 + 1) * 512);
	CHECK(strcmp(found->info[0].name, "EFI system") == 0);
	CHECK(strcmp(partition_type_name(&found->info[0]), "EFI system") == 0);
	CHECK_EQ(found->info[1].offset, 14336 * 512);
	CHECK(strcmp(found->info[1].name, "tar data") == 0);
	CHECK(strcmp(partition_type_name(&found->info[1]), "Linux filesystem") == 0);
	CHECK_EQ(found->info[2].index, 3);
	CHECK_EQ(found->info[2].size, 8192 * 512);
	/* sgdisk stored it as UTF-16; U+2713 is three bytes of UTF-8 */
	CHECK(strcmp(found->info[2].name, "Second FAT \xe2\x9c\x93") == 0);

	char guid[GUID_STRING_SIZE];
	guid_to_string(found->info[2].unique_guid, guid);
	CHECK(strcmp(guid, "A1A1A1A1-B2B2-C3C3-D4D4-E5E5E5E5E503") == 0);
	guid_to_string(found->info[0].type_guid, guid);
	CHECK(strcmp(guid, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B") == 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(found->info[i].scheme, PARTITION_SCHEME_GPT);
}


/* Set a header field of the copy in memory and fix the header CRC. */
static void
patch_gpt_header(uint8_t *data, uint64_t lba, int offset, uint64_t value, int width)
{
	uint8_t *header = data + lba * 512;
	for (int i = 0; i < width; i++)
		header[offset + i] = (uint8_t)(value >> (8 * i));
	uint32_t size = read_le32(header + 12);
	/* an oversized header is refused before its CRC matters */
	if (size > 512)
		size = 512;
	memset(header + 16, 0, 4);
	uint32_t crc = crc32(0, header, size);
	for (int i = 0; i < 4; i++)
		header[16 + i] = (uint8_t)(crc >> (8 * i));
}


static void
fix_gpt_entries_crc(uint8_t *data, uint64_t lba)
{
	uint8_t *header = data + lba * 512;
	uint64_t entries = read_le64(header + 72);
	uint32_t size = read_le32(header + 80) * read_le32(header + 84);
	patch_gpt_header(data, lba, 88, crc32(0, data + entries * 512, size), 4);
}


/* --- CRC32, GUIDs, UTF-16 ------------------------------------------------ */

TEST(crc32_matches_the_standard_check_value)
{
	CHECK_EQ(crc32(0, "123456789", 9), 0xcbf43926);
	CHECK_EQ(crc32(0, "", 0), 0);
	CHECK_EQ(crc32(0, "a", 1), 0xe8b7be43);
	/* in pieces, the same */
	CHECK_EQ(crc32(crc32(0, "1234", 4), "56789", 5), 0xcbf43926);
}


TEST(guid_text_round_trips_and_rejects_malformed_text)
{
	const char *text = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
	uint8_t guid[16];
	CHECK(guid_parse(text, strlen(text), guid));
	/* on disk the first three groups are little endian */
	CHECK_EQ(guid[0], 0x28);
	CHECK_EQ(guid[3], 0xc1);
	CHECK_EQ(guid[4], 0x1f);
	CHECK_EQ(guid[8], 0xba);
	char back[GUID_STRING_SIZE];
	guid_to_string(guid, back);
	CHECK(strcmp(back, text) == 0);

	const char *lower = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";
	uint8_t other[16];
	CHECK(guid_parse(lower, strlen(lower), other));
	CHECK(memcmp(guid, other, 16) == 0);

	const char *bad[] = {
		"C12A7328-F81F-11D2-BA4B-00A0C93EC93",
		"C12A7328-F81F-11D2-BA4B-00A0C93EC93BB",
		"C12A7328F81F-11D2-BA4B-00A0C93EC93B-",
		"G12A7328-F81F-11D2-BA4B-00A0C93EC93B",
		"C12A7328-F81F-11D2-BA4B_00A0C93EC93B",
		"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!guid_parse(bad[i], strlen(bad[i]), other));
	CHECK(!guid_is_null(guid));
	memset(other, 0, sizeof(other));
	CHECK(guid_is_null(other));
	/* Each byte counts, the first and the last too. */
	other[15] = 1;
	CHECK(!guid_is_null(other));
	other[15] = 0;
	other[0] = 0x80;
	CHECK(!guid_is_null(other));
}


TEST(partition_types_are_named_for_the_log)
{
	/* The type GUIDs of the UEFI specification, of the Discoverable
	 * Partitions Specification and of Haiku. */
	static const struct {
		const char	*guid;
		const char	*name;
	} kGpt[] = {
		{ "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI system" },
		{ "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", "Microsoft basic data" },
		{ "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem" },
		{ "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap" },
		{ "21686148-6449-6E6F-744E-656564454649", "BIOS boot" },
		{ "42465331-3BA3-10F1-802A-4861696B7521", "Haiku BFS" },
		{ "BC13C2FF-59E6-4262-A352-B275FD6F7172", "Linux extended boot" },
		{ "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "unknown" },
	};
	struct partition_info info;
	memset(&info, 0, sizeof(info));
	info.scheme = PARTITION_SCHEME_GPT;
	for (size_t i = 0; i < sizeof(kGpt) / sizeof(kGpt[0]); i++) {
		CHECK(guid_parse(kGpt[i].guid, strlen(kGpt[i].guid), info.type_guid));
		CHECK(strcmp(partition_type_name(&info), kGpt[i].name) == 0);
	}
	/* MBR type bytes, as fdisk knows them. */
	static const struct {
		uint8_t		type;
		const char	*name;
	} kMbr[] = {
		{ 0x01, "FAT12" }, { 0x04, "FAT16" }, { 0x06, "FAT16" }, { 0x0e, "FAT16" },
		{ 0x0b, "FAT32" }, { 0x0c, "FAT32" }, { 0x07, "NTFS/exFAT" }, { 0x82, "Linux swap" },
		{ 0x83, "Linux" }, { 0xeb, "BeOS/Haiku" }, { 0xef, "EFI system" }, { 0x05, "unknown" },
	};
	info.scheme = PARTITION_SCHEME_MBR;
	for (size_t i = 0; i < sizeof(kMbr) / sizeof(kMbr[0]); i++) {
		info.mbr_type = kMbr[i].type;
		CHECK(strcmp(partition_type_name(&info), kMbr[i].name) == 0);
	}
}


TEST(utf16_names_become_utf8)
{
	/* "A", U+00E9, U+2713, U+1F600 (a surrogate pair), a lone low surrogate, "z" */
	const uint8_t text[] = { 'A', 0, 0xe9, 0, 0x13, 0x27, 0x3d, 0xd8, 0x00, 0xde,
		0x00, 0xdc, 'z', 0, 0, 0, 'x', 0 };
	char buffer[64];
	size_t length = unicode_utf16le_to_utf8(text, sizeof(text) / 2, buffer, sizeof(buffer));
	const char *expected = "A\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80\xef\xbf\xbdz";
	CHECK_EQ(length, strlen(expected));
	CHECK(strcmp(buffer, expected) == 0);
	/* Measured without a buffer, the same length; past the units given, nothing. */
	CHECK_EQ(unicode_utf16le_utf8_length(text, sizeof(text) / 2), strlen(expected));
	CHECK_EQ(unicode_utf16le_utf8_length(text, 3), 6);
	CHECK_EQ(unicode_utf16le_utf8_length(text, 0), 0);

	/* what does not fit is dropped whole, and the result still ends */
	char small[4];
	length = unicode_utf16le_to_utf8(text, sizeof(text) / 2, small, sizeof(small));
	CHECK_EQ(length, 3);
	CHECK(strcmp(small, "A\xc3\xa9") == 0);
	/* one byte more would leave no room for the NUL */
	const uint8_t fill[] = { 'A', 0, 0xe9, 0, 'z', 0 };
	length = unicode_utf16le_to_utf8(fill, 3, small, sizeof(small));
	CHECK_EQ(length, 3);
	CHECK(strcmp(small, "A\xc3\xa9") == 0);
	/* a high surrogate at the very end has no partner */
	const uint8_t tail[] = { 'a', 0, 0x3d, 0xd8 };
	length = unicode_utf16le_to_utf8(tail, 2, buffer, sizeof(buffer));
	CHECK(strcmp(buffer, "a\xef\xbf\xbd") == 0);
	/* Low surrogates pair with nothing, not even each other; a high one
	 * followed by no low one leaves that unit a character of its own. */
	const uint8_t unpaired[] = { 0x00, 0xdc, 0xff, 0xdf, 0x3d, 0xd8, 'b', 0 };
	length = unicode_utf16le_to_utf8(unpaired, 4, buffer, sizeof(buffer));
	CHECK(strcmp(buffer, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b") == 0);
}


/* --- the device list ---------------------------------------------------- */

TEST(block_device_read_checks_bounds_without_overflow)
{
	test_platform_reset();
	uint8_t *data = malloc(4096);
	for (int i = 0; i < 4096; i++)
		data[i] = (uint8_t)i;
	struct block_device *disk = test_disk_memory(data, 4096, "disk0", 512, 0);
	uint8_t buffer[16];
	CHECK_EQ(block_device_read(disk, 4090, buffer, 6), B_OK);
	CHECK_EQ(buffer[5], (uint8_t)4095);
	CHECK_EQ(block_device_read(disk, 4090, buffer, 7), B_BAD_VALUE);
	CHECK_EQ(block_device_read(disk, 4097, buffer, 0), B_BAD_VALUE);
	CHECK_EQ(block_device_read(disk, 4096, buffer, 0), B_OK);
	CHECK_EQ(block_device_read(disk, UINT64_MAX - 2, buffer, 8), B_BAD_VALUE);
	CHECK_EQ(block_device_read(disk, 8, buffer, SIZE_MAX), B_BAD_VALUE);
	CHECK_EQ(test_disk_stats(disk).reads, 1);

	/* a child reads its parent at an offset, and never beyond its own end */
	struct block_device child;
	CHECK_EQ(block_device_init_child(&child, disk, 1000, 100), B_OK);
	CHECK_EQ(block_device_read(&child, 10, buffer, 4), B_OK);
	CHECK_EQ(buffer[0], (uint8_t)1010);
	CHECK_EQ(block_device_read(&child, 98, buffer, 4), B_BAD_VALUE);
	CHECK_EQ(block_device_init_child(&child, disk, 4000, 97), B_BAD_VALUE);
	CHECK_EQ(block_device_init_child(&child, disk, 1, UINT64_MAX), B_BAD_VALUE);
	/* it may end with its parent, but must have a size */
	CHECK_EQ(block_device_init_child(&child, disk, 4000, 96), B_OK);
	CHECK_EQ(block_device_init_child(&child, disk, 4096, 0), B_BAD_VALUE);
	test_disk_free(disk);
}


TEST(devices_own_what_they_list_and_refuse_bad_devices)
{
	test_platform_reset();
	long live = counted_heap_live();
	int cleanups = test_platform_cleanup_count();

	struct block_device *disk = memory_disk("gpt.img", NULL, NULL, 512);
	CHECK_EQ(block_device_register(disk), B_OK);
	CHECK(devices_first() == disk);
	/* twice is a bug of the port */
	CHECK_EQ(devices_add(disk), B_BAD_VALUE);
	/* so is a partition: the loader finds those itself (and frees this one) */
	struct block_device *child = heap_alloc(sizeof(*child));
	CHECK_EQ(block_device_init_child(child, disk, 0, 512), B_OK);
	CHECK_EQ(block_device_register(child), B_BAD_VALUE);

	struct block_device *odd = test_disk_memory(malloc(1024), 1024, "odd", 500, 0);
	CHECK_EQ(block_device_register(odd), B_BAD_VALUE);

	enum partition_scheme scheme;
	CHECK_EQ(partitions_scan(disk, &scheme), B_OK);
	CHECK_EQ(scheme, PARTITION_SCHEME_GPT);
	int count = 0;
	for (struct block_device *device = devices_first(); device != NULL;
			device = device->next) {
		if (device == disk) {
			CHECK(partition_of(device) == NULL);
			continue;
		}
		count++;
		struct partition *partition = partition_of(device);
		CHECK(partition != NULL);
		CHECK(device->parent == disk);
		CHECK_EQ(device->parent_offset, partition->info.offset);
		CHECK_EQ(device->size, partition->info.size);
		char name[16];
		snprintf(name, sizeof(name), "disk0p%u", partition->info.index);
		CHECK(strcmp(device->name, name) == 0);
	}
	CHECK_EQ(count, 3);

	/* names appear in messages: a port's name that fills its field is ended */
	struct block_device *longName = test_disk_memory(malloc(1024), 1024, "x", 512, 0);
	memset(longName->name, 'n', sizeof(longName->name));
	CHECK_EQ(block_device_register(longName), B_OK);
	CHECK_EQ(strlen(longName->name), BLOCK_DEVICE_NAME_LENGTH - 1);

	devices_cleanup();
	CHECK(devices_first() == NULL);
	CHECK_EQ(test_platform_cleanup_count(), cleanups + 1);
	CHECK_EQ(counted_heap_live(), live);
}


/* --- GPT ---------------------------------------------------------------- */

TEST(gpt_lists_partitions_with_names_and_guids)
{
	test_platform_reset();
	struct block_device *disk = test_disk_open(test_image_path("gpt.img"), "disk0", 512, 0);
	CHECK(disk != NULL);
	struct found found = { 0 };
	CHECK_EQ(gpt_scan(disk, collect, &found), B_OK);
	check_gpt_partitions(&found);
	CHECK(!test_console_contains("GPT"));
	test_disk_free(disk);
}


TEST(gpt_falls_back_to_the_backup_header_with_a_warning)
{
	const char *images[] = { "gpt-bad-primary.img", "gpt-no-primary.img" };
	const char *reasons[] = { "bad header CRC", "no GPT signature" };
	for (int i = 0; i < 2; i++) {
		test_platform_reset();
		struct block_device *disk = test_disk_open(test_image_path(images[i]), "disk7",
			512, 0);
		CHECK(disk != NULL);
		struct found found = { 0 };
		CHECK_EQ(gpt_scan(disk, collect, &found), B_OK);
		check_gpt_partitions(&found);
		CHECK(test_console_contains("disk7: GPT primary header is damaged"));
		CHECK(test_console_contains(reasons[i]));
		CHECK(test_console_contains("using the backup at LBA 32767"));
		test_disk_free(disk);
	}
}


/*
 * gpt.img (32768 blocks) on a disk of 40000: a disk grown after partitioning,
 * whose last block holds no backup; the primary's entry array is damaged, so
 * its header is sound but the table is not.
 */
static struct block_device *
grown_disk(uint8_t **_data)
{
	const size_t kGrownSize = 40000 * 512;
	size_t size;
	uint8_t *data = test_read_file(test_image_path("gpt.img"), &size);
	CHECK(size == 32768 * 512);
	data = realloc(data, kGrownSize);
	memset(data + size, 0, kGrownSize - size);
	patch_gpt_header(data, 1, 88, 12345, 4);
	*_data = data;
	return test_disk_memory(data, kGrownSize, "disk0", 512, 0);
}


TEST(gpt_backup_is_found_where_the_primary_says_on_a_grown_disk)
{
	test_platform_reset();
	uint8_t *data;
	struct block_device *disk = grown_disk(&data);
	struct found found = { 0 };
	CHECK_EQ(gpt_scan(disk, collect, &found), B_OK);
	check_gpt_partitions(&found);
	CHECK(test_console_contains("GPT primary header is damaged (bad partition entry array"
		" CRC), using the backup at LBA 32767"));
	test_disk_free(disk);
}


/* A header that fails its CRC says nothing, also not where its backup is. */
TEST(gpt_backup_position_is_not_taken_from_a_corrupt_primary)
{
	test_platform_reset();
	uint8_t *data;
	struct block_device *disk = grown_disk(&data);
	data[512 + 16] ^= 0xff;
	struct found found = { 0 };
	CHECK_EQ(gpt_scan(disk, collect, &found), B_BAD_DATA);
	CHECK(test_console_contains("disk0: GPT unusable: primary header: bad header CRC;"
		" backup header: no GPT signature"));
	test_disk_free(disk);
}


/* A backup inside the usable area would be a partition's data, not a header. */
TEST(gpt_backup_the_primary_places_in_the_usable_area_is_refused)
{
	test_platform_reset();
	uint8_t *data;
	struct block_device *disk = grown_disk(&data);
	memcpy(data + 100 * 512, data + 32767 * 512, 512);
	patch_gpt_header(data, 100, 24, 100, 8);
	patch_gpt_header(data, 1, 32, 100, 8);
	struct found found = { 0 };
	CHECK_EQ(gpt_scan(disk, collect, &found), B_BAD_DATA);
	CHECK_EQ(found.count, 0);
	CHECK(test_console_contains("disk0: GPT unusable: primary header: bad partition entry"
		" array CRC; backup header: header inside the usable area"));
	test_disk_free(disk);
}


TEST(gpt_with_bad_entry_crcs_in_both_copies_is_unusable)
{
	test_platform_reset();
	struct block_device *disk = test_disk_open(test_image_path("gpt-bad-entries.img"),
		"disk3", 512, 0);
	CHECK(disk != NULL);
	struct found found = { 0 };
	CHECK_EQ(gpt_scan(disk, collect, &found), B_BAD_DATA);
	CHECK_EQ(found.count, 0);
	CHECK(test_console_contains("disk3: GPT unusable: primary header: bad partition entry "
		"array CRC; backup header: bad partition entry array CRC"));

	/* and the protective MBR does not make it an MBR disk */
	enum partition_scheme scheme;
	CHECK_EQ(partitions_scan(disk, &scheme), B_BAD_DATA);
	CHECK_EQ(scheme, PARTITION_SCHEME_GPT);
	test_disk_free(disk);
}


TEST(gpt_uses_the_disks_block_size)
{
	test_platform_reset();
	struct block_device *disk = test_disk_open(test_image_path("gpt4k.img"), "disk0",
		4096, 0);
	CHECK(disk != NULL);
	struct found found = { 0 };
	CHECK_EQ(gpt_scan(disk, collect, &found), B_OK);
	CHECK_EQ(found.count, 1);
	CHECK_EQ(found.info[0].offset, 256 * 4096);
	CHECK_EQ(found.info[0].size, 8 * 1024 * 1024);
	test_disk_free(disk);

	/* read as 512-byte sectors there is no header at LBA 1, only the protective MBR */
	test_platform_reset();
	disk = test_disk_open(test_image_path("gpt4k.img"), "disk0", 512, 0);
	memset(&found, 0, sizeof(found));
	CHECK_EQ(gpt_scan(disk, collect, &found), B_ENTRY_NOT_FOUND);
	CHECK_EQ(mbr_scan(disk, collect, &found), B_NOT_SUPPORTED);
	enum partition_scheme scheme;
	CHECK_EQ(partitions_scan(disk, &scheme), B_BAD_DATA);
	CHECK(test_console_contains("disk0: protective MBR, but no GPT header"));
	test_disk_free(disk);
}


TEST(gpt_on_a_truncated_disk_names_the_problem)
{
	test_platform_reset();
	size_t size;
	uint8_t *data;
	struct block_device *disk = memory_disk("gpt.img", &size, &data, 512);
	disk->size = GPT_DISK_SIZE / 2;
	struct found found = { 0 };
	CHECK_EQ(gpt_scan(disk, collect, &found), B_BAD_DATA);
	CHECK(test_console_contains("primary header: usable area outside the disk; "
		"backup header: no GPT signature"));
	test_disk_free(disk);
}


TEST(gpt_header_fields_are_each_checked)
{
	struct {
		int			offset;
		uint64_t	value;
		int			width;
		const char	*reason;
	} cases[] = {
		{ 12, 91, 4, "bad header size" },
		{ 12, 513, 4, "bad header size" },
		{ 8, 0x00020000, 4, "unsupported revision" },
		{ 24, 2, 8, "header does not describe its own position" },
		{ 40, 40000, 8, "first usable LBA after the last" },
		{ 48, 32767, 8, "usable area outside the disk" },
		{ 40, 1, 8, "usable area outside the disk" },
		{ 84, 64, 4, "bad partition entry size" },
		{ 84, 192, 4, "bad partition entry size" },
		{ 84, 8192, 4, "bad partition entry size" },
		{ 80, 0, 4, "bad partition entry count" },
		{ 80, 100000, 4, "bad partition entry count" },
		{ 80, 0xffffffff, 4, "bad partition entry count" },
		{ 72, 40000, 8, "partition entries outside the disk" },
		{ 72, 32760, 8, "partition entries outside the disk" },
		{ 72, 1, 8, "partition entries overlap the header or the usable area" },
		{ 72, 100, 8, "partition entries overlap the header or the usable area" },
		{ 88, 12345, 4, "bad partition entry array CRC" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_platform_reset();
		uint8_t *data;
		struct block_device *disk = memory_disk("gpt.img", NULL, &data, 512);
		patch_gpt_header(data, 1, cases[i].offset, cases[i].value, cases[i].width);
		struct found found = { 0 };
		/* the backup still serves */
		CHECK_EQ(gpt_scan(disk, collect, &found), B_OK);
		check_gpt_partitions(&found);
		char expected[160];
		snprintf(expected, sizeof(expected), "GPT primary header is damaged (%s)",
			cases[i].reason);
		if (!test_console_contains(expected))
			unit_fail(__FILE__, __LINE__, "case %zu: no \"%s\" in: %s", i, expected, test_output());

		/* and with the same damage in the backup, nothing does */
		test_platform_reset();
		patch_gpt_header(data, 32767, cases[i].offset, cases[i].value, cases[i].width);
		memset(&found, 0, sizeof(found));
		status_t status = gpt_scan(disk, collect, &found);
		if (status != B_BAD_DATA)
			unit_fail(__FILE__, __LINE__, "case %zu: backup accepted: %s", i, test_output());
		CHECK_EQ(found.count, 0);
		test_disk_free(disk);
	}
}


TEST(gpt_entries_outside_the_usable_area_are_skipped)
{
	test_platform_reset();
	uint8_t *data;
	struct block_device *disk = memory_disk("gpt.img", NULL, &data, 512);
	/* partition 2 ends past the last usable LBA, partition 3 starts after it ends */
	uint8_t *entries = data + 2 * 512;
	entries[128 + 40] = 0xff;
	entries[128 + 41] = 0xff;
	entries[256 + 32] = 0xff;
	entries[256 + 33] = 0xff;
	entries[256 + 34] = 0x00;
	fix_gpt_entries_crc(data, 1);
	struct found found = { 0 };
	CHECK_EQ(gpt_scan(disk, collect, &found), B_OK);
	CHECK_EQ(found.count, 1);
	CHECK_EQ(found.info[0].index, 1);
	CHECK(test_console_contains("disk0: GPT partition 2 (LBA 14336-"));
	CHECK(test_console_contains("disk0: GPT partition 3 (LBA 65535-26623) lies outside"));
	test_disk_free(disk);
}


TEST(gpt_hook_errors_stop_the_scan)
{
	test_platform_reset();
	struct block_device *disk = test_disk_open(test_image_path("gpt.img"), "disk0", 512, 0);
	struct found found = { .fail_with = B_NO_MEMORY };
	CHECK_EQ(gpt_scan(disk, collect, &found), B_NO_MEMORY);
	CHECK_EQ(found.count, 1);

	/* and failing reads are reported as such */
	test_disk_set_failing(disk, 1);
	memset(&found, 0, sizeof(found));
	CHECK_EQ(gpt_scan(disk, collect, &found), B_BAD_DATA);
	CHECK(test_console_contains("cannot read the header"));
	CHECK_EQ(mbr_scan(disk, collect, &found), B_IO_ERROR);
	test_disk_free(disk);
}


/* --- MBR ---------------------------------------------------------------- */

static void
check_mbr_partitions(const struct found *found, int expectedCount)
{
	static const struct {
		uint32_t	index;
		uint64_t	start;
		uint64_t	sectors;
		uint8_t		type;
	} kExpected[] = {
		{ 1, 2048, 8192, 0x0e },
		{ 2, 10240, 4096, 0x83 },
		{ 5, 16384, 8192, 0x06 },
		{ 6, 26624, 4096, 0x83 },
		{ 7, 32768, 8192, 0x01 },
	};
	CHECK_EQ(found->count, expectedCount);
	for (int i = 0; i < expectedCount; i++) {
		CHECK_EQ(found->info[i].scheme, PARTITION_SCHEME_MBR);
		CHECK_EQ(found->info[i].index, kExpected[i].index);
		CHECK_EQ(found->info[i].offset, kExpected[i].start * 512);
		CHECK_EQ(found->info[i].size, kExpected[i].sectors * 512);
		CHECK_EQ(found->info[i].mbr_type, kExpected[i].type);
		CHECK_EQ(found->info[i].active, i == 0);
	}
}


TEST(mbr_lists_primary_and_logical_partitions)
{
	test_platform_reset();
	struct block_device *disk = test_disk_open(test_image_path("mbr.img"), "disk0", 512, 0);
	CHECK(disk != NULL);
	struct found found = { 0 };
	CHECK_EQ(mbr_scan(disk, collect, &found), B_OK);
	check_mbr_partitions(&found, 5);
	CHECK(strcmp(partition_type_name(&found.info[0]), "FAT16") == 0);
	CHECK(strcmp(partition_type_name(&found.info[4]), "FAT12") == 0);

	/* and it is not mistaken for a GPT */
	memset(&found, 0, sizeof(found));
	CHECK_EQ(gpt_scan(disk, collect, &found), B_ENTRY_NOT_FOUND);
	enum partition_scheme scheme;
	CHECK_EQ(partitions_scan(disk, &scheme), B_OK);
	CHECK_EQ(scheme, PARTITION_SCHEME_MBR);
	devices_cleanup();
	test_disk_free(disk);
}


/* The LBA of the EBR in the extended partition that describes logical 5 + n. */
static uint64_t
ebr_lba(const uint8_t *data, int n)
{
	uint64_t extended = read_le32(data + 446 + 2 * 16 + 8);
	uint64_t ebr = extended;
	for (int i = 0; i < n; i++)
		ebr = extended + read_le32(data + ebr * 512 + 446 + 16 + 8);
	return ebr;
}


TEST(mbr_extended_chain_loops_are_caught)
{
	test_platform_reset();
	uint8_t *data;
	struct block_device *disk = memory_disk("mbr.img", NULL, &data, 512);
	/* without a link in the EBR of logical 6 the chain just ends there */
	uint64_t second = ebr_lba(data, 1);
	uint64_t extended = ebr_lba(data, 0);
	uint8_t *link = data + second * 512 + 446 + 16;
	CHECK(read_le32(link + 8) != 0);
	memset(link, 0, 16);
	struct found found = { 0 };
	CHECK_EQ(mbr_scan(disk, collect, &found), B_OK);
	check_mbr_partitions(&found, 4);

	/* now make the third EBR point at the second: a real loop */
	test_platform_reset();
	test_disk_free(disk);
	disk = memory_disk("mbr.img", NULL, &data, 512);
	uint64_t third = ebr_lba(data, 2);
	link = data + third * 512 + 446 + 16;
	uint32_t relative = (uint32_t)(second - extended);
	link[0] = 0;
	link[4] = 0x05;
	link[8] = (uint8_t)relative;
	link[9] = (uint8_t)(relative >> 8);
	link[10] = (uint8_t)(relative >> 16);
	link[11] = (uint8_t)(relative >> 24);
	link[12] = 1;
	memset(&found, 0, sizeof(found));
	CHECK_EQ(mbr_scan(disk, collect, &found), B_BAD_DATA);
	check_mbr_partitions(&found, 5);
	char expected[96];
	snprintf(expected, sizeof(expected),
		"disk0: MBR extended partition chain loops at LBA %llu", (unsigned long long)second);
	CHECK(test_console_contains(expected));

	/* a link to itself is the shortest loop */
	test_platform_reset();
	relative = (uint32_t)(third - extended);
	link[8] = (uint8_t)relative;
	link[9] = (uint8_t)(relative >> 8);
	memset(&found, 0, sizeof(found));
	CHECK_EQ(mbr_scan(disk, collect, &found), B_BAD_DATA);
	CHECK(test_console_contains("chain loops at LBA"));
	test_disk_free(disk);
}


TEST(mbr_every_extended_type_is_followed)
{
	/* DOS's 0x05, the LBA 0x0f and Linux's 0x85, in the MBR and in the EBR links */
	static const uint8_t kTypes[] = { 0x05, 0x0f, 0x85 };
	for (size_t t = 0; t < sizeof(kTypes); t++) {
		test_platform_reset();
		uint8_t *data;
		struct block_device *disk = memory_disk("mbr.img", NULL, &data, 512);
		data[446 + 2 * 16 + 4] = kTypes[t];
		for (int n = 0; n < 2; n++)
			data[ebr_lba(data, n) * 512 + 446 + 16 + 4] = kTypes[t];
		struct found found = { 0 };
		CHECK_EQ(mbr_scan(disk, collect, &found), B_OK);
		check_mbr_partitions(&found, 5);
		test_disk_free(disk);
	}
}


TEST(mbr_a_logical_partition_may_end_with_its_extended_one)
{
	test_platform_reset();
	uint8_t *data;
	struct block_device *disk = memory_disk("mbr.img", NULL, &data, 512);
	/* the extended partition shrunk to end where logical 7 (32768 + 8192) ends */
	uint8_t *extended = data + 446 + 2 * 16;
	uint32_t count = 32768 + 8192 - read_le32(extended + 8);
	for (int i = 0; i < 4; i++)
		extended[12 + i] = (uint8_t)(count >> (8 * i));
	struct found found = { 0 };
	CHECK_EQ(mbr_scan(disk, collect, &found), B_OK);
	check_mbr_partitions(&found, 5);
	test_disk_free(disk);
}


TEST(mbr_a_link_to_the_end_of_the_extended_partition_leaves_it)
{
	test_platform_reset();
	uint8_t *data;
	struct block_device *disk = memory_disk("mbr.img", NULL, &data, 512);
	/* the second EBR links to the first sector after the extended partition */
	uint32_t count = read_le32(data + 446 + 2 * 16 + 12);
	uint8_t *link = data + ebr_lba(data, 1) * 512 + 446 + 16;
	for (int i = 0; i < 4; i++)
		link[8 + i] = (uint8_t)(count >> (8 * i));
	struct found found = { 0 };
	CHECK_EQ(mbr_scan(disk, collect, &found), B_BAD_DATA);
	check_mbr_partitions(&found, 4);
	CHECK(test_console_contains("links outside its extended partition"));
	test_disk_free(disk);
}


TEST(mbr_damaged_extended_records_are_reported)
{
	test_platform_reset();
	uint8_t *data;
	struct block_device *disk = memory_disk("mbr.img", NULL, &data, 512);
	uint64_t second = ebr_lba(data, 1);
	/* the second EBR loses its signature */
	data[second * 512 + 510] = 0;
	struct found found = { 0 };
	CHECK_EQ(mbr_scan(disk, collect, &found), B_BAD_DATA);
	check_mbr_partitions(&found, 3);
	CHECK(test_console_contains("extended boot record at LBA"));
	CHECK(test_console_contains("has no signature"));
	data[second * 512 + 510] = 0x55;

	/* its link leaves the extended partition */
	test_platform_reset();
	data[second * 512 + 446 + 16 + 11] = 0x7f;
	memset(&found, 0, sizeof(found));
	CHECK_EQ(mbr_scan(disk, collect, &found), B_BAD_DATA);
	CHECK(test_console_contains("links outside its extended partition"));
	data[second * 512 + 446 + 16 + 11] = 0;

	/* its logical partition grows out of the extended one: skipped */
	test_platform_reset();
	data[second * 512 + 446 + 12 + 2] = 0x7f;
	memset(&found, 0, sizeof(found));
	CHECK_EQ(mbr_scan(disk, collect, &found), B_OK);
	CHECK_EQ(found.count, 4);
	CHECK_EQ(found.info[3].index, 7);
	CHECK(test_console_contains("logical partition 6 lies outside its extended partition"));
	test_disk_free(disk);
}


TEST(mbr_primary_entries_outside_the_disk_are_skipped)
{
	test_platform_reset();
	uint8_t *data;
	struct block_device *disk = memory_disk("mbr.img", NULL, &data, 512);
	/* partition 2 now ends far beyond the 32 MiB disk */
	data[446 + 16 + 12 + 3] = 0x10;
	struct found found = { 0 };
	CHECK_EQ(mbr_scan(disk, collect, &found), B_OK);
	CHECK_EQ(found.count, 4);
	CHECK_EQ(found.info[1].index, 5);
	CHECK(test_console_contains("disk0: MBR partition 2 lies outside the disk"));

	/* a status byte other than 0 or 0x80 means this is no partition table */
	data[446] = 0x12;
	memset(&found, 0, sizeof(found));
	CHECK_EQ(mbr_scan(disk, collect, &found), B_ENTRY_NOT_FOUND);
	test_disk_free(disk);
}


TEST(mbr_primary_entries_overlapping_earlier_ones_are_skipped)
{
	test_platform_reset();
	uint8_t *data;
	struct block_device *disk = memory_disk("mbr.img", NULL, &data, 512);
	/* partition 2 (10240-14335) now starts inside partition 1 (2048-10239) */
	data[446 + 16 + 8] = 0x00;
	data[446 + 16 + 9] = 0x24;
	struct found found = { 0 };
	CHECK_EQ(mbr_scan(disk, collect, &found), B_OK);
	CHECK_EQ(found.count, 4);
	CHECK_EQ(found.info[0].index, 1);
	CHECK_EQ(found.info[1].index, 5);
	CHECK(test_console_contains("disk0: MBR partition 2 overlaps partition 1, ignored"));

	/* partition 1 grown over the extended partition: its logicals go with it */
	test_platform_reset();
	data[446 + 16 + 9] = 0x28;
	data[446 + 12] = 0x00;
	data[446 + 13] = 0x40;
	memset(&found, 0, sizeof(found));
	CHECK_EQ(mbr_scan(disk, collect, &found), B_OK);
	CHECK_EQ(found.count, 1);
	CHECK_EQ(found.info[0].size, 0x4000 * 512);
	CHECK(test_console_contains("disk0: MBR partition 2 overlaps partition 1, ignored"));
	CHECK(test_console_contains("disk0: MBR partition 3 overlaps partition 1, ignored"));

	/* touching is not overlapping: partition 1 ends where partition 2 starts */
	test_platform_reset();
	data[446 + 12] = 0x00;
	data[446 + 13] = 0x20;
	memset(&found, 0, sizeof(found));
	CHECK_EQ(mbr_scan(disk, collect, &found), B_OK);
	check_mbr_partitions(&found, 5);
	CHECK(!test_console_contains("overlaps"));
	test_disk_free(disk);
}


TEST(mbr_protective_and_superfloppy_disks)
{
	test_platform_reset();
	struct block_device *disk = test_disk_open(test_image_path("gpt.img"), "disk0", 512, 0);
	struct found found = { 0 };
	CHECK_EQ(mbr_scan(disk, collect, &found), B_NOT_SUPPORTED);
	CHECK_EQ(found.count, 0);
	test_disk_free(disk);

	/* a FAT volume without a partition table also ends its first sector in 55 aa */
	const char *volumes[] = { "fat12-s1.img", "fat16-s4.img", "fat32-s1.img",
		"fat16-4k.img", "tar-gnu.tar" };
	for (size_t i = 0; i < sizeof(volumes) / sizeof(volumes[0]); i++) {
		disk = test_disk_open(test_image_path(volumes[i]), "disk0", 512, 0);
		CHECK_EQ(mbr_scan(disk, collect, &found), B_ENTRY_NOT_FOUND);
		CHECK_EQ(gpt_scan(disk, collect, &found), B_ENTRY_NOT_FOUND);
		enum partition_scheme scheme;
		CHECK_EQ(partitions_scan(disk, &scheme), B_ENTRY_NOT_FOUND);
		CHECK_EQ(scheme, PARTITION_SCHEME_NONE);
		test_disk_free(disk);
	}
	CHECK_EQ(found.count, 0);
}


TEST(truncated_disks_never_crash_the_scanners)
{
	const char *images[] = { "gpt.img", "mbr.img", "gpt4k.img", "gpt-bad-primary.img" };
	const uint64_t sizes[] = { 0, 1, 511, 512, 513, 1024, 1536, 4096, 17408, 17920,
		1048576, 7340032, 8388608, 16776704 };
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			for (uint32_t blockSize = 512; blockSize <= 4096; blockSize *= 8) {
				test_platform_reset();
				size_t size;
				struct block_device *disk = memory_disk(images[i], &size, NULL, blockSize);
				if (sizes[j] < size)
					disk->size = sizes[j];
				struct found found = { 0 };
				status_t status = gpt_scan(disk, collect, &found);
				CHECK(status == B_OK || status == B_ENTRY_NOT_FOUND || status == B_BAD_DATA);
				status = mbr_scan(disk, collect, &found);
				CHECK(status == B_OK || status == B_ENTRY_NOT_FOUND
					|| status == B_NOT_SUPPORTED || status == B_BAD_DATA);
				for (int k = 0; k < found.count; k++) {
					CHECK(found.info[k].offset + found.info[k].size <= disk->size);
					CHECK(found.info[k].size > 0);
				}
				test_disk_free(disk);
			}
		}
	}
}
