/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's disks (src/system/boot/platform/efi/
 * devices.c), compiled right into this test with gnu-efi's headers, on
 * Block I/O protocols kept here: reads at any offset, length and buffer
 * alignment against the disk's bytes, on blocks of 512, 2048 and 4096
 * bytes and devices that want aligned buffers (the boot tests' disks read
 * in whole, aligned sectors and never past 8 MiB at once); small reads
 * served from the read-ahead of one before them until a write; which
 * handles become disks; and which disk and partition the loader came from.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/devices.c"
#include "../support/boot_log.h"
#include "../support/counted_heap.h"
#include "../support/efi_pool.h"

#include "unit_test.h"

#define MAX_DISKS		6
#define MAX_DEVICES		8
#define PCI_PATH_SIZE	(sizeof(PCI_DEVICE_PATH) + END_DEVICE_PATH_LENGTH)

EFI_HANDLE gImageHandle = (EFI_HANDLE)0x100;
EFI_BOOT_SERVICES *gBootServices;

/* A handle with Block I/O: a disk, or (partition_start != 0) a partition of one. */
struct fake_disk {
	EFI_BLOCK_IO		io;
	EFI_BLOCK_IO_MEDIA	media;
	uint8_t				*data;
	uint8_t				path[128];
	uint32_t			reads;
	uint64_t			largest;			/* bytes of the largest request */
	EFI_LBA				last_lba;			/* where the last request started */
	bool				fail;
	bool				has_bad_block;		/* a request that covers bad_block fails */
	EFI_LBA				bad_block;
};

static EFI_BOOT_SERVICES sBootServices;
static struct fake_disk sDisks[MAX_DISKS];
static uint32_t sDiskCount;
static EFI_LOADED_IMAGE sImage;
static struct block_device *sDevices[MAX_DEVICES];
static uint32_t sDeviceCount;
static uint64_t sRandom = 0x9e3779b97f4a7c15ULL;
static uint32_t sWrites;


/* The generic loader's count of the port's writes to volumes. */
uint32_t
vfs_writes(void)
{
	return sWrites;
}


/* The loader's list, kept here: the test reads what devices.c registered. */
status_t
block_device_register(struct block_device *device)
{
	CHECK(sDeviceCount < MAX_DEVICES);
	sDevices[sDeviceCount++] = device;
	return B_OK;
}


static uint64_t
random_below(uint64_t limit)
{
	sRandom ^= sRandom << 13;
	sRandom ^= sRandom >> 7;
	sRandom ^= sRandom << 17;
	return sRandom % limit;
}


static EFI_STATUS EFIAPI
fake_read_blocks(EFI_BLOCK_IO *io, UINT32 mediaId, EFI_LBA lba, UINTN size, void *buffer)
{
	struct fake_disk *disk = (struct fake_disk *)io;
	uint64_t blockSize = disk->media.BlockSize;
	/* What edk2's drivers refuse. */
	if (mediaId != disk->media.MediaId || size % blockSize != 0
		|| lba > disk->media.LastBlock || size / blockSize > disk->media.LastBlock + 1 - lba
		|| (disk->media.IoAlign > 1 && (uintptr_t)buffer % disk->media.IoAlign != 0))
		return EFI_INVALID_PARAMETER;
	disk->reads++;
	disk->last_lba = lba;
	if (size > disk->largest)
		disk->largest = size;
	if (disk->fail || (disk->has_bad_block && disk->bad_block >= lba
			&& disk->bad_block - lba < size / blockSize)) {
		/* What a transfer cut short may leave in the buffer. */
		memset(buffer, 0xa5, size);
		return EFI_DEVICE_ERROR;
	}
	memcpy(buffer, disk->data + lba * blockSize, size);
	return EFI_SUCCESS;
}


static void
path_add_pci(uint8_t *at, uint8_t device)
{
	PCI_DEVICE_PATH pci = {
		.Header = { HARDWARE_DEVICE_PATH, HW_PCI_DP,
			{ sizeof(PCI_DEVICE_PATH), 0 } },
		.Function = 0,
		.Device = device,
	};
	memcpy(at, &pci, sizeof(pci));
}


