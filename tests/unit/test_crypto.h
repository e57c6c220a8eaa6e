/* SPDX-License-Identifier: MIT */
/*
 * What the SHA-2 and Ed25519 tests share: test vectors are written in hex,
 * as the standards print them.
 */
#ifndef TEST_CRYPTO_H
#define TEST_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit_test.h"


static inline int
test_hex_digit(char digit)
{
	if (digit >= '0' && digit <= '9')
		return digit - '0';
	if (digit >= 'a' && digit <= 'f')
		return digit - 'a' + 10;
	return -1;
}


/* Decodes hex into exactly size bytes; a malformed vector fails the test. */
static inline void
test_hex(uint8_t *bytes, size_t size, const char *hex)
{
	CHECK(strlen(hex) == 2 * size);
	for (size_t i = 0; i < size; i++) {
		int high = test_hex_digit(hex[2 * i]);
		int low = test_hex_digit(hex[2 * i + 1]);
		CHECK(high >= 0 && low >= 0);
		bytes[i] = (uint8_t)(high << 4 | low);
	}
}

#endif
