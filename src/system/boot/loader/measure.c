/* SPDX-License-Identifier: MIT */
/* Measured boot: not yet; every boot is unmeasured. */
#include <boot/measure.h>


bool
measure_enabled(void)
{
	return false;
}


void
measure_file(enum trust_kind kind, const char *path,
	const uint8_t digest[SHA256_DIGEST_SIZE])
{
	(void)kind;
	(void)path;
	(void)digest;
}


void
measure_command_line(const char *commandLine)
{
	(void)commandLine;
}
