/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the signed manifest (manifest.c) and the signature
 * check under it (SHA-512, Ed25519).
 *
 * An input is one of three things, by its first byte:
 * - 'S': split into a public key (32 bytes), a signature length (1 byte), the
 *   signature and the text, for manifest_check_signature(): every length,
 *   every bit pattern of key and signature;
 * - 'M': bytes XORed into a manifest OpenSSL signed (key, signature, text
 *   end to end): the check must pass exactly when nothing changed, since a
 *   strict verifier accepts one encoding of one signature per text and key;
 * - anything else: the whole input is a manifest for manifest_parse(). The
 *   target aborts when a promise of headers/boot/manifest.h is broken (a
 *   status or message out of place, an entry the format forbids, an entry
 *   manifest_find() does not give back, a leak), writes what it parsed back
 *   in sha256sum's format (alternating text and binary mode, digits in either
 *   case, paths without '/') and parses that again, which must give the same
 *   entries, and parses once more with the allocation failing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/manifest.h>

#include "../support/counted_heap.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The signed triple of tests/unit/test_manifest_signature.c, in its order here. */
static const uint8_t kSigned[] = {
	/* public key */
	0x89, 0xf1, 0xfb, 0xaa, 0x4f, 0xe4, 0x05, 0xbd, 0xbc, 0xf1, 0x59, 0x64, 0x4a, 0xdc, 0x51, 0xc8,
	0x6b, 0xbd, 0xd5, 0x4e, 0xa5, 0xa9, 0xb2, 0x97, 0xcf, 0xf0, 0x09, 0x82, 0xa1, 0x7a, 0x8a, 0x0b,
	/* signature */
	0xe6, 0x33, 0x54, 0xf4, 0x1d, 0x58, 0x54, 0xda, 0x1a, 0x39, 0x96, 0xc4, 0x49, 0xe3, 0xe4, 0x86,
	0x5d, 0xb6, 0x8c, 0x72, 0x32, 0xf8, 0xee, 0xc8, 0x5c, 0x65, 0xdf, 0x00, 0xa9, 0x79, 0x45, 0xfa,
	0xe7, 0xca, 0xcf, 0xbc, 0x54, 0x26, 0xe0, 0x46, 0xa7, 0x02, 0x72, 0xff, 0x47, 0xec, 0x5b, 0x7d,
	0x12, 0x64, 0x94, 0xa9, 0xdd, 0x97, 0x0e, 0x63, 0xff, 0x1f, 0x8a, 0xfb, 0x5f, 0x72, 0xf9, 0x06,
	/* text */
	'#', ' ', 't', 'r', 'u', 's', 't', 'e', 'd', ' ', 'f', 'i', 'l', 'e', 's', ' ', 'o', 'f', ' ',
	't', 'h', 'e', ' ', 't', 'e', 's', 't', ' ', 'v', 'o', 'l', 'u', 'm', 'e', '\n',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
	' ', ' ', 'b', 'o', 'o', 't', '/', 'k', 'e', 'r', 'n', 'e', 'l', '\n',
	'F', 'E', 'D', 'C', 'B', 'A', '9', '8', '7', '6', '5', '4', '3', '2', '1', '0',
	'F', 'E', 'D', 'C', 'B', 'A', '9', '8', '7', '6', '5', '4', '3', '2', '1', '0',
	'F', 'E', 'D', 'C', 'B', 'A', '9', '8', '7', '6', '5', '4', '3', '2', '1', '0',
	'F', 'E', 'D', 'C', 'B', 'A', '9', '8', '7', '6', '5', '4', '3', '2', '1', '0',
	' ', '*', '/', 'b', 'o', 'o', 't', '/', 'm', 'o', 'd', 'u', 'l', 'e', '.', 'b', 'i', 'n', '\n',
};

#define SIGNED_TEXT_OFFSET	(ED25519_PUBLIC_KEY_SIZE + ED25519_SIGNATURE_SIZE)

struct writer {
	char	*data;
	size_t	length;
	size_t	size;
};


/* --- checks ---------------------------------------------------------------- */

static void
check(bool condition, const char *what)
{
	if (!condition) {
		fprintf(stderr, "fuzz_manifest: broken promise: %s\n", what);
		abort();
	}
}


