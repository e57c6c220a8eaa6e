/* SPDX-License-Identifier: MIT */
/*
 * FAT volumes: the boot sector, the cached file allocation table, and cluster
 * chains turned into runs of contiguous clusters.
 */
#include "fat.h"

#include <string.h>

#include <boot/byte_order.h>
#include <boot/heap.h>
#include <boot/vfs.h>


//#define TRACE_FAT
#ifdef TRACE_FAT
#	define TRACE(x...) boot_dprintf("fat: " x)
#else
#	define TRACE(x...) do {} while (0)
#endif


/*
 * A window of the FAT: 32 KiB describe 8192 FAT32 clusters, so even a
 * fragmented 64 MiB file costs only a few FAT reads.
 */
#define FAT_CACHE_SIZE			(32 * 1024)
#define FAT12_MAX_CLUSTERS		4084
#define FAT16_MAX_CLUSTERS		65524
#define FAT32_MAX_CLUSTERS		0x0ffffff4
/*
 * How far a chain that is already too long is followed to tell a loop from
 * plain excess; only the message depends on it, and a huge hostile FAT
 * must not keep the loader busy for minutes.
 */
#define FAT_CLASSIFY_STEPS		(1u << 20)
/*
 * Runs of a file at most this far apart on the disk are read in one device
 * request, gap included, and the gap's bytes dropped. A request costs about
 * as much as reading 128 KiB under QEMU and OVMF (the break-even measured in
 * docs/volumes.md); half that still gains at least half a request per gap
 * there, and stays near the break-even of faster disks with cheaper requests.
 */
#define FAT_MAX_GAP				(64 * 1024)
/*
 * Only runs up to this long are joined to the request before them: each is
 * moved down over the gap afterwards, and for long runs that move costs
 * more than the request it saves (256 KiB runs read 10% slower joined).
 */
#define FAT_MAX_JOINED_RUN		(64 * 1024)

/* boot sector fields */
#define BPB_BYTES_PER_SECTOR	11
#define BPB_SECTORS_PER_CLUSTER	13
#define BPB_RESERVED_SECTORS	14
#define BPB_FAT_COUNT			16
#define BPB_ROOT_ENTRIES		17
#define BPB_TOTAL_SECTORS_16	19
#define BPB_FAT_SIZE_16			22
#define BPB_TOTAL_SECTORS_32	32
#define BPB_BOOT_SIGNATURE_16	38
#define BPB_LABEL_16			43
#define BPB_FAT_SIZE_32			36
#define BPB_EXT_FLAGS_32		40
#define BPB_ROOT_CLUSTER_32		44
#define BPB_BOOT_SIGNATURE_32	66
#define BPB_LABEL_32			71
#define BPB_EXTENDED_SIGNATURE	0x29
#define BPB_FS_TYPE_16			54
#define BPB_FS_TYPE_32			82

enum fat_link {
	FAT_LINK_NEXT,		/* another cluster of the chain */
	FAT_LINK_END,
	FAT_LINK_FREE,
	FAT_LINK_BAD,
	FAT_LINK_INVALID,	/* 1, reserved values, or past the last cluster */
};


static status_t
fat_fail(struct fat_volume *volume, status_t status, const char *reason)
{
	fs_set_reason(volume->fs, "%s", reason);
	return status;
}


static bool
fat_power_of_two(uint32_t value)
{
	return value != 0 && (value & (value - 1)) == 0;
}


/* Whether all of cluster is on the device (a volume may claim more than that). */
static bool
fat_cluster_on_device(const struct fat_volume *volume, uint32_t cluster)
{
	uint64_t offset = volume->data_offset + (uint64_t)(cluster - 2) * volume->cluster_size;
	return offset <= volume->device->size
		&& volume->device->size - offset >= volume->cluster_size;
}


