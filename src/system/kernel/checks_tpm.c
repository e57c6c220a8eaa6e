/* SPDX-License-Identifier: MIT */
/*
 * Measured boot: the event log the loader copied is replayed and must give
 * the PCR values the loader read from the TPM, and the command line measured
 * last must be the one the kernel got. Its own SHA-256, so that a loader bug
 * in the hash is not mirrored here.
 */
#include "checks.h"

#include <string.h>

#define EV_NO_ACTION		0x00000003
#define EV_IPL				0x0000000d
#define TPM_ALG_SHA256		0x000b
/* The log's first event, TCG_PCClientPCREvent: PCR, type, SHA-1 digest, size. */
#define SPEC_ID_HEADER		32
#define MAX_ALGORITHMS		8
#define MAX_EVENTS			4096
/* Event data this checker reads whole: a command line, a file event. */
#define EVENT_DATA_SIZE		2048


/* --- SHA-256 (FIPS 180-4) ------------------------------------------------ */

struct tpm_sha256 {
	uint32_t	state[8];
	uint64_t	length;
	uint8_t		block[64];
};

static const uint32_t kRoundConstants[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};


static uint32_t
rotate_right(uint32_t value, unsigned bits)
{
	return value >> bits | value << (32 - bits);
}


static void
sha256_block(struct tpm_sha256 *hash)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++) {
		const uint8_t *p = hash->block + 4 * i;
		w[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	}
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = rotate_right(w[i - 15], 7) ^ rotate_right(w[i - 15], 18)
			^ w[i - 15] >> 3;
		uint32_t s1 = rotate_right(w[i - 2], 17) ^ rotate_right(w[i - 2], 19) ^ w[i - 2] >> 10;
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t v[8];
	memcpy(v, hash->state, sizeof(v));
	for (int i = 0; i < 64; i++) {
		uint32_t s1 = rotate_right(v[4], 6) ^ rotate_right(v[4], 11) ^ rotate_right(v[4], 25);
		uint32_t choice = (v[4] & v[5]) ^ (~v[4] & v[6]);
		uint32_t t1 = v[7] + s1 + choice + kRoundConstants[i] + w[i];
		uint32_t s0 = rotate_right(v[0], 2) ^ rotate_right(v[0], 13) ^ rotate_right(v[0], 22);
		uint32_t majority = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + s0 + majority;
	}
	for (int i = 0; i < 8; i++)
		hash->state[i] += v[i];
}


