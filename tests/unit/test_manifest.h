/* SPDX-License-Identifier: MIT */
/*
 * What the manifest tests share: parsing a string and checking the result or
 * the exact message, with the heap (tests/support/counted_heap.c) checked for
 * leaks after each.
 */
#ifndef TEST_MANIFEST_H
#define TEST_MANIFEST_H

#include <stddef.h>

#include <boot/manifest.h>

#include "../support/counted_heap.h"

/* A digest of 64 hex digits, and the same in upper case, for lines of the tests. */
#define TEST_DIGEST			"0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978"
#define TEST_DIGEST_UPPER	"0123456789ABCDEF00112233445566778899AABBCCDDEEFF0F1E2D3C4B5A6978"

/* size bytes of text must parse; manifest_free() and no leak is the caller's. */
void test_manifest_parse_bytes(const char *text, size_t size, struct manifest *manifest);
void test_manifest_parse(const char *text, struct manifest *manifest);

/* size bytes of text must fail with B_BAD_DATA and exactly message, leaving nothing. */
void test_manifest_error_bytes(const char *text, size_t size, const char *message);
void test_manifest_error(const char *text, const char *message);

/* manifest_free() it, and no heap block may be left. */
void test_manifest_release(struct manifest *manifest);

#endif
