/* SPDX-License-Identifier: MIT */
/*
 * The boot-check kernel's x86_64 CPU: what the CPU says at entry (control
 * registers, GDT, CPUID, EFER), its cycle counter, and the exception
 * handlers that turn a fault into a verdict.
 */
#include "../../kernel.h"

#include <arch_x86.h>


#define EXCEPTION_VECTORS		32
#define IDT_INTERRUPT_GATE		0x8e	/* present, ring 0, 64-bit interrupt gate */

struct idt_gate {
	uint16_t	offset_low;
	uint16_t	selector;
	uint8_t		ist;
	uint8_t		type;
	uint16_t	offset_middle;
	uint32_t	offset_high;
	uint32_t	reserved;
} __attribute__((packed));

struct descriptor_register {
	uint16_t	limit;
	uint64_t	base;
} __attribute__((packed));

/* entry.S: entry points for vectors 0-31 */
extern const uint64_t gExceptionStubs[EXCEPTION_VECTORS];

static const char *const kExceptionNames[EXCEPTION_VECTORS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM no FPU", "#DF double fault",
	"coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
	"#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
	"reserved 24", "reserved 25", "reserved 26", "reserved 27",
	"#HV hypervisor injection", "#VC VMM communication", "#SX security",
	"reserved 31",
};

static struct idt_gate sIdt[EXCEPTION_VECTORS] __attribute__((aligned(16)));


static uint16_t
cpu_read_cs(void)
{
	uint16_t selector;
	__asm__ volatile("mov %%cs, %0" : "=r"(selector));
	return selector;
}


static void
cpu_read_registers(struct bootcheck_cpu_state *state)
{
	struct descriptor_register gdtr;
	__asm__ volatile("mov %%cr3, %0" : "=r"(state->cr3));
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("mov %%ds, %0" : "=r"(state->ds));
	__asm__ volatile("mov %%ss, %0" : "=r"(state->ss));
	state->gdt_base = gdtr.base;
	state->gdt_limit = gdtr.limit;
	state->cs = cpu_read_cs();
	__asm__ volatile("mov %%cr0, %0" : "=r"(state->cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(state->cr4));
}


static void
cpu_read_identity(struct bootcheck_cpu_state *state)
{
	state->apic_id = x86_cpuid(1, 0).ebx >> 24;
	state->x2apic_id = BOOTCHECK_NO_X2APIC_ID;
	if (x86_cpuid(0, 0).eax >= 0xb) {
		struct x86_cpuid_registers topology = x86_cpuid(0xb, 0);
		/* No logical processors at the first level: the leaf is not implemented. */
		if (topology.ebx != 0)
			state->x2apic_id = topology.edx;
	}
}


/* What decides page permissions besides the tables: EFER.NXE and the CPU's features. */
static void
cpu_read_paging(struct bootcheck_cpu_state *state)
{
	state->efer = x86_read_msr(X86_MSR_EFER);
	uint32_t features = x86_cpuid_extended_features();
	state->has_no_execute = (features & X86_CPUID_NO_EXECUTE) != 0;
	state->has_huge_pages = (features & X86_CPUID_1GB_PAGES) != 0;
}


void
arch_kernel_read_cpu(struct bootcheck_cpu_state *state)
{
	cpu_read_registers(state);
	cpu_read_identity(state);
	cpu_read_paging(state);
}


uint64_t
arch_kernel_cycle_counter(void)
{
	return x86_read_tsc();
}


static uint64_t
cpu_read_cr2(void)
{
	uint64_t address;
	__asm__ volatile("mov %%cr2, %0" : "=r"(address));
	return address;
}


/*
 * Without handlers any fault would triple-fault and reset the machine
 * silently; with them a loader bug that makes a check fault still ends in a
 * verdict.
 */
void
arch_kernel_traps_install(void)
{
	uint16_t selector = cpu_read_cs();
	for (int i = 0; i < EXCEPTION_VECTORS; i++) {
		uint64_t handler = gExceptionStubs[i];
		sIdt[i].offset_low = (uint16_t)handler;
		sIdt[i].selector = selector;
		sIdt[i].ist = 0;
		sIdt[i].type = IDT_INTERRUPT_GATE;
		sIdt[i].offset_middle = (uint16_t)(handler >> 16);
		sIdt[i].offset_high = (uint32_t)(handler >> 32);
		sIdt[i].reserved = 0;
	}

	struct descriptor_register idtr = {
		.limit = sizeof(sIdt) - 1,
		.base = (uint64_t)(uintptr_t)sIdt,
	};
	__asm__ volatile("lidt %0" : : "m"(idtr));
}


/* Called by the stubs in entry.S with vector, error code, rip, cs, rflags, rsp, ss. */
void
kernel_exception(const uint64_t *frame)
{
	uint64_t vector = frame[0];
	const char *name = vector < EXCEPTION_VECTORS ? kExceptionNames[vector] : "unknown";

	/* A fault while reporting one: say as little as possible and leave. */
	if (kernel_in_exception()) {
		static const char kNested[] = "\nBOOTCHECK FAIL: nested exception\n";
		serial_write(kNested, sizeof(kNested) - 1);
		kernel_exit(KERNEL_EXIT_FAIL);
	}

	kernel_printf("\nEXCEPTION %s (vector %llu) error %#llx\n", name, (ull)vector,
		(ull)frame[1]);
	kernel_printf("  rip %#llx cs %#llx rflags %#llx rsp %#llx ss %#llx cr2 %#llx\n",
		(ull)frame[2], (ull)frame[3], (ull)frame[4], (ull)frame[5], (ull)frame[6],
		(ull)cpu_read_cr2());
	kernel_printf("BOOTCHECK FAIL: %s: exception %s at rip %#llx (cr2 %#llx)\n",
		kernel_phase(), name, (ull)frame[2], (ull)cpu_read_cr2());
	kernel_exit(KERNEL_EXIT_FAIL);
}
