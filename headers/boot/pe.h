/* SPDX-License-Identifier: MIT */
/*
 * The two headers that make a file a PE (EFI) executable: the DOS header,
 * which says where the PE header is, and the PE signature with the COFF
 * file header after it. For the EFI port, which refuses what LoadImage
 * would refuse, and for unified kernel images, read from a file.
 */
#ifndef BOOT_PE_H
#define BOOT_PE_H

#include <stdint.h>

#define PE_DOS_HEADER_SIZE		64
#define PE_OFFSET_AT			0x3c	/* in the DOS header: where the PE header is */
#define PE_HEADER_SIZE			24		/* "PE\0\0" and the COFF file header */
#define PE_MACHINE_AT			4
#define PE_SECTION_COUNT_AT		6
#define PE_OPTIONAL_SIZE_AT		20


/*
 * Where the DOS header dos (its PE_DOS_HEADER_SIZE bytes) puts the PE
 * header of a file of fileSize bytes; 0 when dos is no DOS header or the PE
 * header would not fit in the file.
 */
uint32_t pe_header_offset(const uint8_t *dos, uint64_t fileSize);

/* The machine type of the PE header at header (PE_HEADER_SIZE bytes); 0 without its signature. */
uint16_t pe_machine(const uint8_t *header);

#endif
