/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for what the EFI port's menu asks of the machine
 * (src/system/boot/platform/efi/machine.c), compiled right into this test
 * with gnu-efi's headers, on fake runtime services: the firmware's memory
 * map in words (every type's name, the runtime flag, 48-byte descriptors),
 * the resets, and the reboot into the firmware's setup (OsIndications added
 * to the requests pending, nothing written when the firmware cannot do it).
 * The QEMU boots reach the setup once, through OVMF; the rest is here.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/machine.c"
#include "../support/efi_map_builder.h"
#include "../support/efi_pool.h"

#include "unit_test.h"

#define PAGE		KERNEL_EFI_PAGE_SIZE
#define MAX_LINES	8

EFI_SYSTEM_TABLE *gSystemTable;
EFI_BOOT_SERVICES *gBootServices;
int gBootServicesActive;

/* A variable of the global namespace the fake firmware holds. */
struct variable {
	const CHAR16	*name;
	UINT64			value;
	UINTN			size;				/* 0: not there */
};

static EFI_SYSTEM_TABLE sSystemTable;
static EFI_BOOT_SERVICES sBootServices;
static EFI_RUNTIME_SERVICES sRuntime;
static struct variable sSupported;		/* OsIndicationsSupported */
static struct variable sIndications;	/* OsIndications */
static EFI_STATUS sSetStatus;
static UINT32 sSetAttributes;
static int sSets;
static int sResets;
static EFI_RESET_TYPE sResetType;
static status_t sMapStatus;
static char sLines[MAX_LINES][128];
static int sLineCount;


