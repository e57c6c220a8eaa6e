/* SPDX-License-Identifier: MIT */
/*
 * The architecture's part of building the kernel's address space, shared by
 * every port of that architecture.
 */
#ifndef BOOT_ARCH_MMU_H
#define BOOT_ARCH_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include <boot/kernel_args.h>
#include <boot/status.h>

/* How a port provides the pages the page tables live in. */
struct arch_mmu_page_source {
	/* A zeroed page: its physical address and where the loader reaches it. */
	status_t	(*allocate)(void *cookie, uint64_t *_physical, void **_loader);
	/* Where the loader reaches a page it allocated earlier. */
	void		*(*to_loader)(void *cookie, uint64_t physical);
	/* Give back a page allocate() returned (arch_mmu_release()). */
	void		(*free)(void *cookie, uint64_t physical);
	void		*cookie;
};

/*
 * Build the kernel's page tables: every kernel region at its kernel address
 * with its protection, the physical map of physicalMapSize bytes at
 * KERNEL_PHYSICAL_MAP_BASE, and an identity map of the same size for the
 * switch. Allocates what else the switch needs (x86_64: the GDT) from
 * kernel_args memory first, then freezes the
 * kernel regions. Fills arch_args and enters the page-table pages in the
 * physical allocated ranges. An architecture whose tables carry memory
 * types (arm64) reads them from args' typed memory map, which the port
 * fills first (memory_map_build()); MMIO and what the map does not name
 * are devices there. Errors: B_NO_MEMORY, B_BUFFER_OVERFLOW, B_BAD_VALUE
 * (physicalMapSize does not fit the architecture's address space).
 */
status_t arch_mmu_build(kernel_args *args, uint64_t physicalMapSize,
	const struct arch_mmu_page_source *source);

/*
 * After a boot attempt failed before the kernel started: give every page
 * of the page tables arch_mmu_build() and arch_mmu_allow_execute() made back
 * through source->free, so that the next attempt starts afresh. Does nothing
 * when there are none. The kernel regions stay frozen until they are reset.
 */
void arch_mmu_release(const struct arch_mmu_page_source *source);

/*
 * Translate a kernel address as the MMU would through the tables
 * arch_mmu_build() made (their root is in args' architecture part), reading
 * each table through source->to_loader; for ports that simulate the
 * machine (the hosted port). False when address is not mapped.
 */
bool arch_mmu_translate(const kernel_args *args, uint64_t address,
	const struct arch_mmu_page_source *source, uint64_t *_physical);

/* Whether the page tables can (and will) mark pages non-executable. */
bool arch_mmu_has_no_execute(void);

/*
 * Whether the CPU has 1 GiB pages (x86_64: CPUID 0x80000001 EDX bit 26), and
 * so whether the physical and identity maps use them rather than 2 MiB pages.
 */
bool arch_mmu_has_huge_pages(void);

/*
 * After arch_mmu_build(): let code run from the kernel addresses
 * [address, address + size), which must be mapped (firmware runtime code in
 * the physical map). Whole large pages become executable; pages from source
 * may be needed to split larger ones. Errors: B_BAD_ADDRESS (not mapped),
 * B_ERROR (no page tables yet).
 */
status_t arch_mmu_allow_execute(uint64_t address, uint64_t size,
	const struct arch_mmu_page_source *source);

#endif
