/* SPDX-License-Identifier: MIT */
/*
 * Boot Loader Specification entries: each Type #1 entry file, and each
 * Type #2 unified kernel image, one entry of the configuration, after those
 * of the configuration file.
 */
#include <boot/config.h>

#include <stdio.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/uki.h>
#include <boot/unicode.h>

#include "config_private.h"


/* The keys of an entry file, in the order of kKeys. */
enum bls_key_id {
	BLS_KEY_TITLE,
	BLS_KEY_VERSION,
	BLS_KEY_MACHINE_ID,
	BLS_KEY_SORT_KEY,
	BLS_KEY_LINUX,
	BLS_KEY_EFI,
	BLS_KEY_INITRD,
	BLS_KEY_OPTIONS,
	BLS_KEY_DEVICETREE,
	BLS_KEY_DEVICETREE_OVERLAY,
	BLS_KEY_ARCHITECTURE,
	BLS_KEY_UKI,
	BLS_KEY_UKI_URL,
	BLS_KEY_PROFILE,
	BLS_KEY_COUNT
};

struct bls_parser {
	struct config_parser	*parser;	/* its entry is the one being parsed */
	const struct config_bls_source	*source;
	uint32_t	key_lines[BLS_KEY_COUNT];	/* where each was first set */
	enum bls_key_id	target_key;		/* linux, efi or uki: which set the entry's file */
	bool		other_architecture;
};

/* A key's value: the rest of its line, blanks around it removed; never empty. */
struct bls_value {
	const char	*text;				/* not NUL-terminated */
	size_t		length;
	uint32_t	column;
};

struct bls_key {
	const char	*name;
	bool		repeatable;
	bool		supported;
	/* NULL: accepted and ignored; else false when the value is bad (reported) */
	bool		(*apply)(struct bls_parser *bls, const struct bls_value *value);
};

static const struct bls_key kKeys[BLS_KEY_COUNT];


static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}


/* Lines are checked first: the only control character a value can hold is a tab. */
static bool
check_no_tab(struct bls_parser *bls, const char *what, const struct bls_value *value)
{
	if (memchr(value->text, '\t', value->length) == NULL)
		return true;
	config_error(bls->parser, value->column, "%s must not contain control characters", what);
	return false;
}


/* version, machine-id, sort-key: kept for sorting; the first one stays. */
static bool
set_string(struct bls_parser *bls, const char *what, const struct bls_value *value,
	char **_field)
{
	if (!check_no_tab(bls, what, value))
		return false;
	*_field = config_copy_string(bls->parser, value->text, value->length);
	return *_field != NULL;
}


static bool
apply_title(struct bls_parser *bls, const struct bls_value *value)
{
	if (value->length > CONFIG_MAX_TITLE_LENGTH) {
		config_error(bls->parser, value->column, "title is too long (at most %d bytes)",
			CONFIG_MAX_TITLE_LENGTH);
		return false;
	}
	if (!check_no_tab(bls, "title", value))
		return false;
	bls->parser->entry.title = config_copy_string(bls->parser, value->text, value->length);
	return bls->parser->entry.title != NULL;
}


static bool
apply_version(struct bls_parser *bls, const struct bls_value *value)
{
	return set_string(bls, "version", value, &bls->parser->entry.bls->version);
}


static bool
apply_machine_id(struct bls_parser *bls, const struct bls_value *value)
{
	return set_string(bls, "machine-id", value, &bls->parser->entry.bls->machine_id);
}


static bool
apply_sort_key(struct bls_parser *bls, const struct bls_value *value)
{
	return set_string(bls, "sort-key", value, &bls->parser->entry.bls->sort_key);
}


/*
 * The file's path as the loader's: "(<volume>)/<path>", on the volume the
 * file was found on, since the specification allows no other. It also
 * says that a leading "/" is optional and changes nothing, every path being
 * from the root of the volume (its own example has an initrd without one),
 * so a path without it gets it rather than a diagnostic.
 */
