/* SPDX-License-Identifier: MIT */
/*
 * The configuration tests' parse, entry file and diagnostic helpers.
 */
#include "test_config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "unit_test.h"


void
test_config_reset(void)
{
	counted_heap_reset();
}


struct boot_config *
test_parse_bytes(const char *text, size_t length)
{
	/* a copy of exactly length bytes, so that ASan sees any read past them */
	char *copy = malloc(length > 0 ? length : 1);
	memcpy(copy, text, length);
	struct boot_config *config = NULL;
	status_t status = config_parse(TEST_CONFIG_FILE, copy, length, &config);
	free(copy);
	if (status != B_OK)
		unit_fail(__FILE__, __LINE__, "config_parse: %d", (int)status);
	CHECK(config != NULL);
	CHECK(config->entry_count >= 1 && config->entry_count <= CONFIG_MAX_ENTRIES);
	return config;
}


struct boot_config *
test_parse(const char *text)
{
	return test_parse_bytes(text, strlen(text));
}


void
test_check_diagnostics(const struct boot_config *config, const char *const *expected)
{
	uint32_t expectedCount = 0;
	while (expected[expectedCount] != NULL)
		expectedCount++;

	bool same = config->diagnostic_count == expectedCount;
	char line[512];
	for (uint32_t i = 0; same && i < expectedCount; i++) {
		config_format_diagnostic(config, i, line, sizeof(line));
		same = strcmp(line, expected[i]) == 0;
	}
	if (same)
		return;

	printf("  diagnostics:\n");
	for (uint32_t i = 0; i < config->diagnostic_count; i++) {
		config_format_diagnostic(config, i, line, sizeof(line));
		printf("    %s\n", line);
	}
	printf("  expected:\n");
	for (uint32_t i = 0; i < expectedCount; i++)
		printf("    %s\n", expected[i]);
	unit_fail(__FILE__, __LINE__, "the diagnostics differ");
}


void
test_check_error(const char *text, unsigned line, const char *message)
{
	char expected[512];
	snprintf(expected, sizeof(expected), "%s:%u: %s", TEST_CONFIG_FILE, line, message);
	struct boot_config *config = test_parse(text);
	CHECK_DIAGNOSTICS(config, expected);
	test_release(config);
}


void
test_release(struct boot_config *config)
{
	config_free(config);
	CHECK_EQ(counted_heap_live(), 0);
}


struct boot_config *
test_default_config(void)
{
	struct boot_config *config = config_default();
	CHECK(config != NULL);
	return config;
}


/* A heap copy: freed after the call, ASan reports any use the configuration makes of it. */
static char *
copy_string(const char *text)
{
	char *copy = malloc(strlen(text) + 1);
	strcpy(copy, text);
	return copy;
}


status_t
test_add_bls_bytes(struct boot_config *config, const char *fileName, const char *id,
	const char *text, size_t length)
{
	char name[512];
	if (fileName == NULL) {
		snprintf(name, sizeof(name), TEST_BLS_DIRECTORY "%s.conf", id);
		fileName = name;
	}
	struct config_bls_source source = { copy_string(fileName), copy_string(TEST_BLS_VOLUME),
		copy_string(id), copy_string(TEST_BLS_ARCHITECTURE) };
	/* exactly length bytes, so that ASan sees any read past them */
	char *copy = malloc(length > 0 ? length : 1);
	memcpy(copy, text, length);
	status_t status = config_add_bls_entry(config, &source, copy, length);
	free(copy);
	free((char *)source.file_name);
	free((char *)source.volume);
	free((char *)source.id);
	free((char *)source.architecture);
	return status;
}


status_t
test_add_bls(struct boot_config *config, const char *id, const char *text)
{
	return test_add_bls_bytes(config, NULL, id, text, strlen(text));
}


struct boot_config *
test_bls_entry(const char *id, const char *text)
{
	struct boot_config *config = test_default_config();
	status_t status = test_add_bls(config, id, text);
	if (status != B_OK)
		unit_fail(__FILE__, __LINE__, "config_add_bls_entry: %d", (int)status);
	return config;
}
