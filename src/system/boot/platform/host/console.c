/*
 * The console on the terminal: text on stdout, keys from stdin, and the
 * debug channel on stderr.
 */
#include "host_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <boot/platform.h>

static bool sOutputIsTerminal;
static bool sInputIsTerminal;
static bool sTerminalSaved;
static struct termios sSavedTerminal;
static int32_t sWidth = 80;
static int32_t sHeight = 25;


void
host_console_restore(void)
{
	if (sTerminalSaved)
		tcsetattr(STDIN_FILENO, TCSANOW, &sSavedTerminal);
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


void
console_write(const char *text, size_t length)
{
	fwrite(text, 1, length, stdout);
	fflush(stdout);
}


bool
console_shares_debug_output(void)
{
	return false;
}


void
platform_debug_write(const char *text, size_t length)
{
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


static int
console_read_byte(void)
{
	unsigned char byte;
	return read(STDIN_FILENO, &byte, 1) == 1 ? byte : -1;
}


/* The rest of "ESC [ ..." as a terminal sends it for special keys. */
static int32_t
console_read_escape(void)
{
	int next = console_read_byte();
	if (next != '[' && next != 'O')
		return CONSOLE_KEY_ESCAPE;
	int code = console_read_byte();
	switch (code) {
		case 'A':
			return CONSOLE_KEY_UP;
		case 'B':
			return CONSOLE_KEY_DOWN;
		case 'C':
			return CONSOLE_KEY_RIGHT;
		case 'D':
			return CONSOLE_KEY_LEFT;
		case 'H':
			return CONSOLE_KEY_HOME;
		case 'F':
			return CONSOLE_KEY_END;
	}
	if (code >= '1' && code <= '6' && console_read_byte() == '~') {
		static const int32_t kKeys[] = { CONSOLE_KEY_HOME, 0, 0,
			CONSOLE_KEY_END, CONSOLE_KEY_PAGE_UP, CONSOLE_KEY_PAGE_DOWN };
		if (kKeys[code - '1'] != 0)
			return kKeys[code - '1'];
	}
	return CONSOLE_KEY_ESCAPE;
}


int32_t
console_wait_for_key(void)
{
	fflush(stdout);
	for (;;) {
		int byte = console_read_byte();
		if (byte < 0)
			return 0;
		if (byte == 0x1b)
			return console_read_escape();
		if (byte == '\n')
			return '\r';
		if (byte == 0x7f)
			return '\b';
		/* UTF-8 input is passed through byte by byte; keys are ASCII. */
		return byte;
	}
}
