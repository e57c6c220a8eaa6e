/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the CPU list checks (kernel_args version 4): the fixture of
 * test_bootcheck.c with a second CPU listed, in each state the loader may
 * leave it in, and released through a fake machine that reports the way
 * the boot-check kernel's started CPUs do.
 */
#include <stdio.h>
#include <string.h>

#include "test_bootcheck.h"

#include "unit_test.h"

/* Where the fixture's CPU list is (test_bootcheck.c), and room for a mailbox after it. */
#define CPUS_PHYSICAL		(ARGS_PHYSICAL + 0x7000)
#define CPUS_VIRTUAL		(ARGS_VIRTUAL + 0x7000)
#define MAILBOX_OFFSET		0x100
/* A stack for the second CPU: a page of kernel_args' own, so its guard page is mapped. */
#define SECOND_STACK		(KERNEL_DATA_BASE + PAGE)

static struct bootcheck_cpu_state sCpu;
static struct bootcheck_machine sMachine;
static uint32_t sReleased;
/* Non-zero: the released CPU reports this CR3 instead of the boot CPU's. */
static uint64_t sReportedCr3;
/* The released CPU reports no NX, or NX without EFER.NXE (bit 11). */
static bool sReportsNoNx;
static bool sReportsNxOff;
/* Non-negative: the released CPU reports this CPU number instead of its own. */
static int64_t sReportedIndex;
#define EFER_NXE			(1ULL << 11)


static kernel_cpu_entry *
cpu_entry(uint32_t index)
{
	return (kernel_cpu_entry *)bootcheck_fixture_physical(CPUS_PHYSICAL)
		+ index;
}


static kernel_cpu_mailbox *
mailbox(void)
{
	return (kernel_cpu_mailbox *)bootcheck_fixture_physical(CPUS_PHYSICAL + MAILBOX_OFFSET);
}


/* A CPU that answers its release as the kernel's kernel_ap_main does, from the list's stack. */
static bool
fake_release(void *cookie, uint64_t address, uint32_t index, uint64_t timeout,
	struct bootcheck_cpu_report *report)
{
	sReleased++;
	if (address != CPUS_VIRTUAL + MAILBOX_OFFSET)
		return false;
	mailbox()->state = KERNEL_MAILBOX_RELEASED;
	*report = (struct bootcheck_cpu_report){
		.argument = 0x1234,
		.stack_pointer = mailbox()->stack_top - 8,
		.cpu_index = sReportedIndex >= 0 ? (uint32_t)sReportedIndex : index,
		.done = 1,
		.cpu = sCpu,
	};
	report->cpu.apic_id = (uint32_t)cpu_entry(index)->hardware_id;
	report->cpu.x2apic_id = BOOTCHECK_NO_X2APIC_ID;
	if (sReportedCr3 != 0)
		report->cpu.cr3 = sReportedCr3;
	if (sReportsNoNx)
		report->cpu.has_no_execute = false;
	if (sReportsNoNx || sReportsNxOff)
		report->cpu.efer &= ~EFER_NXE;
	return true;
}


/* The fixture with a second CPU of id 5 in state, as the kernel sees it. */
static kernel_args *
build_two(uint32_t state)
{
	kernel_args *args = bootcheck_fixture_build();
	sCpu = bootcheck_fixture_cpu();
	sMachine = (struct bootcheck_machine){ .release_cpu = fake_release };
	sReleased = 0;
	sReportedCr3 = 0;
	sReportsNoNx = false;
	sReportsNxOff = false;
	sReportedIndex = -1;
	struct bootcheck_environment *environment = bootcheck_fixture_environment();
	environment->cpu = &sCpu;
	environment->machine = &sMachine;

	args->num_cpus = 2;
	*cpu_entry(1) = (kernel_cpu_entry){ .hardware_id = 5, .state = state };
	if (state == KERNEL_CPU_STARTED) {
		args->cpu_count = 2;
		cpu_entry(1)->stack = (addr_range){ SECOND_STACK, PAGE };
		cpu_entry(1)->mailbox = CPUS_VIRTUAL + MAILBOX_OFFSET;
		*mailbox() = (kernel_cpu_mailbox){
			.stack_top = SECOND_STACK + PAGE,
			.hardware_id = 5,
			.cpu_index = 1,
			.state = KERNEL_MAILBOX_PARKED,
		};
	}
	return args;
}


TEST(a_disabled_cpu_passes_only_with_disable_smp)
{
	kernel_args *args = build_two(KERNEL_CPU_DISABLED);
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus",
		"cpus[1] is disabled, but the boot options have no disable_smp");
	args = build_two(KERNEL_CPU_DISABLED);
	args->boot_options = BOOT_OPTION_DISABLE_SMP;
	bool passed = bootcheck_fixture_run();
	EXPECT_CHECK("cpus", "ok");
	EXPECT_CHECK("cpus_released", "ok");
	CHECK(passed);
	CHECK_EQ(sReleased, 0);
}


