/* SPDX-License-Identifier: MIT */
/*
 * The console on the terminal: text on stdout, keys from stdin, and the
 * debug channel on stderr. Output that is not a terminal stays plain text:
 * no escape sequences, and a cursor move to the start of a line starts a new
 * one, so that the menu reads as one line per screen line.
 */
#include "host_platform.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <boot/console_keys.h>
#include <boot/platform.h>
#include <boot/unicode.h>

static bool sOutputIsTerminal;
static bool sInputIsTerminal;
static bool sTerminalSaved;
static struct termios sSavedTerminal;
static int32_t sWidth = 80;
static int32_t sHeight = 25;
/* Plain output: whether the last byte written ended a line. */
static bool sAtLineStart = true;
/*
 * Plain output: spaces not written yet. The menu blanks lines to the edge;
 * in plain text that is noise at the end of a line, and is dropped there.
 */
static size_t sPendingSpaces;
/* A byte read too far while telling Escape from an escape sequence. */
static int sPushedBack = -1;
static bool sInputClosed;

/* How long the bytes of one escape sequence may take to arrive, in milliseconds. */
#define ESCAPE_SEQUENCE_TIMEOUT		50


void
host_console_restore(void)
{
	if (sTerminalSaved)
		tcsetattr(STDIN_FILENO, TCSANOW, &sSavedTerminal);
	if (!sAtLineStart)
		console_write("\n", 1);
	fflush(stdout);
}


status_t
console_init(void)
{
	sOutputIsTerminal = isatty(STDOUT_FILENO);
	sInputIsTerminal = isatty(STDIN_FILENO);

	struct winsize size;
	if (sOutputIsTerminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0
			&& size.ws_col > 0 && size.ws_row > 0) {
		sWidth = size.ws_col;
		sHeight = size.ws_row;
	}

	/* Keys arrive one at a time, unechoed, as on a firmware console. */
	if (sInputIsTerminal && tcgetattr(STDIN_FILENO, &sSavedTerminal) == 0) {
		struct termios raw = sSavedTerminal;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
			sTerminalSaved = true;
			atexit(host_console_restore);
		}
	}
	return B_OK;
}


/* Plain output: text with the spaces before a line end left out. */
static void
console_write_plain(const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		if (text[i] == ' ') {
			sPendingSpaces++;
			continue;
		}
		if (text[i] == '\n')
			sPendingSpaces = 0;
		for (; sPendingSpaces > 0; sPendingSpaces--)
			fputc(' ', stdout);
		fputc(text[i], stdout);
	}
}


void
console_write(const char *text, size_t length)
{
	if (sOutputIsTerminal)
		fwrite(text, 1, length, stdout);
	else
		console_write_plain(text, length);
	fflush(stdout);
	if (length > 0)
		sAtLineStart = text[length - 1] == '\n';
}


bool
console_shares_debug_output(void)
{
	return false;
}


static bool sDebugEnabled = true;


/* stderr stands for the serial line: only "off" means anything here. */
void
platform_debug_configure(bool enabled, uint8_t port, uint32_t speed)
{
	sDebugEnabled = enabled;
}


void
platform_debug_write(const char *text, size_t length)
{
	if (sDebugEnabled)
		fwrite(text, 1, length, stderr);
}


/* Escape sequences only for a terminal: redirected output stays plain text. */
static void
console_escape(const char *sequence)
{
	if (sOutputIsTerminal)
		fputs(sequence, stdout);
}


void
console_clear_screen(void)
{
	console_escape("\033[2J\033[H");
	if (!sOutputIsTerminal && !sAtLineStart)
		console_write("\n", 1);
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
	if (sOutputIsTerminal)
		printf("\033[%d;%dH", y + 1, x + 1);
	else if (x == 0 && !sAtLineStart)
		console_write("\n", 1);
}


