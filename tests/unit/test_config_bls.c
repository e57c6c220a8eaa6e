/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of Boot Loader Specification Type #1 entry files: the keys,
 * the line syntax, the limits, what is reported and what is left out, and
 * running out of memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/config.h>

#include "test_config.h"
#include "unit_test.h"

#define DIR		TEST_BLS_DIRECTORY


/* What kernel-install writes on Debian 12, comments and column alignment included. */
static const char kDebian[] =
	"# Boot Loader Specification type#1 entry\n"
	"# File created by /usr/lib/kernel/install.d/90-loaderentry.install\n"
	"title      Debian GNU/Linux 12 (bookworm)\n"
	"version    6.1.0-18-amd64\n"
	"machine-id 4098b3f648d74c13b1f04ccfba7798e8\n"
	"sort-key   debian\n"
	"options    root=UUID=6d3376e4-fc93-4509-95ec-a21d68011da2 ro quiet\n"
	"linux      /4098b3f648d74c13b1f04ccfba7798e8/6.1.0-18-amd64/linux\n"
	"initrd     /4098b3f648d74c13b1f04ccfba7798e8/6.1.0-18-amd64/initrd.img-6.1.0-18-amd64\n";
#define DEBIAN_ID	"4098b3f648d74c13b1f04ccfba7798e8-6.1.0-18-amd64"


static void
check_debian(const struct boot_config *config)
{
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(!config->fallback_entry);
	CHECK_EQ(config->entry_count, 1);
	const struct config_entry *entry = &config->entries[0];
	CHECK(strcmp(entry->title, "Debian GNU/Linux 12 (bookworm)") == 0);
	CHECK_EQ(entry->kind, CONFIG_ENTRY_LINUX);
	CHECK(strcmp(entry->kernel_path,
		"(disk0p2)/4098b3f648d74c13b1f04ccfba7798e8/6.1.0-18-amd64/linux") == 0);
	CHECK(strcmp(entry->command_line,
		"root=UUID=6d3376e4-fc93-4509-95ec-a21d68011da2 ro quiet") == 0);
	CHECK_EQ(entry->options, 0);
	CHECK_EQ(entry->line, 0);
	CHECK_EQ(entry->module_count, 0);
	CHECK_EQ(entry->initrd_count, 1);
	CHECK(strcmp(entry->initrds[0], "(disk0p2)/4098b3f648d74c13b1f04ccfba7798e8/"
		"6.1.0-18-amd64/initrd.img-6.1.0-18-amd64") == 0);
	const struct config_bls_entry *bls = entry->bls;
	CHECK(bls != NULL);
	CHECK(strcmp(bls->id, DEBIAN_ID) == 0);
	CHECK(strcmp(bls->file_name, DIR DEBIAN_ID ".conf") == 0);
	CHECK(strcmp(bls->sort_key, "debian") == 0);
	CHECK(strcmp(bls->machine_id, "4098b3f648d74c13b1f04ccfba7798e8") == 0);
	CHECK(strcmp(bls->version, "6.1.0-18-amd64") == 0);
	CHECK(strcmp(config_entry_id(entry), DEBIAN_ID) == 0);
}


TEST(config_bls_debian_entry)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry(DEBIAN_ID, kDebian);
	check_debian(config);
	test_release(config);
}


/* A byte order mark, CRLF, tabs, blanks around keys and values, and no final line end. */
TEST(config_bls_line_syntax)
{
	test_config_reset();
	char text[2048];
	size_t length = 0;
	length += (size_t)snprintf(text + length, sizeof(text) - length, "\xef\xbb\xbf");
	for (const char *line = kDebian; *line != '\0';) {
		const char *end = strchr(line, '\n');
		length += (size_t)snprintf(text + length, sizeof(text) - length, "\t %.*s \t%s",
			(int)(end - line), line, end[1] != '\0' ? "\r\n" : "");
		line = end + 1;
	}
	struct boot_config *config = test_default_config();
	CHECK_EQ(test_add_bls_bytes(config, NULL, DEBIAN_ID, text, length), B_OK);
	check_debian(config);
	test_release(config);

	/* everything after the key's blanks is the value: "#", quotes and "=" too */
	config = test_bls_entry("a",
		"title\t\"Arch\" # not a comment\n"
		"   # a comment\n"
		"\n"
		"  \t\n"
		"linux /vmlinuz\n"
		"options a=\"b c\"   #x\t{\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->entries[0].title, "\"Arch\" # not a comment") == 0);
	CHECK(strcmp(config->entries[0].command_line, "a=\"b c\"   #x\t{") == 0);
	test_release(config);
}


