/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the configuration parser: every key and value form, the
 * syntax (comments, quoting, line ends, UTF-8), defaults and the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/config.h>
#include <boot/stage2.h>

#include "test_config.h"
#include "unit_test.h"


static const char kExample[] =
	"# /boot/loader.cfg: the boot loader's configuration\n"
	"timeout = 5\n"
	"default = \"Haiku\"\n"
	"serial = com1 115200\n"
	"verbosity = verbose\n"
	"video = 1024x768\n"
	"allow_write_execute = no\n"
	"\n"
	"entry \"Haiku\" {\n"
	"\tkernel = (label=SYSTEM)/boot/kernel\n"
	"\tcmdline = \"debug=1 root=/dev/x\"\n"
	"\tmodule = /boot/modules/a.bin \"arg=1\"\n"
	"\tmodule = (disk0p2)/boot/modules/b.bin\n"
	"\toptions = disable_smp, serial_debug\n"
	"}\n"
	"\n"
	"entry \"Haiku (safe mode)\" {\n"
	"\tkernel = /boot/kernel\n"
	"\toptions = disable_smp, disable_acpi, failsafe_video, ignore_above_4g\n"
	"}\n";


TEST(config_example)
{
	test_config_reset();
	struct boot_config *config = test_parse(kExample);
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->file_name, TEST_CONFIG_FILE) == 0);
	CHECK_EQ(config->timeout, 5);
	CHECK(strcmp(config->default_title, "Haiku") == 0);
	CHECK_EQ(config->default_number, 0);
	CHECK(config->serial);
	CHECK_EQ(config->serial_port, 1);
	CHECK_EQ(config->serial_speed, 115200);
	CHECK_EQ(config->verbosity, CONFIG_VERBOSITY_VERBOSE);
	CHECK_EQ(config->video, CONFIG_VIDEO_MODE);
	CHECK_EQ(config->video_width, 1024);
	CHECK_EQ(config->video_height, 768);
	CHECK(!config->allow_write_execute);
	CHECK(!config->fallback_entry);
	CHECK_EQ(config->entry_count, 2);

	const struct config_entry *entry = &config->entries[0];
	CHECK(strcmp(entry->title, "Haiku") == 0);
	CHECK_EQ(entry->line, 9);
	CHECK(strcmp(entry->kernel_path, "(label=SYSTEM)/boot/kernel") == 0);
	CHECK(strcmp(entry->command_line, "debug=1 root=/dev/x") == 0);
	CHECK_EQ(entry->module_count, 2);
	CHECK(strcmp(entry->modules[0].path, "/boot/modules/a.bin") == 0);
	CHECK(strcmp(entry->modules[0].command_line, "arg=1") == 0);
	CHECK(strcmp(entry->modules[1].path, "(disk0p2)/boot/modules/b.bin") == 0);
	CHECK(strcmp(entry->modules[1].command_line, "") == 0);
	CHECK_EQ(entry->options, BOOT_OPTION_DISABLE_SMP | BOOT_OPTION_SERIAL_DEBUG);

	entry = &config->entries[1];
	CHECK(strcmp(entry->title, "Haiku (safe mode)") == 0);
	CHECK_EQ(entry->line, 17);
	CHECK(strcmp(entry->kernel_path, "/boot/kernel") == 0);
	CHECK(strcmp(entry->command_line, "") == 0);
	CHECK_EQ(entry->module_count, 0);
	CHECK_EQ(entry->options, BOOT_OPTION_DISABLE_SMP | BOOT_OPTION_DISABLE_ACPI
		| BOOT_OPTION_FAILSAFE_VIDEO | BOOT_OPTION_IGNORE_ABOVE_4G);

	CHECK_EQ(config_default_entry(config), 0);
	CHECK_EQ(config_find_entry(config, "Haiku (safe mode)"), 1);
	CHECK_EQ(config_find_entry(config, "haiku"), -1);
	test_release(config);
}


