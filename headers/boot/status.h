/* SPDX-License-Identifier: MIT */
/*
 * Error codes shared by the generic loader and every platform port.
 */
#ifndef BOOT_STATUS_H
#define BOOT_STATUS_H

#include <stdint.h>

typedef int32_t status_t;

/* 0 is success; failures are small negative numbers so they survive any ABI. */
enum {
	B_OK = 0,
	B_ERROR = -1,
	B_NO_MEMORY = -2,
	B_BAD_VALUE = -3,
	B_ENTRY_NOT_FOUND = -4,
	B_IO_ERROR = -5,
	B_NOT_SUPPORTED = -6,
	B_BAD_DATA = -7,
	B_BUFFER_OVERFLOW = -8,
	B_NOT_ALLOWED = -9,
	B_BAD_ADDRESS = -10,
	B_TIMED_OUT = -11,
	B_NAME_TOO_LONG = -12,
	B_INTERRUPTED = -13,
};

/* A short human-readable name for a status code; never NULL. */
const char *status_string(status_t status);

#endif
