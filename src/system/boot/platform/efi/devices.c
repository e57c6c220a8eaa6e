/* SPDX-License-Identifier: MIT */
/*
 * Whole disks from the firmware's Block I/O protocol as generic block
 * devices; partitions and file systems are the generic loader's business.
 */
#include "efi_platform.h"

#include <stdio.h>
#include <string.h>

#include <boot/block_device.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/vfs.h>

/* Firmware drivers have limits of their own; stay well below any. */
#define MAX_READ_BYTES		(8u * 1024 * 1024)
/* Reads into unaligned buffers go through this much aligned memory. */
#define BOUNCE_BYTES		(256u * 1024)
/*
 * Small reads come in runs: a file's header, then its program headers; a
 * directory, then the files it names; the section headers, then the symbol
 * table after them. Each is a request to the firmware, which costs more
 * than tens of kilobytes of data (on QEMU's AHCI disk a request takes about
 * 0.25 ms and 32 KiB about 0.06), so a read smaller than this takes this
 * much into the bounce buffer and the reads after it are served from there.
 */
#define READ_AHEAD_BYTES	(32u * 1024)

struct efi_disk {
	EFI_HANDLE			handle;
	EFI_BLOCK_IO		*io;
	uint8_t				*bounce;		/* BOUNCE_BYTES, aligned for the device */
	uint32_t			alignment;
	uint64_t			held_block;		/* the first block the bounce buffer holds */
	uint64_t			held_blocks;	/* how many; 0 for none */
	uint32_t			held_writes;	/* vfs_writes() when they were read */
};

static EFI_GUID sBlockIoGuid = BLOCK_IO_PROTOCOL;
static EFI_GUID sDevicePathGuid = DEVICE_PATH_PROTOCOL;
static EFI_GUID sLoadedImageGuid = LOADED_IMAGE_PROTOCOL;

/* Where the loader came from: the partition's device path and offset. */
static EFI_DEVICE_PATH *sBootPath;
static uint64_t sBootPartitionOffset;
static bool sBootPartitionKnown;


/* Whole blocks at an aligned buffer, in chunks the firmware can take. */
static status_t
efi_read_blocks(struct efi_disk *disk, uint64_t block, void *buffer, size_t length)
{
	uint32_t blockSize = disk->io->Media->BlockSize;
	uint8_t *bytes = buffer;
	while (length > 0) {
		size_t chunk = length < MAX_READ_BYTES ? length : MAX_READ_BYTES;
		chunk -= chunk % blockSize;
		if (disk->io->ReadBlocks(disk->io, disk->io->Media->MediaId, block, chunk,
				bytes) != EFI_SUCCESS)
			return B_IO_ERROR;
		block += chunk / blockSize;
		bytes += chunk;
		length -= chunk;
	}
	return B_OK;
}


static bool
efi_is_aligned(const struct efi_disk *disk, const void *buffer)
{
	return disk->alignment <= 1 || ((uintptr_t)buffer & (disk->alignment - 1)) == 0;
}


/*
 * Makes the bounce buffer hold block and, as far as the disk and the buffer
 * go, READ_AHEAD_BYTES or the bytes wanted from its start if more;
 * *_held is how many bytes from block's start it holds. What it held is
 * kept while the port has not written to a volume (boot counting's
 * renames, whatever a started image did): reads do not change a disk.
 */
static status_t
efi_disk_hold(struct efi_disk *disk, uint64_t block, size_t wanted, size_t *_held)
{
	uint32_t blockSize = disk->io->Media->BlockSize;
	if (disk->held_writes == vfs_writes() && block >= disk->held_block
		&& block - disk->held_block < disk->held_blocks) {
		*_held = (size_t)(disk->held_blocks - (block - disk->held_block)) * blockSize;
		return B_OK;
	}

	if (wanted > BOUNCE_BYTES)
		wanted = BOUNCE_BYTES;
	uint64_t needed = (wanted + blockSize - 1) / blockSize;
	uint64_t blocks = (READ_AHEAD_BYTES + blockSize - 1) / blockSize;
	if (blocks < needed)
		blocks = needed;
	if (blocks > disk->io->Media->LastBlock + 1 - block)
		blocks = disk->io->Media->LastBlock + 1 - block;
	disk->held_blocks = 0;
	status_t status = efi_read_blocks(disk, block, disk->bounce, blocks * blockSize);
	/* A damaged block past what was asked for must not fail the read. */
	if (status != B_OK && blocks > needed) {
		blocks = needed;
		status = efi_read_blocks(disk, block, disk->bounce, blocks * blockSize);
	}
	if (status != B_OK)
		return status;
	disk->held_block = block;
	disk->held_blocks = blocks;
	disk->held_writes = vfs_writes();
	*_held = (size_t)blocks * blockSize;
	return B_OK;
}


