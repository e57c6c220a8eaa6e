/* SPDX-License-Identifier: MIT */
/*
 * A one-line text editor for the boot menu: console keys applied to a UTF-8
 * buffer, and the part of the text a field of a given width shows.
 */
#ifndef BOOT_LINE_EDITOR_H
#define BOOT_LINE_EDITOR_H

#include <stddef.h>
#include <stdint.h>

struct line_editor {
	char		*text;			/* UTF-8, always NUL-terminated */
	size_t		capacity;		/* bytes text may take, with the NUL */
	size_t		length;			/* bytes before the NUL */
	size_t		cursor;			/* byte offset, at the start of a character */
	size_t		scroll;			/* byte offset of the first character shown */
};

enum line_editor_result {
	LINE_EDITOR_EDITING,		/* the key was taken (or ignored): go on */
	LINE_EDITOR_ACCEPTED,		/* Enter: text is the result */
	LINE_EDITOR_CANCELLED,		/* Escape, or the input closed (key 0) */
};

/*
 * Edit a copy of text in buffer (capacity bytes, at least 1), cut at a
 * character boundary when it does not fit; the cursor starts at the end.
 */
void line_editor_init(struct line_editor *editor, char *buffer, size_t capacity,
	const char *text);

/*
 * Apply one key of console_wait_for_key(): Left/Right and Home/End move by
 * characters, Backspace and Delete erase one, printable characters (not
 * control characters) are inserted as UTF-8 when they fit, '\r' accepts and
 * Escape cancels. Other keys are ignored.
 */
enum line_editor_result line_editor_key(struct line_editor *editor, int32_t key);

/*
 * Scroll so that the cursor shows in a field of columns characters (at
 * least 1; every character takes one column). Returns the cursor's column
 * in the field.
 */
size_t line_editor_fit(struct line_editor *editor, size_t columns);

/* Bytes of text from editor->scroll that fill at most columns characters. */
size_t line_editor_visible_bytes(const struct line_editor *editor, size_t columns);

#endif
