/* SPDX-License-Identifier: MIT */
/*
 * Starting another system's EFI executable (an application, a Linux
 * kernel's EFI stub) from the bytes the loader read: LoadImage with a device
 * path naming its file, so that it finds its own volume, its command line as
 * load options, and StartImage; and everything undone when it returns.
 */
#include "efi_platform.h"

#include <stdio.h>
#include <string.h>

#include <boot/arch_cpu.h>
#include <boot/heap.h>
#include <boot/pe.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/unicode.h>

/* How long a started image may keep boot services before the machine resets, as the boot manager gives it. */
#define WATCHDOG_SECONDS		300

static EFI_GUID sLoadedImageGuid = LOADED_IMAGE_PROTOCOL;


/* Refuse what LoadImage would refuse with a less helpful status. */
static status_t
image_check_header(const struct platform_image *image, char *reason, size_t reasonSize)
{
	const uint8_t *data = image->data;
	uint32_t offset = image->size >= PE_DOS_HEADER_SIZE ? pe_header_offset(data, image->size)
		: 0;
	uint16_t machine = offset != 0 ? pe_machine(data + offset) : 0;
	if (machine == 0) {
		snprintf(reason, reasonSize, "%s is not an EFI executable (no PE header)",
			image->path);
		return B_BAD_DATA;
	}
	if (machine != arch_cpu_pe_machine()) {
		snprintf(reason, reasonSize,
			"%s is an EFI executable for another architecture (PE machine %#x, not %#x)",
			image->path, machine, arch_cpu_pe_machine());
		return B_NOT_SUPPORTED;
	}
	return B_OK;
}


/* The volume's device path with a file node for volumePath; NULL if unknown. */
static EFI_DEVICE_PATH *
image_file_device_path(const struct platform_image *image)
{
	EFI_DEVICE_PATH *volume = image->disk != NULL
		? efi_volume_device_path(image->disk, image->partition_offset) : NULL;
	if (volume == NULL)
		return NULL;
	size_t volumeSize = efi_device_path_size(volume);
	size_t nameUnits = strlen(image->volume_path) + 1;
	size_t fileSize = sizeof(EFI_DEVICE_PATH) + 2 * nameUnits;
	if (fileSize > 0xffff)
		return NULL;
	uint8_t *path = heap_alloc(volumeSize + fileSize + sizeof(EFI_DEVICE_PATH));
	if (path == NULL)
		return NULL;
	memcpy(path, volume, volumeSize);

	EFI_DEVICE_PATH *file = (EFI_DEVICE_PATH *)(path + volumeSize);
	file->Type = MEDIA_DEVICE_PATH;
	file->SubType = MEDIA_FILEPATH_DP;
	SetDevicePathNodeLength(file, fileSize);
	uint8_t *name = (uint8_t *)(file + 1);
	/* Paths are ASCII here for the firmware: what else it would show wrongly anyway. */
	for (size_t i = 0; i < nameUnits; i++) {
		char c = image->volume_path[i];
		name[2 * i] = c == '/' ? '\\' : (uint8_t)c < 0x80 ? (uint8_t)c : '?';
		name[2 * i + 1] = 0;
	}
	EFI_DEVICE_PATH *end = (EFI_DEVICE_PATH *)(name + 2 * nameUnits);
	SetDevicePathEndNode(end);
	return (EFI_DEVICE_PATH *)path;
}


/*
 * Free conventional memory, in KiB: a started image that returned should
 * leave as much as there was before it (the chainload tests compare).
 */
static uint64_t
image_free_memory(void)
{
	struct efi_memory_map map;
	if (efi_get_memory_map(&map) != B_OK)
		return 0;
	uint64_t pages = 0;
	FOR_EACH_DESCRIPTOR(descriptor, &map) {
		if (descriptor->Type == EfiConventionalMemory)
			pages += descriptor->NumberOfPages;
	}
	gBootServices->FreePool(map.descriptors);
	return pages * (EFI_PAGE_SIZE / 1024);
}


