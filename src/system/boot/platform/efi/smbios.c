/* SPDX-License-Identifier: MIT */
/*
 * The SMBIOS entry points from the EFI configuration table, validated, for
 * the kernel.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/smbios.h>
#include <boot/stdio.h>

/*
 * The length byte may grow in later versions, but never past this. The
 * loader's own bound, not the spec's: the boot checker keeps one of its own.
 */
#define SMBIOS_MAX_ENTRY_LENGTH		0x40


static const char *
smbios_entry_problem(const struct smbios_entry_point *entry)
{
	if (memcmp(entry->anchor, SMBIOS_ANCHOR, sizeof(entry->anchor)) != 0)
		return "bad anchor";
	if (entry->length < SMBIOS_ENTRY_LENGTH || entry->length > SMBIOS_MAX_ENTRY_LENGTH)
		return "bad length";
	if (efi_byte_sum(entry, entry->length) != 0)
		return "bad checksum";
	if (memcmp(entry->intermediate_anchor, SMBIOS_INTERMEDIATE_ANCHOR,
			sizeof(entry->intermediate_anchor)) != 0)
		return "bad intermediate anchor";
	if (efi_byte_sum((const uint8_t *)entry + SMBIOS_INTERMEDIATE_OFFSET,
			SMBIOS_INTERMEDIATE_LENGTH) != 0)
		return "bad intermediate checksum";
	return NULL;
}


static const char *
smbios3_entry_problem(const struct smbios3_entry_point *entry)
{
	if (memcmp(entry->anchor, SMBIOS3_ANCHOR, sizeof(entry->anchor)) != 0)
		return "bad anchor";
	if (entry->length < SMBIOS3_ENTRY_LENGTH || entry->length > SMBIOS_MAX_ENTRY_LENGTH)
		return "bad length";
	if (efi_byte_sum(entry, entry->length) != 0)
		return "bad checksum";
	return NULL;
}


void
efi_smbios_init(kernel_args *args)
{
	static EFI_GUID sSmbiosGuid = SMBIOS_TABLE_GUID;
	static EFI_GUID sSmbios3Guid = SMBIOS3_TABLE_GUID;

	args->smbios_entry = 0;
	args->smbios3_entry = 0;

	const struct smbios_entry_point *entry = efi_find_configuration_table(&sSmbiosGuid);
	if (entry != NULL) {
		const char *problem = smbios_entry_problem(entry);
		if (problem == NULL) {
			args->smbios_entry = (uint64_t)(uintptr_t)entry;
			boot_dprintf("efi: SMBIOS %u.%u entry point at %p, table %#x (%u bytes,"
				" %u structures)\n", entry->major_version, entry->minor_version,
				(const void *)entry, entry->table_address, entry->table_length,
				entry->structure_count);
		} else {
			boot_dprintf("efi: ignoring the SMBIOS entry point at %p: %s\n",
				(const void *)entry, problem);
		}
	}

	const struct smbios3_entry_point *entry3 = efi_find_configuration_table(&sSmbios3Guid);
	if (entry3 != NULL) {
		const char *problem = smbios3_entry_problem(entry3);
		if (problem == NULL) {
			args->smbios3_entry = (uint64_t)(uintptr_t)entry3;
			boot_dprintf("efi: SMBIOS3 %u.%u entry point at %p, table %#llx (at most %u"
				" bytes)\n", entry3->major_version, entry3->minor_version,
				(const void *)entry3, (unsigned long long)entry3->table_address,
				entry3->table_max_size);
		} else {
			boot_dprintf("efi: ignoring the SMBIOS3 entry point at %p: %s\n",
				(const void *)entry3, problem);
		}
	}

	if (args->smbios_entry == 0 && args->smbios3_entry == 0)
		boot_dprintf("efi: no valid SMBIOS entry point\n");
}
