/* SPDX-License-Identifier: MIT */
/*
 * Master Boot Record partition tables: four primary entries and a chain of
 * extended boot records for logical partitions.
 */
#include <boot/partitions.h>

#include <string.h>

#include <boot/byte_order.h>
#include <boot/stdio.h>


#define MBR_SECTOR_SIZE			512
#define MBR_TABLE_OFFSET		446
#define MBR_ENTRY_SIZE			16
#define MBR_SIGNATURE_OFFSET	510
#define MBR_TYPE_PROTECTIVE		0xee
#define MBR_FIRST_LOGICAL		5
/* Linux stops at 60 logical partitions; a chain longer than this is garbage. */
#define MBR_MAX_LOGICAL			128

struct mbr_entry {
	uint8_t		status;
	uint8_t		type;
	uint32_t	start;		/* blocks */
	uint32_t	count;
};


static void
mbr_parse_entry(const uint8_t *sector, int slot, struct mbr_entry *entry)
{
	const uint8_t *raw = sector + MBR_TABLE_OFFSET + slot * MBR_ENTRY_SIZE;
	entry->status = raw[0];
	entry->type = raw[4];
	entry->start = read_le32(raw + 8);
	entry->count = read_le32(raw + 12);
}


static bool
mbr_has_signature(const uint8_t *sector)
{
	return sector[MBR_SIGNATURE_OFFSET] == 0x55 && sector[MBR_SIGNATURE_OFFSET + 1] == 0xaa;
}


static bool
mbr_is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}


static bool
mbr_is_empty(const struct mbr_entry *entry)
{
	return entry->type == 0 || entry->count == 0;
}


/*
 * The first accepted slot before slot whose blocks slot shares, or -1. Two
 * partitions on the same blocks would be two views of one file system, and
 * which one the table's author meant cannot be told.
 */
static int
mbr_overlapping_slot(const struct mbr_entry *entries, const bool *accepted, int slot)
{
	const struct mbr_entry *entry = &entries[slot];
	for (int other = 0; other < slot; other++) {
		if (accepted[other]
			&& entry->start < (uint64_t)entries[other].start + entries[other].count
			&& entries[other].start < (uint64_t)entry->start + entry->count) {
			return other;
		}
	}
	return -1;
}


static status_t
mbr_report(struct block_device *disk, uint32_t index, const struct mbr_entry *entry,
	uint64_t start, partition_hook hook, void *cookie)
{
	struct partition_info info;
	memset(&info, 0, sizeof(info));
	info.scheme = PARTITION_SCHEME_MBR;
	info.index = index;
	info.offset = start * disk->block_size;
	info.size = (uint64_t)entry->count * disk->block_size;
	info.mbr_type = entry->type;
	info.active = entry->status == 0x80;
	return hook(cookie, disk, &info);
}


/* Walk the EBR chain of the extended partition [extStart, extEnd) in blocks. */
static status_t
mbr_scan_extended(struct block_device *disk, uint64_t extStart, uint64_t extEnd,
	partition_hook hook, void *cookie)
{
	uint64_t visited[MBR_MAX_LOGICAL];
	uint32_t visitedCount = 0;
	uint32_t index = MBR_FIRST_LOGICAL;
	uint64_t ebr = extStart;

	for (;;) {
		for (uint32_t i = 0; i < visitedCount; i++) {
			if (visited[i] == ebr) {
				boot_printf("%s: MBR extended partition chain loops at LBA %llu\n",
					disk->name, (unsigned long long)ebr);
				return B_BAD_DATA;
			}
		}
		if (visitedCount == MBR_MAX_LOGICAL) {
			boot_printf("%s: MBR extended partition chain longer than %d entries\n",
				disk->name, MBR_MAX_LOGICAL);
			return B_BAD_DATA;
		}
		visited[visitedCount++] = ebr;

		uint8_t sector[MBR_SECTOR_SIZE];
		status_t status = block_device_read(disk, ebr * disk->block_size, sector,
			sizeof(sector));
		if (status != B_OK) {
			boot_printf("%s: cannot read the extended boot record at LBA %llu: %s\n",
				disk->name, (unsigned long long)ebr, status_string(status));
			return status;
		}
		if (!mbr_has_signature(sector)) {
			boot_printf("%s: extended boot record at LBA %llu has no signature\n",
				disk->name, (unsigned long long)ebr);
			return B_BAD_DATA;
		}

		struct mbr_entry logical;
		struct mbr_entry link;
		mbr_parse_entry(sector, 0, &logical);
		mbr_parse_entry(sector, 1, &link);

		if (!mbr_is_empty(&logical)) {
			uint64_t start = ebr + logical.start;
			if (logical.start == 0 || start + logical.count > extEnd) {
				boot_printf("%s: logical partition %u lies outside its extended "
					"partition, ignored\n", disk->name, index);
			} else {
				status = mbr_report(disk, index, &logical, start, hook, cookie);
				if (status != B_OK)
					return status;
			}
			index++;
		}

		if (mbr_is_empty(&link))
			return B_OK;
		uint64_t next = extStart + link.start;
		if (!mbr_is_extended(link.type) || link.start == 0 || next >= extEnd) {
			boot_printf("%s: extended boot record at LBA %llu links outside its "
				"extended partition\n", disk->name, (unsigned long long)ebr);
			return B_BAD_DATA;
		}
		ebr = next;
	}
}


