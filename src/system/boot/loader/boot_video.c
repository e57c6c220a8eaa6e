/* SPDX-License-Identifier: MIT */
/*
 * The graphics mode the kernel starts in: the menu's choice, else the
 * configuration's "video" setting, never with fail-safe video.
 */
#include <boot/boot.h>

#include <boot/config.h>
#include <boot/platform.h>
#include <boot/stdio.h>


static uint64_t
distance(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}


/* The largest mode, or the one closest in size; -1 when there are none. */
static int32_t
boot_video_find(const struct boot_config *config)
{
	int32_t best = -1;
	uint64_t bestScore = 0;
	int32_t count = platform_video_mode_count();
	for (int32_t i = 0; i < count; i++) {
		uint32_t width, height;
		if (platform_video_mode_info(i, &width, &height) != B_OK)
			continue;
		uint64_t score;
		if (config->video == CONFIG_VIDEO_MAX) {
			/* The largest area wins; the lower score is the better one. */
			score = UINT64_MAX - (uint64_t)width * height;
		} else {
			score = distance(width, config->video_width)
				+ distance(height, config->video_height);
		}
		if (best < 0 || score < bestScore) {
			best = i;
			bestScore = score;
		}
	}
	return best;
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

	uint32_t width = 0, height = 0;
	platform_video_mode_info(mode, &width, &height);
	status_t status = platform_set_video_mode(mode);
	if (status != B_OK) {
		boot_dprintf("boot: cannot switch to video mode %d (%ux%u): %s\n", mode, width,
			height, status_string(status));
	} else
		boot_dprintf("boot: video mode %d: %ux%u\n", mode, width, height);
}


bool
boot_video_text_only(const struct boot_config *config, uint32_t options, int32_t menuMode)
{
	return config->video == CONFIG_VIDEO_TEXT && menuMode < 0
		&& (options & BOOT_OPTION_FAILSAFE_VIDEO) == 0;
}
