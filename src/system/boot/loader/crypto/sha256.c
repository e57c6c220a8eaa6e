/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4 sections 4.1.2, 5.1.1, 6.2): the hash of the files the
 * loader verifies.
 */
#include <boot/sha2.h>

#include <string.h>

#include <boot/arch_cpu.h>
#include <boot/byte_order.h>

#include "sha2_private.h"


/*
 * FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. Aligned for the vector loads of the CPU's
 * block functions.
 */
const uint32_t gSha256RoundConstants[64] __attribute__((aligned(16))) = {
	0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u,
	0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
	0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
	0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
	0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu,
	0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
	0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
	0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
	0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
	0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
	0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u,
	0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
	0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u,
	0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
	0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
	0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

/* FIPS 180-4 5.3.3: the same of the square roots of the first 8 primes. */
static const uint32_t kInitialState[8] = {
	0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
	0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};


static inline uint32_t
sha256_rotr(uint32_t value, unsigned int count)
{
	return value >> count | value << (32 - count);
}


/* One 64-byte block into the state (FIPS 180-4 6.2.2). */
static void
sha256_block(void *words, const uint8_t *block)
{
	uint32_t *state = words;
	uint32_t w[64];
	for (int t = 0; t < 16; t++)
		w[t] = read_be32(block + 4 * t);
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = sha256_rotr(w[t - 15], 7) ^ sha256_rotr(w[t - 15], 18) ^ w[t - 15] >> 3;
		uint32_t s1 = sha256_rotr(w[t - 2], 17) ^ sha256_rotr(w[t - 2], 19) ^ w[t - 2] >> 10;
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}

	uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
	for (int t = 0; t < 64; t++) {
		uint32_t sum1 = sha256_rotr(e, 6) ^ sha256_rotr(e, 11) ^ sha256_rotr(e, 25);
		uint32_t choose = (e & f) ^ (~e & g);
		uint32_t t1 = h + sum1 + choose + gSha256RoundConstants[t] + w[t];
		uint32_t sum0 = sha256_rotr(a, 2) ^ sha256_rotr(a, 13) ^ sha256_rotr(a, 22);
		uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = sum0 + majority;
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}

	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}


static bool sForcePortable;


void
sha256_force_portable(bool portable)
{
	sForcePortable = portable;
}


/* The CPU's instructions for as many blocks as they take, the C for the rest. */
static void
sha256_blocks(void *words, const uint8_t *blocks, size_t count)
{
	if (!sForcePortable) {
		size_t done = arch_cpu_sha256_blocks(words, blocks, count);
		blocks += done * SHA256_BLOCK_SIZE;
		count -= done;
	}
	for (; count > 0; count--, blocks += SHA256_BLOCK_SIZE)
		sha256_block(words, blocks);
}


void
sha256_init(sha256_context *context)
{
	memcpy(context->state, kInitialState, sizeof(kInitialState));
	context->length = 0;
	context->buffered = 0;
}


/* The stream that feeds context's blocks to its state. */
static struct sha2_stream
sha256_stream(sha256_context *context)
{
	return (struct sha2_stream){
		.state = context->state,
		.blocks = sha256_blocks,
		.buffer = context->buffer,
		.block_size = SHA256_BLOCK_SIZE,
		.buffered = &context->buffered,
	};
}


void
sha256_update(sha256_context *context, const void *data, size_t length)
{
	/* Also spares memcpy a null pointer: sha256(NULL, 0, digest) is the empty string's hash. */
	if (length == 0)
		return;
	context->length += length;
	struct sha2_stream stream = sha256_stream(context);
	sha2_absorb(&stream, data, length);
}


void
sha256_final(sha256_context *context, uint8_t digest[SHA256_DIGEST_SIZE])
{
	struct sha2_stream stream = sha256_stream(context);
	sha2_pad(&stream, 8, context->length);

	for (int i = 0; i < 8; i++)
		write_be32(digest + 4 * i, context->state[i]);
}


void
sha256(const void *data, size_t length, uint8_t digest[SHA256_DIGEST_SIZE])
{
	sha256_context context;
	sha256_init(&context);
	sha256_update(&context, data, length);
	sha256_final(&context, digest);
}
