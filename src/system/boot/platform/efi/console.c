/* SPDX-License-Identifier: MIT */
/*
 * The user-visible console on the firmware's text protocols.
 */
#include "efi_platform.h"

#include <boot/console_keys.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/unicode.h>

/* UCS-2 characters converted per OutputString call. */
#define OUTPUT_CHUNK	128

static SIMPLE_TEXT_OUTPUT_INTERFACE *sOutput;
/* The firmware's whole console, while the framebuffer console has the screen. */
static SIMPLE_TEXT_OUTPUT_INTERFACE *sScreenOutput;
static SIMPLE_INPUT_INTERFACE *sInput;
static int sOnSerial;
/*
 * Set between the final GetMemoryMap and ExitBootServices: writing to the
 * firmware console there may allocate and invalidate the map key.
 */
static int sFrozen;
static int32_t sWidth = 80;
static int32_t sHeight = 25;
/* A key read while looking for an escape sequence, for the next read. */
static int32_t sPendingKey = CONSOLE_NO_KEY;

/* How long the rest of an escape sequence may take after its first key. */
static const uint64_t kSequenceMicroseconds = 50 * 1000;


/*
 * The firmware's ConOut variable lists the devices its console writes to;
 * a UART node among them means the text already goes out on the serial line.
 */
static int
console_reaches_uart(void)
{
	static EFI_GUID sGlobalVariable = EFI_GLOBAL_VARIABLE;
	uint8_t paths[1024];
	UINTN size = sizeof(paths);
	if (gSystemTable->RuntimeServices->GetVariable(L"ConOut", &sGlobalVariable,
			NULL, &size, paths) != EFI_SUCCESS)
		return 0;

	const size_t kHeaderSize = 4;
	for (size_t offset = 0; offset + kHeaderSize <= size;) {
		const EFI_DEVICE_PATH *node = (const EFI_DEVICE_PATH *)(paths + offset);
		size_t length = DevicePathNodeLength(node);
		if (length < kHeaderSize)
			break;
		if (DevicePathType(node) == MESSAGING_DEVICE_PATH
				&& DevicePathSubType(node) == MSG_UART_DP)
			return 1;
		offset += length;
	}
	return 0;
}


/* Whether a device path has a UART node: the firmware's serial terminal. */
static int
console_path_has_uart(const EFI_DEVICE_PATH *node)
{
	const size_t kHeaderSize = 4;
	for (int count = 0; count < 64; count++) {
		size_t length = DevicePathNodeLength(node);
		if (IsDevicePathEnd(node) || length < kHeaderSize)
			return 0;
		if (DevicePathType(node) == MESSAGING_DEVICE_PATH
				&& DevicePathSubType(node) == MSG_UART_DP)
			return 1;
		node = (const EFI_DEVICE_PATH *)((const uint8_t *)node + length);
	}
	return 0;
}


/*
 * The text output of the firmware's serial terminal alone (its console
 * splitter writes to it and to the screen), or NULL when there is none.
 */
static SIMPLE_TEXT_OUTPUT_INTERFACE *
console_find_serial_output(void)
{
	static EFI_GUID sTextOutGuid = SIMPLE_TEXT_OUTPUT_PROTOCOL;
	static EFI_GUID sDevicePathGuid = DEVICE_PATH_PROTOCOL;
	EFI_HANDLE *handles = NULL;
	UINTN count = 0;
	if (gBootServices->LocateHandleBuffer(ByProtocol, &sTextOutGuid, NULL, &count, &handles)
			!= EFI_SUCCESS)
		return NULL;
	SIMPLE_TEXT_OUTPUT_INTERFACE *found = NULL;
	for (UINTN i = 0; i < count && found == NULL; i++) {
		EFI_DEVICE_PATH *path;
		if (gBootServices->HandleProtocol(handles[i], &sDevicePathGuid, (void **)&path)
				!= EFI_SUCCESS || !console_path_has_uart(path))
			continue;
		if (gBootServices->HandleProtocol(handles[i], &sTextOutGuid, (void **)&found)
				!= EFI_SUCCESS)
			found = NULL;
	}
	gBootServices->FreePool(handles);
	return found;
}


