/* SPDX-License-Identifier: MIT */
/*
 * x86_64's part of the packed loader (docs/packing.md), its code filter:
 * pack-efi made absolute the 32-bit displacement of every E8 (call) byte
 * and of every RIP-relative operand of opcodes 80 to 8F (lea, mov and the
 * arithmetic group), which this makes relative again. The scan cannot tell
 * an opcode from the same byte inside another instruction and need not:
 * it decides by bytes the filter never changes and skips each displacement
 * it rewrites, exactly as pack-efi's does, so both rewrite the same ones.
 */
#include <boot/pack.h>
#include <boot/byte_order.h>


/* Where the displacement of an instruction that may start at code[i]
 * begins, or 0 if the filter rewrote none there. */
static size_t
x86_displacement_at(const uint8_t *code, size_t size, size_t i)
{
	if (code[i] == 0xe8)
		return i + 1;
	/* ModRM mod 00, r/m 101: [rip + disp32] in 64-bit mode. */
	if (i + 6 <= size && (code[i] & 0xf0) == 0x80 && (code[i + 1] & 0xc7) == 0x05)
		return i + 2;
	return 0;
}


static void
x86_unfilter(uint8_t *code, size_t size)
{
	for (size_t i = 0; i + 5 <= size; i++) {
		size_t at = x86_displacement_at(code, size, i);
		if (at == 0)
			continue;
		uint32_t value = read_le32(code + at) - (uint32_t)(at + 4);
		for (int byte = 0; byte < 4; byte++)
			code[at + byte] = (uint8_t)(value >> (8 * byte));
		i = at + 3;
	}
}


bool
arch_unpack_filter(uint32_t filter, uint8_t *code, size_t size)
{
	if (filter == PACK_FILTER_X86)
		x86_unfilter(code, size);
	return filter == PACK_FILTER_NONE || filter == PACK_FILTER_X86;
}


void
arch_unpack_sync_code(const uint8_t *image, size_t size)
{
	/* x86 keeps instruction fetch coherent with stores on its own. */
	(void)image;
	(void)size;
}
