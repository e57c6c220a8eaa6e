/* SPDX-License-Identifier: MIT */
/*
 * arm64 part of kernel_args: the address space the loader built and the
 * translation setup it entered the kernel with.
 */
#ifndef ARCH_ARM64_KERNEL_ARGS_H
#define ARCH_ARM64_KERNEL_ARGS_H

#include <stdint.h>

/*
 * The translation granule the loader builds the kernel's tables with, and so
 * the page every page-aligned kernel_args address and size is aligned to.
 * arm64 offers 4, 16 and 64 KiB; this ABI fixes 4 KiB with 48-bit virtual
 * addresses (four levels, 1 GiB and 2 MiB blocks).
 */
#define KERNEL_PAGE_SIZE			4096ULL

/* e_machine of kernels for this architecture (EM_AARCH64). */
#define KERNEL_ARCH_ELF_MACHINE		183
/* How the loader names that machine when a kernel is for another one. */
#define KERNEL_ARCH_MACHINE_NAME	"AArch64"

/*
 * The same kernel address layout as x86_64, all of it in the TTBR1 half
 * (the top 256 TiB with 48-bit addresses).
 */
#define KERNEL_LOAD_BASE			0xffffffff80000000ULL
#define KERNEL_WINDOW_END			0xffffffffc0000000ULL
#define KERNEL_DATA_BASE			0xffffffffc0000000ULL
#define KERNEL_DATA_END				0xfffffffffff00000ULL
#define KERNEL_PHYSICAL_MAP_BASE	0xffff000000000000ULL
#define KERNEL_SPACE_START			0xffff000000000000ULL
/* Output addresses of the 48-bit descriptor format. */
#define KERNEL_PHYSICAL_ADDRESS_LIMIT	(1ULL << 48)
/*
 * The physical map is a whole number of 1 GiB blocks and at least 4 GiB: on
 * the usual SoC layouts (QEMU's virt among them) the UART, the interrupt
 * controller and the PCIe windows sit below RAM in the low 4 GiB.
 */
#define KERNEL_PHYSICAL_MAP_GRANULE	(1ULL << 30)
#define KERNEL_PHYSICAL_MAP_MINIMUM	(4ULL << 30)

/*
 * MAIR_EL1 as the loader sets it (never the firmware's, which differs
 * between AAVMF and U-Boot): the AttrIndx of every descriptor the loader
 * writes is one of these.
 */
#define ARM64_MAIR_INDEX_NORMAL			0	/* write-back, read/write-allocate */
#define ARM64_MAIR_INDEX_DEVICE_nGnRnE	1	/* MMIO that must not be gathered */
#define ARM64_MAIR_INDEX_DEVICE_nGnRE	2	/* the rest of MMIO */
#define ARM64_MAIR_INDEX_NORMAL_NC		3	/* framebuffers */
#define ARM64_MAIR_VALUE				0x00000000440400ffULL

/* The debug UART the loader used after ExitBootServices (arch_args.uart_kind). */
#define ARM64_UART_NONE				0
#define ARM64_UART_PL011			1	/* ARM PrimeCell PL011, 32-bit registers */
#define ARM64_UART_16550			2	/* 16550 with 32-bit registers (mmio32) */

struct arch_kernel_args {
	uint64_t	ttbr1;				/* TTBR1_EL1 at entry: the kernel's tables */
	/* TTBR0_EL1 at entry: the identity map the loader switched on; the kernel drops it. */
	uint64_t	ttbr0;
	uint64_t	identity_map_size;
	uint64_t	mair;				/* MAIR_EL1 at entry (ARM64_MAIR_VALUE) */
	uint64_t	tcr;				/* TCR_EL1 at entry */
	/* Where the loader's debug output went after ExitBootServices. */
	uint64_t	uart_physical;		/* register base; 0 when uart_kind is NONE */
	uint32_t	uart_kind;			/* ARM64_UART_* */
	uint32_t	entry_el;			/* the exception level the firmware started the loader at */
	uint64_t	reserved[9];
};

#define KERNEL_ARCH_ARGS_SIZE		128

/*
 * How far below the top of its stack a CPU released from its mailbox finds
 * its stack pointer (docs/smp.md): none, the top is 16-byte aligned as sp
 * must be, and x30 (the return address) is 0.
 */
#define KERNEL_CPU_ENTRY_STACK_GAP	0

#define ARCH_KERNEL_ARGS_ASSERT_OFFSET(field, offset) \
	_Static_assert(__builtin_offsetof(struct arch_kernel_args, field) == (offset), \
		"arch_kernel_args." #field " moved")

ARCH_KERNEL_ARGS_ASSERT_OFFSET(ttbr1, 0);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(ttbr0, 8);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(identity_map_size, 16);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(mair, 24);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(tcr, 32);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(uart_physical, 40);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(uart_kind, 48);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(entry_el, 52);
ARCH_KERNEL_ARGS_ASSERT_OFFSET(reserved, 56);

#endif
