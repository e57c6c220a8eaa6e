/* SPDX-License-Identifier: MIT */
/*
 * Preloaded images: modules read from the boot volumes into kernel memory,
 * and the list in kernel_args that also holds the kernel's symbol tables.
 */
#include <boot/modules.h>

#include <stdio.h>
#include <string.h>

#include <boot/handoff.h>
#include <boot/heap.h>
#include <boot/kernel_regions.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/timeline.h>
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


/* Copy data into a fresh read-only region; *image gets where it went. */
static status_t
modules_copy(const void *data, size_t size, preloaded_image *image)
{
	uint64_t address = 0;
	/* An empty file still gets an address the kernel can be pointed to. */
	status_t status = platform_allocate_region(&address, size > 0 ? size : 1,
		REGION_READ, false);
	if (status != B_OK)
		return status;
	void *target = platform_kernel_to_loader(address);
	if (target == NULL) {
		platform_free_region(address, size > 0 ? size : 1);
		return B_NO_MEMORY;
	}
	memcpy(target, data, size);
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

	void *data;
	size_t size;
	status_t status = vfs_load_file(path, &data, &size, error, errorSize);
	if (status != B_OK)
		return status;

	preloaded_image image;
	memset(&image, 0, sizeof(image));
	image.type = PRELOADED_MODULE;
	size_t nameLength = strnlen(path, sizeof(image.name) - 1);
	memcpy(image.name, path, nameLength);

	status = modules_copy(data, size, &image);
	heap_free(data);
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
