/* SPDX-License-Identifier: MIT */
/*
 * The Ed25519 verifier's insides (crypto/ed25519_private.h), where
 * ed25519_verify() cannot tell: its constants against their definitions in
 * RFC 8032 5.1, the base point's coordinates, and the refusal of a y with
 * no x. (Negating every decoded point, or accepting a point off the curve,
 * changes no verdict on the vectors: both need checking here.)
 */
#include <boot/ed25519.h>

#include "ed25519_private.h"
#include "test_crypto.h"


static void
test_field(ed25519_field *result, const char *hex)
{
	uint8_t bytes[32];
	test_hex(bytes, sizeof(bytes), hex);
	CHECK(ed25519_field_decode(result, bytes));
}


static void
check_field(const ed25519_field *a, const char *expectedHex)
{
	uint8_t expected[32];
	uint8_t actual[32];
	test_hex(expected, sizeof(expected), expectedHex);
	ed25519_field_encode(actual, a);
	CHECK(memcmp(actual, expected, sizeof(actual)) == 0);
}


TEST(ed25519_constants)
{
	/* d * 121666 = -121665 */
	ed25519_field value, product, expected;
	ed25519_field_set(&value, 121666);
	ed25519_field_mul(&product, &kEd25519D, &value);
	ed25519_field_set(&value, 121665);
	ed25519_field_negate(&expected, &value);
	CHECK(ed25519_field_equal(&product, &expected));

	/* sqrt(-1)^2 = -1 */
	ed25519_field_square(&product, &kEd25519SqrtMinusOne);
	ed25519_field_set(&value, 1);
	ed25519_field_negate(&expected, &value);
	CHECK(ed25519_field_equal(&product, &expected));
}


/* RFC 8032 5.1: B = (15112221...62202, 46316835...55960), little-endian here. */
TEST(ed25519_base_point_decodes)
{
	static const uint8_t encoded[32] = {
		0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66,
	};
	ed25519_point base;
	CHECK(ed25519_point_decode(&base, encoded));
	check_field(&base.x, "1ad5258f602d56c9b2a7259560c72c695cdcd6fd31e2a4c0fe536ecdd3366921");
	check_field(&base.y, "5866666666666666666666666666666666666666666666666666666666666666");

	/* The other sign gives -x. */
	uint8_t negative[32];
	memcpy(negative, encoded, sizeof(negative));
	negative[31] |= 0x80;
	ed25519_point minusBase;
	CHECK(ed25519_point_decode(&minusBase, negative));
	ed25519_field sum;
	ed25519_field_add(&sum, &base.x, &minusBase.x);
	CHECK(ed25519_field_is_zero(&sum));
}


TEST(ed25519_decode_refuses_y_without_x)
{
	/* y = 2 and y = 7: (y^2 - 1) / (d y^2 + 1) is no square; y = 3 is a point. */
	ed25519_point point;
	uint8_t encoded[32] = { 2 };
	CHECK(!ed25519_point_decode(&point, encoded));
	encoded[0] = 7;
	CHECK(!ed25519_point_decode(&point, encoded));
	encoded[0] = 3;
	CHECK(ed25519_point_decode(&point, encoded));
}


TEST(ed25519_field_reduces_fully)
{
	/* p - 1 + 2 wraps to 1; 2^256 - 1 is 37 modulo p. */
	ed25519_field a, b, sum;
	test_field(&a, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
	ed25519_field_set(&b, 2);
	ed25519_field_add(&sum, &a, &b);
	check_field(&sum, "0100000000000000000000000000000000000000000000000000000000000000");

	for (int i = 0; i < 8; i++)
		a.limb[i] = 0xffffffff;
	check_field(&a, "2500000000000000000000000000000000000000000000000000000000000000");
}
