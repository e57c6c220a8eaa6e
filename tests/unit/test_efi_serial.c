/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's debug channel (src/system/boot/platform/
 * efi/serial.c), compiled right into this test with gnu-efi's headers, on
 * a fake Serial I/O protocol and a fake UART: the firmware's line while
 * boot services run and the console is not frozen, the UART otherwise,
 * line ends as CR LF either way and in chunks the firmware takes, a write
 * the firmware fails finished on the UART without repeating what went
 * out, and the configuration's serial setting (off, a port, a speed).
 */
#include <stdbool.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/serial.c"

#include "unit_test.h"

#define LINE_SIZE	1024

EFI_BOOT_SERVICES *gBootServices;
int gBootServicesActive;

/* What one side of the line received. */
struct line {
	char	text[LINE_SIZE];
	size_t	length;
};

static EFI_BOOT_SERVICES sBootServices;
static SERIAL_IO_INTERFACE sSerialIoFake;
static bool sHaveSerialIo;
static bool sFrozen;
static struct line sFirmware;
static struct line sUart;
static size_t sLongestWrite;
static int sWrites;
static int sFailWrite;					/* the write that fails, from 1; 0: none */
static bool sUartAnswers;
static int sUartSetups;
static uint8_t sUartPort;
static uint32_t sUartSpeed;


bool
efi_console_frozen(void)
{
	return sFrozen;
}


bool
efi_arch_uart_setup(uint8_t port, uint32_t speed)
{
	sUartSetups++;
	sUartPort = port;
	sUartSpeed = speed;
	return sUartAnswers;
}


void
efi_arch_uart_put(uint8_t byte)
{
	CHECK(sUart.length < LINE_SIZE);
	sUart.text[sUart.length++] = (char)byte;
}


static EFI_STATUS EFIAPI
fake_write(SERIAL_IO_INTERFACE *self, UINTN *size, void *buffer)
{
	CHECK(self == &sSerialIoFake);
	if (++sWrites == sFailWrite)
		return EFI_DEVICE_ERROR;
	CHECK(sFirmware.length + *size <= LINE_SIZE);
	memcpy(sFirmware.text + sFirmware.length, buffer, *size);
	sFirmware.length += *size;
	if (*size > sLongestWrite)
		sLongestWrite = *size;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_locate_protocol(EFI_GUID *guid, void *registration, void **_interface)
{
	static const EFI_GUID kSerialIo = SERIAL_IO_PROTOCOL;
	if (!sHaveSerialIo || memcmp(guid, &kSerialIo, sizeof(*guid)) != 0)
		return EFI_NOT_FOUND;
	*_interface = &sSerialIoFake;
	return EFI_SUCCESS;
}


/* The port started on a machine with or without either line. */
static void
start(bool serialIo, bool uart)
{
	sBootServices.LocateProtocol = fake_locate_protocol;
	gBootServices = &sBootServices;
	gBootServicesActive = 1;
	sSerialIoFake.Write = fake_write;
	sHaveSerialIo = serialIo;
	sUartAnswers = uart;
	sFrozen = false;
	memset(&sFirmware, 0, sizeof(sFirmware));
	memset(&sUart, 0, sizeof(sUart));
	sLongestWrite = 0;
	sWrites = sFailWrite = 0;
	sUartSetups = 0;
	efi_serial_init();
}


static void
write_text(const char *text)
{
	platform_debug_write(text, strlen(text));
}


static void
check_line(const struct line *line, const char *expected, int sourceLine)
{
	if (line->length != strlen(expected) || memcmp(line->text, expected, line->length) != 0)
		unit_fail(__FILE__, sourceLine, "the line got \"%.*s\", not \"%s\"", (int)line->length,
			line->text, expected);
}


TEST(the_firmwares_line_while_it_serves_and_the_uart_after)
{
	start(true, true);
	CHECK_EQ(sUartSetups, 1);
	CHECK_EQ(sUartPort, 1);
	CHECK_EQ(sUartSpeed, 0);
	write_text("a\nb");
	check_line(&sFirmware, "a\r\nb", __LINE__);
	check_line(&sUart, "", __LINE__);
	/* Between the final GetMemoryMap and ExitBootServices, and after it. */
	sFrozen = true;
	write_text("c\n");
	gBootServicesActive = 0;
	sFrozen = false;
	write_text("d");
	check_line(&sFirmware, "a\r\nb", __LINE__);
	check_line(&sUart, "c\r\nd", __LINE__);
}


TEST(either_line_alone_or_neither)
{
	start(false, true);
	write_text("x\n");
	check_line(&sUart, "x\r\n", __LINE__);
	start(true, false);
	gBootServicesActive = 0;
	write_text("y\n");
	check_line(&sUart, "", __LINE__);
	check_line(&sFirmware, "", __LINE__);
}


TEST(long_text_goes_out_in_chunks_with_every_line_end)
{
	start(true, true);
	char text[700];
	char expected[LINE_SIZE];
	size_t used = 0;
	for (size_t i = 0; i < sizeof(text) - 1; i++) {
		text[i] = i % 9 == 8 ? '\n' : (char)('a' + i % 26);
		if (text[i] == '\n')
			expected[used++] = '\r';
		expected[used++] = text[i];
	}
	text[sizeof(text) - 1] = '\0';
	expected[used] = '\0';
	write_text(text);
	check_line(&sFirmware, expected, __LINE__);
	CHECK(sWrites > 1);
	CHECK(sLongestWrite <= 128);
	check_line(&sUart, "", __LINE__);
}


TEST(a_failed_write_is_finished_on_the_uart_without_repeats)
{
	start(true, true);
	/* Text of 200 bytes: the first chunk goes out, the second fails. */
	char text[201];
	for (size_t i = 0; i < 200; i++)
		text[i] = (char)('A' + i % 26);
	text[200] = '\0';
	sFailWrite = 2;
	write_text(text);
	CHECK_EQ(sFirmware.length + sUart.length, 200);
	CHECK(sFirmware.length > 0 && sUart.length > 0);
	CHECK(memcmp(sFirmware.text, text, sFirmware.length) == 0);
	CHECK(memcmp(sUart.text, text + sFirmware.length, sUart.length) == 0);
	/* The next text tries the firmware again. */
	write_text("z");
	CHECK_EQ(sFirmware.text[sFirmware.length - 1], 'z');
}


TEST(the_configurations_serial_setting)
{
	/* The defaults keep the firmware's line and program nothing again. */
	start(true, true);
	platform_debug_configure(true, 0, 0);
	CHECK_EQ(sUartSetups, 1);
	write_text("1");
	check_line(&sFirmware, "1", __LINE__);

	/* A speed: the UART itself, at that speed, on the same line. */
	start(true, true);
	platform_debug_configure(true, 0, 9600);
	CHECK_EQ(sUartSetups, 2);
	CHECK_EQ(sUartPort, 1);
	CHECK_EQ(sUartSpeed, 9600);
	write_text("2");
	check_line(&sFirmware, "", __LINE__);
	check_line(&sUart, "2", __LINE__);

	/* Another port, which does not answer: nothing goes anywhere. */
	start(true, true);
	sUartAnswers = false;
	platform_debug_configure(true, 3, 0);
	CHECK_EQ(sUartPort, 3);
	write_text("3");
	check_line(&sFirmware, "", __LINE__);
	check_line(&sUart, "", __LINE__);

	/* serial = off silences both. */
	start(true, true);
	platform_debug_configure(false, 0, 0);
	write_text("4");
	gBootServicesActive = 0;
	write_text("5");
	check_line(&sFirmware, "", __LINE__);
	check_line(&sUart, "", __LINE__);
}
