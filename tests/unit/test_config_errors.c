/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the configuration parser's diagnostics: every message with
 * its line, recovery after errors, and every limit.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/config.h>
#include <boot/stage2.h>

#include "test_config.h"
#include "unit_test.h"

#define F	TEST_CONFIG_FILE


/* A growing text buffer for the big inputs. */
struct text {
	char	*data;
	size_t	length;
	size_t	size;
};


static void
text_add(struct text *text, const char *format, ...)
{
	va_list args;
	for (;;) {
		va_start(args, format);
		int length = vsnprintf(text->data + text->length, text->size - text->length, format,
			args);
		va_end(args);
		if (text->length + (size_t)length < text->size) {
			text->length += (size_t)length;
			return;
		}
		text->size = text->size * 2 + (size_t)length + 64;
		text->data = realloc(text->data, text->size);
	}
}


static void
text_repeat(struct text *text, char c, size_t count)
{
	for (size_t i = 0; i < count; i++)
		text_add(text, "%c", c);
}


/* A bad kernel line: the entry has no kernel then. */
static void
check_kernel_error(const char *value, const char *message)
{
	char text[256];
	char expected[256];
	snprintf(text, sizeof(text), "entry x {\nkernel = %s\n}", value);
	snprintf(expected, sizeof(expected), F ":2: %s", message);
	struct boot_config *config = test_parse(text);
	CHECK_DIAGNOSTICS(config, F ":1: entry \"x\" has no kernel, linux or efi", expected);
	test_release(config);
}


