/* SPDX-License-Identifier: MIT */
/*
 * The timing kernel's entry (tests/bench/boot-bench). The cycle counter is
 * read before anything else, so that its value is the moment the loader let
 * go: rdtsc changes only rax and rdx, and rdi and rsi still hold what the
 * loader passed (kernel_args and the CPU number from our loader, 0 from the
 * floor loader and from multiboot.S).
 */

	.section .text.entry, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	rdtsc
	movl	%eax, gTimingEntryCycles(%rip)
	movl	%edx, gTimingEntryCycles + 4(%rip)
	/* Multiboot2 (multiboot.S) joins here from its own entry, in long mode. */
	.globl gTimingKernelStarted
gTimingKernelStarted:
	cld
	/* A stack of its own: the floor loader leaves the firmware's. */
	leaq	sStackTop(%rip), %rsp
	xorl	%ebp, %ebp
	call	timing_kernel_main
1:	cli
	hlt
	jmp		1b
	.size _start, . - _start


	.data
	.p2align 3
	.globl gTimingEntryCycles
	.type gTimingEntryCycles, @object
gTimingEntryCycles:
	.quad	0
	.size gTimingEntryCycles, 8


	.bss
	.p2align 4
	.skip	16384
sStackTop:


	.section .note.GNU-stack, "", @progbits
