/* SPDX-License-Identifier: MIT */
/*
 * Partition tables (GPT, MBR with extended partitions) on the loader's disks.
 */
#ifndef BOOT_PARTITIONS_H
#define BOOT_PARTITIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/block_device.h>

enum partition_scheme {
	PARTITION_SCHEME_NONE,
	PARTITION_SCHEME_MBR,
	PARTITION_SCHEME_GPT,
};

/* A GPT name is 36 UTF-16 units; in UTF-8 at most 3 bytes each, plus NUL. */
#define PARTITION_NAME_SIZE		112
/* "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX" and its NUL */
#define GUID_STRING_SIZE		37

struct partition_info {
	enum partition_scheme	scheme;
	uint32_t		index;				/* GPT entry number, or MBR 1-4, logical 5.. */
	uint64_t		offset;				/* bytes from the start of the disk */
	uint64_t		size;				/* bytes */
	uint8_t			type_guid[16];		/* GPT only; in on-disk (mixed endian) order */
	uint8_t			unique_guid[16];	/* GPT only */
	uint64_t		attributes;			/* GPT only */
	uint8_t			mbr_type;			/* MBR only */
	bool			active;				/* MBR only: the boot flag */
	char			name[PARTITION_NAME_SIZE];	/* GPT only: UTF-8, may be empty */
};

/*
 * A partition in the device list. The device comes first so that the list
 * can free a partition through its block_device pointer.
 */
struct partition {
	struct block_device		device;
	struct partition_info	info;
};

/* Called for each usable partition; a failure stops the scan and is returned. */
typedef status_t (*partition_hook)(void *cookie, struct block_device *disk,
	const struct partition_info *info);

/*
 * Parse one kind of table on disk and report its partitions in table order.
 * B_OK: a table was found (maybe with no partitions). B_ENTRY_NOT_FOUND: no
 * such table. B_BAD_DATA: the table exists but is (partly) unusable; the
 * reason has been printed, naming the disk, and partitions reported before
 * the damage stay valid. mbr_scan returns B_NOT_SUPPORTED for a protective
 * MBR (the disk is GPT's). Also B_IO_ERROR, B_NO_MEMORY.
 *
 * GPT: the primary header and its entry array must pass their CRC32 and
 * sanity checks, else the backup header at the last LBA is used, with a
 * warning. The sector size is the disk's block_size.
 */
status_t gpt_scan(struct block_device *disk, partition_hook hook, void *cookie);
status_t mbr_scan(struct block_device *disk, partition_hook hook, void *cookie);

/*
 * Find the table on disk (GPT first, then MBR) and add a struct partition
 * named "<disk>p<index>" to the device list for each partition. *_scheme is
 * the table found (PARTITION_SCHEME_NONE when there is none). Errors as for
 * the scanners, B_ENTRY_NOT_FOUND when the disk has no partition table.
 */
status_t partitions_scan(struct block_device *disk, enum partition_scheme *_scheme);

/* The partition a device is, or NULL for whole disks and other devices. */
struct partition *partition_of(struct block_device *device);

const char *partition_scheme_name(enum partition_scheme scheme);
/* A short description of the partition type ("EFI system", "FAT32 LBA", ...). */
const char *partition_type_name(const struct partition_info *info);

/* GUIDs in the usual text form; the first three groups are little endian on disk. */
void guid_to_string(const uint8_t guid[16], char buffer[GUID_STRING_SIZE]);
/* Parse the text form (either case); false when text is not exactly a GUID. */
bool guid_parse(const char *text, size_t length, uint8_t guid[16]);
bool guid_is_null(const uint8_t guid[16]);

#endif