TEST(config_bls_title_falls_back_to_id)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("fedora-6.5", "linux /vmlinuz\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->entries[0].title, "fedora-6.5") == 0);
	CHECK(strcmp(config->entries[0].command_line, "") == 0);
	CHECK(config->entries[0].bls->sort_key == NULL);
	CHECK(config->entries[0].bls->machine_id == NULL);
	CHECK(config->entries[0].bls->version == NULL);
	test_release(config);

	/* a long name is cut to a title's length, never inside a character */
	char id[CONFIG_MAX_TITLE_LENGTH + 8];
	memset(id, 'a', CONFIG_MAX_TITLE_LENGTH - 1);
	strcpy(id + CONFIG_MAX_TITLE_LENGTH - 1, "\xc3\xa9z");
	config = test_bls_entry(id, "linux /vmlinuz\n");
	CHECK_EQ(strlen(config->entries[0].title), CONFIG_MAX_TITLE_LENGTH - 1);
	CHECK(strcmp(config->entries[0].bls->id, id) == 0);
	test_release(config);

	/* a name that cannot be a title is no entry */
	config = test_default_config();
	CHECK_EQ(test_add_bls(config, "bad\x01name", "linux /vmlinuz\n"), B_BAD_DATA);
	CHECK_DIAGNOSTICS(config, DIR "bad\x01name.conf: entry file name is not printable UTF-8");
	CHECK(config->fallback_entry);
	test_release(config);
}


TEST(config_bls_options_joined)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"options root=/dev/sda1  ro\n"
		"linux /vmlinuz\n"
		"options   quiet \n"
		"options splash\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->entries[0].command_line, "root=/dev/sda1  ro quiet splash") == 0);
	test_release(config);

	/* an efi entry's options are its load options */
	config = test_bls_entry("memtest", "efi /EFI/memtest86/memtest.efi\noptions console=ttyS0\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->entries[0].kind, CONFIG_ENTRY_EFI);
	CHECK(strcmp(config->entries[0].kernel_path, "(disk0p2)/EFI/memtest86/memtest.efi") == 0);
	CHECK(strcmp(config->entries[0].command_line, "console=ttyS0") == 0);
	test_release(config);

	/* all of them together must fit a command line; the one that does not is left out */
	char *text = malloc(3 * CONFIG_MAX_COMMAND_LINE);
	char *half = malloc(CONFIG_MAX_COMMAND_LINE / 2 + 1);
	memset(half, 'o', CONFIG_MAX_COMMAND_LINE / 2);
	half[CONFIG_MAX_COMMAND_LINE / 2] = '\0';
	/* 1023 + 1 + 1024 bytes leave no room for the NUL; 1023 + 1 + 1023 fill it */
	sprintf(text, "linux /v\noptions %s\noptions %s\noptions %s\noptions x\n", half + 1,
		half, half + 1);
	config = test_bls_entry("a", text);
	CHECK_DIAGNOSTICS(config, DIR "a.conf:3: options are too long (at most 2047 bytes in all)",
		DIR "a.conf:5: options are too long (at most 2047 bytes in all)");
	CHECK_EQ(strlen(config->entries[0].command_line), CONFIG_MAX_COMMAND_LINE - 1);
	CHECK_EQ(config->diagnostics[0].column, 9);
	test_release(config);
	free(half);
	free(text);
}