TEST(config_defaults)
{
	test_config_reset();
	struct boot_config *config = test_parse("");
	CHECK_NO_DIAGNOSTICS(config);
	/* without entries there is nothing to wait for (the default 5 needs an entry) */
	CHECK_EQ(config->timeout, 0);
	CHECK(config->default_title == NULL);
	CHECK_EQ(config->default_number, 0);
	CHECK(config->serial);
	CHECK_EQ(config->serial_port, 0);
	CHECK_EQ(config->serial_speed, 0);
	CHECK_EQ(config->verbosity, CONFIG_VERBOSITY_NORMAL);
	CHECK_EQ(config->video, CONFIG_VIDEO_KEEP);
	CHECK(!config->allow_write_execute);
	CHECK(config->auto_entries);
	CHECK_EQ(config->editor, CONFIG_EDITOR_AUTO);
	CHECK(config->fallback_entry);
	CHECK_EQ(config->entry_count, 1);
	CHECK(strcmp(config->entries[0].title, "Default") == 0);
	CHECK(strcmp(config->entries[0].kernel_path, BOOT_DEFAULT_KERNEL_PATH) == 0);
	CHECK(strcmp(config->entries[0].command_line, "") == 0);
	CHECK_EQ(config->entries[0].line, 0);
	CHECK_EQ(config->entries[0].options, 0);
	CHECK_EQ(config->entries[0].module_count, 0);
	test_release(config);

	/* a file without entries waits as no file does: not at all */
	static const char *const kWithoutEntries[] = { "", "\n\n", "# nothing yet\n",
		"video = max\n" };
	for (size_t i = 0; i < sizeof(kWithoutEntries) / sizeof(kWithoutEntries[0]); i++) {
		config = test_parse(kWithoutEntries[i]);
		CHECK_NO_DIAGNOSTICS(config);
		CHECK(config->fallback_entry);
		CHECK_EQ(config->timeout, 0);
		test_release(config);
	}

	/* settings alone are a valid file: the default entry boots, after the timeout */
	config = test_parse("timeout = 3\nvideo = max\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(config->fallback_entry);
	CHECK_EQ(config->timeout, 3);
	CHECK_EQ(config->video, CONFIG_VIDEO_MAX);
	test_release(config);

	/* without a file, there is nothing to wait for */
	config = config_default();
	CHECK(config != NULL);
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->file_name, "") == 0);
	CHECK_EQ(config->timeout, 0);
	CHECK(config->fallback_entry);
	CHECK_EQ(config->entry_count, 1);
	CHECK(strcmp(config->entries[0].title, "Default") == 0);
	CHECK(strcmp(config->entries[0].kernel_path, BOOT_DEFAULT_KERNEL_PATH) == 0);
	CHECK_EQ(config_default_entry(config), 0);
	test_release(config);

	config_free(NULL);
}


TEST(config_timeout)
{
	test_config_reset();
	static const struct {
		const char	*text;
		int32_t		timeout;
	} kCases[] = {
		{ "timeout = 0", 0 },
		{ "timeout = 3600", 3600 },
		{ "timeout = 007", 7 },
		{ "timeout = forever", CONFIG_TIMEOUT_FOREVER },
		{ "timeout = Forever", CONFIG_TIMEOUT_FOREVER },
		{ "timeout = -1", CONFIG_TIMEOUT_FOREVER },
		{ "timeout = \"12\"", 12 },
		{ "timeout=9", 9 },
		{ "TIMEOUT = 1", 1 },
	};
	for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
		struct boot_config *config = test_parse(kCases[i].text);
		CHECK_NO_DIAGNOSTICS(config);
		CHECK_EQ(config->timeout, kCases[i].timeout);
		test_release(config);
	}

	static const char *const kBad[] = {
		"timeout = 3601", "timeout = -2", "timeout = 5s", "timeout = ten", "timeout = \"\"",
		"timeout = 99999999999999999999999999", "timeout = 4294967301", "timeout = +5",
	};
	for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "%s\nentry a {\nkernel = /k\n}\n", kBad[i]);
		struct boot_config *config = test_parse(text);
		CHECK_DIAGNOSTICS(config, TEST_CONFIG_FILE
			":1: timeout must be a number from 0 to 3600, or \"forever\"");
		/* the line has no effect */
		CHECK_EQ(config->timeout, 5);
		CHECK_EQ(config->diagnostics[0].column, 11);
		test_release(config);
	}
}


