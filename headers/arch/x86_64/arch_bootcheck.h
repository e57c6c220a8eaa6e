/* SPDX-License-Identifier: MIT */
/*
 * The x86_64 part of the boot checker's interface (src/system/kernel/
 * bootcheck.h): what the CPU says at kernel entry, and the checks that
 * exist only on this architecture.
 */
#ifndef ARCH_X86_64_ARCH_BOOTCHECK_H
#define ARCH_X86_64_ARCH_BOOTCHECK_H

#include <stdbool.h>
#include <stdint.h>

/* Page table entry bits the x86_64 checks and their tests name. */
#define PTE_PRESENT				0x1ULL
#define PTE_LARGE				0x80ULL
#define PTE_ADDRESS_MASK		0x000ffffffffff000ULL

/* bootcheck_cpu_state.x2apic_id of a CPU without CPUID leaf 0xb. */
#define BOOTCHECK_NO_X2APIC_ID	UINT32_MAX

/* What the CPU says at kernel entry; only the kernel itself can ask. */
struct bootcheck_cpu_state {
	uint64_t	cr3;
	uint64_t	gdt_base;
	uint16_t	gdt_limit;
	uint16_t	cs;
	uint16_t	ds;
	uint16_t	ss;
	uint64_t	cr0;
	uint64_t	cr4;
	uint32_t	apic_id;		/* CPUID leaf 1, EBX[31:24] */
	uint32_t	x2apic_id;		/* CPUID leaf 0xb, EDX, or BOOTCHECK_NO_X2APIC_ID */
	uint64_t	efer;
	uint64_t	cycles;			/* the TSC, read first thing in the kernel */
	bool		has_no_execute;	/* CPUID 0x80000001 EDX bit 20 */
	bool		has_huge_pages;	/* 1 GiB pages: CPUID 0x80000001 EDX bit 26 */
};

/*
 * The checks of the CPU state only x86 has, run after page_directory in this
 * order: X(id, name, function, needs) for each (src/system/kernel/arch/
 * x86_64/checks_cpu.c).
 */
#define BOOTCHECK_ARCH_CPU_CHECKS(X) \
	X(KCHECK_CR3, "cr3", kcheck_cr3, KCHECK_NEEDS_CPU) \
	X(KCHECK_GDT, "gdt", kcheck_gdt, 0) \
	X(KCHECK_GDTR, "gdtr", kcheck_gdtr, KCHECK_NEEDS_CPU) \
	X(KCHECK_CODE_SELECTOR, "code_selector", kcheck_code_selector, KCHECK_NEEDS_CPU)

/*
 * The architecture's own checks of its page tables, run after stack_guard:
 * none on x86_64, where the generic ones say all (NX, writable, page sizes).
 */
#define BOOTCHECK_ARCH_PAGING_CHECKS(X)

#endif
