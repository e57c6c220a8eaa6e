/* SPDX-License-Identifier: MIT */
/*
 * The other CPUs, the generic part: the list in kernel_args, a stack and a
 * mailbox for each CPU the loader starts, and the start-up itself, one CPU
 * at a time with a timeout, on the port's start and abandon hooks.
 */
#include <boot/smp.h>

#include <boot/address_space.h>
#include <boot/arch_cpu.h>
#include <boot/handoff.h>
#include <boot/platform.h>
#include <boot/smp_mailbox.h>
#include <boot/stdio.h>

/* The ports' wait loops read the mailbox by these offsets: they must be the ABI's. */
_Static_assert(SMP_MAILBOX_ENTRY == __builtin_offsetof(kernel_cpu_mailbox, entry), "entry");
_Static_assert(SMP_MAILBOX_ARGUMENT == __builtin_offsetof(kernel_cpu_mailbox, argument),
	"argument");
_Static_assert(SMP_MAILBOX_STACK_TOP == __builtin_offsetof(kernel_cpu_mailbox, stack_top),
	"stack_top");
_Static_assert(SMP_MAILBOX_HARDWARE_ID == __builtin_offsetof(kernel_cpu_mailbox, hardware_id),
	"hardware_id");
_Static_assert(SMP_MAILBOX_CPU_INDEX == __builtin_offsetof(kernel_cpu_mailbox, cpu_index),
	"cpu_index");
_Static_assert(SMP_MAILBOX_STATE == __builtin_offsetof(kernel_cpu_mailbox, state), "state");
_Static_assert(SMP_MAILBOX_PARKED == KERNEL_MAILBOX_PARKED
	&& SMP_MAILBOX_RELEASED == KERNEL_MAILBOX_RELEASED, "mailbox states");

/* Filled by the port, then turned into kernel_args.cpus: static, the heap is small. */
static struct platform_cpu sFound[SMP_MAX_CPUS];


static kernel_cpu_entry *
smp_cpu_list(kernel_args *args)
{
	return platform_kernel_to_loader(args->cpus);
}


/* The port's CPUs but the boot CPU, into list from index 1; returns the new count. */
static uint32_t
smp_copy_found(kernel_cpu_entry *list, uint32_t found, uint32_t options)
{
	uint32_t count = 1;
	for (uint32_t i = 0; i < found && count < SMP_MAX_CPUS; i++) {
		if (sFound[i].boot)
			continue;
		kernel_cpu_entry *cpu = &list[count++];
		cpu->hardware_id = sFound[i].hardware_id;
		if (sFound[i].online_capable)
			cpu->state = KERNEL_CPU_OFFLINE;
		else if ((options & BOOT_OPTION_DISABLE_SMP) != 0)
			cpu->state = KERNEL_CPU_DISABLED;
		else
			cpu->state = KERNEL_CPU_STARTED;
	}
	return count;
}


/* A stack and a mailbox for each CPU to start; mailboxes share 64-byte lines with nothing. */
static status_t
smp_allocate_cpus(kernel_cpu_entry *list, uint32_t count)
{
	uint8_t *block = kernel_args_malloc((count + 1) * KERNEL_CPU_MAILBOX_SIZE);
	if (block == NULL)
		return B_NO_MEMORY;
	uintptr_t aligned = ((uintptr_t)block + KERNEL_CPU_MAILBOX_SIZE - 1)
		& ~(uintptr_t)(KERNEL_CPU_MAILBOX_SIZE - 1);
	kernel_cpu_mailbox *mailboxes = (kernel_cpu_mailbox *)aligned;

	for (uint32_t i = 1; i < count; i++) {
		kernel_cpu_entry *cpu = &list[i];
		if (cpu->state != KERNEL_CPU_STARTED)
			continue;
		uint64_t stack = 0;
		status_t status = platform_allocate_region(&stack, KERNEL_STACK_SIZE,
			REGION_READ | REGION_WRITE, false);
		if (status != B_OK)
			return status;
		cpu->stack.start = stack;
		cpu->stack.size = KERNEL_STACK_SIZE;

		kernel_cpu_mailbox *mailbox = &mailboxes[i];
		mailbox->stack_top = stack + KERNEL_STACK_SIZE;
		mailbox->hardware_id = cpu->hardware_id;
		mailbox->cpu_index = i;
		cpu->mailbox = platform_loader_to_kernel(mailbox);
	}
	return B_OK;
}