TEST(config_structure_errors)
{
	test_config_reset();
	test_check_error("tiemout = 5", 1, "unknown key \"tiemout\" (did you mean \"timeout\"?)");
	test_check_error("\nverbose = debug", 2,
		"unknown key \"verbose\" (did you mean \"verbosity\"?)");
	/* a block after a misspelt "entry" is skipped as a whole */
	test_check_error("entyr x {\nkernel = /k\n}", 1,
		"unknown key \"entyr\" (did you mean \"entry\"?)");
	test_check_error("colour = blue", 1, "unknown key \"colour\"");
	test_check_error("ab = 1", 1, "unknown key \"ab\"");
	test_check_error("timeout 5", 1, "expected \"=\" after timeout");
	test_check_error("timeout", 1, "expected \"=\" after timeout");
	test_check_error("timeout \"=\" 5", 1, "expected \"=\" after timeout");
	test_check_error("timeout =", 1, "timeout needs a value");
	test_check_error("timeout = # nothing", 1, "timeout needs a value");
	test_check_error("timeout = 5 6", 1,
		"timeout takes one value; put text with spaces in quotes");
	test_check_error("entry x {\nkernel = /k\ncmdline = debug=1 root=/dev/x\n}", 3,
		"cmdline takes one value; put text with spaces in quotes");
	test_check_error("entry x {\nkernel = /k\nmodule = /m a b\n}", 3,
		"module takes a path and a command line; put text with spaces in quotes");
	test_check_error("timeout = 1\ntimeout = 2", 2, "timeout is already set on line 1");
	test_check_error("entry x {\nkernel = /k\nkernel = /j\n}", 3,
		"kernel is already set on line 2");
	test_check_error("entry x {\nkernel = /k\ncmdline = a\ncmdline = b\n}", 4,
		"cmdline is already set on line 3");
	test_check_error("kernel = /boot/kernel", 1, "kernel is only valid inside an entry");
	test_check_error("\noptions = disable_smp", 2, "options is only valid inside an entry");
	test_check_error("entry \"x\" {\ntimeout = 3\nkernel = /k\n}", 2,
		"timeout is a global setting, not valid inside entry \"x\"");
	test_check_error("}", 1, "\"}\" without an entry to close");
	test_check_error("entry x {\nkernel = /k\n} x", 3,
		"expected the end of the line after \"}\"");
	test_check_error("entry {\nkernel = /k\n}", 1, "entry needs a title: entry \"<title>\" {");
	test_check_error("entry", 1, "entry needs a title: entry \"<title>\" {");
	test_check_error("entry = x", 1, "entry needs a title: entry \"<title>\" {");
	test_check_error("entry Haiku R1 {\nkernel = /k\n}", 1,
		"entry title must be one word or a quoted string");
	test_check_error("entry x { kernel = /k }", 1,
		"expected the end of the line after \"{\"");
	struct boot_config *config = test_parse("entry x\n{ kernel = /k\n}");
	CHECK_DIAGNOSTICS(config, F ":1: entry \"x\" has no kernel, linux or efi",
		F ":2: expected the end of the line after \"{\"");
	test_release(config);
	test_check_error("entry \"\" {\nkernel = /k\n}", 1, "entry title is empty");
	test_check_error("entry \"a\\nb\" {\nkernel = /k\n}", 1,
		"entry title must not contain control characters");
	test_check_error("entry \"a\\tb\" {\nkernel = /k\n}", 1,
		"entry title must not contain control characters");
	test_check_error("\n\nentry \"x\" {\ncmdline = a\n}", 3, "entry \"x\" has no kernel, linux or efi");
	test_check_error("entry x {\nkernel = /k\n}\nentry y {\n}", 4, "entry \"y\" has no kernel, linux or efi");
	check_kernel_error("/k }",
		"unexpected \"}\" in the value of kernel (\"}\" goes on a line of its own)");
	check_kernel_error("{", "unexpected \"{\" in the value of kernel");
	test_check_error("\"timeout\" = 1", 1,
		"expected a setting, \"entry\" or \"}\", not \"timeout\"");
	test_check_error("= 1", 1, "expected a setting, \"entry\" or \"}\", not \"=\"");
	test_check_error("{", 1, "expected a setting, \"entry\" or \"}\", not \"{\"");
	test_check_error("timeout = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 "
		"25 26 27 28 29 30 31", 1, "too many values on one line (at most 32)");

	/* paths */
	check_kernel_error("boot/kernel",
		"kernel path \"boot/kernel\" must start with \"/\" or \"(<volume>)/\"");
	check_kernel_error("\"\"", "kernel path is empty");
	check_kernel_error("(disk0p1/boot/kernel",
		"kernel path \"(disk0p1/boot/kernel\" has no \")\" after the volume");
	check_kernel_error("()/boot/kernel",
		"kernel path \"()/boot/kernel\" must be \"(<volume>)/<path>\"");
	check_kernel_error("(vol0)boot",
		"kernel path \"(vol0)boot\" must be \"(<volume>)/<path>\"");
	check_kernel_error("\"/a\\nb\"",
		"kernel path must not contain control characters");
	test_check_error("entry x {\nkernel = /k\nmodule = modules/a.bin\n}", 3,
		"module path \"modules/a.bin\" must start with \"/\" or \"(<volume>)/\"");
	test_check_error("entry x {\nkernel = /k\noptions = disable_smb\n}", 3,
		"unknown option \"disable_smb\" (did you mean \"disable_smp\"?)");
	test_check_error("entry x {\nkernel = /k\noptions = serial_debug,quick\n}", 3,
		"unknown option \"quick\"");
	test_check_error("entry x {\nkernel = /k\noptions = \n}", 3, "options needs a value");
}


