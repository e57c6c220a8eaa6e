/* SPDX-License-Identifier: MIT */
/*
 * The boot menu's main screen: entries, the selected entry's details, the
 * countdown, errors and diagnostics; keys that change one line redraw that
 * line only, because a serial terminal under emulation is slow.
 */
#include "menu_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <boot/bli.h>
#include <boot/config.h>
#include <boot/line_editor.h>
#include <boot/platform.h>
#include <boot/trust.h>
#include <boot/vfs.h>

#define TITLE				"Boot menu"
#define HELP_SELECT			"Enter boot  Up/Down/1-9 select  "
#define HELP_EDIT			"e edit command line  "
#define HELP_LISTS			"o options  v volume"
#define HELP_MACHINE		"m video mode  d default  r reboot  p power off"
#define HELP_FIRMWARE		"  f firmware setup"
#define HELP_EDITING		"Editing: Enter accept  Esc cancel  Left/Right/Home/End move"
#define HELP_ERASING		"Backspace/Delete erase"
#define COMMAND_LINE_EDIT	"Command line> "

static const uint64_t kSecond = 1000000;
/* An error's reason comes last: it wraps onto a second row rather than being cut. */
static const int32_t kStatusRows = 2;
/* Title, details, countdown, status and help: what a screen of any height shows. */
static const int32_t kFixedRows = 1 + 4 + 1 + kStatusRows + 2;
/* One after the title, the entries, the details, the status and the diagnostics. */
static const int32_t kBlankRows = 5;
static const int32_t kMinEntryRows = 3;
/* Kept from the entries, so that configuration problems are seen. */
static const int32_t kDiagnosticRows = 2;

/* Where everything is, from the console's size and the number of entries. */
struct layout {
	int32_t		entries_top;
	uint32_t	entry_rows;
	int32_t		details_top;		/* kernel, command line, options, volume */
	int32_t		countdown_row;
	int32_t		status_row;
	int32_t		diagnostics_top;
	int32_t		diagnostic_rows;
	int32_t		help_row;
};

static struct layout sLayout;
static uint64_t sFirstFrameTime;
static uint32_t sFirstEntry;			/* the first entry the window shows */
static bool sInputClosed;
/* Static: the heap may be exhausted by the time the user edits. */
static char sEditBuffer[CONFIG_MAX_COMMAND_LINE];


void
menu_init(struct menu *menu, struct boot_config *config)
{
	memset(menu, 0, sizeof(*menu));
	menu->config = config;
	menu->selected = config_default_entry(config);
	menu->video_mode = -1;
}


void
menu_set_status(struct menu *menu, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(menu->status, sizeof(menu->status), format, args);
	va_end(args);
	menu->status_is_note = false;
}


/*
 * Rows go to the fixed parts, then to three entries, two diagnostics and the
 * blank rows between the parts, and what is left to more entries; on a
 * console too short for all that (under 20 rows) the blanks go first, then
 * the diagnostics, then entries down to the rows that are left.
 */
static void
menu_compute_layout(const struct menu *menu)
{
	int32_t rows = menu_rows();
	int32_t spare = rows - kFixedRows;
	int32_t blank = spare >= kMinEntryRows + kDiagnosticRows + kBlankRows ? 1 : 0;
	spare -= blank * kBlankRows;
	int32_t entryRows = spare - kDiagnosticRows > kMinEntryRows ? spare - kDiagnosticRows
		: (spare < kMinEntryRows ? spare : kMinEntryRows);
	if ((uint32_t)entryRows > menu->config->entry_count)
		entryRows = (int32_t)menu->config->entry_count;
	sLayout.entries_top = 1 + blank;
	sLayout.entry_rows = (uint32_t)entryRows;
	sLayout.details_top = sLayout.entries_top + entryRows + blank;
	sLayout.countdown_row = sLayout.details_top + 4 + blank;
	sLayout.status_row = sLayout.countdown_row + 1;
	sLayout.diagnostics_top = sLayout.status_row + kStatusRows + blank;
	sLayout.help_row = rows - 2;
	sLayout.diagnostic_rows = sLayout.help_row - blank - sLayout.diagnostics_top;

	if (menu->selected < sFirstEntry)
		sFirstEntry = menu->selected;
	else if (menu->selected >= sFirstEntry + sLayout.entry_rows)
		sFirstEntry = menu->selected - sLayout.entry_rows + 1;
}


