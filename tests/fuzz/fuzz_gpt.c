/*
 * libFuzzer target for the GPT parser (partitions/gpt.c), with 512- and
 * 4096-byte sectors, directly and through partitions_scan and the device list.
 *
 * Beyond the sanitizers it aborts when a reported partition leaves the disk,
 * when a partition device cannot read its own first and last byte, when a
 * status is one the contract does not allow, or when memory leaks.
 */
#include <stdlib.h>

#include <boot/devices.h>
#include <boot/partitions.h>

#include "fuzz_platform.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static status_t
fuzz_check_partition(void *cookie, struct block_device *disk,
	const struct partition_info *info)
{
	if (info->size == 0 || info->offset > disk->size
		|| info->size > disk->size - info->offset || info->index == 0
		|| info->name[PARTITION_NAME_SIZE - 1] != '\0')
		abort();
	if (info->offset % disk->block_size != 0 || info->size % disk->block_size != 0)
		abort();
	return B_OK;
}


static void
fuzz_scan_devices(struct block_device *disk)
{
	enum partition_scheme scheme;
	if (block_device_register(disk) != B_OK)
		abort();
	partitions_scan(disk, &scheme);
	for (struct block_device *device = devices_first(); device != NULL;
			device = device->next) {
		if (device == disk)
			continue;
		if (partition_of(device) == NULL || device->parent != disk)
			abort();
		uint8_t byte;
		if (block_device_read(device, 0, &byte, 1) != B_OK
			|| block_device_read(device, device->size - 1, &byte, 1) != B_OK
			|| block_device_read(device, device->size, &byte, 1) != B_BAD_VALUE)
			abort();
	}
	devices_cleanup();
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (uint32_t blockSize = 512; blockSize <= 4096; blockSize *= 8) {
		if (size == 0)
			break;
		struct block_device *disk = fuzz_device(data, size, size, blockSize);
		status_t status = gpt_scan(disk, fuzz_check_partition, NULL);
		if (status != B_OK && status != B_ENTRY_NOT_FOUND && status != B_BAD_DATA)
			abort();
		status = mbr_scan(disk, fuzz_check_partition, NULL);
		if (status != B_OK && status != B_ENTRY_NOT_FOUND && status != B_BAD_DATA
			&& status != B_NOT_SUPPORTED)
			abort();
		fuzz_scan_devices(disk);
		fuzz_check_heap();
	}
	return 0;
}
