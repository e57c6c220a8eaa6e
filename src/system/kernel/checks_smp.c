/* SPDX-License-Identifier: MIT */
/*
 * The checks of the CPU list (kernel_args version 4, docs/smp.md): the
 * entries and their states, each started CPU's stack and mailbox, and, in
 * the running kernel, each started CPU released from its mailbox and
 * reporting in from where the list says it should be.
 */
#include "checks.h"

/* The checker's own bound on the list: far more CPUs than any loader lists. */
#define CHECK_MAX_CPUS			4096
/* The least stack a started CPU is given: a page (the loader's are 64 KiB). */
#define CHECK_MIN_STACK_SIZE	KERNEL_PAGE_SIZE
/* How long a released CPU may take to report. */
#define RELEASE_TIMEOUT_US		1000000


static const char *
cpu_state_name(uint32_t state)
{
	switch (state) {
		case KERNEL_CPU_BOOT:
			return "boot";
		case KERNEL_CPU_STARTED:
			return "started";
		case KERNEL_CPU_FAILED:
			return "failed";
		case KERNEL_CPU_DISABLED:
			return "disabled";
		case KERNEL_CPU_OFFLINE:
			return "offline";
	}
	return "invalid";
}


/* Entry index of the list, through the checker's memory accessors. */
static bool
cpu_read(const struct kcheck_context *context, uint32_t index, kernel_cpu_entry *cpu)
{
	const kernel_args *args = context->args;
	uint64_t address = args->cpus + (uint64_t)index * args->cpu_entry_size;
	return kcheck_read_virtual(context, address, cpu, sizeof(*cpu));
}


static bool
cpu_check_header(const kernel_args *args, char *reason, size_t reasonSize)
{
	if (args->num_cpus < 1 || args->num_cpus > CHECK_MAX_CPUS) {
		return kcheck_fail(reason, reasonSize, "num_cpus is %u, must be 1..%u",
			args->num_cpus, CHECK_MAX_CPUS);
	}
	if (args->cpu_entry_size < sizeof(kernel_cpu_entry) || args->cpu_entry_size % 8 != 0) {
		return kcheck_fail(reason, reasonSize,
			"cpu_entry_size %u, must be a multiple of 8 of at least %zu",
			args->cpu_entry_size, sizeof(kernel_cpu_entry));
	}
	if (args->cpus % 8 != 0 || !bootcheck_virtual_contains(args, args->cpus,
			(uint64_t)args->num_cpus * args->cpu_entry_size)) {
		return kcheck_fail(reason, reasonSize,
			"cpus %#llx (%u entries) is not inside a virtual allocated range",
			(ull)args->cpus, args->num_cpus);
	}
	return true;
}


static bool
cpu_check_boot(const kernel_args *args, const kernel_cpu_entry *cpu, char *reason,
	size_t reasonSize)
{
	if (cpu->state != KERNEL_CPU_BOOT) {
		return kcheck_fail(reason, reasonSize, "cpus[0] is %s, not the boot CPU",
			cpu_state_name(cpu->state));
	}
	if (cpu->hardware_id != args->boot_cpu_id) {
		return kcheck_fail(reason, reasonSize, "cpus[0] has id %#llx, boot_cpu_id is %#llx",
			(ull)cpu->hardware_id, (ull)args->boot_cpu_id);
	}
	const addr_range *stack = &args->cpu_kernel_stack[0];
	if (cpu->stack.start != stack->start || cpu->stack.size != stack->size
			|| cpu->mailbox != 0) {
		return kcheck_fail(reason, reasonSize,
			"cpus[0]: stack %#llx+%#llx, mailbox %#llx; cpu_kernel_stack[0] is %#llx+%#llx",
			(ull)cpu->stack.start, (ull)cpu->stack.size, (ull)cpu->mailbox,
			(ull)stack->start, (ull)stack->size);
	}
	return true;
}


