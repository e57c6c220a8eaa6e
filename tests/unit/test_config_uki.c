/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of unified kernel images' entries (Boot Loader Specification
 * Type #2): os-release values as a shell reads them, and the entry that what
 * an image says makes: its title, sorting fields, command lines, and running
 * out of memory.
 */
#include <stdio.h>
#include <string.h>

#include <boot/config.h>
#include <boot/uki.h>

#include "test_config.h"
#include "unit_test.h"

#define IMAGE_FILE		"(disk0p1)/EFI/Linux/debian.efi"


static void
check_value(const char *text, const char *key, size_t size, const char *expected,
	int line)
{
	char value[64];
	memset(value, 'x', sizeof(value));
	bool found = uki_os_release_value(text, strlen(text), key, value, size);
	if (found != (expected != NULL) || strcmp(value, expected != NULL ? expected : "") != 0) {
		unit_fail(__FILE__, line, "%s in \"%s\": %s \"%s\", expected \"%s\"", key, text,
			found ? "found" : "not found", value, expected != NULL ? expected : "(none)");
	}
}
#define CHECK_VALUE(text, key, expected) check_value(text, key, 64, expected, __LINE__)


TEST(uki_os_release_values)
{
	CHECK_VALUE("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n", "PRETTY_NAME",
		"Debian GNU/Linux 12 (bookworm)");
	CHECK_VALUE("NAME=Fedora\nID=debian", "ID", "debian");
	CHECK_VALUE("ID=debian\r\n", "ID", "debian");
	CHECK_VALUE("A=\"a \\\"b\\\" \\\\ \\$c\"\n", "A", "a \"b\" \\ $c");
	CHECK_VALUE("A='x\\y \"z\"'\n", "A", "x\\y \"z\"");
	CHECK_VALUE("A=\"one\"'two'three\n", "A", "onetwothree");
	/* the last assignment counts, as when a shell sources the file */
	CHECK_VALUE("ID=first\nID=second\n", "ID", "second");
	CHECK_VALUE("ID=first\nID=\n", "ID", NULL);
	/* keys match whole, at the start of a line */
	CHECK_VALUE("IDX=1\nID=2\n", "ID", "2");
	CHECK_VALUE("ID=2\n", "I", NULL);
	CHECK_VALUE("#ID=2\n", "ID", NULL);
	CHECK_VALUE(" ID=2\n", "ID", NULL);
	CHECK_VALUE("NAME=x\n", "ID", NULL);
	CHECK_VALUE("ID=\"\"\n", "ID", NULL);
	CHECK_VALUE("", "ID", NULL);
	/* a value fits with its NUL, or it is none */
	check_value("ID=abcd\n", "ID", 5, "abcd", __LINE__);
	check_value("ID=abcde\n", "ID", 5, NULL, __LINE__);
}


/* A NUL byte ends a value; fuzz_config found one that was "found" and empty. */
TEST(uki_os_release_nul_ends_a_value)
{
	static const char kText[] = "VERSION_ID=\"\0\0x\"\nID=ab\0cd\nNAME=\\\0z\n";
	char value[16];
	CHECK(!uki_os_release_value(kText, sizeof(kText) - 1, "VERSION_ID", value, sizeof(value)));
	CHECK(value[0] == '\0');
	CHECK(uki_os_release_value(kText, sizeof(kText) - 1, "ID", value, sizeof(value)));
	CHECK(strcmp(value, "ab") == 0);
	CHECK(!uki_os_release_value(kText, sizeof(kText) - 1, "NAME", value, sizeof(value)));
}


/* Exactly length bytes: a value at the very end is read without a line end. */
TEST(uki_os_release_reads_only_its_length)
{
	static const char kText[] = "ID=debian\nVERSION_ID=12";
	char value[16];
	CHECK(uki_os_release_value(kText, sizeof(kText) - 1 - 1, "VERSION_ID", value,
		sizeof(value)));
	CHECK(strcmp(value, "1") == 0);
	CHECK(!uki_os_release_value(kText, 2, "ID", value, sizeof(value)));
}


static struct uki_info sInfo;


static void
set_info(const char *name, const char *uname, const char *commandLine)
{
	memset(&sInfo, 0, sizeof(sInfo));
	snprintf(sInfo.name, sizeof(sInfo.name), "%s", name);
	snprintf(sInfo.uname, sizeof(sInfo.uname), "%s", uname);
	snprintf(sInfo.version, sizeof(sInfo.version), "12");
	snprintf(sInfo.sort_key, sizeof(sInfo.sort_key), "debian");
	if (commandLine != NULL) {
		snprintf(sInfo.command_line, sizeof(sInfo.command_line), "%s", commandLine);
		sInfo.has_command_line = true;
	}
}


static status_t
add_image(struct boot_config *config)
{
	const struct config_bls_source source = { IMAGE_FILE, "disk0p1", "debian",
		TEST_BLS_ARCHITECTURE };
	return config_add_uki_entry(config, &source, &sInfo);
}


