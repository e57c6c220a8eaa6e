/* SPDX-License-Identifier: MIT */
/*
 * The heap benchmark's workloads: heap trace files read and written, and the
 * synthetic workloads (many small blocks, mixed sizes, fragmentation, and a
 * loader-like boot).
 */
#include "heap_replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>


#define KIB		((size_t)1024)
#define MIB		(1024 * KIB)


void *
bench_map(size_t size)
{
	void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (memory == MAP_FAILED) {
		fprintf(stderr, "heap_replay: cannot map %zu bytes\n", size);
		exit(2);
	}
	return memory;
}


void
workload_add(struct workload *workload, enum op_kind kind, uint32_t slot, size_t size,
	size_t alignment)
{
	if (workload->count == workload->capacity) {
		size_t capacity = workload->capacity != 0 ? workload->capacity * 2 : 4096;
		struct op *ops = bench_map(capacity * sizeof(struct op));
		if (workload->ops != NULL) {
			memcpy(ops, workload->ops, workload->count * sizeof(struct op));
			munmap(workload->ops, workload->capacity * sizeof(struct op));
		}
		workload->ops = ops;
		workload->capacity = capacity;
	}
	workload->ops[workload->count++] = (struct op){ kind, slot, size, alignment };
}


uint32_t
workload_new_slot(struct workload *workload)
{
	return (uint32_t)workload->slot_count++;
}


/* --- trace files ---------------------------------------------------------- */

/* Trace ids to slots: open addressing, ids are never 0. */
struct id_map {
	uint32_t	*ids;
	uint32_t	*slots;
	size_t		capacity;
	size_t		count;
};


static uint32_t *
id_map_find(struct id_map *map, uint32_t id)
{
	size_t index = (id * 0x9e3779b1u) & (map->capacity - 1);
	while (map->ids[index] != 0 && map->ids[index] != id)
		index = (index + 1) & (map->capacity - 1);
	return &map->ids[index];
}


static void
id_map_grow(struct id_map *map)
{
	struct id_map old = *map;
	map->capacity = old.capacity != 0 ? old.capacity * 2 : 1024;
	map->ids = bench_map(map->capacity * sizeof(uint32_t));
	map->slots = bench_map(map->capacity * sizeof(uint32_t));
	for (size_t i = 0; i < old.capacity; i++) {
		if (old.ids[i] == 0)
			continue;
		uint32_t *entry = id_map_find(map, old.ids[i]);
		*entry = old.ids[i];
		map->slots[entry - map->ids] = old.slots[i];
	}
	if (old.capacity != 0) {
		munmap(old.ids, old.capacity * sizeof(uint32_t));
		munmap(old.slots, old.capacity * sizeof(uint32_t));
	}
}


bool
workload_read_trace(struct workload *workload, const char *path)
{
	FILE *file = fopen(path, "r");
	if (file == NULL) {
		fprintf(stderr, "heap_replay: %s: %s\n", path, strerror(errno));
		return false;
	}

	struct id_map map = { 0 };
	id_map_grow(&map);
	char line[256];
	unsigned lineNumber = 0;
	bool ok = true;
	while (ok && fgets(line, sizeof(line), file) != NULL) {
		lineNumber++;
		/* serial logs end lines in CR LF; the kernel's echo of the log is indented */
		const char *record = line;
		while (*record == '\r')
			record++;
		if (strncmp(record, "heap-trace ", strlen("heap-trace ")) != 0)
			continue;
		record += strlen("heap-trace ");

		char kind;
		unsigned long id = 0;
		unsigned long long first = 0;
		unsigned long long second = 0;
		int fields = sscanf(record, "%c %lu %llu %llu", &kind, &id, &first, &second);
		if (kind == 'i' && fields >= 2) {
			workload->heap_size = id;
			continue;
		}
		if (fields < 2 || id == 0 || id > UINT32_MAX) {
			ok = false;
			break;
		}

		if (map.count * 2 >= map.capacity)
			id_map_grow(&map);
		uint32_t *entry = id_map_find(&map, (uint32_t)id);
		bool known = *entry != 0;
		size_t index = entry - map.ids;
		switch (kind) {
			case 'a':
			case 'c':
			case 'm':
				if (known || fields < (kind == 'm' ? 4 : 3)) {
					ok = false;
					break;
				}
				*entry = (uint32_t)id;
				map.slots[index] = workload_new_slot(workload);
				map.count++;
				if (kind == 'm')
					workload_add(workload, OP_ALIGNED, map.slots[index], second, first);
				else {
					workload_add(workload, kind == 'a' ? OP_ALLOC : OP_CALLOC,
						map.slots[index], first, 0);
				}
				break;
			case 'r':
				ok = known && fields >= 3;
				if (ok)
					workload_add(workload, OP_REALLOC, map.slots[index], first, 0);
				break;
			case 'f':
				ok = known;
				if (ok)
					workload_add(workload, OP_FREE, map.slots[index], 0, 0);
				break;
			default:
				ok = false;
		}
	}
	fclose(file);
	if (!ok)
		fprintf(stderr, "heap_replay: %s:%u: not a valid heap-trace line\n", path, lineNumber);
	return ok;
}


