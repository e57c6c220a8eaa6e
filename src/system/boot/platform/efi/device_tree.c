/* SPDX-License-Identifier: MIT */
/*
 * An entry's device tree in place of the firmware's while its image runs:
 * the configuration table Linux's EFI stub reads the tree from points at a
 * copy in ACPI reclaim memory, which the operating system keeps until it
 * has read its tables, as for the firmware's own. Firmware with the device
 * tree fix-up protocol (U-Boot's) first adds to the copy what only it
 * knows: the memory it reserved, how the other CPUs are started, its
 * /chosen properties. If the image comes back, the firmware's table (or
 * none) is put back and the copy freed.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/stdio.h>

#define kFixupGuid \
	{ 0xe617d64c, 0xfe08, 0x46da, { 0xf4, 0xdc, 0xbb, 0xd5, 0x87, 0x0c, 0x73, 0x00 } }
#define kFixupApply				0x1
#define kFixupReserveMemory		0x2

struct fixup_protocol {
	UINT64		revision;
	EFI_STATUS	(EFIAPI *fixup)(struct fixup_protocol *self, void *tree, UINTN *size,
		UINT32 flags);
};

static EFI_GUID sDtbGuid = EFI_DTB_TABLE_GUID;
static EFI_GUID sFixupGuid = kFixupGuid;
static EFI_PHYSICAL_ADDRESS sCopy;
static UINTN sPages;
static void *sFirmwareTree;


/* data in new pages of at least bufferSize bytes, the rest zero. */
static status_t
device_tree_copy(const void *data, size_t size, UINTN bufferSize)
{
	UINTN pages = EFI_SIZE_TO_PAGES(bufferSize);
	EFI_PHYSICAL_ADDRESS copy;
	if (gBootServices->AllocatePages(AllocateAnyPages, EfiACPIReclaimMemory, pages, &copy)
			!= EFI_SUCCESS)
		return B_NO_MEMORY;
	memset((void *)(UINTN)copy, 0, pages * EFI_PAGE_SIZE);
	memcpy((void *)(UINTN)copy, data, size);
	sCopy = copy;
	sPages = pages;
	return B_OK;
}


static void
device_tree_free(void)
{
	gBootServices->FreePages(sCopy, sPages);
	sPages = 0;
}


/* The copy with the firmware's fix-ups, in larger pages if it asks for them. */
static status_t
device_tree_fix_up(const void *data, size_t size)
{
	struct fixup_protocol *fixup;
	if (gBootServices->LocateProtocol(&sFixupGuid, NULL, (void **)&fixup) != EFI_SUCCESS)
		return B_OK;
	UINTN bufferSize = sPages * EFI_PAGE_SIZE;
	UINT32 flags = kFixupApply | kFixupReserveMemory;
	EFI_STATUS status = fixup->fixup(fixup, (void *)(UINTN)sCopy, &bufferSize, flags);
	if (status == EFI_BUFFER_TOO_SMALL) {
		device_tree_free();
		if (device_tree_copy(data, size, bufferSize) != B_OK)
			return B_NO_MEMORY;
		status = fixup->fixup(fixup, (void *)(UINTN)sCopy, &bufferSize, flags);
	}
	if (status != EFI_SUCCESS) {
		device_tree_free();
		return B_BAD_DATA;
	}
	boot_dprintf("efi: device tree of %zu bytes fixed up by the firmware, %llu bytes of"
		" room\n", size, (unsigned long long)bufferSize);
	return B_OK;
}


status_t
efi_device_tree_install(const void *data, size_t size)
{
	status_t status = device_tree_copy(data, size, size);
	if (status == B_OK)
		status = device_tree_fix_up(data, size);
	if (status != B_OK)
		return status;
	sFirmwareTree = efi_find_configuration_table(&sDtbGuid);
	if (gBootServices->InstallConfigurationTable(&sDtbGuid, (void *)(UINTN)sCopy)
			!= EFI_SUCCESS) {
		device_tree_free();
		return B_ERROR;
	}
	return B_OK;
}


void
efi_device_tree_uninstall(void)
{
	if (sPages == 0)
		return;
	/* NULL takes the table out: a firmware without a tree gets none back. */
	gBootServices->InstallConfigurationTable(&sDtbGuid, sFirmwareTree);
	device_tree_free();
}
