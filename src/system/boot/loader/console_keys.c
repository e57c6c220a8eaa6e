/* SPDX-License-Identifier: MIT */
/*
 * Escape sequences to keys. A terminal sends its special keys as control
 * sequences (ECMA-48: "ESC [", parameter bytes, intermediate bytes, a final
 * byte) or, for the cursor keys in application mode, the keypad in
 * application keypad mode and F1 to F4, as "ESC O" and one byte (SS3). Each
 * dialect (xterm, VT100, PC-ANSI) uses a few of them; a firmware's terminal
 * driver decodes its own dialect's and passes the others on as their bytes.
 * Every sequence is read to its final byte, so that none of it is typed:
 * Ctrl+Up is "ESC [ 1 ; 5 A", and its 5 would select an entry.
 */
#include <boot/console_keys.h>

#include <stdbool.h>

#include <boot/platform.h>

/* The most bytes read after "ESC [" or "ESC O": no key has more. */
static const int kSequenceMaxLength = 16;


/* What "ESC [ <number> ~" means (xterm, the Linux console); 0 for no key. */
static int32_t
console_keys_from_number(uint32_t number)
{
	switch (number) {
		case 1:
		case 7:
			return CONSOLE_KEY_HOME;
		case 3:
			return CONSOLE_KEY_DELETE;
		case 4:
		case 8:
			return CONSOLE_KEY_END;
		case 5:
			return CONSOLE_KEY_PAGE_UP;
		case 6:
			return CONSOLE_KEY_PAGE_DOWN;
	}
	return 0;
}


/*
 * What "ESC [ <letter>" means in the dialects a firmware's terminal may not
 * speak: PC-ANSI's keys (OVMF decodes them, AAVMF's VT100 terminal does not)
 * and VT100's (the other way round); 0 for no key.
 */
static int32_t
console_keys_from_letter(int32_t letter)
{
	switch (letter) {
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
		case 'K':
			return CONSOLE_KEY_END;
		case 'X':
		case 'P':
			return CONSOLE_KEY_DELETE;
		case 'I':
		case 'V':
			return CONSOLE_KEY_PAGE_UP;
		case 'G':
		case 'U':
			return CONSOLE_KEY_PAGE_DOWN;
	}
	return 0;
}


/*
 * What "ESC O <letter>" means: the cursor keys, Home and End in application
 * mode (which a program run on the terminal before may have left set), and
 * the keypad's Enter and "*+,-./0123456789" in application keypad mode; 0
 * for no key (F1 to F4 are 'P' to 'S', where VT100's "ESC [ P" is Delete).
 */
static int32_t
console_keys_from_ss3_letter(int32_t letter)
{
	switch (letter) {
		case 'A':
		case 'B':
		case 'C':
		case 'D':
		case 'F':
		case 'H':
			return console_keys_from_letter(letter);
		case 'M':
			return '\r';
	}
	if (letter >= 'j' && letter <= 'y')
		return letter - 0x40;
	return 0;
}


int32_t
console_keys_decode_escape(console_key_reader readNext, int32_t *_leftover)
{
	*_leftover = CONSOLE_NO_KEY;
	int32_t introducer = readNext();
	if (introducer != '[' && introducer != 'O') {
		*_leftover = introducer;
		return CONSOLE_KEY_ESCAPE;
	}
	uint32_t number = 0;
	bool digitsOnly = true;
	for (int length = 0; length < kSequenceMaxLength; length++) {
		int32_t next = readNext();
		if (next >= '0' && next <= '9') {
			/* Past three digits no key is meant: keep it so, without wrapping. */
			if (number < 1000)
				number = number * 10 + (uint32_t)(next - '0');
		} else if (next >= 0x20 && next <= 0x3f)
			digitsOnly = false;
		else if (next >= 0x40 && next <= 0x7e) {
			int32_t key = 0;
			if (digitsOnly && length == 0) {
				key = introducer == 'O' ? console_keys_from_ss3_letter(next)
					: console_keys_from_letter(next);
			} else if (digitsOnly && next == '~' && introducer == '[')
				key = console_keys_from_number(number);
			return key != 0 ? key : CONSOLE_NO_KEY;
		} else
			break;
	}
	/* Cut short or too long: what was read of it is dropped, not typed. */
	return CONSOLE_NO_KEY;
}