void
console_set_color(enum console_color foreground, enum console_color background)
{
	/* The console_color order is the PC's; ANSI numbers the colours differently. */
	static const int kAnsi[] = { 0, 4, 2, 6, 1, 5, 3, 7 };
	if (!sOutputIsTerminal)
		return;
	int bright = foreground >= CONSOLE_DARK_GRAY;
	printf("\033[%d;%d;%dm", bright, 30 + kAnsi[foreground & 7],
		40 + kAnsi[background & 7]);
}


/*
 * One byte of input within timeout milliseconds (-1: no limit). Returns -1
 * when none came in time, -2 when the input is closed.
 */
static int
console_read_byte(int timeout)
{
	if (sPushedBack >= 0) {
		int byte = sPushedBack;
		sPushedBack = -1;
		return byte;
	}
	if (sInputClosed)
		return -2;
	struct pollfd input = { .fd = STDIN_FILENO, .events = POLLIN };
	int ready;
	do {
		ready = poll(&input, 1, timeout);
	} while (ready < 0 && errno == EINTR);
	if (ready == 0)
		return -1;

	unsigned char byte;
	ssize_t result;
	do {
		result = read(STDIN_FILENO, &byte, 1);
	} while (result < 0 && errno == EINTR);
	if (result != 1) {
		sInputClosed = true;
		return -2;
	}
	return byte;
}


/* A byte that belongs to the key being read: it is there already or comes at once. */
static int
console_read_follower(void)
{
	return console_read_byte(ESCAPE_SEQUENCE_TIMEOUT);
}


/* The next byte of an escape sequence, as console_keys_decode_escape() reads it. */
static int32_t
console_sequence_key(void)
{
	int byte = console_read_follower();
	return byte >= 0 ? byte : CONSOLE_NO_KEY;
}


/* The key an Escape starts; a byte read after an Escape alone is read again. */
static int32_t
console_read_escape(void)
{
	int32_t leftover;
	int32_t key = console_keys_decode_escape(console_sequence_key, &leftover);
	if (leftover != CONSOLE_NO_KEY)
		sPushedBack = leftover;
	return key;
}


/*
 * The code point of the UTF-8 sequence that starts with lead, read on as far
 * as it is well-formed; U+FFFD when it is not UTF-8. A byte that does not
 * fit the sequence is left for the next key.
 */
static int32_t
console_read_utf8(int lead)
{
	uint8_t bytes[4] = { (uint8_t)lead };
	size_t count = 1;
	uint32_t codePoint;
	size_t length;
	while (unicode_utf8_decode(bytes, count, &codePoint, &length) == UNICODE_UTF8_TRUNCATED) {
		int next = console_read_follower();
		if (next < 0)
			return UNICODE_REPLACEMENT_CHARACTER;
		bytes[count++] = (uint8_t)next;
	}
	if (length < count)
		sPushedBack = bytes[count - 1];
	return (int32_t)codePoint;
}


/* A key within timeout milliseconds (-1: no limit), CONSOLE_NO_KEY, or 0 when closed. */
static int32_t
console_read_key(int timeout)
{
	fflush(stdout);
	int byte = console_read_byte(timeout);
	if (byte == -1)
		return CONSOLE_NO_KEY;
	if (byte == -2)
		return 0;
	if (byte == 0x1b)
		return console_read_escape();
	if (byte == '\n')
		return '\r';
	if (byte == 0x7f)
		return '\b';
	if (byte >= 0x80)
		return console_read_utf8(byte);
	return byte;
}


int32_t
console_wait_for_key(void)
{
	host_screenshot();
	int32_t key;
	do {
		key = console_read_key(-1);
	} while (key == CONSOLE_NO_KEY);
	return key;
}


int32_t
console_wait_for_key_timeout(uint64_t microseconds)
{
	host_screenshot();
	/* Rounded up, so that a short wait still looks once. */
	uint64_t milliseconds = (microseconds + 999) / 1000;
	return console_read_key(milliseconds > INT32_MAX ? INT32_MAX : (int)milliseconds);
}
