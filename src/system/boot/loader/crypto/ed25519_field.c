/* SPDX-License-Identifier: MIT */
/*
 * Arithmetic modulo p = 2^255 - 19 (RFC 7748 section 4.1, RFC 8032 5.1) for
 * the Ed25519 verifier, on plain 256-bit numbers: whatever carries past bit
 * 255 comes back in as 38 times as much, since 2^256 = 2 * 2^255 = 2 * 19
 * (mod p). Values stay below 2^256 but not below p until they are encoded
 * or compared.
 */
#include "ed25519_private.h"

#include <string.h>

#include <boot/byte_order.h>


const ed25519_field kEd25519D = { {
	0x135978a3, 0x75eb4dca, 0x4141d8ab, 0x00700a4d,
	0x7779e898, 0x8cc74079, 0x2b6ffe73, 0x52036cee,
} };

/* 2^((p - 1) / 4), the root RFC 8032 5.1.3 names. */
const ed25519_field kEd25519SqrtMinusOne = { {
	0x4a0ea0b0, 0xc4ee1b27, 0xad2fe478, 0x2f431806,
	0x3dfbd7a7, 0x2b4d0099, 0x4fc1df0b, 0x2b832480,
} };

/* (p - 5) / 8 = 2^252 - 3, little-endian. */
static const uint8_t kExponentP58[32] = {
	0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
};


/* Adds carry * 2^256 back in as carry * 38, until nothing carries out. */
static void
ed25519_field_fold(uint32_t limb[8], uint64_t carry)
{
	while (carry != 0) {
		carry *= 38;
		for (int i = 0; i < 8; i++) {
			carry += limb[i];
			limb[i] = (uint32_t)carry;
			carry >>= 32;
		}
	}
}


void
ed25519_field_set(ed25519_field *result, uint32_t value)
{
	memset(result, 0, sizeof(*result));
	result->limb[0] = value;
}


void
ed25519_field_add(ed25519_field *result, const ed25519_field *a, const ed25519_field *b)
{
	uint64_t carry = 0;
	for (int i = 0; i < 8; i++) {
		carry += (uint64_t)a->limb[i] + b->limb[i];
		result->limb[i] = (uint32_t)carry;
		carry >>= 32;
	}
	ed25519_field_fold(result->limb, carry);
}


void
ed25519_field_sub(ed25519_field *result, const ed25519_field *a, const ed25519_field *b)
{
	/*
	 * A borrow out of the top means the limbs hold a - b + 2^256, which is
	 * 38 too much modulo p: take 38 away, and again in the rare case that
	 * this borrows too.
	 */
	uint32_t borrow = 0;
	for (int i = 0; i < 8; i++) {
		uint64_t difference = (uint64_t)a->limb[i] - b->limb[i] - borrow;
		result->limb[i] = (uint32_t)difference;
		borrow = (uint32_t)(difference >> 63);
	}
	while (borrow != 0) {
		uint64_t difference = (uint64_t)result->limb[0] - 38;
		result->limb[0] = (uint32_t)difference;
		borrow = (uint32_t)(difference >> 63);
		for (int i = 1; i < 8 && borrow != 0; i++) {
			difference = (uint64_t)result->limb[i] - 1;
			result->limb[i] = (uint32_t)difference;
			borrow = (uint32_t)(difference >> 63);
		}
	}
}


void
ed25519_field_mul(ed25519_field *result, const ed25519_field *a, const ed25519_field *b)
{
	/* Schoolbook into 512 bits; no partial sum overflows 64 bits. */
	uint32_t product[16] = { 0 };
	for (int i = 0; i < 8; i++) {
		uint64_t carry = 0;
		for (int j = 0; j < 8; j++) {
			carry += (uint64_t)a->limb[i] * b->limb[j] + product[i + j];
			product[i + j] = (uint32_t)carry;
			carry >>= 32;
		}
		product[i + 8] = (uint32_t)carry;
	}

	/* The high half counts 2^256 each, 38 modulo p. */
	uint64_t carry = 0;
	for (int i = 0; i < 8; i++) {
		carry += (uint64_t)product[i] + (uint64_t)product[i + 8] * 38;
		result->limb[i] = (uint32_t)carry;
		carry >>= 32;
	}
	ed25519_field_fold(result->limb, carry);
}


void
ed25519_field_square(ed25519_field *result, const ed25519_field *a)
{
	ed25519_field_mul(result, a, a);
}


void
ed25519_field_negate(ed25519_field *result, const ed25519_field *a)
{
	ed25519_field zero;
	ed25519_field_set(&zero, 0);
	ed25519_field_sub(result, &zero, a);
}


void
ed25519_field_pow_p58(ed25519_field *result, const ed25519_field *a)
{
	/* Square and multiply from the top bit; the exponent is public. */
	ed25519_field power;
	ed25519_field_set(&power, 1);
	for (int bit = 255; bit >= 0; bit--) {
		ed25519_field_square(&power, &power);
		if ((kExponentP58[bit / 8] >> (bit % 8) & 1) != 0)
			ed25519_field_mul(&power, &power, a);
	}
	*result = power;
}


/* The unique representative below p. */
static void
ed25519_field_reduce(uint32_t limb[8], const ed25519_field *a)
{
	/* Bit 255 is worth 19: the value is then below 2^255 + 19, less than 2p. */
	uint64_t carry = (uint64_t)(a->limb[7] >> 31) * 19;
	for (int i = 0; i < 8; i++) {
		carry += i == 7 ? (a->limb[7] & 0x7fffffff) : a->limb[i];
		limb[i] = (uint32_t)carry;
		carry >>= 32;
	}

	/* It is p or more exactly when adding 19 reaches 2^255; then that sum less 2^255 is it. */
	uint32_t plus19[8];
	carry = 19;
	for (int i = 0; i < 8; i++) {
		carry += limb[i];
		plus19[i] = (uint32_t)carry;
		carry >>= 32;
	}
	if ((plus19[7] >> 31) != 0) {
		plus19[7] &= 0x7fffffff;
		memcpy(limb, plus19, sizeof(plus19));
	}
}


bool
ed25519_field_is_zero(const ed25519_field *a)
{
	uint32_t limb[8];
	ed25519_field_reduce(limb, a);
	uint32_t bits = 0;
	for (int i = 0; i < 8; i++)
		bits |= limb[i];
	return bits == 0;
}


bool
ed25519_field_equal(const ed25519_field *a, const ed25519_field *b)
{
	ed25519_field difference;
	ed25519_field_sub(&difference, a, b);
	return ed25519_field_is_zero(&difference);
}


bool
ed25519_field_is_odd(const ed25519_field *a)
{
	uint32_t limb[8];
	ed25519_field_reduce(limb, a);
	return (limb[0] & 1) != 0;
}


bool
ed25519_field_decode(ed25519_field *result, const uint8_t bytes[32])
{
	for (int i = 0; i < 8; i++)
		result->limb[i] = read_le32(bytes + 4 * i);
	result->limb[7] &= 0x7fffffff;

	/* Below 2^255 already, so reducing changes it only when it is p or more. */
	uint32_t reduced[8];
	ed25519_field_reduce(reduced, result);
	return memcmp(reduced, result->limb, sizeof(reduced)) == 0;
}


void
ed25519_field_encode(uint8_t bytes[32], const ed25519_field *a)
{
	uint32_t limb[8];
	ed25519_field_reduce(limb, a);
	for (int i = 0; i < 8; i++) {
		for (int j = 0; j < 4; j++)
			bytes[4 * i + j] = (uint8_t)(limb[i] >> (8 * j));
	}
}
