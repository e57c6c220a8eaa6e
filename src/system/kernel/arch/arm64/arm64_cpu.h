/* SPDX-License-Identifier: MIT */
/*
 * What the arm64 boot-check kernel's files share about the CPU: system
 * register access, the trap sites of entry.S and the PSCI and semihosting
 * numbers of leaving QEMU.
 */
#ifndef KERNEL_ARCH_ARM64_CPU_H
#define KERNEL_ARCH_ARM64_CPU_H

#include <stdint.h>

/* The value of a system register, by its assembler name (mrs accepts no variable). */
#define ARM64_READ_SYSREG(name) ({ \
	uint64_t _value; \
	__asm__ volatile("mrs %0, " #name : "=r" (_value)); \
	_value; \
})

/* ID_AA64PFR0_EL1.EL2: 0 when the CPU has no EL2. */
#define ARM64_PFR0_EL2_SHIFT		8
#define ARM64_PFR0_EL_MASK			0xfULL

/* Semihosting (Arm's "Semihosting for AArch64"): SYS_EXIT with an extended reason. */
#define ARM64_SEMIHOSTING_SYS_EXIT			0x18
#define ARM64_SEMIHOSTING_APPLICATION_EXIT	0x20026	/* ADP_Stopped_ApplicationExit */

/* PSCI SYSTEM_OFF (SMC32 function id): QEMU powers the machine off, status 0. */
#define ARM64_PSCI_SYSTEM_OFF		0x84000008

/*
 * entry.S: the calls that may not exist on this machine. Each is one
 * instruction that the CPU treats as undefined when nobody implements it
 * (semihosting off, no EL2 or EL3 to answer); the exception vectors step over
 * such an instruction and return, so that the next way out is tried.
 */
void arm64_semihosting_call(uint64_t operation, const void *parameters);
uint64_t arm64_psci_call_hvc(uint64_t function);
uint64_t arm64_psci_call_smc(uint64_t function);

#endif
