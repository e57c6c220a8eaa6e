/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's start of other executables (src/system/
 * boot/platform/efi/image.c), compiled right into this test with gnu-efi's
 * headers, on fake image services: the device path and load options the
 * firmware is handed, what the executable's exit leaves in the reason, and
 * every way a start is refused before or by the firmware, with what was
 * offered for it (an initrd, a device tree) withdrawn again. The QEMU boots
 * start memtest86+, Debian's kernel and an application that returns; none
 * is refused by LoadImage but under Secure Boot.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#include <boot/block_device.h>

#include "../../src/system/boot/platform/efi/image.c"
#include "../../src/system/boot/platform/efi/status.c"
#include "../../src/system/boot/platform/efi/text.c"
#include "../support/counted_heap.h"
#include "../support/efi_port_fakes.h"
#include "../support/efi_pool.h"

#include "unit_test.h"

#define IMAGE_HANDLE	((EFI_HANDLE)0x700)

EFI_HANDLE gImageHandle = (EFI_HANDLE)0x100;
EFI_BOOT_SERVICES *gBootServices;

static EFI_BOOT_SERVICES sBootServices;
static SIMPLE_TEXT_OUTPUT_INTERFACE sConsole;
static SIMPLE_TEXT_OUTPUT_MODE sConsoleMode;
static EFI_LOADED_IMAGE sLoaded;
static uint8_t sImage[512];
static uint8_t sVolumePath[8] = { HARDWARE_DEVICE_PATH, HW_PCI_DP, 4, 0,
	END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, 4, 0 };
static struct block_device sDisk = { .name = "disk0" };
static struct platform_image sRequest;
static uint8_t sGivenPath[256];
static size_t sGivenPathSize;
static EFI_STATUS sLoadStatus;
static bool sLoadGivesHandle;		/* a refused image is loaded all the same */
static bool sUnloaded;
static bool sStarted;
static uint64_t sWatchdog[2];
static uint32_t sWatchdogCalls;
static const char16_t *sExitText;
static INT32 sModeAfterExit;
static status_t sInitrdStatus, sTreeStatus;
static bool sInitrdOffered, sTreeOffered;
static uint8_t sOptions[64];		/* the load options the executable found */
static UINT32 sOptionsSize;


/* The build machine's loader is x86_64's: its PE machine. */
uint16_t
arch_cpu_pe_machine(void)
{
	return 0x8664;
}


EFI_DEVICE_PATH *
efi_volume_device_path(const struct block_device *device, uint64_t offset)
{
	CHECK(device == &sDisk && offset == 1048576);
	return (EFI_DEVICE_PATH *)sVolumePath;
}


size_t
efi_device_path_size(const EFI_DEVICE_PATH *path)
{
	CHECK(path == (EFI_DEVICE_PATH *)sVolumePath);
	return 4;
}


status_t
efi_initrd_install(const void *data, size_t size)
{
	sInitrdOffered = sInitrdStatus == B_OK;
	return sInitrdStatus;
}


void
efi_initrd_uninstall(void)
{
	sInitrdOffered = false;
}


status_t
efi_device_tree_install(const void *data, size_t size)
{
	sTreeOffered = sTreeStatus == B_OK;
	return sTreeStatus;
}


void
efi_device_tree_uninstall(void)
{
	sTreeOffered = false;
}


status_t
efi_get_memory_map(struct efi_memory_map *map)
{
	static EFI_MEMORY_DESCRIPTOR sFree = { .Type = EfiConventionalMemory, .NumberOfPages = 256 };
	*map = (struct efi_memory_map){ .descriptors = malloc(sizeof(sFree)),
		.size = sizeof(sFree), .descriptor_size = sizeof(sFree) };
	memcpy(map->descriptors, &sFree, sizeof(sFree));
	return B_OK;
}


static EFI_STATUS EFIAPI
fake_load_image(BOOLEAN policy, EFI_HANDLE parent, EFI_DEVICE_PATH *path, void *data,
	UINTN size, EFI_HANDLE *_handle)
{
	CHECK(!policy && parent == gImageHandle);
	CHECK(data == sRequest.data && size == sRequest.size);
	sGivenPathSize = 0;
	if (path != NULL) {
		/* Up to and with the end node, whose length is 4. */
		const uint8_t *bytes = (const uint8_t *)path;
		while (!(bytes[sGivenPathSize] == END_DEVICE_PATH_TYPE
				&& bytes[sGivenPathSize + 1] == END_ENTIRE_DEVICE_PATH_SUBTYPE)) {
			size_t length = bytes[sGivenPathSize + 2] | bytes[sGivenPathSize + 3] << 8;
			CHECK(length >= 4 && sGivenPathSize + length + 4 <= sizeof(sGivenPath));
			sGivenPathSize += length;
		}
		sGivenPathSize += 4;
		memcpy(sGivenPath, path, sGivenPathSize);
	}
	*_handle = sLoadStatus == EFI_SUCCESS || sLoadGivesHandle ? IMAGE_HANDLE : NULL;
	return sLoadStatus;
}


