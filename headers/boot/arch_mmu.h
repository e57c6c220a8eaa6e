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
	void		*cookie;
};

/*
 * Build the kernel's page tables: every kernel region at its kernel address
 * with its protection, the physical map of physicalMapSize bytes at
 * KERNEL_PHYSICAL_MAP_BASE, and an identity map of the same size for the
 * switch. Allocates the GDT from kernel_args memory first, then freezes the
 * kernel regions. Fills arch_args and enters the page-table pages in the
 * physical allocated ranges. Errors: B_NO_MEMORY, B_BUFFER_OVERFLOW.
 */
status_t arch_mmu_build(kernel_args *args, uint64_t physicalMapSize,
	const struct arch_mmu_page_source *source);

/* Whether the page tables can (and will) mark pages non-executable. */
bool arch_mmu_has_no_execute(void);

#endif
