/* SPDX-License-Identifier: MIT */
/*
 * The packed relative relocations (headers/boot/relr.h). Every word is
 * checked before it is changed: the list comes from a file.
 */
#include <boot/relr.h>

#define kWordSize		8
#define kBitmapWords	63


/* __builtin_memcpy: one move for any alignment, where -fno-builtin would call memcpy. */
static uint64_t
relr_load(const uint8_t *at)
{
	uint64_t word;
	__builtin_memcpy(&word, at, sizeof(word));
	return word;
}


bool
relr_apply(const uint8_t *list, size_t size, uint8_t *image, size_t imageSize,
	uint64_t delta)
{
	if (size % kWordSize != 0 || imageSize < kWordSize)
		return false;
	/*
	 * The word an entry's lowest bit stands for. Before the first offset it
	 * is no word: every word a bitmap names from it is misaligned, so a
	 * list that starts with a bitmap is refused.
	 */
	uint64_t next = UINT64_MAX;
	for (size_t at = 0; at < size; at += kWordSize) {
		/* Both architectures that pack are little-endian. */
		uint64_t bits = relr_load(list + at);
		uint64_t advance = kBitmapWords * kWordSize;
		if ((bits & 1) == 0) {
			next = bits;
			bits = 1;
			advance = kWordSize;
		} else
			bits >>= 1;
		for (uint64_t offset = next; bits != 0; bits >>= 1, offset += kWordSize) {
			if ((bits & 1) == 0)
				continue;
			if (offset % kWordSize != 0 || offset > imageSize - kWordSize)
				return false;
			uint64_t word = relr_load(image + offset) + delta;
			__builtin_memcpy(image + offset, &word, sizeof(word));
		}
		next += advance;
	}
	return true;
}
