/* SPDX-License-Identifier: MIT */
/*
 * The configuration file's keys: what each accepts, and how its values are
 * checked and stored.
 */
#include "config_private.h"

#include <string.h>

#include <boot/heap.h>


struct config_option {
	uint32_t	flag;
	const char	*name;
	const char	*label;
};

static const struct config_option kOptions[] = {
	{ BOOT_OPTION_DISABLE_SMP, "disable_smp", "Disable SMP" },
	{ BOOT_OPTION_DISABLE_ACPI, "disable_acpi", "Disable ACPI" },
	{ BOOT_OPTION_FAILSAFE_VIDEO, "failsafe_video", "Fail-safe video" },
	{ BOOT_OPTION_IGNORE_ABOVE_4G, "ignore_above_4g", "Ignore memory above 4 GiB" },
	{ BOOT_OPTION_SERIAL_DEBUG, "serial_debug", "Serial debug output" },
	{ BOOT_OPTION_ONSCREEN_LOG, "onscreen_log", "On-screen debug log" },
};
#define OPTION_COUNT	(sizeof(kOptions) / sizeof(kOptions[0]))

static const uint32_t kSerialSpeeds[] = {
	1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200
};

#define VIDEO_MIN_SIZE	64
#define VIDEO_MAX_SIZE	16384
/* Numbers are read up to this and no further, so that no digit string overflows. */
#define NUMBER_CAP		100000000u


char *
config_copy_string(struct config_parser *parser, const char *text, size_t length)
{
	char *copy = heap_alloc(length + 1);
	if (copy == NULL) {
		parser->out_of_memory = true;
		return NULL;
	}
	memcpy(copy, text, length);
	copy[length] = '\0';
	return copy;
}


static void
free_modules(struct config_entry *entry)
{
	for (uint32_t i = 0; i < entry->module_count; i++) {
		heap_free(entry->modules[i].path);
		heap_free(entry->modules[i].command_line);
	}
	heap_free(entry->modules);
	entry->modules = NULL;
	entry->module_count = 0;
}


static void
free_paths(char ***_paths, uint32_t *_count)
{
	for (uint32_t i = 0; i < *_count; i++)
		heap_free((*_paths)[i]);
	heap_free(*_paths);
	*_paths = NULL;
	*_count = 0;
}


static void
free_bls(struct config_entry *entry)
{
	struct config_bls_entry *bls = entry->bls;
	if (bls == NULL)
		return;
	heap_free(bls->id);
	heap_free(bls->file_name);
	heap_free(bls->sort_key);
	heap_free(bls->machine_id);
	heap_free(bls->version);
	heap_free(bls->image_command_line);
	heap_free(bls);
	entry->bls = NULL;
}


void
config_free_entry(struct config_entry *entry)
{
	heap_free(entry->title);
	heap_free(entry->kernel_path);
	heap_free(entry->command_line);
	heap_free(entry->splash);
	heap_free(entry->device_tree);
	free_modules(entry);
	free_paths(&entry->initrds, &entry->initrd_count);
	free_paths(&entry->overlays, &entry->overlay_count);
	free_bls(entry);
	memset(entry, 0, sizeof(*entry));
}


/*
 * Whether the entry named entryName has room for one more of what (module,
 * initrd); says so if not.
 */
bool
config_check_room(struct config_parser *parser, uint32_t column, uint32_t count,
	uint32_t limit, const char *what, const char *entryName)
{
	if (count < limit)
		return true;
	struct config_excerpt excerpt;
	config_error(parser, column, "too many %ss in entry \"%s\" (at most %u)", what,
		config_excerpt(&excerpt, entryName, entryName != NULL ? strlen(entryName) : 0), limit);
	return false;
}


/*
 * A decimal number, false for anything else. Values from NUMBER_CAP up are
 * only known to be that big: every limit is far below it.
 */
static bool
parse_number(const char *text, uint32_t *_value)
{
	uint32_t value = 0;
	if (*text == '\0')
		return false;
	for (; *text != '\0'; text++) {
		if (*text < '0' || *text > '9')
			return false;
		if (value < NUMBER_CAP)
			value = value * 10 + (uint32_t)(*text - '0');
	}
	*_value = value;
	return true;
}


