/* SPDX-License-Identifier: MIT */
/*
 * Version strings compared the way the Boot Loader Specification sorts its
 * entries: by the UAPI Version Format Specification, "Version Comparison".
 */
#include <boot/config.h>

#include <stdbool.h>
#include <string.h>


static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}


static bool
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


/*
 * Everything else separates components and has no weight of its own: "1_2"
 * is "1.2" without the dot. Bytes of UTF-8 characters are all >= 0x80, so
 * skipping bytes skips whole characters, letters and digits of other
 * scripts too, as the specification asks.
 */
static const char *
skip_separators(const char *text)
{
	while (*text != '\0' && !is_digit(*text) && !is_letter(*text) && *text != '~'
		&& *text != '-' && *text != '^' && *text != '.') {
		text++;
	}
	return text;
}


/*
 * The digit runs at *_a and *_b as numbers, of any length: leading zeros do
 * not count, a longer run is the bigger number, and an empty run is 0.
 * Moves both past their runs.
 */
static int
compare_numbers(const char **_a, const char **_b)
{
	const char *a = *_a;
	const char *b = *_b;
	while (*a == '0')
		a++;
	while (*b == '0')
		b++;
	size_t aLength = 0;
	size_t bLength = 0;
	while (is_digit(a[aLength]))
		aLength++;
	while (is_digit(b[bLength]))
		bLength++;
	*_a = a + aLength;
	*_b = b + bLength;
	if (aLength != bLength)
		return aLength < bLength ? -1 : 1;
	int result = memcmp(a, b, aLength);
	return result < 0 ? -1 : result > 0 ? 1 : 0;
}


/*
 * The letter runs at *_a and *_b, letter by letter in ASCII order, which puts
 * every capital before every small letter; a run that goes on where the other
 * has ended is the newer. Moves both past their runs.
 */
static int
compare_letters(const char **_a, const char **_b)
{
	const char *a = *_a;
	const char *b = *_b;
	while (is_letter(*a) && is_letter(*b)) {
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	if (is_letter(*a) != is_letter(*b))
		return is_letter(*a) ? 1 : -1;
	*_a = a;
	*_b = b;
	return 0;
}


/*
 * One of the marks that order a version by where they stand: when only one
 * string has it here, that string is the older. Both having it, both step on.
 */
static int
compare_mark(const char **_a, const char **_b, char mark)
{
	bool a = **_a == mark;
	bool b = **_b == mark;
	if (a != b)
		return a ? -1 : 1;
	if (a) {
		(*_a)++;
		(*_b)++;
	}
	return 0;
}


/*
 * The specification's steps in its order, repeated until the strings differ
 * or end. A tilde (a pre-release, "6.1~rc3") comes before everything, the end
 * of the string included; then the shorter string is the older. A minus, a
 * caret and a dot each lose against what is not them, tried in that order,
 * so "6.1-2" < "6.1^git1" < "6.1.1" < "6.1a", and all of them are newer than
 * "6.1". Digit runs compare as numbers, letter runs as words; where only one
 * string has digits, the other's empty run counts as 0, so "6.a" > "6.0".
 *
 * Drafts of the text differ here: some look for the end of a string before
 * the tilde (making "6.1~rc3" newer than "6.1") or let a caret win against a
 * dot. This follows release 1.0, whose own examples ("" > "~", "0" > "~",
 * "123^post1" < "123.a-1") agree with it and with rpm's tilde.
 */
int
config_compare_versions(const char *a, const char *b)
{
	static const char kMarks[] = { '-', '^', '.' };
	for (;;) {
		a = skip_separators(a);
		b = skip_separators(b);
		int result = compare_mark(&a, &b, '~');
		if (result != 0)
			return result;
		if (*a == '\0' || *b == '\0')
			return *a != '\0' ? 1 : *b != '\0' ? -1 : 0;
		for (size_t i = 0; i < sizeof(kMarks); i++) {
			result = compare_mark(&a, &b, kMarks[i]);
			if (result != 0)
				return result;
		}
		if (is_digit(*a) || is_digit(*b))
			result = compare_numbers(&a, &b);
		else
			result = compare_letters(&a, &b);
		if (result != 0)
			return result;
	}
}