/* One line, no control characters: the caller prints it after a file name. */
static void
check_message(const char *error)
{
	check(error[0] != '\0', "a failure without a message");
	for (const char *c = error; *c != '\0'; c++)
		check((unsigned char)*c >= 0x20 && *c != 0x7f, "a control character in a message");
	check(strncmp(error, "line ", 5) == 0 || strncmp(error, "the manifest ", 13) == 0
		|| strncmp(error, "signature ", 10) == 0 || strncmp(error, "out of memory", 13) == 0,
		"a message of an unknown kind");
}


static void
check_entry(const struct manifest *manifest, uint32_t index)
{
	const struct manifest_entry *entry = &manifest->entries[index];
	size_t length = strlen(entry->path);
	check(entry->path[0] == '/', "a path without its '/'");
	check(length >= 2 && length <= VFS_PATH_LENGTH, "a path of a length out of range");
	check(entry->path[length - 1] != '/', "a path that names a directory");
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)entry->path[i];
		check(c >= 0x20 && c != 0x7f, "a control character in a path");
		check(c != '/' || entry->path[i + 1] != '/', "an empty component in a path");
	}
	check(index == 0 || entry->line > manifest->entries[index - 1].line,
		"entries out of line order");
	/* no two entries are the same path, so each finds itself, with or without '/' */
	check(manifest_find(manifest, entry->path) == entry, "an entry manifest_find misses");
	check(manifest_find(manifest, entry->path + 1) == entry,
		"an entry manifest_find misses without its '/'");
}


/* --- the parser -------------------------------------------------------------- */

static void
writer_add(struct writer *writer, const char *text, size_t length)
{
	if (writer->length + length > writer->size) {
		writer->size = 2 * writer->size + length;
		writer->data = realloc(writer->data, writer->size);
	}
	memcpy(writer->data + writer->length, text, length);
	writer->length += length;
}


/* The entries as sha256sum could have printed them, in both of its modes. */
static void
write_manifest(const struct manifest *manifest, struct writer *writer)
{
	for (uint32_t i = 0; i < manifest->count; i++) {
		const struct manifest_entry *entry = &manifest->entries[i];
		char hex[2 * SHA256_DIGEST_SIZE + 3];
		const char *digits = i % 2 == 0 ? "0123456789abcdef" : "0123456789ABCDEF";
		for (size_t j = 0; j < SHA256_DIGEST_SIZE; j++) {
			hex[2 * j] = digits[entry->digest[j] >> 4];
			hex[2 * j + 1] = digits[entry->digest[j] & 0xf];
		}
		hex[2 * SHA256_DIGEST_SIZE] = ' ';
		hex[2 * SHA256_DIGEST_SIZE + 1] = i % 2 == 0 ? ' ' : '*';
		writer_add(writer, hex, 2 * SHA256_DIGEST_SIZE + 2);
		writer_add(writer, entry->path + 1, strlen(entry->path + 1));
		writer_add(writer, "\n", 1);
	}
}


static void
check_round_trip(const struct manifest *manifest)
{
	struct writer writer = { NULL, 0, 0 };
	write_manifest(manifest, &writer);
	if (writer.length > MANIFEST_MAX_SIZE) {
		/* paths written without '/' that gained one: too long to read back */
		free(writer.data);
		return;
	}
	struct manifest again;
	char error[MANIFEST_ERROR_SIZE] = "";
	check(manifest_parse(writer.data, writer.length, &again, error, sizeof(error)) == B_OK,
		"what was parsed does not parse again");
	check(again.count == manifest->count, "a round trip changed the entry count");
	for (uint32_t i = 0; i < again.count; i++) {
		check(again.entries[i].line == i + 1, "a round trip gave wrong line numbers");
		check(strcmp(again.entries[i].path, manifest->entries[i].path) == 0,
			"a round trip changed a path");
		check(memcmp(again.entries[i].digest, manifest->entries[i].digest,
			SHA256_DIGEST_SIZE) == 0, "a round trip changed a digest");
	}
	manifest_free(&again);
	free(writer.data);
}


