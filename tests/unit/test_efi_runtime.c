/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's hand-over of the runtime services
 * (src/system/boot/platform/efi/runtime.c), compiled right into this test
 * with gnu-efi's headers, with a fake SetVirtualAddressMap: the map it is
 * given (48-byte descriptors, runtime ranges moved into the physical map,
 * the rest untouched), what the kernel is told, and each way the kernel
 * gets no runtime services. QEMU's firmware never grows its map past the
 * reserve, never refuses the call and never leaves its pointers physical.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/runtime.c"
#include "../support/efi_map_builder.h"
#include "../support/efi_port_fakes.h"

#include "unit_test.h"

#define PAGE				KERNEL_EFI_PAGE_SIZE
/* Where the fake kernel_args memory is at kernel addresses. */
#define KERNEL_ARGS_BASE	0xffffffff90000000ULL

static EFI_RUNTIME_SERVICES sRuntime;
static EFI_STATUS sSetMapStatus;
static uint8_t *sGiven;					/* what SetVirtualAddressMap got */
static UINTN sGivenSize;
static uint64_t sMovedRuntime;			/* RuntimeServices after the call, 0: not moved */
static void *sReserved;
static size_t sReservedSize;
static kernel_args sArgs;
static uint64_t sExecutable[4][2];		/* what arch_mmu_allow_execute() was asked */
static uint32_t sExecutableCount;


void *
kernel_args_malloc(size_t size)
{
	CHECK(sReserved == NULL);
	sReserved = malloc(size);
	sReservedSize = size;
	return sReserved;
}


uint64_t
platform_loader_to_kernel(const void *address)
{
	CHECK((const uint8_t *)address >= (const uint8_t *)sReserved
		&& (const uint8_t *)address < (const uint8_t *)sReserved + sReservedSize);
	return KERNEL_ARGS_BASE + (uint64_t)((const uint8_t *)address - (const uint8_t *)sReserved);
}


status_t
arch_mmu_allow_execute(uint64_t address, uint64_t size,
	const struct arch_mmu_page_source *source)
{
	CHECK(sExecutableCount < 4);
	sExecutable[sExecutableCount][0] = address;
	sExecutable[sExecutableCount++][1] = size;
	return B_OK;
}


static EFI_STATUS EFIAPI
fake_set_virtual_address_map(UINTN size, UINTN descriptorSize, UINT32 version,
	EFI_MEMORY_DESCRIPTOR *map)
{
	CHECK_EQ(descriptorSize, DESCRIPTOR_SIZE);
	CHECK_EQ(version, EFI_MEMORY_DESCRIPTOR_VERSION);
	sGiven = (uint8_t *)map;
	sGivenSize = size;
	if (sSetMapStatus == EFI_SUCCESS && sMovedRuntime != 0)
		gSystemTable->RuntimeServices = (EFI_RUNTIME_SERVICES *)(uintptr_t)sMovedRuntime;
	return sSetMapStatus;
}


static EFI_MEMORY_DESCRIPTOR
given(uint32_t index)
{
	EFI_MEMORY_DESCRIPTOR descriptor;
	CHECK((index + 1) * DESCRIPTOR_SIZE <= sGivenSize);
	memcpy(&descriptor, sGiven + index * DESCRIPTOR_SIZE, sizeof(descriptor));
	return descriptor;
}


/* OVMF's shape: RAM, runtime code and data, the flash's runtime MMIO below 4 GiB. */
static void
setup(void)
{
	free(sReserved);
	sReserved = NULL;
	sVirtualMap = NULL;
	sVirtualMapCapacity = 0;
	map_clear();
	map_add(EfiConventionalMemory, 0, 0x7f00, EFI_MEMORY_WB);
	map_add(EfiRuntimeServicesCode, 0x7f00000, 0x20, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME);
	map_add(EfiRuntimeServicesData, 0x7f20000, 0x40, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME);
	map_add(EfiBootServicesData, 0x7f60000, 0xa0, EFI_MEMORY_WB);
	map_add(EfiMemoryMappedIO, 0xffc00000, 0x400, EFI_MEMORY_UC | EFI_MEMORY_RUNTIME);
	memset(&sArgs, 0, sizeof(sArgs));
	sArgs.physical_map_size = 4ULL << 30;
	sRuntime = (EFI_RUNTIME_SERVICES){ .SetVirtualAddressMap = fake_set_virtual_address_map };
	sFakeSystemTable.RuntimeServices = &sRuntime;
	sSetMapStatus = EFI_SUCCESS;
	sMovedRuntime = KERNEL_PHYSICAL_MAP_BASE + (uint64_t)(uintptr_t)&sRuntime;
	sGiven = NULL;
	sExecutableCount = 0;
	boot_log_clear();
}


static void
hand_over(void)
{
	struct efi_memory_map map = map_now();
	efi_enter_virtual_mode(&sArgs, &map);
}


static const struct efi_kernel_args *
efi(void)
{
	CHECK_EQ(sArgs.firmware, KERNEL_FIRMWARE_EFI);
	return efi_kernel_args_of(&sArgs);
}


/* The kernel told of no runtime services, for reason. */
static void
expect_none(const char *reason, int line)
{
	static const struct efi_kernel_args kNone;
	if (memcmp(efi(), &kNone, sizeof(kNone)) != 0 || strstr(sLog, reason) == NULL)
		unit_fail(__FILE__, line, "runtime services handed over, or not for \"%s\": %s",
			reason, sLog);
}