TEST(config_bls_initrds)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"initrd /intel-ucode.img\n"
		"linux /vmlinuz\n"
		"initrd /initramfs.img\n"
		"initrd extra.img\n");
	CHECK_NO_DIAGNOSTICS(config);
	const struct config_entry *entry = &config->entries[0];
	CHECK_EQ(entry->initrd_count, 3);
	CHECK(strcmp(entry->initrds[0], "(disk0p2)/intel-ucode.img") == 0);
	CHECK(strcmp(entry->initrds[1], "(disk0p2)/initramfs.img") == 0);
	CHECK(strcmp(entry->initrds[2], "(disk0p2)/extra.img") == 0);
	test_release(config);

	char text[512];
	size_t length = (size_t)snprintf(text, sizeof(text), "linux /v\n");
	for (int i = 0; i <= CONFIG_MAX_INITRDS; i++)
		length += (size_t)snprintf(text + length, sizeof(text) - length, "initrd /i%d\n", i);
	config = test_bls_entry("many", text);
	char expected[128];
	snprintf(expected, sizeof(expected),
		DIR "many.conf:%d: too many initrds in entry \"many\" (at most %d)",
		2 + CONFIG_MAX_INITRDS, CONFIG_MAX_INITRDS);
	CHECK_DIAGNOSTICS(config, expected);
	entry = &config->entries[0];
	CHECK_EQ(entry->initrd_count, CONFIG_MAX_INITRDS);
	CHECK(strcmp(entry->initrds[0], "(disk0p2)/i0") == 0);
	CHECK(strcmp(entry->initrds[CONFIG_MAX_INITRDS - 1], "(disk0p2)/i7") == 0);
	test_release(config);
}


/*
 * Paths are from the root of the entry file's volume. The specification
 * makes their leading "/" optional, so one without it is no error.
 */
TEST(config_bls_paths)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a", "linux vmlinuz-6.1\ninitrd boot/initrd\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->entries[0].kernel_path, "(disk0p2)/vmlinuz-6.1") == 0);
	CHECK(strcmp(config->entries[0].initrds[0], "(disk0p2)/boot/initrd") == 0);
	test_release(config);

	config = test_bls_entry("a", "linux /v\ninitrd /a\tb\n");
	CHECK_DIAGNOSTICS(config, DIR "a.conf:2: initrd path must not contain control characters");
	CHECK_EQ(config->entries[0].initrd_count, 0);
	test_release(config);

	/* the limit holds for the path as the loader has it, volume included */
	char *text = malloc(CONFIG_MAX_PATH_LENGTH + 64);
	size_t room = CONFIG_MAX_PATH_LENGTH - strlen("(" TEST_BLS_VOLUME ")");
	strcpy(text, "linux ");
	memset(text + 6, 'k', room);
	strcpy(text + 6 + room, "\n");
	text[6] = '/';
	config = test_bls_entry("a", text);
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(strlen(config->entries[0].kernel_path), CONFIG_MAX_PATH_LENGTH);
	test_release(config);

	strcpy(text + 6 + room, "k\ninitrd /i\n");
	config = test_default_config();
	CHECK_EQ(test_add_bls(config, "a", text), B_BAD_DATA);
	char expected[160];
	snprintf(expected, sizeof(expected),
		DIR "a.conf:1: linux path is too long (at most %zu bytes on volume disk0p2)", room);
	CHECK_DIAGNOSTICS(config, DIR "a.conf: entry \"a\" has no linux, efi or uki", expected);
	test_release(config);
	free(text);
}


/* The specification expects new keys to appear: they are no error, nor is their case. */
TEST(config_bls_unknown_keys)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"linux /vmlinuz\n"
		"grub_users $grub_users\n"
		"grub_class kernel\n"
		"Title Shouting\n"
		"future-key\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->entries[0].title, "a") == 0);
	test_release(config);
}


/*
 * Overlays: one line's words in order, more lines adding more, each on the
 * entry file's volume; a word beyond the limit is reported where it stands.
 */
