/* SPDX-License-Identifier: MIT */
/*
 * The loader's built-in bitmap font (docs/console.md): glyphs 8 pixels wide,
 * converted at build time from a console font (build/scripts/make-font).
 */
#ifndef BOOT_FONT_H
#define BOOT_FONT_H

#include <stddef.h>
#include <stdint.h>

#define FONT_GLYPH_WIDTH	8

/* count consecutive code points from first, each with a glyph. */
struct font_run {
	uint16_t	first;
	uint16_t	count;
};

/*
 * count glyphs of height rows each, height bytes per glyph in bitmaps, one
 * per row, the leftmost pixel in bit 7. Whose glyphs they are: run_count
 * runs of code points, ascending, the glyphs in the order of the runs (a
 * table of runs is a fifth the size of one of code points).
 */
struct font {
	uint32_t				height;
	uint32_t				count;
	uint32_t				run_count;
	const struct font_run	*runs;
	const uint8_t			*bitmaps;
};

/* The font built into the loader. */
extern const struct font gBootFont;

/* The rows of codePoint's glyph, or NULL when the font has none. */
const uint8_t *font_find_glyph(const struct font *font, uint32_t codePoint);

/*
 * The rows of codePoint's glyph; for a character the font lacks, U+FFFD's,
 * and when it lacks that too, a box of the loader's own (so a title in a
 * script the font does not cover still shows where its characters are).
 */
const uint8_t *font_glyph(const struct font *font, uint32_t codePoint);

#endif
