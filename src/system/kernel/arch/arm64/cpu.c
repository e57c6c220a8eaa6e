/* SPDX-License-Identifier: MIT */
/*
 * The boot-check kernel's arm64 CPU: what the CPU says at entry (system
 * registers), its cycle counter (the generic timer's virtual count), and
 * the report of an exception, which ends the boot.
 */
#include "../../kernel.h"

#include "arm64_cpu.h"


#define CURRENT_EL_SHIFT		2
#define DAIF_SHIFT				6
#define PFR0_GIC_SHIFT			24	/* GICv3 system register interface */
#define ESR_CLASS(esr)			((uint32_t)(((esr) >> 26) & 0x3f))

/* The frame entry.S hands kernel_exception. */
enum {
	FRAME_VECTOR,
	FRAME_ESR,
	FRAME_ELR,
	FRAME_FAR,
	FRAME_SPSR,
	FRAME_SP,
	FRAME_FP,
	FRAME_LR,
};

static const char *const kVectorKinds[4] = { "synchronous", "IRQ", "FIQ", "SError" };
static const char *const kVectorSources[4] = { "EL1 with SP_EL0", "EL1 with SP_EL1",
	"EL0 (AArch64)", "EL0 (AArch32)" };


void
arch_kernel_read_cpu(struct bootcheck_cpu_state *state)
{
	state->exception_level = (uint32_t)(ARM64_READ_SYSREG(CurrentEL) >> CURRENT_EL_SHIFT) & 3;
	state->daif = (uint32_t)(ARM64_READ_SYSREG(DAIF) >> DAIF_SHIFT) & 0xf;
	state->sctlr = ARM64_READ_SYSREG(SCTLR_EL1);
	state->ttbr0 = ARM64_READ_SYSREG(TTBR0_EL1);
	state->ttbr1 = ARM64_READ_SYSREG(TTBR1_EL1);
	state->mair = ARM64_READ_SYSREG(MAIR_EL1);
	state->tcr = ARM64_READ_SYSREG(TCR_EL1);
	state->mpidr = ARM64_READ_SYSREG(MPIDR_EL1);
	state->cpacr = ARM64_READ_SYSREG(CPACR_EL1);
	state->pfr0 = ARM64_READ_SYSREG(ID_AA64PFR0_EL1);
	state->mmfr0 = ARM64_READ_SYSREG(ID_AA64MMFR0_EL1);
	state->counter_frequency = ARM64_READ_SYSREG(CNTFRQ_EL0) & 0xffffffff;
	/*
	 * A CPU whose EL2 left GICv3's system registers to EL2 alone
	 * (ICC_SRE_EL2.Enable clear) traps here and never reports: exactly
	 * what a kernel's interrupt controller code would meet.
	 */
	if (((state->pfr0 >> PFR0_GIC_SHIFT) & 0xf) != 0)
		state->icc_sre = ARM64_READ_SYSREG(S3_0_C12_C12_5);
}


uint64_t
arch_kernel_cycle_counter(void)
{
	/* Without the barrier the read may happen early, out of order. */
	__asm__ volatile("isb" : : : "memory");
	return ARM64_READ_SYSREG(CNTVCT_EL0);
}


/* _start installed the vectors before any C ran: a fault in C always ends in a report. */
void
arch_kernel_traps_install(void)
{
}


static const char *
exception_class_name(uint32_t exceptionClass)
{
	switch (exceptionClass) {
		case 0x00:
			return "undefined instruction";
		case 0x07:
			return "FP/SIMD access trapped";
		case 0x0e:
			return "illegal execution state";
		case 0x15:
			return "SVC";
		case 0x18:
			return "system register access trapped";
		case 0x20:
		case 0x21:
			return "instruction abort";
		case 0x22:
			return "PC alignment fault";
		case 0x24:
		case 0x25:
			return "data abort";
		case 0x26:
			return "SP alignment fault";
		case 0x2f:
			return "SError";
		case 0x3c:
			return "BRK";
	}
	return "exception";
}


/* Called by entry.S with the frame above; never returns. */
void
kernel_exception(const uint64_t *frame)
{
	/* A fault while reporting one: say as little as possible and leave. */
	if (kernel_in_exception()) {
		static const char kNested[] = "\nBOOTCHECK FAIL: nested exception\n";
		serial_write(kNested, sizeof(kNested) - 1);
		kernel_exit(KERNEL_EXIT_FAIL);
	}

	uint64_t vector = frame[FRAME_VECTOR] & 0xf;
	bool synchronous = vector % 4 == 0;
	const char *name = synchronous ? exception_class_name(ESR_CLASS(frame[FRAME_ESR]))
		: kVectorKinds[vector % 4];
	kernel_printf("\nEXCEPTION %s (%s exception from %s) ESR_EL1 %#llx\n", name,
		kVectorKinds[vector % 4], kVectorSources[vector / 4], (ull)frame[FRAME_ESR]);
	kernel_printf("  elr %#llx far %#llx spsr %#llx sp %#llx fp %#llx lr %#llx\n",
		(ull)frame[FRAME_ELR], (ull)frame[FRAME_FAR], (ull)frame[FRAME_SPSR],
		(ull)frame[FRAME_SP], (ull)frame[FRAME_FP], (ull)frame[FRAME_LR]);
	kernel_printf("BOOTCHECK FAIL: %s: exception %s at elr %#llx (far %#llx)\n",
		kernel_phase(), name, (ull)frame[FRAME_ELR], (ull)frame[FRAME_FAR]);
	kernel_exit(KERNEL_EXIT_FAIL);
}
