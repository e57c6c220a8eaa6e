/* SPDX-License-Identifier: MIT */
/*
 * x86_64 part of kernel_args: the address space the loader built.
 */
#ifndef ARCH_X86_64_KERNEL_ARGS_H
#define ARCH_X86_64_KERNEL_ARGS_H

#include <stdint.h>

/*
 * The page every page-aligned kernel_args address and size is aligned to, and
 * the granularity the loader maps the kernel window and its data in: the
 * smallest x86_64 page, which the architecture fixes at 4 KiB. It lives here,
 * not in the generic part, because it is the architecture's (arm64 picks a
 * 4, 16 or 64 KiB granule per kernel); kernel_args.h derives the rest.
 */
#define KERNEL_PAGE_SIZE			4096ULL

/* e_machine of kernels for this architecture (EM_X86_64). */
#define KERNEL_ARCH_ELF_MACHINE		62
/* How the loader names that machine when a kernel is for another one. */
#define KERNEL_ARCH_MACHINE_NAME	"x86_64"

/* The kernel is linked here; segments must lie in the kernel window below. */
#define KERNEL_LOAD_BASE			0xffffffff80000000ULL
#define KERNEL_WINDOW_END			0xffffffffc0000000ULL
/* Non-exact kernel allocations (kernel_args data, stacks) are placed here. */
#define KERNEL_DATA_BASE			0xffffffffc0000000ULL
#define KERNEL_DATA_END				0xfffffffffff00000ULL
/*
 * Every byte of physical memory is visible at this base: 1 GiB pages where
 * the CPU has them (CPUID 0x80000001 EDX bit 26), else 2 MiB pages.
 */
#define KERNEL_PHYSICAL_MAP_BASE	0xffff800000000000ULL
/* Every kernel address lies at or above this: the canonical upper half. */
#define KERNEL_SPACE_START			0xffff800000000000ULL
/* Physical addresses lie below this: x86_64 has at most 52 physical address bits. */
#define KERNEL_PHYSICAL_ADDRESS_LIMIT	(1ULL << 52)
/*
 * The physical map is a whole number of 1 GiB pages and at least 4 GiB: the
 * low 4 GiB hold the local APIC, the I/O APIC and often the framebuffer,
 * wherever RAM ends.
 */
#define KERNEL_PHYSICAL_MAP_GRANULE	(1ULL << 30)
#define KERNEL_PHYSICAL_MAP_MINIMUM	(4ULL << 30)

struct arch_kernel_args {
	uint64_t	page_directory_physical;	/* CR3 at kernel entry */
	uint64_t	gdt_address;				/* kernel address of the loader's GDT */
	uint16_t	gdt_limit;
	uint16_t	kernel_code_selector;
	uint16_t	kernel_data_selector;
	uint16_t	reserved0;
	/* The low identity map the loader used to switch; the kernel drops it. */
	uint64_t	identity_map_size;
	uint64_t	reserved[8];
};

#define KERNEL_ARCH_ARGS_SIZE		96

/*
 * How far below the top of its stack a CPU released from its mailbox finds
 * its stack pointer (docs/smp.md): a null return address, as after a call.
 */
#define KERNEL_CPU_ENTRY_STACK_GAP	8

#define ARCH_KERNEL_ARGS_ASSERT_OFFSET(field, offset) \
	_Static_assert(__builtin_offsetof(struct arch_kernel_args, field) == (offset), \
		"arch_kernel_args." #field " moved")

ARCH_KERNEL_ARGS_ASSERT_OFFSET(page_directory_physical, 0);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(gdt_address, 8);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(gdt_limit, 16);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(kernel_code_selector, 18);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(kernel_data_selector, 20);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(identity_map_size, 24);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(reserved, 32);

#endif
