/* SPDX-License-Identifier: MIT */
/*
 * Building kernel_args: the structure itself and the memory it points to.
 */
#include <boot/handoff.h>

#include <string.h>

#include <boot/boot.h>
#include <boot/kernel_regions.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/timeline.h>


/* kernel_args data is small; one chunk usually holds all of it. */
#define CHUNK_SIZE			(64 * 1024)
#define ALLOC_ALIGNMENT		16

kernel_args *gKernelArgs;

static char *sLogCopy;
static uint8_t *sChunk;
static size_t sChunkUsed;
static size_t sChunkSize;


static status_t
kernel_args_new_chunk(size_t minimum)
{
	size_t size = CHUNK_SIZE;
	if (minimum > size)
		size = (minimum + KERNEL_PAGE_SIZE - 1) & ~(size_t)KERNEL_PAGE_MASK;

	uint64_t address;
	status_t status = platform_allocate_region(&address, size,
		REGION_READ | REGION_WRITE, false);
	if (status != B_OK)
		return status;

	sChunk = platform_kernel_to_loader(address);
	sChunkSize = size;
	sChunkUsed = 0;
	return B_OK;
}


void *
kernel_args_malloc(size_t size)
{
	if (size > SIZE_MAX - ALLOC_ALIGNMENT)
		return NULL;
	size = (size + ALLOC_ALIGNMENT - 1) & ~(size_t)(ALLOC_ALIGNMENT - 1);

	if (sChunk == NULL || sChunkSize - sChunkUsed < size) {
		if (kernel_args_new_chunk(size) != B_OK)
			return NULL;
	}

	void *result = sChunk + sChunkUsed;
	sChunkUsed += size;
	memset(result, 0, size);
	return result;
}


uint64_t
kernel_args_strdup(const char *string)
{
	size_t length = strlen(string) + 1;
	char *copy = kernel_args_malloc(length);
	if (copy == NULL)
		return 0;
	memcpy(copy, string, length);
	return platform_loader_to_kernel(copy);
}


status_t
kernel_args_init(void)
{
	gKernelArgs = kernel_args_malloc(sizeof(kernel_args));
	if (gKernelArgs == NULL)
		return B_NO_MEMORY;

	gKernelArgs->magic = KERNEL_ARGS_MAGIC;
	gKernelArgs->version = KERNEL_ARGS_VERSION;
	gKernelArgs->kernel_args_size = sizeof(kernel_args);
	gKernelArgs->self = platform_loader_to_kernel(gKernelArgs);
	gKernelArgs->cpu_count = 1;
	timeline_publish(gKernelArgs);
	gKernelArgs->loader_name = kernel_args_strdup(BOOT_LOADER_NAME);
	if (gKernelArgs->loader_name == 0)
		return B_NO_MEMORY;

	sLogCopy = kernel_args_malloc(BOOT_LOG_SIZE);
	if (sLogCopy == NULL)
		return B_NO_MEMORY;
	return B_OK;
}


status_t
kernel_args_reset(uint32_t keepEvents)
{
	if (gKernelArgs != NULL)
		timeline_take_back(gKernelArgs, keepEvents);
	gKernelArgs = NULL;
	sChunk = NULL;
	sChunkSize = 0;
	sChunkUsed = 0;
	sLogCopy = NULL;

	/* Newest first, the way they were stacked up. */
	kernel_regions_thaw();
	uint32_t count;
	const struct kernel_region *regions = kernel_regions(&count);
	while (count > 0) {
		const struct kernel_region *region = &regions[count - 1];
		status_t status = platform_free_region(region->kernel_address, region->size);
		if (status != B_OK) {
			/* Cannot happen: the list is the port's own. Lose the memory, not the loader. */
			boot_dprintf("boot: cannot free region %#llx: %s\n",
				(unsigned long long)region->kernel_address, status_string(status));
			break;
		}
		regions = kernel_regions(&count);
	}
	kernel_regions_reset();
	status_t status = kernel_args_init();
	if (status != B_OK)
		gKernelArgs = NULL;
	return status;
}


void
kernel_args_copy_log(void)
{
	size_t size;
	const char *log = boot_log_buffer(&size);
	memcpy(sLogCopy, log, size);
	gKernelArgs->log_address = platform_loader_to_kernel(sLogCopy);
	gKernelArgs->log_size = size;
}
