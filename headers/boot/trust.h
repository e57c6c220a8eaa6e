/* SPDX-License-Identifier: MIT */
/*
 * Verified boot. With Secure Boot enforcing, or require_verification = yes,
 * every configuration file, Boot Loader Specification entry, kernel and
 * module the loader uses must have a trusted SHA-256: one of the digests
 * built into the loader, or the one its volume's signed manifest lists for
 * its path (boot/manifest.h). Each file is checked once it is in memory and
 * before it is used; a refused file is never used. The same digest is what
 * measured boot extends into the TPM (boot/measure.h).
 * docs/verified_boot.md describes the trust for users.
 */
#ifndef BOOT_TRUST_H
#define BOOT_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/sha2.h>
#include <boot/status.h>

struct vfs_file;
struct vfs_volume;

/*
 * Room for a refusal's reason: it names the manifest by its volume and path,
 * which are short; a longer one is cut.
 */
#define TRUST_REASON_SIZE	192

enum trust_kind {
	TRUST_CONFIGURATION,	/* loader.cfg and BLS entry files */
	TRUST_KERNEL,
	TRUST_MODULE,			/* modules and initrds */
	TRUST_SPLASH,			/* an entry's splash image */
};

/* Ask the firmware whether Secure Boot enforces; once the volumes are up. */
void trust_init(void);

/* The configuration asks for verification whatever the firmware says. */
void trust_require(void);

/* Whether files are verified now. */
bool trust_verifying(void);

/* Whether loading must compute digests: to verify them or to measure them. */
bool trust_needs_digest(void);

/*
 * What the menu says once when files are not verified, or NULL when they
 * are (or the loader was built without any trust to check against).
 */
const char *trust_notice(void);

/*
 * Whether the file at path on volume (whose manifest counts) with that
 * SHA-256 may be used as kind; it is measured when it may. error gets the
 * reason for a refusal, without the file's name, which callers give.
 * Errors: B_NOT_ALLOWED (refused), B_NO_MEMORY.
 */
status_t trust_check(enum trust_kind kind, const struct vfs_volume *volume, const char *path,
	const uint8_t digest[SHA256_DIGEST_SIZE], char *error, size_t errorSize);

/* trust_check for a file read whole into data; hashes it only when needed. */
status_t trust_check_data(enum trust_kind kind, const struct vfs_volume *volume,
	const char *path, const void *data, size_t size, char *error, size_t errorSize);

/*
 * An executable the firmware starts (an efi or linux entry): the firmware
 * checks and measures it itself under Secure Boot, so the loader verifies
 * it only when the configuration requires verification without Secure
 * Boot, and never measures it. Errors: those of trust_check.
 */
status_t trust_check_image(const struct vfs_volume *volume, const char *path,
	const void *data, size_t size, char *error, size_t errorSize);

/* Forget the manifests read; before handoff and when booting fails. */
void trust_cleanup(void);


/*
 * A file's digest while it is read in pieces at any offsets (the kernel by
 * its headers and segments): bytes are hashed in file order as the pieces
 * arrive, and the bytes no piece covers are read for the hash alone. The
 * file's head (its headers, which the first segment usually holds again)
 * is kept, so that a second read of it must give the bytes that were hashed.
 */
#define TRUST_DIGEST_HEAD_SIZE	4096

struct trust_digest {
	sha256_context	context;
	uint64_t		hashed;		/* the first byte not yet hashed */
	bool			enabled;	/* trust_needs_digest() when started */
	uint8_t			head[TRUST_DIGEST_HEAD_SIZE];	/* the file's first bytes, as hashed */
};

void trust_digest_start(struct trust_digest *digest);
status_t trust_digest_add(struct trust_digest *digest, struct vfs_file *file,
	uint64_t offset, const void *data, size_t length, char *error, size_t errorSize);
status_t trust_digest_finish(struct trust_digest *digest, struct vfs_file *file,
	uint64_t size, uint8_t result[SHA256_DIGEST_SIZE], char *error, size_t errorSize);

#endif