static char *
make_path(struct bls_parser *bls, const char *key, const struct bls_value *value)
{
	struct config_parser *parser = bls->parser;
	const char *volume = bls->source->volume;
	size_t volumeLength = strlen(volume);
	bool addSlash = value->text[0] != '/';
	size_t prefixLength = volumeLength + 2 + (addSlash ? 1 : 0);
	if (memchr(value->text, '\t', value->length) != NULL) {
		config_error(parser, value->column, "%s path must not contain control characters",
			key);
		return NULL;
	}
	if (prefixLength + value->length > CONFIG_MAX_PATH_LENGTH) {
		/* what the file can have: the limit is the loader's, volume included */
		size_t room = CONFIG_MAX_PATH_LENGTH > prefixLength
			? CONFIG_MAX_PATH_LENGTH - prefixLength : 0;
		config_error(parser, value->column,
			"%s path is too long (at most %zu bytes on volume %s)", key, room, volume);
		return NULL;
	}

	char *path = heap_alloc(prefixLength + value->length + 1);
	if (path == NULL) {
		parser->out_of_memory = true;
		return NULL;
	}
	path[0] = '(';
	memcpy(path + 1, volume, volumeLength);
	path[volumeLength + 1] = ')';
	if (addSlash)
		path[volumeLength + 2] = '/';
	memcpy(path + prefixLength, value->text, value->length);
	path[prefixLength + value->length] = '\0';
	return path;
}


/*
 * linux, efi or uki: what the entry starts, and so what kind of entry it is.
 * A unified kernel image is an EFI executable like any other here; the
 * entry's options are its load options.
 */
static bool
apply_target(struct bls_parser *bls, const struct bls_value *value, enum bls_key_id id,
	enum config_entry_kind kind)
{
	struct config_entry *entry = &bls->parser->entry;
	const char *key = kKeys[id].name;
	if (entry->kernel_path != NULL) {
		config_error(bls->parser, value->column,
			"%s conflicts with %s on line %u: an entry starts one file", key,
			kKeys[bls->target_key].name, bls->key_lines[bls->target_key]);
		return false;
	}
	entry->kernel_path = make_path(bls, key, value);
	entry->kind = kind;
	bls->target_key = id;
	return entry->kernel_path != NULL;
}


static bool
apply_linux(struct bls_parser *bls, const struct bls_value *value)
{
	return apply_target(bls, value, BLS_KEY_LINUX, CONFIG_ENTRY_LINUX);
}


static bool
apply_efi(struct bls_parser *bls, const struct bls_value *value)
{
	return apply_target(bls, value, BLS_KEY_EFI, CONFIG_ENTRY_EFI);
}


static bool
apply_uki(struct bls_parser *bls, const struct bls_value *value)
{
	return apply_target(bls, value, BLS_KEY_UKI, CONFIG_ENTRY_EFI);
}


/* In an efi entry too: the kind is known at the end (config_check_entry_kind()). */
static bool
apply_initrd(struct bls_parser *bls, const struct bls_value *value)
{
	struct config_parser *parser = bls->parser;
	if (!config_check_room(parser, value->column, parser->entry.initrd_count,
			CONFIG_MAX_INITRDS, "initrd", bls->source->id))
		return false;
	char *path = make_path(bls, "initrd", value);
	return path != NULL && config_add_path(parser, &parser->entry.initrds,
		&parser->entry.initrd_count, CONFIG_MAX_INITRDS, path);
}


/* Overlays are one line's words (between blanks), applied in order; more lines add more. */
static bool
apply_devicetree_overlay(struct bls_parser *bls, const struct bls_value *value)
{
	struct config_parser *parser = bls->parser;
	struct config_entry *entry = &parser->entry;
	const char *end = value->text + value->length;
	for (const char *word = value->text; word < end;) {
		size_t length = 0;
		while (word + length < end && !is_blank(word[length]))
			length++;
		struct bls_value path = { word, length, value->column + (uint32_t)(word - value->text) };
		if (length > 0 && (!config_check_room(parser, path.column, entry->overlay_count,
				CONFIG_MAX_OVERLAYS, "devicetree-overlay", bls->source->id)
			|| !config_add_path(parser, &entry->overlays, &entry->overlay_count,
				CONFIG_MAX_OVERLAYS, make_path(bls, "devicetree-overlay", &path))))
			return false;
		word += length + 1;
	}
	return true;
}


/* Kernel entries have no Type #1 form: the kind check has nothing to refuse here. */
static bool
apply_devicetree(struct bls_parser *bls, const struct bls_value *value)
{
	char *path = make_path(bls, "devicetree", value);
	if (path == NULL)
		return false;
	bls->parser->entry.device_tree = path;
	return true;
}


