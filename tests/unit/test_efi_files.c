/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's file renames (src/system/boot/platform/efi/
 * files.c), which boot counting does through the firmware's own FAT
 * driver, compiled right into this test with gnu-efi's headers on a fake
 * file system: the path and name the firmware is handed, the file's
 * information kept but for its name, the directory written, and each step
 * that can fail named with the firmware's reason. The QEMU boots rename
 * only when a counted entry boots, and never see a step fail.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#include "../../src/system/boot/platform/efi/files.c"
#include "../../src/system/boot/platform/efi/status.c"
#include "../../src/system/boot/platform/efi/text.c"
#include "../support/counted_heap.h"
#include "../support/efi_port_fakes.h"

#include "unit_test.h"

#define NAME_UNITS		128

EFI_BOOT_SERVICES *gBootServices;

static EFI_BOOT_SERVICES sBootServices;
static EFI_FILE_IO_INTERFACE sFileSystem;
static EFI_FILE sRoot;
static EFI_FILE sFile;
static uint8_t sVolumePath[4] = { END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, 4, 0 };
static bool sHasPath;
static bool sConnected;				/* the file system appears once connected */
static bool sNeedsConnect;
static CHAR16 sOpened[NAME_UNITS];
static UINT64 sOpenMode;
static uint8_t sSetInfo[sizeof(EFI_FILE_INFO) + 2 * NAME_UNITS];
static UINTN sSetInfoSize;
static uint32_t sOpenFiles;
static bool sFlushed;
static EFI_STATUS sOpenStatus, sSetInfoStatus, sFlushStatus;
static bool sInfoSaysNoSize;		/* a broken GetInfo: success for no buffer */
static const char16_t *sOldName = u"a+3-0.conf";
static struct block_device sDisk = { .name = "disk0" };


EFI_DEVICE_PATH *
efi_volume_device_path(const struct block_device *device, uint64_t offset)
{
	CHECK(device == &sDisk && offset == 1048576);
	return sHasPath ? (EFI_DEVICE_PATH *)sVolumePath : NULL;
}


