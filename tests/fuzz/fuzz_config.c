/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the configuration parser (config.c and its lexer
 * and keys) and for Boot Loader Specification entry files (config_bls.c,
 * config_version.c).
 *
 * Every input is parsed; the target aborts when a promise of
 * headers/boot/config.h is broken: a field out of its range, a string that
 * is not what the format allows, a diagnostic that is not printable or not
 * in line order, two parses that differ, or a leak. What was parsed is then
 * written back in the file format and parsed again, which must give the
 * same settings and entries: whatever the parser keeps, it can also read.
 * Then the parse runs once more with one allocation failing (which one
 * follows from the input), and must fail cleanly with B_NO_MEMORY.
 *
 * The same input is also an entry file, added to config_default(), with the
 * same kind of checks and a failing allocation; added twice under two ids,
 * it must sort by them. Its first line and the rest, last, are two versions
 * that must compare the same way in both directions. Last, it is a unified
 * kernel image's os-release (uki_os_release.c), whose values make the
 * image's entry (config_add_uki_entry()).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/config.h>
#include <boot/pattern.h>
#include <boot/uki.h>

#include "../support/counted_heap.h"


#define FILE_NAME	"(disk0p1)/boot/loader.cfg"
#define BLS_DIRECTORY	"(disk0p1)/loader/entries/"
#define BLS_VOLUME		"(disk0p2)/"
/* one id newer than the other, whatever the file says */
#define BLS_ID			"fuzz-1.0"
#define BLS_OLDER_ID	"fuzz-1.0~rc1"

struct writer {
	char	*data;
	size_t	length;
	size_t	size;
};



int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* --- checks ---------------------------------------------------------------- */

static void
check(bool condition, const char *what)
{
	if (!condition) {
		fprintf(stderr, "fuzz_config: broken promise: %s\n", what);
		abort();
	}
}


/* Well-formed UTF-8 without control characters, tabs and line feeds only where allowed. */
static bool
is_printable(const char *text, bool allowTabAndNewline)
{
	const unsigned char *in = (const unsigned char *)text;
	while (*in != '\0') {
		uint32_t c = *in;
		int length = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3
			: c >= 0xf0 && c < 0xf5 ? 4 : 0;
		if (length == 0)
			return false;
		if (length > 1)
			c &= 0x3f >> (length - 1);
		for (int i = 1; i < length; i++) {
			if ((in[i] & 0xc0) != 0x80)
				return false;
			c = (c << 6) | (in[i] & 0x3f);
		}
		if ((length == 3 && (c < 0x800 || (c >= 0xd800 && c < 0xe000)))
			|| (length == 4 && (c < 0x10000 || c > 0x10ffff))) {
			return false;
		}
		bool control = c < 0x20 || (c >= 0x7f && c < 0xa0);
		if (control && !(allowTabAndNewline && (c == '\t' || c == '\n')))
			return false;
		in += length;
	}
	return true;
}


static void
check_path(const char *path)
{
	check(path != NULL && path[0] != '\0', "a path is missing");
	check(strlen(path) <= CONFIG_MAX_PATH_LENGTH, "a path is too long");
	check(is_printable(path, false), "a path has control characters or bad UTF-8");
	if (path[0] == '(') {
		const char *close = strchr(path, ')');
		check(close != NULL && close > path + 1 && (close[1] == '\0' || close[1] == '/'),
			"a path's volume is malformed");
	} else
		check(path[0] == '/', "a path is not absolute");
}


