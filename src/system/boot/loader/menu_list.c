/* SPDX-License-Identifier: MIT */
/*
 * The boot menu's list screen: a title, items to choose from, and a help
 * line; what Enter does is the caller's.
 */
#include "menu_private.h"

#include <boot/platform.h>

#define LIST_TOP		2


/* Rows the items may take: between the title and the help line. */
static uint32_t
list_rows(void)
{
	return (uint32_t)(menu_rows() - LIST_TOP - 2);
}


static void
list_draw_item(const struct menu_list *list, uint32_t first, uint32_t index)
{
	if (index < first || index - first >= list_rows())
		return;
	char text[MENU_LINE_SIZE];
	text[0] = '\0';
	list->describe(list->cookie, index, text, sizeof(text));
	bool selected = index == list->selected;
	menu_drawf(LIST_TOP + (int32_t)(index - first),
		selected ? MENU_STYLE_SELECTED : MENU_STYLE_NORMAL, "%s %s", selected ? ">" : " ",
		text);
}


static void
list_draw(const struct menu_list *list, uint32_t first)
{
	menu_clear();
	menu_draw(0, MENU_STYLE_TITLE, list->title);
	for (uint32_t row = 0; row < list_rows(); row++) {
		if (first + row < list->count)
			list_draw_item(list, first, first + row);
	}
	menu_draw(menu_rows() - 2, MENU_STYLE_HELP, MENU_LIST_HELP);
}


/* Move the selection; the window follows, a whole redraw only when it scrolls. */
static void
list_select(struct menu_list *list, uint32_t *_first, int64_t index)
{
	if (index < 0)
		index = 0;
	if (index >= (int64_t)list->count)
		index = (int64_t)list->count - 1;
	uint32_t previous = list->selected;
	list->selected = (uint32_t)index;
	uint32_t rows = list_rows();
	uint32_t first = *_first;
	if (list->selected < first)
		first = list->selected;
	else if (list->selected >= first + rows)
		first = list->selected - rows + 1;
	if (first != *_first) {
		*_first = first;
		list_draw(list, first);
		return;
	}
	list_draw_item(list, first, previous);
	list_draw_item(list, first, list->selected);
}


enum menu_list_result
menu_list_run(struct menu_list *list)
{
	uint32_t first = 0;
	if (list->selected >= list->count)
		list->selected = 0;
	if (list->selected >= list_rows())
		first = list->selected - list_rows() + 1;
	list_draw(list, first);

	for (;;) {
		int32_t key = console_wait_for_key();
		int64_t selected = list->selected;
		switch (key) {
			case 0:
				return MENU_LIST_INPUT_CLOSED;
			case CONSOLE_KEY_ESCAPE:
			case '\b':
			case 'q':
			case 'Q':
				return MENU_LIST_CANCELLED;
			case CONSOLE_KEY_UP:
				list_select(list, &first, selected - 1);
				break;
			case CONSOLE_KEY_DOWN:
				list_select(list, &first, selected + 1);
				break;
			case CONSOLE_KEY_HOME:
				list_select(list, &first, 0);
				break;
			case CONSOLE_KEY_END:
				list_select(list, &first, (int64_t)list->count - 1);
				break;
			case CONSOLE_KEY_PAGE_UP:
				list_select(list, &first, selected - (int64_t)list_rows());
				break;
			case CONSOLE_KEY_PAGE_DOWN:
				list_select(list, &first, selected + (int64_t)list_rows());
				break;
			case '\r':
			case ' ':
			{
				if (list->choose == NULL)
					return MENU_LIST_CHOSEN;
				switch (list->choose(list->cookie, list->selected)) {
					case MENU_LIST_STAY:
						list_draw_item(list, first, list->selected);
						break;
					case MENU_LIST_REDRAW:
						list_draw(list, first);
						break;
					case MENU_LIST_LEAVE:
						return MENU_LIST_CHOSEN;
					case MENU_LIST_CLOSED:
						return MENU_LIST_INPUT_CLOSED;
				}
				break;
			}
			default:
				if (key >= '1' && key <= '9' && (uint32_t)(key - '1') < list->count)
					list_select(list, &first, key - '1');
				break;
		}
	}
}
