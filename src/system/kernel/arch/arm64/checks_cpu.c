/* SPDX-License-Identifier: MIT */
/*
 * The checks of the arm64 CPU state the loader set up: the translation table
 * bases, MAIR and TCR as kernel_args documents them, the exception level,
 * the masked interrupts, SCTLR, the boot CPU's MPIDR and what makes the
 * tables' permissions hold; those that ask the CPU only run in the kernel.
 */
#include "arm64_paging.h"

#include <string.h>


/* TTBRn_EL1 bits that are neither the table address nor CnP must be 0 in kernel_args. */
#define TTBR_COMMON_NOT_PRIVATE		0x1ULL

#define SCTLR_MMU					(1ULL << 0)		/* M */
#define SCTLR_DATA_CACHE			(1ULL << 2)		/* C */
#define SCTLR_INSTRUCTION_CACHE		(1ULL << 12)	/* I */
#define SCTLR_WRITE_EXECUTE_NEVER	(1ULL << 19)	/* WXN */
#define SCTLR_BIG_ENDIAN			(1ULL << 25)	/* EE */

/* The GIC CPU interface structure: its flags and MPIDR (ACPI 5.1's length and on). */
#define MADT_GICC					0x0b
#define MADT_GICC_FLAGS				12
#define MADT_GICC_MPIDR				68
#define MADT_GICC_MIN_LENGTH		76
#define GICC_ENABLED				(1u << 0)
#define GICC_ONLINE_CAPABLE			(1u << 3)

#define DAIF_ALL_MASKED				0xf

/* TCR_EL1 fields. */
#define TCR_T0SZ(tcr)				((uint32_t)((tcr) & 0x3f))
#define TCR_EPD0					(1ULL << 7)
#define TCR_TG0(tcr)				((uint32_t)(((tcr) >> 14) & 0x3))
#define TCR_T1SZ(tcr)				((uint32_t)(((tcr) >> 16) & 0x3f))
#define TCR_EPD1					(1ULL << 23)
#define TCR_TG1(tcr)				((uint32_t)(((tcr) >> 30) & 0x3))
#define TCR_IPS(tcr)				((uint32_t)(((tcr) >> 32) & 0x7))
#define TCR_TG0_4K					0
#define TCR_TG1_4K					2
/* 48-bit halves: 64 - 16. */
#define TCR_SIZE_OFFSET_48			16

/* ID_AA64MMFR0_EL1.TGran4: 0xf when the CPU has no 4 KiB granule. */
#define MMFR0_TGRAN4(mmfr0)			((uint32_t)(((mmfr0) >> 28) & 0xf))
#define MMFR0_TGRAN4_NONE			0xf
#define MMFR0_PARANGE(mmfr0)		((uint32_t)((mmfr0) & 0xf))

#define CPACR_FPEN(cpacr)			((uint32_t)(((cpacr) >> 20) & 0x3))
#define CPACR_FPEN_NO_TRAP			3

/* MPIDR_EL1's affinity fields: Aff3 in 39:32, Aff2-Aff0 in 23:0. */
#define MPIDR_AFFINITY_MASK			0xff00ffffffULL

/* The loader measures the counter against the firmware; CNTFRQ_EL0 is the truth. */
#define COUNTER_FREQUENCY_TOLERANCE_PERCENT	2

/* Physical address bits of the IPS and PARange encodings 0-6. */
static const uint32_t kAddressBits[] = { 32, 36, 40, 42, 44, 48, 52 };


/* Physical address bits of an IPS or PARange value; 0 for a reserved one. */
static uint32_t
address_bits(uint32_t encoding)
{
	if (encoding >= sizeof(kAddressBits) / sizeof(kAddressBits[0]))
		return 0;
	return kAddressBits[encoding];
}


/* A table base register value in kernel_args: a page aligned table the kernel keeps. */
static bool
check_table_base(const kernel_args *args, const char *name, uint64_t value, char *reason,
	size_t reasonSize)
{
	if ((value & ~(ARM64_TTBR_ADDRESS | TTBR_COMMON_NOT_PRIVATE)) != 0) {
		return kcheck_fail(reason, reasonSize,
			"%s %#llx has bits set beside the table address and CnP", name, (ull)value);
	}
	uint64_t table = value & ARM64_TTBR_ADDRESS;
	if (table == 0)
		return kcheck_fail(reason, reasonSize, "%s is 0: no tables", name);
	/* The kernel runs on these tables until it has its own: they must be kept. */
	if (!kcheck_physical_allocated_contains(args, table, KERNEL_PAGE_SIZE)) {
		return kcheck_fail(reason, reasonSize,
			"%s table %#llx not inside a physical allocated range", name, (ull)table);
	}
	return true;
}