static void
menu_draw_entry(const struct menu *menu, uint32_t index)
{
	if (index < sFirstEntry || index - sFirstEntry >= sLayout.entry_rows)
		return;
	bool selected = index == menu->selected;
	menu_drawf(sLayout.entries_top + (int32_t)(index - sFirstEntry),
		selected ? MENU_STYLE_SELECTED : MENU_STYLE_NORMAL, "%c%2u. %s",
		selected ? '>' : ' ', index + 1, menu->config->entries[index].title);
}


static void
menu_draw_options(const struct config_entry *entry, int32_t row)
{
	char line[MENU_LINE_SIZE];
	size_t length = (size_t)snprintf(line, sizeof(line), "Options:");
	const char *separator = " ";
	for (uint32_t bit = 1; bit != 0 && bit <= BOOT_OPTION_ALL; bit <<= 1) {
		if ((entry->options & bit) == 0 || length >= sizeof(line))
			continue;
		length += (size_t)snprintf(line + length, sizeof(line) - length, "%s%s", separator,
			config_option_label(bit));
		separator = ", ";
	}
	if (entry->options == 0)
		snprintf(line, sizeof(line), "Options: none");
	menu_draw(row, MENU_STYLE_NORMAL, line);
}


/* A Linux entry's initrds take the options' row: Linux has no use for them. */
static void
menu_draw_initrds(const struct config_entry *entry, int32_t row)
{
	char line[MENU_LINE_SIZE];
	size_t length = (size_t)snprintf(line, sizeof(line), "Initrd:");
	for (uint32_t i = 0; i < entry->initrd_count && length < sizeof(line); i++) {
		length += (size_t)snprintf(line + length, sizeof(line) - length, " %s",
			entry->initrds[i]);
	}
	if (entry->initrd_count == 0)
		snprintf(line, sizeof(line), "Initrd: none");
	menu_draw(row, MENU_STYLE_NORMAL, line);
}


static void
menu_draw_volume(const struct menu *menu, int32_t row)
{
	char video[48] = "";
	uint32_t width, height;
	if (menu->video_mode >= 0
		&& platform_video_mode_info(menu->video_mode, &width, &height) == B_OK)
		snprintf(video, sizeof(video), ", video %ux%u", width, height);

	const struct vfs_volume *volume = vfs_boot_volume();
	if (volume == NULL) {
		menu_drawf(row, MENU_STYLE_NORMAL, "Boot volume: none%s", video);
		return;
	}
	struct vfs_volume_info info;
	vfs_volume_get_info(volume, &info);
	const char *label = info.label[0] != '\0' ? info.label : info.partition_name;
	if (label[0] != '\0') {
		menu_drawf(row, MENU_STYLE_NORMAL, "Boot volume: vol%u %s (%s)%s", info.index,
			info.device_name, label, video);
	} else {
		menu_drawf(row, MENU_STYLE_NORMAL, "Boot volume: vol%u %s%s", info.index,
			info.device_name, video);
	}
}


static void
menu_draw_details(const struct menu *menu)
{
	const struct config_entry *entry = &menu->config->entries[menu->selected];
	int32_t row = sLayout.details_top;
	static const char *const kKindLabels[] = {
		[CONFIG_ENTRY_KERNEL] = "Kernel",
		[CONFIG_ENTRY_LINUX] = "Linux",
		[CONFIG_ENTRY_EFI] = "EFI application",
	};
	bool unified = entry->bls != NULL && entry->bls->unified_image;
	menu_drawf(row, MENU_STYLE_NORMAL, "%s: %s",
		unified ? "Unified kernel image" : kKindLabels[entry->kind], entry->kernel_path);
	menu_drawf(row + 1, MENU_STYLE_NORMAL, "Command line: \"%s\"", entry->command_line);
	if (entry->kind == CONFIG_ENTRY_KERNEL)
		menu_draw_options(entry, row + 2);
	else if (entry->kind == CONFIG_ENTRY_LINUX)
		menu_draw_initrds(entry, row + 2);
	else {
		menu_draw(row + 2, MENU_STYLE_NORMAL, unified
			? "Started by the firmware; load options: only an edited command line"
			: "Started by the firmware; load options: the command line");
	}
	menu_draw_volume(menu, row + 3);
}