/* A started CPU's stack and mailbox, as the loader must have left them. */
static bool
cpu_check_started(const struct kcheck_context *context, uint32_t index,
	const kernel_cpu_entry *cpu, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	if (!kcheck_span_page_aligned(cpu->stack.start, cpu->stack.size)
			|| cpu->stack.size < CHECK_MIN_STACK_SIZE
			|| !bootcheck_virtual_contains(args, cpu->stack.start, cpu->stack.size)) {
		return kcheck_fail(reason, reasonSize,
			"cpus[%u]: stack %#llx+%#llx is not whole pages in a virtual allocated range",
			index, (ull)cpu->stack.start, (ull)cpu->stack.size);
	}
	const addr_range *boot = &args->cpu_kernel_stack[0];
	if (kcheck_spans_overlap(cpu->stack.start, cpu->stack.size, boot->start, boot->size)) {
		return kcheck_fail(reason, reasonSize, "cpus[%u]: stack %#llx+%#llx overlaps the"
			" boot CPU's", index, (ull)cpu->stack.start, (ull)cpu->stack.size);
	}
	kernel_cpu_mailbox mailbox;
	if (cpu->mailbox % KERNEL_CPU_MAILBOX_SIZE != 0
			|| !kcheck_read_virtual(context, cpu->mailbox, &mailbox, sizeof(mailbox))) {
		return kcheck_fail(reason, reasonSize,
			"cpus[%u]: mailbox %#llx is not 64-byte aligned in a virtual allocated range",
			index, (ull)cpu->mailbox);
	}
	if (mailbox.state != KERNEL_MAILBOX_PARKED || mailbox.entry != 0) {
		return kcheck_fail(reason, reasonSize,
			"cpus[%u]: mailbox state %u, entry %#llx: the CPU is not parked", index,
			mailbox.state, (ull)mailbox.entry);
	}
	if (mailbox.cpu_index != index || mailbox.hardware_id != cpu->hardware_id
			|| mailbox.stack_top != cpu->stack.start + cpu->stack.size) {
		return kcheck_fail(reason, reasonSize,
			"cpus[%u]: mailbox says index %u, id %#llx, stack top %#llx", index,
			mailbox.cpu_index, (ull)mailbox.hardware_id, (ull)mailbox.stack_top);
	}
	return true;
}


/* An entry the loader did not start: no mailbox, no stack. */
static bool
cpu_check_not_started(const kernel_args *args, uint32_t index, const kernel_cpu_entry *cpu,
	char *reason, size_t reasonSize)
{
	if (cpu->state < KERNEL_CPU_FAILED || cpu->state > KERNEL_CPU_OFFLINE) {
		return kcheck_fail(reason, reasonSize, "cpus[%u]: invalid state %u", index,
			cpu->state);
	}
	if (cpu->mailbox != 0 || cpu->stack.size != 0) {
		return kcheck_fail(reason, reasonSize, "cpus[%u] is %s but has mailbox %#llx,"
			" stack size %#llx", index, cpu_state_name(cpu->state), (ull)cpu->mailbox,
			(ull)cpu->stack.size);
	}
	bool disabledBySmpOption = (args->boot_options & BOOT_OPTION_DISABLE_SMP) != 0;
	if (cpu->state == KERNEL_CPU_DISABLED && !disabledBySmpOption) {
		return kcheck_fail(reason, reasonSize,
			"cpus[%u] is disabled, but the boot options have no disable_smp", index);
	}
	return true;
}


static bool
cpu_check_unique(const struct kcheck_context *context, uint32_t index, uint64_t id,
	char *reason, size_t reasonSize)
{
	for (uint32_t j = 0; j < index; j++) {
		kernel_cpu_entry other;
		if (cpu_read(context, j, &other) && other.hardware_id == id) {
			return kcheck_fail(reason, reasonSize, "cpus[%u] and cpus[%u] have id %#llx", j,
				index, (ull)id);
		}
	}
	return true;
}


/* Each entry of a list kcheck_cpus found valid. */
static void
cpu_print_list(const struct kcheck_context *context)
{
	for (uint32_t i = 0; i < context->args->num_cpus; i++) {
		kernel_cpu_entry cpu;
		if (!cpu_read(context, i, &cpu)) {
			kcheck_printf(context->environment, "  cpu %u: unreadable\n", i);
			break;
		}
		kcheck_printf(context->environment,
			"  cpu %u: id %#llx %s, stack %#llx - %#llx, mailbox %#llx\n", i,
			(ull)cpu.hardware_id, cpu_state_name(cpu.state), (ull)cpu.stack.start,
			(ull)(cpu.stack.start + cpu.stack.size), (ull)cpu.mailbox);
	}
}


bool
kcheck_cpus(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires_trusted_args(context, reason, reasonSize)
			|| !kcheck_requires(context, KCHECK_STACK, reason, reasonSize))
		return false;
	const kernel_args *args = context->args;
	if (!cpu_check_header(args, reason, reasonSize))
		return false;

	uint32_t running = 0;
	bool disableSmp = (args->boot_options & BOOT_OPTION_DISABLE_SMP) != 0;
	for (uint32_t i = 0; i < args->num_cpus; i++) {
		kernel_cpu_entry cpu;
		if (!cpu_read(context, i, &cpu))
			return kcheck_fail(reason, reasonSize, "cpus[%u] cannot be read", i);
		if (!cpu_check_unique(context, i, cpu.hardware_id, reason, reasonSize))
			return false;
		bool valid;
		if (i == 0)
			valid = cpu_check_boot(args, &cpu, reason, reasonSize);
		else if (cpu.state == KERNEL_CPU_STARTED && disableSmp)
			valid = kcheck_fail(reason, reasonSize, "cpus[%u] was started under disable_smp", i);
		else if (cpu.state == KERNEL_CPU_STARTED)
			valid = cpu_check_started(context, i, &cpu, reason, reasonSize);
		else
			valid = cpu_check_not_started(args, i, &cpu, reason, reasonSize);
		if (!valid)
			return false;
		if (cpu.state == KERNEL_CPU_BOOT || cpu.state == KERNEL_CPU_STARTED)
			running++;
	}
	if (args->cpu_count != running) {
		return kcheck_fail(reason, reasonSize, "cpu_count is %u, but %u CPUs run",
			args->cpu_count, running);
	}
	cpu_print_list(context);
	return true;
}


