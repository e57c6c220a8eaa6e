/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the splash and progress bar while an entry loads
 * (src/system/boot/loader/boot_splash.c), on the framebuffer console over a
 * framebuffer in memory: the bar's fill against the bytes read, its end
 * full whatever the reads added up to, the serial line's progress, a quiet
 * boot without either, and an entry's splash that cannot be shown (missing,
 * refused by verification, damaged, larger than the screen), said and
 * booted without. The files and the trust policy are fakes; the heap is the
 * counted one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/config.h>
#include <boot/fb_console.h>
#include <boot/heap.h>
#include <boot/splash.h>
#include <boot/stdio.h>
#include <boot/trust.h>
#include <boot/vfs.h>

#include "../support/boot_log.h"
#include "../support/counted_heap.h"
#include "unit_test.h"

#define SCREEN_WIDTH	800
#define SCREEN_HEIGHT	600
#define FILL			0xffffff
#define EMPTY			0x000000

static uint32_t sPixels[SCREEN_WIDTH * SCREEN_HEIGHT];
static char sStatusLine[128];
static uint32_t sStatusLines;
static uint32_t sStatusEnds;
static enum boot_verbosity sVerbosity;
/* The fake volume's one file, and what verification says of it (NULL: trusted). */
static const char *sFilePath;
static uint8_t sFile[256];
static size_t sFileSize;
static const char *sRefusal;

/* The bar as splash_draw() logs it. */
struct bar {
	uint32_t	x;
	uint32_t	y;
	uint32_t	width;
};


/* --- the loader around boot_splash.c ---------------------------------------- */

enum boot_verbosity
boot_verbosity(void)
{
	return sVerbosity;
}


void
boot_debug_status_line(const char *text, size_t length)
{
	snprintf(sStatusLine, sizeof(sStatusLine), "%.*s", (int)length, text);
	sStatusLines++;
}


void
boot_debug_end_status_line(void)
{
	sStatusEnds++;
}


status_t
vfs_load_file_limited(const char *path, uint64_t maxSize, void **_data, size_t *_size,
	struct vfs_volume **_volume, char *error, size_t errorSize)
{
	CHECK_EQ(maxSize, SPLASH_MAX_FILE_SIZE);
	if (sFilePath == NULL || strcmp(path, sFilePath) != 0) {
		snprintf(error, errorSize, "%s: not found on any volume", path);
		return B_ENTRY_NOT_FOUND;
	}
	void *data = heap_alloc(sFileSize);
	CHECK(data != NULL);
	memcpy(data, sFile, sFileSize);
	*_data = data;
	*_size = sFileSize;
	*_volume = NULL;
	return B_OK;
}


status_t
trust_check_data(enum trust_kind kind, const struct vfs_volume *volume, const char *path,
	const void *data, size_t size, char *error, size_t errorSize)
{
	CHECK_EQ(kind, TRUST_SPLASH);
	if (sRefusal == NULL)
		return B_OK;
	snprintf(error, errorSize, "%s", sRefusal);
	return B_NOT_ALLOWED;
}


/* --- the screen and the files ------------------------------------------------ */

static void
setup(enum boot_verbosity verbosity)
{
	memset(sPixels, 0x5a, sizeof(sPixels));
	const struct platform_framebuffer screen = {
		.base = sPixels, .width = SCREEN_WIDTH, .height = SCREEN_HEIGHT,
		.bytes_per_line = SCREEN_WIDTH * 4, .bits_per_pixel = 32,
		.red_mask = 0xff0000, .green_mask = 0xff00, .blue_mask = 0xff,
	};
	CHECK_EQ(fb_console_start(&screen, 0, 0), B_OK);
	boot_log_clear();
	sStatusLine[0] = '\0';
	sStatusLines = 0;
	sStatusEnds = 0;
	sVerbosity = verbosity;
	sFilePath = NULL;
	sRefusal = NULL;
	counted_heap_reset();
}


static uint32_t
pixel(uint32_t x, uint32_t y)
{
	return sPixels[y * SCREEN_WIDTH + x] & 0xffffff;
}


/* The bar splash_begin() drew, from its log line. */
static struct bar
drawn_bar(void)
{
	struct bar bar;
	uint32_t height;
	const char *line = strstr(sLog, "; bar ");
	CHECK(line != NULL);
	CHECK_EQ(sscanf(line, "; bar %ux%u at %u,%u", &bar.width, &height, &bar.x, &bar.y), 4);
	CHECK(bar.x + bar.width <= SCREEN_WIDTH && bar.y + height <= SCREEN_HEIGHT);
	return bar;
}


