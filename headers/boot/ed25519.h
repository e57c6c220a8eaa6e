/* SPDX-License-Identifier: MIT */
/*
 * Ed25519 signature verification (RFC 8032 5.1.7), without allocation: the
 * check of a signed boot manifest. The loader only verifies; it never signs.
 */
#ifndef BOOT_ED25519_H
#define BOOT_ED25519_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ED25519_SIGNATURE_SIZE	64
#define ED25519_PUBLIC_KEY_SIZE	32

/*
 * Whether signature (R then S, 32 bytes each) is publicKey's signature of
 * the length bytes at message (pure Ed25519: no context, no prehash).
 *
 * Strict as RFC 8032 5.1.7 asks: false for an S that is not below the group
 * order L, and for an R or a public key that is not the canonical encoding
 * of a curve point (a y of p or more, no square root for x, x = 0 with the
 * sign bit set). The group equation is the cofactored one, [8][S]B =
 * [8]R + [8][k]A. Not constant time: every input is public.
 */
bool ed25519_verify(const uint8_t signature[ED25519_SIGNATURE_SIZE], const uint8_t *message,
	size_t length, const uint8_t publicKey[ED25519_PUBLIC_KEY_SIZE]);

#endif
