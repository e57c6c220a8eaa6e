/* SPDX-License-Identifier: MIT */
/*
 * The signed manifests, one per volume: read when a file of the volume is
 * first checked, the signature checked against the built-in key before the
 * text is parsed, and kept until handoff.
 */
#include <stdio.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/stdio.h>
#include <boot/trust.h>
#include <boot/trust_anchors.h>

#include "trust_private.h"

static struct trust_volume_manifest *sManifests;


/*
 * A file of at most maxSize bytes, whole, into *_data (heap_free it). The
 * size is checked before anything is read: a huge file costs nothing.
 */
static status_t
trust_read_file(const char *path, size_t maxSize, void **_data, size_t *_size,
	char *reason, size_t reasonSize)
{
	char error[VFS_ERROR_SIZE];
	struct vfs_file *file;
	uint64_t size;
	status_t status = vfs_open_regular(path, &file, &size, error, sizeof(error));
	if (status != B_OK) {
		snprintf(reason, reasonSize, "%s", error);
		return status;
	}
	if (size > maxSize) {
		vfs_close(file);
		snprintf(reason, reasonSize, "%s: larger than %zu bytes", path, maxSize);
		return B_BAD_DATA;
	}
	/* one byte more, so that an empty file has a buffer too */
	void *data = heap_alloc((size_t)size + 1);
	status = data == NULL ? B_NO_MEMORY
		: vfs_read_exact(file, 0, data, (size_t)size, error, sizeof(error));
	vfs_close(file);
	if (status != B_OK) {
		heap_free(data);
		snprintf(reason, reasonSize, "%s", status == B_NO_MEMORY
			? status_string(status) : error);
		return status;
	}
	*_data = data;
	*_size = (size_t)size;
	return B_OK;
}


/* Read, check and parse the manifest into entry; its status says how that went. */
static void
trust_load_manifest(struct trust_volume_manifest *entry, const char *device)
{
	char signaturePath[VFS_PATH_LENGTH];
	snprintf(entry->path, sizeof(entry->path), "(%s)%s", device, MANIFEST_PATH);
	snprintf(signaturePath, sizeof(signaturePath), "(%s)%s", device,
		MANIFEST_SIGNATURE_PATH);

	void *text = NULL;
	void *signature = NULL;
	size_t textSize = 0;
	size_t signatureSize = 0;
	char error[VFS_ERROR_SIZE];
	status_t status = trust_read_file(entry->path, MANIFEST_MAX_SIZE, &text, &textSize,
		entry->reason, sizeof(entry->reason));
	if (status == B_ENTRY_NOT_FOUND) {
		snprintf(entry->reason, sizeof(entry->reason), "its volume has no %s",
			MANIFEST_PATH);
	}
	if (status == B_OK) {
		status = trust_read_file(signaturePath, MANIFEST_MAX_SIZE, &signature,
			&signatureSize, entry->reason, sizeof(entry->reason));
	}
	if (status == B_OK) {
		status = manifest_check_signature(text, textSize, signature, signatureSize,
			gTrustAnchors.public_key, error, sizeof(error));
		if (status != B_OK) {
			snprintf(entry->reason, sizeof(entry->reason), "%s: %s", signaturePath,
				error);
		}
	}
	if (status == B_OK) {
		status = manifest_parse(text, textSize, &entry->manifest, error, sizeof(error));
		if (status != B_OK)
			snprintf(entry->reason, sizeof(entry->reason), "%s: %s", entry->path, error);
	}
	heap_free(text);
	heap_free(signature);
	entry->status = status;
	if (status == B_OK) {
		boot_dprintf("trust: %s: signed, %u files\n", entry->path,
			entry->manifest.count);
	} else
		boot_dprintf("trust: %s\n", entry->reason);
}


status_t
trust_manifest_of(const struct vfs_volume *volume,
	const struct trust_volume_manifest **_manifest)
{
	for (struct trust_volume_manifest *entry = sManifests; entry != NULL;
			entry = entry->next) {
		if (entry->volume == volume) {
			*_manifest = entry;
			return B_OK;
		}
	}

	struct trust_volume_manifest *entry = heap_calloc(1, sizeof(*entry));
	if (entry == NULL)
		return B_NO_MEMORY;
	struct vfs_volume_info info;
	vfs_volume_get_info(volume, &info);
	entry->volume = volume;
	trust_load_manifest(entry, info.device_name);
	entry->next = sManifests;
	sManifests = entry;
	*_manifest = entry;
	return B_OK;
}


void
trust_cleanup(void)
{
	while (sManifests != NULL) {
		struct trust_volume_manifest *entry = sManifests;
		sManifests = entry->next;
		if (entry->status == B_OK)
			manifest_free(&entry->manifest);
		heap_free(entry);
	}
}
