/* SPDX-License-Identifier: MIT */
/*
 * What the arm64 checks know of VMSAv8-64 translation tables (4 KiB granule,
 * 48-bit addresses, stage 1 of the EL1&0 regime) beyond the generic view of
 * a page: the leaf descriptor and the attributes the tables above it add.
 */
#ifndef KERNEL_ARCH_ARM64_PAGING_H
#define KERNEL_ARCH_ARM64_PAGING_H

#include "../../checks.h"

#define ARM64_LEVELS				4
#define ARM64_ENTRIES_PER_TABLE		512
#define ARM64_BLOCK_1G				(1ULL << 30)
#define ARM64_BLOCK_2M				(2ULL << 20)

/* Descriptor bits 1:0: invalid when bit 0 is clear; bit 1 tells table (or page) from block. */
#define ARM64_DESCRIPTOR_VALID		(1ULL << 0)
#define ARM64_DESCRIPTOR_TABLE		(1ULL << 1)
#define ARM64_DESCRIPTOR_ADDRESS	0x0000fffffffff000ULL

/* Block and page descriptors: the lower and upper attributes. */
#define ARM64_ATTR_INDEX_SHIFT		2
#define ARM64_ATTR_INDEX_MASK		0x7ULL
#define ARM64_ATTR_AP_EL0			(1ULL << 6)		/* AP[1]: EL0 may access */
#define ARM64_ATTR_AP_READ_ONLY		(1ULL << 7)		/* AP[2] */
#define ARM64_ATTR_ACCESS_FLAG		(1ULL << 10)
#define ARM64_ATTR_PXN				(1ULL << 53)
#define ARM64_ATTR_UXN				(1ULL << 54)

/* Table descriptors: limits on everything below them. */
#define ARM64_TABLE_PXN				(1ULL << 59)
#define ARM64_TABLE_UXN				(1ULL << 60)
#define ARM64_TABLE_NO_EL0			(1ULL << 61)	/* APTable[0] */
#define ARM64_TABLE_READ_ONLY		(1ULL << 62)	/* APTable[1] */
#define ARM64_TABLE_LIMITS			(ARM64_TABLE_PXN | ARM64_TABLE_UXN \
	| ARM64_TABLE_NO_EL0 | ARM64_TABLE_READ_ONLY)

/* TTBRn_EL1: the table's base address; bit 0 (CnP) and the ASID are not part of it. */
#define ARM64_TTBR_ADDRESS			0x0000fffffffff000ULL

/* One translation, as the MMU makes it. */
struct arm64_page {
	struct kcheck_page	page;			/* the generic view: EL1's permissions */
	uint64_t			descriptor;		/* the block or page descriptor */
	uint64_t			table_limits;	/* ARM64_TABLE_LIMITS set on the way down */
	int					level;			/* of the descriptor: 1, 2 or 3 */
};

/* Translate address from TTBR1's tables (top half) or TTBR0's (bottom half). */
enum kcheck_walk arm64_page_walk(const struct kcheck_context *context, uint64_t address,
	struct arm64_page *page);
/* The root of TTBR0's tables: the CPU's when there is one to ask, else the loader's. */
uint64_t arm64_page_root_low(const struct kcheck_context *context);

/* Whether EL0 may read, or execute, what page maps. */
bool arm64_page_el0_accessible(const struct arm64_page *page);
bool arm64_page_el0_executable(const struct arm64_page *page);

static inline uint32_t
arm64_page_attribute_index(const struct arm64_page *page)
{
	return (uint32_t)((page->descriptor >> ARM64_ATTR_INDEX_SHIFT) & ARM64_ATTR_INDEX_MASK);
}

/*
 * What the physical map must make of [start, start + size), from the typed
 * memory map: the class of its memory, or ARM64_MEMORY_MIXED when it is not
 * one class throughout (then a single block must not map it).
 */
enum arm64_memory_class {
	ARM64_MEMORY_RAM,			/* Normal write-back */
	ARM64_MEMORY_RUNTIME_CODE,	/* Normal write-back, executable */
	ARM64_MEMORY_DEVICE,		/* MMIO, and what the map does not name */
	ARM64_MEMORY_FRAMEBUFFER,	/* not write-back cached */
	ARM64_MEMORY_ANY,			/* reserved or bad: the loader cannot know */
	ARM64_MEMORY_MIXED,
};

enum arm64_memory_class arm64_memory_class(const kernel_args *args, uint64_t start,
	uint64_t size);
/* The class of one KERNEL_MEMORY_* type. */
enum arm64_memory_class arm64_memory_type_class(uint32_t type);
const char *arm64_memory_class_name(enum arm64_memory_class memoryClass);

#endif
