/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the x86_64 page tables the loader builds
 * (src/system/boot/arch/x86_64/paging.c): tables built in a fake physical
 * memory for CPUs with and without NX and 1 GiB pages, then walked by this
 * file's own four-level walk and compared, page by page, with what was asked.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch_x86.h>
#include <boot/arch_mmu.h>
#include <boot/handoff.h>
#include <boot/kernel_regions.h>
#include <boot/platform.h>

#include "../../src/system/boot/arch/x86_64/x86_paging.h"
#include "unit_test.h"


#define PAGE				KERNEL_PAGE_SIZE
#define LARGE				(2ULL << 20)
#define HUGE				(1ULL << 30)
/* Where the fake memory's table pages start, and how many there are. */
#define TABLE_BASE			0x100000ULL
#define TABLE_PAGES			1024
#define MAP_SIZE			(4 * HUGE)

#define PTE_PRESENT			(1ULL << 0)
#define PTE_WRITABLE		(1ULL << 1)
#define PTE_LARGE			(1ULL << 7)
#define PTE_NO_EXECUTE		(1ULL << 63)
#define PTE_ADDRESS			0x000ffffffffff000ULL

/* Table pages: physical TABLE_BASE + index * PAGE. */
static uint8_t sTables[TABLE_PAGES][PAGE] __attribute__((aligned(4096)));
static bool sTableUsed[TABLE_PAGES];
static uint32_t sAllocated;
static uint32_t sFreed;
static uint32_t sFeatures;
static kernel_args sArgs;
static uint8_t sGdt[64];


/* --- what paging.c needs from the rest of the loader ------------------- */

uint32_t
x86_paging_features(void)
{
	return sFeatures;
}


void *
kernel_args_malloc(size_t size)
{
	return size <= sizeof(sGdt) ? sGdt : NULL;
}


uint64_t
platform_loader_to_kernel(const void *address)
{
	return address == sGdt ? KERNEL_DATA_BASE : 0;
}


