/* SPDX-License-Identifier: MIT */
/*
 * The loader's configuration file: lines into settings and entries, with a
 * diagnostic for every line that has no effect (docs/config.md).
 */
#include <boot/config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/kernel_args.h>
#include <boot/pattern.h>
#include <boot/stage2.h>
#include <boot/vfs.h>

#include "config_private.h"


#define DEFAULT_TITLE		"Default"
/* With a file: time to read the menu, or its errors. Without one: nothing to choose. */
#define DEFAULT_TIMEOUT		5

_Static_assert(CONFIG_MAX_MODULES + 2 <= MAX_PRELOADED_IMAGES,
	"modules and the kernel's symbol and string tables must fit kernel_args");
_Static_assert(CONFIG_MAX_PATH_LENGTH == VFS_PATH_LENGTH, "paths are VFS paths");
_Static_assert(BOOT_OPTION_ALL == (BOOT_OPTION_ONSCREEN_LOG << 1) - 1,
	"BOOT_OPTION_ALL covers every option");


static const char *
entry_title(struct config_excerpt *excerpt, const struct config_entry *entry)
{
	/* NULL only when copying it ran out of memory */
	return config_excerpt(excerpt, entry->title != NULL ? entry->title : "",
		entry->title != NULL ? strlen(entry->title) : 0);
}


static void
start_entry(struct config_parser *parser, char *title, bool discarded)
{
	memset(&parser->entry, 0, sizeof(parser->entry));
	parser->entry.title = title;
	parser->entry.line = parser->line_number;
	parser->entry_discarded = discarded || title == NULL;
	/* the entry keys follow the global ones */
	for (int i = CONFIG_KEY_KERNEL; i < CONFIG_KEY_COUNT; i++)
		parser->key_lines[i] = 0;
}


/* Keep the entry being parsed if it is complete, else say why not. */
static void
finish_entry(struct config_parser *parser)
{
	struct config_entry *entry = &parser->entry;
	struct boot_config *config = parser->config;
	struct config_excerpt excerpt;

	if (!parser->entry_discarded && entry->kernel_path == NULL) {
		config_error_at(parser, entry->line, 0, "entry \"%s\" has no kernel, linux or efi",
			entry_title(&excerpt, entry));
		parser->entry_discarded = true;
	}
	if (!parser->entry_discarded)
		config_check_entry_kind(parser);
	if (!parser->entry_discarded && entry->command_line == NULL) {
		entry->command_line = config_copy_string(parser, "", 0);
		if (entry->command_line == NULL)
			parser->entry_discarded = true;
	}
	if (parser->entry_discarded)
		config_free_entry(entry);
	else
		config->entries[config->entry_count++] = *entry;
	memset(entry, 0, sizeof(*entry));
	parser->block = CONFIG_BLOCK_NONE;
}


/* An entry left open: keep it if it is complete, and say so. */
static void
close_unterminated_entry(struct config_parser *parser)
{
	struct config_excerpt excerpt;
	/* a discarded entry's header has its error already */
	bool report = !parser->entry_discarded;
	if (parser->block == CONFIG_BLOCK_ENTRY) {
		if (report) {
			config_error_at(parser, parser->entry.line, 0,
				"entry \"%s\" has no closing \"}\"", entry_title(&excerpt, &parser->entry));
		}
		finish_entry(parser);
	} else if (parser->block == CONFIG_BLOCK_AWAIT_OPEN) {
		if (report) {
			config_error_at(parser, parser->entry.line, 0,
				"entry \"%s\" is not followed by \"{\"", entry_title(&excerpt, &parser->entry));
		}
		parser->entry_discarded = true;
		finish_entry(parser);
	}
}


