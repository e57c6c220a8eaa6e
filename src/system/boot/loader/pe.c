/* SPDX-License-Identifier: MIT */
/* The DOS and PE headers of an EFI executable (headers/boot/pe.h). */
#include <boot/pe.h>

#include <string.h>

#include <boot/byte_order.h>


uint32_t
pe_header_offset(const uint8_t *dos, uint64_t fileSize)
{
	uint32_t offset = read_le32(dos + PE_OFFSET_AT);
	if (fileSize < PE_DOS_HEADER_SIZE || dos[0] != 'M' || dos[1] != 'Z'
		|| offset > fileSize - PE_HEADER_SIZE)
		return 0;
	return offset;
}


uint16_t
pe_machine(const uint8_t *header)
{
	return memcmp(header, "PE\0\0", 4) == 0 ? read_le16(header + PE_MACHINE_AT) : 0;
}
