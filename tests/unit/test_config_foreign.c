/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the entries that start other systems' files: linux with its
 * initrds, efi, and the keys that only one kind of entry takes.
 */
#include <stdio.h>
#include <string.h>

#include <boot/config.h>

#include "test_config.h"
#include "unit_test.h"

#define F	TEST_CONFIG_FILE


TEST(config_linux_entry)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"entry Debian {\n"
		"\tlinux = (label=ESP)/linux/vmlinuz\n"
		"\tinitrd = /linux/main.cpio\n"
		"\tinitrd = \"/linux/extra one.cpio\"\n"
		"\tcmdline = \"console=ttyS0 quiet\"\n"
		"}\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->entry_count, 1);
	const struct config_entry *entry = &config->entries[0];
	CHECK_EQ(entry->kind, CONFIG_ENTRY_LINUX);
	CHECK(strcmp(entry->kernel_path, "(label=ESP)/linux/vmlinuz") == 0);
	CHECK_EQ(entry->initrd_count, 2);
	CHECK(strcmp(entry->initrds[0], "/linux/main.cpio") == 0);
	CHECK(strcmp(entry->initrds[1], "/linux/extra one.cpio") == 0);
	CHECK(strcmp(entry->command_line, "console=ttyS0 quiet") == 0);
	CHECK(strcmp(config_entry_kind_key(entry->kind), "linux") == 0);
	test_release(config);
}


TEST(config_efi_entry)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"entry memtest {\n\tefi = /EFI/memtest/memtest.efi\n\tcmdline = console=ttyS0\n}\n"
		"entry ours {\n\tkernel = /boot/kernel\n}\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->entry_count, 2);
	CHECK_EQ(config->entries[0].kind, CONFIG_ENTRY_EFI);
	CHECK(strcmp(config->entries[0].kernel_path, "/EFI/memtest/memtest.efi") == 0);
	CHECK(strcmp(config->entries[0].command_line, "console=ttyS0") == 0);
	CHECK_EQ(config->entries[0].initrd_count, 0);
	CHECK_EQ(config->entries[1].kind, CONFIG_ENTRY_KERNEL);
	test_release(config);
}


/* The first of kernel, linux and efi counts; a second one is an error of its line. */
TEST(config_entry_starts_one_file)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"entry x {\n\tkernel = /k\n\tefi = /x.efi\n\tlinux = /vmlinuz\n\tkernel = /k2\n}\n");
	CHECK_DIAGNOSTICS(config,
		F ":3: efi conflicts with kernel on line 2: an entry starts one file",
		F ":4: linux conflicts with kernel on line 2: an entry starts one file",
		F ":5: kernel is already set on line 2");
	CHECK_EQ(config->entries[0].kind, CONFIG_ENTRY_KERNEL);
	CHECK(strcmp(config->entries[0].kernel_path, "/k") == 0);
	test_release(config);

	test_check_error("entry x {\n\tefi = /a.efi\n\tefi = /b.efi\n}\n", 3,
		"efi is already set on line 2");
	test_check_error("entry x {\n\tlinux = /v\n\tefi = vmlinuz\n}\n", 3,
		"efi conflicts with linux on line 2: an entry starts one file");
	test_check_error("entry x {\n\tefi = /a.efi\n\tinitrd = vmlinuz\n}\n", 3,
		"initrd path \"vmlinuz\" must start with \"/\" or \"(<volume>)/\"");
}


/*
 * Keys of another kind of entry: reported on their line and dropped, and the
 * entry stays, since the keys may come before the one that decides its kind.
 */
TEST(config_keys_of_another_kind)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"entry a {\n"
		"\tmodule = /m.bin\n"
		"\toptions = disable_smp\n"
		"\tinitrd = /i.cpio\n"
		"\tefi = /a.efi\n"
		"}\n"
		"entry b {\n"
		"\tinitrd = /i.cpio\n"
		"\tkernel = /k\n"
		"\tmodule = /m.bin\n"
		"}\n"
		"entry c {\n"
		"\tlinux = /vmlinuz\n"
		"\tinitrd = /i.cpio\n"
		"\toptions = serial_debug\n"
		"}\n"
		"entry d {\n"
		"\tdevicetree = /board.dtb\n"
		"\tkernel = /k\n"
		"\tdevicetree_overlay = /hat.dtbo\n"
		"}\n");
	CHECK_DIAGNOSTICS(config,
		F ":2: module is only valid in an entry with kernel, not with efi",
		F ":3: options are only valid in an entry with kernel, not with efi",
		F ":4: initrd is only valid in an entry with linux, not with efi",
		F ":8: initrd is only valid in an entry with linux, not with kernel",
		F ":15: options are only valid in an entry with kernel, not with linux");
	CHECK_EQ(config->entry_count, 4);
	/* The loader's own kernel gets a tree too (FDT_MACHINES; not x86_64 UEFI). */
	CHECK(strcmp(config->entries[3].device_tree, "/board.dtb") == 0);
	CHECK_EQ(config->entries[3].overlay_count, 1);
	CHECK_EQ(config->entries[0].module_count, 0);
	CHECK_EQ(config->entries[0].options, 0);
	CHECK_EQ(config->entries[0].initrd_count, 0);
	CHECK_EQ(config->entries[1].module_count, 1);
	CHECK_EQ(config->entries[1].initrd_count, 0);
	CHECK_EQ(config->entries[2].initrd_count, 1);
	CHECK_EQ(config->entries[2].options, 0);
	test_release(config);
}


