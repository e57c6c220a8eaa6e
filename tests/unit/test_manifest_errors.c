/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the manifest parser's refusals: every message, exactly, with
 * the line it names, and nothing left on the heap after any of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/manifest.h>

#include "test_manifest.h"
#include "unit_test.h"

#define D	TEST_DIGEST


TEST(manifest_digest_length_errors)
{
	test_manifest_error("# two good lines first\n" D "  a\n"
		"0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a697  b\n",
		"line 3: the digest has 63 hex digits, not 64");
	test_manifest_error(D "0  a\n", "line 1: the digest has 65 hex digits, not 64");
	/* sha512sum's output */
	test_manifest_error(D D "  a\n", "line 1: the digest has 128 hex digits, not 64");
	/* more than 64 digits and then something else: the length is what is wrong */
	test_manifest_error(D "0x  a\n", "line 1: the digest has 65 hex digits, not 64");
	test_manifest_error("  boot/kernel\n", "line 1: the digest has 0 hex digits, not 64");
	test_manifest_error("0123\n", "line 1: the digest has 4 hex digits, not 64");
	test_manifest_error(" \n", "line 1: the digest has 0 hex digits, not 64");
}


TEST(manifest_non_hex_digit_errors)
{
	test_manifest_error("\n0123456789abcdeg00112233445566778899aabbccddeeff0f1e2d3c4b5a6978  a\n",
		"line 2: 'g' is not a hex digit");
	test_manifest_error("0x23456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978  a\n",
		"line 1: 'x' is not a hex digit");
	test_manifest_error("boot/kernel\n", "line 1: 'o' is not a hex digit");
	test_manifest_error("\t" D "  a\n", "line 1: byte 0x09 is not a hex digit");
	test_manifest_error("01\x01" "3\n", "line 1: byte 0x01 is not a hex digit");
	test_manifest_error("01\xc3\xa9\n", "line 1: byte 0xc3 is not a hex digit");
	test_manifest_error_bytes("01\0" "3\n", 5, "line 1: byte 0x00 is not a hex digit");
	/* a '\r' that does not end the line is no line ending */
	test_manifest_error("0\r1\n", "line 1: byte 0x0d is not a hex digit");
}


TEST(manifest_separator_errors)
{
	const char *message = "line 1: the digest is not followed by two spaces, or a space and '*'";
	test_manifest_error(D " a\n", message);
	test_manifest_error(D "\ta\n", message);
	test_manifest_error(D "\t a\n", message);
	test_manifest_error(D " \ta\n", message);
	test_manifest_error(D "\n", message);
	test_manifest_error(D "\r\n", message);
	test_manifest_error(D " \n", message);
	test_manifest_error(D "*a\n", message);
	test_manifest_error(D "**a\n", message);
	test_manifest_error("# x\n\n" D "-a\n",
		"line 3: the digest is not followed by two spaces, or a space and '*'");
}


TEST(manifest_empty_path_errors)
{
	test_manifest_error(D "  \n", "line 1: the path is empty");
	test_manifest_error(D " *\n", "line 1: the path is empty");
	test_manifest_error(D "  \r\n", "line 1: the path is empty");
	test_manifest_error(D "  a\n" D "  /\n", "line 2: the path is empty");
}


TEST(manifest_path_too_long)
{
	char text[128 + MANIFEST_MAX_PATH_LENGTH];
	for (int slash = 0; slash < 2; slash++) {
		size_t offset = (size_t)snprintf(text, sizeof(text), "%s  %s", D, slash ? "/" : "");
		while (offset < 66 + MANIFEST_MAX_PATH_LENGTH + 1)
			text[offset++] = 'p';
		text[offset++] = '\n';
		test_manifest_error_bytes(text, offset,
			"line 1: the path is 1024 bytes long, more than 1023");
	}
}


TEST(manifest_path_byte_errors)
{
	test_manifest_error_bytes(D "  boot/a\0b\n", 66 + 9, "line 1: the path contains a NUL byte");
	test_manifest_error(D "  boot/a\tb\n", "line 1: the path contains control character U+0009");
	test_manifest_error(D "  boot/a\rb\n", "line 1: the path contains control character U+000D");
	/* only one '\r' belongs to the line ending */
	test_manifest_error(D "  boot/a\r\r\n",
		"line 1: the path contains control character U+000D");
	test_manifest_error(D "  boot/\x1b[0m\n",
		"line 1: the path contains control character U+001B");
	test_manifest_error(D "  boot/\x7f\n", "line 1: the path contains control character U+007F");
	test_manifest_error(D "  boot/\xc2\x85\n",
		"line 1: the path contains control character U+0085");
	test_manifest_error(D "  boot/caf\xe9\n", "line 1: the path is not valid UTF-8");
	test_manifest_error(D "  boot/\xc0\xaf\n", "line 1: the path is not valid UTF-8");
	test_manifest_error(D "  boot/\xed\xa0\x80\n", "line 1: the path is not valid UTF-8");
	test_manifest_error(D "  boot/\xe2\x82\n", "line 1: the path is not valid UTF-8");
}


