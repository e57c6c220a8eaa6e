/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the measured boot check (src/system/kernel/checks_tpm.c):
 * the fixture of test_bootcheck.c with a crypto agile event log of two banks,
 * as a firmware and this loader write it, and the PCRs it replays to. The
 * digests are the loader's SHA-256, not the checker's own: a wrong hash in
 * either shows as a failure here.
 */
#include <stdio.h>
#include <string.h>

#include <boot/sha2.h>

#include "test_bootcheck.h"

#include "unit_test.h"

/* The log lies in the loader's page after its text log (kLog, under 0x100 bytes). */
#define TPM_LOG_OFFSET		0x100
#define TPM_LOG_PHYSICAL	(MISC_PHYSICAL + TPM_LOG_OFFSET)
#define TPM_LOG_VIRTUAL		(MISC_VIRTUAL + TPM_LOG_OFFSET)
#define TPM_LOG_ROOM		0x700

#define EV_NO_ACTION		0x3
#define EV_S_CRTM_VERSION	0x8
#define EV_IPL				0xd
#define ALG_SHA1			0x0004
#define ALG_SHA256			0x000b
#define SHA1_SIZE			20
#define PCR_MASK			(3u << KERNEL_TPM_FIRST_PCR)

/* What the fixture's kernel file hashes to, as the loader's file event names it. */
static const char kKernelFile[] = "the kernel's bytes";

static uint32_t sLogSize;
static uint8_t sPcrs[KERNEL_TPM_PCR_COUNT][KERNEL_TPM_DIGEST_SIZE];


static void
log_put(const void *bytes, size_t size)
{
	CHECK(sLogSize + size <= TPM_LOG_ROOM);
	memcpy(bootcheck_fixture_physical(TPM_LOG_PHYSICAL + sLogSize), bytes, size);
	sLogSize += (uint32_t)size;
}


static void
log_put16(uint16_t value)
{
	log_put(&value, sizeof(value));
}


static void
log_put32(uint32_t value)
{
	log_put(&value, sizeof(value));
}


/* The Spec ID event, in the SHA-1 format of the log's first event. */
static void
log_spec_id(const uint16_t *algorithms, const uint16_t *sizes, uint32_t count,
	const char *signature)
{
	static const uint8_t kZeros[SHA1_SIZE];
	static const uint8_t kVersion[4] = { 0, 2, 0, 2 };	/* 2.0, errata 0, 64-bit UINTN */
	log_put32(0);
	log_put32(EV_NO_ACTION);
	log_put(kZeros, sizeof(kZeros));
	log_put32(16 + 4 + 4 + 4 + 4 * count + 1);
	char name[16] = { 0 };
	memcpy(name, signature, strlen(signature));
	log_put(name, sizeof(name));
	log_put32(0);	/* platform class: client */
	log_put(kVersion, sizeof(kVersion));
	log_put32(count);
	for (uint32_t i = 0; i < count; i++) {
		log_put16(algorithms[i]);
		log_put16(sizes[i]);
	}
	log_put(kZeros, 1);	/* no vendor information */
}


static void
log_standard_spec_id(void)
{
	static const uint16_t kAlgorithms[] = { ALG_SHA1, ALG_SHA256 };
	static const uint16_t kSizes[] = { SHA1_SIZE, KERNEL_TPM_DIGEST_SIZE };
	log_spec_id(kAlgorithms, kSizes, 2, "Spec ID Event03");
}


/* A TCG_PCR_EVENT2 with both banks' digests; extends the test's own PCRs. */
static void
log_event(uint32_t pcr, uint32_t type, const uint8_t digest[KERNEL_TPM_DIGEST_SIZE],
	const char *data)
{
	uint8_t sha1[SHA1_SIZE];
	memset(sha1, 0xa5, sizeof(sha1));
	log_put32(pcr);
	log_put32(type);
	log_put32(2);
	log_put16(ALG_SHA1);
	log_put(sha1, sizeof(sha1));
	log_put16(ALG_SHA256);
	log_put(digest, KERNEL_TPM_DIGEST_SIZE);
	log_put32((uint32_t)strlen(data));
	log_put(data, strlen(data));

	if (type == EV_NO_ACTION || pcr < KERNEL_TPM_FIRST_PCR
		|| pcr >= KERNEL_TPM_FIRST_PCR + KERNEL_TPM_PCR_COUNT)
		return;
	uint8_t *value = sPcrs[pcr - KERNEL_TPM_FIRST_PCR];
	sha256_context context;
	sha256_init(&context);
	sha256_update(&context, value, KERNEL_TPM_DIGEST_SIZE);
	sha256_update(&context, digest, KERNEL_TPM_DIGEST_SIZE);
	sha256_final(&context, value);
}


