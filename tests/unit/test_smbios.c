/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's SMBIOS reader (src/system/boot/platform/
 * efi/smbios.c), compiled right into this test with gnu-efi's headers:
 * which of the firmware's 2.x and 3.0 entry points the kernel is handed,
 * and why one is not. QEMU's firmware only ever offers good ones.
 */
#include <stdbool.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/smbios.c"
#include "../../src/system/boot/platform/efi/tables.c"
#include "../support/efi_port_fakes.h"

#include "unit_test.h"

static EFI_GUID sSmbiosGuid = SMBIOS_TABLE_GUID;
static EFI_GUID sSmbios3Guid = SMBIOS3_TABLE_GUID;

/* Room past each entry point for a longer length than the structure's. */
static uint8_t sEntry[SMBIOS_MAX_ENTRY_LENGTH + 1];
static uint8_t sEntry3[SMBIOS_MAX_ENTRY_LENGTH + 1];
static kernel_args sArgs;


static void
fix_checksum(uint8_t *bytes, size_t length, uint8_t *checksum)
{
	*checksum = 0;
	*checksum = (uint8_t)-efi_byte_sum(bytes, length);
}


/* A 2.8 entry point (length 0x1f) and a 3.3 one (0x18), both consistent. */
static void
build(void)
{
	memset(sEntry, 0, sizeof(sEntry));
	memset(sEntry3, 0, sizeof(sEntry3));
	struct smbios_entry_point *entry = (struct smbios_entry_point *)sEntry;
	memcpy(entry->anchor, SMBIOS_ANCHOR, 4);
	entry->length = SMBIOS_ENTRY_LENGTH;
	entry->major_version = 2;
	entry->minor_version = 8;
	memcpy(entry->intermediate_anchor, SMBIOS_INTERMEDIATE_ANCHOR, 5);
	entry->table_length = 0x120;
	entry->table_address = 0xf0000;
	entry->structure_count = 9;
	fix_checksum(sEntry + SMBIOS_INTERMEDIATE_OFFSET, SMBIOS_INTERMEDIATE_LENGTH,
		&entry->intermediate_checksum);
	fix_checksum(sEntry, entry->length, &entry->checksum);

	struct smbios3_entry_point *entry3 = (struct smbios3_entry_point *)sEntry3;
	memcpy(entry3->anchor, SMBIOS3_ANCHOR, 5);
	entry3->length = SMBIOS3_ENTRY_LENGTH;
	entry3->major_version = 3;
	entry3->minor_version = 3;
	entry3->table_max_size = 0x200;
	entry3->table_address = 0x7f000000;
	fix_checksum(sEntry3, entry3->length, &entry3->checksum);

	EFI_GUID guids[2] = { sSmbiosGuid, sSmbios3Guid };
	void *tables[2] = { sEntry, sEntry3 };
	fakes_set_tables(2, guids, tables);
	memset(&sArgs, 0, sizeof(sArgs));
	sArgs.smbios_entry = 1;
	sArgs.smbios3_entry = 1;
	boot_log_clear();
}


/* Both entry points handed over, or the one named refused for reason. */
static void
expect(bool entry, bool entry3, const char *reason, int line)
{
	efi_smbios_init(&sArgs);
	if (sArgs.smbios_entry != (entry ? (uint64_t)(uintptr_t)sEntry : 0)
		|| sArgs.smbios3_entry != (entry3 ? (uint64_t)(uintptr_t)sEntry3 : 0)
		|| (reason != NULL && strstr(sLog, reason) == NULL)
		|| (strstr(sLog, "no valid SMBIOS") != NULL) != (!entry && !entry3)) {
		unit_fail(__FILE__, line, "entry %#llx, entry3 %#llx, log:\n%s",
			(unsigned long long)sArgs.smbios_entry,
			(unsigned long long)sArgs.smbios3_entry, sLog);
	}
}


