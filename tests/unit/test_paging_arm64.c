/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the arm64 translation tables the loader builds
 * (src/system/boot/arch/arm64/paging.c, on the shared page_tree.c), on the
 * build machine: neither file holds an instruction, so both are compiled
 * right into this test with arm64's architecture headers
 * (tests/unit/Jamfile). Tables are built in a fake
 * physical memory from a typed memory map, walked by this file's own walk
 * and compared with what the kernel was promised (docs/kernel_args.md).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../../src/system/boot/arch/arm64/paging.c"
#include "../../src/system/boot/loader/page_tree.c"

#include "unit_test.h"


#define PAGE				KERNEL_PAGE_SIZE
#define BLOCK				(2ULL << 20)
#define GIB					(1ULL << 30)
#define TABLE_BASE			0x100000ULL
#define TABLE_PAGES			1024
#define MAP_SIZE			(4 * GIB)

static uint8_t sTables[TABLE_PAGES][PAGE] __attribute__((aligned(4096)));
static bool sTableUsed[TABLE_PAGES];
static uint32_t sAllocated;
static uint32_t sFreed;
static uint32_t sAllocationLimit;
static kernel_args sKernelArgs;
static struct kernel_region sRegions[8];
static uint32_t sRegionCount;


/* --- what paging.c needs from the rest of the loader ------------------- */

const struct kernel_region *
kernel_regions(uint32_t *_count)
{
	*_count = sRegionCount;
	return sRegions;
}


void
kernel_regions_freeze(void)
{
}


/* A CPU with 48-bit physical addresses (PARange 0b0101). */
uint64_t
arm64_cpu_memory_features(void)
{
	return 0x5;
}


status_t
ranges_insert_pages(addr_range *ranges, uint32_t *_count, uint32_t max, uint64_t start,
	uint64_t size)
{
	if (*_count >= max)
		return B_BUFFER_OVERFLOW;
	ranges[(*_count)++] = (addr_range){ start, size };
	return B_OK;
}


static status_t
fake_allocate(void *cookie, uint64_t *_physical, void **_loader)
{
	if (sAllocated - sFreed >= sAllocationLimit)
		return B_NO_MEMORY;
	for (uint32_t i = 0; i < TABLE_PAGES; i++) {
		if (!sTableUsed[i]) {
			sTableUsed[i] = true;
			memset(sTables[i], 0xa5, PAGE);
			*_physical = TABLE_BASE + i * PAGE;
			*_loader = sTables[i];
			sAllocated++;
			return B_OK;
		}
	}
	return B_NO_MEMORY;
}


static void *
fake_to_loader(void *cookie, uint64_t physical)
{
	uint64_t index = (physical - TABLE_BASE) / PAGE;
	if (physical < TABLE_BASE || index >= TABLE_PAGES || !sTableUsed[index])
		return NULL;
	return sTables[index];
}


static void
fake_free(void *cookie, uint64_t physical)
{
	uint64_t index = (physical - TABLE_BASE) / PAGE;
	CHECK(physical >= TABLE_BASE && index < TABLE_PAGES && sTableUsed[index]);
	sTableUsed[index] = false;
	sFreed++;
}


static const struct arch_mmu_page_source kSource = {
	.allocate = fake_allocate,
	.to_loader = fake_to_loader,
	.free = fake_free,
};


/* --- an independent walk -------------------------------------------------- */

struct leaf {
	bool		valid;
	uint64_t	descriptor;
	uint64_t	physical;
	uint64_t	size;
};


static struct leaf
walk(uint64_t address)
{
	struct leaf result = { .valid = false };
	bool kernel = address >= KERNEL_SPACE_START;
	uint64_t table = kernel ? sKernelArgs.arch_args.ttbr1 : sKernelArgs.arch_args.ttbr0;
	for (unsigned level = 0; level < 4; level++) {
		const uint64_t *entries = fake_to_loader(NULL, table);
		CHECK(entries != NULL);
		uint64_t entry = entries[(address >> (39 - 9 * level)) & 511];
		if ((entry & 1) == 0)
			return result;
		bool block = (entry & 2) == 0;
		if (level == 3 || block) {
			/* Blocks exist only at levels 1 and 2; a page has bit 1 set. */
			CHECK(level == 1 || level == 2 || (level == 3 && !block));
			uint64_t size = 1ULL << (39 - 9 * level);
			result.valid = true;
			result.descriptor = entry;
			result.size = size;
			result.physical = (entry & 0x0000fffffffff000ULL & ~(size - 1))
				| (address & (size - 1));
			return result;
		}
		table = entry & 0x0000fffffffff000ULL;
	}
	return result;
}


