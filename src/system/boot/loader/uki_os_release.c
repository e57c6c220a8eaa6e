/* SPDX-License-Identifier: MIT */
/*
 * os-release files (the format of a unified kernel image's .osrel section):
 * KEY=VALUE lines that a shell could source, so values may be quoted and
 * escaped as a shell would read them.
 */
#include <boot/uki.h>

#include <string.h>


/*
 * A value as the shell reads it: quotes dropped, "\x" as x outside single
 * quotes. A NUL byte ends it, as it would a shell's word: a value is found
 * only when something is left before one.
 */
static bool
os_release_unquote(const char *text, size_t length, char *value, size_t valueSize)
{
	while (length > 0 && (text[length - 1] == '\r' || text[length - 1] == ' '
			|| text[length - 1] == '\t'))
		length--;
	char quote = '\0';
	size_t out = 0;
	for (size_t i = 0; i < length && text[i] != '\0'; i++) {
		char c = text[i];
		if (quote == '\0' && (c == '"' || c == '\'')) {
			quote = c;
			continue;
		}
		if (c == quote) {
			quote = '\0';
			continue;
		}
		if (c == '\\' && quote != '\'' && i + 1 < length)
			c = text[++i];
		if (c == '\0')
			break;
		if (out + 1 >= valueSize) {
			value[0] = '\0';
			return false;
		}
		value[out++] = c;
	}
	value[out] = '\0';
	return out > 0;
}


/* As in a shell, the last assignment of a key is the one that counts. */
bool
uki_os_release_value(const char *text, size_t length, const char *key, char *value,
	size_t valueSize)
{
	size_t keyLength = strlen(key);
	bool found = false;
	value[0] = '\0';
	for (size_t start = 0; start < length;) {
		const char *line = text + start;
		const char *end = memchr(line, '\n', length - start);
		size_t lineLength = end != NULL ? (size_t)(end - line) : length - start;
		start += lineLength + 1;
		if (lineLength > keyLength && memcmp(line, key, keyLength) == 0
				&& line[keyLength] == '=') {
			found = os_release_unquote(line + keyLength + 1, lineLength - keyLength - 1,
				value, valueSize);
		}
	}
	return found;
}