bool
kcheck_page_directory(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const struct arch_kernel_args *arch = &context->args->arch_args;
	if (!check_table_base(context->args, "ttbr1", arch->ttbr1, reason, reasonSize))
		return false;
	/* Without an identity map there is nothing in TTBR0 to keep. */
	if (arch->identity_map_size == 0 && arch->ttbr0 == 0)
		return true;
	if (!check_table_base(context->args, "ttbr0", arch->ttbr0, reason, reasonSize))
		return false;
	if ((arch->ttbr0 & ARM64_TTBR_ADDRESS) == (arch->ttbr1 & ARM64_TTBR_ADDRESS)) {
		return kcheck_fail(reason, reasonSize,
			"ttbr0 and ttbr1 share the table %#llx: the halves would alias",
			(ull)(arch->ttbr1 & ARM64_TTBR_ADDRESS));
	}
	return true;
}


bool
kcheck_exception_level(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	uint32_t level = context->environment->cpu->exception_level;
	uint32_t entry = context->args->arch_args.entry_el;
	if (level != 1)
		return kcheck_fail(reason, reasonSize, "the kernel runs at EL%u, not EL1", level);
	if (entry != 1 && entry != 2) {
		return kcheck_fail(reason, reasonSize,
			"entry_el %u: UEFI starts a loader at EL1 or EL2", entry);
	}
	return true;
}


bool
kcheck_interrupts_masked(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	uint32_t daif = context->environment->cpu->daif;
	if (daif != DAIF_ALL_MASKED) {
		return kcheck_fail(reason, reasonSize,
			"DAIF %#x: debug, SError, IRQ and FIQ must all be masked at entry", daif);
	}
	return true;
}


bool
kcheck_system_control(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	uint64_t sctlr = context->environment->cpu->sctlr;
	const struct {
		uint64_t	bit;
		bool		set;
		const char	*why;
	} rules[] = {
		{ SCTLR_MMU, true, "SCTLR_EL1.M clear: the MMU is off" },
		{ SCTLR_DATA_CACHE, true, "SCTLR_EL1.C clear: data accesses are not cached" },
		{ SCTLR_INSTRUCTION_CACHE, true,
			"SCTLR_EL1.I clear: instruction fetches are not cached" },
		{ SCTLR_BIG_ENDIAN, false, "SCTLR_EL1.EE set: EL1 runs big-endian" },
	};
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (((sctlr & rules[i].bit) != 0) != rules[i].set)
			return kcheck_fail(reason, reasonSize, "%s (%#llx)", rules[i].why, (ull)sctlr);
	}
	return true;
}


bool
kcheck_translation_bases(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const struct bootcheck_cpu_state *cpu = context->environment->cpu;
	const struct arch_kernel_args *arch = &context->args->arch_args;
	if ((cpu->ttbr1 & ARM64_TTBR_ADDRESS) != (arch->ttbr1 & ARM64_TTBR_ADDRESS)) {
		return kcheck_fail(reason, reasonSize, "TTBR1_EL1 %#llx, arch_args.ttbr1 %#llx",
			(ull)cpu->ttbr1, (ull)arch->ttbr1);
	}
	if ((cpu->ttbr0 & ARM64_TTBR_ADDRESS) != (arch->ttbr0 & ARM64_TTBR_ADDRESS)) {
		return kcheck_fail(reason, reasonSize, "TTBR0_EL1 %#llx, arch_args.ttbr0 %#llx",
			(ull)cpu->ttbr0, (ull)arch->ttbr0);
	}
	return true;
}


/* The loader's own layout, never the firmware's: every AttrIndx the tables use means it. */
bool
kcheck_mair(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint64_t mair = context->args->arch_args.mair;
	if (mair != ARM64_MAIR_VALUE) {
		return kcheck_fail(reason, reasonSize, "arch_args.mair %#llx, the ABI says %#llx",
			(ull)mair, (ull)ARM64_MAIR_VALUE);
	}
	const struct bootcheck_cpu_state *cpu = context->environment->cpu;
	if (cpu != NULL && cpu->mair != mair) {
		return kcheck_fail(reason, reasonSize, "MAIR_EL1 %#llx, arch_args.mair %#llx",
			(ull)cpu->mair, (ull)mair);
	}
	return true;
}


