/* SPDX-License-Identifier: MIT */
/*
 * Pixels on a framebuffer the port described: whatever its channel masks,
 * 16, 24 or 32 bits a pixel, written a row at a time.
 */
#include <boot/framebuffer.h>

#include <string.h>

#include <boot/font.h>


static uint32_t
framebuffer_bytes_per_pixel(const struct platform_framebuffer *framebuffer)
{
	return framebuffer->bits_per_pixel / 8;
}


bool
framebuffer_usable(const struct platform_framebuffer *framebuffer)
{
	uint32_t bits = framebuffer->bits_per_pixel;
	if (framebuffer->base == NULL || framebuffer->width == 0 || framebuffer->height == 0)
		return false;
	if (bits != 16 && bits != 24 && bits != 32)
		return false;
	if (framebuffer->red_mask == 0 || framebuffer->green_mask == 0
		|| framebuffer->blue_mask == 0)
		return false;
	return (uint64_t)framebuffer->width * (bits / 8) <= framebuffer->bytes_per_line;
}


/* Where a non-zero channel mask starts and how many bits wide it is. */
static void
framebuffer_mask_shape(uint32_t mask, uint32_t *_shift, uint32_t *_bits)
{
	uint32_t shift = 0;
	while (((mask >> shift) & 1) == 0)
		shift++;
	uint32_t bits = 0;
	while (shift + bits < 32 && ((mask >> (shift + bits)) & 1) != 0)
		bits++;
	*_shift = shift;
	*_bits = bits;
}


/* The 8-bit channel value in the mask's bits, scaled to its width. */
static uint32_t
framebuffer_channel(uint32_t value, uint32_t mask)
{
	if (mask == 0)
		return 0;
	uint32_t shift, bits;
	framebuffer_mask_shape(mask, &shift, &bits);
	uint32_t scaled = bits >= 8 ? value << (bits - 8) : value >> (8 - bits);
	return (scaled << shift) & mask;
}


/* The mask's bits of pixel as an 8-bit channel value. */
static uint32_t
framebuffer_unchannel(uint32_t pixel, uint32_t mask)
{
	if (mask == 0)
		return 0;
	uint32_t shift, bits;
	framebuffer_mask_shape(mask, &shift, &bits);
	uint32_t value = (pixel & mask) >> shift;
	if (bits >= 8)
		return value >> (bits - 8);
	/* Repeat the bits so that a full channel reads back as 0xff. */
	return ((value << (8 - bits)) | (value >> (2 * bits > 8 ? 2 * bits - 8 : 0))) & 0xff;
}


uint32_t
framebuffer_pixel(const struct platform_framebuffer *framebuffer, framebuffer_rgb rgb)
{
	return framebuffer_channel((rgb >> 16) & 0xff, framebuffer->red_mask)
		| framebuffer_channel((rgb >> 8) & 0xff, framebuffer->green_mask)
		| framebuffer_channel(rgb & 0xff, framebuffer->blue_mask);
}


static uint8_t *
framebuffer_address(const struct platform_framebuffer *framebuffer, uint32_t x, uint32_t y)
{
	return (uint8_t *)framebuffer->base + (size_t)y * framebuffer->bytes_per_line
		+ (size_t)x * framebuffer_bytes_per_pixel(framebuffer);
}


static void
framebuffer_store(uint8_t *address, uint32_t bytes, uint32_t pixel)
{
	switch (bytes) {
		case 4:
			*(volatile uint32_t *)address = pixel;
			break;
		case 2:
			*(volatile uint16_t *)address = (uint16_t)pixel;
			break;
		default:
			address[0] = (uint8_t)pixel;
			address[1] = (uint8_t)(pixel >> 8);
			address[2] = (uint8_t)(pixel >> 16);
			break;
	}
}


framebuffer_rgb
framebuffer_read(const struct platform_framebuffer *framebuffer, uint32_t x, uint32_t y)
{
	if (x >= framebuffer->width || y >= framebuffer->height)
		return 0;
	const uint8_t *address = framebuffer_address(framebuffer, x, y);
	uint32_t pixel = 0;
	for (uint32_t i = 0; i < framebuffer_bytes_per_pixel(framebuffer); i++)
		pixel |= (uint32_t)address[i] << (8 * i);
	return framebuffer_unchannel(pixel, framebuffer->red_mask) << 16
		| framebuffer_unchannel(pixel, framebuffer->green_mask) << 8
		| framebuffer_unchannel(pixel, framebuffer->blue_mask);
}


/* Cut the span x, width to the limit; false when nothing is left. */
static bool
framebuffer_clip(uint32_t x, uint32_t *_width, uint32_t limit)
{
	if (x >= limit)
		return false;
	if (*_width > limit - x)
		*_width = limit - x;
	return *_width > 0;
}


