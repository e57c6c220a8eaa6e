/* SPDX-License-Identifier: MIT */
/*
 * What the configuration parser tests share: helpers that parse and compare
 * diagnostics. The heap is tests/support/counted_heap.c, which can be told to
 * fail.
 */
#ifndef TEST_CONFIG_H
#define TEST_CONFIG_H

#include <stddef.h>

#include <boot/config.h>

#include "../support/counted_heap.h"

#define TEST_CONFIG_FILE	"/boot/loader.cfg"

/* At the start of each case: no failing allocation, earlier failures' leaks forgotten. */
void test_config_reset(void);

/* Parse length bytes (the whole string for test_parse); the parse must succeed. */
struct boot_config *test_parse_bytes(const char *text, size_t length);
struct boot_config *test_parse(const char *text);

/*
 * The diagnostics, formatted, must be exactly the NULL-terminated list
 * expected (file name included); prints both lists when they differ.
 */
void test_check_diagnostics(const struct boot_config *config, const char *const *expected);
#define CHECK_DIAGNOSTICS(config, ...) \
	test_check_diagnostics(config, (const char *const[]){ __VA_ARGS__, NULL })
#define CHECK_NO_DIAGNOSTICS(config) \
	test_check_diagnostics(config, (const char *const[]){ NULL })

/* Parse text and expect exactly one diagnostic, "<file>:<line>: <message>". */
void test_check_error(const char *text, unsigned line, const char *message);

/* config_free(), and no heap block may be left. */
void test_release(struct boot_config *config);

/* Where the Type #1 entry files of the tests are, and the volume their paths are on. */
#define TEST_BLS_DIRECTORY		"(disk0p1)/loader/entries/"
#define TEST_BLS_VOLUME			"disk0p2"
#define TEST_BLS_ARCHITECTURE	"x64"

/* config_default(), which must succeed: the configuration without loader.cfg. */
struct boot_config *test_default_config(void);

/*
 * config_add_bls_entry() with length bytes of text as the file
 * TEST_BLS_DIRECTORY<id>.conf, or as fileName when it is not NULL.
 */
status_t test_add_bls_bytes(struct boot_config *config, const char *fileName, const char *id,
	const char *text, size_t length);
status_t test_add_bls(struct boot_config *config, const char *id, const char *text);

/* Add text as <id>.conf to a default configuration; it must be added. */
struct boot_config *test_bls_entry(const char *id, const char *text);

#endif
