/* SPDX-License-Identifier: MIT */
/*
 * Formatted output of the boot-check kernel, on whatever serial line its
 * architecture drives.
 */
#include "kernel.h"

#include <stdarg.h>
#include <stdio.h>


void
kernel_printf(const char *format, ...)
{
	/* On the stack, not in .bss: printing starts before .bss has been checked. */
	char buffer[512];
	va_list args;
	va_start(args, format);
	int length = vsnprintf(buffer, sizeof(buffer), format, args);
	va_end(args);

	if (length < 0)
		return;
	if ((size_t)length >= sizeof(buffer)) {
		/* Keep the line structure even when a line was cut short. */
		length = sizeof(buffer) - 1;
		if (buffer[length - 1] != '\n')
			buffer[length - 1] = '\n';
	}
	serial_write(buffer, (size_t)length);
}
