/* SPDX-License-Identifier: MIT */
/*
 * The loader's UTF-8 in the firmware's string form: UCS-2, which has no
 * surrogate pairs in the firmware's own strings.
 */
#include "efi_platform.h"

#include <boot/heap.h>
#include <boot/unicode.h>


CHAR16 *
efi_ucs2_from_utf8(const char *text, size_t length, size_t *_bytes)
{
	CHAR16 *units = heap_alloc(2 * (length + 1));
	if (units == NULL)
		return NULL;
	size_t count = 0;
	for (size_t i = 0; i < length;) {
		uint32_t codePoint;
		size_t sequence;
		if (unicode_utf8_decode((const uint8_t *)text + i, length - i, &codePoint,
				&sequence) != UNICODE_UTF8_VALID || codePoint > 0xffff)
			codePoint = UNICODE_REPLACEMENT_CHARACTER;
		units[count++] = (CHAR16)codePoint;
		i += sequence;
	}
	*_bytes = 2 * count;
	return units;
}
