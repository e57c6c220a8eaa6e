/* SPDX-License-Identifier: MIT */
/*
 * The message in blocks for both SHA-2 sizes (FIPS 180-4 5.1 and 5.2).
 */
#include "sha2_private.h"

#include <string.h>

#include <boot/byte_order.h>


void
sha2_absorb(const struct sha2_stream *stream, const uint8_t *bytes, size_t length)
{
	size_t blockSize = stream->block_size;
	size_t buffered = *stream->buffered;
	if (buffered > 0) {
		size_t take = blockSize - buffered;
		if (take > length)
			take = length;
		memcpy(stream->buffer + buffered, bytes, take);
		buffered += take;
		bytes += take;
		length -= take;
		if (buffered < blockSize) {
			*stream->buffered = buffered;
			return;
		}
		stream->blocks(stream->state, stream->buffer, 1);
	}

	/*
	 * Whole blocks straight from the caller's memory, all in one call: no
	 * copy for big files, and a long run for the CPU's instructions.
	 */
	size_t count = length / blockSize;
	if (count > 0) {
		stream->blocks(stream->state, bytes, count);
		bytes += count * blockSize;
		length -= count * blockSize;
	}

	memcpy(stream->buffer, bytes, length);
	*stream->buffered = length;
}


void
sha2_pad(const struct sha2_stream *stream, size_t lengthSize, uint64_t length)
{
	size_t blockSize = stream->block_size;
	uint8_t *buffer = stream->buffer;
	size_t used = *stream->buffered;

	buffer[used++] = 0x80;
	if (used > blockSize - lengthSize) {
		memset(buffer + used, 0, blockSize - used);
		stream->blocks(stream->state, buffer, 1);
		used = 0;
	}
	memset(buffer + used, 0, blockSize - used);
	/* A byte count in 64 bits: the bit count's top bits are its top 3. */
	if (lengthSize == 16)
		write_be64(buffer + blockSize - 16, length >> 61);
	write_be64(buffer + blockSize - 8, length << 3);
	stream->blocks(stream->state, buffer, 1);
	*stream->buffered = 0;
}
