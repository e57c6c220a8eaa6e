/* SPDX-License-Identifier: MIT */
/*
 * The arm64 instructions boot code needs, written once for the loader's arch
 * code, the EFI port's arch folder and the boot-check kernel alike.
 */
#ifndef ARCH_ARM64_ARCH_ARM64_H
#define ARCH_ARM64_ARCH_ARM64_H

#include <stdint.h>

/* mrs/msr need the register's name in the instruction itself. */
#define arm64_read_sysreg(name) ({ \
	uint64_t _value; \
	__asm__ volatile("mrs %0, " #name : "=r"(_value)); \
	_value; \
})
#define arm64_write_sysreg(name, value) \
	__asm__ volatile("msr " #name ", %0" : : "r"((uint64_t)(value)) : "memory")

/* MPIDR_EL1's affinity fields Aff3 (39:32), Aff2, Aff1 and Aff0 (23:0). */
#define ARM64_MPIDR_AFFINITY_MASK	0xff00ffffffULL


/* The exception level the CPU runs at, 0 to 3. */
static inline uint32_t
arm64_current_el(void)
{
	return (uint32_t)(arm64_read_sysreg(CurrentEL) >> 2) & 3;
}


/* The virtual count; the EL2 drop lets EL1 read it (CNTHCTL_EL2). */
static inline uint64_t
arm64_counter(void)
{
	/* Without the isb the read may be taken ahead of earlier instructions. */
	__asm__ volatile("isb" : : : "memory");
	return arm64_read_sysreg(cntvct_el0);
}


/* The smallest data cache line of the caches the CPU has, from CTR_EL0.DminLine. */
static inline uint64_t
arm64_dcache_line_size(void)
{
	return 4ULL << ((arm64_read_sysreg(ctr_el0) >> 16) & 0xf);
}


/*
 * Clean and invalidate [address, address + size) to the point of coherency,
 * so that memory holds what the caches did and a walk or fetch with other
 * attributes (the MMU off, or new tables) sees it. Ends with dsb sy.
 */
static inline void
arm64_dcache_clean_invalidate(uint64_t address, uint64_t size)
{
	uint64_t line = arm64_dcache_line_size();
	uint64_t end = address + size;
	for (address &= ~(line - 1); address < end; address += line)
		__asm__ volatile("dc civac, %0" : : "r"(address) : "memory");
	__asm__ volatile("dsb sy" : : : "memory");
}


/* Every instruction cache line of this CPU to the point of unification. */
static inline void
arm64_icache_invalidate_all(void)
{
	__asm__ volatile("ic iallu\n\tdsb nsh\n\tisb" : : : "memory");
}


static inline void
arm64_yield(void)
{
	__asm__ volatile("yield");
}

#endif
