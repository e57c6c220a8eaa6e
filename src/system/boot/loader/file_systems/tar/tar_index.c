/* SPDX-License-Identifier: MIT */
/*
 * Reading a tar archive's headers (ustar, GNU and pax) into the tree,
 * checking each one.
 */
#include "tar.h"

#include <stdio.h>
#include <string.h>

#include <boot/block_device.h>
#include <boot/heap.h>
#include <boot/stdio.h>


//#define TRACE_TAR
#ifdef TRACE_TAR
#	define TRACE(x...) boot_dprintf("tar: " x)
#else
#	define TRACE(x...) do {} while (0)
#endif


#define TAR_BLOCK_SIZE			512
/* Longest name a GNU 'L' entry or pax path may give; longer ones are refused. */
#define TAR_MAX_NAME			4096
/* pax headers carry more than the path; beyond this they are not worth reading. */
#define TAR_MAX_PAX_SIZE		(64 * 1024)

/* header fields */
#define TAR_NAME				0
#define TAR_NAME_LENGTH			100
#define TAR_SIZE				124
#define TAR_SIZE_LENGTH			12
#define TAR_CHECKSUM			148
#define TAR_CHECKSUM_LENGTH		8
#define TAR_TYPE				156
#define TAR_LINK_NAME			157
#define TAR_MAGIC				257
#define TAR_PREFIX				345
#define TAR_PREFIX_LENGTH		155
/* GNU's old sparse entries ('S'): more sparse map blocks follow when set. */
#define TAR_GNU_IS_EXTENDED		482
#define TAR_SPARSE_IS_EXTENDED	504


static status_t
tar_fail(struct fs_volume *fs, status_t status, uint64_t offset, const char *what)
{
	fs_set_reason(fs, "tar header at byte %llu: %s", (unsigned long long)offset, what);
	return status;
}


/* Both sums GNU tar accepts: unsigned bytes, and signed ones as old tars made. */
static bool
tar_checksum_valid(const uint8_t *header)
{
	uint64_t stored = 0;
	int digits = 0;
	const uint8_t *field = header + TAR_CHECKSUM;
	int i = 0;
	while (i < TAR_CHECKSUM_LENGTH && field[i] == ' ')
		i++;
	for (; i < TAR_CHECKSUM_LENGTH && field[i] >= '0' && field[i] <= '7'; i++, digits++)
		stored = stored * 8 + (uint64_t)(field[i] - '0');
	if (digits == 0)
		return false;
	for (; i < TAR_CHECKSUM_LENGTH; i++) {
		if (field[i] != ' ' && field[i] != '\0')
			return false;
	}

	uint64_t unsignedSum = 0;
	int64_t signedSum = 0;
	for (int j = 0; j < TAR_BLOCK_SIZE; j++) {
		uint8_t value = j >= TAR_CHECKSUM && j < TAR_CHECKSUM + TAR_CHECKSUM_LENGTH
			? ' ' : header[j];
		unsignedSum += value;
		signedSum += (int8_t)value;
	}
	return stored == unsignedSum || (int64_t)stored == signedSum;
}


/* Octal, or GNU's base-256 for big values; false when the field is malformed. */
static bool
tar_parse_number(const uint8_t *field, int length, uint64_t *_value)
{
	uint64_t value = 0;
	if ((field[0] & 0x80) != 0) {
		/* 0xff starts a negative number: no size is negative */
		if (field[0] != 0x80)
			return false;
		for (int i = 1; i < length; i++) {
			if (value > (UINT64_MAX >> 8))
				return false;
			value = value << 8 | field[i];
		}
		*_value = value;
		return true;
	}

	int i = 0;
	while (i < length && field[i] == ' ')
		i++;
	int digits = 0;
	for (; i < length && field[i] >= '0' && field[i] <= '7'; i++, digits++) {
		if (value > (UINT64_MAX >> 3))
			return false;
		value = value * 8 + (uint64_t)(field[i] - '0');
	}
	for (; i < length; i++) {
		if (field[i] != ' ' && field[i] != '\0')
			return false;
	}
	if (digits == 0)
		return false;
	*_value = value;
	return true;
}


