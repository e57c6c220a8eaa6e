/* SPDX-License-Identifier: MIT */
/*
 * The signed trust manifest: its signature check and its parser, for lines as
 * GNU sha256sum prints them, so that users make manifests with the real tool.
 */
#include <boot/manifest.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/unicode.h>


#define DIGEST_HEX_LENGTH	(2 * SHA256_DIGEST_SIZE)
/* The digest, a space, a space or '*': where the path starts. */
#define PATH_OFFSET			(DIGEST_HEX_LENGTH + 2)

/* sha256sum --tag writes "SHA256 (path) = digest"; named so users see why. */
static const char kTagPrefix[] = "SHA256 (";

/* One line of the text, without its line ending. */
struct manifest_line {
	const char	*text;
	size_t		length;
	uint32_t	number;
};

/* What an entry line holds, its path pointing into the text. */
struct manifest_fields {
	uint8_t		digest[SHA256_DIGEST_SIZE];
	const char	*path;
	size_t		path_length;
};


static void
manifest_error(char *error, size_t errorSize, const char *format, ...)
	__attribute__((format(printf, 3, 4)));


static void
manifest_error(char *error, size_t errorSize, const char *format, ...)
{
	if (error == NULL || errorSize == 0)
		return;
	va_list args;
	va_start(args, format);
	vsnprintf(error, errorSize, format, args);
	va_end(args);
}


static int
manifest_hex_value(char digit)
{
	if (digit >= '0' && digit <= '9')
		return digit - '0';
	if (digit >= 'a' && digit <= 'f')
		return digit - 'a' + 10;
	if (digit >= 'A' && digit <= 'F')
		return digit - 'A' + 10;
	return -1;
}


static char
manifest_fold(char character)
{
	return character >= 'A' && character <= 'Z' ? (char)(character - 'A' + 'a') : character;
}


/* FAT compares names without regard to ASCII case, so the manifest does too. */
static bool
manifest_same_path(const char *a, const char *b)
{
	while (*a != '\0' && manifest_fold(*a) == manifest_fold(*b)) {
		a++;
		b++;
	}
	return manifest_fold(*a) == manifest_fold(*b);
}


static bool
manifest_is_control(uint32_t character)
{
	return character < 0x20 || (character >= 0x7f && character < 0xa0);
}


status_t
manifest_check_signature(const void *text, size_t size, const void *signature,
	size_t signatureSize, const uint8_t publicKey[ED25519_PUBLIC_KEY_SIZE], char *error,
	size_t errorSize)
{
	if (size > MANIFEST_MAX_SIZE) {
		manifest_error(error, errorSize, "the manifest is %zu bytes, more than %d", size,
			MANIFEST_MAX_SIZE);
		return B_BAD_DATA;
	}
	if (signatureSize != ED25519_SIGNATURE_SIZE) {
		manifest_error(error, errorSize, "signature is %zu bytes, not %d", signatureSize,
			ED25519_SIGNATURE_SIZE);
		return B_BAD_DATA;
	}
	if (!ed25519_verify(signature, text, size, publicKey)) {
		manifest_error(error, errorSize, "signature does not match the built-in key");
		return B_NOT_ALLOWED;
	}
	return B_OK;
}


/*
 * The line at *_offset, advancing past its '\n'; false at the end. The text
 * ends in '\n' (checked before), so every line has one. A '\r' before it
 * belongs to the ending: files edited on Windows stay readable.
 */
static bool
manifest_next_line(const char *text, size_t size, size_t *_offset,
	struct manifest_line *line)
{
	size_t offset = *_offset;
	if (offset >= size)
		return false;
	const char *end = memchr(text + offset, '\n', size - offset);
	size_t length = (size_t)(end - (text + offset));
	line->text = text + offset;
	line->length = length > 0 && end[-1] == '\r' ? length - 1 : length;
	line->number++;
	*_offset = offset + length + 1;
	return true;
}


static bool
manifest_is_entry(const struct manifest_line *line)
{
	return line->length > 0 && line->text[0] != '#';
}


/* The 64 hex digits at the start of line, or why they are not there. */
static status_t
manifest_parse_digest(const struct manifest_line *line, uint8_t digest[SHA256_DIGEST_SIZE],
	char *error, size_t errorSize)
{
	size_t count = 0;
	while (count < line->length && manifest_hex_value(line->text[count]) >= 0)
		count++;

	if (count < DIGEST_HEX_LENGTH && count < line->length && line->text[count] != ' ') {
		unsigned char bad = (unsigned char)line->text[count];
		if (bad > ' ' && bad < 0x7f) {
			manifest_error(error, errorSize, "line %u: '%c' is not a hex digit",
				(unsigned)line->number, bad);
		} else {
			manifest_error(error, errorSize, "line %u: byte 0x%02x is not a hex digit",
				(unsigned)line->number, bad);
		}
		return B_BAD_DATA;
	}
	if (count != DIGEST_HEX_LENGTH) {
		manifest_error(error, errorSize, "line %u: the digest has %zu hex digits, not %d",
			(unsigned)line->number, count, DIGEST_HEX_LENGTH);
		return B_BAD_DATA;
	}

	for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
		digest[i] = (uint8_t)(manifest_hex_value(line->text[2 * i]) << 4
			| manifest_hex_value(line->text[2 * i + 1]));
	}
	return B_OK;
}


