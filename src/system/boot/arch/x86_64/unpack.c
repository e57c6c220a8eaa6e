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


/*
 * Decoding runs this over every byte of the loader's code before the
 * loader starts, so the commonest bytes cost the fewest instructions: six
 * in ten are below 80, which starts neither an E8 nor an 8x.
 */
static void
x86_unfilter(uint8_t *code, size_t size)
{
	if (size < 5)
		return;
	for (size_t i = 0; i <= size - 5; i++) {
		uint8_t byte = code[i];
		size_t at;
		if (byte < 0x80)
			continue;
		if (byte == 0xe8)
			at = i + 1;
		/* ModRM mod 00, r/m 101: [rip + disp32] in 64-bit mode. */
		else if ((byte & 0xf0) == 0x80 && i + 6 <= size && (code[i + 1] & 0xc7) == 0x05)
			at = i + 2;
		else
			continue;
		write_le32(code + at, read_le32(code + at) - (uint32_t)(at + 4));
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
