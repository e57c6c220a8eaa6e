/* SPDX-License-Identifier: MIT */
/*
 * The four-level page-table tree the architectures share
 * (headers/boot/page_tree.h): walked from the root by depth, with the
 * meaning of an entry's bits left to the architecture's format.
 */
#include <boot/page_tree.h>

#include <string.h>

#include <boot/ranges.h>


static bool
page_tree_is_table(const struct page_tree_format *format, uint64_t entry, unsigned depth)
{
	return depth < PAGE_TREE_LEAF && (entry & format->table_mask) == format->table_value;
}


uint64_t *
page_tree_new_table(const struct page_tree *tree, uint64_t *_physical)
{
	const struct arch_mmu_page_source *source = tree->source;
	kernel_args *args = tree->args;
	void *table;
	if (source->allocate(source->cookie, _physical, &table) != B_OK)
		return NULL;
	if (ranges_insert_pages(args->physical_allocated_range,
			&args->num_physical_allocated_ranges, MAX_PHYSICAL_ALLOCATED_RANGES,
			*_physical, KERNEL_PAGE_SIZE) != B_OK) {
		source->free(source->cookie, *_physical);
		return NULL;
	}
	memset(table, 0, KERNEL_PAGE_SIZE);
	return table;
}


/* The table *entry at depth points to, created when missing; NULL with why. */
static uint64_t *
page_tree_next(const struct page_tree *tree, uint64_t *entry, unsigned depth,
	status_t *_status)
{
	const struct page_tree_format *format = tree->format;
	if ((*entry & format->valid) == 0) {
		uint64_t physical;
		uint64_t *next = page_tree_new_table(tree, &physical);
		if (next == NULL) {
			*_status = B_NO_MEMORY;
			return NULL;
		}
		/* Permissions are decided at the leaves; tables restrict nothing. */
		*entry = physical | format->table_entry;
		return next;
	}
	if (!page_tree_is_table(format, *entry, depth)) {
		*_status = B_BAD_VALUE;
		return NULL;
	}
	*_status = B_BAD_ADDRESS;
	return tree->source->to_loader(tree->source->cookie, *entry & format->address);
}


/* The table at depth that holds address's entry, created on the way; NULL with why. */
static uint64_t *
page_tree_table(const struct page_tree *tree, uint64_t *root, uint64_t address,
	unsigned depth, status_t *_status)
{
	uint64_t *table = root;
	for (unsigned current = 0; current < depth && table != NULL; current++) {
		table = page_tree_next(tree, &table[page_tree_index(address, current)], current,
			_status);
	}
	return table;
}


status_t
page_tree_set(const struct page_tree *tree, uint64_t *root, uint64_t address,
	unsigned depth, uint64_t entry)
{
	status_t status;
	uint64_t *table = page_tree_table(tree, root, address, depth, &status);
	if (table == NULL)
		return status;
	table[page_tree_index(address, depth)] = entry;
	return B_OK;
}


status_t
page_tree_map(const struct page_tree *tree, uint64_t *root, uint64_t address,
	uint64_t physical, uint64_t size, unsigned depth, uint64_t flags)
{
	uint64_t step = page_tree_entry_size(depth);
	uint64_t *table = NULL;
	for (uint64_t offset = 0; offset < size; offset += step) {
		unsigned index = page_tree_index(address + offset, depth);
		/* A new table where the last one ends, or at the start. */
		if (table == NULL || index == 0) {
			status_t status;
			table = page_tree_table(tree, root, address + offset, depth, &status);
			if (table == NULL)
				return status;
		}
		table[index] = (physical + offset) | flags;
	}
	return B_OK;
}


