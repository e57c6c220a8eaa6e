/* SPDX-License-Identifier: MIT */
/*
 * What the EFI port's table readers (fdt.c; acpi.c, madt.c and spcr.c), its
 * device tree fix-up (device_tree.c) and its TFTP client (net.c), included
 * just before this file, need from the rest of the port, for the programs
 * that compile them in (tests/unit/test_fdt.c, test_acpi.c,
 * test_efi_device_tree.c, test_net.c, tests/fuzz/fuzz_fdt.c,
 * fuzz_acpi.c): the firmware's configuration table
 * holds what the test put in sConfigurationTables, the log is kept in sLog
 * (boot_log.h), and the CPU list keeps what it is handed in order, as
 * cpus.c does, counting what does not fit.
 */
#ifndef TESTS_SUPPORT_EFI_PORT_FAKES_H
#define TESTS_SUPPORT_EFI_PORT_FAKES_H

#include <string.h>

#include <boot/platform.h>

#include "boot_log.h"

static EFI_CONFIGURATION_TABLE sConfigurationTables[4];
static EFI_SYSTEM_TABLE sFakeSystemTable = {
	.ConfigurationTable = sConfigurationTables,
};
EFI_SYSTEM_TABLE *gSystemTable = &sFakeSystemTable;

/* The firmware's configuration tables become the given GUIDs and tables. */
static inline void
fakes_set_tables(unsigned count, const EFI_GUID *guids, void *const *tables)
{
	for (unsigned i = 0; i < count; i++) {
		sConfigurationTables[i].VendorGuid = guids[i];
		sConfigurationTables[i].VendorTable = tables[i];
	}
	sFakeSystemTable.NumberOfTableEntries = count;
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
