/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the ELF kernel validator and loader (elf.c) and the
 * symbol table finder (elf_symbols.c).
 *
 * Build and run from the top of the tree (clang 14 or newer):
 *
 *   mkdir -p generated/fuzz/corpus_elf
 *   clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -fno-sanitize-recover=all -Iheaders -Iheaders/arch/x86_64 \
 *       -o generated/fuzz/fuzz_elf tests/fuzz/fuzz_elf.c src/system/boot/loader/elf.c \
 *       src/system/boot/loader/elf_symbols.c src/system/boot/loader/crc32.c
 *   head -c 32768 generated/kernel/kernel_x86_64 > generated/fuzz/corpus_elf/kernel
 *   generated/fuzz/fuzz_elf -max_total_time=60 -max_len=65536 generated/fuzz/corpus_elf
 *
 * (The first 32 KiB of the boot-check kernel hold all of its loadable bytes;
 * the rest is symbols, which the loader never reads.)
 *
 * Every input is validated with the x86_64 policy; inputs that pass are also
 * loaded through a malloc-backed fake of the region hooks, which refuses
 * large regions so that the cleanup path after a failed allocation is
 * exercised too. Beyond the sanitizers, the target aborts when validation
 * and loading disagree, when a reason is missing, or when a region leaks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <boot/elf.h>
#include <boot/platform.h>


#define FUZZ_MAX_REGIONS		MAX_KERNEL_SEGMENTS
#define FUZZ_MAX_REGION_SIZE	(4 * 1024 * 1024)

struct fuzz_region {
	uint64_t	address;
	size_t		size;
	uint8_t		*memory;
};

static struct fuzz_region sRegions[FUZZ_MAX_REGIONS];
static uint32_t sRegionCount;

static const struct elf_policy kPolicy = {
	.machine = EM_X86_64,
	.window_start = KERNEL_LOAD_BASE,
	.window_end = KERNEL_WINDOW_END,
	.allow_write_execute = 0,
};


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


status_t
platform_allocate_region(uint64_t *_kernel_address, size_t size,
	uint32_t protection, bool exact)
{
	if (!exact || (*_kernel_address & KERNEL_PAGE_MASK) != 0 || (size & KERNEL_PAGE_MASK) != 0)
		abort();
	/* the policy forbids writable code */
	if ((protection & (REGION_WRITE | REGION_EXECUTE)) == (REGION_WRITE | REGION_EXECUTE))
		abort();
	if (size > FUZZ_MAX_REGION_SIZE || sRegionCount == FUZZ_MAX_REGIONS)
		return B_NO_MEMORY;

	for (uint32_t i = 0; i < sRegionCount; i++) {
		/* validation promised non-overlapping segments */
		if (*_kernel_address < sRegions[i].address + sRegions[i].size
			&& sRegions[i].address < *_kernel_address + size) {
			abort();
		}
	}

	uint8_t *memory = malloc(size);
	if (memory == NULL)
		return B_NO_MEMORY;
	/* not zeroed like real regions: the loader must not depend on it */
	memset(memory, 0xa5, size);
	sRegions[sRegionCount].address = *_kernel_address;
	sRegions[sRegionCount].size = size;
	sRegions[sRegionCount].memory = memory;
	sRegionCount++;
	return B_OK;
}


status_t
platform_free_region(uint64_t kernel_address, size_t size)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		if (sRegions[i].address == kernel_address) {
			if (sRegions[i].size != size)
				abort();
			free(sRegions[i].memory);
			sRegions[i] = sRegions[--sRegionCount];
			return B_OK;
		}
	}
	abort();
}


void *
platform_kernel_to_loader(uint64_t kernel_address)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		if (kernel_address >= sRegions[i].address
			&& kernel_address - sRegions[i].address < sRegions[i].size) {
			return sRegions[i].memory + (kernel_address - sRegions[i].address);
		}
	}
	return NULL;
}


static void
fuzz_free_all(void)
{
	while (sRegionCount > 0) {
		sRegionCount--;
		free(sRegions[sRegionCount].memory);
	}
}


/* Whatever the section headers say, the tables found must lie inside the file. */
static void
fuzz_symbol_tables(const uint8_t *data, size_t size)
{
	struct elf_symbol_tables tables;
	const char *reason = NULL;
	status_t status = elf_find_symbol_tables(data, size, &tables, &reason);
	if (status == B_OK ? reason != NULL : reason == NULL)
		abort();
	if (status != B_OK) {
		if (tables.symbols_size != 0 || tables.strings_size != 0)
			abort();
		return;
	}
	if ((tables.symbols_size == 0) != (tables.strings_size == 0)
		|| tables.symbols_size % sizeof(Elf64_Sym) != 0
		|| tables.symbols_offset > size || tables.symbols_size > size - tables.symbols_offset
		|| tables.strings_offset > size || tables.strings_size > size - tables.strings_offset) {
		abort();
	}
	if (tables.strings_size != 0 && data[tables.strings_offset + tables.strings_size - 1] != 0)
		abort();
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_symbol_tables(data, size);

	const char *reason = NULL;
	status_t status = elf_validate(data, size, &kPolicy, &reason);
	if (status == B_OK ? reason != NULL : reason == NULL)
		abort();
	if (status != B_OK && status != B_BAD_DATA && status != B_NOT_SUPPORTED)
		abort();

	kernel_image kernel;
	const char *loadReason = NULL;
	status_t loadStatus = elf_load_kernel(data, size, "fuzz", &kPolicy, &kernel,
		&loadReason);
	if (status != B_OK) {
		/* the loader must refuse exactly what the validator refuses */
		if (loadStatus != status || sRegionCount != 0 || strcmp(loadReason, reason) != 0)
			abort();
		return 0;
	}

	if (loadStatus == B_NO_MEMORY) {
		if (sRegionCount != 0)
			abort();
		return 0;
	}
	if (loadStatus != B_OK || kernel.segment_count != sRegionCount
		|| kernel.entry < kernel.image_start || kernel.entry >= kernel.image_end) {
		abort();
	}
	fuzz_free_all();
	return 0;
}
