/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 and SHA-512 (crypto/sha256.c, crypto/sha512.c) against the example
 * values NIST publishes for FIPS 180-4: "abc", the empty string, the 448-bit
 * and 896-bit messages (two blocks of SHA-256, one or two of SHA-512) and a
 * million times 'a', each in one piece and in pieces. SHA-256 twice: with the
 * CPU's instructions where the build machine has them, and in portable C
 * (sha256_force_portable).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <boot/sha2.h>

#include "sha2_private.h"
#include "test_crypto.h"


static const char kMessage448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char kMessage896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";


static void
check_sha256(const void *data, size_t length, const char *expectedHex)
{
	uint8_t expected[SHA256_DIGEST_SIZE];
	uint8_t digest[SHA256_DIGEST_SIZE];
	test_hex(expected, sizeof(expected), expectedHex);

	for (int portable = 0; portable <= 1; portable++) {
		sha256_force_portable(portable);
		sha256(data, length, digest);
		CHECK(memcmp(digest, expected, sizeof(digest)) == 0);

		/* Byte by byte: every message here passes through the buffered path. */
		sha256_context context;
		sha256_init(&context);
		for (size_t i = 0; i < length; i++)
			sha256_update(&context, (const uint8_t *)data + i, 1);
		sha256_final(&context, digest);
		CHECK(memcmp(digest, expected, sizeof(digest)) == 0);
	}
	sha256_force_portable(false);
}


static void
check_sha512(const void *data, size_t length, const char *expectedHex)
{
	uint8_t expected[SHA512_DIGEST_SIZE];
	uint8_t digest[SHA512_DIGEST_SIZE];
	test_hex(expected, sizeof(expected), expectedHex);

	sha512(data, length, digest);
	CHECK(memcmp(digest, expected, sizeof(digest)) == 0);

	sha512_context context;
	sha512_init(&context);
	for (size_t i = 0; i < length; i++)
		sha512_update(&context, (const uint8_t *)data + i, 1);
	sha512_final(&context, digest);
	CHECK(memcmp(digest, expected, sizeof(digest)) == 0);
}


TEST(sha256_abc)
{
	check_sha256("abc", 3,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}


TEST(sha256_empty)
{
	check_sha256("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	/* No bytes need no buffer: the one-shot helper takes a null pointer. */
	uint8_t digest[SHA256_DIGEST_SIZE];
	uint8_t expected[SHA256_DIGEST_SIZE];
	test_hex(expected, sizeof(expected),
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256(NULL, 0, digest);
	CHECK(memcmp(digest, expected, sizeof(digest)) == 0);
}


TEST(sha256_448_bits)
{
	check_sha256(kMessage448, strlen(kMessage448),
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}


TEST(sha256_896_bits)
{
	check_sha256(kMessage896, strlen(kMessage896),
		"cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}


TEST(sha512_abc)
{
	check_sha512("abc", 3,
		"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}


TEST(sha512_empty)
{
	check_sha512("", 0,
		"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
		"47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
}


TEST(sha512_448_bits)
{
	check_sha512(kMessage448, strlen(kMessage448),
		"204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
		"96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445");
}


TEST(sha512_896_bits)
{
	check_sha512(kMessage896, strlen(kMessage896),
		"8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
		"501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}


/* A million 'a', in one piece and in pieces of 1 to 1000 bytes. */
TEST(sha2_million_a)
{
	const size_t length = 1000000;
	uint8_t *data = malloc(length);
	CHECK(data != NULL);
	memset(data, 'a', length);

	uint8_t expected256[SHA256_DIGEST_SIZE];
	uint8_t expected512[SHA512_DIGEST_SIZE];
	test_hex(expected256, sizeof(expected256),
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	test_hex(expected512, sizeof(expected512),
		"e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
		"de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");

	/* SHA-256 with the CPU's instructions and in C; SHA-512 has only C. */
	for (int portable = 0; portable <= 1; portable++) {
		sha256_force_portable(portable);
		uint8_t digest256[SHA256_DIGEST_SIZE];
		uint8_t digest512[SHA512_DIGEST_SIZE];
		sha256(data, length, digest256);
		sha512(data, length, digest512);
		CHECK(memcmp(digest256, expected256, sizeof(digest256)) == 0);
		CHECK(memcmp(digest512, expected512, sizeof(digest512)) == 0);

		sha256_context context256;
		sha512_context context512;
		sha256_init(&context256);
		sha512_init(&context512);
		size_t done = 0;
		for (size_t piece = 1; done < length; piece = piece % 1000 + 1) {
			if (piece > length - done)
				piece = length - done;
			sha256_update(&context256, data + done, piece);
			sha512_update(&context512, data + done, piece);
			done += piece;
		}
		sha256_final(&context256, digest256);
		sha512_final(&context512, digest512);
		CHECK(memcmp(digest256, expected256, sizeof(digest256)) == 0);
		CHECK(memcmp(digest512, expected512, sizeof(digest512)) == 0);
	}
	sha256_force_portable(false);

	free(data);
}
