/* SPDX-License-Identifier: MIT */
/*
 * arm64's part of the packed loader (docs/packing.md). pack-efi filters no
 * arm64 code, but the decoded image went through the data cache, which
 * instruction fetch need not see: the lines go to memory and the
 * instruction cache is emptied before the image runs.
 */
#include <boot/pack.h>

#include <arch_arm64.h>


bool
arch_unpack_filter(uint32_t filter, uint8_t *code, size_t size)
{
	(void)code;
	(void)size;
	return filter == PACK_FILTER_NONE;
}


void
arch_unpack_sync_code(const uint8_t *image, size_t size)
{
	arm64_dcache_clean_invalidate((uint64_t)(uintptr_t)image, size);
	arm64_icache_invalidate_all();
}
