/* SPDX-License-Identifier: MIT */
/*
 * The debug channel: the firmware's Serial I/O while boot services run, and
 * the machine's UART programmed directly (efi/arch/<arch>/uart.c) otherwise,
 * so that it keeps working after ExitBootServices and never depends on
 * firmware state.
 */
#include "efi_platform.h"

#include <boot/platform.h>

static bool sUartPresent;
/* The firmware's serial line, preferred while boot services run. */
static SERIAL_IO_INTERFACE *sSerialIo;
static EFI_GUID sSerialIoGuid = SERIAL_IO_PROTOCOL;
static uint8_t sUartPort;


void
efi_serial_init(void)
{
	if (gBootServices->LocateProtocol(&sSerialIoGuid, NULL, (void **)&sSerialIo)
			!= EFI_SUCCESS)
		sSerialIo = NULL;
	sUartPort = 1;
	sUartPresent = efi_arch_uart_setup(sUartPort, 0);
}


void
platform_debug_configure(bool enabled, uint8_t port, uint32_t speed)
{
	if (!enabled) {
		sUartPresent = false;
		sSerialIo = NULL;
		return;
	}
	/* A chosen port or speed means the UART itself, not the firmware's pick. */
	if (port != 0 || speed != 0)
		sSerialIo = NULL;
	if (port == 0)
		port = sUartPort;
	if (port == sUartPort && speed == 0)
		return;
	/* The firmware's console keeps the first line at its speed; ours follows the file. */
	sUartPresent = efi_arch_uart_setup(port, speed);
	sUartPort = port;
}


/*
 * Through the firmware, converting line ends in chunks: how much of text
 * went out before a chunk failed (all of it, length, when none did).
 */
static size_t
serial_io_write(const char *text, size_t length)
{
	char buffer[128];
	size_t used = 0;
	size_t done = 0;
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\n')
			buffer[used++] = '\r';
		buffer[used++] = text[i];
		if (used >= sizeof(buffer) - 2 || i + 1 == length) {
			UINTN size = used;
			if (sSerialIo->Write(sSerialIo, &size, buffer) != EFI_SUCCESS)
				return done;
			used = 0;
			done = i + 1;
		}
	}
	return done;
}


void
platform_debug_write(const char *text, size_t length)
{
	/*
	 * The firmware's serial I/O while boot services run (outside the window
	 * before ExitBootServices, where no firmware call but GetMemoryMap is
	 * safe); the UART programmed directly otherwise, when it answered, and
	 * for what the firmware failed to write, without what it wrote again.
	 */
	size_t done = 0;
	if (sSerialIo != NULL && gBootServicesActive && !efi_console_frozen())
		done = serial_io_write(text, length);
	if (!sUartPresent)
		return;
	for (size_t i = done; i < length; i++) {
		if (text[i] == '\n')
			efi_arch_uart_put('\r');
		efi_arch_uart_put((uint8_t)text[i]);
	}
}
