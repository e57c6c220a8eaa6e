/* SPDX-License-Identifier: MIT */
/*
 * The checks of the x86_64 CPU state the loader set up: the page directory,
 * CR3, the GDT and the selectors, the boot CPU's APIC id, and what makes page
 * permissions hold (CR0.WP, EFER.NXE); those that ask the CPU only run in
 * the kernel.
 */
#include "../../checks.h"

#include <string.h>


/* CR3's cache control bits (PWT, PCD); the other low bits must be clear. */
#define CR3_CACHE_BITS			0x18ULL
#define CR0_EMULATION			(1ULL << 2)
#define CR0_TASK_SWITCHED		(1ULL << 3)
#define CR0_WP					(1ULL << 16)
#define CR4_OSFXSR				(1ULL << 9)
#define EFER_NXE				(1ULL << 11)


bool
kcheck_page_directory(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint64_t value = args->arch_args.page_directory_physical;
	if ((value & ~(PTE_ADDRESS_MASK | CR3_CACHE_BITS)) != 0) {
		return kcheck_fail(reason, reasonSize,
			"page_directory_physical %#llx has reserved bits set", (ull)value);
	}
	/* The kernel runs on these tables until it has its own: they must be kept. */
	uint64_t pml4 = value & PTE_ADDRESS_MASK;
	if (!kcheck_physical_allocated_contains(args, pml4, KERNEL_PAGE_SIZE)) {
		return kcheck_fail(reason, reasonSize,
			"PML4 %#llx not inside a physical allocated range", (ull)pml4);
	}
	return true;
}


bool
kcheck_cr3(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint64_t cr3 = context->environment->cpu->cr3;
	uint64_t expected = context->args->arch_args.page_directory_physical;
	if ((cr3 & PTE_ADDRESS_MASK) != (expected & PTE_ADDRESS_MASK)) {
		return kcheck_fail(reason, reasonSize, "CR3 %#llx, page_directory_physical %#llx",
			(ull)cr3, (ull)expected);
	}
	return true;
}


/* Whether a GDT descriptor is a present ring-0 code (or data) segment usable in long mode. */
static bool
gdt_descriptor_usable(uint64_t descriptor, bool code)
{
	const uint64_t present = 1ULL << 47;
	const uint64_t codeOrData = 1ULL << 44;
	const uint64_t executable = 1ULL << 43;
	const uint64_t writable = 1ULL << 41;
	const uint64_t privilegeMask = 3ULL << 45;
	const uint64_t longMode = 1ULL << 53;
	const uint64_t defaultSize = 1ULL << 54;

	if ((descriptor & present) == 0 || (descriptor & codeOrData) == 0
		|| (descriptor & privilegeMask) != 0) {
		return false;
	}
	if (code) {
		return (descriptor & executable) != 0 && (descriptor & longMode) != 0
			&& (descriptor & defaultSize) == 0;
	}
	return (descriptor & executable) == 0 && (descriptor & writable) != 0;
}


bool
kcheck_gdt(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const struct arch_kernel_args *arch = &context->args->arch_args;
	if (!bootcheck_virtual_contains(context->args, arch->gdt_address,
			(uint64_t)arch->gdt_limit + 1)) {
		return kcheck_fail(reason, reasonSize,
			"GDT %#llx limit %#x not inside a virtual allocated range",
			(ull)arch->gdt_address, arch->gdt_limit);
	}

	if (!kcheck_requires_trusted_args(context, reason, reasonSize))
		return false;

	const struct {
		const char	*name;
		uint16_t	selector;
		bool		code;
	} selectors[] = {
		{ "kernel_code_selector", arch->kernel_code_selector, true },
		{ "kernel_data_selector", arch->kernel_data_selector, false },
	};
	for (size_t i = 0; i < sizeof(selectors) / sizeof(selectors[0]); i++) {
		uint16_t selector = selectors[i].selector;
		/* Must be a ring-0 GDT selector that is not the null descriptor. */
		if ((selector & 7) != 0 || selector == 0
			|| (uint32_t)selector + 7 > arch->gdt_limit) {
			return kcheck_fail(reason, reasonSize, "%s %#x invalid for GDT limit %#x",
				selectors[i].name, selector, arch->gdt_limit);
		}
		uint64_t descriptor;
		if (!kcheck_read_virtual(context, arch->gdt_address + selector, &descriptor,
				sizeof(descriptor))) {
			return kcheck_fail(reason, reasonSize, "%s %#x: descriptor at %#llx unreadable",
				selectors[i].name, selector, (ull)(arch->gdt_address + selector));
		}
		if (!gdt_descriptor_usable(descriptor, selectors[i].code)) {
			return kcheck_fail(reason, reasonSize, "%s %#x: descriptor %#llx is not a %s",
				selectors[i].name, selector, (ull)descriptor,
				selectors[i].code ? "64-bit ring 0 code segment" : "writable data segment");
		}
	}
	return true;
}