static void
path_end(uint8_t *at)
{
	EFI_DEVICE_PATH end = { END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE,
		{ END_DEVICE_PATH_LENGTH, 0 } };
	memcpy(at, &end, sizeof(end));
}


/* A disk at PCI device pciDevice, its bytes random. */
static struct fake_disk *
add_disk(uint8_t pciDevice, uint32_t blockSize, uint64_t blocks, uint32_t ioAlign)
{
	CHECK(sDiskCount < MAX_DISKS);
	struct fake_disk *disk = &sDisks[sDiskCount++];
	disk->media = (EFI_BLOCK_IO_MEDIA){
		.MediaId = 7,
		.MediaPresent = TRUE,
		.BlockSize = blockSize,
		.IoAlign = ioAlign,
		.LastBlock = blocks - 1,
	};
	disk->io.Media = &disk->media;
	disk->io.ReadBlocks = fake_read_blocks;
	disk->data = malloc(blockSize * blocks);
	CHECK(disk->data != NULL);
	for (uint64_t i = 0; i < blockSize * blocks; i += 8) {
		uint64_t value = random_below(UINT64_MAX);
		memcpy(disk->data + i, &value, 8);
	}
	path_add_pci(disk->path, pciDevice);
	path_end(disk->path + sizeof(PCI_DEVICE_PATH));
	return disk;
}


/* The firmware's handle for a partition of disk, which the loader passes over. */
static struct fake_disk *
add_partition(const struct fake_disk *of, uint32_t number, uint64_t start, uint64_t blocks)
{
	CHECK(sDiskCount < MAX_DISKS);
	struct fake_disk *partition = &sDisks[sDiskCount++];
	partition->media = of->media;
	partition->media.LogicalPartition = TRUE;
	partition->media.LastBlock = blocks - 1;
	partition->io.Media = &partition->media;
	partition->io.ReadBlocks = fake_read_blocks;
	partition->data = of->data + start * of->media.BlockSize;
	memcpy(partition->path, of->path, sizeof(PCI_DEVICE_PATH));
	HARDDRIVE_DEVICE_PATH node = {
		.Header = { MEDIA_DEVICE_PATH, MEDIA_HARDDRIVE_DP,
			{ sizeof(HARDDRIVE_DEVICE_PATH), 0 } },
		.PartitionNumber = number,
		.PartitionStart = start,
		.PartitionSize = blocks,
	};
	memcpy(partition->path + sizeof(PCI_DEVICE_PATH), &node, sizeof(node));
	path_end(partition->path + sizeof(PCI_DEVICE_PATH) + sizeof(node));
	return partition;
}


static EFI_STATUS EFIAPI
fake_handle_protocol(EFI_HANDLE handle, EFI_GUID *guid, void **_interface)
{
	if (handle == gImageHandle && memcmp(guid, &sLoadedImageGuid, sizeof(*guid)) == 0) {
		*_interface = &sImage;
		return EFI_SUCCESS;
	}
	for (uint32_t i = 0; i < sDiskCount; i++) {
		if (handle != &sDisks[i])
			continue;
		if (memcmp(guid, &sBlockIoGuid, sizeof(*guid)) == 0)
			*_interface = &sDisks[i].io;
		else if (memcmp(guid, &sDevicePathGuid, sizeof(*guid)) == 0)
			*_interface = sDisks[i].path;
		else
			return EFI_UNSUPPORTED;
		return EFI_SUCCESS;
	}
	return EFI_INVALID_PARAMETER;
}


static EFI_STATUS EFIAPI
fake_locate_handle_buffer(EFI_LOCATE_SEARCH_TYPE type, EFI_GUID *guid, void *key,
	UINTN *_count, EFI_HANDLE **_handles)
{
	CHECK(type == ByProtocol && memcmp(guid, &sBlockIoGuid, sizeof(*guid)) == 0);
	*_handles = malloc(sizeof(EFI_HANDLE) * (sDiskCount + 1));
	for (uint32_t i = 0; i < sDiskCount; i++)
		(*_handles)[i] = &sDisks[i];
	*_count = sDiskCount;
	return EFI_SUCCESS;
}