status_t
mbr_scan(struct block_device *disk, partition_hook hook, void *cookie)
{
	/* The table's layout assumes 512-byte sectors; its LBAs count the disk's blocks. */
	if (disk->block_size < MBR_SECTOR_SIZE || disk->size < MBR_SECTOR_SIZE)
		return B_ENTRY_NOT_FOUND;
	uint64_t totalBlocks = disk->size / disk->block_size;

	uint8_t sector[MBR_SECTOR_SIZE];
	status_t status = block_device_read(disk, 0, sector, sizeof(sector));
	if (status != B_OK)
		return status;
	if (!mbr_has_signature(sector))
		return B_ENTRY_NOT_FOUND;

	struct mbr_entry entries[4];
	bool valid[4];
	int validCount = 0;
	for (int slot = 0; slot < 4; slot++) {
		struct mbr_entry *entry = &entries[slot];
		mbr_parse_entry(sector, slot, entry);
		/*
		 * A FAT boot sector also ends in 55 aa; boot code where the table
		 * would be rarely has clean status bytes.
		 */
		if ((entry->status & 0x7f) != 0)
			return B_ENTRY_NOT_FOUND;
		if (entry->type == MBR_TYPE_PROTECTIVE)
			return B_NOT_SUPPORTED;
		valid[slot] = !mbr_is_empty(entry) && entry->start != 0
			&& (uint64_t)entry->start + entry->count <= totalBlocks;
		if (valid[slot])
			validCount++;
	}
	/* Nothing usable: not a partition table (or an empty one); the disk is a volume. */
	if (validCount == 0)
		return B_ENTRY_NOT_FOUND;

	int extendedSlot = -1;
	bool accepted[4] = { false, false, false, false };
	for (int slot = 0; slot < 4; slot++) {
		const struct mbr_entry *entry = &entries[slot];
		if (mbr_is_empty(entry))
			continue;
		if (!valid[slot] && entry->start == 0) {
			/* a hybrid ISO image's: its file system is the whole disk's */
			boot_dprintf("%s: MBR partition %d starts at the table, ignored\n",
				disk->name, slot + 1);
			continue;
		}
		if (!valid[slot]) {
			boot_printf("%s: MBR partition %d lies outside the disk, ignored\n",
				disk->name, slot + 1);
			continue;
		}
		int overlapped = mbr_overlapping_slot(entries, accepted, slot);
		if (overlapped >= 0) {
			boot_printf("%s: MBR partition %d overlaps partition %d, ignored\n",
				disk->name, slot + 1, overlapped + 1);
			continue;
		}
		accepted[slot] = true;
		if (mbr_is_extended(entry->type)) {
			if (extendedSlot < 0)
				extendedSlot = slot;
			continue;
		}
		status = mbr_report(disk, (uint32_t)slot + 1, entry, entry->start, hook, cookie);
		if (status != B_OK)
			return status;
	}

	if (extendedSlot < 0)
		return B_OK;
	const struct mbr_entry *extended = &entries[extendedSlot];
	return mbr_scan_extended(disk, extended->start,
		(uint64_t)extended->start + extended->count, hook, cookie);
}
