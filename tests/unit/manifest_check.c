/* SPDX-License-Identifier: MIT */
/*
 * A host program that checks a volume's signed manifest the way the loader
 * will, with the loader's own code (manifest.c, SHA-256, Ed25519), so that
 * tests/unit/test_manifest_tools.py can hold it against manifests and keys
 * the real tools (sha256sum, openssl, build/scripts/sign-manifest) made.
 *
 * manifest_check PUBLIC_KEY.bin VOLUME_ROOT [PATH...]
 *     checks VOLUME_ROOT/boot/loader.sha256 against its .sig and the 32-byte
 *     key, parses it, prints each entry ("<line> <path>"), then hashes
 *     VOLUME_ROOT/PATH for each PATH and compares it with its entry.
 * Exit status 0 when everything is trusted, 1 with a message on stderr when
 * anything is refused, 2 on bad usage or an unreadable file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/manifest.h>
#include <boot/sha2.h>

/* Large enough for every refusal: a file larger than the manifest may be is read whole. */
#define READ_LIMIT	(4 * 1024 * 1024)


/* The whole file, or NULL (said on stderr). */
static char *
read_file(const char *root, const char *path, size_t *_size)
{
	char name[4096];
	snprintf(name, sizeof(name), "%s%s", root, path);
	FILE *file = fopen(name, "rb");
	if (file == NULL) {
		perror(name);
		return NULL;
	}
	char *data = malloc(READ_LIMIT);
	size_t size = fread(data, 1, READ_LIMIT, file);
	fclose(file);
	*_size = size;
	return data;
}


static int
check_file(const char *root, const struct manifest *manifest, const char *path)
{
	const struct manifest_entry *entry = manifest_find(manifest, path);
	if (entry == NULL) {
		fprintf(stderr, "%s: not in the manifest\n", path);
		return 1;
	}
	size_t size;
	char *data = read_file(root, entry->path, &size);
	if (data == NULL)
		return 2;
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256(data, size, digest);
	free(data);
	if (memcmp(digest, entry->digest, sizeof(digest)) != 0) {
		fprintf(stderr, "%s: SHA-256 differs from line %u of the manifest\n", path,
			(unsigned)entry->line);
		return 1;
	}
	printf("trusted %s\n", entry->path);
	return 0;
}


static int
check_manifest(const char *root, const uint8_t *key, char *text, size_t size,
	char **paths, int pathCount)
{
	size_t signatureSize;
	char *signature = read_file(root, MANIFEST_SIGNATURE_PATH, &signatureSize);
	if (signature == NULL)
		return 2;
	char error[MANIFEST_ERROR_SIZE];
	status_t status = manifest_check_signature(text, size, signature, signatureSize, key,
		error, sizeof(error));
	free(signature);
	struct manifest manifest;
	if (status == B_OK)
		status = manifest_parse(text, size, &manifest, error, sizeof(error));
	if (status != B_OK) {
		fprintf(stderr, "%s%s: %s\n", root, MANIFEST_PATH, error);
		return 1;
	}

	for (uint32_t i = 0; i < manifest.count; i++)
		printf("%u %s\n", (unsigned)manifest.entries[i].line, manifest.entries[i].path);
	int result = 0;
	for (int i = 0; i < pathCount && result == 0; i++)
		result = check_file(root, &manifest, paths[i]);
	manifest_free(&manifest);
	return result;
}


int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: manifest_check PUBLIC_KEY.bin VOLUME_ROOT [PATH...]\n");
		return 2;
	}
	size_t keySize;
	char *key = read_file("", argv[1], &keySize);
	if (key == NULL)
		return 2;
	if (keySize != ED25519_PUBLIC_KEY_SIZE) {
		fprintf(stderr, "%s: %zu bytes, not a raw public key\n", argv[1], keySize);
		free(key);
		return 2;
	}
	size_t size;
	char *text = read_file(argv[2], MANIFEST_PATH, &size);
	int result = 2;
	if (text != NULL) {
		result = check_manifest(argv[2], (const uint8_t *)key, text, size, argv + 3,
			argc - 3);
	}
	free(text);
	free(key);
	return result;
}
