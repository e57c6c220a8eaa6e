/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the strict UTF-8 decoder (src/system/boot/loader/unicode.c)
 * that the configuration lexer and both consoles use: every character comes
 * back, everything that is not UTF-8 is refused, and what is refused is
 * replaced one maximal subpart at a time.
 */
#include <stdio.h>
#include <string.h>

#include <boot/unicode.h>

#include "unit_test.h"


/* Decode text (length bytes, all available) and expect result, code point and length. */
static void
expect_decode(const char *text, size_t length, enum unicode_utf8_result result,
	uint32_t codePoint, size_t used, int line)
{
	uint32_t decoded = 0x12345678;
	size_t decodedLength = 99;
	enum unicode_utf8_result actual = unicode_utf8_decode((const uint8_t *)text, length,
		&decoded, &decodedLength);
	if (actual != result || decoded != codePoint || decodedLength != used) {
		unit_fail(__FILE__, line, "decoding %zu bytes gave result %d U+%04X length %zu,"
			" expected %d U+%04X length %zu", length, (int)actual, (unsigned)decoded,
			decodedLength, (int)result, (unsigned)codePoint, used);
	}
}

#define EXPECT_VALID(text, codePoint) \
	expect_decode(text, sizeof(text) - 1, UNICODE_UTF8_VALID, codePoint, sizeof(text) - 1, \
		__LINE__)
#define EXPECT_ILL_FORMED(text, used) \
	expect_decode(text, sizeof(text) - 1, UNICODE_UTF8_ILL_FORMED, \
		UNICODE_REPLACEMENT_CHARACTER, used, __LINE__)
#define EXPECT_TRUNCATED(text) \
	expect_decode(text, sizeof(text) - 1, UNICODE_UTF8_TRUNCATED, \
		UNICODE_REPLACEMENT_CHARACTER, sizeof(text) - 1, __LINE__)


TEST(utf8_decodes_the_first_and_last_character_of_each_length)
{
	expect_decode("", 1, UNICODE_UTF8_VALID, 0, 1, __LINE__);
	EXPECT_VALID("A", 'A');
	EXPECT_VALID("\x7f", 0x7f);
	EXPECT_VALID("\xc2\x80", 0x80);
	EXPECT_VALID("\xdf\xbf", 0x7ff);
	EXPECT_VALID("\xe0\xa0\x80", 0x800);
	EXPECT_VALID("\xed\x9f\xbf", 0xd7ff);
	EXPECT_VALID("\xee\x80\x80", 0xe000);
	EXPECT_VALID("\xef\xbf\xbf", 0xffff);
	EXPECT_VALID("\xf0\x90\x80\x80", 0x10000);
	EXPECT_VALID("\xf4\x8f\xbf\xbf", 0x10ffff);
	/* A U+FFFD in the text is a character, not a decoding error. */
	EXPECT_VALID("\xef\xbf\xbd", UNICODE_REPLACEMENT_CHARACTER);
}


TEST(utf8_reads_no_further_than_the_sequence)
{
	expect_decode("\xc3\xaf" "A", 3, UNICODE_UTF8_VALID, 0xef, 2, __LINE__);
	expect_decode("\xf0\x9f\x90\x9e\x80", 5, UNICODE_UTF8_VALID, 0x1f41e, 4, __LINE__);
}


TEST(utf8_refuses_overlong_forms)
{
	EXPECT_ILL_FORMED("\xc0\x80", 1);
	EXPECT_ILL_FORMED("\xc1\xbf", 1);
	EXPECT_ILL_FORMED("\xe0\x80\xaf", 1);
	EXPECT_ILL_FORMED("\xe0\x9f\xbf", 1);
	EXPECT_ILL_FORMED("\xf0\x80\x80\x80", 1);
	EXPECT_ILL_FORMED("\xf0\x8f\xbf\xbf", 1);
}


TEST(utf8_refuses_surrogates)
{
	EXPECT_ILL_FORMED("\xed\xa0\x80", 1);
	EXPECT_ILL_FORMED("\xed\xaf\xbf", 1);
	EXPECT_ILL_FORMED("\xed\xb0\x80", 1);
	EXPECT_ILL_FORMED("\xed\xbf\xbf", 1);
}


TEST(utf8_refuses_code_points_above_10ffff)
{
	EXPECT_ILL_FORMED("\xf4\x90\x80\x80", 1);
	EXPECT_ILL_FORMED("\xf7\xbf\xbf\xbf", 1);
	/* Leads of the five- and six-byte forms RFC 2279 had, and bytes never used. */
	EXPECT_ILL_FORMED("\xf8\x88\x80\x80\x80", 1);
	EXPECT_ILL_FORMED("\xfc\x84\x80\x80\x80\x80", 1);
	EXPECT_ILL_FORMED("\xfe", 1);
	EXPECT_ILL_FORMED("\xff", 1);
}


TEST(utf8_refuses_continuation_bytes_where_a_character_starts)
{
	EXPECT_ILL_FORMED("\x80", 1);
	EXPECT_ILL_FORMED("\xbf\x80", 1);
}


