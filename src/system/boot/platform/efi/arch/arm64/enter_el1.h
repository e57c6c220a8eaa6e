/* SPDX-License-Identifier: MIT */
/*
 * The way every CPU reaches the kernel's translation regime, as assembler
 * macros for the boot CPU's switch (enter_kernel.S) and the other CPUs'
 * start-up (smp_start.S): from EL2 or EL1, MMU on or off, to EL1 on the
 * loader's tables with the MMU and caches on.
 *
 * With the MMU off every data access is Device memory past the caches: the
 * code may read nothing the boot CPU did not clean to the point of
 * coherency, and has no literal pools. Constants are built with movz/movk.
 */
#ifndef EFI_ARM64_ENTER_EL1_H
#define EFI_ARM64_ENTER_EL1_H

#define SCTLR_M			(1 << 0)
#define SCTLR_C			(1 << 2)
#define SCTLR_SA		(1 << 3)
#define SCTLR_I			(1 << 12)
/* SCTLR_EL1's RES1 bits of ARMv8.0 (EOS, TSCXT, EIS, SPAN, nTLSMD, LSMAOE): */
#define SCTLR_EL1_RES1	0x30d00800
#define SCTLR_EL1_MMU_OFF	SCTLR_EL1_RES1
#define SCTLR_EL1_MMU_ON	(SCTLR_EL1_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I)

#define HCR_EL2_RW		(1 << 31)		/* EL1 is AArch64; E2H, TGE and VM stay 0 */
#define CNTHCTL_EL1PCTEN_EL1PCEN	3	/* EL1 reads the counters, untrapped */
#define CPTR_EL2_NO_TRAPS	0x33ff		/* RES1 bits only: TFP, TTA, TCPAC clear */
/* SPSR: EL1 with SP_EL1 (EL1h), D, A, I and F masked. */
#define SPSR_EL1H_MASKED	0x3c5
/* CPACR_EL1.FPEN = 0b11: FP/SIMD untrapped at EL1, which EFI runtime code uses. */
#define CPACR_EL1_FP_ENABLED	(3 << 20)
/* ID_AA64PFR0_EL1.GIC: GICv3's system registers; ICC_SRE_EL2's SRE and Enable. */
#define PFR0_GIC_SHIFT		24
#define ICC_SRE_EL2			S3_4_C12_C9_5
#define ICC_SRE_EL2_SRE_ENABLE	0x9

	.macro	mov32 register, value
	movz	\register, #((\value) & 0xffff)
	movk	\register, #(((\value) >> 16) & 0xffff), lsl #16
	.endm

/*
 * Interrupts masked, EL1 with the translation regime ttbr0, ttbr1, tcr and
 * mair (registers other than x9 to x11, which it uses) and the MMU on. The
 * code must be identity-mapped in the firmware's tables, if any, and in
 * ttbr0.
 */
	.macro	enter_el1_mmu_on ttbr0, ttbr1, tcr, mair
	msr		daifset, #0xf
	mrs		x9, CurrentEL
	ubfx	x9, x9, #2, #2
	cmp		x9, #2
	b.ne	.Lel1_\@

	/*
	 * EL2 (QEMU's virtualization=on, or firmware that does not drop):
	 * its MMU off (the code is identity-mapped, so the next fetch is the
	 * same address), then EL1 made a plain AArch64 EL1 without traps.
	 */
	mrs		x10, sctlr_el2
	mov32	x11, (SCTLR_M | SCTLR_C | SCTLR_I)
	bic		x10, x10, x11
	msr		sctlr_el2, x10
	isb
	mov32	x10, HCR_EL2_RW
	msr		hcr_el2, x10
	/*
	 * With E2H set (a VHE firmware), the *_el1 names below reached EL2's
	 * registers and CNTHCTL/CPTR had other layouts: only after this isb
	 * do they mean EL1's.
	 */
	isb
	mov		x10, #CNTHCTL_EL1PCTEN_EL1PCEN
	msr		cnthctl_el2, x10
	msr		cntvoff_el2, xzr
	mov32	x10, CPTR_EL2_NO_TRAPS
	msr		cptr_el2, x10
	msr		hstr_el2, xzr
	msr		vttbr_el2, xzr
	/* EL1 reads MIDR and MPIDR through these: the real values. */
	mrs		x10, midr_el1
	msr		vpidr_el2, x10
	mrs		x10, mpidr_el1
	msr		vmpidr_el2, x10
	/*
	 * GICv3's system registers reach EL1 only with ICC_SRE_EL2's SRE and
	 * Enable set: the firmware set them on the boot CPU, but a CPU PSCI has
	 * just started has them as reset left them.
	 */
	mrs		x10, id_aa64pfr0_el1
	ubfx	x10, x10, #PFR0_GIC_SHIFT, #4
	cbz		x10, .Lno_gicv3_\@
	mrs		x10, ICC_SRE_EL2
	mov		x11, #ICC_SRE_EL2_SRE_ENABLE
	orr		x10, x10, x11
	msr		ICC_SRE_EL2, x10
	isb
.Lno_gicv3_\@:
	/* SCTLR_EL1 is UNKNOWN until written: MMU and caches off. */
	mov32	x10, SCTLR_EL1_MMU_OFF
	msr		sctlr_el1, x10
	mov		x10, #SPSR_EL1H_MASKED
	msr		spsr_el2, x10
	adr		x10, .Lmmu_off_\@
	msr		elr_el2, x10
	isb
	eret

.Lel1_\@:
	/* EL1 with the firmware's MMU: off, so that MAIR and TCR can change. */
	mrs		x10, sctlr_el1
	mov32	x11, (SCTLR_M | SCTLR_C | SCTLR_I)
	bic		x10, x10, x11
	msr		sctlr_el1, x10
	isb

.Lmmu_off_\@:
	/* EL1, MMU off: the loader's translation regime, then the MMU on. */
	/* UNKNOWN after an EL2 start (U-Boot never writes it): FP/SIMD untrapped. */
	mov32	x10, CPACR_EL1_FP_ENABLED
	msr		cpacr_el1, x10
	msr		mair_el1, \mair
	msr		tcr_el1, \tcr
	msr		ttbr0_el1, \ttbr0
	msr		ttbr1_el1, \ttbr1
	isb
	/* Nothing the firmware's tables left in the TLBs or caches may be used. */
	tlbi	vmalle1
	ic		iallu
	dsb		nsh
	isb
	mov32	x10, SCTLR_EL1_MMU_ON
	msr		sctlr_el1, x10
	isb
	/* EL1h: the stack is SP_EL1, whichever stack pointer the firmware ran on. */
	msr		spsel, #1
	.endm

#endif
