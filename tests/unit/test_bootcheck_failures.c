/* SPDX-License-Identifier: MIT */
/*
 * Unit tests that make each boot check no other test had seen fail fail on
 * its own: the fixture of test_bootcheck.c, run as the kernel would (with
 * CPU state and image), with one thing wrong, must fail that check first
 * and for its own reason, not trip a check before or after it.
 */
#include <stdio.h>
#include <string.h>

#include "test_bootcheck.h"

#include "unit_test.h"


static struct bootcheck_cpu_state sCpu;
static struct bootcheck_image sImage;


/* The fixture as the boot-check kernel sees it: every check runs, and all pass. */
static kernel_args *
build_for_kernel(void)
{
	kernel_args *args = bootcheck_fixture_build();
	sCpu = bootcheck_fixture_cpu();
	sImage = bootcheck_fixture_image();
	struct bootcheck_environment *environment = bootcheck_fixture_environment();
	environment->cpu = &sCpu;
	environment->image = &sImage;
	return args;
}


TEST(the_kernel_fixture_passes)
{
	build_for_kernel();
	CHECK(bootcheck_fixture_run());
	EXPECT_CHECK("self", "ok");
	EXPECT_CHECK("boot_cpu", "ok");
	EXPECT_CHECK("cr3", "ok");
	EXPECT_CHECK("gdtr", "ok");
	EXPECT_CHECK("kernel_linked", "ok");
}


/* A newer version only appends: only an older one is refused. */
TEST(version_fails_on_an_older_version)
{
	kernel_args *args = build_for_kernel();
	args->version = KERNEL_ARGS_VERSION - 1;
	char reason[80];
	snprintf(reason, sizeof(reason), "version %u is older than the %u this kernel needs",
		KERNEL_ARGS_VERSION - 1, KERNEL_ARGS_VERSION);
	EXPECT_FAILURE(bootcheck_fixture_run(), "version", reason);
}


/* Fields are only appended: smaller than the kernel knows is an older loader. */
TEST(args_size_fails_when_smaller_than_the_kernel_knows)
{
	kernel_args *args = build_for_kernel();
	args->kernel_args_size = sizeof(kernel_args) - 8;
	char reason[64];
	snprintf(reason, sizeof(reason), "kernel_args_size %zu is smaller than the %zu bytes",
		sizeof(kernel_args) - 8, sizeof(kernel_args));
	EXPECT_FAILURE(bootcheck_fixture_run(), "args_size", reason);
}


TEST(boot_cpu_fails_when_entered_on_another_cpu)
{
	build_for_kernel();
	bootcheck_fixture_environment()->received_cpu = 1;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_cpu", "entered with CPU number 1, expected 0");
}


/* The start alone is mapped: the check must look at the whole structure. */
TEST(args_mapped_fails_when_kernel_args_runs_past_its_range)
{
	kernel_args *args = build_for_kernel();
	uint64_t rangeEnd = KERNEL_DATA_BASE + (ARGS_PAGES + 1) * PAGE;
	args->self = rangeEnd - 64;
	bootcheck_fixture_environment()->received_args = args->self;
	char reason[96];
	snprintf(reason, sizeof(reason), "kernel_args %#llx-%#llx not inside a virtual allocated",
		(ull)(rangeEnd - 64), (ull)(rangeEnd - 64 + sizeof(kernel_args)));
	EXPECT_FAILURE(bootcheck_fixture_run(), "args_mapped", reason);
}


TEST(kernel_sections_fail_outside_the_virtual_ranges)
{
	build_for_kernel();
	sImage.bss_end = KERNEL_LOAD_BASE + 4 * PAGE;
	EXPECT_FAILURE(bootcheck_fixture_run(), "kernel_sections",
		"bss 0xffffffff80002100-0xffffffff80004000 not inside a virtual allocated range");

	build_for_kernel();
	sImage.rodata_end = sImage.rodata_start - 1;
	EXPECT_FAILURE(bootcheck_fixture_run(), "kernel_sections",
		"rodata ends 0xffffffff80000fff before it starts 0xffffffff80001000");
}


TEST(kernel_image_fails_with_the_entry_outside_executable_segments)
{
	kernel_args *args = build_for_kernel();
	/* kernel_linked would object too, but kernel_image runs first. */
	args->kernel.entry = KERNEL_LOAD_BASE + PAGE + 0x10;
	EXPECT_FAILURE(bootcheck_fixture_run(), "kernel_image",
		"entry 0xffffffff80001010 is in no executable segment");

	args = build_for_kernel();
	args->kernel.elf_machine = 3;
	EXPECT_FAILURE(bootcheck_fixture_run(), "kernel_image", "elf_type 2 machine 3, expected");

	args = build_for_kernel();
	args->kernel.name[0] = '\0';
	EXPECT_FAILURE(bootcheck_fixture_run(), "kernel_image", "name is empty");
}


