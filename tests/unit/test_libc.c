/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the boot libc, checked against the host's glibc.
 *
 * The boot sources are compiled into this file under boot_ names, so that
 * both implementations can be called side by side without clashing.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "unit_test.h"

#define memcpy		boot_memcpy
#define memmove		boot_memmove
#define memset		boot_memset
#define memcmp		boot_memcmp
#define memchr		boot_memchr
#define strlen		boot_strlen
#define strnlen		boot_strnlen
#define strcmp		boot_strcmp
#define strncmp		boot_strncmp
#define strcasecmp	boot_strcasecmp
#define strchr		boot_strchr
#define strrchr		boot_strrchr
#define vsnprintf	boot_vsnprintf
#define snprintf	boot_snprintf

#include "../../headers/libc/stdio.h"
#include "../../headers/libc/string.h"
#include "../../headers/libc/strings.h"
#include "../../src/system/boot/libc/string.c"
#include "../../src/system/boot/libc/vsnprintf.c"

#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strcasecmp
#undef strchr
#undef strrchr
#undef vsnprintf
#undef snprintf


#define FORMAT_BUFFER	512
#define SENTINEL		0x7e

/* the truncation points every format is also tried at */
static const size_t kSizes[] = { 0, 1, 2, 3, 5, 8, 13, 32, FORMAT_BUFFER };

static uint64_t sRandomState = 0x9e3779b97f4a7c15ull;


static uint64_t
random_next(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	sRandomState ^= sRandomState >> 12;
	sRandomState ^= sRandomState << 25;
	sRandomState ^= sRandomState >> 27;
	return sRandomState * 0x2545f4914f6cdd1dull;
}


static int
sign_of(int value)
{
	return (value > 0) - (value < 0);
}


static void check_format(int line, const char *format, ...)
	__attribute__((format(printf, 2, 3)));


/* Formats with both implementations at every size in kSizes and compares. */
static void
check_format(int line, const char *format, ...)
{
	char expected[FORMAT_BUFFER + 16];
	char actual[FORMAT_BUFFER + 16];

	for (size_t i = 0; i < sizeof(kSizes) / sizeof(kSizes[0]); i++) {
		size_t size = kSizes[i];
		memset(expected, SENTINEL, sizeof(expected));
		memset(actual, SENTINEL, sizeof(actual));

		va_list args;
		va_start(args, format);
		int expectedLength = vsnprintf(expected, size, format, args);
		va_end(args);
		va_start(args, format);
		int actualLength = boot_vsnprintf(actual, size, format, args);
		va_end(args);

		if (actualLength != expectedLength
			|| memcmp(actual, expected, sizeof(actual)) != 0) {
			actual[sizeof(actual) - 1] = '\0';
			expected[sizeof(expected) - 1] = '\0';
			unit_fail(__FILE__, line, "format \"%s\" size %zu: \"%s\" (%d), expected \"%s\" (%d)",
				format, size, size > 0 ? actual : "", actualLength,
				size > 0 ? expected : "", expectedLength);
		}
	}

	/* C99 allows a NULL buffer when the size is 0. */
	va_list args;
	va_start(args, format);
	int expectedLength = vsnprintf(NULL, 0, format, args);
	va_end(args);
	va_start(args, format);
	int actualLength = boot_vsnprintf(NULL, 0, format, args);
	va_end(args);
	if (actualLength != expectedLength)
		unit_fail(__FILE__, line, "format \"%s\" NULL buffer: %d, expected %d", format,
			actualLength, expectedLength);
}


#define CHECK_FORMAT(...) check_format(__LINE__, __VA_ARGS__)


TEST(format_plain_text)
{
	CHECK_FORMAT("%s", "");
	CHECK_FORMAT("plain text without directives");
	CHECK_FORMAT("100%% sure, %%%c%%", 'x');
	CHECK_FORMAT("%s|%s", "left", "right");
	CHECK_FORMAT("a rather long line that will certainly be cut at every small size we try");
}


