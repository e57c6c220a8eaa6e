/* SPDX-License-Identifier: MIT */
/*
 * Starting arm64 CPUs: PSCI's CPU_ON (Arm DEN 0022) or a spin-table's
 * release address (Linux's arm64 booting protocol), and the start-up
 * page's layout, shared by the code the CPUs start in (assembly) and the C
 * that fills it in (src/system/boot/platform/efi/arch/arm64/).
 */
#ifndef ARCH_ARM64_ARCH_SMP_H
#define ARCH_ARM64_ARCH_SMP_H

#include <boot/smp_mailbox.h>

/*
 * The start-up page: code from offset 0 (the entry point CPU_ON and the
 * release address are given), the parameters the boot CPU fills in at
 * SMP_TRAMPOLINE_PARAMS. The code reads
 * them with its MMU off, so the loader cleans the page to the point of
 * coherency once they are written; the offer alone is read later, through
 * the caches.
 */
#define SMP_TRAMPOLINE_PARAMS		0x200
#define SMP_PARAM_TTBR0				0x00
#define SMP_PARAM_TTBR1				0x08
#define SMP_PARAM_TCR				0x10
#define SMP_PARAM_MAIR				0x18
#define SMP_PARAM_CONDUIT			0x20	/* SMP_CONDUIT_*: how to call PSCI */
/*
 * The mailbox (kernel address) of the CPU being started; 0: none. A CPU
 * knows its own by the hardware id in it, which is its MPIDR's affinity.
 */
#define SMP_PARAM_OFFER				0x28
#define SMP_TRAMPOLINE_SIZE			0x230

#define SMP_CONDUIT_HVC				0
#define SMP_CONDUIT_SMC				1
#define SMP_CONDUIT_NONE			2	/* no PSCI: a CPU that must stop waits in wfi */

/* PSCI function ids (SMC64 calling convention where there is one) and results. */
#define PSCI_CPU_OFF				0x84000002
#define PSCI_CPU_ON					0xc4000003
#define PSCI_SUCCESS				0
#define PSCI_ALREADY_ON				(-4)

#ifndef __ASSEMBLER__

#include <stdint.h>

/* The start-up code, SMP_TRAMPOLINE_SIZE bytes with its parameters (smp_start.S). */
extern const uint8_t arm64_smp_trampoline[];
/* Where a CPU that took its offer but must not stay goes: PSCI CPU_OFF, else wfi. */
extern const uint8_t arm64_smp_trampoline_off[];

#endif

#endif
