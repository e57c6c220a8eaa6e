/* SPDX-License-Identifier: MIT */
/*
 * The boot menu's pager: long text (the loader log, the memory map) a screen
 * at a time, long lines wrapped.
 */
#include "menu_private.h"

#include <string.h>

#include <boot/heap.h>
#include <boot/platform.h>

/* Where each screen line starts in the text, and how many bytes it takes. */
struct pager_line {
	uint32_t	start;
	uint32_t	length;
};

struct pager {
	const char			*text;
	size_t				length;
	struct pager_line	*lines;
	uint32_t			count;
	uint32_t			first;
	const char			*title;
};


/*
 * Cut text into screen lines of at most columns characters; with lines ==
 * NULL only count them.
 */
static uint32_t
pager_split(const char *text, size_t length, int32_t columns, struct pager_line *lines)
{
	uint32_t count = 0;
	size_t offset = 0;
	while (offset < length) {
		size_t start = offset;
		int32_t characters = 0;
		while (offset < length && text[offset] != '\n') {
			if (((uint8_t)text[offset] & 0xc0) != 0x80) {
				if (characters == columns)
					break;
				characters++;
			}
			offset++;
		}
		if (lines != NULL) {
			lines[count].start = (uint32_t)start;
			lines[count].length = (uint32_t)(offset - start);
		}
		count++;
		if (offset < length && text[offset] == '\n')
			offset++;
	}
	return count;
}


static uint32_t
pager_rows(void)
{
	return (uint32_t)(menu_rows() - 3);
}


static void
pager_draw(const struct pager *pager)
{
	menu_clear();
	menu_draw(0, MENU_STYLE_TITLE, pager->title);
	char line[MENU_LINE_SIZE];
	uint32_t rows = pager_rows();
	for (uint32_t row = 0; row < rows; row++) {
		uint32_t index = pager->first + row;
		if (index >= pager->count)
			break;
		const struct pager_line *source = &pager->lines[index];
		size_t length = source->length < sizeof(line) - 1 ? source->length : sizeof(line) - 1;
		memcpy(line, pager->text + source->start, length);
		line[length] = '\0';
		menu_draw(1 + (int32_t)row, MENU_STYLE_NORMAL, line);
	}
	uint32_t last = pager->first + rows < pager->count ? pager->first + rows : pager->count;
	menu_drawf(menu_rows() - 2, MENU_STYLE_HELP,
		"Lines %u-%u of %u  Up/Down/PageUp/PageDown/Home/End  Esc back",
		pager->count > 0 ? pager->first + 1 : 0, last, pager->count);
}


/* The first line to show for a wish, kept inside the text. */
static uint32_t
pager_clamp(const struct pager *pager, int64_t first)
{
	int64_t last = (int64_t)pager->count - (int64_t)pager_rows();
	if (first > last)
		first = last;
	return first < 0 ? 0 : (uint32_t)first;
}


status_t
menu_pager(const char *title, const char *text, size_t length)
{
	struct pager pager = {
		.text = text,
		.length = length,
		.title = title,
	};
	int32_t columns = menu_columns();
	pager.count = pager_split(text, length, columns, NULL);
	if (pager.count > 0) {
		pager.lines = heap_alloc(pager.count * sizeof(struct pager_line));
		if (pager.lines == NULL)
			return B_NO_MEMORY;
		pager_split(text, length, columns, pager.lines);
	}

	status_t status = B_OK;
	bool done = false;
	pager_draw(&pager);
	while (!done) {
		int32_t key = console_wait_for_key();
		int64_t first = pager.first;
		int64_t page = pager_rows();
		switch (key) {
			case 0:
				status = B_INTERRUPTED;
				done = true;
				continue;
			case CONSOLE_KEY_ESCAPE:
			case '\r':
			case '\b':
			case 'q':
			case 'Q':
				done = true;
				continue;
			case CONSOLE_KEY_UP:
				first--;
				break;
			case CONSOLE_KEY_DOWN:
				first++;
				break;
			case CONSOLE_KEY_PAGE_UP:
				first -= page;
				break;
			case CONSOLE_KEY_PAGE_DOWN:
			case ' ':
				first += page;
				break;
			case CONSOLE_KEY_HOME:
				first = 0;
				break;
			case CONSOLE_KEY_END:
				first = pager.count;
				break;
			default:
				continue;
		}
		uint32_t clamped = pager_clamp(&pager, first);
		if (clamped != pager.first) {
			pager.first = clamped;
			pager_draw(&pager);
		}
	}
	heap_free(pager.lines);
	return status;
}
