/* SPDX-License-Identifier: MIT */
/*
 * The boot-check kernel's output on a PC: a polled 16550 on COM1, and
 * leaving QEMU through its debug-exit port.
 */
#include "../../kernel.h"

#include <arch_uart_16550.h>


/*
 * The exit code goes to QEMU's isa-debug-exit device, which must be
 * configured as `-device isa-debug-exit,iobase=0xf4,iosize=0x04`; QEMU then
 * exits with status (code << 1) | 1: 33 for KERNEL_EXIT_PASS, 35 for
 * KERNEL_EXIT_FAIL. Without the device the kernel halts forever, so runners
 * need a timeout; a triple fault (a broken stack or IDT) resets the machine,
 * so runners should pass -no-reboot. Output is COM1 at 115200 8N1.
 */
#define KERNEL_EXIT_PORT		0xf4

/* A missing or stuck UART must not hang the kernel before it can exit. */
static const uint32_t kTransmitPollLimit = 1000000;
static const uint16_t kComPort = 0x3f8;


/* COM1 is where every PC has it: nothing to learn from kernel_args. */
void
serial_init(const kernel_args *args)
{
	(void)args;
	uart_16550_setup(kComPort, UART_CLOCK);
}


void
serial_write(const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\n')
			uart_16550_put(kComPort, '\r', kTransmitPollLimit);
		uart_16550_put(kComPort, (uint8_t)text[i], kTransmitPollLimit);
	}
}


void
kernel_exit(uint8_t code)
{
	x86_out8(KERNEL_EXIT_PORT, code);

	/* No debug-exit device: nothing else can end the boot. */
	x86_halt_forever();
}
