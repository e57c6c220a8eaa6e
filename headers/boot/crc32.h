/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 as used by GPT, zip and Ethernet (IEEE 802.3, reflected 0x04c11db7).
 */
#ifndef BOOT_CRC32_H
#define BOOT_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * The CRC of length bytes; to checksum data in pieces, pass the previous
 * result as crc (start with 0).
 */
uint32_t crc32(uint32_t crc, const void *data, size_t length);

#endif
