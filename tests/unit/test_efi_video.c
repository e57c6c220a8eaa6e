/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's graphics output (src/system/boot/platform/
 * efi/video.c), compiled right into this test with gnu-efi's headers, on a
 * fake GOP: the framebuffer the kernel and the loader's console are handed
 * for each pixel format a GOP may report (QEMU's OVMF and AAVMF only ever
 * show BGRX), lines longer than the width, framebuffers too small for their
 * mode, and the mode list.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/video.c"
#include "../support/efi_port_fakes.h"
#include "../support/efi_pool.h"

#include "unit_test.h"

#define MODES		3

EFI_BOOT_SERVICES *gBootServices;
int gBootServicesActive;

static EFI_BOOT_SERVICES sBootServices;
static EFI_GRAPHICS_OUTPUT_PROTOCOL sGop;
static EFI_GRAPHICS_OUTPUT_PROTOCOL sOtherGop;	/* the console's screen's, if any */
static EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE sMode;
static EFI_GRAPHICS_OUTPUT_MODE_INFORMATION sInfo;
static EFI_GRAPHICS_OUTPUT_MODE_INFORMATION sModes[MODES];
static bool sConsoleHasGop;
static kernel_args sArgs;


static EFI_STATUS EFIAPI
fake_handle_protocol(EFI_HANDLE handle, EFI_GUID *guid, void **_interface)
{
	static EFI_GUID sGuid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	CHECK(memcmp(guid, &sGuid, sizeof(sGuid)) == 0);
	if (handle != sFakeSystemTable.ConsoleOutHandle || !sConsoleHasGop)
		return EFI_UNSUPPORTED;
	*_interface = &sOtherGop;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_locate_protocol(EFI_GUID *guid, void *registration, void **_interface)
{
	*_interface = &sGop;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_query_mode(EFI_GRAPHICS_OUTPUT_PROTOCOL *gop, UINT32 mode, UINTN *_size,
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION **_info)
{
	if (mode >= MODES)
		return EFI_INVALID_PARAMETER;
	*_info = malloc(sizeof(**_info));
	**_info = sModes[mode];
	*_size = sizeof(**_info);
	sPools++;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_set_mode(EFI_GRAPHICS_OUTPUT_PROTOCOL *gop, UINT32 mode)
{
	if (mode >= MODES)
		return EFI_UNSUPPORTED;
	sMode.Mode = mode;
	sInfo = sModes[mode];
	return EFI_SUCCESS;
}


/* A 1024x768 BGRX mode whose framebuffer is just large enough, at 2 GiB. */
static void
setup(void)
{
	static const uint32_t kSizes[MODES][2] = { { 640, 480 }, { 1024, 768 }, { 1920, 1080 } };
	for (int i = 0; i < MODES; i++) {
		sModes[i] = (EFI_GRAPHICS_OUTPUT_MODE_INFORMATION){
			.HorizontalResolution = kSizes[i][0],
			.VerticalResolution = kSizes[i][1],
			.PixelFormat = PixelBlueGreenRedReserved8BitPerColor,
			.PixelsPerScanLine = kSizes[i][0],
		};
	}
	sInfo = sModes[1];
	sMode = (EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE){
		.MaxMode = MODES,
		.Mode = 1,
		.Info = &sInfo,
		.SizeOfInfo = sizeof(sInfo),
		.FrameBufferBase = 0x80000000,
		.FrameBufferSize = 1024 * 768 * 4,
	};
	sGop = (EFI_GRAPHICS_OUTPUT_PROTOCOL){
		.QueryMode = fake_query_mode,
		.SetMode = fake_set_mode,
		.Mode = &sMode,
	};
	sOtherGop = sGop;
	sConsoleHasGop = false;
	sFakeSystemTable.ConsoleOutHandle = (EFI_HANDLE)0x42;
	sBootServices = (EFI_BOOT_SERVICES){
		.HandleProtocol = fake_handle_protocol,
		.LocateProtocol = fake_locate_protocol,
		.FreePool = fake_free_pool,
	};
	gBootServices = &sBootServices;
	gBootServicesActive = 1;
	memset(&sArgs, 0, sizeof(sArgs));
	boot_log_clear();
}


/* The kernel's framebuffer for the mode now, which must not be refused. */
static const kernel_framebuffer *
handed_over(void)
{
	efi_video_init(&sArgs);
	if (sArgs.framebuffer.physical_address == 0)
		unit_fail(__FILE__, __LINE__, "no framebuffer: %s", sLog);
	return &sArgs.framebuffer;
}


/* The mode refused for reason: the kernel and the console get nothing. */
static void
expect_refused(const char *reason, int line)
{
	memset(&sArgs.framebuffer, 0xa5, sizeof(sArgs.framebuffer));
	efi_video_init(&sArgs);
	static const kernel_framebuffer kNone;
	struct platform_framebuffer console;
	if (memcmp(&sArgs.framebuffer, &kNone, sizeof(kNone)) != 0
		|| strstr(sLog, reason) == NULL || strstr(sLog, "the kernel gets no framebuffer") == NULL
		|| platform_get_framebuffer(&console) != B_NOT_SUPPORTED)
		unit_fail(__FILE__, line, "not refused for \"%s\": %s", reason, sLog);
}


TEST(a_bgrx_mode_is_handed_over_as_it_is)
{
	setup();
	const kernel_framebuffer *framebuffer = handed_over();
	CHECK_EQ(framebuffer->physical_address, 0x80000000);
	CHECK_EQ(framebuffer->address, KERNEL_PHYSICAL_MAP_BASE + 0x80000000);
	CHECK_EQ(framebuffer->size, 1024 * 768 * 4);
	CHECK_EQ(framebuffer->width, 1024);
	CHECK_EQ(framebuffer->height, 768);
	CHECK_EQ(framebuffer->bytes_per_line, 4096);
	CHECK_EQ(framebuffer->bits_per_pixel, 32);
	CHECK_EQ(framebuffer->red_mask, 0x00ff0000);
	CHECK_EQ(framebuffer->green_mask, 0x0000ff00);
	CHECK_EQ(framebuffer->blue_mask, 0x000000ff);
	CHECK_EQ(framebuffer->reserved_mask, 0xff000000);
	CHECK(strstr(sLog, "efi: graphics mode 1: 1024x768, 32 bpp BGRX, 4096 bytes per line, "
		"framebuffer 0x80000000 (3072 KiB)\n") != NULL);

	/* The loader's console draws at the physical address, boot services' map. */
	struct platform_framebuffer console;
	CHECK_EQ(platform_get_framebuffer(&console), B_OK);
	CHECK(console.base == (void *)(uintptr_t)0x80000000);
	CHECK_EQ(console.bytes_per_line, 4096);
	CHECK_EQ(console.red_mask, 0x00ff0000);
	CHECK_EQ(console.blue_mask, 0x000000ff);
}


TEST(an_rgbx_mode_has_red_in_the_low_byte)
{
	setup();
	sInfo.PixelFormat = PixelRedGreenBlueReserved8BitPerColor;
	const kernel_framebuffer *framebuffer = handed_over();
	CHECK_EQ(framebuffer->red_mask, 0x000000ff);
	CHECK_EQ(framebuffer->green_mask, 0x0000ff00);
	CHECK_EQ(framebuffer->blue_mask, 0x00ff0000);
	CHECK_EQ(framebuffer->reserved_mask, 0xff000000);
	CHECK(strstr(sLog, "32 bpp RGBX") != NULL);
}


TEST(bit_mask_modes_take_their_depth_from_the_masks)
{
	setup();
	sInfo.PixelFormat = PixelBitMask;
	sInfo.PixelInformation = (EFI_PIXEL_BITMASK){ 0xf800, 0x07e0, 0x001f, 0 };
	sMode.FrameBufferSize = 1024 * 768 * 2;
	const kernel_framebuffer *framebuffer = handed_over();
	CHECK_EQ(framebuffer->bits_per_pixel, 16);
	CHECK_EQ(framebuffer->bytes_per_line, 2048);
	CHECK_EQ(framebuffer->red_mask, 0xf800);
	CHECK_EQ(framebuffer->green_mask, 0x07e0);
	CHECK_EQ(framebuffer->blue_mask, 0x001f);
	CHECK_EQ(framebuffer->reserved_mask, 0);
	CHECK(strstr(sLog, "16 bpp bit mask") != NULL);

	/* Ten bits a channel, two unused at the top: still 32 bits a pixel. */
	setup();
	sInfo.PixelFormat = PixelBitMask;
	sInfo.PixelInformation = (EFI_PIXEL_BITMASK){ 0x3ff00000, 0x000ffc00, 0x000003ff, 0 };
	CHECK_EQ(handed_over()->bits_per_pixel, 32);
	/* 24 bits of colour, packed: three bytes a pixel. */
	setup();
	sInfo.PixelFormat = PixelBitMask;
	sInfo.PixelInformation = (EFI_PIXEL_BITMASK){ 0xff0000, 0x00ff00, 0x0000ff, 0 };
	CHECK_EQ(handed_over()->bits_per_pixel, 24);
	CHECK_EQ(sArgs.framebuffer.bytes_per_line, 3072);
}


TEST(masks_that_describe_no_format_are_refused)
{
	static const EFI_PIXEL_BITMASK kBad[] = {
		{ 0xff0000, 0x00ff00, 0, 0 },				/* no blue */
		{ 0, 0x00ff00, 0x0000ff, 0 },				/* no red */
		{ 0xff0000, 0x01ff00, 0x0000ff, 0 },		/* red and green share a bit */
		{ 0xff0000, 0x00ff00, 0x0001ff, 0 },		/* green and blue share a bit */
		{ 0xff0000, 0x00ff00, 0x0000ff, 0x800000 },	/* red in the reserved bits */
		{ 0xff0000, 0x00ff00, 0x0000ff, 0x000001 },	/* blue in the reserved bits */
	};
	for (size_t i = 0; i < sizeof(kBad) / sizeof(kBad[0]); i++) {
		setup();
		sInfo.PixelFormat = PixelBitMask;
		sInfo.PixelInformation = kBad[i];
		expect_refused("(1024x768, bit mask): its pixel format has no framebuffer", __LINE__);
	}
	setup();
	sInfo.PixelFormat = PixelBltOnly;
	expect_refused("(1024x768, Blt only): its pixel format has no framebuffer", __LINE__);
}


TEST(lines_longer_than_the_width_are_kept)
{
	setup();
	sInfo.PixelsPerScanLine = 1280;
	sMode.FrameBufferSize = 1280 * 768 * 4;
	const kernel_framebuffer *framebuffer = handed_over();
	CHECK_EQ(framebuffer->width, 1024);
	CHECK_EQ(framebuffer->bytes_per_line, 5120);
	setup();
	sInfo.PixelsPerScanLine = 1000;
	expect_refused("its framebuffer is smaller than the mode", __LINE__);
}


TEST(a_framebuffer_too_small_for_its_mode_is_refused)
{
	setup();
	sMode.FrameBufferSize = 1024 * 768 * 4 - 1;
	expect_refused("its framebuffer is smaller than the mode", __LINE__);
	/* Larger than the mode, and not in whole pages: the kernel maps whole pages. */
	setup();
	sMode.FrameBufferSize = 1024 * 768 * 4 + 1;
	CHECK_EQ(handed_over()->size, 1024 * 768 * 4 + KERNEL_PAGE_SIZE);
	setup();
	sMode.FrameBufferBase = 0;
	expect_refused("(1024x768, BGRX): it reports no framebuffer", __LINE__);
	setup();
	sInfo.VerticalResolution = 0;
	expect_refused("it reports no framebuffer", __LINE__);
}


TEST(the_gop_of_the_consoles_screen_comes_first)
{
	setup();
	sConsoleHasGop = true;
	static EFI_GRAPHICS_OUTPUT_PROTOCOL_MODE sConsoleMode;
	sConsoleMode = sMode;
	sConsoleMode.FrameBufferBase = 0xc0000000;
	sOtherGop.Mode = &sConsoleMode;
	CHECK_EQ(handed_over()->physical_address, 0xc0000000);
	setup();
	sFakeSystemTable.ConsoleOutHandle = NULL;
	CHECK_EQ(handed_over()->physical_address, 0x80000000);
}


TEST(the_mode_list)
{
	setup();
	CHECK_EQ(platform_video_mode_count(), MODES);
	CHECK_EQ(platform_video_mode_current(), 1);
	uint32_t width, height;
	CHECK_EQ(platform_video_mode_info(MODES - 1, &width, &height), B_OK);
	CHECK_EQ(width, 1920);
	CHECK_EQ(height, 1080);
	CHECK_EQ(sPools, 0);
	CHECK_EQ(platform_video_mode_info(MODES, &width, &height), B_BAD_VALUE);
	CHECK_EQ(platform_video_mode_info(-1, &width, &height), B_BAD_VALUE);
	CHECK_EQ(platform_set_video_mode(MODES), B_BAD_VALUE);
	CHECK_EQ(platform_set_video_mode(0), B_OK);
	CHECK_EQ(platform_video_mode_current(), 0);
	CHECK_EQ(handed_over()->width, 640);
	/* Once boot services are gone, there is no mode to list or set. */
	gBootServicesActive = 0;
	CHECK_EQ(platform_video_mode_count(), 0);
	CHECK_EQ(platform_video_mode_current(), -1);
	CHECK_EQ(platform_set_video_mode(0), B_BAD_VALUE);
	struct platform_framebuffer console;
	CHECK_EQ(platform_get_framebuffer(&console), B_NOT_SUPPORTED);
}