static status_t
efi_disk_read(struct block_device *device, uint64_t offset, void *buffer,
	size_t length)
{
	struct efi_disk *disk = device->cookie;
	uint32_t blockSize = disk->io->Media->BlockSize;
	uint8_t *out = buffer;

	while (length > 0) {
		uint64_t block = offset / blockSize;
		size_t inBlock = (size_t)(offset % blockSize);
		/* The aligned middle of a large read goes straight to the caller. */
		if (inBlock == 0 && length >= READ_AHEAD_BYTES && efi_is_aligned(disk, out)) {
			size_t whole = length - length % blockSize;
			status_t status = efi_read_blocks(disk, block, out, whole);
			if (status != B_OK)
				return status;
			offset += whole;
			out += whole;
			length -= whole;
			continue;
		}

		/* Small reads, partial blocks and unaligned buffers: through the
		 * bounce buffer. */
		size_t held;
		status_t status = efi_disk_hold(disk, block, inBlock + length, &held);
		if (status != B_OK)
			return status;
		size_t useful = held - inBlock;
		if (useful > length)
			useful = length;
		memcpy(out, disk->bounce + (block - disk->held_block) * blockSize + inBlock, useful);
		offset += useful;
		out += useful;
		length -= useful;
	}
	return B_OK;
}


static void
efi_disk_release(struct block_device *device)
{
	struct efi_disk *disk = device->cookie;
	heap_free(disk->bounce);
	heap_free(disk);
}


static const struct block_device_ops kEfiDiskOps = {
	.read = efi_disk_read,
	.release = efi_disk_release,
};


size_t
efi_device_path_size(const EFI_DEVICE_PATH *path)
{
	const uint8_t *start = (const uint8_t *)path;
	while (!IsDevicePathEnd(path)) {
		if ((size_t)DevicePathNodeLength(path) < sizeof(EFI_DEVICE_PATH))
			return 0;
		path = NextDevicePathNode(path);
	}
	return (size_t)((const uint8_t *)path - start);
}


/* Whether the disk's device path leads to the loader's partition. */
static bool
efi_is_boot_disk(EFI_HANDLE handle)
{
	EFI_DEVICE_PATH *path;
	if (sBootPath == NULL || gBootServices->HandleProtocol(handle,
			&sDevicePathGuid, (void **)&path) != EFI_SUCCESS)
		return false;
	size_t size = efi_device_path_size(path);
	return size != 0 && size <= efi_device_path_size(sBootPath)
		&& memcmp(path, sBootPath, size) == 0;
}


/* The HD() node of the loader's device path names its partition. */
static void
efi_find_boot_partition(void)
{
	EFI_LOADED_IMAGE *image;
	if (gBootServices->HandleProtocol(gImageHandle, &sLoadedImageGuid,
			(void **)&image) != EFI_SUCCESS
		|| gBootServices->HandleProtocol(image->DeviceHandle, &sDevicePathGuid,
			(void **)&sBootPath) != EFI_SUCCESS) {
		sBootPath = NULL;
		return;
	}

	EFI_BLOCK_IO *io;
	uint32_t blockSize = 512;
	if (gBootServices->HandleProtocol(image->DeviceHandle, &sBlockIoGuid,
			(void **)&io) == EFI_SUCCESS)
		blockSize = io->Media->BlockSize;

	for (EFI_DEVICE_PATH *node = sBootPath; efi_device_path_size(node) != 0
			&& !IsDevicePathEnd(node); node = NextDevicePathNode(node)) {
		if (DevicePathType(node) == MEDIA_DEVICE_PATH
				&& DevicePathSubType(node) == MEDIA_HARDDRIVE_DP) {
			const HARDDRIVE_DEVICE_PATH *partition = (const HARDDRIVE_DEVICE_PATH *)node;
			sBootPartitionOffset = partition->PartitionStart * blockSize;
			sBootPartitionKnown = true;
		}
	}
}


