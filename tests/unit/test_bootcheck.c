/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the boot checker (src/system/kernel): a consistent
 * kernel_args with real x86_64 page tables in a fake physical memory passes,
 * and each single fault fails the check that is about it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "test_bootcheck.h"

#include <boot/elf_types.h>

#include "unit_test.h"


#define MAX_REGIONS			8

_Static_assert(sizeof(kernel_args) <= ARGS_PAGES * PAGE, "kernel_args outgrew the fixture");
#define OUTPUT_SIZE			65536

static const char kLog[] = "efi: first\nboot: generic loader started\nboot: third\n"
	"boot: fourth\nboot: fifth\nboot: sixth\nboot: seventh\nboot: starting kernel\n";
static const char kLoaderName[] = "test loader";
static const char kCommandLine[] = "quiet debug=1";
#define TSC_FREQUENCY		2000000000ULL	/* 2 GHz: 2000 ticks per microsecond */
#define TSC_LAST_EVENT		4000000ULL

/* The steps of a boot through firmware, as the timeline must record them. */
static const struct {
	const char	*name;
	uint64_t	tsc;
	uint64_t	detail;
} kEvents[] = {
	{ "loader entry", 1000000, 0 },
	{ "console ready", 1200000, 0 },
	{ "heap ready", 1300000, 0 },
	{ "kernel loaded", 2000000, 0x5000 },
	{ "page tables built", 3000000, 0 },
	{ "ExitBootServices", 3900000, 0 },
	{ "kernel entry", TSC_LAST_EVENT, 0 },
};
#define EVENT_COUNT			(sizeof(kEvents) / sizeof(kEvents[0]))

/* How the fake read_virtual finds memory: independent of the page tables. */
struct fake_region {
	uint64_t	virtual_start;
	uint64_t	size;
	uint64_t	physical;
};

static uint8_t sMemory[MEMORY_SIZE] __attribute__((aligned(4096)));
static struct fake_region sRegions[MAX_REGIONS];
static int sRegionCount;
static uint64_t sVirtualReads;
static uint64_t sPhysicalReads;
static char sOutput[OUTPUT_SIZE];
static size_t sOutputLength;
static struct bootcheck_environment sEnvironment;


static bool
memory_copy(uint64_t physical, void *buffer, size_t size)
{
	if (physical > MEMORY_SIZE || size > MEMORY_SIZE - physical)
		return false;
	memcpy(buffer, sMemory + physical, size);
	return true;
}


static bool
fake_read_physical(void *cookie, uint64_t address, void *buffer, size_t size)
{
	sPhysicalReads++;
	return memory_copy(address, buffer, size);
}


static bool
fake_read_virtual(void *cookie, uint64_t address, void *buffer, size_t size)
{
	sVirtualReads++;
	for (int i = 0; i < sRegionCount; i++) {
		const struct fake_region *region = &sRegions[i];
		if (address < region->virtual_start
			|| address - region->virtual_start > region->size
			|| size > region->size - (address - region->virtual_start)) {
			continue;
		}
		return memory_copy(region->physical + (address - region->virtual_start), buffer,
			size);
	}
	return false;
}


static void
fake_output(const char *text, size_t length)
{
	if (length > sizeof(sOutput) - 1 - sOutputLength)
		length = sizeof(sOutput) - 1 - sOutputLength;
	memcpy(sOutput + sOutputLength, text, length);
	sOutputLength += length;
	sOutput[sOutputLength] = '\0';
}


static void
memory_write64(uint64_t physical, uint64_t value)
{
	memcpy(sMemory + physical, &value, sizeof(value));
}


static void
table_set(uint64_t table, unsigned index, uint64_t value)
{
	memory_write64(table + index * sizeof(uint64_t), value);
}


static kernel_args *
fake_args(void)
{
	return (kernel_args *)(sMemory + ARGS_PHYSICAL);
}


/* The CPU list (version 4): the boot CPU alone, after kernel_args in its pages. */
#define CPUS_OFFSET			0x7000ULL
_Static_assert(sizeof(kernel_args) <= CPUS_OFFSET, "kernel_args reaches the CPU list");

static void
build_cpus(kernel_args *args)
{
	kernel_cpu_entry *boot = (kernel_cpu_entry *)(sMemory + ARGS_PHYSICAL + CPUS_OFFSET);
	*boot = (kernel_cpu_entry){
		.hardware_id = args->boot_cpu_id,
		.stack = args->cpu_kernel_stack[0],
		.state = KERNEL_CPU_BOOT,
	};
	args->cpus = ARGS_VIRTUAL + CPUS_OFFSET;
	args->num_cpus = 1;
	args->cpu_entry_size = sizeof(kernel_cpu_entry);
}


static void
region_add(uint64_t virtualStart, uint64_t size, uint64_t physical)
{
	sRegions[sRegionCount++] = (struct fake_region){ virtualStart, size, physical };
}


static void
build_page_tables(void)
{
	table_set(PML4, 256, PDPT_PHYSMAP | PTE_PRESENT_WRITE);
	table_set(PML4, 511, PDPT_KERNEL | PTE_PRESENT_WRITE);
	table_set(PDPT_PHYSMAP, 0, PD_PHYSMAP | PTE_PRESENT_WRITE);
	for (unsigned i = 0; i < MEMORY_SIZE / LARGE_PAGE; i++)
		table_set(PD_PHYSMAP, i, i * LARGE_PAGE | PTE_LARGE | PTE_DATA);

	/* Text read-execute, rodata read-only, data read-write: as the ELF flags say. */
	table_set(PDPT_KERNEL, 510, PD_WINDOW | PTE_PRESENT_WRITE);
	table_set(PD_WINDOW, 0, PT_WINDOW | PTE_PRESENT_WRITE);
	table_set(PT_WINDOW, 0, SEGMENTS_PHYSICAL | PTE_PRESENT);
	table_set(PT_WINDOW, 1, (SEGMENTS_PHYSICAL + PAGE) | PTE_PRESENT | PTE_NO_EXECUTE);
	table_set(PT_WINDOW, 2, (SEGMENTS_PHYSICAL + 2 * PAGE) | PTE_DATA);

	/* The page between kernel_args and the stack is its guard: unmapped. */
	table_set(PDPT_KERNEL, 511, PD_DATA | PTE_PRESENT_WRITE);
	table_set(PD_DATA, 0, PT_DATA | PTE_PRESENT_WRITE);
	for (unsigned i = 0; i < ARGS_PAGES + 1; i++)
		table_set(PT_DATA, i, (ARGS_PHYSICAL + i * PAGE) | PTE_DATA);
	for (unsigned i = 0; i < 2; i++)
		table_set(PT_DATA, ARGS_PAGES + 2 + i, (STACK_PHYSICAL + i * PAGE) | PTE_DATA);
}


static void
build_kernel_image(kernel_image *kernel)
{
	snprintf(kernel->name, sizeof(kernel->name), "/boot/kernel");
	kernel->entry = KERNEL_LOAD_BASE + 0x10;
	kernel->image_start = KERNEL_LOAD_BASE;
	kernel->image_end = KERNEL_LOAD_BASE + 3 * PAGE;
	kernel->file_size = 0x5000;
	kernel->elf_type = 2;
	kernel->elf_machine = KERNEL_ARCH_ELF_MACHINE;
	kernel->program_header_count = 3;
	kernel->segment_count = 3;
	static const uint32_t kFlags[3] = {
		KERNEL_SEGMENT_READ | KERNEL_SEGMENT_EXECUTE,
		KERNEL_SEGMENT_READ,
		KERNEL_SEGMENT_READ | KERNEL_SEGMENT_WRITE,
	};
	for (unsigned i = 0; i < 3; i++) {
		kernel->segments[i].virtual_address = KERNEL_LOAD_BASE + i * PAGE;
		kernel->segments[i].physical_address = SEGMENTS_PHYSICAL + i * PAGE;
		kernel->segments[i].size = PAGE;
		kernel->segments[i].flags = kFlags[i];
	}
	for (uint64_t i = 0; i < 3 * PAGE; i++)
		sMemory[SEGMENTS_PHYSICAL + i] = (uint8_t)(i * 7 + 1);
}


/* The typed map of the fake memory: what a loader would make of a PC's firmware map. */
static const memory_map_entry kMemoryMap[] = {
	{ .start = 0, .size = PML4, .type = KERNEL_MEMORY_USABLE },
	{ .start = PML4, .size = SEGMENTS_PHYSICAL - PML4,
		.type = KERNEL_MEMORY_LOADER_RECLAIMABLE },
	{ .start = SEGMENTS_PHYSICAL, .size = 3 * PAGE, .type = KERNEL_MEMORY_KERNEL_AND_MODULES },
	{ .start = ARGS_PHYSICAL, .size = ALLOCATED_END - ARGS_PHYSICAL,
		.type = KERNEL_MEMORY_LOADER_RECLAIMABLE },
	{ .start = ALLOCATED_END, .size = 0xa0000 - ALLOCATED_END, .type = KERNEL_MEMORY_USABLE },
	{ .start = 0xa0000, .size = 0x60000, .type = KERNEL_MEMORY_RESERVED },
	{ .start = 0x100000, .size = MEMORY_SIZE - 0x100000, .type = KERNEL_MEMORY_USABLE },
	{ .start = 0xfec00000, .size = PAGE, .type = KERNEL_MEMORY_MMIO },
};
#define MEMORY_MAP_COUNT	(sizeof(kMemoryMap) / sizeof(kMemoryMap[0]))


