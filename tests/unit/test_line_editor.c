/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the boot menu's line editor (line_editor.c): moving and
 * erasing by characters in UTF-8, what may be inserted, limits, scrolling.
 */
#include <string.h>

#include <boot/line_editor.h>
#include <boot/platform.h>

#include "unit_test.h"

static char sBuffer[64];


static struct line_editor
editor_with(const char *text, size_t capacity)
{
	struct line_editor editor;
	memset(sBuffer, 0x55, sizeof(sBuffer));
	line_editor_init(&editor, sBuffer, capacity, text);
	return editor;
}


static void
type(struct line_editor *editor, const char *keys)
{
	for (; *keys != '\0'; keys++)
		CHECK_EQ(line_editor_key(editor, (uint8_t)*keys), LINE_EDITOR_EDITING);
}


static void
press(struct line_editor *editor, int32_t key, int times)
{
	for (int i = 0; i < times; i++)
		CHECK_EQ(line_editor_key(editor, key), LINE_EDITOR_EDITING);
}


TEST(starts_at_the_end_and_inserts_there)
{
	struct line_editor editor = editor_with("root=x", sizeof(sBuffer));
	CHECK_EQ(editor.cursor, 6);
	type(&editor, " quiet");
	CHECK(strcmp(editor.text, "root=x quiet") == 0);
	CHECK_EQ(editor.length, 12);
}


TEST(moves_and_erases_on_both_sides_of_the_cursor)
{
	struct line_editor editor = editor_with("second=2", sizeof(sBuffer));
	press(&editor, CONSOLE_KEY_HOME, 1);
	press(&editor, CONSOLE_KEY_DELETE, 7);
	CHECK(strcmp(editor.text, "2") == 0);
	type(&editor, "x");
	CHECK(strcmp(editor.text, "x2") == 0);
	press(&editor, CONSOLE_KEY_END, 1);
	press(&editor, '\b', 1);
	CHECK(strcmp(editor.text, "x") == 0);
	press(&editor, CONSOLE_KEY_LEFT, 1);
	type(&editor, "y");
	CHECK(strcmp(editor.text, "yx") == 0);
	press(&editor, CONSOLE_KEY_RIGHT, 1);
	type(&editor, "z");
	CHECK(strcmp(editor.text, "yxz") == 0);

	/* at the edges the keys do nothing */
	press(&editor, CONSOLE_KEY_DELETE, 1);
	press(&editor, CONSOLE_KEY_RIGHT, 1);
	CHECK_EQ(editor.cursor, 3);
	press(&editor, CONSOLE_KEY_HOME, 1);
	press(&editor, '\b', 1);
	press(&editor, CONSOLE_KEY_LEFT, 1);
	CHECK_EQ(editor.cursor, 0);
	CHECK(strcmp(editor.text, "yxz") == 0);
}


TEST(works_on_characters_not_bytes)
{
	/* "Grüße": ü and ß take two bytes each */
	struct line_editor editor = editor_with("Gr\xc3\xbc\xc3\x9f" "e", sizeof(sBuffer));
	press(&editor, CONSOLE_KEY_LEFT, 2);
	CHECK_EQ(editor.cursor, 4);
	press(&editor, '\b', 1);
	CHECK(strcmp(editor.text, "Gr\xc3\x9f" "e") == 0);
	press(&editor, CONSOLE_KEY_DELETE, 1);
	CHECK(strcmp(editor.text, "Gre") == 0);
	/* code points become UTF-8: U+00E9, U+20AC */
	press(&editor, 0xe9, 1);
	press(&editor, 0x20ac, 1);
	CHECK(strcmp(editor.text, "Gr\xc3\xa9\xe2\x82\xac" "e") == 0);
	CHECK_EQ(editor.cursor, 7);
}


TEST(each_encoding_length_from_its_first_to_its_last_code_point)
{
	static const struct {
		int32_t key;
		const char *bytes;
	} kCharacters[] = {
		{ 0x20, " " }, { 0x7e, "~" }, { 0xa0, "\xc2\xa0" }, { 0x7ff, "\xdf\xbf" },
		{ 0x800, "\xe0\xa0\x80" }, { 0xd7ff, "\xed\x9f\xbf" }, { 0xe000, "\xee\x80\x80" },
		{ 0xfffd, "\xef\xbf\xbd" }, { 0x10000, "\xf0\x90\x80\x80" },
		/* Key codes lie above U+10FFFF: these are characters to insert. */
		{ 0x10001, "\xf0\x90\x80\x81" }, { 0x10009, "\xf0\x90\x80\x89" },
		{ 0x10ffff, "\xf4\x8f\xbf\xbf" },
	};
	for (size_t i = 0; i < sizeof(kCharacters) / sizeof(kCharacters[0]); i++) {
		struct line_editor editor = editor_with("", sizeof(sBuffer));
		press(&editor, kCharacters[i].key, 1);
		CHECK(strcmp(editor.text, kCharacters[i].bytes) == 0);
		CHECK_EQ(editor.cursor, strlen(kCharacters[i].bytes));
	}
}