status_t
fat_volume_init(struct fat_volume *volume, struct fs_volume *fs)
{
	memset(volume, 0, sizeof(*volume));
	volume->fs = fs;
	volume->device = fs->device;

	uint8_t sector[512];
	if (volume->device->size < sizeof(sector))
		return B_NOT_SUPPORTED;
	status_t status = block_device_read(volume->device, 0, sector, sizeof(sector));
	if (status != B_OK)
		return fat_fail(volume, status, "cannot read the FAT boot sector");

	/*
	 * Recognition: a jump or the boot signature, and a plausible geometry.
	 * A boot sector that also names its type (every formatter writes it) is
	 * FAT for certain: an impossible geometry is then damage to report, not
	 * a sign of some other file system.
	 */
	bool jump = (sector[0] == 0xeb && sector[2] == 0x90) || sector[0] == 0xe9;
	bool signature = sector[510] == 0x55 && sector[511] == 0xaa;
	if (!jump && !signature)
		return B_NOT_SUPPORTED;
	bool named = memcmp(sector + BPB_FS_TYPE_16, "FAT1", 4) == 0
		|| memcmp(sector + BPB_FS_TYPE_16, "FAT ", 4) == 0
		|| memcmp(sector + BPB_FS_TYPE_32, "FAT32", 5) == 0;
	uint32_t sectorSize = read_le16(sector + BPB_BYTES_PER_SECTOR);
	uint32_t sectorsPerCluster = sector[BPB_SECTORS_PER_CLUSTER];
	uint32_t reserved = read_le16(sector + BPB_RESERVED_SECTORS);
	uint32_t fatCount = sector[BPB_FAT_COUNT];
	if (sectorSize < 512 || sectorSize > 4096 || !fat_power_of_two(sectorSize)) {
		if (!named)
			return B_NOT_SUPPORTED;
		fs_set_reason(fs, "FAT boot sector gives %u bytes per sector", sectorSize);
		return B_BAD_DATA;
	}
	if (!fat_power_of_two(sectorsPerCluster)) {
		if (!named)
			return B_NOT_SUPPORTED;
		fs_set_reason(fs, "FAT boot sector gives %u sectors per cluster", sectorsPerCluster);
		return B_BAD_DATA;
	}
	if (reserved == 0) {
		if (!named)
			return B_NOT_SUPPORTED;
		return fat_fail(volume, B_BAD_DATA, "FAT boot sector gives no reserved sectors");
	}
	if (fatCount == 0 || fatCount > 4) {
		if (!named)
			return B_NOT_SUPPORTED;
		fs_set_reason(fs, "FAT boot sector gives %u FATs", fatCount);
		return B_BAD_DATA;
	}

	uint32_t rootEntries = read_le16(sector + BPB_ROOT_ENTRIES);
	uint64_t totalSectors = read_le16(sector + BPB_TOTAL_SECTORS_16);
	if (totalSectors == 0)
		totalSectors = read_le32(sector + BPB_TOTAL_SECTORS_32);
	uint64_t fatSectors = read_le16(sector + BPB_FAT_SIZE_16);
	/* Like Linux (and unlike the cluster count rule), small FAT32 volumes stay FAT32. */
	bool fat32 = fatSectors == 0 && rootEntries == 0;
	if (fat32)
		fatSectors = read_le32(sector + BPB_FAT_SIZE_32);

	if (totalSectors == 0)
		return fat_fail(volume, B_BAD_DATA, "FAT boot sector gives no volume size");
	if (fatSectors == 0)
		return fat_fail(volume, B_BAD_DATA, "FAT boot sector gives no FAT size");
	if (!fat32 && rootEntries == 0)
		return fat_fail(volume, B_BAD_DATA, "FAT12/16 boot sector without a root directory");

	uint64_t rootSectors = ((uint64_t)rootEntries * FAT_DIR_ENTRY_SIZE + sectorSize - 1)
		/ sectorSize;
	uint64_t metaSectors = reserved + fatCount * fatSectors + rootSectors;
	if (metaSectors >= totalSectors)
		return fat_fail(volume, B_BAD_DATA, "FAT volume has no data area");
	/*
	 * mformat without -T sizes a volume to the end of the image, past its
	 * partition, and firmware reads such volumes: so does the loader, as
	 * long as what every lookup needs lies on the device (fat_map_chain()
	 * refuses clusters past its end).
	 */
	uint64_t deviceSize = volume->device->size;
	if (totalSectors * sectorSize > deviceSize) {
		if (metaSectors * sectorSize > deviceSize) {
			fs_set_reason(fs, "FAT volume (%llu bytes) is larger than its device "
				"(%llu bytes), its FATs and root directory too",
				(unsigned long long)(totalSectors * sectorSize),
				(unsigned long long)deviceSize);
			return B_BAD_DATA;
		}
	}

	uint64_t clusters = (totalSectors - metaSectors) / sectorsPerCluster;
	if (clusters == 0)
		return fat_fail(volume, B_BAD_DATA, "FAT volume has no data clusters");
	if (fat32) {
		volume->fat_bits = 32;
		if (clusters > FAT32_MAX_CLUSTERS)
			clusters = FAT32_MAX_CLUSTERS;
	} else if (clusters <= FAT12_MAX_CLUSTERS)
		volume->fat_bits = 12;
	else if (clusters <= FAT16_MAX_CLUSTERS)
		volume->fat_bits = 16;
	else {
		fs_set_reason(fs, "FAT12/16 boot sector describes %llu clusters",
			(unsigned long long)clusters);
		return B_BAD_DATA;
	}

	volume->sector_size = sectorSize;
	volume->cluster_size = sectorSize * sectorsPerCluster;
	volume->cluster_count = (uint32_t)clusters;
	volume->fat_length = fatSectors * sectorSize;
	if (volume->fat_length * 8 / volume->fat_bits < clusters + 2) {
		fs_set_reason(fs, "FAT of %llu bytes is too small for %u clusters",
			(unsigned long long)volume->fat_length, volume->cluster_count);
		return B_BAD_DATA;
	}

	uint32_t activeFat = 0;
	if (fat32) {
		uint32_t flags = read_le16(sector + BPB_EXT_FLAGS_32);
		/* bit 7: mirroring off, only the FAT in bits 0-3 is current */
		if ((flags & 0x80) != 0)
			activeFat = flags & 0x0f;
		if (activeFat >= fatCount)
			return fat_fail(volume, B_BAD_DATA, "FAT32 active FAT does not exist");
		volume->root_cluster = read_le32(sector + BPB_ROOT_CLUSTER_32);
		if (!fat_valid_cluster(volume, volume->root_cluster)) {
			fs_set_reason(fs, "FAT32 root directory cluster %u is past the end of "
				"the volume", volume->root_cluster);
			return B_BAD_DATA;
		}
	}

	volume->fat_offset = (reserved + activeFat * fatSectors) * sectorSize;
	volume->root_offset = (reserved + fatCount * fatSectors) * sectorSize;
	volume->root_size = rootEntries * FAT_DIR_ENTRY_SIZE;
	volume->data_offset = metaSectors * sectorSize;
	if (fat32 && !fat_cluster_on_device(volume, volume->root_cluster)) {
		fs_set_reason(fs, "FAT32 root directory cluster %u lies past the end of the "
			"device", volume->root_cluster);
		return B_BAD_DATA;
	}

	uint32_t signatureOffset = fat32 ? BPB_BOOT_SIGNATURE_32 : BPB_BOOT_SIGNATURE_16;
	memset(volume->boot_label, ' ', sizeof(volume->boot_label));
	if (sector[signatureOffset] == BPB_EXTENDED_SIGNATURE) {
		memcpy(volume->boot_label, sector + (fat32 ? BPB_LABEL_32 : BPB_LABEL_16),
			sizeof(volume->boot_label));
	}

	volume->fat_cache = heap_alloc(FAT_CACHE_SIZE);
	if (volume->fat_cache == NULL)
		return fat_fail(volume, B_NO_MEMORY, "out of memory");

	/* Said only of a volume that mounts: a refused one has its own reason. */
	if (totalSectors * sectorSize > deviceSize) {
		boot_printf("%s: FAT volume (%llu bytes) is larger than its device (%llu bytes);"
			" what lies past the device's end cannot be read\n", volume->device->name,
			(unsigned long long)(totalSectors * sectorSize), (unsigned long long)deviceSize);
	}

	TRACE("FAT%u, %u clusters of %u bytes, data at %llu\n", volume->fat_bits,
		volume->cluster_count, volume->cluster_size,
		(unsigned long long)volume->data_offset);
	return B_OK;
}


