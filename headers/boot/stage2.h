/* SPDX-License-Identifier: MIT */
/*
 * stage2_args: what a platform port tells the generic loader at entry.
 */
#ifndef BOOT_STAGE2_H
#define BOOT_STAGE2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <platform_stage2_args.h>

/* Heap size used when a port leaves heap_size at 0. */
#define BOOT_DEFAULT_HEAP_SIZE	(16u * 1024 * 1024)
/*
 * The least heap a port settles for when the size asked for is not free in
 * one piece (platform_init_heap): the heap serves every request below
 * HEAP_LARGE_THRESHOLD (1 MiB), next to the disks' 256 KiB I/O buffers and
 * the file systems' state (about 650 KiB at peak on a normal boot).
 */
#define BOOT_MIN_HEAP_SIZE		(2u * 1024 * 1024)

/* A file the loader hands to the kernel as a preloaded image. */
struct stage2_module {
	const char	*path;				/* vfs.h syntax */
	const char	*command_line;		/* NULL: none */
};

struct stage2_args {
	size_t		heap_size;			/* bytes; 0 selects BOOT_DEFAULT_HEAP_SIZE */
	const char	*kernel_path;		/* NULL selects BOOT_DEFAULT_KERNEL_PATH */
	const char	*command_line;		/* the kernel's (UTF-8); NULL: empty */
	const struct stage2_module	*modules;	/* loaded after the kernel, in order */
	size_t		module_count;
	/* Boot kernels with segments both writable and executable (not by default). */
	bool		allow_write_execute;
	struct platform_stage2_args	platform;
};

#define BOOT_DEFAULT_KERNEL_PATH	"/boot/kernel"

#endif
