/* SPDX-License-Identifier: MIT */
/*
 * The console on the framebuffer: character cells of the built-in font,
 * scaled on large screens, centred, with the text consoles' sixteen colours.
 */
#include <boot/fb_console.h>

#include <boot/font.h>
#include <boot/framebuffer.h>
#include <boot/unicode.h>

/* The text consoles' sixteen colours, so that the menu looks the same. */
static const uint32_t kPalette[16] = {
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
	0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

static struct platform_framebuffer sScreen;
static bool sActive;
static uint32_t sScale;
static uint32_t sCellWidth;
static uint32_t sCellHeight;
static uint32_t sLeft;
static uint32_t sTop;
static int32_t sColumns;
static int32_t sRows;
static int32_t sCursorX;
static int32_t sCursorY;
static uint32_t sForeground;
static uint32_t sBackground;
static uint32_t sBackgroundRgb;


uint32_t
fb_console_scale_for(uint32_t width, uint32_t height)
{
	uint32_t across = width / FB_CONSOLE_SCALE_WIDTH;
	uint32_t down = height / FB_CONSOLE_SCALE_HEIGHT;
	uint32_t scale = across < down ? across : down;
	return scale > 0 ? scale : 1;
}


uint32_t
fb_console_rgb(enum console_color color)
{
	return kPalette[(uint32_t)color & 0xf];
}


/* The grid of cols x rows cells, centred. */
static void
fb_console_place(int32_t columns, int32_t rows)
{
	sColumns = columns;
	sRows = rows;
	sLeft = (sScreen.width - (uint32_t)columns * sCellWidth) / 2;
	sTop = (sScreen.height - (uint32_t)rows * sCellHeight) / 2;
}


status_t
fb_console_start(const struct platform_framebuffer *framebuffer, int32_t columns,
	int32_t rows)
{
	if (!framebuffer_usable(framebuffer) || gBootFont.height == 0)
		return B_NOT_SUPPORTED;
	sScreen = *framebuffer;
	sScale = fb_console_scale_for(sScreen.width, sScreen.height);
	sCellWidth = FONT_GLYPH_WIDTH * sScale;
	sCellHeight = gBootFont.height * sScale;
	if (sScreen.width < sCellWidth || sScreen.height < sCellHeight)
		return B_NOT_SUPPORTED;
	int32_t fullColumns = (int32_t)(sScreen.width / sCellWidth);
	int32_t fullRows = (int32_t)(sScreen.height / sCellHeight);
	fb_console_place(columns > 0 && columns < fullColumns ? columns : fullColumns,
		rows > 0 && rows < fullRows ? rows : fullRows);
	sActive = true;
	fb_console_set_color(CONSOLE_LIGHT_GRAY, CONSOLE_BLACK);
	fb_console_clear();
	return B_OK;
}


void
fb_console_stop(void)
{
	sActive = false;
}


bool
fb_console_active(void)
{
	return sActive;
}


const struct platform_framebuffer *
fb_console_framebuffer(void)
{
	return sActive ? &sScreen : NULL;
}


int32_t
fb_console_columns(void)
{
	return sColumns;
}


int32_t
fb_console_rows(void)
{
	return sRows;
}


uint32_t
fb_console_scale(void)
{
	return sScale;
}


uint32_t
fb_console_left(void)
{
	return sLeft;
}


uint32_t
fb_console_top(void)
{
	return sTop;
}


uint32_t
fb_console_font_height(void)
{
	return gBootFont.height;
}


void
fb_console_clear(void)
{
	if (!sActive)
		return;
	framebuffer_fill(&sScreen, 0, 0, sScreen.width, sScreen.height,
		framebuffer_pixel(&sScreen, sBackgroundRgb));
	sCursorX = 0;
	sCursorY = 0;
}


void
fb_console_set_cursor(int32_t x, int32_t y)
{
	sCursorX = x < 0 ? 0 : x >= sColumns ? sColumns - 1 : x;
	sCursorY = y < 0 ? 0 : y >= sRows ? sRows - 1 : y;
}


void
fb_console_set_color(enum console_color foreground, enum console_color background)
{
	sForeground = framebuffer_pixel(&sScreen, fb_console_rgb(foreground));
	sBackgroundRgb = fb_console_rgb(background);
	sBackground = framebuffer_pixel(&sScreen, sBackgroundRgb);
}


/* The next row; at the bottom the grid moves up one row instead. */
static void
fb_console_new_line(void)
{
	sCursorX = 0;
	if (sCursorY + 1 < sRows) {
		sCursorY++;
		return;
	}
	/* The grid only: a splash around it stays where it is. */
	framebuffer_scroll(&sScreen, sTop, (uint32_t)sRows * sCellHeight, sCellHeight);
	framebuffer_fill(&sScreen, 0, sTop + (uint32_t)(sRows - 1) * sCellHeight, sScreen.width,
		sCellHeight, sBackground);
}


static void
fb_console_put(uint32_t codePoint)
{
	if (codePoint == '\n') {
		fb_console_new_line();
		return;
	}
	if (codePoint == '\r') {
		sCursorX = 0;
		return;
	}
	if (sCursorX >= sColumns)
		fb_console_new_line();
	const uint8_t *glyph = font_glyph(&gBootFont, codePoint < ' ' ? '?' : codePoint);
	if (glyph != NULL) {
		framebuffer_draw_glyph(&sScreen, sLeft + (uint32_t)sCursorX * sCellWidth,
			sTop + (uint32_t)sCursorY * sCellHeight, glyph, gBootFont.height, sScale,
			sForeground, sBackground);
	}
	sCursorX++;
}


void
fb_console_write(const char *text, size_t length)
{
	if (!sActive)
		return;
	for (size_t i = 0; i < length;) {
		/* What is not UTF-8 becomes U+FFFD, and never swallows the text after it. */
		uint32_t codePoint;
		size_t size;
		unicode_utf8_decode((const uint8_t *)text + i, length - i, &codePoint, &size);
		i += size;
		fb_console_put(codePoint);
	}
}