/* The specification joins repeated options lines; a space keeps their words apart. */
static bool
apply_options(struct bls_parser *bls, const struct bls_value *value)
{
	struct config_parser *parser = bls->parser;
	char *commandLine = parser->entry.command_line;
	size_t length = commandLine != NULL ? strlen(commandLine) + 1 : 0;
	if (length + value->length >= CONFIG_MAX_COMMAND_LINE) {
		config_error(parser, value->column, "options are too long (at most %d bytes in all)",
			CONFIG_MAX_COMMAND_LINE - 1);
		return false;
	}
	char *joined = heap_realloc(commandLine, length + value->length + 1);
	if (joined == NULL) {
		parser->out_of_memory = true;
		return false;
	}
	if (length > 0)
		joined[length - 1] = ' ';
	memcpy(joined + length, value->text, value->length);
	joined[length + value->length] = '\0';
	parser->entry.command_line = joined;
	return true;
}


/* The specification hides entries for other machines, so this is no error. */
static bool
apply_architecture(struct bls_parser *bls, const struct bls_value *value)
{
	const char *ours = bls->source->architecture;
	bool same = strlen(ours) == value->length;
	for (size_t i = 0; same && i < value->length; i++)
		same = config_lower(ours[i]) == config_lower(value->text[i]);
	bls->other_architecture = !same;
	return true;
}


/*
 * A unified kernel image's profiles would need its sections read; one from a URL, a
 * network stack the loader does not have.
 */
static const struct bls_key kKeys[BLS_KEY_COUNT] = {
	[BLS_KEY_TITLE] = { "title", false, true, apply_title },
	[BLS_KEY_VERSION] = { "version", false, true, apply_version },
	[BLS_KEY_MACHINE_ID] = { "machine-id", false, true, apply_machine_id },
	[BLS_KEY_SORT_KEY] = { "sort-key", false, true, apply_sort_key },
	[BLS_KEY_LINUX] = { "linux", false, true, apply_linux },
	[BLS_KEY_EFI] = { "efi", false, true, apply_efi },
	[BLS_KEY_INITRD] = { "initrd", true, true, apply_initrd },
	[BLS_KEY_OPTIONS] = { "options", true, true, apply_options },
	[BLS_KEY_DEVICETREE] = { "devicetree", false, true, apply_devicetree },
	[BLS_KEY_DEVICETREE_OVERLAY] = { "devicetree-overlay", true, FDT_MACHINES,
		FDT_MACHINES ? apply_devicetree_overlay : NULL },
	[BLS_KEY_ARCHITECTURE] = { "architecture", false, true, apply_architecture },
	[BLS_KEY_UKI] = { "uki", false, true, apply_uki },
	[BLS_KEY_UKI_URL] = { "uki-url", false, false, NULL },
	[BLS_KEY_PROFILE] = { "profile", false, false, NULL },
};


/* Keys are matched exactly, as the specification spells them. */
static const struct bls_key *
find_key(const char *name, size_t length, enum bls_key_id *_id)
{
	for (int i = 0; i < BLS_KEY_COUNT; i++) {
		if (strlen(kKeys[i].name) == length && memcmp(kKeys[i].name, name, length) == 0) {
			*_id = (enum bls_key_id)i;
			return &kKeys[i];
		}
	}
	return NULL;
}


/* "<key> <value>": the key, blanks, and the rest of the line as its value. */
static void
parse_line(void *context, const char *text, size_t length)
{
	struct bls_parser *bls = context;
	struct config_parser *parser = bls->parser;
	size_t keyStart = 0;
	while (keyStart < length && is_blank(text[keyStart]))
		keyStart++;
	if (keyStart == length || text[keyStart] == '#')
		return;
	if (!config_check_line(parser, text, length))
		return;

	size_t keyEnd = keyStart;
	while (keyEnd < length && !is_blank(text[keyEnd]))
		keyEnd++;
	size_t valueStart = keyEnd;
	while (valueStart < length && is_blank(text[valueStart]))
		valueStart++;
	size_t valueEnd = length;
	while (valueEnd > valueStart && is_blank(text[valueEnd - 1]))
		valueEnd--;

	enum bls_key_id id;
	const struct bls_key *key = find_key(text + keyStart, keyEnd - keyStart, &id);
	/* the specification expects new keys to appear: one unknown here is no error */
	if (key == NULL)
		return;
	uint32_t column = config_column(text, keyStart);
	if (!key->supported) {
		config_error(parser, column, "%s is not supported by this loader", key->name);
		return;
	}
	if (valueStart == valueEnd) {
		config_error(parser, column, "%s needs a value", key->name);
		return;
	}
	if (!key->repeatable && bls->key_lines[id] != 0) {
		config_error(parser, column, "%s is already set on line %u", key->name,
			bls->key_lines[id]);
		return;
	}
	struct bls_value value = { text + valueStart, valueEnd - valueStart,
		config_column(text, valueStart) };
	if ((key->apply == NULL || key->apply(bls, &value)) && bls->key_lines[id] == 0)
		bls->key_lines[id] = parser->line_number;
}


