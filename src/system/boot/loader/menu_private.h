/* SPDX-License-Identifier: MIT */
/*
 * What the boot menu's files share: drawing lines, the list screen and the
 * pager (menu.h has the strings they show).
 */
#ifndef MENU_PRIVATE_H
#define MENU_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/menu.h>
#include <boot/status.h>

#define MENU_LINE_SIZE		512

/* The help line of every list. */
#define MENU_LIST_HELP		"Up/Down select  Enter choose  Esc back"

enum menu_style {
	MENU_STYLE_NORMAL,
	MENU_STYLE_SELECTED,
	MENU_STYLE_TITLE,
	MENU_STYLE_ERROR,
	MENU_STYLE_HELP,
};

struct menu_segment {
	const char			*text;
	size_t				length;		/* bytes */
	enum menu_style		style;
};

/* menu_draw.c */
/* Characters a line may take: one less than the console is wide, so it never wraps. */
int32_t menu_columns(void);
int32_t menu_rows(void);
void menu_clear(void);
/*
 * Replace row with text (cut to menu_columns(), the rest blank; a help line
 * loses whole keys, never half of one).
 */
void menu_draw(int32_t row, enum menu_style style, const char *text);
void menu_drawf(int32_t row, enum menu_style style, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Replace rowCount rows from row with text, broken at spaces; what does not
 * fit the last row is cut.
 */
void menu_draw_wrapped(int32_t row, int32_t rowCount, enum menu_style style,
	const char *text);
/* Replace row with the segments one after the other. */
void menu_draw_segments(int32_t row, const struct menu_segment *segments, uint32_t count);

/* menu_list.c */
enum menu_list_action {
	MENU_LIST_STAY,			/* redraw the item's line and go on */
	MENU_LIST_REDRAW,		/* redraw the screen (a sub-screen was shown) and go on */
	MENU_LIST_LEAVE,		/* the list is done */
	MENU_LIST_CLOSED,		/* the input closed in a sub-screen */
};

struct menu_list {
	const char	*title;
	uint32_t	count;			/* at least 1 */
	uint32_t	selected;
	void		(*describe)(void *cookie, uint32_t index, char *buffer, size_t size);
	/* Enter on an item; NULL: Enter leaves with it. */
	enum menu_list_action	(*choose)(void *cookie, uint32_t index);
	void		*cookie;
};

enum menu_list_result {
	MENU_LIST_CHOSEN,		/* Enter left the list: selected is the choice */
	MENU_LIST_CANCELLED,	/* Esc, Backspace or q */
	MENU_LIST_INPUT_CLOSED,
};

enum menu_list_result menu_list_run(struct menu_list *list);

/* menu_pager.c */
/*
 * Show length bytes of text (lines end in '\n') a screen at a time until
 * Esc, Enter, Backspace or q. Errors: B_NO_MEMORY, B_INTERRUPTED (the input
 * closed).
 */
status_t menu_pager(const char *title, const char *text, size_t length);

/* menu_screens.c: o, v and m; false when the input closed. */
bool menu_options(struct menu *menu);
bool menu_choose_volume(struct menu *menu);
bool menu_choose_video(struct menu *menu);

#endif
