/* SPDX-License-Identifier: MIT */
/*
 * The boot CPU's identity, from CPUID, its time stamp counter, and what it
 * does while it waits.
 */
#include <boot/arch_cpu.h>

#include <arch_x86.h>

#include "x86_paging.h"


uint64_t
arch_cpu_boot_id(void)
{
	/*
	 * Leaf 0xb exists on CPUs that may have more than 255 APIC ids; a zero
	 * EBX in its first sub-leaf means the leaf is not really implemented.
	 */
	if (x86_cpuid(0, 0).eax >= 0xb) {
		struct x86_cpuid_registers topology = x86_cpuid(0xb, 0);
		if (topology.ebx != 0)
			return topology.edx;
	}
	return x86_cpuid(1, 0).ebx >> 24;
}


uint32_t
x86_paging_features(void)
{
	return x86_cpuid_extended_features();
}


uint64_t
arch_cpu_cycle_counter(void)
{
	return x86_read_tsc();
}


uint64_t
arch_cpu_cycle_counter_frequency(void)
{
	/* The TSC's rate is not architectural: the port measures it. */
	return 0;
}


const char *
arch_cpu_bls_name(void)
{
	return "x64";
}


uint16_t
arch_cpu_pe_machine(void)
{
	return 0x8664;
}


bool
arch_cpu_read_io_port32(uint16_t port, uint32_t *_value)
{
	*_value = x86_in32(port);
	return true;
}


void
arch_cpu_relax(void)
{
	x86_pause();
}


void
arch_cpu_halt(void)
{
	x86_halt_forever();
}
