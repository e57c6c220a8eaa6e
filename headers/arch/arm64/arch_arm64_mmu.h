/* SPDX-License-Identifier: MIT */
/*
 * The VMSAv8-64 stage 1 translation format the loader builds and the kernel
 * walks: 4 KiB granule, 48-bit virtual addresses, four levels (0: 512 GiB
 * per entry, 1: 1 GiB, 2: 2 MiB, 3: 4 KiB), and the TCR_EL1 that goes with
 * it; the loader walks its tables with the shared boot/page_tree.h. No
 * instructions here, so that host tests can build and walk tables.
 */
#ifndef ARCH_ARM64_ARCH_ARM64_MMU_H
#define ARCH_ARM64_ARCH_ARM64_MMU_H

#include <stdint.h>

#define ARM64_VIRTUAL_BITS		48

/* Descriptor bits (Arm ARM D8.3). */
#define ARM64_PTE_VALID			(1ULL << 0)
/* Levels 0-2: a table, not a block; level 3: a page (a 0 there is reserved). */
#define ARM64_PTE_TABLE			(1ULL << 1)
#define ARM64_PTE_PAGE			(1ULL << 1)
#define ARM64_PTE_ATTR_INDEX(index)	((uint64_t)(index) << 2)
#define ARM64_PTE_ATTR_INDEX_MASK	(7ULL << 2)
#define ARM64_PTE_AP_EL0		(1ULL << 6)		/* AP[1]: EL0 may access */
#define ARM64_PTE_AP_READ_ONLY	(1ULL << 7)		/* AP[2] */
#define ARM64_PTE_SH_INNER		(3ULL << 8)
#define ARM64_PTE_SH_MASK		(3ULL << 8)
#define ARM64_PTE_ACCESS		(1ULL << 10)	/* AF: no access flag fault */
#define ARM64_PTE_NOT_GLOBAL	(1ULL << 11)
#define ARM64_PTE_ADDRESS		0x0000fffffffff000ULL
#define ARM64_PTE_PXN			(1ULL << 53)	/* not executable at EL1 */
#define ARM64_PTE_UXN			(1ULL << 54)	/* not executable at EL0 */

/* TCR_EL1 fields (Arm ARM D19.2). */
#define ARM64_TCR_T0SZ(size)	((uint64_t)(size) << 0)
#define ARM64_TCR_IRGN0_WBWA	(1ULL << 8)
#define ARM64_TCR_ORGN0_WBWA	(1ULL << 10)
#define ARM64_TCR_SH0_INNER		(3ULL << 12)
#define ARM64_TCR_TG0_4K		(0ULL << 14)
#define ARM64_TCR_T1SZ(size)	((uint64_t)(size) << 16)
#define ARM64_TCR_IRGN1_WBWA	(1ULL << 24)
#define ARM64_TCR_ORGN1_WBWA	(1ULL << 26)
#define ARM64_TCR_SH1_INNER		(3ULL << 28)
#define ARM64_TCR_TG1_4K		(2ULL << 30)	/* TG1 encodes 4 KiB as 2, unlike TG0 */
#define ARM64_TCR_IPS(range)	((uint64_t)(range) << 32)
#define ARM64_TCR_IPS_MASK		(7ULL << 32)

/* ID_AA64MMFR0_EL1.PARange: 5 is 48 bits, the most a 48-bit descriptor holds. */
#define ARM64_PARANGE_MASK		0xfULL
#define ARM64_PARANGE_48_BITS	5


/*
 * ID_AA64MMFR0_EL1 of the CPU the loader runs on (src/system/boot/arch/
 * arm64/cpu.c), for arm64_tcr_value(): paging.c holds no instruction.
 */
uint64_t arm64_cpu_memory_features(void);


/*
 * TCR_EL1 for the loader's tables: both halves 48 bits with 4 KiB granules,
 * table walks write-back cacheable and inner shareable, and the physical
 * size the CPU reports (ID_AA64MMFR0_EL1), at most 48 bits.
 */
static inline uint64_t
arm64_tcr_value(uint64_t mmfr0)
{
	uint64_t range = mmfr0 & ARM64_PARANGE_MASK;
	if (range > ARM64_PARANGE_48_BITS)
		range = ARM64_PARANGE_48_BITS;
	const uint64_t kSize = 64 - ARM64_VIRTUAL_BITS;
	return ARM64_TCR_T0SZ(kSize) | ARM64_TCR_IRGN0_WBWA | ARM64_TCR_ORGN0_WBWA
		| ARM64_TCR_SH0_INNER | ARM64_TCR_TG0_4K
		| ARM64_TCR_T1SZ(kSize) | ARM64_TCR_IRGN1_WBWA | ARM64_TCR_ORGN1_WBWA
		| ARM64_TCR_SH1_INNER | ARM64_TCR_TG1_4K | ARM64_TCR_IPS(range);
}

#endif
