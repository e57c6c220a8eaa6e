/* SPDX-License-Identifier: MIT */
/*
 * The points of edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2, RFC 8032 5.1) for
 * the Ed25519 verifier: decoding, the group law in extended coordinates
 * (RFC 8032 5.1.4) and the sum of two scalar multiples a signature check needs.
 */
#include "ed25519_private.h"


bool
ed25519_point_decode(ed25519_point *result, const uint8_t bytes[32])
{
	/* RFC 8032 5.1.3, step 1: y below p, the top bit the sign of x. */
	ed25519_field y;
	if (!ed25519_field_decode(&y, bytes))
		return false;
	bool sign = (bytes[31] >> 7) != 0;

	/* Step 2: x^2 = u / v with u = y^2 - 1 and v = d y^2 + 1. */
	ed25519_field one, y2, u, v;
	ed25519_field_set(&one, 1);
	ed25519_field_square(&y2, &y);
	ed25519_field_sub(&u, &y2, &one);
	ed25519_field_mul(&v, &kEd25519D, &y2);
	ed25519_field_add(&v, &v, &one);

	/* The candidate root x = u v^3 (u v^7)^((p - 5) / 8), without a division. */
	ed25519_field v3, v7, x;
	ed25519_field_square(&v3, &v);
	ed25519_field_mul(&v3, &v3, &v);
	ed25519_field_square(&v7, &v3);
	ed25519_field_mul(&v7, &v7, &v);
	ed25519_field_mul(&x, &u, &v7);
	ed25519_field_pow_p58(&x, &x);
	ed25519_field_mul(&x, &x, &v3);
	ed25519_field_mul(&x, &x, &u);

	/* Step 3: x, or x times sqrt(-1), or there is no point with this y. */
	ed25519_field vx2, minusU;
	ed25519_field_square(&vx2, &x);
	ed25519_field_mul(&vx2, &vx2, &v);
	ed25519_field_negate(&minusU, &u);
	if (ed25519_field_equal(&vx2, &minusU))
		ed25519_field_mul(&x, &x, &kEd25519SqrtMinusOne);
	else if (!ed25519_field_equal(&vx2, &u))
		return false;

	/* Step 4: "-0" is not canonical; otherwise pick the root of the right sign. */
	if (ed25519_field_is_zero(&x) && sign)
		return false;
	if (ed25519_field_is_odd(&x) != sign)
		ed25519_field_negate(&x, &x);

	result->x = x;
	result->y = y;
	ed25519_field_set(&result->z, 1);
	ed25519_field_mul(&result->t, &x, &y);
	return true;
}


void
ed25519_point_identity(ed25519_point *result)
{
	ed25519_field_set(&result->x, 0);
	ed25519_field_set(&result->y, 1);
	ed25519_field_set(&result->z, 1);
	ed25519_field_set(&result->t, 0);
}


void
ed25519_point_add(ed25519_point *result, const ed25519_point *a, const ed25519_point *b)
{
	/*
	 * RFC 8032 5.1.4's addition. It is complete on this curve (d is not a
	 * square), so it also doubles and handles the identity: no special cases.
	 */
	ed25519_field pa, pb, c, d, e, f, g, h, t;
	ed25519_field_sub(&pa, &a->y, &a->x);
	ed25519_field_sub(&t, &b->y, &b->x);
	ed25519_field_mul(&pa, &pa, &t);
	ed25519_field_add(&pb, &a->y, &a->x);
	ed25519_field_add(&t, &b->y, &b->x);
	ed25519_field_mul(&pb, &pb, &t);
	ed25519_field_mul(&c, &a->t, &b->t);
	ed25519_field_mul(&c, &c, &kEd25519D);
	ed25519_field_add(&c, &c, &c);
	ed25519_field_mul(&d, &a->z, &b->z);
	ed25519_field_add(&d, &d, &d);
	ed25519_field_sub(&e, &pb, &pa);
	ed25519_field_sub(&f, &d, &c);
	ed25519_field_add(&g, &d, &c);
	ed25519_field_add(&h, &pb, &pa);

	ed25519_field_mul(&result->x, &e, &f);
	ed25519_field_mul(&result->y, &g, &h);
	ed25519_field_mul(&result->t, &e, &h);
	ed25519_field_mul(&result->z, &f, &g);
}


void
ed25519_point_double(ed25519_point *result, const ed25519_point *a)
{
	/* RFC 8032 5.1.4's doubling: four squarings and four products, not nine products. */
	ed25519_field pa, pb, c, e, f, g, h;
	ed25519_field_square(&pa, &a->x);
	ed25519_field_square(&pb, &a->y);
	ed25519_field_square(&c, &a->z);
	ed25519_field_add(&c, &c, &c);
	ed25519_field_add(&h, &pa, &pb);
	ed25519_field_add(&e, &a->x, &a->y);
	ed25519_field_square(&e, &e);
	ed25519_field_sub(&e, &h, &e);
	ed25519_field_sub(&g, &pa, &pb);
	ed25519_field_add(&f, &c, &g);

	ed25519_field_mul(&result->x, &e, &f);
	ed25519_field_mul(&result->y, &g, &h);
	ed25519_field_mul(&result->t, &e, &h);
	ed25519_field_mul(&result->z, &f, &g);
}


void
ed25519_point_negate(ed25519_point *result, const ed25519_point *a)
{
	ed25519_field_negate(&result->x, &a->x);
	result->y = a->y;
	result->z = a->z;
	ed25519_field_negate(&result->t, &a->t);
}


bool
ed25519_point_is_identity(const ed25519_point *a)
{
	/* (0, 1) projectively: X = 0 and Y = Z (Z is never 0 on this curve). */
	return ed25519_field_is_zero(&a->x) && ed25519_field_equal(&a->y, &a->z);
}


void
ed25519_point_double_scalar_mul(ed25519_point *result, const uint8_t a[32],
	const ed25519_point *p, const uint8_t b[32], const ed25519_point *q)
{
	/*
	 * Straus' (Shamir's) trick: one run of doublings for both scalars, adding
	 * P, Q or P + Q after each as the two bits say. Branching on the scalars
	 * is fine here; they are public.
	 */
	ed25519_point sum;
	ed25519_point_add(&sum, p, q);

	ed25519_point accumulator;
	ed25519_point_identity(&accumulator);
	for (int bit = 255; bit >= 0; bit--) {
		ed25519_point_double(&accumulator, &accumulator);
		bool bitA = (a[bit / 8] >> (bit % 8) & 1) != 0;
		bool bitB = (b[bit / 8] >> (bit % 8) & 1) != 0;
		if (bitA && bitB)
			ed25519_point_add(&accumulator, &accumulator, &sum);
		else if (bitA)
			ed25519_point_add(&accumulator, &accumulator, p);
		else if (bitB)
			ed25519_point_add(&accumulator, &accumulator, q);
	}
	*result = accumulator;
}