/*
 * 32-bit pixels are filled by copying from a run of them in memory: a
 * screen's worth of single stores costs several times what string copies
 * cost, under emulation too (clearing 1280x800 was most of starting the
 * console). Copies never read the framebuffer, which is slow on hardware.
 */
#define FILL_RUN	256
static uint32_t sFillRun[FILL_RUN];


void
framebuffer_fill(const struct platform_framebuffer *framebuffer, uint32_t x, uint32_t y,
	uint32_t width, uint32_t height, uint32_t pixel)
{
	if (!framebuffer_clip(x, &width, framebuffer->width)
		|| !framebuffer_clip(y, &height, framebuffer->height))
		return;
	uint32_t bytes = framebuffer_bytes_per_pixel(framebuffer);
	if (bytes == 4) {
		uint32_t run = width < FILL_RUN ? width : FILL_RUN;
		for (uint32_t i = 0; i < run; i++)
			sFillRun[i] = pixel;
	}
	for (uint32_t row = 0; row < height; row++) {
		uint8_t *address = framebuffer_address(framebuffer, x, y + row);
		if (bytes != 4) {
			for (uint32_t column = 0; column < width; column++, address += bytes)
				framebuffer_store(address, bytes, pixel);
			continue;
		}
		for (uint32_t done = 0; done < width; done += FILL_RUN) {
			uint32_t count = width - done < FILL_RUN ? width - done : FILL_RUN;
			memcpy(address + (size_t)done * 4, sFillRun, (size_t)count * 4);
		}
	}
}


void
framebuffer_draw_glyph(const struct platform_framebuffer *framebuffer, uint32_t x,
	uint32_t y, const uint8_t *bitmap, uint32_t rows, uint32_t scale, uint32_t foreground,
	uint32_t background)
{
	uint32_t width = FONT_GLYPH_WIDTH * scale;
	uint32_t height = rows * scale;
	if (scale == 0 || !framebuffer_clip(x, &width, framebuffer->width)
		|| !framebuffer_clip(y, &height, framebuffer->height))
		return;
	uint32_t bytes = framebuffer_bytes_per_pixel(framebuffer);
	for (uint32_t row = 0; row < height; row++) {
		uint8_t bits = bitmap[row / scale];
		uint8_t *address = framebuffer_address(framebuffer, x, y + row);
		if (bytes == 4 && scale == 1) {
			/* The common case, unrolled by the compiler: the menu is all glyphs. */
			uint32_t *pixels = (uint32_t *)address;
			for (uint32_t column = 0; column < width; column++)
				pixels[column] = (bits & (0x80 >> column)) != 0 ? foreground : background;
			continue;
		}
		for (uint32_t column = 0; column < width; column++, address += bytes) {
			bool set = (bits & (0x80 >> (column / scale))) != 0;
			framebuffer_store(address, bytes, set ? foreground : background);
		}
	}
}


void
framebuffer_draw_image(const struct platform_framebuffer *framebuffer, uint32_t x,
	uint32_t y, const framebuffer_rgb *image, uint32_t width, uint32_t height)
{
	uint32_t shownWidth = width;
	uint32_t shownHeight = height;
	if (!framebuffer_clip(x, &shownWidth, framebuffer->width)
		|| !framebuffer_clip(y, &shownHeight, framebuffer->height))
		return;
	uint32_t bytes = framebuffer_bytes_per_pixel(framebuffer);
	/* Converted once per run of equal pixels: splash pictures have long runs. */
	framebuffer_rgb last = image[0];
	uint32_t pixel = framebuffer_pixel(framebuffer, last);
	for (uint32_t row = 0; row < shownHeight; row++) {
		uint8_t *address = framebuffer_address(framebuffer, x, y + row);
		const framebuffer_rgb *source = image + (size_t)row * width;
		for (uint32_t column = 0; column < shownWidth; column++, address += bytes) {
			if (source[column] != last) {
				last = source[column];
				pixel = framebuffer_pixel(framebuffer, last);
			}
			framebuffer_store(address, bytes, pixel);
		}
	}
}


void
framebuffer_scroll(const struct platform_framebuffer *framebuffer, uint32_t y,
	uint32_t height, uint32_t distance)
{
	if (!framebuffer_clip(y, &height, framebuffer->height) || distance >= height)
		return;
	size_t rowBytes = (size_t)framebuffer->width * framebuffer_bytes_per_pixel(framebuffer);
	for (uint32_t row = y; row + distance < y + height; row++) {
		memmove(framebuffer_address(framebuffer, 0, row),
			framebuffer_address(framebuffer, 0, row + distance), rowBytes);
	}
}
