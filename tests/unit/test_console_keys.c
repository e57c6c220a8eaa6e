/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the escape sequences' decoder (console_keys.c), which the
 * EFI and hosted ports' consoles share: every key of the dialects it knows,
 * the sequences it reads to their end and drops, an Escape that starts none,
 * and sequences cut short or too long. A reader plays the keys that follow
 * the Escape, as a port would hand them over.
 */
#include <string.h>

#include <boot/console_keys.h>
#include <boot/platform.h>

#include "unit_test.h"

#define MAX_KEYS	32

static int32_t sKeys[MAX_KEYS];
static size_t sKeyCount;
static size_t sKeyNext;


/* The keys after the Escape: the bytes of text, then nothing more. */
static void
follow_with(const char *text)
{
	sKeyCount = strlen(text);
	for (size_t i = 0; i < sKeyCount; i++)
		sKeys[i] = (uint8_t)text[i];
	sKeyNext = 0;
}


static int32_t
read_next(void)
{
	return sKeyNext < sKeyCount ? sKeys[sKeyNext++] : CONSOLE_NO_KEY;
}


/* Decode text as what followed an Escape; its leftover must be none. */
static int32_t
decode(const char *text)
{
	follow_with(text);
	int32_t leftover = 0;
	int32_t key = console_keys_decode_escape(read_next, &leftover);
	CHECK_EQ(leftover, CONSOLE_NO_KEY);
	return key;
}


struct sequence {
	const char	*text;
	int32_t		key;
};


static void
check_sequences(const struct sequence *sequences, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char text[24];
		/* A key after it, which must be left unread. */
		strcpy(text, sequences[i].text);
		strcat(text, "z");
		if (decode(text) != sequences[i].key)
			unit_fail(__FILE__, __LINE__, "ESC %s read as another key", sequences[i].text);
		if (read_next() != 'z')
			unit_fail(__FILE__, __LINE__, "ESC %s read too far or not to its end",
				sequences[i].text);
	}
}


TEST(an_xterms_a_vt100s_and_pc_ansis_control_sequences)
{
	static const struct sequence kSequences[] = {
		{ "[1~", CONSOLE_KEY_HOME }, { "[7~", CONSOLE_KEY_HOME },
		{ "[3~", CONSOLE_KEY_DELETE }, { "[4~", CONSOLE_KEY_END },
		{ "[8~", CONSOLE_KEY_END }, { "[5~", CONSOLE_KEY_PAGE_UP },
		{ "[6~", CONSOLE_KEY_PAGE_DOWN }, { "[05~", CONSOLE_KEY_PAGE_UP },
		{ "[A", CONSOLE_KEY_UP }, { "[B", CONSOLE_KEY_DOWN },
		{ "[C", CONSOLE_KEY_RIGHT }, { "[D", CONSOLE_KEY_LEFT },
		{ "[H", CONSOLE_KEY_HOME }, { "[F", CONSOLE_KEY_END },
		{ "[K", CONSOLE_KEY_END }, { "[X", CONSOLE_KEY_DELETE },
		{ "[P", CONSOLE_KEY_DELETE }, { "[I", CONSOLE_KEY_PAGE_UP },
		{ "[V", CONSOLE_KEY_PAGE_UP }, { "[G", CONSOLE_KEY_PAGE_DOWN },
		{ "[U", CONSOLE_KEY_PAGE_DOWN },
	};
	check_sequences(kSequences, sizeof(kSequences) / sizeof(kSequences[0]));
}


TEST(the_cursor_keys_and_keypad_in_application_mode)
{
	static const struct sequence kSequences[] = {
		{ "OA", CONSOLE_KEY_UP }, { "OB", CONSOLE_KEY_DOWN },
		{ "OC", CONSOLE_KEY_RIGHT }, { "OD", CONSOLE_KEY_LEFT },
		{ "OH", CONSOLE_KEY_HOME }, { "OF", CONSOLE_KEY_END },
		{ "OM", '\r' }, { "Op", '0' }, { "Ou", '5' }, { "Oy", '9' },
		{ "Oj", '*' }, { "Ok", '+' }, { "Om", '-' }, { "On", '.' }, { "Oo", '/' },
	};
	check_sequences(kSequences, sizeof(kSequences) / sizeof(kSequences[0]));
}


TEST(sequences_the_loader_has_no_use_for_are_read_to_their_end)
{
	static const struct sequence kIgnored[] = {
		/* F5, a letter no key has, Ctrl+Up, Shift+End, a device attribute. */
		{ "[15~", CONSOLE_NO_KEY }, { "[Z", CONSOLE_NO_KEY },
		{ "[1;5A", CONSOLE_NO_KEY }, { "[1;2F", CONSOLE_NO_KEY }, { "[>c", CONSOLE_NO_KEY },
		/* Numbers past any key's, one of them 2^32 + 1, which must not wrap to 1. */
		{ "[12345~", CONSOLE_NO_KEY }, { "[4294967297~", CONSOLE_NO_KEY },
		/* F1 to F4 (not VT100's Delete), Shift+F1, a number ended as ESC [ ends it. */
		{ "OP", CONSOLE_NO_KEY }, { "OS", CONSOLE_NO_KEY }, { "O2P", CONSOLE_NO_KEY },
		{ "O3~", CONSOLE_NO_KEY },
	};
	check_sequences(kIgnored, sizeof(kIgnored) / sizeof(kIgnored[0]));
}


TEST(an_escape_that_starts_no_sequence_leaves_the_next_key)
{
	int32_t leftover = 0;
	follow_with("");
	CHECK_EQ(console_keys_decode_escape(read_next, &leftover), CONSOLE_KEY_ESCAPE);
	CHECK_EQ(leftover, CONSOLE_NO_KEY);

	follow_with("q[A");
	CHECK_EQ(console_keys_decode_escape(read_next, &leftover), CONSOLE_KEY_ESCAPE);
	CHECK_EQ(leftover, 'q');
	CHECK_EQ(read_next(), '[');

	/* A key the firmware decoded itself, right after the Escape. */
	follow_with("");
	sKeys[sKeyCount++] = CONSOLE_KEY_UP;
	CHECK_EQ(console_keys_decode_escape(read_next, &leftover), CONSOLE_KEY_ESCAPE);
	CHECK_EQ(leftover, CONSOLE_KEY_UP);
}


TEST(sequences_cut_short_or_too_long_type_nothing)
{
	CHECK_EQ(decode("["), CONSOLE_NO_KEY);
	CHECK_EQ(decode("[1"), CONSOLE_NO_KEY);
	CHECK_EQ(decode("O"), CONSOLE_NO_KEY);
	/* A key the firmware decoded, where the sequence's next byte should be. */
	follow_with("[1");
	sKeys[sKeyCount++] = CONSOLE_KEY_DOWN;
	sKeys[sKeyCount++] = '~';
	int32_t leftover = 0;
	CHECK_EQ(console_keys_decode_escape(read_next, &leftover), CONSOLE_NO_KEY);
	CHECK_EQ(read_next(), '~');
	/* Sixteen bytes after "ESC [" are read at most: no key has more. */
	CHECK_EQ(decode("[1111111111111111~"), CONSOLE_NO_KEY);
	CHECK_EQ(read_next(), '~');
	CHECK_EQ(decode("[111111111111111~"), CONSOLE_NO_KEY);
	CHECK_EQ(read_next(), CONSOLE_NO_KEY);
}
