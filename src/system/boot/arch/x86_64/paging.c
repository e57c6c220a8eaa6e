/* SPDX-License-Identifier: MIT */
/*
 * The kernel's x86_64 address space: four-level page tables with the kernel
 * regions at their link addresses and all of RAM at the physical map base
 * (1 GiB pages where the CPU has them, else 2 MiB), plus the GDT the kernel
 * starts with. The tree itself is walked by the shared page_tree.c; what
 * x86's entries mean is here.
 */
#include <boot/arch_mmu.h>

#include <string.h>

#include "x86_paging.h"

#include <arch_x86.h>
#include <boot/handoff.h>
#include <boot/kernel_regions.h>
#include <boot/page_tree.h>
#include <boot/platform.h>

#define PTE_PRESENT		(1ULL << 0)
#define PTE_WRITABLE	(1ULL << 1)
#define PTE_LARGE		(1ULL << 7)
#define PTE_GLOBAL		(1ULL << 8)
#define PTE_NO_EXECUTE	(1ULL << 63)
#define PTE_ADDRESS		0x000ffffffffff000ULL

#define HUGE_PAGE		(1024ULL * 1024 * 1024)

#define KERNEL_CODE_SELECTOR	0x08
#define KERNEL_DATA_SELECTOR	0x10

/* Flat 64-bit code and data descriptors; the kernel loads its own later. */
static const uint64_t kGdtTemplate[] = {
	0,
	0x00af9a000000ffffULL,	/* code: present, ring 0, long mode */
	0x00cf92000000ffffULL,	/* data: present, ring 0, writable */
};

/*
 * A present entry is a table unless it maps a large page (PS, in PDPT and
 * PD entries; the loader never sets it in the PML4). A PT entry is a page.
 */
static const struct page_tree_format kFormat = {
	.valid = PTE_PRESENT,
	.address = PTE_ADDRESS,
	.table_mask = PTE_PRESENT | PTE_LARGE,
	.table_value = PTE_PRESENT,
	/* Permissions are decided at the leaves; upper levels allow all. */
	.table_entry = PTE_PRESENT | PTE_WRITABLE,
	.page_mask = PTE_PRESENT,
	.page_value = PTE_PRESENT,
};

static uint64_t *sPml4;
static uint64_t sPml4Physical;
static uint64_t sNoExecute;
static bool sHugePages;
static struct page_tree sTree = { .format = &kFormat };


/*
 * [virtualBase, + size) onto [0, size) with 1 GiB pages where the CPU has
 * them and 2 MiB pages otherwise (and for a tail smaller than 1 GiB).
 * virtualBase is a multiple of 1 GiB (address_space.c). flags include
 * PTE_LARGE, which is the page size bit at both levels.
 */
static status_t
paging_map_physical(uint64_t virtualBase, uint64_t size, uint64_t flags)
{
	uint64_t huge = sHugePages ? size & ~(HUGE_PAGE - 1) : 0;
	status_t status = page_tree_map(&sTree, sPml4, virtualBase, 0, huge, 1, flags);
	if (status != B_OK)
		return status;
	return page_tree_map(&sTree, sPml4, virtualBase + huge, huge, size - huge, 2, flags);
}


static uint64_t
paging_flags_for(uint32_t protection)
{
	uint64_t flags = PTE_PRESENT | PTE_GLOBAL;
	if (protection & REGION_WRITE)
		flags |= PTE_WRITABLE;
	if ((protection & REGION_EXECUTE) == 0)
		flags |= sNoExecute;
	return flags;
}


static status_t
paging_map_regions(void)
{
	uint32_t count;
	const struct kernel_region *regions = kernel_regions(&count);
	for (uint32_t i = 0; i < count; i++) {
		uint64_t flags = paging_flags_for(regions[i].protection);
		status_t status = page_tree_map(&sTree, sPml4, regions[i].kernel_address,
			regions[i].physical_address, regions[i].size, PAGE_TREE_LEAF, flags);
		if (status != B_OK)
			return status;
	}
	return B_OK;
}


void
arch_mmu_release(const struct arch_mmu_page_source *source)
{
	if (sPml4 == NULL)
		return;
	page_tree_release(&kFormat, source, sPml4, sPml4Physical);
	sPml4 = NULL;
}


bool
arch_mmu_has_no_execute(void)
{
	return (x86_paging_features() & X86_CPUID_NO_EXECUTE) != 0;
}


bool
arch_mmu_has_huge_pages(void)
{
	return (x86_paging_features() & X86_CPUID_1GB_PAGES) != 0;
}


static status_t
paging_setup_gdt(kernel_args *args)
{
	uint64_t *gdt = kernel_args_malloc(sizeof(kGdtTemplate));
	if (gdt == NULL)
		return B_NO_MEMORY;
	memcpy(gdt, kGdtTemplate, sizeof(kGdtTemplate));
	args->arch_args.gdt_address = platform_loader_to_kernel(gdt);
	args->arch_args.gdt_limit = sizeof(kGdtTemplate) - 1;
	args->arch_args.kernel_code_selector = KERNEL_CODE_SELECTOR;
	args->arch_args.kernel_data_selector = KERNEL_DATA_SELECTOR;
	return B_OK;
}


status_t
arch_mmu_build(kernel_args *args, uint64_t physicalMapSize,
	const struct arch_mmu_page_source *source)
{
	sTree.args = args;
	sTree.source = source;
	sNoExecute = arch_mmu_has_no_execute() ? PTE_NO_EXECUTE : 0;
	sHugePages = arch_mmu_has_huge_pages();

	/* The GDT lives in kernel memory: it must exist before the regions freeze. */
	status_t status = paging_setup_gdt(args);
	if (status != B_OK)
		return status;
	kernel_regions_freeze();

	sPml4 = page_tree_new_table(&sTree, &sPml4Physical);
	if (sPml4 == NULL)
		return B_NO_MEMORY;
	/*
	 * The identity map must be executable: the loader runs from it while it
	 * switches. It has tables of its own, so that the kernel drops it by
	 * clearing the low PML4 entries without touching the physical map.
	 * Both are multiples of 1 GiB (address_space.c), so with 1 GiB pages
	 * neither needs a page directory.
	 */
	const uint64_t kLargeFlags = PTE_PRESENT | PTE_WRITABLE | PTE_LARGE;
	status = paging_map_physical(0, physicalMapSize, kLargeFlags);
	if (status == B_OK) {
		status = paging_map_physical(KERNEL_PHYSICAL_MAP_BASE, physicalMapSize,
			kLargeFlags | sNoExecute);
	}
	if (status == B_OK)
		status = paging_map_regions();
	if (status != B_OK)
		return status;

	args->arch_args.page_directory_physical = sPml4Physical;
	args->arch_args.identity_map_size = physicalMapSize;
	return B_OK;
}


bool
arch_mmu_translate(const kernel_args *args, uint64_t address,
	const struct arch_mmu_page_source *source, uint64_t *_physical)
{
	return page_tree_translate(&kFormat, source, args->arch_args.page_directory_physical,
		address, _physical);
}


status_t
arch_mmu_allow_execute(uint64_t address, uint64_t size,
	const struct arch_mmu_page_source *source)
{
	if (sPml4 == NULL)
		return B_ERROR;
	if (sNoExecute == 0)
		return B_OK;
	sTree.source = source;
	return page_tree_clear(&sTree, sPml4, address, size, PTE_NO_EXECUTE, 0, 0);
}