bool
workload_write_trace(const struct workload *workload, const char *path)
{
	FILE *file = fopen(path, "w");
	if (file == NULL) {
		fprintf(stderr, "heap_replay: %s: %s\n", path, strerror(errno));
		return false;
	}
	if (workload->heap_size != 0)
		fprintf(file, "heap-trace i %zu\n", workload->heap_size);
	for (size_t i = 0; i < workload->count; i++) {
		const struct op *op = &workload->ops[i];
		/* ids start at 1, as the heap's do */
		unsigned id = op->slot + 1;
		switch (op->kind) {
			case OP_ALLOC:
				fprintf(file, "heap-trace a %u %zu\n", id, op->size);
				break;
			case OP_CALLOC:
				fprintf(file, "heap-trace c %u %zu\n", id, op->size);
				break;
			case OP_ALIGNED:
				fprintf(file, "heap-trace m %u %zu %zu\n", id, op->alignment, op->size);
				break;
			case OP_REALLOC:
				fprintf(file, "heap-trace r %u %zu\n", id, op->size);
				break;
			case OP_FREE:
				fprintf(file, "heap-trace f %u\n", id);
				break;
		}
	}
	return fclose(file) == 0;
}


/* --- synthetic workloads -------------------------------------------------- */

/* A generator keeps the live blocks, so that every free names one. */
struct generator {
	struct workload	*workload;
	uint64_t		random;
	uint32_t		*live;
	size_t			*sizes;
	size_t			live_count;
	size_t			live_bytes;
};

#define MAX_LIVE	(1024 * 1024)


static uint64_t
gen_random(struct generator *gen)
{
	gen->random ^= gen->random >> 12;
	gen->random ^= gen->random << 25;
	gen->random ^= gen->random >> 27;
	return gen->random * 0x2545f4914f6cdd1dull;
}


/* Uniform in [low, high]. */
static size_t
gen_between(struct generator *gen, size_t low, size_t high)
{
	return low + gen_random(gen) % (high - low + 1);
}


static void
gen_start(struct generator *gen, struct workload *workload, uint64_t seed)
{
	gen->workload = workload;
	gen->random = seed;
	gen->live = bench_map(MAX_LIVE * sizeof(uint32_t));
	gen->sizes = bench_map(MAX_LIVE * sizeof(size_t));
	gen->live_count = 0;
	gen->live_bytes = 0;
}


/* Allocates; returns the block's index among the live ones. */
static size_t
gen_alloc(struct generator *gen, enum op_kind kind, size_t size, size_t alignment)
{
	if (gen->live_count == MAX_LIVE) {
		fprintf(stderr, "heap_replay: generator ran out of live slots\n");
		exit(2);
	}
	uint32_t slot = workload_new_slot(gen->workload);
	workload_add(gen->workload, kind, slot, size, alignment);
	gen->live[gen->live_count] = slot;
	gen->sizes[gen->live_count] = size;
	gen->live_bytes += size;
	return gen->live_count++;
}


static void
gen_realloc(struct generator *gen, size_t index, size_t size)
{
	workload_add(gen->workload, OP_REALLOC, gen->live[index], size, 0);
	gen->live_bytes += size - gen->sizes[index];
	gen->sizes[index] = size;
}


