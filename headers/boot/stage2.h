/*
 * stage2_args: what a platform port tells the generic loader at entry.
 */
#ifndef BOOT_STAGE2_H
#define BOOT_STAGE2_H

#include <stddef.h>
#include <stdint.h>

#include <platform_stage2_args.h>

/* Heap size used when a port leaves heap_size at 0. */
#define BOOT_DEFAULT_HEAP_SIZE	(16u * 1024 * 1024)

struct stage2_args {
	size_t		heap_size;			/* bytes; 0 selects BOOT_DEFAULT_HEAP_SIZE */
	const char	*kernel_path;		/* NULL selects BOOT_DEFAULT_KERNEL_PATH */
	struct platform_stage2_args	platform;
};

#define BOOT_DEFAULT_KERNEL_PATH	"/boot/kernel"

#endif
