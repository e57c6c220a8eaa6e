/* SPDX-License-Identifier: MIT */
/*
 * x86_64's part of the packed loader (docs/packing.md), its call filter:
 * pack-efi made the displacement of every E8 byte absolute, which this makes
 * relative again. The scan skips the four bytes after each E8 whether or not
 * it was an instruction, exactly as pack-efi's did, so both see the same E8
 * bytes.
 */
#include <boot/pack.h>
#include <boot/byte_order.h>


static void
x86_unfilter_calls(uint8_t *code, size_t size)
{
	for (size_t i = 0; i + 5 <= size; i++) {
		if (code[i] != 0xe8)
			continue;
		uint32_t target = read_le32(code + i + 1);
		uint32_t displacement = target - (uint32_t)(i + 5);
		for (int byte = 0; byte < 4; byte++)
			code[i + 1 + byte] = (uint8_t)(displacement >> (8 * byte));
		i += 4;
	}
}


bool
arch_unpack_filter(uint32_t filter, uint8_t *code, size_t size)
{
	if (filter == PACK_FILTER_X86_CALLS)
		x86_unfilter_calls(code, size);
	return filter == PACK_FILTER_NONE || filter == PACK_FILTER_X86_CALLS;
}


void
arch_unpack_sync_code(const uint8_t *image, size_t size)
{
	/* x86 keeps instruction fetch coherent with stores on its own. */
	(void)image;
	(void)size;
}
