/* SPDX-License-Identifier: MIT */
/*
 * The other CPUs on arm64 EFI: the ACPI MADT's GIC CPU interface entries
 * and the FADT's PSCI conduit (or, without ACPI, the device tree's /cpus,
 * their enable-methods and /psci), a start-up page from AllocatePages while
 * the firmware serves, and after it is gone PSCI CPU_ON, or for spin-table
 * CPUs (the Raspberry Pi's) the page's address at their release address,
 * into smp_start.S, which brings each CPU to EL1 on the kernel's page
 * tables and parks it on its mailbox.
 */
#include "../../efi_platform.h"

#include <string.h>

#include <arch_arm64.h>
#include <arch_smp.h>
#include <boot/acpi.h>
#include <boot/arch_cpu.h>
#include <boot/platform.h>
#include <boot/smp.h>
#include <boot/stdio.h>

/* The GIC CPU interface (GICC) structure (ACPI 6.5 5.2.12.14). */
#define MADT_GICC				0x0b
#define MADT_GICC_FLAGS			12
#define MADT_GICC_MPIDR			68
#define MADT_GICC_MIN_LENGTH	76		/* ACPI 5.1's, up to the MPIDR */
#define GICC_ENABLED			(1u << 0)
#define GICC_ONLINE_CAPABLE		(1u << 3)

/* The FADT's ARM boot architecture flags (ACPI 6.5 5.2.9.4). */
#define FADT_ARM_BOOT_ARCH		129
#define FADT_MIN_LENGTH			131
#define ARM_BOOT_PSCI_COMPLIANT	(1u << 0)
#define ARM_BOOT_PSCI_USE_HVC	(1u << 1)

/* Anywhere the identity map reaches: it covers all of RAM. */
#define ANY_PAGE				(~0ULL)

/* The start-up page; 0 until reserved. */
static uint64_t sTrampolinePage;
static bool sTrampolineInstalled;
static uint32_t sConduit = SMP_CONDUIT_NONE;

/* The device tree's spin-table CPUs: each id and where it waits to be released. */
static struct smp_spin_cpu {
	uint64_t	id;
	uint64_t	release;
} sSpinCpus[SMP_MAX_CPUS];
static uint32_t sSpinCount;


static bool
madt_cpu_of(uint8_t type, const uint8_t *entry, uint8_t length, uint64_t *_id,
	uint32_t *_flags)
{
	if (type != MADT_GICC || length < MADT_GICC_MIN_LENGTH)
		return false;
	uint32_t flags = (uint32_t)efi_acpi_le(entry + MADT_GICC_FLAGS, 4);
	*_flags = ((flags & GICC_ENABLED) != 0 ? EFI_CPU_ENABLED : 0)
		| ((flags & GICC_ONLINE_CAPABLE) != 0 ? EFI_CPU_ONLINE_CAPABLE : 0);
	*_id = efi_acpi_le(entry + MADT_GICC_MPIDR, 8) & ARM64_MPIDR_AFFINITY_MASK;
	return true;
}


/* How PSCI is called, from the FADT: CPUs are started through nothing else. */
static status_t
smp_acpi_conduit(void)
{
	bool corrupt = false;
	const struct acpi_table_header *fadt = efi_acpi_find_table(efi_acpi_rsdp(), "FACP",
		FADT_MIN_LENGTH, &corrupt);
	if (fadt == NULL) {
		boot_dprintf(corrupt ? "efi: the ACPI FADT is corrupt: no other CPUs\n"
			: "efi: no ACPI FADT to say how to start the other CPUs\n");
		return corrupt ? B_BAD_DATA : B_ENTRY_NOT_FOUND;
	}
	uint32_t flags = (uint32_t)efi_acpi_le((const uint8_t *)fadt + FADT_ARM_BOOT_ARCH, 2);
	if ((flags & ARM_BOOT_PSCI_COMPLIANT) == 0) {
		boot_dprintf("efi: the FADT says the machine has no PSCI: no other CPUs\n");
		return B_NOT_SUPPORTED;
	}
	sConduit = (flags & ARM_BOOT_PSCI_USE_HVC) != 0 ? SMP_CONDUIT_HVC : SMP_CONDUIT_SMC;
	return B_OK;
}


static status_t
smp_fdt_conduit(const void *tree)
{
	bool hvc = false;
	status_t status = efi_fdt_psci_method(tree, &hvc);
	if (status == B_OK)
		sConduit = hvc ? SMP_CONDUIT_HVC : SMP_CONDUIT_SMC;
	return status;
}


