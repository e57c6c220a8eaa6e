/*
 * The hosted port's entry: the generic loader as a Linux process.
 *
 * boot_loader_host [--memory MIB] [--heap KIB] [--kernel PATH] IMAGE...
 *
 * Each IMAGE is a disk image file that becomes a block device, the first
 * one the boot disk. The process exits 0 when the handed-over kernel_args
 * pass the boot checks, 1 when they do not, 2 when booting failed before.
 */
#include "host_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/platform.h>
#include <boot/stage2.h>

struct host_options gHostOptions = {
	.memory_size = 256u * 1024 * 1024,
};


static void
host_usage(const char *program)
{
	fprintf(stderr, "usage: %s [--memory MIB] [--heap KIB] [--kernel PATH]"
		" IMAGE...\n", program);
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


static void
host_parse_options(int argc, char **argv)
{
	gHostOptions.images = calloc((size_t)argc, sizeof(char *));
	if (gHostOptions.images == NULL)
		exit(2);

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
		} else if (option[0] == '-') {
			host_usage(argv[0]);
		} else {
			gHostOptions.images[gHostOptions.image_count++] = option;
		}
	}
	if (gHostOptions.image_count == 0)
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
	host_parse_options(argc, argv);
	if (console_init() != B_OK)
		return 2;
	if (host_memory_init(gHostOptions.memory_size) != B_OK) {
		fprintf(stderr, "cannot map %zu bytes of simulated memory\n",
			gHostOptions.memory_size);
		return 2;
	}

	struct stage2_args args = {
		.heap_size = gHostOptions.heap_size,
		.kernel_path = gHostOptions.kernel_path,
		.platform = {
			.argc = argc,
			.argv = argv,
		},
	};
	status_t status = boot_main(&args);
	fprintf(stderr, "boot: failed (%s)\n", status_string(status));
	platform_exit(status);
}
