/* SPDX-License-Identifier: MIT */
/*
 * FAT directories: walking 32-byte entries, assembling long file names and
 * checking them against their short entry.
 */
#include "fat.h"

#include <string.h>

#include <boot/byte_order.h>
#include <boot/heap.h>
#include <boot/unicode.h>


/* 20 entries of 13 UTF-16 units make the 255-character limit (and a bit). */
#define FAT_LFN_MAX_ENTRIES		20
#define FAT_LFN_UNITS			13

#define FAT_ENTRY_DELETED		0xe5
#define FAT_ENTRY_KANJI_E5		0x05
#define FAT_LFN_LAST			0x40
#define FAT_CASE_LOWER_BASE		0x08
#define FAT_CASE_LOWER_EXT		0x10

/* Where the 13 UTF-16 units of a long name entry are. */
static const uint8_t kLfnOffsets[FAT_LFN_UNITS] = {
	1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30
};

/* A long name being assembled from its entries, last piece first. */
struct fat_lfn {
	bool		active;
	uint8_t		next;			/* the sequence number the next piece must have */
	uint8_t		count;
	uint8_t		checksum;
	uint8_t		units[FAT_LFN_MAX_ENTRIES * FAT_LFN_UNITS * 2];
};


static uint8_t
fat_short_checksum(const uint8_t *raw)
{
	uint8_t sum = 0;
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + raw[i]);
	return sum;
}


static char
fat_short_char(uint8_t value, bool lower)
{
	/* OEM code page characters are not worth a table here. */
	if (value < 0x20 || value >= 0x7f || value == '/')
		return '_';
	if (lower && value >= 'A' && value <= 'Z')
		return (char)(value - 'A' + 'a');
	return (char)value;
}


static void
fat_short_name(const uint8_t *raw, char *name)
{
	int baseLength = 8;
	while (baseLength > 0 && raw[baseLength - 1] == ' ')
		baseLength--;
	int extLength = 3;
	while (extLength > 0 && raw[8 + extLength - 1] == ' ')
		extLength--;

	int length = 0;
	for (int i = 0; i < baseLength; i++) {
		uint8_t value = i == 0 && raw[0] == FAT_ENTRY_KANJI_E5 ? FAT_ENTRY_DELETED : raw[i];
		name[length++] = fat_short_char(value, (raw[12] & FAT_CASE_LOWER_BASE) != 0);
	}
	if (extLength > 0) {
		name[length++] = '.';
		for (int i = 0; i < extLength; i++)
			name[length++] = fat_short_char(raw[8 + i], (raw[12] & FAT_CASE_LOWER_EXT) != 0);
	}
	name[length] = '\0';
}


static void
fat_lfn_add(struct fat_lfn *lfn, const uint8_t *raw)
{
	uint8_t sequence = raw[0] & 0x1f;
	if ((raw[0] & FAT_LFN_LAST) != 0) {
		if (sequence == 0 || sequence > FAT_LFN_MAX_ENTRIES) {
			lfn->active = false;
			return;
		}
		lfn->active = true;
		lfn->count = sequence;
		lfn->next = sequence;
		lfn->checksum = raw[13];
	} else if (!lfn->active || sequence != lfn->next || sequence == 0
		|| raw[13] != lfn->checksum) {
		/* an orphan or out-of-order piece: forget the whole name */
		lfn->active = false;
		return;
	}

	uint8_t *units = lfn->units + (size_t)(sequence - 1) * FAT_LFN_UNITS * 2;
	for (int i = 0; i < FAT_LFN_UNITS; i++) {
		units[2 * i] = raw[kLfnOffsets[i]];
		units[2 * i + 1] = raw[kLfnOffsets[i] + 1];
	}
	lfn->next = sequence - 1;
}


/* Fill entry from a short entry and the long name pieces before it. */
static void
fat_make_entry(struct fat_volume *volume, struct fat_lfn *lfn, const uint8_t *raw,
	struct fat_entry *entry)
{
	fat_short_name(raw, entry->short_name);
	memcpy(entry->raw_name, raw, sizeof(entry->raw_name));
	entry->attributes = raw[11];
	entry->first_cluster = read_le16(raw + 26);
	if (volume->fat_bits == 32)
		entry->first_cluster |= (uint32_t)read_le16(raw + 20) << 16;
	entry->size = read_le32(raw + 28);

	entry->name[0] = '\0';
	if (lfn->active && lfn->next == 0 && lfn->checksum == fat_short_checksum(raw)) {
		unicode_utf16le_to_utf8(lfn->units, (size_t)lfn->count * FAT_LFN_UNITS,
			entry->name, sizeof(entry->name));
		/* names that could never be looked up */
		if (strchr(entry->name, '/') != NULL || strcmp(entry->name, ".") == 0
			|| strcmp(entry->name, "..") == 0) {
			entry->name[0] = '\0';
		}
	}
	if (entry->name[0] == '\0')
		memcpy(entry->name, entry->short_name, sizeof(entry->short_name));
	lfn->active = false;
}


/*
 * Every path is looked up from the root, and the loader looks up a dozen
 * before the menu (its configuration, the specification's directories, the
 * kernel, other systems' boot managers): the first piece of each directory
 * walked lately is kept, so that most lookups read it from the disk once.
 * What the port renames (boot counting) counts in vfs_writes() and makes
 * every copy stale.
 */
