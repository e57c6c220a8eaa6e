/*
 * The configuration tests' heap: malloc, counted, with one allocation made
 * to fail on demand, and their parse and diagnostic helpers.
 */
#include "test_config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/heap.h>

#include "unit_test.h"


long gTestConfigLive;
long gTestConfigAllocations;
long gTestConfigFailAt;


static bool
allocation_fails(void)
{
	gTestConfigAllocations++;
	return gTestConfigAllocations == gTestConfigFailAt;
}


void *
heap_alloc(size_t size)
{
	if (allocation_fails())
		return NULL;
	/* not zeroed, and never 0 bytes: the parser must not rely on either */
	void *block = malloc(size > 0 ? size : 1);
	if (block != NULL) {
		memset(block, 0xa5, size > 0 ? size : 1);
		gTestConfigLive++;
	}
	return block;
}


void *
heap_calloc(size_t count, size_t size)
{
	if (allocation_fails())
		return NULL;
	void *block = calloc(count > 0 ? count : 1, size > 0 ? size : 1);
	if (block != NULL)
		gTestConfigLive++;
	return block;
}


void
heap_free(void *pointer)
{
	if (pointer != NULL)
		gTestConfigLive--;
	free(pointer);
}


void
test_config_reset(void)
{
	gTestConfigLive = 0;
	gTestConfigAllocations = 0;
	gTestConfigFailAt = 0;
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
	CHECK_EQ(gTestConfigLive, 0);
}
