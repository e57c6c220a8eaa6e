/* SPDX-License-Identifier: MIT */
/*
 * A fake of the platform region hooks for host tests, backed by malloc.
 */
#ifndef TEST_ELF_PLATFORM_H
#define TEST_ELF_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/elf.h>
#include <boot/status.h>

#define FAKE_MAX_REGIONS	32

/* Forget all regions (freeing their memory) and every setting below. */
void fake_platform_reset(void);

/*
 * Make the allocation after the next count successful ones fail with status
 * (B_NO_MEMORY, B_BAD_ADDRESS, ...); a negative count never fails.
 */
void fake_platform_fail_after(int count, status_t status);

/* Regions currently allocated, and allocations attempted since the reset. */
uint32_t fake_platform_region_count(void);
uint32_t fake_platform_allocation_count(void);

/* Misuse the fake saw: double or partial frees, unaligned exact addresses. */
uint32_t fake_platform_errors(void);

/* The protection a region at exactly kernel_address was allocated with. */
uint32_t fake_platform_protection(uint64_t kernel_address);

/* Whether that region was asked for with REGION_UNZEROED. */
bool fake_platform_unzeroed(uint64_t kernel_address);

/*
 * A kernel file of size bytes read through struct elf_file that records every
 * read: its first data_size bytes from data, the rest filler (so that a file
 * far too large to hold can be offered).
 */
#define FAKE_FILE_MAX_READS	64

struct fake_file_read {
	uint64_t	offset;
	size_t		length;
	void		*buffer;
};

struct fake_file {
	struct elf_file			file;
	const uint8_t			*data;
	uint64_t				data_size;
	uint8_t					filler;
	uint64_t				bytes_read;
	uint32_t				read_count;
	int						fail_read;		/* this read fails (B_IO_ERROR); -1: none */
	struct fake_file_read	reads[FAKE_FILE_MAX_READS];
};

void fake_file_init(struct fake_file *file, const void *data, uint64_t dataSize,
	uint64_t size);

#endif