TEST(config_bls_devicetree_overlays)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"linux /vmlinuz\ndevicetree-overlay /a.dtbo \tb.dtbo\ndevicetree-overlay /c.dtbo\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->entries[0].overlay_count, 3);
	CHECK(strcmp(config->entries[0].overlays[0], "(disk0p2)/a.dtbo") == 0);
	CHECK(strcmp(config->entries[0].overlays[1], "(disk0p2)/b.dtbo") == 0);
	CHECK(strcmp(config->entries[0].overlays[2], "(disk0p2)/c.dtbo") == 0);
	CHECK(config->entries[0].device_tree == NULL);
	test_release(config);

	config = test_bls_entry("a", "linux /vmlinuz\n"
		"devicetree-overlay 1 2 3 4 5 6 7 8 nine\n");
	CHECK_DIAGNOSTICS(config, DIR "a.conf:2: too many devicetree-overlays in entry \"a\" "
		"(at most 8)");
	CHECK_EQ(config->diagnostics[0].column, 36);
	CHECK_EQ(config->entries[0].overlay_count, CONFIG_MAX_OVERLAYS);
	test_release(config);
}


/* An entry's device tree, on its own volume as its other files are; one per entry. */
TEST(config_bls_devicetree)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"linux /vmlinuz\ndevicetree dtb/board.dtb\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->entries[0].device_tree, "(disk0p2)/dtb/board.dtb") == 0);
	test_release(config);

	config = test_bls_entry("a",
		"efi /a.efi\ndevicetree /one.dtb\ndevicetree /two.dtb\n");
	CHECK_DIAGNOSTICS(config, DIR "a.conf:3: devicetree is already set on line 2");
	CHECK(strcmp(config->entries[0].device_tree, "(disk0p2)/one.dtb") == 0);
	test_release(config);
}


TEST(config_bls_unsupported_keys)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"linux /vmlinuz\n"
		"uki-url http://example.com/arch.efi\n"
		"profile 1\n"
		"profile\n");
	CHECK_DIAGNOSTICS(config,
		DIR "a.conf:2: uki-url is not supported by this loader",
		DIR "a.conf:3: profile is not supported by this loader",
		DIR "a.conf:4: profile is not supported by this loader");
	CHECK_EQ(config->entry_count, 1);
	test_release(config);
}


/* A unified kernel image named by a Type #1 entry starts as an efi entry with its options. */
TEST(config_bls_uki_key)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"title Arch\nuki /EFI/Linux/arch.efi\noptions quiet\n");
	CHECK_NO_DIAGNOSTICS(config);
	const struct config_entry *entry = &config->entries[0];
	CHECK_EQ(entry->kind, CONFIG_ENTRY_EFI);
	CHECK(strcmp(entry->kernel_path, "(disk0p2)/EFI/Linux/arch.efi") == 0);
	CHECK(strcmp(entry->command_line, "quiet") == 0);
	CHECK(!entry->bls->unified_image);
	CHECK(entry->bls->image_command_line == NULL);
	test_release(config);

	config = test_bls_entry("a", "uki /a.efi\nlinux /vmlinuz\n");
	CHECK_DIAGNOSTICS(config,
		DIR "a.conf:2: linux conflicts with uki on line 1: an entry starts one file");
	test_release(config);
	config = test_bls_entry("a", "efi /a.efi\n\nuki /b.efi\n");
	CHECK_DIAGNOSTICS(config,
		DIR "a.conf:3: uki conflicts with efi on line 1: an entry starts one file");
	CHECK(strcmp(config->entries[0].kernel_path, "(disk0p2)/a.efi") == 0);
	test_release(config);
}