/* What every entry promises, wherever it comes from. */
static void
check_entry(const struct config_entry *entry)
{
	check(entry->title != NULL && entry->title[0] != '\0', "an entry has no title");
	check(strlen(entry->title) <= CONFIG_MAX_TITLE_LENGTH, "a title is too long");
	check(is_printable(entry->title, false), "a title is not printable");
	check_path(entry->kernel_path);
	check(entry->command_line != NULL
		&& strlen(entry->command_line) < CONFIG_MAX_COMMAND_LINE,
		"bad kernel command line");
	check(is_printable(entry->command_line, true), "command line with control characters");
	check((entry->options & ~BOOT_OPTION_ALL) == 0, "unknown option flags");
	check(entry->module_count <= CONFIG_MAX_MODULES, "too many modules");
	check(entry->initrd_count <= CONFIG_MAX_INITRDS, "too many initrds");
	check(entry->kind == CONFIG_ENTRY_KERNEL || entry->kind == CONFIG_ENTRY_LINUX
		|| entry->kind == CONFIG_ENTRY_EFI, "unknown entry kind");
	check(entry->kind == CONFIG_ENTRY_KERNEL
		|| (entry->module_count == 0 && entry->options == 0),
		"modules or options outside a kernel entry");
	check(entry->kind == CONFIG_ENTRY_LINUX || entry->initrd_count == 0,
		"initrds outside a linux entry");
	check(entry->initrd_count == 0 || entry->initrds != NULL, "initrds without their list");
	for (uint32_t r = 0; r < entry->initrd_count; r++)
		check_path(entry->initrds[r]);
	for (uint32_t m = 0; m < entry->module_count; m++) {
		check_path(entry->modules[m].path);
		check(entry->modules[m].command_line != NULL
			&& strlen(entry->modules[m].command_line) < CONFIG_MAX_COMMAND_LINE
			&& is_printable(entry->modules[m].command_line, true),
			"bad module command line");
	}
}


/* A diagnostic's own promises; fileName is what it must be formatted with. */
static void
check_diagnostic(const struct boot_config *config, uint32_t index, const char *fileName,
	uint32_t lineCount)
{
	const struct config_diagnostic *diagnostic = &config->diagnostics[index];
	check(diagnostic->line <= lineCount + 1, "diagnostic line out of range");
	check(memchr(diagnostic->message, '\0', sizeof(diagnostic->message)) != NULL
		&& diagnostic->message[0] != '\0', "empty or unterminated message");
	check(is_printable(diagnostic->message, false), "message not printable");

	char line[CONFIG_MESSAGE_SIZE + 128];
	size_t length = config_format_diagnostic(config, index, line, sizeof(line));
	size_t nameLength = strlen(fileName);
	check(length == strlen(line) && strncmp(line, fileName, nameLength) == 0
		&& line[nameLength] == ':', "formatted diagnostic");
	char small[8];
	check(config_format_diagnostic(config, index, small, sizeof(small)) == length,
		"formatted length depends on the buffer");
}


static void
check_config(const struct boot_config *config, uint32_t lineCount)
{
	check(config->timeout >= CONFIG_TIMEOUT_FOREVER && config->timeout <= CONFIG_MAX_TIMEOUT,
		"timeout out of range");
	check(config->default_title == NULL || config->default_number == 0,
		"default by title and number at once");
	check(!config->default_saved || (config->default_title == NULL
		&& config->default_number == 0), "@saved and another default at once");
	check(config->default_title == NULL || config->default_title[0] != '\0',
		"empty default title");
	check(config->default_number <= CONFIG_MAX_ENTRIES, "default number out of range");
	check(config->serial_port <= 4, "serial port out of range");
	check(config->serial_speed == 0 || 115200 % config->serial_speed == 0,
		"odd serial speed");
	check(config->serial || (config->serial_port == 0 && config->serial_speed == 0),
		"serial off with a port or speed");
	check(config->verbosity <= CONFIG_VERBOSITY_DEBUG, "verbosity out of range");
	check(config->video <= CONFIG_VIDEO_MODE, "video out of range");
	if (config->video == CONFIG_VIDEO_MODE) {
		check(config->video_width >= 64 && config->video_width <= 16384
			&& config->video_height >= 64 && config->video_height <= 16384,
			"video size out of range");
	} else
		check(config->video_width == 0 && config->video_height == 0, "stray video size");

	check(config->entry_count >= 1 && config->entry_count <= CONFIG_MAX_ENTRIES,
		"entry count out of range");
	check(config_default_entry(config) < config->entry_count, "default entry out of range");
	for (uint32_t i = 0; i < config->entry_count; i++) {
		const struct config_entry *entry = &config->entries[i];
		check_entry(entry);
		check(entry->bls == NULL, "an entry of the file has Type #1 fields");
		check(config->fallback_entry ? entry->line == 0 : entry->line >= 1
			&& entry->line <= lineCount, "entry line out of range");
		check(i == 0 || entry->line > config->entries[i - 1].line, "entries out of order");
	}
	if (config->fallback_entry) {
		check(config->entry_count == 1 && strcmp(config->entries[0].title, "Default") == 0,
			"bad fallback entry");
	}

	check(config->diagnostic_count <= CONFIG_MAX_DIAGNOSTICS, "too many diagnostics");
	check(config->diagnostics_dropped == 0 || config->diagnostic_count == CONFIG_MAX_DIAGNOSTICS,
		"diagnostics dropped before the list was full");
	for (uint32_t i = 0; i < config->diagnostic_count; i++) {
		const struct config_diagnostic *diagnostic = &config->diagnostics[i];
		check(diagnostic->line >= 1, "diagnostic of the whole configuration file");
		check(diagnostic->file_name == NULL, "diagnostic of another file");
		check(i == 0 || diagnostic->line >= config->diagnostics[i - 1].line,
			"diagnostics out of order");
		check_diagnostic(config, i, FILE_NAME, lineCount);
	}
}