static status_t
efi_add_disk(EFI_HANDLE handle, EFI_BLOCK_IO *io, int index)
{
	struct block_device *device = heap_calloc(1, sizeof(*device));
	struct efi_disk *disk = heap_calloc(1, sizeof(*disk));
	uint32_t alignment = io->Media->IoAlign > 1 ? io->Media->IoAlign : HEAP_ALIGNMENT;
	uint8_t *bounce = heap_alloc_aligned(alignment, BOUNCE_BYTES);
	if (device == NULL || disk == NULL || bounce == NULL) {
		heap_free(device);
		heap_free(disk);
		heap_free(bounce);
		return B_NO_MEMORY;
	}

	disk->handle = handle;
	disk->io = io;
	disk->bounce = bounce;
	disk->alignment = io->Media->IoAlign;
	device->ops = &kEfiDiskOps;
	device->block_size = io->Media->BlockSize;
	device->size = (io->Media->LastBlock + 1) * (uint64_t)io->Media->BlockSize;
	device->cookie = disk;
	snprintf(device->name, sizeof(device->name), "disk%d", index);
	if (efi_is_boot_disk(handle))
		device->flags |= BLOCK_DEVICE_BOOT_DISK;

	/* From here on the device is the loader's, even when this fails. */
	status_t status = block_device_register(device);
	if (status != B_OK)
		return status;
	boot_dprintf("efi: %s: %llu blocks of %u bytes%s\n", device->name,
		(unsigned long long)(io->Media->LastBlock + 1), io->Media->BlockSize,
		(device->flags & BLOCK_DEVICE_BOOT_DISK) ? ", the boot disk" : "");
	return B_OK;
}


status_t
platform_add_block_devices(struct stage2_args *args)
{
	efi_find_boot_partition();

	UINTN count;
	EFI_HANDLE *handles;
	if (gBootServices->LocateHandleBuffer(ByProtocol, &sBlockIoGuid, NULL, &count,
			&handles) != EFI_SUCCESS)
		return B_ENTRY_NOT_FOUND;

	int added = 0;
	status_t failure = B_ENTRY_NOT_FOUND;
	for (UINTN i = 0; i < count; i++) {
		EFI_BLOCK_IO *io;
		if (gBootServices->HandleProtocol(handles[i], &sBlockIoGuid, (void **)&io)
				!= EFI_SUCCESS)
			continue;
		/* Partitions are ours to find; disks without media have nothing. */
		if (io->Media->LogicalPartition || !io->Media->MediaPresent
				|| io->Media->BlockSize == 0
				|| (io->Media->BlockSize & (io->Media->BlockSize - 1)) != 0)
			continue;
		status_t status = efi_add_disk(handles[i], io, added);
		if (status == B_OK) {
			added++;
			continue;
		}
		boot_printf("efi: a disk of %llu blocks is left out: %s\n",
			(unsigned long long)(io->Media->LastBlock + 1), status_string(status));
		failure = status;
	}
	gBootServices->FreePool(handles);
	/* With no disk at all, why the last one failed is the useful answer. */
	return added > 0 ? B_OK : failure;
}


bool
platform_is_boot_partition(struct stage2_args *args,
	const struct block_device *disk, uint64_t offset)
{
	return sBootPartitionKnown && (disk->flags & BLOCK_DEVICE_BOOT_DISK) != 0
		&& offset == sBootPartitionOffset;
}


void
platform_cleanup_devices(void)
{
	/* The Block I/O protocols stay the firmware's; nothing was opened. */
}


/*
 * The firmware's device path of the partition at offset on disk (of the disk
 * itself at offset 0 when the firmware knows no such partition), or NULL:
 * the path a started image finds its own volume by.
 */
EFI_DEVICE_PATH *
efi_volume_device_path(const struct block_device *device, uint64_t offset)
{
	const struct efi_disk *disk = device->ops == &kEfiDiskOps ? device->cookie : NULL;
	EFI_DEVICE_PATH *diskPath;
	if (disk == NULL || gBootServices->HandleProtocol(disk->handle, &sDevicePathGuid,
			(void **)&diskPath) != EFI_SUCCESS)
		return NULL;
	size_t diskSize = efi_device_path_size(diskPath);

	UINTN count;
	EFI_HANDLE *handles;
	if (offset == 0 || gBootServices->LocateHandleBuffer(ByProtocol, &sBlockIoGuid, NULL,
			&count, &handles) != EFI_SUCCESS)
		return diskPath;
	EFI_DEVICE_PATH *found = diskPath;
	for (UINTN i = 0; i < count && found == diskPath; i++) {
		EFI_DEVICE_PATH *path;
		if (gBootServices->HandleProtocol(handles[i], &sDevicePathGuid, (void **)&path)
				!= EFI_SUCCESS || efi_device_path_size(path) <= diskSize
				|| memcmp(path, diskPath, diskSize) != 0)
			continue;
		EFI_DEVICE_PATH *node = (EFI_DEVICE_PATH *)((uint8_t *)path + diskSize);
		if (DevicePathType(node) == MEDIA_DEVICE_PATH
				&& DevicePathSubType(node) == MEDIA_HARDDRIVE_DP
				&& ((const HARDDRIVE_DEVICE_PATH *)node)->PartitionStart
					* disk->io->Media->BlockSize == offset
				&& IsDevicePathEnd(NextDevicePathNode(node)))
			found = path;
	}
	gBootServices->FreePool(handles);
	return found;
}
