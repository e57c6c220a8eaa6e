/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the manifest parser on good input: sha256sum's text and
 * binary lines, comments, CRLF, paths with and without '/', and
 * manifest_find(), which compares paths as FAT does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/manifest.h>

#include "test_crypto.h"
#include "test_manifest.h"
#include "unit_test.h"


void
test_manifest_parse_bytes(const char *text, size_t size, struct manifest *manifest)
{
	counted_heap_reset();
	char error[MANIFEST_ERROR_SIZE] = "";
	status_t status = manifest_parse(text, size, manifest, error, sizeof(error));
	if (status != B_OK)
		unit_fail(__FILE__, __LINE__, "manifest_parse: %d (%s)", (int)status, error);
	CHECK(manifest->count > 0);
}


void
test_manifest_parse(const char *text, struct manifest *manifest)
{
	test_manifest_parse_bytes(text, strlen(text), manifest);
}


void
test_manifest_error_bytes(const char *text, size_t size, const char *message)
{
	counted_heap_reset();
	struct manifest manifest = { (struct manifest_entry *)1, 1 };
	char error[MANIFEST_ERROR_SIZE] = "";
	status_t status = manifest_parse(text, size, &manifest, error, sizeof(error));
	if (status != B_BAD_DATA || strcmp(error, message) != 0) {
		unit_fail(__FILE__, __LINE__, "manifest_parse: %d \"%s\", expected %d \"%s\"",
			(int)status, error, B_BAD_DATA, message);
	}
	CHECK(manifest.entries == NULL);
	CHECK_EQ(manifest.count, 0);
	CHECK_EQ(counted_heap_live(), 0);
}


void
test_manifest_error(const char *text, const char *message)
{
	test_manifest_error_bytes(text, strlen(text), message);
}


void
test_manifest_release(struct manifest *manifest)
{
	manifest_free(manifest);
	CHECK(manifest->entries == NULL);
	CHECK_EQ(manifest->count, 0);
	CHECK_EQ(counted_heap_live(), 0);
}


static void
check_entry(const struct manifest *manifest, uint32_t index, const char *path, uint32_t line)
{
	CHECK(index < manifest->count);
	const struct manifest_entry *entry = &manifest->entries[index];
	if (strcmp(entry->path, path) != 0)
		unit_fail(__FILE__, __LINE__, "entry %u: path \"%s\", expected \"%s\"", index,
			entry->path, path);
	CHECK_EQ(entry->line, line);
	uint8_t digest[SHA256_DIGEST_SIZE];
	test_hex(digest, sizeof(digest), TEST_DIGEST);
	CHECK(memcmp(entry->digest, digest, sizeof(digest)) == 0);
}


TEST(manifest_text_and_binary_lines)
{
	struct manifest manifest;
	/* sha256sum's text mode, then its binary mode (-b), as it prints them */
	test_manifest_parse(TEST_DIGEST "  boot/kernel\n"
		TEST_DIGEST " *boot/module.bin\n", &manifest);
	CHECK_EQ(manifest.count, 2);
	check_entry(&manifest, 0, "/boot/kernel", 1);
	check_entry(&manifest, 1, "/boot/module.bin", 2);
	test_manifest_release(&manifest);
}


TEST(manifest_digest_in_either_case)
{
	struct manifest manifest;
	test_manifest_parse(TEST_DIGEST_UPPER "  /boot/kernel\n", &manifest);
	check_entry(&manifest, 0, "/boot/kernel", 1);
	test_manifest_release(&manifest);

	uint8_t expected[SHA256_DIGEST_SIZE];
	test_hex(expected, sizeof(expected),
		"00000000000000000000000000000000000000000000000000000000000000ff");
	test_manifest_parse("00000000000000000000000000000000000000000000000000000000000000fF"
		"  a\n", &manifest);
	CHECK(memcmp(manifest.entries[0].digest, expected, sizeof(expected)) == 0);
	test_manifest_release(&manifest);
}


TEST(manifest_comments_and_empty_lines)
{
	struct manifest manifest;
	test_manifest_parse("# made by sign-manifest\n"
		"\n"
		TEST_DIGEST "  boot/kernel\n"
		"#" TEST_DIGEST "  boot/commented-out\n"
		"\n"
		"# not even a digest: ###\n"
		TEST_DIGEST "  /boot/loader.cfg\n", &manifest);
	CHECK_EQ(manifest.count, 2);
	check_entry(&manifest, 0, "/boot/kernel", 3);
	check_entry(&manifest, 1, "/boot/loader.cfg", 7);
	CHECK(manifest_find(&manifest, "/boot/commented-out") == NULL);
	test_manifest_release(&manifest);
}


TEST(manifest_crlf_lines)
{
	struct manifest manifest;
	test_manifest_parse("# edited on Windows\r\n"
		"\r\n"
		TEST_DIGEST "  boot/kernel\r\n"
		TEST_DIGEST " */boot/module\r\n", &manifest);
	CHECK_EQ(manifest.count, 2);
	check_entry(&manifest, 0, "/boot/kernel", 3);
	check_entry(&manifest, 1, "/boot/module", 4);
	test_manifest_release(&manifest);
}


