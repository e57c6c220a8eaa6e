/* SPDX-License-Identifier: MIT */
/*
 * The last C code of the loader: CPU state for the kernel, then the jump.
 */
#include "../../efi_platform.h"

#include <arch_x86.h>
#include <boot/timeline.h>

struct gdt_descriptor {
	uint16_t	limit;
	uint64_t	base;
} __attribute__((packed));

/* enter_kernel.S: switches CR3 and GDT, then jumps; never returns. */
void x86_64_enter_kernel(uint64_t pageDirectory,
	const struct gdt_descriptor *gdt, uint64_t entry, uint64_t kernelArgs,
	uint64_t stackTop) __attribute__((noreturn));


void
arch_start_kernel(kernel_args *args)
{
	/* Static: it must outlive this frame until lgdt has read it. */
	static struct gdt_descriptor sGdtDescriptor;
	sGdtDescriptor.limit = args->arch_args.gdt_limit;
	sGdtDescriptor.base = args->arch_args.gdt_address;

	/* The page tables use NX bits whenever the CPU has them. */
	if ((x86_cpuid_extended_features() & X86_CPUID_NO_EXECUTE) != 0)
		x86_write_msr(X86_MSR_EFER, x86_read_msr(X86_MSR_EFER) | X86_EFER_NXE);

	const addr_range *stack = &args->cpu_kernel_stack[0];
	/* The loader's last write to kernel_args. */
	timeline_mark("kernel entry", 0);
	x86_64_enter_kernel(args->arch_args.page_directory_physical, &sGdtDescriptor,
		args->kernel.entry, args->self, stack->start + stack->size);
}
