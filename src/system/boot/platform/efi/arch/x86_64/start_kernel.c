/*
 * The last C code of the loader: CPU state for the kernel, then the jump.
 */
#include "../../efi_platform.h"

#include <boot/timeline.h>

#define MSR_EFER		0xc0000080
#define EFER_NXE		(1ULL << 11)

struct gdt_descriptor {
	uint16_t	limit;
	uint64_t	base;
} __attribute__((packed));

/* enter_kernel.S: switches CR3 and GDT, then jumps; never returns. */
void x86_64_enter_kernel(uint64_t pageDirectory,
	const struct gdt_descriptor *gdt, uint64_t entry, uint64_t kernelArgs,
	uint64_t stackTop) __attribute__((noreturn));


static uint64_t
read_msr(uint32_t msr)
{
	uint32_t low, high;
	__asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
	return ((uint64_t)high << 32) | low;
}


static void
write_msr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value),
		"d"((uint32_t)(value >> 32)));
}


void
arch_start_kernel(kernel_args *args)
{
	/* Static: it must outlive this frame until lgdt has read it. */
	static struct gdt_descriptor sGdtDescriptor;
	sGdtDescriptor.limit = args->arch_args.gdt_limit;
	sGdtDescriptor.base = args->arch_args.gdt_address;

	/* The page tables use NX bits whenever the CPU has them. */
	uint32_t eax, ebx, ecx, edx;
	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
		: "a"(0x80000001));
	if ((edx >> 20) & 1)
		write_msr(MSR_EFER, read_msr(MSR_EFER) | EFER_NXE);

	const addr_range *stack = &args->cpu_kernel_stack[0];
	/* The loader's last write to kernel_args. */
	timeline_mark("kernel entry", 0);
	x86_64_enter_kernel(args->arch_args.page_directory_physical, &sGdtDescriptor,
		args->kernel.entry, args->self, stack->start + stack->size);
}
