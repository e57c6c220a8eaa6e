/* SPDX-License-Identifier: MIT */
/*
 * Renaming a file through the firmware's own file system driver, the one
 * write the loader makes (boot counting): found on the partition by the
 * device path the firmware gave it, so that the firmware's FAT code, not
 * the loader's read-only one, changes the volume.
 */
#include "efi_platform.h"

#include <stdio.h>
#include <string.h>

#include <boot/block_device.h>
#include <boot/heap.h>
#include <boot/platform.h>

static EFI_GUID sFileSystemGuid = SIMPLE_FILE_SYSTEM_PROTOCOL;
static EFI_GUID sBlockIoGuid = BLOCK_IO_PROTOCOL;
static EFI_GUID sFileInfoGuid = EFI_FILE_INFO_ID;


/* The handle that has protocol at exactly path; NULL when none has. */
static EFI_HANDLE
files_handle_at(EFI_DEVICE_PATH *path, EFI_GUID *protocol)
{
	EFI_DEVICE_PATH *rest = path;
	EFI_HANDLE handle;
	if (gBootServices->LocateDevicePath(protocol, &rest, &handle) != EFI_SUCCESS
			|| !IsDevicePathEnd(rest))
		return NULL;
	return handle;
}


/* The volume's file system; a partition no driver claimed yet is connected first. */
static EFI_FILE_IO_INTERFACE *
files_file_system(const struct block_device *disk, uint64_t offset)
{
	EFI_DEVICE_PATH *path = efi_volume_device_path(disk, offset);
	if (path == NULL)
		return NULL;
	EFI_HANDLE handle = files_handle_at(path, &sFileSystemGuid);
	if (handle == NULL) {
		EFI_HANDLE device = files_handle_at(path, &sBlockIoGuid);
		if (device != NULL)
			gBootServices->ConnectController(device, NULL, NULL, TRUE);
		handle = files_handle_at(path, &sFileSystemGuid);
	}
	EFI_FILE_IO_INTERFACE *fileSystem;
	if (handle == NULL || gBootServices->HandleProtocol(handle, &sFileSystemGuid,
			(void **)&fileSystem) != EFI_SUCCESS)
		return NULL;
	return fileSystem;
}


static status_t
files_status(EFI_STATUS status)
{
	switch (status) {
		case EFI_NOT_FOUND:
			return B_ENTRY_NOT_FOUND;
		case EFI_WRITE_PROTECTED:
		case EFI_ACCESS_DENIED:
			return B_NOT_ALLOWED;
		case EFI_OUT_OF_RESOURCES:
			return B_NO_MEMORY;
		default:
			return B_IO_ERROR;
	}
}


/* text (UTF-8) in the firmware's form, '/' as '\'; NULL when out of memory. */
static CHAR16 *
files_ucs2(const char *text, size_t *_bytes)
{
	CHAR16 *units = efi_ucs2_from_utf8(text, strlen(text) + 1, _bytes);
	for (size_t i = 0; units != NULL && units[i] != 0; i++) {
		if (units[i] == u'/')
			units[i] = u'\\';
	}
	return units;
}


/* The file's information as it is, but for its name; heap_free it. */
static EFI_STATUS
files_renamed_info(EFI_FILE_HANDLE file, const char *name, EFI_FILE_INFO **_info)
{
	size_t nameBytes;
	CHAR16 *newName = files_ucs2(name, &nameBytes);
	UINTN size = 0;
	EFI_STATUS status = newName == NULL ? EFI_OUT_OF_RESOURCES
		: file->GetInfo(file, &sFileInfoGuid, &size, NULL);
	if (status != EFI_BUFFER_TOO_SMALL) {
		heap_free(newName);
		return status == EFI_SUCCESS ? EFI_DEVICE_ERROR : status;
	}
	size_t renamedSize = SIZE_OF_EFI_FILE_INFO + nameBytes;
	EFI_FILE_INFO *info = heap_alloc(size > renamedSize ? size : renamedSize);
	status = info == NULL ? EFI_OUT_OF_RESOURCES
		: file->GetInfo(file, &sFileInfoGuid, &size, info);
	if (status == EFI_SUCCESS) {
		memcpy(info->FileName, newName, nameBytes);
		info->Size = renamedSize;
		*_info = info;
	} else
		heap_free(info);
	heap_free(newName);
	return status;
}


/* Rename the file at path under root; *_step says what failed. */
static EFI_STATUS
files_rename(EFI_FILE_HANDLE root, const char *path, const char *name, const char **_step)
{
	size_t bytes;
	CHAR16 *efiPath = files_ucs2(path, &bytes);
	EFI_FILE_HANDLE file;
	*_step = "open the file";
	EFI_STATUS status = efiPath == NULL ? EFI_OUT_OF_RESOURCES : root->Open(root, &file,
		efiPath, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0);
	heap_free(efiPath);
	if (status != EFI_SUCCESS)
		return status;
	EFI_FILE_INFO *info = NULL;
	*_step = "read what it knows of the file";
	status = files_renamed_info(file, name, &info);
	if (status == EFI_SUCCESS) {
		*_step = "rename the file";
		status = file->SetInfo(file, &sFileInfoGuid, info->Size, info);
	}
	if (status == EFI_SUCCESS) {
		*_step = "write the directory";
		status = file->Flush(file);
	}
	heap_free(info);
	file->Close(file);
	return status;
}


status_t
platform_rename_file(const struct block_device *disk, uint64_t offset, const char *path,
	const char *name, char *reason, size_t reasonSize)
{
	EFI_FILE_IO_INTERFACE *fileSystem = files_file_system(disk, offset);
	if (fileSystem == NULL) {
		snprintf(reason, reasonSize, "the firmware has no file system on %s at byte %llu",
			disk->name, (unsigned long long)offset);
		return B_NOT_SUPPORTED;
	}
	const char *step = "open the volume";
	EFI_FILE_HANDLE root;
	EFI_STATUS status = fileSystem->OpenVolume(fileSystem, &root);
	if (status == EFI_SUCCESS) {
		status = files_rename(root, path, name, &step);
		root->Close(root);
	}
	if (status != EFI_SUCCESS) {
		snprintf(reason, reasonSize, "the firmware cannot %s: %s", step,
			efi_status_name(status));
		return files_status(status);
	}
	return B_OK;
}
