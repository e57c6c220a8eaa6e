/* SPDX-License-Identifier: MIT */
/*
 * The heap benchmark's workloads: a list of allocator operations, read from a
 * heap trace or generated, that heap_replay runs through an allocator.
 */
#ifndef HEAP_REPLAY_H
#define HEAP_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum op_kind {
	OP_ALLOC,		/* a <id> <size> */
	OP_CALLOC,		/* c <id> <size> */
	OP_ALIGNED,		/* m <id> <alignment> <size> */
	OP_REALLOC,		/* r <id> <size> */
	OP_FREE,		/* f <id> */
};

struct op {
	uint32_t	kind;
	uint32_t	slot;		/* dense: 0 .. slot_count - 1 */
	size_t		size;
	size_t		alignment;
};

struct workload {
	struct op	*ops;
	size_t		count;
	size_t		capacity;
	size_t		slot_count;
	size_t		heap_size;	/* from the trace's "i" line; 0 when it has none */
};

/* Appends one operation; exits when memory runs out. */
void workload_add(struct workload *workload, enum op_kind kind, uint32_t slot,
	size_t size, size_t alignment);
/* A fresh slot for an allocating operation. */
uint32_t workload_new_slot(struct workload *workload);

/*
 * Reads the lines of a file that start with "heap-trace " (a serial log will
 * do); other lines are ignored.
 */
bool workload_read_trace(struct workload *workload, const char *path);
bool workload_write_trace(const struct workload *workload, const char *path);

/* The synthetic workloads by name; false for an unknown name. */
bool workload_generate(struct workload *workload, const char *name);
extern const char *const kWorkloadNames[];

/* Memory that does not come from malloc, so the C library's figures stay clean. */
void *bench_map(size_t size);

#endif
