/* SPDX-License-Identifier: MIT */
/*
 * What the checks know of arm64 translation tables: the four-level walk the
 * MMU does from TTBR1_EL1 (the kernel's half) or TTBR0_EL1 (the identity
 * map), every table page for the memory map, the level 0 entries of the
 * kernel's regions and the block sizes of the linear maps. Plain C on the
 * checker's memory accessors, so that host tests can walk tables built by
 * hand.
 */
#include "arm64_paging.h"


#define LEVEL0_INDEX(address)	(((address) >> 39) & (ARM64_ENTRIES_PER_TABLE - 1))
/* The top 16 bits of a 48-bit address select the table base register. */
#define HIGH_HALF_START			0xffff000000000000ULL
#define LOW_HALF_END			(1ULL << 48)
/* Entries read at a time while enumerating tables. */
#define WALK_CHUNK				32
/* More tables than a 64 GiB machine needs: a loop, not a big machine. */
#define MAX_TABLE_VISITS		4096

static const char *const kLevelNames[ARM64_LEVELS] = { "level 0 table", "level 1 table",
	"level 2 table", "level 3 table" };
static const unsigned kLevelShifts[ARM64_LEVELS] = { 39, 30, 21, 12 };


uint64_t
kcheck_arch_page_root(const struct bootcheck_environment *environment)
{
	/* Walk the tables the MMU uses when there is one to ask. */
	uint64_t root = environment->cpu != NULL ? environment->cpu->ttbr1
		: environment->args->arch_args.ttbr1;
	return root & ARM64_TTBR_ADDRESS;
}


uint64_t
arm64_page_root_low(const struct kcheck_context *context)
{
	const struct bootcheck_cpu_state *cpu = context->environment->cpu;
	uint64_t root = cpu != NULL ? cpu->ttbr0 : context->args->arch_args.ttbr0;
	return root & ARM64_TTBR_ADDRESS;
}


/*
 * A translation table entry; the kernel reads its tables through the
 * physical map, so a table outside of it is as bad as a missing one.
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


/* Whether descriptor maps memory at level: a block at levels 1 and 2, a page at 3. */
static bool
descriptor_is_leaf(uint64_t descriptor, int level)
{
	if (level == ARM64_LEVELS - 1)
		return (descriptor & ARM64_DESCRIPTOR_TABLE) != 0;
	return level > 0 && (descriptor & ARM64_DESCRIPTOR_TABLE) == 0;
}


/*
 * Whether descriptor is valid at level at all: with a 4 KiB granule and 48
 * bits there are no level 0 blocks, and 0b01 at level 3 is reserved; the MMU
 * faults on both, as on an invalid one.
 */
static bool
descriptor_is_valid(uint64_t descriptor, int level)
{
	if ((descriptor & ARM64_DESCRIPTOR_VALID) == 0)
		return false;
	if (level == 0 || level == ARM64_LEVELS - 1)
		return (descriptor & ARM64_DESCRIPTOR_TABLE) != 0;
	return true;
}


/* EL1's view from the descriptor and the tables' limits. */
static void
page_permissions(struct arm64_page *page)
{
	uint64_t descriptor = page->descriptor;
	uint64_t limits = page->table_limits;
	page->page.writable = (descriptor & ARM64_ATTR_AP_READ_ONLY) == 0
		&& (limits & ARM64_TABLE_READ_ONLY) == 0;
	/* What EL0 may write, EL1 may never execute (the architecture's implicit PXN). */
	bool el0Writable = arm64_page_el0_accessible(page) && page->page.writable;
	page->page.no_execute = (descriptor & ARM64_ATTR_PXN) != 0
		|| (limits & ARM64_TABLE_PXN) != 0 || el0Writable;
}


enum kcheck_walk
arm64_page_walk(const struct kcheck_context *context, uint64_t address,
	struct arm64_page *page)
{
	uint64_t table;
	if (address >= HIGH_HALF_START)
		table = context->page_root;
	else if (address < LOW_HALF_END)
		table = arm64_page_root_low(context);
	else
		return KCHECK_WALK_NOT_PRESENT;

