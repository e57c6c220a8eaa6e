/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for drawing on a framebuffer (framebuffer.c, fb_console.c) and
 * the built-in font (font.c): pixel formats, clipping, glyphs where the
 * font has them and the replacement where it has not, the console's grid,
 * scaling, wrapping and scrolling, on framebuffers in memory.
 */
#include <string.h>

#include <boot/fb_console.h>
#include <boot/font.h>
#include <boot/framebuffer.h>

#include "unit_test.h"

#define SCREEN_WIDTH	64
#define SCREEN_HEIGHT	40
/* Room for the largest test screen, 32 bits a pixel, with a guard row. */
static uint32_t sPixels[2000 * 1200 + 64];


static struct platform_framebuffer
screen_bgrx(uint32_t width, uint32_t height)
{
	memset(sPixels, 0x5a, sizeof(sPixels));
	return (struct platform_framebuffer){
		.base = sPixels, .width = width, .height = height, .bytes_per_line = width * 4,
		.bits_per_pixel = 32, .red_mask = 0xff0000, .green_mask = 0xff00, .blue_mask = 0xff,
	};
}


TEST(colours_follow_the_channel_masks)
{
	struct platform_framebuffer bgrx = screen_bgrx(4, 4);
	CHECK_EQ(framebuffer_pixel(&bgrx, 0x123456), 0x123456);
	struct platform_framebuffer rgbx = bgrx;
	rgbx.red_mask = 0xff;
	rgbx.blue_mask = 0xff0000;
	CHECK_EQ(framebuffer_pixel(&rgbx, 0x123456), 0x563412);
	/* 5-6-5: the top bits of each channel. */
	struct platform_framebuffer rgb565 = bgrx;
	rgb565.bits_per_pixel = 16;
	rgb565.red_mask = 0xf800;
	rgb565.green_mask = 0x07e0;
	rgb565.blue_mask = 0x001f;
	CHECK_EQ(framebuffer_pixel(&rgb565, 0xffffff), 0xffff);
	CHECK_EQ(framebuffer_pixel(&rgb565, 0xff0000), 0xf800);
	CHECK_EQ(framebuffer_pixel(&rgb565, 0x0000ff), 0x001f);
	/* Read back, a full narrow channel is a full channel again. */
	rgb565.bytes_per_line = 8;
	framebuffer_fill(&rgb565, 0, 0, 1, 1, framebuffer_pixel(&rgb565, 0xffffff));
	CHECK_EQ(framebuffer_read(&rgb565, 0, 0), 0xffffff);
	/* 10 bits a channel (GOP's 2-10-10-10 bit masks): the value in the top bits. */
	struct platform_framebuffer deep = bgrx;
	deep.red_mask = 0x3ff00000;
	deep.green_mask = 0x000ffc00;
	deep.blue_mask = 0x000003ff;
	CHECK_EQ(framebuffer_pixel(&deep, 0x804020), 0x200u << 20 | 0x100u << 10 | 0x080u);
	framebuffer_fill(&deep, 1, 0, 1, 1, framebuffer_pixel(&deep, 0x804020));
	CHECK_EQ(framebuffer_read(&deep, 1, 0), 0x804020);
}


TEST(formats_the_loader_cannot_draw_are_refused)
{
	struct platform_framebuffer framebuffer = screen_bgrx(16, 16);
	CHECK(framebuffer_usable(&framebuffer));
	struct platform_framebuffer bad = framebuffer;
	bad.bits_per_pixel = 8;
	CHECK(!framebuffer_usable(&bad));
	bad = framebuffer;
	bad.bytes_per_line = 16 * 4 - 1;
	CHECK(!framebuffer_usable(&bad));
	bad = framebuffer;
	bad.green_mask = 0;
	CHECK(!framebuffer_usable(&bad));
	bad = framebuffer;
	bad.base = NULL;
	CHECK(!framebuffer_usable(&bad));
	CHECK_EQ(fb_console_start(&bad, 0, 0), B_NOT_SUPPORTED);
}