static void
menu_draw_countdown(const struct menu *menu, int32_t seconds)
{
	if (seconds <= 0) {
		menu_draw(sLayout.countdown_row, MENU_STYLE_NORMAL, "");
		return;
	}
	menu_drawf(sLayout.countdown_row, MENU_STYLE_NORMAL,
		"Booting \"%s\" in %d s (any key stops the countdown)",
		menu->config->entries[menu->selected].title, seconds);
}


static void
menu_draw_status(const struct menu *menu)
{
	char line[MENU_LINE_SIZE] = "";
	if (menu->status[0] != '\0')
		snprintf(line, sizeof(line), "%s: %s", menu->status_is_note ? "Note" : "Error",
			menu->status);
	menu_draw_wrapped(sLayout.status_row, kStatusRows, MENU_STYLE_ERROR, line);
}


static void
menu_draw_diagnostics(const struct menu *menu)
{
	const struct boot_config *config = menu->config;
	uint32_t total = config->diagnostic_count + config->diagnostics_dropped;
	if (total == 0 || sLayout.diagnostic_rows == 0)
		return;
	uint32_t rows = (uint32_t)sLayout.diagnostic_rows;
	/* The last row says how many are missing, unless all fit. */
	uint32_t shown = total <= rows ? config->diagnostic_count
		: (rows - 1 < config->diagnostic_count ? rows - 1 : config->diagnostic_count);
	char line[MENU_LINE_SIZE];
	for (uint32_t i = 0; i < shown; i++) {
		config_format_diagnostic(config, i, line, sizeof(line));
		menu_draw(sLayout.diagnostics_top + (int32_t)i, MENU_STYLE_ERROR, line);
	}
	if (shown < total) {
		menu_drawf(sLayout.diagnostics_top + (int32_t)shown, MENU_STYLE_ERROR,
			"... and %u more in the loader log", total - shown);
	}
}


/*
 * Whether e edits. A loader that verifies what it boots keeps the command
 * lines it verified (one init=/bin/sh would undo the checks), unless its
 * configuration, verified too, says editor = yes.
 */
static bool
menu_editor_allowed(const struct menu *menu)
{
	enum config_editor editor = menu->config->editor;
	return editor == CONFIG_EDITOR_YES || (editor == CONFIG_EDITOR_AUTO && !trust_verifying());
}


static void
menu_draw_help(const struct menu *menu)
{
	menu_draw(sLayout.help_row, MENU_STYLE_HELP, menu_editor_allowed(menu)
		? HELP_SELECT HELP_EDIT HELP_LISTS : HELP_SELECT HELP_LISTS);
	menu_draw(sLayout.help_row + 1, MENU_STYLE_HELP, platform_firmware_setup_supported()
		? HELP_MACHINE HELP_FIRMWARE : HELP_MACHINE);
}


static void
menu_draw_all(const struct menu *menu, int32_t countdown)
{
	menu_compute_layout(menu);
	menu_clear();
	menu_draw(0, MENU_STYLE_TITLE, TITLE);
	for (uint32_t i = 0; i < sLayout.entry_rows; i++)
		menu_draw_entry(menu, sFirstEntry + i);
	menu_draw_details(menu);
	menu_draw_countdown(menu, countdown);
	menu_draw_status(menu);
	menu_draw_diagnostics(menu);
	menu_draw_help(menu);
}