/* The title is known to be a word or a string; false when it is unusable. */
static bool
check_title(struct config_parser *parser, const struct config_token *token)
{
	if (token->length == 0) {
		config_error(parser, token->column, "entry title is empty");
		return false;
	}
	if (token->length > CONFIG_MAX_TITLE_LENGTH) {
		config_error(parser, token->column, "entry title is too long (at most %d bytes)",
			CONFIG_MAX_TITLE_LENGTH);
		return false;
	}
	for (size_t i = 0; i < token->length; i++) {
		if (token->text[i] == '\n' || token->text[i] == '\t') {
			config_error(parser, token->column,
				"entry title must not contain control characters");
			return false;
		}
	}
	return true;
}


/*
 * "entry <title> {" or "entry <title>" with the "{" on the next line. A line
 * with an error (broken) still opens a block when it ends in "{", so that
 * its "}" closes it and the lines between are not taken for settings.
 */
static void
parse_entry_line(struct config_parser *parser, bool broken)
{
	const struct config_token *tokens = parser->tokens;
	uint32_t count = parser->token_count;
	struct config_excerpt excerpt;

	close_unterminated_entry(parser);

	bool opens = tokens[count - 1].type == CONFIG_TOKEN_OPEN;
	bool hasTitle = count >= 2 && (tokens[1].type == CONFIG_TOKEN_WORD
		|| tokens[1].type == CONFIG_TOKEN_STRING);
	bool valid = false;
	if (broken) {
		/* reported already */
	} else if (!hasTitle) {
		config_error(parser, count < 2 ? tokens[0].column : tokens[1].column,
			"entry needs a title: entry \"<title>\" {");
	} else if (count > 3 && tokens[2].type == CONFIG_TOKEN_OPEN) {
		config_error(parser, tokens[3].column, "expected the end of the line after \"{\"");
	} else if (count > 3 || (count == 3 && !opens)) {
		config_error(parser, tokens[2].column,
			"entry title must be one word or a quoted string");
	} else
		valid = check_title(parser, &tokens[1]);

	if (!valid && !opens)
		return;

	bool discarded = !valid;
	if (valid && parser->config->entry_count == CONFIG_MAX_ENTRIES) {
		config_error(parser, tokens[1].column,
			"too many entries (at most %d); entry \"%s\" is ignored", CONFIG_MAX_ENTRIES,
			config_excerpt(&excerpt, tokens[1].text, tokens[1].length));
		discarded = true;
	}
	/* a discarded entry keeps its title for the messages about its lines */
	char *title = config_copy_string(parser, hasTitle ? tokens[1].text : "",
		hasTitle ? tokens[1].length : 0);
	start_entry(parser, title, discarded);
	parser->block = opens ? CONFIG_BLOCK_ENTRY : CONFIG_BLOCK_AWAIT_OPEN;
}


static void
parse_setting(struct config_parser *parser)
{
	const struct config_token *tokens = parser->tokens;
	uint32_t count = parser->token_count;
	struct config_excerpt excerpt;
	enum config_key_id id;

	const struct config_key *key = config_find_key(tokens[0].text, &id);
	if (key == NULL) {
		const char *suggestion = config_suggest_key(tokens[0].text);
		config_error(parser, tokens[0].column, "unknown key \"%s\"%s%s%s",
			config_excerpt(&excerpt, tokens[0].text, tokens[0].length),
			suggestion != NULL ? " (did you mean \"" : "",
			suggestion != NULL ? suggestion : "", suggestion != NULL ? "\"?)" : "");
		return;
	}
	if (count < 2 || tokens[1].type != CONFIG_TOKEN_EQUALS) {
		config_error(parser, count < 2 ? tokens[0].column : tokens[1].column,
			"expected \"=\" after %s", key->name);
		return;
	}

	bool inEntry = parser->block == CONFIG_BLOCK_ENTRY;
	if (key->in_entry && !inEntry) {
		config_error(parser, tokens[0].column, "%s is only valid inside an entry", key->name);
		return;
	}
	if (!key->in_entry && inEntry) {
		config_error(parser, tokens[0].column,
			"%s is a global setting, not valid inside entry \"%s\"", key->name,
			entry_title(&excerpt, &parser->entry));
		return;
	}

	const struct config_token *values = tokens + 2;
	uint32_t valueCount = count - 2;
	for (uint32_t i = 0; i < valueCount; i++) {
		if (values[i].type != CONFIG_TOKEN_WORD && values[i].type != CONFIG_TOKEN_STRING) {
			config_error(parser, values[i].column, "unexpected \"%s\" in the value of %s%s",
				values[i].text, key->name, values[i].type == CONFIG_TOKEN_CLOSE
					? " (\"}\" goes on a line of its own)" : "");
			return;
		}
	}
	if (valueCount == 0) {
		config_error(parser, tokens[1].column, "%s needs a value", key->name);
		return;
	}
	if (valueCount > key->max_values) {
		config_error(parser, values[key->max_values].column,
			"%s takes %s; put text with spaces in quotes", key->name, key->arity);
		return;
	}
	if (!key->repeatable && parser->key_lines[id] != 0) {
		config_error(parser, tokens[0].column, "%s is already set on line %u", key->name,
			parser->key_lines[id]);
		return;
	}
	if (key->apply(parser, values, valueCount))
		parser->key_lines[id] = parser->line_number;
}