/* Bytes the VFS could look up: UTF-8 without NUL or control characters. */
static status_t
manifest_check_path_bytes(const struct manifest_line *line, const char *path, size_t length,
	char *error, size_t errorSize)
{
	size_t offset = 0;
	while (offset < length) {
		uint32_t character;
		size_t size;
		if (unicode_utf8_decode((const uint8_t *)path + offset, length - offset,
				&character, &size) != UNICODE_UTF8_VALID) {
			manifest_error(error, errorSize, "line %u: the path is not valid UTF-8",
				(unsigned)line->number);
			return B_BAD_DATA;
		}
		if (character == 0) {
			manifest_error(error, errorSize, "line %u: the path contains a NUL byte",
				(unsigned)line->number);
			return B_BAD_DATA;
		}
		if (manifest_is_control(character)) {
			manifest_error(error, errorSize,
				"line %u: the path contains control character U+%04X",
				(unsigned)line->number, (unsigned)character);
			return B_BAD_DATA;
		}
		offset += size;
	}
	return B_OK;
}


/*
 * The loader looks files up by their plain path, so "./boot/kernel" (what
 * `sha256sum ./boot/kernel` prints) or "boot//kernel" would never match:
 * refused here rather than silently ignored.
 */
static status_t
manifest_check_path_components(const struct manifest_line *line, const char *path,
	size_t length, char *error, size_t errorSize)
{
	size_t start = path[0] == '/' ? 1 : 0;
	while (start <= length) {
		const char *slash = memchr(path + start, '/', length - start);
		size_t end = slash != NULL ? (size_t)(slash - path) : length;
		size_t size = end - start;
		const char *component = path + start;
		if (size == 0 || (size == 1 && component[0] == '.')
			|| (size == 2 && component[0] == '.' && component[1] == '.')) {
			manifest_error(error, errorSize,
				"line %u: the path has an empty, '.' or '..' component",
				(unsigned)line->number);
			return B_BAD_DATA;
		}
		start = end + 1;
	}
	return B_OK;
}


static status_t
manifest_parse_path(const struct manifest_line *line, struct manifest_fields *fields,
	char *error, size_t errorSize)
{
	const char *path = line->text + PATH_OFFSET;
	size_t length = line->length - PATH_OFFSET;
	if (length == 0 || (length == 1 && path[0] == '/')) {
		manifest_error(error, errorSize, "line %u: the path is empty", (unsigned)line->number);
		return B_BAD_DATA;
	}
	if (length > MANIFEST_MAX_PATH_LENGTH) {
		manifest_error(error, errorSize, "line %u: the path is %zu bytes long, more than %d",
			(unsigned)line->number, length, MANIFEST_MAX_PATH_LENGTH);
		return B_BAD_DATA;
	}
	status_t status = manifest_check_path_bytes(line, path, length, error, errorSize);
	if (status == B_OK)
		status = manifest_check_path_components(line, path, length, error, errorSize);
	if (status != B_OK)
		return status;

	fields->path = path;
	fields->path_length = length;
	return B_OK;
}


/* "<64 hex digits> <' ' or '*'><path>", as sha256sum prints it in text or binary mode. */
static status_t
manifest_parse_fields(const struct manifest_line *line, struct manifest_fields *fields,
	char *error, size_t errorSize)
{
	if (line->text[0] == '\\') {
		/* sha256sum's escapes are for names with '\\' or a line break: none a loader needs */
		manifest_error(error, errorSize,
			"line %u: escaped file names (a line starting with '\\') are not supported",
			(unsigned)line->number);
		return B_BAD_DATA;
	}
	if (line->length >= sizeof(kTagPrefix) - 1
		&& memcmp(line->text, kTagPrefix, sizeof(kTagPrefix) - 1) == 0) {
		manifest_error(error, errorSize,
			"line %u: sha256sum --tag lines are not supported, only its default output",
			(unsigned)line->number);
		return B_BAD_DATA;
	}

	status_t status = manifest_parse_digest(line, fields->digest, error, errorSize);
	if (status != B_OK)
		return status;
	if (line->length < PATH_OFFSET || line->text[DIGEST_HEX_LENGTH] != ' '
		|| (line->text[DIGEST_HEX_LENGTH + 1] != ' '
			&& line->text[DIGEST_HEX_LENGTH + 1] != '*')) {
		manifest_error(error, errorSize,
			"line %u: the digest is not followed by two spaces, or a space and '*'",
			(unsigned)line->number);
		return B_BAD_DATA;
	}
	return manifest_parse_path(line, fields, error, errorSize);
}


