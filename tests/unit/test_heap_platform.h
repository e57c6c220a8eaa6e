/*
 * The heap tests' platform: a host buffer as the heap region, and panic and
 * boot_dprintf stubs that a test can watch.
 */
#ifndef TEST_HEAP_PLATFORM_H
#define TEST_HEAP_PLATFORM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

/* What the next platform_init_heap() reserves; it always reserves whole pages. */
extern size_t gTestHeapRegionSize;
/* Added to the region's base and taken off its size, to misalign it. */
extern size_t gTestHeapRegionOffset;
/* Makes the next platform_init_heap() calls fail with B_NO_MEMORY. */
extern bool gTestHeapInitFails;
extern int gTestHeapReleaseCount;

/*
 * Where panic() longjmps to (once; it is cleared on the way). Without one, a
 * panic fails the running test case.
 */
extern jmp_buf *gTestPanicJump;
extern int gTestPanicCount;
extern char gTestPanicMessage[512];

extern int gTestDebugCount;

#endif
