/* SPDX-License-Identifier: MIT */
/*
 * The wide copy and fill the boot libc uses for large blocks on arm64.
 */
#ifndef ARCH_ARM64_ARCH_STRING_H
#define ARCH_ARM64_ARCH_STRING_H

#include <stddef.h>
#include <stdint.h>

/*
 * From this many bytes on, string.c hands the word-aligned middle of a copy
 * or fill to the functions below. arm64 has no string instructions before
 * FEAT_MOPS (which no CPU QEMU's virt boots by default has), but its load and
 * store pair instructions move two words at once; below four pairs the loop
 * set-up costs more than the pairs save.
 */
#define ARCH_STRING_BULK_BYTES	64


/*
 * Copy words 8-byte words upwards; also right for memmove with to below
 * from, as each pair is read before it is written. Written as assembly
 * because gcc turns a C loop of this shape into a call to memcpy, the very
 * function this serves. Only to is word aligned: Normal memory allows
 * misaligned loads (SCTLR_EL1.A is clear for boot code).
 */
static inline void
arch_copy_words_forward(void *to, const void *from, size_t words)
{
	uint64_t first, second;
	size_t pairs = words / 2;
	if (pairs != 0) {
		__asm__ volatile(
			"1:	ldp		%[first], %[second], [%[from]], #16\n"
			"	stp		%[first], %[second], [%[to]], #16\n"
			"	subs	%[pairs], %[pairs], #1\n"
			"	b.ne	1b\n"
			: [to] "+r" (to), [from] "+r" (from), [pairs] "+r" (pairs),
				[first] "=&r" (first), [second] "=&r" (second)
			:
			: "cc", "memory");
	}
	if ((words & 1) != 0) {
		__asm__ volatile(
			"	ldr		%[first], [%[from]]\n"
			"	str		%[first], [%[to]]\n"
			: [first] "=&r" (first)
			: [to] "r" (to), [from] "r" (from)
			: "memory");
	}
}


static inline void
arch_fill_words(void *to, uint64_t word, size_t words)
{
	size_t pairs = words / 2;
	if (pairs != 0) {
		__asm__ volatile(
			"1:	stp		%[word], %[word], [%[to]], #16\n"
			"	subs	%[pairs], %[pairs], #1\n"
			"	b.ne	1b\n"
			: [to] "+r" (to), [pairs] "+r" (pairs)
			: [word] "r" (word)
			: "cc", "memory");
	}
	if ((words & 1) != 0)
		__asm__ volatile("str %[word], [%[to]]" : : [word] "r" (word), [to] "r" (to) : "memory");
}

#endif
