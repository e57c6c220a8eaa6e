/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the manifest's signature check on a manifest signed with
 * OpenSSL 3.0 (`openssl pkeyutl -sign -rawin`) by two keys made with
 * `openssl genpkey -algorithm ed25519`: the good signature, one flipped byte
 * in the text or the signature, the other key's signature and key, and
 * signature files of the wrong length. tests/unit/test_manifest_tools.py
 * does the same with keys and signatures the real tools make at test time.
 */
#include <stdlib.h>
#include <string.h>

#include <boot/manifest.h>

#include "test_crypto.h"
#include "unit_test.h"


static const char kText[] =
	"# trusted files of the test volume\n"
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  boot/kernel\n"
	"FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210 */boot/module.bin\n";

/* `openssl pkey -pubout -outform DER | tail -c 32` of each key */
static const char kKeyA[] = "89f1fbaa4fe405bdbcf159644adc51c86bbdd54ea5a9b297cff00982a17a8a0b";
static const char kKeyB[] = "1ff0b78963686edbb514ec419eec6f70f7f268c4576ddb475b9bf65de87d0e4f";
/* each key's signature of kText */
static const char kSignatureA[] =
	"e63354f41d5854da1a3996c449e3e4865db68c7232f8eec85c65df00a97945fa"
	"e7cacfbc5426e046a70272ff47ec5b7d126494a9dd970e63ff1f8afb5f72f906";
static const char kSignatureB[] =
	"d0092004a3ec07b0dc344946805fe681b68c6313a20f3d5e5fa38df20b48efb6"
	"238ce88a4509f3d049573c78c2a39f26c6ef53cf0faf655f0df8a1c8898f2b0b";

#define TEXT_SIZE	(sizeof(kText) - 1)

struct signed_text {
	char	text[sizeof(kText)];
	uint8_t	signature[ED25519_SIGNATURE_SIZE + 1];
	uint8_t	key[ED25519_PUBLIC_KEY_SIZE];
};


static void
load(struct signed_text *input, const char *signature, const char *key)
{
	memcpy(input->text, kText, sizeof(kText));
	test_hex(input->signature, ED25519_SIGNATURE_SIZE, signature);
	input->signature[ED25519_SIGNATURE_SIZE] = 0;
	test_hex(input->key, sizeof(input->key), key);
}


/* The check's status must be expected, and its message message (when not NULL). */
static void
check_signature(const struct signed_text *input, size_t textSize, size_t signatureSize,
	status_t expected, const char *message)
{
	char error[MANIFEST_ERROR_SIZE] = "";
	status_t status = manifest_check_signature(input->text, textSize, input->signature,
		signatureSize, input->key, error, sizeof(error));
	if (status != expected || (message != NULL && strcmp(error, message) != 0)) {
		unit_fail(__FILE__, __LINE__, "manifest_check_signature: %d \"%s\", expected %d"
			" \"%s\"", (int)status, error, (int)expected, message != NULL ? message : "");
	}
}


TEST(manifest_signature_good)
{
	struct signed_text input;
	load(&input, kSignatureA, kKeyA);
	check_signature(&input, TEXT_SIZE, ED25519_SIGNATURE_SIZE, B_OK, "");
	load(&input, kSignatureB, kKeyB);
	check_signature(&input, TEXT_SIZE, ED25519_SIGNATURE_SIZE, B_OK, "");
	/* without a message buffer */
	CHECK_EQ(manifest_check_signature(input.text, TEXT_SIZE, input.signature,
		ED25519_SIGNATURE_SIZE, input.key, NULL, 0), B_OK);
}


TEST(manifest_signature_flipped_text_byte)
{
	/* every byte, one bit at a time: which bit says nothing about the verifier */
	struct signed_text input;
	load(&input, kSignatureA, kKeyA);
	for (size_t i = 0; i < TEXT_SIZE; i++) {
		input.text[i] ^= (char)(1 << (i % 8));
		check_signature(&input, TEXT_SIZE, ED25519_SIGNATURE_SIZE, B_NOT_ALLOWED,
			"signature does not match the built-in key");
		input.text[i] ^= (char)(1 << (i % 8));
	}
	/* a byte less, a byte more (the NUL after the text) */
	check_signature(&input, TEXT_SIZE - 1, ED25519_SIGNATURE_SIZE, B_NOT_ALLOWED,
		"signature does not match the built-in key");
	check_signature(&input, TEXT_SIZE + 1, ED25519_SIGNATURE_SIZE, B_NOT_ALLOWED,
		"signature does not match the built-in key");
	check_signature(&input, TEXT_SIZE, ED25519_SIGNATURE_SIZE, B_OK, "");
}


