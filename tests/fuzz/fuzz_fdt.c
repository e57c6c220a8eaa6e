/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the device tree reader (src/system/boot/loader/
 * fdt_view.c, fdt_cpus.c) as the EFI port uses it (platform/efi/fdt.c),
 * whose blob is the firmware's: the reader must read every tree, or refuse
 * it, without reading past its end.
 * The input is the blob with its size field made the input's size, since
 * the firmware's size is all the reader has to go by. The target aborts
 * when a promise of efi_platform.h is broken: a status out of place, more
 * CPUs than room, a CPU without a release address or with one no aligned
 * word is at, or a tree handed to the kernel that was not the input.
 * The port's file is compiled right into it with gnu-efi's headers, as in
 * tests/unit/test_fdt.c.
 */
#include <stdarg.h>
#include <stdlib.h>

#include <boot/fdt_header.h>

#include "../../src/system/boot/platform/efi/fdt.c"
#include "../../src/system/boot/platform/efi/tables.c"
#include "../support/efi_port_fakes.h"

#define MAX_CPUS	8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
check(int condition)
{
	if (!condition)
		abort();
}


/* --- the target ------------------------------------------------------------ */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < FDT_HEADER_SIZE || size > FDT_VIEW_ANY_SIZE)
		return 0;
	/* Exactly the input's bytes, so that the sanitizer sees any read past them. */
	uint8_t *blob = malloc(size);
	check(blob != NULL);
	memcpy(blob, data, size);
	blob[4] = (uint8_t)(size >> 24);
	blob[5] = (uint8_t)(size >> 16);
	blob[6] = (uint8_t)(size >> 8);
	blob[7] = (uint8_t)size;
	void *table = blob;
	fakes_set_tables(1, &sDtbGuid, &table);
	boot_log_clear();

	kernel_args args;
	memset(&args, 0, sizeof(args));
	efi_fdt_init(&args);
	check(args.device_tree == 0
		|| (args.device_tree == (uint64_t)(uintptr_t)blob && args.device_tree_size == size));

	struct efi_uart uart;
	memset(&uart, 0, sizeof(uart));
	if (efi_fdt_uart(&uart)) {
		check(uart.kind == EFI_UART_PL011 || uart.kind == EFI_UART_16550_MMIO32);
		check(args.device_tree != 0);
	}

	struct platform_cpu cpus[MAX_CPUS];
	uint64_t releases[MAX_CPUS];
	memset(releases, 0xff, sizeof(releases));
	struct efi_cpu_list list = { .cpus = cpus, .max = MAX_CPUS,
		.release_addresses = releases };
	status_t status = efi_fdt_find_cpus(NULL, &list);
	check(status == B_OK || status == B_ENTRY_NOT_FOUND || status == B_BAD_DATA);
	check(list.count <= MAX_CPUS);
	/*
	 * The device tree names no CPU only online capable; each listed CPU has
	 * a spin-table release address an aligned word is at, or none.
	 */
	for (uint32_t i = 0; i < list.count; i++) {
		check(!cpus[i].online_capable);
		check((releases[i] & 7) == 0);
	}
	check(status != B_OK || args.device_tree != 0);

	bool hvc = false;
	status = efi_fdt_psci_method(NULL, &hvc);
	check(status == B_OK || status == B_NOT_SUPPORTED);

	free(blob);
	return 0;
}