void
fat_volume_uninit(struct fat_volume *volume)
{
	heap_free(volume->fat_cache);
	volume->fat_cache = NULL;
	fat_dir_forget(volume);
}


bool
fat_valid_cluster(const struct fat_volume *volume, uint32_t cluster)
{
	return cluster >= 2 && cluster - 2 < volume->cluster_count;
}


static status_t
fat_cache_byte(struct fat_volume *volume, uint64_t offset, uint8_t *_byte)
{
	if (offset < volume->fat_cache_offset
		|| offset - volume->fat_cache_offset >= volume->fat_cache_length) {
		uint64_t start = offset & ~(uint64_t)(FAT_CACHE_SIZE - 1);
		uint64_t length = volume->fat_length - start;
		if (length > FAT_CACHE_SIZE)
			length = FAT_CACHE_SIZE;
		volume->fat_cache_length = 0;
		status_t status = block_device_read(volume->device, volume->fat_offset + start,
			volume->fat_cache, (size_t)length);
		if (status != B_OK)
			return fat_fail(volume, status, "cannot read the FAT");
		volume->fat_cache_offset = start;
		volume->fat_cache_length = (uint32_t)length;
		volume->fat_cache_writes = vfs_writes();
	}
	*_byte = volume->fat_cache[offset - volume->fat_cache_offset];
	return B_OK;
}