static void
setup(void)
{
	for (uint32_t i = 0; i < sDiskCount; i++) {
		if (!sDisks[i].media.LogicalPartition)
			free(sDisks[i].data);
	}
	for (uint32_t i = 0; i < sDeviceCount; i++) {
		sDevices[i]->ops->release(sDevices[i]);
		heap_free(sDevices[i]);
	}
	memset(sDisks, 0, sizeof(sDisks));
	sDiskCount = 0;
	sDeviceCount = 0;
	sBootServices = (EFI_BOOT_SERVICES){
		.HandleProtocol = fake_handle_protocol,
		.LocateHandleBuffer = fake_locate_handle_buffer,
		.FreePool = fake_free_pool,
	};
	gBootServices = &sBootServices;
	sImage = (EFI_LOADED_IMAGE){ 0 };
	sBootPath = NULL;
	sBootPartitionOffset = 0;
	sBootPartitionKnown = false;
	boot_log_clear();
}


/* length bytes from offset into a buffer misaligned by skew, compared with the disk. */
static void
check_read(struct block_device *device, const struct fake_disk *disk, uint64_t offset,
	size_t length, size_t skew)
{
	uint8_t *buffer = aligned_alloc(4096, (length + skew + 4095) & ~(size_t)4095);
	CHECK(buffer != NULL);
	status_t status = device->ops->read(device, offset, buffer + skew, length);
	bool same = memcmp(buffer + skew, disk->data + offset, length) == 0;
	free(buffer);
	if (status != B_OK || !same) {
		unit_fail(__FILE__, __LINE__, "%zu bytes at %#llx into a buffer %zu bytes past a "
			"page, blocks of %u, IoAlign %u: %s", length, (unsigned long long)offset, skew,
			disk->media.BlockSize, disk->media.IoAlign,
			status != B_OK ? status_string(status) : "other bytes than the disk's");
	}
}


TEST(reads_at_any_offset_and_length_match_the_disk)
{
	static const struct {
		uint32_t	block_size;
		uint32_t	io_align;
	} kDisks[] = { { 512, 0 }, { 512, 4096 }, { 2048, 2 }, { 4096, 16 } };
	const uint64_t kDiskBytes = 12ULL << 20;
	for (size_t d = 0; d < sizeof(kDisks) / sizeof(kDisks[0]); d++) {
		setup();
		struct fake_disk *disk = add_disk(2, kDisks[d].block_size,
			kDiskBytes / kDisks[d].block_size, kDisks[d].io_align);
		CHECK_EQ(platform_add_block_devices(NULL), B_OK);
		CHECK_EQ(sDeviceCount, 1);
		struct block_device *device = sDevices[0];
		/* Past the 8 MiB of one request, from inside a block and from its start. */
		check_read(device, disk, 1000, 9 << 20, 0);
		check_read(device, disk, 2 * kDisks[d].block_size, kDiskBytes - 4 * kDisks[d].block_size, 0);
		check_read(device, disk, 0, kDiskBytes, 3);
		/* Past the 256 KiB bounce buffer from inside a block, and small pieces. */
		for (int i = 0; i < 200; i++) {
			size_t length = i % 4 == 0 ? 1 + random_below(600 << 10)
				: 1 + random_below(3 * kDisks[d].block_size);
			uint64_t offset = random_below(kDiskBytes - length + 1);
			check_read(device, disk, offset, length, i % 3 == 0 ? random_below(64) : 0);
		}
		CHECK(disk->largest <= MAX_READ_BYTES);
	}
}


/* length bytes at offset, compared with the disk; the requests they took. */
static uint32_t
requests_for(struct fake_disk *disk, uint64_t offset, size_t length)
{
	uint32_t before = disk->reads;
	check_read(sDevices[0], disk, offset, length, 0);
	return disk->reads - before;
}