static bool
contains_control(const char *text)
{
	for (; *text != '\0'; text++) {
		/* the lexer let only these through, from escapes and raw tabs */
		if (*text == '\n' || *text == '\t')
			return true;
	}
	return false;
}


static bool
check_path(struct config_parser *parser, const char *what, const struct config_token *token)
{
	struct config_excerpt excerpt;
	const char *text = token->text;
	if (token->length == 0) {
		config_error(parser, token->column, "%s path is empty", what);
		return false;
	}
	if (token->length > CONFIG_MAX_PATH_LENGTH) {
		config_error(parser, token->column, "%s path is too long (at most %d bytes)", what,
			CONFIG_MAX_PATH_LENGTH);
		return false;
	}
	if (contains_control(text)) {
		config_error(parser, token->column, "%s path must not contain control characters",
			what);
		return false;
	}
	if (text[0] == '(') {
		const char *close = strchr(text, ')');
		if (close == NULL) {
			config_error(parser, token->column, "%s path \"%s\" has no \")\" after the volume",
				what, config_excerpt(&excerpt, text, token->length));
			return false;
		}
		if (close == text + 1 || (close[1] != '\0' && close[1] != '/')) {
			config_error(parser, token->column,
				"%s path \"%s\" must be \"(<volume>)/<path>\"", what,
				config_excerpt(&excerpt, text, token->length));
			return false;
		}
		return true;
	}
	if (text[0] != '/') {
		config_error(parser, token->column,
			"%s path \"%s\" must start with \"/\" or \"(<volume>)/\"", what,
			config_excerpt(&excerpt, text, token->length));
		return false;
	}
	return true;
}


static bool
check_command_line(struct config_parser *parser, const char *what,
	const struct config_token *token)
{
	if (token->length >= CONFIG_MAX_COMMAND_LINE) {
		config_error(parser, token->column, "%s is too long (at most %d bytes)", what,
			CONFIG_MAX_COMMAND_LINE - 1);
		return false;
	}
	return true;
}


/* Index of text in a NULL-terminated list of keywords, ASCII case ignored; or -1. */
static int
find_keyword(const char *text, const char *const *keywords)
{
	for (int i = 0; keywords[i] != NULL; i++) {
		if (config_equals_ignore_case(text, keywords[i]))
			return i;
	}
	return -1;
}


static int
parse_bool(const char *text)
{
	static const char *const kWords[] = { "no", "yes", "off", "on", "false", "true", NULL };
	int index = find_keyword(text, kWords);
	return index < 0 ? -1 : index % 2;
}


/* --- global settings ------------------------------------------------------ */

static bool
apply_timeout(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	uint32_t seconds;
	if (config_equals_ignore_case(values[0].text, "forever")
		|| strcmp(values[0].text, "-1") == 0) {
		parser->config->timeout = CONFIG_TIMEOUT_FOREVER;
		return true;
	}
	if (!parse_number(values[0].text, &seconds) || seconds > CONFIG_MAX_TIMEOUT) {
		config_error(parser, values[0].column,
			"timeout must be a number from 0 to %d, or \"forever\"", CONFIG_MAX_TIMEOUT);
		return false;
	}
	parser->config->timeout = (int32_t)seconds;
	return true;
}


static bool
apply_default(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	struct boot_config *config = parser->config;
	uint32_t number;
	bool word = values[0].type == CONFIG_TOKEN_WORD;
	if (word && strcmp(values[0].text, CONFIG_SAVED_ENTRY) == 0) {
		heap_free(config->default_title);
		config->default_title = NULL;
		config->default_number = 0;
		config->default_saved = true;
	} else if (word && parse_number(values[0].text, &number)) {
		if (number == 0 || number > CONFIG_MAX_ENTRIES) {
			config_error(parser, values[0].column,
				"default entry number must be from 1 to %d", CONFIG_MAX_ENTRIES);
			return false;
		}
		heap_free(config->default_title);
		config->default_title = NULL;
		config->default_number = number;
	} else {
		if (values[0].length == 0) {
			config_error(parser, values[0].column, "default entry title is empty");
			return false;
		}
		char *title = config_copy_string(parser, values[0].text, values[0].length);
		if (title == NULL)
			return false;
		heap_free(config->default_title);
		config->default_title = title;
		config->default_number = 0;
	}
	parser->default_line = parser->line_number;
	parser->default_column = values[0].column;
	return true;
}


