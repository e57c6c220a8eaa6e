/* SPDX-License-Identifier: MIT */
/*
 * Kernel entry from the boot loader, the exception vectors, and the calls
 * into semihosting and PSCI that may not exist.
 *
 * Loader contract: EL1, x0 = kernel address of kernel_args, x1 = CPU number,
 * sp = top of args->cpu_kernel_stack[0], MMU on with the loader's tables,
 * DAIF masked.
 *
 * The kernel runs on SP_EL0 with the loader's stack; SP_EL1, which the CPU
 * switches to on every exception, gets a stack of its own, so that a fault
 * on a broken stack (an overflow into the guard page) still ends in a report.
 */

#define EXCEPTION_STACK_SIZE	16384
/* x0-x3 of the interrupted code, then what kernel_exception gets (see cpu.c). */
#define FRAME_SAVED				0
#define FRAME_REPORT			32
#define FRAME_SIZE				128
/* More nested exceptions than this skip C: the handler itself keeps faulting. */
#define MAX_EXCEPTION_DEPTH		2
#define ESR_CLASS_SHIFT			26
#define ESR_CLASS_BITS			6
#define SPSR_SP_ELX				1
#define SEMIHOSTING_SYS_EXIT	0x18
#define PSCI_SYSTEM_OFF			0x84000008
#define PFR0_EL2_SHIFT			8

/*
 * Where a started CPU would enter when released from its mailbox
 * (src/system/kernel/smp.c): x0 = its report, x1 = its CPU number, sp =
 * the top of its stack. The arm64 loader starts no CPUs yet.
 */
	.text
	.globl kernel_ap_start
	.type kernel_ap_start, %function
kernel_ap_start:
	mov		x2, sp
	mov		x29, xzr
	mov		x30, xzr
	bl		kernel_ap_main
1:	wfi
	b		1b
	.size kernel_ap_start, . - kernel_ap_start

	.section .text.entry, "ax", %progbits
	.globl _start
	.type _start, %function
_start:
	/* Record sp before touching the stack, so the checks see the loader's value. */
	mov		x9, sp
	adrp	x10, gBootInitialStack
	str		x9, [x10, :lo12:gBootInitialStack]

	/* From the first instruction on, a fault ends in a verdict. */
	adrp	x10, arm64_exception_vectors
	add		x10, x10, :lo12:arm64_exception_vectors
	msr		vbar_el1, x10
	isb

	/* SP_EL1 (writable as sp only while selected) for exceptions, SP_EL0 for the kernel. */
	msr		spsel, #1
	adrp	x10, sExceptionStackTop
	add		x10, x10, :lo12:sExceptionStackTop
	mov		sp, x10
	and		x9, x9, #~0xf
	msr		sp_el0, x9
	msr		spsel, #0

	/* Terminate frame-pointer chains for anyone walking the stack. */
	mov		x29, xzr
	mov		x30, xzr
	/* x0 and x1 already hold kernel_main's arguments. */
	bl		kernel_main
1:	wfi
	b		1b
	.size _start, . - _start


/*
 * The calls that may not exist. Each is a single instruction the vectors
 * step over when the CPU finds it undefined (exception class 0), returning
 * PSCI's NOT_SUPPORTED (-1) in x0.
 */
	.text
	.globl arm64_semihosting_call
	.type arm64_semihosting_call, %function
arm64_semihosting_call:
	hlt		#0xf000
	ret
	.size arm64_semihosting_call, . - arm64_semihosting_call

	.globl arm64_psci_call_hvc
	.type arm64_psci_call_hvc, %function
arm64_psci_call_hvc:
	hvc		#0
	ret
	.size arm64_psci_call_hvc, . - arm64_psci_call_hvc

	.globl arm64_psci_call_smc
	.type arm64_psci_call_smc, %function
arm64_psci_call_smc:
	smc		#0
	ret
	.size arm64_psci_call_smc, . - arm64_psci_call_smc


