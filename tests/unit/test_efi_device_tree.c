/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's fix-up and installation of an entry's
 * device tree (src/system/boot/platform/efi/device_tree.c), compiled right
 * into this test with gnu-efi's headers, against a fix-up protocol that
 * behaves as U-Boot's does (asked with a buffer the size of the tree, it
 * says how much room it wants; given that, it grows the tree in place),
 * and against firmware that behaves worse: asks again, fails, writes
 * garbage, claims a tree larger than the buffer it was given, or asks for
 * less room than the tree has. Allocations go through the counted heap,
 * so that every path shows what it leaks.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <boot/byte_order.h>

#include "../../src/system/boot/platform/efi/device_tree.c"
#include "../../src/system/boot/platform/efi/tables.c"
#include "../support/counted_heap.h"
#include "../support/efi_port_fakes.h"

#include "unit_test.h"

EFI_BOOT_SERVICES *gBootServices;

enum fixup_behaviour {
	FIXUP_AS_U_BOOT,		/* room first, then the tree grown by kGrowth */
	FIXUP_ASKS_AGAIN,		/* wants more room every time */
	FIXUP_FAILS,
	FIXUP_GARBAGE,			/* says it succeeded, and broke the magic */
	FIXUP_OVERSTATES,		/* a tree and a size larger than the buffer it was given */
	FIXUP_LESS_ROOM,		/* wants less room than the tree has */
};

#define kGrowth		64
#define kTreeSize	72

static struct fixup_protocol sFixup;
static bool sHaveFixup;
static enum fixup_behaviour sBehaviour;
static uint32_t sFixupCalls;
static EFI_BOOT_SERVICES sBootServices;
static uint32_t sPagesLive;
static EFI_MEMORY_TYPE sPagesType;
static EFI_STATUS sInstallStatus;
static uint8_t sFirmwareBlob[kTreeSize];