/*
 * C defines what a flag that another one overrides does (nothing), but gcc
 * warns about such formats; they are tested on purpose.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"


TEST(format_signed)
{
	CHECK_FORMAT("%d %i", 0, 42);
	CHECK_FORMAT("%d", -1);
	CHECK_FORMAT("%d %d", INT_MAX, INT_MIN);
	CHECK_FORMAT("%5d|%-5d|%05d|%+d|% d|%+5d|%-+5d|% 05d", 42, 42, 42, 42, 42, 42, 42, 42);
	CHECK_FORMAT("%5d|%-5d|%05d|%+d|% d|%+05d|%- 6d|% +d", -42, -42, -42, -42, -42, -42,
		-42, -42);
	CHECK_FORMAT("%.3d|%.0d|%.0d|%5.0d|%-5.0d|%+.0d|% .0d", 7, 0, 1, 0, 0, 0, 0);
	CHECK_FORMAT("%08.3d|%-8.3d|%8.3d|%08.3d", 7, -7, -7, 12345);
	CHECK_FORMAT("%.10d|%012d|%-12d|%012.5d", INT_MIN, INT_MIN, INT_MIN, INT_MIN);
	CHECK_FORMAT("%hhd %hhd %hhd %hhd", 127, 128, 255, -129);
	CHECK_FORMAT("%hd %hd %hd", 32767, 32768, -32769);
	CHECK_FORMAT("%ld %ld", LONG_MAX, LONG_MIN);
	CHECK_FORMAT("%lld %lld %lli", LLONG_MAX, LLONG_MIN, -1ll);
	CHECK_FORMAT("%" PRId64 " %" PRIi64, INT64_MIN, INT64_MAX);
	CHECK_FORMAT("%jd %jd", INTMAX_MIN, INTMAX_MAX);
	CHECK_FORMAT("%td %td", PTRDIFF_MIN, (ptrdiff_t)-5);
	CHECK_FORMAT("%zd %zd", (ptrdiff_t)-1, (ptrdiff_t)SIZE_MAX / 2);
	CHECK_FORMAT("%30lld|%-30lld|%030lld", LLONG_MIN, LLONG_MIN, LLONG_MIN);
}


TEST(format_unsigned)
{
	CHECK_FORMAT("%u %u %u", 0u, 1u, UINT_MAX);
	CHECK_FORMAT("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0777u);
	CHECK_FORMAT("%#x|%#X|%#o|%#x|%#o|%#.0x|%#.0o", 255u, 255u, 8u, 0u, 0u, 0u, 0u);
	CHECK_FORMAT("%#10x|%#-10x|%#010x|%#.6x|%#10.6x", 0xabcu, 0xabcu, 0xabcu, 0xabcu, 0xabcu);
	CHECK_FORMAT("%#5o|%#.5o|%#.1o|%#o", 8u, 8u, 8u, 01234u);
	CHECK_FORMAT("%hhu %hhu %hhx %hho", 255u, 256u, 0x1ffu, 511u);
	CHECK_FORMAT("%hu %hx %hX", 65535u, 65536u, 0xfffffu);
	CHECK_FORMAT("%lu %lx %lo", ULONG_MAX, ULONG_MAX, ULONG_MAX);
	CHECK_FORMAT("%llu %llx %llX %llo", ULLONG_MAX, 0x0123456789abcdefull,
		0xfedcba9876543210ull, ULLONG_MAX);
	CHECK_FORMAT("%zu %zx %zu", SIZE_MAX, (size_t)0x1000, (size_t)0);
	CHECK_FORMAT("%ju %jx", UINTMAX_MAX, (uintmax_t)1 << 63);
	CHECK_FORMAT("%tu %tx", (ptrdiff_t)-1, (ptrdiff_t)4096);
	CHECK_FORMAT("%" PRIu64 " %" PRIx64 " %016" PRIx64, UINT64_MAX, (uint64_t)0xff,
		(uint64_t)0xff);
	CHECK_FORMAT("%.0u|%.0x|%5.0u|%.3u|%08.3u|%-8.3x|", 0u, 0u, 0u, 5u, 5u, 5u);
}


#pragma GCC diagnostic pop


TEST(format_star_width_precision)
{
	CHECK_FORMAT("%*d|%-*d|%*d", 6, 42, 6, 42, -6, 42);
	CHECK_FORMAT("%.*d|%.*d|%.*d", 4, 42, 0, 0, -3, 0);
	CHECK_FORMAT("%*.*d|%*.*x|%-*.*u", 8, 4, -42, -8, 3, 0xfu, 2, 5, 1u);
	CHECK_FORMAT("%*s|%-*s|%*s", 8, "ab", 8, "ab", -8, "ab");
	CHECK_FORMAT("%.*s|%.*s|%.*s", 2, "abcdef", 0, "abcdef", -1, "abcdef");
	CHECK_FORMAT("%*c|%-*c|", 3, 'z', 3, 'z');
	CHECK_FORMAT("%0*d|%0*d", 7, -12, -7, -12);
	CHECK_FORMAT("%*d", 400, 1);
}


TEST(format_strings_and_chars)
{
	CHECK_FORMAT("%s|%10s|%-10s|%.3s|%-8s|%8.2s|%-8.2s|", "hello", "hello", "hello",
		"hello", "hi", "hello", "hello");
	CHECK_FORMAT("%.3s|%.10s|%.0s|", "ab", "ab", "ab");
	CHECK_FORMAT("%c%c%c|%3c|%-3c|", 'a', 'b', 'c', 'd', 'e');
	CHECK_FORMAT("%c", 0x141);
	CHECK_FORMAT("[%c]", '\0');
	CHECK_FORMAT("%s", "\xff\x80 high bytes");

	/* precision bounds the read: the array below has no terminator */
	static const char kUnterminated[4] = { 'w', 'x', 'y', 'z' };
	CHECK_FORMAT("%.4s|%.2s", kUnterminated, kUnterminated);
}