/* HVC from EL2 would enter the loader's own level, where no PSCI answers. */
static status_t
smp_choose_conduit(bool acpi, const void *tree)
{
	sConduit = SMP_CONDUIT_NONE;
	status_t status = acpi ? smp_acpi_conduit() : smp_fdt_conduit(tree);
	if (status != B_OK)
		return status;
	if (sConduit == SMP_CONDUIT_HVC && arm64_current_el() == 2) {
		boot_dprintf("efi: PSCI through HVC, but the loader runs at EL2: no other CPUs\n");
		sConduit = SMP_CONDUIT_NONE;
		return B_NOT_SUPPORTED;
	}
	boot_dprintf("efi: PSCI through %s\n", sConduit == SMP_CONDUIT_HVC ? "HVC" : "SMC");
	return B_OK;
}


/*
 * Keeps the release addresses of list's spin-table CPUs but the boot CPU;
 * true when a CPU to start has none, and so needs PSCI.
 */
static bool
smp_keep_spin_table(const struct efi_cpu_list *list, const uint64_t *releases)
{
	bool needPsci = false;
	sSpinCount = 0;
	for (uint32_t i = 0; i < list->count; i++) {
		if (list->cpus[i].boot)
			continue;
		if (releases[i] == 0) {
			needPsci = true;
			continue;
		}
		sSpinCpus[sSpinCount].id = list->cpus[i].hardware_id;
		sSpinCpus[sSpinCount++].release = releases[i];
	}
	if (sSpinCount > 0)
		boot_dprintf("efi: %u CPU(s) start from a spin-table\n", sSpinCount);
	return needPsci;
}


/*
 * The firmware's ACPI tables when it has them and disable_acpi leaves them
 * to be read, else the device tree the kernel gets (the entry's, or the
 * firmware's: U-Boot's): the boot-check kernel decides the same way which
 * list to hold the loader's against.
 */
status_t
platform_smp_find_cpus(uint32_t bootOptions, const void *deviceTree,
	struct platform_cpu *cpus, uint32_t max, uint32_t *_count)
{
	static uint64_t sReleases[SMP_MAX_CPUS];
	*_count = 0;
	sSpinCount = 0;
	memset(sReleases, 0, sizeof(sReleases));
	struct efi_cpu_list list = { .cpus = cpus, .max = max < SMP_MAX_CPUS ? max : SMP_MAX_CPUS,
		.boot_id = arch_cpu_boot_id(), .release_addresses = sReleases };
	bool acpi = efi_acpi_rsdp() != NULL;
	if (acpi && (bootOptions & BOOT_OPTION_DISABLE_ACPI) != 0) {
		boot_dprintf("efi: disable_acpi: the MADT is not read\n");
		acpi = false;
	}
	status_t status = acpi ? efi_madt_find_cpus(bootOptions, madt_cpu_of, &list)
		: efi_fdt_find_cpus(deviceTree, &list);
	if (status != B_OK)
		return status;
	/*
	 * Under disable_smp the others are listed, never started: no page for
	 * them. Without a spin-table or a way to call PSCI they are listed too,
	 * and fail to start one by one, said so: the kernel may know another way.
	 */
	if (list.count > 1 && (bootOptions & BOOT_OPTION_DISABLE_SMP) == 0) {
		bool needPsci = smp_keep_spin_table(&list, sReleases);
		bool psci = needPsci && smp_choose_conduit(acpi, deviceTree) == B_OK;
		if (psci || sSpinCount > 0) {
			status = efi_smp_reserve_page(ANY_PAGE, &sTrampolinePage);
			if (status != B_OK)
				return status;
		}
	}
	*_count = list.count;
	return B_OK;
}


/* SMCCC: x0 to x3 in, x0 out; x4 to x17 may come back changed (SMCCC 1.0). */
static int64_t
smp_psci_call(uint64_t function, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = function;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
#define SMP_PSCI_CLOBBERS "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", \
	"x14", "x15", "x16", "x17", "memory"
	if (sConduit == SMP_CONDUIT_SMC) {
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
			SMP_PSCI_CLOBBERS);
	} else {
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
			SMP_PSCI_CLOBBERS);
	}
#undef SMP_PSCI_CLOBBERS
	return (int64_t)x0;
}


