/* SPDX-License-Identifier: MIT */
/*
 * The start-up code of the other CPUs, copied to a page below 1 MiB and
 * entered there in real mode by the start-up IPI (CS = page >> 4, IP = 0).
 * Real mode, then protected mode on a temporary GDT in the page, then long
 * mode on the kernel's page tables, then the kernel's GDT, and the wait
 * loop on the CPU's mailbox (docs/smp.md). The boot CPU fills in the
 * parameters at SMP_TRAMPOLINE_PARAMS (smp_trampoline.c) and offers one
 * mailbox at a time; each CPU takes the offer with an exchange, so that a
 * CPU that wakes late finds none and halts instead of sharing a mailbox.
 *
 * ebx holds the page's physical address from real mode on: every data
 * reference is relative to it, so the code runs wherever the page is.
 */
#include <arch_smp.h>

#define CR0_PROTECTED_MODE		0x1
#define MSR_EFER				0xc0000080

	.section .text.x86_smp_trampoline, "ax", @progbits
	.globl	x86_smp_trampoline
	.globl	x86_smp_trampoline_pm32
	.globl	x86_smp_trampoline_lm64
	.globl	x86_smp_trampoline_park
	.p2align 4

	.code16
x86_smp_trampoline:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	xorl	%ebx, %ebx
	movw	%ax, %bx
	shll	$4, %ebx

	lgdtl	SMP_TRAMPOLINE_PARAMS + SMP_PARAM_GDTR
	movl	%cr0, %eax
	orl		$CR0_PROTECTED_MODE, %eax
	movl	%eax, %cr0
	ljmpl	*(SMP_TRAMPOLINE_PARAMS + SMP_PARAM_PM_TARGET)

	.code32
x86_smp_trampoline_pm32:
	movl	$SMP_DATA_SELECTOR, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss

	/* PAE and the boot CPU's other CR4 bits, then the kernel's tables, then long mode. */
	movl	SMP_TRAMPOLINE_PARAMS + SMP_PARAM_CR4(%ebx), %eax
	movl	%eax, %cr4
	movl	SMP_TRAMPOLINE_PARAMS + SMP_PARAM_CR3(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl		SMP_TRAMPOLINE_PARAMS + SMP_PARAM_EFER(%ebx), %eax
	wrmsr
	/* Paging on; also clears the cache-disable bits INIT left set. */
	movl	SMP_TRAMPOLINE_PARAMS + SMP_PARAM_CR0(%ebx), %eax
	movl	%eax, %cr0
	ljmpl	*SMP_TRAMPOLINE_PARAMS + SMP_PARAM_LM_TARGET(%ebx)

	.code64
x86_smp_trampoline_lm64:
	/* The upper halves of the registers are undefined after the switch. */
	movl	%ebx, %ebx
	lgdt	SMP_TRAMPOLINE_PARAMS + SMP_PARAM_KERNEL_GDTR(%rbx)
	movzwl	SMP_TRAMPOLINE_PARAMS + SMP_PARAM_DATA_SELECTOR(%rbx), %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	/* A far jump through memory (m16:32, which AMD has too) loads the kernel's CS. */
	ljmpl	*SMP_TRAMPOLINE_PARAMS + SMP_PARAM_PARK_TARGET(%rbx)

x86_smp_trampoline_park:
	xorl	%eax, %eax
	xchgq	%rax, SMP_TRAMPOLINE_PARAMS + SMP_PARAM_MAILBOX(%rbx)
	testq	%rax, %rax
	jz		2f
	movq	%rax, %rbx
	movl	$SMP_MAILBOX_PARKED, %eax
	xchgl	%eax, SMP_MAILBOX_STATE(%rbx)

	/* The wait loop: the kernel writes argument, then entry. */
1:	pause
	movq	SMP_MAILBOX_ENTRY(%rbx), %rax
	testq	%rax, %rax
	jz		1b
	movq	SMP_MAILBOX_STACK_TOP(%rbx), %rsp
	movq	SMP_MAILBOX_ARGUMENT(%rbx), %rdi
	movl	SMP_MAILBOX_CPU_INDEX(%rbx), %esi
	movl	$SMP_MAILBOX_RELEASED, SMP_MAILBOX_STATE(%rbx)
	xorl	%ebp, %ebp
	/* A null return address, as for the boot CPU. */
	pushq	$0
	jmpq	*%rax

	/* No offer: a CPU that woke too late stops here. */
2:	cli
	hlt
	jmp		2b

	/* The parameters, zero until filled in; .org fails the build if the code grew into them. */
	.org	SMP_TRAMPOLINE_PARAMS
	.org	SMP_TRAMPOLINE_GDT
x86_smp_trampoline_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* SMP_CODE32_SELECTOR: flat 32-bit code */
	.quad	0x00cf92000000ffff		/* SMP_DATA_SELECTOR: flat data */
	.quad	0x00af9a000000ffff		/* SMP_CODE64_SELECTOR: 64-bit code */
	.org	SMP_TRAMPOLINE_SIZE

	.section .note.GNU-stack, "", @progbits
