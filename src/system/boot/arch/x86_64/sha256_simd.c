/* SPDX-License-Identifier: MIT */
/*
 * SHA-256's block function (FIPS 180-4 6.2.2) with the SHA extensions: two
 * rounds per sha256rnds2, the message schedule four words at a time with
 * sha256msg1 and sha256msg2. The only loader code built for SSE (-msse4.1
 * -msha, without -mgeneral-regs-only; see the Jamfile); sha256_cpu.c calls it
 * only on a CPU that has them.
 *
 * No <immintrin.h> without a C library: GCC's and Clang's builtins for the
 * SHA instructions, and vector shuffles, which the compiler turns into
 * pshufb, pshufd and palignr.
 */
#include <boot/sha2.h>

#include "x86_sha256.h"

typedef int x86_v4si __attribute__((vector_size(16)));
/* Arithmetic in unsigned elements: sums wrap, as SHA-256's must. */
typedef unsigned int x86_v4su __attribute__((vector_size(16)));
typedef unsigned char x86_v16qu __attribute__((vector_size(16)));
/* For loads and stores at any address (movdqu). */
typedef x86_v4su x86_v4su_unaligned __attribute__((aligned(1)));
typedef x86_v16qu x86_v16qu_unaligned __attribute__((aligned(1)));


/* Four message words, big-endian in memory, first word in element 0. */
static inline __attribute__((always_inline)) x86_v4su
x86_sha256_load_words(const uint8_t *bytes)
{
	x86_v16qu raw = *(const x86_v16qu_unaligned *)bytes;
	return (x86_v4su)__builtin_shufflevector(raw, raw,
		3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}


/*
 * W[t..t+3] from W[t-16..t-1] in four vectors, oldest first (FIPS 180-4
 * 6.2.2 step 1): sha256msg1 adds sigma0 of the next word to each of
 * W[t-16..t-13], then W[t-7..t-4] (the middle of m2:m3) is added, and
 * sha256msg2 adds sigma1 of W[t-2], W[t-1] and of the two words it has just
 * made itself.
 */
static inline __attribute__((always_inline)) x86_v4su
x86_sha256_schedule(x86_v4su m0, x86_v4su m1, x86_v4su m2, x86_v4su m3)
{
	x86_v4su sum = (x86_v4su)__builtin_ia32_sha256msg1((x86_v4si)m0, (x86_v4si)m1);
	sum += __builtin_shufflevector(m2, m3, 1, 2, 3, 4);
	return (x86_v4su)__builtin_ia32_sha256msg2((x86_v4si)sum, (x86_v4si)m3);
}


/*
 * Four rounds, wk holding W[t..t+3] + K[t..t+3]. sha256rnds2 takes the
 * working variables as {A, B, E, F} and {C, D, G, H} (A in the top element),
 * the two rounds' W + K in the low half of its third operand, and returns the
 * new {A, B, E, F}; the new {C, D, G, H} is the old {A, B, E, F}.
 */
static inline __attribute__((always_inline)) void
x86_sha256_rounds(x86_v4su *abef, x86_v4su *cdgh, x86_v4su wk)
{
	x86_v4su next = (x86_v4su)__builtin_ia32_sha256rnds2((x86_v4si)*cdgh, (x86_v4si)*abef,
		(x86_v4si)wk);
	*cdgh = *abef;
	*abef = next;
	wk = __builtin_shufflevector(wk, wk, 2, 3, 0, 1);
	next = (x86_v4su)__builtin_ia32_sha256rnds2((x86_v4si)*cdgh, (x86_v4si)*abef,
		(x86_v4si)wk);
	*cdgh = *abef;
	*abef = next;
}


size_t __attribute__((ms_abi))
x86_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t count)
{
	const x86_v4su *constants = (const x86_v4su *)gSha256RoundConstants;

	/* state is a..h, a first: {A, B, E, F} is {f, e, b, a} from element 0 up. */
	x86_v4su abcd = *(const x86_v4su_unaligned *)&state[0];
	x86_v4su efgh = *(const x86_v4su_unaligned *)&state[4];
	x86_v4su abef = __builtin_shufflevector(abcd, efgh, 5, 4, 1, 0);
	x86_v4su cdgh = __builtin_shufflevector(abcd, efgh, 7, 6, 3, 2);

	for (size_t block = 0; block < count; block++, data += SHA256_BLOCK_SIZE) {
		x86_v4su startAbef = abef;
		x86_v4su startCdgh = cdgh;

		x86_v4su m0 = x86_sha256_load_words(data);
		x86_v4su m1 = x86_sha256_load_words(data + 16);
		x86_v4su m2 = x86_sha256_load_words(data + 32);
		x86_v4su m3 = x86_sha256_load_words(data + 48);
		x86_sha256_rounds(&abef, &cdgh, m0 + constants[0]);
		x86_sha256_rounds(&abef, &cdgh, m1 + constants[1]);
		x86_sha256_rounds(&abef, &cdgh, m2 + constants[2]);
		x86_sha256_rounds(&abef, &cdgh, m3 + constants[3]);
		for (int group = 4; group < 16; group++) {
			x86_v4su next = x86_sha256_schedule(m0, m1, m2, m3);
			x86_sha256_rounds(&abef, &cdgh, next + constants[group]);
			m0 = m1;
			m1 = m2;
			m2 = m3;
			m3 = next;
		}

		abef += startAbef;
		cdgh += startCdgh;
	}

	*(x86_v4su_unaligned *)&state[0] = __builtin_shufflevector(abef, cdgh, 3, 2, 7, 6);
	*(x86_v4su_unaligned *)&state[4] = __builtin_shufflevector(abef, cdgh, 1, 0, 5, 4);
	return count;
}
