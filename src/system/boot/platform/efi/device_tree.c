/* SPDX-License-Identifier: MIT */
/*
 * An entry's device tree in place of the firmware's while its image runs:
 * the configuration table Linux's EFI stub reads the tree from points at a
 * copy in ACPI reclaim memory, which the operating system keeps until it
 * has read its tables, as for the firmware's own. Firmware with the device
 * tree fix-up protocol (U-Boot's) first adds to the tree what only it
 * knows: the memory it reserved, how the other CPUs are started, its
 * /chosen properties; the generic loader has it do the same to a kernel
 * entry's tree. If the image comes back, the firmware's table (or none) is
 * put back and the copy freed.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/fdt_header.h>
#include <boot/heap.h>
#include <boot/platform.h>
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


/* data in new pages, the rest of the last zero. */
static status_t
device_tree_copy(const void *data, size_t size)
{
	UINTN pages = EFI_SIZE_TO_PAGES(size);
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


status_t
platform_fix_up_device_tree(const void *tree, size_t size, void **_fixed,
	size_t *_fixedSize)
{
	struct fixup_protocol *fixup;
	if (gBootServices->LocateProtocol(&sFixupGuid, NULL, (void **)&fixup) != EFI_SUCCESS)
		return B_NOT_SUPPORTED;
	UINTN bufferSize = size;
	size_t allocated = 0;
	uint8_t *buffer = NULL;
	EFI_STATUS status = EFI_BUFFER_TOO_SMALL;
	/* U-Boot asks for room to grow the first time, and is given it the second. */
	for (int attempt = 0; attempt < 2 && status == EFI_BUFFER_TOO_SMALL; attempt++) {
		heap_free(buffer);
		buffer = NULL;
		/* Less room than the tree has is no answer: the firmware refuses. */
		if (bufferSize < size)
			break;
		buffer = heap_alloc(bufferSize);
		if (buffer == NULL)
			return B_NO_MEMORY;
		allocated = bufferSize;
		memcpy(buffer, tree, size);
		memset(buffer + size, 0, allocated - size);
		status = fixup->fixup(fixup, buffer, &bufferSize, kFixupApply | kFixupReserveMemory);
	}
	/*
	 * The tree is checked as any other, its size its header's, within the
	 * buffer it was given, whatever size the firmware says it has now.
	 */
	struct fdt_layout layout;
	if (status != EFI_SUCCESS || fdt_check_header(buffer, allocated, &layout) != NULL) {
		heap_free(buffer);
		return B_BAD_DATA;
	}
	boot_dprintf("efi: device tree of %zu bytes fixed up by the firmware: %u bytes\n",
		size, layout.size);
	*_fixed = buffer;
	*_fixedSize = layout.size;
	return B_OK;
}


status_t
efi_device_tree_install(const void *data, size_t size)
{
	void *fixed = NULL;
	status_t status = platform_fix_up_device_tree(data, size, &fixed, &size);
	if (status == B_OK || status == B_NOT_SUPPORTED)
		status = device_tree_copy(fixed != NULL ? fixed : data, size);
	heap_free(fixed);
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
