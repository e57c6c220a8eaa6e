/* SPDX-License-Identifier: MIT */
/*
 * The heap tests' platform: a host buffer as the heap region, large blocks
 * from the host's allocator, and panic and boot_dprintf stubs that a test
 * can watch.
 */
#ifndef TEST_HEAP_PLATFORM_H
#define TEST_HEAP_PLATFORM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* What the next platform_init_heap() reserves; it always reserves whole pages. */
extern size_t gTestHeapRegionSize;
/* Added to the region's base and taken off its size, to misalign it. */
extern size_t gTestHeapRegionOffset;
/* Makes the next platform_init_heap() calls fail with B_NO_MEMORY. */
extern bool gTestHeapInitFails;
extern int gTestHeapReleaseCount;
/* heap_release() with the stage2_args the heap was made with. */
void test_heap_release(void);

/*
 * Large blocks: platform_allocate_large() fails while gTestLargeFails is set
 * or when the live blocks would exceed gTestLargeLimit bytes. The live count
 * and bytes are the platform's own view; platform_free_large() fails the test
 * when the address or size does not match an allocation.
 */
extern bool gTestLargeFails;
extern size_t gTestLargeLimit;
extern size_t gTestLargeLive;
extern size_t gTestLargeLiveBytes;
extern size_t gTestLargeCalls;
/* platform_allocate_large() calls that failed */
extern size_t gTestLargeRefused;

/*
 * Where panic() longjmps to (once; it is cleared on the way). Without one, a
 * panic fails the running test case.
 */
extern jmp_buf *gTestPanicJump;
extern int gTestPanicCount;
extern char gTestPanicMessage[512];

/* Everything boot_dprintf() printed since test_debug_reset(), cut at the end. */
extern int gTestDebugCount;
extern char gTestDebugOutput[16384];
void test_debug_reset(void);

/*
 * Runs statement, which must panic; the message must contain needle. The
 * heap may be corrupt afterwards: the test repairs or resets it.
 */
#define CHECK_PANICS(statement, needle) \
	do { \
		jmp_buf panicJump; \
		int panicsBefore = gTestPanicCount; \
		gTestPanicJump = &panicJump; \
		if (setjmp(panicJump) == 0) { \
			statement; \
			gTestPanicJump = NULL; \
			unit_fail(__FILE__, __LINE__, "%s did not panic", #statement); \
		} \
		CHECK_EQ(gTestPanicCount, panicsBefore + 1); \
		if (strstr(gTestPanicMessage, needle) == NULL) { \
			unit_fail(__FILE__, __LINE__, "panic \"%s\" does not name %s", \
				gTestPanicMessage, needle); \
		} \
	} while (0)

#endif