static bool
parse_serial_speed(const char *text, uint32_t *_speed)
{
	uint32_t speed;
	if (!parse_number(text, &speed))
		return false;
	for (size_t i = 0; i < sizeof(kSerialSpeeds) / sizeof(kSerialSpeeds[0]); i++) {
		if (kSerialSpeeds[i] == speed) {
			*_speed = speed;
			return true;
		}
	}
	return false;
}


static bool
apply_serial(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	static const char *const kWords[] = { "off", "on", "com1", "com2", "com3", "com4", NULL };
	struct boot_config *config = parser->config;
	int word = find_keyword(values[0].text, kWords);
	if (word < 0)
		word = parse_bool(values[0].text);
	uint32_t speed = 0;
	const struct config_token *speedToken = NULL;

	if (word < 0) {
		/* "serial = 115200" alone */
		speedToken = &values[0];
		if (count > 1 || !parse_number(values[0].text, &speed)) {
			config_error(parser, values[0].column,
				"serial must be on, off or com1 to com4, optionally followed by a speed");
			return false;
		}
	} else if (count > 1) {
		speedToken = &values[1];
		if (word == 0) {
			config_error(parser, values[1].column, "serial = off takes no speed");
			return false;
		}
	}
	if (speedToken != NULL && !parse_serial_speed(speedToken->text, &speed)) {
		config_error(parser, speedToken->column, "serial speed must be one of 1200, 2400, "
			"4800, 9600, 19200, 38400, 57600 or 115200");
		return false;
	}

	config->serial = word != 0;
	config->serial_port = word >= 2 ? (uint8_t)(word - 1) : 0;
	config->serial_speed = speed;
	return true;
}


static bool
apply_verbosity(struct config_parser *parser, const struct config_token *values,
	uint32_t count)
{
	static const char *const kWords[] = { "quiet", "normal", "verbose", "debug", NULL };
	int level = find_keyword(values[0].text, kWords);
	if (level < 0) {
		config_error(parser, values[0].column,
			"verbosity must be quiet, normal, verbose or debug");
		return false;
	}
	parser->config->verbosity = (enum config_verbosity)level;
	return true;
}


/* "<width>x<height>", both decimal. */
static bool
parse_video_size(const char *text, uint32_t *_width, uint32_t *_height)
{
	char number[16];
	const char *separator = strchr(text, 'x');
	if (separator == NULL)
		separator = strchr(text, 'X');
	if (separator == NULL || (size_t)(separator - text) >= sizeof(number))
		return false;
	memcpy(number, text, (size_t)(separator - text));
	number[separator - text] = '\0';
	return parse_number(number, _width) && parse_number(separator + 1, _height);
}


/* "resolution = <width>x<height>" or "auto": the mode the menu is drawn in. */
static bool
apply_resolution(struct config_parser *parser, const struct config_token *values,
	uint32_t count)
{
	static const char *const kWords[] = { "auto", NULL };
	struct boot_config *config = parser->config;
	uint32_t width = 0;
	uint32_t height = 0;
	if (find_keyword(values[0].text, kWords) < 0) {
		if (!parse_video_size(values[0].text, &width, &height)) {
			config_error(parser, values[0].column,
				"resolution must be <width>x<height> (such as 1024x768) or auto");
			return false;
		}
		if (width < VIDEO_MIN_SIZE || width > VIDEO_MAX_SIZE || height < VIDEO_MIN_SIZE
			|| height > VIDEO_MAX_SIZE) {
			config_error(parser, values[0].column,
				"resolution width and height must be from %d to %d", VIDEO_MIN_SIZE,
				VIDEO_MAX_SIZE);
			return false;
		}
	}
	config->resolution_width = width;
	config->resolution_height = height;
	return true;
}


static bool
apply_console(struct config_parser *parser, const struct config_token *values,
	uint32_t count)
{
	static const char *const kWords[] = { "auto", "text", NULL };
	int word = find_keyword(values[0].text, kWords);
	if (word < 0) {
		config_error(parser, values[0].column, "console must be auto or text");
		return false;
	}
	parser->config->console = (enum config_console)word;
	return true;
}