static status_t
image_load(const struct platform_image *image, EFI_HANDLE *_handle, char *reason,
	size_t reasonSize)
{
	EFI_DEVICE_PATH *path = image_file_device_path(image);
	EFI_STATUS status = gBootServices->LoadImage(FALSE, gImageHandle, path,
		(void *)image->data, image->size, _handle);
	heap_free(path);
	if (status == EFI_SUCCESS)
		return B_OK;
	/* With Secure Boot, a refused image is loaded all the same, and must be unloaded. */
	if (status == EFI_SECURITY_VIOLATION || status == EFI_ACCESS_DENIED) {
		if (*_handle != NULL)
			gBootServices->UnloadImage(*_handle);
		snprintf(reason, reasonSize, "the firmware's Secure Boot refused %s (%s)",
			image->path, efi_status_name(status));
		return B_NOT_ALLOWED;
	}
	snprintf(reason, reasonSize, "the firmware cannot load %s (%s)", image->path,
		efi_status_name(status));
	return status == EFI_UNSUPPORTED ? B_NOT_SUPPORTED : B_ERROR;
}


static void
image_run(const struct platform_image *image, EFI_HANDLE handle, char *reason,
	size_t reasonSize)
{
	UINTN exitSize = 0;
	CHAR16 *exitData = NULL;
	INT32 consoleMode = gSystemTable->ConOut->Mode->Mode;
	gBootServices->SetWatchdogTimer(WATCHDOG_SECONDS, 0, 0, NULL);
	EFI_STATUS status = gBootServices->StartImage(handle, &exitSize, &exitData);
	gBootServices->SetWatchdogTimer(0, 0, 0, NULL);
	if (gSystemTable->ConOut->Mode->Mode != consoleMode)
		gSystemTable->ConOut->SetMode(gSystemTable->ConOut, (UINTN)consoleMode);

	char text[128] = "";
	if (exitData != NULL) {
		unicode_utf16le_to_utf8((const uint8_t *)exitData, exitSize / 2, text, sizeof(text));
		gBootServices->FreePool(exitData);
	}
	snprintf(reason, reasonSize, "%s%s%s", efi_status_name(status),
		text[0] != '\0' ? ", " : "", text);
	boot_dprintf("efi: %s returned %s (%#llx)\n", image->path, reason,
		(unsigned long long)status);
}


status_t
platform_start_image(const struct platform_image *image, char *reason, size_t reasonSize)
{
	status_t status = image_check_header(image, reason, reasonSize);
	if (status != B_OK)
		return status;

	size_t optionsSize = 0;
	CHAR16 *options = efi_ucs2_from_utf8(image->command_line,
		strlen(image->command_line) + 1, &optionsSize);
	if (options == NULL) {
		snprintf(reason, reasonSize, "no memory for the load options");
		return B_NO_MEMORY;
	}
	if (image->initrd != NULL) {
		status = efi_initrd_install(image->initrd, image->initrd_size);
		if (status != B_OK) {
			snprintf(reason, reasonSize, "cannot offer the initrd: %s",
				status == B_NOT_ALLOWED ? "another one is offered already"
					: "the firmware refused the protocol");
			heap_free(options);
			return status;
		}
	}
	if (image->device_tree != NULL) {
		status = efi_device_tree_install(image->device_tree, image->device_tree_size);
		if (status != B_OK) {
			snprintf(reason, reasonSize, "cannot install the device tree: %s",
				status == B_NO_MEMORY ? "no memory for its copy"
					: status == B_BAD_DATA ? "the firmware's fix-up refused it"
					: "the firmware refused the table");
			efi_initrd_uninstall();
			heap_free(options);
			return status;
		}
	}

	EFI_HANDLE handle = NULL;
	status = image_load(image, &handle, reason, reasonSize);
	EFI_LOADED_IMAGE *loaded;
	if (status == B_OK && gBootServices->HandleProtocol(handle, &sLoadedImageGuid,
			(void **)&loaded) == EFI_SUCCESS) {
		loaded->LoadOptions = options;
		loaded->LoadOptionsSize = (UINT32)optionsSize;
		image_run(image, handle, reason, reasonSize);
	} else if (status == B_OK) {
		gBootServices->UnloadImage(handle);
		snprintf(reason, reasonSize, "the firmware loaded %s without a loaded image protocol",
			image->path);
		status = B_ERROR;
	}
	efi_device_tree_uninstall();
	efi_initrd_uninstall();
	heap_free(options);
	boot_dprintf("efi: after %s, %llu KiB of memory are free\n", image->path,
		(unsigned long long)image_free_memory());
	return status;
}
