/* SPDX-License-Identifier: MIT */
/*
 * The built-in font's glyphs: the header is generated at build time from
 * Terminus Font (console-setup-linux, SIL Open Font License 1.1) by
 * build/scripts/make-font, never kept in the tree.
 */
#include <boot/font.h>

#include "boot_font_data.h"

const struct font gBootFont = {
	.height = BOOT_FONT_DATA_HEIGHT,
	.count = BOOT_FONT_DATA_COUNT,
	.run_count = BOOT_FONT_DATA_RUNS,
	.runs = kFontRuns,
	.bitmaps = kFontBitmaps,
};
