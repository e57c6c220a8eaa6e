/* SPDX-License-Identifier: MIT */
/*
 * What SHA-256 and SHA-512 share (FIPS 180-4 5.1): a message cut into
 * blocks, buffered between updates, and padded alike at the end; only the
 * block size, the length field's size and the block function differ.
 */
#ifndef SHA2_PRIVATE_H
#define SHA2_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * count whole blocks into state, in order. Several at once, so that SHA-256
 * can hand a long run to the CPU's instructions (arch_cpu_sha256_blocks).
 */
typedef void (*sha2_blocks_function)(void *state, const uint8_t *blocks, size_t count);

struct sha2_stream {
	void				*state;
	sha2_blocks_function	blocks;
	uint8_t				*buffer;		/* block_size bytes */
	size_t				block_size;
	size_t				*buffered;		/* bytes waiting in buffer */
};

/* Hash length bytes: whole blocks from the caller's memory, the rest buffered. */
void sha2_absorb(const struct sha2_stream *stream, const uint8_t *bytes, size_t length);

/*
 * The final blocks: a 1 bit, zeros, then the message's length in bits,
 * big-endian, in its last lengthSize bytes (8 or 16); length is in bytes.
 */
void sha2_pad(const struct sha2_stream *stream, size_t lengthSize, uint64_t length);

/*
 * For the tests and the benchmark: true makes SHA-256 use only the portable C
 * (false, the default: the CPU's instructions where it has them), so that
 * both paths can be checked on the same machine.
 */
void sha256_force_portable(bool portable);

#endif