static bool
tar_block_is_zero(const uint8_t *block)
{
	for (int i = 0; i < TAR_BLOCK_SIZE; i++) {
		if (block[i] != 0)
			return false;
	}
	return true;
}


/* Read the data of a 'L', 'K' or 'x' entry as a string. */
static status_t
tar_read_text(struct fs_volume *fs, uint64_t offset, uint64_t size, char **_text)
{
	char *text = heap_alloc((size_t)size + 1);
	if (text == NULL)
		return B_NO_MEMORY;
	status_t status = block_device_read(fs->device, offset, text, (size_t)size);
	if (status != B_OK) {
		heap_free(text);
		return status;
	}
	text[size] = '\0';
	heap_free(*_text);
	*_text = text;
	return B_OK;
}


/* A pax number: decimal digits only, as POSIX writes them; false otherwise. */
static bool
tar_parse_pax_number(const char *text, size_t length, uint64_t *_value)
{
	uint64_t value = 0;
	if (length == 0)
		return false;
	for (size_t i = 0; i < length; i++) {
		if (text[i] < '0' || text[i] > '9' || value > (UINT64_MAX - 9) / 10)
			return false;
		value = value * 10 + (uint64_t)(text[i] - '0');
	}
	*_value = value;
	return true;
}


/* A pax string record that replaces a header field: "path" and "linkpath". */
static void
tar_take_pax_string(char **target, const char *value, size_t length)
{
	char *copy = heap_alloc(length + 1);
	if (copy == NULL)
		return;
	memcpy(copy, value, length);
	copy[length] = '\0';
	heap_free(*target);
	*target = copy;
}


/*
 * What the loader needs of one pax record: "path", "linkpath", "size" (the
 * only place GNU tar writes sizes of 8 GiB and more) and the "GNU.sparse."
 * records, which make the entry's data a sparse map and its pieces.
 */
static void
tar_apply_pax_record(struct tar_mount *mount, const char *key, size_t keyLength,
	const char *value, size_t valueLength)
{
	if (keyLength == 4 && memcmp(key, "path", 4) == 0)
		tar_take_pax_string(&mount->long_name, value, valueLength);
	else if (keyLength == 8 && memcmp(key, "linkpath", 8) == 0)
		tar_take_pax_string(&mount->long_link, value, valueLength);
	else if (keyLength == 4 && memcmp(key, "size", 4) == 0)
		mount->pax_has_size = tar_parse_pax_number(value, valueLength, &mount->pax_size);
	else if (keyLength > 11 && memcmp(key, "GNU.sparse.", 11) == 0)
		mount->pax_sparse = true;
}


/* Take what the loader uses out of pax records ("<length> <key>=<value>\n"). */
static void
tar_parse_pax(struct tar_mount *mount, char *records, size_t size)
{
	size_t offset = 0;
	while (offset < size) {
		size_t length = 0;
		size_t i = offset;
		while (i < size && records[i] >= '0' && records[i] <= '9' && length < size)
			length = length * 10 + (size_t)(records[i++] - '0');
		if (i >= size || records[i] != ' ' || length == 0 || length > size - offset
			|| records[offset + length - 1] != '\n') {
			return;
		}
		char *key = records + i + 1;
		char *end = records + offset + length - 1;
		char *equals = memchr(key, '=', (size_t)(end - key));
		if (equals != NULL) {
			tar_apply_pax_record(mount, key, (size_t)(equals - key), equals + 1,
				(size_t)(end - equals - 1));
		}
		offset += length;
	}
}


