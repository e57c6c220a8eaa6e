/* SPDX-License-Identifier: MIT */
/*
 * Loader output: formats once, then fans out to console, debug channel and
 * the log that the kernel receives.
 */
#include <boot/stdio.h>

#include <stdio.h>
#include <string.h>

#include <boot/console.h>
#include <boot/platform.h>
#include <boot/unicode.h>


/* Lines longer than this are cut; the loader prints short lines only. */
#define LINE_BUFFER_SIZE	512

static char sLog[BOOT_LOG_SIZE];
static size_t sLogSize;
static enum boot_verbosity sVerbosity = BOOT_VERBOSITY_NORMAL;


static void
log_append(const char *text, size_t length)
{
	/* Keep the beginning: the first lines tell how the boot started. */
	size_t space = sizeof(sLog) - sLogSize;
	if (length > space)
		length = space;
	memcpy(sLog + sLogSize, text, length);
	sLogSize += length;
}


static size_t
format_line(char *buffer, const char *format, va_list args)
{
	int length = vsnprintf(buffer, LINE_BUFFER_SIZE, format, args);
	if (length < 0)
		return 0;
	if (length < LINE_BUFFER_SIZE)
		return (size_t)length;
	/*
	 * Cut between characters (the last byte vsnprintf kept is looked at,
	 * not kept), and a line keeps its end: the next one must not run on.
	 */
	size_t kept = unicode_utf8_prefix_length(buffer, LINE_BUFFER_SIZE - 2);
	size_t formatLength = strlen(format);
	if (formatLength > 0 && format[formatLength - 1] == '\n')
		buffer[kept++] = '\n';
	buffer[kept] = '\0';
	return kept;
}


static bool sStatusLineOpen;


void
boot_debug_status_line(const char *text, size_t length)
{
	platform_debug_write("\r", 1);
	platform_debug_write(text, length);
	sStatusLineOpen = true;
}


void
boot_debug_end_status_line(void)
{
	if (sStatusLineOpen)
		platform_debug_write("\n", 1);
	sStatusLineOpen = false;
}


/* Console, debug channel (unless the console already reaches it) and log. */
static void
output_everywhere(const char *text, size_t length)
{
	boot_debug_end_status_line();
	boot_console_write(text, length);
	if (!console_shares_debug_output())
		platform_debug_write(text, length);
	log_append(text, length);
}


void
boot_set_verbosity(enum boot_verbosity verbosity)
{
	sVerbosity = verbosity;
}


enum boot_verbosity
boot_verbosity(void)
{
	return sVerbosity;
}


void
boot_vdprintf(const char *format, va_list args)
{
	char buffer[LINE_BUFFER_SIZE];
	size_t length = format_line(buffer, format, args);
	boot_debug_end_status_line();
	if (sVerbosity >= BOOT_VERBOSITY_VERBOSE) {
		output_everywhere(buffer, length);
		return;
	}
	platform_debug_write(buffer, length);
	log_append(buffer, length);
}


void
boot_dprintf(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	boot_vdprintf(format, args);
	va_end(args);
}


void
boot_printf(const char *format, ...)
{
	char buffer[LINE_BUFFER_SIZE];
	va_list args;
	va_start(args, format);
	size_t length = format_line(buffer, format, args);
	va_end(args);
	output_everywhere(buffer, length);
}


void
boot_progress(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	if (sVerbosity == BOOT_VERBOSITY_QUIET) {
		boot_vdprintf(format, args);
	} else {
		char buffer[LINE_BUFFER_SIZE];
		output_everywhere(buffer, format_line(buffer, format, args));
	}
	va_end(args);
}


void
panic(const char *format, ...)
{
	char buffer[LINE_BUFFER_SIZE];
	va_list args;
	va_start(args, format);
	size_t length = format_line(buffer, format, args);
	va_end(args);

	static const char kPrefix[] = "\nPANIC: ";
	boot_console_write(kPrefix, sizeof(kPrefix) - 1);
	boot_console_write(buffer, length);
	boot_console_write("\n", 1);
	platform_debug_write(kPrefix, sizeof(kPrefix) - 1);
	platform_debug_write(buffer, length);
	platform_debug_write("\n", 1);

	platform_exit(B_ERROR);
}


const char *
boot_log_buffer(size_t *_size)
{
	*_size = sLogSize;
	return sLog;
}
