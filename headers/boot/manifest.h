/* SPDX-License-Identifier: MIT */
/*
 * The signed trust manifest of verified boot: a volume's list of the SHA-256
 * of the files the loader may use, in GNU sha256sum's output format, with a
 * detached Ed25519 signature (docs/verified_boot.md, "The manifest").
 */
#ifndef BOOT_MANIFEST_H
#define BOOT_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include <boot/ed25519.h>
#include <boot/sha2.h>
#include <boot/status.h>
#include <boot/vfs.h>

#define MANIFEST_PATH				"/boot/loader.sha256"
#define MANIFEST_SIGNATURE_PATH		"/boot/loader.sha256.sig"
/* Larger files are refused before they are hashed or parsed. */
#define MANIFEST_MAX_SIZE			(64 * 1024)
/*
 * Longest path a line may hold, as written: with the '/' the parser adds to a
 * path written without one it is at most VFS_PATH_LENGTH, as the VFS takes.
 */
#define MANIFEST_MAX_PATH_LENGTH	(VFS_PATH_LENGTH - 1)
/* Room for any message the functions below write, with the NUL. */
#define MANIFEST_ERROR_SIZE			160

struct manifest_entry {
	uint8_t		digest[SHA256_DIGEST_SIZE];
	char		*path;		/* always starts with '/' */
	uint32_t	line;		/* in the manifest file, from 1 */
};

struct manifest {
	struct manifest_entry	*entries;	/* in file order */
	uint32_t				count;		/* at least 1 once parsed */
};

/*
 * The message buffers: error may be NULL; otherwise it gets a one-line
 * message without the file's name (the caller prefixes it) when the function
 * fails, truncated to errorSize bytes with the NUL.
 */

/*
 * Whether signature (signatureSize bytes, as read from the signature file) is
 * publicKey's pure Ed25519 signature of the size bytes at text, the manifest
 * file exactly as read. Check this first: the text is parsed only once its
 * signature is good.
 * Errors: B_BAD_DATA for a text larger than MANIFEST_MAX_SIZE or a signature
 * that is not ED25519_SIGNATURE_SIZE bytes long, B_NOT_ALLOWED for a
 * signature that does not match.
 */
status_t manifest_check_signature(const void *text, size_t size, const void *signature,
	size_t signatureSize, const uint8_t publicKey[ED25519_PUBLIC_KEY_SIZE], char *error,
	size_t errorSize);

/*
 * Parse the size bytes at text (no NUL needed) into *manifest, which owns
 * its entries (on the loader heap) until manifest_free(). Every path is stored
 * with a leading '/'. On failure *manifest is empty and needs no freeing.
 * Errors: B_BAD_DATA for a text larger than MANIFEST_MAX_SIZE, one that does
 * not end in a newline, a line that is not a comment or sha256sum's output,
 * a path listed twice (ASCII case-insensitively) and a file without entries,
 * each with the line it is on; B_NO_MEMORY.
 */
status_t manifest_parse(const char *text, size_t size, struct manifest *manifest,
	char *error, size_t errorSize);

/*
 * The entry for path (with or without its leading '/', ASCII
 * case-insensitively, as FAT compares names), or NULL.
 */
const struct manifest_entry *manifest_find(const struct manifest *manifest,
	const char *path);

/* Frees the entries; *manifest is empty after, and may be freed again. */
void manifest_free(struct manifest *manifest);

#endif
