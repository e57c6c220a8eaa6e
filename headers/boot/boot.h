/* SPDX-License-Identifier: MIT */
/*
 * Booting one entry: the kernel, its symbols, modules, command line and
 * options into kernel_args and the kernel's address space, then the handoff;
 * or, when anything fails, all of it undone so that the menu can offer the
 * choice again.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/status.h>

struct boot_config;
struct config_entry;
struct stage2_args;
struct stage2_module;

/* How the loader names itself to the kernel and the operating system. */
#define BOOT_LOADER_NAME	"haiku-style boot loader"

/* Room for a one-line message that names the file and the reason. */
#define BOOT_ERROR_SIZE		320

struct boot_request {
	const struct boot_config	*config;
	const struct config_entry	*entry;
	/* Loaded after the entry's own modules (the port's, for the fallback entry). */
	const struct stage2_module	*extra_modules;
	size_t						extra_module_count;
	int32_t						video_mode;		/* the menu's choice; -1: as configured */
	bool						allow_write_execute;	/* besides the configuration's */
};

/*
 * Load everything request names and build the kernel's address space, up to
 * the point of no return. On failure the message (also printed as "boot:
 * <message>") is in error, and every kernel region and page-table page
 * the attempt took is given back (files are read straight into regions): kernel_args is fresh, its
 * timeline keeps what was marked before the attempt, and the attempt can be
 * made again. Errors: those of vfs_open_regular(), vfs_read_exact(),
 * elf_load_kernel_file(), boot_load_module() and
 * platform_prepare_kernel_start(), B_NO_MEMORY.
 */
status_t boot_prepare(const struct boot_request *request, char *error, size_t errorSize);

/*
 * After boot_prepare() succeeded and the caller freed what it holds on the
 * heap: unmount the volumes, copy the log, release the heap and start the
 * kernel. Never returns.
 */
void boot_start_kernel(struct stage2_args *args) __attribute__((noreturn));

/*
 * chainload.c: start a linux or efi entry's file through the port
 * (platform_start_image), its initrds read and concatenated first, and
 * boot counting's try counted (boot_counting.h: its paths may change). Returns
 * only when that is over: B_OK when the executable ran and returned, else
 * why it could not start; error says which, for the menu, either way.
 */
struct config_entry;
status_t chainload_entry(struct config_entry *entry, char *error, size_t errorSize);

/*
 * chainload.c: the entry's device tree, or the firmware's, with the entry's
 * overlays applied (docs/config.md), in a heap buffer; without overlays the
 * entry's file as it is. Call only for an entry with a tree or overlays.
 * Errors, with the reason for the menu: those of reading the files,
 * B_BAD_DATA (a file that is no tree, an overlay that does not apply, no
 * tree to apply overlays to), B_NO_MEMORY.
 */
struct fdt_blob;
status_t chainload_load_device_tree(const struct config_entry *entry, struct fdt_blob *tree,
	char *error, size_t errorSize);

/*
 * boot_video.c, for boot_prepare(): switch to the graphics mode the menu
 * chose, else the one the configuration names, unless the entry asks for
 * fail-safe video. A mode that cannot be set is logged and kept as it is.
 */
void boot_video_select(const struct boot_config *config, uint32_t options,
	int32_t menuMode);

/*
 * boot_video.c, once the configuration is read: switch to the mode the menu
 * is to be drawn in ("resolution", the nearest mode the firmware offers,
 * else the kernel's "video" mode) and start the framebuffer console there,
 * unless "console = text" asks for the text console. ("video = text" only
 * withholds the framebuffer from the kernel.)
 */
void boot_video_start_console(const struct boot_config *config);

/*
 * Whether the kernel is to get no framebuffer: "video = text" and neither
 * a mode from the menu nor fail-safe video.
 */
bool boot_video_text_only(const struct boot_config *config, uint32_t options,
	int32_t menuMode);

#endif
