/* SPDX-License-Identifier: MIT */
/*
 * What the EFI port's table readers (fdt.c; acpi.c, madt.c and spcr.c), its
 * device tree fix-up (device_tree.c) and its TFTP client (net.c), included
 * just before this file, need from the rest of the port, for the programs
 * that compile them in (tests/unit/test_fdt.c, test_acpi.c,
 * test_efi_device_tree.c, test_net.c, tests/fuzz/fuzz_fdt.c,
 * fuzz_acpi.c): the firmware's configuration table
 * holds what the test put in sConfigurationTables, the log is kept in sLog
 * (boot_log.h), and the CPU list is the port's own (cpu_list.c).
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

/* The port's own list of CPUs, which the table readers fill. */
#include "../../src/system/boot/platform/efi/cpu_list.c"

#endif
