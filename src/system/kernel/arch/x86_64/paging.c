/* SPDX-License-Identifier: MIT */
/*
 * What the checks know of x86_64 page tables: the 4-level walk the MMU does
 * from CR3, every table page for the memory map, the PML4 entries of the
 * kernel's regions, the identity map and the page sizes the CPU offers.
 */
#include "../../checks.h"


#define ENTRIES_PER_TABLE		512
#define LEVELS					4
#define PML4_INDEX(address)		(((address) >> 39) & (ENTRIES_PER_TABLE - 1))
#define PTE_WRITABLE			0x2ULL
#define PTE_NO_EXECUTE			(1ULL << 63)
#define LARGE_PAGE_SIZE			(2ULL << 20)
#define HUGE_PAGE_SIZE			(1ULL << 30)
/* Entries read at a time while enumerating tables. */
#define WALK_CHUNK				32
/* More tables than a 64 GiB machine needs: a loop, not a big machine. */
#define MAX_TABLE_VISITS		4096

static const char *const kLevelNames[LEVELS] = { "PML4", "PDPT", "page directory",
	"page table" };


uint64_t
kcheck_arch_page_root(const struct bootcheck_environment *environment)
{
	/* Walk the tables the MMU uses when there is one to ask. */
	uint64_t root = environment->cpu != NULL ? environment->cpu->cr3
		: environment->args->arch_args.page_directory_physical;
	return root & PTE_ADDRESS_MASK;
}


/*
 * A page table entry; the kernel reads its tables through the physical map,
 * so a table outside of it is as bad as a missing one.
 */
enum kcheck_walk
kcheck_table_read(const struct kcheck_context *context, uint64_t physical, uint64_t *_entry)
{
	uint64_t mapSize = context->args->physical_map_size;
	if (mapSize < sizeof(uint64_t) || physical > mapSize - sizeof(uint64_t))
		return KCHECK_WALK_OUTSIDE_PHYSICAL_MAP;
	if (!kcheck_read_physical(context, physical, _entry, sizeof(*_entry)))
		return KCHECK_WALK_UNREADABLE;
	return KCHECK_WALK_MAPPED;
}


enum kcheck_walk
kcheck_page_walk(const struct kcheck_context *context, uint64_t address,
	struct kcheck_page *page)
{
	static const unsigned kShifts[LEVELS] = { 39, 30, 21, 12 };
	uint64_t table = context->page_root;
	page->writable = true;
	page->no_execute = false;

	for (int level = 0; level < LEVELS; level++) {
		unsigned shift = kShifts[level];
		uint64_t index = (address >> shift) & (ENTRIES_PER_TABLE - 1);
		uint64_t entry;
		enum kcheck_walk result = kcheck_table_read(context,
			table + index * sizeof(uint64_t), &entry);
		if (result != KCHECK_WALK_MAPPED)
			return result;
		if ((entry & PTE_PRESENT) == 0)
			return KCHECK_WALK_NOT_PRESENT;

		/* Writable only if every level allows it, executable only if every level does. */
		page->writable = page->writable && (entry & PTE_WRITABLE) != 0;
		page->no_execute = page->no_execute || (entry & PTE_NO_EXECUTE) != 0;

		/* PS is only meaningful in PDPT and PD entries. */
		if (level == LEVELS - 1 || (level > 0 && (entry & PTE_LARGE) != 0)) {
			uint64_t offsetMask = (1ULL << shift) - 1;
			page->physical = (entry & PTE_ADDRESS_MASK & ~offsetMask) | (address & offsetMask);
			page->size = 1ULL << shift;
			return KCHECK_WALK_MAPPED;
		}
		table = entry & PTE_ADDRESS_MASK;
	}
	return KCHECK_WALK_NOT_PRESENT;
}


struct table_walk {
	const struct kcheck_context	*context;
	kcheck_table_visit			visit;
	void						*cookie;
	uint32_t					visits;
	char						*reason;
	size_t						reasonSize;
};


