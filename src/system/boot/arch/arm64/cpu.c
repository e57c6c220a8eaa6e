/* SPDX-License-Identifier: MIT */
/*
 * The boot CPU's identity from MPIDR_EL1, the generic timer's virtual count
 * as the cycle counter, and what the CPU does while it waits.
 */
#include <boot/arch_cpu.h>

#include <arch_arm64.h>
#include <arch_arm64_mmu.h>


uint64_t
arch_cpu_boot_id(void)
{
	/* The rest of MPIDR (U, MT, RES1) says nothing about which CPU this is. */
	return arm64_read_sysreg(mpidr_el1) & ARM64_MPIDR_AFFINITY_MASK;
}


uint64_t
arch_cpu_cycle_counter(void)
{
	return arm64_counter();
}


uint64_t
arch_cpu_cycle_counter_frequency(void)
{
	/* The firmware must set CNTFRQ_EL0; only its low 32 bits are defined. */
	return arm64_read_sysreg(cntfrq_el0) & 0xffffffffULL;
}


uint64_t
arm64_cpu_memory_features(void)
{
	return arm64_read_sysreg(id_aa64mmfr0_el1);
}


const char *
arch_cpu_bls_name(void)
{
	return "aa64";
}


uint16_t
arch_cpu_pe_machine(void)
{
	return 0xaa64;
}


bool
arch_cpu_read_io_port32(uint16_t port, uint32_t *_value)
{
	(void)port;
	(void)_value;
	return false;
}


void
arch_cpu_relax(void)
{
	arm64_yield();
}


void
arch_cpu_halt(void)
{
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	for (;;)
		__asm__ volatile("wfi");
}