static void
parse_line(void *context, const char *text, size_t length)
{
	struct config_parser *parser = context;
	bool broken = !config_lex_line(parser, text, length);
	if (parser->token_count == 0)
		return;

	const struct config_token *tokens = parser->tokens;
	uint32_t count = parser->token_count;
	struct config_excerpt excerpt;

	if (parser->block == CONFIG_BLOCK_AWAIT_OPEN) {
		if (tokens[0].type == CONFIG_TOKEN_OPEN) {
			parser->block = CONFIG_BLOCK_ENTRY;
			if (count > 1 && !broken) {
				config_error(parser, tokens[1].column,
					"expected the end of the line after \"{\"");
			}
			return;
		}
		close_unterminated_entry(parser);
	}

	switch (tokens[0].type) {
		case CONFIG_TOKEN_CLOSE:
			if (parser->block != CONFIG_BLOCK_ENTRY) {
				if (!broken)
					config_error(parser, tokens[0].column, "\"}\" without an entry to close");
				return;
			}
			/* closed all the same: the entry's lines were right */
			if (count > 1 && !broken) {
				config_error(parser, tokens[1].column,
					"expected the end of the line after \"}\"");
			}
			finish_entry(parser);
			return;

		case CONFIG_TOKEN_WORD:
			if (config_equals_ignore_case(tokens[0].text, "entry")) {
				parse_entry_line(parser, broken);
				return;
			}
			if (!broken)
				parse_setting(parser);
			/* a misspelt "entry": skip its block as a whole */
			if (tokens[count - 1].type == CONFIG_TOKEN_OPEN
				&& (count < 2 || tokens[1].type != CONFIG_TOKEN_EQUALS)) {
				parse_entry_line(parser, true);
			}
			return;

		default:
			if (!broken) {
				config_error(parser, tokens[0].column,
					"expected a setting, \"entry\" or \"}\", not \"%s\"",
					config_excerpt(&excerpt, tokens[0].text, tokens[0].length));
			}
			return;
	}
}


/* Say so when the default setting names no entry; entries are final by now. */
static void
check_default(struct config_parser *parser)
{
	struct boot_config *config = parser->config;
	struct config_excerpt excerpt;
	if (config->default_title != NULL && config_find_entry(config, config->default_title) < 0) {
		config_error_at(parser, parser->default_line, parser->default_column,
			"default entry \"%s\" does not exist; the first entry is used",
			config_excerpt(&excerpt, config->default_title, strlen(config->default_title)));
	} else if (config->default_number > config->entry_count) {
		config_error_at(parser, parser->default_line, parser->default_column,
			"default entry %u does not exist (there %s %u); the first entry is used",
			config->default_number, config->entry_count == 1 ? "is" : "are",
			config->entry_count);
	}
}