TEST(format_pointers)
{
	int object;
	CHECK_FORMAT("%p", (void *)&object);
	CHECK_FORMAT("%p|%20p|%-20p|", (void *)0x1234, (void *)0x1234, (void *)0x1234);
	CHECK_FORMAT("%p|%10p|%-10p|", NULL, NULL, NULL);
	CHECK_FORMAT("%p", (void *)UINTPTR_MAX);
}


TEST(format_truncation_and_length)
{
	char buffer[8];

	/* C99: the would-be length is returned, the output is always terminated */
	memset(buffer, SENTINEL, sizeof(buffer));
	CHECK_EQ(boot_snprintf(buffer, sizeof(buffer), "%s", "0123456789"), 10);
	CHECK(strcmp(buffer, "0123456") == 0);

	memset(buffer, SENTINEL, sizeof(buffer));
	CHECK_EQ(boot_snprintf(buffer, 1, "%d", 12345), 5);
	CHECK_EQ(buffer[0], '\0');
	CHECK_EQ((uint8_t)buffer[1], SENTINEL);

	memset(buffer, SENTINEL, sizeof(buffer));
	CHECK_EQ(boot_snprintf(buffer, 0, "%d", 12345), 5);
	CHECK_EQ((uint8_t)buffer[0], SENTINEL);

	CHECK_EQ(boot_snprintf(NULL, 0, "%300d", 1), 300);
	CHECK_FORMAT("%300d|%-300s|", 1, "x");
}


/* What glibc does not define the same way: checked against our contract. */
TEST(format_boot_specific)
{
	char buffer[64];
	const char *format;

	/* gcc would reject these at compile time, so they are not literals */
	const char *volatile nullString = NULL;
	CHECK_EQ(boot_snprintf(buffer, sizeof(buffer), "%s", nullString), 6);
	CHECK(strcmp(buffer, "(null)") == 0);

	format = "a%yb%";
	CHECK_EQ(boot_snprintf(buffer, sizeof(buffer), format, 0), 5);
	CHECK(strcmp(buffer, "a%yb%") == 0);

	format = "%5k|%-#lw";
	CHECK_EQ(boot_snprintf(buffer, sizeof(buffer), format, 0), 9);
	CHECK(strcmp(buffer, "%5k|%-#lw") == 0);

	/* no %n: nothing may be written through the argument */
	int target = 17;
	format = "ab%n";
	CHECK_EQ(boot_snprintf(buffer, sizeof(buffer), format, &target), 4);
	CHECK_EQ(target, 17);
}