static EFI_STATUS EFIAPI
fake_locate_protocol(EFI_GUID *guid, void *registration, void **_interface)
{
	if (!sHaveFixup || memcmp(guid, &sFixupGuid, sizeof(*guid)) != 0)
		return EFI_NOT_FOUND;
	*_interface = &sFixup;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_allocate_pages(EFI_ALLOCATE_TYPE type, EFI_MEMORY_TYPE memoryType, UINTN pages,
	EFI_PHYSICAL_ADDRESS *_address)
{
	void *memory = aligned_alloc(EFI_PAGE_SIZE, pages * EFI_PAGE_SIZE);
	if (memory == NULL)
		return EFI_OUT_OF_RESOURCES;
	sPagesLive++;
	sPagesType = memoryType;
	*_address = (EFI_PHYSICAL_ADDRESS)(uintptr_t)memory;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_free_pages(EFI_PHYSICAL_ADDRESS address, UINTN pages)
{
	free((void *)(uintptr_t)address);
	sPagesLive--;
	return EFI_SUCCESS;
}


/* The firmware's configuration table holds the tree table, or none for NULL. */
static EFI_STATUS EFIAPI
fake_install_configuration_table(EFI_GUID *guid, void *table)
{
	if (sInstallStatus != EFI_SUCCESS)
		return sInstallStatus;
	fakes_set_tables(table != NULL ? 1 : 0, guid, &table);
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_fixup(struct fixup_protocol *self, void *tree, UINTN *size, UINT32 flags)
{
	sFixupCalls++;
	CHECK_EQ(flags, kFixupApply | kFixupReserveMemory);
	uint8_t *bytes = tree;
	uint32_t total = read_be32(bytes + 4);
	switch (sBehaviour) {
		case FIXUP_ASKS_AGAIN:
			*size += kGrowth;
			return EFI_BUFFER_TOO_SMALL;
		case FIXUP_FAILS:
			return EFI_INVALID_PARAMETER;
		case FIXUP_LESS_ROOM:
			*size = total / 2;
			return EFI_BUFFER_TOO_SMALL;
		default:
			break;
	}
	if (*size < total + kGrowth) {
		*size = total + kGrowth;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (sBehaviour == FIXUP_GARBAGE) {
		memset(bytes, 0xee, 8);
	} else if (sBehaviour == FIXUP_OVERSTATES) {
		*size *= 4;
		write_be32(bytes + 4, total + 3 * kGrowth);
	} else {
		/* What U-Boot adds lies in the room at the end: a /memreserve/ and /chosen grow. */
		memset(bytes + total, 0, kGrowth);
		write_be32(bytes + 4, total + kGrowth);
		*size = total + kGrowth;
	}
	return EFI_SUCCESS;
}


/* The smallest tree: an empty root, no reservations, no strings. */
static void
make_tree(uint8_t tree[kTreeSize], uint32_t marker)
{
	memset(tree, 0, kTreeSize);
	const uint32_t kHeader[10] = { FDT_MAGIC, kTreeSize, 56, 72, 40, 17, 16, marker, 0, 16 };
	for (int i = 0; i < 10; i++)
		write_be32(tree + 4 * i, kHeader[i]);
	const uint32_t kStructure[4] = { FDT_BEGIN_NODE, 0, FDT_END_NODE, FDT_END };
	for (int i = 0; i < 4; i++)
		write_be32(tree + 56 + 4 * i, kStructure[i]);
}


static void
setup(bool haveFixup, enum fixup_behaviour behaviour)
{
	memset(&sBootServices, 0, sizeof(sBootServices));
	sBootServices.LocateProtocol = fake_locate_protocol;
	sBootServices.AllocatePages = fake_allocate_pages;
	sBootServices.FreePages = fake_free_pages;
	sBootServices.InstallConfigurationTable = fake_install_configuration_table;
	gBootServices = &sBootServices;
	sFixup.fixup = fake_fixup;
	sHaveFixup = haveFixup;
	sBehaviour = behaviour;
	sFixupCalls = 0;
	sInstallStatus = EFI_SUCCESS;
	make_tree(sFirmwareBlob, 0xf1);
	void *table = sFirmwareBlob;
	fakes_set_tables(1, &sDtbGuid, &table);
	counted_heap_reset();
	boot_log_clear();
}


/* An entry's tree on the heap, as boot.c hands it over. */
static void *
entry_tree(void)
{
	uint8_t *tree = heap_alloc(kTreeSize);
	CHECK(tree != NULL);
	make_tree(tree, 0xe1);
	return tree;
}


/* An entry's tree through the fix-up, as boot.c has it: the fixed tree in its place. */
static status_t
fix_up(void **_tree, size_t *_size)
{
	*_tree = entry_tree();
	*_size = kTreeSize;
	void *fixed;
	size_t fixedSize;
	status_t status = platform_fix_up_device_tree(*_tree, *_size, &fixed, &fixedSize);
	if (status == B_OK) {
		heap_free(*_tree);
		*_tree = fixed;
		*_size = fixedSize;
	}
	return status;
}


/* --- the tests ------------------------------------------------------------- */

TEST(efi_dt_without_the_protocol_the_tree_is_left_as_it_is)
{
	setup(false, FIXUP_AS_U_BOOT);
	void *tree;
	size_t size;
	CHECK_EQ(fix_up(&tree, &size), B_NOT_SUPPORTED);
	CHECK_EQ(size, kTreeSize);
	CHECK_EQ(read_be32((uint8_t *)tree + 28), 0xe1);
	heap_free(tree);
	CHECK_EQ(counted_heap_live(), 0);
}


TEST(efi_dt_the_firmware_grows_the_tree_in_the_room_it_asked_for)
{
	setup(true, FIXUP_AS_U_BOOT);
	void *tree;
	size_t size;
	CHECK_EQ(fix_up(&tree, &size), B_OK);
	CHECK_EQ(sFixupCalls, 2);
	CHECK_EQ(size, kTreeSize + kGrowth);
	CHECK_EQ(read_be32((uint8_t *)tree + 4), kTreeSize + kGrowth);
	/* The entry's tree, not the firmware's, and the old copy freed. */
	CHECK_EQ(read_be32((uint8_t *)tree + 28), 0xe1);
	CHECK_EQ(counted_heap_live(), 1);
	CHECK(strstr(sLog, "device tree of 72 bytes fixed up by the firmware: 136 bytes") != NULL);
	heap_free(tree);
}


TEST(efi_dt_a_firmware_that_will_not_fix_up_refuses_the_tree)
{
	const enum fixup_behaviour kRefusals[] = { FIXUP_ASKS_AGAIN, FIXUP_FAILS, FIXUP_GARBAGE,
		FIXUP_OVERSTATES, FIXUP_LESS_ROOM };
	for (size_t i = 0; i < sizeof(kRefusals) / sizeof(kRefusals[0]); i++) {
		setup(true, kRefusals[i]);
		void *tree;
		size_t size;
		CHECK_EQ(fix_up(&tree, &size), B_BAD_DATA);
		/* Asked twice at most; the tree it was handed kept, nothing else. */
		CHECK(sFixupCalls <= 2);
		CHECK_EQ(size, kTreeSize);
		CHECK_EQ(read_be32((uint8_t *)tree + 4), kTreeSize);
		CHECK_EQ(counted_heap_live(), 1);
		heap_free(tree);
	}
}


TEST(efi_dt_no_memory_for_the_room_keeps_the_tree)
{
	setup(true, FIXUP_AS_U_BOOT);
	void *tree = entry_tree();
	size_t size = kTreeSize;
	/* The second buffer, the one with room, cannot be had. */
	counted_heap_fail_at(2);
	void *fixed;
	size_t fixedSize;
	CHECK_EQ(platform_fix_up_device_tree(tree, size, &fixed, &fixedSize), B_NO_MEMORY);
	CHECK_EQ(size, kTreeSize);
	CHECK_EQ(counted_heap_live(), 1);
	heap_free(tree);
}


TEST(efi_dt_installed_a_fixed_copy_replaces_the_firmwares_tree_until_uninstalled)
{
	setup(true, FIXUP_AS_U_BOOT);
	uint8_t entry[kTreeSize];
	make_tree(entry, 0xe1);
	CHECK_EQ(efi_device_tree_install(entry, sizeof(entry)), B_OK);
	const uint8_t *installed = efi_find_configuration_table(&sDtbGuid);
	CHECK(installed != NULL && installed != sFirmwareBlob);
	CHECK_EQ(read_be32(installed + 4), kTreeSize + kGrowth);
	CHECK_EQ(read_be32(installed + 28), 0xe1);
	/* Memory the operating system keeps until it has read its tables. */
	CHECK_EQ(sPagesType, EfiACPIReclaimMemory);
	CHECK_EQ(sPagesLive, 1);
	CHECK_EQ(counted_heap_live(), 0);
	efi_device_tree_uninstall();
	CHECK(efi_find_configuration_table(&sDtbGuid) == sFirmwareBlob);
	CHECK_EQ(sPagesLive, 0);
	/* A firmware without a tree of its own gets none back. */
	setup(false, FIXUP_AS_U_BOOT);
	fakes_set_tables(0, NULL, NULL);
	CHECK_EQ(efi_device_tree_install(entry, sizeof(entry)), B_OK);
	CHECK_EQ(read_be32((const uint8_t *)efi_find_configuration_table(&sDtbGuid) + 4),
		kTreeSize);
	efi_device_tree_uninstall();
	CHECK(efi_find_configuration_table(&sDtbGuid) == NULL);
	CHECK_EQ(sPagesLive, 0);
}


TEST(efi_dt_an_install_that_fails_leaves_the_firmwares_tree)
{
	uint8_t entry[kTreeSize];
	make_tree(entry, 0xe1);
	/* The fix-up refused: nothing is copied or installed. */
	setup(true, FIXUP_FAILS);
	CHECK_EQ(efi_device_tree_install(entry, sizeof(entry)), B_BAD_DATA);
	CHECK(efi_find_configuration_table(&sDtbGuid) == sFirmwareBlob);
	CHECK_EQ(sPagesLive, 0);
	CHECK_EQ(counted_heap_live(), 0);
	/* The firmware would not take the table: the copy is freed again. */
	setup(true, FIXUP_AS_U_BOOT);
	sInstallStatus = EFI_OUT_OF_RESOURCES;
	CHECK_EQ(efi_device_tree_install(entry, sizeof(entry)), B_ERROR);
	CHECK(efi_find_configuration_table(&sDtbGuid) == sFirmwareBlob);
	CHECK_EQ(sPagesLive, 0);
	CHECK_EQ(counted_heap_live(), 0);
}
