/*
 * UTF-16LE to UTF-8 for names stored on disk (GPT partitions, FAT long names).
 */
#include <boot/unicode.h>

#include <stdbool.h>

#include <boot/byte_order.h>


#define REPLACEMENT_CHARACTER	0xfffd


/* Append one code point; false when it does not fit with room for the NUL. */
static bool
unicode_append(char *buffer, size_t size, size_t *_length, uint32_t codePoint)
{
	char encoded[4];
	size_t count;
	if (codePoint < 0x80) {
		encoded[0] = (char)codePoint;
		count = 1;
	} else if (codePoint < 0x800) {
		encoded[0] = (char)(0xc0 | codePoint >> 6);
		encoded[1] = (char)(0x80 | (codePoint & 0x3f));
		count = 2;
	} else if (codePoint < 0x10000) {
		encoded[0] = (char)(0xe0 | codePoint >> 12);
		encoded[1] = (char)(0x80 | ((codePoint >> 6) & 0x3f));
		encoded[2] = (char)(0x80 | (codePoint & 0x3f));
		count = 3;
	} else {
		encoded[0] = (char)(0xf0 | codePoint >> 18);
		encoded[1] = (char)(0x80 | ((codePoint >> 12) & 0x3f));
		encoded[2] = (char)(0x80 | ((codePoint >> 6) & 0x3f));
		encoded[3] = (char)(0x80 | (codePoint & 0x3f));
		count = 4;
	}

	if (*_length + count >= size)
		return false;
	for (size_t i = 0; i < count; i++)
		buffer[*_length + i] = encoded[i];
	*_length += count;
	return true;
}


size_t
unicode_utf16le_to_utf8(const uint8_t *utf16, size_t units, char *buffer,
	size_t size)
{
	size_t length = 0;
	if (size == 0)
		return 0;

	for (size_t i = 0; i < units; i++) {
		uint32_t unit = read_le16(utf16 + 2 * i);
		if (unit == 0)
			break;

		uint32_t codePoint = unit;
		if (unit >= 0xd800 && unit < 0xdc00) {
			uint32_t low = i + 1 < units ? read_le16(utf16 + 2 * (i + 1)) : 0;
			if (low >= 0xdc00 && low < 0xe000) {
				codePoint = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
				i++;
			} else
				codePoint = REPLACEMENT_CHARACTER;
		} else if (unit >= 0xdc00 && unit < 0xe000)
			codePoint = REPLACEMENT_CHARACTER;

		if (!unicode_append(buffer, size, &length, codePoint))
			break;
	}
	buffer[length] = '\0';
	return length;
}
