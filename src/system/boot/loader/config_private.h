/* SPDX-License-Identifier: MIT */
/*
 * What the configuration parser's files share: the parser state, the tokens
 * of one line, diagnostics and the key handlers.
 */
#ifndef CONFIG_PRIVATE_H
#define CONFIG_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/config.h>

#define CONFIG_MAX_TOKENS		32
/* Room for quoting user text in a message, "..." included. */
#define CONFIG_EXCERPT_LENGTH	40

enum config_token_type {
	CONFIG_TOKEN_WORD,		/* bare text */
	CONFIG_TOKEN_STRING,	/* quoted text, escapes resolved */
	CONFIG_TOKEN_EQUALS,	/* the first "=" of a line */
	CONFIG_TOKEN_OPEN,		/* "{" */
	CONFIG_TOKEN_CLOSE,		/* "}" */
};

struct config_token {
	enum config_token_type	type;
	const char	*text;		/* NUL-terminated, no NUL inside; "=", "{" or "}" too */
	size_t		length;
	uint32_t	column;		/* 1-based, in characters */
};

enum config_block {
	CONFIG_BLOCK_NONE,		/* at the top level */
	CONFIG_BLOCK_ENTRY,		/* between "entry ... {" and "}" */
	CONFIG_BLOCK_AWAIT_OPEN,	/* after "entry <title>" without its "{" */
};

/* The keys, in the order of the key table (config_keys.c). */
enum config_key_id {
	CONFIG_KEY_TIMEOUT,
	CONFIG_KEY_DEFAULT,
	CONFIG_KEY_SERIAL,
	CONFIG_KEY_VERBOSITY,
	CONFIG_KEY_VIDEO,
	CONFIG_KEY_ALLOW_WRITE_EXECUTE,
	CONFIG_KEY_REQUIRE_VERIFICATION,
	CONFIG_KEY_RESOLUTION,
	CONFIG_KEY_CONSOLE,
	CONFIG_KEY_AUTO_ENTRIES,
	CONFIG_KEY_EDITOR,
	CONFIG_KEY_KERNEL,				/* the entry keys from here on */
	CONFIG_KEY_LINUX,
	CONFIG_KEY_EFI,
	CONFIG_KEY_CMDLINE,
	CONFIG_KEY_MODULE,
	CONFIG_KEY_INITRD,
	CONFIG_KEY_OPTIONS,
	CONFIG_KEY_SPLASH,
	CONFIG_KEY_DEVICETREE,
	CONFIG_KEY_DEVICETREE_OVERLAY,
	CONFIG_KEY_COUNT
};

struct config_parser {
	struct boot_config	*config;
	/* what its diagnostics name, copied into each; NULL: the configuration file */
	const char	*file_name;
	bool		out_of_memory;
	uint32_t	line_number;
	bool		lex_failed;				/* the line has an error */

	enum config_block	block;
	struct config_entry	entry;			/* the one being parsed */
	bool		entry_discarded;		/* parsed for its errors, then dropped */

	uint32_t	key_lines[CONFIG_KEY_COUNT];	/* where each was set; entry keys per entry */
	uint32_t	default_line;
	uint32_t	default_column;

	uint32_t	token_count;
	struct config_token	tokens[CONFIG_MAX_TOKENS];
	char		buffer[CONFIG_MAX_LINE_LENGTH + CONFIG_MAX_TOKENS + 1];
};

struct config_key {
	const char	*name;
	bool		in_entry;		/* else global */
	bool		repeatable;
	uint32_t	max_values;
	const char	*arity;			/* for "<key> takes <arity>" */
	/* Apply values (never empty); report and return false when they are bad. */
	bool		(*apply)(struct config_parser *parser, const struct config_token *values,
					uint32_t count);
};

/* Quoted user text for a message: printable UTF-8, cut with "..." if long. */
struct config_excerpt {
	char		text[CONFIG_EXCERPT_LENGTH + 4];
};

static inline char
config_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* One line of a file, without its line end; parser->line_number is its number. */
typedef void config_line_function(void *context, const char *text, size_t length);

/* config_lexer.c */
void config_read_lines(struct config_parser *parser, const char *text, size_t length,
	config_line_function *parseLine, void *context);
bool config_lex_line(struct config_parser *parser, const char *text, size_t length);
bool config_check_line(struct config_parser *parser, const char *text, size_t length);
bool config_is_printable(const char *text, size_t length);
uint32_t config_column(const char *text, size_t offset);
/* A diagnostic about file (NULL: the configuration file) into config. */
void config_diagnose(struct boot_config *config, const char *file, uint32_t line,
	uint32_t column, const char *format, va_list args) __attribute__((format(printf, 5, 0)));
void config_add_diagnostic(struct config_parser *parser, uint32_t line, uint32_t column,
	const char *format, va_list args) __attribute__((format(printf, 4, 0)));
void config_error(struct config_parser *parser, uint32_t column, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
void config_error_at(struct config_parser *parser, uint32_t line, uint32_t column,
	const char *format, ...) __attribute__((format(printf, 4, 5)));
const char *config_excerpt(struct config_excerpt *excerpt, const char *text, size_t length);
bool config_equals_ignore_case(const char *a, const char *b);

/* config.c */
void config_sort_diagnostics(struct boot_config *config, uint32_t first);

/* config_keys.c */
const struct config_key *config_find_key(const char *name, enum config_key_id *_id);
const char *config_suggest_key(const char *name);
char *config_copy_string(struct config_parser *parser, const char *text, size_t length);
void config_free_entry(struct config_entry *entry);
void config_check_entry_kind(struct config_parser *parser);
bool config_check_room(struct config_parser *parser, uint32_t column, uint32_t count,
	uint32_t limit, const char *what, const char *entryName);
bool config_add_path(struct config_parser *parser, char ***_paths, uint32_t *_count,
	uint32_t limit, char *path);

#endif
