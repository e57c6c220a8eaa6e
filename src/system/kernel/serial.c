/*
 * Output of the boot-check kernel: a polled 16550 on COM1, formatted printing
 * on top of it, and leaving QEMU through its debug-exit port.
 */
#include "kernel.h"

#include <stdarg.h>
#include <stdio.h>


#define COM1_PORT			0x3f8
#define UART_DATA			0
#define UART_INTERRUPTS		1
#define UART_DIVISOR_LOW	0
#define UART_DIVISOR_HIGH	1
#define UART_FIFO			2
#define UART_LINE_CONTROL	3
#define UART_MODEM_CONTROL	4
#define UART_LINE_STATUS	5

#define LINE_CONTROL_8N1	0x03
#define LINE_CONTROL_DLAB	0x80
#define LINE_STATUS_THR_EMPTY	0x20
/* Enable and clear both FIFOs, interrupt threshold 14 bytes (unused). */
#define FIFO_ENABLE_CLEAR	0xc7
/* DTR and RTS; OUT2 stays off because nothing takes the UART's interrupt. */
#define MODEM_DTR_RTS		0x03

/* 115200 baud from the 1.8432 MHz UART clock (115200 * 16). */
static const uint16_t kBaudDivisor = 1;
/* A missing or stuck UART must not hang the kernel before it can exit. */
static const uint32_t kTransmitPollLimit = 1000000;


void
serial_init(void)
{
	port_write(COM1_PORT + UART_INTERRUPTS, 0);
	port_write(COM1_PORT + UART_LINE_CONTROL, LINE_CONTROL_DLAB);
	port_write(COM1_PORT + UART_DIVISOR_LOW, kBaudDivisor & 0xff);
	port_write(COM1_PORT + UART_DIVISOR_HIGH, kBaudDivisor >> 8);
	port_write(COM1_PORT + UART_LINE_CONTROL, LINE_CONTROL_8N1);
	port_write(COM1_PORT + UART_FIFO, FIFO_ENABLE_CLEAR);
	port_write(COM1_PORT + UART_MODEM_CONTROL, MODEM_DTR_RTS);
}


static void
serial_put(uint8_t byte)
{
	for (uint32_t i = 0; i < kTransmitPollLimit; i++) {
		if ((port_read(COM1_PORT + UART_LINE_STATUS) & LINE_STATUS_THR_EMPTY) != 0)
			break;
		__asm__ volatile("pause");
	}
	port_write(COM1_PORT + UART_DATA, byte);
}


void
serial_write(const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\n')
			serial_put('\r');
		serial_put((uint8_t)text[i]);
	}
}


void
kernel_printf(const char *format, ...)
{
	/* On the stack, not in .bss: printing starts before .bss has been checked. */
	char buffer[512];
	va_list args;
	va_start(args, format);
	int length = vsnprintf(buffer, sizeof(buffer), format, args);
	va_end(args);

	if (length < 0)
		return;
	if ((size_t)length >= sizeof(buffer)) {
		/* Keep the line structure even when a line was cut short. */
		length = sizeof(buffer) - 1;
		if (buffer[length - 1] != '\n')
			buffer[length - 1] = '\n';
	}
	serial_write(buffer, (size_t)length);
}


void
kernel_exit(uint8_t code)
{
	port_write(KERNEL_EXIT_PORT, code);

	/* No debug-exit device: nothing else can end the boot. */
	for (;;)
		__asm__ volatile("cli; hlt");
}