TEST(small_reads_are_served_from_the_read_ahead_of_one_before_them)
{
	const uint32_t kBlockSizes[] = { 512, 4096 };
	for (int i = 0; i < 2; i++) {
		setup();
		struct fake_disk *disk = add_disk(2, kBlockSizes[i], (4 << 20) / kBlockSizes[i], 0);
		CHECK_EQ(platform_add_block_devices(NULL), B_OK);
		CHECK_EQ(requests_for(disk, 100000, 64), 1);
		CHECK_EQ(disk->last_lba, 100000 / kBlockSizes[i]);
		CHECK_EQ(requests_for(disk, 100000 + 64, 1000), 0);
		CHECK_EQ(requests_for(disk, 64, 1), 1);
		CHECK_EQ(requests_for(disk, 100, 3000), 0);
		CHECK_EQ(requests_for(disk, READ_AHEAD_BYTES - 10, 10), 0);
		/* Past what it holds: the rest only, from the first block it lacks. */
		CHECK_EQ(requests_for(disk, READ_AHEAD_BYTES - 10, 20), 1);
		CHECK_EQ(disk->last_lba, READ_AHEAD_BYTES / kBlockSizes[i]);
		/* A large aligned read goes past the buffer, which keeps what it holds. */
		CHECK_EQ(requests_for(disk, 1 << 20, 1 << 20), 1);
		CHECK_EQ(disk->largest, 1 << 20);
		CHECK_EQ(requests_for(disk, READ_AHEAD_BYTES + 5, 100), 0);
	}
}


TEST(a_write_to_a_volume_makes_what_the_buffer_holds_read_again)
{
	setup();
	struct fake_disk *disk = add_disk(2, 512, 1024, 0);
	CHECK_EQ(platform_add_block_devices(NULL), B_OK);
	CHECK_EQ(requests_for(disk, 0, 100), 1);
	/* What a rename through the firmware's file system did. */
	disk->data[600] ^= 0xff;
	sWrites++;
	CHECK_EQ(requests_for(disk, 0, 700), 1);
	CHECK_EQ(requests_for(disk, 300, 300), 0);
}


TEST(read_ahead_stops_at_the_end_of_the_disk)
{
	setup();
	/* A disk smaller than the read-ahead, and one read near the end of a larger one. */
	struct fake_disk *small = add_disk(2, 512, 20, 0);
	CHECK_EQ(platform_add_block_devices(NULL), B_OK);
	CHECK_EQ(requests_for(small, 0, 1), 1);
	CHECK_EQ(small->largest, 20 * 512);
	CHECK_EQ(requests_for(small, 20 * 512 - 1, 1), 0);
	setup();
	struct fake_disk *disk = add_disk(2, 2048, 1000, 0);
	CHECK_EQ(platform_add_block_devices(NULL), B_OK);
	CHECK_EQ(requests_for(disk, 998 * 2048 + 7, 3000), 1);
	CHECK_EQ(disk->largest, 2 * 2048);
}


TEST(a_damaged_block_past_a_read_does_not_fail_it)
{
	setup();
	struct fake_disk *disk = add_disk(2, 512, 1024, 0);
	CHECK_EQ(platform_add_block_devices(NULL), B_OK);
	disk->has_bad_block = true;
	disk->bad_block = 10;
	/* The read-ahead fails, then the blocks asked for alone are read. */
	CHECK_EQ(requests_for(disk, 100, 1000), 2);
	CHECK_EQ(disk->largest, READ_AHEAD_BYTES);
	CHECK_EQ(requests_for(disk, 600, 100), 0);
	uint8_t buffer[16];
	CHECK_EQ(sDevices[0]->ops->read(sDevices[0], 10 * 512 + 3, buffer, sizeof(buffer)),
		B_IO_ERROR);
}


TEST(a_failed_read_is_an_io_error)
{
	setup();
	struct fake_disk *disk = add_disk(2, 512, 1024, 0);
	CHECK_EQ(platform_add_block_devices(NULL), B_OK);
	CHECK_EQ(requests_for(disk, 0, 100), 1);
	disk->fail = true;
	uint8_t buffer[1024];
	CHECK_EQ(sDevices[0]->ops->read(sDevices[0], 200 * 512, buffer, sizeof(buffer)),
		B_IO_ERROR);
	CHECK_EQ(sDevices[0]->ops->read(sDevices[0], 10, buffer, 10), B_IO_ERROR);
	/* What the failed reads left in the buffer is not taken for the disk's. */
	disk->fail = false;
	CHECK_EQ(requests_for(disk, 0, 100), 1);
}


