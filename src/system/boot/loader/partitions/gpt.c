/* SPDX-License-Identifier: MIT */
/*
 * GUID Partition Tables: the primary header at LBA 1, or the backup at the
 * last LBA when the primary is damaged, both checked field by field.
 */
#include <boot/partitions.h>

#include <stdio.h>
#include <string.h>

#include <boot/byte_order.h>
#include <boot/crc32.h>
#include <boot/heap.h>
#include <boot/stdio.h>
#include <boot/unicode.h>


//#define TRACE_GPT
#ifdef TRACE_GPT
#	define TRACE(x...) boot_dprintf("gpt: " x)
#else
#	define TRACE(x...) do {} while (0)
#endif


#define GPT_SIGNATURE			"EFI PART"
#define GPT_MIN_HEADER_SIZE		92
#define GPT_MIN_ENTRY_SIZE		128
/* Far more than any tool writes (128 entries of 128 bytes), small enough to read. */
#define GPT_MAX_ENTRY_SIZE		4096
#define GPT_MAX_ARRAY_SIZE		(1024 * 1024)
#define GPT_NAME_UNITS			36
#define GPT_REASON_SIZE			96

/* header offsets */
#define GPT_REVISION			8
#define GPT_HEADER_SIZE			12
#define GPT_HEADER_CRC			16
#define GPT_MY_LBA				24
#define GPT_ALTERNATE_LBA		32
#define GPT_FIRST_USABLE		40
#define GPT_LAST_USABLE			48
#define GPT_ENTRIES_LBA			72
#define GPT_ENTRY_COUNT			80
#define GPT_ENTRY_SIZE			84
#define GPT_ENTRIES_CRC			88

/* entry offsets */
#define GPT_ENTRY_TYPE			0
#define GPT_ENTRY_UNIQUE		16
#define GPT_ENTRY_FIRST			32
#define GPT_ENTRY_LAST			40
#define GPT_ENTRY_ATTRIBUTES	48
#define GPT_ENTRY_NAME			56

/* A header that passed every check, with its entry array. */
struct gpt_table {
	bool		header_ok;			/* signature and CRC fine, maybe not the rest */
	uint64_t	alternate_lba;
	uint64_t	first_usable;
	uint64_t	last_usable;
	uint32_t	entry_count;
	uint32_t	entry_size;
	uint8_t		*entries;
};


static status_t
gpt_reject(char *reason, const char *text, status_t status)
{
	snprintf(reason, GPT_REASON_SIZE, "%s", text);
	return status;
}


/* Whether [start, start + count) and [otherStart, otherEnd] share a block. */
static bool
gpt_overlaps(uint64_t start, uint64_t count, uint64_t otherStart, uint64_t otherEnd)
{
	return start <= otherEnd && otherStart <= start + (count - 1);
}


/*
 * Read and check the header at lba and its entry array. On failure reason
 * says why; B_ENTRY_NOT_FOUND means there is no GPT header at all.
 */
static status_t
gpt_read_table(struct block_device *disk, uint64_t lba, struct gpt_table *table,
	char *reason)
{
	uint32_t blockSize = disk->block_size;
	uint64_t lastLba = disk->size / blockSize - 1;
	memset(table, 0, sizeof(*table));

	uint8_t *header = heap_alloc(blockSize);
	if (header == NULL)
		return gpt_reject(reason, "out of memory", B_NO_MEMORY);
	status_t status = block_device_read(disk, lba * blockSize, header, blockSize);
	if (status != B_OK) {
		heap_free(header);
		return gpt_reject(reason, "cannot read the header", status);
	}

	const char *problem = NULL;
	uint32_t headerSize = read_le32(header + GPT_HEADER_SIZE);
	if (memcmp(header, GPT_SIGNATURE, 8) != 0) {
		heap_free(header);
		return gpt_reject(reason, "no GPT signature", B_ENTRY_NOT_FOUND);
	}
	if (headerSize < GPT_MIN_HEADER_SIZE || headerSize > blockSize)
		problem = "bad header size";
	else {
		uint32_t expected = read_le32(header + GPT_HEADER_CRC);
		memset(header + GPT_HEADER_CRC, 0, 4);
		if (crc32(0, header, headerSize) != expected)
			problem = "bad header CRC";
		else
			table->header_ok = true;
	}

	uint64_t myLba = read_le64(header + GPT_MY_LBA);
	table->alternate_lba = read_le64(header + GPT_ALTERNATE_LBA);
	table->first_usable = read_le64(header + GPT_FIRST_USABLE);
	table->last_usable = read_le64(header + GPT_LAST_USABLE);
	uint64_t entriesLba = read_le64(header + GPT_ENTRIES_LBA);
	table->entry_count = read_le32(header + GPT_ENTRY_COUNT);
	table->entry_size = read_le32(header + GPT_ENTRY_SIZE);
	uint32_t entriesCrc = read_le32(header + GPT_ENTRIES_CRC);
	uint32_t revision = read_le32(header + GPT_REVISION);
	heap_free(header);

	uint32_t entrySize = table->entry_size;
	uint64_t arraySize = (uint64_t)table->entry_count * entrySize;
	uint64_t arrayBlocks = (arraySize + blockSize - 1) / blockSize;
	if (problem != NULL)
		;
	else if (revision >> 16 != 1)
		problem = "unsupported revision";
	else if (myLba != lba)
		problem = "header does not describe its own position";
	else if (table->first_usable > table->last_usable)
		problem = "first usable LBA after the last";
	else if (table->last_usable >= lastLba || table->first_usable < 2)
		problem = "usable area outside the disk";
	else if (entrySize < GPT_MIN_ENTRY_SIZE || entrySize > GPT_MAX_ENTRY_SIZE
		|| (entrySize & (entrySize - 1)) != 0)
		problem = "bad partition entry size";
	else if (table->entry_count == 0 || arraySize > GPT_MAX_ARRAY_SIZE)
		problem = "bad partition entry count";
	else if (table->first_usable <= lba && lba <= table->last_usable)
		problem = "header inside the usable area";
	else if (entriesLba == 0 || entriesLba > lastLba || arrayBlocks > lastLba + 1 - entriesLba)
		problem = "partition entries outside the disk";
	else if (gpt_overlaps(entriesLba, arrayBlocks, lba, lba)
		|| gpt_overlaps(entriesLba, arrayBlocks, table->first_usable,
			table->last_usable))
		problem = "partition entries overlap the header or the usable area";
	if (problem != NULL)
		return gpt_reject(reason, problem, B_BAD_DATA);

	table->entries = heap_alloc((size_t)arraySize);
	if (table->entries == NULL)
		return gpt_reject(reason, "out of memory", B_NO_MEMORY);
	status = block_device_read(disk, entriesLba * blockSize, table->entries,
		(size_t)arraySize);
	if (status != B_OK)
		problem = "cannot read the partition entries";
	else if (crc32(0, table->entries, (size_t)arraySize) != entriesCrc) {
		problem = "bad partition entry array CRC";
		status = B_BAD_DATA;
	}
	if (problem != NULL) {
		heap_free(table->entries);
		table->entries = NULL;
		return gpt_reject(reason, problem, status);
	}
	TRACE("%s: header at LBA %llu: %u entries of %u bytes\n", disk->name,
		(unsigned long long)lba, table->entry_count, entrySize);
	return B_OK;
}


