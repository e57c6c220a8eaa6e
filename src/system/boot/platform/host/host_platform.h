/*
 * Shared state and internal interfaces of the hosted port.
 */
#ifndef HOST_PLATFORM_H
#define HOST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/kernel_args.h>
#include <boot/status.h>

struct host_options {
	size_t		memory_size;		/* bytes of simulated RAM */
	size_t		heap_size;			/* 0: the loader's default */
	const char	*kernel_path;		/* NULL: the loader's default */
	const char	**images;			/* disk image files, boot disk first */
	int			image_count;
};

extern struct host_options gHostOptions;

/* Simulated physical memory (memory.c). */
status_t host_memory_init(size_t size);
/* Where the process reaches simulated physical memory; NULL outside RAM. */
void *host_physical_to_pointer(uint64_t physical, uint64_t size);
/* The usable RAM of the simulated memory map, into args. */
status_t host_fill_physical_memory(kernel_args *args);

/* Terminal state (console.c): restored when the process exits. */
void host_console_restore(void);

#endif