static bool
apply_video(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	static const char *const kWords[] = { "keep", "max", "text", NULL };
	struct boot_config *config = parser->config;
	int word = find_keyword(values[0].text, kWords);
	uint32_t width;
	uint32_t height;
	if (word >= 0) {
		config->video = (enum config_video)word;
		config->video_width = 0;
		config->video_height = 0;
		return true;
	}
	if (!parse_video_size(values[0].text, &width, &height)) {
		config_error(parser, values[0].column,
			"video must be <width>x<height> (such as 1024x768), max, text or keep");
		return false;
	}
	if (width < VIDEO_MIN_SIZE || width > VIDEO_MAX_SIZE || height < VIDEO_MIN_SIZE
		|| height > VIDEO_MAX_SIZE) {
		config_error(parser, values[0].column,
			"video width and height must be from %d to %d", VIDEO_MIN_SIZE, VIDEO_MAX_SIZE);
		return false;
	}
	config->video = CONFIG_VIDEO_MODE;
	config->video_width = width;
	config->video_height = height;
	return true;
}


/* A yes-or-no setting; key is its name in the message. */
static bool
apply_flag(struct config_parser *parser, const struct config_token *values, const char *key,
	bool *_flag)
{
	int value = parse_bool(values[0].text);
	if (value < 0) {
		config_error(parser, values[0].column, "%s must be yes or no", key);
		return false;
	}
	*_flag = value != 0;
	return true;
}


static bool
apply_allow_write_execute(struct config_parser *parser, const struct config_token *values,
	uint32_t count)
{
	return apply_flag(parser, values, "allow_write_execute",
		&parser->config->allow_write_execute);
}


static bool
apply_require_verification(struct config_parser *parser, const struct config_token *values,
	uint32_t count)
{
	return apply_flag(parser, values, "require_verification",
		&parser->config->require_verification);
}


static bool
apply_auto_entries(struct config_parser *parser, const struct config_token *values,
	uint32_t count)
{
	return apply_flag(parser, values, "auto_entries", &parser->config->auto_entries);
}


static bool
apply_editor(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	int value = parse_bool(values[0].text);
	if (value < 0 && !config_equals_ignore_case(values[0].text, "auto")) {
		config_error(parser, values[0].column, "editor must be yes, no or auto");
		return false;
	}
	parser->config->editor = value < 0 ? CONFIG_EDITOR_AUTO
		: value != 0 ? CONFIG_EDITOR_YES : CONFIG_EDITOR_NO;
	return true;
}


/* --- entry settings ------------------------------------------------------- */

static const enum config_key_id kKindKeys[] = {
	[CONFIG_ENTRY_KERNEL] = CONFIG_KEY_KERNEL,
	[CONFIG_ENTRY_LINUX] = CONFIG_KEY_LINUX,
	[CONFIG_ENTRY_EFI] = CONFIG_KEY_EFI,
};


/* An entry starts one file; the key that names it decides how. */
static bool
apply_target(struct config_parser *parser, const struct config_token *values,
	enum config_entry_kind kind)
{
	const char *key = config_entry_kind_key(kind);
	struct config_entry *entry = &parser->entry;
	if (entry->kernel_path != NULL && entry->kind != kind) {
		config_error(parser, values[0].column,
			"%s conflicts with %s on line %u: an entry starts one file", key,
			config_entry_kind_key(entry->kind), parser->key_lines[kKindKeys[entry->kind]]);
		return false;
	}
	if (!check_path(parser, key, &values[0]))
		return false;
	entry->kernel_path = config_copy_string(parser, values[0].text, values[0].length);
	entry->kind = kind;
	return entry->kernel_path != NULL;
}


static bool
apply_kernel(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	return apply_target(parser, values, CONFIG_ENTRY_KERNEL);
}


static bool
apply_linux(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	return apply_target(parser, values, CONFIG_ENTRY_LINUX);
}


static bool
apply_efi(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	return apply_target(parser, values, CONFIG_ENTRY_EFI);
}


/*
 * Append path (heap, or NULL when copying it failed) to an entry's list of
 * paths (initrds, overlays) of at most limit, which has room for it; the
 * entry owns it then, else it is freed.
 */