/* A consistent kernel_args as a loader would hand it over, and the environment. */
static kernel_args *
build(void)
{
	memset(sMemory, 0, SPARE_PHYSICAL + PAGE);
	build_page_tables();

	kernel_args *args = fake_args();
	args->magic = KERNEL_ARGS_MAGIC;
	args->version = KERNEL_ARGS_VERSION;
	args->kernel_args_size = sizeof(kernel_args);
	args->self = ARGS_VIRTUAL;
	args->loader_name = NAME_VIRTUAL;
	args->cpu_count = 1;

	args->num_physical_memory_ranges = 2;
	args->physical_memory_range[0] = (addr_range){ 0, 0xa0000 };
	args->physical_memory_range[1] = (addr_range){ 0x100000, MEMORY_SIZE - 0x100000 };
	args->num_physical_allocated_ranges = 1;
	args->physical_allocated_range[0] = (addr_range){ PML4, ALLOCATED_END - PML4 };
	args->num_virtual_allocated_ranges = 4;
	args->virtual_allocated_range[0] = (addr_range){ KERNEL_PHYSICAL_MAP_BASE, MEMORY_SIZE };
	args->virtual_allocated_range[1] = (addr_range){ KERNEL_LOAD_BASE, 3 * PAGE };
	args->virtual_allocated_range[2] = (addr_range){ KERNEL_DATA_BASE,
		(ARGS_PAGES + 1) * PAGE };
	args->virtual_allocated_range[3] = (addr_range){ STACK_VIRTUAL, STACK_SIZE };
	args->num_memory_map_entries = MEMORY_MAP_COUNT;
	memcpy(args->memory_map, kMemoryMap, sizeof(kMemoryMap));

	build_kernel_image(&args->kernel);
	args->cpu_kernel_stack[0] = (addr_range){ STACK_VIRTUAL, STACK_SIZE };
	build_cpus(args);
	args->physical_map_base = KERNEL_PHYSICAL_MAP_BASE;
	args->physical_map_size = MEMORY_SIZE;
	args->log_address = LOG_VIRTUAL;
	args->log_size = sizeof(kLog) - 1;
	memcpy(sMemory + MISC_PHYSICAL, kLog, sizeof(kLog) - 1);
	memcpy(sMemory + MISC_PHYSICAL + 0x800, kLoaderName, sizeof(kLoaderName));
	memcpy(sMemory + MISC_PHYSICAL + 0xa00, kCommandLine, sizeof(kCommandLine));
	args->command_line = COMMAND_LINE_VIRTUAL;

	args->cycle_counter_frequency = TSC_FREQUENCY;
	args->num_boot_events = EVENT_COUNT;
	for (unsigned i = 0; i < EVENT_COUNT; i++) {
		snprintf(args->boot_events[i].name, sizeof(args->boot_events[i].name), "%s",
			kEvents[i].name);
		args->boot_events[i].cycles = kEvents[i].tsc;
		args->boot_events[i].detail = kEvents[i].detail;
	}

	args->arch_args.page_directory_physical = PML4;
	args->arch_args.gdt_address = GDT_VIRTUAL;
	args->arch_args.gdt_limit = 3 * 8 - 1;
	args->arch_args.kernel_code_selector = 0x08;
	args->arch_args.kernel_data_selector = 0x10;
	memory_write64(MISC_PHYSICAL + 0xc00 + 0x08, 0x00af9a000000ffffULL);
	memory_write64(MISC_PHYSICAL + 0xc00 + 0x10, 0x00cf92000000ffffULL);

	sRegionCount = 0;
	region_add(KERNEL_PHYSICAL_MAP_BASE, MEMORY_SIZE, 0);
	region_add(KERNEL_LOAD_BASE, 3 * PAGE, SEGMENTS_PHYSICAL);
	region_add(KERNEL_DATA_BASE, (ARGS_PAGES + 1) * PAGE, ARGS_PHYSICAL);
	region_add(STACK_VIRTUAL, STACK_SIZE, STACK_PHYSICAL);

	sEnvironment = (struct bootcheck_environment){
		.args = args,
		.received_args = ARGS_VIRTUAL,
		.received_cpu = 0,
		.initial_stack_pointer = STACK_VIRTUAL + STACK_SIZE - 8,
		.cpu = NULL,
		.image = NULL,
		.memory = { fake_read_virtual, fake_read_physical, NULL },
		.output = fake_output,
	};
	return args;
}


static bool
run(void)
{
	sOutputLength = 0;
	sOutput[0] = '\0';
	sVirtualReads = 0;
	sPhysicalReads = 0;
	return bootcheck_run(&sEnvironment);
}


