/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's text console (src/system/boot/platform/
 * efi/console.c), compiled right into this test with gnu-efi's headers, on
 * fake text protocols: the UCS-2 the firmware is handed for the loader's
 * UTF-8 (line ends, what UCS-2 cannot hold, what is not UTF-8), the text
 * mode chosen, the keys read (the firmware's scan codes, and the escape
 * sequences that OVMF's and AAVMF's terminals pass on undecoded, handed to
 * the shared decoder), and the serial terminal kept while the framebuffer
 * has the screen. The QEMU boots send a few of these keys; this sends them
 * all.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#include "../../src/system/boot/platform/efi/console.c"
#include "../support/efi_port_fakes.h"
#include "../support/efi_pool.h"

#include "unit_test.h"

#define MAX_KEYS		32
#define OUTPUT_SIZE		2048

EFI_BOOT_SERVICES *gBootServices;
int gBootServicesActive;

/* An output protocol and what it was handed. */
struct fake_output {
	SIMPLE_TEXT_OUTPUT_INTERFACE	protocol;
	SIMPLE_TEXT_OUTPUT_MODE			mode;
	CHAR16							text[OUTPUT_SIZE];
	size_t							length;
	size_t							longest;		/* of one OutputString call */
	uint8_t							path[64];		/* its handle's device path */
};

static EFI_BOOT_SERVICES sBootServices;
static EFI_RUNTIME_SERVICES sRuntime;
static SIMPLE_INPUT_INTERFACE sKeyboard;
static struct fake_output sScreen;
static struct fake_output sSerial;
static EFI_INPUT_KEY sKeys[MAX_KEYS];
static uint32_t sKeyCount;
static uint32_t sKeyNext;
static uint32_t sTimers;			/* timer events open */
static uint32_t sModeSet;			/* the mode SetMode was asked for, +1 */
static bool sSerialConsole;			/* the firmware's own UART is its console */


bool
efi_arch_uart_is_firmware_console(void)
{
	return sSerialConsole;
}


static EFI_STATUS EFIAPI
fake_output_string(SIMPLE_TEXT_OUTPUT_INTERFACE *protocol, CHAR16 *text)
{
	struct fake_output *output = (struct fake_output *)protocol;
	size_t length = 0;
	while (text[length] != 0)
		length++;
	CHECK(output->length + length < OUTPUT_SIZE);
	memcpy(output->text + output->length, text, length * sizeof(CHAR16));
	output->length += length;
	if (length > output->longest)
		output->longest = length;
	return EFI_SUCCESS;
}


