/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the choice of graphics modes (src/system/boot/loader/
 * boot_video.c): the menu's ("resolution", else the kernel's named mode),
 * the kernel's ("video": the largest, the nearest to a size, the firmware's,
 * text, or the menu's choice; never under fail-safe video), and the
 * framebuffer console started again on a new mode. The hosted port has no
 * graphics, so the machine here is a fake one whose modes each test sets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <boot/boot.h>
#include <boot/config.h>
#include <boot/console.h>
#include <boot/fb_console.h>
#include <boot/platform.h>
#include <boot/splash.h>
#include <boot/stdio.h>

#include "../support/boot_log.h"
#include "unit_test.h"

#define MAX_MODES	8

struct mode {
	uint32_t	width;
	uint32_t	height;
};

static struct mode sModes[MAX_MODES];
static int32_t sModeCount;
static int32_t sCurrent;
static int32_t sSwitches;			/* platform_set_video_mode calls */
static status_t sSwitchStatus;
static bool sConsoleActive;			/* the framebuffer console has the screen */
static int32_t sConsoleStarts;
static int32_t sConsoleMode;		/* the mode the console last started on */
static int32_t sRedraws;


/* --- the fake machine and the loader around boot_video.c ---------------------- */

int32_t
platform_video_mode_count(void)
{
	return sModeCount;
}


int32_t
platform_video_mode_current(void)
{
	return sCurrent;
}


status_t
platform_video_mode_info(int32_t index, uint32_t *_width, uint32_t *_height)
{
	if (index < 0 || index >= sModeCount)
		return B_BAD_VALUE;
	*_width = sModes[index].width;
	*_height = sModes[index].height;
	return B_OK;
}


status_t
platform_set_video_mode(int32_t index)
{
	sSwitches++;
	if (sSwitchStatus != B_OK)
		return sSwitchStatus;
	sCurrent = index;
	return B_OK;
}


status_t
platform_get_framebuffer(struct platform_framebuffer *framebuffer)
{
	memset(framebuffer, 0, sizeof(*framebuffer));
	framebuffer->width = sModes[sCurrent].width;
	framebuffer->height = sModes[sCurrent].height;
	return B_OK;
}


status_t
boot_console_use_framebuffer(const struct platform_framebuffer *framebuffer)
{
	sConsoleActive = true;
	sConsoleStarts++;
	sConsoleMode = sCurrent;
	boot_printf("[console %ux%u]", framebuffer->width, framebuffer->height);
	return B_OK;
}


void
boot_console_leave_framebuffer(void)
{
	sConsoleActive = false;
}


bool
fb_console_active(void)
{
	return sConsoleActive;
}


void
splash_redraw(void)
{
	sRedraws++;
}


/* A machine with the modes given as width, height pairs, in the first of them. */
static void
machine(int32_t count, ...)
{
	va_list args;
	va_start(args, count);
	for (int32_t i = 0; i < count; i++) {
		sModes[i].width = va_arg(args, uint32_t);
		sModes[i].height = va_arg(args, uint32_t);
	}
	va_end(args);
	sModeCount = count;
	sCurrent = 0;
	sSwitches = 0;
	sSwitchStatus = B_OK;
	sConsoleActive = false;
	sConsoleStarts = 0;
	sConsoleMode = -1;
	sRedraws = 0;
	boot_log_clear();
}


static struct boot_config
video_config(enum config_video video, uint32_t width, uint32_t height)
{
	struct boot_config config;
	memset(&config, 0, sizeof(config));
	config.video = video;
	config.video_width = width;
	config.video_height = height;
	return config;
}


/* The mode the kernel is started in for config, with the menu's choice menuMode. */
static int32_t
kernel_mode(const struct boot_config *config, uint32_t options, int32_t menuMode)
{
	boot_video_select(config, options, menuMode);
	return sCurrent;
}


/* --- the kernel's mode ------------------------------------------------------ */

