/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's initrd as Linux's EFI stub asks for it
 * (src/system/boot/platform/efi/initrd.c), compiled right into this test
 * with gnu-efi's headers: the handle installed (the Linux initrd media
 * device path and LoadFile2), LoadFile2 called as the stub calls it (the
 * size first, then the bytes) and as the specification allows (a buffer
 * too small or larger, a boot policy, a path that names a file), an initrd
 * another loader left installed, and the handle taken away again. Debian's
 * kernel in test_guests.py reads its initrds this way; this tries the rest.
 */
#include <stdbool.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/initrd.c"

#include "unit_test.h"

#define MAX_INTERFACES	4

EFI_BOOT_SERVICES *gBootServices;

/* What one Install/UninstallMultipleProtocolInterfaces call was handed. */
struct protocol_call {
	EFI_HANDLE	handle;
	EFI_GUID	guids[MAX_INTERFACES];
	void		*interfaces[MAX_INTERFACES];
	int			count;
};

static EFI_BOOT_SERVICES sBootServices;
static EFI_STATUS sInstallStatus;
static struct protocol_call sInstalled;
static struct protocol_call sUninstalled;
static int sInstalls;
static int sUninstalls;
static uint8_t sInitrd[300];


/* The GUID and interface pairs of a call, up to its NULL. */
static void
record_pairs(struct protocol_call *call, __builtin_ms_va_list arguments)
{
	call->count = 0;
	for (;;) {
		EFI_GUID *guid = __builtin_va_arg(arguments, EFI_GUID *);
		if (guid == NULL)
			break;
		CHECK(call->count < MAX_INTERFACES);
		call->guids[call->count] = *guid;
		call->interfaces[call->count++] = __builtin_va_arg(arguments, void *);
	}
}


static EFI_STATUS EFIAPI
fake_install(EFI_HANDLE *handle, ...)
{
	sInstalls++;
	CHECK(*handle == NULL);
	__builtin_ms_va_list arguments;
	__builtin_ms_va_start(arguments, handle);
	record_pairs(&sInstalled, arguments);
	__builtin_ms_va_end(arguments);
	if (sInstallStatus == EFI_SUCCESS)
		*handle = (EFI_HANDLE)&sInstalled;
	sInstalled.handle = *handle;
	return sInstallStatus;
}


static EFI_STATUS EFIAPI
fake_uninstall(EFI_HANDLE handle, ...)
{
	sUninstalls++;
	__builtin_ms_va_list arguments;
	__builtin_ms_va_start(arguments, handle);
	record_pairs(&sUninstalled, arguments);
	__builtin_ms_va_end(arguments);
	sUninstalled.handle = handle;
	return EFI_SUCCESS;
}


static void
setup(void)
{
	sBootServices.InstallMultipleProtocolInterfaces = fake_install;
	sBootServices.UninstallMultipleProtocolInterfaces = fake_uninstall;
	gBootServices = &sBootServices;
	sInstallStatus = EFI_SUCCESS;
	sInstalls = sUninstalls = 0;
	memset(&sInstalled, 0, sizeof(sInstalled));
	memset(&sUninstalled, 0, sizeof(sUninstalled));
	for (size_t i = 0; i < sizeof(sInitrd); i++)
		sInitrd[i] = (uint8_t)(i * 7 + 1);
}


static EFI_LOAD_FILE_PROTOCOL *
installed_load_file2(void)
{
	static const EFI_GUID kLoadFile2 = LOAD_FILE2_PROTOCOL_GUID;
	for (int i = 0; i < sInstalled.count; i++) {
		if (memcmp(&sInstalled.guids[i], &kLoadFile2, sizeof(EFI_GUID)) == 0)
			return sInstalled.interfaces[i];
	}
	unit_fail(__FILE__, __LINE__, "no LoadFile2 installed");
	return NULL;
}


/* The end of the device path the stub found the handle by: what it passes. */
static EFI_DEVICE_PATH *
remaining_path(void)
{
	static EFI_DEVICE_PATH end = { END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE,
		{ sizeof(EFI_DEVICE_PATH), 0 } };
	return &end;
}


TEST(the_handle_the_stub_looks_for)
{
	setup();
	CHECK_EQ(efi_initrd_install(sInitrd, sizeof(sInitrd)), B_OK);
	CHECK_EQ(sInstalls, 1);
	CHECK_EQ(sInstalled.count, 2);
	static const EFI_GUID kDevicePath = DEVICE_PATH_PROTOCOL;
	CHECK(memcmp(&sInstalled.guids[0], &kDevicePath, sizeof(EFI_GUID)) == 0);
	/* A vendor media node of the Linux initrd GUID, 20 bytes, then the end. */
	static const EFI_GUID kInitrdMedia = LINUX_INITRD_MEDIA_GUID;
	const uint8_t *path = sInstalled.interfaces[0];
	CHECK_EQ(path[0], MEDIA_DEVICE_PATH);
	CHECK_EQ(path[1], MEDIA_VENDOR_DP);
	CHECK_EQ(path[2] | path[3] << 8, 20);
	CHECK(memcmp(path + 4, &kInitrdMedia, sizeof(EFI_GUID)) == 0);
	CHECK_EQ(path[20], END_DEVICE_PATH_TYPE);
	CHECK_EQ(path[21], END_ENTIRE_DEVICE_PATH_SUBTYPE);
	CHECK_EQ(path[22] | path[23] << 8, 4);
	CHECK(installed_load_file2() != NULL);
	efi_initrd_uninstall();
}


