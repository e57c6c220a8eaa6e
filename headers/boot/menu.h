/* SPDX-License-Identifier: MIT */
/*
 * The boot menu: the configuration's entries with a countdown, the command
 * line editor, boot options, the boot volume, the video mode and the
 * machine's reboot and power choices.
 *
 * It draws with the console hooks of platform.h only, one line at a time
 * and only the lines that changed, so that it works on the screen and on a
 * serial terminal (OVMF mirrors its console there) alike. Every line is
 * plain text that a test finds in a serial log or in the hosted port's
 * output, whatever colours and cursor moves surround it. The strings below
 * are stable; <n> is a number, <title> an entry's title, <path> and <text>
 * what the configuration or the user gave.
 *
 * Main screen, top to bottom:
 *   "Boot menu"                              the title line
 *   "> 1. <title>"                           the selected entry ("%c%2u. %s":
 *   "  2. <title>"                           ">10. <title>" from 10 on)
 *   "Kernel: <path>"                         the selected entry's kernel
 *                                            ("Linux: <path>", "EFI application: <path>"
 *                                            for linux and efi entries),
 *   "Command line: \"<text>\""               the command line it gets,
 *   "Options: <label>, <label>"              its options by config_option_label(),
 *                                            or "Options: none"; for a linux entry
 *                                            "Initrd: <path> <path>" or "Initrd: none",
 *                                            for an efi entry "Started by the
 *                                            firmware; load options: the command line",
 *   "Boot volume: vol<n> <device> (<label>)" the volume searched first
 *                                            (" (<label>)" only when it has one),
 *                                            with ", video <w>x<h>" when the menu chose
 *                                            a mode
 *   "Booting \"<title>\" in <n> s (any key stops the countdown)"
 *                                            while the countdown runs, then blank
 *   "Error: <text>"                          why the last boot (or menu action) failed,
 *   or "Note: <text>"                        what a menu action did (d),
 *                                            on two rows (broken at a space) when
 *                                            longer than one
 *   "<file>:<line>: <text>"                  each configuration diagnostic
 *                                            (config_format_diagnostic()), and
 *   "... and <n> more in the loader log"     when they do not all fit
 *   "Enter boot  Up/Down/1-9 select  e edit command line  o options  v volume"
 *                                            (without "e edit command line  " when
 *                                            editing is off: config.h's editor)
 *   "m video mode  d default  r reboot  p power off  f firmware setup"
 *                                            (the last item only where supported)
 *
 * Keys: Up/Down/Home/End/PageUp/PageDown and 1-9 select, Enter boots, e
 * edits (when editing is off the status line says "Error: editing is off
 * (editor = no)" or "Error: editing is off while the loader verifies
 * (editor = yes turns it on)"), o options, v volume, m video mode, d makes
 * the selected entry the default of later boots or, pressed on that entry
 * again, stops it being (the Boot Loader Interface's LoaderEntryDefault;
 * the status line says which), r reboot, p power off, f reboot into the
 * firmware's setup. Any key stops the countdown and then does what it does.
 *
 * Editing (e): the "Command line: ..." line becomes "Command line> <text>",
 * drawn again after every key, and the help lines become
 *   "Editing: Enter accept  Esc cancel  Left/Right/Home/End move"
 *   "Backspace/Delete erase"
 *
 * Lists (o, v, m): a title line, one line per item, "> " before the selected
 * item and "  " before the others, and the help line
 *   "Up/Down select  Enter choose  Esc back"
 *   o: "Options for \"<title>\""; items "[x] <label>" or "[ ] <label>" for
 *      each BOOT_OPTION_* flag (Enter toggles), "Show the loader log",
 *      "Show the memory map"
 *   v: "Boot volume"; items "vol<n>: <device>, <fs> <detail>, label \"<label>\"",
 *      " (boot volume)" after the current one
 *   m: "Video mode"; items "As configured", then "<w>x<h>" for each mode, with
 *      " (current)" after the firmware's current mode and " (chosen)" after the
 *      menu's choice; without modes the menu says
 *      "Error: the firmware offers no graphics modes"
 *
 * Pager (the loader log, the memory map): the title line "Loader log" or
 * "Memory map", the text with long lines wrapped, and the status line
 *   "Lines <first>-<last> of <n>  Up/Down/PageUp/PageDown/Home/End  Esc back"
 *
 * When an entry is chosen the screen is cleared and
 *   "Booting \"<title>\""
 * is printed with boot_printf(), so it is in the log too.
 */
#ifndef BOOT_MENU_H
#define BOOT_MENU_H

#include <stdbool.h>
#include <stdint.h>

struct boot_config;

#define MENU_STATUS_SIZE	384

struct menu {
	struct boot_config	*config;		/* entries and options change in place */
	uint32_t			selected;		/* the selected entry's index */
	int32_t				video_mode;		/* the menu's choice; -1: as configured */
	char				status[MENU_STATUS_SIZE];	/* shown as "Error: ..."; "" for none */
	bool				status_is_note;	/* shown as "Note: ...": news, not a failure */
};

enum menu_result {
	MENU_BOOT,			/* boot config->entries[selected] */
	MENU_CLOSED,		/* the console input closed: nobody will ever choose */
};

/* Select the configuration's default entry, no video mode, no status. */
void menu_init(struct menu *menu, struct boot_config *config);

/*
 * Show the menu and take keys until an entry is to be booted. countdown is
 * how many seconds the selected entry waits before it boots by itself; 0 or
 * CONFIG_TIMEOUT_FOREVER waits for a choice. When the input closes during
 * the countdown, the countdown still runs out. The reboot and power keys
 * return only when the firmware failed, with a status. Allocates only for
 * the pager; never fails otherwise.
 */
enum menu_result menu_run(struct menu *menu, int32_t countdown);

/*
 * Microseconds the first whole frame of the menu took to draw (every line,
 * on every console); 0 before the menu was shown. For the benchmark.
 */
uint64_t menu_first_frame_time(void);

/* The status line, formatted; "" clears it. */
void menu_set_status(struct menu *menu, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

#endif
