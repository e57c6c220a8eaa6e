/* SPDX-License-Identifier: MIT */
/*
 * Scalars modulo the order of the Ed25519 base point,
 * L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 5.1), for the
 * verifier: the range check of S and the reduction of the challenge hash.
 */
#include "ed25519_private.h"

#include <boot/byte_order.h>


/* L in 32-bit limbs, least significant first. */
static const uint32_t kOrder[8] = {
	0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de,
	0x00000000, 0x00000000, 0x00000000, 0x10000000,
};


/* Whether the limbs are L or more. */
static bool
ed25519_scalar_at_least_order(const uint32_t limb[8])
{
	for (int i = 7; i >= 0; i--) {
		if (limb[i] != kOrder[i])
			return limb[i] > kOrder[i];
	}
	return true;
}


bool
ed25519_scalar_is_canonical(const uint8_t s[32])
{
	uint32_t limb[8];
	for (int i = 0; i < 8; i++)
		limb[i] = read_le32(s + 4 * i);
	return !ed25519_scalar_at_least_order(limb);
}


void
ed25519_scalar_reduce(uint8_t result[32], const uint8_t wide[64])
{
	/*
	 * Long division one bit at a time, from the top: 512 shifts and at most
	 * as many subtractions, once per signature. The remainder stays below L,
	 * so twice it plus one still fits in 256 bits.
	 */
	uint32_t remainder[8] = { 0 };
	for (int bit = 511; bit >= 0; bit--) {
		uint32_t carry = (wide[bit / 8] >> (bit % 8)) & 1;
		for (int i = 0; i < 8; i++) {
			uint32_t next = remainder[i] >> 31;
			remainder[i] = remainder[i] << 1 | carry;
			carry = next;
		}
		if (ed25519_scalar_at_least_order(remainder)) {
			uint32_t borrow = 0;
			for (int i = 0; i < 8; i++) {
				uint64_t difference = (uint64_t)remainder[i] - kOrder[i] - borrow;
				remainder[i] = (uint32_t)difference;
				borrow = (uint32_t)(difference >> 63);
			}
		}
	}

	for (int i = 0; i < 8; i++) {
		for (int j = 0; j < 4; j++)
			result[4 * i + j] = (uint8_t)(remainder[i] >> (8 * j));
	}
}
