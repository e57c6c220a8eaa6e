/* SPDX-License-Identifier: MIT */
/*
 * Finding a character's glyph in the built-in font.
 */
#include <boot/font.h>

#include <boot/unicode.h>

/* Drawn for characters without a glyph when the font lacks U+FFFD too. */
static const uint8_t kBoxGlyph[16] = {
	0x00, 0x00, 0x7e, 0x42, 0x42, 0x42, 0x42, 0x42,
	0x42, 0x42, 0x42, 0x42, 0x42, 0x7e, 0x00, 0x00,
};


const uint8_t *
font_find_glyph(const struct font *font, uint32_t codePoint)
{
	/* The table is sorted: a binary search over the code points. */
	uint32_t low = 0;
	uint32_t high = font->count;
	while (low < high) {
		uint32_t middle = low + (high - low) / 2;
		uint32_t found = font->code_points[middle];
		if (found == codePoint)
			return font->bitmaps + (size_t)middle * font->height;
		if (found < codePoint)
			low = middle + 1;
		else
			high = middle;
	}
	return NULL;
}


const uint8_t *
font_glyph(const struct font *font, uint32_t codePoint)
{
	const uint8_t *glyph = font_find_glyph(font, codePoint);
	if (glyph == NULL)
		glyph = font_find_glyph(font, UNICODE_REPLACEMENT_CHARACTER);
	if (glyph == NULL && font->height == sizeof(kBoxGlyph))
		glyph = kBoxGlyph;
	return glyph;
}
