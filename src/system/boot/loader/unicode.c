/* SPDX-License-Identifier: MIT */
/*
 * The strict UTF-8 decoder and the encoder, and UTF-16LE to UTF-8 for names
 * stored on disk (GPT partitions, FAT long names).
 */
#include <boot/unicode.h>

#include <stdbool.h>
#include <string.h>

#include <boot/byte_order.h>


/*
 * Bytes of the sequence lead starts (0 when it starts none), and the range
 * its second byte must be in. The ranges narrower than 0x80-0xbf are what
 * rules out overlong forms, surrogates and code points above U+10FFFF.
 */
static size_t
unicode_utf8_lead(uint8_t lead, uint8_t *_low, uint8_t *_high)
{
	*_low = 0x80;
	*_high = 0xbf;
	if (lead < 0x80)
		return 1;
	if (lead < 0xc2)
		return 0;
	if (lead < 0xe0)
		return 2;
	if (lead < 0xf0) {
		if (lead == 0xe0)
			*_low = 0xa0;
		else if (lead == 0xed)
			*_high = 0x9f;
		return 3;
	}
	if (lead < 0xf5) {
		if (lead == 0xf0)
			*_low = 0x90;
		else if (lead == 0xf4)
			*_high = 0x8f;
		return 4;
	}
	return 0;
}


enum unicode_utf8_result
unicode_utf8_decode(const uint8_t *text, size_t available, uint32_t *_codePoint,
	size_t *_length)
{
	uint8_t low, high;
	size_t length = unicode_utf8_lead(text[0], &low, &high);
	*_codePoint = UNICODE_REPLACEMENT_CHARACTER;
	*_length = 1;
	if (length == 0)
		return UNICODE_UTF8_ILL_FORMED;

	uint32_t codePoint = length == 1 ? text[0] : text[0] & (0x7fu >> length);
	for (size_t i = 1; i < length; i++) {
		if (i == available) {
			*_length = i;
			return UNICODE_UTF8_TRUNCATED;
		}
		if (text[i] < low || text[i] > high) {
			*_length = i;
			return UNICODE_UTF8_ILL_FORMED;
		}
		codePoint = codePoint << 6 | (text[i] & 0x3f);
		low = 0x80;
		high = 0xbf;
	}
	*_codePoint = codePoint;
	*_length = length;
	return UNICODE_UTF8_VALID;
}


size_t
unicode_utf8_encode(uint32_t codePoint, char bytes[4])
{
	if (codePoint < 0x80) {
		bytes[0] = (char)codePoint;
		return 1;
	}
	if (codePoint < 0x800) {
		bytes[0] = (char)(0xc0 | codePoint >> 6);
		bytes[1] = (char)(0x80 | (codePoint & 0x3f));
		return 2;
	}
	if (codePoint < 0x10000) {
		bytes[0] = (char)(0xe0 | codePoint >> 12);
		bytes[1] = (char)(0x80 | ((codePoint >> 6) & 0x3f));
		bytes[2] = (char)(0x80 | (codePoint & 0x3f));
		return 3;
	}
	bytes[0] = (char)(0xf0 | codePoint >> 18);
	bytes[1] = (char)(0x80 | ((codePoint >> 12) & 0x3f));
	bytes[2] = (char)(0x80 | ((codePoint >> 6) & 0x3f));
	bytes[3] = (char)(0x80 | (codePoint & 0x3f));
	return 4;
}


/* Append one code point; false when it does not fit with room for the NUL. */
static bool
unicode_append(char *buffer, size_t size, size_t *_length, uint32_t codePoint)
{
	char encoded[4];
	size_t count = unicode_utf8_encode(codePoint, encoded);
	if (*_length + count >= size)
		return false;
	for (size_t i = 0; i < count; i++)
		buffer[*_length + i] = encoded[i];
	*_length += count;
	return true;
}


size_t
unicode_utf8_prefix_length(const char *text, size_t limit)
{
	size_t length = strnlen(text, limit);
	/* a continuation byte (10xxxxxx) just past the cut: its character goes too */
	if (text[length] != '\0') {
		while (length > 0 && ((uint8_t)text[length] & 0xc0) == 0x80)
			length--;
	}
	return length;
}


/*
 * The code point at unit *_index of utf16 (U+FFFD for an unpaired
 * surrogate), *_index moved past it; 0 at a 0 unit or the end.
 */
static uint32_t
unicode_utf16le_next(const uint8_t *utf16, size_t units, size_t *_index)
{
	size_t i = *_index;
	uint32_t unit = i < units ? read_le16(utf16 + 2 * i) : 0;
	if (unit == 0)
		return 0;
	*_index = i + 1;
	if (unit >= 0xd800 && unit < 0xdc00) {
		uint32_t low = i + 1 < units ? read_le16(utf16 + 2 * (i + 1)) : 0;
		if (low < 0xdc00 || low >= 0xe000)
			return UNICODE_REPLACEMENT_CHARACTER;
		*_index = i + 2;
		return 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
	}
	return unit >= 0xdc00 && unit < 0xe000 ? UNICODE_REPLACEMENT_CHARACTER : unit;
}


size_t
unicode_utf16le_to_utf8(const uint8_t *utf16, size_t units, char *buffer,
	size_t size)
{
	size_t length = 0;
	if (size == 0)
		return 0;

	size_t i = 0;
	for (uint32_t codePoint; (codePoint = unicode_utf16le_next(utf16, units, &i)) != 0;) {
		if (!unicode_append(buffer, size, &length, codePoint))
			break;
	}
	buffer[length] = '\0';
	return length;
}


size_t
unicode_utf16le_utf8_length(const uint8_t *utf16, size_t units)
{
	size_t length = 0;
	size_t i = 0;
	char encoded[4];
	for (uint32_t codePoint; (codePoint = unicode_utf16le_next(utf16, units, &i)) != 0;)
		length += unicode_utf8_encode(codePoint, encoded);
	return length;
}