/* The entry's path: a pending long name, else prefix/name of the header. */
static char *
tar_entry_path(struct tar_mount *mount, const uint8_t *header, bool posix,
	char *buffer, size_t size)
{
	if (mount->long_name != NULL)
		return mount->long_name;

	size_t length = 0;
	if (posix && header[TAR_PREFIX] != '\0') {
		size_t prefixLength = strnlen((const char *)header + TAR_PREFIX, TAR_PREFIX_LENGTH);
		memcpy(buffer, header + TAR_PREFIX, prefixLength);
		buffer[prefixLength] = '/';
		length = prefixLength + 1;
	}
	size_t nameLength = strnlen((const char *)header + TAR_NAME, TAR_NAME_LENGTH);
	if (length + nameLength >= size)
		nameLength = size - 1 - length;
	memcpy(buffer + length, header + TAR_NAME, nameLength);
	buffer[length + nameLength] = '\0';
	return buffer;
}


static status_t
tar_add_entry(struct tar_mount *mount, const uint8_t *header, const char *path,
	uint64_t dataOffset, uint64_t size)
{
	char type = (char)header[TAR_TYPE];
	struct tar_node *node;
	status_t status;

	if (type == '1') {
		char linkName[TAR_NAME_LENGTH + 1];
		const char *target = mount->long_link;
		if (target == NULL) {
			size_t length = strnlen((const char *)header + TAR_LINK_NAME, TAR_NAME_LENGTH);
			memcpy(linkName, header + TAR_LINK_NAME, length);
			linkName[length] = '\0';
			target = linkName;
		}
		struct tar_node *targetNode;
		status = tar_walk(mount, target, false, false, &targetNode);
		if (status == B_NO_MEMORY)
			return status;
		if (status != B_OK || targetNode->directory) {
			TRACE("hard link %s to missing %s skipped\n", path, target);
			return B_OK;
		}
		dataOffset = targetNode->offset;
		size = targetNode->size;
	}

	bool isDirectory = type == '5';
	status = tar_walk(mount, path, true, isDirectory, &node);
	if (status == B_NO_MEMORY)
		return status;
	if (status != B_OK || node->directory != isDirectory) {
		/* "..", a path through a file, or a file where a directory is */
		boot_dprintf("tar: entry %s skipped\n", path);
		return B_OK;
	}
	if (!isDirectory) {
		/* as when extracting, a later entry of the same name wins */
		node->offset = dataOffset;
		node->size = size;
	}
	return B_OK;
}


/*
 * GNU's old sparse entries ('S') may carry more of their sparse map in
 * blocks between the header and the data: move dataOffset past them.
 */
static status_t
tar_skip_sparse_map(struct fs_volume *fs, const uint8_t *header, uint64_t *_dataOffset)
{
	struct block_device *device = fs->device;
	bool extended = header[TAR_GNU_IS_EXTENDED] != 0;
	uint8_t block[TAR_BLOCK_SIZE];
	while (extended) {
		if (device->size - *_dataOffset < TAR_BLOCK_SIZE)
			return B_BAD_DATA;
		status_t status = block_device_read(device, *_dataOffset, block, sizeof(block));
		if (status != B_OK)
			return status;
		*_dataOffset += TAR_BLOCK_SIZE;
		extended = block[TAR_SPARSE_IS_EXTENDED] != 0;
	}
	return B_OK;
}


/* What a pax header or GNU long name said applies to one entry only. */
static void
tar_forget_pending(struct tar_mount *mount)
{
	heap_free(mount->long_name);
	heap_free(mount->long_link);
	mount->long_name = NULL;
	mount->long_link = NULL;
	mount->pax_has_size = false;
	mount->pax_sparse = false;
}


/* Whether an entry of this type describes a file system object, not the next one. */
static bool
tar_type_is_member(char type)
{
	return type != 'x' && type != 'g' && type != 'L' && type != 'K' && type != 'V';
}