TEST(config_default_selection)
{
	test_config_reset();
	static const char kEntries[] =
		"entry \"One\" {\n kernel = /k1\n}\n"
		"entry \"Two\" {\n kernel = /k2\n}\n"
		"entry \"3\" {\n kernel = /k3\n}\n";
	char text[512];

	snprintf(text, sizeof(text), "default = Two\n%s", kEntries);
	struct boot_config *config = test_parse(text);
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config_default_entry(config), 1);
	test_release(config);

	/* a number is an entry's position, from 1 */
	snprintf(text, sizeof(text), "%sdefault = 3\n", kEntries);
	config = test_parse(text);
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->default_number, 3);
	CHECK_EQ(config_default_entry(config), 2);
	test_release(config);

	/* in quotes it is a title */
	snprintf(text, sizeof(text), "default = \"3\"\n%s", kEntries);
	config = test_parse(text);
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->default_title, "3") == 0);
	CHECK_EQ(config_default_entry(config), 2);
	test_release(config);

	snprintf(text, sizeof(text), "default = 1\n%s", kEntries);
	config = test_parse(text);
	CHECK_EQ(config_default_entry(config), 0);
	CHECK(!config->default_saved);
	test_release(config);

	/* the entry that booted last (bli.c); until one did, the first */
	snprintf(text, sizeof(text), "default = @saved\n%s", kEntries);
	config = test_parse(text);
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(config->default_saved);
	CHECK(config->default_title == NULL);
	CHECK_EQ(config_default_entry(config), 0);
	test_release(config);

	/* in quotes "@saved" is a title */
	snprintf(text, sizeof(text), "default = \"@saved\"\n%s", kEntries);
	config = test_parse(text);
	CHECK_DIAGNOSTICS(config, TEST_CONFIG_FILE
		":1: default entry \"@saved\" does not exist; the first entry is used");
	CHECK(!config->default_saved);
	test_release(config);

	/* titles compare exactly */
	snprintf(text, sizeof(text), "default = two\n%s", kEntries);
	config = test_parse(text);
	CHECK_DIAGNOSTICS(config, TEST_CONFIG_FILE
		":1: default entry \"two\" does not exist; the first entry is used");
	CHECK_EQ(config->diagnostics[0].column, 11);
	CHECK_EQ(config_default_entry(config), 0);
	test_release(config);

	snprintf(text, sizeof(text), "%s\ndefault = 4\n", kEntries);
	config = test_parse(text);
	CHECK_DIAGNOSTICS(config, TEST_CONFIG_FILE
		":11: default entry 4 does not exist (there are 3); the first entry is used");
	CHECK_EQ(config_default_entry(config), 0);
	test_release(config);

	config = test_parse("default = 2\nentry x {\nkernel = /k\n}\n");
	CHECK_DIAGNOSTICS(config, TEST_CONFIG_FILE
		":1: default entry 2 does not exist (there is 1); the first entry is used");
	test_release(config);

	test_check_error("default = 0", 1, "default entry number must be from 1 to 32");
	test_check_error("default = 33", 1, "default entry number must be from 1 to 32");
	test_check_error("default = \"\"", 1, "default entry title is empty");

	/* an entry that failed is not there to be the default */
	config = test_parse("default = Broken\nentry Broken {\n}\nentry Good {\nkernel = /k\n}\n");
	CHECK_DIAGNOSTICS(config,
		TEST_CONFIG_FILE ":1: default entry \"Broken\" does not exist; the first entry is used",
		TEST_CONFIG_FILE ":2: entry \"Broken\" has no kernel, linux or efi");
	CHECK_EQ(config_default_entry(config), 0);
	test_release(config);
}