static void
menu_select(struct menu *menu, int64_t index)
{
	int64_t last = (int64_t)menu->config->entry_count - 1;
	if (index < 0)
		index = 0;
	if (index > last)
		index = last;
	if ((uint32_t)index == menu->selected)
		return;
	uint32_t previous = menu->selected;
	uint32_t first = sFirstEntry;
	menu->selected = (uint32_t)index;
	menu_compute_layout(menu);
	if (first != sFirstEntry) {
		for (uint32_t i = 0; i < sLayout.entry_rows; i++)
			menu_draw_entry(menu, sFirstEntry + i);
	} else {
		menu_draw_entry(menu, previous);
		menu_draw_entry(menu, menu->selected);
	}
	menu_draw_details(menu);
}


static void
menu_draw_editor(struct line_editor *editor)
{
	static const char kPrefix[] = COMMAND_LINE_EDIT;
	size_t columns = (size_t)menu_columns() - (sizeof(kPrefix) - 1);
	/* The cursor is the character under it in reverse; at the end, a space. */
	line_editor_fit(editor, columns);
	size_t visible = line_editor_visible_bytes(editor, columns);
	const char *shown = editor->text + editor->scroll;
	size_t before = editor->cursor - editor->scroll;
	size_t cursorLength = 1;
	while (before + cursorLength < visible
		&& ((uint8_t)shown[before + cursorLength] & 0xc0) == 0x80)
		cursorLength++;
	bool atEnd = before >= visible;

	struct menu_segment segments[] = {
		{ kPrefix, sizeof(kPrefix) - 1, MENU_STYLE_NORMAL },
		{ shown, before, MENU_STYLE_NORMAL },
		{ atEnd ? " " : shown + before, atEnd ? 1 : cursorLength, MENU_STYLE_SELECTED },
		{ shown + before + cursorLength, atEnd ? 0 : visible - before - cursorLength,
			MENU_STYLE_NORMAL },
	};
	menu_draw_segments(sLayout.details_top + 1, segments, 4);
}


/* e: edit the selected entry's command line in place; false when the input closed. */
static bool
menu_edit(struct menu *menu)
{
	if (!menu_editor_allowed(menu)) {
		menu_set_status(menu, "editing is off %s", menu->config->editor == CONFIG_EDITOR_NO
			? "(editor = no)" : "while the loader verifies (editor = yes turns it on)");
		menu_draw_status(menu);
		return true;
	}
	struct config_entry *entry = &menu->config->entries[menu->selected];
	struct line_editor editor;
	line_editor_init(&editor, sEditBuffer, sizeof(sEditBuffer), entry->command_line);
	menu_draw(sLayout.help_row, MENU_STYLE_HELP, HELP_EDITING);
	menu_draw(sLayout.help_row + 1, MENU_STYLE_HELP, HELP_ERASING);

	enum line_editor_result result = LINE_EDITOR_EDITING;
	bool closed = false;
	while (result == LINE_EDITOR_EDITING) {
		menu_draw_editor(&editor);
		int32_t key = console_wait_for_key();
		closed = key == 0;
		result = line_editor_key(&editor, key);
	}
	if (result == LINE_EDITOR_ACCEPTED) {
		status_t status = config_entry_set_command_line(entry, editor.text);
		if (status != B_OK) {
			menu_set_status(menu, "cannot change the command line: %s",
				status_string(status));
			menu_draw_status(menu);
		}
	}
	menu_draw_details(menu);
	menu_draw_help(menu);
	return !closed;
}


/* d: the selected entry becomes the default of later boots, or stops being it. */
static void
menu_toggle_default(struct menu *menu)
{
	const struct config_entry *entry = &menu->config->entries[menu->selected];
	bool isDefault;
	status_t status = bli_toggle_default(menu->config, menu->selected, &isDefault);
	if (status == B_NOT_SUPPORTED)
		menu_set_status(menu, "the firmware keeps no default entry for the loader");
	else if (status != B_OK)
		menu_set_status(menu, "cannot change the default entry: %s", status_string(status));
	else if (isDefault)
		menu_set_status(menu, "\"%s\" is the default entry from now on", entry->title);
	else
		menu_set_status(menu, "the configuration's default entry applies again");
	menu->status_is_note = status == B_OK;
	menu_draw_status(menu);
}


