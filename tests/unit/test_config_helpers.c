/* SPDX-License-Identifier: MIT */
/*
 * The configuration tests' parse and diagnostic helpers.
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
