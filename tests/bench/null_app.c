/* SPDX-License-Identifier: MIT */
/*
 * The null EFI application of `jam bench-boot`: the baseline every other
 * scenario is measured against. It reads the cycle counter the moment the
 * firmware (or a boot manager chainloading it) starts it, prints that on
 * COM1 and ends QEMU through isa-debug-exit (0x10, status 33). What any
 * boot costs beyond this is the loader's.
 */
#include <efi.h>

#include <arch_x86.h>

#define COM1_PORT			0x3f8
#define DEBUG_EXIT_PORT		0xf4
#define EXIT_OK				0x10

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systemTable);


static void
put(const char *string)
{
	for (; *string != '\0'; string++) {
		for (int i = 0; i < 100000 && !(x86_in8(COM1_PORT + 5) & 0x20); i++)
			;
		x86_out8(COM1_PORT, (uint8_t)*string);
	}
}


EFI_STATUS
efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systemTable)
{
	uint64_t cycles = x86_read_tsc();
	(void)image;
	(void)systemTable;

	char digits[24];
	int count = 0;
	do {
		digits[count++] = (char)('0' + cycles % 10);
		cycles /= 10;
	} while (cycles != 0);
	char line[64] = "\r\nnull-app: entry cycles=";
	int length = 0;
	while (line[length] != '\0')
		length++;
	while (count > 0)
		line[length++] = digits[--count];
	line[length++] = '\r';
	line[length++] = '\n';
	line[length] = '\0';
	put(line);

	x86_out8(DEBUG_EXIT_PORT, EXIT_OK);
	x86_halt_forever();
}