/* What the FAT says follows cluster, which must be valid. */
static status_t
fat_next(struct fat_volume *volume, uint32_t cluster, uint32_t *_next,
	enum fat_link *_link)
{
	uint64_t offset = volume->fat_bits == 12
		? cluster + cluster / 2 : (uint64_t)cluster * (volume->fat_bits / 8);
	uint32_t size = volume->fat_bits == 12 ? 2 : volume->fat_bits / 8;
	/*
	 * Mapping a 64 MiB file asks for tens of thousands of entries, nearly all
	 * inside the cached window: read those in place, byte by byte only the
	 * rest (a FAT12 entry can straddle the window's end).
	 */
	const uint8_t *entry;
	uint8_t bytes[4] = { 0, 0, 0, 0 };
	if (offset >= volume->fat_cache_offset
		&& offset - volume->fat_cache_offset + size <= volume->fat_cache_length) {
		entry = volume->fat_cache + (offset - volume->fat_cache_offset);
	} else {
		for (uint32_t i = 0; i < size; i++) {
			status_t status = fat_cache_byte(volume, offset + i, &bytes[i]);
			if (status != B_OK)
				return status;
		}
		entry = bytes;
	}

	uint32_t value;
	uint32_t endOfChain;
	if (volume->fat_bits == 12) {
		value = read_le16(entry);
		value = (cluster & 1) != 0 ? value >> 4 : value & 0xfff;
		endOfChain = 0xff8;
	} else if (volume->fat_bits == 16) {
		value = read_le16(entry);
		endOfChain = 0xfff8;
	} else {
		value = read_le32(entry) & 0x0fffffff;
		endOfChain = 0x0ffffff8;
	}

	*_next = value;
	if (value >= endOfChain)
		*_link = FAT_LINK_END;
	else if (value == endOfChain - 1)
		*_link = FAT_LINK_BAD;
	else if (value == 0)
		*_link = FAT_LINK_FREE;
	else if (!fat_valid_cluster(volume, value))
		*_link = FAT_LINK_INVALID;
	else
		*_link = FAT_LINK_NEXT;
	return B_OK;
}


