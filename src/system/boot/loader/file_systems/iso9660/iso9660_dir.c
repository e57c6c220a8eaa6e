/* SPDX-License-Identifier: MIT */
/*
 * ISO 9660 directory records (ECMA-119 9.1) and the names they give: Rock
 * Ridge's (IEEE P1282 NM entries) when the volume has them, which is what
 * every tool that makes images from a POSIX tree writes, else the ISO name.
 */
#include "iso9660.h"

#include <string.h>

#include <boot/block_device.h>
#include <boot/byte_order.h>
#include <boot/heap.h>

/* The fixed part of a record; its name follows. */
#define ISO_RECORD_HEADER		33
#define ISO_FLAG_DIRECTORY		0x02
#define ISO_FLAG_ASSOCIATED		0x04
#define ISO_FLAG_MORE_EXTENTS	0x80

/*
 * Real directories are far smaller (a thousand Rock Ridge entries take
 * about 150 KiB); a damaged size would read a whole disc sector by sector.
 */
#define ISO_MAX_DIRECTORY_SIZE	(4 * 1024 * 1024)

/* NM flags of the entries that name "." and "..", not a file. */
#define ISO_NM_CURRENT			0x02
#define ISO_NM_PARENT			0x04


/*
 * The NM entries of a record's system use area, joined, into name; false
 * when there are none or they would not fit, and the ISO name is used.
 * A continuation area (CE) is not followed: tools put NM in the record.
 */
static bool
iso_rock_ridge_name(const uint8_t *area, size_t length, char *name)
{
	size_t used = 0;
	for (size_t at = 0; at + 4 <= length; at += area[at + 2]) {
		const uint8_t *entry = area + at;
		size_t size = entry[2];
		if (size < 4 || size > length - at)
			break;
		if (entry[0] != 'N' || entry[1] != 'M' || size < 5
				|| (entry[4] & (ISO_NM_CURRENT | ISO_NM_PARENT)) != 0)
			continue;
		if (used + size - 5 >= ISO_NAME_SIZE)
			return false;
		memcpy(name + used, entry + 5, size - 5);
		used += size - 5;
	}
	name[used] = '\0';
	return used > 0;
}


/* "KERNEL.;1" is "KERNEL", "LOADER.CFG;1" is "LOADER.CFG". */
static void
iso_plain_name(const uint8_t *raw, size_t length, char *name)
{
	size_t used = 0;
	while (used < length && raw[used] != ';')
		used++;
	if (used > 0 && raw[used - 1] == '.')
		used--;
	memcpy(name, raw, used);
	name[used] = '\0';
}


/* The entry's name, and whether a listing passes it over. */
static void
iso_read_name(const struct iso_mount *mount, const uint8_t *record, size_t size,
	struct iso_entry *entry)
{
	size_t nameLength = record[32];
	const uint8_t *name = record + ISO_RECORD_HEADER;
	/* a name of even length is padded, so that the area starts even */
	size_t area = ISO_RECORD_HEADER + nameLength + (nameLength % 2 == 0) + mount->susp_skip;
	entry->posix_name = mount->rock_ridge && area < size
		&& iso_rock_ridge_name(record + area, size - area, entry->name);
	if (!entry->posix_name)
		iso_plain_name(name, nameLength, entry->name);
	entry->skipped = (nameLength == 1 && name[0] <= 1)
		|| (record[25] & ISO_FLAG_ASSOCIATED) != 0
		/* names no path can reach: empty (";1", a NUL) or with a slash */
		|| entry->name[0] == '\0' || strchr(entry->name, '/') != NULL;
}


status_t
iso_parse_record(struct iso_mount *mount, const uint8_t *record, size_t length,
	struct iso_entry *entry)
{
	struct fs_volume *fs = mount->fs;
	size_t size = record[0];
	size_t nameLength = size > ISO_RECORD_HEADER ? record[32] : 0;
	if (size > length || nameLength == 0 || ISO_RECORD_HEADER + nameLength > size) {
		fs_set_reason(fs, "a directory record is damaged");
		return B_BAD_DATA;
	}
	iso_read_name(mount, record, size, entry);
	uint64_t offset = ((uint64_t)read_le32(record + 2) + record[1]) * ISO_SECTOR_SIZE;
	uint64_t dataSize = read_le32(record + 10);
	if (offset > fs->device->size || dataSize > fs->device->size - offset) {
		fs_set_reason(fs, "the record of \"%s\" points past the end of the volume",
			entry->name[0] != '\0' ? entry->name : ".");
		return B_BAD_DATA;
	}
	entry->node.offset = offset;
	entry->node.size = dataSize;
	entry->node.directory = (record[25] & ISO_FLAG_DIRECTORY) != 0;
	entry->node.pieces = (record[25] & ISO_FLAG_MORE_EXTENTS) != 0;
	return B_OK;
}


/* Records do not cross a sector; a zero length ends a sector's records. */
static status_t
iso_read_sector_records(struct iso_mount *mount, const uint8_t *sector, size_t length,
	struct iso_entry *entry, iso_entry_hook hook, void *cookie, bool *_more)
{
	for (size_t at = 0; at < length && sector[at] != 0; at += sector[at]) {
		status_t status = iso_parse_record(mount, sector + at, length - at, entry);
		if (status != B_OK)
			return status;
		if (!entry->skipped && !hook(cookie, entry)) {
			*_more = false;
			break;
		}
	}
	return B_OK;
}


status_t
iso_read_directory(struct iso_mount *mount, const struct iso_node *directory,
	iso_entry_hook hook, void *cookie)
{
	if (directory->size > ISO_MAX_DIRECTORY_SIZE) {
		fs_set_reason(mount->fs, "a directory of %llu bytes (at most 4 MiB are read)",
			(unsigned long long)directory->size);
		return B_BAD_DATA;
	}
	uint8_t *sector = heap_alloc(ISO_SECTOR_SIZE);
	struct iso_entry *entry = heap_alloc(sizeof(*entry));
	if (sector == NULL || entry == NULL) {
		heap_free(sector);
		heap_free(entry);
		return B_NO_MEMORY;
	}

	status_t status = B_OK;
	bool more = true;
	for (uint64_t done = 0; more && done < directory->size; done += ISO_SECTOR_SIZE) {
		size_t length = directory->size - done < ISO_SECTOR_SIZE
			? (size_t)(directory->size - done) : ISO_SECTOR_SIZE;
		status = block_device_read(mount->fs->device, directory->offset + done, sector,
			length);
		if (status != B_OK) {
			fs_set_reason(mount->fs, "cannot read a directory: %s", status_string(status));
			break;
		}
		status = iso_read_sector_records(mount, sector, length, entry, hook, cookie, &more);
		if (status != B_OK)
			break;
	}
	heap_free(sector);
	heap_free(entry);
	return status;
}