TEST(runtime_ranges_move_into_the_physical_map)
{
	setup();
	struct efi_memory_map map = map_now();
	efi_runtime_reserve(&map);
	hand_over();
	CHECK_EQ(sGivenSize, 5 * DESCRIPTOR_SIZE);
	CHECK(sGiven == sReserved);
	for (uint32_t i = 0; i < 5; i++) {
		EFI_MEMORY_DESCRIPTOR descriptor = given(i);
		bool runtime = (descriptor.Attribute & EFI_MEMORY_RUNTIME) != 0;
		CHECK_EQ(descriptor.VirtualStart,
			runtime ? KERNEL_PHYSICAL_MAP_BASE + descriptor.PhysicalStart : 0);
		/* The bytes past the header's struct are the firmware's, copied too. */
		CHECK_EQ(sGiven[i * DESCRIPTOR_SIZE + 47], 0xa5);
	}
	CHECK_EQ(efi()->system_table, KERNEL_PHYSICAL_MAP_BASE + (uint64_t)(uintptr_t)gSystemTable);
	CHECK_EQ(efi()->runtime_services, sMovedRuntime);
	CHECK_EQ(efi()->memory_map, KERNEL_ARGS_BASE);
	CHECK_EQ(efi()->memory_map_size, 5 * DESCRIPTOR_SIZE);
	CHECK_EQ(efi()->descriptor_size, DESCRIPTOR_SIZE);
	CHECK_EQ(efi()->descriptor_version, EFI_MEMORY_DESCRIPTOR_VERSION);
	CHECK(strstr(sLog, ", 3 runtime ranges in the physical map\n") != NULL);
}


TEST(the_final_map_may_grow_past_the_reserved_size)
{
	/* ExitBootServices' map has the page tables and kernel_args chunks besides. */
	setup();
	struct efi_memory_map map = map_now();
	efi_runtime_reserve(&map);
	for (uint32_t i = 0; i < 64 + 5; i++)
		map_add(EfiLoaderData, 0x1000000 + i * 2 * PAGE, 1, EFI_MEMORY_WB);
	hand_over();
	CHECK_EQ(efi()->memory_map_size, (5 + 69) * DESCRIPTOR_SIZE);
	CHECK_EQ(given(73).PhysicalStart, 0x1000000 + 68 * 2 * PAGE);
	/* One more than twice the map and its spare: no runtime services. */
	setup();
	map = map_now();
	efi_runtime_reserve(&map);
	for (uint32_t i = 0; i < 64 + 5 + 1; i++)
		map_add(EfiLoaderData, 0x1000000 + i * 2 * PAGE, 1, EFI_MEMORY_WB);
	hand_over();
	expect_none("efi: the final memory map (3600 bytes) outgrew its buffer (3552)", __LINE__);
	CHECK(sGiven == NULL);
}


TEST(a_runtime_range_beyond_the_physical_map_costs_the_runtime_services)
{
	setup();
	struct efi_memory_map map = map_now();
	efi_runtime_reserve(&map);
	sArgs.physical_map_size = 0xffc00000 + 0x400 * PAGE;
	hand_over();
	CHECK(sGiven != NULL);
	setup();
	map = map_now();
	efi_runtime_reserve(&map);
	sArgs.physical_map_size = 0xffc00000 + 0x3ff * PAGE;
	hand_over();
	expect_none("efi: runtime range 0xffc00000-0x100000000 lies beyond the physical map",
		__LINE__);
	CHECK(sGiven == NULL);
}


TEST(a_refused_set_virtual_address_map_costs_the_runtime_services)
{
	setup();
	struct efi_memory_map map = map_now();
	efi_runtime_reserve(&map);
	sSetMapStatus = EFI_UNSUPPORTED;
	hand_over();
	expect_none("efi: SetVirtualAddressMap failed (0x8000000000000003)", __LINE__);
}


TEST(without_the_reserve_the_kernel_still_knows_its_loader_was_efi)
{
	setup();
	hand_over();
	expect_none("", __LINE__);
	CHECK(sGiven == NULL);
}


TEST(runtime_services_left_physical_are_moved_by_the_loader)
{
	setup();
	struct efi_memory_map map = map_now();
	efi_runtime_reserve(&map);
	sMovedRuntime = 0;
	hand_over();
	CHECK_EQ(efi()->runtime_services, KERNEL_PHYSICAL_MAP_BASE + (uint64_t)(uintptr_t)&sRuntime);
	CHECK(strstr(sLog, "efi: the firmware left RuntimeServices physical") != NULL);
}


TEST(runtime_code_and_only_it_becomes_executable)
{
	setup();
	/* Runtime code the runtime services will not use (no EFI_MEMORY_RUNTIME). */
	map_add(EfiRuntimeServicesCode, 0x8000000, 0x10, EFI_MEMORY_WB);
	map_add(EfiRuntimeServicesCode, 0x9000000, 0x10, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME);
	struct efi_memory_map map = map_now();
	CHECK_EQ(efi_runtime_map_code(&map, NULL), B_OK);
	CHECK_EQ(sExecutableCount, 2);
	CHECK_EQ(sExecutable[0][0], KERNEL_PHYSICAL_MAP_BASE + 0x7f00000);
	CHECK_EQ(sExecutable[0][1], 0x20 * PAGE);
	CHECK_EQ(sExecutable[1][0], KERNEL_PHYSICAL_MAP_BASE + 0x9000000);
	CHECK_EQ(sExecutable[1][1], 0x10 * PAGE);
}