/* The bytes that fit so far are replaced together; the one that does not is left. */
TEST(utf8_replaces_a_broken_sequence_up_to_the_byte_that_breaks_it)
{
	EXPECT_ILL_FORMED("\xc3" "A", 1);
	EXPECT_ILL_FORMED("\xe6" "A", 1);
	EXPECT_ILL_FORMED("\xe6\x97" "A", 2);
	EXPECT_ILL_FORMED("\xf0\x9f\x90" "A", 3);
	/* A second lead byte starts the next sequence. */
	EXPECT_ILL_FORMED("\xe6\xc3\xaf", 1);
}


TEST(utf8_says_when_a_well_formed_start_runs_out)
{
	EXPECT_TRUNCATED("\xc3");
	EXPECT_TRUNCATED("\xe6\x97");
	EXPECT_TRUNCATED("\xf0\x9f\x90");
	/* A start that can already not be UTF-8 is ill-formed, however much follows. */
	EXPECT_ILL_FORMED("\xe0\x80", 1);
	EXPECT_ILL_FORMED("\xf4\x90", 1);
}


/* Decode all of text as a console does, into code points; returns how many. */
static size_t
decode_all(const char *text, size_t length, uint32_t *codePoints, size_t max)
{
	size_t count = 0;
	for (size_t i = 0; i < length && count < max;) {
		size_t used;
		unicode_utf8_decode((const uint8_t *)text + i, length - i, &codePoints[count++],
			&used);
		CHECK(used >= 1);
		i += used;
	}
	return count;
}


/* Unicode's recommended practice, as in its table 3-8: one U+FFFD per maximal subpart. */
TEST(utf8_substitutes_one_replacement_per_maximal_subpart)
{
	static const char kText[] = "\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64";
	static const uint32_t kExpected[] = {
		0x61, 0xfffd, 0xfffd, 0xfffd, 0x62, 0xfffd, 0x63, 0xfffd, 0xfffd, 0x64,
	};
	uint32_t decoded[16];
	size_t count = decode_all(kText, sizeof(kText) - 1, decoded, 16);
	CHECK_EQ(count, sizeof(kExpected) / sizeof(kExpected[0]));
	for (size_t i = 0; i < count; i++)
		CHECK_EQ(decoded[i], kExpected[i]);

	/* Overlong and surrogate forms: every byte on its own. */
	static const char kRefused[] = "\xe0\x80\xaf\xed\xa0\x80";
	count = decode_all(kRefused, sizeof(kRefused) - 1, decoded, 16);
	CHECK_EQ(count, 6);
	for (size_t i = 0; i < count; i++)
		CHECK_EQ(decoded[i], UNICODE_REPLACEMENT_CHARACTER);
}


/* Every scalar value, encoded by the book, comes back whole. */
TEST(utf8_round_trips_every_character)
{
	for (uint32_t c = 0; c <= 0x10ffff; c++) {
		if (c == 0xd800)
			c = 0xe000;
		uint8_t bytes[4];
		size_t length;
		if (c < 0x80) {
			bytes[0] = (uint8_t)c;
			length = 1;
		} else if (c < 0x800) {
			bytes[0] = (uint8_t)(0xc0 | c >> 6);
			bytes[1] = (uint8_t)(0x80 | (c & 0x3f));
			length = 2;
		} else if (c < 0x10000) {
			bytes[0] = (uint8_t)(0xe0 | c >> 12);
			bytes[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			bytes[2] = (uint8_t)(0x80 | (c & 0x3f));
			length = 3;
		} else {
			bytes[0] = (uint8_t)(0xf0 | c >> 18);
			bytes[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
			bytes[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			bytes[3] = (uint8_t)(0x80 | (c & 0x3f));
			length = 4;
		}
		uint32_t decoded;
		size_t used;
		if (unicode_utf8_decode(bytes, length, &decoded, &used) != UNICODE_UTF8_VALID
			|| decoded != c || used != length) {
			unit_fail(__FILE__, __LINE__, "U+%04X decoded as U+%04X length %zu",
				(unsigned)c, (unsigned)decoded, used);
		}
	}
}


/* Where a field or a message may cut: never inside a character. */
TEST(utf8_prefixes_end_on_a_character)
{
	/* "a" then U+00E9 (2 bytes), U+4E2D (3), U+1F427 (4) */
	static const char kText[] = "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x90\xa7z";
	static const struct {
		size_t	limit;
		size_t	length;
	} kCuts[] = {
		{ 0, 0 }, { 1, 1 }, { 2, 1 }, { 3, 3 }, { 4, 3 }, { 5, 3 }, { 6, 6 },
		{ 7, 6 }, { 8, 6 }, { 9, 6 }, { 10, 10 }, { 11, 11 }, { 12, 11 }, { 100, 11 },
	};
	for (size_t i = 0; i < sizeof(kCuts) / sizeof(kCuts[0]); i++) {
		size_t length = unicode_utf8_prefix_length(kText, kCuts[i].limit);
		if (length != kCuts[i].length) {
			unit_fail(__FILE__, __LINE__, "limit %zu: length %zu, expected %zu",
				kCuts[i].limit, length, kCuts[i].length);
		}
	}
}
