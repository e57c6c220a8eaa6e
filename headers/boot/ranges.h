/* SPDX-License-Identifier: MIT */
/*
 * Sorted, merged, non-overlapping address range arrays (kernel_args style).
 */
#ifndef BOOT_RANGES_H
#define BOOT_RANGES_H

#include <stdint.h>

#include <boot/kernel_args.h>
#include <boot/status.h>

/*
 * Add [start, start + size) to the array of *_count ranges (capacity max),
 * keeping it sorted by start and merging ranges that overlap or touch.
 * size 0 is a no-op. Errors: B_BUFFER_OVERFLOW when it would need more than
 * max entries (the array is unchanged then), B_BAD_VALUE when the range
 * wraps around the end of the address space.
 */
status_t ranges_insert(addr_range *ranges, uint32_t *_count, uint32_t max,
	uint64_t start, uint64_t size);

/*
 * Remove [start, start + size) from the array; a range that is cut in two
 * needs one more entry. Errors as for ranges_insert.
 */
status_t ranges_remove(addr_range *ranges, uint32_t *_count, uint32_t max,
	uint64_t start, uint64_t size);

/* Like ranges_insert, after widening the range to whole pages. */
status_t ranges_insert_pages(addr_range *ranges, uint32_t *_count,
	uint32_t max, uint64_t start, uint64_t size);

/* True when [start, start + size) lies completely inside one range. */
int ranges_contain(const addr_range *ranges, uint32_t count, uint64_t start,
	uint64_t size);

/*
 * True when the array is sorted, non-overlapping, without empty entries, not
 * touching (fully merged) and, with page_aligned, aligned to 4 KiB.
 */
int ranges_valid(const addr_range *ranges, uint32_t count, int page_aligned);

/* Sum of all sizes. */
uint64_t ranges_total(const addr_range *ranges, uint32_t count);

#endif