/* What survives: everything on a line without an error, and every complete entry. */
TEST(config_recovery)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"timeout = 10 seconds\n"			/* 1 */
		"verbosity = debug\n"
		"video = 800x600\n"
		"entry \"First\" {\n"
		"\tkernel = /boot/first\n"			/* 5 */
		"\tcmdline = \"unterminated\n"
		"\toptions = disable_acpi, fast\n"
		"\tmodule = /m1 one\n"
		"}\n"
		"entry \"No kernel\" {\n"			/* 10 */
		"\tcmdline = x\n"
		"}\n"
		"}\n"
		"entry \"Unclosed\" {\n"
		"\tkernel = (vol1)/k\n"				/* 15 */
		"entry \"Bad \\z\" {\n"
		"\tkernel = /bad\n"
		"}\n"
		"entry \"Last\" {\n"
		"\tkernel = /boot/last\n"			/* 20 */
		"\ttimeout = 1\n"
		"\tmodule = /m2\n"
		"default = \"Last\"\n"
		"serial = off\n"
		"}\n"								/* 25 */
		"serial = off\n");
	CHECK_DIAGNOSTICS(config,
		F ":1: timeout takes one value; put text with spaces in quotes",
		F ":6: unterminated string",
		F ":7: unknown option \"fast\"",
		F ":10: entry \"No kernel\" has no kernel, linux or efi",
		F ":13: \"}\" without an entry to close",
		F ":14: entry \"Unclosed\" has no closing \"}\"",
		/* still an entry's header: it closes the one before, and its "}" is no stray */
		F ":16: unknown escape \"\\z\" in string (use \\\" \\\\ \\n or \\t)",
		F ":21: timeout is a global setting, not valid inside entry \"Last\"",
		F ":23: default is a global setting, not valid inside entry \"Last\"",
		F ":24: serial is a global setting, not valid inside entry \"Last\"");
	CHECK_EQ(config->timeout, 5);
	CHECK_EQ(config->verbosity, CONFIG_VERBOSITY_DEBUG);
	CHECK_EQ(config->video, CONFIG_VIDEO_MODE);
	CHECK(!config->serial);
	CHECK_EQ(config->entry_count, 3);
	CHECK(!config->fallback_entry);

	CHECK(strcmp(config->entries[0].title, "First") == 0);
	CHECK(strcmp(config->entries[0].command_line, "") == 0);
	CHECK_EQ(config->entries[0].options, 0);
	CHECK_EQ(config->entries[0].module_count, 1);
	CHECK(strcmp(config->entries[0].modules[0].command_line, "one") == 0);
	/* complete but for its "}": kept */
	CHECK(strcmp(config->entries[1].title, "Unclosed") == 0);
	CHECK(strcmp(config->entries[1].kernel_path, "(vol1)/k") == 0);
	CHECK(strcmp(config->entries[2].title, "Last") == 0);
	CHECK_EQ(config->entries[2].module_count, 1);
	CHECK_EQ(config_default_entry(config), 0);
	test_release(config);

	/* an entry left open at the end of the file */
	config = test_parse("entry a {\nkernel = /a\n\nentry b {\ncmdline = x\n");
	CHECK_DIAGNOSTICS(config,
		F ":1: entry \"a\" has no closing \"}\"",
		F ":4: entry \"b\" has no closing \"}\"",
		F ":4: entry \"b\" has no kernel, linux or efi");
	CHECK_EQ(config->entry_count, 1);
	CHECK(strcmp(config->entries[0].title, "a") == 0);
	test_release(config);

	/* a broken header left open: its error is enough */
	config = test_parse("entry {\nkernel = /k\n");
	CHECK_DIAGNOSTICS(config, F ":1: entry needs a title: entry \"<title>\" {");
	CHECK(config->fallback_entry);
	test_release(config);

	/* "entry <title>" with no "{" after it: the next line counts as usual */
	config = test_parse("entry a\ntimeout = 9\n}\nentry b\n");
	CHECK_DIAGNOSTICS(config,
		F ":1: entry \"a\" is not followed by \"{\"",
		F ":3: \"}\" without an entry to close",
		F ":4: entry \"b\" is not followed by \"{\"");
	CHECK_EQ(config->timeout, 9);
	CHECK(config->fallback_entry);
	test_release(config);

	/* a broken header still opens its block: its "}" is no stray */
	config = test_parse("entry \"\" {\nkernel = /k\n}\nentry a b {\nkernel = /k\n}\n"
		"entry ok {\nkernel = /ok\n}\n");
	CHECK_DIAGNOSTICS(config, F ":1: entry title is empty",
		F ":4: entry title must be one word or a quoted string");
	CHECK_EQ(config->entry_count, 1);
	CHECK(strcmp(config->entries[0].title, "ok") == 0);
	test_release(config);
}