TEST(manifest_path_component_errors)
{
	const char *message = "line 1: the path has an empty, '.' or '..' component";
	test_manifest_error(D "  ./boot/kernel\n", message);
	test_manifest_error(D "  /./boot/kernel\n", message);
	test_manifest_error(D "  boot/../kernel\n", message);
	test_manifest_error(D "  ..\n", message);
	test_manifest_error(D "  boot//kernel\n", message);
	test_manifest_error(D "  //boot/kernel\n", message);
	test_manifest_error(D "  boot/\n", message);
	test_manifest_error(D "  boot/.\n", message);

	/* dots inside a name are a name's */
	struct manifest manifest;
	test_manifest_parse(D "  .hidden/...\n" D "  a..b/.c.\n", &manifest);
	CHECK(strcmp(manifest.entries[0].path, "/.hidden/...") == 0);
	CHECK(strcmp(manifest.entries[1].path, "/a..b/.c.") == 0);
	test_manifest_release(&manifest);
}


TEST(manifest_foreign_formats)
{
	/* sha256sum escapes names with '\\' or a line break */
	test_manifest_error("\\" D "  boot/a\\\\b\n",
		"line 1: escaped file names (a line starting with '\\') are not supported");
	test_manifest_error(D "  a\n\\" D "  boot/a\\nb\n",
		"line 2: escaped file names (a line starting with '\\') are not supported");
	test_manifest_error("SHA256 (boot/kernel) = " D "\n",
		"line 1: sha256sum --tag lines are not supported, only its default output");
}


TEST(manifest_duplicate_errors)
{
	test_manifest_error(D "  boot/kernel\n"
		"# again\n"
		D "  boot/module\n"
		D "  /BOOT/Kernel\n",
		"line 4: the path is on line 1 already: /BOOT/Kernel");
	test_manifest_error(D "  /a\n" D "  b\n" D "  A\n",
		"line 3: the path is on line 1 already: /A");
	test_manifest_error(D "  a\n" D " *a\n",
		"line 2: the path is on line 1 already: /a");
}


TEST(manifest_duplicate_message_cut_short)
{
	/* a path longer than the message buffer: the line numbers come first and stay */
	char text[2 * (128 + MANIFEST_MAX_PATH_LENGTH)];
	size_t offset = 0;
	for (int line = 0; line < 2; line++) {
		offset += (size_t)snprintf(text + offset, sizeof(text) - offset, "%s  ", D);
		for (int i = 0; i < 500; i++)
			text[offset++] = 'q';
		text[offset++] = '\n';
	}
	counted_heap_reset();
	struct manifest manifest;
	char error[MANIFEST_ERROR_SIZE];
	CHECK_EQ(manifest_parse(text, offset, &manifest, error, sizeof(error)), B_BAD_DATA);
	CHECK_EQ(strlen(error), MANIFEST_ERROR_SIZE - 1);
	CHECK(strncmp(error, "line 2: the path is on line 1 already: /qqq", 43) == 0);
	CHECK_EQ(counted_heap_live(), 0);
}


TEST(manifest_too_large)
{
	char *text = malloc(MANIFEST_MAX_SIZE + 1);
	memset(text, '\n', MANIFEST_MAX_SIZE + 1);
	test_manifest_error_bytes(text, MANIFEST_MAX_SIZE + 1,
		"the manifest is 65537 bytes, more than 65536");
	/* the size is checked before anything else: this line would be an error too */
	memset(text, 'x', MANIFEST_MAX_SIZE + 1);
	test_manifest_error_bytes(text, MANIFEST_MAX_SIZE + 1,
		"the manifest is 65537 bytes, more than 65536");
	free(text);
}


TEST(manifest_truncated)
{
	test_manifest_error(D "  boot/kernel\n" D "  boot/mod",
		"line 2: the last line has no newline (truncated file?)");
	test_manifest_error(D "  boot/kernel\n\n# a comment",
		"line 3: the last line has no newline (truncated file?)");
	test_manifest_error(D "  boot/kernel\r\n" D "  boot/module\r",
		"line 2: the last line has no newline (truncated file?)");
	test_manifest_error(D, "line 1: the last line has no newline (truncated file?)");
	/* the shortest cut file: its one byte is also its last */
	test_manifest_error("#", "line 1: the last line has no newline (truncated file?)");
	/* before any other error: a cut file may have been cut anywhere */
	test_manifest_error("garbage\n" D "  boot/mod",
		"line 2: the last line has no newline (truncated file?)");
}


TEST(manifest_without_entries)
{
	test_manifest_error("", "the manifest lists no files");
	test_manifest_error("\n", "the manifest lists no files");
	test_manifest_error("\r\n\n", "the manifest lists no files");
	test_manifest_error("# nothing is trusted\n\n# yet\n", "the manifest lists no files");
	test_manifest_error_bytes(NULL, 0, "the manifest lists no files");
}


TEST(manifest_error_buffers)
{
	/* no buffer, or one of any size, and the status stays the same */
	counted_heap_reset();
	struct manifest manifest;
	const char text[] = D "  a\n" D " b\n";
	CHECK_EQ(manifest_parse(text, sizeof(text) - 1, &manifest, NULL, 0), B_BAD_DATA);
	CHECK_EQ(manifest_parse(text, sizeof(text) - 1, &manifest, NULL, 100), B_BAD_DATA);
	char error[8] = "unset";
	CHECK_EQ(manifest_parse(text, sizeof(text) - 1, &manifest, error, 0), B_BAD_DATA);
	CHECK(strcmp(error, "unset") == 0);
	CHECK_EQ(manifest_parse(text, sizeof(text) - 1, &manifest, error, sizeof(error)),
		B_BAD_DATA);
	CHECK(strcmp(error, "line 2:") == 0);
	CHECK_EQ(counted_heap_live(), 0);
}
