/* SPDX-License-Identifier: MIT */
/*
 * Preloaded images: the modules the loader reads for the kernel and the
 * kernel's own symbol tables, listed in kernel_args.preloaded_images.
 */
#ifndef BOOT_MODULES_H
#define BOOT_MODULES_H

#include <stddef.h>

#include <boot/kernel_args.h>
#include <boot/status.h>

/*
 * Append a copy of image to gKernelArgs->preloaded_images and type the
 * region at image->address as kernel-and-modules memory. Errors:
 * B_BUFFER_OVERFLOW when MAX_PRELOADED_IMAGES are taken.
 */
status_t boot_add_preloaded_image(const preloaded_image *image);

/*
 * Read the file at path (vfs.h syntax) straight into a read-only region of
 * kernel memory (no copy through the heap) and record it as a
 * PRELOADED_MODULE: path as its name (cut to KERNEL_IMAGE_NAME_LENGTH - 1
 * bytes at most, between characters), address, size and a copy of commandLine (NULL: command_line 0),
 * but no checksum (the boot-check kernel computes one from memory). An
 * empty file gets a page of its own and size 0. On failure error receives
 * a one-line message that names the module and the reason. Errors:
 * B_BUFFER_OVERFLOW (MAX_PRELOADED_IMAGES taken), those of
 * vfs_open_regular() and vfs_read_exact(), B_NO_MEMORY.
 */
status_t boot_load_module(const char *path, const char *commandLine, char *error,
	size_t errorSize);

#endif
