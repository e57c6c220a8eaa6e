/* SPDX-License-Identifier: MIT */
/*
 * Screenshots of the simulated framebuffer (--screenshots PREFIX), for
 * tests to look at as they look at QEMU's: binary PPM files, one for each
 * screen the loader showed when it waited for a key, and the last screen
 * when the process ends (the kernel's test pattern, a splash, an error).
 * A screen that did not change since the last file is not written again.
 */
#include "host_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *sPrefix;
static unsigned sCount;
/* The screen last written, to tell a new one from it. */
static struct platform_framebuffer sLast;
static uint8_t *sLastPixels;


/* A channel's value scaled to 0-255, whatever its width. */
static uint8_t
screenshot_channel(uint32_t pixel, uint32_t mask)
{
	if (mask == 0)
		return 0;
	uint32_t shift = 0;
	while (((mask >> shift) & 1) == 0)
		shift++;
	uint32_t maximum = mask >> shift;
	return (uint8_t)(((pixel & mask) >> shift) * 255 / maximum);
}


static bool
screenshot_write(const char *path, const struct platform_framebuffer *screen)
{
	FILE *file = fopen(path, "wb");
	if (file == NULL)
		return false;
	fprintf(file, "P6\n%u %u\n255\n", screen->width, screen->height);
	uint32_t bytes = screen->bits_per_pixel / 8;
	for (uint32_t y = 0; y < screen->height; y++) {
		const uint8_t *row = (const uint8_t *)screen->base + (size_t)y * screen->bytes_per_line;
		for (uint32_t x = 0; x < screen->width; x++) {
			uint32_t pixel = 0;
			for (uint32_t b = 0; b < bytes; b++)
				pixel |= (uint32_t)row[x * bytes + b] << (8 * b);
			uint8_t rgb[3] = { screenshot_channel(pixel, screen->red_mask),
				screenshot_channel(pixel, screen->green_mask),
				screenshot_channel(pixel, screen->blue_mask) };
			fwrite(rgb, 1, sizeof(rgb), file);
		}
	}
	return fclose(file) == 0;
}


static bool
screenshot_unchanged(const struct platform_framebuffer *screen, size_t size)
{
	return sLastPixels != NULL && sLast.width == screen->width
		&& sLast.height == screen->height && sLast.bytes_per_line == screen->bytes_per_line
		&& sLast.bits_per_pixel == screen->bits_per_pixel
		&& memcmp(sLastPixels, screen->base, size) == 0;
}


void
host_screenshot(void)
{
	struct platform_framebuffer screen;
	if (sPrefix == NULL || !host_video_current(&screen))
		return;
	size_t size = (size_t)screen.bytes_per_line * screen.height;
	if (screenshot_unchanged(&screen, size))
		return;

	/*
	 * Failures are said, not fatal: this also runs from atexit(), where
	 * exiting again is undefined, and a test misses the file anyway.
	 */
	char path[4096];
	snprintf(path, sizeof(path), "%s-%u.ppm", sPrefix, ++sCount);
	if (!screenshot_write(path, &screen))
		fprintf(stderr, "host: cannot write the screenshot %s\n", path);
	free(sLastPixels);
	sLastPixels = malloc(size);
	if (sLastPixels != NULL) {
		memcpy(sLastPixels, screen.base, size);
		sLast = screen;
	}
}


void
host_screenshots_start(const char *prefix)
{
	sPrefix = prefix;
	atexit(host_screenshot);
}
