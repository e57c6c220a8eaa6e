/* SPDX-License-Identifier: MIT */
/*
 * ACPI layouts (ACPI 6.5, chapter 5.2): the root system description pointer
 * and the header every system description table starts with, for the loader
 * that finds the RSDP and the boot-check kernel that verifies the tables.
 *
 * Layouts only: each side validates on its own terms, so that a mistake in
 * the loader's checks is not repeated by the checker. Every field is at the
 * offset the spec gives it, pinned below; ACPI data is little-endian.
 */
#ifndef BOOT_ACPI_H
#define BOOT_ACPI_H

#include <stdint.h>

#define ACPI_RSDP_SIGNATURE			"RSD PTR "

/*
 * What each RSDP checksum covers: the ACPI 1.0 structure (revision 0), then
 * from revision 2 on the whole structure, whose length field gives its size.
 */
#define ACPI_RSDP_V1_LENGTH			20
#define ACPI_RSDP_V2_LENGTH			36

/* Root System Description Pointer, ACPI 6.5 5.2.5.3. */
struct acpi_rsdp {
	char		signature[8];		/* ACPI_RSDP_SIGNATURE, no NUL */
	uint8_t		checksum;			/* of the first ACPI_RSDP_V1_LENGTH bytes */
	char		oem_id[6];
	uint8_t		revision;			/* 0: ACPI 1.0; 2: ACPI 2.0 and later */
	uint32_t	rsdt_address;		/* physical */
	/* From revision 2 on: */
	uint32_t	length;
	uint64_t	xsdt_address;		/* physical */
	uint8_t		extended_checksum;	/* of all length bytes */
	uint8_t		reserved[3];
} __attribute__((packed));

/*
 * System Description Table Header, ACPI 6.5 5.2.6; in the RSDT and XSDT the
 * physical addresses of the other tables follow it, 4 and 8 bytes each.
 */
struct acpi_table_header {
	char		signature[4];
	uint32_t	length;				/* of the whole table, this header included */
	uint8_t		revision;
	uint8_t		checksum;			/* of length bytes */
	char		oem_id[6];
	char		oem_table_id[8];
	uint32_t	oem_revision;
	uint32_t	creator_id;
	uint32_t	creator_revision;
} __attribute__((packed));

#define ACPI_TABLE_HEADER_LENGTH	36

#define ACPI_ASSERT_OFFSET(type, field, offset) \
	_Static_assert(__builtin_offsetof(struct type, field) == (offset), \
		#type "." #field " is not where the ACPI spec puts it")

_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_LENGTH,
	"acpi_rsdp is not the ACPI 2.0 length");
ACPI_ASSERT_OFFSET(acpi_rsdp, checksum, 8);
ACPI_ASSERT_OFFSET(acpi_rsdp, oem_id, 9);
ACPI_ASSERT_OFFSET(acpi_rsdp, revision, 15);
ACPI_ASSERT_OFFSET(acpi_rsdp, rsdt_address, 16);
ACPI_ASSERT_OFFSET(acpi_rsdp, length, ACPI_RSDP_V1_LENGTH);
ACPI_ASSERT_OFFSET(acpi_rsdp, xsdt_address, 24);
ACPI_ASSERT_OFFSET(acpi_rsdp, extended_checksum, 32);
ACPI_ASSERT_OFFSET(acpi_rsdp, reserved, 33);

_Static_assert(sizeof(struct acpi_table_header) == ACPI_TABLE_HEADER_LENGTH,
	"acpi_table_header is not the ACPI length");
ACPI_ASSERT_OFFSET(acpi_table_header, length, 4);
ACPI_ASSERT_OFFSET(acpi_table_header, revision, 8);
ACPI_ASSERT_OFFSET(acpi_table_header, checksum, 9);
ACPI_ASSERT_OFFSET(acpi_table_header, oem_id, 10);
ACPI_ASSERT_OFFSET(acpi_table_header, oem_table_id, 16);
ACPI_ASSERT_OFFSET(acpi_table_header, oem_revision, 24);
ACPI_ASSERT_OFFSET(acpi_table_header, creator_id, 28);
ACPI_ASSERT_OFFSET(acpi_table_header, creator_revision, 32);

#endif
