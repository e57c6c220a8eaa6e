/* SPDX-License-Identifier: MIT */
/*
 * Drawing the boot menu: whole lines, cut to the console and blanked to its
 * edge, so that a line can be replaced without clearing the screen.
 */
#include "menu_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <boot/console.h>
#include <boot/platform.h>

/* Below this the menu would not fit anything useful; consoles are larger. */
#define MIN_COLUMNS		20
#define MIN_ROWS		12

static const char kSpaces[] = "                                ";


int32_t
menu_columns(void)
{
	int32_t width = boot_console_width();
	return width - 1 > MIN_COLUMNS ? width - 1 : MIN_COLUMNS;
}


int32_t
menu_rows(void)
{
	int32_t height = boot_console_height();
	return height > MIN_ROWS ? height : MIN_ROWS;
}


static void
menu_set_style(enum menu_style style)
{
	switch (style) {
		case MENU_STYLE_NORMAL:
			boot_console_set_color(CONSOLE_LIGHT_GRAY, CONSOLE_BLACK);
			break;
		case MENU_STYLE_SELECTED:
			boot_console_set_color(CONSOLE_BLACK, CONSOLE_LIGHT_GRAY);
			break;
		case MENU_STYLE_TITLE:
			boot_console_set_color(CONSOLE_WHITE, CONSOLE_BLACK);
			break;
		case MENU_STYLE_ERROR:
			boot_console_set_color(CONSOLE_LIGHT_RED, CONSOLE_BLACK);
			break;
		case MENU_STYLE_HELP:
			boot_console_set_color(CONSOLE_CYAN, CONSOLE_BLACK);
			break;
	}
}


void
menu_clear(void)
{
	menu_set_style(MENU_STYLE_NORMAL);
	boot_console_clear_screen();
}


/* Bytes of text that make up at most *_columns characters; *_columns gets how many. */
static size_t
menu_fit(const char *text, size_t length, int32_t *_columns)
{
	int32_t columns = 0;
	size_t bytes = 0;
	while (bytes < length) {
		/* A character is its lead byte and the continuation bytes after it. */
		if (((uint8_t)text[bytes] & 0xc0) != 0x80) {
			if (columns == *_columns)
				break;
			columns++;
		}
		bytes++;
	}
	*_columns = columns;
	return bytes;
}


/*
 * Text as it is, but for control characters, which would move the cursor
 * (a command line may hold a tab; the log is shown too): a tab is a space,
 * the others '?'.
 */
static void
menu_write(const char *text, size_t length)
{
	size_t start = 0;
	for (size_t i = 0; i < length; i++) {
		if ((uint8_t)text[i] >= 0x20 && text[i] != 0x7f)
			continue;
		boot_console_write(text + start, i - start);
		boot_console_write(text[i] == '\t' ? " " : "?", 1);
		start = i + 1;
	}
	boot_console_write(text + start, length - start);
}


void
menu_draw_segments(int32_t row, const struct menu_segment *segments, uint32_t count)
{
	int32_t left = menu_columns();
	boot_console_set_cursor(0, row);
	for (uint32_t i = 0; i < count && left > 0; i++) {
		int32_t columns = left;
		size_t bytes = menu_fit(segments[i].text, segments[i].length, &columns);
		menu_set_style(segments[i].style);
		menu_write(segments[i].text, bytes);
		left -= columns;
	}
	menu_set_style(count > 0 && segments[0].style == MENU_STYLE_SELECTED
		? MENU_STYLE_SELECTED : MENU_STYLE_NORMAL);
	while (left > 0) {
		int32_t chunk = left < (int32_t)sizeof(kSpaces) - 1 ? left : (int32_t)sizeof(kSpaces) - 1;
		boot_console_write(kSpaces, (size_t)chunk);
		left -= chunk;
	}
	menu_set_style(MENU_STYLE_NORMAL);
}


/*
 * How much of a help line to show: one too long for the screen loses whole
 * keys from its end, never half of one (two spaces set its keys apart).
 */
static size_t
menu_help_length(const char *text, size_t length)
{
	int32_t columns = menu_columns();
	size_t fitted = menu_fit(text, length, &columns);
	if (fitted == length || (text[fitted] == ' ' && text[fitted + 1] == ' '))
		return fitted;
	for (size_t end = fitted; end >= 2; end--) {
		if (text[end - 1] == ' ' && text[end - 2] == ' ')
			return end - 2;
	}
	return fitted;
}


void
menu_draw(int32_t row, enum menu_style style, const char *text)
{
	size_t length = strlen(text);
	if (style == MENU_STYLE_HELP)
		length = menu_help_length(text, length);
	const struct menu_segment segment = { text, length, style };
	menu_draw_segments(row, &segment, 1);
}


void
menu_draw_wrapped(int32_t row, int32_t rowCount, enum menu_style style, const char *text)
{
	size_t length = strlen(text);
	for (int32_t i = 0; i < rowCount; i++) {
		int32_t columns = menu_columns();
		size_t bytes = menu_fit(text, length, &columns);
		if (bytes < length && i + 1 < rowCount) {
			/* Break before the last space that fits; a longer word is split. */
			size_t space = bytes;
			while (space > 0 && text[space] != ' ')
				space--;
			if (space > 0)
				bytes = space;
		}
		const struct menu_segment segment = { text, bytes, style };
		menu_draw_segments(row + i, &segment, 1);
		text += bytes;
		length -= bytes;
		while (length > 0 && *text == ' ') {
			text++;
			length--;
		}
	}
}


void
menu_drawf(int32_t row, enum menu_style style, const char *format, ...)
{
	char line[MENU_LINE_SIZE];
	va_list args;
	va_start(args, format);
	vsnprintf(line, sizeof(line), format, args);
	va_end(args);
	menu_draw(row, style, line);
}
