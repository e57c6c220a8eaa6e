/* SPDX-License-Identifier: MIT */
/* The firmware's Secure Boot, as --secure-boot sets it: off unless told. */
#include "host_platform.h"

#include <boot/platform.h>


enum platform_secure_boot
platform_secure_boot_state(void)
{
	return gHostOptions.secure_boot;
}
