/* SPDX-License-Identifier: MIT */
/*
 * What the Ed25519 verifier's files share: the field GF(2^255 - 19)
 * (ed25519_field.c), the curve's points (ed25519_point.c) and scalars modulo
 * the group order (ed25519_scalar.c).
 *
 * Nothing here is constant time. The verifier only ever handles public data
 * (a public key, a signature, a message), so branches and table indices that
 * depend on it leak nothing; do not reuse these functions for signing.
 */
#ifndef ED25519_PRIVATE_H
#define ED25519_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A field element as a 256-bit number in eight 32-bit limbs, least
 * significant first. Any value below 2^256 is allowed (it stands for itself
 * modulo p): only ed25519_field_encode() and the comparisons reduce it fully.
 * 32-bit limbs and 64-bit products need no 128-bit type, so the same code
 * builds for 32-bit targets.
 */
typedef struct ed25519_field {
	uint32_t	limb[8];
} ed25519_field;

/* A point in extended coordinates (RFC 8032 5.1.4): x = X/Z, y = Y/Z, xy = T/Z. */
typedef struct ed25519_point {
	ed25519_field	x;
	ed25519_field	y;
	ed25519_field	z;
	ed25519_field	t;
} ed25519_point;

/* The curve constant d = -121665/121666 and a square root of -1 (RFC 8032 5.1). */
extern const ed25519_field kEd25519D;
extern const ed25519_field kEd25519SqrtMinusOne;

void ed25519_field_set(ed25519_field *result, uint32_t value);
void ed25519_field_add(ed25519_field *result, const ed25519_field *a, const ed25519_field *b);
void ed25519_field_sub(ed25519_field *result, const ed25519_field *a, const ed25519_field *b);
void ed25519_field_mul(ed25519_field *result, const ed25519_field *a, const ed25519_field *b);
void ed25519_field_square(ed25519_field *result, const ed25519_field *a);
void ed25519_field_negate(ed25519_field *result, const ed25519_field *a);
/* a^((p - 5) / 8), the power RFC 8032 5.1.3 takes a square root with. */
void ed25519_field_pow_p58(ed25519_field *result, const ed25519_field *a);
bool ed25519_field_is_zero(const ed25519_field *a);
bool ed25519_field_equal(const ed25519_field *a, const ed25519_field *b);
/* The low bit of the fully reduced value: the "sign" of x in an encoding. */
bool ed25519_field_is_odd(const ed25519_field *a);
/* Bits 0 to 254 of bytes (little-endian); false when they are p or more. */
bool ed25519_field_decode(ed25519_field *result, const uint8_t bytes[32]);
void ed25519_field_encode(uint8_t bytes[32], const ed25519_field *a);

/* RFC 8032 5.1.3; false for anything but the canonical encoding of a point. */
bool ed25519_point_decode(ed25519_point *result, const uint8_t bytes[32]);
void ed25519_point_identity(ed25519_point *result);
void ed25519_point_add(ed25519_point *result, const ed25519_point *a, const ed25519_point *b);
void ed25519_point_double(ed25519_point *result, const ed25519_point *a);
void ed25519_point_negate(ed25519_point *result, const ed25519_point *a);
bool ed25519_point_is_identity(const ed25519_point *a);
/* [a]P + [b]Q for 256-bit little-endian scalars a and b. */
void ed25519_point_double_scalar_mul(ed25519_point *result, const uint8_t a[32],
	const ed25519_point *p, const uint8_t b[32], const ed25519_point *q);

/* Whether the little-endian s is below the group order L. */
bool ed25519_scalar_is_canonical(const uint8_t s[32]);
/* The 512-bit little-endian wide modulo L. */
void ed25519_scalar_reduce(uint8_t result[32], const uint8_t wide[64]);

#endif
