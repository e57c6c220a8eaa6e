/* SPDX-License-Identifier: MIT */
/*
 * Simulated graphics output (--video-modes): the modes a GOP would offer,
 * one framebuffer behind them at a physical address of its own, and the
 * framebuffer the kernel gets. Without --video-modes the machine has none,
 * as before: the boot menu stays on the text console.
 */
#include "host_platform.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/platform.h>
#include <boot/stdio.h>

#define MAX_MODES			16
#define MIN_DIMENSION		16
#define MAX_DIMENSION		8192

struct host_video_mode {
	uint32_t	width;
	uint32_t	height;
	uint32_t	bits_per_pixel;
	uint32_t	pixels_per_line;
};

static struct host_video_mode sModes[MAX_MODES];
static int32_t sModeCount;
static int32_t sCurrentMode = -1;
static uint8_t *sFramebuffer;
static uint64_t sFramebufferPhysical;
static uint64_t sFramebufferSize;


static uint32_t
host_video_bytes_per_line(const struct host_video_mode *mode)
{
	return mode->pixels_per_line * (mode->bits_per_pixel / 8);
}


/* "WxH[xBPP][+PAD]" up to end: BPP 16 (RGB 565), 24 (BGR) or 32 (BGRX, the default). */
static bool
host_video_parse_mode(const char *text, const char *end, struct host_video_mode *mode)
{
	char item[32];
	if (end - text >= (ptrdiff_t)sizeof(item))
		return false;
	memcpy(item, text, (size_t)(end - text));
	item[end - text] = '\0';

	unsigned width, height, bits = 32, padding = 0;
	int used = 0;
	const char *rest = item;
	if (sscanf(rest, "%5ux%5u%n", &width, &height, &used) != 2)
		return false;
	rest += used;
	if (sscanf(rest, "x%2u%n", &bits, &used) == 1)
		rest += used;
	if (sscanf(rest, "+%4u%n", &padding, &used) == 1)
		rest += used;
	if (*rest != '\0' || width < MIN_DIMENSION || width > MAX_DIMENSION
		|| height < MIN_DIMENSION || height > MAX_DIMENSION
		|| (bits != 16 && bits != 24 && bits != 32))
		return false;
	*mode = (struct host_video_mode){ width, height, bits, width + padding };
	return true;
}


bool
host_video_add_modes(const char *list)
{
	for (const char *item = list;; item++) {
		const char *end = strchr(item, ',');
		if (end == NULL)
			end = item + strlen(item);
		struct host_video_mode *mode = &sModes[sModeCount];
		if (sModeCount == MAX_MODES || !host_video_parse_mode(item, end, mode))
			return false;
		uint64_t size = (uint64_t)host_video_bytes_per_line(mode) * mode->height;
		size = (size + KERNEL_PAGE_MASK) & ~(uint64_t)KERNEL_PAGE_MASK;
		if (size > sFramebufferSize)
			sFramebufferSize = size;
		sModeCount++;
		sCurrentMode = 0;
		if (*end == '\0')
			return true;
		item = end;
	}
}


uint64_t
host_video_memory_size(void)
{
	return sFramebufferSize;
}


status_t
host_video_init(uint64_t physical)
{
	sFramebuffer = calloc(1, sFramebufferSize);
	if (sFramebuffer == NULL)
		return B_NO_MEMORY;
	sFramebufferPhysical = physical;
	return B_OK;
}


void *
host_video_physical_to_pointer(uint64_t physical, uint64_t size)
{
	if (sFramebuffer == NULL || physical < sFramebufferPhysical
		|| physical - sFramebufferPhysical >= sFramebufferSize
		|| size > sFramebufferSize - (physical - sFramebufferPhysical))
		return NULL;
	return sFramebuffer + (physical - sFramebufferPhysical);
}


bool
host_video_current(struct platform_framebuffer *framebuffer)
{
	if (sFramebuffer == NULL || sCurrentMode < 0)
		return false;
	const struct host_video_mode *mode = &sModes[sCurrentMode];
	bool wide = mode->bits_per_pixel != 16;
	*framebuffer = (struct platform_framebuffer){
		.base = sFramebuffer,
		.width = mode->width,
		.height = mode->height,
		.bytes_per_line = host_video_bytes_per_line(mode),
		.bits_per_pixel = mode->bits_per_pixel,
		.red_mask = wide ? 0xff0000 : 0xf800,
		.green_mask = wide ? 0x00ff00 : 0x07e0,
		.blue_mask = wide ? 0x0000ff : 0x001f,
	};
	return true;
}


int32_t
platform_video_mode_count(void)
{
	return sFramebuffer != NULL ? sModeCount : 0;
}


int32_t
platform_video_mode_current(void)
{
	return sFramebuffer != NULL ? sCurrentMode : -1;
}


status_t
platform_video_mode_info(int32_t index, uint32_t *_width, uint32_t *_height)
{
	if (index < 0 || index >= platform_video_mode_count())
		return B_BAD_VALUE;
	*_width = sModes[index].width;
	*_height = sModes[index].height;
	return B_OK;
}


/* As a GOP's SetMode: the new mode starts black. */
status_t
platform_set_video_mode(int32_t index)
{
	if (index < 0 || index >= platform_video_mode_count())
		return B_BAD_VALUE;
	sCurrentMode = index;
	memset(sFramebuffer, 0, sFramebufferSize);
	return B_OK;
}


status_t
platform_get_framebuffer(struct platform_framebuffer *framebuffer)
{
	return host_video_current(framebuffer) ? B_OK : B_NOT_SUPPORTED;
}


void
host_video_hand_over(kernel_args *args)
{
	struct platform_framebuffer current;
	if (!host_video_current(&current)) {
		args->framebuffer = (kernel_framebuffer){ 0 };
		return;
	}
	args->framebuffer = (kernel_framebuffer){
		.physical_address = sFramebufferPhysical,
		.address = KERNEL_PHYSICAL_MAP_BASE + sFramebufferPhysical,
		.size = sFramebufferSize,
		.width = current.width,
		.height = current.height,
		.bytes_per_line = current.bytes_per_line,
		.bits_per_pixel = current.bits_per_pixel,
		.red_mask = current.red_mask,
		.green_mask = current.green_mask,
		.blue_mask = current.blue_mask,
		.reserved_mask = current.bits_per_pixel == 32 ? 0xff000000 : 0,
	};
	boot_dprintf("host: graphics mode %d: %ux%u, %u bpp, %u bytes per line, framebuffer"
		" %#llx (%llu KiB)\n", sCurrentMode, current.width, current.height,
		current.bits_per_pixel, current.bytes_per_line,
		(unsigned long long)sFramebufferPhysical, (unsigned long long)(sFramebufferSize >> 10));
}
