/* SPDX-License-Identifier: MIT */
/*
 * The splash image and the progress bar shown while an entry's files load
 * (docs/console.md), and the compact image format they come in.
 */
#ifndef BOOT_SPLASH_H
#define BOOT_SPLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/status.h>

/*
 * The format build/scripts/make-splash writes: a 16-byte header, "BSPL",
 * width and height (16 bits each, little-endian, 1 to SPLASH_MAX_SIDE), the
 * size of the packets that follow (32 bits) and 4 bytes of zeros; then
 * packets that cover the pixels row by row: a byte n, and for n < 128 n + 1
 * pixels of three bytes each (red, green, blue), for n >= 128 one such pixel
 * that stands for n - 126 of them. Nothing may follow the last pixel.
 */
#define SPLASH_MAGIC			"BSPL"
#define SPLASH_HEADER_SIZE		16
#define SPLASH_MAX_SIDE			4096
/* A larger file is refused before it is read. */
#define SPLASH_MAX_FILE_SIZE	(16 * 1024 * 1024)

/*
 * The image's size, from its header. Errors: B_BAD_DATA (not this format,
 * an empty or oversized image, or packets that size does not hold).
 */
status_t splash_image_size(const void *data, size_t size, uint32_t *_width,
	uint32_t *_height);

/*
 * Decode the image into pixels, width x height of 0x00RRGGBB. Errors:
 * B_BAD_DATA (what splash_image_size() refuses, packets that end before the
 * last pixel, run past it, or are followed by more bytes), B_BAD_VALUE
 * (pixels has fewer than width x height room).
 */
status_t splash_decode(const void *data, size_t size, uint32_t *pixels, size_t pixelCount);

struct config_entry;

/*
 * Show the entry's splash (its "splash" file, verified like any other file
 * when verification is on, else the built-in image) and, unless the boot is
 * quiet, a progress bar at 0 % of total bytes, on the framebuffer console's
 * screen; the serial line gets one updating progress line. A splash that
 * cannot be shown is said why, and the boot goes on without it. Nothing
 * happens without the framebuffer console.
 */
void splash_begin(const struct config_entry *entry, uint64_t total);

/*
 * Whether splash_begin() draws a progress bar (the framebuffer console is
 * on, the boot not quiet): only then are the files sized for its total and
 * read in pieces for it to move.
 */
bool splash_shows_progress(void);

/* bytes more of the total were read: the bar follows. */
void splash_progress(uint64_t bytes);

/* Draw splash and bar again (the framebuffer changed: a new video mode). */
void splash_redraw(void);

/* The files are read: the bar is full, and the serial line ends. */
void splash_finish(void);

/* Forget the splash (a failed boot, the handoff): its memory goes back to the heap. */
void splash_release(void);

#endif