TEST(both_good_entry_points_are_handed_over)
{
	build();
	expect(true, true, "efi: SMBIOS 2.8 entry point at ", __LINE__);
	CHECK(strstr(sLog, "table 0xf0000 (288 bytes, 9 structures)") != NULL);
	CHECK(strstr(sLog, "efi: SMBIOS3 3.3 entry point at ") != NULL);
	CHECK(strstr(sLog, "table 0x7f000000 (at most 512 bytes)") != NULL);
}


TEST(no_entry_point_says_so)
{
	build();
	fakes_set_tables(0, NULL, NULL);
	expect(false, false, "efi: no valid SMBIOS entry point", __LINE__);
}


TEST(a_damaged_2x_entry_point_is_ignored_with_its_reason)
{
	struct smbios_entry_point *entry = (struct smbios_entry_point *)sEntry;
	build();
	entry->anchor[3] = '-';
	fix_checksum(sEntry, entry->length, &entry->checksum);
	expect(false, true, "ignoring the SMBIOS entry point at ", __LINE__);
	CHECK(strstr(sLog, ": bad anchor\n") != NULL);

	build();
	entry->checksum++;
	expect(false, true, ": bad checksum\n", __LINE__);

	/* The checksum covers the length the entry point gives, up to its last byte. */
	build();
	entry->bcd_revision = 0x28;
	expect(false, true, ": bad checksum\n", __LINE__);

	build();
	entry->intermediate_anchor[4] = '-';
	fix_checksum(sEntry, entry->length, &entry->checksum);
	expect(false, true, ": bad intermediate anchor\n", __LINE__);

	build();
	entry->table_address++;
	entry->checksum--;
	expect(false, true, ": bad intermediate checksum\n", __LINE__);
	build();
	entry->bcd_revision = 0x28;
	fix_checksum(sEntry, entry->length, &entry->checksum);
	expect(false, true, ": bad intermediate checksum\n", __LINE__);
}


TEST(a_2x_entry_point_of_another_length)
{
	struct smbios_entry_point *entry = (struct smbios_entry_point *)sEntry;
	/* 2.1's 0x1e, shorter than the fields read: refused. */
	build();
	entry->length = SMBIOS_ENTRY_LENGTH - 1;
	fix_checksum(sEntry, entry->length, &entry->checksum);
	expect(false, true, ": bad length\n", __LINE__);

	/* Longer ones up to the most the reader sums over are taken. */
	build();
	entry->length = SMBIOS_MAX_ENTRY_LENGTH;
	fix_checksum(sEntry, entry->length, &entry->checksum);
	expect(true, true, NULL, __LINE__);
	build();
	entry->length = SMBIOS_MAX_ENTRY_LENGTH + 1;
	fix_checksum(sEntry, entry->length, &entry->checksum);
	expect(false, true, ": bad length\n", __LINE__);
}


TEST(a_damaged_30_entry_point_is_ignored_with_its_reason)
{
	struct smbios3_entry_point *entry3 = (struct smbios3_entry_point *)sEntry3;
	build();
	entry3->anchor[4] = '-';
	fix_checksum(sEntry3, entry3->length, &entry3->checksum);
	expect(true, false, "ignoring the SMBIOS3 entry point at ", __LINE__);
	CHECK(strstr(sLog, ": bad anchor\n") != NULL);

	build();
	entry3->table_address ^= 1ULL << 56;
	expect(true, false, ": bad checksum\n", __LINE__);

	build();
	entry3->length = SMBIOS3_ENTRY_LENGTH - 1;
	fix_checksum(sEntry3, entry3->length, &entry3->checksum);
	expect(true, false, ": bad length\n", __LINE__);

	build();
	entry3->length = SMBIOS_MAX_ENTRY_LENGTH;
	fix_checksum(sEntry3, entry3->length, &entry3->checksum);
	expect(true, true, NULL, __LINE__);
	entry3->length = SMBIOS_MAX_ENTRY_LENGTH + 1;
	fix_checksum(sEntry3, entry3->length, &entry3->checksum);
	expect(true, false, ": bad length\n", __LINE__);
}
