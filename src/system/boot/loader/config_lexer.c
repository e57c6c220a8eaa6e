/* SPDX-License-Identifier: MIT */
/*
 * The configuration file's lines and tokens: one line at a time, with its
 * quoted strings unescaped and its bytes checked, and the parser's diagnostics.
 */
#include "config_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/unicode.h>


static bool
is_control(uint32_t character)
{
	return character < 0x20 || (character >= 0x7f && character < 0xa0);
}


/*
 * Bytes of the well-formed UTF-8 character at text, its code point in
 * *_character; 0 for bytes that are not UTF-8 (unicode_utf8_decode() says
 * what is not), of which callers skip one at a time.
 */
static size_t
utf8_character(const unsigned char *text, size_t available, uint32_t *_character)
{
	size_t length;
	if (unicode_utf8_decode(text, available, _character, &length) != UNICODE_UTF8_VALID)
		return 0;
	return length;
}


bool
config_equals_ignore_case(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = config_lower(*a);
		char y = config_lower(*b);
		if (x != y)
			return false;
		if (x == '\0')
			return true;
	}
}


bool
config_is_printable(const char *text, size_t length)
{
	const unsigned char *in = (const unsigned char *)text;
	size_t i = 0;
	while (i < length) {
		uint32_t character;
		size_t size = utf8_character(in + i, length - i, &character);
		if (size == 0 || is_control(character))
			return false;
		i += size;
	}
	return true;
}


const char *
config_excerpt(struct config_excerpt *excerpt, const char *text, size_t length)
{
	const unsigned char *in = (const unsigned char *)text;
	size_t out = 0;
	size_t i = 0;
	while (i < length) {
		uint32_t character;
		size_t size = utf8_character(in + i, length - i, &character);
		bool printable = size > 0 && !is_control(character);
		if (size == 0)
			size = 1;
		if (out + (printable ? size : 1) > CONFIG_EXCERPT_LENGTH - 3) {
			memcpy(excerpt->text + out, "...", 3);
			out += 3;
			break;
		}
		if (printable) {
			memcpy(excerpt->text + out, in + i, size);
			out += size;
		} else
			excerpt->text[out++] = '?';
		i += size;
	}
	excerpt->text[out] = '\0';
	return excerpt->text;
}


void
config_diagnose(struct boot_config *config, const char *file, uint32_t line, uint32_t column,
	const char *format, va_list args)
{
	if (config->diagnostic_count == CONFIG_MAX_DIAGNOSTICS) {
		config->diagnostics_dropped++;
		return;
	}
	char *fileName = NULL;
	if (file != NULL) {
		/* a message without its file would be taken for the configuration file's */
		size_t length = strlen(file);
		fileName = heap_alloc(length + 1);
		if (fileName == NULL) {
			config->diagnostics_dropped++;
			return;
		}
		memcpy(fileName, file, length + 1);
	}
	struct config_diagnostic *diagnostic = &config->diagnostics[config->diagnostic_count++];
	diagnostic->line = line;
	diagnostic->column = column;
	diagnostic->file_name = fileName;
	vsnprintf(diagnostic->message, sizeof(diagnostic->message), format, args);
}


void
config_add_diagnostic(struct config_parser *parser, uint32_t line, uint32_t column,
	const char *format, va_list args)
{
	config_diagnose(parser->config, parser->file_name, line, column, format, args);
}


void
config_error(struct config_parser *parser, uint32_t column, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	config_add_diagnostic(parser, parser->line_number, column, format, args);
	va_end(args);
}


void
config_error_at(struct config_parser *parser, uint32_t line, uint32_t column,
	const char *format, ...)
{
	va_list args;
	va_start(args, format);
	config_add_diagnostic(parser, line, column, format, args);
	va_end(args);
}


/* Lines are validated as they are read, so the bytes before offset are UTF-8. */
uint32_t
config_column(const char *text, size_t offset)
{
	uint32_t column = 1;
	for (size_t i = 0; i < offset; i++) {
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			column++;
	}
	return column;
}


/* Only a line's first problem is reported; the rest would be noise. */
static void
lex_error(struct config_parser *parser, uint32_t column, const char *format, ...)
	__attribute__((format(printf, 3, 4)));


static void
lex_error(struct config_parser *parser, uint32_t column, const char *format, ...)
{
	if (parser->lex_failed)
		return;
	parser->lex_failed = true;
	va_list args;
	va_start(args, format);
	config_add_diagnostic(parser, parser->line_number, column, format, args);
	va_end(args);
}


/*
 * Bytes of the character at offset. One that may not stand in a token is
 * reported and skipped (1 byte). Raw tabs only get here inside quotes.
 */
static size_t
lex_character(struct config_parser *parser, const char *text, size_t length, size_t offset,
	bool *_valid)
{
	const unsigned char *in = (const unsigned char *)text + offset;
	uint32_t character;
	size_t size = utf8_character(in, length - offset, &character);
	*_valid = false;
	if (size == 0) {
		lex_error(parser, config_column(text, offset), "line contains invalid UTF-8");
		return 1;
	}
	if (character == 0) {
		lex_error(parser, config_column(text, offset), "line contains a NUL byte");
		return size;
	}
	if (is_control(character) && character != '\t') {
		lex_error(parser, config_column(text, offset), "line contains control character U+%04X",
			(unsigned)character);
		return size;
	}
	*_valid = true;
	return size;
}


/* For lines that are not split into tokens: all of it must be characters a token could hold. */
bool
config_check_line(struct config_parser *parser, const char *text, size_t length)
{
	parser->lex_failed = false;
	size_t i = 0;
	while (i < length && !parser->lex_failed) {
		bool valid;
		i += lex_character(parser, text, length, i, &valid);
	}
	return !parser->lex_failed;
}