/* The halves and granules the walks assume, and physical addresses the map reaches. */
static bool
check_tcr_fields(const kernel_args *args, uint64_t tcr, char *reason, size_t reasonSize)
{
	if (TCR_T1SZ(tcr) != TCR_SIZE_OFFSET_48 || TCR_TG1(tcr) != TCR_TG1_4K
		|| (tcr & TCR_EPD1) != 0) {
		return kcheck_fail(reason, reasonSize, "tcr %#llx: TTBR1 is not a 48-bit half with"
			" 4 KiB pages (T1SZ %u, TG1 %u, EPD1 %u)", (ull)tcr, TCR_T1SZ(tcr), TCR_TG1(tcr),
			(tcr & TCR_EPD1) != 0);
	}
	if (TCR_T0SZ(tcr) != TCR_SIZE_OFFSET_48 || TCR_TG0(tcr) != TCR_TG0_4K
		|| (tcr & TCR_EPD0) != 0) {
		return kcheck_fail(reason, reasonSize, "tcr %#llx: TTBR0 is not a 48-bit half with"
			" 4 KiB pages (T0SZ %u, TG0 %u, EPD0 %u)", (ull)tcr, TCR_T0SZ(tcr), TCR_TG0(tcr),
			(tcr & TCR_EPD0) != 0);
	}
	uint32_t bits = address_bits(TCR_IPS(tcr));
	if (bits == 0 || (bits < 64 && args->physical_map_size > 1ULL << bits)) {
		return kcheck_fail(reason, reasonSize, "tcr %#llx: IPS %u (%u bits) does not reach"
			" the physical map's %#llx bytes", (ull)tcr, TCR_IPS(tcr), bits,
			(ull)args->physical_map_size);
	}
	return true;
}


bool
kcheck_tcr(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint64_t tcr = context->args->arch_args.tcr;
	if (!check_tcr_fields(context->args, tcr, reason, reasonSize))
		return false;
	const struct bootcheck_cpu_state *cpu = context->environment->cpu;
	if (cpu != NULL && cpu->tcr != tcr) {
		return kcheck_fail(reason, reasonSize, "TCR_EL1 %#llx, arch_args.tcr %#llx",
			(ull)cpu->tcr, (ull)tcr);
	}
	return true;
}


bool
kcheck_counter_frequency(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	uint64_t actual = context->environment->cpu->counter_frequency;
	uint64_t measured = context->args->cycle_counter_frequency;
	if (actual == 0)
		return kcheck_fail(reason, reasonSize, "CNTFRQ_EL0 is 0: the firmware did not set it");
	uint64_t difference = measured > actual ? measured - actual : actual - measured;
	if (difference > actual / 100 * COUNTER_FREQUENCY_TOLERANCE_PERCENT) {
		return kcheck_fail(reason, reasonSize, "cycle_counter_frequency %llu Hz, CNTFRQ_EL0"
			" says %llu Hz", (ull)measured, (ull)actual);
	}
	return true;
}


bool
kcheck_boot_cpu_id(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	uint64_t mpidr = context->environment->cpu->mpidr;
	uint64_t id = context->args->boot_cpu_id;
	if (id != (mpidr & MPIDR_AFFINITY_MASK)) {
		return kcheck_fail(reason, reasonSize, "boot_cpu_id %#llx, MPIDR_EL1 %#llx has"
			" affinity %#llx", (ull)id, (ull)mpidr, (ull)(mpidr & MPIDR_AFFINITY_MASK));
	}
	return true;
}


/*
 * What makes the permissions the tables say the ones the MMU applies: no
 * SCTLR_EL1.WXN (which would make every writable page, EFI runtime code in
 * the physical map among them, non-executable) and a CPU with the 4 KiB
 * granule and the physical address size the tables use.
 */
bool
kcheck_cpu_protection(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const struct bootcheck_cpu_state *cpu = context->environment->cpu;
	if ((cpu->sctlr & SCTLR_WRITE_EXECUTE_NEVER) != 0) {
		return kcheck_fail(reason, reasonSize,
			"SCTLR_EL1.WXN set (%#llx): writable pages do not execute", (ull)cpu->sctlr);
	}
	if (MMFR0_TGRAN4(cpu->mmfr0) == MMFR0_TGRAN4_NONE) {
		return kcheck_fail(reason, reasonSize,
			"the CPU has no 4 KiB granule (ID_AA64MMFR0_EL1 %#llx)", (ull)cpu->mmfr0);
	}
	uint32_t cpuBits = address_bits(MMFR0_PARANGE(cpu->mmfr0));
	uint32_t tcrBits = address_bits(TCR_IPS(cpu->tcr));
	if (cpuBits == 0 || tcrBits > cpuBits) {
		return kcheck_fail(reason, reasonSize, "TCR_EL1.IPS says %u physical address bits,"
			" the CPU has %u", tcrBits, cpuBits);
	}
	return true;
}


/* The MMU always honours PXN and UXN: there is no switch as x86's EFER.NXE. */
bool
kcheck_arch_no_execute_enabled(const struct kcheck_context *context)
{
	(void)context;
	return true;
}


/*
 * The firmware is built to use FP/SIMD registers (UEFI requires them enabled
 * on AArch64); with CPACR_EL1.FPEN trapping them a runtime call would fault.
 */
