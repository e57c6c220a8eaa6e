/* SPDX-License-Identifier: MIT */
/*
 * The kernel's x86_64 address space: four-level page tables with the kernel
 * regions at their link addresses and all of RAM at the physical map base
 * (1 GiB pages where the CPU has them, else 2 MiB), plus the GDT the kernel
 * starts with.
 */
#include <boot/arch_mmu.h>

#include <string.h>

#include "x86_paging.h"

#include <arch_x86.h>
#include <boot/handoff.h>
#include <boot/kernel_regions.h>
#include <boot/platform.h>
#include <boot/ranges.h>

#define PTE_PRESENT		(1ULL << 0)
#define PTE_WRITABLE	(1ULL << 1)
#define PTE_LARGE		(1ULL << 7)
#define PTE_GLOBAL		(1ULL << 8)
#define PTE_NO_EXECUTE	(1ULL << 63)
#define PTE_ADDRESS		0x000ffffffffff000ULL

#define ENTRIES			512
#define LARGE_PAGE		(2ULL * 1024 * 1024)
#define HUGE_PAGE		(1024ULL * 1024 * 1024)

#define KERNEL_CODE_SELECTOR	0x08
#define KERNEL_DATA_SELECTOR	0x10

/* Flat 64-bit code and data descriptors; the kernel loads its own later. */
static const uint64_t kGdtTemplate[] = {
	0,
	0x00af9a000000ffffULL,	/* code: present, ring 0, long mode */
	0x00cf92000000ffffULL,	/* data: present, ring 0, writable */
};

static uint64_t *sPml4;
static uint64_t sPml4Physical;
static uint64_t sNoExecute;
static bool sHugePages;
static kernel_args *sArgs;
static const struct arch_mmu_page_source *sSource;


/*
 * A zeroed page for a table, reported to the kernel as allocated memory.
 * A page that is not linked into the tree is given back at once; the tree
 * itself goes with arch_mmu_release() when the boot is abandoned.
 */
static uint64_t *
paging_new_table(uint64_t *_physical)
{
	void *table;
	if (sSource->allocate(sSource->cookie, _physical, &table) != B_OK)
		return NULL;
	if (ranges_insert_pages(sArgs->physical_allocated_range,
			&sArgs->num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES,
			*_physical, KERNEL_PAGE_SIZE) != B_OK) {
		sSource->free(sSource->cookie, *_physical);
		return NULL;
	}
	memset(table, 0, KERNEL_PAGE_SIZE);
	return table;
}


/* The table the entry points to, created when missing. */
static uint64_t *
paging_next_level(uint64_t *table, unsigned index)
{
	if ((table[index] & PTE_PRESENT) == 0) {
		uint64_t physical;
		uint64_t *next = paging_new_table(&physical);
		if (next == NULL)
			return NULL;
		/* Permissions are decided at the leaves; upper levels allow all. */
		table[index] = physical | PTE_PRESENT | PTE_WRITABLE;
		return next;
	}
	return sSource->to_loader(sSource->cookie, table[index] & PTE_ADDRESS);
}


static unsigned
paging_index(uint64_t address, unsigned level)
{
	return (address >> (12 + 9 * level)) & (ENTRIES - 1);
}


static status_t
paging_map_page(uint64_t virtualAddress, uint64_t physical, uint64_t flags)
{
	uint64_t *table = sPml4;
	for (unsigned level = 3; level > 0; level--) {
		table = paging_next_level(table, paging_index(virtualAddress, level));
		if (table == NULL)
			return B_NO_MEMORY;
	}
	table[paging_index(virtualAddress, 0)] = physical | flags;
	return B_OK;
}


/*
 * [virtualBase, + size) onto [0, size) with 1 GiB pages where the CPU has
 * them and 2 MiB pages otherwise (and for a tail smaller than 1 GiB). flags
 * include PTE_LARGE, which is the page size bit at both levels.
 */
static status_t
paging_map_physical(uint64_t virtualBase, uint64_t size, uint64_t flags)
{
	uint64_t offset = 0;
	while (offset < size) {
		uint64_t address = virtualBase + offset;
		uint64_t *pdpt = paging_next_level(sPml4, paging_index(address, 3));
		if (pdpt == NULL)
			return B_NO_MEMORY;
		if (sHugePages && (address & (HUGE_PAGE - 1)) == 0 && size - offset >= HUGE_PAGE) {
			pdpt[paging_index(address, 2)] = offset | flags;
			offset += HUGE_PAGE;
			continue;
		}
		uint64_t *directory = paging_next_level(pdpt, paging_index(address, 2));
		if (directory == NULL)
			return B_NO_MEMORY;
		directory[paging_index(address, 1)] = offset | flags;
		offset += LARGE_PAGE;
	}
	return B_OK;
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
		for (uint64_t offset = 0; offset < regions[i].size;
				offset += KERNEL_PAGE_SIZE) {
			status_t status = paging_map_page(regions[i].kernel_address + offset,
				regions[i].physical_address + offset, flags);
			if (status != B_OK)
				return status;
		}
	}
	return B_OK;
}