/* How many of the bar's pixels, from its left, are filled: all filled then all empty. */
static uint32_t
filled(const struct bar *bar)
{
	uint32_t count = 0;
	while (count < bar->width && pixel(bar->x + count, bar->y) == FILL)
		count++;
	for (uint32_t x = count; x < bar->width; x++)
		CHECK_EQ(pixel(bar->x + x, bar->y), EMPTY);
	return count;
}


/* An entry's splash file at path: width x height of one colour, in runs. */
static void
splash_file(const char *path, uint32_t width, uint32_t height)
{
	uint8_t *packets = sFile + SPLASH_HEADER_SIZE;
	size_t size = 0;
	for (uint32_t left = width * height; left > 0;) {
		uint32_t run = left < 129 ? left : 129;
		packets[size++] = (uint8_t)(run == 1 ? 0 : run + 126);
		packets[size++] = 0x20;
		packets[size++] = 0x40;
		packets[size++] = 0x80;
		left -= run;
	}
	CHECK(SPLASH_HEADER_SIZE + size <= sizeof(sFile));
	memcpy(sFile, SPLASH_MAGIC, 4);
	const uint8_t header[12] = { (uint8_t)width, (uint8_t)(width >> 8), (uint8_t)height,
		(uint8_t)(height >> 8), (uint8_t)size, (uint8_t)(size >> 8), 0, 0 };
	memcpy(sFile + 4, header, sizeof(header));
	sFilePath = path;
	sFileSize = SPLASH_HEADER_SIZE + size;
}


static struct config_entry
entry(char *splash)
{
	struct config_entry entry;
	memset(&entry, 0, sizeof(entry));
	entry.title = "Haiku";
	entry.splash = splash;
	return entry;
}


/* --- the tests ------------------------------------------------------------- */

TEST(splash_the_bar_follows_the_bytes_read)
{
	setup(BOOT_VERBOSITY_NORMAL);
	struct config_entry haiku = entry(NULL);
	CHECK(splash_shows_progress());
	splash_begin(&haiku, 4u << 20);
	struct bar bar = drawn_bar();
	CHECK_EQ(filled(&bar), 0);
	/* The outline around the inside, two pixels at scale 1. */
	CHECK_EQ(pixel(bar.x - 1, bar.y), 0xaaaaaa);
	CHECK(pixel(bar.x - 3, bar.y) != 0xaaaaaa);
	splash_progress(1u << 20);
	CHECK_EQ(filled(&bar), bar.width / 4);
	CHECK(strcmp(sStatusLine, "Loading \"Haiku\":  25 % (1024 of 4096 KiB)") == 0);
	/* A byte more is no new percent: the serial line is not rewritten. */
	uint32_t lines = sStatusLines;
	splash_progress(1);
	CHECK_EQ(sStatusLines, lines);
	/* Reads past the total fill the bar and no more. */
	splash_progress(8u << 20);
	CHECK_EQ(filled(&bar), bar.width);
	CHECK_EQ(pixel(bar.x + bar.width + 1, bar.y), 0xaaaaaa);
	CHECK(strstr(sStatusLine, "100 %") != NULL);
	splash_release();
	CHECK_EQ(counted_heap_live(), 0);
}


TEST(splash_the_bar_ends_full_whatever_the_reads_added_up_to)
{
	setup(BOOT_VERBOSITY_NORMAL);
	struct config_entry haiku = entry(NULL);
	splash_begin(&haiku, 1000);
	struct bar bar = drawn_bar();
	splash_progress(100);
	CHECK_EQ(filled(&bar), bar.width / 10);
	splash_finish();
	CHECK_EQ(filled(&bar), bar.width);
	CHECK(sStatusEnds >= 1);
	splash_release();
	/* Nothing to read at all: full from the start. */
	setup(BOOT_VERBOSITY_NORMAL);
	splash_begin(&haiku, 0);
	bar = drawn_bar();
	CHECK_EQ(filled(&bar), bar.width);
	splash_release();
}