static status_t
fat_dir_read(struct fat_volume *volume, struct fat_node *directory, uint64_t offset,
	uint8_t *chunk, size_t length)
{
	bool first = offset == 0;
	for (uint32_t i = 0; first && i < FAT_DIR_COPIES; i++) {
		const struct fat_dir_copy *copy = &volume->dir_copies[i];
		if (copy->length == length && copy->first_cluster == directory->first_cluster
			&& copy->writes == vfs_writes()) {
			memcpy(chunk, copy->data, length);
			return B_OK;
		}
	}
	status_t status = fat_node_read(volume, directory, offset, chunk, length);
	if (status != B_OK || !first)
		return status;
	struct fat_dir_copy *copy = &volume->dir_copies[volume->next_dir_copy];
	if (copy->data == NULL)
		copy->data = heap_alloc(FAT_DIR_CHUNK);
	if (copy->data != NULL) {
		memcpy(copy->data, chunk, length);
		copy->first_cluster = directory->first_cluster;
		copy->length = (uint32_t)length;
		copy->writes = vfs_writes();
		volume->next_dir_copy = (volume->next_dir_copy + 1) % FAT_DIR_COPIES;
	}
	return B_OK;
}


void
fat_dir_forget(struct fat_volume *volume)
{
	for (uint32_t i = 0; i < FAT_DIR_COPIES; i++) {
		heap_free(volume->dir_copies[i].data);
		volume->dir_copies[i].data = NULL;
		volume->dir_copies[i].length = 0;
	}
}


status_t
fat_dir_iterate(struct fat_volume *volume, struct fat_node *directory,
	fat_entry_hook hook, void *cookie)
{
	status_t status = fat_map_node(volume, directory);
	if (status != B_OK)
		return status;

	uint8_t *chunk = heap_alloc(FAT_DIR_CHUNK);
	struct fat_lfn *lfn = heap_alloc(sizeof(*lfn));
	struct fat_entry *entry = heap_alloc(sizeof(*entry));
	if (chunk == NULL || lfn == NULL || entry == NULL) {
		status = B_NO_MEMORY;
		fs_set_reason(volume->fs, "out of memory");
		goto out;
	}
	lfn->active = false;

	for (uint64_t offset = 0; offset < directory->mapped_size; offset += FAT_DIR_CHUNK) {
		uint64_t left = directory->mapped_size - offset;
		size_t length = left < FAT_DIR_CHUNK ? (size_t)left : FAT_DIR_CHUNK;
		status = fat_dir_read(volume, directory, offset, chunk, length);
		if (status != B_OK)
			goto out;

		for (size_t i = 0; i + FAT_DIR_ENTRY_SIZE <= length; i += FAT_DIR_ENTRY_SIZE) {
			const uint8_t *raw = chunk + i;
			if (raw[0] == 0)
				goto out;
			if (raw[0] == FAT_ENTRY_DELETED) {
				lfn->active = false;
				continue;
			}
			if ((raw[11] & 0x3f) == FAT_ATTR_LONG_NAME) {
				fat_lfn_add(lfn, raw);
				continue;
			}
			fat_make_entry(volume, lfn, raw, entry);
			/* blank short names are invalid, and "." and ".." the VFS's business */
			if (entry->name[0] == '\0' || strcmp(entry->short_name, ".") == 0
				|| strcmp(entry->short_name, "..") == 0) {
				continue;
			}

			status = hook(cookie, entry);
			if (status == FAT_STOP) {
				status = B_OK;
				goto out;
			}
			if (status != B_OK)
				goto out;
		}
	}

out:
	heap_free(chunk);
	heap_free(lfn);
	heap_free(entry);
	return status;
}


void
fat_copy_label(char *label, size_t size, const uint8_t raw[11])
{
	size_t length = 11;
	while (length > 0 && (raw[length - 1] == ' ' || raw[length - 1] == '\0'))
		length--;
	if (length >= size)
		length = size - 1;
	for (size_t i = 0; i < length; i++)
		label[i] = fat_short_char(raw[i], false);
	label[length] = '\0';
	if (strcmp(label, "NO NAME") == 0)
		label[0] = '\0';
}


struct fat_label_search {
	char	*label;
	size_t	size;
};


static status_t
fat_label_hook(void *cookie, const struct fat_entry *entry)
{
	if ((entry->attributes & (FAT_ATTR_VOLUME_ID | FAT_ATTR_DIRECTORY))
			!= FAT_ATTR_VOLUME_ID) {
		return B_OK;
	}
	struct fat_label_search *search = cookie;
	fat_copy_label(search->label, search->size, entry->raw_name);
	return FAT_STOP;
}


void
fat_dir_read_label(struct fat_volume *volume, struct fat_node *root, char *label,
	size_t size)
{
	struct fat_label_search search = { label, size };
	label[0] = '\0';
	/* A damaged root directory shows up on the first lookup; here it just has no label. */
	if (fat_dir_iterate(volume, root, fat_label_hook, &search) != B_OK)
		label[0] = '\0';
	if (label[0] == '\0')
		fat_copy_label(label, size, volume->boot_label);
	volume->fs->reason[0] = '\0';
}
