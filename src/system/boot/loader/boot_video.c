/* SPDX-License-Identifier: MIT */
/*
 * The graphics modes: the one the menu is drawn in (the configuration's
 * "resolution"), and the one the kernel starts in (the menu's choice, else
 * the configuration's "video" setting, never with fail-safe video).
 */
#include <boot/boot.h>

#include <stdio.h>

#include <boot/config.h>
#include <boot/console.h>
#include <boot/fb_console.h>
#include <boot/splash.h>
#include <boot/platform.h>
#include <boot/stdio.h>


static uint64_t
distance(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}


/* The largest mode, or the one closest in size; -1 when there are none. */
static int32_t
boot_video_find_mode(bool largest, uint32_t wantedWidth, uint32_t wantedHeight)
{
	int32_t best = -1;
	uint64_t bestScore = 0;
	int32_t count = platform_video_mode_count();
	for (int32_t i = 0; i < count; i++) {
		uint32_t width, height;
		if (platform_video_mode_info(i, &width, &height) != B_OK)
			continue;
		uint64_t score;
		if (largest) {
			/* The largest area wins; the lower score is the better one. */
			score = UINT64_MAX - (uint64_t)width * height;
		} else
			score = distance(width, wantedWidth) + distance(height, wantedHeight);
		if (best < 0 || score < bestScore) {
			best = i;
			bestScore = score;
		}
	}
	return best;
}


static int32_t
boot_video_find(const struct boot_config *config)
{
	return boot_video_find_mode(config->video == CONFIG_VIDEO_MAX, config->video_width,
		config->video_height);
}


/* Switch to mode, said in the log as which ("menu video mode", "video mode"). */
static void
boot_video_switch(int32_t mode, const char *which)
{
	uint32_t width = 0, height = 0;
	platform_video_mode_info(mode, &width, &height);
	status_t status = platform_set_video_mode(mode);
	if (status != B_OK) {
		boot_printf("boot: cannot switch to %s %d (%ux%u): %s\n", which, mode, width,
			height, status_string(status));
	} else
		boot_dprintf("boot: %s %d: %ux%u\n", which, mode, width, height);
}


/* The framebuffer console on the current mode, when the port has a framebuffer. */
static void
boot_video_attach_console(void)
{
	struct platform_framebuffer framebuffer;
	status_t status = platform_get_framebuffer(&framebuffer);
	if (status == B_OK)
		status = boot_console_use_framebuffer(&framebuffer);
	if (status != B_OK) {
		boot_dprintf("boot: no framebuffer console (%s): the text console stays\n",
			status_string(status));
	}
}


/* The mode the menu is drawn in: "resolution", else the kernel's when "video" names one. */
static int32_t
boot_video_menu_mode(const struct boot_config *config, char *note, size_t noteSize)
{
	note[0] = '\0';
	if (config->resolution_width == 0) {
		if (config->video == CONFIG_VIDEO_MAX || config->video == CONFIG_VIDEO_MODE)
			return boot_video_find(config);
		return -1;
	}
	int32_t mode = boot_video_find_mode(false, config->resolution_width,
		config->resolution_height);
	uint32_t width = 0, height = 0;
	if (mode >= 0 && platform_video_mode_info(mode, &width, &height) == B_OK
		&& (width != config->resolution_width || height != config->resolution_height)) {
		snprintf(note, noteSize, "boot: no video mode is %ux%u: using %ux%u, the nearest\n",
			config->resolution_width, config->resolution_height, width, height);
	}
	return mode;
}


void
boot_video_start_console(const struct boot_config *config)
{
	if (config->console == CONFIG_CONSOLE_TEXT) {
		boot_dprintf("boot: console = text: the firmware's text console\n");
		return;
	}
	if (platform_video_mode_count() <= 0)
		return;
	char note[128];
	int32_t mode = boot_video_menu_mode(config, note, sizeof(note));
	if (mode >= 0 && mode != platform_video_mode_current())
		boot_video_switch(mode, "menu video mode");
	boot_video_attach_console();
	/* After the console started: it clears the screen. */
	if (note[0] != '\0')
		boot_printf("%s", note);
}


void
boot_video_select(const struct boot_config *config, uint32_t options, int32_t menuMode)
{
	if ((options & BOOT_OPTION_FAILSAFE_VIDEO) != 0)
		return;
	int32_t mode = menuMode;
	if (mode < 0) {
		if (config->video != CONFIG_VIDEO_MAX && config->video != CONFIG_VIDEO_MODE)
			return;
		mode = boot_video_find(config);
		if (mode < 0) {
			boot_dprintf("boot: no graphics mode to choose from, keeping the video mode\n");
			return;
		}
	}
	if (mode == platform_video_mode_current())
		return;

	/* The framebuffer changes under the console: it starts again on the new one. */
	bool framebufferConsole = fb_console_active();
	boot_console_leave_framebuffer();
	boot_video_switch(mode, "video mode");
	if (framebufferConsole) {
		boot_video_attach_console();
		splash_redraw();
	}
}


bool
boot_video_text_only(const struct boot_config *config, uint32_t options, int32_t menuMode)
{
	return config->video == CONFIG_VIDEO_TEXT && menuMode < 0
		&& (options & BOOT_OPTION_FAILSAFE_VIDEO) == 0;
}
