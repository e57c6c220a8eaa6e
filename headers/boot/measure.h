/* SPDX-License-Identifier: MIT */
/*
 * Measured boot: what the loader uses is extended into the TPM's PCRs, with
 * an event log entry each, before it is used, when the platform has a TPM
 * (platform_measure). The PCRs and event types are in docs/measured_boot.md.
 */
#ifndef BOOT_MEASURE_H
#define BOOT_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include <boot/kernel_args.h>
#include <boot/sha2.h>
#include <boot/trust.h>

/* Whether this boot measures: callers compute digests only then. */
bool measure_enabled(void);

/* A file of that kind, by the SHA-256 of its contents and its path. */
void measure_file(enum trust_kind kind, const char *path,
	const uint8_t digest[SHA256_DIGEST_SIZE]);

/* The kernel's command line, as the kernel gets it. */
void measure_command_line(const char *commandLine);

/*
 * After the last measurement, before the kernel regions freeze: the PCRs
 * read back from the TPM and a copy of the event log into args (its tpm_*
 * fields; left 0 when this boot was not measured).
 */
void measure_finish(kernel_args *args);

#endif
