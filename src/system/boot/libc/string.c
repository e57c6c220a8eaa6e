/* SPDX-License-Identifier: MIT */
/*
 * The freestanding <string.h> functions boot code and the boot-check kernel use.
 */
#include <string.h>
#include <strings.h>

#include <stdint.h>


/*
 * Even with -ffreestanding -fno-builtin, gcc's loop distribution turns copy
 * and fill loops into calls to memcpy/memset/memmove; inside those very
 * functions that would be infinite recursion, so the pass is off here.
 */
#define NO_LIBCALLS	__attribute__((optimize("no-tree-loop-distribute-patterns")))

/*
 * Word accesses for the bulk of a copy or fill. may_alias because the
 * memory has some other type; aligned(1) because only the destination is
 * word aligned, and x86 loads misaligned words at full speed.
 */
typedef uintptr_t __attribute__((may_alias, aligned(1))) unaligned_word;
typedef uintptr_t __attribute__((may_alias)) aligned_word;

#define WORD_SIZE	sizeof(uintptr_t)

/*
 * An architecture with wide copy and fill instructions provides them in
 * <arch_string.h> (headers/arch/<arch>/); the word loops below serve the rest
 * and every block shorter than ARCH_STRING_BULK_BYTES.
 */
#if __has_include(<arch_string.h>)
#	include <arch_string.h>
#	define HAVE_ARCH_STRING	1
#else
#	define HAVE_ARCH_STRING	0
#	define ARCH_STRING_BULK_BYTES	SIZE_MAX
#endif


/* Copy whole words upwards to a word-aligned destination. */
static inline __attribute__((always_inline)) NO_LIBCALLS void
copy_words_forward(uint8_t *to, const uint8_t *from, size_t words)
{
#if HAVE_ARCH_STRING
	if (words * WORD_SIZE >= ARCH_STRING_BULK_BYTES) {
		arch_copy_words_forward(to, from, words);
		return;
	}
#endif
	for (size_t i = 0; i < words; i++) {
		*(aligned_word *)to = *(const unaligned_word *)from;
		to += WORD_SIZE;
		from += WORD_SIZE;
	}
}


static inline __attribute__((always_inline)) NO_LIBCALLS void
fill_words(uint8_t *to, uintptr_t word, size_t words)
{
#if HAVE_ARCH_STRING
	if (words * WORD_SIZE >= ARCH_STRING_BULK_BYTES) {
		arch_fill_words(to, word, words);
		return;
	}
#endif
	for (size_t i = 0; i < words; i++) {
		*(aligned_word *)to = word;
		to += WORD_SIZE;
	}
}


/*
 * Also serves memmove when the destination starts below the source: every
 * word is read before anything at or above it is written.
 */
static inline __attribute__((always_inline)) NO_LIBCALLS void
copy_forward(uint8_t *to, const uint8_t *from, size_t length)
{
	if (length >= 2 * WORD_SIZE) {
		while (((uintptr_t)to & (WORD_SIZE - 1)) != 0) {
			*to++ = *from++;
			length--;
		}
		size_t words = length / WORD_SIZE;
		copy_words_forward(to, from, words);
		to += words * WORD_SIZE;
		from += words * WORD_SIZE;
		length -= words * WORD_SIZE;
	}
	while (length-- > 0)
		*to++ = *from++;
}


NO_LIBCALLS void *
memcpy(void *dest, const void *source, size_t length)
{
	copy_forward(dest, source, length);
	return dest;
}


NO_LIBCALLS void *
memmove(void *dest, const void *source, size_t length)
{
	uint8_t *to = dest;
	const uint8_t *from = source;

	if ((uintptr_t)to <= (uintptr_t)from || (uintptr_t)to >= (uintptr_t)from + length) {
		copy_forward(to, from, length);
		return dest;
	}

	to += length;
	from += length;
	if (length >= 2 * WORD_SIZE) {
		while (((uintptr_t)to & (WORD_SIZE - 1)) != 0) {
			*--to = *--from;
			length--;
		}
		while (length >= WORD_SIZE) {
			to -= WORD_SIZE;
			from -= WORD_SIZE;
			*(aligned_word *)to = *(const unaligned_word *)from;
			length -= WORD_SIZE;
		}
	}
	while (length-- > 0)
		*--to = *--from;
	return dest;
}


NO_LIBCALLS void *
memset(void *dest, int value, size_t length)
{
	uint8_t *to = dest;
	uint8_t byte = (uint8_t)value;

	if (length >= 2 * WORD_SIZE) {
		uintptr_t word = (uintptr_t)-1 / 0xff * byte;
		while (((uintptr_t)to & (WORD_SIZE - 1)) != 0) {
			*to++ = byte;
			length--;
		}
		size_t words = length / WORD_SIZE;
		fill_words(to, word, words);
		to += words * WORD_SIZE;
		length -= words * WORD_SIZE;
	}
	while (length-- > 0)
		*to++ = byte;
	return dest;
}


NO_LIBCALLS int
memcmp(const void *a, const void *b, size_t length)
{
	const uint8_t *left = a;
	const uint8_t *right = b;

	for (size_t i = 0; i < length; i++) {
		if (left[i] != right[i])
			return left[i] < right[i] ? -1 : 1;
	}
	return 0;
}


NO_LIBCALLS void *
memchr(const void *buffer, int value, size_t length)
{
	const uint8_t *bytes = buffer;
	uint8_t byte = (uint8_t)value;

	for (size_t i = 0; i < length; i++) {
		if (bytes[i] == byte)
			return (void *)(bytes + i);
	}
	return NULL;
}


NO_LIBCALLS size_t
strlen(const char *string)
{
	const char *end = string;
	while (*end != '\0')
		end++;
	return (size_t)(end - string);
}


NO_LIBCALLS size_t
strnlen(const char *string, size_t max)
{
	size_t length = 0;
	while (length < max && string[length] != '\0')
		length++;
	return length;
}


NO_LIBCALLS int
strcmp(const char *a, const char *b)
{
	const unsigned char *left = (const unsigned char *)a;
	const unsigned char *right = (const unsigned char *)b;

	while (*left != '\0' && *left == *right) {
		left++;
		right++;
	}
	if (*left == *right)
		return 0;
	return *left < *right ? -1 : 1;
}


NO_LIBCALLS static int
string_fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}


int
strcasecmp(const char *a, const char *b)
{
	const unsigned char *left = (const unsigned char *)a;
	const unsigned char *right = (const unsigned char *)b;

	for (;; left++, right++) {
		int x = string_fold(*left);
		int y = string_fold(*right);
		if (x != y)
			return x < y ? -1 : 1;
		if (x == '\0')
			return 0;
	}
}


int
strncmp(const char *a, const char *b, size_t length)
{
	const unsigned char *left = (const unsigned char *)a;
	const unsigned char *right = (const unsigned char *)b;

	for (size_t i = 0; i < length; i++) {
		if (left[i] != right[i])
			return left[i] < right[i] ? -1 : 1;
		if (left[i] == '\0')
			break;
	}
	return 0;
}


NO_LIBCALLS char *
strchr(const char *string, int character)
{
	char wanted = (char)character;

	/* The terminator itself can be searched for, as in C. */
	for (;; string++) {
		if (*string == wanted)
			return (char *)string;
		if (*string == '\0')
			return NULL;
	}
}


NO_LIBCALLS char *
strrchr(const char *string, int character)
{
	char wanted = (char)character;
	const char *found = NULL;

	for (;; string++) {
		if (*string == wanted)
			found = string;
		if (*string == '\0')
			return (char *)found;
	}
}