/* One random directive, with arguments of the type its length asks for. */
static void
check_random_directive(void)
{
	static const char *const kLengths[] = { "", "hh", "h", "l", "ll", "z", "j", "t" };
	static const char *const kStrings[] = { "", "a", "boot", "a longer string here" };
	static const char kConversions[] = "diuxXocsp";
	static const int64_t kInteresting[] = { 0, 1, -1, 7, -7, 127, 128, 255, 256, 32767,
		-32768, 65535, INT32_MAX, INT32_MIN, UINT32_MAX, INT64_MAX, INT64_MIN };

	char conversion = kConversions[random_next() % (sizeof(kConversions) - 1)];
	bool integer = strchr("diuxXo", conversion) != NULL;
	const char *flagSet = "-";
	if (conversion == 'd' || conversion == 'i')
		flagSet = "-0+ ";
	else if (conversion == 'u')
		flagSet = "-0";
	else if (integer)
		flagSet = "-0#";

	char format[64];
	size_t length = 0;
	format[length++] = '%';
	for (const char *flag = flagSet; *flag != '\0'; flag++) {
		if (random_next() % 3 == 0)
			format[length++] = *flag;
	}

	/* width: none, literal or '*'; precision: none, literal or '.*' */
	int widthKind = (int)(random_next() % 3);
	int precisionKind = conversion == 'c' || conversion == 'p' ? 0 : (int)(random_next() % 3);
	int width = (int)(random_next() % 41) - 20;
	int precision = (int)(random_next() % 31) - 5;
	if (widthKind == 1)
		length += (size_t)sprintf(format + length, "%d", abs(width));
	else if (widthKind == 2)
		format[length++] = '*';
	if (precisionKind == 1)
		length += (size_t)sprintf(format + length, ".%d", abs(precision));
	else if (precisionKind == 2)
		length += (size_t)sprintf(format + length, ".*");

	const char *lengthModifier = integer ? kLengths[random_next() % 8] : "";
	length += (size_t)sprintf(format + length, "%s%c", lengthModifier, conversion);
	format[length] = '\0';

	uint64_t bits = random_next();
	int64_t value = random_next() % 2 == 0
		? kInteresting[random_next() % (sizeof(kInteresting) / sizeof(kInteresting[0]))]
		: (int64_t)(bits >> (random_next() % 64));

	bool star = widthKind == 2;
	bool dotStar = precisionKind == 2;

#define CALL_WITH(argument) \
	do { \
		if (star && dotStar) \
			check_format(__LINE__, format, width, precision, argument); \
		else if (star) \
			check_format(__LINE__, format, width, argument); \
		else if (dotStar) \
			check_format(__LINE__, format, precision, argument); \
		else \
			check_format(__LINE__, format, argument); \
	} while (0)

	bool isSigned = conversion == 'd' || conversion == 'i';
	if (conversion == 'c') {
		CALL_WITH((int)(value & 0x7f) | 0x20);
	} else if (conversion == 's') {
		CALL_WITH(kStrings[bits % 4]);
	} else if (conversion == 'p') {
		CALL_WITH((void *)(uintptr_t)value);
	} else if (lengthModifier[0] == '\0' || lengthModifier[0] == 'h') {
		if (isSigned)
			CALL_WITH((int)value);
		else
			CALL_WITH((unsigned int)value);
	} else if (strcmp(lengthModifier, "l") == 0) {
		if (isSigned)
			CALL_WITH((long)value);
		else
			CALL_WITH((unsigned long)value);
	} else if (strcmp(lengthModifier, "ll") == 0) {
		if (isSigned)
			CALL_WITH((long long)value);
		else
			CALL_WITH((unsigned long long)value);
	} else if (strcmp(lengthModifier, "z") == 0) {
		if (isSigned)
			CALL_WITH((ptrdiff_t)value);
		else
			CALL_WITH((size_t)value);
	} else if (strcmp(lengthModifier, "j") == 0) {
		if (isSigned)
			CALL_WITH((intmax_t)value);
		else
			CALL_WITH((uintmax_t)value);
	} else {
		if (isSigned)
			CALL_WITH((ptrdiff_t)value);
		else
			CALL_WITH((size_t)value);
	}
#undef CALL_WITH
}


TEST(format_random_directives)
{
	for (int i = 0; i < 40000; i++)
		check_random_directive();
}


