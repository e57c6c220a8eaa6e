/* SPDX-License-Identifier: MIT */
/*
 * Finds the partition table of a disk and lists its partitions as devices.
 */
#include <boot/partitions.h>

#include <stdio.h>
#include <string.h>

#include <boot/devices.h>
#include <boot/heap.h>
#include <boot/stdio.h>


struct partition_type {
	const char	*guid;
	const char	*name;
};

static const struct partition_type kGptTypes[] = {
	{ "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI system" },
	{ "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data" },
	{ "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem" },
	{ "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap" },
	{ "21686148-6449-6E6F-744E-656564454649", "BIOS boot" },
	{ "42465331-3BA3-10F1-802A-4861696B7521", "Haiku BFS" },
	{ "BC13C2FF-59E6-4262-A352-B275FD6F7172", "Linux extended boot" },
};


static status_t
partitions_add(void *cookie, struct block_device *disk,
	const struct partition_info *info)
{
	struct partition *partition = heap_alloc(sizeof(*partition));
	if (partition == NULL)
		return B_NO_MEMORY;

	status_t status = block_device_init_child(&partition->device, disk, info->offset,
		info->size);
	if (status != B_OK) {
		/* the scanners only report partitions inside the disk */
		heap_free(partition);
		return status;
	}
	partition->info = *info;
	snprintf(partition->device.name, sizeof(partition->device.name), "%.*sp%u",
		BLOCK_DEVICE_NAME_LENGTH - 6, disk->name, info->index);
	/* marks the device as a struct partition for partition_of() */
	partition->device.cookie = partition;

	return devices_add(&partition->device);
}


status_t
partitions_scan(struct block_device *disk, enum partition_scheme *_scheme)
{
	*_scheme = PARTITION_SCHEME_NONE;

	status_t status = gpt_scan(disk, partitions_add, NULL);
	if (status != B_ENTRY_NOT_FOUND) {
		*_scheme = PARTITION_SCHEME_GPT;
		return status;
	}

	status = mbr_scan(disk, partitions_add, NULL);
	if (status == B_NOT_SUPPORTED) {
		/* gpt_scan found no header at either end */
		boot_printf("%s: protective MBR, but no GPT header\n", disk->name);
		*_scheme = PARTITION_SCHEME_GPT;
		return B_BAD_DATA;
	}
	if (status != B_ENTRY_NOT_FOUND)
		*_scheme = PARTITION_SCHEME_MBR;
	return status;
}


struct partition *
partition_of(struct block_device *device)
{
	if (device == NULL || device->parent == NULL || device->cookie != device)
		return NULL;
	return (struct partition *)device;
}


const char *
partition_scheme_name(enum partition_scheme scheme)
{
	switch (scheme) {
		case PARTITION_SCHEME_GPT:
			return "GPT";
		case PARTITION_SCHEME_MBR:
			return "MBR";
		case PARTITION_SCHEME_NONE:
			break;
	}
	return "none";
}


static const char *
partitions_mbr_type_name(uint8_t type)
{
	switch (type) {
		case 0x01:
			return "FAT12";
		case 0x04:
		case 0x06:
		case 0x0e:
			return "FAT16";
		case 0x0b:
		case 0x0c:
			return "FAT32";
		case 0x07:
			return "NTFS/exFAT";
		case 0x82:
			return "Linux swap";
		case 0x83:
			return "Linux";
		case 0xeb:
			return "BeOS/Haiku";
		case 0xef:
			return "EFI system";
	}
	return "unknown";
}


const char *
partition_type_name(const struct partition_info *info)
{
	if (info->scheme == PARTITION_SCHEME_MBR)
		return partitions_mbr_type_name(info->mbr_type);

	char guid[GUID_STRING_SIZE];
	guid_to_string(info->type_guid, guid);
	for (size_t i = 0; i < sizeof(kGptTypes) / sizeof(kGptTypes[0]); i++) {
		if (strcmp(guid, kGptTypes[i].guid) == 0)
			return kGptTypes[i].name;
	}
	return "unknown";
}