/* Nothing usable: the default entry, with every diagnostic kept. */
TEST(config_fallback_with_errors)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"timeout = 2\n"
		"entry \"Broken\" {\n"
		"\tkernel = kernel\n"
		"}\n"
		"default = Broken\n");
	CHECK_DIAGNOSTICS(config,
		F ":2: entry \"Broken\" has no kernel, linux or efi",
		F ":3: kernel path \"kernel\" must start with \"/\" or \"(<volume>)/\"",
		F ":5: default entry \"Broken\" does not exist; the first entry is used");
	CHECK(config->fallback_entry);
	CHECK_EQ(config->entry_count, 1);
	CHECK(strcmp(config->entries[0].title, "Default") == 0);
	CHECK(strcmp(config->entries[0].kernel_path, BOOT_DEFAULT_KERNEL_PATH) == 0);
	CHECK_EQ(config->timeout, 2);
	CHECK_EQ(config_default_entry(config), 0);
	test_release(config);
}


TEST(config_nul_bytes)
{
	test_config_reset();
	static const char kText[] = "timeout = 3\0\nentry \"a\0b\" {\nkernel = /k\n}\n"
		"entry c {\nkernel = /c\0\n}\n# \0 in a comment\n";
	struct boot_config *config = test_parse_bytes(kText, sizeof(kText) - 1);
	CHECK_DIAGNOSTICS(config,
		F ":1: line contains a NUL byte",
		F ":2: line contains a NUL byte",
		F ":5: entry \"c\" has no kernel, linux or efi",
		F ":6: line contains a NUL byte");
	CHECK_EQ(config->diagnostics[0].column, 12);
	/* not 3: the line had no effect, and without entries nothing waits */
	CHECK_EQ(config->timeout, 0);
	CHECK(config->fallback_entry);
	test_release(config);

	/* only NULs */
	char zeros[100] = { 0 };
	config = test_parse_bytes(zeros, sizeof(zeros));
	CHECK_DIAGNOSTICS(config, F ":1: line contains a NUL byte");
	CHECK(config->fallback_entry);
	test_release(config);
}


TEST(config_too_many_entries)
{
	test_config_reset();
	struct text text = { NULL, 0, 0 };
	for (int i = 1; i <= CONFIG_MAX_ENTRIES + 2; i++)
		text_add(&text, "entry \"E%d\" {\n\tkernel = /boot/k%d\n}\n", i, i);
	text_add(&text, "default = E33\n");
	struct boot_config *config = test_parse(text.data);
	CHECK_DIAGNOSTICS(config,
		F ":97: too many entries (at most 32); entry \"E33\" is ignored",
		F ":100: too many entries (at most 32); entry \"E34\" is ignored",
		F ":103: default entry \"E33\" does not exist; the first entry is used");
	CHECK_EQ(config->entry_count, CONFIG_MAX_ENTRIES);
	CHECK(strcmp(config->entries[CONFIG_MAX_ENTRIES - 1].title, "E32") == 0);
	CHECK(strcmp(config->entries[CONFIG_MAX_ENTRIES - 1].kernel_path, "/boot/k32") == 0);
	test_release(config);
	free(text.data);
}


TEST(config_too_many_modules)
{
	test_config_reset();
	struct text text = { NULL, 0, 0 };
	text_add(&text, "entry \"Many\" {\nkernel = /k\n");
	for (int i = 1; i <= CONFIG_MAX_MODULES + 2; i++)
		text_add(&text, "module = /m%d \"n=%d\"\n", i, i);
	text_add(&text, "}\n");
	struct boot_config *config = test_parse(text.data);
	CHECK_DIAGNOSTICS(config,
		F ":17: too many modules in entry \"Many\" (at most 14)",
		F ":18: too many modules in entry \"Many\" (at most 14)");
	CHECK_EQ(config->entry_count, 1);
	CHECK_EQ(config->entries[0].module_count, CONFIG_MAX_MODULES);
	CHECK(strcmp(config->entries[0].modules[13].path, "/m14") == 0);
	CHECK(strcmp(config->entries[0].modules[13].command_line, "n=14") == 0);
	test_release(config);
	free(text.data);
}


