/* SPDX-License-Identifier: MIT */
/*
 * The arm64 part of the boot checker's interface (headers/kernel/
 * bootcheck.h): what the CPU says at kernel entry, and the checks that
 * exist only on this architecture.
 */
#ifndef ARCH_ARM64_ARCH_BOOTCHECK_H
#define ARCH_ARM64_ARCH_BOOTCHECK_H

#include <stdbool.h>
#include <stdint.h>

/* What the CPU says at kernel entry; only the kernel itself can ask. */
struct bootcheck_cpu_state {
	uint32_t	exception_level;	/* CurrentEL.EL */
	uint32_t	daif;				/* PSTATE.{D,A,I,F} as DAIF reads them */
	uint64_t	sctlr;				/* SCTLR_EL1 */
	uint64_t	ttbr0;				/* TTBR0_EL1 */
	uint64_t	ttbr1;				/* TTBR1_EL1 */
	uint64_t	mair;				/* MAIR_EL1 */
	uint64_t	tcr;				/* TCR_EL1 */
	uint64_t	mpidr;				/* MPIDR_EL1 */
	uint64_t	cpacr;				/* CPACR_EL1: whether FP/SIMD traps */
	uint64_t	pfr0;				/* ID_AA64PFR0_EL1: which ELs exist */
	uint64_t	mmfr0;				/* ID_AA64MMFR0_EL1: granules, physical address size */
	uint64_t	counter_frequency;	/* CNTFRQ_EL0 */
	/* ICC_SRE_EL1 where the CPU has GICv3's system registers (PFR0.GIC), else 0. */
	uint64_t	icc_sre;
	uint64_t	cycles;				/* CNTVCT_EL0, read first thing in the kernel */
};

/*
 * The checks of the CPU state only arm64 has, run after page_directory in
 * this order: X(id, name, function, needs) for each (src/system/kernel/arch/
 * arm64/checks_cpu.c). mair and tcr check kernel_args without a CPU too.
 */
#define BOOTCHECK_ARCH_CPU_CHECKS(X) \
	X(KCHECK_EXCEPTION_LEVEL, "exception_level", kcheck_exception_level, KCHECK_NEEDS_CPU) \
	X(KCHECK_INTERRUPTS_MASKED, "interrupts_masked", kcheck_interrupts_masked, \
		KCHECK_NEEDS_CPU) \
	X(KCHECK_SYSTEM_CONTROL, "system_control", kcheck_system_control, KCHECK_NEEDS_CPU) \
	X(KCHECK_TRANSLATION_BASES, "translation_bases", kcheck_translation_bases, \
		KCHECK_NEEDS_CPU) \
	X(KCHECK_MAIR, "mair", kcheck_mair, 0) \
	X(KCHECK_TCR, "tcr", kcheck_tcr, 0) \
	X(KCHECK_COUNTER_FREQUENCY, "counter_frequency", kcheck_counter_frequency, \
		KCHECK_NEEDS_CPU)

/*
 * The checks of the page tables only arm64 has, run after stack_guard
 * (src/system/kernel/arch/arm64/checks_attributes.c): nothing in TTBR1
 * reachable from EL0, the memory attributes of every mapping, the UART.
 */
#define BOOTCHECK_ARCH_PAGING_CHECKS(X) \
	X(KCHECK_EL0_NO_ACCESS, "el0_no_access", kcheck_el0_no_access, 0) \
	X(KCHECK_MEMORY_ATTRIBUTES, "memory_attributes", kcheck_memory_attributes, 0) \
	X(KCHECK_UART, "uart", kcheck_uart, 0)

#endif
