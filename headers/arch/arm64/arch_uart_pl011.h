/* SPDX-License-Identifier: MIT */
/*
 * The ARM PrimeCell PL011 UART and a 16550 with 32-bit registers (the
 * ACPI SPCR's "16550 mmio32"), polled, for the EFI port and the boot-check
 * kernel alike. Neither is reprogrammed: the firmware set the line up, and
 * its clock is not known here.
 */
#ifndef ARCH_ARM64_ARCH_UART_PL011_H
#define ARCH_ARM64_ARCH_UART_PL011_H

#include <stdint.h>

#define PL011_DATA				0x00
#define PL011_FLAGS				0x18
#define PL011_FLAGS_TX_FULL		(1u << 5)
#define PL011_CONTROL			0x30
#define PL011_CONTROL_ENABLE	(1u << 0)
#define PL011_CONTROL_TX_ENABLE	(1u << 8)

#define UART_MMIO32_DATA				0x00
#define UART_MMIO32_LINE_STATUS			0x14	/* register 5, 4 bytes apart */
#define UART_MMIO32_LINE_STATUS_THR_EMPTY	0x20


static inline uint32_t
uart_mmio_read32(uint64_t address)
{
	return *(volatile uint32_t *)(uintptr_t)address;
}


static inline void
uart_mmio_write32(uint64_t address, uint32_t value)
{
	*(volatile uint32_t *)(uintptr_t)address = value;
}


/* Send one byte; polls at most spins times, so a wedged UART costs time, not a hang. */
static inline void
uart_pl011_put(uint64_t base, uint8_t byte, uint32_t spins)
{
	for (uint32_t i = 0; i < spins; i++) {
		if ((uart_mmio_read32(base + PL011_FLAGS) & PL011_FLAGS_TX_FULL) == 0)
			break;
	}
	uart_mmio_write32(base + PL011_DATA, byte);
}


static inline void
uart_mmio32_put(uint64_t base, uint8_t byte, uint32_t spins)
{
	for (uint32_t i = 0; i < spins; i++) {
		if ((uart_mmio_read32(base + UART_MMIO32_LINE_STATUS)
				& UART_MMIO32_LINE_STATUS_THR_EMPTY) != 0)
			break;
	}
	uart_mmio_write32(base + UART_MMIO32_DATA, byte);
}

#endif