TEST(manifest_signature_flipped_signature_byte)
{
	struct signed_text input;
	load(&input, kSignatureA, kKeyA);
	for (size_t i = 0; i < ED25519_SIGNATURE_SIZE; i++) {
		input.signature[i] ^= (uint8_t)(0x80 >> (i % 8));
		check_signature(&input, TEXT_SIZE, ED25519_SIGNATURE_SIZE, B_NOT_ALLOWED,
			"signature does not match the built-in key");
		input.signature[i] ^= (uint8_t)(0x80 >> (i % 8));
	}
	check_signature(&input, TEXT_SIZE, ED25519_SIGNATURE_SIZE, B_OK, "");
}


TEST(manifest_signature_other_key)
{
	struct signed_text input;
	/* B's signature, A's key built in */
	load(&input, kSignatureB, kKeyA);
	check_signature(&input, TEXT_SIZE, ED25519_SIGNATURE_SIZE, B_NOT_ALLOWED,
		"signature does not match the built-in key");
	load(&input, kSignatureA, kKeyB);
	check_signature(&input, TEXT_SIZE, ED25519_SIGNATURE_SIZE, B_NOT_ALLOWED,
		"signature does not match the built-in key");
}


TEST(manifest_signature_lengths)
{
	struct signed_text input;
	load(&input, kSignatureA, kKeyA);
	check_signature(&input, TEXT_SIZE, 0, B_BAD_DATA, "signature is 0 bytes, not 64");
	check_signature(&input, TEXT_SIZE, 63, B_BAD_DATA, "signature is 63 bytes, not 64");
	check_signature(&input, TEXT_SIZE, 65, B_BAD_DATA, "signature is 65 bytes, not 64");
	check_signature(&input, TEXT_SIZE, 128, B_BAD_DATA, "signature is 128 bytes, not 64");
	CHECK_EQ(manifest_check_signature(input.text, TEXT_SIZE, NULL, 0, input.key, NULL, 0),
		B_BAD_DATA);
}


TEST(manifest_signature_text_sizes)
{
	/* one byte too many is refused before it is hashed: the size alone says it is no manifest */
	char *text = calloc(1, MANIFEST_MAX_SIZE + 1);
	uint8_t signature[ED25519_SIGNATURE_SIZE];
	uint8_t key[ED25519_PUBLIC_KEY_SIZE];
	test_hex(signature, sizeof(signature), kSignatureA);
	test_hex(key, sizeof(key), kKeyA);
	char error[MANIFEST_ERROR_SIZE] = "";
	CHECK_EQ(manifest_check_signature(text, MANIFEST_MAX_SIZE + 1, signature,
		sizeof(signature), key, error, sizeof(error)), B_BAD_DATA);
	CHECK(strcmp(error, "the manifest is 65537 bytes, more than 65536") == 0);

	/* the largest size is allowed: this one fails for its signature only */
	CHECK_EQ(manifest_check_signature(text, MANIFEST_MAX_SIZE, signature,
		sizeof(signature), key, error, sizeof(error)), B_NOT_ALLOWED);
	CHECK(strcmp(error, "signature does not match the built-in key") == 0);
	free(text);
}


TEST(manifest_signature_then_parse)
{
	/* the order the loader follows: the signature, then the text it covers */
	struct signed_text input;
	load(&input, kSignatureA, kKeyA);
	check_signature(&input, TEXT_SIZE, ED25519_SIGNATURE_SIZE, B_OK, "");
	struct manifest manifest;
	char error[MANIFEST_ERROR_SIZE] = "";
	CHECK_EQ(manifest_parse(input.text, TEXT_SIZE, &manifest, error, sizeof(error)), B_OK);
	CHECK_EQ(manifest.count, 2);
	const struct manifest_entry *entry = manifest_find(&manifest, "/boot/module.bin");
	CHECK(entry != NULL);
	CHECK_EQ(entry->line, 3);
	CHECK_EQ(entry->digest[0], 0xfe);
	CHECK_EQ(entry->digest[31], 0x10);
	manifest_free(&manifest);
}
