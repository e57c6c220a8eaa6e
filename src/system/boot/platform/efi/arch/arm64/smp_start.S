/* SPDX-License-Identifier: MIT */
/*
 * Where the other CPUs start (docs/smp.md), copied into the start-up page:
 * PSCI's CPU_ON enters at its first byte with x0 = the mailbox (kernel
 * address) the loader offered this CPU, at EL2 or EL1, MMU off. The code
 * finds its parameters relative to itself, so it runs in any page.
 */
#include <arch_smp.h>

#include "enter_el1.h"

#define PARAM(name)		(SMP_TRAMPOLINE_PARAMS + SMP_PARAM_ ## name)

	.text
	.globl	arm64_smp_trampoline
	.globl	arm64_smp_trampoline_off
	.balign	16
arm64_smp_trampoline:
	mov		x19, x0
	adr		x20, arm64_smp_trampoline
	ldr		x12, [x20, #PARAM(TTBR0)]
	ldr		x13, [x20, #PARAM(TTBR1)]
	ldr		x14, [x20, #PARAM(TCR)]
	ldr		x15, [x20, #PARAM(MAIR)]
	enter_el1_mmu_on x12, x13, x14, x15

	/*
	 * Now coherent with the boot CPU. Take the offer only if it is this
	 * CPU's: one that wakes after the loader gave up on it finds none, or
	 * another CPU's, and powers off.
	 */
	add		x9, x20, #PARAM(OFFER)
1:	ldaxr	x10, [x9]
	cmp		x10, x19
	b.ne	arm64_smp_trampoline_off
	stlxr	w11, xzr, [x9]
	cbnz	w11, 1b

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
	adr		x20, arm64_smp_trampoline
	ldr		x9, [x20, #PARAM(CONDUIT)]
	mov32	x0, PSCI_CPU_OFF
	cbnz	x9, 3f
	hvc		#0
	b		4f
3:	smc		#0
	/* CPU_OFF does not return; should it fail, the CPU stays here. */
4:	wfi
	b		4b

	/* The parameters, zero until filled in; .org fails the build if the code grew into them. */
	.org	SMP_TRAMPOLINE_PARAMS
	.org	SMP_TRAMPOLINE_SIZE

	.section .note.GNU-stack, "", %progbits