static bool
same_string(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}


/* Settings and entries equal; lines and diagnostics are not compared. */
static bool
same_config(const struct boot_config *a, const struct boot_config *b)
{
	if (a->timeout != b->timeout || !same_string(a->default_title, b->default_title)
		|| a->default_number != b->default_number || a->default_saved != b->default_saved
		|| a->serial != b->serial
		|| a->serial_port != b->serial_port || a->serial_speed != b->serial_speed
		|| a->verbosity != b->verbosity || a->video != b->video
		|| a->video_width != b->video_width || a->video_height != b->video_height
		|| a->allow_write_execute != b->allow_write_execute
		|| a->require_verification != b->require_verification
		|| a->auto_entries != b->auto_entries || a->editor != b->editor
		|| a->entry_count != b->entry_count || a->fallback_entry != b->fallback_entry) {
		return false;
	}
	for (uint32_t i = 0; i < a->entry_count; i++) {
		const struct config_entry *x = &a->entries[i];
		const struct config_entry *y = &b->entries[i];
		if (strcmp(x->title, y->title) != 0 || x->kind != y->kind
			|| strcmp(x->kernel_path, y->kernel_path) != 0
			|| strcmp(x->command_line, y->command_line) != 0 || x->options != y->options
			|| x->module_count != y->module_count || x->initrd_count != y->initrd_count) {
			return false;
		}
		for (uint32_t r = 0; r < x->initrd_count; r++) {
			if (strcmp(x->initrds[r], y->initrds[r]) != 0)
				return false;
		}
		for (uint32_t m = 0; m < x->module_count; m++) {
			if (strcmp(x->modules[m].path, y->modules[m].path) != 0
				|| strcmp(x->modules[m].command_line, y->modules[m].command_line) != 0) {
				return false;
			}
		}
	}
	return true;
}


/* --- writing a configuration back ---------------------------------------- */

static void
write_raw(struct writer *writer, const char *text, size_t length)
{
	if (writer->length + length + 1 > writer->size) {
		writer->size = (writer->length + length + 1) * 2;
		writer->data = realloc(writer->data, writer->size);
		if (writer->data == NULL)
			abort();
	}
	memcpy(writer->data + writer->length, text, length);
	writer->length += length;
}


static void
write_text(struct writer *writer, const char *text)
{
	write_raw(writer, text, strlen(text));
}


/* Bare when the lexer reads it back as one word, else quoted with escapes. */
static void
write_string(struct writer *writer, const char *text, bool bareDigitsAllowed)
{
	bool bare = text[0] != '\0' && strpbrk(text, " \t\"#{}=\n") == NULL;
	if (bare && !bareDigitsAllowed && strspn(text, "0123456789") == strlen(text))
		bare = false;
	if (bare) {
		write_text(writer, text);
		return;
	}
	write_text(writer, "\"");
	for (; *text != '\0'; text++) {
		if (*text == '"')
			write_text(writer, "\\\"");
		else if (*text == '\\')
			write_text(writer, "\\\\");
		else if (*text == '\n')
			write_text(writer, "\\n");
		else
			write_raw(writer, text, 1);
	}
	write_text(writer, "\"");
}


