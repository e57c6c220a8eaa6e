/* SPDX-License-Identifier: MIT */
/*
 * The ACPI Serial Port Console Redirection table (SPCR, Microsoft's spec,
 * revision 2 and later): the UART the firmware's console uses, on machines
 * whose serial ports are not at fixed addresses. Tables are checked before
 * they are believed: a bad checksum or a short table names no UART.
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/acpi.h>
#include <boot/stdio.h>

/* What the loader reads of the SPCR: up to the base address's end. */
#define SPCR_MIN_LENGTH			52
#define SPCR_INTERFACE_TYPE		36
#define SPCR_BASE_SPACE			40		/* Generic Address Structure, ACPI 5.2.3.2 */
#define SPCR_BASE_BIT_WIDTH		41
#define SPCR_BASE_ACCESS_SIZE	43
#define SPCR_BASE_ADDRESS		44

#define GAS_SYSTEM_MEMORY		0
#define GAS_ACCESS_DWORD		3

/* Interface types (the DBG2 table's serial port subtypes). */
#define SPCR_16550				0x00
#define SPCR_16550_SUBSET		0x01
#define SPCR_PL011				0x03
#define SPCR_SBSA_32BIT			0x0e
#define SPCR_SBSA				0x0f
#define SPCR_16550_GAS			0x12


/* The kind of UART an SPCR describes, EFI_UART_NONE for what the loader cannot drive. */
static uint32_t
spcr_kind(const uint8_t *spcr)
{
	switch (spcr[SPCR_INTERFACE_TYPE]) {
		case SPCR_PL011:
		case SPCR_SBSA_32BIT:
		case SPCR_SBSA:
			return EFI_UART_PL011;
		case SPCR_16550:
		case SPCR_16550_SUBSET:
		case SPCR_16550_GAS:
			/* Byte-wide 16550s on arm64 machines are rare: only the 32-bit kind. */
			if (spcr[SPCR_BASE_ACCESS_SIZE] == GAS_ACCESS_DWORD
				|| spcr[SPCR_BASE_BIT_WIDTH] == 32)
				return EFI_UART_16550_MMIO32;
			return EFI_UART_NONE;
	}
	return EFI_UART_NONE;
}


bool
efi_spcr_uart(struct efi_uart *uart)
{
	const struct acpi_rsdp *rsdp = efi_acpi_rsdp();
	if (rsdp == NULL)
		return false;
	const uint8_t *spcr = (const uint8_t *)efi_acpi_find_table(rsdp, "SPCR",
		SPCR_MIN_LENGTH, NULL);
	if (spcr == NULL)
		return false;
	uint64_t address = efi_acpi_le(spcr + SPCR_BASE_ADDRESS, 8);
	uint32_t kind = spcr_kind(spcr);
	if (spcr[SPCR_BASE_SPACE] != GAS_SYSTEM_MEMORY || address == 0 || kind == EFI_UART_NONE) {
		boot_dprintf("efi: the SPCR names a UART the loader cannot drive (type %#x,"
			" space %u)\n", spcr[SPCR_INTERFACE_TYPE], spcr[SPCR_BASE_SPACE]);
		return false;
	}
	uart->physical = address;
	uart->kind = kind;
	boot_dprintf("efi: debug UART from the ACPI SPCR: type %#x at %#llx\n",
		spcr[SPCR_INTERFACE_TYPE], (unsigned long long)address);
	return true;
}