TEST(fills_are_cut_at_the_screen_edges)
{
	struct platform_framebuffer framebuffer = screen_bgrx(8, 4);
	framebuffer_fill(&framebuffer, 6, 2, 100, 100, 0xabcdef);
	for (uint32_t y = 0; y < 4; y++) {
		for (uint32_t x = 0; x < 8; x++) {
			uint32_t expected = x >= 6 && y >= 2 ? 0xabcdef : 0x5a5a5a5a;
			CHECK_EQ(sPixels[y * 8 + x], expected);
		}
	}
	/* Nothing past the last row. */
	CHECK_EQ(sPixels[8 * 4], 0x5a5a5a5a);
	framebuffer_fill(&framebuffer, 8, 0, 1, 1, 0);
	CHECK_EQ(sPixels[7], 0x5a5a5a5a);
	/* Rows wider than the run the fill copies from. */
	framebuffer = screen_bgrx(600, 2);
	framebuffer_fill(&framebuffer, 0, 0, 600, 2, 0x123456);
	for (uint32_t i = 0; i < 600 * 2; i++)
		CHECK_EQ(sPixels[i], 0x123456);
	CHECK_EQ(sPixels[600 * 2], 0x5a5a5a5a);
}


TEST(twenty_four_bit_pixels_are_three_bytes)
{
	struct platform_framebuffer framebuffer = screen_bgrx(4, 2);
	framebuffer.bits_per_pixel = 24;
	framebuffer.bytes_per_line = 12;
	framebuffer_fill(&framebuffer, 1, 0, 2, 1, framebuffer_pixel(&framebuffer, 0x010203));
	const uint8_t *bytes = (const uint8_t *)sPixels;
	CHECK_EQ(bytes[2], 0x5a);
	CHECK_EQ(bytes[3], 0x03);
	CHECK_EQ(bytes[4], 0x02);
	CHECK_EQ(bytes[5], 0x01);
	CHECK_EQ(bytes[8], 0x01);
	CHECK_EQ(bytes[9], 0x5a);
	CHECK_EQ(framebuffer_read(&framebuffer, 2, 0), 0x010203);
}


TEST(the_font_has_latin_greek_and_cyrillic)
{
	CHECK(gBootFont.height >= 8);
	CHECK(font_find_glyph(&gBootFont, 'A') != NULL);
	CHECK(font_find_glyph(&gBootFont, 0x00e9) != NULL);	/* é */
	CHECK(font_find_glyph(&gBootFont, 0x03a9) != NULL);	/* Ω */
	CHECK(font_find_glyph(&gBootFont, 0x0416) != NULL);	/* Ж */
	CHECK(font_find_glyph(&gBootFont, 0xfffd) != NULL);
	CHECK(font_find_glyph(&gBootFont, 0x65e5) == NULL);	/* 日: not in the font */
	/*
	 * Runs ascending, apart (else they would be one), holding every glyph;
	 * each code point of each finds its own glyph, and those around a run
	 * find none.
	 */
	uint32_t glyph = 0;
	for (uint32_t i = 0; i < gBootFont.run_count; i++) {
		const struct font_run *run = &gBootFont.runs[i];
		CHECK(run->count > 0);
		if (i > 0) {
			const struct font_run *before = &gBootFont.runs[i - 1];
			CHECK(before->first + before->count < run->first);
		}
		CHECK(font_find_glyph(&gBootFont, run->first - 1u) == NULL);
		CHECK(font_find_glyph(&gBootFont, run->first + run->count) == NULL);
		for (uint32_t c = run->first; c < run->first + run->count; c++, glyph++) {
			CHECK(font_find_glyph(&gBootFont, c)
				== gBootFont.bitmaps + (size_t)glyph * gBootFont.height);
		}
	}
	CHECK_EQ(glyph, gBootFont.count);
	/* 'A' and 'B' differ, and a space is empty. */
	CHECK(memcmp(font_glyph(&gBootFont, 'A'), font_glyph(&gBootFont, 'B'),
		gBootFont.height) != 0);
	const uint8_t *space = font_glyph(&gBootFont, ' ');
	for (uint32_t row = 0; row < gBootFont.height; row++)
		CHECK_EQ(space[row], 0);
}


TEST(a_character_without_a_glyph_gets_the_replacement)
{
	const uint8_t *replacement = font_find_glyph(&gBootFont,
		0xfffd);
	CHECK(font_glyph(&gBootFont, 0x65e5) == replacement);
	CHECK(font_glyph(&gBootFont, 0x1f600) == replacement);
	/* A font without U+FFFD falls back to the loader's own box. */
	static const struct font_run kRuns[] = { { 'A', 1 } };
	static const uint8_t kBitmaps[16] = { 0xff };
	const struct font small = { .height = 16, .count = 1, .run_count = 1, .runs = kRuns,
		.bitmaps = kBitmaps };
	CHECK(font_glyph(&small, 'A') == kBitmaps);
	const uint8_t *box = font_glyph(&small, 'B');
	CHECK(box != NULL && box != kBitmaps);
	CHECK(box[2] == 0x7e && box[13] == 0x7e);
}