static void
sha256_start(struct tpm_sha256 *hash)
{
	static const uint32_t kInitial[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(hash->state, kInitial, sizeof(kInitial));
	hash->length = 0;
}


static void
sha256_add(struct tpm_sha256 *hash, const void *data, size_t size)
{
	const uint8_t *bytes = data;
	for (size_t i = 0; i < size; i++) {
		hash->block[hash->length++ % 64] = bytes[i];
		if (hash->length % 64 == 0)
			sha256_block(hash);
	}
}


static void
sha256_end(struct tpm_sha256 *hash, uint8_t digest[KERNEL_TPM_DIGEST_SIZE])
{
	uint64_t bits = hash->length * 8;
	uint8_t pad = 0x80;
	sha256_add(hash, &pad, 1);
	pad = 0;
	while (hash->length % 64 != 56)
		sha256_add(hash, &pad, 1);
	for (int i = 7; i >= 0; i--) {
		uint8_t byte = (uint8_t)(bits >> (8 * i));
		sha256_add(hash, &byte, 1);
	}
	for (int i = 0; i < 8; i++) {
		digest[4 * i] = (uint8_t)(hash->state[i] >> 24);
		digest[4 * i + 1] = (uint8_t)(hash->state[i] >> 16);
		digest[4 * i + 2] = (uint8_t)(hash->state[i] >> 8);
		digest[4 * i + 3] = (uint8_t)hash->state[i];
	}
}


static void
sha256_of(const void *data, size_t size, uint8_t digest[KERNEL_TPM_DIGEST_SIZE])
{
	struct tpm_sha256 hash;
	sha256_start(&hash);
	sha256_add(&hash, data, size);
	sha256_end(&hash, digest);
}


/* --- the event log -------------------------------------------------------- */

struct tpm_log {
	const struct kcheck_context	*context;
	uint64_t	address;
	uint64_t	size;
	uint32_t	algorithms;
	uint16_t	algorithm[MAX_ALGORITHMS];
	uint16_t	digest_size[MAX_ALGORITHMS];
};


static bool
log_read(const struct tpm_log *log, uint64_t offset, void *buffer, size_t size)
{
	if (offset > log->size || size > log->size - offset)
		return false;
	return kcheck_read_virtual(log->context, log->address + offset, buffer, size);
}


static bool
log_read32(const struct tpm_log *log, uint64_t offset, uint32_t *_value)
{
	return log_read(log, offset, _value, sizeof(*_value));
}


static void
hex_of(const uint8_t *bytes, size_t size, char *text)
{
	static const char kDigits[] = "0123456789abcdef";
	for (size_t i = 0; i < size; i++) {
		text[2 * i] = kDigits[bytes[i] >> 4];
		text[2 * i + 1] = kDigits[bytes[i] & 0xf];
	}
	text[2 * size] = '\0';
}


/* The Spec ID event: the digests each later event carries, and their sizes. */
static bool
log_read_spec_id(struct tpm_log *log, uint64_t *_offset, char *reason, size_t reasonSize)
{
	uint32_t type, size;
	char signature[16];
	if (!log_read32(log, 4, &type) || !log_read32(log, 28, &size)
		|| !log_read(log, SPEC_ID_HEADER, signature, sizeof(signature))
		|| !log_read32(log, SPEC_ID_HEADER + 24, &log->algorithms))
		return kcheck_fail(reason, reasonSize, "event log: no Spec ID event");
	if (type != EV_NO_ACTION || memcmp(signature, "Spec ID Event03", 16) != 0)
		return kcheck_fail(reason, reasonSize, "event log: not in the crypto agile format");
	if (log->algorithms == 0 || log->algorithms > MAX_ALGORITHMS)
		return kcheck_fail(reason, reasonSize, "event log: %u algorithms", log->algorithms);
	for (uint32_t i = 0; i < log->algorithms; i++) {
		uint16_t pair[2];
		if (!log_read(log, SPEC_ID_HEADER + 28 + 4 * i, pair, sizeof(pair)))
			return kcheck_fail(reason, reasonSize, "event log: Spec ID event cut short");
		log->algorithm[i] = pair[0];
		log->digest_size[i] = pair[1];
	}
	*_offset = SPEC_ID_HEADER + size;
	return true;
}


struct tpm_event {
	uint32_t	pcr;
	uint32_t	type;
	bool		has_sha256;
	uint8_t		sha256[KERNEL_TPM_DIGEST_SIZE];
	uint64_t	data_offset;
	uint32_t	data_size;
};


/* The TCG_PCR_EVENT2 at offset; its end in *_next. */
static bool
log_read_event(const struct tpm_log *log, uint64_t offset, struct tpm_event *event,
	uint64_t *_next, char *reason, size_t reasonSize)
{
	uint32_t count;
	if (!log_read32(log, offset, &event->pcr) || !log_read32(log, offset + 4, &event->type)
		|| !log_read32(log, offset + 8, &count) || count > MAX_ALGORITHMS) {
		return kcheck_fail(reason, reasonSize, "event at offset %llu is cut short",
			(ull)offset);
	}
	event->has_sha256 = false;
	uint64_t position = offset + 12;
	for (uint32_t i = 0; i < count; i++) {
		uint16_t algorithm;
		if (!log_read(log, position, &algorithm, sizeof(algorithm)))
			return kcheck_fail(reason, reasonSize, "event at offset %llu is cut short",
				(ull)offset);
		uint16_t digestSize = 0;
		for (uint32_t j = 0; j < log->algorithms; j++) {
			if (log->algorithm[j] == algorithm)
				digestSize = log->digest_size[j];
		}
		if (digestSize == 0) {
			return kcheck_fail(reason, reasonSize,
				"event at offset %llu has algorithm %#x, which the Spec ID event lacks",
				(ull)offset, algorithm);
		}
		if (algorithm == TPM_ALG_SHA256 && digestSize == KERNEL_TPM_DIGEST_SIZE) {
			if (!log_read(log, position + 2, event->sha256, KERNEL_TPM_DIGEST_SIZE))
				return kcheck_fail(reason, reasonSize, "event at offset %llu is cut short",
					(ull)offset);
			event->has_sha256 = true;
		}
		position += 2 + digestSize;
	}
	if (!log_read32(log, position, &event->data_size)
		|| event->data_size > log->size - position - 4)
		return kcheck_fail(reason, reasonSize, "event at offset %llu is cut short",
			(ull)offset);
	event->data_offset = position + 4;
	*_next = event->data_offset + event->data_size;
	return true;
}


/*
 * The loader's file events say "<kind> sha256:<hex> <path>": the hex is what
 * was extended, so its hash must be the event's digest.
 */
static bool
check_file_event(const struct tpm_event *event, const char *data, uint32_t index,
	char *reason, size_t reasonSize)
{
	/* The boot libc has no strstr: the marker follows the kind, a word. */
	const char *hex = data;
	while (*hex != '\0' && *hex != ' ')
		hex++;
	if (strncmp(hex, " sha256:", 8) != 0)
		return true;
	hex += 8;
	uint8_t fileDigest[KERNEL_TPM_DIGEST_SIZE];
	for (int i = 0; i < KERNEL_TPM_DIGEST_SIZE; i++) {
		unsigned value = 0;
		for (int j = 0; j < 2; j++) {
			char c = hex[2 * i + j];
			unsigned digit = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				: c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;
			if (digit == 16)
				return kcheck_fail(reason, reasonSize, "event [%u]: bad digest in \"%s\"",
					index, data);
			value = value << 4 | digit;
		}
		fileDigest[i] = (uint8_t)value;
	}
	uint8_t expected[KERNEL_TPM_DIGEST_SIZE];
	sha256_of(fileDigest, sizeof(fileDigest), expected);
	if (memcmp(expected, event->sha256, sizeof(expected)) != 0)
		return kcheck_fail(reason, reasonSize, "event [%u]: digest is not that of \"%s\"",
			index, data);
	return true;
}


bool
kcheck_tpm_event_log(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires_trusted_args(context, reason, reasonSize))
		return false;
	const struct bootcheck_environment *environment = context->environment;
	const kernel_args *args = context->args;
	if ((args->tpm_flags & ~KERNEL_TPM_FLAGS_ALL) != 0)
		return kcheck_fail(reason, reasonSize, "unknown tpm_flags %#x", args->tpm_flags);
	uint32_t knownPcrs = ((1u << KERNEL_TPM_PCR_COUNT) - 1) << KERNEL_TPM_FIRST_PCR;
	if ((args->tpm_pcr_mask & ~knownPcrs) != 0)
		return kcheck_fail(reason, reasonSize, "tpm_pcr_mask %#x names PCRs outside %#x",
			args->tpm_pcr_mask, knownPcrs);
	if (args->tpm_event_log == 0 || args->tpm_event_log_size == 0)
		return kcheck_fail(reason, reasonSize, "measured, but no event log");
	if (!bootcheck_virtual_contains(args, args->tpm_event_log, args->tpm_event_log_size))
		return kcheck_fail(reason, reasonSize, "event log %#llx+%#llx not allocated",
			(ull)args->tpm_event_log, (ull)args->tpm_event_log_size);

	struct tpm_log log = {
		.context = context,
		.address = args->tpm_event_log,
		.size = args->tpm_event_log_size,
	};
	uint64_t offset = 0;
	if (!log_read_spec_id(&log, &offset, reason, reasonSize))
		return false;

	uint8_t pcrs[KERNEL_TPM_PCR_COUNT][KERNEL_TPM_DIGEST_SIZE];
	memset(pcrs, 0, sizeof(pcrs));
	/* The last command line measured; the loader measures it before the files. */
	static char commandLine[EVENT_DATA_SIZE];
	bool commandLineSeen = false;
	uint32_t index = 0;
	for (; offset < log.size; index++) {
		if (index >= MAX_EVENTS)
			return kcheck_fail(reason, reasonSize, "more than %u events", MAX_EVENTS);
		struct tpm_event event;
		if (!log_read_event(&log, offset, &event, &offset, reason, reasonSize))
			return false;
		if (event.pcr < KERNEL_TPM_FIRST_PCR
			|| event.pcr >= KERNEL_TPM_FIRST_PCR + KERNEL_TPM_PCR_COUNT
			|| event.type == EV_NO_ACTION)
			continue;
		if (!event.has_sha256)
			return kcheck_fail(reason, reasonSize, "event [%u] has no SHA-256 digest", index);

		static char data[EVENT_DATA_SIZE];
		uint32_t shown = event.data_size < sizeof(data) - 1 ? event.data_size
			: (uint32_t)sizeof(data) - 1;
		if (!log_read(&log, event.data_offset, data, shown))
			return kcheck_fail(reason, reasonSize, "event [%u] data unreadable", index);
		data[shown] = '\0';
		char hex[2 * KERNEL_TPM_DIGEST_SIZE + 1];
		hex_of(event.sha256, KERNEL_TPM_DIGEST_SIZE, hex);
		kcheck_printf(environment, "tpm: [%u] PCR %u type %#x sha256 %s \"%s\"\n", index,
			event.pcr, event.type, hex, data);

		uint8_t *pcr = pcrs[event.pcr - KERNEL_TPM_FIRST_PCR];
		struct tpm_sha256 hash;
		sha256_start(&hash);
		sha256_add(&hash, pcr, KERNEL_TPM_DIGEST_SIZE);
		sha256_add(&hash, event.sha256, KERNEL_TPM_DIGEST_SIZE);
		sha256_end(&hash, pcr);

		if (event.type != EV_IPL)
			continue;
		if (event.pcr == 9 && !check_file_event(&event, data, index, reason, reasonSize))
			return false;
		if (event.pcr == 8 && event.data_size == shown) {
			memcpy(commandLine, data, shown + 1);
			uint8_t expected[KERNEL_TPM_DIGEST_SIZE];
			sha256_of(data, shown, expected);
			commandLineSeen = memcmp(expected, event.sha256, sizeof(expected)) == 0;
		}
	}
	kcheck_printf(environment, "tpm: event log %#llx, %llu bytes, %u events%s\n",
		(ull)log.address, (ull)log.size, index,
		(args->tpm_flags & KERNEL_TPM_LOG_TRUNCATED) != 0 ? ", truncated" : "");

	for (uint32_t i = 0; i < KERNEL_TPM_PCR_COUNT; i++) {
		uint32_t pcr = KERNEL_TPM_FIRST_PCR + i;
		char replayed[2 * KERNEL_TPM_DIGEST_SIZE + 1];
		char reported[2 * KERNEL_TPM_DIGEST_SIZE + 1];
		hex_of(pcrs[i], KERNEL_TPM_DIGEST_SIZE, replayed);
		hex_of(args->tpm_pcr_sha256[i], KERNEL_TPM_DIGEST_SIZE, reported);
		if ((args->tpm_pcr_mask & (1u << pcr)) == 0) {
			kcheck_printf(environment, "tpm: PCR %u sha256 %s replayed, not read\n", pcr,
				replayed);
			continue;
		}
		kcheck_printf(environment, "tpm: PCR %u sha256 %s\n", pcr, reported);
		/* A truncated log cannot replay; the PCRs are still the TPM's. */
		if ((args->tpm_flags & KERNEL_TPM_LOG_TRUNCATED) == 0
			&& memcmp(pcrs[i], args->tpm_pcr_sha256[i], KERNEL_TPM_DIGEST_SIZE) != 0) {
			return kcheck_fail(reason, reasonSize,
				"PCR %u replays to %.16s..., the loader read %.16s...", pcr, replayed,
				reported);
		}
	}

	char kernelCommandLine[EVENT_DATA_SIZE];
	size_t length;
	if (kcheck_read_string(context, args->command_line, sizeof(kernelCommandLine) - 1,
			kernelCommandLine, sizeof(kernelCommandLine), &length) != KCHECK_STRING_OK)
		return kcheck_fail(reason, reasonSize, "command line unreadable");
	if (!commandLineSeen || strcmp(commandLine, kernelCommandLine) != 0)
		return kcheck_fail(reason, reasonSize,
			"the command line measured last in PCR 8 is not the kernel's");
	return true;
}
