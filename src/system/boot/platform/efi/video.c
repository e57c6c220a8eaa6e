/* SPDX-License-Identifier: MIT */
/*
 * The framebuffer of the firmware's graphics output (GOP) for the kernel:
 * the current mode as the kernel finds it, mapped through the physical map;
 * and the GOP's modes for the boot menu.
 */
#include "efi_platform.h"

#include <stdbool.h>

#include <boot/platform.h>
#include <boot/stdio.h>


static EFI_GRAPHICS_OUTPUT_PROTOCOL *
video_find_gop(void)
{
	static EFI_GUID sGopGuid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;

	/* The screen the console is on, if it has graphics; else any. */
	if (gSystemTable->ConsoleOutHandle != NULL
		&& gBootServices->HandleProtocol(gSystemTable->ConsoleOutHandle, &sGopGuid,
			(void **)&gop) == EFI_SUCCESS && gop != NULL)
		return gop;
	if (gBootServices->LocateProtocol(&sGopGuid, NULL, (void **)&gop) == EFI_SUCCESS)
		return gop;
	return NULL;
}


/* Bits a pixel takes: up to the highest channel bit, in whole bytes. */
static uint32_t
video_bits_per_pixel(uint32_t allMasks)
{
	uint32_t bits = 0;
	while (bits < 32 && (allMasks >> bits) != 0)
		bits++;
	return (bits + 7) & ~7U;
}


/* Fills the channel masks of framebuffer; false for formats without one. */
static bool
video_set_format(kernel_framebuffer *framebuffer,
	const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info, const char **_name)
{
	switch (info->PixelFormat) {
		case PixelRedGreenBlueReserved8BitPerColor:
			framebuffer->red_mask = 0x000000ff;
			framebuffer->green_mask = 0x0000ff00;
			framebuffer->blue_mask = 0x00ff0000;
			framebuffer->reserved_mask = 0xff000000;
			*_name = "RGBX";
			break;
		case PixelBlueGreenRedReserved8BitPerColor:
			framebuffer->red_mask = 0x00ff0000;
			framebuffer->green_mask = 0x0000ff00;
			framebuffer->blue_mask = 0x000000ff;
			framebuffer->reserved_mask = 0xff000000;
			*_name = "BGRX";
			break;
		case PixelBitMask:
		{
			const EFI_PIXEL_BITMASK *masks = &info->PixelInformation;
			framebuffer->red_mask = masks->RedMask;
			framebuffer->green_mask = masks->GreenMask;
			framebuffer->blue_mask = masks->BlueMask;
			framebuffer->reserved_mask = masks->ReservedMask;
			*_name = "bit mask";
			/* Channels that overlap or are missing describe no usable format. */
			uint32_t colors[3] = { masks->RedMask, masks->GreenMask, masks->BlueMask };
			uint32_t seen = masks->ReservedMask;
			for (int i = 0; i < 3; i++) {
				if (colors[i] == 0 || (colors[i] & seen) != 0)
					return false;
				seen |= colors[i];
			}
			break;
		}
		default:
			/* PixelBltOnly: the screen is only reachable through Blt(). */
			*_name = "Blt only";
			return false;
	}
	framebuffer->bits_per_pixel = video_bits_per_pixel(framebuffer->red_mask
		| framebuffer->green_mask | framebuffer->blue_mask | framebuffer->reserved_mask);
	return true;
}


/*
 * The current mode's framebuffer in found (size, format, line length, physical
 * address), or why there is none usable; *_format names the pixel format.
 */
static const char *
video_current_framebuffer(const EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE *mode,
	kernel_framebuffer *found, const char **_format)
{
	const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = mode->Info;
	*found = (kernel_framebuffer){
		.width = info->HorizontalResolution,
		.height = info->VerticalResolution,
	};
	bool usable = video_set_format(found, info, _format);
	found->bytes_per_line = info->PixelsPerScanLine * (found->bits_per_pixel / 8);
	found->physical_address = mode->FrameBufferBase;

	if (!usable)
		return "its pixel format has no framebuffer";
	if (mode->FrameBufferBase == 0 || found->width == 0 || found->height == 0)
		return "it reports no framebuffer";
	if (info->PixelsPerScanLine < found->width
		|| (uint64_t)found->bytes_per_line * found->height > mode->FrameBufferSize)
		return "its framebuffer is smaller than the mode";
	return NULL;
}


