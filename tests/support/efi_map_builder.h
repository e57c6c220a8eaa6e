/* SPDX-License-Identifier: MIT */
/*
 * A firmware memory map for the tests of the EFI port's code that reads one
 * (tests/unit/test_efi_firmware_map.c, test_efi_runtime.c): descriptors of
 * 48 bytes, as OVMF's are, whose 8 bytes past the header's struct hold
 * 0xa5, so that code stepping by the struct shows. Included by one file of
 * a program, after the port's efi_platform.h.
 */
#ifndef TESTS_SUPPORT_EFI_MAP_BUILDER_H
#define TESTS_SUPPORT_EFI_MAP_BUILDER_H

#include <string.h>

#include "unit_test.h"

#define DESCRIPTOR_SIZE		48
#define MAX_DESCRIPTORS		200

_Static_assert(DESCRIPTOR_SIZE > sizeof(EFI_MEMORY_DESCRIPTOR), "a larger descriptor");

static uint8_t sMap[MAX_DESCRIPTORS * DESCRIPTOR_SIZE];
static uint32_t sCount;


static inline void
map_clear(void)
{
	memset(sMap, 0xa5, sizeof(sMap));
	sCount = 0;
}


static inline void
map_add(uint32_t type, uint64_t start, uint64_t pages, uint64_t attribute)
{
	CHECK(sCount < MAX_DESCRIPTORS);
	EFI_MEMORY_DESCRIPTOR descriptor = {
		.Type = type,
		.PhysicalStart = start,
		.NumberOfPages = pages,
		.Attribute = attribute,
	};
	memcpy(sMap + sCount++ * DESCRIPTOR_SIZE, &descriptor, sizeof(descriptor));
}


/* The map as the port's own efi_get_memory_map() would have it now. */
static inline struct efi_memory_map
map_now(void)
{
	return (struct efi_memory_map){
		.descriptors = (EFI_MEMORY_DESCRIPTOR *)sMap,
		.size = (UINTN)sCount * DESCRIPTOR_SIZE,
		.capacity = sizeof(sMap),
		.descriptor_size = DESCRIPTOR_SIZE,
		.descriptor_version = EFI_MEMORY_DESCRIPTOR_VERSION,
	};
}

#endif