/* The entry's identity, before its lines: what the diagnostics and the sorting need. */
static status_t
start_entry(struct bls_parser *bls)
{
	struct config_parser *parser = bls->parser;
	const struct config_bls_source *source = bls->source;
	/* it may become the title, which must be printable */
	if (source->id[0] == '\0' || !config_is_printable(source->id, strlen(source->id))) {
		config_error_at(parser, 0, 0, "entry file name is not printable UTF-8");
		return B_BAD_DATA;
	}
	struct config_bls_entry *entry = heap_calloc(1, sizeof(*entry));
	if (entry == NULL)
		return B_NO_MEMORY;
	parser->entry.bls = entry;
	size_t idLength = config_bls_counter(source->id, strlen(source->id), &entry->tries_left,
		&entry->tries_done);
	entry->id = config_copy_string(parser, source->id, idLength);
	entry->file_name = config_copy_string(parser, source->file_name,
		strlen(source->file_name));
	return parser->out_of_memory ? B_NO_MEMORY : B_OK;
}


/* Without a title, the menu shows the file's name, cut to a title's length. */
static char *
fallback_title(struct config_parser *parser, const char *id)
{
	return config_copy_string(parser, id,
		unicode_utf8_prefix_length(id, CONFIG_MAX_TITLE_LENGTH));
}


/* Complete the entry once all its lines are read; B_OK when it may be added. */
static status_t
finish_entry(struct bls_parser *bls)
{
	struct config_parser *parser = bls->parser;
	struct config_entry *entry = &parser->entry;
	struct config_excerpt excerpt;
	const char *id = entry->bls->id;
	if (parser->out_of_memory)
		return B_NO_MEMORY;
	if (bls->other_architecture)
		return B_ENTRY_NOT_FOUND;
	if (entry->kernel_path == NULL) {
		config_error_at(parser, 0, 0, "entry \"%s\" has no linux, efi or uki",
			config_excerpt(&excerpt, id, strlen(id)));
		return B_BAD_DATA;
	}
	parser->key_lines[CONFIG_KEY_INITRD] = bls->key_lines[BLS_KEY_INITRD];
	config_check_entry_kind(parser);
	if (entry->title == NULL)
		entry->title = fallback_title(parser, id);
	if (entry->command_line == NULL)
		entry->command_line = config_copy_string(parser, "", 0);
	return parser->out_of_memory ? B_NO_MEMORY : B_OK;
}


/*
 * Move the entry into the configuration, in place of the fallback entry if
 * there is one and it is to go.
 */
static status_t
add_entry(struct config_parser *parser, bool keepFallback)
{
	struct boot_config *config = parser->config;
	struct config_excerpt excerpt;
	const char *id = parser->entry.bls->id;
	bool replace = config->fallback_entry && !keepFallback;
	uint32_t count = replace ? 0 : config->entry_count;
	if (count == CONFIG_MAX_ENTRIES) {
		config_error_at(parser, 0, 0, "too many entries (at most %d); entry \"%s\" is ignored",
			CONFIG_MAX_ENTRIES, config_excerpt(&excerpt, id, strlen(id)));
		return B_BAD_DATA;
	}
	if (replace) {
		config_free_entry(&config->entries[0]);
		config->fallback_entry = false;
	}
	config->entries[count] = parser->entry;
	config->entry_count = count + 1;
	memset(&parser->entry, 0, sizeof(parser->entry));
	return B_OK;
}


/* Take back the diagnostics from first on: the file changed nothing after all. */
static void
forget_diagnostics(struct boot_config *config, uint32_t first, uint32_t dropped)
{
	for (uint32_t i = first; i < config->diagnostic_count; i++)
		heap_free(config->diagnostics[i].file_name);
	memset(&config->diagnostics[first], 0,
		(config->diagnostic_count - first) * sizeof(config->diagnostics[0]));
	config->diagnostic_count = first;
	config->diagnostics_dropped = dropped;
}