TEST(config_length_limits)
{
	test_config_reset();
	struct text text = { NULL, 0, 0 };

	/* the longest title, path and command line pass; one byte more does not */
	text_add(&text, "entry \"");
	text_repeat(&text, 't', CONFIG_MAX_TITLE_LENGTH);
	text_add(&text, "\" {\nkernel = /");
	text_repeat(&text, 'k', CONFIG_MAX_PATH_LENGTH - 1);
	text_add(&text, "\ncmdline = \"");
	text_repeat(&text, 'c', CONFIG_MAX_COMMAND_LINE - 1);
	text_add(&text, "\"\nmodule = /m \"");
	text_repeat(&text, 'm', CONFIG_MAX_COMMAND_LINE - 1);
	text_add(&text, "\"\n}\n");
	text_add(&text, "entry \"");
	text_repeat(&text, 't', CONFIG_MAX_TITLE_LENGTH + 1);
	text_add(&text, "\" {\nkernel = /k\n}\nentry x {\nkernel = /");
	text_repeat(&text, 'k', CONFIG_MAX_PATH_LENGTH);
	text_add(&text, "\ncmdline = ");
	text_repeat(&text, 'c', CONFIG_MAX_COMMAND_LINE);
	text_add(&text, "\nmodule = /m ");
	text_repeat(&text, 'm', CONFIG_MAX_COMMAND_LINE);
	text_add(&text, "\nmodule = /");
	text_repeat(&text, 'm', CONFIG_MAX_PATH_LENGTH);
	text_add(&text, "\n}\n");

	struct boot_config *config = test_parse(text.data);
	CHECK_DIAGNOSTICS(config,
		F ":6: entry title is too long (at most 128 bytes)",
		F ":9: entry \"x\" has no kernel, linux or efi",
		F ":10: kernel path is too long (at most 1024 bytes)",
		F ":11: cmdline is too long (at most 2047 bytes)",
		F ":12: module command line is too long (at most 2047 bytes)",
		F ":13: module path is too long (at most 1024 bytes)");
	CHECK_EQ(config->entry_count, 1);
	CHECK_EQ(strlen(config->entries[0].title), CONFIG_MAX_TITLE_LENGTH);
	CHECK_EQ(strlen(config->entries[0].kernel_path), CONFIG_MAX_PATH_LENGTH);
	CHECK_EQ(strlen(config->entries[0].command_line), CONFIG_MAX_COMMAND_LINE - 1);
	CHECK_EQ(strlen(config->entries[0].modules[0].command_line), CONFIG_MAX_COMMAND_LINE - 1);
	test_release(config);
	free(text.data);

	/* lines: the longest passes, one byte more is an error (the line end does not count) */
	text = (struct text){ NULL, 0, 0 };
	text_add(&text, "#");
	text_repeat(&text, 'x', CONFIG_MAX_LINE_LENGTH - 1);
	text_add(&text, "\r\ntimeout = 1 #");
	text_repeat(&text, 'x', CONFIG_MAX_LINE_LENGTH);
	text_add(&text, "\r\ntimeout = 2\n");
	config = test_parse(text.data);
	CHECK_DIAGNOSTICS(config, F ":2: line is longer than 4096 bytes");
	CHECK_EQ(config->diagnostics[0].column, 0);
	CHECK_EQ(config->timeout, 2);
	test_release(config);
	free(text.data);

	/* user text in messages is cut */
	text = (struct text){ NULL, 0, 0 };
	text_repeat(&text, 'k', 100);
	text_add(&text, " = 1\nentry \"");
	for (int i = 0; i < 40; i++)
		text_add(&text, "\xe2\x9c\x93");
	text_add(&text, "\" {\n}\n");
	config = test_parse(text.data);
	CHECK_DIAGNOSTICS(config,
		F ":1: unknown key \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...\"",
		/* never in the middle of a character */
		F ":2: entry \"\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93"
			"\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93...\" "
			"has no kernel, linux or efi");
	test_release(config);
	free(text.data);
}


