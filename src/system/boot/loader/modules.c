/* SPDX-License-Identifier: MIT */
/*
 * Preloaded images: modules read from the boot volumes into kernel memory,
 * and the list in kernel_args that also holds the kernel's symbol tables.
 */
#include <boot/modules.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <boot/handoff.h>
#include <boot/kernel_regions.h>
#include <boot/platform.h>
#include <boot/splash.h>
#include <boot/stdio.h>
#include <boot/timeline.h>
#include <boot/trust.h>
#include <boot/unicode.h>
#include <boot/vfs.h>


status_t
boot_add_preloaded_image(const preloaded_image *image)
{
	if (gKernelArgs->num_preloaded_images >= MAX_PRELOADED_IMAGES)
		return B_BUFFER_OVERFLOW;
	gKernelArgs->preloaded_images[gKernelArgs->num_preloaded_images++] = *image;
	/* Not loader data: the kernel keeps these as long as it likes. */
	kernel_regions_set_kind(image->address, KERNEL_REGION_MODULE);
	return B_OK;
}


/*
 * Read the whole file, in pieces while a progress bar is shown so that it
 * moves, else in one request as large as the volume allows.
 */
static status_t
modules_read_pieces(struct vfs_file *file, uint8_t *target, size_t size, char *error,
	size_t errorSize)
{
	size_t pieceSize = splash_shows_progress() ? 1024 * 1024 : size;
	for (size_t offset = 0; offset < size; offset += pieceSize) {
		size_t length = size - offset < pieceSize ? size - offset : pieceSize;
		status_t status = vfs_read_exact(file, offset, target + offset, length, error,
			errorSize);
		if (status != B_OK)
			return status;
		splash_progress(length);
	}
	return B_OK;
}


/*
 * Read a module straight into a fresh read-only region, if it is trusted
 * (boot/trust.h); *image gets where it went. A failure leaves no region
 * behind, with the reason in error for a read error or a refusal.
 */
static status_t
modules_read(struct vfs_file *file, const char *path, size_t size, preloaded_image *image,
	char *error, size_t errorSize)
{
	uint64_t address = 0;
	/* An empty file still gets a page, an address the kernel can be pointed to. */
	size_t regionSize = (size_t)KERNEL_IMAGE_PAGES_SIZE(size);
	status_t status = platform_allocate_region(&address, regionSize,
		REGION_READ | REGION_UNZEROED, false);
	if (status != B_OK)
		return status;
	uint8_t *target = platform_kernel_to_loader(address);
	if (target == NULL) {
		platform_free_region(address, regionSize);
		return B_NO_MEMORY;
	}
	status = modules_read_pieces(file, target, size, error, errorSize);
	char reason[TRUST_REASON_SIZE];
	if (status == B_OK) {
		status = trust_check_data(TRUST_MODULE, vfs_file_volume(file), path, target, size,
			reason, sizeof(reason));
		if (status != B_OK)
			snprintf(error, errorSize, "%s: %s", path, reason);
	}
	if (status != B_OK) {
		platform_free_region(address, regionSize);
		return status;
	}
	kernel_regions_clear_tail(target, size);
	image->address = address;
	image->size = size;
	return B_OK;
}


status_t
boot_load_module(const char *path, const char *commandLine, char *error,
	size_t errorSize)
{
	/* Before reading anything: a module that cannot be recorded is not loaded. */
	if (gKernelArgs->num_preloaded_images >= MAX_PRELOADED_IMAGES) {
		snprintf(error, errorSize, "%s: too many preloaded images (at most %d)", path,
			MAX_PRELOADED_IMAGES);
		return B_BUFFER_OVERFLOW;
	}

	struct vfs_file *file;
	uint64_t fileSize;
	status_t status = vfs_open_regular(path, &file, &fileSize, error, errorSize);
	if (status != B_OK)
		return status;
#if SIZE_MAX < UINT64_MAX
	if (fileSize > SIZE_MAX) {
		vfs_close(file);
		snprintf(error, errorSize, "%s: no kernel memory for its %llu bytes (%s)", path,
			(unsigned long long)fileSize, status_string(B_NO_MEMORY));
		return B_NO_MEMORY;
	}
#endif
	size_t size = (size_t)fileSize;

	preloaded_image image;
	memset(&image, 0, sizeof(image));
	image.type = PRELOADED_MODULE;
	size_t nameLength = unicode_utf8_prefix_length(path, sizeof(image.name) - 1);
	memcpy(image.name, path, nameLength);

	char readError[VFS_ERROR_SIZE];
	readError[0] = '\0';
	status = modules_read(file, path, size, &image, readError, sizeof(readError));
	vfs_close(file);
	if (status != B_OK && readError[0] != '\0') {
		snprintf(error, errorSize, "%s", readError);
		return status;
	}
	if (status == B_OK && commandLine != NULL) {
		image.command_line = kernel_args_strdup(commandLine);
		if (image.command_line == 0)
			status = B_NO_MEMORY;
	}
	if (status == B_OK)
		status = boot_add_preloaded_image(&image);
	if (status != B_OK) {
		if (image.address != 0)
			platform_free_region(image.address, size > 0 ? size : 1);
		snprintf(error, errorSize, "%s: no kernel memory for its %zu bytes (%s)", path,
			size, status_string(status));
		return status;
	}

	char event[BOOT_EVENT_NAME_LENGTH];
	snprintf(event, sizeof(event), "module %s", path);
	timeline_mark(event, size);
	boot_dprintf("boot: module %s loaded, %zu bytes at %#llx\n", path, size,
		(unsigned long long)image.address);
	return B_OK;
}
