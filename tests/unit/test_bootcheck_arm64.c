/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the arm64 boot checker (src/system/kernel/arch/arm64),
 * compiled for the build machine: a consistent kernel_args with arm64
 * translation tables built by hand in a fake physical memory passes, with
 * and without a CPU to ask, and each single fault fails the check about it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../../src/system/kernel/checks.h"

#include "unit_test.h"


_Static_assert(KERNEL_PAGE_SIZE == 0x1000, "the fixture assumes 4 KiB pages");
#define PAGE				KERNEL_PAGE_SIZE
#define BLOCK_2M			0x200000ULL
#define GIGABYTE			0x40000000ULL
#define MEMORY_SIZE			0x400000ULL		/* fake physical memory, all RAM: 4 MiB */
#define UART				0x09000000ULL	/* QEMU virt's PL011: no RAM, no map entry */
#define OUTPUT_SIZE			65536

/* Where things are in the fake physical memory. */
#define LEVEL0_HIGH			0x1000ULL		/* TTBR1 */
#define LEVEL0_LOW			0x2000ULL		/* TTBR0 */
#define LEVEL1_LINEAR		0x3000ULL		/* the first GiB, shared by both linear maps */
#define LEVEL2_LINEAR		0x4000ULL
#define LEVEL1_KERNEL		0x5000ULL
#define LEVEL2_WINDOW		0x6000ULL
#define LEVEL3_WINDOW		0x7000ULL
#define LEVEL2_DATA			0x8000ULL
#define LEVEL3_DATA			0x9000ULL
#define SEGMENTS_PHYSICAL	0xa000ULL		/* text, rodata, data: one page each */
#define ARGS_PHYSICAL		0xd000ULL
#define ARGS_PAGES			8
#define MISC_PHYSICAL		0x15000ULL		/* log, loader name, command line */
#define STACK_PHYSICAL		0x16000ULL		/* two pages */
#define ALLOCATED_END		0x18000ULL
#define SPARE_TABLE			0x20000ULL		/* a table page the loader did not allocate */

/* And where the kernel sees them; the page between args and stack is the guard. */
#define ARGS_VIRTUAL		KERNEL_DATA_BASE
#define DATA_PAGES			(ARGS_PAGES + 1)
#define MISC_VIRTUAL		(KERNEL_DATA_BASE + ARGS_PAGES * PAGE)
#define STACK_VIRTUAL		(KERNEL_DATA_BASE + (DATA_PAGES + 1) * PAGE)
#define STACK_SIZE			(2 * PAGE)

/* Descriptor bits (arm64_paging.h has the checker's own names). */
#define VALID				0x1ULL
#define TABLE				0x3ULL			/* table, or page at level 3 */
#define ATTR_NORMAL			(0ULL << 2)
#define ATTR_DEVICE			(2ULL << 2)
#define EL0					(1ULL << 6)
#define READ_ONLY			(1ULL << 7)
#define INNER_SHAREABLE		(3ULL << 8)
#define ACCESSED			(1ULL << 10)
#define PXN					(1ULL << 53)
#define UXN					(1ULL << 54)
#define TABLE_PXN			(1ULL << 59)
#define TABLE_UXN			(1ULL << 60)
#define TABLE_READ_ONLY		(1ULL << 62)
#define RAM_BLOCK			(VALID | ATTR_NORMAL | INNER_SHAREABLE | ACCESSED | PXN | UXN)
#define DEVICE_BLOCK		(VALID | ATTR_DEVICE | ACCESSED | PXN | UXN)
#define PAGE_DATA			(TABLE | ATTR_NORMAL | INNER_SHAREABLE | ACCESSED | PXN | UXN)
#define PAGE_TEXT			(TABLE | ATTR_NORMAL | INNER_SHAREABLE | ACCESSED | READ_ONLY \
	| UXN)
#define PAGE_RODATA			(PAGE_DATA | READ_ONLY)

/* T0SZ = T1SZ = 16, TG0 4 KiB, TG1 4 KiB, IPS 48 bits. */
#define TCR_VALUE			(16ULL | 16ULL << 16 | 2ULL << 30 | 5ULL << 32)
#define COUNTER_FREQUENCY	62500000ULL
#define LAST_EVENT			4000000ULL

