/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 (IEEE 802.3), table driven, for the GPT header and entry checks.
 */
#include <boot/crc32.h>

#include <stdbool.h>


/* The reflected form of the polynomial 0x04c11db7. */
#define CRC32_POLYNOMIAL	0xedb88320u

/* Built on first use: the loader has no constructors and a table costs 1 KiB. */
static uint32_t sTable[256];
static bool sTableReady;


static void
crc32_init_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t value = i;
		for (int bit = 0; bit < 8; bit++)
			value = (value & 1) != 0 ? (value >> 1) ^ CRC32_POLYNOMIAL : value >> 1;
		sTable[i] = value;
	}
	sTableReady = true;
}


uint32_t
crc32(uint32_t crc, const void *data, size_t length)
{
	if (!sTableReady)
		crc32_init_table();

	const uint8_t *bytes = data;
	crc = ~crc;
	for (size_t i = 0; i < length; i++)
		crc = sTable[(crc ^ bytes[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}
