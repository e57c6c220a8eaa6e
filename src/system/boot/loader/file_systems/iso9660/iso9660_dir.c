/* SPDX-License-Identifier: MIT */
/*
 * ISO 9660 directory records (ECMA-119 9.1) and the names they give: Rock
 * Ridge's (IEEE P1282 NM entries, in the record and the continuation areas
 * it leads to) when the volume has them, which is what every tool that
 * makes images from a POSIX tree writes, Joliet's in Joliet's tree, else
 * the ISO name.
 */
#include "iso9660.h"

#include <string.h>

#include <boot/block_device.h>
#include <boot/byte_order.h>
#include <boot/heap.h>
#include <boot/unicode.h>

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

/* NM flags: the name goes on in the next NM; the entry names "." or "..". */
#define ISO_NM_CONTINUE			0x01
#define ISO_NM_CURRENT			0x02
#define ISO_NM_PARENT			0x04

/*
 * A CE entry (SUSP 5.1): where the area goes on, as block, offset and
 * length, each both-endian. xorriso moves the rest of a name longer than
 * about 130 bytes there. A chain longer than any tool writes is a loop.
 */
#define ISO_CE_SIZE				28
#define ISO_MAX_CONTINUATIONS	8

/* A Rock Ridge name being joined from its NM entries, and where its area goes on. */
struct iso_name_walk {
	char		*name;
	size_t		used;
	bool		complete;		/* an NM without ISO_NM_CONTINUE was seen */
	bool		too_long;
	uint64_t	next;			/* the continuation area's offset on the device */
	uint32_t	next_length;	/* 0: none */
};


/* The NM and CE entries of one system use area (the record's, or a continuation). */
static void
iso_walk_name_entries(const uint8_t *area, size_t length, struct iso_name_walk *walk)
{
	walk->next_length = 0;
	for (size_t at = 0; at + 4 <= length; at += area[at + 2]) {
		const uint8_t *entry = area + at;
		size_t size = entry[2];
		if (size < 4 || size > length - at)
			break;
		if (entry[0] == 'C' && entry[1] == 'E' && size >= ISO_CE_SIZE) {
			walk->next = ((uint64_t)read_le32(entry + 4) * ISO_SECTOR_SIZE)
				+ read_le32(entry + 12);
			walk->next_length = read_le32(entry + 20);
			continue;
		}
		if (entry[0] != 'N' || entry[1] != 'M' || size < 5
				|| (entry[4] & (ISO_NM_CURRENT | ISO_NM_PARENT)) != 0)
			continue;
		if (walk->used + size - 5 >= ISO_NAME_SIZE) {
			walk->too_long = true;
			return;
		}
		memcpy(walk->name + walk->used, entry + 5, size - 5);
		walk->used += size - 5;
		walk->complete = (entry[4] & ISO_NM_CONTINUE) == 0;
	}
}


/*
 * The NM entries of a record's system use area and the continuation areas
 * it leads to (while the name is not complete), joined, into name. False
 * with *_status B_OK when there are none or they would not fit, and the ISO
 * name is used; B_BAD_DATA (with a reason) or a read error when a
 * continuation area cannot be read.
 */
static bool
iso_rock_ridge_name(struct iso_mount *mount, const uint8_t *area, size_t length,
	char *name, status_t *_status)
{
	/* Names are read one at a time; the loader runs on one CPU. */
	static uint8_t sContinuation[ISO_SECTOR_SIZE];
	struct iso_name_walk walk = { .name = name };
	iso_walk_name_entries(area, length, &walk);
	*_status = B_OK;
	for (uint32_t hops = 0; !walk.complete && !walk.too_long && walk.next_length > 0;
			hops++) {
		struct fs_volume *fs = mount->fs;
		if (hops == ISO_MAX_CONTINUATIONS || walk.next_length > ISO_SECTOR_SIZE
			|| walk.next > fs->device->size
			|| walk.next_length > fs->device->size - walk.next) {
			fs_set_reason(fs, "a Rock Ridge continuation area is damaged");
			*_status = B_BAD_DATA;
			break;
		}
		*_status = block_device_read(fs->device, walk.next, sContinuation, walk.next_length);
		if (*_status != B_OK) {
			fs_set_reason(fs, "cannot read a Rock Ridge continuation area: %s",
				status_string(*_status));
			break;
		}
		iso_walk_name_entries(sContinuation, walk.next_length, &walk);
	}
	name[walk.used] = '\0';
	return *_status == B_OK && !walk.too_long && walk.used > 0;
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


/*
 * Joliet's names are UCS-2, big-endian, with the version ISO names have
 * ("kernel;1"); as UTF-8 without it and a final dot. A name with a NUL in
 * it, or one whose UTF-8 does not fit (103 characters of three bytes), is
 * left empty: no path reaches it, where a cut name would reach another.
 */
static void
iso_joliet_name(const uint8_t *raw, size_t length, char *name)
{
	uint8_t units[ISO_NAME_SIZE];
	size_t count = 0;
	for (; 2 * count + 1 < length; count++) {
		const uint8_t *unit = raw + 2 * count;
		if (unit[0] == 0 && unit[1] == ';')
			break;
		if (unit[0] == 0 && unit[1] == 0) {
			name[0] = '\0';
			return;
		}
		units[2 * count] = unit[1];
		units[2 * count + 1] = unit[0];
	}
	if (count > 0 && units[2 * count - 2] == '.' && units[2 * count - 1] == 0)
		count--;
	if (unicode_utf16le_utf8_length(units, count) >= ISO_NAME_SIZE)
		count = 0;
	unicode_utf16le_to_utf8(units, count, name, ISO_NAME_SIZE);
}


/* The entry's name, and whether a listing passes it over. */
static status_t
iso_read_name(struct iso_mount *mount, const uint8_t *record, size_t size,
	struct iso_entry *entry)
{
	size_t nameLength = record[32];
	const uint8_t *name = record + ISO_RECORD_HEADER;
	/* a name of even length is padded, so that the area starts even */
	size_t area = ISO_RECORD_HEADER + nameLength + (nameLength % 2 == 0) + mount->susp_skip;
	status_t status = B_OK;
	/* "." and ".." have no name to find, however far their areas go on */
	bool dots = nameLength == 1 && name[0] <= 1;
	entry->posix_name = mount->rock_ridge && !dots && area < size
		&& iso_rock_ridge_name(mount, record + area, size - area, entry->name, &status);
	/* Rock Ridge is looked for in the primary tree only, never in Joliet's */
	if (mount->joliet && !dots)
		iso_joliet_name(name, nameLength, entry->name);
	else if (!entry->posix_name)
		iso_plain_name(name, nameLength, entry->name);
	entry->skipped = dots || (record[25] & ISO_FLAG_ASSOCIATED) != 0
		/* names no path can reach: empty (";1", a NUL) or with a slash */
		|| entry->name[0] == '\0' || strchr(entry->name, '/') != NULL;
	return status;
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
	status_t status = iso_read_name(mount, record, size, entry);
	if (status != B_OK)
		return status;
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