/* After the opening quote at *_offset; leaves *_offset past the closing one. */
static void
lex_string(struct config_parser *parser, const char *text, size_t length, size_t *_offset,
	uint32_t column, char **_out)
{
	size_t i = *_offset + 1;
	char *out = *_out;
	while (i < length && text[i] != '"') {
		bool valid;
		if (text[i] != '\\') {
			size_t size = lex_character(parser, text, length, i, &valid);
			if (valid) {
				memcpy(out, text + i, size);
				out += size;
			}
			i += size;
			continue;
		}
		if (i + 1 == length) {
			i++;
			break;
		}
		char escaped = text[i + 1];
		if (escaped == '"' || escaped == '\\')
			*out++ = escaped;
		else if (escaped == 'n')
			*out++ = '\n';
		else if (escaped == 't')
			*out++ = '\t';
		else {
			size_t size = lex_character(parser, text, length, i + 1, &valid);
			if (valid) {
				struct config_excerpt excerpt;
				lex_error(parser, config_column(text, i),
					"unknown escape \"\\%s\" in string (use \\\" \\\\ \\n or \\t)",
					config_excerpt(&excerpt, text + i + 1, size));
			}
			i += 1 + size;
			continue;
		}
		i += 2;
	}
	if (i >= length)
		lex_error(parser, column, "unterminated string");
	else
		i++;
	*_offset = i;
	*_out = out;
}


/*
 * Split a line (without its line end) into parser->tokens. The first "="
 * is a token of its own; after it, "=" is part of the words (paths such as
 * "(label=SYSTEM)/boot/kernel", command lines such as "root=/dev/x").
 * Reports the first problem and returns false, but still splits the whole
 * line as well as it can, so that the parser can keep to its blocks.
 */
bool
config_lex_line(struct config_parser *parser, const char *text, size_t length)
{
	char *out = parser->buffer;
	bool sawEquals = false;
	size_t i = 0;
	parser->token_count = 0;
	parser->lex_failed = false;

	while (i < length) {
		char c = text[i];
		if (c == ' ' || c == '\t') {
			i++;
			continue;
		}
		if (c == '#')
			break;
		uint32_t column = config_column(text, i);
		if (parser->token_count == CONFIG_MAX_TOKENS) {
			lex_error(parser, column, "too many values on one line (at most %d)",
				CONFIG_MAX_TOKENS);
			break;
		}
		struct config_token *token = &parser->tokens[parser->token_count];
		token->column = column;

		if (c == '{' || c == '}' || (c == '=' && !sawEquals)) {
			token->type = c == '{' ? CONFIG_TOKEN_OPEN
				: c == '}' ? CONFIG_TOKEN_CLOSE : CONFIG_TOKEN_EQUALS;
			token->text = c == '{' ? "{" : c == '}' ? "}" : "=";
			token->length = 1;
			sawEquals |= c == '=';
			parser->token_count++;
			i++;
			continue;
		}

		token->text = out;
		if (c == '"') {
			token->type = CONFIG_TOKEN_STRING;
			lex_string(parser, text, length, &i, column, &out);
		} else {
			token->type = CONFIG_TOKEN_WORD;
			while (i < length) {
				c = text[i];
				if (c == ' ' || c == '\t' || c == '"' || c == '#' || c == '{' || c == '}'
					|| (c == '=' && !sawEquals)) {
					break;
				}
				bool valid;
				size_t size = lex_character(parser, text, length, i, &valid);
				if (valid) {
					memcpy(out, text + i, size);
					out += size;
				}
				i += size;
			}
		}
		/* a token never takes more room than its source, plus the NUL */
		*out++ = '\0';
		token->length = (size_t)(out - token->text) - 1;
		parser->token_count++;
	}
	return !parser->lex_failed;
}


/*
 * Hand each line of a file to parseLine, after what all of the loader's text
 * files share: a UTF-8 byte order mark skipped, CRLF taken as a line end, and
 * the size limits reported. Stops when the parser runs out of memory.
 */
void
config_read_lines(struct config_parser *parser, const char *text, size_t length,
	config_line_function *parseLine, void *context)
{
	/* what Windows editors put first */
	if (length >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		length -= 3;
	}
	/* cut at a line end, so that no line is taken in part */
	size_t parsed = length;
	if (length > CONFIG_MAX_FILE_SIZE) {
		parsed = CONFIG_MAX_FILE_SIZE;
		while (parsed > 0 && text[parsed - 1] != '\n')
			parsed--;
	}

	size_t offset = 0;
	while (offset < parsed && !parser->out_of_memory) {
		const char *end = memchr(text + offset, '\n', parsed - offset);
		size_t lineLength = end != NULL ? (size_t)(end - (text + offset)) : parsed - offset;
		size_t next = offset + lineLength + (end != NULL ? 1 : 0);
		parser->line_number++;
		if (lineLength > 0 && text[offset + lineLength - 1] == '\r')
			lineLength--;
		if (lineLength > CONFIG_MAX_LINE_LENGTH) {
			config_error(parser, 0, "line is longer than %d bytes", CONFIG_MAX_LINE_LENGTH);
		} else
			parseLine(context, text + offset, lineLength);
		offset = next;
	}
	if (parsed < length) {
		config_error_at(parser, parser->line_number + 1, 0,
			"file is larger than %d bytes; the rest is ignored", CONFIG_MAX_FILE_SIZE);
	}
}
