/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's reading of the firmware's memory map
 * (src/system/boot/platform/efi/firmware_map.c), compiled right into this
 * test with gnu-efi's headers: the maps QEMU's firmware never makes. Its
 * descriptors are 48 bytes, as OVMF's are, with the 8 bytes past the
 * header's struct filled, so that stepping by the struct shows; a
 * framebuffer or MMIO above memory, memory ending a page past a GiB, a
 * NumberOfPages that would wrap, a map that grows while it is read.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/firmware_map.c"
#include "../support/boot_log.h"
#include "../support/efi_map_builder.h"
#include "../support/efi_pool.h"

#include "unit_test.h"

#define PAGE				KERNEL_EFI_PAGE_SIZE
#define GiB					(1ULL << 30)

EFI_BOOT_SERVICES *gBootServices;

static EFI_BOOT_SERVICES sBootServices;
static uint32_t sGrowth;			/* descriptors each AllocatePool adds to the map */
static kernel_args sArgs;


static EFI_STATUS EFIAPI
fake_get_memory_map(UINTN *size, EFI_MEMORY_DESCRIPTOR *descriptors, UINTN *key,
	UINTN *descriptorSize, UINT32 *version)
{
	*descriptorSize = DESCRIPTOR_SIZE;
	*version = EFI_MEMORY_DESCRIPTOR_VERSION;
	*key = 0x1234 + sCount;
	UINTN needed = (UINTN)sCount * DESCRIPTOR_SIZE;
	if (*size < needed) {
		*size = needed;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(descriptors, sMap, needed);
	*size = needed;
	return EFI_SUCCESS;
}


/* The pool allocation splits free memory: the map grows by sGrowth descriptors. */
static EFI_STATUS EFIAPI
fake_allocate_pool(EFI_MEMORY_TYPE type, UINTN size, void **_buffer)
{
	CHECK(type == EfiLoaderData);
	for (uint32_t i = 0; i < sGrowth; i++)
		map_add(EfiConventionalMemory, 0x10000000 + (sCount << 20), 1, EFI_MEMORY_WB);
	*_buffer = malloc(size);
	sPools++;
	return *_buffer != NULL ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
}


static uint64_t
map_end(const kernel_framebuffer *framebuffer)
{
	static const kernel_framebuffer kNone;
	struct efi_memory_map map = map_now();
	return efi_physical_map_end(&map, framebuffer != NULL ? framebuffer : &kNone);
}


static void
setup(void)
{
	map_clear();
	memset(&sArgs, 0, sizeof(sArgs));
	memory_map_reset();
	boot_log_clear();
	sBootServices = (EFI_BOOT_SERVICES){
		.GetMemoryMap = fake_get_memory_map,
		.AllocatePool = fake_allocate_pool,
		.FreePool = fake_free_pool,
	};
	gBootServices = &sBootServices;
	sPools = 0;
}


/* The typed entry that holds address; fails the case when there is none. */
static uint32_t
type_at(uint64_t address)
{
	for (uint32_t i = 0; i < sArgs.num_memory_map_entries; i++) {
		const memory_map_entry *entry = &sArgs.memory_map[i];
		if (entry->start <= address && address - entry->start < entry->size)
			return entry->type;
	}
	unit_fail(__FILE__, __LINE__, "no entry holds %#llx", (unsigned long long)address);
}


TEST(each_firmware_type_becomes_the_kernels)
{
	setup();
	static const struct {
		uint32_t	efi;
		uint32_t	kernel;
	} kTypes[] = {
		{ EfiReservedMemoryType, KERNEL_MEMORY_RESERVED },
		{ EfiLoaderCode, KERNEL_MEMORY_USABLE },
		{ EfiLoaderData, KERNEL_MEMORY_USABLE },
		{ EfiBootServicesCode, KERNEL_MEMORY_USABLE },
		{ EfiBootServicesData, KERNEL_MEMORY_USABLE },
		{ EfiRuntimeServicesCode, KERNEL_MEMORY_RUNTIME_CODE },
		{ EfiRuntimeServicesData, KERNEL_MEMORY_RUNTIME_DATA },
		{ EfiConventionalMemory, KERNEL_MEMORY_USABLE },
		{ EfiUnusableMemory, KERNEL_MEMORY_BAD },
		{ EfiACPIReclaimMemory, KERNEL_MEMORY_ACPI_RECLAIMABLE },
		{ EfiACPIMemoryNVS, KERNEL_MEMORY_ACPI_NVS },
		{ EfiMemoryMappedIO, KERNEL_MEMORY_MMIO },
		{ EfiMemoryMappedIOPortSpace, KERNEL_MEMORY_MMIO },
		{ EfiPalCode, KERNEL_MEMORY_RESERVED },
		{ 14, KERNEL_MEMORY_RESERVED },			/* persistent memory */
		{ 15, KERNEL_MEMORY_RESERVED },			/* unaccepted memory */
		{ 0x70000000, KERNEL_MEMORY_RESERVED },	/* an OEM's */
	};
	const uint32_t count = sizeof(kTypes) / sizeof(kTypes[0]);
	/* A page each, a page apart, so that no two merge. */
	for (uint32_t i = 0; i < count; i++)
		map_add(kTypes[i].efi, 0x100000 + i * 2 * PAGE, 1, EFI_MEMORY_WB);
	struct efi_memory_map map = map_now();
	CHECK_EQ(efi_fill_memory_map(&sArgs, &map), B_OK);
	for (uint32_t i = 0; i < count; i++)
		CHECK_EQ(type_at(0x100000 + i * 2 * PAGE), kTypes[i].kernel);
	CHECK(strstr(sLog, "efi: 17 memory descriptors") != NULL);
}


TEST(a_page_count_that_would_wrap_ends_at_the_address_limit)
{
	setup();
	map_add(EfiConventionalMemory, 0, 0x100, EFI_MEMORY_WB);
	/* Pages past the limit, and pages whose bytes would pass 2^64. */
	map_add(EfiReservedMemoryType, 4 * GiB, 1ULL << 41, 0);
	map_add(EfiReservedMemoryType, 8 * GiB, UINT64_MAX / 2, 0);
	map_add(EfiConventionalMemory, MEMORY_MAP_ADDRESS_LIMIT, 0x100, EFI_MEMORY_WB);
	CHECK_EQ(map_end(NULL), MEMORY_MAP_ADDRESS_LIMIT);
	struct efi_memory_map map = map_now();
	CHECK_EQ(efi_fill_memory_map(&sArgs, &map), B_OK);
	const memory_map_entry *last = &sArgs.memory_map[sArgs.num_memory_map_entries - 1];
	CHECK_EQ(last->start, 4 * GiB);
	CHECK_EQ(last->start + last->size, MEMORY_MAP_ADDRESS_LIMIT);
	CHECK_EQ(last->type, KERNEL_MEMORY_RESERVED);
}


TEST(the_physical_map_reaches_the_last_page_of_memory)
{
	setup();
	map_add(EfiConventionalMemory, 0, 0x9f, EFI_MEMORY_WB);
	map_add(EfiConventionalMemory, 4 * GiB, 6 * GiB / PAGE + 1, EFI_MEMORY_WB);
	map_add(EfiConventionalMemory, 0x100000, 0x7ff00, EFI_MEMORY_WB);
	CHECK_EQ(map_end(NULL), 10 * GiB + PAGE);
}


TEST(runtime_mmio_counts_and_other_mmio_does_not)
{
	setup();
	map_add(EfiConventionalMemory, 0, 256 * 1024 * 1024 / PAGE, EFI_MEMORY_WB);
	/* PCI's ECAM and a 64-bit BAR, which no runtime service reaches. */
	map_add(EfiMemoryMappedIO, 0xe0000000, 0x10000, EFI_MEMORY_UC);
	map_add(EfiMemoryMappedIOPortSpace, 64 * GiB, 16, EFI_MEMORY_UC);
	CHECK_EQ(map_end(NULL), 256 * 1024 * 1024);
	/* The flash the variable services write, just below 4 GiB. */
	map_add(EfiMemoryMappedIO, 4 * GiB - 0x400000, 0x400, EFI_MEMORY_UC | EFI_MEMORY_RUNTIME);
	CHECK_EQ(map_end(NULL), 4 * GiB);
	map_add(EfiMemoryMappedIOPortSpace, 5 * GiB, 1, EFI_MEMORY_RUNTIME);
	CHECK_EQ(map_end(NULL), 5 * GiB + PAGE);
}


TEST(a_framebuffer_above_memory_is_in_the_physical_map)
{
	setup();
	map_add(EfiConventionalMemory, 0, 1 * GiB / PAGE, EFI_MEMORY_WB);
	/* A large BAR the firmware put high, as for a GPU with a resizable BAR. */
	kernel_framebuffer framebuffer = { .physical_address = 256 * GiB, .size = 8 << 20 };
	CHECK_EQ(map_end(&framebuffer), 256 * GiB + (8 << 20));
	framebuffer.physical_address = 0x30000000;
	CHECK_EQ(map_end(&framebuffer), 1 * GiB);
}


TEST(the_map_is_read_with_room_for_what_its_buffer_adds)
{
	setup();
	for (uint32_t i = 0; i < 5; i++)
		map_add(EfiConventionalMemory, i * 2 * PAGE, 1, EFI_MEMORY_WB);
	sGrowth = 2;
	struct efi_memory_map map;
	CHECK_EQ(efi_get_memory_map(&map), B_OK);
	CHECK_EQ(sPools, 1);
	CHECK_EQ(map.size, 7 * DESCRIPTOR_SIZE);
	CHECK_EQ(map.capacity, (5 + 8) * DESCRIPTOR_SIZE);
	CHECK_EQ(map.key, 0x1234 + 7);
	CHECK_EQ(map.descriptor_size, DESCRIPTOR_SIZE);
	CHECK(memcmp(map.descriptors, sMap, map.size) == 0);
	fake_free_pool(map.descriptors);
}


TEST(a_map_that_outgrows_every_buffer_is_an_error_and_frees_them)
{
	setup();
	map_add(EfiConventionalMemory, 0, 1, EFI_MEMORY_WB);
	sGrowth = 9;
	struct efi_memory_map map;
	CHECK_EQ(efi_get_memory_map(&map), B_ERROR);
	CHECK_EQ(sPools, 0);
	/* Four tries, each buffer eight descriptors larger than the map before it. */
	CHECK_EQ(sCount, 1 + 4 * 9);
}
