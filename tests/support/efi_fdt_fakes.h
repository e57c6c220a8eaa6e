/* SPDX-License-Identifier: MIT */
/*
 * What the EFI port's device tree reader (src/system/boot/platform/efi/
 * fdt.c, included just before this file) needs from the rest of the port,
 * for the programs that compile it in (tests/unit/test_fdt.c,
 * tests/fuzz/fuzz_fdt.c): the configuration table holds sFdtTable, logging
 * goes nowhere, and the CPU list keeps what it is handed in order, as
 * cpus.c does, counting what does not fit.
 */
#ifndef TESTS_SUPPORT_EFI_FDT_FAKES_H
#define TESTS_SUPPORT_EFI_FDT_FAKES_H

static const void *sFdtTable;


void *
efi_find_configuration_table(const EFI_GUID *guid)
{
	return (void *)sFdtTable;
}


void
boot_dprintf(const char *format, ...)
{
}


void
efi_cpu_list_add(struct efi_cpu_list *list, uint64_t id, uint32_t flags)
{
	if (list->count == list->max) {
		list->dropped++;
		return;
	}
	list->cpus[list->count].hardware_id = id;
	list->cpus[list->count++].online_capable = flags != EFI_CPU_ENABLED;
}


void
efi_cpu_list_report(const struct efi_cpu_list *list, const char *source)
{
}

#endif
