/* SPDX-License-Identifier: MIT */
/*
 * Loader output: the console, the debug channel and the loader log.
 */
#ifndef BOOT_STDIO_H
#define BOOT_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define BOOT_PRINTF(f, a) __attribute__((format(printf, f, a)))

/*
 * To the console, the debug channel and the log. A call writes at most 511
 * bytes: a longer text is cut there, between characters, and keeps the line
 * end its format ended with, so that the next message starts a line of its
 * own.
 */
void boot_printf(const char *format, ...) BOOT_PRINTF(1, 2);
/* To the debug channel and the log only. */
void boot_dprintf(const char *format, ...) BOOT_PRINTF(1, 2);
void boot_vdprintf(const char *format, va_list args) BOOT_PRINTF(1, 0);

/*
 * How much the console shows (the configuration's verbosity, same order):
 * quiet: errors and the menu only; normal: also what is being booted;
 * verbose: also the debug channel; debug: as verbose, and the heap is
 * validated before every boot attempt.
 */
enum boot_verbosity {
	BOOT_VERBOSITY_QUIET,
	BOOT_VERBOSITY_NORMAL,
	BOOT_VERBOSITY_VERBOSE,
	BOOT_VERBOSITY_DEBUG,
};

void boot_set_verbosity(enum boot_verbosity verbosity);
enum boot_verbosity boot_verbosity(void);

/* Progress a person may want to see: the console unless quiet, always the log. */
void boot_progress(const char *format, ...) BOOT_PRINTF(1, 2);

/*
 * A status line on the debug channel (the loading progress), rewritten in
 * place by the next one; whatever else is written starts on a line of its
 * own, and boot_debug_end_status_line() ends it.
 */
void boot_debug_status_line(const char *text, size_t length);
void boot_debug_end_status_line(void);

/* A broken loader invariant: report it everywhere and stop for good. */
void panic(const char *format, ...) BOOT_PRINTF(1, 2) __attribute__((noreturn));

/* The loader log: everything printed so far, its first BOOT_LOG_SIZE bytes. */
#define BOOT_LOG_SIZE	(64 * 1024)
const char *boot_log_buffer(size_t *_size);

#endif
