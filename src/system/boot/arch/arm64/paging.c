/* SPDX-License-Identifier: MIT */
/*
 * The kernel's arm64 address space: VMSAv8-64 tables with a 4 KiB granule
 * and 48-bit addresses. TTBR1 holds the kernel regions at their link
 * addresses (W^X per region) and all physical memory at the physical map
 * base; TTBR0 holds the identity map the loader switches on from. Unlike
 * x86, where the MTRRs and PAT type memory behind the tables' back, the
 * tables themselves say what is RAM (Normal) and what is a device, so both
 * maps are typed from args' memory map, in the largest blocks that have
 * one type. The trees themselves are walked by the shared page_tree.c;
 * what VMSAv8-64's descriptors mean is here.
 *
 * No instructions here: host tests build and walk these tables.
 */
#include <boot/arch_mmu.h>

#include <string.h>

#include <arch_arm64_mmu.h>
#include <boot/kernel_regions.h>
#include <boot/page_tree.h>
#include <boot/platform.h>

/* The two halves of the address space: TTBR0 (identity) and TTBR1 (kernel). */
#define ROOT_IDENTITY	0
#define ROOT_KERNEL		1
#define ROOT_COUNT		2

/* What the physical map knows of a physical range. */
enum paging_class {
	CLASS_NORMAL,		/* RAM, whatever the firmware uses it for */
	CLASS_DEVICE,		/* MMIO, and every address no map entry names */
	CLASS_FRAMEBUFFER,	/* RAM a display reads: not cached, but gathered */
};

/*
 * Valid and TABLE: a table at levels 0 to 2, a page at level 3; valid
 * without it, a block (levels 1 and 2 only).
 */
static const struct page_tree_format kFormat = {
	.valid = ARM64_PTE_VALID,
	.address = ARM64_PTE_ADDRESS,
	.table_mask = ARM64_PTE_VALID | ARM64_PTE_TABLE,
	.table_value = ARM64_PTE_VALID | ARM64_PTE_TABLE,
	/* Permissions are decided at the leaves; tables restrict nothing. */
	.table_entry = ARM64_PTE_VALID | ARM64_PTE_TABLE,
	.page_mask = ARM64_PTE_VALID | ARM64_PTE_PAGE,
	.page_value = ARM64_PTE_VALID | ARM64_PTE_PAGE,
};

static uint64_t *sRoot[ROOT_COUNT];
static uint64_t sRootPhysical[ROOT_COUNT];
static struct page_tree sTree = { .format = &kFormat };


static enum paging_class
paging_class_of(uint32_t type)
{
	switch (type) {
		case KERNEL_MEMORY_MMIO:
			return CLASS_DEVICE;
		case KERNEL_MEMORY_FRAMEBUFFER:
			return CLASS_FRAMEBUFFER;
		default:
			/*
			 * UEFI on arm64 names devices MMIO (and only those the runtime
			 * services use); reserved, NVS and bad ranges are RAM.
			 */
			return CLASS_NORMAL;
	}
}


/*
 * The class of the map entry or gap at the physical address, and where
 * that piece ends. The typed map is sorted and disjoint; gaps are devices.
 */
static enum paging_class
paging_class_piece(uint64_t address, uint64_t *_end)
{
	const memory_map_entry *map = sTree.args->memory_map;
	uint32_t count = sTree.args->num_memory_map_entries;
	uint32_t i = 0;
	while (i < count && map[i].start + map[i].size <= address)
		i++;
	if (i == count) {
		*_end = UINT64_MAX;
		return CLASS_DEVICE;
	}
	if (map[i].start > address) {
		*_end = map[i].start;
		return CLASS_DEVICE;
	}
	*_end = map[i].start + map[i].size;
	return paging_class_of(map[i].type);
}


/*
 * The class at the physical address and where the run of that class ends,
 * at most at limit: neighbours of one class (RAM of different types, MMIO
 * and gaps) count as one, so that they can share a block.
 */
static enum paging_class
paging_class_run(uint64_t address, uint64_t limit, uint64_t *_end)
{
	uint64_t end;
	enum paging_class class = paging_class_piece(address, &end);
	uint64_t next;
	while (end < limit && paging_class_piece(end, &next) == class)
		end = next;
	*_end = end < limit ? end : limit;
	return class;
}


/* Leaf attributes of the physical and identity maps for a class. */
static uint64_t
paging_class_attributes(enum paging_class class, bool executable)
{
	uint64_t attributes = ARM64_PTE_VALID | ARM64_PTE_ACCESS | ARM64_PTE_SH_INNER
		| ARM64_PTE_UXN;
	switch (class) {
		case CLASS_NORMAL:
			attributes |= ARM64_PTE_ATTR_INDEX(ARM64_MAIR_INDEX_NORMAL);
			break;
		case CLASS_FRAMEBUFFER:
			attributes |= ARM64_PTE_ATTR_INDEX(ARM64_MAIR_INDEX_NORMAL_NC);
			break;
		case CLASS_DEVICE:
			attributes |= ARM64_PTE_ATTR_INDEX(ARM64_MAIR_INDEX_DEVICE_nGnRE);
			break;
	}
	/* Never fetch instructions from a device: speculation would read it. */
	if (!executable || class != CLASS_NORMAL)
		attributes |= ARM64_PTE_PXN;
	return attributes;
}


/*
 * [virtualBase, + size) onto [0, size), typed from the memory map, each
 * piece in the largest block (1 GiB, 2 MiB, else 4 KiB pages) that lies in
 * one run of a class. executable: whether RAM may be executed at EL1.
 */
