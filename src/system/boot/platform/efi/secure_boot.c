/* SPDX-License-Identifier: MIT */
/*
 * Secure Boot's state, as the specification's global variables give it
 * (UEFI 2.10, 3.3 and 32.3): SecureBoot is 1 when the firmware enforces
 * signatures, SetupMode 1 while no platform key is enrolled.
 */
#include <boot/platform.h>

#include "efi_platform.h"

static EFI_GUID sGlobalVariable = EFI_GLOBAL_VARIABLE;


/* A one-byte global variable; -1 when it is not there or not one byte. */
static int
secure_boot_flag(CHAR16 *name)
{
	UINT8 value;
	UINTN size = sizeof(value);
	if (gSystemTable->RuntimeServices->GetVariable(name, &sGlobalVariable, NULL, &size,
			&value) != EFI_SUCCESS || size != sizeof(value))
		return -1;
	return value;
}


enum platform_secure_boot
platform_secure_boot_state(void)
{
	if (secure_boot_flag(L"SetupMode") == 1)
		return PLATFORM_SECURE_BOOT_SETUP;
	/* Firmware without Secure Boot has neither variable: off. */
	return secure_boot_flag(L"SecureBoot") == 1 ? PLATFORM_SECURE_BOOT_ENFORCING
		: PLATFORM_SECURE_BOOT_OFF;
}
