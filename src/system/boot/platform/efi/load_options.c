/* SPDX-License-Identifier: MIT */
/*
 * The loaded image's load options, which a boot manager or the UEFI shell
 * fills with a command line, as the kernel's command line.
 * tests/unit/test_efi_load_options.c hands it what boot managers pass.
 */
#include "efi_platform.h"

#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/unicode.h>

/* Bytes of UTF-8 the kernel command line may take, with its NUL. */
#define COMMAND_LINE_SIZE	2048

static EFI_GUID sLoadedImageGuid = LOADED_IMAGE_PROTOCOL;

/* Static: the heap does not exist yet when the command line is read. */
static char sCommandLine[COMMAND_LINE_SIZE];


/*
 * Whether units UCS-2 code units of load options are a command line. Boot
 * managers that pass one (the UEFI shell, GRUB, systemd-boot) end it with a
 * NUL; EDK2's own boot options carry binary data instead (a 16-byte GUID),
 * so text without a NUL must be plain ASCII to count.
 */
static bool
efi_load_options_are_text(const uint8_t *options, size_t units)
{
	size_t length = 0;
	while (length < units && (options[2 * length] | options[2 * length + 1]) != 0)
		length++;
	bool terminated = length < units;

	for (size_t i = 0; i < length; i++) {
		uint16_t unit = (uint16_t)(options[2 * i] | options[2 * i + 1] << 8);
		if (unit < 0x20 || (unit >= 0x7f && unit < 0xa0))
			return false;
		if (!terminated && unit >= 0x7f)
			return false;
	}
	return true;
}


const char *
efi_load_options_command_line(void)
{
	EFI_LOADED_IMAGE *image;
	if (gBootServices->HandleProtocol(gImageHandle, &sLoadedImageGuid,
			(void **)&image) != EFI_SUCCESS
		|| image->LoadOptions == NULL || image->LoadOptionsSize == 0)
		return NULL;

	const uint8_t *options = image->LoadOptions;
	size_t size = image->LoadOptionsSize;
	if (size % 2 != 0 || !efi_load_options_are_text(options, size / 2)) {
		boot_dprintf("efi: load options (%zu bytes) are not a command line, ignored\n",
			size);
		return NULL;
	}
	if (unicode_utf16le_utf8_length(options, size / 2) >= sizeof(sCommandLine)) {
		boot_printf("efi: load options longer than %d bytes, ignored\n",
			COMMAND_LINE_SIZE - 1);
		return NULL;
	}
	unicode_utf16le_to_utf8(options, size / 2, sCommandLine, sizeof(sCommandLine));
	return sCommandLine;
}
