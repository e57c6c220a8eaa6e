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
#include <boot/memory_map.h>
#include <boot/platform.h>
#include <boot/stdio.h>

/* MADT structure types and flags (ACPI 6.5 5.2.12.2 and 5.2.12.12). */
#define MADT_LOCAL_APIC			0
#define MADT_LOCAL_X2APIC		9
#define MADT_LOCAL_APIC_LENGTH	8
#define MADT_LOCAL_X2APIC_LENGTH	16
#define MADT_ENABLED			(1u << 0)
#define MADT_ONLINE_CAPABLE		(1u << 1)
/* Ids that mean "no processor here". */
#define XAPIC_NO_ID				0xff
#define X2APIC_NO_ID			0xffffffffu

#define LOW_MEMORY_LAST			0xfffff

struct madt_cpus {
	struct platform_cpu	*cpus;
	uint32_t			max;
	uint32_t			count;
	uint32_t			dropped;
	uint64_t			boot_id;
};

/* The start-up page, reserved once per loader run; 0 until then. */
static EFI_PHYSICAL_ADDRESS sTrampolinePage;
static bool sTrampolineInstalled;


/* One CPU, once per id: firmware lists a CPU under both entry types. */
static void
madt_add_cpu(struct madt_cpus *found, uint64_t id, uint32_t flags)
{
	if ((flags & (MADT_ENABLED | MADT_ONLINE_CAPABLE)) == 0)
		return;
	for (uint32_t i = 0; i < found->count; i++) {
		if (found->cpus[i].hardware_id == id)
			return;
	}
	if (found->count == found->max) {
		found->dropped++;
		return;
	}
	struct platform_cpu *cpu = &found->cpus[found->count++];
	cpu->hardware_id = id;
	cpu->boot = id == found->boot_id;
	cpu->online_capable = (flags & MADT_ENABLED) == 0;
}


static void
madt_visit(void *cookie, uint8_t type, const uint8_t *entry, uint8_t length)
{
	struct madt_cpus *found = cookie;
	if (type == MADT_LOCAL_APIC && length >= MADT_LOCAL_APIC_LENGTH) {
		if (entry[3] != XAPIC_NO_ID)
			madt_add_cpu(found, entry[3], (uint32_t)efi_acpi_le(entry + 4, 4));
	} else if (type == MADT_LOCAL_X2APIC && length >= MADT_LOCAL_X2APIC_LENGTH) {
		uint32_t id = (uint32_t)efi_acpi_le(entry + 4, 4);
		if (id != X2APIC_NO_ID)
			madt_add_cpu(found, id, (uint32_t)efi_acpi_le(entry + 8, 4));
	}
}


/* The page the other CPUs start in, below 1 MiB, and what the kernel is told of it. */
static status_t
smp_reserve_trampoline(void)
{
	if (sTrampolinePage != 0)
		return B_OK;
	EFI_PHYSICAL_ADDRESS page = LOW_MEMORY_LAST;
	if (gBootServices->AllocatePages(AllocateMaxAddress, EfiLoaderCode, 1, &page)
			!= EFI_SUCCESS) {
		boot_dprintf("efi: no free page below 1 MiB to start the other CPUs in\n");
		return B_NO_MEMORY;
	}
	/* Page 0 cannot be a start-up vector's page (it also holds the real-mode IVT). */
	if (page == 0) {
		boot_dprintf("efi: the only free page below 1 MiB is page 0: no other CPUs\n");
		return B_NO_MEMORY;
	}
	status_t status = memory_map_add_extra(page, KERNEL_EFI_PAGE_SIZE,
		KERNEL_MEMORY_LOADER_RECLAIMABLE);
	if (status != B_OK) {
		gBootServices->FreePages(page, 1);
		return status;
	}
	sTrampolinePage = page;
	boot_dprintf("efi: start-up page for the other CPUs at %#llx\n",
		(unsigned long long)page);
	return B_OK;
}


status_t
platform_smp_find_cpus(uint32_t bootOptions, struct platform_cpu *cpus, uint32_t max,
	uint32_t *_count)
{
	*_count = 0;
	if ((bootOptions & BOOT_OPTION_DISABLE_ACPI) != 0) {
		boot_dprintf("efi: disable_acpi: the MADT is not read, the boot CPU only\n");
		return B_ENTRY_NOT_FOUND;
	}
	struct madt_cpus found = {
		.cpus = cpus,
		.max = max,
		.boot_id = arch_cpu_boot_id(),
	};
	status_t status = efi_madt_walk(madt_visit, &found);
	if (status != B_OK) {
		boot_dprintf("efi: no CPU list from the MADT: the boot CPU only\n");
		return status;
	}
	if (found.dropped > 0)
		boot_dprintf("efi: the MADT lists %u CPUs more than the loader takes\n",
			found.dropped);
	boot_dprintf("efi: the MADT lists %u CPU(s), the local APIC is in %s mode\n",
		found.count, x86_apic_x2apic_mode() ? "x2APIC" : "xAPIC");
	/* Under disable_smp the others are listed, never started: no page for them. */
	if (found.count > 1 && (bootOptions & BOOT_OPTION_DISABLE_SMP) == 0) {
		status = smp_reserve_trampoline();
		if (status != B_OK)
			return status;
	}
	*_count = found.count;
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