/* An event whose data is measured as itself, as the command line is. */
static void
log_text_event(uint32_t pcr, const char *text)
{
	uint8_t digest[KERNEL_TPM_DIGEST_SIZE];
	sha256(text, strlen(text), digest);
	log_event(pcr, EV_IPL, digest, text);
}


static void
hex_of(const uint8_t *bytes, size_t size, char *text)
{
	for (size_t i = 0; i < size; i++)
		sprintf(text + 2 * i, "%02x", bytes[i]);
}


/*
 * The loader's file event: "kernel sha256:<hex> <path>", whose digest is the
 * hash of the file's digest. hexOverride replaces the digest the data names,
 * measuredOverride the digest extended.
 */
static void
log_file_event(const char *hexOverride, const uint8_t *measuredOverride)
{
	uint8_t fileDigest[KERNEL_TPM_DIGEST_SIZE];
	sha256(kKernelFile, sizeof(kKernelFile) - 1, fileDigest);
	char hex[2 * KERNEL_TPM_DIGEST_SIZE + 1];
	hex_of(fileDigest, sizeof(fileDigest), hex);
	char data[160];
	snprintf(data, sizeof(data), "kernel sha256:%s /system/kernel",
		hexOverride != NULL ? hexOverride : hex);
	uint8_t digest[KERNEL_TPM_DIGEST_SIZE];
	sha256(fileDigest, sizeof(fileDigest), digest);
	log_event(9, EV_IPL, measuredOverride != NULL ? measuredOverride : digest, data);
}


static const char *
command_line(void)
{
	return (const char *)bootcheck_fixture_physical(MISC_PHYSICAL + 0xa00);
}


/* kernel_args as a measuring loader hands them over, for the log written so far. */
static kernel_args *
hand_over(kernel_args *args)
{
	args->tpm_flags = KERNEL_TPM_MEASURED;
	args->tpm_pcr_mask = PCR_MASK;
	args->tpm_event_log = TPM_LOG_VIRTUAL;
	args->tpm_event_log_size = sLogSize;
	memcpy(args->tpm_pcr_sha256, sPcrs, sizeof(sPcrs));
	return args;
}


static kernel_args *
fresh(void)
{
	kernel_args *args = bootcheck_fixture_build();
	sLogSize = 0;
	memset(sPcrs, 0, sizeof(sPcrs));
	return args;
}


/* A firmware event, the command line in PCR 8, the kernel's file in PCR 9. */
static kernel_args *
measured(void)
{
	kernel_args *args = fresh();
	log_standard_spec_id();
	uint8_t firmware[KERNEL_TPM_DIGEST_SIZE];
	memset(firmware, 0x11, sizeof(firmware));
	log_event(0, EV_S_CRTM_VERSION, firmware, "firmware version");
	log_text_event(8, command_line());
	log_file_event(NULL, NULL);
	return hand_over(args);
}


static void
expect_tpm_failure(const char *reason, int line)
{
	bootcheck_fixture_expect_first_failure(bootcheck_fixture_run(), "tpm_event_log", reason,
		line);
}

#define EXPECT_TPM_FAILURE(reason)	expect_tpm_failure(reason, __LINE__)


TEST(a_log_that_replays_to_the_pcrs_passes_and_is_reported)
{
	measured();
	CHECK(bootcheck_fixture_run());
	EXPECT_CHECK("tpm_event_log", "ok");

	char expected[256], hex[2 * KERNEL_TPM_DIGEST_SIZE + 1];
	uint8_t digest[KERNEL_TPM_DIGEST_SIZE];
	sha256(command_line(), strlen(command_line()), digest);
	hex_of(digest, sizeof(digest), hex);
	snprintf(expected, sizeof(expected), "tpm: [1] PCR 8 type 0xd sha256 %s \"quiet debug=1\"",
		hex);
	EXPECT_LINE(expected);
	for (int i = 0; i < KERNEL_TPM_PCR_COUNT; i++) {
		hex_of(sPcrs[i], KERNEL_TPM_DIGEST_SIZE, hex);
		snprintf(expected, sizeof(expected), "tpm: PCR %d sha256 %s",
			KERNEL_TPM_FIRST_PCR + i, hex);
		EXPECT_LINE(expected);
	}
	snprintf(expected, sizeof(expected), "tpm: event log %#llx, %u bytes, 3 events",
		(unsigned long long)TPM_LOG_VIRTUAL, sLogSize);
	EXPECT_LINE(expected);
}


