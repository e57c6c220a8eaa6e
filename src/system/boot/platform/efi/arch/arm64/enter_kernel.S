/* SPDX-License-Identifier: MIT */
/*
 * The switch from the firmware's address space to the kernel's.
 *
 * void arm64_enter_kernel(uint64_t ttbr0, uint64_t ttbr1, uint64_t tcr,
 *     uint64_t mair, uint64_t entry, uint64_t kernel_args, uint64_t stack_top);
 *
 * Runs identity-mapped (the firmware's tables, then the loader's TTBR0) and,
 * while the MMU is off, from registers only (enter_el1.h): the caller
 * cleaned what it reads to the point of coherency (arm64_clean_for_kernel).
 */
#include "enter_el1.h"

	.text
	.globl	arm64_enter_kernel_start
	.globl	arm64_enter_kernel_end
	.globl	arm64_enter_kernel
	.type	arm64_enter_kernel, %function
	.balign	64
arm64_enter_kernel_start:
arm64_enter_kernel:
	enter_el1_mmu_on x0, x1, x2, x3

	/* The identity map still holds this code; the kernel is in TTBR1. */
	mov		sp, x6
	mov		x0, x5
	mov		x1, #0
	mov		x29, #0
	mov		x30, #0
	br		x4
arm64_enter_kernel_end:
	.size	arm64_enter_kernel, . - arm64_enter_kernel

	.section .note.GNU-stack, "", %progbits
