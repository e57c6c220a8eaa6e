/* SPDX-License-Identifier: MIT */
/*
 * gzip members (RFC 1952): the header's optional fields passed over, the
 * DEFLATE data decoded by inflate.c, the trailer's CRC-32 and size checked,
 * so that a kernel damaged on its volume is refused, never started.
 */
#include <boot/gzip.h>

#include <stdint.h>

#include <boot/byte_order.h>
#include <boot/crc32.h>
#include <boot/inflate.h>

#define GZIP_MAGIC_0		0x1f
#define GZIP_MAGIC_1		0x8b
#define GZIP_DEFLATE		8
#define GZIP_HEADER_SIZE	10
#define GZIP_TRAILER_SIZE	8

/* FLG bits (RFC 1952 2.3.1); the three above FCOMMENT are reserved. */
#define GZIP_FHCRC			0x02
#define GZIP_FEXTRA			0x04
#define GZIP_FNAME			0x08
#define GZIP_FCOMMENT		0x10
#define GZIP_RESERVED		0xe0


bool
gzip_is_compressed(const void *data, size_t size)
{
	const uint8_t *bytes = data;
	return size >= 2 && bytes[0] == GZIP_MAGIC_0 && bytes[1] == GZIP_MAGIC_1;
}


/* Past the NUL that ends the string at offset; 0 when there is none. */
static size_t
gzip_skip_string(const uint8_t *bytes, size_t end, size_t offset)
{
	for (; offset < end; offset++) {
		if (bytes[offset] == '\0')
			return offset + 1;
	}
	return 0;
}


/* Past FEXTRA, FNAME, FCOMMENT and FHCRC, as flags has them; 0 with a reason. */
static size_t
gzip_skip_optional(const uint8_t *bytes, size_t end, uint8_t flags, const char **_reason)
{
	*_reason = "the header runs past the end";
	size_t offset = GZIP_HEADER_SIZE;
	if ((flags & GZIP_FEXTRA) != 0) {
		if (end - offset < 2)
			return 0;
		size_t length = (size_t)bytes[offset] | (size_t)bytes[offset + 1] << 8;
		offset += 2;
		if (end - offset < length)
			return 0;
		offset += length;
	}
	if ((flags & GZIP_FNAME) != 0 && (offset = gzip_skip_string(bytes, end, offset)) == 0)
		return 0;
	if ((flags & GZIP_FCOMMENT) != 0
		&& (offset = gzip_skip_string(bytes, end, offset)) == 0)
		return 0;
	if ((flags & GZIP_FHCRC) != 0) {
		if (end - offset < 2)
			return 0;
		uint32_t expected = (uint32_t)bytes[offset] | (uint32_t)bytes[offset + 1] << 8;
		if ((crc32(0, bytes, offset) & 0xffff) != expected) {
			*_reason = "the header's CRC does not match";
			return 0;
		}
		offset += 2;
	}
	return offset;
}


/* Where the DEFLATE data starts; 0 with a reason. */
static size_t
gzip_data_offset(const uint8_t *bytes, size_t size, const char **_reason)
{
	if (!gzip_is_compressed(bytes, size)) {
		*_reason = "not a gzip file";
		return 0;
	}
	if (size < GZIP_HEADER_SIZE + GZIP_TRAILER_SIZE) {
		*_reason = "shorter than a gzip header and trailer";
		return 0;
	}
	if (bytes[2] != GZIP_DEFLATE) {
		*_reason = "compressed with another method than DEFLATE";
		return 0;
	}
	if ((bytes[3] & GZIP_RESERVED) != 0) {
		*_reason = "reserved header flags set";
		return 0;
	}
	return gzip_skip_optional(bytes, size - GZIP_TRAILER_SIZE, bytes[3], _reason);
}


status_t
gzip_decoded_size(const void *data, size_t size, size_t *_size, const char **_reason)
{
	if (gzip_data_offset(data, size, _reason) == 0)
		return B_BAD_DATA;
	*_size = read_le32((const uint8_t *)data + size - 4);
	return B_OK;
}


status_t
gzip_decode(const void *data, size_t size, void *out, size_t outSize, const char **_reason)
{
	const uint8_t *bytes = data;
	size_t offset = gzip_data_offset(bytes, size, _reason);
	if (offset == 0)
		return B_BAD_DATA;
	size_t written = 0;
	status_t status = inflate_raw(bytes + offset, size - GZIP_TRAILER_SIZE - offset, out,
		outSize, &written);
	if (status == B_NOT_SUPPORTED) {
		*_reason = "this loader has no DEFLATE decoder (it was not started packed)";
		return B_NOT_SUPPORTED;
	}
	if (status != B_OK) {
		*_reason = status == B_BUFFER_OVERFLOW ? "the data decodes to more than its size"
			: "the DEFLATE data is corrupt, cut short, or followed by another member";
		return B_BAD_DATA;
	}
	/* outSize is the trailer's size: a member that decodes to less is cut short. */
	if (written != outSize) {
		*_reason = "the data's size does not match the trailer";
		return B_BAD_DATA;
	}
	if (crc32(0, out, written) != read_le32(bytes + size - GZIP_TRAILER_SIZE)) {
		*_reason = "the data's CRC-32 does not match";
		return B_BAD_DATA;
	}
	return B_OK;
}