TEST(video_max_is_the_largest_area_not_the_widest)
{
	struct boot_config config = video_config(CONFIG_VIDEO_MAX, 0, 0);
	machine(4, 800, 600, 2560, 400, 1920, 1080, 1280, 1024);
	CHECK_EQ(kernel_mode(&config, 0, -1), 2);
	CHECK(strstr(sLog, "boot: video mode 2: 1920x1080") != NULL);
}


TEST(video_size_is_the_nearest_mode_the_first_of_equals)
{
	struct boot_config config = video_config(CONFIG_VIDEO_MODE, 1280, 720);
	/* 1280x800 is 80 away; 1920x1080 is 1000; a mode of the right width alone is not it. */
	machine(4, 800, 600, 1280, 2000, 1280, 800, 1920, 1080);
	CHECK_EQ(kernel_mode(&config, 0, -1), 2);
	/* Two modes as near: the firmware's order decides. */
	machine(3, 640, 480, 1280, 700, 1280, 740);
	CHECK_EQ(kernel_mode(&config, 0, -1), 1);
	machine(3, 640, 480, 1300, 720, 1260, 720);
	CHECK_EQ(kernel_mode(&config, 0, -1), 1);
}


TEST(video_keep_and_text_leave_the_firmwares_mode)
{
	struct boot_config config = video_config(CONFIG_VIDEO_KEEP, 0, 0);
	machine(2, 1024, 768, 800, 600);
	CHECK_EQ(kernel_mode(&config, 0, -1), 0);
	config.video = CONFIG_VIDEO_TEXT;
	CHECK_EQ(kernel_mode(&config, 0, -1), 0);
	CHECK_EQ(sSwitches, 0);
}


TEST(video_the_menus_choice_wins_but_not_over_failsafe_video)
{
	struct boot_config config = video_config(CONFIG_VIDEO_MAX, 0, 0);
	machine(3, 800, 600, 1024, 768, 1920, 1080);
	CHECK_EQ(kernel_mode(&config, 0, 1), 1);
	machine(3, 800, 600, 1024, 768, 1920, 1080);
	CHECK_EQ(kernel_mode(&config, BOOT_OPTION_FAILSAFE_VIDEO, 1), 0);
	CHECK_EQ(kernel_mode(&config, BOOT_OPTION_FAILSAFE_VIDEO, -1), 0);
	CHECK_EQ(sSwitches, 0);
}


TEST(video_the_current_mode_is_not_set_again)
{
	struct boot_config config = video_config(CONFIG_VIDEO_MAX, 0, 0);
	machine(2, 800, 600, 640, 480);
	CHECK_EQ(kernel_mode(&config, 0, -1), 0);
	CHECK_EQ(sSwitches, 0);
}


TEST(video_without_modes_nothing_is_switched)
{
	struct boot_config config = video_config(CONFIG_VIDEO_MAX, 0, 0);
	machine(0);
	sCurrent = -1;
	CHECK_EQ(kernel_mode(&config, 0, -1), -1);
	CHECK_EQ(sSwitches, 0);
	CHECK(strstr(sLog, "no graphics mode to choose from") != NULL);
}


TEST(video_a_refused_switch_is_said)
{
	struct boot_config config = video_config(CONFIG_VIDEO_MODE, 1024, 768);
	machine(2, 800, 600, 1024, 768);
	sSwitchStatus = B_ERROR;
	CHECK_EQ(kernel_mode(&config, 0, -1), 0);
	CHECK(strstr(sLog, "boot: cannot switch to video mode 1 (1024x768)") != NULL);
}


