/* SPDX-License-Identifier: MIT */
/*
 * Little-endian field access for on-disk structures of any alignment, and the
 * big-endian access the SHA-2 hashes define their words with.
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


static inline void
write_le32(void *data, uint32_t value)
{
	uint8_t *bytes = data;
	bytes[0] = (uint8_t)value;
	bytes[1] = (uint8_t)(value >> 8);
	bytes[2] = (uint8_t)(value >> 16);
	bytes[3] = (uint8_t)(value >> 24);
}


/* SHA-2 (FIPS 180-4) reads and writes its words big-endian. */
static inline uint32_t
read_be32(const void *data)
{
	const uint8_t *bytes = data;
	return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8
		| (uint32_t)bytes[3];
}


static inline uint64_t
read_be64(const void *data)
{
	const uint8_t *bytes = data;
	return (uint64_t)read_be32(bytes) << 32 | (uint64_t)read_be32(bytes + 4);
}


static inline void
write_be32(void *data, uint32_t value)
{
	uint8_t *bytes = data;
	bytes[0] = (uint8_t)(value >> 24);
	bytes[1] = (uint8_t)(value >> 16);
	bytes[2] = (uint8_t)(value >> 8);
	bytes[3] = (uint8_t)value;
}


static inline void
write_be64(void *data, uint64_t value)
{
	uint8_t *bytes = data;
	write_be32(bytes, (uint32_t)(value >> 32));
	write_be32(bytes + 4, (uint32_t)value);
}

#endif
