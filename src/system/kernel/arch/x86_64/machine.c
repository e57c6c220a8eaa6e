/* SPDX-License-Identifier: MIT */
/*
 * The boot-check kernel's hands on the machine: calls into EFI runtime
 * services and writes to the framebuffer for the checks, and holding the
 * finished screen while a test takes a screenshot.
 *
 * A test asks for the hold through QEMU's firmware configuration device,
 * with -fw_cfg name=opt/bootcheck/hold-ms,string=<ms>: the kernel then waits
 * that long before it exits, or until a key arrives on the PS/2 keyboard or
 * COM1 (QEMU's "sendkey"). Without the file nothing waits.
 */
#include "../../kernel.h"

#include <string.h>

#include <arch_uart_16550.h>


#define FW_CFG_SELECTOR_PORT	0x510
#define FW_CFG_DATA_PORT		0x511
#define FW_CFG_SIGNATURE		0x0000
#define FW_CFG_FILE_DIR			0x0019
#define FW_CFG_NAME_LENGTH		56
#define HOLD_FILE_NAME			"opt/bootcheck/hold-ms"
/* Above this a typo, not a wish: nobody waits more than a minute. */
#define HOLD_MAX_MS				60000

#define PIT_CHANNEL2_PORT		0x42
#define PIT_COMMAND_PORT		0x43
#define PIT_CHANNEL2_ONESHOT	0xb0	/* channel 2, low then high byte, mode 0 */
#define PIT_TICKS_PER_MS		1193	/* 1.193182 MHz */
#define SYSTEM_CONTROL_PORT		0x61
#define SYSTEM_CONTROL_GATE2	0x01
#define SYSTEM_CONTROL_SPEAKER	0x02
#define SYSTEM_CONTROL_OUT2		0x20

#define KEYBOARD_DATA_PORT		0x60
#define KEYBOARD_STATUS_PORT	0x64
#define KEYBOARD_OUTPUT_FULL	0x01
#define COM1_PORT				0x3f8

/* EFI_GET_TIME; the firmware is built for the Microsoft calling convention. */
typedef uint64_t (__attribute__((ms_abi)) *efi_get_time_function)(void *time,
	void *capabilities);


uint64_t
machine_efi_get_time(void *cookie, uint64_t function, void *time)
{
	efi_get_time_function getTime = (efi_get_time_function)(uintptr_t)function;
	return getTime(time, NULL);
}


bool
machine_write_virtual(void *cookie, uint64_t address, const void *buffer, size_t size)
{
	const kernel_args *args = cookie;
	if (!bootcheck_virtual_contains(args, address, size))
		return false;
	memcpy((void *)(uintptr_t)address, buffer, size);
	return true;
}


static void
fw_cfg_select(uint16_t selector)
{
	x86_out16(FW_CFG_SELECTOR_PORT, selector);
}


static void
fw_cfg_read(void *buffer, size_t size)
{
	uint8_t *bytes = buffer;
	for (size_t i = 0; i < size; i++)
		bytes[i] = x86_in8(FW_CFG_DATA_PORT);
}


static uint32_t
big_endian32(const uint8_t bytes[4])
{
	return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8
		| bytes[3];
}


/* The decimal number in the fw_cfg file name; false without QEMU or the file. */
static bool
fw_cfg_read_number(const char *name, uint32_t *_value)
{
	char signature[4];
	fw_cfg_select(FW_CFG_SIGNATURE);
	fw_cfg_read(signature, sizeof(signature));
	if (memcmp(signature, "QEMU", sizeof(signature)) != 0)
		return false;

	uint8_t countBytes[4];
	fw_cfg_select(FW_CFG_FILE_DIR);
	fw_cfg_read(countBytes, sizeof(countBytes));
	uint32_t count = big_endian32(countBytes);
	for (uint32_t i = 0; i < count; i++) {
		struct {
			uint8_t	size[4];
			uint8_t	selector[2];
			uint8_t	reserved[2];
			char	name[FW_CFG_NAME_LENGTH];
		} entry;
		fw_cfg_read(&entry, sizeof(entry));
		if (strncmp(entry.name, name, sizeof(entry.name)) != 0)
			continue;

		char text[12];
		uint32_t size = big_endian32(entry.size);
		if (size == 0 || size >= sizeof(text))
			return false;
		fw_cfg_select((uint16_t)(entry.selector[0] << 8 | entry.selector[1]));
		fw_cfg_read(text, size);
		uint32_t value = 0;
		for (uint32_t c = 0; c < size && text[c] >= '0' && text[c] <= '9'; c++)
			value = value * 10 + (uint32_t)(text[c] - '0');
		*_value = value;
		return true;
	}
	return false;
}


/* One millisecond by the PIT, which needs no calibration. */
static void
pit_wait_millisecond(void)
{
	uint8_t control = x86_in8(SYSTEM_CONTROL_PORT);
	x86_out8(SYSTEM_CONTROL_PORT,
		(control & ~SYSTEM_CONTROL_SPEAKER) | SYSTEM_CONTROL_GATE2);
	x86_out8(PIT_COMMAND_PORT, PIT_CHANNEL2_ONESHOT);
	x86_out8(PIT_CHANNEL2_PORT, PIT_TICKS_PER_MS & 0xff);
	x86_out8(PIT_CHANNEL2_PORT, PIT_TICKS_PER_MS >> 8);
	while ((x86_in8(SYSTEM_CONTROL_PORT) & SYSTEM_CONTROL_OUT2) == 0)
		x86_pause();
}


static bool
machine_key_pressed(void)
{
	if ((x86_in8(KEYBOARD_STATUS_PORT) & KEYBOARD_OUTPUT_FULL) != 0) {
		x86_in8(KEYBOARD_DATA_PORT);
		return true;
	}
	if ((x86_in8(COM1_PORT + UART_LINE_STATUS) & UART_LINE_STATUS_DATA_READY) != 0) {
		x86_in8(COM1_PORT + UART_DATA);
		return true;
	}
	return false;
}


void
machine_hold_screen(const kernel_args *args)
{
	uint32_t milliseconds;
	if (args->framebuffer.physical_address == 0
		|| !fw_cfg_read_number(HOLD_FILE_NAME, &milliseconds))
		return;
	if (milliseconds > HOLD_MAX_MS)
		milliseconds = HOLD_MAX_MS;

	/* What the firmware left unread must not end the hold at once. */
	for (int i = 0; i < 16 && machine_key_pressed(); i++)
		;
	kernel_printf("bootcheck: holding the screen for up to %u ms (a key ends it)\n",
		milliseconds);
	uint32_t waited = 0;
	while (waited < milliseconds && !machine_key_pressed()) {
		pit_wait_millisecond();
		waited++;
	}
	kernel_printf("bootcheck: held the screen for %u ms\n", waited);
}
