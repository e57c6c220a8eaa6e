/* SPDX-License-Identifier: MIT */
/*
 * The freestanding subset of <stdio.h> boot code uses: formatting only.
 */
#ifndef BOOT_LIBC_STDIO_H
#define BOOT_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

/*
 * C99 semantics for the conversions boot code uses: d i u x X o c s p %,
 * flags - 0 + space #, width and precision (also *), and the length
 * modifiers hh h l ll z j t.
 */
int vsnprintf(char *buffer, size_t size, const char *format, va_list args)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buffer, size_t size, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

#endif
