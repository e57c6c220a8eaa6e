/* SPDX-License-Identifier: MIT */
/*
 * The ACPI MADT (Multiple APIC Description Table, ACPI 6.5 5.2.12): found
 * through the RSDP, checked, and its interrupt controller structures handed
 * one by one to the architecture, which knows what its CPUs' entries mean.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/acpi.h>
#include <boot/stdio.h>

/* The header, the local interrupt controller address and the flags. */
#define MADT_ENTRIES_OFFSET		44
/* Far beyond any real table: a longer one is garbage. */
#define MADT_MAX_LENGTH			(1u << 20)


/* A little-endian number of size bytes; ACPI's fields need not be aligned. */
static uint64_t
madt_le(const uint8_t *bytes, uint32_t size)
{
	uint64_t value = 0;
	while (size-- > 0)
		value = value << 8 | bytes[size];
	return value;
}


/* The table at physical when its length (at least minLength) and checksum hold. */
static const struct acpi_table_header *
madt_checked(uint64_t physical, uint32_t minLength)
{
	const struct acpi_table_header *table = (const void *)(uintptr_t)physical;
	if (table == NULL || table->length < minLength || table->length > MADT_MAX_LENGTH
		|| efi_byte_sum(table, table->length) != 0)
		return NULL;
	return table;
}


/* The "APIC" table among the root table's entries, or NULL; *_corrupt when it was bad. */
static const struct acpi_table_header *
madt_find(const struct acpi_rsdp *rsdp, bool *_corrupt)
{
	bool extended = rsdp->revision >= 2;
	const struct acpi_table_header *root = madt_checked(
		extended ? rsdp->xsdt_address : rsdp->rsdt_address, ACPI_TABLE_HEADER_LENGTH);
	if (root == NULL) {
		*_corrupt = true;
		return NULL;
	}
	uint32_t entrySize = extended ? 8 : 4;
	const uint8_t *entries = (const uint8_t *)root + ACPI_TABLE_HEADER_LENGTH;
	uint32_t count = (root->length - ACPI_TABLE_HEADER_LENGTH) / entrySize;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t address = madt_le(entries + entrySize * i, entrySize);
		const struct acpi_table_header *table = (const void *)(uintptr_t)address;
		if (table == NULL || memcmp(table->signature, "APIC", 4) != 0)
			continue;
		table = madt_checked(address, MADT_ENTRIES_OFFSET);
		*_corrupt = table == NULL;
		return table;
	}
	return NULL;
}


status_t
efi_madt_walk(efi_madt_visit visit, void *cookie)
{
	const struct acpi_rsdp *rsdp = efi_acpi_rsdp();
	if (rsdp == NULL) {
		boot_dprintf("efi: no ACPI tables: no MADT to list the CPUs\n");
		return B_ENTRY_NOT_FOUND;
	}
	bool corrupt = false;
	const struct acpi_table_header *madt = madt_find(rsdp, &corrupt);
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
