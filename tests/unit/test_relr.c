/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the packed relative relocations (relr.c) the packed
 * loader's start-up program applies: which words an offset and a bitmap
 * name, and every list that must be refused rather than followed.
 */
#include <string.h>

#include <boot/relr.h>

#include "unit_test.h"

#define kWords	128
#define kDelta	0x7f3a5000ull


static uint64_t sImage[kWords];


static void
relr_fill(void)
{
	for (uint64_t i = 0; i < kWords; i++)
		sImage[i] = i * 8;
}


/* Applies the words of entries to sImage's first size bytes. */
static bool
relr_run(const uint64_t *entries, size_t count, size_t size)
{
	relr_fill();
	return relr_apply((const uint8_t *)entries, count * sizeof(uint64_t), (uint8_t *)sImage,
		size, kDelta);
}


/* Whether exactly the words of relocated were moved by kDelta. */
static void
relr_check_moved(const unsigned *relocated, size_t count)
{
	for (unsigned word = 0; word < kWords; word++) {
		bool moved = false;
		for (size_t i = 0; i < count; i++)
			moved |= relocated[i] == word;
		CHECK_EQ(sImage[word], word * 8 + (moved ? kDelta : 0));
	}
}


TEST(offsets_and_bitmaps_name_their_words)
{
	/* Word 2; words 3 and 65 (bits 1 and 63 of the bitmap after it); word
	 * 66 (bit 1 of the next 63); word 125 alone; its neighbour 126. */
	const uint64_t entries[] = { 16, 1 | 1ull << 1 | 1ull << 63, 1 | 1ull << 1, 1000,
		1 | 1ull << 1 };
	CHECK(relr_run(entries, 5, sizeof(sImage)));
	const unsigned relocated[] = { 2, 3, 65, 66, 125, 126 };
	relr_check_moved(relocated, 6);
}


TEST(an_empty_bitmap_skips_63_words)
{
	const uint64_t entries[] = { 0, 1, 1 | 1ull << 2 };
	CHECK(relr_run(entries, 3, sizeof(sImage)));
	const unsigned relocated[] = { 0, 1 + 63 + 1 };
	relr_check_moved(relocated, 2);
}


TEST(an_empty_list_changes_nothing)
{
	CHECK(relr_run(NULL, 0, sizeof(sImage)));
	relr_check_moved(NULL, 0);
}


TEST(the_last_whole_word_is_the_last_that_may_be_named)
{
	const uint64_t last[] = { (kWords - 1) * 8 };
	CHECK(relr_run(last, 1, sizeof(sImage)));
	const unsigned relocated[] = { kWords - 1 };
	relr_check_moved(relocated, 1);

	const uint64_t past[] = { kWords * 8 };
	CHECK(!relr_run(past, 1, sizeof(sImage)));
	/* The image's size need not be whole words; a word must lie wholly in it. */
	CHECK(!relr_run(last, 1, sizeof(sImage) - 1));
	const uint64_t first[] = { 0 };
	CHECK(!relr_run(first, 1, 7));
	CHECK(relr_run(first, 1, 8));
}


TEST(a_bitmap_running_past_the_image_is_refused)
{
	const uint64_t entries[] = { (kWords - 2) * 8, 1 | 1ull << 2 };
	CHECK(!relr_run(entries, 2, sizeof(sImage)));
	const uint64_t within[] = { (kWords - 3) * 8, 1 | 1ull << 2 };
	CHECK(relr_run(within, 2, sizeof(sImage)));
}


TEST(a_misaligned_word_is_refused)
{
	const uint64_t entries[] = { 12 };
	CHECK(!relr_run(entries, 1, sizeof(sImage)));
}


TEST(a_list_that_starts_with_a_bitmap_is_refused)
{
	const uint64_t low[] = { 1 | 1ull << 1 };
	CHECK(!relr_run(low, 1, sizeof(sImage)));
	const uint64_t high[] = { 1 | 1ull << 63 };
	CHECK(!relr_run(high, 1, sizeof(sImage)));
	relr_check_moved(NULL, 0);
}


TEST(a_list_of_part_words_is_refused)
{
	const uint64_t entries[] = { 16, 24 };
	relr_fill();
	CHECK(!relr_apply((const uint8_t *)entries, 12, (uint8_t *)sImage, sizeof(sImage),
		kDelta));
	relr_check_moved(NULL, 0);
}


TEST(a_list_at_any_alignment_is_read)
{
	uint8_t list[1 + 2 * sizeof(uint64_t)];
	const uint64_t entries[] = { 40, 1 | 1ull << 3 };
	memcpy(list + 1, entries, sizeof(entries));
	relr_fill();
	CHECK(relr_apply(list + 1, sizeof(entries), (uint8_t *)sImage, sizeof(sImage), kDelta));
	const unsigned relocated[] = { 5, 8 };
	relr_check_moved(relocated, 2);
}
