/* SPDX-License-Identifier: MIT */
/*
 * The splash and progress bar while an entry's files load: the entry's
 * image (checked like every file the loader reads) or the built-in one,
 * centred, a bar under it that follows the bytes read, and one updating
 * line on the serial line. A bad image costs only the image.
 */
#include <boot/splash.h>

#include <stdio.h>
#include <string.h>

#include <boot/config.h>
#include <boot/fb_console.h>
#include <boot/framebuffer.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/trust.h>
#include <boot/vfs.h>

#include "boot_splash_data.h"

static const uint32_t kBarOutline = 0xaaaaaa;
static const uint32_t kBarFill = 0xffffff;
static const uint32_t kBarEmpty = 0x000000;

static struct {
	bool		active;
	bool		quiet;
	char		title[48];
	uint32_t	*image;				/* heap; NULL: none */
	uint32_t	width;
	uint32_t	height;
	uint64_t	total;
	uint64_t	done;
	int32_t		percent;			/* last shown; -1: none yet */
} sSplash;


/* The image's pixels in a fresh heap block, or why not. */
static status_t
splash_load_pixels(const void *data, size_t size, const char **_reason)
{
	const struct platform_framebuffer *screen = fb_console_framebuffer();
	uint32_t width, height;
	if (splash_image_size(data, size, &width, &height) != B_OK) {
		*_reason = "not a splash image (build/scripts/make-splash makes one)";
		return B_BAD_DATA;
	}
	if (width > screen->width || height > screen->height) {
		*_reason = "larger than the screen";
		return B_BAD_VALUE;
	}
	uint32_t *pixels = heap_alloc((size_t)width * height * sizeof(uint32_t));
	if (pixels == NULL) {
		*_reason = "no memory for its pixels";
		return B_NO_MEMORY;
	}
	if (splash_decode(data, size, pixels, (size_t)width * height) != B_OK) {
		heap_free(pixels);
		*_reason = "its pixels are damaged or cut short";
		return B_BAD_DATA;
	}
	sSplash.image = pixels;
	sSplash.width = width;
	sSplash.height = height;
	return B_OK;
}


/* Read the entry's splash file, verified like any other; its bytes in *_data. */
static status_t
splash_read_file(const char *path, void **_data, size_t *_size, char *reason,
	size_t reasonSize)
{
	struct vfs_volume *volume;
	status_t status = vfs_load_file_limited(path, SPLASH_MAX_FILE_SIZE, _data, _size, &volume,
		reason, reasonSize);
	if (status != B_OK)
		return status;
	char refusal[TRUST_REASON_SIZE];
	status = trust_check_data(TRUST_SPLASH, volume, path, *_data, *_size, refusal,
		sizeof(refusal));
	if (status != B_OK) {
		snprintf(reason, reasonSize, "%s: %s", path, refusal);
		heap_free(*_data);
	}
	return status;
}


/* The entry's image, else the built-in one; a problem is said and costs the image only. */
static void
splash_choose_image(const struct config_entry *entry)
{
	const char *reason = NULL;
	if (entry->splash == NULL) {
		if (splash_load_pixels(kBuiltInSplash, sizeof(kBuiltInSplash), &reason) != B_OK)
			boot_printf("boot: the built-in splash: %s\n", reason);
		return;
	}
	char error[VFS_ERROR_SIZE + TRUST_REASON_SIZE];
	void *data;
	size_t size;
	if (splash_read_file(entry->splash, &data, &size, error, sizeof(error)) != B_OK) {
		boot_printf("boot: splash %s; booting without it\n", error);
		return;
	}
	if (splash_load_pixels(data, size, &reason) != B_OK)
		boot_printf("boot: splash %s: %s; booting without it\n", entry->splash, reason);
	heap_free(data);
}


/* Where the image and the bar's inside go: centred, the bar under the image. */
static void
splash_layout(uint32_t *_imageX, uint32_t *_imageY, uint32_t *_barX, uint32_t *_barY,
	uint32_t *_barWidth, uint32_t *_barHeight)
{
	const struct platform_framebuffer *screen = fb_console_framebuffer();
	uint32_t scale = fb_console_scale();
	*_imageX = (screen->width - sSplash.width) / 2;
	*_imageY = (screen->height - sSplash.height) / 2;
	*_barWidth = screen->width / 3;
	*_barHeight = 6 * scale;
	*_barX = (screen->width - *_barWidth) / 2;
	uint32_t below = *_imageY + sSplash.height + 16 * scale;
	uint32_t lowest = screen->height - *_barHeight - 4 * scale;
	*_barY = below < lowest ? below : lowest;
}


