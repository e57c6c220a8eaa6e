/* SPDX-License-Identifier: MIT */
/*
 * GUIDs in their text form, for partition types, volume names and messages.
 */
#include <boot/partitions.h>

#include <stdio.h>

#include <boot/byte_order.h>


/* The byte of the on-disk GUID each pair of text digits stands for. */
static const uint8_t kTextOrder[16] = {
	3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15
};


void
guid_to_string(const uint8_t guid[16], char buffer[GUID_STRING_SIZE])
{
	snprintf(buffer, GUID_STRING_SIZE,
		"%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		(unsigned)read_le32(guid), (unsigned)read_le16(guid + 4),
		(unsigned)read_le16(guid + 6), guid[8], guid[9], guid[10], guid[11],
		guid[12], guid[13], guid[14], guid[15]);
}


static int
guid_hex_value(char character)
{
	if (character >= '0' && character <= '9')
		return character - '0';
	if (character >= 'a' && character <= 'f')
		return character - 'a' + 10;
	if (character >= 'A' && character <= 'F')
		return character - 'A' + 10;
	return -1;
}


bool
guid_parse(const char *text, size_t length, uint8_t guid[16])
{
	if (length != GUID_STRING_SIZE - 1)
		return false;

	uint8_t bytes[16];
	size_t byteIndex = 0;
	for (size_t i = 0; i < length;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i] != '-')
				return false;
			i++;
			continue;
		}
		int high = guid_hex_value(text[i]);
		int low = guid_hex_value(text[i + 1]);
		if (high < 0 || low < 0 || byteIndex == 16)
			return false;
		bytes[byteIndex++] = (uint8_t)(high << 4 | low);
		i += 2;
	}
	if (byteIndex != 16)
		return false;

	for (int i = 0; i < 16; i++)
		guid[kTextOrder[i]] = bytes[i];
	return true;
}


bool
guid_is_null(const uint8_t guid[16])
{
	for (int i = 0; i < 16; i++) {
		if (guid[i] != 0)
			return false;
	}
	return true;
}
