/* SPDX-License-Identifier: MIT */
/*
 * heap_replay: runs a heap workload through the loader heap or the C
 * library's malloc and prints what it cost.
 *
 * Usage: heap_replay [--allocator heap|libc] [--heap-size <bytes>] [--footprint]
 *		[--write-trace <file>] (--trace <file> | --workload <name>)
 *
 * A plain run only executes the replay loop, replay_heap() or replay_libc(),
 * for callgrind to count (tests/bench/heap-bench passes
 * --toggle-collect=replay_*). --footprint instead samples the memory used
 * after every operation, which would distort a count. Output is one
 * "<key> <value>" line per figure.
 *
 * Footprint: for the loader heap, the high-water mark of its region (the
 * smallest region that would have done) plus its large blocks; for glibc,
 * the growth of the program break plus the chunks it mapped. Overhead per
 * allocation: the memory an allocation took (its chunk, or its pages) less
 * the bytes requested, averaged over every allocating call.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <boot/heap.h>
#include <boot/stage2.h>

#include "heap_replay.h"


/* The replay loop, the same for both allocators but for the calls. */
#define REPLAY_LOOP(ALLOC, CALLOC, ALIGNED, REALLOC, FREE) \
	size_t failures = 0; \
	for (size_t i = 0; i < count; i++) { \
		const struct op *op = &ops[i]; \
		void **slot = &slots[op->slot]; \
		switch (op->kind) { \
			case OP_ALLOC: \
				*slot = ALLOC(op->size); \
				failures += *slot == NULL; \
				break; \
			case OP_CALLOC: \
				*slot = CALLOC(1, op->size); \
				failures += *slot == NULL; \
				break; \
			case OP_ALIGNED: \
				*slot = ALIGNED(op->alignment, op->size); \
				failures += *slot == NULL; \
				break; \
			case OP_REALLOC: { \
				void *moved = *slot != NULL ? REALLOC(*slot, op->size) : NULL; \
				failures += moved == NULL; \
				if (moved != NULL) \
					*slot = moved; \
				break; \
			} \
			case OP_FREE: \
				FREE(*slot); \
				*slot = NULL; \
				break; \
		} \
	} \
	return failures;


/* Exported and never inlined: callgrind collects exactly these two. */
size_t replay_heap(const struct op *ops, size_t count, void **slots);
size_t replay_libc(const struct op *ops, size_t count, void **slots);


__attribute__((noinline)) size_t
replay_heap(const struct op *ops, size_t count, void **slots)
{
	REPLAY_LOOP(heap_alloc, heap_calloc, heap_alloc_aligned, heap_realloc, heap_free)
}


__attribute__((noinline)) size_t
replay_libc(const struct op *ops, size_t count, void **slots)
{
	REPLAY_LOOP(malloc, calloc, memalign, realloc, free)
}


/* --- footprint ------------------------------------------------------------ */

struct measure {
	bool		heap;
	uintptr_t	initial_break;
	size_t		mapped_bytes;		/* glibc: live chunks it mmapped */
	size_t		requested;
	size_t		peak_requested;
	size_t		peak_footprint;
	size_t		allocations;
	double		overhead;
};


/*
 * The memory glibc holds for a live chunk: the size field in front of it,
 * which counts the header and, for mapped chunks, all their pages.
 */
static size_t
libc_chunk_size(const void *pointer)
{
	return ((const size_t *)pointer)[-1] & ~(size_t)7;
}


static bool
libc_chunk_mapped(const void *pointer)
{
	return (((const size_t *)pointer)[-1] & 2) != 0;
}


/* What the allocator holds for all live blocks, as far as it can be known. */
static size_t
measure_held(const struct measure *measure)
{
	if (!measure->heap)
		return 0;
	struct heap_stats stats;
	heap_get_stats(&stats);
	return stats.bytes_in_use + stats.chunk_overhead * stats.allocations
		+ stats.large_bytes;
}


static size_t
measure_footprint(const struct measure *measure)
{
	if (measure->heap) {
		struct heap_stats stats;
		heap_get_stats(&stats);
		return stats.high_water + stats.large_bytes;
	}
	return (uintptr_t)sbrk(0) - measure->initial_break + measure->mapped_bytes;
}


static void
measure_forget(struct measure *measure, const void *pointer, size_t requested)
{
	measure->requested -= requested;
	if (!measure->heap && pointer != NULL && libc_chunk_mapped(pointer))
		measure->mapped_bytes -= libc_chunk_size(pointer);
}


static void
measure_note(struct measure *measure, const void *pointer, size_t requested)
{
	measure->requested += requested;
	if (measure->requested > measure->peak_requested)
		measure->peak_requested = measure->requested;
	if (!measure->heap && libc_chunk_mapped(pointer))
		measure->mapped_bytes += libc_chunk_size(pointer);
}


/* One operation through the allocator the measure is for. */
static void *
measure_call(const struct measure *measure, const struct op *op, void *old)
{
	switch (op->kind) {
		case OP_ALLOC:
			return measure->heap ? heap_alloc(op->size) : malloc(op->size);
		case OP_CALLOC:
			return measure->heap ? heap_calloc(1, op->size) : calloc(1, op->size);
		case OP_ALIGNED:
			return measure->heap ? heap_alloc_aligned(op->alignment, op->size)
				: memalign(op->alignment, op->size);
		case OP_REALLOC:
			return measure->heap ? heap_realloc(old, op->size) : realloc(old, op->size);
		default:
			if (measure->heap)
				heap_free(old);
			else
				free(old);
			return NULL;
	}
}


