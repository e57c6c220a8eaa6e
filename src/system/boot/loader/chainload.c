/* SPDX-License-Identifier: MIT */
/*
 * Entries that start other systems' files (linux, efi): the loader reads the
 * executable and its initrds itself, from any volume it can read, and the
 * port hands them to its firmware. Every outcome comes back as a message for
 * the menu, and everything read is freed again. An entry's device tree is
 * read here for kernel entries too (boot.c).
 */
#include <boot/boot.h>

#include <stdio.h>
#include <string.h>

#include <boot/bli.h>
#include <boot/block_device.h>
#include <boot/boot_counting.h>
#include <boot/config.h>
#include <boot/fdt_header.h>
#include <boot/fdt_overlay.h>
#include <boot/gzip.h>
#include <boot/heap.h>
#include <boot/measure.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/timeline.h>
#include <boot/trust.h>
#include <boot/vfs.h>

/*
 * Larger files are refused before they are read: no kernel or initrd is
 * near it, and the loader holds the whole file in memory.
 */
#define CHAINLOAD_MAX_FILE_SIZE		(1024ull * 1024 * 1024)
/* Linux reads concatenated cpio archives that start on 4-byte boundaries. */
#define CHAINLOAD_INITRD_ALIGNMENT	4


struct chainload_file {
	struct vfs_file		*file;
	uint64_t			size;
};


static status_t
chainload_open(const char *path, const char *what, struct chainload_file *file,
	char *error, size_t errorSize)
{
	char reason[VFS_ERROR_SIZE];
	status_t status = vfs_open_regular(path, &file->file, &file->size, reason,
		sizeof(reason));
	if (status != B_OK) {
		snprintf(error, errorSize, "cannot load the %s: %s", what, reason);
		return status;
	}
	if (file->size == 0 || file->size > CHAINLOAD_MAX_FILE_SIZE) {
		snprintf(error, errorSize, "cannot load the %s: %s is %s", what, path,
			file->size == 0 ? "empty" : "larger than 1 GiB");
		vfs_close(file->file);
		return B_BAD_DATA;
	}
	return B_OK;
}


static status_t
chainload_read(struct chainload_file *file, const char *what, void *buffer, char *error,
	size_t errorSize)
{
	char reason[VFS_ERROR_SIZE];
	status_t status = vfs_read_exact(file->file, 0, buffer, (size_t)file->size, reason,
		sizeof(reason));
	if (status != B_OK)
		snprintf(error, errorSize, "cannot load the %s: %s", what, reason);
	return status;
}


/* The whole file, in a buffer of its own from the heap. */
static status_t
chainload_read_all(struct chainload_file *file, const char *what, const char *path,
	void **_data, char *error, size_t errorSize)
{
	void *data = heap_alloc((size_t)file->size);
	if (data == NULL) {
		snprintf(error, errorSize, "cannot load the %s: no memory for %llu bytes of %s",
			what, (unsigned long long)file->size, path);
		return B_NO_MEMORY;
	}
	status_t status = chainload_read(file, what, data, error, errorSize);
	if (status != B_OK) {
		heap_free(data);
		return status;
	}
	*_data = data;
	return B_OK;
}


/*
 * The firmware checks the images it starts (LoadImage applies Secure Boot);
 * the initrds and device trees beside them are the loader's to check.
 */
static status_t
chainload_check_data(const struct chainload_file *file, const char *what, const char *path,
	const void *data, char *error, size_t errorSize)
{
	char reason[TRUST_REASON_SIZE];
	status_t status = trust_check_data(TRUST_MODULE, vfs_file_volume(file->file), path,
		data, (size_t)file->size, reason, sizeof(reason));
	if (status != B_OK)
		snprintf(error, errorSize, "cannot load the %s: %s: %s", what, path, reason);
	return status;
}


/*
 * A gzip-compressed executable (Ubuntu's arm64 vmlinuz) decoded in place of
 * the file: Linux's EFI stub on arm64 cannot undo the compression itself.
 */