static void
write_config(struct writer *writer, const struct boot_config *config)
{
	static const char *const kVerbosity[] = { "quiet", "normal", "verbose", "debug" };
	char number[64];

	if (config->timeout == CONFIG_TIMEOUT_FOREVER)
		write_text(writer, "timeout = forever\n");
	else {
		snprintf(number, sizeof(number), "timeout = %d\n", (int)config->timeout);
		write_text(writer, number);
	}
	if (config->default_title != NULL) {
		write_text(writer, "default = ");
		write_string(writer, config->default_title, false);
		write_text(writer, "\n");
	} else if (config->default_number != 0) {
		snprintf(number, sizeof(number), "default = %u\n", config->default_number);
		write_text(writer, number);
	} else if (config->default_saved)
		write_text(writer, "default = " CONFIG_SAVED_ENTRY "\n");
	if (!config->serial)
		write_text(writer, "serial = off\n");
	else {
		char port[16];
		snprintf(port, sizeof(port), config->serial_port != 0 ? "com%u" : "on",
			config->serial_port);
		snprintf(number, sizeof(number), config->serial_speed != 0 ? "serial = %s %u\n"
			: "serial = %s\n", port, config->serial_speed);
		write_text(writer, number);
	}
	write_text(writer, "verbosity = ");
	write_text(writer, kVerbosity[config->verbosity]);
	write_text(writer, "\n");
	if (config->video == CONFIG_VIDEO_MODE) {
		snprintf(number, sizeof(number), "video = %ux%u\n", config->video_width,
			config->video_height);
		write_text(writer, number);
	} else {
		write_text(writer, config->video == CONFIG_VIDEO_MAX ? "video = max\n"
			: config->video == CONFIG_VIDEO_TEXT ? "video = text\n" : "video = keep\n");
	}
	write_text(writer, config->allow_write_execute ? "allow_write_execute = yes\n"
		: "allow_write_execute = no\n");
	write_text(writer, config->require_verification ? "require_verification = yes\n"
		: "require_verification = no\n");
	write_text(writer, config->auto_entries ? "auto_entries = yes\n" : "auto_entries = no\n");
	write_text(writer, config->editor == CONFIG_EDITOR_YES ? "editor = yes\n"
		: config->editor == CONFIG_EDITOR_NO ? "editor = no\n" : "editor = auto\n");

	if (config->fallback_entry)
		return;
	for (uint32_t i = 0; i < config->entry_count; i++) {
		const struct config_entry *entry = &config->entries[i];
		write_text(writer, "entry ");
		write_string(writer, entry->title, true);
		write_text(writer, " {\n\t");
		write_text(writer, config_entry_kind_key(entry->kind));
		write_text(writer, " = ");
		write_string(writer, entry->kernel_path, true);
		for (uint32_t r = 0; r < entry->initrd_count; r++) {
			write_text(writer, "\n\tinitrd = ");
			write_string(writer, entry->initrds[r], true);
		}
		write_text(writer, "\n\tcmdline = ");
		write_string(writer, entry->command_line, true);
		write_text(writer, "\n");
		for (uint32_t m = 0; m < entry->module_count; m++) {
			write_text(writer, "\tmodule = ");
			write_string(writer, entry->modules[m].path, true);
			write_text(writer, " ");
			write_string(writer, entry->modules[m].command_line, true);
			write_text(writer, "\n");
		}
		if (entry->options != 0) {
			write_text(writer, "\toptions =");
			for (uint32_t flag = 1; flag & BOOT_OPTION_ALL; flag <<= 1) {
				if ((entry->options & flag) != 0) {
					write_text(writer, " ");
					write_text(writer, config_option_name(flag));
				}
			}
			write_text(writer, "\n");
		}
		write_text(writer, "}\n");
	}
}


static bool
fits_limits(const struct writer *writer)
{
	if (writer->length > CONFIG_MAX_FILE_SIZE)
		return false;
	size_t lineStart = 0;
	for (size_t i = 0; i < writer->length; i++) {
		if (writer->data[i] == '\n') {
			if (i - lineStart > CONFIG_MAX_LINE_LENGTH)
				return false;
			lineStart = i + 1;
		}
	}
	return true;
}


static bool
default_resolves(const struct boot_config *config)
{
	if (config->default_title != NULL)
		return config_find_entry(config, config->default_title) >= 0;
	return config->default_number <= config->entry_count;
}


