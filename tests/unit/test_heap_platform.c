/*
 * The platform side of the heap tests: the heap region comes from the host's
 * allocator, and panic() can be caught instead of ending the process.
 */
#include "test_heap_platform.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <boot/platform.h>
#include <boot/stdio.h>

#include "unit_test.h"


#define PAGE_SIZE	4096

size_t gTestHeapRegionSize = 1024 * 1024;
size_t gTestHeapRegionOffset;
bool gTestHeapInitFails;
int gTestHeapReleaseCount;

jmp_buf *gTestPanicJump;
int gTestPanicCount;
char gTestPanicMessage[512];

int gTestDebugCount;

static void *sAllocation;
static void *sBase;


status_t
platform_init_heap(struct stage2_args *args, void **_base, void **_top)
{
	if (gTestHeapInitFails || sAllocation != NULL)
		return B_NO_MEMORY;

	size_t size = (gTestHeapRegionSize + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
	sAllocation = aligned_alloc(PAGE_SIZE, size > 0 ? size : PAGE_SIZE);
	if (sAllocation == NULL)
		return B_NO_MEMORY;

	/* The heap must not rely on the region's contents. */
	for (size_t i = 0; i < size; i++)
		((unsigned char *)sAllocation)[i] = (unsigned char)(i * 37 + 11);

	size_t offset = gTestHeapRegionOffset < gTestHeapRegionSize
		? gTestHeapRegionOffset : gTestHeapRegionSize;
	sBase = (char *)sAllocation + offset;
	*_base = sBase;
	*_top = (char *)sAllocation + gTestHeapRegionSize;
	return B_OK;
}


void
platform_release_heap(struct stage2_args *args, void *base)
{
	if (sAllocation == NULL || base != sBase)
		unit_fail(__FILE__, __LINE__, "platform_release_heap(%p): not the heap region", base);
	free(sAllocation);
	sAllocation = NULL;
	gTestHeapReleaseCount++;
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
boot_dprintf(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	gTestDebugCount++;
}
