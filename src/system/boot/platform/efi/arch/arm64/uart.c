/* SPDX-License-Identifier: MIT */
/*
 * The debug line on arm64 machines, where no UART sits at a fixed address:
 * the one the firmware's tables name as its console (the ACPI SPCR, else
 * the device tree's stdout-path), polled through its registers. Found once,
 * while boot services run; it answers at the same address after they end.
 */
#include "../../efi_platform.h"

#include <arch_kernel_args.h>
#include <arch_uart_pl011.h>

#include "efi_arm64.h"

/* Bounded so that a missing or wedged UART costs time, never a hang. */
static const uint32_t kTransmitSpins = 100000;

static struct efi_uart sUart;
static bool sSearched;


bool
efi_arch_uart_setup(uint8_t port, uint32_t speed)
{
	/*
	 * The tables name one UART, whatever port is asked for, and not its
	 * input clock: its speed stays what the firmware programmed.
	 */
	(void)port;
	(void)speed;
	if (!sSearched) {
		sSearched = true;
		if (!efi_spcr_uart(&sUart) && !efi_fdt_uart(&sUart))
			sUart.kind = EFI_UART_NONE;
	}
	return sUart.kind != EFI_UART_NONE;
}


void
efi_arch_uart_put(uint8_t byte)
{
	switch (sUart.kind) {
		case EFI_UART_PL011:
			uart_pl011_put(sUart.physical, byte, kTransmitSpins);
			break;
		case EFI_UART_16550_MMIO32:
			uart_mmio32_put(sUart.physical, byte, kTransmitSpins);
			break;
	}
}


bool
efi_arch_uart_is_firmware_console(void)
{
	/* Both tables describe the firmware's own console. */
	return sUart.kind != EFI_UART_NONE;
}


uint32_t
arm64_efi_uart(uint64_t *_physical)
{
	*_physical = sUart.kind != EFI_UART_NONE ? sUart.physical : 0;
	switch (sUart.kind) {
		case EFI_UART_PL011:
			return ARM64_UART_PL011;
		case EFI_UART_16550_MMIO32:
			return ARM64_UART_16550;
	}
	return ARM64_UART_NONE;
}