void
efi_video_init(kernel_args *args)
{
	kernel_framebuffer *framebuffer = &args->framebuffer;
	*framebuffer = (kernel_framebuffer){ 0 };

	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = video_find_gop();
	if (gop == NULL || gop->Mode == NULL || gop->Mode->Info == NULL) {
		boot_dprintf("efi: no graphics output: the kernel gets no framebuffer\n");
		return;
	}

	const EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE *mode = gop->Mode;
	kernel_framebuffer found;
	const char *format;
	const char *problem = video_current_framebuffer(mode, &found, &format);
	if (problem != NULL) {
		boot_dprintf("efi: graphics mode %u (%ux%u, %s): %s; the kernel gets no"
			" framebuffer\n", mode->Mode, found.width, found.height, format, problem);
		return;
	}

	/* The physical map covers it: platform_prepare_kernel_start() sees to that. */
	found.address = KERNEL_PHYSICAL_MAP_BASE + mode->FrameBufferBase;
	found.size = (mode->FrameBufferSize + KERNEL_PAGE_SIZE - 1) & ~KERNEL_PAGE_MASK;
	*framebuffer = found;
	boot_dprintf("efi: graphics mode %u: %ux%u, %u bpp %s, %u bytes per line, framebuffer"
		" %#llx (%llu KiB)\n", mode->Mode, found.width, found.height, found.bits_per_pixel,
		format, found.bytes_per_line, (unsigned long long)found.physical_address,
		(unsigned long long)(found.size >> 10));
}


/*
 * The boot menu's modes are the GOP's own numbers. The GOP is looked up on
 * each call: these run rarely, and only while boot services do.
 */
int32_t
platform_video_mode_count(void)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = gBootServicesActive ? video_find_gop() : NULL;
	if (gop == NULL || gop->Mode == NULL)
		return 0;
	return (int32_t)gop->Mode->MaxMode;
}


int32_t
platform_video_mode_current(void)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = gBootServicesActive ? video_find_gop() : NULL;
	if (gop == NULL || gop->Mode == NULL)
		return -1;
	return (int32_t)gop->Mode->Mode;
}


status_t
platform_video_mode_info(int32_t index, uint32_t *_width, uint32_t *_height)
{
	if (index < 0 || index >= platform_video_mode_count())
		return B_BAD_VALUE;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = video_find_gop();
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
	UINTN size;
	if (gop->QueryMode(gop, (UINT32)index, &size, &info) != EFI_SUCCESS)
		return B_ERROR;
	*_width = info->HorizontalResolution;
	*_height = info->VerticalResolution;
	/* QueryMode hands out pool memory. */
	gBootServices->FreePool(info);
	return B_OK;
}


status_t
platform_set_video_mode(int32_t index)
{
	if (index < 0 || index >= platform_video_mode_count())
		return B_BAD_VALUE;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = video_find_gop();
	return gop->SetMode(gop, (UINT32)index) == EFI_SUCCESS ? B_OK : B_ERROR;
}


status_t
platform_get_framebuffer(struct platform_framebuffer *framebuffer)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = gBootServicesActive ? video_find_gop() : NULL;
	if (gop == NULL || gop->Mode == NULL || gop->Mode->Info == NULL)
		return B_NOT_SUPPORTED;
	kernel_framebuffer found;
	const char *format;
	if (video_current_framebuffer(gop->Mode, &found, &format) != NULL)
		return B_NOT_SUPPORTED;
	/* Boot services map memory one to one: the physical address is the loader's. */
	*framebuffer = (struct platform_framebuffer){
		.base = (void *)(uintptr_t)found.physical_address,
		.width = found.width,
		.height = found.height,
		.bytes_per_line = found.bytes_per_line,
		.bits_per_pixel = found.bits_per_pixel,
		.red_mask = found.red_mask,
		.green_mask = found.green_mask,
		.blue_mask = found.blue_mask,
	};
	return B_OK;
}
