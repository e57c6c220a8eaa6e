/* SPDX-License-Identifier: MIT */
/*
 * Ed25519 verification (crypto/ed25519_*.c) on RFC 8032's test vectors
 * (section 7.1: TEST 1, 2, 3, 1024 and SHA(abc), typed in from the RFC),
 * on each of them with one bit changed in the message, R, S or the public
 * key, and on the encodings RFC 8032 5.1.7 says a strict verifier refuses:
 * S + L, S = L, and R or A that are not canonical points.
 */
#include <stdlib.h>
#include <string.h>

#include <boot/ed25519.h>
#include <boot/sha2.h>

#include "test_crypto.h"


struct ed25519_vector {
	const char	*name;
	const char	*publicKey;
	const char	*message;	/* hex; NULL: SHA-512("abc"), as TEST SHA(abc) signs */
	const char	*signature;
};

static const struct ed25519_vector kVectors[] = {
	{ "TEST 1",
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
		"",
		"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
		"5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "TEST 2",
		"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
		"72",
		"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
		"085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "TEST 3",
		"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
		"af82",
		"6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
		"18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
	{ "TEST 1024",
		"278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
		"08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
		"fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
		"79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
		"658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
		"1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
		"ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
		"06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
		"efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
		"aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
		"85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
		"d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
		"554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
		"88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
		"2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
		"07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
		"b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
		"ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
		"c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
		"51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
		"42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
		"ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
		"f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
		"d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
		"de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
		"88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
		"2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
		"6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
		"b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
		"0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
		"369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
		"b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
		"0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
		"0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
		"aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03" },
	{ "TEST SHA(abc)",
		"ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
		NULL,
		"dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
		"09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704" },
};

#define VECTOR_COUNT	(sizeof(kVectors) / sizeof(kVectors[0]))
#define MAX_MESSAGE		1024

/* The group order L, little-endian (RFC 8032 5.1). */
static const char kOrderHex[] =
	"edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

/* One vector in bytes. */
struct ed25519_case {
	uint8_t	publicKey[ED25519_PUBLIC_KEY_SIZE];
	uint8_t	signature[ED25519_SIGNATURE_SIZE];
	uint8_t	message[MAX_MESSAGE];
	size_t	length;
};


static void
test_load(struct ed25519_case *testCase, const struct ed25519_vector *vector)
{
	test_hex(testCase->publicKey, sizeof(testCase->publicKey), vector->publicKey);
	test_hex(testCase->signature, sizeof(testCase->signature), vector->signature);
	if (vector->message == NULL) {
		sha512("abc", 3, testCase->message);
		testCase->length = SHA512_DIGEST_SIZE;
	} else {
		testCase->length = strlen(vector->message) / 2;
		CHECK(testCase->length <= MAX_MESSAGE);
		test_hex(testCase->message, testCase->length, vector->message);
	}
}


static bool
test_verify(const struct ed25519_case *testCase)
{
	return ed25519_verify(testCase->signature, testCase->message, testCase->length,
		testCase->publicKey);
}


static void
test_expect(bool expected, const struct ed25519_case *testCase, const char *vectorName,
	const char *what, int line)
{
	if (test_verify(testCase) != expected) {
		unit_fail(__FILE__, line, "%s, %s: ed25519_verify() should %s", vectorName, what,
			expected ? "accept" : "refuse");
	}
}


TEST(ed25519_rfc8032_vectors)
{
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		struct ed25519_case testCase;
		test_load(&testCase, &kVectors[i]);
		test_expect(true, &testCase, kVectors[i].name, "as published", __LINE__);
	}
}


TEST(ed25519_changed_message)
{
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		struct ed25519_case testCase;
		test_load(&testCase, &kVectors[i]);
		if (testCase.length == 0) {
			/* TEST 1 signs nothing: one byte more is the change. */
			testCase.message[0] = 0;
			testCase.length = 1;
		} else {
			testCase.message[testCase.length / 2] ^= 0x10;
		}
		test_expect(false, &testCase, kVectors[i].name, "message changed", __LINE__);

		/* The last byte too: a verifier that hashed too little would miss it. */
		test_load(&testCase, &kVectors[i]);
		if (testCase.length > 0) {
			testCase.message[testCase.length - 1] ^= 0x80;
			test_expect(false, &testCase, kVectors[i].name, "last byte changed", __LINE__);
		}
	}
}


/* Every bit of R and of S in turn, for one vector; one bit in each for the rest. */
TEST(ed25519_changed_signature)
{
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		for (int bit = 0; bit < 8 * ED25519_SIGNATURE_SIZE; bit++) {
			if (i > 0 && bit != 3 && bit != 256 + 3)
				continue;
			struct ed25519_case testCase;
			test_load(&testCase, &kVectors[i]);
			testCase.signature[bit / 8] ^= (uint8_t)(1 << (bit % 8));
			if (test_verify(&testCase)) {
				unit_fail(__FILE__, __LINE__, "%s: accepted with bit %d of %s flipped",
					kVectors[i].name, bit % 256, bit < 256 ? "R" : "S");
			}
		}
	}
}


TEST(ed25519_changed_public_key)
{
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		for (int bit = 0; bit < 8 * ED25519_PUBLIC_KEY_SIZE; bit += i == 0 ? 1 : 37) {
			struct ed25519_case testCase;
			test_load(&testCase, &kVectors[i]);
			testCase.publicKey[bit / 8] ^= (uint8_t)(1 << (bit % 8));
			if (test_verify(&testCase)) {
				unit_fail(__FILE__, __LINE__, "%s: accepted with bit %d of the key flipped",
					kVectors[i].name, bit);
			}
		}
	}
}