TEST(config_serial)
{
	test_config_reset();
	static const struct {
		const char	*text;
		bool		serial;
		uint8_t		port;
		uint32_t	speed;
	} kCases[] = {
		{ "serial = on", true, 0, 0 },
		{ "serial = off", false, 0, 0 },
		{ "serial = OFF", false, 0, 0 },
		{ "serial = yes", true, 0, 0 },
		{ "serial = no", false, 0, 0 },
		{ "serial = com1", true, 1, 0 },
		{ "serial = COM4", true, 4, 0 },
		{ "serial = com2 9600", true, 2, 9600 },
		{ "serial = on 57600", true, 0, 57600 },
		{ "serial = 1200", true, 0, 1200 },
		{ "serial = com3 \"115200\"", true, 3, 115200 },
	};
	for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
		struct boot_config *config = test_parse(kCases[i].text);
		CHECK_NO_DIAGNOSTICS(config);
		CHECK_EQ(config->serial, kCases[i].serial);
		CHECK_EQ(config->serial_port, kCases[i].port);
		CHECK_EQ(config->serial_speed, kCases[i].speed);
		test_release(config);
	}

	static const char kSpeeds[] = "serial speed must be one of 1200, 2400, 4800, 9600, 19200, "
		"38400, 57600 or 115200";
	test_check_error("serial = com5", 1,
		"serial must be on, off or com1 to com4, optionally followed by a speed");
	test_check_error("serial = maybe 9600", 1,
		"serial must be on, off or com1 to com4, optionally followed by a speed");
	test_check_error("serial = com1 9601", 1, kSpeeds);
	test_check_error("serial = 1234", 1, kSpeeds);
	test_check_error("serial = on fast", 1, kSpeeds);
	test_check_error("serial = on 99999999999999999999", 1, kSpeeds);
	test_check_error("serial = off 9600", 1, "serial = off takes no speed");
	test_check_error("serial = com1 9600 8n1", 1,
		"serial takes a port and a speed; put text with spaces in quotes");

	struct boot_config *config = test_parse("serial = off\nserial = com1 10\n");
	CHECK_DIAGNOSTICS(config, TEST_CONFIG_FILE ":2: serial is already set on line 1");
	CHECK(!config->serial);
	test_release(config);
}