bool
config_add_path(struct config_parser *parser, char ***_paths, uint32_t *_count,
	uint32_t limit, char *path)
{
	/* Allocated on demand: a configuration's 32 entries live in one block of a small heap. */
	if (path != NULL && *_paths == NULL) {
		*_paths = heap_alloc(limit * sizeof(char *));
		if (*_paths == NULL)
			parser->out_of_memory = true;
	}
	if (path == NULL || *_paths == NULL) {
		heap_free(path);
		return false;
	}
	(*_paths)[(*_count)++] = path;
	return true;
}


/* initrd and devicetree_overlay: one path more for the list. */
static bool
apply_listed_path(struct config_parser *parser, const struct config_token *value,
	const char *key, char ***_paths, uint32_t *_count, uint32_t limit)
{
	if (!config_check_room(parser, value->column, *_count, limit, key, parser->entry.title)
		|| !check_path(parser, key, value))
		return false;
	return config_add_path(parser, _paths, _count, limit,
		config_copy_string(parser, value->text, value->length));
}


static bool
apply_initrd(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	struct config_entry *entry = &parser->entry;
	return apply_listed_path(parser, &values[0], "initrd", &entry->initrds,
		&entry->initrd_count, CONFIG_MAX_INITRDS);
}


static bool
apply_devicetree_overlay(struct config_parser *parser, const struct config_token *values,
	uint32_t count)
{
	struct config_entry *entry = &parser->entry;
	if (!FDT_MACHINES) {
		config_error(parser, values[0].column, "devicetree_overlay is not supported by "
			"this loader");
		return false;
	}
	return apply_listed_path(parser, &values[0], "devicetree_overlay", &entry->overlays,
		&entry->overlay_count, CONFIG_MAX_OVERLAYS);
}


/*
 * Keys that only one kind of entry takes, in an entry of another kind: the
 * line is reported and, like any line with an error, has no effect. Called
 * when the entry is complete, since its keys come in any order.
 */
void
config_check_entry_kind(struct config_parser *parser)
{
	struct config_entry *entry = &parser->entry;
	const char *kind = config_entry_kind_key(entry->kind);
	if (entry->kind != CONFIG_ENTRY_KERNEL && entry->module_count > 0) {
		config_error_at(parser, parser->key_lines[CONFIG_KEY_MODULE], 0,
			"module is only valid in an entry with kernel, not with %s", kind);
		free_modules(entry);
	}
	if (entry->kind != CONFIG_ENTRY_KERNEL && entry->options != 0) {
		config_error_at(parser, parser->key_lines[CONFIG_KEY_OPTIONS], 0,
			"options are only valid in an entry with kernel, not with %s", kind);
		entry->options = 0;
	}
	if (entry->kind != CONFIG_ENTRY_LINUX && entry->initrd_count > 0) {
		config_error_at(parser, parser->key_lines[CONFIG_KEY_INITRD], 0,
			"initrd is only valid in an entry with linux, not with %s", kind);
		free_paths(&entry->initrds, &entry->initrd_count);
	}
	if (!FDT_MACHINES && entry->kind == CONFIG_ENTRY_KERNEL && entry->device_tree != NULL) {
		config_error_at(parser, parser->key_lines[CONFIG_KEY_DEVICETREE], 0,
			"devicetree is only valid in an entry with linux or efi, not with kernel");
		heap_free(entry->device_tree);
		entry->device_tree = NULL;
	}
}


static bool
apply_cmdline(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	if (!check_command_line(parser, "cmdline", &values[0]))
		return false;
	char *commandLine = config_copy_string(parser, values[0].text, values[0].length);
	if (commandLine == NULL)
		return false;
	heap_free(parser->entry.command_line);
	parser->entry.command_line = commandLine;
	return true;
}


/* A path key's value in place of *_path's; false (and no change) when it is no path. */
static bool
apply_path(struct config_parser *parser, const char *key, const struct config_token *value,
	char **_path)
{
	if (!check_path(parser, key, value))
		return false;
	char *path = config_copy_string(parser, value->text, value->length);
	if (path == NULL)
		return false;
	heap_free(*_path);
	*_path = path;
	return true;
}


