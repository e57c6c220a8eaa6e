/* SPDX-License-Identifier: MIT */
/*
 * The checks of the framebuffer the loader handed over: its fields agree
 * with each other, with the physical map and with the memory map, and, in
 * the kernel, a test pattern drawn into it reads back.
 */
#include "checks.h"

#include <string.h>


#define PATTERN_BARS		8
/* Bytes written per call: a bar's row is sent in pieces of this size. */
#define WRITE_CHUNK_SIZE	1024

/* Colour bars from the left, as red, green and blue bits (television order). */
#define BAR_RED				0x4
#define BAR_GREEN			0x2
#define BAR_BLUE			0x1
static const uint8_t kBars[PATTERN_BARS] = {
	BAR_RED | BAR_GREEN | BAR_BLUE,	/* white */
	BAR_RED | BAR_GREEN,			/* yellow */
	BAR_GREEN | BAR_BLUE,			/* cyan */
	BAR_GREEN,
	BAR_RED | BAR_BLUE,				/* magenta */
	BAR_RED,
	BAR_BLUE,
	0,								/* black */
};


static bool
framebuffer_check_masks(const kernel_framebuffer *framebuffer, char *reason,
	size_t reasonSize)
{
	const uint32_t masks[4] = { framebuffer->red_mask, framebuffer->green_mask,
		framebuffer->blue_mask, framebuffer->reserved_mask };
	static const char *const kNames[4] = { "red", "green", "blue", "reserved" };
	uint32_t pixelBits = framebuffer->bits_per_pixel == 32 ? UINT32_MAX
		: (1U << framebuffer->bits_per_pixel) - 1;
	uint32_t seen = 0;
	for (int i = 0; i < 4; i++) {
		if (masks[i] == 0 && i < 3)
			return kcheck_fail(reason, reasonSize, "no %s channel", kNames[i]);
		if ((masks[i] & seen) != 0) {
			return kcheck_fail(reason, reasonSize, "%s mask %#x overlaps another channel",
				kNames[i], masks[i]);
		}
		if ((masks[i] & ~pixelBits) != 0) {
			return kcheck_fail(reason, reasonSize, "%s mask %#x outside a %u-bit pixel",
				kNames[i], masks[i], framebuffer->bits_per_pixel);
		}
		seen |= masks[i];
	}
	return true;
}


/* When there is a typed memory map, the framebuffer is in it as such. */
static bool
framebuffer_check_memory_map(const kernel_args *args, uint64_t start, uint64_t end,
	char *reason, size_t reasonSize)
{
	uint32_t count = kcheck_clamp_count(args->num_memory_map_entries, MAX_MEMORY_MAP_ENTRIES);
	if (count == 0)
		return true;
	uint64_t cursor = start;
	for (uint32_t i = 0; i < count && cursor < end; i++) {
		const memory_map_entry *entry = &args->memory_map[i];
		uint64_t entryEnd = entry->start + entry->size;
		if (entry->start > cursor || entryEnd <= cursor)
			continue;
		if (entry->type != KERNEL_MEMORY_FRAMEBUFFER) {
			return kcheck_fail(reason, reasonSize,
				"memory map entry %u at %#llx has type %u, not framebuffer", i,
				(ull)entry->start, entry->type);
		}
		cursor = entryEnd;
	}
	if (cursor < end) {
		return kcheck_fail(reason, reasonSize, "%#llx-%#llx not in the memory map",
			(ull)cursor, (ull)end);
	}
	return true;
}


bool
kcheck_framebuffer(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	const kernel_framebuffer *framebuffer = &args->framebuffer;
	if (framebuffer->physical_address == 0) {
		/* "No framebuffer" is valid, but then nothing may describe one. */
		if (framebuffer->address != 0 || framebuffer->size != 0 || framebuffer->width != 0
			|| framebuffer->height != 0 || framebuffer->bytes_per_line != 0) {
			return kcheck_fail(reason, reasonSize, "no physical address, but address %#llx"
				" size %#llx, %ux%u", (ull)framebuffer->address, (ull)framebuffer->size,
				framebuffer->width, framebuffer->height);
		}
		return true;
	}

	uint32_t bpp = framebuffer->bits_per_pixel;
	if (framebuffer->width == 0 || framebuffer->height == 0
		|| (bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)) {
		return kcheck_fail(reason, reasonSize, "%ux%u with %u bits per pixel",
			framebuffer->width, framebuffer->height, bpp);
	}
	if (!framebuffer_check_masks(framebuffer, reason, reasonSize))
		return false;
	if ((uint64_t)framebuffer->bytes_per_line < (uint64_t)framebuffer->width * (bpp / 8)) {
		return kcheck_fail(reason, reasonSize, "%u bytes per line for %u pixels of %u bits",
			framebuffer->bytes_per_line, framebuffer->width, bpp);
	}
	uint64_t needed = (uint64_t)framebuffer->bytes_per_line * framebuffer->height;
	if (framebuffer->size < needed || (framebuffer->size & KERNEL_PAGE_MASK) != 0) {
		return kcheck_fail(reason, reasonSize, "size %#llx, the mode needs %#llx in whole pages",
			(ull)framebuffer->size, (ull)needed);
	}

	uint64_t physical = framebuffer->physical_address;
	uint64_t mapSize = args->physical_map_size;
	if (physical > mapSize || framebuffer->size > mapSize - physical) {
		return kcheck_fail(reason, reasonSize, "%#llx-%#llx beyond the physical map (%#llx)",
			(ull)physical, (ull)(physical + framebuffer->size), (ull)mapSize);
	}
	if (framebuffer->address != args->physical_map_base + physical) {
		return kcheck_fail(reason, reasonSize, "address %#llx, physical map has it at %#llx",
			(ull)framebuffer->address, (ull)(args->physical_map_base + physical));
	}
	if (!bootcheck_virtual_contains(args, framebuffer->address, framebuffer->size)) {
		return kcheck_fail(reason, reasonSize, "%#llx not inside a virtual allocated range",
			(ull)framebuffer->address);
	}

	/* Drawing into RAM would overwrite whatever the kernel keeps there. */
	uint32_t count = kcheck_clamp_count(args->num_physical_memory_ranges,
		MAX_PHYSICAL_MEMORY_RANGES);
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &args->physical_memory_range[i];
		if (kcheck_spans_overlap(physical, framebuffer->size, range->start, range->size)) {
			return kcheck_fail(reason, reasonSize, "%#llx-%#llx overlaps RAM %#llx-%#llx",
				(ull)physical, (ull)(physical + framebuffer->size), (ull)range->start,
				(ull)(range->start + range->size));
		}
	}
	return framebuffer_check_memory_map(args, physical & ~KERNEL_PAGE_MASK,
		(physical + framebuffer->size + KERNEL_PAGE_MASK) & ~KERNEL_PAGE_MASK, reason,
		reasonSize);
}


