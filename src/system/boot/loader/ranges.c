/* SPDX-License-Identifier: MIT */
/*
 * Sorted, merged, non-overlapping address range arrays, as kept in kernel_args.
 */
#include <boot/ranges.h>

#include <stddef.h>
#include <string.h>


/*
 * Internally a range is [first, last], both inclusive: a range may end at the
 * very top of the address space (start + size == 2^64), where an exclusive
 * end would not fit in 64 bits.
 */
static inline uint64_t
range_last(const addr_range *range)
{
	return range->start + (range->size - 1);
}


/* True when [start, start + size) would pass 2^64; size must not be 0. */
static inline int
range_wraps(uint64_t start, uint64_t size)
{
	return size - 1 > UINT64_MAX - start;
}


/* Index of the first range whose last byte is at or after address. */
static uint32_t
ranges_first_ending_at_or_after(const addr_range *ranges, uint32_t count,
	uint64_t address)
{
	uint32_t low = 0;
	uint32_t high = count;

	while (low < high) {
		uint32_t middle = low + (high - low) / 2;
		if (range_last(&ranges[middle]) < address)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}


/* Index of the first range at or after index that starts after address. */
static uint32_t
ranges_first_starting_after(const addr_range *ranges, uint32_t index,
	uint32_t count, uint64_t address)
{
	uint32_t low = index;
	uint32_t high = count;

	while (low < high) {
		uint32_t middle = low + (high - low) / 2;
		if (ranges[middle].start <= address)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}


/* Replace ranges[from, to) with the replacement entries, moving the tail. */
static void
ranges_splice(addr_range *ranges, uint32_t *_count, uint32_t from, uint32_t to,
	const addr_range *replacement, uint32_t replacementCount)
{
	uint32_t count = *_count;

	memmove(&ranges[from + replacementCount], &ranges[to],
		(size_t)(count - to) * sizeof(addr_range));
	if (replacementCount > 0)
		memcpy(&ranges[from], replacement, replacementCount * sizeof(addr_range));
	*_count = count - (to - from) + replacementCount;
}


static status_t
ranges_insert_inclusive(addr_range *ranges, uint32_t *_count, uint32_t max,
	uint64_t first, uint64_t last)
{
	uint32_t count = *_count;
	if (count > max)
		return B_BAD_VALUE;

	/*
	 * Ranges that end right before first touch it and are merged as well;
	 * likewise for ranges that start right after last.
	 */
	uint32_t from = ranges_first_ending_at_or_after(ranges, count,
		first == 0 ? 0 : first - 1);
	uint32_t to = last == UINT64_MAX ? count
		: ranges_first_starting_after(ranges, from, count, last + 1);

	if (from == to) {
		if (count == max)
			return B_BUFFER_OVERFLOW;
	} else {
		if (ranges[from].start < first)
			first = ranges[from].start;
		if (range_last(&ranges[to - 1]) > last)
			last = range_last(&ranges[to - 1]);
	}

	/* The whole 64-bit space has a size of 2^64, which addr_range cannot hold. */
	if (first == 0 && last == UINT64_MAX)
		return B_BAD_VALUE;

	addr_range merged = { first, last - first + 1 };
	ranges_splice(ranges, _count, from, to, &merged, 1);
	return B_OK;
}


status_t
ranges_insert(addr_range *ranges, uint32_t *_count, uint32_t max,
	uint64_t start, uint64_t size)
{
	if (size == 0)
		return B_OK;
	if (range_wraps(start, size))
		return B_BAD_VALUE;

	return ranges_insert_inclusive(ranges, _count, max, start, start + (size - 1));
}


status_t
ranges_remove(addr_range *ranges, uint32_t *_count, uint32_t max,
	uint64_t start, uint64_t size)
{
	uint32_t count = *_count;
	if (count > max)
		return B_BAD_VALUE;
	if (size == 0)
		return B_OK;
	if (range_wraps(start, size))
		return B_BAD_VALUE;

	uint64_t last = start + (size - 1);
	uint32_t from = ranges_first_ending_at_or_after(ranges, count, start);
	uint32_t to = ranges_first_starting_after(ranges, from, count, last);
	if (from == to)
		return B_OK;

	/* What survives of the first and the last overlapped range. */
	addr_range pieces[2];
	uint32_t pieceCount = 0;
	if (ranges[from].start < start) {
		pieces[pieceCount].start = ranges[from].start;
		pieces[pieceCount].size = start - ranges[from].start;
		pieceCount++;
	}
	uint64_t lastOfLast = range_last(&ranges[to - 1]);
	if (lastOfLast > last) {
		pieces[pieceCount].start = last + 1;
		pieces[pieceCount].size = lastOfLast - last;
		pieceCount++;
	}

	if (count - (to - from) + pieceCount > max)
		return B_BUFFER_OVERFLOW;

	ranges_splice(ranges, _count, from, to, pieces, pieceCount);
	return B_OK;
}


status_t
ranges_insert_pages(addr_range *ranges, uint32_t *_count, uint32_t max,
	uint64_t start, uint64_t size)
{
	if (size == 0)
		return B_OK;
	if (range_wraps(start, size))
		return B_BAD_VALUE;

	/* Rounding the inclusive end up cannot overflow: it stays below 2^64. */
	uint64_t first = start & ~KERNEL_PAGE_MASK;
	uint64_t last = (start + (size - 1)) | KERNEL_PAGE_MASK;
	return ranges_insert_inclusive(ranges, _count, max, first, last);
}


/*
 * An empty or wrapping range is never "contained": callers use this to check
 * that a buffer is covered, and a zero-sized buffer there is a bug.
 */
int
ranges_contain(const addr_range *ranges, uint32_t count, uint64_t start,
	uint64_t size)
{
	if (size == 0 || range_wraps(start, size))
		return 0;

	uint64_t last = start + (size - 1);
	for (uint32_t i = 0; i < count; i++) {
		if (ranges[i].size == 0 || range_wraps(ranges[i].start, ranges[i].size))
			continue;
		if (ranges[i].start <= start && last <= range_last(&ranges[i]))
			return 1;
	}
	return 0;
}


int
ranges_valid(const addr_range *ranges, uint32_t count, int page_aligned)
{
	for (uint32_t i = 0; i < count; i++) {
		const addr_range *range = &ranges[i];
		if (range->size == 0 || range_wraps(range->start, range->size))
			return 0;
		if (page_aligned && ((range->start | range->size) & KERNEL_PAGE_MASK) != 0)
			return 0;
		if (i > 0) {
			/* Strictly after the previous range, with a gap: not touching. */
			uint64_t previousLast = range_last(&ranges[i - 1]);
			if (previousLast == UINT64_MAX || range->start <= previousLast + 1)
				return 0;
		}
	}
	return 1;
}


uint64_t
ranges_total(const addr_range *ranges, uint32_t count)
{
	uint64_t total = 0;
	for (uint32_t i = 0; i < count; i++)
		total += ranges[i].size;
	return total;
}
