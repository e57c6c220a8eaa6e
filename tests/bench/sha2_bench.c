/* SPDX-License-Identifier: MIT */
/*
 * How fast the loader's hashes run on the build machine, optimised as the
 * loader is: SHA-256 (with the CPU's instructions where it has them, and in
 * portable C) and SHA-512 over 64 MiB in 64 KiB updates (the size a file
 * read hands over), to compare with the rate the loader reads files at (jam
 * bench-fat), and the time of one Ed25519 verification. Prints figures,
 * asserts nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <boot/arch_cpu.h>
#include <boot/ed25519.h>
#include <boot/sha2.h>

#include "sha2_private.h"

#define DATA_SIZE	(64u << 20)
#define PIECE_SIZE	(64u << 10)
#define ROUNDS		5
#define VERIFICATIONS	200


static double
bench_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}


static void
bench_sha256(const uint8_t *data, uint8_t digest[SHA256_DIGEST_SIZE])
{
	sha256_context context;
	sha256_init(&context);
	for (size_t done = 0; done < DATA_SIZE; done += PIECE_SIZE)
		sha256_update(&context, data + done, PIECE_SIZE);
	sha256_final(&context, digest);
}


static void
bench_sha512(const uint8_t *data, uint8_t digest[SHA512_DIGEST_SIZE])
{
	sha512_context context;
	sha512_init(&context);
	for (size_t done = 0; done < DATA_SIZE; done += PIECE_SIZE)
		sha512_update(&context, data + done, PIECE_SIZE);
	sha512_final(&context, digest);
}


/* The best of ROUNDS: the least disturbed by whatever else the machine does. */
static void
bench_hash(const char *name, const uint8_t *data, void (*hash)(const uint8_t *, uint8_t *))
{
	uint8_t digest[SHA512_DIGEST_SIZE];
	double best = 0;
	for (int round = 0; round < ROUNDS; round++) {
		double start = bench_now();
		hash(data, digest);
		double seconds = bench_now() - start;
		if (round == 0 || seconds < best)
			best = seconds;
	}
	printf("%s: 64 MiB in %.3f s (best of %d): %.1f MB/s, %.1f MiB/s (digest %02x%02x...)\n",
		name, best, ROUNDS, DATA_SIZE / best / 1e6, DATA_SIZE / best / (1 << 20),
		digest[0], digest[1]);
}


static void
bench_hex(uint8_t *bytes, size_t size, const char *hex)
{
	for (size_t i = 0; i < size; i++)
		sscanf(hex + 2 * i, "%2hhx", &bytes[i]);
}


/* RFC 8032 7.1, TEST 2. */
static void
bench_verify(void)
{
	uint8_t publicKey[32], signature[64];
	const uint8_t message[1] = { 0x72 };
	bench_hex(publicKey, sizeof(publicKey),
		"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
	bench_hex(signature, sizeof(signature),
		"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
		"085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

	int valid = 0;
	double start = bench_now();
	for (int i = 0; i < VERIFICATIONS; i++)
		valid += ed25519_verify(signature, message, sizeof(message), publicKey);
	double seconds = bench_now() - start;
	printf("ed25519_verify: %.3f ms each (%d of %d valid)\n",
		seconds / VERIFICATIONS * 1e3, valid, VERIFICATIONS);
}


int
main(void)
{
	uint8_t *data = malloc(DATA_SIZE);
	if (data == NULL) {
		fprintf(stderr, "sha2_bench: no memory for 64 MiB\n");
		return 1;
	}
	uint32_t state = 0x2545f491;
	for (size_t i = 0; i < DATA_SIZE; i++) {
		state ^= state << 13;
		state ^= state >> 17;
		state ^= state << 5;
		data[i] = (uint8_t)state;
	}

	const char *instructions = arch_cpu_sha256_instructions();
	if (instructions != NULL) {
		char name[64];
		snprintf(name, sizeof(name), "sha256 (%s)", instructions);
		bench_hash(name, data, bench_sha256);
	} else
		printf("sha256: no CPU instructions on this machine, portable C only\n");
	sha256_force_portable(true);
	bench_hash("sha256 (portable C)", data, bench_sha256);
	sha256_force_portable(false);
	bench_hash("sha512", data, bench_sha512);
	bench_verify();
	free(data);
	return 0;
}