/*
 * Free the tables below entry at level (3: a PML4 entry), then the page it
 * points to. Large and huge pages map memory, not tables.
 */
static void
paging_release_table(const struct arch_mmu_page_source *source, uint64_t entry,
	unsigned level)
{
	if ((entry & PTE_PRESENT) == 0 || (level < 3 && (entry & PTE_LARGE) != 0))
		return;
	uint64_t physical = entry & PTE_ADDRESS;
	if (level > 1) {
		const uint64_t *table = source->to_loader(source->cookie, physical);
		for (unsigned i = 0; table != NULL && i < ENTRIES; i++)
			paging_release_table(source, table[i], level - 1);
	}
	source->free(source->cookie, physical);
}


void
arch_mmu_release(const struct arch_mmu_page_source *source)
{
	if (sPml4 == NULL)
		return;
	for (unsigned i = 0; i < ENTRIES; i++)
		paging_release_table(source, sPml4[i], 3);
	source->free(source->cookie, sPml4Physical);
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
	sArgs = args;
	sSource = source;
	sNoExecute = arch_mmu_has_no_execute() ? PTE_NO_EXECUTE : 0;
	sHugePages = arch_mmu_has_huge_pages();

	/* The GDT lives in kernel memory: it must exist before the regions freeze. */
	status_t status = paging_setup_gdt(args);
	if (status != B_OK)
		return status;
	kernel_regions_freeze();

	sPml4 = paging_new_table(&sPml4Physical);
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


/* A 1 GiB page as 512 pages of 2 MiB with the same attributes. */
static status_t
paging_split_huge_page(uint64_t *entry)
{
	const uint64_t kHugeAddress = 0x000fffffc0000000ULL;
	uint64_t physical;
	uint64_t *directory = paging_new_table(&physical);
	if (directory == NULL)
		return B_NO_MEMORY;
	uint64_t base = *entry & kHugeAddress;
	uint64_t flags = *entry & ~kHugeAddress;
	for (unsigned i = 0; i < ENTRIES; i++)
		directory[i] = (base + i * LARGE_PAGE) | flags;
	*entry = physical | PTE_PRESENT | PTE_WRITABLE;
	return B_OK;
}


/*
 * The entry that maps address in the end, 4 KiB or 2 MiB; a 1 GiB page on
 * the way is split so that a change to it stays local. NULL when address is
 * not mapped or a table page is missing.
 */
static uint64_t *
paging_leaf_entry(uint64_t address, uint64_t *_pageSize)
{
	uint64_t *table = sPml4;
	for (unsigned level = 3;; level--) {
		uint64_t *entry = &table[paging_index(address, level)];
		if ((*entry & PTE_PRESENT) == 0)
			return NULL;
		if (level == 2 && (*entry & PTE_LARGE) != 0
			&& paging_split_huge_page(entry) != B_OK)
			return NULL;
		if (level == 0 || (level == 1 && (*entry & PTE_LARGE) != 0)) {
			*_pageSize = level == 0 ? KERNEL_PAGE_SIZE : LARGE_PAGE;
			return entry;
		}
		table = sSource->to_loader(sSource->cookie, *entry & PTE_ADDRESS);
	}
}


bool
arch_mmu_translate(const kernel_args *args, uint64_t address,
	const struct arch_mmu_page_source *source, uint64_t *_physical)
{
	uint64_t table = args->arch_args.page_directory_physical & PTE_ADDRESS;
	for (unsigned level = 3;; level--) {
		const uint64_t *entries = source->to_loader(source->cookie, table);
		if (entries == NULL)
			return false;
		uint64_t entry = entries[paging_index(address, level)];
		if ((entry & PTE_PRESENT) == 0)
			return false;
		/* PS means a page only in PDPT and PD entries. */
		if (level == 0 || ((level == 1 || level == 2) && (entry & PTE_LARGE) != 0)) {
			uint64_t pageSize = 1ULL << (12 + 9 * level);
			*_physical = (entry & PTE_ADDRESS & ~(pageSize - 1))
				| (address & (pageSize - 1));
			return true;
		}
		table = entry & PTE_ADDRESS;
	}
}


status_t
arch_mmu_allow_execute(uint64_t address, uint64_t size,
	const struct arch_mmu_page_source *source)
{
	if (sPml4 == NULL)
		return B_ERROR;
	if (sNoExecute == 0)
		return B_OK;
	sSource = source;

	uint64_t end = address + size;
	address &= ~KERNEL_PAGE_MASK;
	while (address < end) {
		uint64_t pageSize;
		uint64_t *entry = paging_leaf_entry(address, &pageSize);
		if (entry == NULL)
			return B_BAD_ADDRESS;
		*entry &= ~PTE_NO_EXECUTE;
		address = (address & ~(pageSize - 1)) + pageSize;
	}
	return B_OK;
}