/* Whether the cell at x, y shows glyph: foreground where its bits are set. */
static bool
cell_shows(const struct platform_framebuffer *framebuffer, uint32_t x, uint32_t y,
	uint32_t codePoint, uint32_t scale, uint32_t foreground, uint32_t background)
{
	const uint8_t *glyph = font_glyph(&gBootFont, codePoint);
	for (uint32_t row = 0; row < gBootFont.height * scale; row++) {
		for (uint32_t column = 0; column < FONT_GLYPH_WIDTH * scale; column++) {
			bool set = (glyph[row / scale] & (0x80 >> (column / scale))) != 0;
			uint32_t pixel = framebuffer_read(framebuffer, x + column, y + row);
			if (pixel != (set ? foreground : background))
				return false;
		}
	}
	return true;
}


TEST(the_console_draws_text_in_its_colours_on_a_centred_grid)
{
	struct platform_framebuffer framebuffer = screen_bgrx(100, 50);
	CHECK_EQ(fb_console_start(&framebuffer, 0, 0), B_OK);
	CHECK_EQ(fb_console_scale(), 1);
	CHECK_EQ(fb_console_columns(), 100 / 8);
	CHECK_EQ(fb_console_rows(), 50 / gBootFont.height);
	/* Cleared to black, every pixel. */
	for (uint32_t i = 0; i < 100 * 50; i++)
		CHECK_EQ(sPixels[i], 0);
	CHECK_EQ(sPixels[100 * 50], 0x5a5a5a5a);
	/* At most the serial terminal's grid, centred. */
	CHECK_EQ(fb_console_start(&framebuffer, 10, 2), B_OK);
	CHECK_EQ(fb_console_columns(), 10);
	CHECK_EQ(fb_console_rows(), 2);
	uint32_t left = fb_console_left();
	uint32_t top = fb_console_top();
	CHECK_EQ(left, (100 - 80) / 2);
	CHECK_EQ(top, (50 - 2 * gBootFont.height) / 2);

	fb_console_set_color(CONSOLE_BLACK, CONSOLE_LIGHT_GRAY);
	fb_console_set_cursor(3, 1);
	fb_console_write("\xce\xa9\xd0\x96?", 5);		/* Ω Ж ? */
	uint32_t y = top + gBootFont.height;
	CHECK(cell_shows(&framebuffer, left + 3 * 8, y, 0x03a9, 1, 0x000000, 0xaaaaaa));
	CHECK(cell_shows(&framebuffer, left + 4 * 8, y, 0x0416, 1, 0x000000, 0xaaaaaa));
	CHECK(cell_shows(&framebuffer, left + 5 * 8, y, '?', 1, 0x000000, 0xaaaaaa));
	/* Bad UTF-8 and a character the font lacks: the replacement glyph. */
	fb_console_set_color(CONSOLE_CYAN, CONSOLE_BLACK);
	fb_console_set_cursor(0, 0);
	fb_console_write("\xff\xe6\x97\xa5", 4);
	CHECK(cell_shows(&framebuffer, left, top, 0xfffd, 1, 0x00aaaa, 0));
	CHECK(cell_shows(&framebuffer, left + 8, top, 0xfffd, 1, 0x00aaaa, 0));
	/* A control character (a bell from a log line) shows as '?'. */
	fb_console_write("\a", 1);
	CHECK(cell_shows(&framebuffer, left + 16, top, '?', 1, 0x00aaaa, 0));
	fb_console_stop();
	CHECK(!fb_console_active());
}


TEST(the_console_wraps_and_scrolls)
{
	struct platform_framebuffer framebuffer = screen_bgrx(32, 2 * 16);
	CHECK_EQ(fb_console_start(&framebuffer, 0, 0), B_OK);
	CHECK_EQ(fb_console_columns(), 4);
	CHECK_EQ(fb_console_rows(), 2);
	fb_console_set_color(CONSOLE_WHITE, CONSOLE_BLACK);
	fb_console_write("abcdEF", 6);
	/* 'E' wrapped onto the second row. */
	CHECK(cell_shows(&framebuffer, 0, 16, 'E', 1, 0xffffff, 0));
	fb_console_write("\nZ", 2);
	/* The grid moved up: "EF" is on the first row, 'Z' starts a blank second. */
	CHECK(cell_shows(&framebuffer, 0, 0, 'E', 1, 0xffffff, 0));
	CHECK(cell_shows(&framebuffer, 8, 0, 'F', 1, 0xffffff, 0));
	CHECK(cell_shows(&framebuffer, 0, 16, 'Z', 1, 0xffffff, 0));
	CHECK(cell_shows(&framebuffer, 8, 16, ' ', 1, 0xffffff, 0));
	/* A cursor placed past the grid is held at its last cell. */
	fb_console_set_cursor(9, 0);
	fb_console_write("Q", 1);
	CHECK(cell_shows(&framebuffer, 24, 0, 'Q', 1, 0xffffff, 0));
	fb_console_stop();
}


