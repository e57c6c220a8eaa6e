/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the DEFLATE decoder (inflate.c) and the gzip
 * members around it (gzip.c). The packed loader's stream is inside the
 * signed loader file, a gzip kernel on any volume, and a damaged one must
 * still end in a message (docs/packing.md, docs/config.md), so every input
 * must be refused or decoded without reading or writing out of bounds. The
 * target aborts when a promise of headers/boot/inflate.h or gzip.h is
 * broken: a status out of place, more written than the buffer holds, a
 * different result twice, a stream that decodes with one buffer size and
 * not with a larger one, a gzip member accepted that the raw decoder and
 * its CRC do not bear out, or a stream that zlib decodes whole and this
 * decoder does not, or to other bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <boot/crc32.h>
#include <boot/gzip.h>
#include <boot/inflate.h>

#include "fuzz_inflate_zlib.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Large enough for long matches, small enough to keep runs fast. */
static const size_t kOutputSize = 64 * 1024;


static void
check(int condition)
{
	if (!condition)
		abort();
}


/* The input as a gzip member: decoded only into exactly the size it claims. */
static void
fuzz_gzip(const uint8_t *data, size_t size)
{
	const char *reason = NULL;
	size_t claimed;
	status_t status = gzip_decoded_size(data, size, &claimed, &reason);
	check(status == B_OK || (status == B_BAD_DATA && reason != NULL));
	if (status != B_OK || claimed > kOutputSize)
		return;
	uint8_t *out = malloc(claimed > 0 ? claimed : 1);
	check(out != NULL);
	reason = NULL;
	status = gzip_decode(data, size, out, claimed, &reason);
	check(status == B_OK || (status == B_BAD_DATA && reason != NULL));
	if (status == B_OK)
		check(crc32(0, out, claimed) == (uint32_t)(data[size - 8] | data[size - 7] << 8
			| data[size - 6] << 16 | (uint32_t)data[size - 5] << 24));
	free(out);
}


/*
 * zlib, an implementation of its own, as the reference: what it decodes to
 * its end, with nothing left over and within the buffer, this decoder must
 * decode to the same bytes. (Not the other way round: this decoder accepts
 * incomplete codes whose missing codes are never sent, which zlib refuses.)
 */
static void
fuzz_against_zlib(const uint8_t *data, size_t size, status_t status, const uint8_t *out,
	size_t written)
{
	uint8_t *reference = malloc(kOutputSize);
	check(reference != NULL);
	size_t decoded;
	if (fuzz_zlib_inflate(data, size, reference, kOutputSize, &decoded)) {
		check(status == B_OK && written == decoded);
		check(memcmp(out, reference, written) == 0);
	}
	free(reference);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly sized, so that the sanitizer sees any write past the end. */
	uint8_t *first = malloc(kOutputSize);
	uint8_t *second = malloc(kOutputSize);
	check(first != NULL && second != NULL);
	size_t written;
	status_t status = inflate_raw(data, size, first, kOutputSize, &written);
	check(status == B_OK || status == B_BAD_DATA || status == B_BUFFER_OVERFLOW);
	check(written <= kOutputSize);

	fuzz_against_zlib(data, size, status, first, written);

	size_t again;
	check(inflate_raw(data, size, second, kOutputSize, &again) == status);
	check(again == written && memcmp(first, second, written) == 0);

	/* A stream that fits decodes the same into a buffer of its exact size. */
	if (status == B_OK && written > 0) {
		uint8_t *exact = malloc(written);
		check(exact != NULL);
		check(inflate_raw(data, size, exact, written, &again) == B_OK && again == written);
		check(memcmp(exact, first, written) == 0);
		free(exact);
	}
	free(first);
	free(second);
	fuzz_gzip(data, size);
	return 0;
}