static EFI_STATUS EFIAPI
fake_locate_device_path(EFI_GUID *protocol, EFI_DEVICE_PATH **_path, EFI_HANDLE *_handle)
{
	CHECK(*_path == (EFI_DEVICE_PATH *)sVolumePath);
	if (memcmp(protocol, &sFileSystemGuid, sizeof(*protocol)) == 0
		&& sNeedsConnect && !sConnected)
		return EFI_NOT_FOUND;
	*_handle = (EFI_HANDLE)0x5000;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_connect_controller(EFI_HANDLE handle, EFI_HANDLE *drivers, EFI_DEVICE_PATH *path,
	BOOLEAN recursive)
{
	sConnected = true;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_handle_protocol(EFI_HANDLE handle, EFI_GUID *guid, void **_interface)
{
	CHECK(memcmp(guid, &sFileSystemGuid, sizeof(*guid)) == 0);
	*_interface = &sFileSystem;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_open_volume(EFI_FILE_IO_INTERFACE *fileSystem, EFI_FILE_HANDLE *_root)
{
	sOpenFiles++;
	*_root = &sRoot;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_open(EFI_FILE_HANDLE root, EFI_FILE_HANDLE *_file, CHAR16 *path, UINT64 mode,
	UINT64 attributes)
{
	CHECK(root == &sRoot);
	size_t length = 0;
	while (path[length] != 0 && length + 1 < NAME_UNITS) {
		sOpened[length] = path[length];
		length++;
	}
	sOpened[length] = 0;
	sOpenMode = mode;
	if (sOpenStatus != EFI_SUCCESS)
		return sOpenStatus;
	sOpenFiles++;
	*_file = &sFile;
	return EFI_SUCCESS;
}


/* The file's information, as edk2's FAT driver gives it: its name at the end. */
static EFI_STATUS EFIAPI
fake_get_info(EFI_FILE_HANDLE file, EFI_GUID *type, UINTN *_size, void *buffer)
{
	CHECK(memcmp(type, &sFileInfoGuid, sizeof(*type)) == 0);
	size_t units = 0;
	while (sOldName[units] != 0)
		units++;
	UINTN size = SIZE_OF_EFI_FILE_INFO + 2 * (units + 1);
	if (sInfoSaysNoSize)
		return EFI_SUCCESS;
	if (*_size < size) {
		*_size = size;
		return EFI_BUFFER_TOO_SMALL;
	}
	EFI_FILE_INFO *info = buffer;
	memset(info, 0, size);
	info->Size = size;
	info->FileSize = 1234;
	info->PhysicalSize = 4096;
	info->Attribute = EFI_FILE_ARCHIVE;
	memcpy(info->FileName, sOldName, 2 * (units + 1));
	*_size = size;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_set_info(EFI_FILE_HANDLE file, EFI_GUID *type, UINTN size, void *buffer)
{
	CHECK(file == &sFile && size <= sizeof(sSetInfo));
	memcpy(sSetInfo, buffer, size);
	sSetInfoSize = size;
	return sSetInfoStatus;
}


static EFI_STATUS EFIAPI
fake_flush(EFI_FILE_HANDLE file)
{
	sFlushed = sFlushStatus == EFI_SUCCESS;
	return sFlushStatus;
}


static EFI_STATUS EFIAPI
fake_close(EFI_FILE_HANDLE file)
{
	CHECK(sOpenFiles > 0);
	sOpenFiles--;
	return EFI_SUCCESS;
}


static void
setup(void)
{
	sBootServices = (EFI_BOOT_SERVICES){
		.LocateDevicePath = fake_locate_device_path,
		.ConnectController = fake_connect_controller,
		.HandleProtocol = fake_handle_protocol,
	};
	gBootServices = &sBootServices;
	sFileSystem = (EFI_FILE_IO_INTERFACE){ .OpenVolume = fake_open_volume };
	sRoot = (EFI_FILE){ .Open = fake_open, .Close = fake_close };
	sFile = (EFI_FILE){ .GetInfo = fake_get_info, .SetInfo = fake_set_info,
		.Flush = fake_flush, .Close = fake_close };
	sHasPath = true;
	sConnected = sNeedsConnect = false;
	sOpened[0] = 0;
	sSetInfoSize = 0;
	sOpenFiles = 0;
	sFlushed = false;
	sOpenStatus = sSetInfoStatus = sFlushStatus = EFI_SUCCESS;
	sInfoSaysNoSize = false;
	sOldName = u"a+3-0.conf";
	counted_heap_reset();
}


static bool
ucs2_is(const CHAR16 *text, const char16_t *expected)
{
	size_t i = 0;
	for (; expected[i] != 0; i++) {
		if (text[i] != expected[i])
			return false;
	}
	return text[i] == 0;
}


/* The rename, which must fail with status for the reason given. */
static void
expect_failure(status_t status, const char *expected, int line)
{
	char reason[128] = "";
	status_t result = platform_rename_file(&sDisk, 1048576, "/loader/entries/a+3-0.conf",
		"a+2-1.conf", reason, sizeof(reason));
	if (result != status || strcmp(reason, expected) != 0 || sOpenFiles != 0
		|| counted_heap_live() != 0)
		unit_fail(__FILE__, line, "%s (%s), %u files open", status_string(result), reason,
			sOpenFiles);
}


TEST(a_counted_entry_is_renamed_in_its_directory)
{
	setup();
	char reason[64] = "";
	CHECK_EQ(platform_rename_file(&sDisk, 1048576, "/loader/entries/a+3-0.conf",
		"a+2-1.conf", reason, sizeof(reason)), B_OK);
	CHECK(ucs2_is(sOpened, u"\\loader\\entries\\a+3-0.conf"));
	CHECK_EQ(sOpenMode, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE);
	const EFI_FILE_INFO *info = (const EFI_FILE_INFO *)sSetInfo;
	CHECK_EQ(sSetInfoSize, SIZE_OF_EFI_FILE_INFO + 2 * 11);
	CHECK_EQ(info->Size, sSetInfoSize);
	CHECK(ucs2_is(info->FileName, u"a+2-1.conf"));
	/* All else as the firmware said it. */
	CHECK_EQ(info->FileSize, 1234);
	CHECK_EQ(info->PhysicalSize, 4096);
	CHECK_EQ(info->Attribute, EFI_FILE_ARCHIVE);
	CHECK(sFlushed);
	CHECK_EQ(sOpenFiles, 0);
	CHECK_EQ(counted_heap_live(), 0);
	CHECK(!sConnected);
}


TEST(a_name_longer_or_shorter_than_the_old_one)
{
	setup();
	sOldName = u"x";
	char reason[64];
	CHECK_EQ(platform_rename_file(&sDisk, 1048576, "/EFI/Linux/x.efi",
		"debian-6.1.0-28-cloud-amd64+3-0.efi", reason, sizeof(reason)), B_OK);
	CHECK(ucs2_is(((const EFI_FILE_INFO *)sSetInfo)->FileName,
		u"debian-6.1.0-28-cloud-amd64+3-0.efi"));
	CHECK_EQ(sSetInfoSize, SIZE_OF_EFI_FILE_INFO + 2 * 36);
	setup();
	sOldName = u"debian-6.1.0-28-cloud-amd64+3-0.efi";
	CHECK_EQ(platform_rename_file(&sDisk, 1048576, "/EFI/Linux/x.efi", "\xc3\xa9+1.efi",
		reason, sizeof(reason)), B_OK);
	CHECK(ucs2_is(((const EFI_FILE_INFO *)sSetInfo)->FileName, u"\u00e9+1.efi"));
	CHECK_EQ(sSetInfoSize, SIZE_OF_EFI_FILE_INFO + 2 * 8);
}


TEST(a_file_system_the_firmware_has_not_connected_yet)
{
	setup();
	sNeedsConnect = true;
	char reason[64];
	CHECK_EQ(platform_rename_file(&sDisk, 1048576, "/a", "b", reason, sizeof(reason)), B_OK);
	CHECK(sConnected);
	setup();
	sHasPath = false;
	expect_failure(B_NOT_SUPPORTED, "the firmware has no file system on disk0 at byte 1048576",
		__LINE__);
}


TEST(each_step_that_fails_is_named)
{
	setup();
	sOpenStatus = EFI_NOT_FOUND;
	expect_failure(B_ENTRY_NOT_FOUND, "the firmware cannot open the file: EFI_NOT_FOUND",
		__LINE__);
	setup();
	sInfoSaysNoSize = true;
	expect_failure(B_IO_ERROR, "the firmware cannot read what it knows of the file: "
		"EFI_DEVICE_ERROR", __LINE__);
	setup();
	sSetInfoStatus = EFI_WRITE_PROTECTED;
	expect_failure(B_NOT_ALLOWED, "the firmware cannot rename the file: EFI_WRITE_PROTECTED",
		__LINE__);
	setup();
	sSetInfoStatus = EFI_ACCESS_DENIED;
	expect_failure(B_NOT_ALLOWED, "the firmware cannot rename the file: EFI_ACCESS_DENIED",
		__LINE__);
	setup();
	sFlushStatus = EFI_VOLUME_FULL;
	expect_failure(B_IO_ERROR, "the firmware cannot write the directory: EFI_VOLUME_FULL",
		__LINE__);
	setup();
	counted_heap_fail_at(1);
	expect_failure(B_NO_MEMORY, "the firmware cannot open the file: EFI_OUT_OF_RESOURCES",
		__LINE__);
	setup();
	counted_heap_fail_at(3);
	expect_failure(B_NO_MEMORY, "the firmware cannot read what it knows of the file: "
		"EFI_OUT_OF_RESOURCES", __LINE__);
}