static status_t
chainload_gunzip(const struct config_entry *entry, const char *what, void **_data,
	size_t *_size, char *error, size_t errorSize)
{
	const char *reason;
	size_t size;
	status_t status = gzip_decoded_size(*_data, *_size, &size, &reason);
	if (status == B_OK && (size == 0 || size > CHAINLOAD_MAX_FILE_SIZE)) {
		reason = size == 0 ? "it decodes to nothing" : "it decodes to more than 1 GiB";
		status = B_BAD_DATA;
	}
	void *decoded = NULL;
	if (status == B_OK) {
		decoded = heap_alloc(size);
		if (decoded == NULL) {
			snprintf(error, errorSize, "cannot load the %s: no memory for %llu bytes"
				" decoded from %s", what, (unsigned long long)size, entry->kernel_path);
			return B_NO_MEMORY;
		}
		status = gzip_decode(*_data, *_size, decoded, size, &reason);
	}
	if (status != B_OK) {
		heap_free(decoded);
		snprintf(error, errorSize, "cannot load the %s: %s: gzip: %s", what,
			entry->kernel_path, reason);
		return status;
	}
	heap_free(*_data);
	*_data = decoded;
	*_size = size;
	timeline_mark("image decompressed", size);
	return B_OK;
}


/* The executable (decoded, when gzip-compressed), and where it is for the firmware. */
static status_t
chainload_read_image(const struct config_entry *entry, struct platform_image *image,
	char *error, size_t errorSize)
{
	const char *what = entry->kind == CONFIG_ENTRY_LINUX ? "Linux kernel" : "EFI application";
	struct chainload_file file;
	status_t status = chainload_open(entry->kernel_path, what, &file, error, errorSize);
	if (status != B_OK)
		return status;

	image->disk = vfs_volume_disk(vfs_file_volume(file.file), &image->partition_offset);

	void *data = NULL;
	status = chainload_read_all(&file, what, entry->kernel_path, &data, error, errorSize);
	if (status == B_OK) {
		char reason[TRUST_REASON_SIZE];
		status = trust_check_image(vfs_file_volume(file.file), entry->kernel_path, data,
			(size_t)file.size, reason, sizeof(reason));
		if (status != B_OK) {
			snprintf(error, errorSize, "cannot load the %s: %s: %s", what, entry->kernel_path,
				reason);
		}
	}
	vfs_close(file.file);
	size_t size = (size_t)file.size;
	if (status == B_OK) {
		timeline_mark("image loaded", size);
		if (gzip_is_compressed(data, size))
			status = chainload_gunzip(entry, what, &data, &size, error, errorSize);
	}
	if (status != B_OK) {
		heap_free(data);
		return status;
	}
	image->data = data;
	image->size = size;
	return B_OK;
}


/* A device tree or overlay, checked as initrds are and by its header. */
static status_t
chainload_read_tree(const char *path, const char *what, struct fdt_blob *blob, char *error,
	size_t errorSize)
{
	struct chainload_file file;
	status_t status = chainload_open(path, what, &file, error, errorSize);
	if (status != B_OK)
		return status;
	void *data = NULL;
	status = chainload_read_all(&file, what, path, &data, error, errorSize);
	struct fdt_layout layout;
	const char *problem = NULL;
	if (status == B_OK)
		problem = fdt_check_header(data, (size_t)file.size, &layout);
	if (problem != NULL) {
		snprintf(error, errorSize, "cannot load the %s: %s: %s", what, path, problem);
		status = B_BAD_DATA;
	}
	if (status == B_OK)
		status = chainload_check_data(&file, what, path, data, error, errorSize);
	vfs_close(file.file);
	if (status != B_OK) {
		heap_free(data);
		return status;
	}
	*blob = (struct fdt_blob){ data, layout.size };
	return B_OK;
}


