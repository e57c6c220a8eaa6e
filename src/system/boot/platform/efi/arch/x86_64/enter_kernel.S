/* SPDX-License-Identifier: MIT */
/*
 * The switch from the firmware's address space to the kernel's.
 *
 * void x86_64_enter_kernel(uint64_t cr3, const void *gdtr, uint64_t entry,
 *     uint64_t kernel_args, uint64_t stack_top);
 *
 * Runs from identity-mapped loader code, which the new page tables map too,
 * so the instruction after the CR3 write is still reachable.
 */

#define KERNEL_CODE_SELECTOR	0x08
#define KERNEL_DATA_SELECTOR	0x10
#define CR0_WRITE_PROTECT		0x10000

	.text
	.globl	x86_64_enter_kernel
	.type	x86_64_enter_kernel, @function
x86_64_enter_kernel:
	cli
	movq	%rdi, %cr3

	/* Read-only kernel pages must stay read-only for ring 0 as well. */
	movq	%cr0, %rax
	orq		$CR0_WRITE_PROTECT, %rax
	movq	%rax, %cr0

	lgdt	(%rsi)
	movl	$KERNEL_DATA_SELECTOR, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs

	/* A far return is the way to load CS in long mode. */
	leaq	1f(%rip), %rax
	pushq	$KERNEL_CODE_SELECTOR
	pushq	%rax
	lretq
1:
	movq	%r8, %rsp
	movq	%rcx, %rdi
	xorl	%esi, %esi
	xorl	%ebp, %ebp
	/* A null return address, as if the kernel had been called. */
	pushq	$0
	jmpq	*%rdx
	.size	x86_64_enter_kernel, . - x86_64_enter_kernel

	.section .note.GNU-stack, "", @progbits
