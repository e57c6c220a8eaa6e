/* SPDX-License-Identifier: MIT */
/*
 * The ACPI MADT (Multiple APIC Description Table, ACPI 6.5 5.2.12): found
 * through the RSDP, checked, and its interrupt controller structures handed
 * one by one to the architecture, which knows what its CPUs' entries mean;
 * the CPUs it names listed once each.
 */
#include "efi_platform.h"

#include <boot/acpi.h>
#include <boot/stdio.h>

/* The header, the local interrupt controller address and the flags. */
#define MADT_ENTRIES_OFFSET		44


/*
 * Hand each interrupt controller structure to cpu_of, with its type and
 * length (at least 2, within the table), and the CPUs it names to list;
 * list may have CPUs of the entries before a bad one.
 */
static status_t
madt_walk(efi_madt_cpu_of cpuOf, struct efi_cpu_list *list)
{
	const struct acpi_rsdp *rsdp = efi_acpi_rsdp();
	if (rsdp == NULL) {
		boot_dprintf("efi: no ACPI tables: no MADT to list the CPUs\n");
		return B_ENTRY_NOT_FOUND;
	}
	bool corrupt = false;
	const struct acpi_table_header *madt = efi_acpi_find_table(rsdp, "APIC",
		MADT_ENTRIES_OFFSET, &corrupt);
	if (madt == NULL) {
		boot_dprintf(corrupt ? "efi: the ACPI MADT or root table is corrupt (length or"
			" checksum)\n" : "efi: the firmware has no ACPI MADT\n");
		return corrupt ? B_BAD_DATA : B_ENTRY_NOT_FOUND;
	}

	const uint8_t *bytes = (const uint8_t *)madt;
	uint32_t offset = MADT_ENTRIES_OFFSET;
	while (offset + 2 <= madt->length) {
		uint8_t type = bytes[offset];
		uint8_t length = bytes[offset + 1];
		if (length < 2 || length > madt->length - offset) {
			boot_dprintf("efi: the ACPI MADT has a bad entry at offset %u (type %u,"
				" length %u)\n", offset, type, length);
			return B_BAD_DATA;
		}
		uint64_t id;
		uint32_t flags;
		if (cpuOf(type, bytes + offset, length, &id, &flags))
			efi_cpu_list_add(list, id, flags);
		offset += length;
	}
	return B_OK;
}


status_t
efi_madt_find_cpus(uint32_t bootOptions, efi_madt_cpu_of cpuOf, struct efi_cpu_list *list)
{
	if ((bootOptions & BOOT_OPTION_DISABLE_ACPI) != 0) {
		boot_dprintf("efi: disable_acpi: the MADT is not read, the boot CPU only\n");
		return B_ENTRY_NOT_FOUND;
	}
	status_t status = madt_walk(cpuOf, list);
	if (status != B_OK) {
		boot_dprintf("efi: no CPU list from the MADT: the boot CPU only\n");
		return status;
	}
	efi_cpu_list_report(list, "the MADT");
	return B_OK;
}