static status_t
gpt_report_entries(struct block_device *disk, const struct gpt_table *table,
	partition_hook hook, void *cookie)
{
	uint32_t blockSize = disk->block_size;
	for (uint32_t i = 0; i < table->entry_count; i++) {
		const uint8_t *entry = table->entries + (size_t)i * table->entry_size;
		if (guid_is_null(entry + GPT_ENTRY_TYPE))
			continue;

		uint64_t first = read_le64(entry + GPT_ENTRY_FIRST);
		uint64_t last = read_le64(entry + GPT_ENTRY_LAST);
		if (first > last || first < table->first_usable || last > table->last_usable) {
			boot_printf("%s: GPT partition %u (LBA %llu-%llu) lies outside the usable "
				"area, ignored\n", disk->name, i + 1, (unsigned long long)first,
				(unsigned long long)last);
			continue;
		}

		struct partition_info info;
		memset(&info, 0, sizeof(info));
		info.scheme = PARTITION_SCHEME_GPT;
		info.index = i + 1;
		/* last_usable < the disk's last LBA: these cannot overflow */
		info.offset = first * blockSize;
		info.size = (last - first + 1) * blockSize;
		memcpy(info.type_guid, entry + GPT_ENTRY_TYPE, 16);
		memcpy(info.unique_guid, entry + GPT_ENTRY_UNIQUE, 16);
		info.attributes = read_le64(entry + GPT_ENTRY_ATTRIBUTES);
		unicode_utf16le_to_utf8(entry + GPT_ENTRY_NAME, GPT_NAME_UNITS, info.name,
			sizeof(info.name));

		status_t status = hook(cookie, disk, &info);
		if (status != B_OK)
			return status;
	}
	return B_OK;
}


status_t
gpt_scan(struct block_device *disk, partition_hook hook, void *cookie)
{
	uint32_t blockSize = disk->block_size;
	/* A header, its entries, and a backup need at least a few blocks. */
	if (blockSize < GPT_MIN_HEADER_SIZE || disk->size / blockSize < 4)
		return B_ENTRY_NOT_FOUND;
	uint64_t lastLba = disk->size / blockSize - 1;

	struct gpt_table table;
	char primaryReason[GPT_REASON_SIZE];
	status_t primary = gpt_read_table(disk, 1, &table, primaryReason);
	if (primary == B_OK) {
		status_t status = gpt_report_entries(disk, &table, hook, cookie);
		heap_free(table.entries);
		return status;
	}
	if (primary == B_NO_MEMORY)
		return primary;

	/*
	 * The primary's own idea of where its backup is serves disks grown after
	 * partitioning; it is only trusted when the primary header's CRC was fine.
	 */
	uint64_t alternateLba = table.header_ok ? table.alternate_lba : 0;

	char backupReason[GPT_REASON_SIZE];
	uint64_t backupLba = lastLba;
	status_t backup = gpt_read_table(disk, backupLba, &table, backupReason);
	if (backup == B_ENTRY_NOT_FOUND && alternateLba > 1 && alternateLba < lastLba) {
		backupLba = alternateLba;
		backup = gpt_read_table(disk, backupLba, &table, backupReason);
	}
	if (backup == B_NO_MEMORY)
		return backup;

	if (backup != B_OK) {
		if (primary == B_ENTRY_NOT_FOUND && backup == B_ENTRY_NOT_FOUND)
			return B_ENTRY_NOT_FOUND;
		boot_printf("%s: GPT unusable: primary header: %s; backup header: %s\n",
			disk->name, primaryReason, backupReason);
		return B_BAD_DATA;
	}

	boot_printf("%s: GPT primary header is damaged (%s), using the backup at LBA %llu\n",
		disk->name, primaryReason, (unsigned long long)backupLba);
	status_t status = gpt_report_entries(disk, &table, hook, cookie);
	heap_free(table.entries);
	return status;
}