TEST(string_memcpy_memset)
{
	uint8_t source[300];
	uint8_t expected[300];
	uint8_t actual[300];
	for (size_t i = 0; i < sizeof(source); i++)
		source[i] = (uint8_t)(i * 7 + 3);

	for (size_t destOffset = 0; destOffset < 16; destOffset++) {
		for (size_t sourceOffset = 0; sourceOffset < 16; sourceOffset++) {
			for (size_t length = 0; length < 260; length += length < 40 ? 1 : 37) {
				memset(expected, 0xaa, sizeof(expected));
				memset(actual, 0xaa, sizeof(actual));
				memcpy(expected + destOffset, source + sourceOffset, length);
				CHECK(boot_memcpy(actual + destOffset, source + sourceOffset, length)
					== actual + destOffset);
				CHECK(memcmp(actual, expected, sizeof(actual)) == 0);

				int value = (int)(destOffset * 16 + sourceOffset) - 100;
				memset(expected + destOffset, value, length);
				CHECK(boot_memset(actual + destOffset, value, length) == actual + destOffset);
				CHECK(memcmp(actual, expected, sizeof(actual)) == 0);
			}
		}
	}
}


TEST(string_memmove_overlapping)
{
	uint8_t expected[200];
	uint8_t actual[200];

	for (size_t from = 0; from < 24; from++) {
		for (size_t to = 0; to < 24; to++) {
			for (size_t length = 0; length < 170; length += length < 40 ? 1 : 41) {
				for (size_t i = 0; i < sizeof(expected); i++)
					expected[i] = actual[i] = (uint8_t)(i ^ 0x5a);
				memmove(expected + to, expected + from, length);
				CHECK(boot_memmove(actual + to, actual + from, length) == actual + to);
				CHECK(memcmp(actual, expected, sizeof(actual)) == 0);
			}
		}
	}
}


/*
 * Every size from 0 to 200 and a few large ones, from every alignment of a
 * word: the byte loops, the word loops and the architecture's wide copy and
 * fill (from ARCH_STRING_BULK_BYTES on) each get their share, and nothing
 * around the destination may change.
 */
static const size_t kWideSizes[] = { 255, 256, 257, 1000, 4096, 4099, 65536 + 13 };

static void
check_copy_and_fill(uint8_t *source, uint8_t *expected, uint8_t *actual, size_t room,
	size_t destOffset, size_t sourceOffset, size_t length)
{
	memset(expected, 0xaa, room);
	memset(actual, 0xaa, room);
	memcpy(expected + destOffset, source + sourceOffset, length);
	CHECK(boot_memcpy(actual + destOffset, source + sourceOffset, length)
		== actual + destOffset);
	CHECK(memcmp(actual, expected, room) == 0);

	int value = 0x100 + (int)(destOffset * 8 + length);
	memset(expected + destOffset, value, length);
	CHECK(boot_memset(actual + destOffset, value, length) == actual + destOffset);
	CHECK(memcmp(actual, expected, room) == 0);
}


TEST(string_every_size_and_alignment)
{
	const size_t room = 65536 + 64;
	uint8_t *source = malloc(room);
	uint8_t *expected = malloc(room);
	uint8_t *actual = malloc(room);
	CHECK(source != NULL && expected != NULL && actual != NULL);
	for (size_t i = 0; i < room; i++)
		source[i] = (uint8_t)(i * 13 + (i >> 8));

	for (size_t destOffset = 0; destOffset < 9; destOffset++) {
		for (size_t sourceOffset = 0; sourceOffset < 9; sourceOffset++) {
			for (size_t length = 0; length <= 200; length++) {
				check_copy_and_fill(source, expected, actual, 256, destOffset,
					sourceOffset, length);
			}
			for (size_t i = 0; i < sizeof(kWideSizes) / sizeof(kWideSizes[0]); i++) {
				check_copy_and_fill(source, expected, actual, room, destOffset,
					sourceOffset, kWideSizes[i]);
			}
		}
	}
	free(source);
	free(expected);
	free(actual);
}


