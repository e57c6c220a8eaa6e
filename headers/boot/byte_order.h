/* SPDX-License-Identifier: MIT */
/*
 * Little-endian field access for on-disk structures of any alignment.
 */
#ifndef BOOT_BYTE_ORDER_H
#define BOOT_BYTE_ORDER_H

#include <stdint.h>

/* Byte by byte: on-disk fields are often misaligned, and x86 is not the only target. */
static inline uint16_t
read_le16(const void *data)
{
	const uint8_t *bytes = data;
	return (uint16_t)(bytes[0] | bytes[1] << 8);
}


static inline uint32_t
read_le32(const void *data)
{
	const uint8_t *bytes = data;
	return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16
		| (uint32_t)bytes[3] << 24;
}


static inline uint64_t
read_le64(const void *data)
{
	const uint8_t *bytes = data;
	return (uint64_t)read_le32(bytes) | (uint64_t)read_le32(bytes + 4) << 32;
}

#endif
