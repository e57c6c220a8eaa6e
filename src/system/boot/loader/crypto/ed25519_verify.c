/* SPDX-License-Identifier: MIT */
/*
 * Ed25519 verification (RFC 8032 5.1.7): whether a manifest's signature is
 * the holder of a public key's. Variable time on purpose: the key, the
 * signature and the message are all public, so there is nothing to leak.
 */
#include <boot/ed25519.h>

#include <boot/sha2.h>

#include "ed25519_private.h"


/* The base point B (RFC 8032 5.1): y = 4/5, x even, as its encoding. */
static const uint8_t kBasePoint[32] = {
	0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};


/* k = SHA-512(R || A || M) modulo L (RFC 8032 5.1.7, step 2). */
static void
ed25519_challenge(uint8_t k[32], const uint8_t *r, const uint8_t publicKey[32],
	const uint8_t *message, size_t length)
{
	sha512_context context;
	uint8_t digest[SHA512_DIGEST_SIZE];
	sha512_init(&context);
	sha512_update(&context, r, 32);
	sha512_update(&context, publicKey, 32);
	sha512_update(&context, message, length);
	sha512_final(&context, digest);
	ed25519_scalar_reduce(k, digest);
}


bool
ed25519_verify(const uint8_t signature[ED25519_SIGNATURE_SIZE], const uint8_t *message,
	size_t length, const uint8_t publicKey[ED25519_PUBLIC_KEY_SIZE])
{
	/* Step 1: S below L, R and A canonical encodings of points. */
	const uint8_t *encodedR = signature;
	const uint8_t *s = signature + 32;
	if (!ed25519_scalar_is_canonical(s))
		return false;

	ed25519_point a, r, base;
	if (!ed25519_point_decode(&a, publicKey) || !ed25519_point_decode(&r, encodedR))
		return false;
	if (!ed25519_point_decode(&base, kBasePoint))
		return false;

	uint8_t k[32];
	ed25519_challenge(k, encodedR, publicKey, message, length);

	/*
	 * Step 3 as RFC 8032 states it, cofactored: [8]([S]B - [k]A - R) must be
	 * the identity. The cofactorless check the RFC also allows gives another
	 * answer only for a key or an R with a small-order part, which no honest
	 * signer makes; following the stated equation leaves nothing to argue.
	 */
	ed25519_point minusA, minusR, check;
	ed25519_point_negate(&minusA, &a);
	ed25519_point_negate(&minusR, &r);
	ed25519_point_double_scalar_mul(&check, s, &base, k, &minusA);
	ed25519_point_add(&check, &check, &minusR);
	for (int i = 0; i < 3; i++)
		ed25519_point_double(&check, &check);
	return ed25519_point_is_identity(&check);
}
