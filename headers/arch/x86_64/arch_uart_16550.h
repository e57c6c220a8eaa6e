/* SPDX-License-Identifier: MIT */
/*
 * The PC's 16550 UARTs at the COM port addresses, programmed the same way by
 * the EFI port and the boot-check kernel.
 */
#ifndef ARCH_X86_64_ARCH_UART_16550_H
#define ARCH_X86_64_ARCH_UART_16550_H

#include <stdbool.h>
#include <stdint.h>

#include <arch_x86.h>

#define UART_DATA			0
#define UART_INTERRUPTS		1
#define UART_DIVISOR_LOW	0
#define UART_DIVISOR_HIGH	1
#define UART_FIFO			2
#define UART_LINE_CONTROL	3
#define UART_MODEM_CONTROL	4
#define UART_LINE_STATUS	5
#define UART_SCRATCH		7

#define UART_LINE_CONTROL_8N1	0x03
#define UART_LINE_CONTROL_DLAB	0x80
#define UART_LINE_STATUS_DATA_READY	0x01
#define UART_LINE_STATUS_THR_EMPTY	0x20
/* Enable and clear both FIFOs, interrupt threshold 14 bytes (unused). */
#define UART_FIFO_ENABLE_CLEAR	0xc7
/* DTR and RTS; OUT2 stays off because nothing takes the UART's interrupt. */
#define UART_MODEM_DTR_RTS		0x03

/* The divisor clock: divisor 1 is 115200 bits per second. */
#define UART_CLOCK			115200

#define UART_COM_PORT_COUNT	4


/* The I/O base of COM1 to COM4 (number 1 to 4). */
static inline uint16_t
uart_16550_com_port(uint32_t number)
{
	static const uint16_t kBases[UART_COM_PORT_COUNT] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	return kBases[number - 1];
}


/* Program the UART at base for 8N1 at speed; false when nothing answers there. */
static inline bool
uart_16550_setup(uint16_t base, uint32_t speed)
{
	/* A UART answers on its scratch register; an empty bus reads 0xff. */
	x86_out8(base + UART_SCRATCH, 0x5a);
	if (x86_in8(base + UART_SCRATCH) != 0x5a)
		return false;

	uint16_t divisor = (uint16_t)(UART_CLOCK / speed);
	x86_out8(base + UART_INTERRUPTS, 0);
	x86_out8(base + UART_LINE_CONTROL, UART_LINE_CONTROL_DLAB);
	x86_out8(base + UART_DIVISOR_LOW, divisor & 0xff);
	x86_out8(base + UART_DIVISOR_HIGH, divisor >> 8);
	x86_out8(base + UART_LINE_CONTROL, UART_LINE_CONTROL_8N1);
	x86_out8(base + UART_FIFO, UART_FIFO_ENABLE_CLEAR);
	x86_out8(base + UART_MODEM_CONTROL, UART_MODEM_DTR_RTS);
	return true;
}


/* Send one byte; polls at most spins times, so a wedged UART costs time, not a hang. */
static inline void
uart_16550_put(uint16_t base, uint8_t byte, uint32_t spins)
{
	for (uint32_t i = 0; i < spins; i++) {
		if ((x86_in8(base + UART_LINE_STATUS) & UART_LINE_STATUS_THR_EMPTY) != 0)
			break;
		x86_pause();
	}
	x86_out8(base + UART_DATA, byte);
}

#endif