TEST(kernel_linked_fails_when_args_describe_another_kernel)
{
	build_for_kernel();
	/* A valid entry in text, just not where this kernel's _start is. */
	sImage.entry = KERNEL_LOAD_BASE + 0x20;
	EXPECT_FAILURE(bootcheck_fixture_run(), "kernel_linked",
		"entry 0xffffffff80000010, but _start is at 0xffffffff80000020");

	build_for_kernel();
	sImage.text_start = KERNEL_LOAD_BASE - PAGE;
	CHECK(!bootcheck_fixture_run());
	EXPECT_CHECK("kernel_linked", "FAIL (image 0xffffffff80000000-0xffffffff80003000 does"
		" not cover the kernel 0xffffffff7ffff000-0xffffffff80003000)");
}


TEST(segment_flags_fail_when_rodata_is_writable)
{
	kernel_args *args = build_for_kernel();
	/* Read-write is a valid segment for kernel_segments; it is not what was linked. */
	args->kernel.segments[1].flags = KERNEL_SEGMENT_READ | KERNEL_SEGMENT_WRITE;
	char reason[96];
	snprintf(reason, sizeof(reason),
		"rodata at 0xffffffff80001000 is in a segment with flags %#x, expected %#x",
		KERNEL_SEGMENT_READ | KERNEL_SEGMENT_WRITE, KERNEL_SEGMENT_READ);
	EXPECT_FAILURE(bootcheck_fixture_run(), "segment_flags", reason);
}


TEST(segments_physical_fail_outside_allocated_or_shared)
{
	kernel_args *args = build_for_kernel();
	args->kernel.segments[2].physical_address = SPARE_PHYSICAL;
	EXPECT_FAILURE(bootcheck_fixture_run(), "segments_physical",
		"[2] phys 0x20000-0x21000 not inside a physical allocated range");

	args = build_for_kernel();
	args->kernel.segments[1].physical_address = args->kernel.segments[0].physical_address;
	EXPECT_FAILURE(bootcheck_fixture_run(), "segments_physical",
		"[0] and [1] share physical memory");
}


/* Neighbours that touch are one range the loader failed to merge. */
TEST(range_arrays_fail_on_touching_entries)
{
	kernel_args *args = build_for_kernel();
	args->physical_memory_range[0].size = 0x100000;
	EXPECT_FAILURE(bootcheck_fixture_run(), "physical_memory_ranges",
		"[1] 0x100000 touches [0] (not merged)");

	args = build_for_kernel();
	args->physical_allocated_range[1] = (addr_range){ ALLOCATED_END, PAGE };
	args->num_physical_allocated_ranges = 2;
	char reason[64];
	snprintf(reason, sizeof(reason), "[1] %#llx touches [0] (not merged)",
		(unsigned long long)ALLOCATED_END);
	EXPECT_FAILURE(bootcheck_fixture_run(), "physical_allocated_ranges", reason);
}


TEST(range_arrays_fail_on_a_range_that_wraps_past_the_top)
{
	kernel_args *args = build_for_kernel();
	uint32_t last = args->num_virtual_allocated_ranges;
	args->virtual_allocated_range[last] = (addr_range){ 0xfffffffffffff000ULL, 2 * PAGE };
	args->num_virtual_allocated_ranges = last + 1;
	char reason[64];
	snprintf(reason, sizeof(reason), "[%u] 0xfffffffffffff000 size 0x2000 wraps around",
		last);
	EXPECT_FAILURE(bootcheck_fixture_run(), "virtual_allocated_ranges", reason);
}


/* The flags alone say it: no linked image is needed to see W and X together. */
TEST(kernel_segments_fail_on_a_writable_and_executable_segment)
{
	kernel_args *args = build_for_kernel();
	args->kernel.segments[0].flags |= KERNEL_SEGMENT_WRITE;
	EXPECT_FAILURE(bootcheck_fixture_run(), "kernel_segments",
		"[0] 0xffffffff80000000 is writable and executable");
}


/* Identical tables elsewhere still mean the CPU does not run on the loader's. */
TEST(cr3_fails_when_the_cpu_runs_on_other_tables)
{
	build_for_kernel();
	memcpy(bootcheck_fixture_physical(SPARE_PHYSICAL), bootcheck_fixture_physical(PML4), PAGE);
	sCpu.cr3 = SPARE_PHYSICAL;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cr3", "CR3 0x20000, page_directory_physical 0x1000");

	/* The cache control bits are the CPU's business. */
	build_for_kernel();
	sCpu.cr3 = PML4 | 0x18;
	CHECK(bootcheck_fixture_run());
}


TEST(gdtr_fails_when_the_cpu_runs_on_another_gdt)
{
	build_for_kernel();
	sCpu.gdt_limit = 0xf;
	EXPECT_FAILURE(bootcheck_fixture_run(), "gdtr",
		"GDTR 0xffffffffc0008c00 limit 0xf, arch_args 0xffffffffc0008c00 limit 0x17");

	build_for_kernel();
	sCpu.gdt_base = GDT_VIRTUAL + 0x100;
	EXPECT_FAILURE(bootcheck_fixture_run(), "gdtr",
		"GDTR 0xffffffffc0008d00 limit 0x17, arch_args 0xffffffffc0008c00");
}