TEST(config_initrd_limits)
{
	test_config_reset();
	char text[1024];
	size_t length = (size_t)snprintf(text, sizeof(text), "entry \"many\" {\nlinux = /v\n");
	for (int i = 0; i <= CONFIG_MAX_INITRDS; i++)
		length += (size_t)snprintf(text + length, sizeof(text) - length, "initrd = /i%d\n", i);
	snprintf(text + length, sizeof(text) - length, "}\n");
	char expected[128];
	snprintf(expected, sizeof(expected), "too many initrds in entry \"many\" (at most %d)",
		CONFIG_MAX_INITRDS);
	test_check_error(text, 3 + CONFIG_MAX_INITRDS, expected);

	struct boot_config *config = test_parse(text);
	CHECK_EQ(config->entries[0].initrd_count, CONFIG_MAX_INITRDS);
	CHECK(strcmp(config->entries[0].initrds[CONFIG_MAX_INITRDS - 1], "/i7") == 0);
	test_release(config);

	test_check_error("entry x {\nlinux = /v\ninitrd = \"\"\n}\n", 3, "initrd path is empty");
	test_check_error("entry x {\nlinux = /v\ninitrd = /a /b\n}\n", 3,
		"initrd takes one value; put text with spaces in quotes");
	test_check_error("initrd = /i\n", 1, "initrd is only valid inside an entry");
}


/* Overlays, in the order of their lines, as many as the limit. */
TEST(config_devicetree_overlays)
{
	test_config_reset();
	char text[1024];
	size_t length = (size_t)snprintf(text, sizeof(text), "entry \"hats\" {\nefi = /a.efi\n");
	for (int i = 0; i <= CONFIG_MAX_OVERLAYS; i++) {
		length += (size_t)snprintf(text + length, sizeof(text) - length,
			"devicetree_overlay = /o%d.dtbo\n", i);
	}
	snprintf(text + length, sizeof(text) - length, "}\n");
	char expected[128];
	snprintf(expected, sizeof(expected),
		"too many devicetree_overlays in entry \"hats\" (at most %d)", CONFIG_MAX_OVERLAYS);
	test_check_error(text, 3 + CONFIG_MAX_OVERLAYS, expected);

	struct boot_config *config = test_parse(text);
	CHECK_EQ(config->entries[0].overlay_count, CONFIG_MAX_OVERLAYS);
	CHECK(strcmp(config->entries[0].overlays[0], "/o0.dtbo") == 0);
	CHECK(strcmp(config->entries[0].overlays[CONFIG_MAX_OVERLAYS - 1], "/o7.dtbo") == 0);
	CHECK(config->entries[0].device_tree == NULL);
	test_release(config);
	test_check_error("entry x {\nlinux = /v\ndevicetree_overlay = \"\"\n}\n", 3,
		"devicetree_overlay path is empty");
}


/* linux and efi entries may name a device tree to hand on in place of the firmware's. */
TEST(config_devicetree)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"entry a {\n"
		"\tlinux = /vmlinuz\n"
		"\tdevicetree = \"(disk0p1)/dtb/board.dtb\"\n"
		"}\n"
		"entry b {\n"
		"\tdevicetree = /one.dtb\n"
		"\tdevicetree = /two.dtb\n"
		"\tefi = /a.efi\n"
		"}\n");
	CHECK_DIAGNOSTICS(config, F ":7: devicetree is already set on line 6");
	CHECK(strcmp(config->entries[0].device_tree, "(disk0p1)/dtb/board.dtb") == 0);
	CHECK(strcmp(config->entries[1].device_tree, "/one.dtb") == 0);
	test_release(config);
}