static status_t
paging_map_physical(uint64_t *root, uint64_t virtualBase, uint64_t size, bool executable)
{
	uint64_t offset = 0;
	while (offset < size) {
		uint64_t runEnd;
		enum paging_class class = paging_class_run(offset, size, &runEnd);
		/* The typed map is page aligned; this only guards against a bad one. */
		if (runEnd < offset + KERNEL_PAGE_SIZE)
			runEnd = offset + KERNEL_PAGE_SIZE;

		unsigned level = 1;
		while (level < 3 && ((offset & (page_tree_entry_size(level) - 1)) != 0
				|| offset + page_tree_entry_size(level) > runEnd))
			level++;
		uint64_t entry = offset | paging_class_attributes(class, executable)
			| (level == 3 ? ARM64_PTE_PAGE : 0);
		status_t status = page_tree_set(&sTree, root, virtualBase + offset, level, entry);
		if (status != B_OK)
			return status;
		offset += page_tree_entry_size(level);
	}
	return B_OK;
}


/* A kernel region's pages: W^X as its protection says, EL1 only. */
static uint64_t
paging_region_attributes(uint32_t protection)
{
	uint64_t attributes = ARM64_PTE_VALID | ARM64_PTE_PAGE | ARM64_PTE_ACCESS
		| ARM64_PTE_SH_INNER | ARM64_PTE_UXN
		| ARM64_PTE_ATTR_INDEX(ARM64_MAIR_INDEX_NORMAL);
	if ((protection & REGION_WRITE) == 0)
		attributes |= ARM64_PTE_AP_READ_ONLY;
	if ((protection & REGION_EXECUTE) == 0)
		attributes |= ARM64_PTE_PXN;
	return attributes;
}


static status_t
paging_map_regions(void)
{
	uint32_t count;
	const struct kernel_region *regions = kernel_regions(&count);
	for (uint32_t i = 0; i < count; i++) {
		uint64_t attributes = paging_region_attributes(regions[i].protection);
		status_t status = page_tree_map(&sTree, sRoot[ROOT_KERNEL],
			regions[i].kernel_address, regions[i].physical_address, regions[i].size,
			PAGE_TREE_LEAF, attributes);
		if (status != B_OK)
			return status;
	}
	return B_OK;
}


void
arch_mmu_release(const struct arch_mmu_page_source *source)
{
	for (unsigned root = 0; root < ROOT_COUNT; root++) {
		if (sRoot[root] == NULL)
			continue;
		page_tree_release(&kFormat, source, sRoot[root], sRootPhysical[root]);
		sRoot[root] = NULL;
	}
}


bool
arch_mmu_has_no_execute(void)
{
	/* PXN and UXN are part of every VMSAv8-64 descriptor. */
	return true;
}


bool
arch_mmu_has_huge_pages(void)
{
	/* 1 GiB blocks at level 1 come with the 4 KiB granule. */
	return true;
}


status_t
arch_mmu_build(kernel_args *args, uint64_t physicalMapSize,
	const struct arch_mmu_page_source *source)
{
	sTree.args = args;
	sTree.source = source;
	/*
	 * Both maps must stay below the kernel window, and the identity map
	 * inside TTBR0's 48 bits: half of that is more than any machine has.
	 */
	if (physicalMapSize > (1ULL << (ARM64_VIRTUAL_BITS - 1)))
		return B_BAD_VALUE;
	kernel_regions_freeze();

	for (unsigned root = 0; root < ROOT_COUNT; root++) {
		sRoot[root] = page_tree_new_table(&sTree, &sRootPhysical[root]);
		if (sRoot[root] == NULL)
			return B_NO_MEMORY;
	}
	/*
	 * The identity map must be executable: the loader runs from it while it
	 * turns the MMU on. The physical map never is, except for what
	 * arch_mmu_allow_execute() makes so later.
	 */
	status_t status = paging_map_physical(sRoot[ROOT_IDENTITY], 0, physicalMapSize, true);
	if (status == B_OK) {
		status = paging_map_physical(sRoot[ROOT_KERNEL], KERNEL_PHYSICAL_MAP_BASE,
			physicalMapSize, false);
	}
	if (status == B_OK)
		status = paging_map_regions();
	if (status != B_OK)
		return status;

	args->arch_args.ttbr0 = sRootPhysical[ROOT_IDENTITY];
	args->arch_args.ttbr1 = sRootPhysical[ROOT_KERNEL];
	args->arch_args.identity_map_size = physicalMapSize;
	args->arch_args.mair = ARM64_MAIR_VALUE;
	args->arch_args.tcr = arm64_tcr_value(arm64_cpu_memory_features());
	return B_OK;
}


bool
arch_mmu_translate(const kernel_args *args, uint64_t address,
	const struct arch_mmu_page_source *source, uint64_t *_physical)
{
	/* Bit 55 chooses the table, as the MMU does; the rest must agree with it. */
	bool kernelHalf = (address >> 55) & 1;
	uint64_t top = address >> ARM64_VIRTUAL_BITS;
	if (top != (kernelHalf ? 0xffff : 0))
		return false;
	return page_tree_translate(&kFormat, source,
		kernelHalf ? args->arch_args.ttbr1 : args->arch_args.ttbr0, address, _physical);
}


status_t
arch_mmu_allow_execute(uint64_t address, uint64_t size,
	const struct arch_mmu_page_source *source)
{
	if (sRoot[ROOT_KERNEL] == NULL)
		return B_ERROR;
	sTree.source = source;
	/* Code must be Normal memory; EL0 never runs it. */
	return page_tree_clear(&sTree, sRoot[ROOT_KERNEL], address, size, ARM64_PTE_PXN,
		ARM64_PTE_ATTR_INDEX_MASK, ARM64_PTE_ATTR_INDEX(ARM64_MAIR_INDEX_NORMAL));
}