/*
 * Checks every line and counts the entries and the bytes of their paths as
 * stored: with a leading '/' and a NUL.
 */
static status_t
manifest_measure(const char *text, size_t size, uint32_t *_count, size_t *_pathBytes,
	char *error, size_t errorSize)
{
	struct manifest_line line = { NULL, 0, 0 };
	size_t offset = 0;
	uint32_t count = 0;
	size_t pathBytes = 0;
	while (manifest_next_line(text, size, &offset, &line)) {
		if (!manifest_is_entry(&line))
			continue;
		struct manifest_fields fields;
		status_t status = manifest_parse_fields(&line, &fields, error, errorSize);
		if (status != B_OK)
			return status;
		count++;
		pathBytes += fields.path_length + 2;
	}
	if (count == 0) {
		manifest_error(error, errorSize, "the manifest lists no files");
		return B_BAD_DATA;
	}
	*_count = count;
	*_pathBytes = pathBytes;
	return B_OK;
}


/* Lines that were checked by manifest_measure() into entries, paths after them. */
static void
manifest_fill(const char *text, size_t size, struct manifest_entry *entries, uint32_t count)
{
	char *paths = (char *)(entries + count);
	struct manifest_line line = { NULL, 0, 0 };
	size_t offset = 0;
	struct manifest_entry *entry = entries;
	while (manifest_next_line(text, size, &offset, &line)) {
		if (!manifest_is_entry(&line))
			continue;
		struct manifest_fields fields;
		manifest_parse_fields(&line, &fields, NULL, 0);
		memcpy(entry->digest, fields.digest, sizeof(entry->digest));
		entry->line = line.number;
		entry->path = paths;
		if (fields.path[0] != '/')
			*paths++ = '/';
		memcpy(paths, fields.path, fields.path_length);
		paths += fields.path_length;
		*paths++ = '\0';
		entry++;
	}
}


/* A quadratic search, but a 64 KiB manifest holds fewer than a thousand entries. */
static status_t
manifest_check_duplicates(const struct manifest *manifest, char *error, size_t errorSize)
{
	for (uint32_t i = 1; i < manifest->count; i++) {
		const struct manifest_entry *entry = &manifest->entries[i];
		for (uint32_t j = 0; j < i; j++) {
			if (!manifest_same_path(manifest->entries[j].path, entry->path))
				continue;
			manifest_error(error, errorSize, "line %u: the path is on line %u already: %s",
				(unsigned)entry->line, (unsigned)manifest->entries[j].line, entry->path);
			return B_BAD_DATA;
		}
	}
	return B_OK;
}


static uint32_t
manifest_count_lines(const char *text, size_t size)
{
	uint32_t lines = 1;
	for (size_t i = 0; i + 1 < size; i++) {
		if (text[i] == '\n')
			lines++;
	}
	return lines;
}


status_t
manifest_parse(const char *text, size_t size, struct manifest *manifest, char *error,
	size_t errorSize)
{
	manifest->entries = NULL;
	manifest->count = 0;
	if (size > MANIFEST_MAX_SIZE) {
		manifest_error(error, errorSize, "the manifest is %zu bytes, more than %d", size,
			MANIFEST_MAX_SIZE);
		return B_BAD_DATA;
	}
	if (size > 0 && text[size - 1] != '\n') {
		/* a file cut short by a full disk or an interrupted copy ends mid-line */
		manifest_error(error, errorSize, "line %u: the last line has no newline (truncated file?)",
			(unsigned)manifest_count_lines(text, size));
		return B_BAD_DATA;
	}

	uint32_t count;
	size_t pathBytes;
	status_t status = manifest_measure(text, size, &count, &pathBytes, error, errorSize);
	if (status != B_OK)
		return status;

	/* one block for the entries and their paths: one free, no partial cleanup */
	struct manifest_entry *entries = heap_alloc(count * sizeof(*entries) + pathBytes);
	if (entries == NULL) {
		manifest_error(error, errorSize, "out of memory for %u entries", (unsigned)count);
		return B_NO_MEMORY;
	}
	manifest_fill(text, size, entries, count);

	struct manifest parsed = { entries, count };
	status = manifest_check_duplicates(&parsed, error, errorSize);
	if (status != B_OK) {
		heap_free(entries);
		return status;
	}
	*manifest = parsed;
	return B_OK;
}


const struct manifest_entry *
manifest_find(const struct manifest *manifest, const char *path)
{
	if (manifest == NULL || path == NULL)
		return NULL;
	if (path[0] == '/')
		path++;
	for (uint32_t i = 0; i < manifest->count; i++) {
		/* stored paths all start with '/' */
		if (manifest_same_path(manifest->entries[i].path + 1, path))
			return &manifest->entries[i];
	}
	return NULL;
}


void
manifest_free(struct manifest *manifest)
{
	if (manifest == NULL)
		return;
	heap_free(manifest->entries);
	manifest->entries = NULL;
	manifest->count = 0;
}
