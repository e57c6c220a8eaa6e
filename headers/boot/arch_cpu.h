/*
 * What the loader asks the boot CPU itself, for kernel_args.
 */
#ifndef BOOT_ARCH_CPU_H
#define BOOT_ARCH_CPU_H

#include <stdint.h>

/*
 * The boot CPU's initial APIC id: the 32-bit x2APIC id where the CPU reports
 * one (CPUID leaf 0xb), else the 8-bit id of CPUID leaf 1 (EBX[31:24]). The
 * low 8 bits of both agree.
 */
uint32_t arch_cpu_boot_apic_id(void);

/*
 * The CPU's cycle counter (the TSC on x86), for the boot timeline; its rate
 * is platform_tsc_frequency(). Usable from the first instruction on.
 */
uint64_t arch_cpu_cycle_counter(void);

#endif
