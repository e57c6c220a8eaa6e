/* SPDX-License-Identifier: MIT */
/*
 * DEFLATE decoding (RFC 1951), for the packed loader: the EFI loader file
 * holds its image compressed, and a small start-up program decodes it
 * (src/system/boot/platform/efi/unpack/, docs/packing.md).
 */
#ifndef BOOT_INFLATE_H
#define BOOT_INFLATE_H

#include <stddef.h>

#include <boot/status.h>

/*
 * Decodes the raw DEFLATE stream in (no zlib or gzip wrapper) into out.
 * B_OK when the stream's last block ended within its final byte: the input
 * must hold exactly one stream. B_BAD_DATA for a malformed or truncated
 * stream or bytes after its end, B_BUFFER_OVERFLOW when it decodes to more
 * than outSize bytes. *_written is how many bytes went to out in every case;
 * nothing outside out[0, outSize) is written.
 */
status_t inflate_raw(const void *in, size_t inSize, void *out, size_t outSize,
	size_t *_written);

#endif
