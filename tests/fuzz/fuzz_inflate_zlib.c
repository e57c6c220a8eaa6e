/* SPDX-License-Identifier: MIT */
/* zlib's raw DEFLATE decoder for fuzz_inflate.c (fuzz_inflate_zlib.h). */
#include "fuzz_inflate_zlib.h"

#include <string.h>
#include <zlib.h>


bool
fuzz_zlib_inflate(const uint8_t *data, size_t size, uint8_t *out, size_t outSize,
	size_t *_written)
{
	z_stream stream;
	memset(&stream, 0, sizeof(stream));
	if (inflateInit2(&stream, -15) != Z_OK)
		return false;
	stream.next_in = (Bytef *)data;
	stream.avail_in = (uInt)size;
	stream.next_out = out;
	stream.avail_out = (uInt)outSize;
	/* a stream that needs more room than outSize ends in Z_BUF_ERROR */
	bool whole = inflate(&stream, Z_FINISH) == Z_STREAM_END && stream.avail_in == 0;
	*_written = stream.total_out;
	inflateEnd(&stream);
	return whole;
}
