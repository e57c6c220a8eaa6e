/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the splash image format (splash.c), whose files come
 * from any volume: the decoder must refuse or decode every input without
 * reading or writing out of bounds. The target aborts when a promise of
 * headers/boot/splash.h is broken: a decoded image its header check
 * refuses, a status out of place, a pixel left unwritten, a buffer too small
 * that is not said so, or an image that decodes differently twice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <boot/splash.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A run packet of 4 bytes stands for at most 129 pixels. */
static const size_t kMostPixelsPerByte = 33;


static void
check(int condition)
{
	if (!condition)
		abort();
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t width, height;
	status_t sizeStatus = splash_image_size(data, size, &width, &height);
	check(sizeStatus == B_OK || sizeStatus == B_BAD_DATA);
	if (sizeStatus != B_OK) {
		uint32_t pixel;
		check(splash_decode(data, size, &pixel, 1) == B_BAD_DATA);
		return 0;
	}
	check(width >= 1 && height >= 1 && width <= SPLASH_MAX_SIDE
		&& height <= SPLASH_MAX_SIDE);
	size_t count = (size_t)width * height;
	if (count > (size - SPLASH_HEADER_SIZE) * kMostPixelsPerByte)
		return 0;

	/* Too little room is said before anything is written. */
	if (count > 1) {
		uint32_t small[1] = { 0x5a5a5a5a };
		check(splash_decode(data, size, small, count - 1) == B_BAD_VALUE);
		check(small[0] == 0x5a5a5a5a);
	}
	uint32_t *pixels = malloc(count * sizeof(uint32_t));
	uint32_t *again = malloc(count * sizeof(uint32_t));
	check(pixels != NULL && again != NULL);
	memset(pixels, 0xff, count * sizeof(uint32_t));
	status_t status = splash_decode(data, size, pixels, count);
	check(status == B_OK || status == B_BAD_DATA);
	if (status == B_OK) {
		/* Every pixel written, each an RGB value. */
		for (size_t i = 0; i < count; i++)
			check((pixels[i] & 0xff000000) == 0);
		check(splash_decode(data, size, again, count) == B_OK);
		check(memcmp(pixels, again, count * sizeof(uint32_t)) == 0);
	}
	free(pixels);
	free(again);
	return 0;
}
