/* SPDX-License-Identifier: MIT */
/*
 * The last C code of the loader: what the kernel will read made coherent
 * with memory, the arm64 part of kernel_args completed, then the switch.
 */
#include "../../efi_platform.h"

#include <arch_arm64.h>
#include <boot/timeline.h>

#include "efi_arm64.h"


/*
 * Clean and invalidate to the point of coherency everything the kernel
 * reads or runs and everything the switch reads with the caches off: the
 * kernel's segments, page tables, kernel_args with what it points to, the
 * stack (all of them in the physical allocated ranges) and enter_kernel.S
 * itself. The loader wrote them through the caches; the switch turns the
 * MMU off (memory is then read past the caches) and the kernel may start
 * with attributes of its own. Nothing is written after this.
 */
static void
arm64_clean_for_kernel(const kernel_args *args)
{
	for (uint32_t i = 0; i < args->num_physical_allocated_ranges; i++) {
		arm64_dcache_clean_invalidate(args->physical_allocated_range[i].start,
			args->physical_allocated_range[i].size);
	}
	uint64_t start = (uint64_t)(uintptr_t)arm64_enter_kernel_start;
	arm64_dcache_clean_invalidate(start,
		(uint64_t)(uintptr_t)arm64_enter_kernel_end - start);
	/* The kernel's code was written as data: no stale line may be fetched. */
	arm64_icache_invalidate_all();
}


void
arch_start_kernel(kernel_args *args)
{
	struct arch_kernel_args *arch = &args->arch_args;
	arch->entry_el = arm64_current_el();
	arch->uart_kind = arm64_efi_uart(&arch->uart_physical);

	const addr_range *stack = &args->cpu_kernel_stack[0];
	/* The loader's last write to kernel_args. */
	timeline_mark("kernel entry", 0);
	arm64_clean_for_kernel(args);
	arm64_enter_kernel(arch->ttbr0, arch->ttbr1, arch->tcr, arch->mair, args->kernel.entry,
		args->self, stack->start + stack->size);
}