static status_t
fat_add_run(struct fat_node *node, uint32_t *capacity, uint64_t diskOffset,
	uint64_t length)
{
	if (node->run_count > 0) {
		struct fat_run *last = &node->runs[node->run_count - 1];
		if (last->disk_offset + last->length == diskOffset) {
			last->length += length;
			node->mapped_size += length;
			return B_OK;
		}
	}
	if (node->run_count == *capacity) {
		uint32_t newCapacity = *capacity == 0 ? 8 : *capacity * 2;
		struct fat_run *runs = heap_realloc(node->runs, newCapacity * sizeof(*runs));
		if (runs == NULL)
			return B_NO_MEMORY;
		node->runs = runs;
		*capacity = newCapacity;
	}
	struct fat_run *run = &node->runs[node->run_count++];
	run->file_offset = node->mapped_size;
	run->disk_offset = diskOffset;
	run->length = length;
	node->mapped_size += length;
	return B_OK;
}


static status_t
fat_link_error(struct fat_volume *volume, enum fat_link link, uint32_t cluster,
	uint32_t value)
{
	switch (link) {
		case FAT_LINK_FREE:
			fs_set_reason(volume->fs, "FAT cluster chain reaches a free cluster after "
				"cluster %u", cluster);
			break;
		case FAT_LINK_BAD:
			fs_set_reason(volume->fs, "FAT cluster chain reaches a bad cluster after "
				"cluster %u", cluster);
			break;
		default:
			fs_set_reason(volume->fs, "FAT cluster chain refers to cluster %u, past "
				"the end of the volume (%u clusters)", value, volume->cluster_count);
			break;
	}
	return B_BAD_DATA;
}


/*
 * The first cluster of head's chain that the chain comes back to, given the
 * loop's length: the cluster a user would look at to repair it. Two walkers
 * length apart meet there; neither goes further than the loop detection
 * went, so this at most doubles the work of a walk that is bounded anyway.
 */
static status_t
fat_loop_entry(struct fat_volume *volume, uint32_t head, uint64_t length,
	uint32_t *_entry)
{
	uint32_t behind = head;
	uint32_t ahead = head;
	enum fat_link link;
	for (uint64_t i = 0; i < length; i++) {
		status_t status = fat_next(volume, ahead, &ahead, &link);
		if (status != B_OK)
			return status;
	}
	while (behind != ahead) {
		status_t status = fat_next(volume, behind, &behind, &link);
		if (status == B_OK)
			status = fat_next(volume, ahead, &ahead, &link);
		if (status != B_OK)
			return status;
	}
	*_entry = behind;
	return B_OK;
}


/* A loop was found: name where it closes, or fail with why that could not be read. */
static status_t
fat_report_loop(struct fat_volume *volume, uint32_t head, uint64_t length)
{
	uint32_t entry;
	status_t status = fat_loop_entry(volume, head, length, &entry);
	if (status != B_OK)
		return status;
	fs_set_reason(volume->fs, "FAT cluster chain loops at cluster %u", entry);
	return B_BAD_DATA;
}


/*
 * Follow the chain from *_cluster through the entries the cached window
 * holds, for at most most links, adding each cluster left behind to node's
 * runs as fat_map_chain's loop would, and stop before anything that loop
 * must look at itself: an entry outside the window, a link that is not to
 * a valid cluster (the end of the chain among them), a cluster past the end
 * of the device, the tortoise. Each link costs a few instructions here
 * where fat_next() and the loop's checks take some 160: mapping a 64 MiB
 * file of 2 KiB clusters cost 5.5 ms that way under QEMU, ten times what
 * reading its data costs on virtio-blk (docs/volumes.md). FAT12 volumes
 * hold a few MiB and keep the slow path. *_links gets how many links were
 * followed.
 */
