/* SPDX-License-Identifier: MIT */
/*
 * The boot menu's line editor: keys on a UTF-8 buffer, by characters.
 */
#include <boot/line_editor.h>

#include <stdbool.h>
#include <string.h>

#include <boot/platform.h>
#include <boot/unicode.h>


static bool
is_continuation(char byte)
{
	return ((uint8_t)byte & 0xc0) == 0x80;
}


static size_t
next_character(const struct line_editor *editor, size_t offset)
{
	if (offset >= editor->length)
		return editor->length;
	offset++;
	while (offset < editor->length && is_continuation(editor->text[offset]))
		offset++;
	return offset;
}


static size_t
previous_character(const struct line_editor *editor, size_t offset)
{
	if (offset == 0)
		return 0;
	offset--;
	while (offset > 0 && is_continuation(editor->text[offset]))
		offset--;
	return offset;
}


/* Characters in [from, to). */
static size_t
count_characters(const struct line_editor *editor, size_t from, size_t to)
{
	size_t count = 0;
	while (from < to) {
		from = next_character(editor, from);
		count++;
	}
	return count;
}


void
line_editor_init(struct line_editor *editor, char *buffer, size_t capacity,
	const char *text)
{
	size_t length = unicode_utf8_prefix_length(text, capacity - 1);
	memcpy(buffer, text, length);
	buffer[length] = '\0';
	editor->text = buffer;
	editor->capacity = capacity;
	editor->length = length;
	editor->cursor = length;
	editor->scroll = 0;
}


/* The UTF-8 form of a code point; 0 for what may not be inserted (and keys). */
static size_t
encode_character(int32_t key, char *bytes)
{
	uint32_t c = (uint32_t)key;
	if (key < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0xd800 && c < 0xe000)
		|| c > 0x10ffff)
		return 0;
	return unicode_utf8_encode(c, bytes);
}


static void
erase(struct line_editor *editor, size_t from, size_t to)
{
	memmove(editor->text + from, editor->text + to, editor->length - to + 1);
	editor->length -= to - from;
	editor->cursor = from;
}


static void
insert(struct line_editor *editor, int32_t key)
{
	char bytes[4];
	size_t size = encode_character(key, bytes);
	if (size == 0 || editor->length + size >= editor->capacity)
		return;
	char *at = editor->text + editor->cursor;
	memmove(at + size, at, editor->length - editor->cursor + 1);
	memcpy(at, bytes, size);
	editor->length += size;
	editor->cursor += size;
}


enum line_editor_result
line_editor_key(struct line_editor *editor, int32_t key)
{
	switch (key) {
		case '\r':
			return LINE_EDITOR_ACCEPTED;
		case 0:
		case CONSOLE_KEY_ESCAPE:
			return LINE_EDITOR_CANCELLED;
		case CONSOLE_KEY_LEFT:
			editor->cursor = previous_character(editor, editor->cursor);
			break;
		case CONSOLE_KEY_RIGHT:
			editor->cursor = next_character(editor, editor->cursor);
			break;
		case CONSOLE_KEY_HOME:
			editor->cursor = 0;
			break;
		case CONSOLE_KEY_END:
			editor->cursor = editor->length;
			break;
		case '\b':
			if (editor->cursor > 0)
				erase(editor, previous_character(editor, editor->cursor), editor->cursor);
			break;
		case CONSOLE_KEY_DELETE:
			if (editor->cursor < editor->length)
				erase(editor, editor->cursor, next_character(editor, editor->cursor));
			break;
		default:
			insert(editor, key);
			break;
	}
	return LINE_EDITOR_EDITING;
}


size_t
line_editor_fit(struct line_editor *editor, size_t columns)
{
	if (columns == 0)
		columns = 1;
	if (editor->scroll > editor->cursor)
		editor->scroll = editor->cursor;
	/* The cursor may stand after the last character: that takes a column too. */
	size_t column = count_characters(editor, editor->scroll, editor->cursor);
	while (column >= columns) {
		editor->scroll = next_character(editor, editor->scroll);
		column--;
	}
	return column;
}


size_t
line_editor_visible_bytes(const struct line_editor *editor, size_t columns)
{
	size_t end = editor->scroll;
	for (size_t i = 0; i < columns && end < editor->length; i++)
		end = next_character(editor, end);
	return end - editor->scroll;
}
