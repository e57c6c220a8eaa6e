/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 and SHA-512 (FIPS 180-4), streaming and one-shot, without allocation:
 * file hashes and Ed25519's hash for verified boot.
 */
#ifndef BOOT_SHA2_H
#define BOOT_SHA2_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BLOCK_SIZE	64
#define SHA256_DIGEST_SIZE	32
#define SHA512_BLOCK_SIZE	128
#define SHA512_DIGEST_SIZE	64

/*
 * The contexts are plain data the caller owns (on the stack, in a struct):
 * init, any number of updates of any sizes (zero included), then final once,
 * after which only init may use the context again.
 */
typedef struct sha256_context {
	uint32_t	state[8];
	uint64_t	length;		/* bytes hashed so far */
	uint8_t		buffer[SHA256_BLOCK_SIZE];
	size_t		buffered;	/* bytes waiting in buffer, < SHA256_BLOCK_SIZE */
} sha256_context;

typedef struct sha512_context {
	uint64_t	state[8];
	uint64_t	length;		/* bytes hashed so far (FIPS allows 2^125; 2^64 is plenty) */
	uint8_t		buffer[SHA512_BLOCK_SIZE];
	size_t		buffered;	/* bytes waiting in buffer, < SHA512_BLOCK_SIZE */
} sha512_context;

/*
 * FIPS 180-4 4.2.2, in the order of the rounds: also for the architectures'
 * block functions (arch_cpu_sha256_blocks), which load them four at a time.
 */
extern const uint32_t gSha256RoundConstants[64];

void sha256_init(sha256_context *context);
void sha256_update(sha256_context *context, const void *data, size_t length);
void sha256_final(sha256_context *context, uint8_t digest[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t length, uint8_t digest[SHA256_DIGEST_SIZE]);

void sha512_init(sha512_context *context);
void sha512_update(sha512_context *context, const void *data, size_t length);
void sha512_final(sha512_context *context, uint8_t digest[SHA512_DIGEST_SIZE]);
void sha512(const void *data, size_t length, uint8_t digest[SHA512_DIGEST_SIZE]);

#endif