static status_t
fat_walk_window(struct fat_volume *volume, struct fat_node *node, uint32_t *capacity,
	uint32_t *_cluster, uint64_t most, uint32_t tortoise, uint64_t *_links)
{
	*_links = 0;
	if (volume->fat_bits == 12 || volume->device->size < volume->data_offset)
		return B_OK;
	uint32_t width = volume->fat_bits / 8;
	uint64_t size = volume->cluster_size;
	uint64_t windowStart = volume->fat_cache_offset / width;
	/* A link is followed from clusters below end only: in the window, on the device. */
	uint64_t end = (volume->fat_cache_offset + volume->fat_cache_length) / width;
	uint64_t onDevice = (volume->device->size - volume->data_offset) / size + 2;
	if (end > onDevice)
		end = onDevice;

	uint32_t cluster = *_cluster;
	uint64_t links = 0;
	status_t status = B_OK;
	while (links < most && cluster >= windowStart && cluster < end) {
		/*
		 * First a stretch of consecutive clusters, the whole of a file
		 * written in one piece: a compare a link. It ends before a link to
		 * an invalid cluster or to the tortoise.
		 */
		uint64_t stop = end;
		if (stop > (uint64_t)volume->cluster_count + 1)
			stop = (uint64_t)volume->cluster_count + 1;
		if (tortoise > cluster && stop > tortoise - 1u)
			stop = tortoise - 1u;
		if (stop < cluster)
			stop = cluster;
		if (stop - cluster > most - links)
			stop = cluster + (most - links);
		uint32_t from = cluster;
		const uint8_t *entry = volume->fat_cache + ((uint64_t)cluster * width
			- volume->fat_cache_offset);
		if (width == 4) {
			while (cluster < stop && (read_le32(entry) & 0x0fffffff) == cluster + 1) {
				cluster++;
				entry += 4;
			}
		} else {
			while (cluster < stop && read_le16(entry) == cluster + 1) {
				cluster++;
				entry += 2;
			}
		}
		if (cluster != from) {
			status = fat_add_run(node, capacity, volume->data_offset
				+ (uint64_t)(from - 2) * size, (uint64_t)(cluster - from) * size);
			if (status != B_OK)
				break;
			links += cluster - from;
			continue;
		}

		/* Then one link elsewhere, if it is to a valid cluster but the tortoise. */
		uint32_t next = width == 4 ? read_le32(entry) & 0x0fffffff : read_le16(entry);
		if (!fat_valid_cluster(volume, next) || next == tortoise)
			break;
		status = fat_add_run(node, capacity, volume->data_offset
			+ (uint64_t)(cluster - 2) * size, size);
		if (status != B_OK)
			break;
		links++;
		cluster = next;
	}
	*_cluster = cluster;
	*_links = links;
	return status;
}


/*
 * Map node's chain. Files must have exactly the clusters their size needs;
 * directories end where their chain ends, at most FAT_MAX_DIR_SIZE. A loop
 * is found with Brent's algorithm (no memory per cluster), and any walk is
 * bounded by the cluster count.
 */
