/* SPDX-License-Identifier: MIT */
/*
 * The boot menu's sub-screens: an entry's options (with the loader log and
 * the memory map), the boot volume and the video mode.
 */
#include "menu_private.h"

#include <stdio.h>
#include <string.h>

#include <boot/config.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/vfs.h>

/* The option flags in the order the screen lists them, then two actions. */
static const uint32_t kOptions[] = {
	BOOT_OPTION_DISABLE_SMP,
	BOOT_OPTION_DISABLE_ACPI,
	BOOT_OPTION_FAILSAFE_VIDEO,
	BOOT_OPTION_IGNORE_ABOVE_4G,
	BOOT_OPTION_SERIAL_DEBUG,
	BOOT_OPTION_ONSCREEN_LOG,
};
#define OPTION_COUNT		(sizeof(kOptions) / sizeof(kOptions[0]))
#define ITEM_SHOW_LOG		OPTION_COUNT
#define ITEM_MEMORY_MAP		(OPTION_COUNT + 1)

struct options_screen {
	struct menu			*menu;
	struct config_entry	*entry;
};

/* The memory map's lines as they come from the port. */
struct text_buffer {
	char		*text;
	size_t		length;
	size_t		capacity;
	bool		failed;
};


static void
options_describe(void *cookie, uint32_t index, char *buffer, size_t size)
{
	const struct options_screen *screen = cookie;
	if (index < OPTION_COUNT) {
		snprintf(buffer, size, "[%c] %s",
			(screen->entry->options & kOptions[index]) != 0 ? 'x' : ' ',
			config_option_label(kOptions[index]));
	} else if (index == ITEM_SHOW_LOG)
		snprintf(buffer, size, "Show the loader log");
	else
		snprintf(buffer, size, "Show the memory map");
}


static void
text_buffer_line(void *cookie, const char *line)
{
	struct text_buffer *buffer = cookie;
	size_t length = strlen(line);
	if (buffer->failed)
		return;
	if (buffer->capacity - buffer->length < length + 1) {
		size_t capacity = buffer->capacity * 2 + length + 1024;
		char *text = heap_realloc(buffer->text, capacity);
		if (text == NULL) {
			buffer->failed = true;
			return;
		}
		buffer->text = text;
		buffer->capacity = capacity;
	}
	memcpy(buffer->text + buffer->length, line, length);
	buffer->text[buffer->length + length] = '\n';
	buffer->length += length + 1;
}


static enum menu_list_action
options_show_memory_map(struct options_screen *screen)
{
	struct text_buffer buffer = { NULL, 0, 0, false };
	status_t status = platform_describe_memory(text_buffer_line, &buffer);
	if (status == B_OK && buffer.failed)
		status = B_NO_MEMORY;
	if (status == B_OK)
		status = menu_pager("Memory map", buffer.text, buffer.length);
	heap_free(buffer.text);
	if (status == B_INTERRUPTED)
		return MENU_LIST_CLOSED;
	if (status != B_OK) {
		menu_set_status(screen->menu, "cannot show the memory map: %s",
			status_string(status));
	}
	return MENU_LIST_REDRAW;
}


static enum menu_list_action
options_choose(void *cookie, uint32_t index)
{
	struct options_screen *screen = cookie;
	if (index < OPTION_COUNT) {
		screen->entry->options ^= kOptions[index];
		return MENU_LIST_STAY;
	}
	if (index == ITEM_MEMORY_MAP)
		return options_show_memory_map(screen);

	size_t size;
	const char *log = boot_log_buffer(&size);
	status_t status = menu_pager("Loader log", log, size);
	if (status == B_INTERRUPTED)
		return MENU_LIST_CLOSED;
	if (status != B_OK)
		menu_set_status(screen->menu, "cannot show the log: %s", status_string(status));
	return MENU_LIST_REDRAW;
}


bool
menu_options(struct menu *menu)
{
	struct options_screen screen = {
		.menu = menu,
		.entry = &menu->config->entries[menu->selected],
	};
	char title[MENU_LINE_SIZE];
	snprintf(title, sizeof(title), "Options for \"%s\"", screen.entry->title);
	struct menu_list list = {
		.title = title,
		.count = OPTION_COUNT + 2,
		.describe = options_describe,
		.choose = options_choose,
		.cookie = &screen,
	};
	return menu_list_run(&list) != MENU_LIST_INPUT_CLOSED;
}


static void
volume_describe(void *cookie, uint32_t index, char *buffer, size_t size)
{
	struct vfs_volume_info info;
	vfs_volume_get_info(vfs_volume_at(index), &info);
	snprintf(buffer, size, "vol%u: %s, %s %s, label \"%s\"%s", info.index, info.device_name,
		info.fs_name, info.fs_detail, info.label, info.boot ? " (boot volume)" : "");
}


bool
menu_choose_volume(struct menu *menu)
{
	uint32_t count = vfs_volume_count();
	if (count == 0) {
		menu_set_status(menu, "there are no volumes");
		return true;
	}
	struct menu_list list = {
		.title = "Boot volume",
		.count = count,
		.describe = volume_describe,
	};
	for (uint32_t i = 0; i < count; i++) {
		if (vfs_volume_at(i) == vfs_boot_volume())
			list.selected = i;
	}
	enum menu_list_result result = menu_list_run(&list);
	if (result == MENU_LIST_CHOSEN)
		vfs_set_boot_volume(vfs_volume_at(list.selected));
	return result != MENU_LIST_INPUT_CLOSED;
}


static void
video_describe(void *cookie, uint32_t index, char *buffer, size_t size)
{
	const struct menu *menu = cookie;
	if (index == 0) {
		snprintf(buffer, size, "As configured");
		return;
	}
	int32_t mode = (int32_t)index - 1;
	uint32_t width, height;
	if (platform_video_mode_info(mode, &width, &height) != B_OK) {
		snprintf(buffer, size, "mode %d (unknown size)", mode);
		return;
	}
	snprintf(buffer, size, "%ux%u%s%s", width, height,
		mode == platform_video_mode_current() ? " (current)" : "",
		mode == menu->video_mode ? " (chosen)" : "");
}


bool
menu_choose_video(struct menu *menu)
{
	int32_t count = platform_video_mode_count();
	if (count <= 0) {
		menu_set_status(menu, "the firmware offers no graphics modes");
		return true;
	}
	struct menu_list list = {
		.title = "Video mode",
		.count = (uint32_t)count + 1,
		.selected = (uint32_t)(menu->video_mode + 1),
		.describe = video_describe,
		.cookie = menu,
	};
	enum menu_list_result result = menu_list_run(&list);
	if (result == MENU_LIST_CHOSEN)
		menu->video_mode = (int32_t)list.selected - 1;
	return result != MENU_LIST_INPUT_CLOSED;
}
