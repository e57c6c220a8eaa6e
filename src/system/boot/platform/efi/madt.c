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

typedef void (*madt_visit)(void *cookie, uint8_t type, const uint8_t *entry,
	uint8_t length);

struct madt_cpus {
	efi_madt_cpu_of		cpu_of;
	struct efi_cpu_list	*list;
};


/*
 * Hand each interrupt controller structure to visit, with its type and
 * length (at least 2, within the table). visit may have seen the entries
 * before a bad one.
 */
static status_t
madt_walk(madt_visit visit, void *cookie)
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


static void
madt_visit_cpu(void *cookie, uint8_t type, const uint8_t *entry, uint8_t length)
{
	struct madt_cpus *found = cookie;
	uint64_t id;
	uint32_t flags;
	if (found->cpu_of(type, entry, length, &id, &flags))
		efi_cpu_list_add(found->list, id, flags);
}


status_t
efi_madt_find_cpus(uint32_t bootOptions, efi_madt_cpu_of cpuOf, struct efi_cpu_list *list)
{
	if ((bootOptions & BOOT_OPTION_DISABLE_ACPI) != 0) {
		boot_dprintf("efi: disable_acpi: the MADT is not read, the boot CPU only\n");
		return B_ENTRY_NOT_FOUND;
	}
	struct madt_cpus found = { .cpu_of = cpuOf, .list = list };
	status_t status = madt_walk(madt_visit_cpu, &found);
	if (status != B_OK) {
		boot_dprintf("efi: no CPU list from the MADT: the boot CPU only\n");
		return status;
	}
	efi_cpu_list_report(list, "the MADT");
	return B_OK;
}
