/* SPDX-License-Identifier: MIT */
/*
 * Loader variables for the hosted port: those the command line gives
 * (--loader-variable NAME=VALUE) can be read, and every one the loader sets
 * is logged, so that the tests see the Boot Loader Interface at work.
 */
#include "host_platform.h"

#include <stdio.h>
#include <string.h>

#include <boot/platform.h>
#include <boot/stdio.h>

#define HOST_MAX_VARIABLES		16

/* "NAME=VALUE" as given; NULL once consumed */
static const char *sVariables[HOST_MAX_VARIABLES];
static uint32_t sVariableCount;


bool
host_add_loader_variable(const char *assignment)
{
	if (strchr(assignment, '=') == NULL || sVariableCount == HOST_MAX_VARIABLES)
		return false;
	sVariables[sVariableCount++] = assignment;
	return true;
}


status_t
platform_get_loader_variable(const char *name, char *value, size_t size, bool consume)
{
	size_t length = strlen(name);
	for (uint32_t i = 0; i < sVariableCount; i++) {
		const char *assignment = sVariables[i];
		if (assignment == NULL || strncmp(assignment, name, length) != 0
			|| assignment[length] != '=')
			continue;
		if (consume) {
			sVariables[i] = NULL;
			boot_dprintf("host: loader variable %s deleted\n", name);
		}
		const char *text = assignment + length + 1;
		if (strlen(text) >= size)
			return B_BUFFER_OVERFLOW;
		strcpy(value, text);
		return B_OK;
	}
	return B_ENTRY_NOT_FOUND;
}


status_t
platform_set_loader_variable(const char *name, const void *value, size_t size,
	uint32_t flags)
{
	bool text = (flags & PLATFORM_VARIABLE_TEXT) != 0;
	const char *kind = (flags & PLATFORM_VARIABLE_PERSISTENT) != 0 ? "persistent " : "";
	if (size == 0) {
		boot_dprintf("host: %sloader variable %s deleted\n", kind, name);
		return B_OK;
	}
	char shown[512];
	size_t length = 0;
	shown[0] = '\0';
	/* a list's strings one after the other, each quoted; bytes in hex */
	for (size_t i = 0; i < size && length + 8 < sizeof(shown); i++) {
		unsigned char byte = ((const unsigned char *)value)[i];
		const char *format = !text ? "%02x" : byte == '\0' ? "\"" : "%c";
		if (text && (i == 0 || ((const char *)value)[i - 1] == '\0'))
			length += (size_t)snprintf(shown + length, sizeof(shown) - length, " \"");
		length += (size_t)snprintf(shown + length, sizeof(shown) - length, format, byte);
	}
	boot_dprintf("host: %sloader variable %s =%s%s\n", kind, name, text ? "" : " ", shown);
	return B_OK;
}