TEST(a_failed_cpu_does_not_count_and_has_no_mailbox)
{
	kernel_args *args = build_two(KERNEL_CPU_FAILED);
	CHECK(bootcheck_fixture_run());
	args->cpu_count = 2;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus", "cpu_count is 2, but 1 CPUs run");
	args = build_two(KERNEL_CPU_FAILED);
	cpu_entry(1)->mailbox = CPUS_VIRTUAL + MAILBOX_OFFSET;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus", "cpus[1] is failed but has mailbox");
	args = build_two(KERNEL_CPU_FAILED);
	cpu_entry(1)->stack = (addr_range){ SECOND_STACK, PAGE };
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus",
		"cpus[1] is failed but has mailbox 0, stack size 0x1000");

	/* A state after the last the ABI names is none. */
	build_two(KERNEL_CPU_OFFLINE + 1);
	char reason[64];
	snprintf(reason, sizeof(reason), "cpus[1]: invalid state %u", KERNEL_CPU_OFFLINE + 1);
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus", reason);
}


TEST(cpu_list_header_and_boot_entry_are_checked)
{
	kernel_args *args = build_two(KERNEL_CPU_OFFLINE);
	args->num_cpus = 0;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus", "num_cpus is 0, must be 1..4096");
	args = build_two(KERNEL_CPU_OFFLINE);
	args->cpu_entry_size = 8;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus", "cpu_entry_size 8, must be");
	args = build_two(KERNEL_CPU_OFFLINE);
	cpu_entry(0)->hardware_id = 3;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus", "cpus[0] has id 0x3, boot_cpu_id is 0");
	args = build_two(KERNEL_CPU_OFFLINE);
	cpu_entry(1)->hardware_id = 0;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus", "cpus[0] and cpus[1] have id 0");
}


TEST(a_started_cpu_must_be_parked_on_its_own_mailbox)
{
	build_two(KERNEL_CPU_STARTED);
	mailbox()->state = KERNEL_MAILBOX_STARTING;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus",
		"cpus[1]: mailbox state 0, entry 0: the CPU is not parked");
	build_two(KERNEL_CPU_STARTED);
	mailbox()->cpu_index = 2;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus", "cpus[1]: mailbox says index 2");
	kernel_args *args = build_two(KERNEL_CPU_STARTED);
	args->boot_options = BOOT_OPTION_DISABLE_SMP;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus", "cpus[1] was started under disable_smp");
	build_two(KERNEL_CPU_STARTED);
	cpu_entry(1)->stack = (addr_range){ STACK_VIRTUAL, PAGE };
	mailbox()->stack_top = STACK_VIRTUAL + PAGE;
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpus", "overlaps the boot CPU's");
}


/* Its stack's guard page is kernel_args' first page: mapped, which cpu_stacks refuses. */
TEST(a_started_cpu_is_released_and_its_stack_needs_a_guard)
{
	build_two(KERNEL_CPU_STARTED);
	EXPECT_FAILURE(bootcheck_fixture_run(), "cpu_stacks",
		"cpus[1]: guard page 0xffffffffc0000000 below the stack is mapped");
	EXPECT_CHECK("cpus", "ok");
	EXPECT_CHECK("cpus_released", "ok");
	CHECK_EQ(sReleased, 1);
}


TEST(a_released_cpu_must_report_from_where_the_list_says)
{
	build_two(KERNEL_CPU_STARTED);
	mailbox()->stack_top += 16;
	bootcheck_fixture_run();
	EXPECT_CHECK("cpus", "FAIL (cpus[1]: mailbox says index 1, id 0x5, stack top");
	build_two(KERNEL_CPU_STARTED);
	sReportedCr3 = 0x5000;
	bootcheck_fixture_run();
	EXPECT_CHECK("cpus_released", "FAIL (CPU 0x5 runs on CR3 0x5000, not 0x1000)");
	build_two(KERNEL_CPU_STARTED);
	sReportedIndex = 0;
	bootcheck_fixture_run();
	EXPECT_CHECK("cpus_released", "FAIL (cpus[1] was entered with CPU number 0)");
}


/* A started CPU's stack is data: writable, and not executable where NX is on. */
TEST(a_started_cpus_stack_must_not_be_executable)
{
	build_two(KERNEL_CPU_STARTED);
	uint64_t entry = (ARGS_PHYSICAL + PAGE) | PTE_PRESENT_WRITE;
	memcpy(bootcheck_fixture_physical(PT_DATA + 8), &entry, sizeof(entry));
	/* The page is kernel_args' too, which data_permissions finds first. */
	CHECK(!bootcheck_fixture_run());
	EXPECT_CHECK("cpu_stacks",
		"FAIL (cpus[1]: stack page 0xffffffffc0001000 is not read-write and no-execute)");
}


TEST(a_released_cpu_needs_efer_nxe_only_when_it_has_nx)
{
	build_two(KERNEL_CPU_STARTED);
	sReportsNoNx = true;
	bootcheck_fixture_run();
	EXPECT_CHECK("cpus_released", "ok");

	build_two(KERNEL_CPU_STARTED);
	sReportsNxOff = true;
	bootcheck_fixture_run();
	EXPECT_CHECK("cpus_released", "FAIL (CPU 0x5 has NX, but EFER.NXE is clear)");
}
