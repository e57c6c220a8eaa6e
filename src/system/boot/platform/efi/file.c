/*
 * Reading files from the volume the loader was started from, through the
 * firmware's file protocol. The generic devices and file systems replace it.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stdio.h>

#define MAX_PATH_LENGTH		256

static EFI_GUID sLoadedImageGuid = LOADED_IMAGE_PROTOCOL;
static EFI_GUID sFileSystemGuid = SIMPLE_FILE_SYSTEM_PROTOCOL;
static EFI_GUID sFileInfoGuid = EFI_FILE_INFO_ID;


static status_t
efi_open_boot_volume(EFI_FILE_HANDLE *_root)
{
	EFI_LOADED_IMAGE *image;
	if (gBootServices->HandleProtocol(gImageHandle, &sLoadedImageGuid,
			(void **)&image) != EFI_SUCCESS)
		return B_ENTRY_NOT_FOUND;

	EFI_FILE_IO_INTERFACE *fileSystem;
	if (gBootServices->HandleProtocol(image->DeviceHandle, &sFileSystemGuid,
			(void **)&fileSystem) != EFI_SUCCESS)
		return B_ENTRY_NOT_FOUND;

	if (fileSystem->OpenVolume(fileSystem, _root) != EFI_SUCCESS)
		return B_IO_ERROR;
	return B_OK;
}


/* "/boot/kernel" becomes L"\\boot\\kernel"; only ASCII paths are accepted. */
static status_t
efi_path_from(const char *path, CHAR16 *buffer, size_t capacity)
{
	size_t length = strlen(path);
	if (length + 1 > capacity)
		return B_NAME_TOO_LONG;
	for (size_t i = 0; i <= length; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c >= 0x80)
			return B_BAD_VALUE;
		buffer[i] = c == '/' ? L'\\' : c;
	}
	return B_OK;
}


static status_t
efi_file_size(EFI_FILE_HANDLE file, uint64_t *_size)
{
	/* EFI_FILE_INFO ends in the file name; leave room for a long one. */
	union {
		EFI_FILE_INFO info;
		uint8_t bytes[sizeof(EFI_FILE_INFO) + MAX_PATH_LENGTH * sizeof(CHAR16)];
	} buffer;
	UINTN size = sizeof(buffer);
	if (file->GetInfo(file, &sFileInfoGuid, &size, &buffer) != EFI_SUCCESS)
		return B_IO_ERROR;
	if (buffer.info.Attribute & EFI_FILE_DIRECTORY)
		return B_BAD_VALUE;
	*_size = buffer.info.FileSize;
	return B_OK;
}


static status_t
efi_read_all(EFI_FILE_HANDLE file, void **_data, size_t *_size)
{
	uint64_t fileSize;
	status_t status = efi_file_size(file, &fileSize);
	if (status != B_OK)
		return status;
	if (fileSize > SIZE_MAX)
		return B_NO_MEMORY;

	uint8_t *data = heap_alloc((size_t)fileSize);
	if (data == NULL)
		return B_NO_MEMORY;

	/* Read may return less than asked; loop until the file is in. */
	size_t done = 0;
	while (done < fileSize) {
		UINTN chunk = (UINTN)(fileSize - done);
		if (file->Read(file, &chunk, data + done) != EFI_SUCCESS || chunk == 0) {
			heap_free(data);
			return B_IO_ERROR;
		}
		done += chunk;
	}

	*_data = data;
	*_size = done;
	return B_OK;
}


status_t
platform_load_file(const char *path, void **_data, size_t *_size)
{
	CHAR16 efiPath[MAX_PATH_LENGTH];
	status_t status = efi_path_from(path, efiPath, MAX_PATH_LENGTH);
	if (status != B_OK)
		return status;

	EFI_FILE_HANDLE root;
	status = efi_open_boot_volume(&root);
	if (status != B_OK)
		return status;

	EFI_FILE_HANDLE file;
	EFI_STATUS efiStatus = root->Open(root, &file, efiPath, EFI_FILE_MODE_READ, 0);
	if (efiStatus != EFI_SUCCESS) {
		root->Close(root);
		return efiStatus == EFI_NOT_FOUND ? B_ENTRY_NOT_FOUND : B_IO_ERROR;
	}

	status = efi_read_all(file, _data, _size);
	file->Close(file);
	root->Close(root);
	return status;
}