/* Overlap in both directions, by less than a word and by more, up to wide sizes. */
TEST(string_memmove_overlapping_wide)
{
	const size_t room = 8192;
	uint8_t *expected = malloc(room);
	uint8_t *actual = malloc(room);
	CHECK(expected != NULL && actual != NULL);
	static const size_t kShifts[] = { 0, 1, 3, 7, 8, 9, 15, 64, 127, 128, 1000 };
	static const size_t kLengths[] = { 0, 1, 7, 8, 16, 127, 128, 129, 200, 1024, 4000 };

	for (size_t base = 0; base < 9; base++) {
		for (size_t s = 0; s < sizeof(kShifts) / sizeof(kShifts[0]); s++) {
			for (size_t l = 0; l < sizeof(kLengths) / sizeof(kLengths[0]); l++) {
				for (int down = 0; down < 2; down++) {
					size_t from = base + (down ? kShifts[s] : 0);
					size_t to = base + (down ? 0 : kShifts[s]);
					for (size_t i = 0; i < room; i++)
						expected[i] = actual[i] = (uint8_t)(i ^ (i >> 7) ^ 0x5a);
					memmove(expected + to, expected + from, kLengths[l]);
					CHECK(boot_memmove(actual + to, actual + from, kLengths[l])
						== actual + to);
					CHECK(memcmp(actual, expected, room) == 0);
				}
			}
		}
	}
	free(expected);
	free(actual);
}


TEST(string_memcmp_memchr)
{
	uint8_t a[64];
	uint8_t b[64];
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (uint8_t)(i * 13);

	CHECK_EQ(boot_memcmp(a, b, sizeof(a)), 0);
	CHECK_EQ(boot_memcmp(a, b, 0), 0);
	for (size_t i = 0; i < sizeof(a); i++) {
		static const uint8_t kValues[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
		for (size_t v = 0; v < sizeof(kValues); v++) {
			uint8_t saved = b[i];
			b[i] = kValues[v];
			CHECK_EQ(sign_of(boot_memcmp(a, b, sizeof(a))), sign_of(memcmp(a, b, sizeof(a))));
			CHECK_EQ(sign_of(boot_memcmp(b, a, sizeof(a))), sign_of(memcmp(b, a, sizeof(a))));
			CHECK_EQ(boot_memcmp(a, b, i), 0);
			b[i] = saved;
		}
	}

	for (int value = -1; value < 300; value += 7) {
		for (size_t length = 0; length <= sizeof(a); length += 5) {
			CHECK(boot_memchr(a, value, length) == memchr(a, value, length));
		}
	}
	/* only the low byte of value counts */
	CHECK(boot_memchr(a, 13 + 0x100, sizeof(a)) == a + 1);
}


TEST(string_lengths_and_compares)
{
	static const char *const kStrings[] = { "", "a", "b", "ab", "abc", "abd", "abcd",
		"\x80", "\xff", "a\x80", "a\x7f", "boot loader", "boot", "BOOT", "Boot", "BOOTX",
		"@", "[", "`", "{", "Z", "z", "\xc4", "\xe4" };
	const size_t count = sizeof(kStrings) / sizeof(kStrings[0]);

	for (size_t i = 0; i < count; i++) {
		const char *a = kStrings[i];
		CHECK_EQ(boot_strlen(a), strlen(a));
		for (size_t max = 0; max < 14; max++)
			CHECK_EQ(boot_strnlen(a, max), strnlen(a, max));

		for (size_t j = 0; j < count; j++) {
			const char *b = kStrings[j];
			CHECK_EQ(sign_of(boot_strcmp(a, b)), sign_of(strcmp(a, b)));
			for (size_t n = 0; n < 14; n++)
				CHECK_EQ(sign_of(boot_strncmp(a, b, n)), sign_of(strncmp(a, b, n)));
			CHECK_EQ(sign_of(boot_strcasecmp(a, b)), sign_of(strcasecmp(a, b)));
		}
	}

	/* strnlen must not read past max: no terminator here */
	static const char kUnterminated[3] = { 'x', 'y', 'z' };
	CHECK_EQ(boot_strnlen(kUnterminated, sizeof(kUnterminated)), 3);
}


TEST(string_strchr_strrchr)
{
	static const char *const kStrings[] = { "", "a", "abcabc", "hello, world", "\xff\x80\xff" };
	static const int kCharacters[] = { 0, 'a', 'b', 'c', 'l', 'o', 'z', ',', 0xff, -1, 0x80,
		0x161 };

	for (size_t i = 0; i < sizeof(kStrings) / sizeof(kStrings[0]); i++) {
		for (size_t j = 0; j < sizeof(kCharacters) / sizeof(kCharacters[0]); j++) {
			const char *string = kStrings[i];
			int c = kCharacters[j];
			CHECK(boot_strchr(string, c) == strchr(string, c));
			CHECK(boot_strrchr(string, c) == strrchr(string, c));
		}
	}
}
