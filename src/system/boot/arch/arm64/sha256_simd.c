/* SPDX-License-Identifier: MIT */
/*
 * SHA-256's block function (FIPS 180-4 6.2.2) with the Armv8 SHA-256
 * instructions: four rounds per sha256h/sha256h2 pair, the message schedule
 * four words at a time with sha256su0 and sha256su1. The only loader code
 * built for SIMD (without -mgeneral-regs-only, with +crypto, which GCC 12's
 * <arm_neon.h> asks for the SHA-2 intrinsics; see ArchSetup); sha256_cpu.c
 * calls it only on a CPU that has them. The ACLE intrinsics of the
 * compiler's own <arm_neon.h>, which needs no C library.
 */
#include <arm_neon.h>

#include <boot/sha2.h>

#include "arm64_sha256.h"


/* Four message words, big-endian in memory, first word in lane 0. */
static inline __attribute__((always_inline)) uint32x4_t
arm64_sha256_load_words(const uint8_t *bytes)
{
	return vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(bytes)));
}


/*
 * Four rounds, wk holding W[t..t+3] + K[t..t+3]: sha256h makes the new
 * {a, b, c, d} and sha256h2 the new {e, f, g, h}, both from the old halves.
 */
static inline __attribute__((always_inline)) void
arm64_sha256_rounds(uint32x4_t *abcd, uint32x4_t *efgh, uint32x4_t wk)
{
	uint32x4_t oldAbcd = *abcd;
	*abcd = vsha256hq_u32(*abcd, *efgh, wk);
	*efgh = vsha256h2q_u32(*efgh, oldAbcd, wk);
}


size_t
arm64_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t count)
{
	uint32x4_t abcd = vld1q_u32(&state[0]);
	uint32x4_t efgh = vld1q_u32(&state[4]);

	for (size_t block = 0; block < count; block++, data += SHA256_BLOCK_SIZE) {
		uint32x4_t startAbcd = abcd;
		uint32x4_t startEfgh = efgh;

		uint32x4_t m0 = arm64_sha256_load_words(data);
		uint32x4_t m1 = arm64_sha256_load_words(data + 16);
		uint32x4_t m2 = arm64_sha256_load_words(data + 32);
		uint32x4_t m3 = arm64_sha256_load_words(data + 48);
		const uint32_t *constants = gSha256RoundConstants;
		arm64_sha256_rounds(&abcd, &efgh, vaddq_u32(m0, vld1q_u32(constants)));
		arm64_sha256_rounds(&abcd, &efgh, vaddq_u32(m1, vld1q_u32(constants + 4)));
		arm64_sha256_rounds(&abcd, &efgh, vaddq_u32(m2, vld1q_u32(constants + 8)));
		arm64_sha256_rounds(&abcd, &efgh, vaddq_u32(m3, vld1q_u32(constants + 12)));
		for (int group = 4; group < 16; group++) {
			/*
			 * W[t..t+3] from W[t-16..t-1] (step 1 of 6.2.2): sha256su0 adds
			 * sigma0 of the next word to each of W[t-16..t-13], sha256su1
			 * adds W[t-7..t-4] and sigma1 of W[t-2..t+1].
			 */
			uint32x4_t next = vsha256su1q_u32(vsha256su0q_u32(m0, m1), m2, m3);
			arm64_sha256_rounds(&abcd, &efgh,
				vaddq_u32(next, vld1q_u32(constants + 4 * group)));
			m0 = m1;
			m1 = m2;
			m2 = m3;
			m3 = next;
		}

		abcd = vaddq_u32(abcd, startAbcd);
		efgh = vaddq_u32(efgh, startEfgh);
	}

	vst1q_u32(&state[0], abcd);
	vst1q_u32(&state[4], efgh);
	return count;
}
