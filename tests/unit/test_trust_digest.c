/* SPDX-License-Identifier: MIT */
/*
 * A file's SHA-256 from the pieces the ELF loader reads (trust_digest.c):
 * in any order, with gaps the digest reads itself, equal to the hash of the
 * whole file; and the head read twice must be the same bytes twice.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <boot/heap.h>
#include <boot/trust.h>
#include <boot/vfs.h>

#include "unit_test.h"

#define FILE_SIZE	20000

/* The file the digest reads its gaps from; the test's own kind of vfs_file. */
struct vfs_file {
	uint8_t	data[FILE_SIZE];
	int		reads;		/* the digest's own reads */
};


bool
trust_needs_digest(void)
{
	return true;
}


status_t
vfs_read_exact(struct vfs_file *file, uint64_t offset, void *buffer, size_t length,
	char *error, size_t errorSize)
{
	CHECK(offset + length <= FILE_SIZE);
	memcpy(buffer, file->data + offset, length);
	file->reads++;
	return B_OK;
}


void *
heap_alloc(size_t size)
{
	return malloc(size);
}


void
heap_free(void *pointer)
{
	free(pointer);
}


static struct vfs_file *
test_file(void)
{
	struct vfs_file *file = calloc(1, sizeof(*file));
	CHECK(file != NULL);
	for (size_t i = 0; i < FILE_SIZE; i++)
		file->data[i] = (uint8_t)(i * 7 + (i >> 8));
	return file;
}


/* What the loader read at offset, as it read it: the file's bytes. */
static status_t
test_add(struct trust_digest *digest, struct vfs_file *file, uint64_t offset, size_t length)
{
	char error[128];
	return trust_digest_add(digest, file, offset, file->data + offset, length, error,
		sizeof(error));
}


static void
test_check_whole(struct trust_digest *digest, struct vfs_file *file)
{
	uint8_t expected[SHA256_DIGEST_SIZE];
	uint8_t actual[SHA256_DIGEST_SIZE];
	char error[128];
	sha256(file->data, FILE_SIZE, expected);
	CHECK_EQ(trust_digest_finish(digest, file, FILE_SIZE, actual, error, sizeof(error)), B_OK);
	CHECK(memcmp(expected, actual, sizeof(actual)) == 0);
}


TEST(trust_digest_of_pieces_with_gaps_and_rereads_is_the_whole_files)
{
	struct vfs_file *file = test_file();
	struct trust_digest *digest = malloc(sizeof(*digest));
	trust_digest_start(digest);
	/* an ELF loader: header, program headers, a segment holding them again, */
	CHECK_EQ(test_add(digest, file, 0, 64), B_OK);
	CHECK_EQ(test_add(digest, file, 64, 112), B_OK);
	CHECK_EQ(test_add(digest, file, 0, 6000), B_OK);
	/* a segment past a gap, the section headers at the end, a symbol table */
	CHECK_EQ(test_add(digest, file, 8192, 3000), B_OK);
	CHECK_EQ(test_add(digest, file, 19000, 1000), B_OK);
	CHECK_EQ(test_add(digest, file, 15000, 500), B_OK);
	CHECK_EQ(file->reads, 2);
	test_check_whole(digest, file);
	free(digest);
	free(file);
}


TEST(trust_digest_reads_what_no_piece_covers)
{
	struct vfs_file *file = test_file();
	struct trust_digest *digest = malloc(sizeof(*digest));
	trust_digest_start(digest);
	/* the first piece far in: the head is hashed from the digest's own read */
	CHECK_EQ(test_add(digest, file, 12000, 100), B_OK);
	CHECK_EQ(test_add(digest, file, 0, 64), B_OK);
	test_check_whole(digest, file);
	CHECK(file->reads >= 2);
	free(digest);
	free(file);
}


TEST(trust_digest_refuses_a_head_that_changed_between_reads)
{
	struct vfs_file *file = test_file();
	struct trust_digest *digest = malloc(sizeof(*digest));
	trust_digest_start(digest);
	CHECK_EQ(test_add(digest, file, 0, 512), B_OK);
	/* the disk answers the same offsets with another byte the second time */
	uint8_t *copy = malloc(4096);
	memcpy(copy, file->data, 4096);
	copy[300] ^= 1;
	char error[128] = "";
	CHECK_EQ(trust_digest_add(digest, file, 0, copy, 4096, error, sizeof(error)), B_BAD_DATA);
	CHECK(strcmp(error, "the disk gave other bytes in its first 4096 on a second read") == 0);
	free(copy);
	free(digest);
	free(file);
}
