/* SPDX-License-Identifier: MIT */
/*
 * The compact splash image format (boot/splash.h): a header and run-length
 * packets of RGB pixels, decoded with every length checked, since a splash
 * file comes from a volume anyone can write.
 */
#include <boot/splash.h>

#include <string.h>

/* A packet's first byte from here on is a run, below it a literal. */
#define SPLASH_RUN_FLAG		0x80


static uint32_t
splash_read16(const uint8_t *bytes)
{
	return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8;
}


static uint32_t
splash_read32(const uint8_t *bytes)
{
	return splash_read16(bytes) | splash_read16(bytes + 2) << 16;
}


status_t
splash_image_size(const void *data, size_t size, uint32_t *_width, uint32_t *_height)
{
	const uint8_t *bytes = data;
	if (size < SPLASH_HEADER_SIZE || memcmp(bytes, SPLASH_MAGIC, 4) != 0)
		return B_BAD_DATA;
	uint32_t width = splash_read16(bytes + 4);
	uint32_t height = splash_read16(bytes + 6);
	uint32_t packets = splash_read32(bytes + 8);
	if (width == 0 || height == 0 || width > SPLASH_MAX_SIDE || height > SPLASH_MAX_SIDE)
		return B_BAD_DATA;
	if (splash_read32(bytes + 12) != 0 || packets != size - SPLASH_HEADER_SIZE)
		return B_BAD_DATA;
	*_width = width;
	*_height = height;
	return B_OK;
}


static uint32_t
splash_rgb(const uint8_t *bytes)
{
	return (uint32_t)bytes[0] << 16 | (uint32_t)bytes[1] << 8 | bytes[2];
}


status_t
splash_decode(const void *data, size_t size, uint32_t *pixels, size_t pixelCount)
{
	uint32_t width, height;
	status_t status = splash_image_size(data, size, &width, &height);
	if (status != B_OK)
		return status;
	size_t total = (size_t)width * height;
	if (pixelCount < total)
		return B_BAD_VALUE;

	const uint8_t *bytes = (const uint8_t *)data + SPLASH_HEADER_SIZE;
	size_t left = size - SPLASH_HEADER_SIZE;
	size_t done = 0;
	while (done < total) {
		if (left < 4)
			return B_BAD_DATA;
		uint32_t code = bytes[0];
		bytes++;
		left--;
		if ((code & SPLASH_RUN_FLAG) != 0) {
			size_t count = code - (SPLASH_RUN_FLAG - 2);
			if (count > total - done)
				return B_BAD_DATA;
			uint32_t rgb = splash_rgb(bytes);
			for (size_t i = 0; i < count; i++)
				pixels[done++] = rgb;
			bytes += 3;
			left -= 3;
			continue;
		}
		size_t count = code + 1;
		if (count > total - done || left < count * 3)
			return B_BAD_DATA;
		for (size_t i = 0; i < count; i++, bytes += 3)
			pixels[done++] = splash_rgb(bytes);
		left -= count * 3;
	}
	return left == 0 ? B_OK : B_BAD_DATA;
}
