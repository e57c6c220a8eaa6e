/* SPDX-License-Identifier: MIT */
/*
 * Which files the loader may use: the policy (Secure Boot or the
 * configuration asks for verification) and the check of one file's digest
 * against the built-in digests and its volume's signed manifest.
 */
#include <boot/trust.h>

#include <stdio.h>
#include <string.h>

#include <boot/arch_cpu.h>
#include <boot/config.h>
#include <boot/manifest.h>
#include <boot/measure.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/trust_anchors.h>
#include <boot/vfs.h>

#include "trust_private.h"

static enum platform_secure_boot sSecureBoot;
static bool sRequired;


void
trust_init(void)
{
	sSecureBoot = platform_secure_boot_state();
	static const char *const kStates[] = {
		[PLATFORM_SECURE_BOOT_OFF] = "off",
		[PLATFORM_SECURE_BOOT_SETUP] = "in setup mode",
		[PLATFORM_SECURE_BOOT_ENFORCING] = "enforcing",
	};
	boot_dprintf("trust: Secure Boot is %s; %u built-in digests, %s signing key\n",
		kStates[sSecureBoot], gTrustAnchors.digest_count,
		(gTrustAnchors.flags & TRUST_ANCHORS_HAS_KEY) != 0 ? "a" : "no");
	/* What verification costs depends on it (docs/verified_boot.md, "Cost"). */
	const char *instructions = arch_cpu_sha256_instructions();
	if (instructions != NULL)
		boot_dprintf("trust: SHA-256 with the CPU's instructions (%s)\n", instructions);
	else
		boot_dprintf("trust: SHA-256 in portable C (the CPU has no SHA-256 instructions)\n");
}


void
trust_require(void)
{
	if (!sRequired && sSecureBoot != PLATFORM_SECURE_BOOT_ENFORCING)
		boot_dprintf("trust: the configuration requires verification\n");
	sRequired = true;
}


bool
trust_verifying(void)
{
	return sRequired || sSecureBoot == PLATFORM_SECURE_BOOT_ENFORCING;
}


bool
trust_needs_digest(void)
{
	return trust_verifying() || measure_enabled();
}


const char *
trust_notice(void)
{
	/* A loader with nothing to check against was not built to verify. */
	if (trust_verifying()
		|| ((gTrustAnchors.flags & TRUST_ANCHORS_HAS_KEY) == 0
			&& gTrustAnchors.digest_count == 0))
		return NULL;
	return sSecureBoot == PLATFORM_SECURE_BOOT_SETUP
		? "Secure Boot is in setup mode: kernels, modules and configuration are not verified"
		: "Secure Boot is off: kernels, modules and configuration are not verified";
}


static bool
trust_is_built_in(const uint8_t digest[SHA256_DIGEST_SIZE])
{
	uint32_t count = gTrustAnchors.digest_count;
	if (count > TRUST_ANCHORS_MAX_DIGESTS)
		count = TRUST_ANCHORS_MAX_DIGESTS;
	for (uint32_t i = 0; i < count; i++) {
		if (memcmp(gTrustAnchors.digests[i], digest, SHA256_DIGEST_SIZE) == 0)
			return true;
	}
	return false;
}


/* The path on its volume: what a manifest lists, without "(volume)". */
static const char *
trust_volume_path(const char *path)
{
	if (path[0] == '(') {
		const char *end = strchr(path, ')');
		if (end != NULL)
			return end + 1;
	}
	return path;
}


/*
 * The manifest's line for path: its own, else, for a file whose name ends in
 * a boot counter, the line for the name without it. The loader renames such
 * files at each try ("a+3.conf", "a+2-1.conf"), so a manifest lists them
 * by the name they keep ("a.conf"); the digest decides all the same.
 */
static const struct manifest_entry *
trust_find_line(const struct manifest *manifest, const char *path)
{
	const struct manifest_entry *entry = manifest_find(manifest, path);
	if (entry != NULL)
		return entry;
	const char *name = strrchr(path, '/');
	const char *suffix = name != NULL ? strrchr(name, '.') : NULL;
	if (suffix == NULL)
		return NULL;
	name++;
	int32_t left, done;
	size_t nameLength = config_bls_counter(name, (size_t)(suffix - name), &left, &done);
	char uncounted[VFS_PATH_LENGTH];
	if (left < 0 || (size_t)snprintf(uncounted, sizeof(uncounted), "%.*s%s",
			(int)(name + nameLength - path), path, suffix) >= sizeof(uncounted))
		return NULL;
	return manifest_find(manifest, uncounted);
}


/* Why the digest is not trusted, into error; B_OK when it is. */
static status_t
trust_verify(const struct vfs_volume *volume, const char *path,
	const uint8_t digest[SHA256_DIGEST_SIZE], char *error, size_t errorSize)
{
	if (trust_is_built_in(digest))
		return B_OK;
	if ((gTrustAnchors.flags & TRUST_ANCHORS_HAS_KEY) == 0) {
		snprintf(error, errorSize, "refused: its SHA-256 is not built into the loader, "
			"which has no key to check a manifest with");
		return B_NOT_ALLOWED;
	}

	const struct trust_volume_manifest *signedManifest;
	status_t status = trust_manifest_of(volume, &signedManifest);
	if (status != B_OK) {
		if (status == B_NO_MEMORY)
			snprintf(error, errorSize, "no memory for its volume's manifest");
		return status;
	}
	if (signedManifest->status != B_OK) {
		snprintf(error, errorSize, "refused: its SHA-256 is not built into the loader, "
			"and %s", signedManifest->reason);
		return B_NOT_ALLOWED;
	}
	const struct manifest_entry *entry = trust_find_line(&signedManifest->manifest,
		trust_volume_path(path));
	if (entry == NULL) {
		snprintf(error, errorSize, "refused: it is not listed in %s",
			signedManifest->path);
		return B_NOT_ALLOWED;
	}
	if (memcmp(entry->digest, digest, SHA256_DIGEST_SIZE) != 0) {
		snprintf(error, errorSize, "refused: its SHA-256 is not the one %s lists on "
			"line %u", signedManifest->path, entry->line);
		return B_NOT_ALLOWED;
	}
	return B_OK;
}


status_t
trust_check(enum trust_kind kind, const struct vfs_volume *volume, const char *path,
	const uint8_t digest[SHA256_DIGEST_SIZE], char *error, size_t errorSize)
{
	if (trust_verifying()) {
		status_t status = trust_verify(volume, path, digest, error, errorSize);
		if (status != B_OK) {
			boot_dprintf("trust: %s: %s\n", path, error);
			return status;
		}
		boot_dprintf("trust: %s verified\n", path);
	}
	measure_file(kind, path, digest);
	return B_OK;
}


status_t
trust_check_data(enum trust_kind kind, const struct vfs_volume *volume, const char *path,
	const void *data, size_t size, char *error, size_t errorSize)
{
	if (!trust_needs_digest())
		return B_OK;
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256(data, size, digest);
	return trust_check(kind, volume, path, digest, error, errorSize);
}


status_t
trust_check_image(const struct vfs_volume *volume, const char *path, const void *data,
	size_t size, char *error, size_t errorSize)
{
	if (!trust_verifying() || sSecureBoot == PLATFORM_SECURE_BOOT_ENFORCING)
		return B_OK;
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256(data, size, digest);
	status_t status = trust_verify(volume, path, digest, error, errorSize);
	boot_dprintf("trust: %s: %s\n", path, status == B_OK ? "verified" : error);
	return status;
}