static unsigned
attr_index(uint64_t descriptor)
{
	return (descriptor >> 2) & 7;
}


static bool
pxn(uint64_t descriptor)
{
	return (descriptor >> 53) & 1;
}


static bool
uxn(uint64_t descriptor)
{
	return (descriptor >> 54) & 1;
}


static bool
read_only(uint64_t descriptor)
{
	return (descriptor >> 7) & 1;
}


/* Accessed, inner shareable, EL1 only: what every leaf the loader writes has. */
static void
expect_common(uint64_t descriptor)
{
	CHECK((descriptor >> 10) & 1);
	CHECK_EQ((descriptor >> 8) & 3, 3);
	CHECK(((descriptor >> 6) & 1) == 0);
	CHECK(uxn(descriptor));
}


/* --- building ------------------------------------------------------------ */

struct region_spec {
	uint64_t	kernel;
	uint64_t	physical;
	uint64_t	size;
	uint32_t	protection;
};

static const struct region_spec kRegions[] = {
	{ KERNEL_LOAD_BASE, 0x42000000, 3 * PAGE, REGION_READ | REGION_EXECUTE },
	{ KERNEL_LOAD_BASE + 0x10000, 0x42100000, 2 * PAGE, REGION_READ },
	{ KERNEL_LOAD_BASE + 0x20000, 0x42200000, 5 * PAGE, REGION_READ | REGION_WRITE },
	{ KERNEL_DATA_BASE + 0x100000, 0x43000000, PAGE, REGION_READ | REGION_WRITE },
};
#define REGION_COUNT	(sizeof(kRegions) / sizeof(kRegions[0]))

/*
 * A QEMU virt-like machine: the UART as MMIO among holes in the first GiB,
 * a GiB of RAM, then a GiB whose first MiBs mix RAM, a framebuffer and a
 * reserved page, and nothing after.
 */
static const memory_map_entry kMap[] = {
	{ 0x09000000, PAGE, KERNEL_MEMORY_MMIO, 0 },
	{ 0x40000000, 0x20000000, KERNEL_MEMORY_USABLE, 0 },
	{ 0x60000000, 0x20000000, KERNEL_MEMORY_LOADER_RECLAIMABLE, 0 },
	{ 0x80000000, BLOCK, KERNEL_MEMORY_USABLE, 0 },
	{ 0x80200000, BLOCK, KERNEL_MEMORY_FRAMEBUFFER, 0 },
	{ 0x80400000, PAGE, KERNEL_MEMORY_RESERVED, 0 },
	{ 0x80401000, PAGE, KERNEL_MEMORY_MMIO, 0 },
};
#define MAP_COUNT	(sizeof(kMap) / sizeof(kMap[0]))


static status_t
build_with_limit(uint32_t limit)
{
	memset(&sKernelArgs, 0, sizeof(sKernelArgs));
	memset(sTableUsed, 0, sizeof(sTableUsed));
	sAllocated = sFreed = 0;
	sAllocationLimit = limit;
	memcpy(sKernelArgs.memory_map, kMap, sizeof(kMap));
	sKernelArgs.num_memory_map_entries = MAP_COUNT;
	sRegionCount = REGION_COUNT;
	for (size_t i = 0; i < REGION_COUNT; i++) {
		sRegions[i] = (struct kernel_region){
			.kernel_address = kRegions[i].kernel,
			.physical_address = kRegions[i].physical,
			.size = kRegions[i].size,
			.protection = kRegions[i].protection,
		};
	}
	return arch_mmu_build(&sKernelArgs, MAP_SIZE, &kSource);
}


static void
build(void)
{
	CHECK_EQ(build_with_limit(TABLE_PAGES), B_OK);
}


static void
release(void)
{
	arch_mmu_release(&kSource);
	CHECK_EQ(sFreed, sAllocated);
}


/* The physical map's leaf for physical: its size, memory type and executability. */
static void
expect_physical(uint64_t base, uint64_t physical, uint64_t size, unsigned index,
	bool executable)
{
	struct leaf leaf = walk(base + physical);
	if (!leaf.valid || leaf.size != size || attr_index(leaf.descriptor) != index
			|| pxn(leaf.descriptor) == executable) {
		printf("%#llx: valid %d size %#llx descriptor %#llx\n",
			(unsigned long long)(base + physical), leaf.valid,
			(unsigned long long)leaf.size, (unsigned long long)leaf.descriptor);
	}
	CHECK(leaf.valid);
	CHECK_EQ(leaf.physical, physical);
	CHECK_EQ(leaf.size, size);
	CHECK_EQ(attr_index(leaf.descriptor), index);
	CHECK_EQ(pxn(leaf.descriptor), !executable);
	CHECK(!read_only(leaf.descriptor));
	expect_common(leaf.descriptor);
}


