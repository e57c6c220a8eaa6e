/* SPDX-License-Identifier: MIT */
/*
 * The kernel's side of the mailbox protocol (docs/smp.md): release a CPU
 * the loader parked by writing its argument, then its entry, and wait for
 * what it reports from kernel_ap_main; the checks compare that with the
 * CPU list.
 */
#include "kernel.h"

#include <string.h>

/* The most CPUs the kernel keeps a report for; the loader lists up to 256. */
#define MAX_REPORTS				256
/* When the loader could not calibrate the counter: a rate no CPU is far from. */
#define FALLBACK_FREQUENCY		1000000000ULL

/* In .bss: written by the other CPUs, read here once done says so. */
static struct bootcheck_cpu_report sReports[MAX_REPORTS];


bool
machine_release_cpu(void *cookie, uint64_t mailbox, uint32_t index,
	uint64_t timeoutMicroseconds, struct bootcheck_cpu_report *report)
{
	const kernel_args *args = cookie;
	if (index >= MAX_REPORTS || mailbox == 0)
		return false;
	struct bootcheck_cpu_report *slot = &sReports[index];
	kernel_cpu_mailbox *box = (kernel_cpu_mailbox *)(uintptr_t)mailbox;

	/* Argument first, entry last: the CPU leaves its loop when entry is set. */
	__atomic_store_n(&box->argument, (uint64_t)(uintptr_t)slot, __ATOMIC_RELAXED);
	__atomic_store_n(&box->entry, (uint64_t)(uintptr_t)kernel_ap_start, __ATOMIC_RELEASE);

	uint64_t frequency = args->cycle_counter_frequency != 0
		? args->cycle_counter_frequency : FALLBACK_FREQUENCY;
	uint64_t limit = timeoutMicroseconds * (frequency / 1000000);
	uint64_t start = arch_kernel_cycle_counter();
	while (__atomic_load_n(&slot->done, __ATOMIC_ACQUIRE) == 0) {
		if (arch_kernel_cycle_counter() - start > limit)
			return false;
	}
	memcpy(report, slot, sizeof(*report));
	return true;
}


void
kernel_ap_main(struct bootcheck_cpu_report *report, uint32_t cpu, uint64_t stackPointer)
{
	report->argument = (uint64_t)(uintptr_t)report;
	report->stack_pointer = stackPointer;
	report->cpu_index = cpu;
	arch_kernel_read_cpu(&report->cpu);
	__atomic_store_n(&report->done, 1, __ATOMIC_RELEASE);
}