TEST(manifest_paths_as_written)
{
	struct manifest manifest;
	/* spaces, a trailing one included, and UTF-8 are part of a file name */
	test_manifest_parse(TEST_DIGEST "  boot/my kernel \n"
		TEST_DIGEST "  /EFI/BOOT/BOOTX64.EFI\n"
		TEST_DIGEST "  boot/caf\xc3\xa9\n"
		TEST_DIGEST "  boot/*star\n"
		TEST_DIGEST " **star\n"
		TEST_DIGEST "  #hash\n", &manifest);
	CHECK_EQ(manifest.count, 6);
	check_entry(&manifest, 0, "/boot/my kernel ", 1);
	check_entry(&manifest, 1, "/EFI/BOOT/BOOTX64.EFI", 2);
	check_entry(&manifest, 2, "/boot/caf\xc3\xa9", 3);
	check_entry(&manifest, 3, "/boot/*star", 4);
	check_entry(&manifest, 4, "/*star", 5);
	check_entry(&manifest, 5, "/#hash", 6);
	test_manifest_release(&manifest);
}


TEST(manifest_longest_path)
{
	/* MANIFEST_MAX_PATH_LENGTH bytes as written, with or without '/' */
	char text[128 + MANIFEST_MAX_PATH_LENGTH];
	for (int slash = 0; slash < 2; slash++) {
		size_t offset = (size_t)snprintf(text, sizeof(text), "%s  %s", TEST_DIGEST,
			slash ? "/" : "");
		while (offset < 66 + MANIFEST_MAX_PATH_LENGTH)
			text[offset++] = 'p';
		text[offset++] = '\n';

		struct manifest manifest;
		test_manifest_parse_bytes(text, offset, &manifest);
		CHECK_EQ(strlen(manifest.entries[0].path), MANIFEST_MAX_PATH_LENGTH + !slash);
		CHECK(strlen(manifest.entries[0].path) <= VFS_PATH_LENGTH);
		test_manifest_release(&manifest);
	}
}


TEST(manifest_largest_file)
{
	/* MANIFEST_MAX_SIZE bytes exactly: one entry, then comment lines */
	char *text = malloc(MANIFEST_MAX_SIZE);
	size_t offset = (size_t)snprintf(text, MANIFEST_MAX_SIZE, "%s  boot/kernel\n",
		TEST_DIGEST);
	memset(text + offset, '#', MANIFEST_MAX_SIZE - offset);
	for (size_t i = offset + 99; i < MANIFEST_MAX_SIZE; i += 100)
		text[i] = '\n';
	text[MANIFEST_MAX_SIZE - 1] = '\n';

	struct manifest manifest;
	test_manifest_parse_bytes(text, MANIFEST_MAX_SIZE, &manifest);
	CHECK_EQ(manifest.count, 1);
	test_manifest_release(&manifest);
	free(text);
}


TEST(manifest_find_ignores_case_and_slash)
{
	struct manifest manifest;
	test_manifest_parse(TEST_DIGEST "  boot/Kernel\n"
		TEST_DIGEST "  /EFI/BOOT/bootx64.efi\n"
		TEST_DIGEST "  boot/caf\xc3\xa9\n", &manifest);
	CHECK(manifest_find(&manifest, "/boot/Kernel") == &manifest.entries[0]);
	CHECK(manifest_find(&manifest, "boot/kernel") == &manifest.entries[0]);
	CHECK(manifest_find(&manifest, "/BOOT/KERNEL") == &manifest.entries[0]);
	CHECK(manifest_find(&manifest, "efi/boot/BOOTX64.EFI") == &manifest.entries[1]);
	CHECK(manifest_find(&manifest, "/boot/caf\xc3\xa9") == &manifest.entries[2]);

	/* no more than ASCII: FAT's upper-case table is not the manifest's business */
	CHECK(manifest_find(&manifest, "/boot/caf\xc3\x89") == NULL);
	CHECK(manifest_find(&manifest, "/boot/kerne") == NULL);
	CHECK(manifest_find(&manifest, "/boot/kernel2") == NULL);
	CHECK(manifest_find(&manifest, "/boot") == NULL);
	CHECK(manifest_find(&manifest, "") == NULL);
	CHECK(manifest_find(&manifest, "/") == NULL);
	CHECK(manifest_find(&manifest, "//boot/kernel") == NULL);
	CHECK(manifest_find(&manifest, NULL) == NULL);
	test_manifest_release(&manifest);

	CHECK(manifest_find(&manifest, "/boot/kernel") == NULL);
	CHECK(manifest_find(NULL, "/boot/kernel") == NULL);
}


TEST(manifest_free_twice)
{
	struct manifest manifest;
	test_manifest_parse(TEST_DIGEST "  boot/kernel\n", &manifest);
	test_manifest_release(&manifest);
	test_manifest_release(&manifest);
	manifest_free(NULL);
}


TEST(manifest_out_of_memory)
{
	counted_heap_reset();
	counted_heap_fail_at(1);
	struct manifest manifest;
	char error[MANIFEST_ERROR_SIZE] = "";
	const char text[] = TEST_DIGEST "  a\n" TEST_DIGEST "  b\n";
	CHECK_EQ(manifest_parse(text, sizeof(text) - 1, &manifest, error, sizeof(error)),
		B_NO_MEMORY);
	CHECK(strcmp(error, "out of memory for 2 entries") == 0);
	CHECK(manifest.entries == NULL);
	CHECK_EQ(manifest.count, 0);
	CHECK_EQ(counted_heap_live(), 0);
	counted_heap_reset();
}