TEST(control_characters_and_other_keys_are_not_inserted)
{
	struct line_editor editor = editor_with("a", sizeof(sBuffer));
	static const int32_t kKeys[] = { '\t', '\n', 0x1f, 0x7f, 0x85, 0x9f, 0xd800, 0xdfff,
		0x110000, CONSOLE_KEY_UP, CONSOLE_KEY_DOWN, CONSOLE_KEY_PAGE_UP,
		CONSOLE_KEY_PAGE_DOWN, -5 };
	for (size_t i = 0; i < sizeof(kKeys) / sizeof(kKeys[0]); i++)
		CHECK_EQ(line_editor_key(&editor, kKeys[i]), LINE_EDITOR_EDITING);
	CHECK(strcmp(editor.text, "a") == 0);
	CHECK_EQ(editor.length, 1);
}


TEST(enter_accepts_escape_and_closed_input_cancel)
{
	struct line_editor editor = editor_with("x", sizeof(sBuffer));
	CHECK_EQ(line_editor_key(&editor, '\r'), LINE_EDITOR_ACCEPTED);
	CHECK_EQ(line_editor_key(&editor, CONSOLE_KEY_ESCAPE), LINE_EDITOR_CANCELLED);
	CHECK_EQ(line_editor_key(&editor, 0), LINE_EDITOR_CANCELLED);
	CHECK(strcmp(editor.text, "x") == 0);
}


TEST(text_never_outgrows_the_buffer)
{
	/* 6 bytes of room: 5 of text and the NUL */
	struct line_editor editor = editor_with("abcd", 6);
	type(&editor, "ef");
	CHECK(strcmp(editor.text, "abcde") == 0);
	/* a two-byte character does not fit into the last byte, nor a half of it */
	press(&editor, '\b', 1);
	press(&editor, 0xfc, 1);
	CHECK(strcmp(editor.text, "abcd") == 0);
	type(&editor, "x");
	CHECK(strcmp(editor.text, "abcdx") == 0);
	CHECK_EQ(editor.length, 5);
	CHECK_EQ((uint8_t)sBuffer[6], 0x55);
}


TEST(initial_text_is_cut_at_a_character_boundary)
{
	/* "abü" is 4 bytes; 4 bytes of room leave 3 for text: the ü must go whole */
	struct line_editor editor = editor_with("ab\xc3\xbc", 4);
	CHECK(strcmp(editor.text, "ab") == 0);
	CHECK_EQ(editor.length, 2);
	CHECK_EQ(editor.cursor, 2);
	editor = editor_with("abc", 4);
	CHECK(strcmp(editor.text, "abc") == 0);
}


TEST(the_view_follows_the_cursor)
{
	struct line_editor editor = editor_with("0123456789", sizeof(sBuffer));
	/* the cursor after the last character needs a column of its own */
	CHECK_EQ(line_editor_fit(&editor, 4), 3);
	CHECK_EQ(editor.scroll, 7);
	CHECK_EQ(line_editor_visible_bytes(&editor, 4), 3);

	press(&editor, CONSOLE_KEY_HOME, 1);
	CHECK_EQ(line_editor_fit(&editor, 4), 0);
	CHECK_EQ(editor.scroll, 0);
	CHECK_EQ(line_editor_visible_bytes(&editor, 4), 4);

	press(&editor, CONSOLE_KEY_RIGHT, 5);
	CHECK_EQ(line_editor_fit(&editor, 4), 3);
	CHECK_EQ(editor.scroll, 2);
	/* moving back inside the view does not scroll */
	press(&editor, CONSOLE_KEY_LEFT, 2);
	CHECK_EQ(line_editor_fit(&editor, 4), 1);
	CHECK_EQ(editor.scroll, 2);

	/* in characters: two-byte ones take one column each */
	editor = editor_with("\xc3\xa4\xc3\xb6\xc3\xbc", sizeof(sBuffer));
	CHECK_EQ(line_editor_fit(&editor, 2), 1);
	CHECK_EQ(editor.scroll, 4);
	CHECK_EQ(line_editor_visible_bytes(&editor, 2), 2);
}
