/* SPDX-License-Identifier: MIT */
/*
 * Shared state and internal interfaces of the hosted port.
 */
#ifndef HOST_PLATFORM_H
#define HOST_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/kernel_args.h>
#include <boot/memory_map.h>
#include <boot/platform.h>
#include <boot/status.h>

/* The most CPUs --cpus simulates (smp.c). */
#define HOST_MAX_CPUS	256

struct host_options {
	size_t		memory_size;		/* bytes of simulated RAM */
	size_t		heap_size;			/* 0: the loader's default */
	const char	*kernel_path;		/* NULL: the loader's default */
	const char	*memory_map_path;	/* NULL: the default firmware map */
	const char	**images;			/* disk image files, boot disk first */
	uint32_t	*block_sizes;		/* per image; 0: from its GPT, else 512 */
	int			image_count;
	const char	*serve_root;		/* --serve: the boot file server's directory */
	/*
	 * --kernel-args-abi: hand the checks kernel_args as a loader of another
	 * version would (start_kernel.c), to prove the compatibility rule.
	 */
	enum {
		HOST_ABI_CURRENT,
		HOST_ABI_NEWER,		/* a later version with fields appended */
		HOST_ABI_OLDER,		/* version 1, smaller */
	}			kernel_args_abi;
	enum platform_secure_boot	secure_boot;	/* --secure-boot */
	uint32_t	cpus;				/* --cpus: simulated CPUs; 0: none started */
	bool		silent_cpus[HOST_MAX_CPUS];	/* --silent-cpu: ids that never answer */
	size_t		tpm_log_size;		/* --tpm, --tpm-log-size: 0 without a TPM */
	const char	*device_tree_path;	/* --device-tree: the firmware's; NULL: none */
	const char	*device_tree_dump;	/* --dump-device-tree: where an image's tree goes */
	/* --fix-up-device-tree: bytes the firmware's fix-up adds; refuse: it refuses */
	size_t		device_tree_growth;
	bool		device_tree_refused;
};

extern struct host_options gHostOptions;

/* tpm.c: the simulated TPM's event log, as large as a firmware's may be. */
#define HOST_TPM_MAX_LOG_SIZE		(64 * 1024)
#define HOST_TPM_MIN_LOG_SIZE		65		/* the Spec ID event alone */

/*
 * Simulated physical memory (memory.c): size bytes of RAM under the firmware
 * map of memoryMapPath (NULL: a PC-like default).
 */
status_t host_memory_init(size_t size, const char *memoryMapPath);
/* Pages of simulated RAM for the loader itself (its heap), zeroed; and back. */
status_t host_allocate_ram(uint64_t size, uint64_t *_physical);
void host_free_ram(uint64_t physical, uint64_t size);
/* Where the process reaches simulated physical memory; NULL outside RAM. */
void *host_physical_to_pointer(uint64_t physical, uint64_t size);
/* The typed memory map and physical ranges of args, from the firmware map. */
status_t host_fill_physical_memory(kernel_args *args);

/* The firmware's memory map (firmware_map.c); more than the loader takes is allowed. */
#define HOST_MAX_FIRMWARE_RANGES	4096
status_t host_firmware_map_init(uint64_t memorySize, const char *path);
const struct memory_map_range *host_firmware_map(uint32_t *_count);
/*
 * Where the firmware keeps its tables, and how many bytes: the top
 * megabyte's first half, ACPI reclaimable in the default map (a --memory-map
 * may call it anything).
 */
uint64_t host_firmware_tables(size_t *_size);
/* device_tree.c: the firmware's tree, if any, where it keeps its tables, named by args. */
void host_device_tree_hand_over(kernel_args *args);
/* The memory map file's name for a KERNEL_MEMORY_* type ("usable", "mmio"). */
const char *host_memory_type_name(uint32_t type);

/*
 * video.c: --video-modes, a comma-separated list of "WxH[xBPP][+PAD]"; false
 * when malformed. The framebuffer all modes share, in bytes (0 without
 * modes), gets its physical address from the firmware map.
 */
bool host_video_add_modes(const char *list);
uint64_t host_video_memory_size(void);
status_t host_video_init(uint64_t physical);
/* Where the process reaches the framebuffer's physical memory; NULL elsewhere. */
void *host_video_physical_to_pointer(uint64_t physical, uint64_t size);
/* The current mode's framebuffer; false without graphics. */
bool host_video_current(struct platform_framebuffer *framebuffer);
/* The current mode's framebuffer for the kernel, or none. */
void host_video_hand_over(kernel_args *args);

/*
 * screenshots.c: --screenshots PREFIX. Each screen the loader waits for a key
 * on, and the last one, is written as PREFIX-N.ppm when it differs from the
 * one written before.
 */
void host_screenshots_start(const char *prefix);
void host_screenshot(void);

/* devices.c: the image file disk was opened from; NULL for another device. */
struct block_device;
const char *host_disk_image_path(const struct block_device *disk);

/* variables.c: --loader-variable NAME=VALUE; false when malformed or too many. */
bool host_add_loader_variable(const char *assignment);

/* How the process ends when the menu asks for the machine (machine.c). */
#define HOST_EXIT_REBOOT			3
#define HOST_EXIT_POWER_OFF			4
#define HOST_EXIT_FIRMWARE_SETUP	5

/* Terminal state (console.c): restored when the process exits. */
void host_console_restore(void);

#endif
