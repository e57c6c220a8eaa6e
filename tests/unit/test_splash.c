/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the splash image format (splash.c): runs and literals,
 * and every kind of damaged file refused without reading past its end.
 */
#include <stdlib.h>
#include <string.h>

#include <boot/splash.h>

#include "unit_test.h"


/* A header for width x height with packets bytes of packets after it. */
static size_t
header(uint8_t *data, uint32_t width, uint32_t height, uint32_t packets)
{
	memcpy(data, SPLASH_MAGIC, 4);
	data[4] = (uint8_t)width;
	data[5] = (uint8_t)(width >> 8);
	data[6] = (uint8_t)height;
	data[7] = (uint8_t)(height >> 8);
	data[8] = (uint8_t)packets;
	data[9] = (uint8_t)(packets >> 8);
	data[10] = (uint8_t)(packets >> 16);
	data[11] = (uint8_t)(packets >> 24);
	memset(data + 12, 0, 4);
	return SPLASH_HEADER_SIZE;
}


/* 3 x 2: a run of 4 red, then a literal of green and blue. */
static size_t
sample(uint8_t *data)
{
	static const uint8_t kPackets[] = {
		0x82, 0xff, 0x00, 0x00,
		0x01, 0x00, 0xff, 0x00, 0x00, 0x00, 0xff,
	};
	size_t size = header(data, 3, 2, sizeof(kPackets));
	memcpy(data + size, kPackets, sizeof(kPackets));
	return size + sizeof(kPackets);
}


TEST(runs_and_literals_decode_in_row_order)
{
	uint8_t data[64];
	size_t size = sample(data);
	uint32_t width, height;
	CHECK_EQ(splash_image_size(data, size, &width, &height), B_OK);
	CHECK_EQ(width, 3);
	CHECK_EQ(height, 2);
	uint32_t pixels[6];
	CHECK_EQ(splash_decode(data, size, pixels, 6), B_OK);
	const uint32_t expected[6] = { 0xff0000, 0xff0000, 0xff0000, 0xff0000, 0x00ff00,
		0x0000ff };
	CHECK(memcmp(pixels, expected, sizeof(expected)) == 0);
}


TEST(a_file_that_is_not_an_image_is_refused)
{
	uint8_t data[64];
	size_t size = sample(data);
	uint32_t width, height, pixels[6];
	const char kText[] = "timeout = 5\nentry \"x\" {\n";
	CHECK_EQ(splash_image_size(kText, sizeof(kText), &width, &height), B_BAD_DATA);
	CHECK_EQ(splash_decode(kText, sizeof(kText), pixels, 6), B_BAD_DATA);
	data[0] = 'P';
	CHECK_EQ(splash_decode(data, size, pixels, 6), B_BAD_DATA);
	CHECK_EQ(splash_image_size(data, 3, &width, &height), B_BAD_DATA);
	CHECK_EQ(splash_image_size(NULL, 0, &width, &height), B_BAD_DATA);
}


TEST(a_truncated_image_is_refused)
{
	uint8_t data[64];
	size_t size = sample(data);
	uint32_t pixels[6];
	for (size_t cut = 0; cut < size; cut++)
		CHECK_EQ(splash_decode(data, cut, pixels, 6), B_BAD_DATA);
	/* The header claims what the file holds: cut packets with a header that agrees. */
	header(data, 3, 2, (uint32_t)(size - SPLASH_HEADER_SIZE - 3));
	CHECK_EQ(splash_decode(data, size - 3, pixels, 6), B_BAD_DATA);
	/*
	 * The file ends inside the first packet, a run: on the heap at its exact
	 * size, so that the sanitizer sees a read past its end.
	 */
	for (size_t kept = 1; kept < 4; kept++) {
		header(data, 3, 2, (uint32_t)kept);
		uint8_t *cut = malloc(SPLASH_HEADER_SIZE + kept);
		CHECK(cut != NULL);
		memcpy(cut, data, SPLASH_HEADER_SIZE + kept);
		CHECK_EQ(splash_decode(cut, SPLASH_HEADER_SIZE + kept, pixels, 6), B_BAD_DATA);
		free(cut);
	}
	/* Bytes after the packets the header counts make no image either. */
	size = sample(data);
	uint32_t width, height;
	CHECK_EQ(splash_image_size(data, size + 1, &width, &height), B_BAD_DATA);
}


TEST(packets_past_the_last_pixel_or_after_it_are_refused)
{
	uint8_t data[64];
	uint32_t pixels[4];
	/* 2 x 1, a run of 3. */
	size_t size = header(data, 2, 1, 4);
	memcpy(data + size, "\x81\x01\x02\x03", 4);
	CHECK_EQ(splash_decode(data, size + 4, pixels, 4), B_BAD_DATA);
	/* 1 x 1, a literal of 2. */
	size = header(data, 1, 1, 7);
	memcpy(data + size, "\x01\x01\x02\x03\x04\x05\x06", 7);
	CHECK_EQ(splash_decode(data, size + 7, pixels, 4), B_BAD_DATA);
	/* 1 x 1 and a byte too many. */
	size = header(data, 1, 1, 5);
	memcpy(data + size, "\x00\x01\x02\x03\x00", 5);
	CHECK_EQ(splash_decode(data, size + 5, pixels, 4), B_BAD_DATA);
}


TEST(sizes_out_of_range_are_refused)
{
	uint8_t data[64];
	uint32_t width, height, pixels[4];
	header(data, 0, 1, 0);
	CHECK_EQ(splash_image_size(data, SPLASH_HEADER_SIZE, &width, &height), B_BAD_DATA);
	header(data, SPLASH_MAX_SIDE + 1, 1, 0);
	CHECK_EQ(splash_image_size(data, SPLASH_HEADER_SIZE, &width, &height), B_BAD_DATA);
	header(data, 1, 1, 4);
	data[12] = 1;
	CHECK_EQ(splash_image_size(data, SPLASH_HEADER_SIZE + 4, &width, &height), B_BAD_DATA);
	/* Room for fewer pixels than the image has. */
	size_t size = sample(data);
	CHECK_EQ(splash_decode(data, size, pixels, 4), B_BAD_VALUE);
}


TEST(the_largest_image_decodes_from_long_runs)
{
	uint32_t side = SPLASH_MAX_SIDE;
	size_t runs = ((size_t)side * side + 128) / 129;
	size_t size = SPLASH_HEADER_SIZE + runs * 4;
	uint8_t *data = malloc(size);
	uint32_t *pixels = malloc((size_t)side * side * sizeof(uint32_t));
	CHECK(data != NULL && pixels != NULL);
	header(data, side, side, (uint32_t)(runs * 4));
	size_t left = (size_t)side * side;
	for (size_t i = 0; i < runs; i++) {
		size_t count = left < 129 ? left : 129;
		uint8_t *packet = data + SPLASH_HEADER_SIZE + i * 4;
		if (count >= 2) {
			packet[0] = (uint8_t)(count + 126);
		} else {
			/* One pixel left: a literal of one, and the file a byte shorter. */
			packet[0] = 0;
		}
		packet[1] = 0x10;
		packet[2] = 0x20;
		packet[3] = 0x30;
		left -= count;
	}
	CHECK_EQ(splash_decode(data, size, pixels, (size_t)side * side), B_OK);
	CHECK_EQ(pixels[0], 0x102030);
	CHECK_EQ(pixels[(size_t)side * side - 1], 0x102030);
	free(data);
	free(pixels);
}