/* The CPU must run on the GDT kernel_args describes. */
bool
kcheck_gdtr(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const struct arch_kernel_args *arch = &context->args->arch_args;
	const struct bootcheck_cpu_state *cpu = context->environment->cpu;

	if (cpu->gdt_base != arch->gdt_address || cpu->gdt_limit != arch->gdt_limit) {
		return kcheck_fail(reason, reasonSize,
			"GDTR %#llx limit %#x, arch_args %#llx limit %#x", (ull)cpu->gdt_base,
			cpu->gdt_limit, (ull)arch->gdt_address, arch->gdt_limit);
	}
	return true;
}


bool
kcheck_code_selector(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	uint16_t actual = context->environment->cpu->cs;
	uint16_t expected = context->args->arch_args.kernel_code_selector;
	if (actual != expected) {
		return kcheck_fail(reason, reasonSize, "CS %#x, kernel_code_selector %#x", actual,
			expected);
	}
	return true;
}


/* CPUID as the kernel saw it: the 8-bit id always, the x2APIC id where there is one. */
bool
kcheck_boot_cpu_id(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const struct bootcheck_cpu_state *cpu = context->environment->cpu;
	uint64_t id = context->args->boot_cpu_id;
	if ((id & 0xff) != cpu->apic_id) {
		return kcheck_fail(reason, reasonSize,
			"boot_cpu_id %llu, CPUID leaf 1 says %u", (ull)id, cpu->apic_id);
	}
	if (cpu->x2apic_id != BOOTCHECK_NO_X2APIC_ID && id != cpu->x2apic_id) {
		return kcheck_fail(reason, reasonSize,
			"boot_cpu_id %llu, CPUID leaf 0xb says %u", (ull)id, cpu->x2apic_id);
	}
	return true;
}


bool
kcheck_cpu_protection(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const struct bootcheck_cpu_state *cpu = context->environment->cpu;
	if ((cpu->cr0 & CR0_WP) == 0) {
		return kcheck_fail(reason, reasonSize,
			"CR0.WP clear (%#llx): read-only pages are writable for the kernel",
			(ull)cpu->cr0);
	}
	if (cpu->has_no_execute && (cpu->efer & EFER_NXE) == 0) {
		return kcheck_fail(reason, reasonSize, "the CPU has NX, but EFER.NXE is clear (%#llx)",
			(ull)cpu->efer);
	}
	return true;
}


/*
 * Whether the MMU honours NX bits. Without a CPU to ask (the hosted port),
 * the loader built the tables with the host CPU's NX, which x86_64 hosts have.
 */
bool
kcheck_arch_no_execute_enabled(const struct kcheck_context *context)
{
	const struct bootcheck_cpu_state *cpu = context->environment->cpu;
	return cpu == NULL || (cpu->efer & EFER_NXE) != 0;
}


/*
 * The firmware is built to run with SSE enabled (UEFI requires it on x86_64
 * and the loader keeps the firmware's CR0 and CR4); the call would fault
 * without it.
 */
bool
kcheck_arch_firmware_callable(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const struct bootcheck_cpu_state *cpu = context->environment->cpu;
	if ((cpu->cr0 & (CR0_EMULATION | CR0_TASK_SWITCHED)) != 0 || (cpu->cr4 & CR4_OSFXSR) == 0) {
		return kcheck_fail(reason, reasonSize, "SSE is not usable: CR0 %#llx CR4 %#llx",
			(ull)cpu->cr0, (ull)cpu->cr4);
	}
	return true;
}


