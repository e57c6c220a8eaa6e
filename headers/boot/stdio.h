/*
 * Loader output: the console, the debug channel and the loader log.
 */
#ifndef BOOT_STDIO_H
#define BOOT_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define BOOT_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* To the console, the debug channel and the log. */
void boot_printf(const char *format, ...) BOOT_PRINTF(1, 2);
/* To the debug channel and the log only. */
void boot_dprintf(const char *format, ...) BOOT_PRINTF(1, 2);
void boot_vdprintf(const char *format, va_list args) BOOT_PRINTF(1, 0);

/* A broken loader invariant: report it everywhere and stop for good. */
void panic(const char *format, ...) BOOT_PRINTF(1, 2) __attribute__((noreturn));

/* The loader log: everything printed so far, capped at BOOT_LOG_SIZE. */
#define BOOT_LOG_SIZE	(64 * 1024)
const char *boot_log_buffer(size_t *_size);

#endif
