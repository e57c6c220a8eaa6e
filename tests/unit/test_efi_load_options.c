/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's reading of its load options as the kernel
 * command line (src/system/boot/platform/efi/load_options.c), compiled
 * right into this test with gnu-efi's headers: what the UEFI shell, GRUB
 * and systemd-boot pass (UCS-2 with a NUL), what EDK2's own boot options
 * carry (binary data), and what does not fit. The QEMU boots pass one
 * ASCII command line.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#include "../../src/system/boot/platform/efi/load_options.c"
#include "../support/efi_port_fakes.h"

#include "unit_test.h"

EFI_HANDLE gImageHandle = (EFI_HANDLE)0x100;
EFI_BOOT_SERVICES *gBootServices;

static EFI_BOOT_SERVICES sBootServices;
static EFI_LOADED_IMAGE sImage;
static char16_t sOptions[COMMAND_LINE_SIZE + 8];


static EFI_STATUS EFIAPI
fake_handle_protocol(EFI_HANDLE handle, EFI_GUID *guid, void **_interface)
{
	CHECK(handle == gImageHandle && memcmp(guid, &sLoadedImageGuid, sizeof(*guid)) == 0);
	*_interface = &sImage;
	return EFI_SUCCESS;
}


/* The options are bytes bytes of units. */
static const char *
command_line(const void *units, size_t bytes)
{
	sBootServices = (EFI_BOOT_SERVICES){ .HandleProtocol = fake_handle_protocol };
	gBootServices = &sBootServices;
	sImage = (EFI_LOADED_IMAGE){ .LoadOptions = (void *)units, .LoadOptionsSize = (UINT32)bytes };
	memset(sCommandLine, 0xa5, sizeof(sCommandLine));
	boot_log_clear();
	return efi_load_options_command_line();
}


static bool
is(const char *text, const char *expected)
{
	return text != NULL && strcmp(text, expected) == 0;
}


TEST(a_command_line_with_its_nul_as_boot_managers_pass_it)
{
	/* U+4E00's low byte is 0: the NUL is a whole unit of 0. */
	static const char16_t kLine[] = u"root=/dev/sda2 quiet \u00e9t\u00e9 \U0001f427 \u4e00";
	CHECK(is(command_line(kLine, sizeof(kLine)),
		"root=/dev/sda2 quiet \xc3\xa9t\xc3\xa9 \xf0\x9f\x90\xa7 \xe4\xb8\x80"));
	/* What follows the NUL is no part of it. */
	static const char16_t kMore[] = u"a b\0\x0001\x0002";
	CHECK(is(command_line(kMore, sizeof(kMore)), "a b"));
	/* ASCII without a NUL, as some shells pass it. */
	static const char16_t kBare[] = u"console=ttyS0";
	CHECK(is(command_line(kBare, sizeof(kBare) - 2), "console=ttyS0"));
}


TEST(edk2s_own_boot_option_data_is_no_command_line)
{
	/* A 16-byte GUID, as EDK2's boot manager puts in its boot options. */
	static const uint8_t kGuid[16] = { 0x4e, 0xac, 0x08, 0x81, 0x11, 0x9f, 0x59, 0x4d,
		0x85, 0x0e, 0xe2, 0x1a, 0x52, 0x2c, 0x59, 0xb2 };
	CHECK(command_line(kGuid, sizeof(kGuid)) == NULL);
	CHECK(strstr(sLog, "efi: load options (16 bytes) are not a command line, ignored\n")
		!= NULL);
	/* Non-ASCII without a NUL could be anything; with one it is text. */
	static const char16_t kAccent[] = u"\u00e9t\u00e9";
	CHECK(command_line(kAccent, sizeof(kAccent) - 2) == NULL);
	CHECK(is(command_line(kAccent, sizeof(kAccent)), "\xc3\xa9t\xc3\xa9"));
	/* Control characters, C1 ones too, and an odd size. */
	static const char16_t kTab[] = u"a\tb";
	CHECK(command_line(kTab, sizeof(kTab)) == NULL);
	static const char16_t kTabLater[] = u"\u4e00\tb";
	CHECK(command_line(kTabLater, sizeof(kTabLater)) == NULL);
	static const char16_t kC1[] = { u'a', 0x85, u'b', 0 };
	CHECK(command_line(kC1, sizeof(kC1)) == NULL);
	static const char16_t kDel[] = { u'a', 0x7f, u'b', 0 };
	CHECK(command_line(kDel, sizeof(kDel)) == NULL);
	CHECK(command_line(u"ab", 3) == NULL);
	/* None at all. */
	CHECK(command_line(NULL, 0) == NULL);
	CHECK(command_line(u"", 0) == NULL);
}


TEST(a_command_line_fits_by_its_utf8)
{
	/* 2047 bytes of ASCII fit with their NUL; 2048 do not. */
	for (size_t i = 0; i < COMMAND_LINE_SIZE - 1; i++)
		sOptions[i] = u'x';
	sOptions[COMMAND_LINE_SIZE - 1] = 0;
	const char *line = command_line(sOptions, 2 * COMMAND_LINE_SIZE);
	CHECK(line != NULL && strlen(line) == COMMAND_LINE_SIZE - 1);
	sOptions[COMMAND_LINE_SIZE - 1] = u'x';
	sOptions[COMMAND_LINE_SIZE] = 0;
	CHECK(command_line(sOptions, 2 * (COMMAND_LINE_SIZE + 1)) == NULL);
	CHECK(strstr(sLog, "efi: load options longer than 2047 bytes, ignored\n") != NULL);
	/* 683 characters of three bytes are 2049 bytes: too long in UTF-8, not in units. */
	for (size_t i = 0; i < 683; i++)
		sOptions[i] = u'\u20ac';
	sOptions[683] = 0;
	CHECK(command_line(sOptions, 2 * 684) == NULL);
	sOptions[682] = 0;
	line = command_line(sOptions, 2 * 683);
	CHECK(line != NULL && strlen(line) == 3 * 682);
}