	page->table_limits = 0;
	for (int level = 0; level < ARM64_LEVELS; level++) {
		unsigned shift = kLevelShifts[level];
		uint64_t index = (address >> shift) & (ARM64_ENTRIES_PER_TABLE - 1);
		uint64_t descriptor;
		enum kcheck_walk result = kcheck_table_read(context,
			table + index * sizeof(uint64_t), &descriptor);
		if (result != KCHECK_WALK_MAPPED)
			return result;
		if (!descriptor_is_valid(descriptor, level))
			return KCHECK_WALK_NOT_PRESENT;

		if (descriptor_is_leaf(descriptor, level)) {
			uint64_t offsetMask = (1ULL << shift) - 1;
			page->descriptor = descriptor;
			page->level = level;
			page->page.physical = (descriptor & ARM64_DESCRIPTOR_ADDRESS & ~offsetMask)
				| (address & offsetMask);
			page->page.size = 1ULL << shift;
			page_permissions(page);
			return KCHECK_WALK_MAPPED;
		}
		page->table_limits |= descriptor & ARM64_TABLE_LIMITS;
		table = descriptor & ARM64_DESCRIPTOR_ADDRESS;
	}
	return KCHECK_WALK_NOT_PRESENT;
}


enum kcheck_walk
kcheck_page_walk(const struct kcheck_context *context, uint64_t address,
	struct kcheck_page *page)
{
	struct arm64_page translation;
	enum kcheck_walk result = arm64_page_walk(context, address, &translation);
	if (result == KCHECK_WALK_MAPPED)
		*page = translation.page;
	return result;
}


bool
arm64_page_el0_accessible(const struct arm64_page *page)
{
	return (page->descriptor & ARM64_ATTR_AP_EL0) != 0
		&& (page->table_limits & ARM64_TABLE_NO_EL0) == 0;
}


/* AP[1] clear does not keep EL0 from executing (execute-only memory): only UXN does. */
bool
arm64_page_el0_executable(const struct arm64_page *page)
{
	return (page->descriptor & ARM64_ATTR_UXN) == 0
		&& (page->table_limits & ARM64_TABLE_UXN) == 0;
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
			"more than %u translation tables: a loop?", MAX_TABLE_VISITS);
	}
	if (!walk->visit(walk->context, table, kLevelNames[level], walk->cookie, walk->reason,
			walk->reasonSize)) {
		return false;
	}
	if (level == ARM64_LEVELS - 1)
		return true;

	uint64_t entries[WALK_CHUNK];
	for (uint32_t first = 0; first < ARM64_ENTRIES_PER_TABLE; first += WALK_CHUNK) {
		if (!kcheck_read_physical(walk->context, table + first * sizeof(uint64_t), entries,
				sizeof(entries))) {
			return kcheck_fail(walk->reason, walk->reasonSize,
				"translation table at %#llx cannot be read", (ull)table);
		}
		for (uint32_t i = 0; i < WALK_CHUNK; i++) {
			uint64_t entry = entries[i];
			if (!descriptor_is_valid(entry, level) || descriptor_is_leaf(entry, level))
				continue;
			if (!visit_table(walk, entry & ARM64_DESCRIPTOR_ADDRESS, level + 1))
				return false;
		}
	}
	return true;
}


/* Both halves: the identity map's tables are loader memory the kernel keeps too. */
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
	if (!visit_table(&walk, context->page_root, 0))
		return false;
	uint64_t low = arm64_page_root_low(context);
	if (low == 0 || low == context->page_root)
		return true;
	return visit_table(&walk, low, 0);
}


/* A level 0 entry that must be a table descriptor. */
static bool
region_root_present(const struct kcheck_context *context, const char *half, uint64_t root,
	uint64_t address, const char *name, char *reason, size_t reasonSize)
{
	uint64_t index = LEVEL0_INDEX(address);
	uint64_t entry;
	if (kcheck_table_read(context, root + index * sizeof(uint64_t), &entry)
			!= KCHECK_WALK_MAPPED) {
		return kcheck_fail(reason, reasonSize, "%s level 0 entry %llu (%s) cannot be read",
			half, (ull)index, name);
	}
	if (!descriptor_is_valid(entry, 0)) {
		return kcheck_fail(reason, reasonSize, "%s level 0 entry %llu (%s) is %#llx, not a"
			" table", half, (ull)index, name, (ull)entry);
	}
	return true;
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
		if (!region_root_present(context, "TTBR1", context->page_root, roots[i].address,
				roots[i].name, reason, reasonSize)) {
			return false;
		}
	}
	if (context->args->arch_args.identity_map_size == 0)
		return true;
	return region_root_present(context, "TTBR0", arm64_page_root_low(context), 0,
		"identity map", reason, reasonSize);
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
 * 1 GiB blocks, which every arm64 CPU has with a 4 KiB granule. A smaller
 * block or page only where the next larger one would hold memory of more
 * than one class (RAM and MMIO, runtime code and data, ...), which a single
 * descriptor cannot give each its attributes.
 */