/* What makes an entry of source: its lines, or what an image says of itself. */
typedef void (*bls_fill_hook)(struct bls_parser *bls, const void *cookie);


static status_t
add_source_entry(struct boot_config *config, const struct config_bls_source *source,
	bls_fill_hook fill, const void *cookie, bool keepFallback)
{
	struct config_parser *parser = heap_alloc(sizeof(*parser));
	if (parser == NULL)
		return B_NO_MEMORY;
	memset(parser, 0, offsetof(struct config_parser, buffer));
	parser->config = config;
	parser->file_name = source->file_name;
	uint32_t firstDiagnostic = config->diagnostic_count;
	uint32_t dropped = config->diagnostics_dropped;

	struct bls_parser bls;
	memset(&bls, 0, sizeof(bls));
	bls.parser = parser;
	bls.source = source;
	status_t status = start_entry(&bls);
	if (status == B_OK) {
		fill(&bls, cookie);
		status = finish_entry(&bls);
	}
	if (status == B_OK)
		status = add_entry(parser, keepFallback);

	/* A hidden entry's complaints would show on every other machine's menu. */
	if (status == B_NO_MEMORY || status == B_ENTRY_NOT_FOUND)
		forget_diagnostics(config, firstDiagnostic, dropped);
	else
		config_sort_diagnostics(config, firstDiagnostic);
	config_free_entry(&parser->entry);
	heap_free(parser);
	return status;
}


struct bls_text {
	const char	*text;
	size_t		length;
};


static void
fill_from_lines(struct bls_parser *bls, const void *cookie)
{
	const struct bls_text *text = cookie;
	config_read_lines(bls->parser, text->text, text->length, parse_line, bls);
}


status_t
config_add_bls_entry(struct boot_config *config, const struct config_bls_source *source,
	const char *text, size_t length)
{
	const struct bls_text lines = { text, length };
	return add_source_entry(config, source, fill_from_lines, &lines, false);
}


/* What the image says, where it is printable; what is not stays unset. */
static char *
copy_printable(struct config_parser *parser, const char *text)
{
	size_t length = strlen(text);
	if (length == 0 || !config_is_printable(text, length))
		return NULL;
	return config_copy_string(parser, text, length);
}


/*
 * Type #2: the specification makes PRETTY_NAME the title and VERSION_ID the
 * version; the kernel's release follows the name where it fits, since
 * images of one system differ only by it. The image's command line is the
 * one to show and edit, and kept to tell an edited one from it
 * (chainload.c).
 */
static void
fill_from_image(struct bls_parser *bls, const void *cookie)
{
	const struct uki_info *info = cookie;
	struct config_parser *parser = bls->parser;
	struct config_entry *entry = &parser->entry;
	char title[CONFIG_MAX_TITLE_LENGTH + 1];
	entry->kind = CONFIG_ENTRY_EFI;
	entry->bls->unified_image = true;
	entry->kernel_path = config_copy_string(parser, bls->source->file_name,
		strlen(bls->source->file_name));
	size_t length = (size_t)snprintf(title, sizeof(title), "%s (%s)", info->name, info->uname);
	if (info->uname[0] == '\0' || length >= sizeof(title))
		snprintf(title, sizeof(title), "%s", info->name);
	if (info->name[0] != '\0' && config_is_printable(title, strlen(title)))
		entry->title = config_copy_string(parser, title, strlen(title));
	entry->bls->version = copy_printable(parser, info->version);
	entry->bls->sort_key = copy_printable(parser, info->sort_key);
	if (info->has_command_line) {
		entry->command_line = copy_printable(parser, info->command_line);
		entry->bls->image_command_line = copy_printable(parser, info->command_line);
	}
}


status_t
config_add_uki_entry(struct boot_config *config, const struct config_bls_source *source,
	const struct uki_info *info)
{
	return add_source_entry(config, source, fill_from_image, info, false);
}


/* An entry the loader found: its title is known, its file is the source. */
static void
fill_found(struct bls_parser *bls, const void *cookie)
{
	struct config_parser *parser = bls->parser;
	struct config_entry *entry = &parser->entry;
	const char *title = cookie;
	const char *path = bls->source->file_name;
	entry->kind = CONFIG_ENTRY_EFI;
	entry->kernel_path = config_copy_string(parser, path, strlen(path));
	entry->title = config_copy_string(parser, title, strlen(title));
}