/* Frees the live block at index; the last live block takes its place. */
static void
gen_free(struct generator *gen, size_t index)
{
	workload_add(gen->workload, OP_FREE, gen->live[index], 0, 0);
	gen->live_bytes -= gen->sizes[index];
	gen->live_count--;
	gen->live[index] = gen->live[gen->live_count];
	gen->sizes[index] = gen->sizes[gen->live_count];
}


static void
gen_free_random(struct generator *gen)
{
	if (gen->live_count != 0)
		gen_free(gen, gen_random(gen) % gen->live_count);
}


static void
gen_free_all(struct generator *gen)
{
	while (gen->live_count != 0)
		gen_free(gen, gen->live_count - 1);
}


/* Many small blocks, freed in random order: the loader's strings and nodes. */
static void
generate_small(struct generator *gen)
{
	for (int step = 0; step < 300000; step++) {
		if (gen->live_count < 20000 && gen_random(gen) % 100 < 55) {
			size_t size = gen_random(gen) % 4 == 0 ? gen_between(gen, 1, 128)
				: gen_between(gen, 8, 40);
			gen_alloc(gen, OP_ALLOC, size, 0);
		} else
			gen_free_random(gen);
	}
	gen_free_all(gen);
}


/* Sizes spread over five orders of magnitude, some aligned, some resized. */
static void
generate_mixed(struct generator *gen)
{
	for (int step = 0; step < 200000; step++) {
		uint64_t choice = gen_random(gen) % 100;
		if (gen->live_count != 0 && (gen->live_bytes > 8 * MIB || choice >= 70)) {
			gen_free_random(gen);
		} else if (choice < 50 || gen->live_count == 0) {
			unsigned shift = 4 + gen_random(gen) % 15;
			size_t size = ((size_t)1 << shift) + gen_random(gen) % ((size_t)1 << shift);
			if (gen_random(gen) % 1000 == 0)
				size = gen_between(gen, MIB, 4 * MIB);
			gen_alloc(gen, gen_random(gen) % 8 == 0 ? OP_CALLOC : OP_ALLOC, size, 0);
		} else if (choice < 55) {
			size_t alignment = (size_t)64 << (gen_random(gen) % 7);
			gen_alloc(gen, OP_ALIGNED, gen_between(gen, 512, 16 * KIB), alignment);
		} else {
			size_t index = gen_random(gen) % gen->live_count;
			size_t size = gen->sizes[index];
			size = gen_random(gen) % 3 == 0 ? size / 2 : size + size / 2 + 16;
			if (size <= 4 * MIB)
				gen_realloc(gen, index, size);
		}
	}
	gen_free_all(gen);
}


/*
 * Rounds of interleaved small and medium blocks whose mediums are freed and
 * replaced by slightly larger ones, so that the holes never fit; plus arrays
 * grown by doubling between small allocations.
 */
static void
generate_fragmentation(struct generator *gen)
{
	for (int round = 0; round < 20; round++) {
		/* pairs: the mediums sit at odd positions from start on */
		size_t start = gen->live_count;
		for (int i = 0; i < 2000; i++) {
			gen_alloc(gen, OP_ALLOC, gen_between(gen, 16, 48), 0);
			gen_alloc(gen, OP_ALLOC, gen_between(gen, 256, 1280), 0);
		}
		/* from the back, so that only smalls move into freed positions */
		for (size_t i = 2000; i > 0; i--)
			gen_free(gen, start + 2 * i - 1);

		size_t larger = gen->live_count;
		for (int i = 0; i < 1000; i++)
			gen_alloc(gen, OP_ALLOC, gen_between(gen, 1400, 2000), 0);

		size_t arrays = gen->live_count;
		for (int i = 0; i < 50; i++)
			gen_alloc(gen, OP_ALLOC, 64, 0);
		for (size_t size = 128; size <= 32 * KIB; size *= 2) {
			for (size_t index = arrays; index < arrays + 50; index++) {
				gen_realloc(gen, index, size);
				gen_alloc(gen, OP_ALLOC, gen_between(gen, 16, 64), 0);
			}
		}

		/* the arrays and the larger mediums go, half of the rest too */
		while (gen->live_count > larger)
			gen_free(gen, gen->live_count - 1);
		size_t half = gen->live_count / 2;
		for (size_t i = 0; i < half; i++)
			gen_free_random(gen);
	}
	gen_free_all(gen);
}