/* Another vector's key or signature: valid, but not for this message. */
TEST(ed25519_other_vectors_parts)
{
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		size_t other = (i + 1) % VECTOR_COUNT;
		struct ed25519_case testCase, otherCase;
		test_load(&otherCase, &kVectors[other]);

		test_load(&testCase, &kVectors[i]);
		memcpy(testCase.publicKey, otherCase.publicKey, sizeof(testCase.publicKey));
		test_expect(false, &testCase, kVectors[i].name, "another key", __LINE__);

		test_load(&testCase, &kVectors[i]);
		memcpy(testCase.signature, otherCase.signature, sizeof(testCase.signature));
		test_expect(false, &testCase, kVectors[i].name, "another signature", __LINE__);
	}
}


/* S + L passes the group equation as S does; only the range check refuses it. */
TEST(ed25519_s_plus_order)
{
	uint8_t order[32];
	test_hex(order, sizeof(order), kOrderHex);
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		struct ed25519_case testCase;
		test_load(&testCase, &kVectors[i]);
		uint8_t *s = testCase.signature + 32;
		unsigned int carry = 0;
		for (int j = 0; j < 32; j++) {
			carry += (unsigned int)s[j] + order[j];
			s[j] = (uint8_t)carry;
			carry >>= 8;
		}
		CHECK_EQ(carry, 0);
		test_expect(false, &testCase, kVectors[i].name, "S + L", __LINE__);
	}
}


TEST(ed25519_s_equal_order)
{
	for (size_t i = 0; i < VECTOR_COUNT; i++) {
		struct ed25519_case testCase;
		test_load(&testCase, &kVectors[i]);
		test_hex(testCase.signature + 32, 32, kOrderHex);
		test_expect(false, &testCase, kVectors[i].name, "S = L", __LINE__);

		/* All ones: far above L, and 2^256 - 1 is no canonical scalar either. */
		memset(testCase.signature + 32, 0xff, 32);
		test_expect(false, &testCase, kVectors[i].name, "S = 2^256 - 1", __LINE__);
	}
}


/*
 * Small-order points, canonically encoded: the identity (y = 1) and the point
 * (sqrt(-1), 0) of order 4 (y = 0, x even). With R the identity and S = 0,
 * the cofactored equation holds for them whatever the message: RFC 8032
 * does not refuse such keys, and the loader need not (it verifies against
 * a key it trusts). Here they are what makes the refusals below sharp: each
 * of those encodings is refused although the point it names would pass.
 */
static const char kIdentity[] =
	"0100000000000000000000000000000000000000000000000000000000000000";
static const char kOrderFour[] =
	"0000000000000000000000000000000000000000000000000000000000000000";
/* A point of order eight: [4] of it is not the identity, [8] is. */
static const char kOrderEight[] =
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05";

/*
 * y = p + 1 (the identity's twin), y = 1 with the sign bit set ("-0", x = 0
 * being even), y = p (the order-four point's twin), y = 2^255 - 1 with the
 * sign bit, and y = 2, for which no x solves the curve equation.
 */
static const char *const kBadPoints[] = {
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0100000000000000000000000000000000000000000000000000000000000080",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"0200000000000000000000000000000000000000000000000000000000000000",
};

#define BAD_POINT_COUNT	(sizeof(kBadPoints) / sizeof(kBadPoints[0]))


/* A signature with R as given and S = 0, on TEST 3's message. */
static void
test_small_order_case(struct ed25519_case *testCase, const char *publicKey, const char *r)
{
	test_load(testCase, &kVectors[2]);
	test_hex(testCase->publicKey, sizeof(testCase->publicKey), publicKey);
	test_hex(testCase->signature, 32, r);
	memset(testCase->signature + 32, 0, 32);
}


TEST(ed25519_small_order_points_canonical)
{
	struct ed25519_case testCase;
	test_small_order_case(&testCase, kIdentity, kIdentity);
	test_expect(true, &testCase, "identity key", "R identity, S 0", __LINE__);
	test_small_order_case(&testCase, kOrderFour, kIdentity);
	test_expect(true, &testCase, "order-four key", "R identity, S 0", __LINE__);
	test_small_order_case(&testCase, kIdentity, kOrderFour);
	test_expect(true, &testCase, "identity key", "R of order four, S 0", __LINE__);
	/* The equation is multiplied by the whole cofactor, 8, not by a part of it. */
	test_small_order_case(&testCase, kIdentity, kOrderEight);
	test_expect(true, &testCase, "identity key", "R of order eight, S 0", __LINE__);
	test_small_order_case(&testCase, kOrderEight, kIdentity);
	test_expect(true, &testCase, "order-eight key", "R identity, S 0", __LINE__);
}


TEST(ed25519_bad_public_key_encodings)
{
	for (size_t i = 0; i < BAD_POINT_COUNT; i++) {
		struct ed25519_case testCase;
		test_small_order_case(&testCase, kBadPoints[i], kIdentity);
		if (test_verify(&testCase))
			unit_fail(__FILE__, __LINE__, "accepted public key %s", kBadPoints[i]);
	}
}


TEST(ed25519_bad_r_encodings)
{
	for (size_t i = 0; i < BAD_POINT_COUNT; i++) {
		struct ed25519_case testCase;
		test_small_order_case(&testCase, kIdentity, kBadPoints[i]);
		if (test_verify(&testCase))
			unit_fail(__FILE__, __LINE__, "accepted R %s", kBadPoints[i]);
	}
}


/* S = 0 verifies for the identity key and R; S = L satisfies the same equation. */
TEST(ed25519_s_equal_order_small_order_key)
{
	struct ed25519_case testCase;
	test_small_order_case(&testCase, kIdentity, kIdentity);
	test_hex(testCase.signature + 32, 32, kOrderHex);
	test_expect(false, &testCase, "identity key", "R identity, S = L", __LINE__);
}
