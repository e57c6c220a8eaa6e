/* SPDX-License-Identifier: MIT */
/*
 * The loader's log for the programs that compile parts of the loader
 * without its stdio.c: boot_printf() and boot_dprintf() append to sLog,
 * formatted, so that the sanitizers see every argument a message reads,
 * and cut at its end; boot_log_clear() empties it. Included by one file
 * of a program.
 */
#ifndef TESTS_SUPPORT_BOOT_LOG_H
#define TESTS_SUPPORT_BOOT_LOG_H

#include <stdarg.h>
#include <stdio.h>

#include <boot/stdio.h>

static char sLog[4096];
static size_t sLogLength;


static inline void
boot_log_clear(void)
{
	sLogLength = 0;
	sLog[0] = '\0';
}


static inline void
boot_log_append(const char *format, va_list args)
{
	int length = vsnprintf(sLog + sLogLength, sizeof(sLog) - sLogLength, format, args);
	if (length > 0)
		sLogLength += (size_t)length;
	if (sLogLength >= sizeof(sLog))
		sLogLength = sizeof(sLog) - 1;
}


void
boot_printf(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	boot_log_append(format, args);
	va_end(args);
}


void
boot_dprintf(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	boot_log_append(format, args);
	va_end(args);
}

#endif