TEST(config_verbosity_video_write_execute)
{
	test_config_reset();
	static const char *const kLevels[] = { "quiet", "normal", "Verbose", "DEBUG" };
	for (int i = 0; i < 4; i++) {
		char text[64];
		snprintf(text, sizeof(text), "verbosity = %s", kLevels[i]);
		struct boot_config *config = test_parse(text);
		CHECK_NO_DIAGNOSTICS(config);
		CHECK_EQ(config->verbosity, CONFIG_VERBOSITY_QUIET + i);
		test_release(config);
	}
	test_check_error("verbosity = loud", 1, "verbosity must be quiet, normal, verbose or debug");
	test_check_error("verbosity = 3", 1, "verbosity must be quiet, normal, verbose or debug");

	static const struct {
		const char			*text;
		enum config_video	video;
		uint32_t			width;
		uint32_t			height;
	} kModes[] = {
		{ "video = 1024x768", CONFIG_VIDEO_MODE, 1024, 768 },
		{ "video = 1920X1080", CONFIG_VIDEO_MODE, 1920, 1080 },
		{ "video = 64x64", CONFIG_VIDEO_MODE, 64, 64 },
		{ "video = 16384x16384", CONFIG_VIDEO_MODE, 16384, 16384 },
		{ "video = max", CONFIG_VIDEO_MAX, 0, 0 },
		{ "video = TEXT", CONFIG_VIDEO_TEXT, 0, 0 },
		{ "video = keep", CONFIG_VIDEO_KEEP, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(kModes) / sizeof(kModes[0]); i++) {
		struct boot_config *config = test_parse(kModes[i].text);
		CHECK_NO_DIAGNOSTICS(config);
		CHECK_EQ(config->video, kModes[i].video);
		CHECK_EQ(config->video_width, kModes[i].width);
		CHECK_EQ(config->video_height, kModes[i].height);
		test_release(config);
	}
	static const char *const kBadModes[] = {
		"video = 1024", "video = x768", "video = 1024x", "video = 1024*768", "video = big",
		"video = 1024x768x32", "video = 12345678901234567x1",
	};
	for (size_t i = 0; i < sizeof(kBadModes) / sizeof(kBadModes[0]); i++) {
		test_check_error(kBadModes[i], 1,
			"video must be <width>x<height> (such as 1024x768), max, text or keep");
	}
	static const char *const kOutOfRange[] = {
		"video = 63x480", "video = 640x63", "video = 16385x768", "video = 0x0",
		"video = 640x99999999999999999999",
	};
	for (size_t i = 0; i < sizeof(kOutOfRange) / sizeof(kOutOfRange[0]); i++)
		test_check_error(kOutOfRange[i], 1, "video width and height must be from 64 to 16384");

	static const struct {
		const char	*value;
		bool		allow;
	} kBools[] = {
		{ "yes", true }, { "no", false }, { "on", true }, { "off", false }, { "true", true },
		{ "False", false },
	};
	for (size_t i = 0; i < sizeof(kBools) / sizeof(kBools[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "allow_write_execute = %s", kBools[i].value);
		struct boot_config *config = test_parse(text);
		CHECK_NO_DIAGNOSTICS(config);
		CHECK_EQ(config->allow_write_execute, kBools[i].allow);
		test_release(config);
	}
	test_check_error("allow_write_execute = 1", 1, "allow_write_execute must be yes or no");

	struct boot_config *config = test_parse("require_verification = yes");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(config->require_verification);
	test_release(config);
	test_check_error("require_verification = maybe", 1,
		"require_verification must be yes or no");

	config = test_parse("auto_entries = no");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(!config->auto_entries);
	test_release(config);
	test_check_error("auto_entries = none", 1, "auto_entries must be yes or no");

	static const struct {
		const char			*text;
		enum config_editor	editor;
	} kEditors[] = {
		{ "editor = no", CONFIG_EDITOR_NO },
		{ "editor = off", CONFIG_EDITOR_NO },
		{ "editor = yes", CONFIG_EDITOR_YES },
		{ "editor = ON", CONFIG_EDITOR_YES },
		{ "editor = auto", CONFIG_EDITOR_AUTO },
	};
	for (size_t i = 0; i < sizeof(kEditors) / sizeof(kEditors[0]); i++) {
		config = test_parse(kEditors[i].text);
		CHECK_NO_DIAGNOSTICS(config);
		CHECK_EQ(config->editor, kEditors[i].editor);
		test_release(config);
	}
	test_check_error("editor = locked", 1, "editor must be yes, no or auto");
}


TEST(config_entry_keys)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"entry Plain {\n"
		"kernel = \"(guid=a1a1a1a1-b2b2-c3c3-d4d4-e5e5e5e5e501)/boot/my kernel\"\n"
		"cmdline = console=ttyS0,115200\n"
		"module = (vol1)\n"
		"module = \"/boot/with space.bin\" \"\"\n"
		"options = disable_smp,disable_acpi\n"
		"options = FAILSAFE_VIDEO ignore_above_4g , ,serial_debug\n"
		"options = onscreen_log\n"
		"}\n");
	CHECK_NO_DIAGNOSTICS(config);
	const struct config_entry *entry = &config->entries[0];
	CHECK(strcmp(entry->title, "Plain") == 0);
	CHECK(strcmp(entry->kernel_path,
		"(guid=a1a1a1a1-b2b2-c3c3-d4d4-e5e5e5e5e501)/boot/my kernel") == 0);
	CHECK(strcmp(entry->command_line, "console=ttyS0,115200") == 0);
	CHECK_EQ(entry->module_count, 2);
	CHECK(strcmp(entry->modules[0].path, "(vol1)") == 0);
	CHECK(strcmp(entry->modules[1].path, "/boot/with space.bin") == 0);
	CHECK(strcmp(entry->modules[1].command_line, "") == 0);
	/* options add up */
	CHECK_EQ(entry->options, BOOT_OPTION_ALL);
	test_release(config);

	/* every option flag has a name and a label */
	uint32_t seen = 0;
	for (uint32_t flag = 1; flag != 0; flag <<= 1) {
		const char *name = config_option_name(flag);
		CHECK((name != NULL) == ((flag & BOOT_OPTION_ALL) != 0));
		CHECK((config_option_label(flag) != NULL) == (name != NULL));
		if (name == NULL)
			continue;
		char text[128];
		snprintf(text, sizeof(text), "entry x {\nkernel = /k\noptions = %s\n}", name);
		config = test_parse(text);
		CHECK_NO_DIAGNOSTICS(config);
		CHECK_EQ(config->entries[0].options, flag);
		test_release(config);
		seen |= flag;
	}
	CHECK_EQ(seen, BOOT_OPTION_ALL);
	CHECK(strcmp(config_option_name(BOOT_OPTION_IGNORE_ABOVE_4G), "ignore_above_4g") == 0);
	CHECK(strcmp(config_option_label(BOOT_OPTION_DISABLE_SMP), "Disable SMP") == 0);
	CHECK(config_option_name(BOOT_OPTION_DISABLE_SMP | BOOT_OPTION_DISABLE_ACPI) == NULL);
	CHECK(config_option_name(0) == NULL);
}


