/*
 * The debug channel: COM1 programmed directly, so that it keeps working
 * after ExitBootServices and never depends on firmware state.
 */
#include "efi_platform.h"

#include <boot/platform.h>

#define COM1_BASE			0x3f8
#define UART_DATA			0
#define UART_INTERRUPTS		1
#define UART_DIVISOR_LOW	0
#define UART_DIVISOR_HIGH	1
#define UART_FIFO			2
#define UART_LINE_CONTROL	3
#define UART_MODEM_CONTROL	4
#define UART_LINE_STATUS	5
#define UART_SCRATCH		7

#define LINE_STATUS_THR_EMPTY	0x20
#define LINE_CONTROL_DLAB		0x80
#define LINE_CONTROL_8N1		0x03

/* Bounded so that a missing or wedged UART costs time, never a hang. */
static const uint32_t kTransmitSpins = 100000;

static int sSerialPresent;


static inline void
port_write(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}


static inline uint8_t
port_read(uint16_t port)
{
	uint8_t value;
	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}


void
efi_serial_init(void)
{
	/* A UART answers on its scratch register; an empty bus reads 0xff. */
	port_write(COM1_BASE + UART_SCRATCH, 0x5a);
	if (port_read(COM1_BASE + UART_SCRATCH) != 0x5a)
		return;

	port_write(COM1_BASE + UART_INTERRUPTS, 0);
	port_write(COM1_BASE + UART_LINE_CONTROL, LINE_CONTROL_DLAB);
	port_write(COM1_BASE + UART_DIVISOR_LOW, 1);	/* 115200 baud */
	port_write(COM1_BASE + UART_DIVISOR_HIGH, 0);
	port_write(COM1_BASE + UART_LINE_CONTROL, LINE_CONTROL_8N1);
	port_write(COM1_BASE + UART_FIFO, 0x07);
	port_write(COM1_BASE + UART_MODEM_CONTROL, 0x03);
	sSerialPresent = 1;
}


static void
serial_put(uint8_t byte)
{
	for (uint32_t i = 0; i < kTransmitSpins; i++) {
		if (port_read(COM1_BASE + UART_LINE_STATUS) & LINE_STATUS_THR_EMPTY)
			break;
	}
	port_write(COM1_BASE + UART_DATA, byte);
}


void
platform_debug_write(const char *text, size_t length)
{
	if (!sSerialPresent)
		return;
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\n')
			serial_put('\r');
		serial_put((uint8_t)text[i]);
	}
}