static const char kLog[] = "efi: first\nboot: generic loader started\nboot: starting kernel\n";
static const char kLoaderName[] = "test loader";
static const char kCommandLine[] = "quiet";

static const struct {
	const char	*name;
	uint64_t	cycles;
	uint64_t	detail;
} kEvents[] = {
	{ "loader entry", 1000000, 0 }, { "console ready", 1200000, 0 },
	{ "heap ready", 1300000, 0 }, { "kernel loaded", 2000000, 0x5000 },
	{ "page tables built", 3000000, 0 }, { "ExitBootServices", 3900000, 0 },
	{ "kernel entry", LAST_EVENT, 0 },
};
#define EVENT_COUNT			(sizeof(kEvents) / sizeof(kEvents[0]))

static const memory_map_entry kMemoryMap[] = {
	{ .start = 0, .size = LEVEL0_HIGH, .type = KERNEL_MEMORY_USABLE },
	{ .start = LEVEL0_HIGH, .size = SEGMENTS_PHYSICAL - LEVEL0_HIGH,
		.type = KERNEL_MEMORY_LOADER_RECLAIMABLE },
	{ .start = SEGMENTS_PHYSICAL, .size = 3 * PAGE, .type = KERNEL_MEMORY_KERNEL_AND_MODULES },
	{ .start = ARGS_PHYSICAL, .size = ALLOCATED_END - ARGS_PHYSICAL,
		.type = KERNEL_MEMORY_LOADER_RECLAIMABLE },
	{ .start = ALLOCATED_END, .size = MEMORY_SIZE - ALLOCATED_END,
		.type = KERNEL_MEMORY_USABLE },
};
#define MEMORY_MAP_COUNT	(sizeof(kMemoryMap) / sizeof(kMemoryMap[0]))

static uint8_t sMemory[MEMORY_SIZE] __attribute__((aligned(4096)));
static struct bootcheck_environment sEnvironment;
static struct bootcheck_cpu_state sCpu;
static char sOutput[OUTPUT_SIZE];
static size_t sOutputLength;


static bool
fake_read_physical(void *cookie, uint64_t address, void *buffer, size_t size)
{
	(void)cookie;
	if (address > MEMORY_SIZE || size > MEMORY_SIZE - address)
		return false;
	memcpy(buffer, sMemory + address, size);
	return true;
}