/* Modes 0 to 3: 80x25, 100x31, one that fails, 80x50. */
static EFI_STATUS EFIAPI
fake_query_mode(SIMPLE_TEXT_OUTPUT_INTERFACE *protocol, UINTN mode, UINTN *_columns,
	UINTN *_rows)
{
	static const UINTN kModes[4][2] = { { 80, 25 }, { 100, 31 }, { 0, 0 }, { 80, 50 } };
	if (mode >= 4 || kModes[mode][0] == 0)
		return EFI_UNSUPPORTED;
	*_columns = kModes[mode][0];
	*_rows = kModes[mode][1];
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_set_mode(SIMPLE_TEXT_OUTPUT_INTERFACE *protocol, UINTN mode)
{
	struct fake_output *output = (struct fake_output *)protocol;
	sModeSet = (uint32_t)mode + 1;
	output->mode.Mode = (INT32)mode;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_enable_cursor(SIMPLE_TEXT_OUTPUT_INTERFACE *protocol, BOOLEAN enable)
{
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_read_key(SIMPLE_INPUT_INTERFACE *input, EFI_INPUT_KEY *key)
{
	if (sKeyNext == sKeyCount)
		return EFI_NOT_READY;
	*key = sKeys[sKeyNext++];
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_create_event(UINT32 type, EFI_TPL tpl, EFI_EVENT_NOTIFY notify, void *context,
	EFI_EVENT *_event)
{
	CHECK(type == EVT_TIMER);
	sTimers++;
	*_event = (EFI_EVENT)0x7157;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_set_timer(EFI_EVENT event, EFI_TIMER_DELAY type, UINT64 time)
{
	CHECK(type == TimerRelative);
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_close_event(EFI_EVENT event)
{
	sTimers--;
	return EFI_SUCCESS;
}


/* A key when one is queued; else the timer, which must then be waited for. */
static EFI_STATUS EFIAPI
fake_wait_for_event(UINTN count, EFI_EVENT *events, UINTN *_index)
{
	if (sKeyNext < sKeyCount) {
		*_index = 0;
		return EFI_SUCCESS;
	}
	CHECK(count == 2);
	*_index = 1;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_get_variable(CHAR16 *name, EFI_GUID *guid, UINT32 *attributes, UINTN *size, void *data)
{
	return EFI_NOT_FOUND;
}


static EFI_STATUS EFIAPI
fake_locate_handle_buffer(EFI_LOCATE_SEARCH_TYPE type, EFI_GUID *guid, void *key,
	UINTN *_count, EFI_HANDLE **_handles)
{
	*_handles = malloc(2 * sizeof(EFI_HANDLE));
	(*_handles)[0] = &sScreen;
	(*_handles)[1] = &sSerial;
	*_count = 2;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_handle_protocol(EFI_HANDLE handle, EFI_GUID *guid, void **_interface)
{
	static EFI_GUID sTextOutGuid = SIMPLE_TEXT_OUTPUT_PROTOCOL;
	struct fake_output *output = handle;
	*_interface = memcmp(guid, &sTextOutGuid, sizeof(*guid)) == 0
		? (void *)&output->protocol : (void *)output->path;
	return EFI_SUCCESS;
}


/* A device path of a PCI node, then, for the serial line, a UART node. */
static void
output_path(struct fake_output *output, bool uart)
{
	static const uint8_t kPci[6] = { HARDWARE_DEVICE_PATH, HW_PCI_DP, 6, 0, 0, 0x1f };
	static const uint8_t kUart[19] = { MESSAGING_DEVICE_PATH, MSG_UART_DP, 19, 0 };
	static const uint8_t kEnd[4] = { END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE,
		4, 0 };
	memcpy(output->path, kPci, sizeof(kPci));
	size_t at = sizeof(kPci);
	if (uart) {
		memcpy(output->path + at, kUart, sizeof(kUart));
		at += sizeof(kUart);
	}
	memcpy(output->path + at, kEnd, sizeof(kEnd));
}


static void
output_setup(struct fake_output *output, bool uart)
{
	memset(output, 0, sizeof(*output));
	output->protocol.OutputString = fake_output_string;
	output->protocol.QueryMode = fake_query_mode;
	output->protocol.SetMode = fake_set_mode;
	output->protocol.EnableCursor = fake_enable_cursor;
	output->protocol.Mode = &output->mode;
	output->mode.MaxMode = 4;
	output_path(output, uart);
}


static void
setup(void)
{
	output_setup(&sScreen, false);
	output_setup(&sSerial, true);
	sKeyboard = (SIMPLE_INPUT_INTERFACE){ .ReadKeyStroke = fake_read_key };
	sRuntime = (EFI_RUNTIME_SERVICES){ .GetVariable = fake_get_variable };
	sFakeSystemTable.ConOut = &sScreen.protocol;
	sFakeSystemTable.ConIn = &sKeyboard;
	sFakeSystemTable.RuntimeServices = &sRuntime;
	sBootServices = (EFI_BOOT_SERVICES){
		.CreateEvent = fake_create_event,
		.SetTimer = fake_set_timer,
		.CloseEvent = fake_close_event,
		.WaitForEvent = fake_wait_for_event,
		.LocateHandleBuffer = fake_locate_handle_buffer,
		.HandleProtocol = fake_handle_protocol,
		.FreePool = fake_free_pool,
	};
	gBootServices = &sBootServices;
	gBootServicesActive = 1;
	sKeyCount = sKeyNext = 0;
	sTimers = 0;
	sModeSet = 0;
	sSerialConsole = false;
	sScreenOutput = NULL;
	sFrozen = 0;
	sPendingKey = CONSOLE_NO_KEY;
	boot_log_clear();
	CHECK_EQ(console_init(), B_OK);
}


/* What the screen was handed, as UTF-16 code units, equals expected. */
static void
expect_screen(const char16_t *expected, int line)
{
	size_t length = 0;
	while (expected[length] != 0)
		length++;
	if (sScreen.length != length
		|| memcmp(sScreen.text, expected, length * sizeof(CHAR16)) != 0)
		unit_fail(__FILE__, line, "the screen got %zu code units, not the %zu expected",
			sScreen.length, length);
}


static void
keys(const char *text)
{
	for (; *text != '\0'; text++) {
		CHECK(sKeyCount < MAX_KEYS);
		sKeys[sKeyCount++] = (EFI_INPUT_KEY){ 0, (CHAR16)(uint8_t)*text };
	}
}


static void
scan_code(UINT16 code)
{
	CHECK(sKeyCount < MAX_KEYS);
	sKeys[sKeyCount++] = (EFI_INPUT_KEY){ code, 0 };
}


TEST(lines_end_in_cr_lf_and_every_character_reaches_the_firmware)
{
	setup();
	/* Latin, Greek, a penguin (no room in UCS-2) and a stray continuation byte. */
	const char kText[] = "a\nb\xc3\xa9\xce\xa9\xf0\x9f\x90\xa7\x80z\n";
	console_write(kText, sizeof(kText) - 1);
	expect_screen(u"a\r\nb\u00e9\u03a9\ufffd\ufffdz\r\n", __LINE__);
}


TEST(long_text_goes_in_pieces_and_none_is_lost)
{
	setup();
	char text[400];
	char16_t expected[500];
	size_t used = 0;
	for (int i = 0; i < 130; i++) {
		/* Two-byte characters, whose pieces must never split one. */
		memcpy(text + 2 * i, "\xce\xa9", 2);
		expected[used++] = u'\u03a9';
		if (i % 40 == 39) {
			text[2 * i + 1] = '\n';
			text[2 * i] = 'x';
			expected[used - 1] = u'x';
			expected[used++] = u'\r';
			expected[used++] = u'\n';
		}
	}
	expected[used] = 0;
	console_write(text, 260);
	expect_screen(expected, __LINE__);
	CHECK(sScreen.longest <= OUTPUT_CHUNK + 1);
}


TEST(nothing_is_written_while_frozen_or_after_boot_services)
{
	setup();
	efi_console_freeze(true);
	CHECK(efi_console_frozen());
	console_write("a", 1);
	efi_console_freeze(false);
	gBootServicesActive = 0;
	console_write("b", 1);
	gBootServicesActive = 1;
	console_write("c", 1);
	expect_screen(u"c", __LINE__);
}


TEST(the_largest_text_mode_that_answers_is_chosen)
{
	setup();
	CHECK_EQ(sModeSet, 3 + 1);
	CHECK_EQ(console_width(), 80);
	CHECK_EQ(console_height(), 50);
	CHECK(strstr(sLog, "efi: text mode 3 of 4: 80x50\n") != NULL);
	CHECK(!console_shares_debug_output());
	sSerialConsole = true;
	CHECK_EQ(console_init(), B_OK);
	CHECK(console_shares_debug_output());
}


TEST(the_firmwares_keys)
{
	static const struct {
		UINT16	scan_code;
		int32_t	key;
	} kKeys[] = {
		{ SCAN_UP, CONSOLE_KEY_UP }, { SCAN_DOWN, CONSOLE_KEY_DOWN },
		{ SCAN_LEFT, CONSOLE_KEY_LEFT }, { SCAN_RIGHT, CONSOLE_KEY_RIGHT },
		{ SCAN_HOME, CONSOLE_KEY_HOME }, { SCAN_END, CONSOLE_KEY_END },
		{ SCAN_PAGE_UP, CONSOLE_KEY_PAGE_UP }, { SCAN_PAGE_DOWN, CONSOLE_KEY_PAGE_DOWN },
		{ SCAN_DELETE, CONSOLE_KEY_DELETE },
	};
	setup();
	for (size_t i = 0; i < sizeof(kKeys) / sizeof(kKeys[0]); i++)
		scan_code(kKeys[i].scan_code);
	/* F1 means nothing to the loader and is passed over. */
	scan_code(SCAN_F1);
	keys("q\r");
	for (size_t i = 0; i < sizeof(kKeys) / sizeof(kKeys[0]); i++)
		CHECK_EQ(console_wait_for_key(), kKeys[i].key);
	CHECK_EQ(console_wait_for_key(), 'q');
	CHECK_EQ(console_wait_for_key(), '\r');
	CHECK_EQ(console_wait_for_key_timeout(1000), CONSOLE_NO_KEY);
	CHECK_EQ(sTimers, 0);
}


TEST(escape_alone_and_escape_then_a_key)
{
	setup();
	keys("\x1b");
	CHECK_EQ(console_wait_for_key(), CONSOLE_KEY_ESCAPE);
	/* The key right after Escape is the next key, not lost. */
	keys("\x1bq");
	CHECK_EQ(console_wait_for_key(), CONSOLE_KEY_ESCAPE);
	CHECK_EQ(console_wait_for_key(), 'q');
	scan_code(SCAN_ESC);
	CHECK_EQ(console_wait_for_key_timeout(1000), CONSOLE_KEY_ESCAPE);
	CHECK_EQ(sTimers, 0);
}


/*
 * The sequences themselves are unit_console_keys's; here, that the port hands
 * the decoder the keys after an Escape, waits for the rest of a sequence
 * with a timer it closes, and returns what the decoder leaves.
 */
TEST(escape_sequences_reach_the_decoder)
{
	static const struct {
		const char	*sequence;
		int32_t		key;
	} kSequences[] = {
		{ "\x1b[3~", CONSOLE_KEY_DELETE }, { "\x1bOA", CONSOLE_KEY_UP },
		{ "\x1b[1;5Az", 'z' }, { "\x1bOPz", 'z' },
	};
	for (size_t i = 0; i < sizeof(kSequences) / sizeof(kSequences[0]); i++) {
		setup();
		keys(kSequences[i].sequence);
		keys("q");
		if (console_wait_for_key() != kSequences[i].key)
			unit_fail(__FILE__, __LINE__, "sequence %zu read as another key", i);
		CHECK_EQ(console_wait_for_key(), 'q');
		CHECK_EQ(sTimers, 0);
	}
	/* One cut short by the end of the keys: the timer runs out. */
	setup();
	keys("\x1b[1");
	CHECK_EQ(console_wait_for_key_timeout(1000), CONSOLE_NO_KEY);
	CHECK_EQ(sTimers, 0);
}


TEST(the_serial_terminal_keeps_the_text_while_the_framebuffer_has_the_screen)
{
	setup();
	CHECK(platform_console_take_screen(true));
	console_write("s", 1);
	CHECK(strstr(sLog, "the serial terminal keeps the text console") != NULL);
	CHECK(platform_console_take_screen(false));
	console_write("t", 1);
	CHECK_EQ(sSerial.length, 1);
	CHECK_EQ(sSerial.text[0], u's');
	expect_screen(u"t", __LINE__);

	/* Without a UART in any output's path, the screen was the only one. */
	setup();
	output_path(&sSerial, false);
	CHECK(!platform_console_take_screen(true));
	CHECK(strstr(sLog, "no serial terminal") != NULL);
	CHECK(platform_console_take_screen(false));
	console_write("u", 1);
	expect_screen(u"u", __LINE__);
}
