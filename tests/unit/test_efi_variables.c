/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's Boot Loader Interface variables
 * (src/system/boot/platform/efi/variables.c and text.c) and its reading of
 * Secure Boot's (secure_boot.c), compiled right
 * into this test with gnu-efi's headers, on a variable store that answers
 * as edk2's does: values read back as UTF-8 whatever their length in UTF-16,
 * the attributes written, what consuming a variable deletes, and the
 * firmware's and the image's identity as bootctl reads them. The QEMU
 * boots only see these through a Debian guest's bootctl.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#include "../../src/system/boot/platform/efi/variables.c"
#include "../../src/system/boot/platform/efi/text.c"
#include "../../src/system/boot/platform/efi/secure_boot.c"
#include "../support/counted_heap.h"
#include "../support/efi_port_fakes.h"

#include "unit_test.h"

#define MAX_VARIABLES	8
#define MAX_DATA		512

EFI_HANDLE gImageHandle = (EFI_HANDLE)0x100;
EFI_BOOT_SERVICES *gBootServices;
int gBootServicesActive;

struct fake_variable {
	CHAR16		name[NAME_UNITS];
	UINT32		attributes;
	uint8_t		data[MAX_DATA];
	UINTN		size;
};

static struct fake_variable sStore[MAX_VARIABLES];
static uint32_t sWrites;
static EFI_RUNTIME_SERVICES sRuntime;
static EFI_BOOT_SERVICES sBootServices;
static EFI_LOADED_IMAGE sImage;


static struct fake_variable *
store_find(const CHAR16 *name, EFI_GUID *guid)
{
	CHECK(memcmp(guid, &sLoaderVendor, sizeof(*guid)) == 0);
	for (int i = 0; i < MAX_VARIABLES; i++) {
		size_t length = 0;
		while (name[length] != 0 && sStore[i].name[length] == name[length])
			length++;
		if (sStore[i].size != 0 && name[length] == 0 && sStore[i].name[length] == 0)
			return &sStore[i];
	}
	return NULL;
}


