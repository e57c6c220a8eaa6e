/* SPDX-License-Identifier: MIT */
/*
 * What the boot menu asks of the machine: the firmware's memory map in
 * words, resets, and a reset into the firmware's setup (OsIndications).
 */
#include "efi_platform.h"

#include <stdio.h>

#include <boot/platform.h>

static EFI_GUID sGlobalVariable = EFI_GLOBAL_VARIABLE;


static const char *
efi_memory_type_name(UINT32 type)
{
	static const char *const kNames[] = {
		"reserved", "loader code", "loader data", "boot services code",
		"boot services data", "runtime services code", "runtime services data",
		"conventional", "unusable", "ACPI reclaimable", "ACPI NVS", "MMIO",
		"MMIO port space", "PAL code", "persistent", "unaccepted",
	};
	return type < sizeof(kNames) / sizeof(kNames[0]) ? kNames[type] : "unknown";
}


status_t
platform_describe_memory(void (*line)(void *cookie, const char *text), void *cookie)
{
	if (!gBootServicesActive)
		return B_ERROR;
	struct efi_memory_map map;
	status_t status = efi_get_memory_map(&map);
	if (status != B_OK)
		return status;

	FOR_EACH_DESCRIPTOR(descriptor, &map) {
		char text[128];
		snprintf(text, sizeof(text), "0x%012llx - 0x%012llx %10llu KiB  %s%s",
			(unsigned long long)descriptor->PhysicalStart,
			(unsigned long long)(descriptor->PhysicalStart
				+ descriptor->NumberOfPages * KERNEL_EFI_PAGE_SIZE),
			(unsigned long long)(descriptor->NumberOfPages * (KERNEL_EFI_PAGE_SIZE / 1024)),
			efi_memory_type_name(descriptor->Type),
			(descriptor->Attribute & EFI_MEMORY_RUNTIME) != 0 ? ", runtime" : "");
		line(cookie, text);
	}
	gBootServices->FreePool(map.descriptors);
	return B_OK;
}


void
platform_reboot(void)
{
	if (gBootServicesActive)
		gSystemTable->RuntimeServices->ResetSystem(EfiResetCold, EFI_SUCCESS, 0, NULL);
}


void
platform_power_off(void)
{
	if (gBootServicesActive)
		gSystemTable->RuntimeServices->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
}


/* A UINT64 firmware variable of the global namespace; false when it is not there. */
static bool
efi_get_indications(CHAR16 *name, UINT64 *_value)
{
	UINT64 value = 0;
	UINTN size = sizeof(value);
	if (gSystemTable->RuntimeServices->GetVariable(name, &sGlobalVariable, NULL, &size,
			&value) != EFI_SUCCESS || size != sizeof(value))
		return false;
	*_value = value;
	return true;
}


bool
platform_firmware_setup_supported(void)
{
	UINT64 supported;
	return gBootServicesActive && efi_get_indications(L"OsIndicationsSupported", &supported)
		&& (supported & EFI_OS_INDICATIONS_BOOT_TO_FW_UI) != 0;
}


status_t
platform_reboot_to_firmware_setup(void)
{
	if (!platform_firmware_setup_supported())
		return B_NOT_SUPPORTED;
	/* Other requests (capsules) may be pending: add ours to them. */
	UINT64 indications = 0;
	efi_get_indications(L"OsIndications", &indications);
	indications |= EFI_OS_INDICATIONS_BOOT_TO_FW_UI;
	if (gSystemTable->RuntimeServices->SetVariable(L"OsIndications", &sGlobalVariable,
			EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS
				| EFI_VARIABLE_RUNTIME_ACCESS, sizeof(indications), &indications)
			!= EFI_SUCCESS)
		return B_ERROR;
	gSystemTable->RuntimeServices->ResetSystem(EfiResetCold, EFI_SUCCESS, 0, NULL);
	return B_ERROR;
}