bool
kcheck_arch_linear_page_size(const struct kcheck_context *context,
	const struct kcheck_linear_map *map, uint64_t offset, const struct kcheck_page *page,
	char *reason, size_t reasonSize)
{
	if (page->size >= ARM64_BLOCK_1G)
		return true;
	uint64_t larger = page->size == ARM64_BLOCK_2M ? ARM64_BLOCK_1G : ARM64_BLOCK_2M;
	uint64_t start = offset & ~(larger - 1);
	if (arm64_memory_class(context->args, start, larger) == ARM64_MEMORY_MIXED)
		return true;
	return kcheck_fail(reason, reasonSize, "%s: %#llx is in a page of %#llx bytes, but"
		" %#llx-%#llx is all %s: expected a block of %#llx", map->name,
		(ull)(map->base + offset), (ull)page->size, (ull)start, (ull)(start + larger),
		arm64_memory_class_name(arm64_memory_class(context->args, start, larger)),
		(ull)larger);
}


enum arm64_memory_class
arm64_memory_type_class(uint32_t type)
{
	switch (type) {
		case KERNEL_MEMORY_USABLE:
		case KERNEL_MEMORY_ACPI_RECLAIMABLE:
		case KERNEL_MEMORY_ACPI_NVS:
		case KERNEL_MEMORY_RUNTIME_DATA:
		case KERNEL_MEMORY_LOADER_RECLAIMABLE:
		case KERNEL_MEMORY_KERNEL_AND_MODULES:
			return ARM64_MEMORY_RAM;
		case KERNEL_MEMORY_RUNTIME_CODE:
			return ARM64_MEMORY_RUNTIME_CODE;
		case KERNEL_MEMORY_MMIO:
			return ARM64_MEMORY_DEVICE;
		case KERNEL_MEMORY_FRAMEBUFFER:
			return ARM64_MEMORY_FRAMEBUFFER;
		default:
			return ARM64_MEMORY_ANY;
	}
}


/* The memory map is sorted and free of overlaps (check memory_map). */
enum arm64_memory_class
arm64_memory_class(const kernel_args *args, uint64_t start, uint64_t size)
{
	bool found = false;
	enum arm64_memory_class result = ARM64_MEMORY_DEVICE;
	uint64_t covered = 0;
	uint32_t count = kcheck_clamp_count(args->num_memory_map_entries,
		MAX_MEMORY_MAP_ENTRIES);
	for (uint32_t i = 0; i < count; i++) {
		const memory_map_entry *entry = &args->memory_map[i];
		if (!kcheck_spans_overlap(entry->start, entry->size, start, size))
			continue;
		enum arm64_memory_class entryClass = arm64_memory_type_class(entry->type);
		if (found && entryClass != result)
			return ARM64_MEMORY_MIXED;
		found = true;
		result = entryClass;
		uint64_t overlapStart = entry->start > start ? entry->start : start;
		uint64_t entryEnd = entry->start + entry->size;
		uint64_t overlapEnd = entryEnd < start + size ? entryEnd : start + size;
		covered += overlapEnd - overlapStart;
	}
	/* What the map does not name is not RAM: device memory, or nothing at all. */
	if (found && covered < size && result != ARM64_MEMORY_DEVICE)
		return ARM64_MEMORY_MIXED;
	return result;
}


const char *
arm64_memory_class_name(enum arm64_memory_class memoryClass)
{
	switch (memoryClass) {
		case ARM64_MEMORY_RAM:
			return "RAM";
		case ARM64_MEMORY_RUNTIME_CODE:
			return "runtime code";
		case ARM64_MEMORY_DEVICE:
			return "device memory";
		case ARM64_MEMORY_FRAMEBUFFER:
			return "framebuffer";
		case ARM64_MEMORY_ANY:
			return "reserved";
		case ARM64_MEMORY_MIXED:
			break;
	}
	return "mixed";
}