bool
kcheck_arch_firmware_callable(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	uint64_t cpacr = context->environment->cpu->cpacr;
	if (CPACR_FPEN(cpacr) != CPACR_FPEN_NO_TRAP) {
		return kcheck_fail(reason, reasonSize,
			"FP/SIMD traps at EL1: CPACR_EL1 %#llx", (ull)cpacr);
	}
	return true;
}


static const char *
uart_kind_name(uint32_t kind)
{
	switch (kind) {
		case ARM64_UART_NONE:
			return "none";
		case ARM64_UART_PL011:
			return "PL011";
		case ARM64_UART_16550:
			return "16550";
	}
	return "unknown";
}


/* The arm64 part of the summary: what kernel_args and the CPU say of the switch. */
void
kcheck_arch_print_summary(const struct kcheck_context *context)
{
	const struct bootcheck_environment *environment = context->environment;
	const struct arch_kernel_args *arch = &context->args->arch_args;
	const struct bootcheck_cpu_state *cpu = environment->cpu;

	kcheck_printf(environment, "arch: ttbr1 %#llx ttbr0 %#llx, identity map %#llx,"
		" mair %#llx tcr %#llx\n", (ull)arch->ttbr1, (ull)arch->ttbr0,
		(ull)arch->identity_map_size, (ull)arch->mair, (ull)arch->tcr);
	kcheck_printf(environment, "arch: uart %s at %#llx, loader entered at EL%u\n",
		uart_kind_name(arch->uart_kind), (ull)arch->uart_physical, arch->entry_el);
	if (cpu == NULL) {
		kcheck_printf(environment, "cpu: unknown (not running as the kernel)\n");
		return;
	}
	kcheck_printf(environment, "cpu: EL%u, DAIF %#x, sctlr %#llx, ttbr1 %#llx ttbr0 %#llx\n",
		cpu->exception_level, cpu->daif, (ull)cpu->sctlr, (ull)cpu->ttbr1, (ull)cpu->ttbr0);
	kcheck_printf(environment, "cpu: mair %#llx tcr %#llx, mpidr %#llx, cpacr %#llx\n",
		(ull)cpu->mair, (ull)cpu->tcr, (ull)cpu->mpidr, (ull)cpu->cpacr);
	kcheck_printf(environment, "cpu: pfr0 %#llx mmfr0 %#llx, counter %llu Hz\n",
		(ull)cpu->pfr0, (ull)cpu->mmfr0, (ull)cpu->counter_frequency);
}


/*
 * A started CPU: its affinity, and the boot CPU's tables and system
 * control. The arm64 loader starts none yet (docs/smp.md); this is what it
 * will have to meet.
 */
bool
kcheck_arch_cpu_report(const struct kcheck_context *context,
	const struct bootcheck_cpu_state *cpu, uint64_t hardwareId, char *reason,
	size_t reasonSize)
{
	const struct bootcheck_cpu_state *boot = context->environment->cpu;
	if ((cpu->mpidr & MPIDR_AFFINITY_MASK) != hardwareId) {
		return kcheck_fail(reason, reasonSize, "CPU %#llx reported MPIDR %#llx",
			(ull)hardwareId, (ull)cpu->mpidr);
	}
	if (cpu->ttbr0 != boot->ttbr0 || cpu->ttbr1 != boot->ttbr1 || cpu->tcr != boot->tcr
			|| cpu->mair != boot->mair || cpu->sctlr != boot->sctlr) {
		return kcheck_fail(reason, reasonSize,
			"CPU %#llx: TTBR0/1, TCR, MAIR or SCTLR differ from the boot CPU's",
			(ull)hardwareId);
	}
	if (cpu->icc_sre != boot->icc_sre) {
		return kcheck_fail(reason, reasonSize, "CPU %#llx: ICC_SRE_EL1 %#llx, the boot CPU's"
			" %#llx", (ull)hardwareId, (ull)cpu->icc_sre, (ull)boot->icc_sre);
	}
	return true;
}


/* The MADT's GIC CPU interface entries (type 0x0b, ACPI 6.5 5.2.12.14). */
bool
kcheck_arch_madt_cpu(const uint8_t *entry, uint8_t length, uint64_t *_id, uint32_t *_flags)
{
	if (entry[0] != MADT_GICC || length < MADT_GICC_MIN_LENGTH)
		return false;
	uint32_t flags;
	memcpy(&flags, entry + MADT_GICC_FLAGS, 4);
	memcpy(_id, entry + MADT_GICC_MPIDR, 8);
	*_id &= MPIDR_AFFINITY_MASK;
	*_flags = ((flags & GICC_ENABLED) != 0 ? KCHECK_MADT_CPU_ENABLED : 0)
		| ((flags & GICC_ONLINE_CAPABLE) != 0 ? KCHECK_MADT_CPU_ONLINE_CAPABLE : 0);
	return true;
}