static void
fuzz_parse(const char *text, size_t size)
{
	struct manifest manifest;
	char error[MANIFEST_ERROR_SIZE] = "";
	counted_heap_fail_at(0);
	status_t status = manifest_parse(text, size, &manifest, error, sizeof(error));
	check(status == B_OK || status == B_BAD_DATA, "a status out of place");
	if (status != B_OK) {
		check(manifest.entries == NULL && manifest.count == 0, "a failure left entries");
		check_message(error);
		check(counted_heap_live() == 0, "a failed parse leaked heap blocks");
	} else {
		check(manifest.count > 0 && manifest.entries != NULL, "a success without entries");
		check(manifest.count <= size / (2 * SHA256_DIGEST_SIZE + 4),
			"more entries than the text has room for");
		for (uint32_t i = 0; i < manifest.count; i++)
			check_entry(&manifest, i);
		check_round_trip(&manifest);
		manifest_free(&manifest);
		check(counted_heap_live() == 0, "a manifest leaked heap blocks");
	}

	/*
	 * Its only allocation fails: out of memory for a good manifest and for
	 * a path listed twice (found in the entries), the same refusal for
	 * anything else (found before).
	 */
	bool allocates = status == B_OK || strstr(error, " already: ") != NULL;
	counted_heap_fail_at(1);
	char again[MANIFEST_ERROR_SIZE] = "";
	status_t failed = manifest_parse(text, size, &manifest, again, sizeof(again));
	counted_heap_fail_at(0);
	if (allocates)
		check(failed == B_NO_MEMORY, "a failed allocation did not fail the parse");
	else
		check(failed == status && strcmp(again, error) == 0, "a refusal depends on memory");
	check(counted_heap_live() == 0, "a parse without memory leaked heap blocks");
}


/* --- the signature -------------------------------------------------------------- */

static void
fuzz_signature(const uint8_t *data, size_t size)
{
	if (size < ED25519_PUBLIC_KEY_SIZE + 1)
		return;
	const uint8_t *key = data;
	size_t signatureSize = data[ED25519_PUBLIC_KEY_SIZE];
	size_t offset = ED25519_PUBLIC_KEY_SIZE + 1;
	if (signatureSize > size - offset)
		signatureSize = size - offset;
	/* copies of their exact sizes, so that the sanitizer sees every overread */
	uint8_t *signature = malloc(signatureSize + 1);
	memcpy(signature, data + offset, signatureSize);
	size_t textSize = size - offset - signatureSize;
	uint8_t *text = malloc(textSize + 1);
	memcpy(text, data + offset + signatureSize, textSize);

	char error[MANIFEST_ERROR_SIZE] = "";
	status_t status = manifest_check_signature(text, textSize, signature, signatureSize, key,
		error, sizeof(error));
	if (signatureSize != ED25519_SIGNATURE_SIZE)
		check(status == B_BAD_DATA, "a signature of another length was not refused");
	else
		check(status == B_OK || status == B_NOT_ALLOWED, "a status out of place");
	if (status != B_OK)
		check_message(error);
	free(signature);
	free(text);
}


static void
fuzz_signed(const uint8_t *data, size_t size)
{
	uint8_t copy[sizeof(kSigned)];
	memcpy(copy, kSigned, sizeof(copy));
	bool changed = false;
	for (size_t i = 0; i < size && i < sizeof(copy); i++) {
		copy[i] ^= data[i];
		changed |= data[i] != 0;
	}
	char error[MANIFEST_ERROR_SIZE] = "";
	status_t status = manifest_check_signature(copy + SIGNED_TEXT_OFFSET,
		sizeof(copy) - SIGNED_TEXT_OFFSET, copy + ED25519_PUBLIC_KEY_SIZE,
		ED25519_SIGNATURE_SIZE, copy, error, sizeof(error));
	if (changed) {
		check(status == B_NOT_ALLOWED, "a changed manifest, signature or key was accepted");
		check(strcmp(error, "signature does not match the built-in key") == 0,
			"a bad signature with another message");
	} else {
		check(status == B_OK, "the signed manifest was refused");
	}
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	counted_heap_reset();
	if (size > 0 && data[0] == 'S') {
		fuzz_signature(data + 1, size - 1);
	} else if (size > 0 && data[0] == 'M') {
		fuzz_signed(data + 1, size - 1);
	} else {
		/* a copy of the exact size: manifest_parse() must not read past it */
		char *text = malloc(size + 1);
		memcpy(text, data, size);
		fuzz_parse(text, size);
		free(text);
	}
	return 0;
}
