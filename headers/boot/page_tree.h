/* SPDX-License-Identifier: MIT */
/*
 * The radix tree of page tables every 64-bit architecture here builds the
 * same way: four levels of 512 eight-byte entries, 4 KiB pages, 48-bit
 * addresses (x86_64's four-level paging, arm64's 4 KiB granule, RISC-V's
 * Sv48). Depth 0 is the root; an entry at depth 1 maps 1 GiB, at depth 2
 * 2 MiB, at depth 3 a page. Walking, creating, splitting, freeing and
 * translating are here; what an entry's bits mean is the architecture's
 * (its paging.c), told by a page_tree_format.
 */
#ifndef BOOT_PAGE_TREE_H
#define BOOT_PAGE_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include <boot/arch_mmu.h>
#include <boot/kernel_args.h>
#include <boot/status.h>

#define PAGE_TREE_ENTRIES	512
#define PAGE_TREE_LEAF		3	/* the depth of page entries */

/*
 * An architecture's entries, as masks: an entry e at depth d < 3 points to
 * a table when (e & table_mask) == table_value, else it is a block (or not
 * valid); at depth 3, it maps a page when (e & page_mask) == page_value.
 */
struct page_tree_format {
	uint64_t	valid;			/* set in every entry that maps or points */
	uint64_t	address;		/* the address bits of an entry */
	uint64_t	table_mask;
	uint64_t	table_value;
	uint64_t	table_entry;	/* what a table's entry carries besides its address */
	uint64_t	page_mask;
	uint64_t	page_value;
};

/* One build of the tables: pages come from source and are listed in args. */
struct page_tree {
	const struct page_tree_format		*format;
	kernel_args							*args;
	const struct arch_mmu_page_source	*source;
};

static inline unsigned
page_tree_index(uint64_t address, unsigned depth)
{
	return (unsigned)(address >> (39 - 9 * depth)) & (PAGE_TREE_ENTRIES - 1);
}


/* Bytes one entry at depth maps: 512 GiB, 1 GiB, 2 MiB, 4 KiB. */
static inline uint64_t
page_tree_entry_size(unsigned depth)
{
	return 1ULL << (39 - 9 * depth);
}

/*
 * A zeroed page for a table, entered in the physical allocated ranges of
 * tree's args (a page that cannot be is given back at once); NULL when
 * there is none.
 */
uint64_t *page_tree_new_table(const struct page_tree *tree, uint64_t *_physical);

/*
 * Write entry for address at depth into the tree under root, creating the
 * tables on the way. Errors: B_NO_MEMORY, B_BAD_VALUE (a block or page
 * where a table must be: the caller's maps overlap).
 */
status_t page_tree_set(const struct page_tree *tree, uint64_t *root, uint64_t address,
	unsigned depth, uint64_t entry);

/*
 * Map [address, address + size) onto physical with entries at depth (each
 * physical | flags), walking down once per table rather than per entry.
 * address and physical are multiples of what an entry at depth maps; size
 * is rounded up to whole entries. Errors as page_tree_set's.
 */
status_t page_tree_map(const struct page_tree *tree, uint64_t *root, uint64_t address,
	uint64_t physical, uint64_t size, unsigned depth, uint64_t flags);

/*
 * In the leaf entries that map [address, address + size) under root, clear
 * the bits clear where (entry & onlyMask) == onlyValue. A 1 GiB block on
 * the way is first split into 2 MiB ones, so that the change stays local.
 * Errors: B_BAD_ADDRESS (not mapped, or no page to split with).
 */
status_t page_tree_clear(const struct page_tree *tree, uint64_t *root, uint64_t address,
	uint64_t size, uint64_t clear, uint64_t onlyMask, uint64_t onlyValue);

/* Give every table under root, and root's page, back to source. */
void page_tree_release(const struct page_tree_format *format,
	const struct arch_mmu_page_source *source, const uint64_t *root, uint64_t rootPhysical);

/*
 * address through the tree whose root is at rootPhysical, as the MMU would,
 * each table read through source->to_loader. False when not mapped.
 */
bool page_tree_translate(const struct page_tree_format *format,
	const struct arch_mmu_page_source *source, uint64_t rootPhysical, uint64_t address,
	uint64_t *_physical);

#endif
