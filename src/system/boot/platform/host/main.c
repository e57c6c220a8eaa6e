/* SPDX-License-Identifier: MIT */
/*
 * The hosted port's entry: the generic loader as a Linux process.
 *
 * boot_loader_host [--memory MIB] [--heap KIB] [--kernel PATH]
 *     [--memory-map FILE] [--cmdline STRING] [--module PATH[:CMDLINE]]...
 *     [--kernel-args-abi newer|older] [--loader-variable NAME=VALUE]...
 *     [--secure-boot enforcing|setup] [--cpus N] [--silent-cpu ID]...
 *     [--serve DIR] [--tpm] [--tpm-log-size BYTES] [--device-tree FILE]
 *     [--dump-device-tree FILE] [--fix-up-device-tree BYTES|refuse]
 *     [--video-modes WxH[xBPP][+PAD],...] [--screenshots PREFIX]
 *     [[--block-size BYTES] IMAGE]...
 *
 * Each IMAGE is a disk image file that becomes a block device, the first
 * one the boot disk. --block-size gives the sector size of the images after
 * it (512 to 65536); without it an image whose GPT header is at byte 4096
 * is a 4Kn disk, any other has 512-byte sectors. FILE replaces the simulated firmware memory map (see
 * firmware_map.c and docs/porting.md). The process exits 0 when the handed-over kernel_args
 * pass the boot checks, 1 when they do not, 2 when booting failed before
 * (and the console input closed in the menu), 3, 4 and 5 when the boot menu
 * asked to reboot, to power off or to reboot into the firmware setup.
 * --kernel and --cmdline are the kernel and its command line, each --module
 * names a file on the volumes (loader path syntax) to preload, with its
 * command line after the first colon: they make up the entry booted when
 * the disks hold no configuration file (docs/config.md). The boot menu
 * reads keys from stdin and draws on stdout; when stdout is not a terminal,
 * as plain text with one line per screen line. --kernel-args-abi makes the
 * handed-over kernel_args look like those of a newer loader (a higher
 * version, fields appended) or of a version 1 loader, for the tests of the
 * compatibility rule (docs/kernel_args.md). Each --loader-variable is a
 * Boot Loader Interface variable the loader finds set (variables.c).
 * --secure-boot is the firmware's Secure Boot state the loader is told
 * (secure_boot.c; off without it). --cpus simulates a machine of N CPUs
 * (1 to 256, hardware ids 0 to N - 1, the boot CPU 0), listed as an ACPI
 * MADT would list them or, where the kernel gets a device tree, as its
 * /cpus does, and --silent-cpu makes the CPU of that id never answer its
 * start-up (smp.c); without --cpus the port starts no CPUs. --serve
 * makes DIR the file server the loader was started from, as in a network
 * boot (server.c): the boot volume "net0", ahead of the images, which may
 * then be left out. --tpm gives the machine a TPM 2.0 to measure the boot
 * into (tpm.c), --tpm-log-size one whose event log holds only that many
 * bytes. --device-tree is the flattened device tree the firmware gives
 * (device_tree.c; kernel_args names it at the top megabyte's first half,
 * where the default map's ACPI tables are), --dump-device-tree where the
 * tree handed to another system's image is written (image.c);
 * --fix-up-device-tree gives the firmware U-Boot's fix-up of the trees
 * the loader makes for its own kernel, which grows a tree by BYTES, or
 * refuses it (device_tree.c). --video-modes gives the machine a graphics
 * output with these modes, the first one current (video.c): BPP is 32
 * (BGRX, the default), 24 (BGR) or 16 (RGB 565), PAD pixels a line holds
 * past the width; without it the machine has no graphics. --screenshots
 * writes the framebuffer's screens to PREFIX-1.ppm, PREFIX-2.ppm and on
 * (screenshots.c).
 */
#include "host_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/platform.h>
#include <boot/stage2.h>
#include <boot/timeline.h>

struct host_options gHostOptions = {
	.memory_size = 256u * 1024 * 1024,
};

static const char *sCommandLine;
static struct stage2_module *sModules;
static size_t sModuleCount;


