/* SPDX-License-Identifier: MIT */
/*
 * A fake of the platform region hooks for host tests, backed by malloc.
 */
#include "test_elf_platform.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <boot/kernel_args.h>
#include <boot/platform.h>

/* Generous for test images, small enough that a wrong size fails loudly. */
#define FAKE_MAX_REGION_SIZE	(64ULL * 1024 * 1024)

struct fake_region {
	uint64_t	kernel_address;
	uint64_t	size;
	uint32_t	protection;
	bool		unzeroed;
	uint8_t		*memory;
};

static struct fake_region sRegions[FAKE_MAX_REGIONS];
static uint32_t sRegionCount;
static uint32_t sAllocationCount;
static uint32_t sErrors;
static int sFailAfter = -1;
static status_t sFailStatus = B_NO_MEMORY;
static uint64_t sNextAddress = 0xffffffffc0000000ULL;


void
fake_platform_reset(void)
{
	for (uint32_t i = 0; i < sRegionCount; i++)
		free(sRegions[i].memory);
	sRegionCount = 0;
	sAllocationCount = 0;
	sErrors = 0;
	sFailAfter = -1;
	sFailStatus = B_NO_MEMORY;
	sNextAddress = 0xffffffffc0000000ULL;
}


void
fake_platform_fail_after(int count, status_t status)
{
	sFailAfter = count;
	sFailStatus = status;
}


uint32_t
fake_platform_region_count(void)
{
	return sRegionCount;
}


uint32_t
fake_platform_allocation_count(void)
{
	return sAllocationCount;
}


uint32_t
fake_platform_errors(void)
{
	return sErrors;
}


uint32_t
fake_platform_protection(uint64_t kernel_address)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		if (sRegions[i].kernel_address == kernel_address)
			return sRegions[i].protection;
	}
	return 0;
}


bool
fake_platform_unzeroed(uint64_t kernel_address)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		if (sRegions[i].kernel_address == kernel_address)
			return sRegions[i].unzeroed;
	}
	return false;
}


status_t
platform_allocate_region(uint64_t *_kernel_address, size_t size,
	uint32_t protection, bool exact)
{
	sAllocationCount++;
	if (sFailAfter == 0)
		return sFailStatus;
	if (sFailAfter > 0)
		sFailAfter--;

	if (size == 0 || size > FAKE_MAX_REGION_SIZE || sRegionCount == FAKE_MAX_REGIONS)
		return B_NO_MEMORY;
	uint64_t pages = (size + KERNEL_PAGE_SIZE - 1) & ~KERNEL_PAGE_MASK;

	uint64_t address = exact ? *_kernel_address : sNextAddress;
	if ((address & KERNEL_PAGE_MASK) != 0) {
		sErrors++;
		return B_BAD_VALUE;
	}
	if (pages - 1 > UINT64_MAX - address)
		return B_BAD_ADDRESS;
	for (uint32_t i = 0; i < sRegionCount; i++) {
		const struct fake_region *other = &sRegions[i];
		if (address <= other->kernel_address + (other->size - 1)
			&& other->kernel_address <= address + (pages - 1)) {
			return B_BAD_ADDRESS;
		}
	}

	uint8_t *memory = malloc(pages);
	if (memory == NULL)
		return B_NO_MEMORY;
	/*
	 * The real hook may hand out REGION_UNZEROED memory as it was; poisoning
	 * it here proves the loader writes every byte the kernel sees.
	 */
	memset(memory, (protection & REGION_UNZEROED) != 0 ? 0xa5 : 0, pages);

	sRegions[sRegionCount].kernel_address = address;
	sRegions[sRegionCount].size = pages;
	sRegions[sRegionCount].protection = protection & REGION_PROTECTION_MASK;
	sRegions[sRegionCount].unzeroed = (protection & REGION_UNZEROED) != 0;
	sRegions[sRegionCount].memory = memory;
	sRegionCount++;
	if (!exact)
		sNextAddress = address + pages;
	*_kernel_address = address;
	return B_OK;
}


status_t
platform_free_region(uint64_t kernel_address, size_t size)
{
	uint64_t pages = (size + KERNEL_PAGE_SIZE - 1) & ~KERNEL_PAGE_MASK;
	for (uint32_t i = 0; i < sRegionCount; i++) {
		if (sRegions[i].kernel_address != kernel_address)
			continue;
		if (sRegions[i].size != pages) {
			sErrors++;
			return B_BAD_VALUE;
		}
		free(sRegions[i].memory);
		sRegions[i] = sRegions[--sRegionCount];
		return B_OK;
	}
	sErrors++;
	return B_BAD_VALUE;
}


void *
platform_kernel_to_loader(uint64_t kernel_address)
{
	for (uint32_t i = 0; i < sRegionCount; i++) {
		const struct fake_region *region = &sRegions[i];
		if (kernel_address >= region->kernel_address
			&& kernel_address - region->kernel_address < region->size) {
			return region->memory + (kernel_address - region->kernel_address);
		}
	}
	return NULL;
}


uint64_t
platform_loader_to_kernel(const void *loader_address)
{
	uintptr_t address = (uintptr_t)loader_address;
	for (uint32_t i = 0; i < sRegionCount; i++) {
		const struct fake_region *region = &sRegions[i];
		uintptr_t memory = (uintptr_t)region->memory;
		if (address >= memory && address - memory < region->size)
			return region->kernel_address + (address - memory);
	}
	return 0;
}


static status_t
fake_file_read(void *cookie, uint64_t offset, void *buffer, size_t length)
{
	struct fake_file *file = cookie;
	if (offset > file->file.size || length > file->file.size - offset)
		sErrors++;
	if (file->read_count < FAKE_FILE_MAX_READS) {
		file->reads[file->read_count] = (struct fake_file_read){
			.offset = offset, .length = length, .buffer = buffer };
	}
	if ((int)file->read_count++ == file->fail_read)
		return B_IO_ERROR;
	file->bytes_read += length;
	uint8_t *out = buffer;
	for (size_t i = 0; i < length; i++) {
		out[i] = offset + i < file->data_size ? file->data[offset + i] : file->filler;
	}
	return B_OK;
}


void
fake_file_init(struct fake_file *file, const void *data, uint64_t dataSize, uint64_t size)
{
	memset(file, 0, sizeof(*file));
	file->file.size = size;
	file->file.read = fake_file_read;
	file->file.cookie = file;
	file->data = data;
	file->data_size = dataSize;
	file->fail_read = -1;
}
