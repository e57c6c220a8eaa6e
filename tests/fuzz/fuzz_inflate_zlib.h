/* SPDX-License-Identifier: MIT */
/*
 * zlib's raw DEFLATE decoder, the fuzz target's reference, in a file of its
 * own: zlib's crc32() and the loader's have one name and two signatures.
 */
#ifndef FUZZ_INFLATE_ZLIB_H
#define FUZZ_INFLATE_ZLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Whether zlib decodes data (size bytes) as one raw DEFLATE stream that
 * ends exactly at its last byte, into at most outSize bytes of out; how
 * many in *_written.
 */
bool fuzz_zlib_inflate(const uint8_t *data, size_t size, uint8_t *out, size_t outSize,
	size_t *_written);

#endif