/* --- the tests ------------------------------------------------------------- */

TEST(arm64_segments_are_w_xor_x_pages)
{
	build();
	for (size_t i = 0; i < REGION_COUNT; i++) {
		const struct region_spec *region = &kRegions[i];
		for (uint64_t offset = 0; offset < region->size; offset += PAGE) {
			struct leaf leaf = walk(region->kernel + offset);
			CHECK(leaf.valid);
			CHECK_EQ(leaf.size, PAGE);
			CHECK_EQ(leaf.physical, region->physical + offset);
			CHECK_EQ(attr_index(leaf.descriptor), ARM64_MAIR_INDEX_NORMAL);
			CHECK_EQ(read_only(leaf.descriptor),
				(region->protection & REGION_WRITE) == 0);
			CHECK_EQ(pxn(leaf.descriptor), (region->protection & REGION_EXECUTE) == 0);
			CHECK(((leaf.descriptor >> 11) & 1) == 0);
			expect_common(leaf.descriptor);
		}
		/* Nothing around a region: the page after it is its guard. */
		CHECK(!walk(region->kernel + region->size).valid);
	}
	release();
}


TEST(arm64_physical_map_types_blocks_from_the_memory_map)
{
	build();
	const uint64_t kBase = KERNEL_PHYSICAL_MAP_BASE;
	/* MMIO and holes are one class: the first GiB is one Device block. */
	expect_physical(kBase, 0, GIB, ARM64_MAIR_INDEX_DEVICE_nGnRE, false);
	expect_physical(kBase, 0x09000000, GIB, ARM64_MAIR_INDEX_DEVICE_nGnRE, false);
	/* RAM of two types is one class too. */
	expect_physical(kBase, 0x40000000, GIB, ARM64_MAIR_INDEX_NORMAL, false);
	expect_physical(kBase, 0x7fffffff, GIB, ARM64_MAIR_INDEX_NORMAL, false);
	/* The mixed GiB: 2 MiB blocks where a block has one class, pages elsewhere. */
	expect_physical(kBase, 0x80000000, BLOCK, ARM64_MAIR_INDEX_NORMAL, false);
	expect_physical(kBase, 0x80200000, BLOCK, ARM64_MAIR_INDEX_NORMAL_NC, false);
	expect_physical(kBase, 0x80400000, PAGE, ARM64_MAIR_INDEX_NORMAL, false);
	expect_physical(kBase, 0x80401000, PAGE, ARM64_MAIR_INDEX_DEVICE_nGnRE, false);
	expect_physical(kBase, 0x805ff000, PAGE, ARM64_MAIR_INDEX_DEVICE_nGnRE, false);
	expect_physical(kBase, 0x80600000, BLOCK, ARM64_MAIR_INDEX_DEVICE_nGnRE, false);
	expect_physical(kBase, 0xbfe00000, BLOCK, ARM64_MAIR_INDEX_DEVICE_nGnRE, false);
	expect_physical(kBase, 0xc0000000, GIB, ARM64_MAIR_INDEX_DEVICE_nGnRE, false);
	CHECK(!walk(kBase + MAP_SIZE).valid);
	release();
}


TEST(arm64_identity_map_runs_ram_only)
{
	build();
	CHECK_EQ(sKernelArgs.arch_args.identity_map_size, MAP_SIZE);
	expect_physical(0, 0x09000000, GIB, ARM64_MAIR_INDEX_DEVICE_nGnRE, false);
	expect_physical(0, 0x40000000, GIB, ARM64_MAIR_INDEX_NORMAL, true);
	expect_physical(0, 0x80000000, BLOCK, ARM64_MAIR_INDEX_NORMAL, true);
	expect_physical(0, 0x80200000, BLOCK, ARM64_MAIR_INDEX_NORMAL_NC, false);
	expect_physical(0, 0x80401000, PAGE, ARM64_MAIR_INDEX_DEVICE_nGnRE, false);
	CHECK(!walk(MAP_SIZE).valid);
	release();
}


TEST(arm64_arch_args_name_the_tables)
{
	build();
	CHECK(sKernelArgs.arch_args.ttbr0 != 0);
	CHECK(sKernelArgs.arch_args.ttbr1 != 0);
	CHECK(sKernelArgs.arch_args.ttbr0 != sKernelArgs.arch_args.ttbr1);
	CHECK_EQ(sKernelArgs.arch_args.mair, ARM64_MAIR_VALUE);
	CHECK_EQ(sKernelArgs.arch_args.tcr, arm64_tcr_value(0x5));
	/* Every table page is memory the kernel must keep. */
	CHECK_EQ(sKernelArgs.num_physical_allocated_ranges, sAllocated);
	release();
}