/* r, p and f: they come back only when the firmware failed. */
static void
menu_machine(struct menu *menu, int32_t key)
{
	switch (key) {
		case 'r':
			platform_reboot();
			menu_set_status(menu, "the firmware did not restart the machine");
			break;
		case 'p':
			platform_power_off();
			menu_set_status(menu, "the firmware did not turn the machine off");
			break;
		case 'f':
			if (!platform_firmware_setup_supported()) {
				menu_set_status(menu, "this firmware cannot be told to start its setup");
				break;
			}
			menu_set_status(menu, "cannot restart into the firmware setup: %s",
				status_string(platform_reboot_to_firmware_setup()));
			break;
	}
	menu_draw_status(menu);
}


/* The next key; during a countdown at most a second's wait, CONSOLE_NO_KEY then. */
static int32_t
menu_next_key(bool counting)
{
	if (!counting)
		return sInputClosed ? 0 : console_wait_for_key();

	uint64_t start = system_time();
	int32_t key = sInputClosed ? 0 : console_wait_for_key_timeout(kSecond);
	if (key == 0) {
		/* Nobody can stop the countdown any more; it still takes its time. */
		sInputClosed = true;
		uint64_t waited = system_time() - start;
		if (waited < kSecond)
			spin(kSecond - waited);
		return CONSOLE_NO_KEY;
	}
	return key;
}


uint64_t
menu_first_frame_time(void)
{
	return sFirstFrameTime;
}


enum menu_result
menu_run(struct menu *menu, int32_t countdown)
{
	int32_t remaining = countdown > 0 ? countdown : 0;
	uint64_t started = system_time();
	menu_draw_all(menu, remaining);
	if (sFirstFrameTime == 0)
		sFirstFrameTime = system_time() - started + 1;

	for (;;) {
		int32_t key = menu_next_key(remaining > 0);
		if (remaining > 0) {
			if (key == CONSOLE_NO_KEY) {
				menu_draw_countdown(menu, --remaining);
				if (remaining == 0)
					return MENU_BOOT;
				continue;
			}
			remaining = 0;
			menu_draw_countdown(menu, 0);
		}
		if (key == 0)
			return MENU_CLOSED;

		int64_t selected = menu->selected;
		bool redraw = false;
		bool open = true;
		if (key >= 'A' && key <= 'Z')
			key += 'a' - 'A';
		switch (key) {
			case '\r':
				return MENU_BOOT;
			case CONSOLE_KEY_UP:
				menu_select(menu, selected - 1);
				break;
			case CONSOLE_KEY_DOWN:
				menu_select(menu, selected + 1);
				break;
			case CONSOLE_KEY_HOME:
				menu_select(menu, 0);
				break;
			case CONSOLE_KEY_END:
				menu_select(menu, (int64_t)menu->config->entry_count - 1);
				break;
			case CONSOLE_KEY_PAGE_UP:
				menu_select(menu, selected - (int64_t)sLayout.entry_rows);
				break;
			case CONSOLE_KEY_PAGE_DOWN:
				menu_select(menu, selected + (int64_t)sLayout.entry_rows);
				break;
			case 'e':
				open = menu_edit(menu);
				break;
			case 'o':
				open = menu_options(menu);
				redraw = true;
				break;
			case 'v':
				open = menu_choose_volume(menu);
				redraw = true;
				break;
			case 'm':
				open = menu_choose_video(menu);
				redraw = true;
				break;
			case 'd':
				menu_toggle_default(menu);
				break;
			case 'r':
			case 'p':
			case 'f':
				menu_machine(menu, key);
				break;
			default:
				if (key >= '1' && key <= '9'
					&& (uint32_t)(key - '1') < menu->config->entry_count)
					menu_select(menu, key - '1');
				break;
		}
		if (!open)
			return MENU_CLOSED;
		if (redraw)
			menu_draw_all(menu, 0);
	}
}
