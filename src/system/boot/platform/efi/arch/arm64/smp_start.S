/* SPDX-License-Identifier: MIT */
/*
 * Where the other CPUs start (docs/smp.md), copied into the start-up page:
 * PSCI's CPU_ON, or a spin-table's release, enters at its first byte at EL2
 * or EL1 with the MMU off. A spin-table gives the CPU no argument, so each
 * CPU knows itself by its MPIDR. The code finds its parameters relative to
 * itself, so it runs in any page.
 */
#include <arch_smp.h>

#include "enter_el1.h"

#define PARAM(name)		(SMP_TRAMPOLINE_PARAMS + SMP_PARAM_ ## name)

	.text
	.globl	arm64_smp_trampoline
	.globl	arm64_smp_trampoline_off
	.balign	16
arm64_smp_trampoline:
	/* The affinity fields, Aff3 apart from Aff2 to Aff0, as in hardware ids. */
	mrs		x9, mpidr_el1
	and		x19, x9, #0xffffff
	and		x9, x9, #0xff00000000
	orr		x19, x19, x9
	adr		x20, arm64_smp_trampoline
	ldr		x12, [x20, #PARAM(TTBR0)]
	ldr		x13, [x20, #PARAM(TTBR1)]
	ldr		x14, [x20, #PARAM(TCR)]
	ldr		x15, [x20, #PARAM(MAIR)]
	enter_el1_mmu_on x12, x13, x14, x15

	/*
	 * Now coherent with the boot CPU. Take the offer only if it is this
	 * CPU's: one that wakes after the loader gave up on it finds none, or
	 * another CPU's, and stops. The exclusive pair then takes it only if it
	 * is still the one read.
	 */
	add		x9, x20, #PARAM(OFFER)
1:	ldar	x10, [x9]
	cbz		x10, arm64_smp_trampoline_off
	ldr		x11, [x10, #SMP_MAILBOX_HARDWARE_ID]
	cmp		x11, x19
	b.ne	arm64_smp_trampoline_off
	ldaxr	x12, [x9]
	cmp		x12, x10
	b.ne	arm64_smp_trampoline_off
	stlxr	w11, xzr, [x9]
	cbnz	w11, 1b
	mov		x19, x10

	ldr		x9, [x19, #SMP_MAILBOX_STACK_TOP]
	mov		sp, x9
	mov		w9, #SMP_MAILBOX_PARKED
	add		x10, x19, #SMP_MAILBOX_STATE
	stlr	w9, [x10]

	/* The wait loop: the kernel writes argument, then entry (a release store). */
2:	yield
	ldar	x9, [x19]
	cbz		x9, 2b
	ldr		x0, [x19, #SMP_MAILBOX_ARGUMENT]
	ldr		w1, [x19, #SMP_MAILBOX_CPU_INDEX]
	mov		w10, #SMP_MAILBOX_RELEASED
	str		w10, [x19, #SMP_MAILBOX_STATE]
	mov		x29, xzr
	mov		x30, xzr
	br		x9

	/* Also the entry the loader releases a CPU it gave up on into. */
arm64_smp_trampoline_off:
	clrex
	adr		x20, arm64_smp_trampoline
	ldr		x9, [x20, #PARAM(CONDUIT)]
	cmp		x9, #SMP_CONDUIT_NONE
	b.eq	4f
	mov32	x0, PSCI_CPU_OFF
	cbnz	x9, 3f
	hvc		#0
	b		4f
3:	smc		#0
	/* CPU_OFF does not return; should it fail, or without PSCI, the CPU stays here. */
4:	wfi
	b		4b

	/* The parameters, zero until filled in; .org fails the build if the code grew into them. */
	.org	SMP_TRAMPOLINE_PARAMS
	.org	SMP_TRAMPOLINE_SIZE

	.section .note.GNU-stack, "", %progbits