static void
host_usage(const char *program)
{
	fprintf(stderr, "usage: %s [--memory MIB] [--heap KIB] [--kernel PATH]"
		" [--memory-map FILE] [--cmdline STRING] [--module PATH[:CMDLINE]]..."
		" [--kernel-args-abi newer|older] [--loader-variable NAME=VALUE]..."
		" [--cpus N] [--silent-cpu ID]..."
		" [--secure-boot enforcing|setup] [--serve DIR] [--tpm] [--tpm-log-size BYTES]"
		" [--device-tree FILE] [--dump-device-tree FILE]"
		" [--fix-up-device-tree BYTES|refuse]"
		" [--video-modes WxH[xBPP][+PAD],...] [--screenshots PREFIX]"
		" [[--block-size BYTES] IMAGE]...\n", program);
	exit(2);
}


static size_t
host_size_option(const char *program, const char *value, size_t unit)
{
	char *end;
	unsigned long long number = strtoull(value, &end, 10);
	if (*value == '\0' || *end != '\0' || number == 0
			|| number > SIZE_MAX / unit)
		host_usage(program);
	return (size_t)number * unit;
}


/* "PATH[:CMDLINE]": the path ends at the first colon. */
static void
host_add_module(const char *value)
{
	const char *colon = strchr(value, ':');
	struct stage2_module *module = &sModules[sModuleCount++];
	module->path = colon != NULL ? strndup(value, (size_t)(colon - value)) : value;
	module->command_line = colon != NULL ? colon + 1 : NULL;
	if (module->path == NULL)
		exit(2);
}