static void
splash_draw_bar(bool whole)
{
	const struct platform_framebuffer *screen = fb_console_framebuffer();
	uint32_t imageX, imageY, x, y, width, height;
	splash_layout(&imageX, &imageY, &x, &y, &width, &height);
	uint32_t border = 2 * fb_console_scale();
	if (whole) {
		framebuffer_fill(screen, x - border, y - border, width + 2 * border,
			height + 2 * border, framebuffer_pixel(screen, kBarOutline));
		framebuffer_fill(screen, x, y, width, height, framebuffer_pixel(screen, kBarEmpty));
	}
	uint64_t done = sSplash.done < sSplash.total ? sSplash.done : sSplash.total;
	uint32_t filled = sSplash.total > 0 ? (uint32_t)(done * width / sSplash.total) : width;
	framebuffer_fill(screen, x, y, filled, height, framebuffer_pixel(screen, kBarFill));
}


static void
splash_draw(void)
{
	const struct platform_framebuffer *screen = fb_console_framebuffer();
	uint32_t imageX, imageY, barX, barY, barWidth, barHeight;
	splash_layout(&imageX, &imageY, &barX, &barY, &barWidth, &barHeight);
	if (sSplash.image != NULL) {
		framebuffer_draw_image(screen, imageX, imageY, sSplash.image, sSplash.width,
			sSplash.height);
	}
	if (!sSplash.quiet)
		splash_draw_bar(true);
	boot_dprintf("splash: image %ux%u at %u,%u; bar %ux%u at %u,%u\n", sSplash.width,
		sSplash.height, imageX, imageY, barWidth, barHeight, barX, barY);
}


/* The serial line's one line, rewritten in place. */
static void
splash_serial_line(int32_t percent)
{
	char line[128];
	int length = snprintf(line, sizeof(line), "Loading \"%s\": %3d %% (%llu of %llu KiB)",
		sSplash.title, (int)percent, (unsigned long long)(sSplash.done >> 10),
		(unsigned long long)(sSplash.total >> 10));
	if (length > 0)
		boot_debug_status_line(line, (size_t)length < sizeof(line) ? (size_t)length
			: sizeof(line) - 1);
}


void
splash_begin(const struct config_entry *entry, uint64_t total)
{
	splash_release();
	if (!fb_console_active())
		return;
	memset(&sSplash, 0, sizeof(sSplash));
	sSplash.active = true;
	sSplash.quiet = boot_verbosity() == BOOT_VERBOSITY_QUIET;
	sSplash.total = total;
	sSplash.percent = -1;
	snprintf(sSplash.title, sizeof(sSplash.title), "%s", entry->title);
	splash_choose_image(entry);
	splash_draw();
	splash_progress(0);
}


bool
splash_shows_progress(void)
{
	return fb_console_active() && boot_verbosity() != BOOT_VERBOSITY_QUIET;
}


void
splash_progress(uint64_t bytes)
{
	if (!sSplash.active)
		return;
	sSplash.done += bytes;
	uint64_t done = sSplash.done < sSplash.total ? sSplash.done : sSplash.total;
	int32_t percent = sSplash.total > 0 ? (int32_t)(done * 100 / sSplash.total) : 100;
	if (percent == sSplash.percent || sSplash.quiet)
		return;
	sSplash.percent = percent;
	splash_draw_bar(false);
	splash_serial_line(percent);
}


void
splash_redraw(void)
{
	if (sSplash.active && fb_console_active())
		splash_draw();
}


void
splash_finish(void)
{
	if (!sSplash.active || sSplash.quiet)
		return;
	/* The kernel's reads need not add up to its size: the bar ends full all the same. */
	if (sSplash.done < sSplash.total)
		splash_progress(sSplash.total - sSplash.done);
	boot_debug_end_status_line();
	sSplash.percent = -1;
}


void
splash_release(void)
{
	if (!sSplash.active)
		return;
	boot_debug_end_status_line();
	heap_free(sSplash.image);
	memset(&sSplash, 0, sizeof(sSplash));
}