bool
platform_console_take_screen(bool taken)
{
	if (!taken) {
		if (sScreenOutput != NULL)
			sOutput = sScreenOutput;
		sScreenOutput = NULL;
		return true;
	}
	if (sScreenOutput != NULL || sOutput == NULL || !gBootServicesActive)
		return sOutput != NULL;
	SIMPLE_TEXT_OUTPUT_INTERFACE *serial = console_find_serial_output();
	sScreenOutput = sOutput;
	sOutput = serial;
	boot_dprintf("efi: the framebuffer console has the screen; %s\n", serial != NULL
		? "the serial terminal keeps the text console" : "no serial terminal");
	return serial != NULL;
}


/*
 * The text mode with the most characters: the menu and the messages get the
 * room the screen has. Modes the firmware lists but cannot query (mode 1,
 * 80x50, often) are skipped.
 */
static void
console_choose_mode(void)
{
	int32_t best = sOutput->Mode->Mode;
	UINTN bestArea = 0;
	for (int32_t mode = 0; mode < sOutput->Mode->MaxMode; mode++) {
		UINTN columns, rows;
		if (sOutput->QueryMode(sOutput, (UINTN)mode, &columns, &rows) != EFI_SUCCESS)
			continue;
		if (columns * rows > bestArea) {
			best = mode;
			bestArea = columns * rows;
		}
	}
	/* When this fails the mode stays, and console_init() asks for its size. */
	if (best != sOutput->Mode->Mode)
		sOutput->SetMode(sOutput, (UINTN)best);
}


status_t
console_init(void)
{
	sOutput = gSystemTable->ConOut;
	sInput = gSystemTable->ConIn;
	if (sOutput == NULL)
		return B_NOT_SUPPORTED;

	console_choose_mode();
	UINTN columns, rows;
	if (sOutput->QueryMode(sOutput, sOutput->Mode->Mode, &columns, &rows)
			== EFI_SUCCESS) {
		sWidth = (int32_t)columns;
		sHeight = (int32_t)rows;
	}
	boot_dprintf("efi: text mode %d of %d: %dx%d\n", (int)sOutput->Mode->Mode,
		(int)sOutput->Mode->MaxMode, (int)sWidth, (int)sHeight);
	sOutput->EnableCursor(sOutput, FALSE);
	sOnSerial = console_reaches_uart() || efi_arch_uart_is_firmware_console();
	return B_OK;
}


void
console_write(const char *text, size_t length)
{
	if (sOutput == NULL || !gBootServicesActive || sFrozen)
		return;

	CHAR16 buffer[OUTPUT_CHUNK + 3];
	size_t used = 0;
	size_t i = 0;
	while (i < length) {
		/* What is not UTF-8 becomes U+FFFD, and never swallows the text after it. */
		uint32_t codePoint;
		size_t size;
		unicode_utf8_decode((const uint8_t *)text + i, length - i, &codePoint, &size);
		i += size;
		if (codePoint == '\n')
			buffer[used++] = L'\r';
		/* UCS-2 has no room for the supplementary planes. */
		buffer[used++] = codePoint > 0xffff ? UNICODE_REPLACEMENT_CHARACTER
			: (CHAR16)codePoint;
		if (used >= OUTPUT_CHUNK || i >= length) {
			buffer[used] = 0;
			sOutput->OutputString(sOutput, buffer);
			used = 0;
		}
	}
}


void
efi_console_freeze(bool frozen)
{
	sFrozen = frozen;
}


bool
efi_console_frozen(void)
{
	return sFrozen;
}


bool
console_shares_debug_output(void)
{
	return sOnSerial && sOutput != NULL && gBootServicesActive && !sFrozen;
}


void
console_clear_screen(void)
{
	if (sOutput != NULL && gBootServicesActive)
		sOutput->ClearScreen(sOutput);
}


int32_t
console_width(void)
{
	return sWidth;
}


int32_t
console_height(void)
{
	return sHeight;
}


void
console_set_cursor(int32_t x, int32_t y)
{
	if (sOutput != NULL && gBootServicesActive)
		sOutput->SetCursorPosition(sOutput, (UINTN)x, (UINTN)y);
}


void
console_set_color(enum console_color foreground, enum console_color background)
{
	if (sOutput == NULL || !gBootServicesActive)
		return;
	/* The firmware only has the eight dark colours as backgrounds. */
	sOutput->SetAttribute(sOutput,
		EFI_TEXT_ATTR((UINTN)foreground, (UINTN)background & 0x7));
}


