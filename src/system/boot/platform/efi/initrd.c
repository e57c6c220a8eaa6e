/* SPDX-License-Identifier: MIT */
/*
 * The initrd as Linux's EFI stub (5.8 and later) asks for it: a handle with
 * a vendor media device path of the Linux initrd GUID and LoadFile2 on it,
 * which copies the bytes into a buffer the stub allocates.
 */
#include "efi_platform.h"

#include <string.h>

#define LOAD_FILE2_PROTOCOL_GUID \
	{ 0x4006c0c1, 0xfcb3, 0x403e, { 0x99, 0x6d, 0x4a, 0x6c, 0x87, 0x24, 0xe0, 0x6d } }
#define LINUX_INITRD_MEDIA_GUID \
	{ 0x5568e427, 0x68fc, 0x4f3d, { 0xac, 0x74, 0xca, 0x55, 0x52, 0x31, 0xcc, 0x68 } }

struct initrd_device_path {
	VENDOR_DEVICE_PATH	vendor;
	EFI_DEVICE_PATH		end;
} __attribute__((packed));

static EFI_GUID sLoadFile2Guid = LOAD_FILE2_PROTOCOL_GUID;
static EFI_GUID sDevicePathGuid = DEVICE_PATH_PROTOCOL;

static const struct initrd_device_path kInitrdPath = {
	.vendor = {
		.Header = { MEDIA_DEVICE_PATH, MEDIA_VENDOR_DP,
			{ sizeof(VENDOR_DEVICE_PATH), 0 } },
		.Guid = LINUX_INITRD_MEDIA_GUID,
	},
	.end = { END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE,
		{ sizeof(EFI_DEVICE_PATH), 0 } },
};

static EFI_HANDLE sHandle;
static const void *sData;
static size_t sSize;


static EFI_STATUS EFIAPI
initrd_load_file(EFI_LOAD_FILE_PROTOCOL *this, EFI_DEVICE_PATH *filePath,
	BOOLEAN bootPolicy, UINTN *bufferSize, VOID *buffer)
{
	/* LoadFile2 has no boot policy; the device path names no file beyond itself. */
	if (bootPolicy)
		return EFI_UNSUPPORTED;
	if (bufferSize == NULL || filePath == NULL || !IsDevicePathEnd(filePath))
		return EFI_INVALID_PARAMETER;
	if (buffer == NULL || *bufferSize < sSize) {
		*bufferSize = sSize;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(buffer, sData, sSize);
	*bufferSize = sSize;
	return EFI_SUCCESS;
}


static EFI_LOAD_FILE_PROTOCOL sLoadFile2 = { .LoadFile = initrd_load_file };


status_t
efi_initrd_install(const void *data, size_t size)
{
	sData = data;
	sSize = size;
	sHandle = NULL;
	EFI_STATUS status = gBootServices->InstallMultipleProtocolInterfaces(&sHandle,
		&sDevicePathGuid, (void *)&kInitrdPath, &sLoadFile2Guid, &sLoadFile2, NULL);
	/* EFI_ALREADY_STARTED: another loader before us left one; Linux would take it. */
	if (status != EFI_SUCCESS) {
		sHandle = NULL;
		return status == EFI_ALREADY_STARTED ? B_NOT_ALLOWED : B_ERROR;
	}
	return B_OK;
}


void
efi_initrd_uninstall(void)
{
	if (sHandle == NULL)
		return;
	gBootServices->UninstallMultipleProtocolInterfaces(sHandle, &sDevicePathGuid,
		(void *)&kInitrdPath, &sLoadFile2Guid, &sLoadFile2, NULL);
	sHandle = NULL;
}