static size_t
replay_measured(struct measure *measure, const struct op *ops, size_t count, void **slots,
	size_t *sizes)
{
	size_t failures = 0;
	for (size_t i = 0; i < count; i++) {
		const struct op *op = &ops[i];
		void *old = slots[op->slot];
		if (op->kind == OP_REALLOC && old == NULL) {
			failures++;
			continue;
		}

		size_t heldBefore = measure_held(measure);
		if (old != NULL)
			measure_forget(measure, old, sizes[op->slot]);
		void *result = measure_call(measure, op, old);

		if (op->kind == OP_FREE) {
			slots[op->slot] = NULL;
		} else if (result == NULL) {
			failures++;
			if (old != NULL)
				measure_note(measure, old, sizes[op->slot]);
		} else {
			slots[op->slot] = result;
			sizes[op->slot] = op->size;
			measure_note(measure, result, op->size);
			if (op->kind != OP_REALLOC) {
				size_t held = measure->heap ? measure_held(measure) - heldBefore
					: libc_chunk_size(result);
				measure->overhead += (double)held - (double)op->size;
				measure->allocations++;
			}
		}

		size_t footprint = measure_footprint(measure);
		if (footprint > measure->peak_footprint)
			measure->peak_footprint = footprint;
	}
	return failures;
}


/* --- main ----------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr, "usage: heap_replay [--allocator heap|libc] [--heap-size <bytes>] "
		"[--footprint]\n\t[--write-trace <file>] (--trace <file> | --workload <name>)\n"
		"workloads:");
	for (int i = 0; kWorkloadNames[i] != NULL; i++)
		fprintf(stderr, " %s", kWorkloadNames[i]);
	fprintf(stderr, "\n");
	exit(2);
}


int
main(int argc, char **argv)
{
	const char *allocator = "heap";
	const char *trace = NULL;
	const char *workloadName = NULL;
	const char *writeTrace = NULL;
	size_t heapSize = 0;
	bool footprint = false;

	for (int i = 1; i < argc; i++) {
		bool hasValue = i + 1 < argc;
		if (strcmp(argv[i], "--allocator") == 0 && hasValue)
			allocator = argv[++i];
		else if (strcmp(argv[i], "--heap-size") == 0 && hasValue)
			heapSize = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--trace") == 0 && hasValue)
			trace = argv[++i];
		else if (strcmp(argv[i], "--workload") == 0 && hasValue)
			workloadName = argv[++i];
		else if (strcmp(argv[i], "--write-trace") == 0 && hasValue)
			writeTrace = argv[++i];
		else if (strcmp(argv[i], "--footprint") == 0)
			footprint = true;
		else
			usage();
	}
	bool useHeap = strcmp(allocator, "heap") == 0;
	if ((trace == NULL) == (workloadName == NULL) || (!useHeap && strcmp(allocator, "libc")))
		usage();

	struct workload workload = { 0 };
	if (trace != NULL && !workload_read_trace(&workload, trace))
		return 1;
	if (workloadName != NULL && !workload_generate(&workload, workloadName)) {
		fprintf(stderr, "heap_replay: no workload %s\n", workloadName);
		usage();
	}
	if (writeTrace != NULL && !workload_write_trace(&workload, writeTrace))
		return 1;

	void **slots = bench_map((workload.slot_count + 1) * sizeof(void *));
	struct stage2_args args = { 0 };
	args.heap_size = heapSize != 0 ? heapSize : workload.heap_size;
	if (useHeap && heap_init(&args) != B_OK) {
		fprintf(stderr, "heap_replay: heap_init failed\n");
		return 1;
	}
	/* glibc sets its arena up on first use; the heap did so in heap_init */
	free(malloc(1));

	struct measure measure = { .heap = useHeap, .initial_break = (uintptr_t)sbrk(0) };
	size_t failures;
	if (footprint) {
		size_t *sizes = bench_map((workload.slot_count + 1) * sizeof(size_t));
		failures = replay_measured(&measure, workload.ops, workload.count, slots, sizes);
	} else if (useHeap)
		failures = replay_heap(workload.ops, workload.count, slots);
	else
		failures = replay_libc(workload.ops, workload.count, slots);

	printf("workload %s\n", trace != NULL ? trace : workloadName);
	printf("allocator %s\n", allocator);
	printf("operations %zu\n", workload.count);
	printf("failures %zu\n", failures);
	if (footprint) {
		printf("peak_requested %zu\n", measure.peak_requested);
		printf("peak_footprint %zu\n", measure.peak_footprint);
		printf("overhead_per_allocation %.1f\n", measure.allocations != 0
			? measure.overhead / (double)measure.allocations : 0.0);
		/* glibc: the size field; its prev_size belongs to the chunk before */
		size_t bookkeeping = sizeof(size_t);
		if (useHeap) {
			struct heap_stats stats;
			heap_get_stats(&stats);
			bookkeeping = stats.chunk_overhead;
		}
		printf("bookkeeping_per_allocation %zu\n", bookkeeping);
	}

	/* what the workload left allocated is not the heap's leak */
	for (size_t i = 0; i < workload.slot_count; i++) {
		if (useHeap)
			heap_free(slots[i]);
		else
			free(slots[i]);
	}
	if (useHeap) {
		struct heap_stats stats;
		heap_get_stats(&stats);
		printf("heap_size %zu\n", stats.heap_size);
		/* the region's part of the footprint: what the heap itself needed */
		printf("heap_high_water %zu\n", stats.high_water);
		heap_release(&args);
	}
	return 0;
}