status_t
smp_prepare(kernel_args *args, const void *deviceTree)
{
	uint32_t found = 0;
	status_t status = platform_smp_find_cpus(args->boot_options, deviceTree, sFound,
		SMP_MAX_CPUS, &found);
	if (status != B_OK || found > SMP_MAX_CPUS)
		found = 0;

	/* Sized for all the port found: the boot CPU is among them or added. */
	kernel_cpu_entry *list = kernel_args_malloc((found + 1) * sizeof(kernel_cpu_entry));
	if (list == NULL)
		return B_NO_MEMORY;
	list[0].state = KERNEL_CPU_BOOT;
	uint32_t count = smp_copy_found(list, found, args->boot_options);
	if (found >= SMP_MAX_CPUS)
		boot_dprintf("smp: listing the first %u CPUs only\n", SMP_MAX_CPUS);

	args->cpus = platform_loader_to_kernel(list);
	args->num_cpus = count;
	args->cpu_entry_size = sizeof(kernel_cpu_entry);
	status = smp_allocate_cpus(list, count);
	if (status != B_OK)
		return status;

	if (count == 1)
		boot_dprintf("smp: one CPU\n");
	else if ((args->boot_options & BOOT_OPTION_DISABLE_SMP) != 0)
		boot_dprintf("smp: %u CPUs, disable_smp: the boot CPU only\n", count);
	else
		boot_dprintf("smp: %u CPUs\n", count);
	return B_OK;
}


/* Wait for mailbox to say PARKED, at most SMP_START_TIMEOUT_US. */
static bool
smp_wait_parked(volatile kernel_cpu_mailbox *mailbox)
{
	uint64_t start = system_time();
	while (__atomic_load_n(&mailbox->state, __ATOMIC_ACQUIRE) != KERNEL_MAILBOX_PARKED) {
		if (system_time() - start > SMP_START_TIMEOUT_US)
			return false;
		arch_cpu_relax();
	}
	return true;
}


/* Start list[index]; false when it did not park and was left out. */
static bool
smp_start_one(kernel_args *args, kernel_cpu_entry *cpu, uint32_t index)
{
	volatile kernel_cpu_mailbox *mailbox = platform_kernel_to_loader(cpu->mailbox);
	status_t status = platform_smp_start_cpu(args, index, mailbox);
	if (status == B_OK && smp_wait_parked(mailbox))
		return true;

	platform_smp_abandon_cpu(args, index);
	if (status != B_OK) {
		boot_dprintf("smp: CPU %u (id %#llx) could not be started: %s\n", index,
			(unsigned long long)cpu->hardware_id, status_string(status));
	} else {
		boot_dprintf("smp: CPU %u (id %#llx) did not answer within %u ms: left out\n",
			index, (unsigned long long)cpu->hardware_id, SMP_START_TIMEOUT_US / 1000);
	}
	/* Its stack stays allocated loader memory, which the kernel may reclaim. */
	cpu->state = KERNEL_CPU_FAILED;
	cpu->mailbox = 0;
	cpu->stack.start = 0;
	cpu->stack.size = 0;
	return false;
}


uint32_t
smp_start_cpus(kernel_args *args)
{
	kernel_cpu_entry *list = smp_cpu_list(args);
	if (list == NULL) {
		args->cpu_count = 1;
		return 1;
	}
	list[0].hardware_id = args->boot_cpu_id;
	list[0].stack = args->cpu_kernel_stack[0];

	uint32_t running = 1;
	uint64_t start = system_time();
	for (uint32_t i = 1; i < args->num_cpus; i++) {
		if (list[i].state == KERNEL_CPU_STARTED && smp_start_one(args, &list[i], i))
			running++;
	}
	args->cpu_count = running;
	if (args->num_cpus > 1) {
		boot_dprintf("smp: %u of %u CPUs running, %llu us\n", running, args->num_cpus,
			(unsigned long long)(system_time() - start));
	}
	return running;
}