/* The rest of the line of the report that starts with prefix, or NULL. */
static const char *
report_line(const char *prefix)
{
	size_t length = strlen(prefix);
	for (const char *line = sOutput; line != NULL && *line != '\0';) {
		if (strncmp(line, prefix, length) == 0)
			return line + length;
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return NULL;
}


static bool
line_contains(const char *line, const char *text)
{
	if (line == NULL)
		return false;
	const char *end = strchr(line, '\n');
	const char *found = strstr(line, text);
	return found != NULL && (end == NULL || found < end);
}


void
bootcheck_fixture_expect_line(const char *text, int line)
{
	const char *end = strchr(text, '\n');
	for (const char *start = sOutput; start != NULL && *start != '\0';) {
		const char *next = strchr(start, '\n');
		size_t length = next != NULL ? (size_t)(next - start) : strlen(start);
		if (end == NULL && length == strlen(text) && strncmp(start, text, length) == 0)
			return;
		start = next != NULL ? next + 1 : NULL;
	}
	printf("%s", sOutput);
	unit_fail(__FILE__, line, "the report has no line \"%s\"", text);
}


void
bootcheck_fixture_expect_check(const char *name, const char *status, int line)
{
	char prefix[80];
	snprintf(prefix, sizeof(prefix), "CHECK %s: ", name);
	const char *rest = report_line(prefix);
	if (rest == NULL || strncmp(rest, status, strlen(status)) != 0) {
		printf("%s", sOutput);
		unit_fail(__FILE__, line, "check %s is not \"%s\"", name, status);
	}
}


/* The verdict names this check first, and both lines carry the reason. */
void
bootcheck_fixture_expect_first_failure(bool passed, const char *name, const char *reason,
	int line)
{
	char prefix[80];
	snprintf(prefix, sizeof(prefix), "BOOTCHECK FAIL: %s: ", name);
	const char *verdict = report_line(prefix);
	snprintf(prefix, sizeof(prefix), "CHECK %s: FAIL (", name);
	const char *check = report_line(prefix);
	if (passed || !line_contains(verdict, reason) || !line_contains(check, reason)) {
		printf("%s", sOutput);
		unit_fail(__FILE__, line, "expected %s to fail first with \"%s\"", name, reason);
	}
}


/* The count line agrees with the CHECK lines above it. */
static void
expect_counts(unsigned expectedFailed, unsigned expectedSkipped)
{
	const char *counts = report_line("bootcheck: ");
	unsigned total, failed, skipped;
	CHECK(counts != NULL);
	CHECK(sscanf(counts, "%u checks, %u failed, %u skipped", &total, &failed,
		&skipped) == 3);

	unsigned lines = 0, failLines = 0, skipLines = 0;
	for (const char *line = strstr(sOutput, "\nCHECK "); line != NULL;
			line = strstr(line + 1, "\nCHECK ")) {
		lines++;
		failLines += line_contains(line + 1, ": FAIL (");
		skipLines += line_contains(line + 1, ": skipped (");
	}
	CHECK_EQ(lines, total);
	CHECK_EQ(failed, failLines);
	CHECK_EQ(skipped, skipLines);
	CHECK_EQ(failed, expectedFailed);
	CHECK_EQ(skipped, expectedSkipped);
}


static const char *const kKernelOnlyChecks[] = {
	"self", "boot_cpu", "kernel_sections", "kernel_contents", "kernel_linked",
	"segment_flags", "cr3", "gdtr", "code_selector", "boot_cpu_id", "cpu_protection",
	"large_pages",
};
#define KERNEL_ONLY_CHECKS	(sizeof(kKernelOnlyChecks) / sizeof(kKernelOnlyChecks[0]))

/*
 * Skipped because build() hands over no firmware tables (test_bootcheck_firmware.c does)
 * and no machine to release CPUs with.
 */
static const char *const kFirmwareChecks[] = {
	"acpi_rsdp", "acpi_tables", "cpus_firmware", "smbios", "framebuffer_pattern", "efi_tables",
	"efi_get_time", "tpm_event_log", "cpus_released",
};
#define FIRMWARE_CHECKS	(sizeof(kFirmwareChecks) / sizeof(kFirmwareChecks[0]))


/* The helper every overlap check uses: one shared byte is an overlap, either way round. */
TEST(spans_sharing_one_byte_overlap)
{
	CHECK(kcheck_spans_overlap(0x1fff, 1, 0x1000, 0x1000));
	CHECK(kcheck_spans_overlap(0x1000, 0x1000, 0x1fff, 1));
	CHECK(!kcheck_spans_overlap(0x2000, 1, 0x1000, 0x1000));
	CHECK(!kcheck_spans_overlap(0x1000, 0x1000, 0x2000, 1));
}


TEST(consistent_args_pass_with_kernel_checks_skipped)
{
	build();
	bool passed = run();
	if (!passed)
		printf("%s", sOutput);
	CHECK(passed);
	CHECK(report_line("BOOTCHECK PASS") != NULL);
	CHECK(strstr(sOutput, "FAIL") == NULL);
	expect_counts(0, KERNEL_ONLY_CHECKS + FIRMWARE_CHECKS);
	for (size_t i = 0; i < KERNEL_ONLY_CHECKS; i++)
		EXPECT_CHECK(kKernelOnlyChecks[i], "skipped (");
	for (size_t i = 0; i < FIRMWARE_CHECKS; i++)
		EXPECT_CHECK(kFirmwareChecks[i], "skipped (");
	/* "No framebuffer" is a state that is checked, not skipped. */
	EXPECT_CHECK("framebuffer", "ok");
	EXPECT_CHECK("page_tables", "ok");
	EXPECT_CHECK("args_alias", "ok");
	EXPECT_CHECK("memory_map_ram", "ok");
	EXPECT_CHECK("loader_pages", "ok");
	CHECK(report_line("memory map: 8 entries") != NULL);
	CHECK(report_line("  [  2] 0x000000009000 - 0x00000000c000         12 KiB  kernel and modules")
		!= NULL);

	/* Everything was read through the accessors, and the summary shows it. */
	CHECK(sVirtualReads > 0);
	CHECK(sPhysicalReads > 0);
	CHECK(report_line("loader: \"test loader\"") != NULL);
	CHECK(report_line("loader log: ") != NULL && strstr(sOutput, "8 lines") != NULL);
	CHECK(report_line("  log| boot: starting kernel") != NULL);
	CHECK(report_line("  log| [2 lines]") != NULL);
	CHECK(report_line("cpu: unknown") != NULL);
}


/* The CPU as the kernel finds it after a correct handoff: WP, NXE, 2 MiB pages only. */
static struct bootcheck_cpu_state
kernel_cpu(void)
{
	return (struct bootcheck_cpu_state){
		.cr3 = PML4, .gdt_base = GDT_VIRTUAL, .gdt_limit = 0x17, .cs = 0x08, .ds = 0x10,
		.ss = 0x10, .cr0 = 0x80010033, .efer = 0xd00, .cycles = TSC_LAST_EVENT + 1000,
		.has_no_execute = true, .has_huge_pages = false,
	};
}


/* Text, rodata and data a page each, as build_kernel_image() has them; bss ends data's. */
static struct bootcheck_image
kernel_image_state(void)
{
	return (struct bootcheck_image){
		.text_start = KERNEL_LOAD_BASE, .text_end = KERNEL_LOAD_BASE + PAGE,
		.rodata_start = KERNEL_LOAD_BASE + PAGE, .rodata_end = KERNEL_LOAD_BASE + 2 * PAGE,
		.data_start = KERNEL_LOAD_BASE + 2 * PAGE, .data_end = KERNEL_LOAD_BASE + 0x2100,
		.bss_start = KERNEL_LOAD_BASE + 0x2100, .bss_end = KERNEL_LOAD_BASE + 3 * PAGE,
		.entry = KERNEL_LOAD_BASE + 0x10, .bss_nonzero = UINT64_MAX, .rodata_canary_ok = true,
		.data_canary_ok = true,
	};
}


/* --- the fixture for the other files of unit_bootcheck (test_bootcheck.h) --- */

kernel_args *
bootcheck_fixture_build(void)
{
	return build();
}


struct bootcheck_environment *
bootcheck_fixture_environment(void)
{
	return &sEnvironment;
}


uint8_t *
bootcheck_fixture_physical(uint64_t address)
{
	return sMemory + address;
}


bool
bootcheck_fixture_run(void)
{
	return run();
}


struct bootcheck_cpu_state
bootcheck_fixture_cpu(void)
{
	return kernel_cpu();
}


struct bootcheck_image
bootcheck_fixture_image(void)
{
	return kernel_image_state();
}


TEST(kernel_checks_run_when_the_kernel_supplies_cpu_and_image)
{
	build();
	struct bootcheck_cpu_state cpu = kernel_cpu();
	struct bootcheck_image image = kernel_image_state();
	sEnvironment.cpu = &cpu;
	sEnvironment.image = &image;
	CHECK(run());
	expect_counts(0, FIRMWARE_CHECKS);

	cpu.cs = 0x18;
	EXPECT_FAILURE(run(), "code_selector", "CS 0x18");
	cpu.cs = 0x08;
	image.bss_nonzero = 4;
	EXPECT_FAILURE(run(), "kernel_contents", ".bss not zeroed");
}


TEST(wrong_magic_fails_and_nothing_is_followed)
{
	kernel_args *args = build();
	args->magic ^= 1;
	EXPECT_FAILURE(run(), "magic", "expected 0x5347524141424b48");
	EXPECT_CHECK("page_tables", "FAIL (not run: check magic failed)");
	EXPECT_CHECK("loader_name", "FAIL (not run: check magic failed)");
	CHECK_EQ(sVirtualReads, 0);
	CHECK_EQ(sPhysicalReads, 0);
}


/* Fields are only appended: a newer loader's larger structure is fine. */
TEST(newer_larger_kernel_args_pass)
{
	kernel_args *args = build();
	args->version = KERNEL_ARGS_VERSION + 1;
	args->kernel_args_size = sizeof(kernel_args) + 512;
	CHECK(run());
	EXPECT_CHECK("version", "ok");
	EXPECT_CHECK("args_size", "ok");
}


TEST(wrong_self_fails)
{
	kernel_args *args = build();
	struct bootcheck_cpu_state cpu = kernel_cpu();
	sEnvironment.cpu = &cpu;
	args->self += PAGE;
	EXPECT_FAILURE(run(), "self", "but rdi was 0xffffffffc0000000");
}


/* Without a CPU to ask, rdi and esi are whatever the caller says: nothing to check. */
TEST(entry_registers_are_not_checked_without_a_cpu)
{
	build();
	sEnvironment.received_cpu = 1;
	bool passed = run();
	if (!passed)
		printf("%s", sOutput);
	CHECK(passed);
	EXPECT_CHECK("self", "skipped (no CPU state");
	EXPECT_CHECK("boot_cpu", "skipped (no CPU state");
}


TEST(unsorted_ranges_fail)
{
	kernel_args *args = build();
	addr_range first = args->physical_memory_range[0];
	args->physical_memory_range[0] = args->physical_memory_range[1];
	args->physical_memory_range[1] = first;
	EXPECT_FAILURE(run(), "physical_memory_ranges", "not sorted");
}


TEST(overlapping_ranges_fail)
{
	kernel_args *args = build();
	args->virtual_allocated_range[2].size = (ARGS_PAGES + 3) * PAGE;
	EXPECT_FAILURE(run(), "virtual_allocated_ranges", "overlaps");
}


TEST(unaligned_ranges_fail)
{
	kernel_args *args = build();
	args->physical_allocated_range[0].start += 0x800;
	EXPECT_FAILURE(run(), "physical_allocated_ranges", "not page aligned");
}


TEST(physical_allocated_outside_memory_fails)
{
	kernel_args *args = build();
	args->physical_allocated_range[1] = (addr_range){ 0xa0000, PAGE };
	args->num_physical_allocated_ranges = 2;
	EXPECT_FAILURE(run(), "physical_allocated_in_memory",
		"0xa0000-0xa1000 not inside one physical memory range");
}


TEST(loader_heap_returned_as_free_ram_passes)
{
	kernel_args *args = build();
	args->loader_heap = (addr_range){ ALLOCATED_END, 16 * PAGE };
	CHECK(run());
}


TEST(loader_heap_left_allocated_fails)
{
	kernel_args *args = build();
	args->loader_heap = (addr_range){ PML4, 16 * PAGE };
	EXPECT_FAILURE(run(), "loader_heap", "overlaps allocated [0]");
}


TEST(loader_heap_outside_usable_memory_fails)
{
	kernel_args *args = build();
	args->loader_heap = (addr_range){ 0xa0000, 16 * PAGE };
	EXPECT_FAILURE(run(), "loader_heap", "is not usable physical memory");
}


/* Replace entries [from, from + count) of the typed map with the given ones. */
static void
memory_map_splice(kernel_args *args, uint32_t from, uint32_t count,
	const memory_map_entry *entries, uint32_t entryCount)
{
	uint32_t total = args->num_memory_map_entries;
	memmove(&args->memory_map[from + entryCount], &args->memory_map[from + count],
		(total - from - count) * sizeof(memory_map_entry));
	memcpy(&args->memory_map[from], entries, entryCount * sizeof(memory_map_entry));
	args->num_memory_map_entries = total - count + entryCount;
}


TEST(memory_map_unsorted_fails)
{
	kernel_args *args = build();
	memory_map_entry first = args->memory_map[5];
	args->memory_map[5] = args->memory_map[6];
	args->memory_map[6] = first;
	EXPECT_FAILURE(run(), "memory_map", "[6] 0xa0000 not sorted after 0x100000");
}


TEST(memory_map_overlap_counts_pages_twice_and_fails)
{
	kernel_args *args = build();
	args->memory_map[1].size += PAGE;
	EXPECT_FAILURE(run(), "memory_map",
		"[2] 0x9000 overlaps [1] ending 0xa000: pages counted twice");
}


TEST(memory_map_unmerged_neighbours_fail)
{
	kernel_args *args = build();
	const memory_map_entry split[] = {
		{ .start = 0x100000, .size = PAGE, .type = KERNEL_MEMORY_USABLE },
		{ .start = 0x101000, .size = MEMORY_SIZE - 0x101000, .type = KERNEL_MEMORY_USABLE },
	};
	memory_map_splice(args, 6, 1, split, 2);
	EXPECT_FAILURE(run(), "memory_map",
		"[7] 0x101000 continues [6] of the same type (not merged)");
}


TEST(memory_map_bad_entries_fail)
{
	kernel_args *args = build();
	args->memory_map[7].type = KERNEL_MEMORY_BAD + 1;
	EXPECT_FAILURE(run(), "memory_map", "[7] 0xfec00000 has invalid type 12");

	args = build();
	args->memory_map[7].type = 0;
	EXPECT_FAILURE(run(), "memory_map", "[7] 0xfec00000 has invalid type 0");

	args = build();
	args->memory_map[7].size = 0x800;
	EXPECT_FAILURE(run(), "memory_map", "[7] 0xfec00000 size 0x800 not page aligned");

	args = build();
	args->memory_map[7].size = 0;
	EXPECT_FAILURE(run(), "memory_map", "[7] at 0xfec00000 is empty");

	args = build();
	args->memory_map[7].start = 1ULL << 52;
	EXPECT_FAILURE(run(), "memory_map", "beyond the physical address space");

	args = build();
	args->memory_map[7].reserved = 1;
	EXPECT_FAILURE(run(), "memory_map", "[7] 0xfec00000: reserved field is 0x1");

	args = build();
	args->num_memory_map_entries = 0;
	EXPECT_FAILURE(run(), "memory_map", "no entries");
	EXPECT_CHECK("loader_pages", "FAIL (not run: check memory_map failed)");

	args = build();
	args->num_memory_map_entries = MAX_MEMORY_MAP_ENTRIES + 1;
	EXPECT_FAILURE(run(), "memory_map", "count 513 exceeds 512");
	CHECK(strstr(sOutput, "(count exceeds 512, showing 512)") != NULL);
}


/* The last type the ABI names and a map that fills its array are both valid. */
TEST(memory_map_edges_pass)
{
	kernel_args *args = build();
	args->memory_map[7].type = KERNEL_MEMORY_BAD;
	run();
	EXPECT_CHECK("memory_map", "ok");

	/* Reserved pages above 4 GiB, apart from each other, to the last entry. */
	args = build();
	for (uint32_t i = MEMORY_MAP_COUNT; i < MAX_MEMORY_MAP_ENTRIES; i++) {
		args->memory_map[i] = (memory_map_entry){ .start = 0x100000000ULL + i * 2 * PAGE,
			.size = PAGE, .type = KERNEL_MEMORY_RESERVED };
	}
	args->num_memory_map_entries = MAX_MEMORY_MAP_ENTRIES;
	run();
	EXPECT_CHECK("memory_map", "ok");
}


TEST(memory_map_ram_beyond_the_physical_memory_ranges_fails)
{
	kernel_args *args = build();
	args->memory_map[7].type = KERNEL_MEMORY_USABLE;
	EXPECT_FAILURE(run(), "memory_map_ram",
		"typed map has 0xfec00000-0xfec01000, which is not in the physical memory ranges");
}


TEST(physical_memory_the_typed_map_does_not_have_fails)
{
	kernel_args *args = build();
	args->memory_map[6].type = KERNEL_MEMORY_ACPI_RECLAIMABLE;
	EXPECT_FAILURE(run(), "memory_map_ram",
		"physical memory [1] 0x100000-0x400000 is not in the typed map");

	args = build();
	args->physical_memory_range[0].size = 0x9f000;
	EXPECT_FAILURE(run(), "memory_map_ram",
		"physical memory [0] is 0-0x9f000, the typed map says 0-0xa0000");
}


TEST(allocated_ranges_unlike_the_typed_map_fail)
{
	kernel_args *args = build();
	/* kernel_args' pages typed as free RAM: the kernel would reuse them. */
	args->memory_map[3].type = KERNEL_MEMORY_USABLE;
	const memory_map_entry merged = {
		.start = ARGS_PHYSICAL, .size = 0xa0000 - ARGS_PHYSICAL, .type = KERNEL_MEMORY_USABLE,
	};
	memory_map_splice(args, 3, 2, &merged, 1);
	EXPECT_FAILURE(run(), "memory_map_allocated",
		"physical allocated [0] is 0x1000-0x17000, the typed map says 0x1000-0xc000");
}


TEST(loader_heap_not_usable_in_the_typed_map_fails)
{
	kernel_args *args = build();
	args->loader_heap = (addr_range){ 0xa0000, 16 * PAGE };
	run();
	EXPECT_CHECK("memory_map_heap",
		"FAIL (heap 0xa0000-0xb0000: page 0xa0000 is reserved, not usable)");

	args = build();
	args->loader_heap = (addr_range){ ALLOCATED_END, 16 * PAGE };
	CHECK(run());
	EXPECT_CHECK("memory_map_heap", "ok");
}


TEST(kernel_segments_typed_as_loader_memory_fail)
{
	kernel_args *args = build();
	const memory_map_entry loader = {
		.start = PML4, .size = ALLOCATED_END - PML4, .type = KERNEL_MEMORY_LOADER_RECLAIMABLE,
	};
	memory_map_splice(args, 1, 3, &loader, 1);
	EXPECT_FAILURE(run(), "loader_pages",
		"kernel segment [0]: page 0x9000 is loader-reclaimable, not kernel and modules");
}


TEST(page_tables_typed_as_kernel_fail)
{
	kernel_args *args = build();
	const memory_map_entry kernel = {
		.start = PML4, .size = ARGS_PHYSICAL - PML4, .type = KERNEL_MEMORY_KERNEL_AND_MODULES,
	};
	memory_map_splice(args, 1, 2, &kernel, 1);
	EXPECT_FAILURE(run(), "loader_pages",
		"PML4 at 0x1000 is kernel and modules memory, not loader-reclaimable");

	/* A page directory the loader did not account for at all. */
	build();
	memcpy(sMemory + SPARE_PHYSICAL, sMemory + PD_DATA, PAGE);
	table_set(PDPT_KERNEL, 511, SPARE_PHYSICAL | PTE_PRESENT_WRITE);
	EXPECT_FAILURE(run(), "loader_pages",
		"page directory at 0x20000 is usable memory, not loader-reclaimable");
}


TEST(loader_pages_mapped_to_the_wrong_memory_fail)
{
	build();
	table_set(PT_DATA, 3, SPARE_PHYSICAL | PTE_PRESENT_WRITE);
	run();
	EXPECT_CHECK("loader_pages",
		"FAIL (0xffffffffc0003000 maps to 0x20000, which is usable memory)");

	/* The kernel window holds the kernel, not loader data. */
	build();
	table_set(PT_WINDOW, 2, ARGS_PHYSICAL | PTE_PRESENT_WRITE);
	run();
	EXPECT_CHECK("loader_pages",
		"FAIL (0xffffffff80002000 maps to 0xc000, which is loader-reclaimable memory)");
}


TEST(log_outside_virtual_ranges_fails)
{
	kernel_args *args = build();
	args->log_address = KERNEL_DATA_BASE + (ARGS_PAGES + 1) * PAGE;
	EXPECT_FAILURE(run(), "loader_log", "not inside a virtual allocated range");
	CHECK(report_line("loader log: 0xffffffffc0009000 size 0x") != NULL);
}


TEST(log_the_accessor_cannot_read_fails)
{
	build();
	sRegions[2].size = ARGS_PAGES * PAGE;	/* kernel_args stays readable, the log page not */
	EXPECT_FAILURE(run(), "loader_log", "log cannot be read at 0xffffffffc0008000");
	EXPECT_CHECK("loader_name", "FAIL (loader_name 0xffffffffc0008800 cannot be read)");
	CHECK(report_line("loader: 0xffffffffc0008800 (not shown)") != NULL);
	EXPECT_CHECK("gdt", "FAIL (kernel_code_selector 0x8: descriptor at");
	CHECK(strstr(sOutput, "(unreadable at 0xffffffffc0008000)") != NULL);
}


/*
 * The log's head and tail as the report shows them: control characters as
 * dots, a line longer than 160 bytes cut with "...", a last line without a
 * newline counted, and no gap line where head and tail meet.
 */
TEST(log_lines_are_shown_safely)
{
	kernel_args *args = build();
	char longLine[171];
	memset(longLine, 'x', sizeof(longLine) - 1);
	longLine[sizeof(longLine) - 1] = '\0';
	char log[0x400];
	int length = snprintf(log, sizeof(log), "one\x1b[2J\nt\x7fwo\n%s\nfour\r\nfive\nsix",
		longLine);
	memcpy(sMemory + MISC_PHYSICAL, log, (size_t)length);
	args->log_size = (uint64_t)length;
	CHECK(run());

	char expected[200];
	snprintf(expected, sizeof(expected), "loader log: %#llx size %d, 6 lines",
		(unsigned long long)LOG_VIRTUAL, length);
	EXPECT_LINE(expected);
	EXPECT_LINE("  log| one.[2J");
	EXPECT_LINE("  log| t.wo");
	snprintf(expected, sizeof(expected), "  log| %.160s...", longLine);
	EXPECT_LINE(expected);
	EXPECT_LINE("  log| four");
	EXPECT_LINE("  log| five");
	EXPECT_LINE("  log| six");
	CHECK(report_line("  log| [") == NULL);
}


/* Bit 2 of a selector picks the LDT: the kernel's selectors are the GDT's. */
TEST(ldt_selector_fails)
{
	kernel_args *args = build();
	/* inside the GDT's limit, so that only the LDT bit is wrong */
	args->arch_args.kernel_data_selector = 0x0c;
	CHECK(!run());
	EXPECT_CHECK("gdt", "FAIL (kernel_data_selector 0xc invalid for GDT limit");
}


TEST(unterminated_loader_name_fails)
{
	kernel_args *args = build();
	/* The last bytes of the stack, with no NUL before the mapping ends. */
	memset(sMemory + STACK_PHYSICAL + STACK_SIZE - 100, 'x', 100);
	args->loader_name = STACK_VIRTUAL + STACK_SIZE - 100;
	EXPECT_FAILURE(run(), "loader_name",
		"not NUL terminated before unreadable 0xffffffffc000c000");
	CHECK(strstr(sOutput, "loader: \"xxxx") != NULL);
}


TEST(stack_outside_ranges_fails)
{
	kernel_args *args = build();
	args->cpu_kernel_stack[0].start = KERNEL_DATA_BASE + 0x10000;
	sEnvironment.initial_stack_pointer = KERNEL_DATA_BASE + 0x10000 + STACK_SIZE;
	EXPECT_FAILURE(run(), "stack", "not inside a virtual allocated range");

	build();
	sEnvironment.initial_stack_pointer = STACK_VIRTUAL;
	EXPECT_FAILURE(run(), "stack", "stack pointer 0xffffffffc000a000 outside stack");
}


TEST(bad_gdt_descriptor_fails)
{
	build();
	memory_write64(MISC_PHYSICAL + 0xc00 + 0x08, 0x00cf9a000000ffffULL);	/* 32-bit code */
	EXPECT_FAILURE(run(), "gdt", "is not a 64-bit ring 0 code segment");
}


TEST(page_directory_not_allocated_fails)
{
	kernel_args *args = build();
	args->arch_args.page_directory_physical = SPARE_PHYSICAL;
	EXPECT_FAILURE(run(), "page_directory", "PML4 0x20000 not inside a physical allocated");
	EXPECT_CHECK("page_tables", "FAIL (PML4 entry 511 (kernel window) not present)");
}


TEST(wrong_physical_map_fails)
{
	kernel_args *args = build();
	args->physical_map_size = LARGE_PAGE;
	EXPECT_FAILURE(run(), "physical_map", "does not cover memory range 0x100000-0x400000");
	EXPECT_CHECK("page_tables", "FAIL (not run: check physical_map failed)");
}


TEST(missing_pml4_entry_for_kernel_window_fails)
{
	build();
	table_set(PML4, 511, 0);
	EXPECT_FAILURE(run(), "page_tables", "PML4 entry 511 (kernel window) not present");
}


TEST(physical_map_mapping_elsewhere_fails)
{
	build();
	table_set(PD_PHYSMAP, 1, 0 | PTE_LARGE | PTE_PRESENT_WRITE);
	EXPECT_FAILURE(run(), "page_tables",
		"physical map: 0xffff8000003ff000 maps to 0x1ff000, expected 0x3ff000");
}


TEST(page_table_entry_to_the_wrong_page_fails)
{
	build();
	table_set(PT_WINDOW, 1, (SEGMENTS_PHYSICAL + 2 * PAGE) | PTE_PRESENT_WRITE);
	EXPECT_FAILURE(run(), "segment_translation",
		"[1] 0xffffffff80001000 maps to 0xb000, segment says 0xa000");
}


TEST(segment_bytes_elsewhere_fail)
{
	kernel_args *args = build();
	/* Tables and kernel_args agree, but the bytes the kernel sees are elsewhere. */
	args->kernel.segments[2].physical_address = STACK_PHYSICAL;
	table_set(PT_WINDOW, 2, STACK_PHYSICAL | PTE_PRESENT_WRITE);
	EXPECT_FAILURE(run(), "segment_contents",
		"[2] 0xffffffff80002000 does not hold the bytes at phys 0x15000");
}


/* Bytes are compared in pieces: one byte past the first piece counts too. */
/* The image's bounds are the segments', at both ends. */
TEST(image_bounds_the_segments_do_not_reach_fail)
{
	kernel_args *args = build();
	args->kernel.image_end += PAGE;
	EXPECT_FAILURE(run(), "kernel_segments", "image 0xffffffff80000000-0xffffffff80004000,"
		" but the segments span 0xffffffff80000000-0xffffffff80003000");

	args = build();
	args->kernel.image_start -= PAGE;
	EXPECT_FAILURE(run(), "kernel_segments", "image 0xffffffff7ffff000-0xffffffff80003000,"
		" but the segments span 0xffffffff80000000-0xffffffff80003000");
}


TEST(one_segment_byte_elsewhere_fails)
{
	kernel_args *args = build();
	memcpy(sMemory + STACK_PHYSICAL, sMemory + SEGMENTS_PHYSICAL + 2 * PAGE, PAGE);
	sMemory[STACK_PHYSICAL + 0xf01] ^= 1;
	args->kernel.segments[2].physical_address = STACK_PHYSICAL;
	table_set(PT_WINDOW, 2, STACK_PHYSICAL | PTE_PRESENT_WRITE);
	EXPECT_FAILURE(run(), "segment_contents",
		"[2] 0xffffffff80002f00 does not hold the bytes at phys 0x15f00");
}


TEST(mapping_to_unallocated_memory_fails)
{
	build();
	table_set(PT_DATA, 3, SPARE_PHYSICAL | PTE_PRESENT_WRITE);
	EXPECT_FAILURE(run(), "virtual_backing",
		"0xffffffffc0003000 maps to 0x20000, not inside a physical allocated range");
}


TEST(args_alias_mismatch_fails)
{
	build();
	table_set(PT_DATA, 1, (STACK_PHYSICAL + PAGE) | PTE_PRESENT_WRITE);
	/* The second page starts with unused (zero) range entries; the first used one differs. */
	EXPECT_FAILURE(run(), "args_alias",
		"kernel_args byte 0x1031 at phys 0x16031 reads 0, expected 0x10");
}


/* Each count's maximum is allowed; cpu_count's is 2^32 - 1, which the CPU list refutes. */
TEST(a_count_at_its_maximum_passes)
{
	kernel_args *args = build();
	args->cpu_count = 0xffffffff;
	EXPECT_FAILURE(run(), "cpus", "cpu_count is 4294967295, but 1 CPUs run");
	EXPECT_CHECK("counts", "ok");
}


TEST(bad_counts_are_clamped_not_followed)
{
	kernel_args *args = build();
	args->num_virtual_allocated_ranges = 0xffffffff;
	args->kernel.segment_count = 0x1234;
	args->num_physical_memory_ranges = 0x80000000;
	EXPECT_FAILURE(run(), "counts", "num_physical_memory_ranges is 2147483648");
	CHECK(strstr(sOutput, "(count exceeds 64, showing 64)") != NULL);
	EXPECT_CHECK("kernel_segments", "FAIL (segment_count 4660 exceeds 8)");
}


/* --- page permissions, the stack guard, preloaded images, the timeline ---- */

#define CR0_WRITE_PROTECT	0x10000ULL
#define EFER_WITHOUT_NXE	0x500ULL
#define GIGABYTE			0x40000000ULL

/* Three read-only pages after the stack's guard: a module and the kernel's symbols. */
#define IMAGES_PHYSICAL		ALLOCATED_END
#define IMAGES_VIRTUAL		(STACK_VIRTUAL + STACK_SIZE + PAGE)
#define MODULE_VIRTUAL		IMAGES_VIRTUAL
#define SYMTAB_VIRTUAL		(IMAGES_VIRTUAL + PAGE)
#define STRTAB_VIRTUAL		(IMAGES_VIRTUAL + 2 * PAGE)
#define MODULE_COMMAND_LINE	(MISC_VIRTUAL + 0xe00)

/* The standard check value of CRC-32: the checker must agree with the world. */
static const char kModule[] = "123456789";
#define MODULE_CRC32		0xcbf43926u
static const char kStrings[] = "\0_start\0kernel_main";


static void
image_set(preloaded_image *image, const char *name, uint32_t type, uint64_t address,
	uint64_t size)
{
	memset(image, 0, sizeof(*image));
	snprintf(image->name, sizeof(image->name), "%s", name);
	image->type = type;
	image->address = address;
	image->size = size;
}


/* What a loader adds for a kernel with symbols and one module with a command line. */
static kernel_args *
build_with_images(void)
{
	kernel_args *args = build();
	for (unsigned i = 0; i < 3; i++) {
		table_set(PT_DATA, ARGS_PAGES + 5 + i,
			(IMAGES_PHYSICAL + i * PAGE) | PTE_PRESENT | PTE_NO_EXECUTE);
	}
	args->virtual_allocated_range[4] = (addr_range){ IMAGES_VIRTUAL, 3 * PAGE };
	args->num_virtual_allocated_ranges = 5;
	args->physical_allocated_range[0].size += 3 * PAGE;
	region_add(IMAGES_VIRTUAL, 3 * PAGE, IMAGES_PHYSICAL);
	/* The pages are the kernel's to keep, taken from the free RAM after the loader's. */
	const memory_map_entry images = { .start = IMAGES_PHYSICAL, .size = 3 * PAGE,
		.type = KERNEL_MEMORY_KERNEL_AND_MODULES };
	args->memory_map[4].start += 3 * PAGE;
	args->memory_map[4].size -= 3 * PAGE;
	memory_map_splice(args, 4, 0, &images, 1);

	memcpy(sMemory + IMAGES_PHYSICAL, kModule, sizeof(kModule) - 1);
	memcpy(sMemory + MISC_PHYSICAL + 0xe00, "verbose", sizeof("verbose"));
	const Elf64_Sym symbols[3] = {
		{ 0 },
		{ .st_name = 1, .st_info = 0x12, .st_value = args->kernel.entry },
		{ .st_name = 8, .st_info = 0x12, .st_value = KERNEL_LOAD_BASE + 0x100 },
	};
	memcpy(sMemory + IMAGES_PHYSICAL + PAGE, symbols, sizeof(symbols));
	memcpy(sMemory + IMAGES_PHYSICAL + 2 * PAGE, kStrings, sizeof(kStrings));

	args->num_preloaded_images = 3;
	image_set(&args->preloaded_images[0], ".symtab", PRELOADED_KERNEL_SYMBOLS,
		SYMTAB_VIRTUAL, sizeof(symbols));
	image_set(&args->preloaded_images[1], ".strtab", PRELOADED_KERNEL_STRINGS,
		STRTAB_VIRTUAL, sizeof(kStrings));
	image_set(&args->preloaded_images[2], "/boot/module", PRELOADED_MODULE, MODULE_VIRTUAL,
		sizeof(kModule) - 1);
	args->preloaded_images[2].command_line = MODULE_COMMAND_LINE;
	return args;
}


TEST(checker_crc32_is_the_standard_one)
{
	CHECK_EQ(kcheck_crc32(0, kModule, sizeof(kModule) - 1), MODULE_CRC32);
	/* In pieces, as it reads images. */
	CHECK_EQ(kcheck_crc32(kcheck_crc32(0, kModule, 4), kModule + 4, 5), MODULE_CRC32);
	CHECK_EQ(kcheck_crc32(0, "", 0), 0);
}


TEST(command_line_and_timeline_are_reported)
{
	build();
	CHECK(run());
	EXPECT_CHECK("command_line", "ok");
	EXPECT_CHECK("timeline", "ok");
	EXPECT_CHECK("segment_permissions", "ok");
	EXPECT_CHECK("data_permissions", "ok");
	EXPECT_CHECK("physical_map_pages", "ok");
	EXPECT_CHECK("stack_guard", "ok");
	CHECK(report_line("command line: \"quiet debug=1\"") != NULL);
	CHECK(report_line("boot timeline: 7 events, cycle counter 2000000000 Hz") != NULL);
	/* 2000 ticks a microsecond: "kernel loaded" 500 us after the start, 350 after the heap. */
	CHECK(report_line("       0.500 ms  +     0.350 ms  kernel loaded (20480 bytes)") != NULL);
	CHECK(report_line("       1.500 ms  +     0.050 ms  kernel entry") != NULL);
	CHECK(report_line("preloaded images: 0") != NULL);
}


TEST(kernel_text_writable_fails)
{
	build();
	table_set(PT_WINDOW, 0, SEGMENTS_PHYSICAL | PTE_PRESENT_WRITE);
	EXPECT_FAILURE(run(), "segment_permissions",
		"segment [0] 0xffffffff80000000 is writable, expected read-only");
}


TEST(kernel_rodata_executable_fails)
{
	build();
	table_set(PT_WINDOW, 1, (SEGMENTS_PHYSICAL + PAGE) | PTE_PRESENT);
	EXPECT_FAILURE(run(), "segment_permissions",
		"segment [1] 0xffffffff80001000 is executable, expected NX");
}


TEST(kernel_text_not_executable_fails)
{
	build();
	/* NX in an upper level makes the whole range NX, whatever the leaf says. */
	table_set(PD_WINDOW, 0, PT_WINDOW | PTE_PRESENT_WRITE | PTE_NO_EXECUTE);
	EXPECT_FAILURE(run(), "segment_permissions",
		"segment [0] 0xffffffff80000000 is NX, expected executable");
}


TEST(kernel_data_read_only_through_an_upper_level_fails)
{
	build();
	table_set(PD_WINDOW, 0, PT_WINDOW | PTE_PRESENT);
	EXPECT_FAILURE(run(), "segment_permissions",
		"segment [2] 0xffffffff80002000 is read-only, expected writable");
}


TEST(loader_data_permissions_are_checked)
{
	build();
	table_set(PT_DATA, 2, (ARGS_PHYSICAL + 2 * PAGE) | PTE_PRESENT_WRITE);
	EXPECT_FAILURE(run(), "data_permissions",
		"loader data 0xffffffffc0002000 is executable, expected NX");

	build();
	table_set(PT_DATA, ARGS_PAGES + 3,
		(STACK_PHYSICAL + PAGE) | PTE_PRESENT | PTE_NO_EXECUTE);
	EXPECT_FAILURE(run(), "data_permissions",
		"loader data 0xffffffffc000b000 is read-only, expected writable");
}


TEST(executable_physical_map_fails)
{
	build();
	table_set(PD_PHYSMAP, 1, LARGE_PAGE | PTE_LARGE | PTE_PRESENT_WRITE);
	EXPECT_FAILURE(run(), "physical_map_pages",
		"physical map: 0xffff800000200000 (a page of 0x200000 bytes) is executable");
}


TEST(no_execute_bits_need_efer_nxe)
{
	build();
	struct bootcheck_cpu_state cpu = kernel_cpu();
	sEnvironment.cpu = &cpu;
	CHECK(run());
	EXPECT_CHECK("cpu_protection", "ok");
	EXPECT_CHECK("large_pages", "ok");

	/* A CPU without NX: the bits in the tables would fault as reserved bits. */
	cpu.has_no_execute = false;
	cpu.efer = EFER_WITHOUT_NXE;
	EXPECT_FAILURE(run(), "segment_permissions",
		"segment [1] 0xffffffff80001000 has NX set, but EFER.NXE is clear");

	cpu.has_no_execute = true;
	EXPECT_FAILURE(run(), "cpu_protection", "the CPU has NX, but EFER.NXE is clear");

	cpu = kernel_cpu();
	cpu.cr0 &= ~CR0_WRITE_PROTECT;
	EXPECT_FAILURE(run(), "cpu_protection", "CR0.WP clear");
}


/* A physical map of a whole gigabyte: in 2 MiB pages, or in one 1 GiB page. */
static void
build_gigabyte_physical_map(bool hugePage)
{
	kernel_args *args = build();
	args->physical_map_size = GIGABYTE;
	args->virtual_allocated_range[0].size = GIGABYTE;
	for (unsigned i = 0; i < GIGABYTE / LARGE_PAGE; i++)
		table_set(PD_PHYSMAP, i, i * LARGE_PAGE | PTE_LARGE | PTE_DATA);
	if (hugePage)
		table_set(PDPT_PHYSMAP, 0, 0 | PTE_LARGE | PTE_DATA);
}


/* page_tables probes the ends of memory only; every other page is physical_map_pages's. */
TEST(physical_map_page_beyond_memory_mapping_elsewhere_fails)
{
	build_gigabyte_physical_map(false);
	table_set(PD_PHYSMAP, 100, 0 | PTE_LARGE | PTE_DATA);
	EXPECT_FAILURE(run(), "physical_map_pages",
		"physical map: 0xffff80000c800000 maps to 0, expected 0xc800000");
}


TEST(page_size_follows_the_cpu)
{
	struct bootcheck_cpu_state cpu = kernel_cpu();

	build_gigabyte_physical_map(false);
	sEnvironment.cpu = &cpu;
	CHECK(run());
	cpu.has_huge_pages = true;
	EXPECT_FAILURE(run(), "large_pages", "physical map: 0xffff800000000000 is in a page of"
		" 0x200000 bytes, expected 0x40000000 (the CPU has 1 GiB pages)");

	build_gigabyte_physical_map(true);
	sEnvironment.cpu = &cpu;
	CHECK(run());
	EXPECT_CHECK("large_pages", "ok");
	cpu.has_huge_pages = false;
	EXPECT_FAILURE(run(), "large_pages", "is in a page of 0x40000000 bytes, expected"
		" 0x200000 (the CPU has no 1 GiB pages)");
}


TEST(mapped_stack_guard_fails)
{
	build();
	table_set(PT_DATA, ARGS_PAGES + 1, SPARE_PHYSICAL | PTE_DATA);
	EXPECT_FAILURE(run(), "stack_guard",
		"guard page 0xffffffffc0009000 below the stack is mapped (to 0x20000)");
}


TEST(command_line_faults_fail)
{
	kernel_args *args = build();
	args->command_line = 0;
	EXPECT_FAILURE(run(), "command_line", "command_line 0 not inside a virtual allocated");
	CHECK(report_line("command line: 0 (not shown)") != NULL);

	args = build();
	memset(sMemory + STACK_PHYSICAL + STACK_SIZE - 10, 'x', 10);
	args->command_line = STACK_VIRTUAL + STACK_SIZE - 10;
	EXPECT_FAILURE(run(), "command_line",
		"not NUL-terminated before unreadable 0xffffffffc000c000");
}


TEST(boot_options_are_reported_and_unknown_bits_fail)
{
	kernel_args *args = build();
	CHECK(run());
	EXPECT_CHECK("boot_options", "ok");
	CHECK(report_line("boot options: 0 (none)") != NULL);

	args = build();
	args->boot_options = BOOT_OPTION_DISABLE_SMP | BOOT_OPTION_ONSCREEN_LOG;
	CHECK(run());
	EXPECT_CHECK("boot_options", "ok");
	CHECK(report_line("boot options: 0x21 (disable_smp, onscreen_log)") != NULL);

	args = build();
	args->boot_options = BOOT_OPTION_DISABLE_ACPI | 0x80000040u;
	EXPECT_FAILURE(run(), "boot_options", "boot_options 0x80000042 has unknown bits 0x80000040");
	CHECK(report_line("boot options: 0x80000042 (disable_acpi, unknown 0x80000040)") != NULL);
}


TEST(preloaded_images_pass_and_are_reported)
{
	build_with_images();
	bool passed = run();
	if (!passed)
		printf("%s", sOutput);
	CHECK(passed);
	EXPECT_CHECK("preloaded_images", "ok");
	EXPECT_CHECK("kernel_symbols", "ok");
	CHECK(report_line("preloaded images: 3") != NULL);
	CHECK(report_line("  [0] symbols \".symtab\" 0xffffffffc000e000 size 72 crc32 ") != NULL);
	CHECK(report_line("  [2] module \"/boot/module\" 0xffffffffc000d000 size 9 crc32 cbf43926")
		!= NULL);
	CHECK(report_line("      command line: \"verbose\"") != NULL);
}


TEST(preloaded_images_typed_as_loader_memory_fail)
{
	kernel_args *args = build_with_images();
	CHECK(run());
	EXPECT_CHECK("loader_pages", "ok");

	/* The kernel may reclaim loader memory: modules would go with it. */
	const memory_map_entry loader = { .start = ARGS_PHYSICAL,
		.size = IMAGES_PHYSICAL + 3 * PAGE - ARGS_PHYSICAL,
		.type = KERNEL_MEMORY_LOADER_RECLAIMABLE };
	memory_map_splice(args, 3, 2, &loader, 1);
	EXPECT_FAILURE(run(), "loader_pages",
		"preloaded image [0] 0xffffffffc000e000 maps to 0x18000, which is loader-reclaimable"
		" memory");
}


TEST(preloaded_image_crc_is_that_of_the_contents_in_memory)
{
	/* Only a test with the file can judge it: a flipped byte passes, with another CRC. */
	build_with_images();
	sMemory[IMAGES_PHYSICAL + 4] ^= 1;
	CHECK(run());
	CHECK(report_line("  [2] module \"/boot/module\" 0xffffffffc000d000 size 9 crc32 cbf43926")
		== NULL);
	CHECK(report_line("  [2] module \"/boot/module\" 0xffffffffc000d000 size 9 crc32 ")
		!= NULL);
}


TEST(preloaded_image_reserved_must_be_zero)
{
	kernel_args *args = build_with_images();
	args->preloaded_images[2].reserved = 0x1234;
	EXPECT_FAILURE(run(), "preloaded_images",
		"[2] \"/boot/module\": reserved 0x1234 is not 0");
}


TEST(preloaded_image_faults_fail)
{
	kernel_args *args = build_with_images();
	memset(args->preloaded_images[2].name, 'n', sizeof(args->preloaded_images[2].name));
	EXPECT_FAILURE(run(), "preloaded_images", "[2] name not NUL-terminated");

	args = build_with_images();
	args->preloaded_images[2].type = 7;
	EXPECT_FAILURE(run(), "preloaded_images", "[2] \"/boot/module\": unknown type 7");

	args = build_with_images();
	args->preloaded_images[2].size = 4 * PAGE;
	EXPECT_FAILURE(run(), "preloaded_images", "not inside a virtual allocated range");

	args = build_with_images();
	/* Its page is plain loader data now, which data_permissions notices first. */
	args->preloaded_images[2].address = KERNEL_LOAD_BASE;
	CHECK(!run());
	EXPECT_CHECK("preloaded_images", "FAIL ([2] \"/boot/module\": 0xffffffff80000000 size"
		" 0x9 not page aligned inside the data area)");

	args = build_with_images();
	args->preloaded_images[2].command_line = STACK_VIRTUAL + STACK_SIZE;
	EXPECT_FAILURE(run(), "preloaded_images",
		"[2] command_line 0xffffffffc000c000 not inside a virtual allocated range");

	args = build_with_images();
	args->preloaded_images[1].type = PRELOADED_KERNEL_SYMBOLS;
	EXPECT_FAILURE(run(), "preloaded_images",
		"2 symbol and 0 string tables, expected one of each or none");

	/* A symbol table without its strings: the kernel could name no symbol. */
	args = build_with_images();
	args->preloaded_images[1].type = PRELOADED_MODULE;
	EXPECT_FAILURE(run(), "preloaded_images",
		"1 symbol and 0 string tables, expected one of each or none");

	args = build_with_images();
	args->preloaded_images[0].command_line = args->preloaded_images[2].command_line;
	EXPECT_FAILURE(run(), "preloaded_images",
		"[0] \".symtab\": a symbol table with a command line");

	/* The module running on into the symbol table's page, each fine on its own. */
	args = build_with_images();
	args->preloaded_images[2].size = PAGE + args->preloaded_images[0].size;
	EXPECT_FAILURE(run(), "preloaded_images", "[0] and [2] overlap");

	args = build_with_images();
	args->num_preloaded_images = MAX_PRELOADED_IMAGES + 1;
	EXPECT_FAILURE(run(), "preloaded_images", "num_preloaded_images 17 exceeds 16");

	/* Past the module's 9 bytes, its page is the loader's to clear: the last byte. */
	build_with_images();
	sMemory[IMAGES_PHYSICAL + PAGE - 1] = 0xa5;
	EXPECT_FAILURE(run(), "preloaded_images", "[2] \"/boot/module\": byte 0xffffffffc000dfff"
		" after its end, in its last page, is 0xa5, not 0");
}


TEST(writable_preloaded_image_fails)
{
	build_with_images();
	table_set(PT_DATA, ARGS_PAGES + 5, IMAGES_PHYSICAL | PTE_DATA);
	EXPECT_FAILURE(run(), "data_permissions",
		"preloaded image 0xffffffffc000d000 is writable, expected read-only");
}


/* Rewrite symbol index of the fixture's table. */
static void
symbol_set(kernel_args *args, unsigned index, const Elf64_Sym *symbol)
{
	memcpy(sMemory + IMAGES_PHYSICAL + PAGE + index * sizeof(Elf64_Sym), symbol,
		sizeof(*symbol));
}


TEST(kernel_symbols_must_name_the_entry)
{
	kernel_args *args = build_with_images();
	Elf64_Sym symbol = { .st_name = 1, .st_info = 0x12, .st_value = KERNEL_LOAD_BASE + 4 };
	symbol_set(args, 1, &symbol);
	EXPECT_FAILURE(run(), "kernel_symbols",
		"_start is at 0xffffffff80000004, the entry at 0xffffffff80000010");

	args = build_with_images();
	symbol.st_name = 8;
	symbol_set(args, 1, &symbol);
	EXPECT_FAILURE(run(), "kernel_symbols", "no symbol _start among 3 symbols");

	args = build_with_images();
	symbol.st_name = sizeof(kStrings);
	symbol_set(args, 2, &symbol);
	EXPECT_FAILURE(run(), "kernel_symbols",
		"symbol 2: name at 20 outside the string table of 20 bytes");

	args = build_with_images();
	args->preloaded_images[0].size = 2 * sizeof(Elf64_Sym) + 8;
	/* A loader zeroes the page past the size it reports. */
	memset(sMemory + IMAGES_PHYSICAL + PAGE + args->preloaded_images[0].size, 0,
		3 * sizeof(Elf64_Sym) - args->preloaded_images[0].size);
	EXPECT_FAILURE(run(), "kernel_symbols",
		"symbol table of 56 bytes is not made of 24-byte entries");
}


/* Names event i as name, keeping its time and detail. */
static void
rename_event(kernel_args *args, uint32_t i, const char *name)
{
	snprintf(args->boot_events[i].name, sizeof(args->boot_events[i].name), "%s", name);
}


TEST(timeline_faults_fail)
{
	kernel_args *args = build();
	args->cycle_counter_frequency = 500000;
	EXPECT_FAILURE(run(), "timeline", "cycle_counter_frequency 500000 Hz outside 1 MHz to 10 GHz");

	args = build();
	args->boot_events[3].cycles = args->boot_events[2].cycles - 1;
	EXPECT_FAILURE(run(), "timeline", "event 3 \"kernel loaded\" at cycle 1299999, before");

	/* A counter of a few MHz gives two events the same cycle: in order all the same. */
	args = build();
	args->boot_events[3].cycles = args->boot_events[2].cycles;
	CHECK(run());
	EXPECT_CHECK("timeline", "ok");

	/* The loader left the firmware before it built the kernel's page tables. */
	args = build();
	rename_event(args, 4, "ExitBootServices");
	rename_event(args, 5, "page tables built");
	EXPECT_FAILURE(run(), "timeline",
		"\"kernel loaded\", \"page tables built\" and \"ExitBootServices\" out of order");

	args = build();
	args->boot_events[4].name[0] = '\0';
	EXPECT_FAILURE(run(), "timeline", "event 4: name is empty");

	args = build();
	snprintf(args->boot_events[4].name, sizeof(args->boot_events[4].name), "page tables");
	EXPECT_FAILURE(run(), "timeline", "no event \"page tables built\"");

	args = build();
	args->boot_events[3].detail = 1;
	EXPECT_FAILURE(run(), "timeline", "\"kernel loaded\" says 1 bytes, the kernel has 20480");

	args = build();
	args->num_boot_events--;
	EXPECT_FAILURE(run(), "timeline", "no event \"kernel entry\"");

	args = build();
	args->num_boot_events = MAX_BOOT_EVENTS + 1;
	EXPECT_FAILURE(run(), "timeline", "num_boot_events 65 exceeds 64");
}


TEST(timeline_begins_with_the_loader_or_its_start_up_program)
{
	kernel_args *args = build();
	rename_event(args, 0, "console ready");
	rename_event(args, 1, "loader entry");
	EXPECT_FAILURE(run(), "timeline", "first event \"console ready\", expected \"loader entry\"");

	/* A packed loader's start-up program (docs/packing.md) comes first. */
	args = build();
	memmove(&args->boot_events[1], &args->boot_events[0],
		args->num_boot_events * sizeof(boot_event));
	args->num_boot_events++;
	args->boot_events[0].cycles = 900000;
	rename_event(args, 0, "start-up program");
	CHECK(run());

	rename_event(args, 1, "console ready");
	rename_event(args, 2, "loader entry");
	EXPECT_FAILURE(run(), "timeline",
		"second event \"console ready\", expected \"loader entry\"");
}


TEST(timeline_needs_firmware_exit_only_from_a_kernel)
{
	kernel_args *args = build();
	/* Drop "ExitBootServices": the hosted port has no firmware to leave. */
	args->boot_events[5] = args->boot_events[6];
	args->num_boot_events--;
	CHECK(run());

	struct bootcheck_cpu_state cpu = kernel_cpu();
	sEnvironment.cpu = &cpu;
	EXPECT_FAILURE(run(), "timeline", "no event \"ExitBootServices\"");

	build();
	sEnvironment.cpu = &cpu;
	cpu.cycles = TSC_LAST_EVENT - 1;
	EXPECT_FAILURE(run(), "timeline", "the kernel started at cycle 3999999, before the last"
		" event at 4000000");
}


static uint64_t sRandomState = 0x9e3779b97f4a7c15ULL;


static uint64_t
random_next(void)
{
	sRandomState ^= sRandomState << 13;
	sRandomState ^= sRandomState >> 7;
	sRandomState ^= sRandomState << 17;
	return sRandomState;
}


/* Values that are likely to get deep into the checks rather than fail the first. */
static uint64_t
random_value(void)
{
	static const uint64_t kNear[] = {
		0, 1, PAGE, MEMORY_SIZE, KERNEL_PHYSICAL_MAP_BASE, KERNEL_LOAD_BASE,
		KERNEL_DATA_BASE, STACK_VIRTUAL, UINT64_MAX, UINT64_MAX - PAGE + 1, ALLOCATED_END,
	};
	uint64_t choice = random_next();
	switch (choice % 4) {
		case 0:
			return random_next();
		case 1:
			return kNear[(choice >> 8) % (sizeof(kNear) / sizeof(kNear[0]))];
		case 2:
			return kNear[(choice >> 8) % (sizeof(kNear) / sizeof(kNear[0]))]
				+ (random_next() % 0x3000) - 0x1000;
		default:
			return random_next() & 0xff;
	}
}


/* The parts of kernel_args that are in use, where garbage is noticed. */
static uint64_t
random_field_offset(void)
{
	static const struct {
		size_t	offset;
		size_t	size;
	} kFields[] = {
		{ 0, offsetof(kernel_args, physical_memory_range) + 3 * sizeof(addr_range) },
		{ offsetof(kernel_args, physical_allocated_range), 3 * sizeof(addr_range) },
		{ offsetof(kernel_args, virtual_allocated_range), 5 * sizeof(addr_range) },
		{ offsetof(kernel_args, kernel), sizeof(kernel_image) },
		{ offsetof(kernel_args, cpu_kernel_stack), offsetof(kernel_args, reserved)
			- offsetof(kernel_args, cpu_kernel_stack) },
	};
	uint64_t choice = random_next();
	size_t field = (size_t)(choice % (sizeof(kFields) / sizeof(kFields[0])));
	return kFields[field].offset + (choice >> 8) % kFields[field].size;
}


/* One of the page table entries build_page_tables() filled in. */
static uint64_t
random_table_entry(void)
{
	static const struct {
		uint64_t	table;
		unsigned	index;
	} kEntries[] = {
		{ PML4, 256 }, { PML4, 511 }, { PDPT_PHYSMAP, 0 }, { PD_PHYSMAP, 0 },
		{ PD_PHYSMAP, 1 }, { PDPT_KERNEL, 510 }, { PDPT_KERNEL, 511 }, { PD_WINDOW, 0 },
		{ PT_WINDOW, 0 }, { PT_WINDOW, 2 }, { PD_DATA, 0 }, { PT_DATA, 0 }, { PT_DATA, 2 },
		{ PT_DATA, 3 }, { PT_DATA, ARGS_PAGES + 2 },
	};
	uint64_t choice = random_next() % (sizeof(kEntries) / sizeof(kEntries[0]));
	return kEntries[choice].table + kEntries[choice].index * sizeof(uint64_t);
}


/* Garbage in kernel_args or in the page tables ends in FAIL, never in a crash. */
TEST(garbage_never_crashes)
{
	const int rounds = 4000;
	int failures = 0;
	for (int round = 0; round < rounds; round++) {
		build();
		int writes = 1 + (int)(random_next() % 4);
		for (int i = 0; i < writes; i++) {
			/* Mostly kernel_args, sometimes the page tables. */
			uint64_t where = random_next() % 6 != 0 ? ARGS_PHYSICAL + random_field_offset()
				: random_table_entry();
			memory_write64(where & ~7ULL, random_value());
		}
		bool passed = run();
		failures += !passed;
		CHECK(report_line(passed ? "BOOTCHECK PASS" : "BOOTCHECK FAIL: ") != NULL);
		CHECK(report_line("bootcheck: ") != NULL);
	}
	/* A checker that passed everything would make this test vacuous. */
	CHECK(failures > rounds / 2);
}


TEST(kernel_segments_are_reported_with_the_crc_of_their_mapping)
{
	build();
	CHECK(run());
	const char *text = report_line("  segment [0] ");
	CHECK(text != NULL && strstr(text, " R-X crc32 ") != NULL);
	const char *data = report_line("  segment [2] ");
	CHECK(data != NULL && strstr(data, " RW- crc32 -\n") != NULL);

	/* A changed byte of code changes the reported CRC, and only a test with the file knows. */
	char before[160];
	snprintf(before, sizeof(before), "%.*s", (int)(strchr(text, '\n') - text), text);
	sMemory[SEGMENTS_PHYSICAL + 5] ^= 0x40;
	CHECK(run());
	text = report_line("  segment [0] ");
	CHECK(text != NULL && strncmp(text, before, strlen(before)) != 0);
}
