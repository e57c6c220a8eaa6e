/* SPDX-License-Identifier: MIT */
/*
 * Measured boot over the platform's TPM hooks: the kernel's command line goes
 * into PCR 8 and every file the loader uses (configuration, kernel, modules)
 * into PCR 9, each with an EV_IPL event, before it is used; at handoff the
 * kernel gets the PCRs as the TPM reports them and a copy of the event log.
 * Nothing here stops a boot: no TPM, or a call that fails, is said once in
 * the debug log. docs/measured_boot.md has the details.
 */
#include <boot/measure.h>

#include <stdio.h>
#include <string.h>

#include <boot/handoff.h>
#include <boot/kernel_args.h>
#include <boot/platform.h>
#include <boot/stdio.h>

#define MEASURE_PCR_COMMAND_LINE	8
#define MEASURE_PCR_FILES			9
/* TCG PC Client Platform Firmware Profile: "an event the IPL code measured". */
#define EV_IPL						0x0000000d
/*
 * A file's event data: "<kind> sha256:<hex> <path>". A longer path is cut:
 * the digest, which is what the PCR holds, is always whole.
 */
#define FILE_EVENT_SIZE				320

_Static_assert(KERNEL_TPM_FIRST_PCR == MEASURE_PCR_COMMAND_LINE
	&& KERNEL_TPM_FIRST_PCR + KERNEL_TPM_PCR_COUNT - 1 == MEASURE_PCR_FILES,
	"kernel_args reports the PCRs the loader measures into");

enum measure_state {
	MEASURE_UNKNOWN,	/* the platform was not asked yet */
	MEASURE_ON,
	MEASURE_OFF,
};

static enum measure_state sState;
static bool sFailureLogged;
static uint32_t sFailures;

static const char *const kKindNames[] = {
	[TRUST_CONFIGURATION] = "config",
	[TRUST_KERNEL] = "kernel",
	[TRUST_MODULE] = "module",
	[TRUST_SPLASH] = "splash",
};


/* The platform is asked once, when the first file is loaded: the heap exists. */
bool
measure_enabled(void)
{
	if (sState == MEASURE_UNKNOWN) {
		status_t status = platform_measure_init();
		sState = status == B_OK ? MEASURE_ON : MEASURE_OFF;
		if (status == B_OK)
			boot_dprintf("measure: TPM 2.0 present: measuring into PCRs 8 and 9\n");
		else {
			boot_dprintf("measure: no TPM to measure into (%s): this boot is not measured\n",
				status_string(status));
		}
	}
	return sState == MEASURE_ON;
}


static void
measure_event(uint32_t pcr, const void *data, size_t size, const char *event,
	size_t eventSize)
{
	status_t status = platform_measure(pcr, EV_IPL, data, size, event, eventSize);
	if (status == B_OK) {
		boot_dprintf("measure: PCR %u EV_IPL \"%.*s\"\n", pcr, (int)eventSize, event);
		return;
	}
	/* One line is enough: the PCRs no longer describe the boot after the first. */
	sFailures++;
	if (!sFailureLogged) {
		boot_dprintf("measure: cannot measure \"%.*s\" into PCR %u: %s\n", (int)eventSize,
			event, pcr, status_string(status));
		sFailureLogged = true;
	}
}


void
measure_file(enum trust_kind kind, const char *path,
	const uint8_t digest[SHA256_DIGEST_SIZE])
{
	if (!measure_enabled())
		return;
	const char *kindName = (size_t)kind < sizeof(kKindNames) / sizeof(kKindNames[0])
		&& kKindNames[kind] != NULL ? kKindNames[kind] : "file";

	char event[FILE_EVENT_SIZE];
	size_t length = (size_t)snprintf(event, sizeof(event), "%s sha256:", kindName);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		length += (size_t)snprintf(event + length, sizeof(event) - length, "%02x", digest[i]);
	int pathLength = snprintf(event + length, sizeof(event) - length, " %s", path);
	length += (size_t)pathLength < sizeof(event) - length ? (size_t)pathLength
		: sizeof(event) - length - 1;

	/* The digest is extended, not the file: the loader hashed it while reading. */
	measure_event(MEASURE_PCR_FILES, digest, SHA256_DIGEST_SIZE, event, length);
}


void
measure_command_line(const char *commandLine)
{
	if (!measure_enabled())
		return;
	/* The event data is what was hashed, so a verifier can read what booted. */
	size_t length = strlen(commandLine);
	measure_event(MEASURE_PCR_COMMAND_LINE, commandLine, length, commandLine, length);
}


static void
measure_hex(const uint8_t *bytes, size_t size, char *text)
{
	for (size_t i = 0; i < size; i++)
		snprintf(text + 2 * i, 3, "%02x", bytes[i]);
}


void
measure_finish(kernel_args *args)
{
	if (sState != MEASURE_ON)
		return;
	if (sFailures > 0)
		boot_dprintf("measure: %u measurements failed\n", sFailures);
	args->tpm_flags = KERNEL_TPM_MEASURED;

	for (uint32_t i = 0; i < KERNEL_TPM_PCR_COUNT; i++) {
		uint32_t pcr = KERNEL_TPM_FIRST_PCR + i;
		status_t status = platform_measure_read_pcr(pcr, args->tpm_pcr_sha256[i]);
		if (status != B_OK) {
			boot_dprintf("measure: cannot read PCR %u: %s\n", pcr, status_string(status));
			continue;
		}
		args->tpm_pcr_mask |= 1u << pcr;
		char hex[2 * KERNEL_TPM_DIGEST_SIZE + 1];
		measure_hex(args->tpm_pcr_sha256[i], KERNEL_TPM_DIGEST_SIZE, hex);
		boot_dprintf("measure: PCR %u sha256 %s\n", pcr, hex);
	}

	/* The firmware's log may lie in memory the kernel reuses: it gets a copy. */
	const void *log;
	size_t size;
	bool truncated;
	status_t status = platform_measure_event_log(&log, &size, &truncated);
	if (status != B_OK) {
		boot_dprintf("measure: no event log for the kernel: %s\n", status_string(status));
		return;
	}
	void *copy = size > 0 ? kernel_args_malloc(size) : NULL;
	if (copy == NULL) {
		boot_dprintf("measure: no kernel memory for the %zu bytes of the event log\n", size);
		return;
	}
	memcpy(copy, log, size);
	args->tpm_event_log = platform_loader_to_kernel(copy);
	args->tpm_event_log_size = size;
	if (truncated)
		args->tpm_flags |= KERNEL_TPM_LOG_TRUNCATED;
	boot_dprintf("measure: event log of %zu bytes for the kernel%s\n", size,
		truncated ? " (truncated by the firmware)" : "");
}
