/* SPDX-License-Identifier: MIT */
/*
 * A fake of the platform region hooks for host tests, backed by malloc.
 */
#ifndef TEST_ELF_PLATFORM_H
#define TEST_ELF_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

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

#endif