/*
 * The input's first line as a pattern (the Boot Loader Interface's requests
 * may be one) against every entry's id: no crash, and what a pattern must
 * match whatever it is: "*" everything, an id without special characters
 * itself, the id with any one byte as '?' too.
 */
static void
fuzz_patterns(const struct boot_config *config, const char *text, size_t size)
{
	char pattern[128];
	size_t length = 0;
	while (length < size && length + 1 < sizeof(pattern) && text[length] != '\n'
			&& text[length] != '\0') {
		pattern[length] = text[length];
		length++;
	}
	pattern[length] = '\0';
	for (uint32_t i = 0; i < config->entry_count; i++) {
		const char *id = config_entry_id(&config->entries[i]);
		(void)pattern_match(pattern, id);
		check(pattern_match("*", id), "\"*\" does not match an id");
		if (id[0] != '\0' && strpbrk(id, "*?[\\") == NULL && strlen(id) < sizeof(pattern)) {
			check(pattern_match(id, id), "an id without special characters is no match of itself");
			char any[sizeof(pattern)];
			strcpy(any, id);
			any[strlen(id) / 2] = '?';
			check(pattern_match(any, id), "'?' does not match a byte");
		}
	}
	int32_t index = config_find_entry_id(config, pattern);
	check(index < (int32_t)config->entry_count, "an entry found past the last");
}


/* --- entry files -------------------------------------------------------------- */

static status_t
add_bls(struct boot_config *config, const char *id, const char *text, size_t size)
{
	char fileName[64];
	snprintf(fileName, sizeof(fileName), BLS_DIRECTORY "%s.conf", id);
	struct config_bls_source source = { fileName, "disk0p2", id, "x64" };
	return config_add_bls_entry(config, &source, text, size);
}


static bool
is_field(const char *text)
{
	return text == NULL || (text[0] != '\0' && is_printable(text, false));
}


/* config_default() with the input added as an entry file, which gave status. */
static void
check_bls(const struct boot_config *config, status_t status, uint32_t lineCount)
{
	check(status == B_OK || status == B_ENTRY_NOT_FOUND || status == B_BAD_DATA,
		"unexpected status of an entry file");
	check(config->entry_count == 1 && config->fallback_entry == (status != B_OK),
		"an entry file's entry not added or added wrongly");
	const struct config_entry *entry = &config->entries[0];
	check_entry(entry);
	if (status == B_OK) {
		check(entry->line == 0, "an entry file's entry has a line");
		check(entry->kind == CONFIG_ENTRY_LINUX || entry->kind == CONFIG_ENTRY_EFI,
			"an entry file's entry starts a kernel");
		size_t prefix = strlen(BLS_VOLUME);
		check(strncmp(entry->kernel_path, BLS_VOLUME, prefix) == 0,
			"an entry file's path off its volume");
		for (uint32_t r = 0; r < entry->initrd_count; r++) {
			check(strncmp(entry->initrds[r], BLS_VOLUME, prefix) == 0,
				"an entry file's initrd off its volume");
		}
		const struct config_bls_entry *bls = entry->bls;
		check(bls != NULL && strcmp(bls->id, BLS_ID) == 0
			&& strcmp(bls->file_name, BLS_DIRECTORY BLS_ID ".conf") == 0,
			"an entry file's entry does not know its file");
		check(is_field(bls->sort_key) && is_field(bls->machine_id) && is_field(bls->version),
			"an entry file's sort fields are empty or not printable");
		check(strcmp(config_entry_id(entry), BLS_ID) == 0
			&& config_find_entry_id(config, BLS_ID ".conf") == 0, "entry id");
	} else
		check(entry->bls == NULL, "the fallback entry has Type #1 fields");
	if (status == B_ENTRY_NOT_FOUND) {
		check(config->diagnostic_count == 0 && config->diagnostics_dropped == 0,
			"a hidden entry has diagnostics");
	}
	if (status == B_BAD_DATA) {
		check(config->diagnostic_count + config->diagnostics_dropped > 0,
			"an entry file left out without a word");
	}
	check(config->diagnostics_dropped == 0
		|| config->diagnostic_count == CONFIG_MAX_DIAGNOSTICS,
		"diagnostics dropped before the list was full");
	for (uint32_t i = 0; i < config->diagnostic_count; i++) {
		const struct config_diagnostic *diagnostic = &config->diagnostics[i];
		check(diagnostic->file_name != NULL
			&& strcmp(diagnostic->file_name, BLS_DIRECTORY BLS_ID ".conf") == 0,
			"an entry file's diagnostic names another file");
		check(i == 0 || diagnostic->line >= config->diagnostics[i - 1].line,
			"an entry file's diagnostics out of order");
		check_diagnostic(config, i, BLS_DIRECTORY BLS_ID ".conf", lineCount);
	}
}


