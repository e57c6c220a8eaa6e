/* SPDX-License-Identifier: MIT */
/*
 * gzip files (RFC 1952), as distributions ship kernels (Ubuntu's arm64
 * vmlinuz is a gzip-compressed Image): one member, its DEFLATE data decoded
 * with inflate_raw and held against the member's CRC-32 and size.
 */
#ifndef BOOT_GZIP_H
#define BOOT_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#include <boot/status.h>

/* Whether data starts like a gzip member (its two magic bytes). */
bool gzip_is_compressed(const void *data, size_t size);

/*
 * The size the member at data decodes to, from its trailer (ISIZE, which
 * is the size modulo 4 GiB: the caller bounds what it believes). Errors:
 * B_BAD_DATA with *_reason when data is no gzip member the loader reads.
 */
status_t gzip_decoded_size(const void *data, size_t size, size_t *_size,
	const char **_reason);

/*
 * Decodes the member at data (size bytes, nothing after it) into out,
 * exactly outSize bytes (the size gzip_decoded_size gave), and checks its
 * CRC-32. Errors: B_BAD_DATA with
 * *_reason (a bad header, corrupt or truncated data, a second member, a
 * CRC or size that does not match), B_NOT_SUPPORTED with *_reason (the
 * port's inflate_raw has no decoder: the EFI loader run unpacked). Nothing
 * outside out is written.
 */
status_t gzip_decode(const void *data, size_t size, void *out, size_t outSize,
	const char **_reason);

#endif
