/* SPDX-License-Identifier: MIT */
/*
 * The console the generic loader writes to: the port's console hooks, and
 * the framebuffer console on the screen while it has it (docs/console.md).
 */
#ifndef BOOT_CONSOLE_H
#define BOOT_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/platform.h>
#include <boot/status.h>

void boot_console_write(const char *text, size_t length);
void boot_console_clear_screen(void);
int32_t boot_console_width(void);
int32_t boot_console_height(void);
void boot_console_set_cursor(int32_t x, int32_t y);
void boot_console_set_color(enum console_color foreground, enum console_color background);

/*
 * Draw the console on framebuffer from now on, the port keeping its other
 * outputs (the serial line); both get the same grid, the smaller of the two.
 * Errors: B_NOT_SUPPORTED (a framebuffer the loader cannot draw on).
 */
status_t boot_console_use_framebuffer(const struct platform_framebuffer *framebuffer);

/* Give the screen back to the port's console (before a mode switch). */
void boot_console_leave_framebuffer(void);

/*
 * Draw nothing more on the framebuffer, leaving on it what is there (the
 * splash the kernel takes over); called just before the handoff.
 */
void boot_console_freeze(void);

#endif