TEST(a_pcr_that_does_not_replay_fails_unless_the_log_lost_events)
{
	kernel_args *args = measured();
	args->tpm_pcr_sha256[1][31] ^= 1;
	EXPECT_TPM_FAILURE("PCR 9 replays to ");

	args = measured();
	args->tpm_pcr_sha256[0][0] ^= 0x80;
	EXPECT_TPM_FAILURE("PCR 8 replays to ");

	/* The firmware's log was full: the PCRs are still the TPM's. */
	args = measured();
	args->tpm_pcr_sha256[1][31] ^= 1;
	args->tpm_flags |= KERNEL_TPM_LOG_TRUNCATED;
	CHECK(bootcheck_fixture_run());
	EXPECT_CHECK("tpm_event_log", "ok");
	char expected[80];
	snprintf(expected, sizeof(expected), "tpm: event log %#llx, %u bytes, 3 events, truncated",
		(unsigned long long)TPM_LOG_VIRTUAL, sLogSize);
	EXPECT_LINE(expected);
}


TEST(a_pcr_the_loader_did_not_read_is_replayed_but_not_compared)
{
	kernel_args *args = measured();
	args->tpm_pcr_mask = 1u << 8;
	memset(args->tpm_pcr_sha256[1], 0, KERNEL_TPM_DIGEST_SIZE);
	CHECK(bootcheck_fixture_run());
	EXPECT_CHECK("tpm_event_log", "ok");
	char expected[120], hex[2 * KERNEL_TPM_DIGEST_SIZE + 1];
	hex_of(sPcrs[1], KERNEL_TPM_DIGEST_SIZE, hex);
	snprintf(expected, sizeof(expected), "tpm: PCR 9 sha256 %s replayed, not read", hex);
	EXPECT_LINE(expected);
}


TEST(events_outside_the_loaders_pcrs_or_without_action_are_not_replayed)
{
	kernel_args *args = fresh();
	log_standard_spec_id();
	uint8_t noise[KERNEL_TPM_DIGEST_SIZE];
	memset(noise, 0x5a, sizeof(noise));
	log_event(7, EV_IPL, noise, "PCR 7");
	log_event(10, EV_IPL, noise, "PCR 10");
	log_event(9, EV_NO_ACTION, noise, "no action");
	log_text_event(8, command_line());
	hand_over(args);
	CHECK(bootcheck_fixture_run());
	EXPECT_CHECK("tpm_event_log", "ok");
}


TEST(a_file_event_must_carry_the_hash_of_the_digest_it_names)
{
	uint8_t wrong[KERNEL_TPM_DIGEST_SIZE];
	memset(wrong, 0x42, sizeof(wrong));
	kernel_args *args = fresh();
	log_standard_spec_id();
	log_text_event(8, command_line());
	log_file_event(NULL, wrong);
	hand_over(args);
	EXPECT_TPM_FAILURE("event [1]: digest is not that of \"kernel sha256:");

	/* Upper-case hex is not what the loader writes. */
	char hex[2 * KERNEL_TPM_DIGEST_SIZE + 1];
	memset(hex, 'A', 2 * KERNEL_TPM_DIGEST_SIZE);
	hex[2 * KERNEL_TPM_DIGEST_SIZE] = '\0';
	args = fresh();
	log_standard_spec_id();
	log_text_event(8, command_line());
	log_file_event(hex, NULL);
	hand_over(args);
	EXPECT_TPM_FAILURE("event [1]: bad digest in \"kernel sha256:AAAA");

	/* One digit short: the path's space is not a digit. */
	uint8_t fileDigest[KERNEL_TPM_DIGEST_SIZE];
	sha256(kKernelFile, sizeof(kKernelFile) - 1, fileDigest);
	hex_of(fileDigest, sizeof(fileDigest), hex);
	hex[2 * KERNEL_TPM_DIGEST_SIZE - 1] = '\0';
	args = fresh();
	log_standard_spec_id();
	log_text_event(8, command_line());
	log_file_event(hex, NULL);
	hand_over(args);
	EXPECT_TPM_FAILURE("event [1]: bad digest in");

	/* Data without the marker is not a file event, whatever its digest. */
	args = fresh();
	log_standard_spec_id();
	log_text_event(8, command_line());
	log_event(9, EV_IPL, wrong, "device tree /dtb/board.dtb");
	hand_over(args);
	CHECK(bootcheck_fixture_run());
	EXPECT_CHECK("tpm_event_log", "ok");
}


