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
	/* A few dozen runs: counting through them costs less than a search would. */
	uint32_t glyph = 0;
	for (uint32_t i = 0; i < font->run_count; i++) {
		const struct font_run *run = &font->runs[i];
		if (codePoint < run->first)
			break;
		if (codePoint - run->first < run->count)
			return font->bitmaps + (size_t)(glyph + codePoint - run->first) * font->height;
		glyph += run->count;
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