/* The stacks of started CPUs: pages read-write and NX, an unmapped page below each. */
bool
kcheck_cpu_stacks(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize)
			|| !kcheck_requires(context, KCHECK_CPUS, reason, reasonSize))
		return false;
	bool noExecute = kcheck_arch_no_execute_enabled(context);
	for (uint32_t i = 1; i < context->args->num_cpus; i++) {
		kernel_cpu_entry cpu;
		if (!cpu_read(context, i, &cpu))
			return kcheck_fail(reason, reasonSize, "cpus[%u] cannot be read", i);
		if (cpu.state != KERNEL_CPU_STARTED)
			continue;
		for (uint64_t offset = 0; offset < cpu.stack.size; offset += KERNEL_PAGE_SIZE) {
			struct kcheck_page page;
			if (!kcheck_walk_or_fail(context, cpu.stack.start + offset, &page, reason,
					reasonSize))
				return false;
			if (!page.writable || (noExecute && !page.no_execute)) {
				return kcheck_fail(reason, reasonSize,
					"cpus[%u]: stack page %#llx is not read-write and no-execute", i,
					(ull)(cpu.stack.start + offset));
			}
		}
		uint64_t guard = cpu.stack.start - KERNEL_PAGE_SIZE;
		struct kcheck_page page;
		if (kcheck_page_walk(context, guard, &page) != KCHECK_WALK_NOT_PRESENT) {
			return kcheck_fail(reason, reasonSize,
				"cpus[%u]: guard page %#llx below the stack is mapped or unreadable", i,
				(ull)guard);
		}
	}
	return true;
}


/* One started CPU released, and its report held against the list. */
static bool
cpu_release_one(const struct kcheck_context *context, uint32_t index,
	const kernel_cpu_entry *cpu, char *reason, size_t reasonSize)
{
	const struct bootcheck_machine *machine = context->environment->machine;
	struct bootcheck_cpu_report report;
	if (!machine->release_cpu(machine->cookie, cpu->mailbox, index, RELEASE_TIMEOUT_US,
			&report)) {
		return kcheck_fail(reason, reasonSize,
			"cpus[%u] (id %#llx) did not report within %u ms of its release", index,
			(ull)cpu->hardware_id, RELEASE_TIMEOUT_US / 1000);
	}
	kernel_cpu_mailbox mailbox;
	if (!kcheck_read_virtual(context, cpu->mailbox, &mailbox, sizeof(mailbox))
			|| mailbox.state != KERNEL_MAILBOX_RELEASED) {
		return kcheck_fail(reason, reasonSize, "cpus[%u]: mailbox state is %u, not released",
			index, mailbox.state);
	}
	if (report.cpu_index != index) {
		return kcheck_fail(reason, reasonSize, "cpus[%u] was entered with CPU number %u",
			index, report.cpu_index);
	}
	uint64_t expected = cpu->stack.start + cpu->stack.size - KERNEL_CPU_ENTRY_STACK_GAP;
	if (report.stack_pointer != expected) {
		return kcheck_fail(reason, reasonSize,
			"cpus[%u] was entered with stack pointer %#llx, not %#llx", index,
			(ull)report.stack_pointer, (ull)expected);
	}
	return kcheck_arch_cpu_report(context, &report.cpu, cpu->hardware_id, reason,
		reasonSize);
}


bool
kcheck_cpus_released(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_CPUS, reason, reasonSize))
		return false;
	if (context->environment->machine->release_cpu == NULL)
		return kcheck_fail(reason, reasonSize, "the machine cannot release CPUs");
	uint32_t reported = 1;
	for (uint32_t i = 1; i < context->args->num_cpus; i++) {
		kernel_cpu_entry cpu;
		if (!cpu_read(context, i, &cpu))
			return kcheck_fail(reason, reasonSize, "cpus[%u] cannot be read", i);
		if (cpu.state != KERNEL_CPU_STARTED)
			continue;
		if (!cpu_release_one(context, i, &cpu, reason, reasonSize))
			return false;
		reported++;
	}
	kcheck_printf(context->environment, "cpus: %u of %u CPUs reported in\n", reported,
		context->args->num_cpus);
	return true;
}


/* The summary's line: the list itself is only read once kernel_args is trusted. */
void
kcheck_print_cpus(const struct kcheck_context *context)
{
	const kernel_args *args = context->args;
	kcheck_printf(context->environment, "cpus: %u listed at %#llx, %u running\n",
		args->num_cpus, (ull)args->cpus, args->cpu_count);
}
