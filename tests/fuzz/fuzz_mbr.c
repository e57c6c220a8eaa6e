/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the MBR parser (partitions/mbr.c): primary entries and
 * extended boot record chains, directly and through partitions_scan.
 *
 * Beyond the sanitizers it aborts when a reported partition leaves the disk,
 * when a partition device cannot read its own first and last byte, when a
 * status is one the contract does not allow, or when memory leaks.
 */
#include <stdlib.h>

#include <boot/partitions.h>

#include "fuzz_platform.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct block_device *disk = fuzz_device(data, size, size, 512);
	status_t status = mbr_scan(disk, fuzz_check_partition, NULL);
	if (status != B_OK && status != B_ENTRY_NOT_FOUND && status != B_BAD_DATA
		&& status != B_NOT_SUPPORTED)
		abort();
	fuzz_scan_partitions(disk);
	fuzz_check_heap();
	return 0;
}
