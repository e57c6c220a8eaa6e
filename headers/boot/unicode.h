/* SPDX-License-Identifier: MIT */
/*
 * Unicode text the loader reads and writes: the one strict UTF-8 decoder
 * every reader of UTF-8 uses, its encoder, and the conversion of names stored
 * on disk as UTF-16 (GPT, FAT long names).
 */
#ifndef BOOT_UNICODE_H
#define BOOT_UNICODE_H

#include <stddef.h>
#include <stdint.h>

/* What stands in for text that cannot be decoded (or, in UCS-2, shown). */
#define UNICODE_REPLACEMENT_CHARACTER	0xfffd

enum unicode_utf8_result {
	UNICODE_UTF8_VALID,
	UNICODE_UTF8_ILL_FORMED,
	/* A well-formed start that runs out of bytes: a stream may read on. */
	UNICODE_UTF8_TRUNCATED,
};

/*
 * Decode the UTF-8 sequence at text, of which available (at least 1) bytes
 * may be read. Strict, as RFC 3629 and Unicode's table of well-formed
 * sequences have it: overlong forms, surrogates (U+D800-U+DFFF), anything
 * above U+10FFFF, continuation bytes where a sequence should start and
 * sequences cut short are not UTF-8.
 * VALID: *_codePoint is the character and *_length its bytes (1 to 4).
 * Otherwise *_codePoint is UNICODE_REPLACEMENT_CHARACTER and *_length the
 * bytes one replacement character stands for: the lead byte and the
 * continuation bytes that fit it (Unicode's "maximal subpart"), at least 1,
 * so that a bad byte never swallows a good character after it.
 */
enum unicode_utf8_result unicode_utf8_decode(const uint8_t *text, size_t available,
	uint32_t *_codePoint, size_t *_length);

/*
 * Write the UTF-8 form of codePoint (U+0000 to U+10FFFF, not a surrogate) to
 * bytes; returns its length, 1 to 4.
 */
size_t unicode_utf8_encode(uint32_t codePoint, char bytes[4]);

/*
 * The length of the longest prefix of the NUL-terminated text that has at
 * most limit bytes and does not end inside a UTF-8 sequence: where to cut a
 * name or a path for a field or a message, so that no half character is
 * left at the end. The whole length when text is shorter.
 */
size_t unicode_utf8_prefix_length(const char *text, size_t limit);

/*
 * Convert up to units UTF-16LE code units (stopping at a 0 unit) to UTF-8 in
 * buffer, always NUL-terminated when size > 0. Unpaired surrogates become
 * U+FFFD. A character that does not fit is dropped with everything after it.
 * Returns the length of the result without the NUL.
 */
size_t unicode_utf16le_to_utf8(const uint8_t *utf16, size_t units, char *buffer,
	size_t size);

/*
 * The length without a NUL of the whole UTF-8 unicode_utf16le_to_utf8()
 * makes of the same units, given room: whether a buffer is large enough.
 */
size_t unicode_utf16le_utf8_length(const uint8_t *utf16, size_t units);

#endif