/* The x86 part of the summary: what kernel_args and the CPU say of the switch. */
void
kcheck_arch_print_summary(const struct kcheck_context *context)
{
	const struct bootcheck_environment *environment = context->environment;
	const struct arch_kernel_args *arch = &context->args->arch_args;
	const struct bootcheck_cpu_state *cpu = environment->cpu;

	kcheck_printf(environment, "arch: page_directory_physical %#llx, gdt %#llx limit %#x,"
		" code %#x data %#x, identity map %#llx\n", (ull)arch->page_directory_physical,
		(ull)arch->gdt_address, arch->gdt_limit, arch->kernel_code_selector,
		arch->kernel_data_selector, (ull)arch->identity_map_size);
	if (cpu != NULL) {
		kcheck_printf(environment, "cpu: cr3 %#llx, gdtr %#llx limit %#x, cs %#x ds %#x"
			" ss %#x\n", (ull)cpu->cr3, (ull)cpu->gdt_base, cpu->gdt_limit, cpu->cs, cpu->ds,
			cpu->ss);
		kcheck_printf(environment, "cpu: cr0 %#llx cr4 %#llx, APIC id %u, x2APIC id %d\n",
			(ull)cpu->cr0, (ull)cpu->cr4, cpu->apic_id,
			cpu->x2apic_id == BOOTCHECK_NO_X2APIC_ID ? -1 : (int)cpu->x2apic_id);
		kcheck_printf(environment, "cpu: efer %#llx, NX %s, 1 GiB pages %s\n",
			(ull)cpu->efer, cpu->has_no_execute ? "yes" : "no",
			cpu->has_huge_pages ? "yes" : "no");
	} else
		kcheck_printf(environment, "cpu: unknown (not running as the kernel)\n");
}


/* A started CPU: its APIC id, and the boot CPU's page tables, GDT and protection. */
bool
kcheck_arch_cpu_report(const struct kcheck_context *context,
	const struct bootcheck_cpu_state *cpu, uint64_t hardwareId, char *reason,
	size_t reasonSize)
{
	const struct bootcheck_cpu_state *boot = context->environment->cpu;
	uint64_t id = cpu->x2apic_id != BOOTCHECK_NO_X2APIC_ID ? cpu->x2apic_id : cpu->apic_id;
	if (id != hardwareId || (hardwareId & 0xff) != cpu->apic_id) {
		return kcheck_fail(reason, reasonSize, "CPU %#llx reported APIC id %#llx",
			(ull)hardwareId, (ull)id);
	}
	if (cpu->cr3 != boot->cr3) {
		return kcheck_fail(reason, reasonSize, "CPU %#llx runs on CR3 %#llx, not %#llx",
			(ull)hardwareId, (ull)cpu->cr3, (ull)boot->cr3);
	}
	if (cpu->gdt_base != boot->gdt_base || cpu->gdt_limit != boot->gdt_limit
			|| cpu->cs != boot->cs || cpu->ss != boot->ss) {
		return kcheck_fail(reason, reasonSize,
			"CPU %#llx: GDT %#llx/%#x, CS %#x, SS %#x; the boot CPU's is %#llx/%#x, %#x, %#x",
			(ull)hardwareId, (ull)cpu->gdt_base, cpu->gdt_limit, cpu->cs, cpu->ss,
			(ull)boot->gdt_base, boot->gdt_limit, boot->cs, boot->ss);
	}
	if ((cpu->cr0 & CR0_WP) == 0) {
		return kcheck_fail(reason, reasonSize, "CPU %#llx: CR0.WP clear (%#llx)",
			(ull)hardwareId, (ull)cpu->cr0);
	}
	if (cpu->has_no_execute && (cpu->efer & EFER_NXE) == 0) {
		return kcheck_fail(reason, reasonSize, "CPU %#llx has NX, but EFER.NXE is clear",
			(ull)hardwareId);
	}
	return true;
}


/* The MADT's processor local APIC (type 0) and local x2APIC (type 9) entries. */
bool
kcheck_arch_madt_cpu(const uint8_t *entry, uint8_t length, uint64_t *_id, uint32_t *_flags)
{
	if (entry[0] == 0 && length >= 8 && entry[3] != 0xff) {
		*_id = entry[3];
		memcpy(_flags, entry + 4, 4);
		return true;
	}
	if (entry[0] == 9 && length >= 16) {
		uint32_t id;
		memcpy(&id, entry + 4, 4);
		memcpy(_flags, entry + 8, 4);
		*_id = id;
		return id != 0xffffffffu;
	}
	return false;
}
