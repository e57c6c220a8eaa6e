/* SPDX-License-Identifier: MIT */
/*
 * The Boot Loader Interface's variables: under systemd's vendor GUID, UCS-2
 * strings with a NUL, volatile when the loader describes this boot, so that
 * none outlives it.
 */
#include <boot/platform.h>

#include <stdio.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/unicode.h>

#include "efi_platform.h"

/* Longest variable name the interface uses, with room to spare. */
#define NAME_UNITS		40

static EFI_GUID sLoaderVendor = { 0x4a67b082, 0x0a4c, 0x41cf,
	{ 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f } };


/* The ASCII name as the firmware takes it; false when it does not fit. */
static bool
variable_name(const char *name, CHAR16 buffer[NAME_UNITS])
{
	size_t length = strlen(name);
	if (length >= NAME_UNITS)
		return false;
	for (size_t i = 0; i <= length; i++)
		buffer[i] = (CHAR16)(unsigned char)name[i];
	return true;
}


/* What describes this boot only: gone at the next. */
static const UINT32 kVolatile = EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS;


/* A size of 0 deletes, whatever the attributes were. */
static EFI_STATUS
variable_write(CHAR16 *name, UINT32 attributes, UINTN size, const void *data)
{
	return gSystemTable->RuntimeServices->SetVariable(name, &sLoaderVendor, attributes, size,
		(void *)data);
}


status_t
platform_get_loader_variable(const char *name, char *value, size_t size, bool consume)
{
	CHAR16 efiName[NAME_UNITS];
	if (!gBootServicesActive || !variable_name(name, efiName))
		return B_NOT_SUPPORTED;
	/* UTF-8 takes at most 3 bytes where UCS-2 takes 2, so this is enough */
	UINTN dataSize = 2 * size;
	uint8_t *data = heap_alloc(dataSize);
	if (data == NULL)
		return B_NO_MEMORY;
	EFI_STATUS efiStatus = gSystemTable->RuntimeServices->GetVariable(efiName, &sLoaderVendor,
		NULL, &dataSize, data);
	status_t status = B_OK;
	if (efiStatus == EFI_NOT_FOUND)
		status = B_ENTRY_NOT_FOUND;
	else if (efiStatus == EFI_BUFFER_TOO_SMALL)
		status = B_BUFFER_OVERFLOW;
	else if (efiStatus != EFI_SUCCESS)
		status = B_ERROR;
	else if (dataSize % 2 != 0)
		status = B_BAD_DATA;
	else if (unicode_utf16le_utf8_length(data, dataSize / 2) >= size)
		status = B_BUFFER_OVERFLOW;
	else
		unicode_utf16le_to_utf8(data, dataSize / 2, value, size);
	heap_free(data);
	if (consume && status != B_ENTRY_NOT_FOUND)
		variable_write(efiName, 0, 0, NULL);
	return status;
}


status_t
platform_set_loader_variable(const char *name, const void *value, size_t size,
	uint32_t flags)
{
	CHAR16 efiName[NAME_UNITS];
	if (!gBootServicesActive || !variable_name(name, efiName))
		return B_NOT_SUPPORTED;
	const void *data = value;
	void *converted = NULL;
	if ((flags & PLATFORM_VARIABLE_TEXT) != 0 && size > 0) {
		converted = efi_ucs2_from_utf8(value, size, &size);
		if (converted == NULL)
			return B_NO_MEMORY;
		data = converted;
	}
	UINT32 attributes = kVolatile;
	if ((flags & PLATFORM_VARIABLE_PERSISTENT) != 0)
		attributes |= EFI_VARIABLE_NON_VOLATILE;
	EFI_STATUS efiStatus = variable_write(efiName, attributes, size, data);
	heap_free(converted);
	/* deleting what is not there has the effect asked for */
	if (efiStatus == EFI_NOT_FOUND && size == 0)
		return B_OK;
	return efiStatus == EFI_SUCCESS ? B_OK : B_ERROR;
}


/* ASCII appended to a UCS-2 string being built, NUL-terminated, cut to fit. */
static void
append_ascii(CHAR16 *buffer, size_t capacity, size_t *_count, const char *ascii)
{
	size_t count = *_count;
	while (*ascii != '\0' && count + 1 < capacity)
		buffer[count++] = (CHAR16)*ascii++;
	buffer[count] = 0;
	*_count = count;
}


/*
 * The file path nodes of the loader's own device path, joined: what the
 * firmware started, "\EFI\BOOT\BOOTX64.EFI". U-Boot gives its pieces
 * without a leading separator, and some with '/': both as EDK2 has them.
 * Nothing after a network boot, whose path names no file.
 */
static void
publish_image_identifier(void)
{
	static EFI_GUID loadedImageGuid = LOADED_IMAGE_PROTOCOL;
	EFI_LOADED_IMAGE *image;
	if (gBootServices->HandleProtocol(gImageHandle, &loadedImageGuid, (void **)&image)
			!= EFI_SUCCESS || image->FilePath == NULL)
		return;
	CHAR16 value[256];
	size_t count = 0;
	for (EFI_DEVICE_PATH *node = image->FilePath; !IsDevicePathEnd(node);
			node = NextDevicePathNode(node)) {
		if (DevicePathType(node) != MEDIA_DEVICE_PATH
			|| DevicePathSubType(node) != MEDIA_FILEPATH_DP)
			continue;
		const CHAR16 *name = ((FILEPATH_DEVICE_PATH *)node)->PathName;
		size_t units = (DevicePathNodeLength(node) - SIZE_OF_FILEPATH_DEVICE_PATH) / 2;
		/* one path may come in pieces: "\EFI", "BOOT", "BOOTX64.EFI" */
		bool separated = units > 0 && (name[0] == u'\\' || name[0] == u'/');
		if (!separated && (count == 0 || value[count - 1] != u'\\')
				&& count + 1 < sizeof(value) / 2)
			value[count++] = u'\\';
		for (size_t i = 0; i < units && name[i] != 0 && count + 1 < sizeof(value) / 2; i++)
			value[count++] = name[i] == u'/' ? u'\\' : name[i];
	}
	if (count == 0)
		return;
	value[count] = 0;
	variable_write(L"LoaderImageIdentifier", kVolatile, 2 * (count + 1), value);
}


/* Before the heap exists: the strings are built in place. */
void
efi_publish_firmware_info(void)
{
	CHAR16 value[96];
	size_t count = 0;
	const CHAR16 *vendor = gSystemTable->FirmwareVendor;
	while (vendor != NULL && vendor[count] != 0 && count + 16 < sizeof(value) / 2) {
		value[count] = vendor[count];
		count++;
	}
	char number[24];
	UINT32 revision = gSystemTable->FirmwareRevision;
	snprintf(number, sizeof(number), " %u.%02u", revision >> 16, revision & 0xffff);
	append_ascii(value, sizeof(value) / 2, &count, number);
	variable_write(L"LoaderFirmwareInfo", kVolatile, 2 * (count + 1), value);

	UINT32 version = gSystemTable->Hdr.Revision;
	snprintf(number, sizeof(number), "UEFI %u.%02u", version >> 16, version & 0xffff);
	count = 0;
	append_ascii(value, sizeof(value) / 2, &count, number);
	variable_write(L"LoaderFirmwareType", kVolatile, 2 * (count + 1), value);
	publish_image_identifier();
}