/* A key that may not repeat keeps its first value; the later line is reported. */
TEST(config_bls_duplicate_keys)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"title First\n"
		"linux /one\n"
		"version 1\n"
		"title Second\n"
		"linux /two\n"
		"sort-key s\n"
		"sort-key t\n"
		"version 2\n"
		"machine-id m\n"
		"machine-id n\n"
		"architecture x64\n"
		"architecture aa64\n");
	CHECK_DIAGNOSTICS(config,
		DIR "a.conf:4: title is already set on line 1",
		DIR "a.conf:5: linux is already set on line 2",
		DIR "a.conf:7: sort-key is already set on line 6",
		DIR "a.conf:8: version is already set on line 3",
		DIR "a.conf:10: machine-id is already set on line 9",
		DIR "a.conf:12: architecture is already set on line 11");
	const struct config_entry *entry = &config->entries[0];
	CHECK(strcmp(entry->title, "First") == 0);
	CHECK(strcmp(entry->kernel_path, "(disk0p2)/one") == 0);
	CHECK(strcmp(entry->bls->version, "1") == 0);
	CHECK(strcmp(entry->bls->sort_key, "s") == 0);
	CHECK(strcmp(entry->bls->machine_id, "m") == 0);
	test_release(config);

	/* a line with an error sets nothing, so a later one may */
	config = test_bls_entry("a", "title \tx\ttab\ntitle Good\nlinux /v\n");
	CHECK_DIAGNOSTICS(config, DIR "a.conf:1: title must not contain control characters");
	CHECK(strcmp(config->entries[0].title, "Good") == 0);
	test_release(config);
}


TEST(config_bls_missing_value)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"title\n"
		"version \t \n"
		"linux /v\n"
		"options\n"
		"  initrd\n"
		"devicetree\n");
	CHECK_DIAGNOSTICS(config,
		DIR "a.conf:1: title needs a value",
		DIR "a.conf:2: version needs a value",
		DIR "a.conf:4: options needs a value",
		DIR "a.conf:5: initrd needs a value",
		DIR "a.conf:6: devicetree needs a value");
	CHECK_EQ(config->diagnostics[3].column, 3);
	CHECK(strcmp(config->entries[0].title, "a") == 0);
	CHECK(config->entries[0].bls->version == NULL);
	CHECK(strcmp(config->entries[0].command_line, "") == 0);
	test_release(config);
}


/* Not added, and the file says why, as a whole (line 0) and line by line. */
TEST(config_bls_no_linux_or_efi)
{
	test_config_reset();
	struct boot_config *config = test_default_config();
	CHECK_EQ(test_add_bls(config, "a", "title A\nlinux\ninitrd /i\n"), B_BAD_DATA);
	CHECK_DIAGNOSTICS(config,
		DIR "a.conf: entry \"a\" has no linux, efi or uki",
		DIR "a.conf:2: linux needs a value");
	CHECK_EQ(config->diagnostics[0].line, 0);
	CHECK(strcmp(config->diagnostics[0].file_name, DIR "a.conf") == 0);
	CHECK(config->fallback_entry);
	CHECK_EQ(config->entry_count, 1);
	CHECK(config->entries[0].bls == NULL);

	/* an empty file, and one of comments */
	CHECK_EQ(test_add_bls(config, "b", ""), B_BAD_DATA);
	CHECK_EQ(test_add_bls(config, "c", "# linux /v\n"), B_BAD_DATA);
	CHECK_EQ(config->diagnostic_count, 4);
	char line[256];
	config_format_diagnostic(config, 3, line, sizeof(line));
	CHECK(strcmp(line, DIR "c.conf: entry \"c\" has no linux, efi or uki") == 0);
	CHECK(config->fallback_entry);
	test_release(config);
}


TEST(config_bls_linux_efi_conflict)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"linux /vmlinuz\ninitrd /i\nefi /x.efi\n");
	CHECK_DIAGNOSTICS(config,
		DIR "a.conf:3: efi conflicts with linux on line 1: an entry starts one file");
	CHECK_EQ(config->entries[0].kind, CONFIG_ENTRY_LINUX);
	CHECK(strcmp(config->entries[0].kernel_path, "(disk0p2)/vmlinuz") == 0);
	CHECK_EQ(config->entries[0].initrd_count, 1);
	test_release(config);

	config = test_bls_entry("a", "\nefi /x.efi\nlinux /vmlinuz\n");
	CHECK_DIAGNOSTICS(config,
		DIR "a.conf:3: linux conflicts with efi on line 2: an entry starts one file");
	CHECK_EQ(config->entries[0].kind, CONFIG_ENTRY_EFI);
	test_release(config);
}