TEST(video_the_framebuffer_console_follows_the_switch)
{
	struct boot_config config = video_config(CONFIG_VIDEO_MAX, 0, 0);
	machine(2, 800, 600, 1024, 768);
	sConsoleActive = true;
	CHECK_EQ(kernel_mode(&config, 0, -1), 1);
	CHECK(sConsoleActive);
	CHECK_EQ(sConsoleStarts, 1);
	CHECK_EQ(sConsoleMode, 1);
	CHECK_EQ(sRedraws, 1);
	/* A text console stays one. */
	machine(2, 800, 600, 1024, 768);
	CHECK_EQ(kernel_mode(&config, 0, -1), 1);
	CHECK(!sConsoleActive);
	CHECK_EQ(sConsoleStarts, 0);
	CHECK_EQ(sRedraws, 0);
}


TEST(video_text_only_unless_the_menu_chose_a_mode_or_video_is_failsafe)
{
	struct boot_config config = video_config(CONFIG_VIDEO_TEXT, 0, 0);
	CHECK(boot_video_text_only(&config, 0, -1));
	CHECK(!boot_video_text_only(&config, 0, 2));
	CHECK(!boot_video_text_only(&config, BOOT_OPTION_FAILSAFE_VIDEO, -1));
	config.video = CONFIG_VIDEO_KEEP;
	CHECK(!boot_video_text_only(&config, 0, -1));
}


/* --- the menu's mode -------------------------------------------------------- */

TEST(video_the_menu_is_drawn_at_its_resolution)
{
	struct boot_config config = video_config(CONFIG_VIDEO_KEEP, 0, 0);
	config.resolution_width = 1024;
	config.resolution_height = 768;
	machine(3, 800, 600, 1024, 768, 1280, 1024);
	boot_video_start_console(&config);
	CHECK_EQ(sCurrent, 1);
	CHECK_EQ(sConsoleMode, 1);
	CHECK(strstr(sLog, "boot: menu video mode 1: 1024x768") != NULL);
	CHECK(strstr(sLog, "nearest") == NULL);
}


TEST(video_a_resolution_no_mode_has_takes_the_nearest_and_says_so_on_screen)
{
	struct boot_config config = video_config(CONFIG_VIDEO_KEEP, 0, 0);
	config.resolution_width = 1024;
	config.resolution_height = 700;
	/* The width matches, the height does not. */
	machine(3, 800, 600, 1024, 768, 1280, 1024);
	boot_video_start_console(&config);
	CHECK_EQ(sCurrent, 1);
	/* On the framebuffer console, which clears the screen as it starts. */
	const char *console = strstr(sLog, "[console 1024x768]");
	const char *note = strstr(sLog,
		"boot: no video mode is 1024x700: using 1024x768, the nearest\n");
	CHECK(console != NULL && note != NULL && console < note);
}


TEST(video_without_a_resolution_the_menu_takes_the_kernels_mode)
{
	struct boot_config config = video_config(CONFIG_VIDEO_MODE, 1280, 1024);
	machine(3, 800, 600, 1024, 768, 1280, 1024);
	boot_video_start_console(&config);
	CHECK_EQ(sCurrent, 2);
	config.video = CONFIG_VIDEO_MAX;
	machine(3, 800, 600, 1920, 1080, 1280, 1024);
	boot_video_start_console(&config);
	CHECK_EQ(sCurrent, 1);
	/* Else the firmware's, with the console on it. */
	config.video = CONFIG_VIDEO_KEEP;
	machine(2, 800, 600, 1024, 768);
	boot_video_start_console(&config);
	CHECK_EQ(sCurrent, 0);
	CHECK_EQ(sSwitches, 0);
	CHECK_EQ(sConsoleStarts, 1);
}


TEST(video_console_text_keeps_the_firmwares_text_output)
{
	struct boot_config config = video_config(CONFIG_VIDEO_MAX, 0, 0);
	config.console = CONFIG_CONSOLE_TEXT;
	config.resolution_width = 1024;
	config.resolution_height = 768;
	machine(2, 800, 600, 1024, 768);
	boot_video_start_console(&config);
	CHECK_EQ(sSwitches, 0);
	CHECK_EQ(sConsoleStarts, 0);
}
