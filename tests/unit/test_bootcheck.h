/* SPDX-License-Identifier: MIT */
/*
 * The boot checker's test fixture, shared by the files of unit_bootcheck: a
 * consistent kernel_args with real x86_64 page tables in a fake physical
 * memory (built in test_bootcheck.c), and what a correct kernel finds at entry.
 */
#ifndef TEST_BOOTCHECK_H
#define TEST_BOOTCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "../../src/system/kernel/checks.h"


/* The kernel_args page; the literal addresses below are laid out in 4 KiB pages. */
_Static_assert(KERNEL_PAGE_SIZE == 0x1000, "the fixtures assume 4 KiB pages");
#define PAGE				KERNEL_PAGE_SIZE
#define MEMORY_SIZE			0x400000ULL		/* fake physical memory: 4 MiB */
#define LARGE_PAGE			0x200000ULL
#define PTE_PRESENT_WRITE	0x3ULL
#define PTE_PRESENT			0x1ULL
#define PTE_LARGE			0x80ULL
#define PTE_NO_EXECUTE		(1ULL << 63)
/* Leaf flags of data: read-write, not executable. */
#define PTE_DATA			(PTE_PRESENT_WRITE | PTE_NO_EXECUTE)

/* Where things are in the fake physical memory. */
#define PML4				0x1000ULL
#define PDPT_PHYSMAP		0x2000ULL
#define PD_PHYSMAP			0x3000ULL
#define PDPT_KERNEL			0x4000ULL
#define PD_WINDOW			0x5000ULL
#define PT_WINDOW			0x6000ULL
#define PD_DATA				0x7000ULL
#define PT_DATA				0x8000ULL
#define SEGMENTS_PHYSICAL	0x9000ULL		/* text, rodata, data: one page each */
#define ARGS_PHYSICAL		0xc000ULL		/* ARGS_PAGES pages */
#define ARGS_PAGES			8
#define MISC_PHYSICAL		0x14000ULL		/* log, loader name and GDT */
#define STACK_PHYSICAL		0x15000ULL		/* two pages */
#define ALLOCATED_END		0x17000ULL
#define SPARE_PHYSICAL		0x20000ULL		/* memory the loader did not allocate */

/* And where the kernel sees them. */
#define ARGS_VIRTUAL		KERNEL_DATA_BASE
#define MISC_VIRTUAL		(KERNEL_DATA_BASE + 0x8000)
#define LOG_VIRTUAL			MISC_VIRTUAL
#define NAME_VIRTUAL		(MISC_VIRTUAL + 0x800)
#define GDT_VIRTUAL			(MISC_VIRTUAL + 0xc00)
#define COMMAND_LINE_VIRTUAL	(MISC_VIRTUAL + 0xa00)
#define STACK_VIRTUAL		(KERNEL_DATA_BASE + 0xa000)
#define STACK_SIZE			0x2000ULL


/*
 * A fresh fixture: kernel_args (returned) and the environment the hosted
 * port would give the checks, without CPU state or kernel image. Every check
 * passes on it.
 */
kernel_args *bootcheck_fixture_build(void);
/* The environment bootcheck_fixture_run() checks; tests may change it. */
struct bootcheck_environment *bootcheck_fixture_environment(void);
/* The fake physical memory at address (inside MEMORY_SIZE). */
uint8_t *bootcheck_fixture_physical(uint64_t address);
/* Runs the checks on the environment; the report is kept for the EXPECT_ macros. */
bool bootcheck_fixture_run(void);

/* The CPU as the kernel finds it after a correct handoff: WP, NXE, 2 MiB pages only. */
struct bootcheck_cpu_state bootcheck_fixture_cpu(void);
/* The running kernel as linked at the segments the fixture's kernel_args describes. */
struct bootcheck_image bootcheck_fixture_image(void);

/* The report has text as one whole line. */
void bootcheck_fixture_expect_line(const char *text, int line);
/* The report says check name is status ("ok", "FAIL (reason", "skipped ("...). */
void bootcheck_fixture_expect_check(const char *name, const char *status, int line);
/* The run failed, check name failed first, and its line and the verdict carry reason. */
void bootcheck_fixture_expect_first_failure(bool passed, const char *name, const char *reason,
	int line);

#define EXPECT_CHECK(name, status)	bootcheck_fixture_expect_check(name, status, __LINE__)
#define EXPECT_LINE(text)			bootcheck_fixture_expect_line(text, __LINE__)
#define EXPECT_FAILURE(passed, name, reason) \
	bootcheck_fixture_expect_first_failure(passed, name, reason, __LINE__)

#endif