static void
smp_set_param(uint32_t offset, uint64_t value)
{
	uint8_t *page = (uint8_t *)(uintptr_t)sTrampolinePage;
	__atomic_store_n((uint64_t *)(page + SMP_TRAMPOLINE_PARAMS + offset), value,
		__ATOMIC_SEQ_CST);
}


/* The code and what every CPU shares, cleaned for CPUs whose MMU is still off. */
static void
smp_install_trampoline(const struct arch_kernel_args *arch)
{
	memcpy((void *)(uintptr_t)sTrampolinePage, arm64_smp_trampoline, SMP_TRAMPOLINE_SIZE);
	smp_set_param(SMP_PARAM_TTBR0, arch->ttbr0);
	smp_set_param(SMP_PARAM_TTBR1, arch->ttbr1);
	smp_set_param(SMP_PARAM_TCR, arch->tcr);
	smp_set_param(SMP_PARAM_MAIR, arch->mair);
	smp_set_param(SMP_PARAM_CONDUIT, sConduit);
	smp_set_param(SMP_PARAM_OFFER, 0);
	arm64_dcache_clean_invalidate(sTrampolinePage, SMP_TRAMPOLINE_SIZE);
	arm64_icache_invalidate_all();
	sTrampolineInstalled = true;
}


/* Where the spin-table CPU id waits to be released; 0 when it is no such CPU. */
static uint64_t
smp_release_address(uint64_t id)
{
	for (uint32_t i = 0; i < sSpinCount; i++) {
		if (sSpinCpus[i].id == id)
			return sSpinCpus[i].release;
	}
	return 0;
}


/*
 * The CPU waits in wfe with its MMU off, reading release: the page's
 * address must reach memory before the event wakes it.
 */
static void
smp_release_spin_table(uint64_t release)
{
	__atomic_store_n((uint64_t *)(uintptr_t)release, sTrampolinePage, __ATOMIC_SEQ_CST);
	arm64_dcache_clean_invalidate(release, sizeof(uint64_t));
	__asm__ volatile("dsb sy\n\tsev" : : : "memory");
}


status_t
platform_smp_start_cpu(const kernel_args *args, uint32_t index,
	volatile kernel_cpu_mailbox *mailbox)
{
	if (sTrampolinePage == 0)
		return B_NOT_SUPPORTED;
	const kernel_cpu_entry *cpus = platform_kernel_to_loader(args->cpus);
	uint64_t release = smp_release_address(cpus[index].hardware_id);
	if (release == 0 && sConduit == SMP_CONDUIT_NONE) {
		boot_dprintf("efi: CPU %#llx has no spin-table, and there is no PSCI\n",
			(unsigned long long)cpus[index].hardware_id);
		return B_NOT_SUPPORTED;
	}
	if (!sTrampolineInstalled)
		smp_install_trampoline(&args->arch_args);
	smp_set_param(SMP_PARAM_OFFER, cpus[index].mailbox);
	/* The offer is read once, at once: it must be out of this CPU before the start. */
	__asm__ volatile("dsb ish" : : : "memory");
	if (release != 0) {
		smp_release_spin_table(release);
		return B_OK;
	}
	int64_t result = smp_psci_call(PSCI_CPU_ON, cpus[index].hardware_id, sTrampolinePage, 0);
	if (result != PSCI_SUCCESS) {
		boot_dprintf("efi: PSCI CPU_ON %#llx: error %lld%s\n",
			(unsigned long long)cpus[index].hardware_id, (long long)result,
			result == PSCI_ALREADY_ON ? " (already on)" : "");
		return B_ERROR;
	}
	return B_OK;
}


void
platform_smp_abandon_cpu(const kernel_args *args, uint32_t index)
{
	uint8_t *offer = (uint8_t *)(uintptr_t)sTrampolinePage + SMP_TRAMPOLINE_PARAMS
		+ SMP_PARAM_OFFER;
	if (sTrampolinePage == 0
		|| __atomic_exchange_n((uint64_t *)offer, 0, __ATOMIC_SEQ_CST) != 0)
		return;
	/*
	 * It took the offer and is on its way to park, or parked just late: it
	 * leaves the wait loop for CPU_OFF, as the kernel would release it.
	 */
	const kernel_cpu_entry *cpus = platform_kernel_to_loader(args->cpus);
	kernel_cpu_mailbox *mailbox = platform_kernel_to_loader(cpus[index].mailbox);
	__atomic_store_n(&mailbox->entry,
		sTrampolinePage + (uint64_t)(arm64_smp_trampoline_off - arm64_smp_trampoline),
		__ATOMIC_RELEASE);
}
