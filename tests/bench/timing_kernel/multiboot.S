/* SPDX-License-Identifier: MIT */
/*
 * The timing kernel's second way in: Multiboot2, for GRUB (`jam
 * bench-boot`). GRUB's ELF path refuses an entry above 4 GiB, so the header
 * carries an address tag and GRUB loads the file as an image: from the text
 * segment's first byte on, to the physical addresses the linker script gives
 * (the same the floor loader uses: segments follow each other in the file as
 * in memory), zeroing the bss. The entry tag names multiboot_entry, which
 * GRUB calls in 32-bit protected mode with paging off; it reads the cycle
 * counter first, as _start does, maps the low gigabyte and the kernel window,
 * enters long mode and continues in _start's path with no kernel_args.
 */

#define MULTIBOOT2_MAGIC		0xe85250d6
#define TAG_END					0
#define TAG_ADDRESS				2
#define TAG_ENTRY_ADDRESS		3

/* KERNEL_LOAD_BASE and where the linker scripts put it physically. */
#define WINDOW					0xffffffff80000000
#define WINDOW_PHYSICAL			0x2000000
/* Wraps modulo 2^64 into the low 4 GiB, which a 32-bit relocation takes. */
#define PHYSICAL(symbol)		((symbol) - WINDOW + WINDOW_PHYSICAL)

#define PAGE_PRESENT_WRITABLE	0x3
#define PAGE_LARGE				0x80
#define CR4_PAE					0x20
#define MSR_EFER				0xc0000080
#define EFER_LME				0x100
#define CR0_PE_PG				0x80000001

	.section .multiboot2, "a"
	.p2align 3
multiboot_header:
	.long	MULTIBOOT2_MAGIC
	.long	0								/* i386 protected mode */
	.long	multiboot_header_end - multiboot_header
	.long	0x100000000 - (MULTIBOOT2_MAGIC + (multiboot_header_end - multiboot_header))

	.p2align 3
	.short	TAG_ADDRESS, 0
	.long	24
	.long	PHYSICAL(multiboot_header)
	.long	PHYSICAL(__timing_start)		/* load from the text segment's start */
	.long	PHYSICAL(__timing_load_end)		/* to the last byte in the file */
	.long	PHYSICAL(__timing_bss_end)		/* and zero the rest */

	.p2align 3
	.short	TAG_ENTRY_ADDRESS, 0
	.long	12
	.long	PHYSICAL(multiboot_entry)

	.p2align 3
	.short	TAG_END, 0
	.long	8
multiboot_header_end:


	.text
	.code32
multiboot_entry:
	rdtsc
	movl	%eax, PHYSICAL(gTimingEntryCycles)
	movl	%edx, PHYSICAL(gTimingEntryCycles) + 4

	/* Five tables: PML4, two PDPTs, the low gigabyte's and the window's PD. */
	movl	$PHYSICAL(sTables), %edi
	xorl	%eax, %eax
	movl	$(5 * 4096 / 4), %ecx
	rep stosl
	movl	$PHYSICAL(sTables), %ebx
	leal	(4096 + PAGE_PRESENT_WRITABLE)(%ebx), %eax
	movl	%eax, (%ebx)							/* PML4[0]: low PDPT */
	leal	(2 * 4096 + PAGE_PRESENT_WRITABLE)(%ebx), %eax
	movl	%eax, 511 * 8(%ebx)						/* PML4[511]: high PDPT */
	leal	(3 * 4096 + PAGE_PRESENT_WRITABLE)(%ebx), %eax
	movl	%eax, 4096(%ebx)						/* low PDPT[0]: low PD */
	leal	(4 * 4096 + PAGE_PRESENT_WRITABLE)(%ebx), %eax
	movl	%eax, 2 * 4096 + 510 * 8(%ebx)			/* high PDPT[510]: window PD */
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl		$(PAGE_PRESENT_WRITABLE | PAGE_LARGE), %eax
	movl	%eax, 3 * 4096(%ebx, %ecx, 8)			/* identity */
	addl	$WINDOW_PHYSICAL, %eax
	movl	%eax, 4 * 4096(%ebx, %ecx, 8)			/* the window */
	incl	%ecx
	cmpl	$512, %ecx
	jne		1b

	movl	%ebx, %cr3
	movl	%cr4, %eax
	orl		$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$MSR_EFER, %ecx
	rdmsr
	orl		$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl		$CR0_PE_PG, %eax
	movl	%eax, %cr0
	lgdt	PHYSICAL(sGdtPointer)
	ljmp	$0x08, $PHYSICAL(multiboot_long_mode)

	.code64
multiboot_long_mode:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%edi, %edi								/* no kernel_args */
	xorl	%esi, %esi
	movabsq	$gTimingKernelStarted, %rax
	jmp		*%rax


	.section .rodata
	.p2align 3
sGdt:
	.quad	0
	.quad	0x00af9a000000ffff						/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff						/* 0x10: data */
sGdtPointer:
	.short	3 * 8 - 1
	.long	PHYSICAL(sGdt)


	.bss
	.p2align 12
sTables:
	.skip	5 * 4096


	.section .note.GNU-stack, "", @progbits