static bool
same_name(const CHAR16 *a, const CHAR16 *b)
{
	while (*a != 0 && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}


static struct variable *
find_variable(const CHAR16 *name, const EFI_GUID *guid)
{
	static const EFI_GUID kGlobal = EFI_GLOBAL_VARIABLE;
	if (memcmp(guid, &kGlobal, sizeof(kGlobal)) != 0)
		return NULL;
	if (same_name(name, L"OsIndicationsSupported"))
		return &sSupported;
	if (same_name(name, L"OsIndications"))
		return &sIndications;
	return NULL;
}


static EFI_STATUS EFIAPI
fake_get_variable(CHAR16 *name, EFI_GUID *guid, UINT32 *attributes, UINTN *size, VOID *data)
{
	const struct variable *variable = find_variable(name, guid);
	if (variable == NULL || variable->size == 0)
		return EFI_NOT_FOUND;
	if (*size < variable->size) {
		*size = variable->size;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(data, &variable->value, variable->size);
	*size = variable->size;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_set_variable(CHAR16 *name, EFI_GUID *guid, UINT32 attributes, UINTN size, VOID *data)
{
	struct variable *variable = find_variable(name, guid);
	CHECK(variable == &sIndications);
	CHECK_EQ(size, sizeof(UINT64));
	sSets++;
	sSetAttributes = attributes;
	if (sSetStatus == EFI_SUCCESS) {
		memcpy(&variable->value, data, sizeof(UINT64));
		variable->size = size;
	}
	return sSetStatus;
}


/* The fake machine does not reset: the port must cope with a call that returns. */
static EFI_STATUS EFIAPI
fake_reset_system(EFI_RESET_TYPE type, EFI_STATUS status, UINTN size, CHAR16 *data)
{
	sResets++;
	sResetType = type;
	return EFI_SUCCESS;
}


status_t
efi_get_memory_map(struct efi_memory_map *map)
{
	if (sMapStatus != B_OK)
		return sMapStatus;
	*map = map_now();
	map->descriptors = malloc(map->size);
	memcpy(map->descriptors, sMap, map->size);
	sPools++;
	return B_OK;
}


static void
keep_line(void *cookie, const char *text)
{
	CHECK(cookie == sLines);
	CHECK(sLineCount < MAX_LINES);
	strcpy(sLines[sLineCount++], text);
}


static void
setup(void)
{
	sRuntime.GetVariable = fake_get_variable;
	sRuntime.SetVariable = fake_set_variable;
	sRuntime.ResetSystem = fake_reset_system;
	sBootServices.FreePool = fake_free_pool;
	sSystemTable.RuntimeServices = &sRuntime;
	gSystemTable = &sSystemTable;
	gBootServices = &sBootServices;
	gBootServicesActive = 1;
	sSupported = (struct variable){ L"OsIndicationsSupported",
		EFI_OS_INDICATIONS_BOOT_TO_FW_UI | 0x4, sizeof(UINT64) };
	sIndications = (struct variable){ L"OsIndications", 0, 0 };
	sSetStatus = EFI_SUCCESS;
	sSets = sResets = 0;
	sResetType = (EFI_RESET_TYPE)-1;
	sMapStatus = B_OK;
	sLineCount = 0;
	map_clear();
}


TEST(the_memory_map_in_words)
{
	setup();
	map_add(EfiConventionalMemory, 0, 0xa0, EFI_MEMORY_WB);
	map_add(EfiLoaderCode, 0x100000, 0x10, EFI_MEMORY_WB);
	map_add(EfiRuntimeServicesData, 0x7f000000, 3, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME);
	map_add(EfiMemoryMappedIO, 0xffc00000, 0x400, EFI_MEMORY_UC | EFI_MEMORY_RUNTIME);
	map_add(15, 0x100000000ULL, 0x40000, EFI_MEMORY_WB);
	map_add(0x70000000, 0x123456789000ULL, 1, 0);
	CHECK_EQ(platform_describe_memory(keep_line, sLines), B_OK);
	static const char *const kExpected[] = {
		"0x000000000000 - 0x0000000a0000        640 KiB  conventional",
		"0x000000100000 - 0x000000110000         64 KiB  loader code",
		"0x00007f000000 - 0x00007f003000         12 KiB  runtime services data, runtime",
		"0x0000ffc00000 - 0x000100000000       4096 KiB  MMIO, runtime",
		"0x000100000000 - 0x000140000000    1048576 KiB  unaccepted",
		"0x123456789000 - 0x12345678a000          4 KiB  unknown",
	};
	CHECK_EQ(sLineCount, 6);
	for (int i = 0; i < 6; i++) {
		if (strcmp(sLines[i], kExpected[i]) != 0)
			unit_fail(__FILE__, __LINE__, "line %d is \"%s\"", i, sLines[i]);
	}
	/* The map's buffer is given back. */
	CHECK_EQ(sPools, 0);
}


TEST(the_memory_map_only_while_the_firmware_can_tell)
{
	setup();
	map_add(EfiConventionalMemory, 0, 1, EFI_MEMORY_WB);
	sMapStatus = B_NO_MEMORY;
	CHECK_EQ(platform_describe_memory(keep_line, sLines), B_NO_MEMORY);
	sMapStatus = B_OK;
	gBootServicesActive = 0;
	CHECK_EQ(platform_describe_memory(keep_line, sLines), B_ERROR);
	CHECK_EQ(sLineCount, 0);
	CHECK_EQ(sPools, 0);
}


TEST(reboot_and_power_off)
{
	setup();
	platform_reboot();
	CHECK_EQ(sResets, 1);
	CHECK_EQ(sResetType, EfiResetCold);
	platform_power_off();
	CHECK_EQ(sResets, 2);
	CHECK_EQ(sResetType, EfiResetShutdown);
	/* After ExitBootServices the menu is gone: nothing is asked of the firmware. */
	gBootServicesActive = 0;
	platform_reboot();
	platform_power_off();
	CHECK_EQ(sResets, 2);
}


TEST(the_firmware_setup_is_offered_only_when_the_firmware_can_start_it)
{
	setup();
	CHECK(platform_firmware_setup_supported());
	sSupported.value = 0x4;
	CHECK(!platform_firmware_setup_supported());
	sSupported.size = 0;
	CHECK(!platform_firmware_setup_supported());
	/* A value of another size than UINT64's is no answer. */
	sSupported = (struct variable){ L"OsIndicationsSupported", 0xffffffff, 4 };
	CHECK(!platform_firmware_setup_supported());
	setup();
	gBootServicesActive = 0;
	CHECK(!platform_firmware_setup_supported());

	setup();
	sSupported.value = 0;
	CHECK_EQ(platform_reboot_to_firmware_setup(), B_NOT_SUPPORTED);
	CHECK_EQ(sSets, 0);
	CHECK_EQ(sResets, 0);
}


TEST(the_reboot_into_the_setup_keeps_the_requests_pending)
{
	setup();
	/* A capsule on disk another tool asked the firmware to deliver. */
	sIndications.value = 0x4;
	sIndications.size = sizeof(UINT64);
	/* The fake returns from the reset: the port says it failed. */
	CHECK_EQ(platform_reboot_to_firmware_setup(), B_ERROR);
	CHECK_EQ(sSets, 1);
	CHECK_EQ(sIndications.value, 0x4 | EFI_OS_INDICATIONS_BOOT_TO_FW_UI);
	CHECK_EQ(sSetAttributes, EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS
		| EFI_VARIABLE_RUNTIME_ACCESS);
	CHECK_EQ(sResets, 1);
	CHECK_EQ(sResetType, EfiResetCold);

	/* None pending: ours alone. */
	setup();
	platform_reboot_to_firmware_setup();
	CHECK_EQ(sIndications.value, EFI_OS_INDICATIONS_BOOT_TO_FW_UI);
	CHECK_EQ(sResets, 1);

	/* A store that refuses the write: no reset into an ordinary boot. */
	setup();
	sSetStatus = EFI_OUT_OF_RESOURCES;
	CHECK_EQ(platform_reboot_to_firmware_setup(), B_ERROR);
	CHECK_EQ(sSets, 1);
	CHECK_EQ(sResets, 0);
}