static int32_t
console_key_from_scan_code(UINT16 scanCode)
{
	switch (scanCode) {
		case SCAN_UP:
			return CONSOLE_KEY_UP;
		case SCAN_DOWN:
			return CONSOLE_KEY_DOWN;
		case SCAN_LEFT:
			return CONSOLE_KEY_LEFT;
		case SCAN_RIGHT:
			return CONSOLE_KEY_RIGHT;
		case SCAN_HOME:
			return CONSOLE_KEY_HOME;
		case SCAN_END:
			return CONSOLE_KEY_END;
		case SCAN_PAGE_UP:
			return CONSOLE_KEY_PAGE_UP;
		case SCAN_PAGE_DOWN:
			return CONSOLE_KEY_PAGE_DOWN;
		case SCAN_DELETE:
			return CONSOLE_KEY_DELETE;
		case SCAN_ESC:
			return CONSOLE_KEY_ESCAPE;
	}
	return 0;
}


/*
 * A key from the firmware that is waiting, or CONSOLE_NO_KEY; keys the
 * loader has no use for are dropped.
 */
static int32_t
console_firmware_key(void)
{
	if (sPendingKey != CONSOLE_NO_KEY) {
		int32_t key = sPendingKey;
		sPendingKey = CONSOLE_NO_KEY;
		return key;
	}
	EFI_INPUT_KEY key;
	while (sInput->ReadKeyStroke(sInput, &key) == EFI_SUCCESS) {
		if (key.UnicodeChar != 0)
			return key.UnicodeChar;
		int32_t code = console_key_from_scan_code(key.ScanCode);
		if (code != 0)
			return code;
	}
	return CONSOLE_NO_KEY;
}


/* The firmware's next key within microseconds, or CONSOLE_NO_KEY. */
static int32_t
console_firmware_key_within(uint64_t microseconds)
{
	int32_t key = console_firmware_key();
	if (key != CONSOLE_NO_KEY || microseconds == 0)
		return key;

	EFI_EVENT timer;
	if (gBootServices->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timer) != EFI_SUCCESS)
		return CONSOLE_NO_KEY;
	/* The timer counts in units of 100 ns. */
	gBootServices->SetTimer(timer, TimerRelative, microseconds * 10);
	EFI_EVENT events[2] = { sInput->WaitForKey, timer };
	for (;;) {
		UINTN index;
		if (gBootServices->WaitForEvent(2, events, &index) != EFI_SUCCESS || index == 1)
			break;
		key = console_firmware_key();
		if (key != CONSOLE_NO_KEY)
			break;
	}
	gBootServices->CloseEvent(timer);
	return key;
}


/* The next key of an escape sequence: the rest of one comes at once. */
static int32_t
console_sequence_key(void)
{
	return console_firmware_key_within(kSequenceMicroseconds);
}


/*
 * The key an Escape starts. OVMF's terminal decodes PC-ANSI keys only and
 * AAVMF's VT100 keys only: the others (an xterm's Delete, Home, End and page
 * keys, "ESC [ <number> ~", its cursor keys in application mode, "ESC O A")
 * reach the loader as Escape and the sequence's characters, and Escape would
 * cancel an edit and a digit select an entry.
 */
static int32_t
console_decode_escape(void)
{
	int32_t leftover;
	int32_t key = console_keys_decode_escape(console_sequence_key, &leftover);
	sPendingKey = leftover;
	return key;
}


/* A key that is waiting, decoded, or CONSOLE_NO_KEY. */
static int32_t
console_read_key(void)
{
	int32_t key = console_firmware_key();
	return key == CONSOLE_KEY_ESCAPE ? console_decode_escape() : key;
}


int32_t
console_wait_for_key(void)
{
	if (sInput == NULL || !gBootServicesActive)
		return 0;

	for (;;) {
		int32_t key = console_read_key();
		if (key != CONSOLE_NO_KEY)
			return key;
		UINTN index;
		gBootServices->WaitForEvent(1, &sInput->WaitForKey, &index);
	}
}


int32_t
console_wait_for_key_timeout(uint64_t microseconds)
{
	if (sInput == NULL || !gBootServicesActive)
		return 0;
	int32_t key = console_firmware_key_within(microseconds);
	return key == CONSOLE_KEY_ESCAPE ? console_decode_escape() : key;
}