static int
sign(int value)
{
	return value < 0 ? -1 : value > 0 ? 1 : 0;
}


/*
 * The input as an entry file: its checks, the same file under an older id
 * sorting after it, and one failing allocation, which fails the whole call
 * or drops one diagnostic.
 */
static void
fuzz_bls(const char *text, size_t size, uint32_t lineCount, uint32_t hash)
{
	counted_heap_fail_at(0);
	struct boot_config *config = config_default();
	check(config != NULL, "config_default failed");
	long live = counted_heap_live();
	counted_heap_fail_at(0);
	status_t status = add_bls(config, BLS_ID, text, size);
	long allocations = counted_heap_allocations();
	check_bls(config, status, lineCount);
	uint32_t reported = config->diagnostic_count + config->diagnostics_dropped;

	if (status == B_OK) {
		check(add_bls(config, BLS_OLDER_ID, text, size) == B_OK, "the same file, another result");
		config_sort_bls_entries(config);
		check(config->entry_count == 2 && strcmp(config->entries[0].bls->id, BLS_ID) == 0
			&& strcmp(config->entries[1].bls->id, BLS_OLDER_ID) == 0,
			"an entry file sorted after its older self");
	}
	config_free(config);

	config = config_default();
	check(config != NULL, "config_default failed");
	counted_heap_fail_at((long)(hash % (uint32_t)allocations) + 1);
	status_t failed = add_bls(config, BLS_ID, text, size);
	counted_heap_fail_at(0);
	if (failed == B_NO_MEMORY) {
		check(config->fallback_entry && config->diagnostic_count == 0
			&& config->diagnostics_dropped == 0 && counted_heap_live() == live,
			"an entry file out of memory changed the configuration");
	} else {
		/* the copy of a diagnostic's file name failed: that one is dropped */
		check(failed == status, "a failed allocation changed an entry file's result");
		if (status == B_ENTRY_NOT_FOUND) {
			check(config->diagnostic_count == 0 && config->diagnostics_dropped == 0,
				"a hidden entry has diagnostics");
		} else {
			check(config->diagnostics_dropped > 0
				&& config->diagnostic_count + config->diagnostics_dropped == reported,
				"a failed allocation neither failed an entry file nor dropped a diagnostic");
		}
	}
	config_free(config);
	check(counted_heap_live() == 0, "an entry file leaked heap blocks");
}


/* The first line and the rest as versions: one order, either way round. */
static void
fuzz_versions(const char *text, size_t size)
{
	char *copy = malloc(size + 1);
	if (copy == NULL)
		abort();
	memcpy(copy, text, size);
	copy[size] = '\0';
	char *newline = strchr(copy, '\n');
	const char *second = "";
	if (newline != NULL) {
		*newline = '\0';
		second = newline + 1;
	}
	check(config_compare_versions(copy, copy) == 0
		&& config_compare_versions(second, second) == 0, "a version differs from itself");
	check(sign(config_compare_versions(copy, second))
		== -sign(config_compare_versions(second, copy)), "versions compare both ways");
	free(copy);
}


/* --- the target ------------------------------------------------------------ */

/* --- unified kernel images --------------------------------------------------- */

/* A value of the os-release text: NUL-ended within its buffer, never empty when found. */
static void
uki_value(const char *text, size_t size, const char *key, char *value, size_t valueSize)
{
	bool found = uki_os_release_value(text, size, key, value, valueSize);
	check(memchr(value, '\0', valueSize) != NULL, "an os-release value without its NUL");
	check(found == (value[0] != '\0'), "an os-release value found empty, or lost");
}