static EFI_STATUS EFIAPI
fake_handle_protocol(EFI_HANDLE handle, EFI_GUID *guid, void **_interface)
{
	CHECK(handle == IMAGE_HANDLE && memcmp(guid, &sLoadedImageGuid, sizeof(*guid)) == 0);
	*_interface = &sLoaded;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_start_image(EFI_HANDLE handle, UINTN *_exitSize, CHAR16 **_exitData)
{
	CHECK(handle == IMAGE_HANDLE && sWatchdogCalls == 1 && sWatchdog[0] == 300);
	sStarted = true;
	sOptionsSize = sLoaded.LoadOptionsSize;
	CHECK(sOptionsSize <= sizeof(sOptions));
	memcpy(sOptions, sLoaded.LoadOptions, sOptionsSize);
	sConsoleMode.Mode = sModeAfterExit;
	if (sExitText == NULL)
		return EFI_SUCCESS;
	size_t units = 0;
	while (sExitText[units] != 0)
		units++;
	*_exitSize = 2 * (units + 1);
	*_exitData = malloc(*_exitSize);
	memcpy(*_exitData, sExitText, *_exitSize);
	return EFI_ABORTED;
}


static EFI_STATUS EFIAPI
fake_unload_image(EFI_HANDLE handle)
{
	CHECK(handle == IMAGE_HANDLE);
	sUnloaded = true;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_set_watchdog(UINTN seconds, UINT64 code, UINTN size, CHAR16 *data)
{
	CHECK(sWatchdogCalls < 2);
	sWatchdog[sWatchdogCalls++] = seconds;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_set_mode(SIMPLE_TEXT_OUTPUT_INTERFACE *console, UINTN mode)
{
	sConsoleMode.Mode = (INT32)mode;
	return EFI_SUCCESS;
}


/* A PE image for machine, and a request to start it from disk0's first partition. */
static void
setup(uint16_t machine)
{
	memset(sImage, 0, sizeof(sImage));
	sImage[0] = 'M';
	sImage[1] = 'Z';
	sImage[PE_OFFSET_AT] = 0x80;
	memcpy(sImage + 0x80, "PE\0\0", 4);
	sImage[0x80 + PE_MACHINE_AT] = (uint8_t)machine;
	sImage[0x80 + PE_MACHINE_AT + 1] = (uint8_t)(machine >> 8);
	sRequest = (struct platform_image){
		.path = "(disk0p1)/EFI/tools/memtest.efi",
		.data = sImage,
		.size = sizeof(sImage),
		.disk = &sDisk,
		.partition_offset = 1048576,
		.volume_path = "/EFI/tools/m\xc3\xa9mtest.efi",
		.command_line = "console=ttyS0 \xc3\xa9",
	};
	sBootServices = (EFI_BOOT_SERVICES){
		.LoadImage = fake_load_image,
		.StartImage = fake_start_image,
		.UnloadImage = fake_unload_image,
		.HandleProtocol = fake_handle_protocol,
		.SetWatchdogTimer = fake_set_watchdog,
		.FreePool = fake_free_pool,
	};
	gBootServices = &sBootServices;
	sConsoleMode = (SIMPLE_TEXT_OUTPUT_MODE){ .Mode = 2 };
	sConsole = (SIMPLE_TEXT_OUTPUT_INTERFACE){ .SetMode = fake_set_mode, .Mode = &sConsoleMode };
	sFakeSystemTable.ConOut = &sConsole;
	sLoaded = (EFI_LOADED_IMAGE){ 0 };
	sGivenPathSize = 0;
	sLoadStatus = EFI_SUCCESS;
	sLoadGivesHandle = false;
	sUnloaded = sStarted = false;
	sWatchdogCalls = 0;
	sExitText = NULL;
	sModeAfterExit = 2;
	sInitrdStatus = sTreeStatus = B_OK;
	sInitrdOffered = sTreeOffered = false;
	counted_heap_reset();
	boot_log_clear();
}


static status_t
start(char *reason, size_t size)
{
	reason[0] = '\0';
	status_t status = platform_start_image(&sRequest, reason, size);
	CHECK(!sInitrdOffered && !sTreeOffered);
	CHECK_EQ(counted_heap_live(), 0);
	return status;
}


TEST(an_application_gets_its_file_and_command_line_and_its_exit_is_told)
{
	setup(0x8664);
	sExitText = u"Aborted by the user";
	sModeAfterExit = 0;
	char reason[96];
	CHECK_EQ(start(reason, sizeof(reason)), B_OK);
	CHECK(sStarted);
	CHECK(strcmp(reason, "EFI_ABORTED, Aborted by the user") == 0);
	/* The volume's path, then the file's, ASCII with backslashes, then the end. */
	static const char16_t kName[] = u"\\EFI\\tools\\m??mtest.efi";
	const size_t kFileNode = 4 + sizeof(kName);
	CHECK_EQ(sGivenPathSize, 4 + kFileNode + 4);
	CHECK(memcmp(sGivenPath, sVolumePath, 4) == 0);
	CHECK_EQ(sGivenPath[4], MEDIA_DEVICE_PATH);
	CHECK_EQ(sGivenPath[5], MEDIA_FILEPATH_DP);
	CHECK_EQ(sGivenPath[6] | sGivenPath[7] << 8, kFileNode);
	CHECK(memcmp(sGivenPath + 8, kName, sizeof(kName)) == 0);
	/* The command line as UCS-2 with its NUL. */
	CHECK_EQ(sOptionsSize, 2 * 16);
	CHECK(memcmp(sOptions, u"console=ttyS0 \u00e9", 2 * 16) == 0);
	/* The watchdog for the application's run, then off; the console's mode back. */
	CHECK_EQ(sWatchdogCalls, 2);
	CHECK_EQ(sWatchdog[1], 0);
	CHECK_EQ(sConsoleMode.Mode, 2);
	CHECK(strstr(sLog, "efi: after (disk0p1)/EFI/tools/memtest.efi, 1024 KiB of memory are "
		"free\n") != NULL);
}


TEST(what_is_no_executable_for_this_machine_is_not_handed_to_the_firmware)
{
	char reason[128];
	setup(0);
	memcpy(sImage + 0x80, "PX", 2);
	CHECK_EQ(start(reason, sizeof(reason)), B_BAD_DATA);
	CHECK(strcmp(reason, "(disk0p1)/EFI/tools/memtest.efi is not an EFI executable (no PE "
		"header)") == 0);
	setup(0);
	sRequest.size = PE_DOS_HEADER_SIZE - 1;
	CHECK_EQ(start(reason, sizeof(reason)), B_BAD_DATA);
	setup(0xaa64);
	CHECK_EQ(start(reason, sizeof(reason)), B_NOT_SUPPORTED);
	CHECK(strstr(reason, "is an EFI executable for another architecture (PE machine ") != NULL);
	CHECK(!sStarted && sWatchdogCalls == 0);
}


TEST(secure_boot_refusing_an_image_unloads_it)
{
	char reason[128];
	setup(0x8664);
	sLoadStatus = EFI_SECURITY_VIOLATION;
	sLoadGivesHandle = true;
	CHECK_EQ(start(reason, sizeof(reason)), B_NOT_ALLOWED);
	CHECK(sUnloaded && !sStarted);
	CHECK(strcmp(reason, "the firmware's Secure Boot refused (disk0p1)/EFI/tools/memtest.efi "
		"(EFI_SECURITY_VIOLATION)") == 0);
	setup(0x8664);
	sLoadStatus = EFI_ACCESS_DENIED;
	CHECK_EQ(start(reason, sizeof(reason)), B_NOT_ALLOWED);
	CHECK(!sUnloaded);
	setup(0x8664);
	sLoadStatus = EFI_UNSUPPORTED;
	CHECK_EQ(start(reason, sizeof(reason)), B_NOT_SUPPORTED);
	CHECK(strcmp(reason, "the firmware cannot load (disk0p1)/EFI/tools/memtest.efi "
		"(EFI_UNSUPPORTED)") == 0);
	setup(0x8664);
	sLoadStatus = EFI_LOAD_ERROR;
	CHECK_EQ(start(reason, sizeof(reason)), B_ERROR);
}


TEST(a_file_from_no_disk_is_loaded_without_a_path)
{
	char reason[64];
	setup(0x8664);
	sRequest.disk = NULL;
	CHECK_EQ(start(reason, sizeof(reason)), B_OK);
	CHECK_EQ(sGivenPathSize, 0);
	CHECK(sStarted);
	CHECK(strcmp(reason, "EFI_SUCCESS") == 0);
}


TEST(an_initrd_or_tree_that_cannot_be_offered_stops_the_start)
{
	static const uint8_t kInitrd[16], kTree[64];
	char reason[96];
	setup(0x8664);
	sRequest.initrd = kInitrd;
	sRequest.initrd_size = sizeof(kInitrd);
	sInitrdStatus = B_NOT_ALLOWED;
	CHECK_EQ(start(reason, sizeof(reason)), B_NOT_ALLOWED);
	CHECK(strcmp(reason, "cannot offer the initrd: another one is offered already") == 0);
	/* The tree refused: the initrd offered before it is withdrawn. */
	setup(0x8664);
	sRequest.initrd = kInitrd;
	sRequest.initrd_size = sizeof(kInitrd);
	sRequest.device_tree = kTree;
	sRequest.device_tree_size = sizeof(kTree);
	sTreeStatus = B_BAD_DATA;
	CHECK_EQ(start(reason, sizeof(reason)), B_BAD_DATA);
	CHECK(strcmp(reason, "cannot install the device tree: the firmware's fix-up refused it")
		== 0);
	CHECK(!sStarted);
	/* Both offered for the start, both withdrawn after it. */
	setup(0x8664);
	sRequest.initrd = kInitrd;
	sRequest.initrd_size = sizeof(kInitrd);
	sRequest.device_tree = kTree;
	sRequest.device_tree_size = sizeof(kTree);
	CHECK_EQ(start(reason, sizeof(reason)), B_OK);
	CHECK(sStarted);
}