static bool
apply_splash(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	return apply_path(parser, "splash", &values[0], &parser->entry.splash);
}


static bool
apply_devicetree(struct config_parser *parser, const struct config_token *values,
	uint32_t count)
{
	return apply_path(parser, "devicetree", &values[0], &parser->entry.device_tree);
}


static bool
apply_module(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	struct config_entry *entry = &parser->entry;
	if (!config_check_room(parser, values[0].column, entry->module_count, CONFIG_MAX_MODULES,
			"module", entry->title)
		|| !check_path(parser, "module", &values[0])
		|| (count > 1 && !check_command_line(parser, "module command line", &values[1]))) {
		return false;
	}

	/* Allocated on demand, like the initrds. */
	if (entry->modules == NULL) {
		entry->modules = heap_alloc(CONFIG_MAX_MODULES * sizeof(struct config_module));
		if (entry->modules == NULL) {
			parser->out_of_memory = true;
			return false;
		}
	}
	char *path = config_copy_string(parser, values[0].text, values[0].length);
	char *commandLine = count > 1
		? config_copy_string(parser, values[1].text, values[1].length)
		: config_copy_string(parser, "", 0);
	if (path == NULL || commandLine == NULL) {
		heap_free(path);
		heap_free(commandLine);
		return false;
	}
	entry->modules[entry->module_count].path = path;
	entry->modules[entry->module_count].command_line = commandLine;
	entry->module_count++;
	return true;
}


static const struct config_option *
find_option(const char *name, size_t length)
{
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		if (strlen(kOptions[i].name) != length)
			continue;
		size_t j = 0;
		while (j < length) {
			if (config_lower(name[j]) != kOptions[i].name[j])
				break;
			j++;
		}
		if (j == length)
			return &kOptions[i];
	}
	return NULL;
}


/* Levenshtein distance, ASCII case ignored; anything past 31 bytes is far away. */
static size_t
edit_distance(const char *a, size_t aLength, const char *b)
{
	size_t bLength = strlen(b);
	size_t row[32];
	if (aLength >= 32 || bLength >= 32)
		return SIZE_MAX;
	for (size_t j = 0; j <= bLength; j++)
		row[j] = j;
	for (size_t i = 1; i <= aLength; i++) {
		size_t diagonal = row[0];
		row[0] = i;
		char x = config_lower(a[i - 1]);
		for (size_t j = 1; j <= bLength; j++) {
			size_t above = row[j];
			size_t best = diagonal + (x == b[j - 1] ? 0 : 1);
			if (above + 1 < best)
				best = above + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diagonal = above;
		}
	}
	return row[bLength];
}


/* Keep candidate as *_best when it is closer to name than what was found so far. */
static void
consider(const char *name, size_t length, const char *candidate, const char **_best,
	size_t *_bestDistance)
{
	size_t distance = edit_distance(name, length, candidate);
	/*
	 * A third of the name may be wrong ("verbose" for "verbosity"); a short
	 * name is "close" to almost anything, so one letter at least must be right.
	 */
	if (distance <= length / 3 + 1 && distance < *_bestDistance && distance < length) {
		*_best = candidate;
		*_bestDistance = distance;
	}
}


/* Options are separated by commas, whitespace or both. */
static bool
apply_options(struct config_parser *parser, const struct config_token *values, uint32_t count)
{
	uint32_t options = 0;
	for (uint32_t i = 0; i < count; i++) {
		const char *text = values[i].text;
		size_t start = 0;
		while (start <= values[i].length) {
			const char *comma = strchr(text + start, ',');
			size_t end = comma != NULL ? (size_t)(comma - text) : values[i].length;
			if (end > start) {
				const struct config_option *option = find_option(text + start, end - start);
				if (option == NULL) {
					struct config_excerpt excerpt;
					const char *suggestion = NULL;
					size_t distance = SIZE_MAX;
					for (size_t k = 0; k < OPTION_COUNT; k++) {
						consider(text + start, end - start, kOptions[k].name, &suggestion,
							&distance);
					}
					config_error(parser, values[i].column, "unknown option \"%s\"%s%s%s",
						config_excerpt(&excerpt, text + start, end - start),
						suggestion != NULL ? " (did you mean \"" : "",
						suggestion != NULL ? suggestion : "", suggestion != NULL ? "\"?)" : "");
					return false;
				}
				options |= option->flag;
			}
			start = end + 1;
		}
	}
	parser->entry.options |= options;
	return true;
}


