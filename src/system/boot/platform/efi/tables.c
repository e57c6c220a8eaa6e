/* SPDX-License-Identifier: MIT */
/*
 * The firmware's configuration tables: lookup by GUID and the byte sums that
 * ACPI and SMBIOS structures are validated with.
 */
#include "efi_platform.h"

#include <string.h>


void *
efi_find_configuration_table(const EFI_GUID *guid)
{
	for (UINTN i = 0; i < gSystemTable->NumberOfTableEntries; i++) {
		const EFI_CONFIGURATION_TABLE *table = &gSystemTable->ConfigurationTable[i];
		if (memcmp(&table->VendorGuid, guid, sizeof(EFI_GUID)) == 0)
			return table->VendorTable;
	}
	return NULL;
}


uint8_t
efi_byte_sum(const void *data, size_t length)
{
	const uint8_t *bytes = data;
	uint8_t sum = 0;
	for (size_t i = 0; i < length; i++)
		sum += bytes[i];
	return sum;
}
