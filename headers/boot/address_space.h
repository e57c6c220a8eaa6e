/* SPDX-License-Identifier: MIT */
/*
 * The steps of building the kernel's address space that every port shares.
 */
#ifndef BOOT_ADDRESS_SPACE_H
#define BOOT_ADDRESS_SPACE_H

#include <stdint.h>

#include <boot/arch_mmu.h>
#include <boot/kernel_args.h>
#include <boot/status.h>

/* The boot CPU's stack; an unmapped guard page lies below it. */
#define KERNEL_STACK_SIZE	(64 * 1024)

/*
 * For platform_prepare_kernel_start(): allocate the boot CPU's stack, build
 * the page tables with pages from source (the physical map covers
 * memoryEnd, the end of the highest RAM or firmware range, rounded up to
 * KERNEL_PHYSICAL_MAP_GRANULE and at least KERNEL_PHYSICAL_MAP_MINIMUM, both
 * the architecture's), and record every region, the page tables and
 * the physical map in the range arrays of args.
 */
status_t address_space_build(kernel_args *args, uint64_t memoryEnd,
	const struct arch_mmu_page_source *source);

#endif