static bool
add_fallback_entry(struct boot_config *config)
{
	struct config_entry *entry = &config->entries[0];
	memset(entry, 0, sizeof(*entry));
	entry->title = heap_alloc(sizeof(DEFAULT_TITLE));
	entry->kernel_path = heap_alloc(sizeof(BOOT_DEFAULT_KERNEL_PATH));
	entry->command_line = heap_alloc(1);
	config->entry_count = 1;
	config->fallback_entry = true;
	if (entry->title == NULL || entry->kernel_path == NULL || entry->command_line == NULL)
		return false;
	memcpy(entry->title, DEFAULT_TITLE, sizeof(DEFAULT_TITLE));
	memcpy(entry->kernel_path, BOOT_DEFAULT_KERNEL_PATH, sizeof(BOOT_DEFAULT_KERNEL_PATH));
	entry->command_line[0] = '\0';
	return true;
}


/*
 * Those of one file, from first on, in line order; a stable insertion sort,
 * for at most CONFIG_MAX_DIAGNOSTICS.
 */
void
config_sort_diagnostics(struct boot_config *config, uint32_t first)
{
	for (uint32_t i = first + 1; i < config->diagnostic_count; i++) {
		struct config_diagnostic moving = config->diagnostics[i];
		uint32_t j = i;
		while (j > first && config->diagnostics[j - 1].line > moving.line) {
			config->diagnostics[j] = config->diagnostics[j - 1];
			j--;
		}
		config->diagnostics[j] = moving;
	}
}


static struct boot_config *
allocate_config(const char *fileName)
{
	struct boot_config *config = heap_calloc(1, sizeof(*config));
	if (config == NULL)
		return NULL;
	size_t length = strlen(fileName);
	config->file_name = heap_alloc(length + 1);
	if (config->file_name == NULL) {
		heap_free(config);
		return NULL;
	}
	memcpy(config->file_name, fileName, length + 1);
	config->timeout = DEFAULT_TIMEOUT;
	config->serial = true;
	config->verbosity = CONFIG_VERBOSITY_NORMAL;
	config->video = CONFIG_VIDEO_KEEP;
	config->auto_entries = true;
	return config;
}


status_t
config_parse(const char *fileName, const char *text, size_t length,
	struct boot_config **_config)
{
	struct boot_config *config = allocate_config(fileName != NULL ? fileName : "");
	struct config_parser *parser = heap_alloc(sizeof(*parser));
	if (config == NULL || parser == NULL) {
		config_free(config);
		heap_free(parser);
		return B_NO_MEMORY;
	}
	memset(parser, 0, offsetof(struct config_parser, buffer));
	parser->config = config;

	config_read_lines(parser, text, length, parse_line, parser);
	close_unterminated_entry(parser);

	if (config->entry_count == 0 && !parser->out_of_memory && !add_fallback_entry(config))
		parser->out_of_memory = true;
	/* Nothing to choose from: no reason to wait, unless the file asks to. */
	if (config->fallback_entry && parser->key_lines[CONFIG_KEY_TIMEOUT] == 0)
		config->timeout = 0;
	if (!parser->out_of_memory) {
		check_default(parser);
		config_sort_diagnostics(config, 0);
	}

	bool outOfMemory = parser->out_of_memory;
	config_free_entry(&parser->entry);
	heap_free(parser);
	if (outOfMemory) {
		config_free(config);
		return B_NO_MEMORY;
	}
	*_config = config;
	return B_OK;
}


struct boot_config *
config_default(void)
{
	struct boot_config *config = allocate_config("");
	if (config == NULL)
		return NULL;
	config->timeout = 0;
	if (!add_fallback_entry(config)) {
		config_free(config);
		return NULL;
	}
	return config;
}


void
config_free(struct boot_config *config)
{
	if (config == NULL)
		return;
	for (uint32_t i = 0; i < config->entry_count; i++)
		config_free_entry(&config->entries[i]);
	for (uint32_t i = 0; i < config->diagnostic_count; i++)
		heap_free(config->diagnostics[i].file_name);
	heap_free(config->default_title);
	heap_free(config->file_name);
	heap_free(config);
}