/* The input as an image's os-release; its CMDLINE and UNAME stand for those sections. */
static void
fuzz_uki(const char *text, size_t size)
{
	static struct uki_info info;
	memset(&info, 0, sizeof(info));
	uki_value(text, size, "PRETTY_NAME", info.name, sizeof(info.name));
	uki_value(text, size, "VERSION_ID", info.version, sizeof(info.version));
	uki_value(text, size, "ID", info.sort_key, sizeof(info.sort_key));
	uki_value(text, size, "UNAME", info.uname, sizeof(info.uname));
	uki_value(text, size, "CMDLINE", info.command_line, sizeof(info.command_line));
	info.has_command_line = info.command_line[0] != '\0';

	struct boot_config *config = config_default();
	check(config != NULL, "config_default failed");
	const struct config_bls_source source = { "(disk0p1)/EFI/Linux/fuzz.efi", "disk0p1",
		"fuzz", "x64" };
	check(config_add_uki_entry(config, &source, &info) == B_OK, "an image's entry refused");
	const struct config_entry *entry = &config->entries[0];
	check_entry(entry);
	const struct config_bls_entry *bls = entry->bls;
	check(config->entry_count == 1 && !config->fallback_entry && bls != NULL
		&& bls->unified_image && entry->kind == CONFIG_ENTRY_EFI, "an image's entry");
	check(is_field(bls->version) && is_field(bls->sort_key) && is_field(bls->image_command_line),
		"an image's sort fields or command line empty or not printable");
	check(bls->image_command_line == NULL ? entry->command_line[0] == '\0'
		: strcmp(bls->image_command_line, entry->command_line) == 0,
		"an image's command line not its own");
	config_free(config);
	check(counted_heap_live() == 0, "leaked heap blocks of an image's entry");
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	uint32_t lineCount = 1;
	for (size_t i = 0; i < size; i++)
		lineCount += data[i] == '\n';

	counted_heap_fail_at(0);
	struct boot_config *config = NULL;
	check(config_parse(FILE_NAME, text, size, &config) == B_OK && config != NULL,
		"parse failed without a failing allocation");
	long allocations = counted_heap_allocations();
	check_config(config, lineCount);
	fuzz_patterns(config, text, size);

	/* the same input, the same result */
	struct boot_config *again = NULL;
	check(config_parse(FILE_NAME, text, size, &again) == B_OK, "second parse failed");
	check(same_config(config, again) && again->diagnostic_count == config->diagnostic_count
		&& again->diagnostics_dropped == config->diagnostics_dropped
		&& memcmp(again->diagnostics, config->diagnostics,
			config->diagnostic_count * sizeof(config->diagnostics[0])) == 0,
		"two parses differ");
	config_free(again);

	/* written back and read again: the same, and no complaint but about the default */
	struct writer writer = { NULL, 0, 0 };
	write_config(&writer, config);
	if (!fits_limits(&writer)) {
		/* quoting took more room than the input had: nothing to compare */
		free(writer.data);
		writer.data = NULL;
		writer.length = 0;
	}
	struct boot_config *reread = NULL;
	check(config_parse(FILE_NAME, writer.data, writer.length, &reread) == B_OK,
		"reparse failed");
	if (writer.data != NULL && (!same_config(config, reread)
			|| reread->diagnostic_count != (default_resolves(config) ? 0u : 1u))) {
		fprintf(stderr, "written back:\n%.*s\n", (int)writer.length, writer.data);
		for (uint32_t i = 0; i < reread->diagnostic_count; i++)
			fprintf(stderr, "  %s\n", reread->diagnostics[i].message);
		check(false, "written back, it reads differently");
	}
	free(writer.data);
	config_free(reread);
	config_free(config);
	check(counted_heap_live() == 0, "leaked heap blocks");

	/* one allocation fails: all or nothing */
	uint32_t hash = 2166136261u;
	for (size_t i = 0; i < size; i++)
		hash = (hash ^ data[i]) * 16777619u;
	counted_heap_fail_at((long)(hash % (uint32_t)allocations) + 1);
	config = NULL;
	check(config_parse(FILE_NAME, text, size, &config) == B_NO_MEMORY && config == NULL,
		"a failed allocation did not fail the parse");
	counted_heap_fail_at(0);
	check(counted_heap_live() == 0, "leaked heap blocks after a failed allocation");

	fuzz_bls(text, size, lineCount, hash);
	fuzz_versions(text, size);
	fuzz_uki(text, size);
	return 0;
}
