/* SPDX-License-Identifier: MIT */
/*
 * A file's SHA-256 from the pieces the loader reads anyway. The ELF loader
 * reads the headers, then each segment straight into its pages, then the
 * symbol tables: in rising offsets but with gaps. The hash takes each byte
 * once, in file order; a gap is read for the hash alone, so that the cost is
 * one pass over the file, never a second read of what the loader keeps.
 *
 * A byte read again after it was hashed must be what was hashed: for the
 * file's first TRUST_DIGEST_HEAD_SIZE bytes (the headers, which the first
 * segment usually holds once more) that is checked against a copy; beyond
 * them (the symbol tables, after the section headers) it is taken as the
 * first read gave it (docs/verified_boot.md, "Limits").
 */
#include <boot/trust.h>

#include <stdio.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/vfs.h>

/* Gaps are read in pieces of this size: the symbol tables are often large. */
#define GAP_BUFFER_SIZE		(64 * 1024)


void
trust_digest_start(struct trust_digest *digest)
{
	digest->enabled = trust_needs_digest();
	digest->hashed = 0;
	if (digest->enabled)
		sha256_init(&digest->context);
}


/*
 * Keep the head bytes at [offset, end) as they are hashed, or, read again,
 * check them against what was kept.
 */
static status_t
trust_digest_head(struct trust_digest *digest, uint64_t offset, const uint8_t *bytes,
	uint64_t end, bool again, char *error, size_t errorSize)
{
	if (end > TRUST_DIGEST_HEAD_SIZE)
		end = TRUST_DIGEST_HEAD_SIZE;
	if (offset >= end)
		return B_OK;
	if (!again) {
		memcpy(digest->head + offset, bytes, (size_t)(end - offset));
		return B_OK;
	}
	if (memcmp(digest->head + offset, bytes, (size_t)(end - offset)) == 0)
		return B_OK;
	snprintf(error, errorSize, "the disk gave other bytes in its first %d on a second read",
		TRUST_DIGEST_HEAD_SIZE);
	return B_BAD_DATA;
}


/* Hash the file's bytes from digest->hashed up to end, reading them. */
static status_t
trust_digest_fill(struct trust_digest *digest, struct vfs_file *file, uint64_t end,
	char *error, size_t errorSize)
{
	if (digest->hashed >= end)
		return B_OK;
	size_t bufferSize = end - digest->hashed < GAP_BUFFER_SIZE
		? (size_t)(end - digest->hashed) : GAP_BUFFER_SIZE;
	void *buffer = heap_alloc(bufferSize);
	if (buffer == NULL)
		return B_NO_MEMORY;
	status_t status = B_OK;
	while (status == B_OK && digest->hashed < end) {
		size_t length = end - digest->hashed < bufferSize
			? (size_t)(end - digest->hashed) : bufferSize;
		status = vfs_read_exact(file, digest->hashed, buffer, length, error, errorSize);
		if (status == B_OK) {
			trust_digest_head(digest, digest->hashed, buffer, digest->hashed + length, false,
				NULL, 0);
			sha256_update(&digest->context, buffer, length);
			digest->hashed += length;
		}
	}
	heap_free(buffer);
	return status;
}


status_t
trust_digest_add(struct trust_digest *digest, struct vfs_file *file, uint64_t offset,
	const void *data, size_t length, char *error, size_t errorSize)
{
	if (!digest->enabled)
		return B_OK;
	status_t status = trust_digest_fill(digest, file, offset, error, errorSize);
	if (status != B_OK)
		return status;
	const uint8_t *bytes = data;
	uint64_t end = offset + length;
	uint64_t seen = end < digest->hashed ? end : digest->hashed;
	status = trust_digest_head(digest, offset, bytes, seen, true, error, errorSize);
	if (status == B_OK && end > digest->hashed) {
		const uint8_t *fresh = bytes + (digest->hashed - offset);
		trust_digest_head(digest, digest->hashed, fresh, end, false, NULL, 0);
		sha256_update(&digest->context, fresh, (size_t)(end - digest->hashed));
		digest->hashed = end;
	}
	return status;
}


status_t
trust_digest_finish(struct trust_digest *digest, struct vfs_file *file, uint64_t size,
	uint8_t result[SHA256_DIGEST_SIZE], char *error, size_t errorSize)
{
	status_t status = trust_digest_fill(digest, file, size, error, errorSize);
	if (status == B_OK)
		sha256_final(&digest->context, result);
	return status;
}