static status_t
fake_allocate(void *cookie, uint64_t *_physical, void **_loader)
{
	for (uint32_t i = 0; i < TABLE_PAGES; i++) {
		if (!sTableUsed[i]) {
			sTableUsed[i] = true;
			memset(sTables[i], 0, PAGE);
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

struct mapping {
	bool		present;
	uint64_t	physical;
	uint64_t	page_size;
	bool		writable;
	bool		executable;
};


static struct mapping
walk(uint64_t address)
{
	struct mapping result = { .writable = true, .executable = true };
	uint64_t table = sArgs.arch_args.page_directory_physical;
	for (int shift = 39; shift >= 12; shift -= 9) {
		const uint64_t *entries = fake_to_loader(NULL, table);
		CHECK(entries != NULL);
		uint64_t entry = entries[(address >> shift) & 511];
		if ((entry & PTE_PRESENT) == 0)
			return result;
		result.writable &= (entry & PTE_WRITABLE) != 0;
		result.executable &= (entry & PTE_NO_EXECUTE) == 0;
		if (shift == 12 || ((shift == 21 || shift == 30) && (entry & PTE_LARGE) != 0)) {
			uint64_t size = 1ULL << shift;
			result.present = true;
			result.page_size = size;
			result.physical = (entry & PTE_ADDRESS & ~(size - 1)) | (address & (size - 1));
			return result;
		}
		table = entry & PTE_ADDRESS;
	}
	return result;
}


/* --- building ------------------------------------------------------------ */

struct region_spec {
	uint64_t	kernel;
	uint64_t	physical;
	uint64_t	size;
	uint32_t	protection;
};

static const struct region_spec kRegions[] = {
	{ KERNEL_LOAD_BASE, 0x2000000, 3 * PAGE, REGION_READ | REGION_EXECUTE },
	{ KERNEL_LOAD_BASE + 0x10000, 0x2100000, 2 * PAGE, REGION_READ },
	{ KERNEL_LOAD_BASE + 0x20000, 0x2200000, 5 * PAGE, REGION_READ | REGION_WRITE },
	{ KERNEL_DATA_BASE + 0x100000, 0x3000000, PAGE, REGION_READ | REGION_WRITE },
};
#define REGION_COUNT	(sizeof(kRegions) / sizeof(kRegions[0]))


static void
build(uint32_t features)
{
	memset(&sArgs, 0, sizeof(sArgs));
	memset(sTableUsed, 0, sizeof(sTableUsed));
	sAllocated = sFreed = 0;
	sFeatures = features;
	kernel_regions_reset();
	for (size_t i = 0; i < REGION_COUNT; i++) {
		struct kernel_region region = {
			.kernel_address = kRegions[i].kernel,
			.physical_address = kRegions[i].physical,
			.size = kRegions[i].size,
			.protection = kRegions[i].protection,
		};
		kernel_regions_add(&region);
	}
	CHECK_EQ(arch_mmu_build(&sArgs, MAP_SIZE, &kSource), B_OK);
}


static void
release(void)
{
	arch_mmu_release(&kSource);
	CHECK_EQ(sFreed, sAllocated);
	kernel_regions_thaw();
}


static void
expect(uint64_t address, uint64_t physical, uint64_t pageSize, bool writable,
	bool executable)
{
	struct mapping mapping = walk(address);
	if (!mapping.present || mapping.physical != physical || mapping.page_size != pageSize
			|| mapping.writable != writable || mapping.executable != executable) {
		printf("%#llx: present %d physical %#llx size %#llx writable %d executable %d\n",
			(unsigned long long)address, mapping.present,
			(unsigned long long)mapping.physical, (unsigned long long)mapping.page_size,
			mapping.writable, mapping.executable);
	}
	CHECK(mapping.present);
	CHECK_EQ(mapping.physical, physical);
	CHECK_EQ(mapping.page_size, pageSize);
	CHECK_EQ(mapping.writable, writable);
	CHECK_EQ(mapping.executable, executable);
}


static void
expect_regions(bool noExecute)
{
	for (size_t i = 0; i < REGION_COUNT; i++) {
		const struct region_spec *region = &kRegions[i];
		bool writable = (region->protection & REGION_WRITE) != 0;
		bool executable = !noExecute || (region->protection & REGION_EXECUTE) != 0;
		for (uint64_t offset = 0; offset < region->size; offset += PAGE) {
			expect(region->kernel + offset, region->physical + offset, PAGE, writable,
				executable);
		}
		/* Nothing around a region: the page after it is its guard. */
		CHECK(!walk(region->kernel + region->size).present);
	}
}


/* Every large page of both linear maps, and both ends of the map. */
static void
expect_linear_maps(uint64_t pageSize, bool noExecute)
{
	for (uint64_t offset = 0; offset < MAP_SIZE; offset += pageSize) {
		expect(KERNEL_PHYSICAL_MAP_BASE + offset, offset, pageSize, true, !noExecute);
		expect(offset, offset, pageSize, true, true);
	}
	expect(KERNEL_PHYSICAL_MAP_BASE + MAP_SIZE - 1, MAP_SIZE - 1, pageSize, true, !noExecute);
	CHECK(!walk(KERNEL_PHYSICAL_MAP_BASE + MAP_SIZE).present);
	CHECK(!walk(MAP_SIZE).present);
}


/* --- the tests ------------------------------------------------------------- */

TEST(tables_map_everything_asked_with_1gib_pages_and_nx)
{
	build(X86_CPUID_NO_EXECUTE | X86_CPUID_1GB_PAGES);
	CHECK(arch_mmu_has_no_execute());
	CHECK(arch_mmu_has_huge_pages());
	CHECK_EQ(sArgs.arch_args.identity_map_size, MAP_SIZE);
	expect_regions(true);
	expect_linear_maps(HUGE, true);
	release();
}


TEST(tables_map_everything_asked_with_2mib_pages_without_nx)
{
	build(0);
	CHECK(!arch_mmu_has_no_execute());
	CHECK(!arch_mmu_has_huge_pages());
	expect_regions(false);
	expect_linear_maps(LARGE, false);
	release();
}


TEST(tables_are_recorded_as_allocated_memory)
{
	build(X86_CPUID_NO_EXECUTE);
	uint64_t total = 0;
	for (uint32_t i = 0; i < sArgs.num_physical_allocated_ranges; i++) {
		const addr_range *range = &sArgs.physical_allocated_range[i];
		CHECK(range->start >= TABLE_BASE);
		CHECK(range->start + range->size <= TABLE_BASE + TABLE_PAGES * PAGE);
		total += range->size;
	}
	CHECK_EQ(total, (uint64_t)sAllocated * PAGE);
	release();
}


TEST(allow_execute_splits_a_1gib_page_and_changes_only_its_2mib_page)
{
	build(X86_CPUID_NO_EXECUTE | X86_CPUID_1GB_PAGES);
	const uint64_t kCode = HUGE + 5 * LARGE + 3 * PAGE;
	uint64_t address = KERNEL_PHYSICAL_MAP_BASE + kCode;
	CHECK_EQ(arch_mmu_allow_execute(address, PAGE, &kSource), B_OK);

	/* The gigabyte is in 2 MiB pages now, and only the one with the code runs. */
	uint64_t gigabyte = KERNEL_PHYSICAL_MAP_BASE + HUGE;
	for (uint64_t offset = 0; offset < HUGE; offset += LARGE) {
		bool code = offset == 5 * LARGE;
		expect(gigabyte + offset, HUGE + offset, LARGE, true, code);
	}
	expect(address, kCode, LARGE, true, true);
	/* The other gigabytes, the identity map and the regions stay as they were. */
	expect(KERNEL_PHYSICAL_MAP_BASE, 0, HUGE, true, false);
	expect(KERNEL_PHYSICAL_MAP_BASE + 2 * HUGE, 2 * HUGE, HUGE, true, false);
	expect(HUGE + 5 * LARGE, HUGE + 5 * LARGE, HUGE, true, true);
	expect_regions(true);
	release();
}


TEST(allow_execute_across_a_2mib_boundary_changes_both_pages)
{
	build(X86_CPUID_NO_EXECUTE);
	uint64_t address = KERNEL_PHYSICAL_MAP_BASE + 3 * LARGE - PAGE;
	CHECK_EQ(arch_mmu_allow_execute(address, 2 * PAGE, &kSource), B_OK);
	expect(KERNEL_PHYSICAL_MAP_BASE + LARGE, LARGE, LARGE, true, false);
	expect(address, 3 * LARGE - PAGE, LARGE, true, true);
	expect(address + PAGE, 3 * LARGE, LARGE, true, true);
	expect(KERNEL_PHYSICAL_MAP_BASE + 4 * LARGE, 4 * LARGE, LARGE, true, false);
	release();
}


TEST(allow_execute_refuses_what_is_not_mapped)
{
	build(X86_CPUID_NO_EXECUTE | X86_CPUID_1GB_PAGES);
	CHECK_EQ(arch_mmu_allow_execute(KERNEL_PHYSICAL_MAP_BASE + MAP_SIZE, PAGE, &kSource),
		B_BAD_ADDRESS);
	release();
}


TEST(translate_agrees_with_the_walk)
{
	build(X86_CPUID_NO_EXECUTE | X86_CPUID_1GB_PAGES);
	const uint64_t kAddresses[] = { KERNEL_LOAD_BASE + PAGE + 17,
		KERNEL_DATA_BASE + 0x100000, KERNEL_PHYSICAL_MAP_BASE + HUGE + 12345, 42 };
	for (size_t i = 0; i < sizeof(kAddresses) / sizeof(kAddresses[0]); i++) {
		uint64_t physical;
		CHECK(arch_mmu_translate(&sArgs, kAddresses[i], &kSource, &physical));
		CHECK_EQ(physical, walk(kAddresses[i]).physical);
	}
	uint64_t physical;
	CHECK(!arch_mmu_translate(&sArgs, KERNEL_LOAD_BASE + 0x8000, &kSource, &physical));
	release();
}


TEST(out_of_table_pages_fails_and_releases_cleanly)
{
	memset(&sArgs, 0, sizeof(sArgs));
	memset(sTableUsed, 0, sizeof(sTableUsed));
	sAllocated = sFreed = 0;
	sFeatures = 0;
	kernel_regions_reset();
	/* 2 MiB pages for 4 GiB need 8 page directories and more: leave 4 pages. */
	for (uint32_t i = 4; i < TABLE_PAGES; i++)
		sTableUsed[i] = true;
	CHECK_EQ(arch_mmu_build(&sArgs, MAP_SIZE, &kSource), B_NO_MEMORY);
	arch_mmu_release(&kSource);
	CHECK_EQ(sFreed, sAllocated);
	kernel_regions_thaw();
}