static status_t
fat_map_chain(struct fat_volume *volume, struct fat_node *node)
{
	uint64_t limit;
	if (node->directory) {
		limit = FAT_MAX_DIR_SIZE / volume->cluster_size;
		if (limit == 0)
			limit = 1;
	} else
		limit = ((uint64_t)node->size + volume->cluster_size - 1) / volume->cluster_size;

	uint32_t cluster = node->first_cluster;
	if (limit == 0)
		return B_OK;
	/* Whatever wrote to the volume since (vfs_note_write()) may have
	 * changed the chains the window holds. */
	if (volume->fat_cache_writes != vfs_writes())
		volume->fat_cache_length = 0;
	if (cluster == 0) {
		return fat_fail(volume, B_BAD_DATA, node->directory
			? "FAT directory entry has no clusters"
			: "FAT directory entry has a size but no clusters");
	}
	if (!fat_valid_cluster(volume, cluster)) {
		fs_set_reason(volume->fs, "FAT directory entry points to cluster %u, past the "
			"end of the volume", cluster);
		return B_BAD_DATA;
	}

	uint32_t capacity = 0;
	uint64_t count = 0;
	uint32_t tortoise = cluster;
	uint64_t power = 1;
	uint64_t lambda = 0;
	for (;;) {
		/*
		 * Take what the cached window holds of the chain in one go. The walk
		 * stops short of the file's last cluster (whose entry must end the
		 * chain) and of Brent's next checkpoint, so that the loop below goes
		 * on exactly as if it had taken each of these links itself.
		 */
		if (count + 1 < limit) {
			uint64_t most = limit - count - 1;
			if (most > power - lambda - 1)
				most = power - lambda - 1;
			uint64_t links;
			status_t status = fat_walk_window(volume, node, &capacity, &cluster, most,
				tortoise, &links);
			if (status != B_OK)
				return fat_fail(volume, status, "out of memory");
			count += links;
			lambda += links;
		}
		if (count < limit && !fat_cluster_on_device(volume, cluster)) {
			fs_set_reason(volume->fs, "FAT cluster %u lies past the end of the device "
				"(the volume is larger than its partition)", cluster);
			return B_BAD_DATA;
		}
		if (count < limit) {
			status_t status = fat_add_run(node, &capacity, volume->data_offset
				+ (uint64_t)(cluster - 2) * volume->cluster_size, volume->cluster_size);
			if (status != B_OK)
				return fat_fail(volume, status, "out of memory");
		}
		count++;

		uint32_t next;
		enum fat_link link;
		status_t status = fat_next(volume, cluster, &next, &link);
		if (status != B_OK)
			return status;

		if (count <= limit) {
			if (link == FAT_LINK_END) {
				if (node->directory || count == limit)
					return B_OK;
				fs_set_reason(volume->fs, "FAT cluster chain ends after %llu clusters, "
					"but the file size (%u bytes) needs %llu", (unsigned long long)count,
					node->size, (unsigned long long)limit);
				return B_BAD_DATA;
			}
			if (link != FAT_LINK_NEXT)
				return fat_link_error(volume, link, cluster, next);
		} else if (count > volume->cluster_count) {
			/* more clusters than the volume has: some must repeat */
			fs_set_reason(volume->fs, "FAT cluster chain loops at cluster %u", cluster);
			return B_BAD_DATA;
		} else if (link != FAT_LINK_NEXT || count - limit > FAT_CLASSIFY_STEPS) {
			/* walked on only to tell a loop from a chain that is too long */
			if (node->directory) {
				return fat_fail(volume, B_BAD_DATA,
					"FAT directory is larger than 65536 entries");
			}
			fs_set_reason(volume->fs, "FAT cluster chain is longer than the file "
				"size (%u bytes) allows", node->size);
			return B_BAD_DATA;
		}

		if (next == tortoise)
			return fat_report_loop(volume, node->first_cluster, lambda + 1);
		if (++lambda == power) {
			tortoise = next;
			power *= 2;
			lambda = 0;
		}
		cluster = next;
	}
}


status_t
fat_map_node(struct fat_volume *volume, struct fat_node *node)
{
	if (node->mapped)
		return B_OK;

	status_t status;
	if (node->fixed_root) {
		uint32_t capacity = 0;
		status = fat_add_run(node, &capacity, volume->root_offset, volume->root_size);
		if (status != B_OK)
			status = fat_fail(volume, status, "out of memory");
	} else
		status = fat_map_chain(volume, node);

	if (status != B_OK) {
		heap_free(node->runs);
		node->runs = NULL;
		node->run_count = 0;
		node->mapped_size = 0;
		return status;
	}
	node->mapped = true;
	node->last_run = 0;
	return B_OK;
}


/*
 * How many of length bytes, from within run index on, one device request can
 * deliver: the rest of that run and of the short runs after it that follow
 * on the disk with gaps of at most FAT_MAX_GAP, as long as the request, gaps
 * included, still fits the caller's buffer (the gaps are read into it and
 * squeezed out). *_last gets the last run it reaches into.
 */
