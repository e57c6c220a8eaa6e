/* SPDX-License-Identifier: MIT */
/*
 * The ACPI MADT (Multiple APIC Description Table, ACPI 6.5 5.2.12): found
 * through the RSDP, checked, and its interrupt controller structures handed
 * one by one to the architecture, which knows what its CPUs' entries mean.
 */
#include "efi_platform.h"

#include <boot/acpi.h>
#include <boot/stdio.h>

/* The header, the local interrupt controller address and the flags. */
#define MADT_ENTRIES_OFFSET		44


status_t
efi_madt_walk(efi_madt_visit visit, void *cookie)
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
		visit(cookie, type, bytes + offset, length);
		offset += length;
	}
	return B_OK;
}