static const struct config_entry *
only_entry(struct boot_config *config)
{
	CHECK_EQ(add_image(config), B_OK);
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->entry_count, 1);
	return &config->entries[0];
}


TEST(config_uki_entry)
{
	test_config_reset();
	set_info("Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "root=/dev/sda2 quiet");
	struct boot_config *config = test_default_config();
	const struct config_entry *entry = only_entry(config);
	CHECK(strcmp(entry->title, "Debian GNU/Linux 12 (bookworm) (6.1.0-18-amd64)") == 0);
	CHECK_EQ(entry->kind, CONFIG_ENTRY_EFI);
	CHECK(strcmp(entry->kernel_path, IMAGE_FILE) == 0);
	CHECK(strcmp(entry->command_line, "root=/dev/sda2 quiet") == 0);
	CHECK_EQ(entry->initrd_count, 0);
	const struct config_bls_entry *bls = entry->bls;
	CHECK(bls->unified_image);
	CHECK(strcmp(bls->image_command_line, "root=/dev/sda2 quiet") == 0);
	CHECK(bls->image_command_line != entry->command_line);
	CHECK(strcmp(bls->id, "debian") == 0);
	CHECK(strcmp(bls->file_name, IMAGE_FILE) == 0);
	CHECK(strcmp(bls->version, "12") == 0);
	CHECK(strcmp(bls->sort_key, "debian") == 0);
	CHECK(bls->machine_id == NULL);
	/* bootctl names images with their suffix */
	CHECK_EQ(config_find_entry_id(config, "debian.efi"), 0);
	CHECK_EQ(config_find_entry_id(config, "debian"), 0);
	CHECK_EQ(config_find_entry_id(config, "debian.conf"), 0);
	test_release(config);
}


/* Without a printable name the menu shows the file's; an unreadable line is none. */
TEST(config_uki_entry_fallbacks)
{
	test_config_reset();
	static const char *const kNames[] = { "", "Debian\x01", "Debian\xff" };
	for (size_t i = 0; i < sizeof(kNames) / sizeof(kNames[0]); i++) {
		set_info(kNames[i], "6.1", NULL);
		struct boot_config *config = test_default_config();
		const struct config_entry *entry = only_entry(config);
		CHECK(strcmp(entry->title, "debian") == 0);
		CHECK(strcmp(entry->command_line, "") == 0);
		CHECK(entry->bls->image_command_line == NULL);
		test_release(config);
	}

	set_info("Debian", "", "one\ntwo");
	snprintf(sInfo.version, sizeof(sInfo.version), "1\t2");
	struct boot_config *config = test_default_config();
	const struct config_entry *entry = only_entry(config);
	CHECK(strcmp(entry->title, "Debian") == 0);
	CHECK(strcmp(entry->command_line, "") == 0);
	CHECK(entry->bls->image_command_line == NULL);
	CHECK(entry->bls->version == NULL);
	test_release(config);
}


/* A release that would not fit after the name is left out, not cut. */
TEST(config_uki_entry_long_title)
{
	test_config_reset();
	set_info("", "6.1.0-18-amd64", NULL);
	memset(sInfo.name, 'a', CONFIG_MAX_TITLE_LENGTH - 16);
	struct boot_config *config = test_default_config();
	const struct config_entry *entry = only_entry(config);
	CHECK(strcmp(entry->title, sInfo.name) == 0);
	test_release(config);

	for (size_t i = 0; i + 2 <= CONFIG_MAX_TITLE_LENGTH; i += 2)
		memcpy(sInfo.name + i, "\xc3\xa9", 2);
	config = test_default_config();
	entry = only_entry(config);
	CHECK_EQ(strlen(entry->title), CONFIG_MAX_TITLE_LENGTH);
	CHECK(strcmp(entry->title, sInfo.name) == 0);
	test_release(config);

	memset(sInfo.name, 0, sizeof(sInfo.name));
	memset(sInfo.name, 'a', CONFIG_MAX_TITLE_LENGTH - 17);
	config = test_default_config();
	entry = only_entry(config);
	CHECK_EQ(strlen(entry->title), CONFIG_MAX_TITLE_LENGTH);
	CHECK(strcmp(entry->title + CONFIG_MAX_TITLE_LENGTH - 17, " (6.1.0-18-amd64)") == 0);
	test_release(config);
}


TEST(config_uki_entry_out_of_memory)
{
	test_config_reset();
	set_info("Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "root=/dev/sda2 quiet");
	struct boot_config *config = test_default_config();
	counted_heap_fail_at(0);
	CHECK_EQ(add_image(config), B_OK);
	long needed = counted_heap_allocations();
	config_free(config);
	for (long failAt = 1; failAt <= needed; failAt++) {
		config = test_default_config();
		long live = counted_heap_live();
		counted_heap_fail_at(failAt);
		status_t status = add_image(config);
		counted_heap_fail_at(0);
		CHECK_EQ(status, B_NO_MEMORY);
		CHECK(config->fallback_entry);
		CHECK_EQ(config->diagnostic_count, 0);
		CHECK_EQ(counted_heap_live(), live);
		test_release(config);
	}
}
