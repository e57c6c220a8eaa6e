/* SPDX-License-Identifier: MIT */
/*
 * The hosted port's "kernel": the boot checks the boot-check kernel runs,
 * applied to the kernel_args and the address space the loader built in
 * simulated memory, read through the page tables as a CPU would.
 */
#include "host_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/arch_mmu.h>
#include <boot/platform.h>
#include <boot/smp.h>
#include <boot/timeline.h>

#include <kernel/bootcheck.h>

/* What a newer loader appends, and how large version 1 was on x86_64. */
#define NEWER_APPENDED_BYTES	512
#define VERSION_1_SIZE			28136

static void *
host_table_in_memory(void *cookie, uint64_t physical)
{
	return host_physical_to_pointer(physical, KERNEL_PAGE_SIZE);
}


/* The kernel's view: the loader's page tables, walked as the MMU would. */
static const struct arch_mmu_page_source kTableReader = {
	.to_loader = host_table_in_memory,
};


static bool
host_read_physical(void *cookie, uint64_t address, void *buffer, size_t size)
{
	const void *source = host_physical_to_pointer(address, size);
	if (source == NULL)
		return false;
	memcpy(buffer, source, size);
	return true;
}


/*
 * Page by page: consecutive virtual pages need not be consecutive in RAM.
 * Copies into buffer, or out of it when write is set.
 */
static bool
host_copy_virtual(const kernel_args *args, uint64_t address, uint8_t *buffer, size_t size,
	bool write)
{
	while (size > 0) {
		size_t chunk = KERNEL_PAGE_SIZE - (address & KERNEL_PAGE_MASK);
		if (chunk > size)
			chunk = size;
		uint64_t physical;
		if (!arch_mmu_translate(args, address, &kTableReader, &physical))
			return false;
		uint8_t *memory = host_physical_to_pointer(physical, chunk);
		if (memory == NULL)
			return false;
		if (write)
			memcpy(memory, buffer, chunk);
		else
			memcpy(buffer, memory, chunk);
		address += chunk;
		buffer += chunk;
		size -= chunk;
	}
	return true;
}


static bool
host_read_virtual(void *cookie, uint64_t address, void *buffer, size_t size)
{
	return host_copy_virtual(cookie, address, buffer, size, false);
}


/* The kernel's test pattern goes into the simulated framebuffer this way. */
static bool
host_write_virtual(void *cookie, uint64_t address, const void *buffer, size_t size)
{
	return host_copy_virtual(cookie, address, (uint8_t *)buffer, size, true);
}


static void
host_report(const char *text, size_t length)
{
	fwrite(text, 1, length, stdout);
}


/*
 * Make args look like another loader's: a newer one claims more bytes (the
 * kernel_args chunk holds them) and a higher version;
 * an older one is version 1 and smaller. The checks must accept the first
 * and refuse the second.
 */
static void
host_apply_kernel_args_abi(kernel_args *args)
{
	switch (gHostOptions.kernel_args_abi) {
		case HOST_ABI_NEWER:
			args->version = KERNEL_ARGS_VERSION + 1;
			args->kernel_args_size = sizeof(kernel_args) + NEWER_APPENDED_BYTES;
			break;
		case HOST_ABI_OLDER:
			args->version = 1;
			args->kernel_args_size = VERSION_1_SIZE;
			break;
		case HOST_ABI_CURRENT:
			break;
	}
}


status_t
platform_start_kernel(kernel_args *args)
{
	status_t status = host_fill_physical_memory(args);
	if (status != B_OK)
		return status;

	smp_start_cpus(args);
	timeline_mark("kernel entry", 0);
	host_apply_kernel_args_abi(args);

	/* It can draw, no more: no firmware to call, CPUs that start on their own. */
	const struct bootcheck_machine machine = {
		.write_virtual = host_write_virtual,
		.cookie = args,
	};
	/* The kernel would start at the top of its stack, after a call. */
	const addr_range *stack = &args->cpu_kernel_stack[0];
	const struct bootcheck_environment environment = {
		.args = args,
		.received_args = args->self,
		.received_cpu = 0,
		.initial_stack_pointer = stack->start + stack->size - 8,
		.cpu = NULL,
		.image = NULL,
		.machine = &machine,
		.memory = {
			.read_virtual = host_read_virtual,
			.read_physical = host_read_physical,
			.cookie = args,
		},
		.output = host_report,
	};
	printf("\nbootcheck: host port, kernel_args at %#llx\n",
		(unsigned long long)args->self);
	bool passed = bootcheck_run(&environment);
	host_console_restore();
	exit(passed ? 0 : 1);
}
