/* SPDX-License-Identifier: MIT */
/* Between the trust policy (trust.c) and the manifests it reads (trust_manifests.c). */
#ifndef TRUST_PRIVATE_H
#define TRUST_PRIVATE_H

#include <boot/manifest.h>
#include <boot/vfs.h>

/* One volume's manifest, read and checked once per boot. */
struct trust_volume_manifest {
	struct trust_volume_manifest	*next;
	const struct vfs_volume			*volume;
	status_t						status;		/* B_OK: manifest is signed and parsed */
	struct manifest					manifest;
	char							path[VFS_PATH_LENGTH];	/* "(disk0p1)/boot/loader.sha256" */
	char							reason[VFS_PATH_LENGTH + VFS_ERROR_SIZE + 8];	/* when not B_OK */
};

/*
 * The volume's manifest, read on first use; its status says whether it can
 * be trusted. Errors: B_NO_MEMORY only.
 */
status_t trust_manifest_of(const struct vfs_volume *volume,
	const struct trust_volume_manifest **_manifest);

#endif