static void
host_parse_options(int argc, char **argv)
{
	gHostOptions.images = calloc((size_t)argc, sizeof(char *));
	gHostOptions.block_sizes = calloc((size_t)argc, sizeof(uint32_t));
	sModules = calloc((size_t)argc, sizeof(struct stage2_module));
	if (gHostOptions.images == NULL || gHostOptions.block_sizes == NULL || sModules == NULL)
		exit(2);
	uint32_t blockSize = 0;

	for (int i = 1; i < argc; i++) {
		const char *option = argv[i];
		bool hasValue = i + 1 < argc;
		if (strcmp(option, "--memory") == 0 && hasValue) {
			gHostOptions.memory_size = host_size_option(argv[0], argv[++i],
				1024 * 1024);
		} else if (strcmp(option, "--heap") == 0 && hasValue) {
			gHostOptions.heap_size = host_size_option(argv[0], argv[++i], 1024);
		} else if (strcmp(option, "--kernel") == 0 && hasValue) {
			gHostOptions.kernel_path = argv[++i];
		} else if (strcmp(option, "--memory-map") == 0 && hasValue) {
			gHostOptions.memory_map_path = argv[++i];
		} else if (strcmp(option, "--cmdline") == 0 && hasValue) {
			sCommandLine = argv[++i];
		} else if (strcmp(option, "--module") == 0 && hasValue) {
			host_add_module(argv[++i]);
		} else if (strcmp(option, "--kernel-args-abi") == 0 && hasValue) {
			const char *abi = argv[++i];
			if (strcmp(abi, "newer") == 0)
				gHostOptions.kernel_args_abi = HOST_ABI_NEWER;
			else if (strcmp(abi, "older") == 0)
				gHostOptions.kernel_args_abi = HOST_ABI_OLDER;
			else
				host_usage(argv[0]);
		} else if (strcmp(option, "--loader-variable") == 0 && hasValue) {
			if (!host_add_loader_variable(argv[++i]))
				host_usage(argv[0]);
		} else if (strcmp(option, "--secure-boot") == 0 && hasValue) {
			const char *state = argv[++i];
			if (strcmp(state, "enforcing") == 0)
				gHostOptions.secure_boot = PLATFORM_SECURE_BOOT_ENFORCING;
			else if (strcmp(state, "setup") == 0)
				gHostOptions.secure_boot = PLATFORM_SECURE_BOOT_SETUP;
			else
				host_usage(argv[0]);
		} else if (strcmp(option, "--cpus") == 0 && hasValue) {
			size_t cpus = host_size_option(argv[0], argv[++i], 1);
			if (cpus < 1 || cpus > HOST_MAX_CPUS)
				host_usage(argv[0]);
			gHostOptions.cpus = (uint32_t)cpus;
		} else if (strcmp(option, "--silent-cpu") == 0 && hasValue) {
			size_t id = host_size_option(argv[0], argv[++i], 1);
			if (id >= HOST_MAX_CPUS)
				host_usage(argv[0]);
			gHostOptions.silent_cpus[id] = true;
		} else if (strcmp(option, "--tpm") == 0) {
			gHostOptions.tpm_log_size = HOST_TPM_MAX_LOG_SIZE;
		} else if (strcmp(option, "--tpm-log-size") == 0 && hasValue) {
			size_t size = host_size_option(argv[0], argv[++i], 1);
			if (size < HOST_TPM_MIN_LOG_SIZE || size > HOST_TPM_MAX_LOG_SIZE)
				host_usage(argv[0]);
			gHostOptions.tpm_log_size = size;
		} else if (strcmp(option, "--device-tree") == 0 && hasValue) {
			gHostOptions.device_tree_path = argv[++i];
		} else if (strcmp(option, "--dump-device-tree") == 0 && hasValue) {
			gHostOptions.device_tree_dump = argv[++i];
		} else if (strcmp(option, "--fix-up-device-tree") == 0 && hasValue) {
			const char *value = argv[++i];
			gHostOptions.device_tree_refused = strcmp(value, "refuse") == 0;
			if (!gHostOptions.device_tree_refused)
				gHostOptions.device_tree_growth = host_size_option(argv[0], value, 1);
		} else if (strcmp(option, "--video-modes") == 0 && hasValue) {
			if (!host_video_add_modes(argv[++i]))
				host_usage(argv[0]);
		} else if (strcmp(option, "--screenshots") == 0 && hasValue) {
			host_screenshots_start(argv[++i]);
		} else if (strcmp(option, "--serve") == 0 && hasValue) {
			gHostOptions.serve_root = argv[++i];
		} else if (strcmp(option, "--block-size") == 0 && hasValue) {
			size_t size = host_size_option(argv[0], argv[++i], 1);
			/* What disks have: 512 to 64 KiB, a power of two. */
			if (size < 512 || size > 65536 || (size & (size - 1)) != 0)
				host_usage(argv[0]);
			blockSize = (uint32_t)size;
		} else if (option[0] == '-') {
			host_usage(argv[0]);
		} else {
			gHostOptions.block_sizes[gHostOptions.image_count] = blockSize;
			gHostOptions.images[gHostOptions.image_count++] = option;
		}
	}
	if (gHostOptions.image_count == 0 && gHostOptions.serve_root == NULL)
		host_usage(argv[0]);
}


void
platform_exit(status_t status)
{
	host_console_restore();
	exit(status == B_OK ? 0 : 2);
}


int
main(int argc, char **argv)
{
	timeline_mark("loader entry", 0);
	host_parse_options(argc, argv);
	if (console_init() != B_OK)
		return 2;
	timeline_mark("console ready", 0);
	status_t status = host_memory_init(gHostOptions.memory_size,
		gHostOptions.memory_map_path);
	if (status == B_NO_MEMORY || status == B_BAD_VALUE) {
		fprintf(stderr, "cannot map %zu bytes of simulated memory\n",
			gHostOptions.memory_size);
		return 2;
	}
	/* A memory map file that cannot be used has been reported. */
	if (status != B_OK)
		return 2;

	struct stage2_args args = {
		.heap_size = gHostOptions.heap_size,
		.kernel_path = gHostOptions.kernel_path,
		.command_line = sCommandLine,
		.modules = sModules,
		.module_count = sModuleCount,
		.platform = {
			.argc = argc,
			.argv = argv,
		},
	};
	status = boot_main(&args);
	fprintf(stderr, "boot: failed (%s)\n", status_string(status));
	platform_exit(status);
}
