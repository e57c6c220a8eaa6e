/* SPDX-License-Identifier: MIT */
/*
 * What the loader asks of the boot CPU itself: its identity and cycle counter
 * for kernel_args, and how to wait. Every architecture implements it in
 * src/system/boot/arch/<arch>/.
 */
#ifndef BOOT_ARCH_CPU_H
#define BOOT_ARCH_CPU_H

#include <stdint.h>

/*
 * The boot CPU's hardware id, for kernel_args.boot_cpu_id. x86: the initial
 * APIC id, the 32-bit x2APIC id where the CPU reports one (CPUID leaf 0xb),
 * else the 8-bit id of CPUID leaf 1 (EBX[31:24]); the low 8 bits of both
 * agree. arm64: MPIDR_EL1's affinity fields Aff3..Aff0.
 */
uint64_t arch_cpu_boot_id(void);

/*
 * The CPU's cycle counter (the TSC on x86, CNTVCT_EL0 on arm64), for the
 * boot timeline; its rate is platform_cycle_counter_frequency(). Usable
 * from the first instruction on.
 */
uint64_t arch_cpu_cycle_counter(void);

/*
 * The cycle counter's rate in Hz when the architecture states it (arm64: the
 * generic timer's CNTFRQ_EL0), 0 when a port must measure it (x86: the TSC).
 */
uint64_t arch_cpu_cycle_counter_frequency(void);

/*
 * The architecture as the Boot Loader Specification's "architecture" key
 * and the EFI file names spell it: "x64", "aa64".
 */
const char *arch_cpu_bls_name(void);

/* Inside a busy-wait loop: tell the CPU (x86: pause), so that it saves power. */
void arch_cpu_relax(void);

/* Stop the CPU for good, interrupts off: when nobody is left to return to. */
void arch_cpu_halt(void) __attribute__((noreturn));

#endif
