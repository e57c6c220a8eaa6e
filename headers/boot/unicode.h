/*
 * Text conversion for names stored on disk as UTF-16 (GPT, FAT long names).
 */
#ifndef BOOT_UNICODE_H
#define BOOT_UNICODE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Convert up to units UTF-16LE code units (stopping at a 0 unit) to UTF-8 in
 * buffer, always NUL-terminated when size > 0. Unpaired surrogates become
 * U+FFFD. A character that does not fit is dropped with everything after it.
 * Returns the length of the result without the NUL.
 */
size_t unicode_utf16le_to_utf8(const uint8_t *utf16, size_t units, char *buffer,
	size_t size);

#endif