TEST(config_comments_and_whitespace)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"# a comment\n"
		"   # an indented comment\n"
		"\n"
		"\t \n"
		"timeout=7# a comment right after a value\n"
		"  default   =   \"a # b\"   # a \"#\" in quotes is text\n"
		"entry \"a # b\"{   # a comment after the brace\n"
		"\tkernel\t=\t/boot/kernel#1\n"
		"    cmdline = \"x\"#y\n"
		"}# closed\n"
		"#}\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->timeout, 7);
	CHECK(strcmp(config->default_title, "a # b") == 0);
	CHECK_EQ(config->entry_count, 1);
	CHECK(strcmp(config->entries[0].title, "a # b") == 0);
	/* "#" starts a comment anywhere outside quotes */
	CHECK(strcmp(config->entries[0].kernel_path, "/boot/kernel") == 0);
	CHECK(strcmp(config->entries[0].command_line, "x") == 0);
	CHECK_EQ(config_default_entry(config), 0);
	test_release(config);

	/* the "{" may stand on the next line, as in C */
	config = test_parse("entry \"Allman\"\n\n# between\n{\nkernel = /k\n}\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->entry_count, 1);
	CHECK(strcmp(config->entries[0].title, "Allman") == 0);
	CHECK_EQ(config->entries[0].line, 1);
	test_release(config);

	/* keys and "entry" ignore ASCII case */
	config = test_parse("ENTRY E {\nKernel = /k\nCMDLINE = c\n}\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->entries[0].command_line, "c") == 0);
	test_release(config);
}


TEST(config_line_ends)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"\xef\xbb\xbftimeout = 2\r\n"
		"\r\n"
		"entry \"Windows\" {\r\n"
		"kernel = /k\r\n"
		"cmdline = \"a b\"\r\n"
		"}\r\n"
		"bogus = 1\r\n"
		"entry last {\r\n"
		"kernel = /last\r\n"
		"}");
	CHECK_DIAGNOSTICS(config, TEST_CONFIG_FILE ":7: unknown key \"bogus\"");
	CHECK_EQ(config->timeout, 2);
	CHECK_EQ(config->entry_count, 2);
	CHECK(strcmp(config->entries[0].kernel_path, "/k") == 0);
	CHECK(strcmp(config->entries[0].command_line, "a b") == 0);
	CHECK(strcmp(config->entries[1].kernel_path, "/last") == 0);
	CHECK_EQ(config->entries[1].line, 8);
	test_release(config);

	/* a carriage return anywhere but before the line feed is a control character */
	test_check_error("timeout = 1\rtimeout = 2\n", 1, "line contains control character U+000D");
	test_check_error("\n\ntimeout = 1\r\r\n", 3, "line contains control character U+000D");
	/* only one byte order mark, and only at the start */
	test_check_error("timeout = 1\n\xef\xbb\xbftimeout = 2\n", 2,
		"unknown key \"\xef\xbb\xbftimeout\" (did you mean \"timeout\"?)");
}