/* A path of depth components: strings built by realloc, as a file system does. */
static void
loader_walk_directory(struct generator *gen, int entries)
{
	size_t path = gen_alloc(gen, OP_ALLOC, 16, 0);
	for (int i = 0; i < entries; i++) {
		/* a node for the entry and its name; most are closed again */
		size_t node = gen_alloc(gen, OP_CALLOC, gen_between(gen, 96, 160), 0);
		size_t name = gen_alloc(gen, OP_ALLOC, gen_between(gen, 4, 40), 0);
		if (gen_random(gen) % 16 == 0)
			gen_realloc(gen, path, gen->sizes[path] + gen_between(gen, 8, 32));
		if (gen_random(gen) % 4 != 0) {
			/* freeing name first keeps node's index valid */
			gen_free(gen, name > node ? name : node);
			gen_free(gen, name > node ? node : name);
		}
	}
	gen_free(gen, path);
}


/*
 * What a boot with file systems will ask for: long-lived settings and menu
 * entries, block buffers per disk, partition records, file system volumes with
 * growing block caches, directory walks, configuration and module files, and
 * the kernel image read into one large block.
 */
static void
generate_loader(struct generator *gen)
{
	for (int i = 0; i < 40; i++)
		gen_alloc(gen, OP_ALLOC, gen_between(gen, 32, 512), 0);

	for (int disk = 0; disk < 4; disk++) {
		gen_alloc(gen, OP_CALLOC, 192, 0);
		size_t buffer = gen_alloc(gen, OP_ALIGNED, 16 * KIB, 4096);
		int partitions = (int)gen_between(gen, 1, 8);
		for (int i = 0; i < partitions; i++)
			gen_alloc(gen, OP_CALLOC, 128, 0);
		gen_free(gen, buffer);

		for (int volume = 0; volume < 2; volume++) {
			gen_alloc(gen, OP_CALLOC, gen_between(gen, 256, 2048), 0);
			size_t cache = gen_alloc(gen, OP_ALLOC, 4 * KIB, 0);
			for (size_t size = 8 * KIB; size <= 128 * KIB; size *= 2)
				gen_realloc(gen, cache, size);
			loader_walk_directory(gen, (int)gen_between(gen, 50, 400));
		}
	}

	size_t config = gen_alloc(gen, OP_ALLOC, gen_between(gen, 1 * KIB, 4 * KIB), 0);
	for (int i = 0; i < 60; i++)
		gen_alloc(gen, OP_ALLOC, gen_between(gen, 2, 48), 0);
	gen_free(gen, config);

	for (int module = 0; module < 6; module++) {
		size_t file = gen_alloc(gen, OP_ALLOC, gen_between(gen, 20 * KIB, 600 * KIB), 0);
		gen_alloc(gen, OP_ALLOC, gen_between(gen, 64, 256), 0);
		gen_free(gen, file);
	}

	size_t kernel = gen_alloc(gen, OP_ALLOC, gen_between(gen, 2 * MIB, 6 * MIB), 0);
	for (int i = 0; i < 30; i++)
		gen_alloc(gen, OP_ALLOC, gen_between(gen, 24, 200), 0);
	gen_free(gen, kernel);

	/* at handoff the loader frees what it knows of; a few blocks stay */
	while (gen->live_count > 12)
		gen_free_random(gen);
}


const char *const kWorkloadNames[] = { "small", "mixed", "fragmentation", "loader", NULL };


bool
workload_generate(struct workload *workload, const char *name)
{
	struct generator gen;
	uint64_t seed = 0x243f6a8885a308d3ull;
	for (const char *c = name; *c != '\0'; c++)
		seed = (seed ^ (uint8_t)*c) * 0x100000001b3ull;
	gen_start(&gen, workload, seed);
	if (strcmp(name, "small") == 0)
		generate_small(&gen);
	else if (strcmp(name, "mixed") == 0)
		generate_mixed(&gen);
	else if (strcmp(name, "fragmentation") == 0)
		generate_fragmentation(&gen);
	else if (strcmp(name, "loader") == 0)
		generate_loader(&gen);
	else
		return false;
	munmap(gen.live, MAX_LIVE * sizeof(uint32_t));
	munmap(gen.sizes, MAX_LIVE * sizeof(size_t));
	return true;
}