TEST(loadfile2_as_the_stub_calls_it)
{
	setup();
	CHECK_EQ(efi_initrd_install(sInitrd, sizeof(sInitrd)), B_OK);
	EFI_LOAD_FILE_PROTOCOL *loadFile = installed_load_file2();
	/* The size first, with no buffer. */
	UINTN size = 0;
	CHECK_EQ(loadFile->LoadFile(loadFile, remaining_path(), FALSE, &size, NULL),
		EFI_BUFFER_TOO_SMALL);
	CHECK_EQ(size, sizeof(sInitrd));
	/* A byte short: nothing written, the size said again. */
	uint8_t buffer[sizeof(sInitrd) + 16];
	memset(buffer, 0xee, sizeof(buffer));
	size = sizeof(sInitrd) - 1;
	CHECK_EQ(loadFile->LoadFile(loadFile, remaining_path(), FALSE, &size, buffer),
		EFI_BUFFER_TOO_SMALL);
	CHECK_EQ(size, sizeof(sInitrd));
	CHECK_EQ(buffer[0], 0xee);
	/* Exactly its size, and more: the bytes, and the size they take. */
	size = sizeof(sInitrd);
	CHECK_EQ(loadFile->LoadFile(loadFile, remaining_path(), FALSE, &size, buffer),
		EFI_SUCCESS);
	CHECK(memcmp(buffer, sInitrd, sizeof(sInitrd)) == 0);
	memset(buffer, 0xee, sizeof(buffer));
	size = sizeof(buffer);
	CHECK_EQ(loadFile->LoadFile(loadFile, remaining_path(), FALSE, &size, buffer),
		EFI_SUCCESS);
	CHECK_EQ(size, sizeof(sInitrd));
	CHECK(memcmp(buffer, sInitrd, sizeof(sInitrd)) == 0);
	CHECK_EQ(buffer[sizeof(sInitrd)], 0xee);
	efi_initrd_uninstall();
}


TEST(loadfile2_refuses_what_it_cannot_mean)
{
	setup();
	CHECK_EQ(efi_initrd_install(sInitrd, sizeof(sInitrd)), B_OK);
	EFI_LOAD_FILE_PROTOCOL *loadFile = installed_load_file2();
	uint8_t buffer[sizeof(sInitrd)];
	UINTN size = sizeof(buffer);
	/* LoadFile2 has no boot policy: that is LoadFile's. */
	CHECK_EQ(loadFile->LoadFile(loadFile, remaining_path(), TRUE, &size, buffer),
		EFI_UNSUPPORTED);
	CHECK_EQ(loadFile->LoadFile(loadFile, NULL, FALSE, &size, buffer),
		EFI_INVALID_PARAMETER);
	CHECK_EQ(loadFile->LoadFile(loadFile, remaining_path(), FALSE, NULL, buffer),
		EFI_INVALID_PARAMETER);
	/* A path that goes on past the handle's names a file the initrd does not have. */
	const uint8_t *installedPath = sInstalled.interfaces[0];
	CHECK_EQ(loadFile->LoadFile(loadFile, (EFI_DEVICE_PATH *)installedPath, FALSE, &size,
		buffer), EFI_INVALID_PARAMETER);
	efi_initrd_uninstall();
}


TEST(withdrawn_once_and_only_when_installed)
{
	setup();
	CHECK_EQ(efi_initrd_install(sInitrd, sizeof(sInitrd)), B_OK);
	efi_initrd_uninstall();
	CHECK_EQ(sUninstalls, 1);
	CHECK(sUninstalled.handle == sInstalled.handle);
	CHECK_EQ(sUninstalled.count, 2);
	CHECK(memcmp(sUninstalled.guids, sInstalled.guids, sizeof(sInstalled.guids)) == 0);
	CHECK(memcmp(sUninstalled.interfaces, sInstalled.interfaces,
		sizeof(sInstalled.interfaces)) == 0);
	efi_initrd_uninstall();
	CHECK_EQ(sUninstalls, 1);

	/* Another loader's initrd is there already: Linux would take that one. */
	setup();
	sInstallStatus = EFI_ALREADY_STARTED;
	CHECK_EQ(efi_initrd_install(sInitrd, sizeof(sInitrd)), B_NOT_ALLOWED);
	efi_initrd_uninstall();
	CHECK_EQ(sUninstalls, 0);
	sInstallStatus = EFI_OUT_OF_RESOURCES;
	CHECK_EQ(efi_initrd_install(sInitrd, sizeof(sInitrd)), B_ERROR);
	efi_initrd_uninstall();
	CHECK_EQ(sUninstalls, 0);
	/* A second initrd after the first was withdrawn gets a handle of its own. */
	sInstallStatus = EFI_SUCCESS;
	CHECK_EQ(efi_initrd_install(sInitrd, 10), B_OK);
	UINTN size = 0;
	EFI_LOAD_FILE_PROTOCOL *loadFile = installed_load_file2();
	CHECK_EQ(loadFile->LoadFile(loadFile, remaining_path(), FALSE, &size, NULL),
		EFI_BUFFER_TOO_SMALL);
	CHECK_EQ(size, 10);
	efi_initrd_uninstall();
}