TEST(config_strings)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"entry \"say \\\"hi\\\"\" {\n"
		"kernel = \"/boot/back\\\\slash\"\n"
		"cmdline = \"one\\ntwo\\tthree \\\"four\\\"\"\n"
		"module = /m \"\\\\\"\n"
		"module = /m2 \"raw\ttab\"\n"
		"}\n");
	CHECK_NO_DIAGNOSTICS(config);
	const struct config_entry *entry = &config->entries[0];
	CHECK(strcmp(entry->title, "say \"hi\"") == 0);
	CHECK(strcmp(entry->kernel_path, "/boot/back\\slash") == 0);
	CHECK(strcmp(entry->command_line, "one\ntwo\tthree \"four\"") == 0);
	CHECK(strcmp(entry->modules[0].command_line, "\\") == 0);
	CHECK(strcmp(entry->modules[1].command_line, "raw\ttab") == 0);
	test_release(config);

	/* a backslash outside quotes is just a character */
	config = test_parse("entry x {\nkernel = /a\\b\n}\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->entries[0].kernel_path, "/a\\b") == 0);
	test_release(config);

	/* an empty string is a value */
	config = test_parse("entry x {\nkernel = /k\ncmdline = \"\"\n}\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK(strcmp(config->entries[0].command_line, "") == 0);
	test_release(config);

	test_check_error("default = \"abc", 1, "unterminated string");
	test_check_error("\ndefault = \"abc\\\"", 2, "unterminated string");
	test_check_error("default = \"abc\\", 1, "unterminated string");
	test_check_error("default = \"a\\qb\"", 1,
		"unknown escape \"\\q\" in string (use \\\" \\\\ \\n or \\t)");
	test_check_error("default = \"a\\\xc3\xa9\"", 1,
		"unknown escape \"\\\xc3\xa9\" in string (use \\\" \\\\ \\n or \\t)");
	test_check_error("default = \"a\\\tb\"", 1,
		"unknown escape \"\\?\" in string (use \\\" \\\\ \\n or \\t)");

	config = test_parse("default = \"unterminated\nentry x {\nkernel = /k\n}\n");
	CHECK_DIAGNOSTICS(config, TEST_CONFIG_FILE ":1: unterminated string");
	CHECK_EQ(config->diagnostics[0].column, 11);
	CHECK_EQ(config->entry_count, 1);
	CHECK(!config->fallback_entry);
	test_release(config);
}


TEST(config_utf8)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"default = \"Ha\xc3\xafku \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x9e\"\n"
		"entry \"Ha\xc3\xafku \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x9e\" {\n"
		"kernel = (label=\xc3\x9c)/boot/k\xc3\xa9rnel\n"
		"}\n"
		"entry \xce\xb1\xce\xb2\xce\xb3 {\nkernel = /k\n}\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->entry_count, 2);
	CHECK(strcmp(config->entries[0].title,
		"Ha\xc3\xafku \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x9e") == 0);
	CHECK(strcmp(config->entries[0].kernel_path, "(label=\xc3\x9c)/boot/k\xc3\xa9rnel") == 0);
	CHECK(strcmp(config->entries[1].title, "\xce\xb1\xce\xb2\xce\xb3") == 0);
	CHECK_EQ(config_default_entry(config), 0);
	test_release(config);

	static const char *const kInvalid[] = {
		"timeout = 1\xff",				/* never in UTF-8 */
		"default = \"\xc0\x80\"",		/* overlong NUL */
		"default = \xe0\x80\xaf",		/* overlong "/" */
		"default = \"\xed\xa0\x80\"",	/* a surrogate */
		"default = \xf4\x90\x80\x80",	/* past U+10FFFF */
		"default = \xf5\x80\x80\x80",
		"default = \xe6\x97",			/* cut short by the line end */
		"default = \"\xe6\x97\"",		/* cut short by the quote */
		"default = \x80",				/* a lone continuation byte */
	};
	for (size_t i = 0; i < sizeof(kInvalid) / sizeof(kInvalid[0]); i++)
		test_check_error(kInvalid[i], 1, "line contains invalid UTF-8");
	/* C1 controls are control characters too */
	test_check_error("default = \"\xc2\x85\"", 1, "line contains control character U+0085");
	test_check_error("default = \x7f", 1, "line contains control character U+007F");
	/* comments may hold anything */
	config = test_parse("timeout = 4 # \xff\xfe\x01\x7f\xc0\n");
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->timeout, 4);
	test_release(config);

	/* columns count characters, not bytes */
	config = test_parse("entry \"\xe6\x97\xa5\xe6\x9c\xac\" {\nkernel = /k\n}\n"
		"default = \"\xe6\x97\xa5\xe6\x9c\xac\" \x01");
	CHECK_DIAGNOSTICS(config, TEST_CONFIG_FILE ":4: line contains control character U+0001");
	CHECK_EQ(config->diagnostics[0].column, 16);
	test_release(config);
}