status_t
tar_index(struct tar_mount *mount)
{
	struct fs_volume *fs = mount->fs;
	struct block_device *device = fs->device;
	uint8_t header[TAR_BLOCK_SIZE];
	char path[TAR_PREFIX_LENGTH + 1 + TAR_NAME_LENGTH + 1];
	uint64_t offset = 0;
	bool first = true;

	while (device->size - offset >= TAR_BLOCK_SIZE) {
		status_t status = block_device_read(device, offset, header, sizeof(header));
		if (status != B_OK)
			return tar_fail(fs, status, offset, "cannot read");
		if (tar_block_is_zero(header))
			break;

		bool posix = memcmp(header + TAR_MAGIC, "ustar\0", 6) == 0;
		bool gnu = memcmp(header + TAR_MAGIC, "ustar  \0", 8) == 0;
		if (!tar_checksum_valid(header)) {
			if (first && !posix && !gnu)
				return B_NOT_SUPPORTED;
			return tar_fail(fs, B_BAD_DATA, offset, "bad checksum");
		}
		if (first) {
			/* Old V7 archives have no magic; too weak a signature to probe for. */
			if (!posix && !gnu)
				return B_NOT_SUPPORTED;
			snprintf(fs->detail, sizeof(fs->detail), "%s", gnu ? "GNU tar" : "ustar");
			first = false;
		}

		char type = (char)header[TAR_TYPE];
		uint64_t size;
		if (!tar_parse_number(header + TAR_SIZE, TAR_SIZE_LENGTH, &size))
			return tar_fail(fs, B_BAD_DATA, offset, "bad size field");
		/* Sizes of 8 GiB and more are only in the pax header; the field holds 0. */
		if (mount->pax_has_size && tar_type_is_member(type))
			size = mount->pax_size;
		uint64_t dataOffset = offset + TAR_BLOCK_SIZE;
		if (type == 'S') {
			status = tar_skip_sparse_map(fs, header, &dataOffset);
			if (status != B_OK)
				return tar_fail(fs, status, offset, "sparse map runs past the end");
		}
		if (size > device->size - dataOffset) {
			fs_set_reason(fs, "tar entry at byte %llu: %llu bytes of data run past the "
				"end of the archive", (unsigned long long)offset, (unsigned long long)size);
			return B_BAD_DATA;
		}

		switch (type) {
			case 'L':
			case 'K':
				if (size > TAR_MAX_NAME)
					return tar_fail(fs, B_BAD_DATA, offset, "GNU long name too long");
				status = tar_read_text(fs, dataOffset, size,
					type == 'L' ? &mount->long_name : &mount->long_link);
				if (status != B_OK)
					return tar_fail(fs, status, offset, "cannot read the long name");
				break;
			case 'x':
				if (size <= TAR_MAX_PAX_SIZE) {
					char *records = NULL;
					status = tar_read_text(fs, dataOffset, size, &records);
					if (status != B_OK)
						return tar_fail(fs, status, offset, "cannot read pax header");
					tar_parse_pax(mount, records, (size_t)size);
					heap_free(records);
				}
				break;
			case 'g':
				break;
			case 'V':
				snprintf(fs->label, sizeof(fs->label), "%.*s", TAR_NAME_LENGTH,
					(const char *)header + TAR_NAME);
				break;
			default:
			{
				/* A sparse entry's data is a map and pieces, not the file. */
				if (type == 'S' || mount->pax_sparse) {
					boot_dprintf("tar: sparse entry %s skipped\n",
						tar_entry_path(mount, header, posix, path, sizeof(path)));
				} else if (type == '0' || type == '\0' || type == '7' || type == '5'
					|| type == '1') {
					const char *entryPath = tar_entry_path(mount, header, posix, path,
						sizeof(path));
					status = tar_add_entry(mount, header, entryPath, dataOffset,
						type == '5' || type == '1' ? 0 : size);
					if (status != B_OK)
						return tar_fail(fs, status, offset, "out of memory");
				}
				/* what the long names were for has been consumed (or skipped) */
				tar_forget_pending(mount);
				break;
			}
		}

		/* size <= device size - dataOffset, so nothing here can wrap */
		uint64_t padded = (size + TAR_BLOCK_SIZE - 1) & ~(uint64_t)(TAR_BLOCK_SIZE - 1);
		if (padded > device->size - dataOffset)
			break;
		offset = dataOffset + padded;
	}

	if (first)
		return B_NOT_SUPPORTED;
	return B_OK;
}
