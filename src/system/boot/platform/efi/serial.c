/*
 * The debug channel: COM1 programmed directly, so that it keeps working
 * after ExitBootServices and never depends on firmware state.
 */
#include "efi_platform.h"

#include <boot/platform.h>

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

/* The 16550's divisor clock: divisor 1 is 115200 bits per second. */
static const uint32_t kUartClock = 115200;
static const uint16_t kComPorts[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

/* Bounded so that a missing or wedged UART costs time, never a hang. */
static const uint32_t kTransmitSpins = 100000;

static int sSerialPresent;
/* The firmware's serial line, preferred while boot services run. */
static SERIAL_IO_INTERFACE *sSerialIo;
static EFI_GUID sSerialIoGuid = SERIAL_IO_PROTOCOL;
static uint16_t sSerialBase;


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


/* Program the UART at base for speed; false when nothing answers there. */
static bool
serial_setup(uint16_t base, uint32_t speed)
{
	/* A UART answers on its scratch register; an empty bus reads 0xff. */
	port_write(base + UART_SCRATCH, 0x5a);
	if (port_read(base + UART_SCRATCH) != 0x5a)
		return false;

	uint16_t divisor = (uint16_t)(kUartClock / speed);
	port_write(base + UART_INTERRUPTS, 0);
	port_write(base + UART_LINE_CONTROL, LINE_CONTROL_DLAB);
	port_write(base + UART_DIVISOR_LOW, divisor & 0xff);
	port_write(base + UART_DIVISOR_HIGH, divisor >> 8);
	port_write(base + UART_LINE_CONTROL, LINE_CONTROL_8N1);
	port_write(base + UART_FIFO, 0x07);
	port_write(base + UART_MODEM_CONTROL, 0x03);
	return true;
}


void
efi_serial_init(void)
{
	if (gBootServices->LocateProtocol(&sSerialIoGuid, NULL, (void **)&sSerialIo)
			!= EFI_SUCCESS)
		sSerialIo = NULL;
	sSerialBase = kComPorts[0];
	sSerialPresent = serial_setup(sSerialBase, kUartClock);
}


void
platform_debug_configure(bool enabled, uint8_t port, uint32_t speed)
{
	if (!enabled) {
		sSerialPresent = 0;
		sSerialIo = NULL;
		return;
	}
	/* A chosen port or speed means the UART itself, not the firmware's pick. */
	if (port != 0 || speed != 0)
		sSerialIo = NULL;
	uint16_t base = port >= 1 && port <= 4 ? kComPorts[port - 1] : sSerialBase;
	if (base == sSerialBase && speed == 0)
		return;
	/* The firmware's console keeps COM1 at its speed; ours follows the file. */
	sSerialPresent = serial_setup(base, speed != 0 ? speed : kUartClock);
	sSerialBase = base;
}


static void
serial_put(uint8_t byte)
{
	for (uint32_t i = 0; i < kTransmitSpins; i++) {
		if (port_read(sSerialBase + UART_LINE_STATUS) & LINE_STATUS_THR_EMPTY)
			break;
	}
	port_write(sSerialBase + UART_DATA, byte);
}


/* Through the firmware, converting line ends in chunks. */
static bool
serial_io_write(const char *text, size_t length)
{
	char buffer[128];
	size_t used = 0;
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\n')
			buffer[used++] = '\r';
		buffer[used++] = text[i];
		if (used >= sizeof(buffer) - 2 || i + 1 == length) {
			UINTN size = used;
			if (sSerialIo->Write(sSerialIo, &size, buffer) != EFI_SUCCESS)
				return false;
			used = 0;
		}
	}
	return true;
}


void
platform_debug_write(const char *text, size_t length)
{
	/*
	 * The firmware's serial I/O while boot services run (outside the window
	 * before ExitBootServices, where no firmware call but GetMemoryMap is
	 * safe); the UART programmed directly otherwise, when it answered.
	 */
	if (sSerialIo != NULL && gBootServicesActive && !efi_console_frozen()
			&& serial_io_write(text, length))
		return;
	if (!sSerialPresent)
		return;
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\n')
			serial_put('\r');
		serial_put((uint8_t)text[i]);
	}
}
