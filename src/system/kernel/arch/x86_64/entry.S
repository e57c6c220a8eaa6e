/* SPDX-License-Identifier: MIT */
/*
 * Kernel entry from the boot loader, and the CPU exception entry stubs.
 *
 * Loader contract: rdi = kernel address of kernel_args, rsi = CPU number,
 * rsp = top of args->cpu_kernel_stack[0], interrupts off, paging on with the
 * loader's page tables.
 */

	.section .text.entry, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	cld
	/* Record rsp before touching the stack, so the checks see the loader's value. */
	movq	%rsp, gBootInitialStack(%rip)
	/* Terminate frame-pointer chains for anyone walking the stack. */
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	/* rdi and rsi already hold kernel_main's arguments. */
	call	kernel_main
1:	cli
	hlt
	jmp		1b
	.size _start, . - _start


/*
 * Where a started CPU enters when the checks release it from its mailbox
 * (src/system/kernel/smp.c): rdi = its report, rsi = its CPU number, rsp =
 * the top of its stack less a null return address. It reports, then halts.
 */
	.text
	.globl kernel_ap_start
	.type kernel_ap_start, @function
kernel_ap_start:
	cld
	movq	%rsp, %rdx
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	call	kernel_ap_main
1:	cli
	hlt
	jmp		1b
	.size kernel_ap_start, . - kernel_ap_start


/*
 * One stub per exception vector: push a dummy error code where the CPU pushes
 * none, so that the C handler always sees the same frame:
 * vector, error code, rip, cs, rflags, rsp, ss.
 */
	.macro EXCEPTION_STUB vector
	.p2align 4
exception_stub_\vector:
	.if (\vector == 8) || (\vector == 10) || (\vector == 11) || (\vector == 12) \
		|| (\vector == 13) || (\vector == 14) || (\vector == 17) \
		|| (\vector == 21) || (\vector == 29) || (\vector == 30)
	.else
	pushq	$0
	.endif
	pushq	$\vector
	jmp		exception_common
	.endm

	.text
	.irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	EXCEPTION_STUB \vector
	.endr
	.irp vector, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	EXCEPTION_STUB \vector
	.endr

exception_common:
	cld
	movq	%rsp, %rdi
	andq	$-16, %rsp
	call	kernel_exception
1:	cli
	hlt
	jmp		1b


	.section .rodata
	.p2align 3
	.globl gExceptionStubs
	.type gExceptionStubs, @object
gExceptionStubs:
	.irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.quad	exception_stub_\vector
	.endr
	.irp vector, 16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	exception_stub_\vector
	.endr
	.size gExceptionStubs, . - gExceptionStubs


	/* In .data, not .bss: the checks verify that .bss was still zero at entry. */
	.data
	.p2align 3
	.globl gBootInitialStack
	.type gBootInitialStack, @object
gBootInitialStack:
	.quad	0
	.size gBootInitialStack, 8


	.section .note.GNU-stack, "", @progbits