status_t
config_add_found_entry(struct boot_config *config, const struct config_bls_source *source,
	const char *title)
{
	return add_source_entry(config, source, fill_found, title, true);
}


/* --- the order of the menu ----------------------------------------------- */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}


/* Up to INT32_MAX, as systemd-boot reads them; false for no digits or more. */
static bool
parse_count(const char **_text, const char *end, int32_t *_count)
{
	const char *text = *_text;
	int64_t count = 0;
	if (text == end || !is_digit(*text))
		return false;
	for (; text < end && is_digit(*text); text++) {
		count = count * 10 + (*text - '0');
		if (count > INT32_MAX)
			return false;
	}
	*_text = text;
	*_count = (int32_t)count;
	return true;
}


/* "+<left>[-<done>]" up to end and nothing after it; tries done are 0 when not given. */
static bool
parse_counter(const char *counter, const char *end, int32_t *_left, int32_t *_done)
{
	const char *next = counter + 1;
	*_done = 0;
	if (!parse_count(&next, end, _left))
		return false;
	if (next < end && *next == '-') {
		next++;
		if (!parse_count(&next, end, _done))
			return false;
	}
	return next == end;
}


size_t
config_bls_counter(const char *stem, size_t length, int32_t *_triesLeft, int32_t *_triesDone)
{
	size_t plus = length;
	while (plus > 0 && stem[plus - 1] != '+')
		plus--;
	/* plus is one past the last '+', and a name comes before it */
	if (plus > 1 && parse_counter(stem + plus - 1, stem + length, _triesLeft, _triesDone))
		return plus - 1;
	*_triesLeft = -1;
	*_triesDone = -1;
	return length;
}


/* The specification's "alphanumerical order": bytes, and nothing before anything. */
static int
compare_text(const char *a, const char *b)
{
	bool aEmpty = a == NULL || a[0] == '\0';
	bool bEmpty = b == NULL || b[0] == '\0';
	if (aEmpty || bEmpty)
		return aEmpty == bEmpty ? 0 : aEmpty ? -1 : 1;
	int result = strcmp(a, b);
	return result < 0 ? -1 : result > 0 ? 1 : 0;
}


/*
 * The specification's "Sorting", for a menu with the best entry on top:
 * bad entries last; entries with a sort-key before those without, among
 * themselves by sort-key and machine-id, A to Z, then by version, newest
 * first; last, and for all that is left equal, by the file name without
 * ".conf" (the id), again newest version first. An entry without a version
 * counts as version "", older than any.
 */
static int
compare_entries(const struct config_bls_entry *a, const struct config_bls_entry *b)
{
	/* with no tries left, boot counting calls an entry bad */
	bool aBad = a->tries_left == 0;
	bool bBad = b->tries_left == 0;
	if (aBad != bBad)
		return aBad ? 1 : -1;
	bool aKeyed = a->sort_key != NULL;
	bool bKeyed = b->sort_key != NULL;
	if (aKeyed != bKeyed)
		return aKeyed ? -1 : 1;
	if (aKeyed) {
		int result = compare_text(a->sort_key, b->sort_key);
		if (result == 0)
			result = compare_text(a->machine_id, b->machine_id);
		if (result == 0) {
			result = -config_compare_versions(a->version != NULL ? a->version : "",
				b->version != NULL ? b->version : "");
		}
		if (result != 0)
			return result;
	}
	return -config_compare_versions(a->id, b->id);
}


/*
 * A stable insertion sort of the Type #1 entries in the places they have,
 * so that entries of the configuration file stay where they are, and equal
 * entries (one id on two volumes) in the order they were found.
 */
void
config_sort_bls_entries(struct boot_config *config)
{
	uint32_t places[CONFIG_MAX_ENTRIES];
	uint32_t count = 0;
	for (uint32_t i = 0; i < config->entry_count; i++) {
		if (config->entries[i].bls != NULL)
			places[count++] = i;
	}
	for (uint32_t i = 1; i < count; i++) {
		struct config_entry moving = config->entries[places[i]];
		uint32_t j = i;
		while (j > 0 && compare_entries(config->entries[places[j - 1]].bls, moving.bls) > 0) {
			config->entries[places[j]] = config->entries[places[j - 1]];
			j--;
		}
		config->entries[places[j]] = moving;
	}
}