static size_t
fat_span(const struct fat_node *node, uint32_t index, uint64_t within, size_t length,
	uint32_t *_last)
{
	const struct fat_run *run = &node->runs[index];
	size_t data = run->length - within < length ? (size_t)(run->length - within) : length;
	uint64_t diskStart = run->disk_offset + within;
	uint64_t diskEnd = diskStart + data;
	uint32_t last = index;

	while (data < length && last + 1 < node->run_count) {
		const struct fat_run *next = &node->runs[last + 1];
		if (next->disk_offset < diskEnd || next->disk_offset - diskEnd > FAT_MAX_GAP
			|| next->length > FAT_MAX_JOINED_RUN) {
			break;
		}
		size_t more = next->length < length - data ? (size_t)next->length : length - data;
		if (next->disk_offset + more - diskStart > length)
			break;
		data += more;
		diskEnd = next->disk_offset + more;
		last++;
	}
	*_last = last;
	return data;
}


/*
 * Read chunk bytes of runs first..last (from within the first) into out: one
 * request for all of them, then every run after the first moved down over
 * the gap bytes before it. fat_span made sure the request fits out.
 */
static status_t
fat_read_span(struct fat_volume *volume, const struct fat_node *node, uint32_t first,
	uint32_t last, uint64_t within, uint8_t *out, size_t chunk)
{
	uint64_t diskStart = node->runs[first].disk_offset + within;
	size_t request = chunk;
	if (last != first) {
		const struct fat_run *end = &node->runs[last];
		size_t inLast = (size_t)(node->runs[first].file_offset + within + chunk
			- end->file_offset);
		request = (size_t)(end->disk_offset + inLast - diskStart);
	}
	status_t status = block_device_read(volume->device, diskStart, out, request);
	if (status != B_OK)
		return fat_fail(volume, status, "cannot read from the FAT volume");

	size_t done = (size_t)(node->runs[first].length - within);
	for (uint32_t i = first + 1; i <= last; i++) {
		const struct fat_run *run = &node->runs[i];
		size_t piece = run->length < chunk - done ? (size_t)run->length : chunk - done;
		/* Runs only move down, in order, so no run is overwritten before it moves. */
		memmove(out + done, out + (size_t)(run->disk_offset - diskStart), piece);
		done += piece;
	}
	return B_OK;
}


status_t
fat_node_read(struct fat_volume *volume, struct fat_node *node, uint64_t offset,
	void *buffer, size_t length)
{
	if (offset > node->mapped_size || length > node->mapped_size - offset)
		return B_BAD_VALUE;
	if (length == 0)
		return B_OK;

	/* Sequential reads continue in the run the last one ended in, or the next. */
	uint32_t index = node->last_run;
	if (index < node->run_count && offset - node->runs[index].file_offset
			>= node->runs[index].length)
		index++;
	if (index >= node->run_count || offset < node->runs[index].file_offset
		|| offset - node->runs[index].file_offset >= node->runs[index].length) {
		uint32_t low = 0;
		uint32_t high = node->run_count - 1;
		while (low < high) {
			uint32_t middle = low + (high - low + 1) / 2;
			if (node->runs[middle].file_offset <= offset)
				low = middle;
			else
				high = middle - 1;
		}
		index = low;
	}

	uint8_t *out = buffer;
	while (length > 0) {
		const struct fat_run *run = &node->runs[index];
		uint64_t within = offset - run->file_offset;
		if (within >= run->length) {
			index++;
			continue;
		}
		uint32_t last;
		size_t chunk = fat_span(node, index, within, length, &last);
		status_t status = fat_read_span(volume, node, index, last, within, out, chunk);
		if (status != B_OK)
			return status;
		out += chunk;
		offset += chunk;
		length -= chunk;
		index = last;
		node->last_run = index;
	}
	return B_OK;
}