static EFI_STATUS EFIAPI
fake_get_variable(CHAR16 *name, EFI_GUID *guid, UINT32 *attributes, UINTN *size, void *data)
{
	struct fake_variable *variable = store_find(name, guid);
	if (variable == NULL)
		return EFI_NOT_FOUND;
	if (*size < variable->size) {
		*size = variable->size;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(data, variable->data, variable->size);
	*size = variable->size;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_set_variable(CHAR16 *name, EFI_GUID *guid, UINT32 attributes, UINTN size, void *data)
{
	sWrites++;
	struct fake_variable *variable = store_find(name, guid);
	if (size == 0) {
		if (variable == NULL)
			return EFI_NOT_FOUND;
		variable->size = 0;
		return EFI_SUCCESS;
	}
	CHECK(size <= MAX_DATA);
	for (int i = 0; variable == NULL && i < MAX_VARIABLES; i++) {
		if (sStore[i].size == 0)
			variable = &sStore[i];
	}
	CHECK(variable != NULL);
	size_t length = 0;
	while (name[length] != 0)
		length++;
	memcpy(variable->name, name, (length + 1) * sizeof(CHAR16));
	variable->attributes = attributes;
	memcpy(variable->data, data, size);
	variable->size = size;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_handle_protocol(EFI_HANDLE handle, EFI_GUID *guid, void **_interface)
{
	CHECK(handle == gImageHandle);
	*_interface = &sImage;
	return EFI_SUCCESS;
}


static void
setup(void)
{
	memset(sStore, 0, sizeof(sStore));
	sWrites = 0;
	sRuntime = (EFI_RUNTIME_SERVICES){
		.GetVariable = fake_get_variable,
		.SetVariable = fake_set_variable,
	};
	sFakeSystemTable.RuntimeServices = &sRuntime;
	sBootServices = (EFI_BOOT_SERVICES){ .HandleProtocol = fake_handle_protocol };
	gBootServices = &sBootServices;
	gBootServicesActive = 1;
	sImage = (EFI_LOADED_IMAGE){ 0 };
	counted_heap_reset();
}


/* Store name = the UTF-16 of text, as bootctl or the loader before wrote it. */
static void
plant(const CHAR16 *name, const char16_t *text, size_t units)
{
	EFI_GUID guid = sLoaderVendor;
	CHECK_EQ(fake_set_variable((CHAR16 *)name, &guid, kVolatile, 2 * units, (void *)text),
		EFI_SUCCESS);
	sWrites = 0;
}


static struct fake_variable *
stored(const CHAR16 *name)
{
	EFI_GUID guid = sLoaderVendor;
	return store_find(name, &guid);
}


TEST(text_is_written_as_the_firmwares_strings_and_read_back)
{
	setup();
	const char kId[] = "debian-\xc3\xa9t\xc3\xa9.conf";
	CHECK_EQ(platform_set_loader_variable("LoaderEntrySelected", kId, strlen(kId),
		PLATFORM_VARIABLE_TEXT), B_OK);
	struct fake_variable *variable = stored(L"LoaderEntrySelected");
	CHECK(variable != NULL);
	CHECK_EQ(variable->attributes, EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS);
	CHECK_EQ(variable->size, 2 * 15);
	CHECK(memcmp(variable->data, u"debian-\u00e9t\u00e9.conf", 2 * 15) == 0);
	char value[64];
	CHECK_EQ(platform_get_loader_variable("LoaderEntrySelected", value, sizeof(value), false),
		B_OK);
	CHECK(strcmp(value, kId) == 0);
	CHECK(stored(L"LoaderEntrySelected") != NULL);
	CHECK_EQ(counted_heap_live(), 0);
}


TEST(persistent_variables_outlive_the_boot_and_bytes_stay_bytes)
{
	setup();
	const uint8_t kBytes[3] = { 0x00, 0xff, 0x7f };
	CHECK_EQ(platform_set_loader_variable("LoaderConfigTimeout", kBytes, 3,
		PLATFORM_VARIABLE_PERSISTENT), B_OK);
	struct fake_variable *variable = stored(L"LoaderConfigTimeout");
	CHECK(variable != NULL && variable->size == 3 && memcmp(variable->data, kBytes, 3) == 0);
	CHECK(variable->attributes & EFI_VARIABLE_NON_VOLATILE);
	/* Deleting one that is not there is done already. */
	CHECK_EQ(platform_set_loader_variable("LoaderEntryDefault", NULL, 0,
		PLATFORM_VARIABLE_PERSISTENT), B_OK);
	CHECK_EQ(platform_set_loader_variable("LoaderConfigTimeout", NULL, 0,
		PLATFORM_VARIABLE_PERSISTENT), B_OK);
	CHECK(stored(L"LoaderConfigTimeout") == NULL);
}


TEST(a_value_fits_by_its_utf8_not_its_utf16)
{
	char value[10];
	/* Nine ASCII characters and the NUL the firmware's strings end in: fits exactly. */
	setup();
	plant(L"LoaderEntryOneShot", u"123456789", 10);
	CHECK_EQ(platform_get_loader_variable("LoaderEntryOneShot", value, sizeof(value), false),
		B_OK);
	CHECK(strcmp(value, "123456789") == 0);
	/* Five characters of three bytes each: 15 bytes, too long though 5 units are few. */
	setup();
	plant(L"LoaderEntryOneShot", u"\u65e5\u672c\u8a9e\u65e5\u672c", 5);
	memcpy(value, "unchanged", 10);
	CHECK_EQ(platform_get_loader_variable("LoaderEntryOneShot", value, sizeof(value), false),
		B_BUFFER_OVERFLOW);
	/* Three of them and nothing else: 9 bytes, fits. */
	setup();
	plant(L"LoaderEntryOneShot", u"\u65e5\u672c\u8a9e", 3);
	CHECK_EQ(platform_get_loader_variable("LoaderEntryOneShot", value, sizeof(value), false),
		B_OK);
	CHECK(strcmp(value, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e") == 0);
	/* Ten ASCII characters without a NUL: one byte too many. */
	setup();
	plant(L"LoaderEntryOneShot", u"1234567890", 10);
	CHECK_EQ(platform_get_loader_variable("LoaderEntryOneShot", value, sizeof(value), false),
		B_BUFFER_OVERFLOW);
	/* More bytes than the firmware is asked for. */
	setup();
	plant(L"LoaderEntryOneShot", u"12345678901", 11);
	CHECK_EQ(platform_get_loader_variable("LoaderEntryOneShot", value, sizeof(value), false),
		B_BUFFER_OVERFLOW);
	CHECK_EQ(counted_heap_live(), 0);
}


TEST(consuming_deletes_whatever_was_there)
{
	char value[16];
	setup();
	plant(L"LoaderEntryOneShot", u"abc", 3);
	CHECK_EQ(platform_get_loader_variable("LoaderEntryOneShot", value, sizeof(value), true),
		B_OK);
	CHECK(stored(L"LoaderEntryOneShot") == NULL);
	/* An odd number of bytes is no text, and is deleted all the same. */
	setup();
	EFI_GUID guid = sLoaderVendor;
	fake_set_variable(L"LoaderEntryOneShot", &guid, kVolatile, 3, "abc");
	CHECK_EQ(platform_get_loader_variable("LoaderEntryOneShot", value, sizeof(value), true),
		B_BAD_DATA);
	CHECK(stored(L"LoaderEntryOneShot") == NULL);
	/* What is not there is neither read nor deleted. */
	setup();
	CHECK_EQ(platform_get_loader_variable("LoaderEntryOneShot", value, sizeof(value), true),
		B_ENTRY_NOT_FOUND);
	CHECK_EQ(sWrites, 0);
}


TEST(names_too_long_and_no_boot_services_are_not_supported)
{
	setup();
	char value[8];
	CHECK_EQ(platform_get_loader_variable("A123456789012345678901234567890123456789", value,
		sizeof(value), false), B_NOT_SUPPORTED);
	CHECK_EQ(platform_get_loader_variable("A12345678901234567890123456789012345678", value,
		sizeof(value), false), B_ENTRY_NOT_FOUND);
	gBootServicesActive = 0;
	CHECK_EQ(platform_set_loader_variable("LoaderEntrySelected", "a", 1,
		PLATFORM_VARIABLE_TEXT), B_NOT_SUPPORTED);
	CHECK_EQ(sWrites, 0);
}


/* The image's path as the firmware gives it: file path nodes after the device's. */
static void
image_path(uint8_t *path, const char16_t *const *pieces, size_t count)
{
	static const uint8_t kHardDrive[42] = { MEDIA_DEVICE_PATH, MEDIA_HARDDRIVE_DP, 42, 0 };
	memcpy(path, kHardDrive, sizeof(kHardDrive));
	size_t at = sizeof(kHardDrive);
	for (size_t i = 0; i < count; i++) {
		size_t units = 0;
		while (pieces[i][units] != 0)
			units++;
		size_t length = SIZE_OF_FILEPATH_DEVICE_PATH + 2 * (units + 1);
		path[at] = MEDIA_DEVICE_PATH;
		path[at + 1] = MEDIA_FILEPATH_DP;
		path[at + 2] = (uint8_t)length;
		path[at + 3] = 0;
		memcpy(path + at + SIZE_OF_FILEPATH_DEVICE_PATH, pieces[i], 2 * (units + 1));
		at += length;
	}
	const uint8_t kEnd[4] = { END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE, 4, 0 };
	memcpy(path + at, kEnd, sizeof(kEnd));
	sImage.FilePath = (EFI_DEVICE_PATH *)path;
}


static void
expect_variable(const CHAR16 *name, const char16_t *text, int line)
{
	struct fake_variable *variable = stored(name);
	size_t units = 0;
	while (text[units] != 0)
		units++;
	if (variable == NULL || variable->size != 2 * (units + 1)
		|| memcmp(variable->data, text, 2 * (units + 1)) != 0)
		unit_fail(__FILE__, line, "the variable is not the text expected");
}


TEST(the_firmware_and_the_image_are_published_as_bootctl_reads_them)
{
	setup();
	sFakeSystemTable.FirmwareVendor = L"EDK II";
	sFakeSystemTable.FirmwareRevision = 0x10000;
	sFakeSystemTable.Hdr.Revision = (2 << 16) | 70;
	uint8_t path[256];
	const char16_t *kOne[] = { u"/EFI/BOOT/BOOTX64.EFI" };
	image_path(path, kOne, 1);
	efi_publish_firmware_info();
	expect_variable(L"LoaderFirmwareInfo", u"EDK II 1.00", __LINE__);
	expect_variable(L"LoaderFirmwareType", u"UEFI 2.70", __LINE__);
	expect_variable(L"LoaderImageIdentifier", u"\\EFI\\BOOT\\BOOTX64.EFI", __LINE__);

	/* The same path in pieces, as some firmware hands it over. */
	setup();
	const char16_t *kPieces[] = { u"\\EFI", u"BOOT", u"\\BOOTX64.EFI" };
	image_path(path, kPieces, 3);
	efi_publish_firmware_info();
	expect_variable(L"LoaderImageIdentifier", u"\\EFI\\BOOT\\BOOTX64.EFI", __LINE__);

	/* A vendor too long for the value keeps room for the revision. */
	setup();
	static CHAR16 sLongVendor[101];
	char16_t expected[96];
	for (int i = 0; i < 100; i++)
		sLongVendor[i] = expected[i < 80 ? i : 0] = u'v';
	sFakeSystemTable.FirmwareVendor = sLongVendor;
	sFakeSystemTable.FirmwareRevision = (1 << 16) | 7;
	memcpy(expected + 80, u" 1.07", 6 * sizeof(char16_t));
	efi_publish_firmware_info();
	expect_variable(L"LoaderFirmwareInfo", expected, __LINE__);
}


/* The global variables SecureBoot and SetupMode: -1 absent, 2 a UINT16 1, else the byte. */
static int sSecureBoot;
static int sSetupMode;


static bool
ucs2_equal(const CHAR16 *a, const CHAR16 *b)
{
	while (*a != 0 && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}


static EFI_STATUS EFIAPI
fake_get_global(CHAR16 *name, EFI_GUID *guid, UINT32 *attributes, UINTN *size, void *data)
{
	EFI_GUID global = EFI_GLOBAL_VARIABLE;
	CHECK(memcmp(guid, &global, sizeof(global)) == 0);
	int value = ucs2_equal(name, L"SecureBoot") ? sSecureBoot
		: ucs2_equal(name, L"SetupMode") ? sSetupMode : -1;
	if (value < 0)
		return EFI_NOT_FOUND;
	UINTN needed = value == 2 ? 2 : 1;
	if (*size < needed) {
		*size = needed;
		return EFI_BUFFER_TOO_SMALL;
	}
	memset(data, 0, needed);
	*(UINT8 *)data = value == 2 ? 1 : (UINT8)value;
	*size = needed;
	return EFI_SUCCESS;
}


TEST(secure_boot_is_enforced_only_when_the_firmware_says_so)
{
	static const struct {
		int							secure_boot;
		int							setup_mode;
		enum platform_secure_boot	state;
	} kCases[] = {
		{ -1, -1, PLATFORM_SECURE_BOOT_OFF },		/* firmware without Secure Boot */
		{ 0, 1, PLATFORM_SECURE_BOOT_SETUP },		/* no platform key enrolled */
		{ 0, 0, PLATFORM_SECURE_BOOT_OFF },			/* keys, but turned off */
		{ 1, 0, PLATFORM_SECURE_BOOT_ENFORCING },
		{ 1, -1, PLATFORM_SECURE_BOOT_ENFORCING },
		{ 1, 1, PLATFORM_SECURE_BOOT_SETUP },
		{ 2, 0, PLATFORM_SECURE_BOOT_OFF },			/* a variable of the wrong size */
		{ -1, 2, PLATFORM_SECURE_BOOT_OFF },
	};
	setup();
	sRuntime.GetVariable = fake_get_global;
	for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
		sSecureBoot = kCases[i].secure_boot;
		sSetupMode = kCases[i].setup_mode;
		if (platform_secure_boot_state() != kCases[i].state)
			unit_fail(__FILE__, __LINE__, "case %zu: state %d", i,
				(int)platform_secure_boot_state());
	}
}
