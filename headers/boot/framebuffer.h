/* SPDX-License-Identifier: MIT */
/*
 * Drawing on a framebuffer the port described (struct platform_framebuffer):
 * colours in its pixel format, rectangles, glyphs and images, clipped to it.
 */
#ifndef BOOT_FRAMEBUFFER_H
#define BOOT_FRAMEBUFFER_H

#include <stdbool.h>
#include <stdint.h>

#include <boot/platform.h>

/* 0x00RRGGBB */
typedef uint32_t framebuffer_rgb;

/* Whether the loader can draw on it: a pixel size and channels it knows. */
bool framebuffer_usable(const struct platform_framebuffer *framebuffer);

/* rgb as the framebuffer stores it. */
uint32_t framebuffer_pixel(const struct platform_framebuffer *framebuffer,
	framebuffer_rgb rgb);

/* What the pixel at x, y shows, as 0x00RRGGBB (8 bits per channel). */
framebuffer_rgb framebuffer_read(const struct platform_framebuffer *framebuffer,
	uint32_t x, uint32_t y);

/* Fill the rectangle with pixel (from framebuffer_pixel), cut to the screen. */
void framebuffer_fill(const struct platform_framebuffer *framebuffer, uint32_t x,
	uint32_t y, uint32_t width, uint32_t height, uint32_t pixel);

/*
 * Draw a glyph of FONT_GLYPH_WIDTH x rows pixels (bitmap: a byte a row, the
 * leftmost pixel in bit 7), each pixel scale x scale, at x, y: set bits in
 * foreground, the others in background (both from framebuffer_pixel).
 */
void framebuffer_draw_glyph(const struct platform_framebuffer *framebuffer, uint32_t x,
	uint32_t y, const uint8_t *bitmap, uint32_t rows, uint32_t scale, uint32_t foreground,
	uint32_t background);

/* Copy a width x height image of 0x00RRGGBB pixels to x, y, cut to the screen. */
void framebuffer_draw_image(const struct platform_framebuffer *framebuffer, uint32_t x,
	uint32_t y, const framebuffer_rgb *image, uint32_t width, uint32_t height);

/*
 * Scroll the band of height rows from y up by distance rows, the screen's
 * width across: its last distance rows keep what they had, and nothing
 * outside the band moves.
 */
void framebuffer_scroll(const struct platform_framebuffer *framebuffer, uint32_t y,
	uint32_t height, uint32_t distance);

#endif
