/* SPDX-License-Identifier: MIT */
/*
 * The wide copy and fill the boot libc uses for large blocks on x86_64.
 */
#ifndef ARCH_X86_64_ARCH_STRING_H
#define ARCH_X86_64_ARCH_STRING_H

#include <stddef.h>
#include <stdint.h>

/*
 * From this many bytes on, string.c hands the word-aligned middle of a copy
 * or fill to the functions below. rep movsq/stosq cost a few dozen cycles to
 * start; past about 128 bytes the fast-string microcode (ERMSB, moving whole
 * cache lines) wins over a loop of 8-byte moves.
 */
#define ARCH_STRING_BULK_BYTES	128


/*
 * Copy words 8-byte words upwards. Also right for memmove with to below
 * from: rep movs is defined to behave as the element-by-element loop, and the
 * ABI (SysV and UEFI alike) guarantees the direction flag is clear.
 */
static inline void
arch_copy_words_forward(void *to, const void *from, size_t words)
{
	__asm__ volatile("rep movsq"
		: "+D" (to), "+S" (from), "+c" (words)
		:
		: "memory");
}


static inline void
arch_fill_words(void *to, uint64_t word, size_t words)
{
	__asm__ volatile("rep stosq"
		: "+D" (to), "+c" (words)
		: "a" (word)
		: "memory");
}

#endif
