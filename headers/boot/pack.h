/* SPDX-License-Identifier: MIT */
/*
 * The packed loader (docs/packing.md): the loader's image, compressed, in
 * the section kPackSectionName of a small start-up program that decodes it
 * and starts it. build/scripts/pack-efi writes this header before the
 * stream, and after the stream the image's relocations; all fields are
 * little-endian.
 */
#ifndef BOOT_PACK_H
#define BOOT_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/status.h>

#define kPackSectionName	".pack"
#define kPackMagic			"LdrPack2"
#define kPackHeaderSize		40
/* In the image: 16 bytes of marker, then a struct pack_handoff the
 * start-up program fills in (header field handoff_at). */
#define kPackStartMarker	"LdrUnpackStart:"

/* What was done to the image's code before it was compressed, so that it
 * compresses better; arch_unpack_filter undoes it. */
enum pack_filter {
	PACK_FILTER_NONE = 0,
	/* x86: the 32-bit displacements of calls and of the RIP-relative
	 * operands of opcodes 80 to 8F (lea, mov) made absolute, so that every
	 * call of a function and every use of a variable are the same bytes
	 * wherever they are. (1 was a filter of calls alone.) */
	PACK_FILTER_X86 = 2,
};

struct pack_header {
	char		magic[8];
	uint32_t	image_size;		/* memory the image takes, zero-filled past data_size */
	uint32_t	data_size;		/* bytes the stream decodes to, from the image's start */
	uint32_t	entry;			/* the entry point, from the image's start */
	uint32_t	code_size;		/* bytes from the image's start the filter covers */
	uint32_t	filter;			/* enum pack_filter */
	uint32_t	stream_size;	/* bytes of raw DEFLATE stream after this header */
	uint32_t	handoff_at;		/* where the start-up program writes its
								 * struct pack_handoff; 0: nowhere */
	uint32_t	relocations_size;	/* bytes of relative relocations (boot/relr.h)
									 * after the stream, which the start-up program
									 * applies in place of the image's own */
};

_Static_assert(sizeof(struct pack_header) == kPackHeaderSize, "pack-efi writes 40 bytes");

typedef status_t (*pack_inflate_function)(const void *in, size_t inSize, void *out,
	size_t outSize, size_t *_written);

/*
 * What the start-up program hands the loader it decoded: when it started
 * (for the loader's timeline), and its DEFLATE decoder, which the packed
 * loader calls for gzip kernels instead of carrying a copy of its own. The
 * decoder stays where it is as long as the start-up program has not
 * returned, which is while the loader runs.
 */
struct pack_handoff {
	uint64_t				started;	/* the cycle counter at its entry */
	pack_inflate_function	inflate;	/* inflate_raw (boot/inflate.h) */
};

/*
 * Undoes filter on the image's first size bytes; false for a filter this
 * architecture does not know. The architecture's part of unpacking, in
 * src/system/boot/arch/<arch>/.
 */
bool arch_unpack_filter(uint32_t filter, uint8_t *code, size_t size);

/*
 * Makes the image's first size bytes, just written as data, safe to run as
 * code: where instruction fetch does not see the data cache (arm64), the
 * lines are written back and the instruction cache is emptied.
 */
void arch_unpack_sync_code(const uint8_t *image, size_t size);

#endif