TEST(arm64_allow_execute_splits_a_gib_block_and_changes_one_2mib_block)
{
	build();
	const uint64_t kCode = KERNEL_PHYSICAL_MAP_BASE + 0x40201000;
	CHECK_EQ(arch_mmu_allow_execute(kCode, PAGE, &kSource), B_OK);
	expect_physical(KERNEL_PHYSICAL_MAP_BASE, 0x40200000, BLOCK, ARM64_MAIR_INDEX_NORMAL,
		true);
	expect_physical(KERNEL_PHYSICAL_MAP_BASE, 0x40000000, BLOCK, ARM64_MAIR_INDEX_NORMAL,
		false);
	expect_physical(KERNEL_PHYSICAL_MAP_BASE, 0x40400000, BLOCK, ARM64_MAIR_INDEX_NORMAL,
		false);
	expect_physical(KERNEL_PHYSICAL_MAP_BASE, 0x7fe00000, BLOCK, ARM64_MAIR_INDEX_NORMAL,
		false);
	release();
}


TEST(arm64_a_page_inside_a_block_is_refused)
{
	/* Maps that overlap: the block is no table to put the page in. */
	build();
	CHECK_EQ(page_tree_set(&sTree, sRoot[ROOT_KERNEL], KERNEL_PHYSICAL_MAP_BASE + 0x40201000,
		PAGE_TREE_LEAF, 0x1000 | ARM64_PTE_VALID | ARM64_PTE_PAGE), B_BAD_VALUE);
	expect_physical(KERNEL_PHYSICAL_MAP_BASE, 0x40000000, GIB, ARM64_MAIR_INDEX_NORMAL,
		false);
	release();
}


TEST(arm64_allow_execute_never_makes_devices_executable)
{
	build();
	CHECK_EQ(arch_mmu_allow_execute(KERNEL_PHYSICAL_MAP_BASE + 0x80400000, 2 * PAGE,
		&kSource), B_OK);
	expect_physical(KERNEL_PHYSICAL_MAP_BASE, 0x80400000, PAGE, ARM64_MAIR_INDEX_NORMAL,
		true);
	expect_physical(KERNEL_PHYSICAL_MAP_BASE, 0x80401000, PAGE,
		ARM64_MAIR_INDEX_DEVICE_nGnRE, false);
	CHECK_EQ(arch_mmu_allow_execute(KERNEL_PHYSICAL_MAP_BASE + MAP_SIZE, PAGE, &kSource),
		B_BAD_ADDRESS);
	release();
}


TEST(arm64_translate_agrees_with_the_walk)
{
	build();
	const uint64_t kAddresses[] = {
		KERNEL_LOAD_BASE + 0x1234, KERNEL_LOAD_BASE + 0x20000 + 4 * PAGE + 8,
		KERNEL_DATA_BASE + 0x100000, KERNEL_PHYSICAL_MAP_BASE + 0x40001234,
		KERNEL_PHYSICAL_MAP_BASE + 0x80401008, 0x80200010,
	};
	for (size_t i = 0; i < sizeof(kAddresses) / sizeof(kAddresses[0]); i++) {
		uint64_t physical;
		CHECK(arch_mmu_translate(&sKernelArgs, kAddresses[i], &kSource, &physical));
		CHECK_EQ(physical, walk(kAddresses[i]).physical);
	}
	uint64_t physical;
	CHECK(!arch_mmu_translate(&sKernelArgs, KERNEL_LOAD_BASE + 0x3000, &kSource, &physical));
	CHECK(!arch_mmu_translate(&sKernelArgs, MAP_SIZE, &kSource, &physical));
	/* Not canonical for 48 bits: no table covers it. */
	CHECK(!arch_mmu_translate(&sKernelArgs, 0x0001000000000000ULL, &kSource, &physical));
	release();
}


TEST(arm64_out_of_table_pages_fails_and_releases_cleanly)
{
	for (uint32_t limit = 0; limit < 12; limit++) {
		CHECK_EQ(build_with_limit(limit), B_NO_MEMORY);
		release();
		CHECK_EQ(sAllocated, sFreed);
	}
}


TEST(arm64_a_physical_map_beyond_the_address_space_is_refused)
{
	memset(&sKernelArgs, 0, sizeof(sKernelArgs));
	sAllocated = sFreed = 0;
	sAllocationLimit = TABLE_PAGES;
	CHECK_EQ(arch_mmu_build(&sKernelArgs, 1ULL << 48, &kSource), B_BAD_VALUE);
	CHECK_EQ(sAllocated, 0);
	release();
}
