/* SPDX-License-Identifier: MIT */
/*
 * The other CPUs on x86_64 EFI: the ACPI MADT's processor local APIC and
 * x2APIC entries, a start-up page below 1 MiB from AllocatePages while the
 * firmware serves, and after it is gone INIT-SIPI-SIPI through the local
 * APIC (src/system/boot/arch/x86_64/) into the trampoline, which brings
 * each CPU to the kernel's page tables and parks it on its mailbox.
 */
#include "../../efi_platform.h"

#include <arch_smp.h>
#include <boot/arch_cpu.h>
#include <boot/platform.h>
#include <boot/stdio.h>

/* MADT structure types (ACPI 6.5 5.2.12.2 and 5.2.12.12). */
#define MADT_LOCAL_APIC			0
#define MADT_LOCAL_X2APIC		9
#define MADT_LOCAL_APIC_LENGTH	8
#define MADT_LOCAL_X2APIC_LENGTH	16
/* Ids that mean "no processor here". */
#define XAPIC_NO_ID				0xff
#define X2APIC_NO_ID			0xffffffffu

#define LOW_MEMORY_LAST			0xfffff

/* The start-up page; 0 until reserved. */
static uint64_t sTrampolinePage;
static bool sTrampolineInstalled;


/* Processor local APIC and x2APIC entries; their flags are the MADT's common ones. */
static bool
madt_cpu_of(uint8_t type, const uint8_t *entry, uint8_t length, uint64_t *_id,
	uint32_t *_flags)
{
	if (type == MADT_LOCAL_APIC && length >= MADT_LOCAL_APIC_LENGTH) {
		*_id = entry[3];
		*_flags = (uint32_t)efi_acpi_le(entry + 4, 4);
		return *_id != XAPIC_NO_ID;
	}
	if (type == MADT_LOCAL_X2APIC && length >= MADT_LOCAL_X2APIC_LENGTH) {
		*_id = efi_acpi_le(entry + 4, 4);
		*_flags = (uint32_t)efi_acpi_le(entry + 8, 4);
		return *_id != X2APIC_NO_ID;
	}
	return false;
}


status_t
platform_smp_find_cpus(uint32_t bootOptions, const void *deviceTree,
	struct platform_cpu *cpus, uint32_t max, uint32_t *_count)
{
	*_count = 0;
	struct efi_cpu_list list = { .cpus = cpus, .max = max, .boot_id = arch_cpu_boot_id() };
	status_t status = efi_madt_find_cpus(bootOptions, madt_cpu_of, &list);
	if (status != B_OK)
		return status;
	boot_dprintf("efi: the local APIC is in %s mode\n",
		x86_apic_x2apic_mode() ? "x2APIC" : "xAPIC");
	/* Under disable_smp the others are listed, never started: no page for them. */
	if (list.count > 1 && (bootOptions & BOOT_OPTION_DISABLE_SMP) == 0) {
		status = efi_smp_reserve_page(LOW_MEMORY_LAST, &sTrampolinePage);
		if (status != B_OK)
			return status;
	}
	*_count = list.count;
	return B_OK;
}


status_t
platform_smp_start_cpu(const kernel_args *args, uint32_t index,
	volatile kernel_cpu_mailbox *mailbox)
{
	if (sTrampolinePage == 0)
		return B_ERROR;
	if (!sTrampolineInstalled) {
		const struct arch_kernel_args *arch = &args->arch_args;
		status_t status = x86_smp_trampoline_install(sTrampolinePage,
			arch->page_directory_physical, arch->gdt_address, arch->gdt_limit,
			arch->kernel_code_selector, arch->kernel_data_selector);
		if (status != B_OK) {
			boot_dprintf("efi: the start-up page %#llx or the page tables %#llx are out"
				" of the other CPUs' reach\n", (unsigned long long)sTrampolinePage,
				(unsigned long long)arch->page_directory_physical);
			return status;
		}
		sTrampolineInstalled = true;
	}
	const kernel_cpu_entry *cpus = platform_kernel_to_loader(args->cpus);
	x86_smp_trampoline_offer(sTrampolinePage, cpus[index].mailbox);
	return x86_apic_start_cpu(cpus[index].hardware_id,
		(uint8_t)(sTrampolinePage >> 12));
}


void
platform_smp_abandon_cpu(const kernel_args *args, uint32_t index)
{
	x86_smp_trampoline_withdraw(sTrampolinePage);
	const kernel_cpu_entry *cpus = platform_kernel_to_loader(args->cpus);
	/* Whatever it was doing, INIT stops it: it waits for a start-up IPI again. */
	x86_apic_init_cpu(cpus[index].hardware_id);
}