TEST(config_file_size_limit)
{
	test_config_reset();
	struct text text = { NULL, 0, 0 };
	text_add(&text, "entry first {\nkernel = /first\n}\n");
	int lines = 3;
	while (text.length < CONFIG_MAX_FILE_SIZE - 100) {
		text_add(&text, "# filler filler filler filler filler filler filler filler\n");
		lines++;
	}
	/* this entry straddles the limit: cut off after its first line */
	text_add(&text, "entry \"second\" {\n");
	text_repeat(&text, '#', 200);
	text_add(&text, "\nkernel = /second\n}\n");
	struct boot_config *config = test_parse(text.data);
	char expected[3][128];
	snprintf(expected[0], sizeof(expected[0]), F ":%d: entry \"second\" has no closing \"}\"",
		lines + 1);
	snprintf(expected[1], sizeof(expected[1]), F ":%d: entry \"second\" has no kernel, linux or efi",
		lines + 1);
	snprintf(expected[2], sizeof(expected[2]),
		F ":%d: file is larger than 65536 bytes; the rest is ignored", lines + 2);
	CHECK_DIAGNOSTICS(config, expected[0], expected[1], expected[2]);
	CHECK_EQ(config->entry_count, 1);
	CHECK(strcmp(config->entries[0].title, "first") == 0);
	test_release(config);
	free(text.data);

	/* a file of exactly the limit is whole */
	text = (struct text){ NULL, 0, 0 };
	while (text.length < CONFIG_MAX_FILE_SIZE - 20)
		text_add(&text, "\n");
	text_add(&text, "timeout = 1");
	text_repeat(&text, ' ', CONFIG_MAX_FILE_SIZE - text.length);
	CHECK_EQ(text.length, CONFIG_MAX_FILE_SIZE);
	config = test_parse(text.data);
	CHECK_NO_DIAGNOSTICS(config);
	CHECK_EQ(config->timeout, 1);
	test_release(config);

	/* one byte more, without a line end in the first 64 KiB */
	text_add(&text, "x");
	for (size_t i = 0; i < text.length; i++) {
		if (text.data[i] == '\n')
			text.data[i] = ' ';
	}
	config = test_parse(text.data);
	CHECK_DIAGNOSTICS(config, F ":1: file is larger than 65536 bytes; the rest is ignored");
	/* the cut line had no effect, and without entries nothing waits */
	CHECK_EQ(config->timeout, 0);
	test_release(config);
	free(text.data);
}


TEST(config_too_many_diagnostics)
{
	test_config_reset();
	struct text text = { NULL, 0, 0 };
	for (int i = 0; i < CONFIG_MAX_DIAGNOSTICS + 8; i++)
		text_add(&text, "bad%d = 1\n", i);
	text_add(&text, "entry x {\n}\n");
	struct boot_config *config = test_parse(text.data);
	CHECK_EQ(config->diagnostic_count, CONFIG_MAX_DIAGNOSTICS);
	/* the first ones are kept, the rest counted */
	CHECK_EQ(config->diagnostics_dropped, 9);
	CHECK_EQ(config->diagnostics[0].line, 1);
	CHECK_EQ(config->diagnostics[CONFIG_MAX_DIAGNOSTICS - 1].line, CONFIG_MAX_DIAGNOSTICS);
	test_release(config);
	free(text.data);
}


/* Random bytes: no crash, bounded diagnostics, and always an entry to boot. */
TEST(config_binary_garbage)
{
	test_config_reset();
	size_t size = CONFIG_MAX_FILE_SIZE + 4096;
	char *data = malloc(size);
	uint32_t state = 12345;
	for (int round = 0; round < 32; round++) {
		for (size_t i = 0; i < size; i++) {
			state = state * 1103515245 + 12345;
			data[i] = (char)(state >> 16);
			/* some rounds lean towards the parser's own characters */
			if (round % 2 == 1 && (state >> 8) % 4 == 0)
				data[i] = "{}=\"\\# \nentry kernel"[(state >> 24) % 20];
		}
		size_t length = (size_t)round * size / 31;
		struct boot_config *config = test_parse_bytes(data, length);
		CHECK(config->diagnostic_count <= CONFIG_MAX_DIAGNOSTICS);
		CHECK(round == 0 || config->diagnostic_count > 0);
		for (uint32_t i = 0; i < config->diagnostic_count; i++) {
			char line[512];
			CHECK(config_format_diagnostic(config, i, line, sizeof(line)) < sizeof(line));
		}
		test_release(config);
	}
	free(data);
}
