/* SPDX-License-Identifier: MIT */
/*
 * The platform side of the heap tests: the heap region and large blocks come
 * from the host's allocator, and panic() can be caught instead of ending the
 * process.
 */
#include "test_heap_platform.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <boot/heap.h>
#include <boot/kernel_args.h>
#include <boot/platform.h>
#include <boot/stage2.h>
#include <boot/stdio.h>

#include "unit_test.h"


#define MAX_LARGE_BLOCKS	256

size_t gTestHeapRegionSize = 1024 * 1024;
size_t gTestHeapRegionOffset;
bool gTestHeapInitFails;
int gTestHeapReleaseCount;

bool gTestLargeFails;
size_t gTestLargeLimit = SIZE_MAX;
size_t gTestLargeLive;
size_t gTestLargeLiveBytes;
size_t gTestLargeCalls;
size_t gTestLargeRefused;

jmp_buf *gTestPanicJump;
int gTestPanicCount;
char gTestPanicMessage[512];

int gTestDebugCount;
char gTestDebugOutput[16384];
static size_t sDebugLength;

static void *sAllocation;
static void *sBase;
static struct stage2_args *sArgs;

static struct {
	void	*address;
	size_t	size;
} sLargeBlocks[MAX_LARGE_BLOCKS];


/* The heap must not rely on the contents of the memory it gets. */
static void
scribble(void *memory, size_t size)
{
	for (size_t i = 0; i < size; i++)
		((unsigned char *)memory)[i] = (unsigned char)(i * 37 + 11);
}


status_t
platform_init_heap(struct stage2_args *args, void **_base, void **_top)
{
	if (gTestHeapInitFails || sAllocation != NULL)
		return B_NO_MEMORY;

	/* without stage2_args, the test's size (which need not be whole pages) */
	size_t regionSize = gTestHeapRegionSize;
	if (args != NULL)
		regionSize = args->heap_size != 0 ? args->heap_size : BOOT_DEFAULT_HEAP_SIZE;

	size_t size = (regionSize + KERNEL_PAGE_SIZE - 1) & ~(size_t)KERNEL_PAGE_MASK;
	sAllocation = aligned_alloc(KERNEL_PAGE_SIZE, size > 0 ? size : KERNEL_PAGE_SIZE);
	if (sAllocation == NULL)
		return B_NO_MEMORY;
	scribble(sAllocation, size);

	size_t offset = gTestHeapRegionOffset < regionSize ? gTestHeapRegionOffset : regionSize;
	sBase = (char *)sAllocation + offset;
	sArgs = args;
	*_base = sBase;
	*_top = (char *)sAllocation + regionSize;
	return B_OK;
}


void
platform_release_heap(struct stage2_args *args, void *base)
{
	if (sAllocation == NULL || base != sBase)
		unit_fail(__FILE__, __LINE__, "platform_release_heap(%p): not the heap region", base);
	if (args != sArgs)
		unit_fail(__FILE__, __LINE__, "platform_release_heap: other stage2_args than at init");
	free(sAllocation);
	sAllocation = NULL;
	gTestHeapReleaseCount++;
}


status_t
platform_allocate_large(size_t size, void **_address)
{
	gTestLargeCalls++;
	if (size == 0 || size % KERNEL_PAGE_SIZE != 0)
		unit_fail(__FILE__, __LINE__, "platform_allocate_large(%zu): not whole pages", size);
	if (gTestLargeFails || gTestLargeLiveBytes > gTestLargeLimit
		|| size > gTestLargeLimit - gTestLargeLiveBytes) {
		gTestLargeRefused++;
		return B_NO_MEMORY;
	}

	int slot = 0;
	while (slot < MAX_LARGE_BLOCKS && sLargeBlocks[slot].address != NULL)
		slot++;
	void *address = slot < MAX_LARGE_BLOCKS ? aligned_alloc(KERNEL_PAGE_SIZE, size) : NULL;
	if (address == NULL) {
		gTestLargeRefused++;
		return B_NO_MEMORY;
	}
	/* not zero: the heap must not expect cleared pages */
	memset(address, 0x5a, size);
	sLargeBlocks[slot].address = address;
	sLargeBlocks[slot].size = size;
	gTestLargeLive++;
	gTestLargeLiveBytes += size;
	*_address = address;
	return B_OK;
}


void
platform_free_large(void *address, size_t size)
{
	for (int slot = 0; slot < MAX_LARGE_BLOCKS; slot++) {
		if (sLargeBlocks[slot].address != address)
			continue;
		if (sLargeBlocks[slot].size != size) {
			unit_fail(__FILE__, __LINE__, "platform_free_large(%p, %zu): allocated with %zu",
				address, size, sLargeBlocks[slot].size);
		}
		free(address);
		sLargeBlocks[slot].address = NULL;
		gTestLargeLive--;
		gTestLargeLiveBytes -= size;
		return;
	}
	unit_fail(__FILE__, __LINE__, "platform_free_large(%p): not a large block", address);
}


void
test_heap_release(void)
{
	heap_release(sArgs);
}


void
panic(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(gTestPanicMessage, sizeof(gTestPanicMessage), format, args);
	va_end(args);
	gTestPanicCount++;

	jmp_buf *target = gTestPanicJump;
	gTestPanicJump = NULL;
	if (target != NULL)
		longjmp(*target, 1);
	unit_fail(__FILE__, __LINE__, "unexpected panic: %s", gTestPanicMessage);
}


void
test_debug_reset(void)
{
	gTestDebugCount = 0;
	sDebugLength = 0;
	gTestDebugOutput[0] = '\0';
}


void
boot_dprintf(const char *format, ...)
{
	size_t space = sizeof(gTestDebugOutput) - sDebugLength;
	va_list args;
	va_start(args, format);
	int length = vsnprintf(gTestDebugOutput + sDebugLength, space, format, args);
	va_end(args);
	if (length > 0)
		sDebugLength += (size_t)length < space ? (size_t)length : space - 1;
	gTestDebugCount++;
}