/* The firmware's tree, copied: applying overlays needs it in the heap. */
static status_t
chainload_copy_firmware_tree(struct fdt_blob *blob, char *error, size_t errorSize)
{
	const void *tree = platform_firmware_device_tree(&blob->size);
	if (tree == NULL) {
		snprintf(error, errorSize, "cannot apply the device tree overlays: the entry names "
			"no devicetree and the firmware gives none");
		return B_BAD_DATA;
	}
	blob->data = heap_alloc(blob->size);
	if (blob->data == NULL) {
		snprintf(error, errorSize, "cannot apply the device tree overlays: no memory for "
			"the firmware's tree");
		return B_NO_MEMORY;
	}
	memcpy(blob->data, tree, blob->size);
	return B_OK;
}


/* blobs[0] with the entry's overlays, blobs[1] on, applied in order; or why not. */
static status_t
chainload_apply_overlays(const struct config_entry *entry, struct fdt_blob *blobs,
	uint32_t count, struct fdt_blob *merged, char *error, size_t errorSize)
{
	char reason[BOOT_ERROR_SIZE / 2];
	uint32_t failed;
	status_t status = fdt_overlay_merge(blobs, count, merged, &failed, reason, sizeof(reason));
	if (status != B_OK && failed > 0) {
		snprintf(error, errorSize, "cannot apply the device tree overlay %s: %s",
			entry->overlays[failed - 1], reason);
	} else if (status != B_OK) {
		snprintf(error, errorSize, "cannot apply the device tree overlays to %s: %s",
			entry->device_tree != NULL ? entry->device_tree : "the firmware's tree", reason);
	}
	return status;
}


status_t
chainload_load_device_tree(const struct config_entry *entry, struct fdt_blob *tree,
	char *error, size_t errorSize)
{
	/* A loader built without overlays has no entry with any (config_keys.c). */
	uint32_t overlays = FDT_MACHINES ? entry->overlay_count : 0;
	struct fdt_blob blobs[1 + CONFIG_MAX_OVERLAYS] = { 0 };
	status_t status = overlays > 0 && entry->device_tree == NULL
		? chainload_copy_firmware_tree(&blobs[0], error, errorSize)
		: chainload_read_tree(entry->device_tree, "device tree", &blobs[0], error, errorSize);
	uint32_t count = 1;
	for (; status == B_OK && count <= overlays; count++) {
		status = chainload_read_tree(entry->overlays[count - 1], "device tree overlay",
			&blobs[count], error, errorSize);
	}
	struct fdt_blob merged = blobs[0];
	if (overlays == 0)
		blobs[0].data = NULL;
	else if (status == B_OK)
		status = chainload_apply_overlays(entry, blobs, count, &merged, error, errorSize);
	for (uint32_t i = 0; i < count; i++)
		heap_free(blobs[i].data);
	if (status != B_OK)
		return status;
	*tree = merged;
	if (overlays > 0) {
		boot_dprintf("boot: device tree overlays applied: %u (%zu bytes)\n", overlays,
			merged.size);
	}
	return B_OK;
}