static uint32_t
pattern_pixel(const kernel_framebuffer *framebuffer, uint8_t bar)
{
	return ((bar & BAR_RED) != 0 ? framebuffer->red_mask : 0)
		| ((bar & BAR_GREEN) != 0 ? framebuffer->green_mask : 0)
		| ((bar & BAR_BLUE) != 0 ? framebuffer->blue_mask : 0);
}


static uint32_t
pattern_bar_start(const kernel_framebuffer *framebuffer, uint32_t bar)
{
	return (uint32_t)((uint64_t)framebuffer->width * bar / PATTERN_BARS);
}


/* Pixels are little endian, as the masks describe them. */
static bool
pattern_read_pixel(const struct kcheck_context *context, uint32_t x, uint32_t y,
	uint32_t *_pixel)
{
	const kernel_framebuffer *framebuffer = &context->args->framebuffer;
	uint32_t bytes = framebuffer->bits_per_pixel / 8;
	uint8_t buffer[4] = { 0 };
	if (!kcheck_read_virtual(context, framebuffer->address
			+ (uint64_t)y * framebuffer->bytes_per_line + (uint64_t)x * bytes, buffer, bytes))
		return false;
	*_pixel = buffer[0] | (uint32_t)buffer[1] << 8 | (uint32_t)buffer[2] << 16
		| (uint32_t)buffer[3] << 24;
	return true;
}


bool
kcheck_framebuffer_pattern(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_FRAMEBUFFER, reason, reasonSize))
		return false;
	const kernel_framebuffer *framebuffer = &context->args->framebuffer;
	const struct bootcheck_machine *machine = context->environment->machine;
	uint32_t bytes = framebuffer->bits_per_pixel / 8;
	uint32_t chunkPixels = WRITE_CHUNK_SIZE / bytes;
	uint8_t chunk[WRITE_CHUNK_SIZE];

	for (uint32_t bar = 0; bar < PATTERN_BARS; bar++) {
		uint32_t pixel = pattern_pixel(framebuffer, kBars[bar]);
		for (uint32_t i = 0; i < chunkPixels; i++) {
			for (uint32_t b = 0; b < bytes; b++)
				chunk[i * bytes + b] = (uint8_t)(pixel >> (8 * b));
		}
		uint32_t start = pattern_bar_start(framebuffer, bar);
		uint32_t end = pattern_bar_start(framebuffer, bar + 1);
		for (uint32_t y = 0; y < framebuffer->height; y++) {
			for (uint32_t x = start; x < end; x += chunkPixels) {
				uint32_t pixels = end - x < chunkPixels ? end - x : chunkPixels;
				uint64_t address = framebuffer->address
					+ (uint64_t)y * framebuffer->bytes_per_line + (uint64_t)x * bytes;
				if (!machine->write_virtual(machine->cookie, address, chunk, pixels * bytes)) {
					return kcheck_fail(reason, reasonSize, "%#llx cannot be written",
						(ull)address);
				}
			}
		}
	}

	/* The middle of each bar at the top, the middle and the bottom line. */
	const uint32_t rows[3] = { 0, framebuffer->height / 2, framebuffer->height - 1 };
	for (uint32_t bar = 0; bar < PATTERN_BARS; bar++) {
		uint32_t x = (pattern_bar_start(framebuffer, bar)
			+ pattern_bar_start(framebuffer, bar + 1)) / 2;
		uint32_t expected = pattern_pixel(framebuffer, kBars[bar]);
		for (int i = 0; i < 3; i++) {
			uint32_t pixel;
			if (!pattern_read_pixel(context, x, rows[i], &pixel)) {
				return kcheck_fail(reason, reasonSize, "pixel %u,%u cannot be read", x,
					rows[i]);
			}
			pixel &= ~framebuffer->reserved_mask;
			if (pixel != expected) {
				return kcheck_fail(reason, reasonSize, "pixel %u,%u reads %#x, drew %#x", x,
					rows[i], pixel, expected);
			}
		}
	}
	kcheck_printf(context->environment, "framebuffer: pattern drawn, %u colour bars on"
		" %ux%u\n", PATTERN_BARS, framebuffer->width, framebuffer->height);
	return true;
}