/* The kind is known at the end: the first initrd line is reported, the entry stays. */
TEST(config_bls_initrd_in_efi_entry)
{
	test_config_reset();
	struct boot_config *config = test_bls_entry("a",
		"title Shell\ninitrd /a\ninitrd /b\nefi /shell.efi\n");
	CHECK_DIAGNOSTICS(config,
		DIR "a.conf:2: initrd is only valid in an entry with linux, not with efi");
	const struct config_entry *entry = &config->entries[0];
	CHECK_EQ(entry->kind, CONFIG_ENTRY_EFI);
	CHECK_EQ(entry->initrd_count, 0);
	CHECK(entry->initrds == NULL);
	test_release(config);
}


/* The specification hides entries of other architectures: no diagnostic, not even of a line. */
TEST(config_bls_architecture)
{
	test_config_reset();
	struct boot_config *config = test_default_config();
	long live = counted_heap_live();
	CHECK_EQ(test_add_bls(config, "arm", "title Arm\narchitecture aa64\nlinux /v\nbogus\xff\n"),
		B_ENTRY_NOT_FOUND);
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(config->fallback_entry);
	CHECK_EQ(config->entry_count, 1);
	CHECK_EQ(counted_heap_live(), live);

	/* compared without case, as the specification asks */
	static const char *const kOurs[] = { "x64", "X64", "x64 " };
	for (size_t i = 0; i < sizeof(kOurs) / sizeof(kOurs[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "architecture %s\nlinux /v\n", kOurs[i]);
		CHECK_EQ(test_add_bls(config, "pc", text), B_OK);
	}
	static const char *const kOthers[] = { "ia32", "x6", "x644", "aa64" };
	for (size_t i = 0; i < sizeof(kOthers) / sizeof(kOthers[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "linux /v\narchitecture %s\n", kOthers[i]);
		CHECK_EQ(test_add_bls(config, "other", text), B_ENTRY_NOT_FOUND);
	}
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->entry_count, 3);
	test_release(config);
}


/* loader.cfg's entries stay first; a fallback entry gives way to the first Type #1 entry. */
TEST(config_bls_fallback_entry_replaced)
{
	test_config_reset();
	struct boot_config *config = test_default_config();
	CHECK(config->fallback_entry);
	CHECK_EQ(test_add_bls(config, "a", "title A\nlinux /v\n"), B_OK);
	CHECK(!config->fallback_entry);
	CHECK_EQ(config->entry_count, 1);
	CHECK(strcmp(config->entries[0].title, "A") == 0);
	CHECK(config->entries[0].bls != NULL);
	CHECK_EQ(test_add_bls(config, "b", "title B\nefi /b.efi\n"), B_OK);
	CHECK_EQ(config->entry_count, 2);
	CHECK(strcmp(config->entries[1].title, "B") == 0);
	test_release(config);

	/* a file without entries gives the fallback entry too */
	config = test_parse("timeout = 3\n");
	CHECK(config->fallback_entry);
	CHECK_EQ(test_add_bls(config, "a", "linux /v\n"), B_OK);
	CHECK(!config->fallback_entry);
	CHECK_EQ(config->entry_count, 1);
	CHECK_EQ(config->timeout, 3);
	test_release(config);

	config = test_parse("entry Haiku {\nkernel = /boot/kernel\n}\n");
	CHECK_EQ(test_add_bls(config, "a", "linux /v\n"), B_OK);
	CHECK_EQ(config->entry_count, 2);
	CHECK(strcmp(config->entries[0].title, "Haiku") == 0);
	CHECK(config->entries[0].bls == NULL);
	CHECK(strcmp(config_entry_id(&config->entries[0]), "Haiku") == 0);
	CHECK(strcmp(config_entry_id(&config->entries[1]), "a") == 0);
	test_release(config);
}


TEST(config_bls_entry_limit)
{
	test_config_reset();
	struct boot_config *config = test_default_config();
	for (int i = 0; i < CONFIG_MAX_ENTRIES; i++) {
		char id[16];
		snprintf(id, sizeof(id), "e%d", i);
		CHECK_EQ(test_add_bls(config, id, "linux /v\n"), B_OK);
	}
	CHECK_EQ(config->entry_count, CONFIG_MAX_ENTRIES);
	CHECK_NO_DIAGNOSTICS(config);
	long live = counted_heap_live();

	CHECK_EQ(test_add_bls(config, "late", "linux /v\noptions\n"), B_BAD_DATA);
	char expected[128];
	snprintf(expected, sizeof(expected),
		DIR "late.conf: too many entries (at most %d); entry \"late\" is ignored",
		CONFIG_MAX_ENTRIES);
	CHECK_DIAGNOSTICS(config, expected, DIR "late.conf:2: options needs a value");
	CHECK_EQ(config->entry_count, CONFIG_MAX_ENTRIES);
	/* what stays is the two diagnostics' file names */
	CHECK_EQ(counted_heap_live(), live + 2);
	test_release(config);
}


/* A line with bytes that are not UTF-8 text has no effect; the others do. */
TEST(config_bls_invalid_utf8)
{
	test_config_reset();
	static const char kText[] =
		"title Bad \xff\xfe title\n"
		"linux /vmlinuz\n"
		"options quiet\x01\n"
		"version 1.0\n"
		"sort-key a\0b\n"
		"initrd /i\r\n"
		"machine-id m\rn\n"
		"title Caf\xc3\xa9\n";
	struct boot_config *config = test_default_config();
	CHECK_EQ(test_add_bls_bytes(config, NULL, "a", kText, sizeof(kText) - 1), B_OK);
	CHECK_DIAGNOSTICS(config,
		DIR "a.conf:1: line contains invalid UTF-8",
		DIR "a.conf:3: line contains control character U+0001",
		DIR "a.conf:5: line contains a NUL byte",
		DIR "a.conf:7: line contains control character U+000D");
	CHECK_EQ(config->diagnostics[0].column, 11);
	const struct config_entry *entry = &config->entries[0];
	CHECK(strcmp(entry->title, "Caf\xc3\xa9") == 0);
	CHECK(strcmp(entry->command_line, "") == 0);
	CHECK(strcmp(entry->bls->version, "1.0") == 0);
	CHECK(entry->bls->sort_key == NULL);
	CHECK(entry->bls->machine_id == NULL);
	CHECK(strcmp(entry->initrds[0], "(disk0p2)/i") == 0);
	test_release(config);
}


TEST(config_bls_limits)
{
	test_config_reset();
	char title[CONFIG_MAX_TITLE_LENGTH + 2];
	memset(title, 't', sizeof(title) - 1);
	title[sizeof(title) - 1] = '\0';
	char text[512];
	snprintf(text, sizeof(text), "title %s\nlinux /v\ntitle %s\n", title, title + 1);
	struct boot_config *config = test_bls_entry("a", text);
	char expected[128];
	snprintf(expected, sizeof(expected), DIR "a.conf:1: title is too long (at most %d bytes)",
		CONFIG_MAX_TITLE_LENGTH);
	CHECK_DIAGNOSTICS(config, expected);
	CHECK_EQ(strlen(config->entries[0].title), CONFIG_MAX_TITLE_LENGTH);
	test_release(config);

	/* a line too long, and a file too large: the rest of it is not read */
	size_t size = CONFIG_MAX_FILE_SIZE + 4096;
	char *big = malloc(size);
	size_t length = (size_t)sprintf(big, "linux /v\noptions ");
	memset(big + length, 'o', CONFIG_MAX_LINE_LENGTH);
	length += CONFIG_MAX_LINE_LENGTH;
	big[length++] = '\n';
	/* "options late" ends 3 bytes before the limit, the line after it crosses it */
	size_t target = CONFIG_MAX_FILE_SIZE - strlen("options late\n") - 3;
	while (target - length > 64)
		length += (size_t)sprintf(big + length, "# padding\n");
	big[length++] = '#';
	while (length < target - 1)
		big[length++] = 'x';
	big[length++] = '\n';
	length += (size_t)sprintf(big + length, "options late\n");
	length += (size_t)sprintf(big + length, "options too-late\n");
	config = test_default_config();
	CHECK_EQ(test_add_bls_bytes(config, NULL, "a", big, length), B_OK);
	uint32_t lines = 0;
	for (size_t i = 0; i < CONFIG_MAX_FILE_SIZE; i++)
		lines += big[i] == '\n';
	snprintf(text, sizeof(text), DIR "a.conf:2: line is longer than %d bytes\n"
		DIR "a.conf:%u: file is larger than %d bytes; the rest is ignored",
		CONFIG_MAX_LINE_LENGTH, lines + 1, CONFIG_MAX_FILE_SIZE);
	char *second = strchr(text, '\n');
	*second++ = '\0';
	CHECK_DIAGNOSTICS(config, text, second);
	CHECK(strcmp(config->entries[0].command_line, "late") == 0);
	test_release(config);
	free(big);
}


/* Diagnostics of loader.cfg keep its name; those of entry files name theirs. */
TEST(config_bls_diagnostics_name_their_file)
{
	test_config_reset();
	struct boot_config *config = test_parse("timeout = x\n");
	static const char kText[] = "linux /v\ntitle\n";
	CHECK_EQ(test_add_bls_bytes(config, "(disk1p1)/loader/entries/b.conf", "b", kText,
		strlen(kText)), B_OK);
	CHECK_DIAGNOSTICS(config,
		TEST_CONFIG_FILE ":1: timeout must be a number from 0 to 3600, or \"forever\"",
		"(disk1p1)/loader/entries/b.conf:2: title needs a value");
	CHECK(config->diagnostics[0].file_name == NULL);
	CHECK(strcmp(config->entries[0].bls->file_name, "(disk1p1)/loader/entries/b.conf") == 0);
	test_release(config);
}


/*
 * Every allocation can fail: then nothing is added (no entry, no diagnostic)
 * and nothing leaks. Only the copy of a diagnostic's file name may fail
 * alone; that diagnostic is then dropped, not given to the wrong file.
 */
TEST(config_bls_out_of_memory)
{
	test_config_reset();
	static const char *const kTexts[] = {
		kDebian,
		"linux /v\n",
		"title T\nefi /e.efi\ninitrd /i\noptions a\noptions b\n",
		"linux /v\ntitle\ninitrd /a\ninitrd /b\n",
		"title T\n",
		"linux /v\narchitecture ia32\n",
	};
	for (size_t t = 0; t < sizeof(kTexts) / sizeof(kTexts[0]); t++) {
		struct boot_config *config = test_default_config();
		counted_heap_fail_at(0);
		status_t expected = test_add_bls(config, "id", kTexts[t]);
		long needed = counted_heap_allocations();
		uint32_t diagnostics = config->diagnostic_count;
		config_free(config);
		CHECK(needed >= 4);

		bool dropped = false;
		for (long failAt = 1;; failAt++) {
			config = test_default_config();
			long live = counted_heap_live();
			counted_heap_fail_at(failAt);
			status_t status = test_add_bls(config, "id", kTexts[t]);
			bool reached = counted_heap_allocations() >= failAt;
			counted_heap_fail_at(0);
			if (!reached) {
				CHECK_EQ(failAt, needed + 1);
				CHECK_EQ(status, expected);
				config_free(config);
				break;
			}
			if (status == B_NO_MEMORY) {
				CHECK(config->fallback_entry);
				CHECK_EQ(config->entry_count, 1);
				CHECK_EQ(config->diagnostic_count, 0);
				CHECK_EQ(config->diagnostics_dropped, 0);
				CHECK_EQ(counted_heap_live(), live);
			} else {
				CHECK_EQ(status, expected);
				CHECK_EQ(config->diagnostics_dropped, 1);
				CHECK_EQ(config->diagnostic_count, diagnostics - 1);
				dropped = true;
			}
			config_free(config);
			CHECK_EQ(counted_heap_live(), 0);
		}
		CHECK(dropped == (diagnostics > 0));
	}
}
