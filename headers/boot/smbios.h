/* SPDX-License-Identifier: MIT */
/*
 * SMBIOS layouts (DMTF DSP0134, 3.x): the 32-bit "_SM_" and 64-bit "_SM3_"
 * entry points and the structure header, for the loader that finds the entry
 * points and the boot-check kernel that verifies them again.
 *
 * Layouts only: each side validates on its own terms, so that a mistake in
 * the loader's checks is not repeated by the checker. Every field is at the
 * offset the spec gives it, pinned below; SMBIOS data is little-endian.
 */
#ifndef BOOT_SMBIOS_H
#define BOOT_SMBIOS_H

#include <stdint.h>

#define SMBIOS_ANCHOR					"_SM_"
#define SMBIOS_INTERMEDIATE_ANCHOR		"_DMI_"
#define SMBIOS3_ANCHOR					"_SM3_"

/*
 * The Entry Point Length each version defines. Later revisions may report
 * more, so readers take the length byte, not sizeof, for the checksum.
 */
#define SMBIOS_ENTRY_LENGTH				0x1f
#define SMBIOS3_ENTRY_LENGTH			0x18
/* The "_DMI_" part of the 32-bit entry point has a checksum of its own. */
#define SMBIOS_INTERMEDIATE_OFFSET		0x10
#define SMBIOS_INTERMEDIATE_LENGTH		0x0f

/* Structure types a table walk looks for (DSP0134 7.1, 7.45). */
#define SMBIOS_TYPE_BIOS_INFORMATION	0
#define SMBIOS_TYPE_END_OF_TABLE		127

/* SMBIOS 2.1 (32-bit) Entry Point Structure, DSP0134 5.2.1. */
struct smbios_entry_point {
	char		anchor[4];				/* SMBIOS_ANCHOR, no NUL */
	uint8_t		checksum;				/* of length bytes */
	uint8_t		length;
	uint8_t		major_version;
	uint8_t		minor_version;
	uint16_t	max_structure_size;
	uint8_t		revision;
	uint8_t		formatted_area[5];
	char		intermediate_anchor[5];	/* SMBIOS_INTERMEDIATE_ANCHOR, no NUL */
	uint8_t		intermediate_checksum;	/* of SMBIOS_INTERMEDIATE_LENGTH bytes */
	uint16_t	table_length;
	uint32_t	table_address;			/* physical */
	uint16_t	structure_count;
	uint8_t		bcd_revision;
} __attribute__((packed));

/* SMBIOS 3.0 (64-bit) Entry Point Structure, DSP0134 5.2.2. */
struct smbios3_entry_point {
	char		anchor[5];				/* SMBIOS3_ANCHOR, no NUL */
	uint8_t		checksum;				/* of length bytes */
	uint8_t		length;
	uint8_t		major_version;
	uint8_t		minor_version;
	uint8_t		docrev;
	uint8_t		revision;
	uint8_t		reserved;
	uint32_t	table_max_size;			/* an upper bound, not the length */
	uint64_t	table_address;			/* physical */
} __attribute__((packed));

/*
 * The header of every structure in the table, DSP0134 6.1.2: length covers
 * the formatted part only; a set of strings ending in a double NUL follows.
 */
struct smbios_structure_header {
	uint8_t		type;
	uint8_t		length;
	uint16_t	handle;
} __attribute__((packed));

#define SMBIOS_ASSERT_OFFSET(type, field, offset) \
	_Static_assert(__builtin_offsetof(struct type, field) == (offset), \
		#type "." #field " is not where DSP0134 puts it")

_Static_assert(sizeof(struct smbios_entry_point) == SMBIOS_ENTRY_LENGTH,
	"smbios_entry_point is not the DSP0134 length");
SMBIOS_ASSERT_OFFSET(smbios_entry_point, checksum, 0x04);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, length, 0x05);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, major_version, 0x06);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, minor_version, 0x07);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, max_structure_size, 0x08);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, revision, 0x0a);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, formatted_area, 0x0b);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, intermediate_anchor, SMBIOS_INTERMEDIATE_OFFSET);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, intermediate_checksum, 0x15);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, table_length, 0x16);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, table_address, 0x18);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, structure_count, 0x1c);
SMBIOS_ASSERT_OFFSET(smbios_entry_point, bcd_revision, 0x1e);
_Static_assert(SMBIOS_INTERMEDIATE_OFFSET + SMBIOS_INTERMEDIATE_LENGTH == SMBIOS_ENTRY_LENGTH,
	"the intermediate checksum runs to the end of the 2.1 entry point");

_Static_assert(sizeof(struct smbios3_entry_point) == SMBIOS3_ENTRY_LENGTH,
	"smbios3_entry_point is not the DSP0134 length");
SMBIOS_ASSERT_OFFSET(smbios3_entry_point, checksum, 0x05);
SMBIOS_ASSERT_OFFSET(smbios3_entry_point, length, 0x06);
SMBIOS_ASSERT_OFFSET(smbios3_entry_point, major_version, 0x07);
SMBIOS_ASSERT_OFFSET(smbios3_entry_point, minor_version, 0x08);
SMBIOS_ASSERT_OFFSET(smbios3_entry_point, docrev, 0x09);
SMBIOS_ASSERT_OFFSET(smbios3_entry_point, revision, 0x0a);
SMBIOS_ASSERT_OFFSET(smbios3_entry_point, reserved, 0x0b);
SMBIOS_ASSERT_OFFSET(smbios3_entry_point, table_max_size, 0x0c);
SMBIOS_ASSERT_OFFSET(smbios3_entry_point, table_address, 0x10);

_Static_assert(sizeof(struct smbios_structure_header) == 4,
	"smbios_structure_header is not the DSP0134 length");
SMBIOS_ASSERT_OFFSET(smbios_structure_header, length, 0x01);
SMBIOS_ASSERT_OFFSET(smbios_structure_header, handle, 0x02);

#endif