/* Every initrd, in order, each on a 4-byte boundary, in one buffer. */
static status_t
chainload_read_initrds(const struct config_entry *entry, struct platform_image *image,
	char *error, size_t errorSize)
{
	struct chainload_file files[CONFIG_MAX_INITRDS];
	uint32_t opened = 0;
	uint64_t total = 0;
	status_t status = B_OK;
	for (; opened < entry->initrd_count; opened++) {
		status = chainload_open(entry->initrds[opened], "initrd", &files[opened], error,
			errorSize);
		if (status != B_OK)
			break;
		total = (total + CHAINLOAD_INITRD_ALIGNMENT - 1) & ~(uint64_t)(CHAINLOAD_INITRD_ALIGNMENT - 1);
		total += files[opened].size;
	}
	if (status == B_OK && total > CHAINLOAD_MAX_FILE_SIZE) {
		snprintf(error, errorSize, "cannot load the initrds: they are larger than 1 GiB");
		status = B_BAD_DATA;
	}

	uint8_t *buffer = NULL;
	if (status == B_OK && total > 0) {
		buffer = heap_alloc((size_t)total);
		if (buffer == NULL) {
			snprintf(error, errorSize, "cannot load the initrds: no memory for %llu bytes",
				(unsigned long long)total);
			status = B_NO_MEMORY;
		}
	}
	size_t offset = 0;
	for (uint32_t i = 0; i < opened; i++) {
		if (status == B_OK) {
			size_t start = (offset + CHAINLOAD_INITRD_ALIGNMENT - 1)
				& ~(size_t)(CHAINLOAD_INITRD_ALIGNMENT - 1);
			memset(buffer + offset, 0, start - offset);
			status = chainload_read(&files[i], "initrd", buffer + start, error, errorSize);
			if (status == B_OK) {
				status = chainload_check_data(&files[i], "initrd", entry->initrds[i],
					buffer + start, error, errorSize);
			}
			offset = start + (size_t)files[i].size;
		}
		vfs_close(files[i].file);
	}
	if (status != B_OK) {
		heap_free(buffer);
		return status;
	}
	image->initrd = buffer;
	image->initrd_size = (size_t)total;
	if (total > 0) {
		boot_dprintf("boot: %u initrds, %llu bytes\n", entry->initrd_count,
			(unsigned long long)total);
	}
	return B_OK;
}


/*
 * A unified kernel image's stub takes its own .cmdline when it gets no
 * load options. Given the same line back, it would measure it once more
 * (PCR 12) and so read as a different boot to a TPM policy; and under
 * Secure Boot it ignores load options anyway. Only an edited line is given.
 */
static const char *
chainload_load_options(const struct config_entry *entry)
{
	const char *own = entry->bls != NULL ? entry->bls->image_command_line : NULL;
	return own != NULL && strcmp(own, entry->command_line) == 0 ? "" : entry->command_line;
}


/* Where the file is on its volume, for the firmware: after boot counting renamed it. */
static const char *
chainload_volume_path(const char *path)
{
	if (path[0] == '(')
		path = strchr(path, ')') + 1;
	return path[0] != '\0' ? path : "/";
}


status_t
chainload_entry(struct config_entry *entry, char *error, size_t errorSize)
{
	const char *options = chainload_load_options(entry);
	struct platform_image image = {
		.path = entry->kernel_path,
		.command_line = options,
	};
	status_t status = chainload_read_image(entry, &image, error, errorSize);
	if (status == B_OK)
		status = chainload_read_initrds(entry, &image, error, errorSize);
	struct fdt_blob tree = { NULL, 0 };
	if (status == B_OK && (entry->device_tree != NULL || entry->overlay_count > 0))
		status = chainload_load_device_tree(entry, &tree, error, errorSize);
	image.device_tree = tree.data;
	image.device_tree_size = tree.size;
	if (status == B_OK) {
		char reason[BOOT_ERROR_SIZE / 2];
		boot_counting_count_try(entry);
		image.path = entry->kernel_path;
		image.volume_path = chainload_volume_path(entry->kernel_path);
		boot_dprintf("boot: starting %s (%zu bytes)%s%s\n", entry->kernel_path, image.size,
			options[0] != '\0' ? " with load options " : "", options);
		bli_publish_start(entry);
		/*
		 * The load options the image gets; the firmware measures the image
		 * itself (PCR 4) when it loads it, and nothing measures what it is
		 * told. An application without a command line gets no options.
		 */
		if (entry->kind == CONFIG_ENTRY_LINUX || options[0] != '\0')
			measure_command_line(options);
		status = platform_start_image(&image, reason, sizeof(reason));
		if (status == B_OK) {
			/* What ran (a shell, an updater) may have written to any
			 * volume: what was kept of them is read again. */
			vfs_note_write();
			snprintf(error, errorSize, "%s returned: %s", entry->kernel_path, reason);
		} else
			snprintf(error, errorSize, "cannot start %s: %s", entry->kernel_path, reason);
	}
	heap_free((void *)image.data);
	heap_free((void *)image.initrd);
	heap_free((void *)image.device_tree);
	boot_printf("boot: %s\n", error);
	return status;
}
