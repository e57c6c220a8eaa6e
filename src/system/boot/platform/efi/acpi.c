/* SPDX-License-Identifier: MIT */
/*
 * The ACPI root pointer (RSDP) from the EFI configuration table, validated,
 * for the kernel; and the tables under it that the port reads itself (the
 * MADT, the SPCR), each checked before it is believed.
 */
#include "efi_platform.h"

#include <stdbool.h>
#include <string.h>

#include <boot/acpi.h>
#include <boot/stdio.h>

/*
 * Longer than any revision so far: a length beyond it is garbage. The
 * loader's own bound, not the spec's: the boot checker keeps one of its own.
 */
#define RSDP_MAX_LENGTH		4096
/* Far beyond any real table: a longer one is garbage. */
#define TABLE_MAX_LENGTH	(1u << 20)


/* Why rsdp cannot be handed over, or NULL when it can. */
static const char *
acpi_rsdp_problem(const struct acpi_rsdp *rsdp, bool fromAcpi20Guid)
{
	if (memcmp(rsdp->signature, ACPI_RSDP_SIGNATURE, sizeof(rsdp->signature)) != 0)
		return "bad signature";
	if (efi_byte_sum(rsdp, ACPI_RSDP_V1_LENGTH) != 0)
		return "bad checksum";
	if (rsdp->revision < 2) {
		/* The ACPI 2.0 GUID promises an XSDT. */
		if (fromAcpi20Guid)
			return "revision below 2";
		return rsdp->rsdt_address == 0 ? "no RSDT" : NULL;
	}
	if (rsdp->length < ACPI_RSDP_V2_LENGTH || rsdp->length > RSDP_MAX_LENGTH)
		return "bad length";
	if (efi_byte_sum(rsdp, rsdp->length) != 0)
		return "bad extended checksum";
	if (rsdp->xsdt_address == 0)
		return "no XSDT";
	return NULL;
}


/* The RSDP that guid names when it is usable, else NULL (and why, logged). */
static const struct acpi_rsdp *
acpi_find(EFI_GUID *guid, const char *name, bool fromAcpi20Guid)
{
	const struct acpi_rsdp *rsdp = efi_find_configuration_table(guid);
	if (rsdp == NULL)
		return NULL;

	const char *problem = acpi_rsdp_problem(rsdp, fromAcpi20Guid);
	if (problem != NULL) {
		boot_dprintf("efi: ignoring the %s RSDP at %p: %s\n", name, (const void *)rsdp,
			problem);
		return NULL;
	}
	return rsdp;
}


const struct acpi_rsdp *
efi_acpi_rsdp(void)
{
	static EFI_GUID sAcpi20Guid = ACPI_20_TABLE_GUID;
	static EFI_GUID sAcpi10Guid = ACPI_TABLE_GUID;

	/* Firmware often lists both; the 2.0 one leads to the 64-bit XSDT. */
	const struct acpi_rsdp *rsdp = acpi_find(&sAcpi20Guid, "ACPI 2.0", true);
	if (rsdp == NULL)
		rsdp = acpi_find(&sAcpi10Guid, "ACPI 1.0", false);
	return rsdp;
}


uint64_t
efi_acpi_le(const uint8_t *bytes, uint32_t size)
{
	uint64_t value = 0;
	while (size-- > 0)
		value = value << 8 | bytes[size];
	return value;
}


/* The table at physical when its length (at least minLength) and checksum hold. */
static const struct acpi_table_header *
acpi_checked_table(uint64_t physical, uint32_t minLength)
{
	const struct acpi_table_header *table = (const void *)(uintptr_t)physical;
	if (table == NULL || table->length < minLength || table->length > TABLE_MAX_LENGTH
		|| efi_byte_sum(table, table->length) != 0)
		return NULL;
	return table;
}


const struct acpi_table_header *
efi_acpi_find_table(const struct acpi_rsdp *rsdp, const char signature[4],
	uint32_t minLength, bool *_corrupt)
{
	bool corrupt = false;
	bool extended = rsdp->revision >= 2;
	const struct acpi_table_header *root = acpi_checked_table(
		extended ? rsdp->xsdt_address : rsdp->rsdt_address, ACPI_TABLE_HEADER_LENGTH);
	const struct acpi_table_header *found = NULL;
	if (root == NULL)
		corrupt = true;
	else {
		/* The root's entries: 8-byte addresses in the XSDT, 4-byte ones in the RSDT. */
		uint32_t entrySize = extended ? 8 : 4;
		const uint8_t *entries = (const uint8_t *)root + ACPI_TABLE_HEADER_LENGTH;
		uint32_t count = (root->length - ACPI_TABLE_HEADER_LENGTH) / entrySize;
		for (uint32_t i = 0; i < count; i++) {
			uint64_t address = efi_acpi_le(entries + entrySize * i, entrySize);
			const struct acpi_table_header *table = (const void *)(uintptr_t)address;
			if (table == NULL || memcmp(table->signature, signature, 4) != 0)
				continue;
			found = acpi_checked_table(address, minLength);
			corrupt = found == NULL;
			break;
		}
	}
	if (_corrupt != NULL)
		*_corrupt = corrupt;
	return found;
}


void
efi_acpi_init(kernel_args *args)
{
	args->acpi_rsdp = 0;
	args->acpi_revision = 0;
	const struct acpi_rsdp *rsdp = efi_acpi_rsdp();
	if (rsdp == NULL) {
		boot_dprintf("efi: no valid ACPI RSDP: the kernel gets no ACPI tables\n");
		return;
	}

	args->acpi_rsdp = (uint64_t)(uintptr_t)rsdp;
	args->acpi_revision = rsdp->revision;
	if (rsdp->revision >= 2) {
		boot_dprintf("efi: ACPI RSDP at %p, revision %u, OEM \"%.6s\", XSDT %#llx\n",
			(const void *)rsdp, rsdp->revision, rsdp->oem_id,
			(unsigned long long)rsdp->xsdt_address);
	} else {
		boot_dprintf("efi: ACPI RSDP at %p, revision %u, OEM \"%.6s\", RSDT %#x\n",
			(const void *)rsdp, rsdp->revision, rsdp->oem_id, rsdp->rsdt_address);
	}
}