TEST(splash_the_image_is_centred_and_the_bar_under_it)
{
	setup(BOOT_VERBOSITY_NORMAL);
	splash_file("/boot/splash.bspl", 100, 50);
	struct config_entry haiku = entry("/boot/splash.bspl");
	splash_begin(&haiku, 100);
	CHECK(strstr(sLog, "splash: image 100x50 at 350,275; bar 266x6 at 267,341") != NULL);
	CHECK_EQ(pixel(350, 275), 0x204080);
	CHECK_EQ(pixel(449, 324), 0x204080);
	CHECK(pixel(349, 275) != 0x204080 && pixel(450, 324) != 0x204080);
	splash_release();
	CHECK_EQ(counted_heap_live(), 0);
	/* A tall image pushes the bar no lower than the screen's bottom edge. */
	setup(BOOT_VERBOSITY_NORMAL);
	splash_file("/boot/splash.bspl", 10, 590);
	splash_begin(&haiku, 100);
	CHECK(strstr(sLog, "; bar 266x6 at 267,590") != NULL);
	splash_release();
}


TEST(splash_a_quiet_boot_shows_the_image_alone)
{
	setup(BOOT_VERBOSITY_QUIET);
	splash_file("/boot/splash.bspl", 100, 50);
	struct config_entry haiku = entry("/boot/splash.bspl");
	CHECK(!splash_shows_progress());
	splash_begin(&haiku, 1000);
	CHECK_EQ(pixel(350, 275), 0x204080);
	/* Where the bar and its outline would be, the console's cleared screen. */
	struct bar bar = drawn_bar();
	uint32_t background = pixel(bar.x, bar.y);
	CHECK(background != FILL);
	CHECK_EQ(pixel(bar.x - 1, bar.y), background);
	splash_progress(1000);
	splash_finish();
	CHECK_EQ(pixel(bar.x, bar.y), background);
	CHECK_EQ(sStatusLines, 0);
	splash_release();
}


TEST(splash_that_cannot_be_shown_is_said_and_booted_without)
{
	struct config_entry haiku = entry("/boot/splash.bspl");
	/* Missing. */
	setup(BOOT_VERBOSITY_NORMAL);
	splash_begin(&haiku, 100);
	CHECK(strstr(sLog, "boot: splash /boot/splash.bspl: not found on any volume; booting "
		"without it") != NULL);
	CHECK(strstr(sLog, "splash: image 0x0") != NULL);
	CHECK_EQ(drawn_bar().width, SCREEN_WIDTH / 3);
	splash_release();
	/* Refused by verification. */
	setup(BOOT_VERBOSITY_NORMAL);
	splash_file("/boot/splash.bspl", 10, 10);
	sRefusal = "not in any trusted manifest";
	splash_begin(&haiku, 100);
	CHECK(strstr(sLog, "boot: splash /boot/splash.bspl: not in any trusted manifest; "
		"booting without it") != NULL);
	CHECK(strstr(sLog, "splash: image 0x0") != NULL);
	splash_release();
	/* Larger than the screen, either way. */
	setup(BOOT_VERBOSITY_NORMAL);
	splash_file("/boot/splash.bspl", 1, SCREEN_HEIGHT + 1);
	splash_begin(&haiku, 100);
	CHECK(strstr(sLog, "boot: splash /boot/splash.bspl: larger than the screen; booting "
		"without it") != NULL);
	splash_release();
	setup(BOOT_VERBOSITY_NORMAL);
	splash_file("/boot/splash.bspl", SCREEN_WIDTH + 1, 1);
	splash_begin(&haiku, 100);
	CHECK(strstr(sLog, "larger than the screen") != NULL);
	splash_release();
	/* Its pixels cut short; and not a splash at all. */
	setup(BOOT_VERBOSITY_NORMAL);
	splash_file("/boot/splash.bspl", 10, 30);
	sFileSize -= 4;
	sFile[8] -= 4;
	splash_begin(&haiku, 100);
	CHECK(strstr(sLog, "its pixels are damaged or cut short") != NULL);
	splash_release();
	setup(BOOT_VERBOSITY_NORMAL);
	splash_file("/boot/splash.bspl", 10, 10);
	sFile[0] = 'X';
	splash_begin(&haiku, 100);
	CHECK(strstr(sLog, "not a splash image") != NULL);
	splash_release();
	CHECK_EQ(counted_heap_live(), 0);
}


TEST(splash_without_the_framebuffer_console_nothing_is_drawn)
{
	setup(BOOT_VERBOSITY_NORMAL);
	fb_console_stop();
	memset(sPixels, 0x5a, sizeof(sPixels));
	struct config_entry haiku = entry(NULL);
	CHECK(!splash_shows_progress());
	splash_begin(&haiku, 100);
	splash_progress(50);
	splash_finish();
	CHECK_EQ(sLogLength, 0);
	CHECK_EQ(sStatusLines, 0);
	CHECK_EQ(pixel(0, 0), 0x5a5a5a);
}