/*
 * The vector table: four groups (current EL with SP_EL0, current EL with
 * SP_ELx, lower EL AArch64, lower EL AArch32) of four kinds (synchronous,
 * IRQ, FIQ, SError), 128 bytes each, the table 2 KiB aligned.
 */
	.macro VECTOR index
	.balign	0x80
	sub		sp, sp, #FRAME_SIZE
	stp		x0, x1, [sp, #FRAME_SAVED]
	stp		x2, x3, [sp, #FRAME_SAVED + 16]
	mov		x0, #\index
	b		exception_common
	.endm

	.balign	0x800
	.globl arm64_exception_vectors
arm64_exception_vectors:
	.irp index, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	VECTOR \index
	.endr


/* x0 = vector index; x0-x3 of the interrupted code saved at sp. */
exception_common:
	mrs		x1, esr_el1
	ubfx	x2, x1, #ESR_CLASS_SHIFT, #ESR_CLASS_BITS
	cbnz	x2, report
	mrs		x2, elr_el1
	adr		x3, arm64_semihosting_call
	cmp		x2, x3
	b.eq	step_over
	adr		x3, arm64_psci_call_hvc
	cmp		x2, x3
	b.eq	step_over
	adr		x3, arm64_psci_call_smc
	cmp		x2, x3
	b.eq	step_over

report:
	adrp	x2, sExceptionDepth
	ldr		w3, [x2, :lo12:sExceptionDepth]
	add		w3, w3, #1
	str		w3, [x2, :lo12:sExceptionDepth]
	cmp		w3, #MAX_EXCEPTION_DEPTH
	b.hi	exit_last_resort

	/* vector, ESR, ELR, FAR, SPSR, the interrupted sp, fp, lr */
	mrs		x2, elr_el1
	stp		x0, x1, [sp, #FRAME_REPORT]
	mrs		x3, far_el1
	stp		x2, x3, [sp, #FRAME_REPORT + 16]
	mrs		x2, spsr_el1
	mrs		x3, sp_el0
	tbz		x2, #0, 1f
	add		x3, sp, #FRAME_SIZE
1:	stp		x2, x3, [sp, #FRAME_REPORT + 32]
	stp		x29, x30, [sp, #FRAME_REPORT + 48]
	add		x0, sp, #FRAME_REPORT
	mov		x29, xzr
	bl		kernel_exception
	b		exit_last_resort

step_over:
	add		x2, x2, #4
	msr		elr_el1, x2
	ldp		x2, x3, [sp, #FRAME_SAVED + 16]
	ldr		x1, [sp, #FRAME_SAVED + 8]
	mov		x0, #-1
	add		sp, sp, #FRAME_SIZE
	eret


/*
 * The handler keeps faulting: leave without C, as kernel_exit does, with
 * the fail code, without the stack.
 */
exit_last_resort:
	mov		x0, #SEMIHOSTING_SYS_EXIT
	adr		x1, kLastResortExit
	bl		arm64_semihosting_call
	movz	x0, #(PSCI_SYSTEM_OFF & 0xffff)
	movk	x0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
	mrs		x1, id_aa64pfr0_el1
	ubfx	x1, x1, #PFR0_EL2_SHIFT, #4
	cbz		x1, 1f
	bl		arm64_psci_call_smc
	b		2f
1:	bl		arm64_psci_call_hvc
2:	wfi
	b		2b

	.balign	8
kLastResortExit:
	.quad	0x20026		/* ADP_Stopped_ApplicationExit */
	.quad	0x11		/* KERNEL_EXIT_FAIL */


	/* In .data, not .bss: the checks verify that .bss was still zero at entry. */
	.data
	.balign	8
	.globl gBootInitialStack
	.type gBootInitialStack, %object
gBootInitialStack:
	.quad	0
	.size gBootInitialStack, 8

sExceptionDepth:
	.word	0

	.bss
	.balign	16
sExceptionStack:
	.skip	EXCEPTION_STACK_SIZE
sExceptionStackTop:


	.section .note.GNU-stack, "", %progbits
