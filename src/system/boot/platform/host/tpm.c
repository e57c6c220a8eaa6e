/* SPDX-License-Identifier: MIT */
/*
 * Measured boot on the hosted port. A Linux process has no TPM of its own:
 * without --tpm its boots are never measured (the generic code says so
 * once). With --tpm the port keeps what a TPM 2.0 with one active bank,
 * SHA-256, would: 24 PCRs that only extend, and the firmware's event log in
 * the TCG2 crypto agile format, so that the generic loader's measurements
 * and the boot-check kernel's replay of the log run at native speed
 * (tests/host/test_host_measured_boot.py; under OVMF with swtpm,
 * tests/boot/test_measured_boot.py). --tpm-log-size makes the log that
 * small, for a firmware whose log fills up.
 */
#include "host_platform.h"

#include <string.h>

#include <boot/platform.h>
#include <boot/sha2.h>

#define PCR_COUNT			24
#define EV_NO_ACTION		0x00000003
#define TPM_ALG_SHA256		0x000b

/* The Spec ID event: a TCG_PCClientPCREvent (32 bytes) holding TCG_EfiSpecIDEvent. */
#define SPEC_ID_HEADER_SIZE	32
#define SPEC_ID_SIZE		33		/* with one algorithm and no vendor data */
static const char kSpecIdSignature[16] = "Spec ID Event03";

_Static_assert(SPEC_ID_HEADER_SIZE + SPEC_ID_SIZE == HOST_TPM_MIN_LOG_SIZE,
	"--tpm-log-size takes a log that holds the Spec ID event");

static uint8_t sPcrs[PCR_COUNT][SHA256_DIGEST_SIZE];
static uint8_t sLog[HOST_TPM_MAX_LOG_SIZE];
static size_t sLogSize;
static bool sTruncated;


static void
tpm_put32(uint8_t *out, uint32_t value)
{
	memcpy(out, &value, sizeof(value));
}


static void
tpm_put16(uint8_t *out, uint16_t value)
{
	memcpy(out, &value, sizeof(value));
}


/* What a firmware logs first: which banks the log's events carry digests of. */
static void
tpm_log_spec_id(void)
{
	uint8_t *event = sLog;
	memset(event, 0, SPEC_ID_HEADER_SIZE);
	tpm_put32(event + 4, EV_NO_ACTION);
	uint8_t *specId = event + SPEC_ID_HEADER_SIZE;
	memcpy(specId, kSpecIdSignature, sizeof(kSpecIdSignature));
	tpm_put32(specId + 16, 0);				/* platformClass: client */
	specId[20] = 0;							/* specVersionMinor */
	specId[21] = 2;							/* specVersionMajor */
	specId[22] = 0;							/* specErrata */
	specId[23] = 2;							/* uintnSize: 64-bit */
	tpm_put32(specId + 24, 1);				/* numberOfAlgorithms */
	tpm_put16(specId + 28, TPM_ALG_SHA256);
	tpm_put16(specId + 30, SHA256_DIGEST_SIZE);
	specId[32] = 0;							/* vendorInfoSize */
	tpm_put32(event + 28, SPEC_ID_SIZE);
	sLogSize = SPEC_ID_HEADER_SIZE + SPEC_ID_SIZE;
}


status_t
platform_measure_init(void)
{
	if (gHostOptions.tpm_log_size == 0)
		return B_NOT_SUPPORTED;
	memset(sPcrs, 0, sizeof(sPcrs));
	sTruncated = false;
	tpm_log_spec_id();
	return B_OK;
}


/*
 * A TCG_PCR_EVENT2 at the log's end. One that does not fit is lost and the
 * log marked truncated, the PCR extended all the same, as a firmware does.
 */
static void
tpm_log_event(uint32_t pcr, uint32_t eventType, const uint8_t digest[SHA256_DIGEST_SIZE],
	const void *eventData, size_t eventSize)
{
	size_t size = 4 + 4 + 4 + 2 + SHA256_DIGEST_SIZE + 4 + eventSize;
	if (sTruncated || size > gHostOptions.tpm_log_size - sLogSize) {
		sTruncated = true;
		return;
	}
	uint8_t *event = sLog + sLogSize;
	tpm_put32(event, pcr);
	tpm_put32(event + 4, eventType);
	tpm_put32(event + 8, 1);				/* one digest: the SHA-256 bank's */
	tpm_put16(event + 12, TPM_ALG_SHA256);
	memcpy(event + 14, digest, SHA256_DIGEST_SIZE);
	tpm_put32(event + 14 + SHA256_DIGEST_SIZE, (uint32_t)eventSize);
	memcpy(event + 18 + SHA256_DIGEST_SIZE, eventData, eventSize);
	sLogSize += size;
}


status_t
platform_measure(uint32_t pcr, uint32_t eventType, const void *data, size_t size,
	const void *eventData, size_t eventSize)
{
	if (pcr >= PCR_COUNT)
		return B_BAD_VALUE;
	/* PCR = SHA-256(PCR || SHA-256(data)), as TPM2_PCR_Extend with the data's digest */
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256(data, size, digest);
	sha256_context context;
	sha256_init(&context);
	sha256_update(&context, sPcrs[pcr], SHA256_DIGEST_SIZE);
	sha256_update(&context, digest, SHA256_DIGEST_SIZE);
	sha256_final(&context, sPcrs[pcr]);
	tpm_log_event(pcr, eventType, digest, eventData, eventSize);
	return B_OK;
}


status_t
platform_measure_read_pcr(uint32_t pcr, uint8_t value[32])
{
	if (pcr >= PCR_COUNT)
		return B_ERROR;
	memcpy(value, sPcrs[pcr], SHA256_DIGEST_SIZE);
	return B_OK;
}


status_t
platform_measure_event_log(const void **_log, size_t *_size, bool *_truncated)
{
	*_log = sLog;
	*_size = sLogSize;
	*_truncated = sTruncated;
	return B_OK;
}
