/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the DEFLATE decoder (inflate.c). The stream it
 * decodes is inside the signed loader file, but a damaged file must still
 * end in a message (docs/packing.md), so every input must be refused or
 * decoded without reading or writing out of bounds. The target aborts when
 * a promise of headers/boot/inflate.h is broken: a status out of place, more
 * written than the buffer holds, a different result twice, or a stream that
 * decodes with one buffer size and not with a larger one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <boot/inflate.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Large enough for long matches, small enough to keep runs fast. */
static const size_t kOutputSize = 64 * 1024;


static void
check(int condition)
{
	if (!condition)
		abort();
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
	return 0;
}