TEST(config_diagnostic_format)
{
	test_config_reset();
	struct boot_config *config = test_parse("\n\ntiemout = 5\n");
	char line[128];
	CHECK_EQ(config->diagnostic_count, 1);
	CHECK_EQ(config->diagnostics[0].line, 3);
	CHECK_EQ(config->diagnostics[0].column, 1);
	CHECK(strcmp(config->diagnostics[0].message,
		"unknown key \"tiemout\" (did you mean \"timeout\"?)") == 0);
	size_t length = config_format_diagnostic(config, 0, line, sizeof(line));
	CHECK(strcmp(line, "/boot/loader.cfg:3: unknown key \"tiemout\" (did you mean \"timeout\"?)")
		== 0);
	CHECK_EQ(length, strlen(line));

	/* cut like snprintf, with the full length returned */
	char small[12];
	CHECK_EQ(config_format_diagnostic(config, 0, small, sizeof(small)), length);
	CHECK(strcmp(small, "/boot/loade") == 0);
	CHECK_EQ(config_format_diagnostic(config, 0, NULL, 0), length);

	line[0] = 'x';
	CHECK_EQ(config_format_diagnostic(config, 1, line, sizeof(line)), 0);
	CHECK_EQ(line[0], '\0');

	/* line 0 is about the whole file */
	config->diagnostics[0].line = 0;
	config_format_diagnostic(config, 0, line, sizeof(line));
	CHECK(strncmp(line, "/boot/loader.cfg: unknown key", 29) == 0);
	test_release(config);

	/* the file name is a copy */
	char name[] = "(disk0p1)/boot/loader.cfg";
	struct boot_config *named;
	CHECK_EQ(config_parse(name, "x", 1, &named), B_OK);
	name[0] = '\0';
	config_format_diagnostic(named, 0, line, sizeof(line));
	CHECK(strcmp(line, "(disk0p1)/boot/loader.cfg:1: unknown key \"x\"") == 0);
	test_release(named);

	CHECK_EQ(config_parse(NULL, "x", 1, &named), B_OK);
	config_format_diagnostic(named, 0, line, sizeof(line));
	CHECK(strcmp(line, ":1: unknown key \"x\"") == 0);
	test_release(named);
}


TEST(config_edit_command_line)
{
	test_config_reset();
	struct boot_config *config = test_parse(kExample);
	struct config_entry *entry = &config->entries[1];
	CHECK_EQ(config_entry_set_command_line(entry, "edited=1"), B_OK);
	CHECK(strcmp(entry->command_line, "edited=1") == 0);

	char *longLine = malloc(CONFIG_MAX_COMMAND_LINE + 1);
	memset(longLine, 'a', CONFIG_MAX_COMMAND_LINE);
	longLine[CONFIG_MAX_COMMAND_LINE] = '\0';
	CHECK_EQ(config_entry_set_command_line(entry, longLine), B_NAME_TOO_LONG);
	CHECK(strcmp(entry->command_line, "edited=1") == 0);
	longLine[CONFIG_MAX_COMMAND_LINE - 1] = '\0';
	CHECK_EQ(config_entry_set_command_line(entry, longLine), B_OK);
	CHECK_EQ(strlen(entry->command_line), CONFIG_MAX_COMMAND_LINE - 1);
	free(longLine);

	counted_heap_fail_at(1);
	CHECK_EQ(config_entry_set_command_line(entry, "lost"), B_NO_MEMORY);
	counted_heap_fail_at(0);
	CHECK_EQ(strlen(entry->command_line), CONFIG_MAX_COMMAND_LINE - 1);
	test_release(config);
}


/* Every allocation the parser makes can fail: then nothing leaks and nothing is returned. */
TEST(config_out_of_memory)
{
	test_config_reset();
	static const char *const kTexts[] = {
		kExample,
		"",
		"default = a\nentry broken {\nmodule = /m x\n",
		"entry a {\nkernel = /k\nmodule = /m\n}\nentry \"a\" {\nmodule = /x",
		"entry l {\nlinux = /v\ninitrd = /a\ninitrd = /b\nmodule = /m\n}\nentry e {\nefi = /e\n}",
	};
	for (size_t t = 0; t < sizeof(kTexts) / sizeof(kTexts[0]); t++) {
		counted_heap_fail_at(0);
		struct boot_config *config = test_parse(kTexts[t]);
		long needed = counted_heap_allocations();
		test_release(config);
		CHECK(needed >= 3);

		for (long failAt = 1; failAt <= needed; failAt++) {
			counted_heap_fail_at(failAt);
			config = (struct boot_config *)0x1;
			status_t status = config_parse(TEST_CONFIG_FILE, kTexts[t], strlen(kTexts[t]),
				&config);
			counted_heap_fail_at(0);
			CHECK_EQ(status, B_NO_MEMORY);
			CHECK(config == (struct boot_config *)0x1);
			CHECK_EQ(counted_heap_live(), 0);
		}
	}

	for (long failAt = 1; failAt <= 5; failAt++) {
		counted_heap_fail_at(failAt);
		struct boot_config *config = config_default();
		counted_heap_fail_at(0);
		CHECK(config == NULL);
		CHECK_EQ(counted_heap_live(), 0);
	}
	counted_heap_fail_at(0);
}
