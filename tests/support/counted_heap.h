/* SPDX-License-Identifier: MIT */
/*
 * The loader heap's interface (headers/boot/heap.h) on malloc, for tests and
 * fuzz targets: the sanitizers see every block, a count of live blocks shows
 * leaks, and one allocation can be made to fail. Blocks from heap_alloc are
 * filled with 0xa5, never zeroed, so that code relying on zeroed memory shows.
 */
#ifndef COUNTED_HEAP_H
#define COUNTED_HEAP_H

/* Blocks allocated and not yet freed. */
long counted_heap_live(void);

/* Allocations since the last counted_heap_fail_at() or counted_heap_reset(). */
long counted_heap_allocations(void);

/* Count allocations from zero again; the n-th from now fails (from 1; 0: none). */
void counted_heap_fail_at(long n);

/* No failing allocation, all counts zero: live blocks a failed test leaked are forgotten. */
void counted_heap_reset(void);

#endif	/* COUNTED_HEAP_H */
