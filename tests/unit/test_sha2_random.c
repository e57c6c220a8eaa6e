/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 and SHA-512 against Python's hashlib on 501 messages of 0 to 1000
 * bytes (every length up to 300, then random ones), each hashed in one piece,
 * byte by byte and in several random splits, empty updates included. The
 * expected digests come from tests/unit/make-sha2-vectors, which the build
 * runs (generated/unit/sha2_vectors.h). Every check twice, SHA-256 with the
 * CPU's instructions where the build machine has them and in portable C
 * (sha256_force_portable): the random offsets give the instructions'
 * loads every alignment.
 */
#include <stdbool.h>

#include <boot/sha2.h>

#include "sha2_private.h"
#include "test_crypto.h"


struct sha2_random_case {
	uint16_t	offset;
	uint16_t	length;
	uint8_t		sha256[SHA256_DIGEST_SIZE];
	uint8_t		sha512[SHA512_DIGEST_SIZE];
};

#include "sha2_vectors.h"

#define CASE_COUNT		(sizeof(kRandomCases) / sizeof(kRandomCases[0]))
#define RANDOM_SPLITS	8

/* The splits are the test's own and need not match the generator's. */
static uint32_t sRandomState = 0x5eed2a11;


static uint32_t
test_random(void)
{
	/* xorshift32: any split is as good as another, so any generator will do. */
	sRandomState ^= sRandomState << 13;
	sRandomState ^= sRandomState >> 17;
	sRandomState ^= sRandomState << 5;
	return sRandomState;
}


/*
 * The next piece of a random split: mostly short, to cross block edges
 * often, sometimes empty, sometimes whatever is left.
 */
static size_t
test_random_piece(size_t left)
{
	uint32_t kind = test_random() % 8;
	size_t piece;
	if (kind == 0)
		piece = 0;
	else if (kind == 1)
		piece = left;
	else if (kind < 5)
		piece = test_random() % 16;
	else
		piece = test_random() % 300;
	return piece < left ? piece : left;
}


static const char *
test_path(bool portable)
{
	return portable ? "portable C" : "CPU's instructions if any";
}


static void
check_split(const struct sha2_random_case *testCase, bool byteByByte, bool portable)
{
	const uint8_t *data = kRandomData + testCase->offset;
	size_t length = testCase->length;
	sha256_context context256;
	sha512_context context512;
	sha256_init(&context256);
	sha512_init(&context512);

	size_t done = 0;
	while (done < length) {
		size_t piece = byteByByte ? 1 : test_random_piece(length - done);
		sha256_update(&context256, data + done, piece);
		sha512_update(&context512, data + done, piece);
		done += piece;
	}

	uint8_t digest256[SHA256_DIGEST_SIZE];
	uint8_t digest512[SHA512_DIGEST_SIZE];
	sha256_final(&context256, digest256);
	sha512_final(&context512, digest512);
	if (memcmp(digest256, testCase->sha256, sizeof(digest256)) != 0
		|| memcmp(digest512, testCase->sha512, sizeof(digest512)) != 0) {
		unit_fail(__FILE__, __LINE__, "%u bytes at %u: digest differs from hashlib's (%s, %s)",
			testCase->length, testCase->offset, byteByByte ? "byte by byte" : "random split",
			test_path(portable));
	}
}


TEST(sha2_random_lengths_one_piece)
{
	for (int portable = 0; portable <= 1; portable++) {
		sha256_force_portable(portable);
		for (size_t i = 0; i < CASE_COUNT; i++) {
			const struct sha2_random_case *testCase = &kRandomCases[i];
			uint8_t digest256[SHA256_DIGEST_SIZE];
			uint8_t digest512[SHA512_DIGEST_SIZE];
			sha256(kRandomData + testCase->offset, testCase->length, digest256);
			sha512(kRandomData + testCase->offset, testCase->length, digest512);
			if (memcmp(digest256, testCase->sha256, sizeof(digest256)) != 0
				|| memcmp(digest512, testCase->sha512, sizeof(digest512)) != 0) {
				unit_fail(__FILE__, __LINE__,
					"%u bytes at %u: digest differs from hashlib's (%s)", testCase->length,
					testCase->offset, test_path(portable));
			}
		}
	}
	sha256_force_portable(false);
}


TEST(sha2_random_lengths_byte_by_byte)
{
	for (int portable = 0; portable <= 1; portable++) {
		sha256_force_portable(portable);
		for (size_t i = 0; i < CASE_COUNT; i++)
			check_split(&kRandomCases[i], true, portable);
	}
	sha256_force_portable(false);
}


TEST(sha2_random_lengths_random_splits)
{
	for (int portable = 0; portable <= 1; portable++) {
		sha256_force_portable(portable);
		for (size_t i = 0; i < CASE_COUNT; i++) {
			for (int split = 0; split < RANDOM_SPLITS; split++)
				check_split(&kRandomCases[i], false, portable);
		}
	}
	sha256_force_portable(false);
}