TEST(only_whole_disks_with_media_become_devices)
{
	setup();
	struct fake_disk *disk = add_disk(2, 4096, 1000, 0);
	add_partition(disk, 1, 256, 100);
	struct fake_disk *empty = add_disk(3, 2048, 1, 0);
	empty->media.MediaPresent = FALSE;
	struct fake_disk *odd = add_disk(4, 512, 8, 0);
	odd->media.BlockSize = 520;
	struct fake_disk *none = add_disk(5, 512, 8, 0);
	none->media.BlockSize = 0;
	CHECK_EQ(platform_add_block_devices(NULL), B_OK);
	CHECK_EQ(sDeviceCount, 1);
	CHECK_EQ(sDevices[0]->size, 1000 * 4096);
	CHECK_EQ(sDevices[0]->block_size, 4096);
	CHECK(strcmp(sDevices[0]->name, "disk0") == 0);
	CHECK(strstr(sLog, "efi: disk0: 1000 blocks of 4096 bytes\n") != NULL);
}


/* The image came from partition 2 of the disk at PCI device 3, between two others. */
static struct fake_disk *
boot_from_second_disk(uint32_t blockSize)
{
	setup();
	add_disk(2, blockSize, 4096, 0);
	struct fake_disk *boot = add_disk(3, blockSize, 4096, 0);
	add_disk(4, blockSize, 4096, 0);
	add_partition(boot, 1, 34, 100);
	sImage.DeviceHandle = add_partition(boot, 2, 2048, 1024);
	CHECK_EQ(platform_add_block_devices(NULL), B_OK);
	CHECK_EQ(sDeviceCount, 3);
	return boot;
}


TEST(the_boot_disk_and_partition_are_where_the_image_came_from)
{
	const uint32_t kBlockSizes[] = { 512, 4096 };
	for (int i = 0; i < 2; i++) {
		boot_from_second_disk(kBlockSizes[i]);
		CHECK_EQ(sDevices[0]->flags & BLOCK_DEVICE_BOOT_DISK, 0);
		CHECK(sDevices[1]->flags & BLOCK_DEVICE_BOOT_DISK);
		CHECK_EQ(sDevices[2]->flags & BLOCK_DEVICE_BOOT_DISK, 0);
		uint64_t start = 2048ULL * kBlockSizes[i];
		CHECK(platform_is_boot_partition(NULL, sDevices[1], start));
		CHECK(!platform_is_boot_partition(NULL, sDevices[1], 34ULL * kBlockSizes[i]));
		CHECK(!platform_is_boot_partition(NULL, sDevices[1], 2048));
		CHECK(!platform_is_boot_partition(NULL, sDevices[0], start));
		CHECK(!platform_is_boot_partition(NULL, sDevices[2], start));
	}
}


TEST(a_volume_is_named_by_the_firmwares_partition_path)
{
	boot_from_second_disk(512);
	EFI_DEVICE_PATH *path = efi_volume_device_path(sDevices[1], 2048 * 512);
	CHECK(path == (EFI_DEVICE_PATH *)sDisks[4].path);
	CHECK(efi_volume_device_path(sDevices[1], 34 * 512) == (EFI_DEVICE_PATH *)sDisks[3].path);
	/* The whole disk, and a partition the firmware has no handle for. */
	CHECK(efi_volume_device_path(sDevices[1], 0) == (EFI_DEVICE_PATH *)sDisks[1].path);
	CHECK(efi_volume_device_path(sDevices[1], 4096 * 512)
		== (EFI_DEVICE_PATH *)sDisks[1].path);
	CHECK(efi_volume_device_path(sDevices[0], 2048 * 512) == (EFI_DEVICE_PATH *)sDisks[0].path);
}


TEST(a_path_with_a_node_shorter_than_a_header_has_no_size)
{
	uint8_t path[64];
	path_add_pci(path, 2);
	path[2] = 3;
	path[3] = 0;
	CHECK_EQ(efi_device_path_size((EFI_DEVICE_PATH *)path), 0);
	path_add_pci(path, 2);
	path_end(path + sizeof(PCI_DEVICE_PATH));
	CHECK_EQ(efi_device_path_size((EFI_DEVICE_PATH *)path), sizeof(PCI_DEVICE_PATH));
}
