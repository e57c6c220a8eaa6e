/* SPDX-License-Identifier: MIT */
/*
 * What the boot menu asks of the machine, as a process has it: the
 * simulated firmware map, and exit statuses that stand for rebooting and
 * powering off (the graphics modes are video.c's).
 */
#include "host_platform.h"

#include <stdio.h>
#include <stdlib.h>

#include <boot/platform.h>


status_t
platform_describe_memory(void (*line)(void *cookie, const char *text), void *cookie)
{
	uint32_t count;
	const struct memory_map_range *ranges = host_firmware_map(&count);
	for (uint32_t i = 0; i < count; i++) {
		char text[128];
		snprintf(text, sizeof(text), "0x%012llx - 0x%012llx %10llu KiB  %s",
			(unsigned long long)ranges[i].start,
			(unsigned long long)(ranges[i].start + ranges[i].size),
			(unsigned long long)(ranges[i].size >> 10), host_memory_type_name(ranges[i].type));
		line(cookie, text);
	}
	return B_OK;
}


bool
platform_console_take_screen(bool taken)
{
	return true;
}


/* Tests read what would have happened on stdout, and the exit status. */
static void
host_leave(const char *what, int status)
{
	printf("\nhost: %s\n", what);
	host_console_restore();
	exit(status);
}


void
platform_reboot(void)
{
	host_leave("reboot requested", HOST_EXIT_REBOOT);
}


void
platform_power_off(void)
{
	host_leave("power off requested", HOST_EXIT_POWER_OFF);
}


bool
platform_firmware_setup_supported(void)
{
	return true;
}


status_t
platform_reboot_to_firmware_setup(void)
{
	host_leave("reboot into the firmware setup requested", HOST_EXIT_FIRMWARE_SETUP);
	return B_ERROR;
}
