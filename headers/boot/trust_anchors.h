/* SPDX-License-Identifier: MIT */
/*
 * The trust built into a loader binary: the manifest signing key and the
 * SHA-256 of files (the kernel it is built with) trusted without a manifest.
 *
 * The block lives in the loader's initialised data, found in the built file
 * by its marker, and is filled in by build/scripts/embed-trust before the
 * loader is signed, so that one build serves every key; the firmware's
 * signature check then covers it. Numbers are little-endian, as on every
 * architecture the loader runs on.
 */
#ifndef BOOT_TRUST_ANCHORS_H
#define BOOT_TRUST_ANCHORS_H

#include <stdint.h>

#include <boot/ed25519.h>
#include <boot/sha2.h>

#define TRUST_ANCHORS_MARKER		"LoaderTrust v1\n"	/* 16 bytes with its NUL */
#define TRUST_ANCHORS_MAX_DIGESTS	30
#define TRUST_ANCHORS_HAS_KEY		0x1

struct trust_anchors {
	char		marker[16];
	uint32_t	flags;
	uint32_t	digest_count;
	uint8_t		public_key[ED25519_PUBLIC_KEY_SIZE];
	uint8_t		digests[TRUST_ANCHORS_MAX_DIGESTS][SHA256_DIGEST_SIZE];
};

_Static_assert(sizeof(struct trust_anchors) == 1016,
	"build/scripts/embed-trust writes this layout");

extern struct trust_anchors gTrustAnchors;

#endif