int32_t
config_find_entry(const struct boot_config *config, const char *title)
{
	for (uint32_t i = 0; i < config->entry_count; i++) {
		if (strcmp(config->entries[i].title, title) == 0)
			return (int32_t)i;
	}
	return -1;
}


const char *
config_entry_id(const struct config_entry *entry)
{
	return entry->bls != NULL ? entry->bls->id : entry->title;
}


static int32_t
find_entry_id(const struct boot_config *config, const char *id, size_t length)
{
	for (uint32_t i = 0; i < config->entry_count; i++) {
		const char *candidate = config_entry_id(&config->entries[i]);
		if (strncmp(candidate, id, length) == 0 && candidate[length] == '\0')
			return (int32_t)i;
	}
	return -1;
}


/*
 * As given first, then without a suffix, then without a boot counter too:
 * bootctl has named entries by their file names, and these change as they
 * are counted. Last, as a pattern ("debian-*"), whose first match in menu
 * order is the newest entry of its kind, as with systemd-boot.
 */
int32_t
config_find_entry_id(const struct boot_config *config, const char *id)
{
	static const char *const kSuffixes[] = { CONFIG_BLS_ENTRY_SUFFIX, CONFIG_BLS_IMAGE_SUFFIX };
	size_t length = strlen(id);
	size_t bare = length;
	for (size_t i = 0; i < sizeof(kSuffixes) / sizeof(kSuffixes[0]); i++) {
		size_t suffix = strlen(kSuffixes[i]);
		if (length >= suffix && strcmp(id + length - suffix, kSuffixes[i]) == 0)
			bare = length - suffix;
	}
	int32_t left, done;
	size_t uncounted = config_bls_counter(id, bare, &left, &done);
	int32_t index = find_entry_id(config, id, length);
	if (index < 0)
		index = find_entry_id(config, id, bare);
	if (index < 0)
		index = find_entry_id(config, id, uncounted);
	bool isPattern = pattern_is_pattern(id);
	for (uint32_t i = 0; index < 0 && isPattern && i < config->entry_count; i++) {
		if (pattern_match(id, config_entry_id(&config->entries[i])))
			index = (int32_t)i;
	}
	return index;
}


uint32_t
config_default_entry(const struct boot_config *config)
{
	if (config->default_number > 0 && config->default_number <= config->entry_count)
		return config->default_number - 1;
	if (config->default_title != NULL) {
		int32_t index = config_find_entry(config, config->default_title);
		if (index >= 0)
			return (uint32_t)index;
	}
	return 0;
}


size_t
config_format_diagnostic(const struct boot_config *config, uint32_t index, char *buffer,
	size_t size)
{
	if (index >= config->diagnostic_count) {
		if (size > 0)
			buffer[0] = '\0';
		return 0;
	}
	const struct config_diagnostic *diagnostic = &config->diagnostics[index];
	const char *file = diagnostic->file_name != NULL ? diagnostic->file_name
		: config->file_name;
	int length;
	if (diagnostic->line == 0)
		length = snprintf(buffer, size, "%s: %s", file, diagnostic->message);
	else {
		length = snprintf(buffer, size, "%s:%u: %s", file, diagnostic->line,
			diagnostic->message);
	}
	return length > 0 ? (size_t)length : 0;
}


void
config_report_file(struct boot_config *config, const char *fileName, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	config_diagnose(config, fileName, 0, 0, format, args);
	va_end(args);
}


status_t
config_entry_set_command_line(struct config_entry *entry, const char *commandLine)
{
	size_t length = strnlen(commandLine, CONFIG_MAX_COMMAND_LINE);
	if (length == CONFIG_MAX_COMMAND_LINE)
		return B_NAME_TOO_LONG;
	char *copy = heap_alloc(length + 1);
	if (copy == NULL)
		return B_NO_MEMORY;
	memcpy(copy, commandLine, length + 1);
	heap_free(entry->command_line);
	entry->command_line = copy;
	return B_OK;
}