/* The kernel's view, independent of the tables under test. */
static bool
fake_read_virtual(void *cookie, uint64_t address, void *buffer, size_t size)
{
	static const struct {
		uint64_t	start;
		uint64_t	size;
		uint64_t	physical;
	} kRegions[] = {
		{ KERNEL_PHYSICAL_MAP_BASE, MEMORY_SIZE, 0 },
		{ KERNEL_LOAD_BASE, 3 * PAGE, SEGMENTS_PHYSICAL },
		{ KERNEL_DATA_BASE, DATA_PAGES * PAGE, ARGS_PHYSICAL },
		{ STACK_VIRTUAL, STACK_SIZE, STACK_PHYSICAL },
	};
	for (size_t i = 0; i < sizeof(kRegions) / sizeof(kRegions[0]); i++) {
		uint64_t offset = address - kRegions[i].start;
		if (address >= kRegions[i].start && offset <= kRegions[i].size
			&& size <= kRegions[i].size - offset) {
			return fake_read_physical(cookie, kRegions[i].physical + offset, buffer, size);
		}
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
table_set(uint64_t table, unsigned index, uint64_t value)
{
	memcpy(sMemory + table + index * sizeof(uint64_t), &value, sizeof(value));
}


static uint64_t
table_get(uint64_t table, unsigned index)
{
	uint64_t value;
	memcpy(&value, sMemory + table + index * sizeof(uint64_t), sizeof(value));
	return value;
}


static kernel_args *
fake_args(void)
{
	return (kernel_args *)(sMemory + ARGS_PHYSICAL);
}


/*
 * Both linear maps share the first GiB's tables: 2 MiB blocks, RAM for the
 * fake memory and Device beyond (the GiB mixes them, so no 1 GiB block).
 */
static void
build_tables(void)
{
	table_set(LEVEL0_HIGH, 0, LEVEL1_LINEAR | TABLE);
	table_set(LEVEL0_LOW, 0, LEVEL1_LINEAR | TABLE);
	table_set(LEVEL1_LINEAR, 0, LEVEL2_LINEAR | TABLE);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t address = i * BLOCK_2M;
		table_set(LEVEL2_LINEAR, i, address | (address < MEMORY_SIZE ? RAM_BLOCK : DEVICE_BLOCK));
	}

	/* KERNEL_LOAD_BASE and KERNEL_DATA_BASE: level 0 entry 511, level 1 entries 510, 511. */
	table_set(LEVEL0_HIGH, 511, LEVEL1_KERNEL | TABLE);
	table_set(LEVEL1_KERNEL, 510, LEVEL2_WINDOW | TABLE);
	table_set(LEVEL2_WINDOW, 0, LEVEL3_WINDOW | TABLE);
	table_set(LEVEL3_WINDOW, 0, SEGMENTS_PHYSICAL | PAGE_TEXT);
	table_set(LEVEL3_WINDOW, 1, (SEGMENTS_PHYSICAL + PAGE) | PAGE_RODATA);
	table_set(LEVEL3_WINDOW, 2, (SEGMENTS_PHYSICAL + 2 * PAGE) | PAGE_DATA);
	table_set(LEVEL1_KERNEL, 511, LEVEL2_DATA | TABLE);
	table_set(LEVEL2_DATA, 0, LEVEL3_DATA | TABLE);
	for (unsigned i = 0; i < DATA_PAGES; i++)
		table_set(LEVEL3_DATA, i, (ARGS_PHYSICAL + i * PAGE) | PAGE_DATA);
	for (unsigned i = 0; i < 2; i++)
		table_set(LEVEL3_DATA, DATA_PAGES + 1 + i, (STACK_PHYSICAL + i * PAGE) | PAGE_DATA);
}


static void
build_kernel_image(kernel_image *kernel)
{
	snprintf(kernel->name, sizeof(kernel->name), "/boot/kernel");
	kernel->entry = KERNEL_LOAD_BASE;
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
}


static void
build_arch(struct arch_kernel_args *arch)
{
	arch->ttbr1 = LEVEL0_HIGH;
	arch->ttbr0 = LEVEL0_LOW;
	arch->identity_map_size = GIGABYTE;
	arch->mair = ARM64_MAIR_VALUE;
	arch->tcr = TCR_VALUE;
	arch->uart_physical = UART;
	arch->uart_kind = ARM64_UART_PL011;
	arch->entry_el = 2;
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


/* What a correct arm64 loader hands over, without firmware tables. */
static kernel_args *
build(void)
{
	memset(sMemory, 0, sizeof(sMemory));
	build_tables();

	kernel_args *args = fake_args();
	args->magic = KERNEL_ARGS_MAGIC;
	args->version = KERNEL_ARGS_VERSION;
	args->kernel_args_size = sizeof(kernel_args);
	args->self = ARGS_VIRTUAL;
	args->loader_name = MISC_VIRTUAL + 0x800;
	args->cpu_count = 1;
	args->num_physical_memory_ranges = 1;
	args->physical_memory_range[0] = (addr_range){ 0, MEMORY_SIZE };
	args->num_physical_allocated_ranges = 1;
	args->physical_allocated_range[0] = (addr_range){ LEVEL0_HIGH,
		ALLOCATED_END - LEVEL0_HIGH };
	args->num_virtual_allocated_ranges = 4;
	args->virtual_allocated_range[0] = (addr_range){ KERNEL_PHYSICAL_MAP_BASE, GIGABYTE };
	args->virtual_allocated_range[1] = (addr_range){ KERNEL_LOAD_BASE, 3 * PAGE };
	args->virtual_allocated_range[2] = (addr_range){ KERNEL_DATA_BASE, DATA_PAGES * PAGE };
	args->virtual_allocated_range[3] = (addr_range){ STACK_VIRTUAL, STACK_SIZE };
	args->num_memory_map_entries = MEMORY_MAP_COUNT;
	memcpy(args->memory_map, kMemoryMap, sizeof(kMemoryMap));
	build_kernel_image(&args->kernel);
	args->cpu_kernel_stack[0] = (addr_range){ STACK_VIRTUAL, STACK_SIZE };
	build_cpus(args);
	args->physical_map_base = KERNEL_PHYSICAL_MAP_BASE;
	args->physical_map_size = GIGABYTE;
	args->log_address = MISC_VIRTUAL;
	args->log_size = sizeof(kLog) - 1;
	memcpy(sMemory + MISC_PHYSICAL, kLog, sizeof(kLog) - 1);
	memcpy(sMemory + MISC_PHYSICAL + 0x800, kLoaderName, sizeof(kLoaderName));
	memcpy(sMemory + MISC_PHYSICAL + 0xa00, kCommandLine, sizeof(kCommandLine));
	args->command_line = MISC_VIRTUAL + 0xa00;
	args->cycle_counter_frequency = COUNTER_FREQUENCY;
	args->num_boot_events = EVENT_COUNT;
	for (unsigned i = 0; i < EVENT_COUNT; i++) {
		snprintf(args->boot_events[i].name, sizeof(args->boot_events[i].name), "%s",
			kEvents[i].name);
		args->boot_events[i].cycles = kEvents[i].cycles;
		args->boot_events[i].detail = kEvents[i].detail;
	}
	build_arch(&args->arch_args);

	/* A CPU in the state the contract asks for, for the tests that give one. */
	sCpu = (struct bootcheck_cpu_state){
		.exception_level = 1, .daif = 0xf, .sctlr = 0x30d0180d, .ttbr0 = LEVEL0_LOW,
		.ttbr1 = LEVEL0_HIGH, .mair = ARM64_MAIR_VALUE, .tcr = TCR_VALUE, .mpidr = 0x80000000,
		.cpacr = 3 << 20, .pfr0 = 0x1122, .mmfr0 = 0x1125,
		.counter_frequency = COUNTER_FREQUENCY, .cycles = LAST_EVENT + 1,
	};
	sEnvironment = (struct bootcheck_environment){
		.args = args,
		.received_args = ARGS_VIRTUAL,
		.initial_stack_pointer = STACK_VIRTUAL + STACK_SIZE,
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
	return bootcheck_run(&sEnvironment);
}


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


/* The check's line starts with status ("ok", "FAIL (reason"...) after its name. */
static void
expect_check(const char *name, const char *status, int line)
{
	char prefix[80];
	snprintf(prefix, sizeof(prefix), "CHECK %s: ", name);
	const char *rest = report_line(prefix);
	if (rest == NULL || strncmp(rest, status, strlen(status)) != 0) {
		printf("%s", sOutput);
		unit_fail(__FILE__, line, "check %s is not \"%s\"", name, status);
	}
}


/* The run failed and check name failed first, for reason. */
static void
expect_failure(bool passed, const char *name, const char *reason, int line)
{
	char prefix[80];
	snprintf(prefix, sizeof(prefix), "BOOTCHECK FAIL: %s: ", name);
	const char *verdict = report_line(prefix);
	if (passed || verdict == NULL || strstr(verdict, reason) == NULL
		|| strchr(verdict, '\n') < strstr(verdict, reason)) {
		printf("%s", sOutput);
		unit_fail(__FILE__, line, "expected %s to fail first with \"%s\"", name, reason);
	}
}

#define EXPECT_CHECK(name, status)	expect_check(name, status, __LINE__)
#define EXPECT_FAILURE(name, reason)	expect_failure(run(), name, reason, __LINE__)


static void
expect_pass(int line)
{
	if (!run() || report_line("BOOTCHECK PASS") == NULL) {
		printf("%s", sOutput);
		unit_fail(__FILE__, line, "expected BOOTCHECK PASS");
	}
}

#define EXPECT_PASS()	expect_pass(__LINE__)


TEST(consistent_args_pass_without_a_cpu)
{
	build();
	EXPECT_PASS();
	static const char *const kChecked[] = { "page_directory", "mair", "tcr", "physical_map",
		"page_tables", "segment_translation", "segment_permissions", "data_permissions",
		"physical_map_pages", "stack_guard", "el0_no_access", "memory_attributes", "uart",
		"loader_pages" };
	for (size_t i = 0; i < sizeof(kChecked) / sizeof(kChecked[0]); i++)
		EXPECT_CHECK(kChecked[i], "ok");
	EXPECT_CHECK("exception_level", "skipped (");
	EXPECT_CHECK("large_pages", "skipped (");
}


TEST(consistent_args_pass_with_the_cpu_the_contract_asks_for)
{
	build();
	sEnvironment.cpu = &sCpu;
	EXPECT_PASS();
	static const char *const kChecked[] = { "self", "exception_level", "interrupts_masked",
		"system_control", "translation_bases", "counter_frequency", "boot_cpu_id",
		"cpu_protection", "large_pages", "timeline" };
	for (size_t i = 0; i < sizeof(kChecked) / sizeof(kChecked[0]); i++)
		EXPECT_CHECK(kChecked[i], "ok");
}


TEST(walk_translates_both_halves_as_the_mmu_does)
{
	build();
	struct kcheck_context context = { .environment = &sEnvironment, .args = fake_args(),
		.page_root = LEVEL0_HIGH };
	struct kcheck_page page;
	CHECK_EQ(kcheck_page_walk(&context, KERNEL_LOAD_BASE + 0x123, &page), KCHECK_WALK_MAPPED);
	CHECK_EQ(page.physical, SEGMENTS_PHYSICAL + 0x123);
	CHECK_EQ(page.size, PAGE);
	CHECK(!page.writable && !page.no_execute);

	/* The identity map, through TTBR0: a 2 MiB block keeps the offset's low bits. */
	CHECK_EQ(kcheck_page_walk(&context, 0x345678, &page), KCHECK_WALK_MAPPED);
	CHECK_EQ(page.physical, 0x345678);
	CHECK_EQ(page.size, BLOCK_2M);
	CHECK(page.writable && page.no_execute);

	/* Neither half: a translation fault. */
	CHECK_EQ(kcheck_page_walk(&context, 0x0001000000000000ULL, &page),
		KCHECK_WALK_NOT_PRESENT);
	/* A level 0 block and a level 3 0b01 do not exist with 4 KiB granules. */
	table_set(LEVEL0_LOW, 1, 0x8000000000ULL | RAM_BLOCK);
	CHECK_EQ(kcheck_page_walk(&context, 0x8000000000ULL, &page), KCHECK_WALK_NOT_PRESENT);
	table_set(LEVEL3_WINDOW, 0, SEGMENTS_PHYSICAL | (PAGE_TEXT & ~0x2ULL));
	CHECK_EQ(kcheck_page_walk(&context, KERNEL_LOAD_BASE, &page), KCHECK_WALK_NOT_PRESENT);
}


TEST(permissions_combine_every_level)
{
	build();
	table_set(LEVEL3_WINDOW, 0, SEGMENTS_PHYSICAL | (PAGE_TEXT & ~READ_ONLY));
	EXPECT_FAILURE("segment_permissions", "segment [0] 0xffffffff80000000 is writable,"
		" expected read-only");

	build();
	table_set(LEVEL2_WINDOW, 0, LEVEL3_WINDOW | TABLE | TABLE_READ_ONLY);
	EXPECT_FAILURE("segment_permissions", "segment [2] 0xffffffff80002000 is read-only,"
		" expected writable");

	build();
	table_set(LEVEL1_KERNEL, 510, LEVEL2_WINDOW | TABLE | TABLE_PXN);
	EXPECT_FAILURE("segment_permissions", "segment [0] 0xffffffff80000000 is NX,"
		" expected executable");

	/* What EL0 may write, EL1 may not execute. */
	build();
	table_set(LEVEL3_WINDOW, 0, SEGMENTS_PHYSICAL | (PAGE_TEXT & ~READ_ONLY) | EL0);
	EXPECT_FAILURE("segment_permissions", "is NX, expected executable");
}


TEST(nothing_in_the_kernel_half_is_el0s)
{
	build();
	table_set(LEVEL3_WINDOW, 0, SEGMENTS_PHYSICAL | (PAGE_TEXT & ~UXN));
	EXPECT_FAILURE("el0_no_access", "0xffffffff80000000 is executable from EL0, UXN clear");

	/* UXNTable covers everything below it. */
	table_set(LEVEL2_WINDOW, 0, LEVEL3_WINDOW | TABLE | TABLE_UXN);
	EXPECT_PASS();

	build();
	table_set(LEVEL3_WINDOW, 1, (SEGMENTS_PHYSICAL + PAGE) | PAGE_RODATA | EL0);
	EXPECT_FAILURE("el0_no_access", "0xffffffff80001000 is accessible from EL0");

	build();
	table_set(LEVEL2_LINEAR, 100, 100 * BLOCK_2M | (DEVICE_BLOCK & ~UXN));
	EXPECT_FAILURE("el0_no_access", "0xffff00000c800000 is executable from EL0");
}


TEST(memory_attributes_follow_the_memory_map)
{
	build();
	table_set(LEVEL2_LINEAR, 1, BLOCK_2M | (RAM_BLOCK & ~ATTR_NORMAL) | ATTR_DEVICE);
	EXPECT_FAILURE("memory_attributes", "the block at 0xffff000000200000 (physical 0x200000,"
		" 0x200000 bytes) is Device-nGnRE, but 0x18000-0x400000 is usable");

	/* The UART is in no map entry: device memory. */
	build();
	table_set(LEVEL2_LINEAR, 72, 72 * BLOCK_2M | (DEVICE_BLOCK & ~ATTR_DEVICE));
	EXPECT_FAILURE("memory_attributes", "is Normal write-back, but 0x9000000 is not RAM");
	EXPECT_CHECK("uart", "FAIL (the UART's page 0xffff000009000000 is mapped Normal");

	build();
	table_set(LEVEL3_DATA, 3, (ARGS_PHYSICAL + 3 * PAGE) | (PAGE_DATA & ~ACCESSED));
	EXPECT_FAILURE("memory_attributes", "0xffffffffc0003000 has the access flag clear");

	build();
	table_set(LEVEL3_WINDOW, 1, (SEGMENTS_PHYSICAL + PAGE) | PAGE_RODATA | ATTR_DEVICE);
	EXPECT_FAILURE("memory_attributes", "0xffffffff80001000 is Device-nGnRE, expected Normal");
}


TEST(uart_faults_fail)
{
	build();
	fake_args()->arch_args.uart_physical = 0x100000;
	EXPECT_FAILURE("uart", "uart_physical 0x100000 lies in RAM");

	build();
	fake_args()->arch_args.uart_kind = 7;
	EXPECT_FAILURE("uart", "uart_kind 7 is unknown");

	build();
	fake_args()->arch_args.uart_physical = 2 * GIGABYTE;
	EXPECT_FAILURE("uart", "uart_physical 0x80000000 is not inside the physical map");

	build();
	fake_args()->arch_args.uart_kind = ARM64_UART_NONE;
	EXPECT_FAILURE("uart", "uart_kind none with uart_physical 0x9000000");
	fake_args()->arch_args.uart_physical = 0;
	EXPECT_PASS();
}


/* Smaller blocks only where the larger one would mix memory classes. */
TEST(linear_maps_use_the_largest_blocks)
{
	build();
	sEnvironment.cpu = &sCpu;
	/* 4 KiB pages for a 2 MiB that is device memory throughout. */
	table_set(LEVEL2_LINEAR, 3, SPARE_TABLE | TABLE);
	for (unsigned i = 0; i < 512; i++)
		table_set(SPARE_TABLE, i, (3 * BLOCK_2M + i * PAGE) | DEVICE_BLOCK | 0x2);
	bool passed = run();
	EXPECT_CHECK("large_pages", "FAIL (physical map: 0xffff000000600000 is in a page of"
		" 0x1000 bytes, but 0x600000-0x800000 is all device memory");
	CHECK(!passed);
}


TEST(table_roots_and_registers_are_checked)
{
	build();
	fake_args()->arch_args.ttbr0 = LEVEL0_HIGH;
	EXPECT_FAILURE("page_directory", "ttbr0 and ttbr1 share the table 0x1000");

	build();
	fake_args()->arch_args.ttbr1 = SPARE_TABLE;
	EXPECT_FAILURE("page_directory", "ttbr1 table 0x20000 not inside a physical allocated");

	build();
	fake_args()->arch_args.mair = 0xffbb4400;
	EXPECT_FAILURE("mair", "arch_args.mair 0xffbb4400, the ABI says 0x440400ff");

	build();
	fake_args()->arch_args.tcr = TCR_VALUE + (9ULL << 16);
	EXPECT_FAILURE("tcr", "TTBR1 is not a 48-bit half with 4 KiB pages (T1SZ 25");

	build();
	fake_args()->arch_args.tcr = TCR_VALUE & ~(7ULL << 32);
	fake_args()->physical_map_size = 8 * GIGABYTE;
	fake_args()->virtual_allocated_range[0].size = 8 * GIGABYTE;
	EXPECT_FAILURE("tcr", "IPS 0 (32 bits) does not reach");
}


TEST(cpu_state_faults_fail)
{
	static const struct {
		const char	*check;
		const char	*reason;
		size_t		offset;
		uint64_t	value;
		size_t		size;
	} kFaults[] = {
		{ "exception_level", "the kernel runs at EL2",
			offsetof(struct bootcheck_cpu_state, exception_level), 2, 4 },
		{ "interrupts_masked", "DAIF 0x3",
			offsetof(struct bootcheck_cpu_state, daif), 3, 4 },
		{ "system_control", "SCTLR_EL1.M clear",
			offsetof(struct bootcheck_cpu_state, sctlr), 0x30d0180c, 8 },
		{ "system_control", "SCTLR_EL1.EE set",
			offsetof(struct bootcheck_cpu_state, sctlr), 0x32d0180d, 8 },
		{ "translation_bases", "TTBR1_EL1 0x5000",
			offsetof(struct bootcheck_cpu_state, ttbr1), LEVEL1_KERNEL, 8 },
		{ "mair", "MAIR_EL1 0xffbb4400",
			offsetof(struct bootcheck_cpu_state, mair), 0xffbb4400, 8 },
		{ "tcr", "TCR_EL1 0x",
			offsetof(struct bootcheck_cpu_state, tcr), TCR_VALUE | 1ULL << 36, 8 },
		{ "counter_frequency", "CNTFRQ_EL0 says 24000000 Hz",
			offsetof(struct bootcheck_cpu_state, counter_frequency), 24000000, 8 },
		{ "boot_cpu_id", "boot_cpu_id 0, MPIDR_EL1 0x80000101 has affinity 0x101",
			offsetof(struct bootcheck_cpu_state, mpidr), 0x80000101, 8 },
		{ "cpu_protection", "SCTLR_EL1.WXN set",
			offsetof(struct bootcheck_cpu_state, sctlr), 0x30d8180d, 8 },
		{ "cpu_protection", "the CPU has no 4 KiB granule",
			offsetof(struct bootcheck_cpu_state, mmfr0), 0xf0001125, 8 },
	};
	for (size_t i = 0; i < sizeof(kFaults) / sizeof(kFaults[0]); i++) {
		build();
		sEnvironment.cpu = &sCpu;
		memcpy((uint8_t *)&sCpu + kFaults[i].offset, &kFaults[i].value, kFaults[i].size);
		bool passed = run();
		if (passed || strstr(sOutput, kFaults[i].reason) == NULL)
			printf("%s", sOutput);
		CHECK(!passed);
		char prefix[80];
		snprintf(prefix, sizeof(prefix), "CHECK %s: FAIL (", kFaults[i].check);
		const char *line = report_line(prefix);
		CHECK(line != NULL && strstr(line, kFaults[i].reason) != NULL
			&& strstr(line, kFaults[i].reason) < strchr(line, '\n'));
	}
}


/* What walks every table: the loader's pages only, and both halves. */
TEST(every_table_is_loader_memory)
{
	build();
	uint64_t entry = table_get(LEVEL0_LOW, 0);
	CHECK_EQ(entry, LEVEL1_LINEAR | TABLE);
	table_set(LEVEL0_LOW, 2, SPARE_TABLE | TABLE);
	EXPECT_FAILURE("loader_pages", "0x20000");
}


/* A GIC CPU interface structure of the MADT (ACPI 6.5 5.2.12.14: 82 bytes). */
static void
gicc_entry(uint8_t *entry, uint8_t length, uint32_t flags, uint64_t mpidr)
{
	memset(entry, 0, length);
	entry[0] = 0x0b;
	entry[1] = length;
	memcpy(entry + 12, &flags, 4);
	memcpy(entry + 68, &mpidr, 8);
}


TEST(gicc_entries_name_cpus_by_affinity)
{
	uint8_t entry[82];
	uint64_t id = 0;
	uint32_t flags = 0;
	/* MPIDR's RES1 bit 31 and U bit 30 are no part of the id. */
	gicc_entry(entry, sizeof(entry), 1, 0x01c0000203ULL);
	CHECK(kcheck_arch_madt_cpu(entry, sizeof(entry), &id, &flags));
	CHECK_EQ(id, 0x0100000203ULL);
	CHECK_EQ(flags, KCHECK_MADT_CPU_ENABLED);
	/* Online capable is bit 3 in the GICC entry, bit 1 in the common flags. */
	gicc_entry(entry, 80, 1u << 3, 1);
	CHECK(kcheck_arch_madt_cpu(entry, 80, &id, &flags));
	CHECK_EQ(flags, KCHECK_MADT_CPU_ONLINE_CAPABLE);
	/* Neither flag: named, and the generic check leaves it out. */
	gicc_entry(entry, 76, 0, 2);
	CHECK(kcheck_arch_madt_cpu(entry, 76, &id, &flags));
	CHECK_EQ(flags, 0);
	/* Too short to hold the MPIDR, or another structure: no CPU. */
	gicc_entry(entry, 75, 1, 3);
	CHECK(!kcheck_arch_madt_cpu(entry, 75, &id, &flags));
	gicc_entry(entry, sizeof(entry), 1, 4);
	entry[0] = 0x0c;
	CHECK(!kcheck_arch_madt_cpu(entry, sizeof(entry), &id, &flags));
}


/* A released CPU's registers against the boot CPU's (cpus_released). */
TEST(a_released_cpu_must_run_as_the_boot_cpu_does)
{
	build();
	sEnvironment.cpu = &sCpu;
	sCpu.icc_sre = 0x7;
	struct kcheck_context context = { .environment = &sEnvironment, .args = fake_args() };
	char reason[200] = "";
	struct bootcheck_cpu_state other = sCpu;
	other.mpidr = 0x80000002;
	CHECK(kcheck_arch_cpu_report(&context, &other, 2, reason, sizeof(reason)));
	CHECK(!kcheck_arch_cpu_report(&context, &other, 3, reason, sizeof(reason)));
	CHECK(strstr(reason, "CPU 0x3 reported MPIDR 0x80000002") != NULL);
	other.ttbr1 ^= 0x1000;
	CHECK(!kcheck_arch_cpu_report(&context, &other, 2, reason, sizeof(reason)));
	CHECK(strstr(reason, "differ from the boot CPU's") != NULL);
	/* GICv3's system registers left to EL2 on one CPU only. */
	other.ttbr1 = sCpu.ttbr1;
	other.icc_sre = 0x6;
	CHECK(!kcheck_arch_cpu_report(&context, &other, 2, reason, sizeof(reason)));
	CHECK(strstr(reason, "CPU 0x2: ICC_SRE_EL1 0x6, the boot CPU's 0x7") != NULL);
}