static const struct config_key kKeys[CONFIG_KEY_COUNT] = {
	[CONFIG_KEY_TIMEOUT] = { "timeout", false, false, 1, "one value", apply_timeout },
	[CONFIG_KEY_DEFAULT] = { "default", false, false, 1, "one value", apply_default },
	[CONFIG_KEY_SERIAL] = { "serial", false, false, 2, "a port and a speed", apply_serial },
	[CONFIG_KEY_VERBOSITY] = { "verbosity", false, false, 1, "one value", apply_verbosity },
	[CONFIG_KEY_VIDEO] = { "video", false, false, 1, "one value", apply_video },
	[CONFIG_KEY_ALLOW_WRITE_EXECUTE] = { "allow_write_execute", false, false, 1,
		"one value", apply_allow_write_execute },
	[CONFIG_KEY_REQUIRE_VERIFICATION] = { "require_verification", false, false, 1,
		"one value", apply_require_verification },
	[CONFIG_KEY_KERNEL] = { "kernel", true, false, 1, "one value", apply_kernel },
	[CONFIG_KEY_LINUX] = { "linux", true, false, 1, "one value", apply_linux },
	[CONFIG_KEY_EFI] = { "efi", true, false, 1, "one value", apply_efi },
	[CONFIG_KEY_CMDLINE] = { "cmdline", true, false, 1, "one value", apply_cmdline },
	[CONFIG_KEY_MODULE] = { "module", true, true, 2, "a path and a command line",
		apply_module },
	[CONFIG_KEY_INITRD] = { "initrd", true, true, 1, "one value", apply_initrd },
	[CONFIG_KEY_OPTIONS] = { "options", true, true, CONFIG_MAX_TOKENS, "", apply_options },
	[CONFIG_KEY_RESOLUTION] = { "resolution", false, false, 1, "one value", apply_resolution },
	[CONFIG_KEY_CONSOLE] = { "console", false, false, 1, "one value", apply_console },
	[CONFIG_KEY_AUTO_ENTRIES] = { "auto_entries", false, false, 1, "one value",
		apply_auto_entries },
	[CONFIG_KEY_EDITOR] = { "editor", false, false, 1, "one value", apply_editor },
	[CONFIG_KEY_SPLASH] = { "splash", true, false, 1, "one value", apply_splash },
	[CONFIG_KEY_DEVICETREE] = { "devicetree", true, false, 1, "one value", apply_devicetree },
	[CONFIG_KEY_DEVICETREE_OVERLAY] = { "devicetree_overlay", true, true, 1, "one value",
		apply_devicetree_overlay },
};


const struct config_key *
config_find_key(const char *name, enum config_key_id *_id)
{
	for (int i = 0; i < CONFIG_KEY_COUNT; i++) {
		if (config_equals_ignore_case(name, kKeys[i].name)) {
			*_id = (enum config_key_id)i;
			return &kKeys[i];
		}
	}
	return NULL;
}


/* The key an unknown name was probably meant to be, or NULL. */
const char *
config_suggest_key(const char *name)
{
	const char *best = NULL;
	size_t bestDistance = SIZE_MAX;
	size_t length = strlen(name);
	for (int i = 0; i < CONFIG_KEY_COUNT; i++)
		consider(name, length, kKeys[i].name, &best, &bestDistance);
	consider(name, length, "entry", &best, &bestDistance);
	return best;
}


const char *
config_option_name(uint32_t option)
{
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		if (kOptions[i].flag == option)
			return kOptions[i].name;
	}
	return NULL;
}


const char *
config_option_label(uint32_t option)
{
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		if (kOptions[i].flag == option)
			return kOptions[i].label;
	}
	return NULL;
}


const char *
config_entry_kind_key(enum config_entry_kind kind)
{
	switch (kind) {
		case CONFIG_ENTRY_LINUX:
			return "linux";
		case CONFIG_ENTRY_EFI:
			return "efi";
		default:
			return "kernel";
	}
}