TEST(a_scroll_brings_in_a_row_of_the_background_colour)
{
	/* As a text console's does, so that a coloured screen stays one colour. */
	struct platform_framebuffer framebuffer = screen_bgrx(32, 2 * 16);
	CHECK_EQ(fb_console_start(&framebuffer, 0, 0), B_OK);
	fb_console_set_color(CONSOLE_WHITE, CONSOLE_BLUE);
	fb_console_write("a\nb\nc", 5);
	CHECK(cell_shows(&framebuffer, 0, 0, 'b', 1, 0xffffff, 0x0000aa));
	CHECK(cell_shows(&framebuffer, 0, 16, 'c', 1, 0xffffff, 0x0000aa));
	CHECK(cell_shows(&framebuffer, 24, 16, ' ', 1, 0xffffff, 0x0000aa));
	fb_console_stop();
}


TEST(large_screens_get_larger_glyphs)
{
	CHECK_EQ(fb_console_scale_for(800, 600), 1);
	CHECK_EQ(fb_console_scale_for(1280, 800), 1);
	CHECK_EQ(fb_console_scale_for(1920, 1080), 2);
	CHECK_EQ(fb_console_scale_for(3840, 2160), 4);
	CHECK_EQ(fb_console_scale_for(3840, 600), 1);
	CHECK_EQ(fb_console_scale_for(0, 0), 1);

	struct platform_framebuffer framebuffer = screen_bgrx(1920, 1080);
	CHECK_EQ(fb_console_start(&framebuffer, 0, 0), B_OK);
	CHECK_EQ(fb_console_scale(), 2);
	CHECK_EQ(fb_console_columns(), 1920 / 16);
	fb_console_set_color(CONSOLE_WHITE, CONSOLE_BLUE);
	fb_console_write("W", 1);
	CHECK(cell_shows(&framebuffer, fb_console_left(), fb_console_top(), 'W', 2, 0xffffff,
		0x0000aa));
	fb_console_stop();
}


TEST(scrolling_moves_only_the_band)
{
	struct platform_framebuffer framebuffer = screen_bgrx(2, 6);
	for (uint32_t y = 0; y < 6; y++)
		framebuffer_fill(&framebuffer, 0, y, 2, 1, y + 1);
	framebuffer_scroll(&framebuffer, 1, 4, 2);
	const uint32_t expected[6] = { 1, 4, 5, 4, 5, 6 };
	for (uint32_t y = 0; y < 6; y++) {
		CHECK_EQ(framebuffer_read(&framebuffer, 0, y), expected[y]);
		CHECK_EQ(framebuffer_read(&framebuffer, 1, y), expected[y]);
	}
	/* A band past the bottom is cut; a distance as large as it moves nothing. */
	framebuffer_scroll(&framebuffer, 4, 100, 1);
	CHECK_EQ(framebuffer_read(&framebuffer, 0, 4), 6);
	framebuffer_scroll(&framebuffer, 0, 2, 2);
	CHECK_EQ(framebuffer_read(&framebuffer, 0, 0), 1);
}


TEST(images_are_copied_and_cut_to_the_screen)
{
	struct platform_framebuffer framebuffer = screen_bgrx(4, 3);
	const uint32_t image[6] = { 1, 2, 3, 4, 5, 6 };
	framebuffer_draw_image(&framebuffer, 2, 2, image, 3, 2);
	CHECK_EQ(framebuffer_read(&framebuffer, 2, 2), 1);
	CHECK_EQ(framebuffer_read(&framebuffer, 3, 2), 2);
	CHECK_EQ(sPixels[1 * 4 + 3], 0x5a5a5a5a);
	CHECK_EQ(sPixels[3 * 4], 0x5a5a5a5a);
	/* Cut across, each row still starts where the image's row does. */
	framebuffer_draw_image(&framebuffer, 2, 1, image, 3, 2);
	CHECK_EQ(framebuffer_read(&framebuffer, 2, 1), 1);
	CHECK_EQ(framebuffer_read(&framebuffer, 3, 1), 2);
	CHECK_EQ(framebuffer_read(&framebuffer, 2, 2), 4);
	CHECK_EQ(framebuffer_read(&framebuffer, 3, 2), 5);
}