TEST(the_command_line_measured_last_must_be_the_kernels)
{
	kernel_args *args = fresh();
	log_standard_spec_id();
	log_file_event(NULL, NULL);
	hand_over(args);
	EXPECT_TPM_FAILURE("the command line measured last in PCR 8 is not the kernel's");

	args = fresh();
	log_standard_spec_id();
	log_text_event(8, command_line());
	log_text_event(8, "quiet debug=2");
	hand_over(args);
	EXPECT_TPM_FAILURE("the command line measured last in PCR 8 is not the kernel's");

	/* The text is the kernel's, but the digest extended is not the text's. */
	uint8_t wrong[KERNEL_TPM_DIGEST_SIZE];
	memset(wrong, 0x42, sizeof(wrong));
	args = fresh();
	log_standard_spec_id();
	log_event(8, EV_IPL, wrong, command_line());
	hand_over(args);
	EXPECT_TPM_FAILURE("the command line measured last in PCR 8 is not the kernel's");

	/* Another command line measured before the kernel's does not count: the last one does. */
	args = fresh();
	log_standard_spec_id();
	log_text_event(8, "quiet debug=2");
	log_text_event(8, command_line());
	hand_over(args);
	CHECK(bootcheck_fixture_run());
	EXPECT_CHECK("tpm_event_log", "ok");
}


TEST(a_log_not_in_the_agile_format_or_cut_short_fails)
{
	kernel_args *args = fresh();
	static const uint16_t kAlgorithms[] = { ALG_SHA1, ALG_SHA256 };
	static const uint16_t kSizes[] = { SHA1_SIZE, KERNEL_TPM_DIGEST_SIZE };
	log_spec_id(kAlgorithms, kSizes, 2, "Spec ID Event02");
	hand_over(args);
	EXPECT_TPM_FAILURE("event log: not in the crypto agile format");

	args = fresh();
	log_spec_id(kAlgorithms, kSizes, 0, "Spec ID Event03");
	hand_over(args);
	EXPECT_TPM_FAILURE("event log: 0 algorithms");

	args = fresh();
	log_spec_id(kAlgorithms, kSizes, 1, "Spec ID Event03");
	log_text_event(8, command_line());
	hand_over(args);
	EXPECT_TPM_FAILURE("event at offset 65 has algorithm 0xb, which the Spec ID event lacks");

	/* The last event's data one byte past the log's end. */
	args = measured();
	args->tpm_event_log_size--;
	EXPECT_TPM_FAILURE("is cut short");

	args = measured();
	args->tpm_event_log_size = 40;
	EXPECT_TPM_FAILURE("event log: no Spec ID event");
}


TEST(an_event_of_the_loaders_pcrs_needs_a_sha256_digest)
{
	kernel_args *args = fresh();
	static const uint16_t kAlgorithm[] = { ALG_SHA1 };
	static const uint16_t kSize[] = { SHA1_SIZE };
	log_spec_id(kAlgorithm, kSize, 1, "Spec ID Event03");
	uint8_t sha1[SHA1_SIZE] = { 0 };
	log_put32(8);
	log_put32(EV_IPL);
	log_put32(1);
	log_put16(ALG_SHA1);
	log_put(sha1, sizeof(sha1));
	log_put32(0);
	hand_over(args);
	EXPECT_TPM_FAILURE("event [0] has no SHA-256 digest");
}


TEST(the_handover_fields_are_checked_before_the_log)
{
	kernel_args *args = measured();
	args->tpm_flags |= 1u << 2;
	EXPECT_TPM_FAILURE("unknown tpm_flags 0x5");

	args = measured();
	args->tpm_pcr_mask |= 1u << 7;
	EXPECT_TPM_FAILURE("tpm_pcr_mask 0x380 names PCRs outside 0x300");

	args = measured();
	args->tpm_event_log = 0;
	EXPECT_TPM_FAILURE("measured, but no event log");

	args = measured();
	args->tpm_event_log_size = 0;
	EXPECT_TPM_FAILURE("measured, but no event log");

	/* The log runs past the loader's page into memory nobody allocated. */
	args = measured();
	args->tpm_event_log_size = PAGE;
	EXPECT_TPM_FAILURE("not allocated");
}
