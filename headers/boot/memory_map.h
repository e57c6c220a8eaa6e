/* SPDX-License-Identifier: MIT */
/*
 * The kernel's view of physical memory: a port's firmware map and the
 * loader's own allocations, turned into the typed memory map and the
 * physical memory and physical allocated arrays of kernel_args.
 *
 * Firmware maps are not trusted to be sorted, disjoint, aligned or free of
 * empty entries. Where ranges overlap, the type of higher precedence wins:
 *
 *   bad > framebuffer > ACPI NVS > reserved > MMIO > runtime code
 *     > runtime data > ACPI reclaimable > kernel and modules
 *     > loader-reclaimable > usable
 *
 * Usable ranges shrink to whole pages, all others grow to whole pages, so a
 * page that is partly anything else is never handed out as free RAM.
 * Nothing here uses the heap: it runs after heap_release().
 */
#ifndef BOOT_MEMORY_MAP_H
#define BOOT_MEMORY_MAP_H

#include <stdint.h>

#include <boot/kernel_args.h>
#include <boot/kernel_regions.h>
#include <boot/status.h>

/* A typed physical range as a port read it from its firmware. */
struct memory_map_range {
	uint64_t	start;
	uint64_t	size;
	uint32_t	type;			/* enum kernel_memory_type */
};

/* Firmware maps of 300+ entries exist, and EFI maps grow while one looks. */
#define MEMORY_MAP_MAX_FIRMWARE_RANGES	1024
#define MEMORY_MAP_MAX_EXTRA_RANGES		16
/* The most ranges memory_map_convert() takes: all memory_map_build() may have. */
#define MEMORY_MAP_MAX_INPUT	(MEMORY_MAP_MAX_FIRMWARE_RANGES \
	+ MEMORY_MAP_MAX_EXTRA_RANGES + 1 + MAX_PHYSICAL_ALLOCATED_RANGES \
	+ KERNEL_REGIONS_MAX)
/* What memory_map_convert() may produce for MEMORY_MAP_MAX_INPUT ranges. */
#define MEMORY_MAP_MAX_OUTPUT	(2 * MEMORY_MAP_MAX_INPUT)
/*
 * Addresses from here up are dropped: neither x86_64 nor arm64 has more
 * than 52 physical address bits, and it keeps every end below 2^64.
 */
#define MEMORY_MAP_ADDRESS_LIMIT	(1ULL << 52)

/* "usable", "ACPI NVS", ...; "invalid" for anything else. Never NULL. */
const char *memory_map_type_name(uint32_t type);

/* The precedence of a type, 1 (usable) to 11 (bad); 0 for an invalid type. */
uint32_t memory_map_precedence(uint32_t type);

/*
 * The pure conversion: count ranges in any order, overlapping, empty or
 * unaligned, into entries sorted by start, page aligned, disjoint, with
 * neighbours of the same type merged; gaps stay gaps. *_count receives how
 * many entries the map has, even when they do not fit into max; the entries
 * beyond max are not written then. Errors: B_BAD_VALUE (an invalid type),
 * B_BUFFER_OVERFLOW (more than max entries, or more than
 * MEMORY_MAP_MAX_INPUT ranges).
 */
status_t memory_map_convert(const struct memory_map_range *ranges, uint32_t count,
	memory_map_entry *entries, uint32_t max, uint32_t *_count);

/*
 * Forget the firmware ranges of an earlier attempt (EFI: a stale map key);
 * the extra ranges stay.
 */
void memory_map_begin(void);

/*
 * One range of the firmware's map. More than MEMORY_MAP_MAX_FIRMWARE_RANGES
 * make memory_map_build() fail. Errors: B_BAD_VALUE (an invalid type),
 * B_BUFFER_OVERFLOW.
 */
status_t memory_map_add_firmware(uint64_t start, uint64_t size, uint32_t type);

/*
 * A range the port knows of besides its firmware map, kept across
 * memory_map_begin(). The framebuffer in kernel_args is added by
 * memory_map_build() itself. Errors as for memory_map_add_firmware().
 */
status_t memory_map_add_extra(uint64_t start, uint64_t size, uint32_t type);

/* Forget everything (tests, and ports that retry a boot). */
void memory_map_reset(void);

/*
 * Fill the typed map and the physical memory and allocated arrays of args
 * from the firmware and extra ranges, the framebuffer of args, the loader's
 * allocations (args' physical allocated ranges: loader-reclaimable) and the
 * kernel regions of the kernel and its modules (kernel and modules: regions
 * of kind KERNEL or MODULE, and those holding a preloaded image of args).
 * Afterwards the physical memory ranges are exactly the usable,
 * loader-reclaimable and kernel-and-modules pages, and the physical
 * allocated ranges exactly the latter two. Calling it again with the same
 * input gives the same result. args is left unchanged on failure, which
 * is reported with boot_printf(). Errors: B_BUFFER_OVERFLOW (an array of
 * kernel_args or the firmware ranges overflowed), B_BAD_DATA (the firmware
 * claims memory the loader allocated), B_BAD_VALUE.
 */
status_t memory_map_build(kernel_args *args);

#endif
