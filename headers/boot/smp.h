/* SPDX-License-Identifier: MIT */
/*
 * The other CPUs: which ones there are, their stacks and mailboxes in
 * kernel memory, and starting them after the firmware is gone (docs/smp.md).
 */
#ifndef BOOT_SMP_H
#define BOOT_SMP_H

#include <stdint.h>

#include <boot/kernel_args.h>
#include <boot/status.h>

/* The most CPUs the loader lists; more are left out, with a log line. */
#define SMP_MAX_CPUS				256

/*
 * How long a CPU has to park after its start-up signal: hardware takes
 * microseconds, QEMU's TCG with more virtual CPUs than host cores tens of
 * milliseconds, more when the host is busy.
 */
#define SMP_START_TIMEOUT_US		1000000

/*
 * Before platform_prepare_kernel_start(), with the heap and the firmware:
 * ask the port for the CPUs (deviceTree: the tree the entry gives the
 * kernel, else NULL; see platform_smp_find_cpus), and give each CPU the
 * loader will start a stack (platform_allocate_region) and a mailbox
 * (kernel_args memory); fill args->cpus, num_cpus and cpu_entry_size. With
 * BOOT_OPTION_DISABLE_SMP in args->boot_options the others are listed as
 * disabled. A port that finds none leaves the boot CPU alone in the list.
 * Errors: B_NO_MEMORY (a stack or the list did not fit).
 */
status_t smp_prepare(kernel_args *args, const void *deviceTree);

/*
 * After the firmware was left, before the kernel's entry (the port's
 * platform_start_kernel()): complete the boot CPU's entry (boot_cpu_id,
 * cpu_kernel_stack[0]), start every CPU smp_prepare() gave a mailbox, one
 * at a time, wait at most SMP_START_TIMEOUT_US for each to park, mark
 * those that did not as failed, and set cpu_count. Never allocates; logs
 * through boot_dprintf. Returns how many CPUs run (cpu_count).
 */
uint32_t smp_start_cpus(kernel_args *args);

#endif
