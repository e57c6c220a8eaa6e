/* SPDX-License-Identifier: MIT */
/*
 * The debug line on a PC: a 16550 at one of the COM port addresses, polled.
 */
#include "../../efi_platform.h"

#include <arch_uart_16550.h>

/* Bounded so that a missing or wedged UART costs time, never a hang. */
static const uint32_t kTransmitSpins = 100000;

static uint16_t sUartBase;


bool
efi_arch_uart_setup(uint8_t port, uint32_t speed)
{
	if (port < 1 || port > UART_COM_PORT_COUNT)
		port = 1;
	sUartBase = uart_16550_com_port(port);
	return uart_16550_setup(sUartBase, speed != 0 ? speed : UART_CLOCK);
}


void
efi_arch_uart_put(uint8_t byte)
{
	uart_16550_put(sUartBase, byte, kTransmitSpins);
}


bool
efi_arch_uart_is_firmware_console(void)
{
	/* COM1 is taken on trust; only the ConOut variable tells. */
	return false;
}
