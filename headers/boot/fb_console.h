/* SPDX-License-Identifier: MIT */
/*
 * The console drawn on the framebuffer with the built-in font (docs/console.md):
 * a grid of character cells, the menu's colours, a cursor that wraps and
 * scrolls; boot/console.h sends it what the console hooks would draw.
 */
#ifndef BOOT_FB_CONSOLE_H
#define BOOT_FB_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/platform.h>
#include <boot/status.h>

/* Glyphs are scaled by a whole factor: one more for each this many pixels. */
#define FB_CONSOLE_SCALE_WIDTH		960
#define FB_CONSOLE_SCALE_HEIGHT		540

/* The factor glyphs are drawn at on a screen this large (at least 1). */
uint32_t fb_console_scale_for(uint32_t width, uint32_t height);

/*
 * Draw the console on framebuffer from now on, the whole screen cleared:
 * a grid of at most columns x rows cells (0: as many as the screen holds;
 * the serial terminal's size, so that both show the same menu), centred.
 * Errors: B_NOT_SUPPORTED (a pixel format the loader cannot draw).
 */
status_t fb_console_start(const struct platform_framebuffer *framebuffer, int32_t columns,
	int32_t rows);

/* Stop drawing (before the handoff, or before a mode switch). */
void fb_console_stop(void);

bool fb_console_active(void);

/* The framebuffer the console draws on; NULL when it is not active. */
const struct platform_framebuffer *fb_console_framebuffer(void);

int32_t fb_console_columns(void);
int32_t fb_console_rows(void);
uint32_t fb_console_scale(void);

/* Where cell 0, 0 starts on the screen, in pixels, and the font's rows. */
uint32_t fb_console_left(void);
uint32_t fb_console_top(void);
uint32_t fb_console_font_height(void);

void fb_console_write(const char *text, size_t length);
void fb_console_clear(void);
void fb_console_set_cursor(int32_t x, int32_t y);
void fb_console_set_color(enum console_color foreground, enum console_color background);

/* A console colour as 0x00RRGGBB (the VGA palette the text consoles use). */
uint32_t fb_console_rgb(enum console_color color);

#endif