/* A 1 GiB block as 512 blocks of 2 MiB with the same attributes. */
static status_t
page_tree_split(const struct page_tree *tree, uint64_t *entry)
{
	uint64_t blockAddress = tree->format->address & ~(page_tree_entry_size(1) - 1);
	uint64_t physical;
	uint64_t *table = page_tree_new_table(tree, &physical);
	if (table == NULL)
		return B_NO_MEMORY;
	uint64_t base = *entry & blockAddress;
	uint64_t attributes = *entry & ~blockAddress;
	for (unsigned i = 0; i < PAGE_TREE_ENTRIES; i++)
		table[i] = (base + i * page_tree_entry_size(2)) | attributes;
	*entry = physical | tree->format->table_entry;
	return B_OK;
}


/*
 * The entry that maps address in the end, a 2 MiB block or a page, and the
 * size it maps; a 1 GiB block on the way is split. NULL when address is not
 * mapped or a page is missing.
 */
static uint64_t *
page_tree_leaf(const struct page_tree *tree, uint64_t *root, uint64_t address,
	uint64_t *_size)
{
	const struct page_tree_format *format = tree->format;
	uint64_t *table = root;
	for (unsigned depth = 0;; depth++) {
		uint64_t *entry = &table[page_tree_index(address, depth)];
		if ((*entry & format->valid) == 0)
			return NULL;
		if (depth == 1 && !page_tree_is_table(format, *entry, depth)
			&& page_tree_split(tree, entry) != B_OK)
			return NULL;
		if (!page_tree_is_table(format, *entry, depth)) {
			*_size = page_tree_entry_size(depth);
			return entry;
		}
		table = tree->source->to_loader(tree->source->cookie, *entry & format->address);
		if (table == NULL)
			return NULL;
	}
}


status_t
page_tree_clear(const struct page_tree *tree, uint64_t *root, uint64_t address,
	uint64_t size, uint64_t clear, uint64_t onlyMask, uint64_t onlyValue)
{
	uint64_t end = address + size;
	address &= ~KERNEL_PAGE_MASK;
	while (address < end) {
		uint64_t entrySize;
		uint64_t *entry = page_tree_leaf(tree, root, address, &entrySize);
		if (entry == NULL)
			return B_BAD_ADDRESS;
		if ((*entry & onlyMask) == onlyValue)
			*entry &= ~clear;
		address = (address & ~(entrySize - 1)) + entrySize;
	}
	return B_OK;
}


/* Free the tables below entry at depth, then the page it points to. */
static void
page_tree_release_entry(const struct page_tree_format *format,
	const struct arch_mmu_page_source *source, uint64_t entry, unsigned depth)
{
	if (!page_tree_is_table(format, entry, depth))
		return;
	uint64_t physical = entry & format->address;
	const uint64_t *table = source->to_loader(source->cookie, physical);
	for (unsigned i = 0; table != NULL && i < PAGE_TREE_ENTRIES; i++)
		page_tree_release_entry(format, source, table[i], depth + 1);
	source->free(source->cookie, physical);
}


void
page_tree_release(const struct page_tree_format *format,
	const struct arch_mmu_page_source *source, const uint64_t *root, uint64_t rootPhysical)
{
	for (unsigned i = 0; i < PAGE_TREE_ENTRIES; i++)
		page_tree_release_entry(format, source, root[i], 0);
	source->free(source->cookie, rootPhysical);
}


bool
page_tree_translate(const struct page_tree_format *format,
	const struct arch_mmu_page_source *source, uint64_t rootPhysical, uint64_t address,
	uint64_t *_physical)
{
	uint64_t table = rootPhysical & format->address;
	for (unsigned depth = 0;; depth++) {
		const uint64_t *entries = source->to_loader(source->cookie, table);
		if (entries == NULL)
			return false;
		uint64_t entry = entries[page_tree_index(address, depth)];
		if ((entry & format->valid) == 0)
			return false;
		if (!page_tree_is_table(format, entry, depth)) {
			/* Blocks exist at depths 1 and 2 only. */
			if (depth == 0
				|| (depth == PAGE_TREE_LEAF && (entry & format->page_mask) != format->page_value))
				return false;
			uint64_t size = page_tree_entry_size(depth);
			*_physical = (entry & format->address & ~(size - 1)) | (address & (size - 1));
			return true;
		}
		table = entry & format->address;
	}
}