static bool
visit_table(struct table_walk *walk, uint64_t table, int level)
{
	if (++walk->visits > MAX_TABLE_VISITS) {
		return kcheck_fail(walk->reason, walk->reasonSize,
			"more than %u page tables: a loop?", MAX_TABLE_VISITS);
	}
	if (!walk->visit(walk->context, table, kLevelNames[level], walk->cookie, walk->reason,
			walk->reasonSize)) {
		return false;
	}
	if (level == LEVELS - 1)
		return true;

	uint64_t entries[WALK_CHUNK];
	for (uint32_t first = 0; first < ENTRIES_PER_TABLE; first += WALK_CHUNK) {
		if (!kcheck_read_physical(walk->context, table + first * sizeof(uint64_t), entries,
				sizeof(entries))) {
			return kcheck_fail(walk->reason, walk->reasonSize,
				"page table at %#llx cannot be read", (ull)table);
		}
		for (uint32_t i = 0; i < WALK_CHUNK; i++) {
			uint64_t entry = entries[i];
			/* Large pages map memory; only the PML4 never holds one. */
			if ((entry & PTE_PRESENT) == 0 || (level > 0 && (entry & PTE_LARGE) != 0))
				continue;
			if (!visit_table(walk, entry & PTE_ADDRESS_MASK, level + 1))
				return false;
		}
	}
	return true;
}


bool
kcheck_arch_visit_tables(const struct kcheck_context *context, kcheck_table_visit visit,
	void *cookie, char *reason, size_t reasonSize)
{
	struct table_walk walk = {
		.context = context,
		.visit = visit,
		.cookie = cookie,
		.reason = reason,
		.reasonSize = reasonSize,
	};
	return visit_table(&walk, context->page_root, 0);
}


bool
kcheck_arch_region_roots(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const struct {
		const char	*name;
		uint64_t	address;
	} roots[] = {
		{ "kernel window", KERNEL_LOAD_BASE },
		{ "kernel data", KERNEL_DATA_BASE },
		{ "physical map", KERNEL_PHYSICAL_MAP_BASE },
	};
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		uint64_t index = PML4_INDEX(roots[i].address);
		uint64_t entry;
		/* physical_map proved that the PML4 lies inside the map. */
		if (kcheck_table_read(context, context->page_root + index * sizeof(uint64_t), &entry)
				!= KCHECK_WALK_MAPPED) {
			return kcheck_fail(reason, reasonSize, "PML4 entry %llu (%s) cannot be read",
				(ull)index, roots[i].name);
		}
		if ((entry & PTE_PRESENT) == 0) {
			return kcheck_fail(reason, reasonSize, "PML4 entry %llu (%s) not present",
				(ull)index, roots[i].name);
		}
	}
	return true;
}


uint32_t
kcheck_arch_linear_maps(const kernel_args *args, struct kcheck_linear_map *maps)
{
	maps[0] = (struct kcheck_linear_map){ "physical map", args->physical_map_base,
		args->physical_map_size, true };
	/* The loader runs from the identity map while it switches: executable. */
	maps[1] = (struct kcheck_linear_map){ "identity map", 0,
		args->arch_args.identity_map_size, false };
	return 2;
}


/*
 * 1 GiB pages when the CPU has them, 2 MiB pages otherwise. 2 MiB pages are
 * also fine for a tail shorter than 1 GiB and, in the physical map, for a
 * gigabyte with EFI runtime code (the loader splits it to make that code
 * executable).
 */
bool
kcheck_arch_linear_page_size(const struct kcheck_context *context,
	const struct kcheck_linear_map *map, uint64_t offset, const struct kcheck_page *page,
	char *reason, size_t reasonSize)
{
	bool huge = context->environment->cpu->has_huge_pages;
	uint64_t expected = huge ? HUGE_PAGE_SIZE : LARGE_PAGE_SIZE;
	if (page->size == expected)
		return true;

	if (huge && page->size == LARGE_PAGE_SIZE) {
		uint64_t gigabyte = offset & ~(HUGE_PAGE_SIZE - 1);
		if (map->size - gigabyte < HUGE_PAGE_SIZE)
			return true;
		if (map->physical_map
			&& kcheck_holds_runtime_code(context->args, gigabyte, HUGE_PAGE_SIZE)) {
			return true;
		}
	}
	return kcheck_fail(reason, reasonSize, "%s: %#llx is in a page of %#llx bytes,"
		" expected %#llx (the CPU %s 1 GiB pages)", map->name, (ull)(map->base + offset),
		(ull)page->size, (ull)expected, huge ? "has" : "has no");
}
