/* SPDX-License-Identifier: MIT */
/*
 * Finding Boot Loader Specification entries: the partitions the
 * specification names, their Type #1 entry files and Type #2 unified kernel
 * images, each handed to the configuration.
 */
#include <boot/bls.h>

#include <stdio.h>
#include <string.h>

#include <boot/arch_cpu.h>
#include <boot/heap.h>
#include <boot/partitions.h>
#include <boot/stdio.h>
#include <boot/trust.h>
#include <boot/uki.h>
#include <boot/vfs.h>

/* The Extended Boot Loader partition's GPT type, and its MBR type. */
static const char kXbootldrType[] = "BC13C2FF-59E6-4262-A352-B275FD6F7172";
static const uint8_t kXbootldrMbrType = 0xea;
/* Files looked at per directory: room for every entry, and for some that fail. */
#define BLS_MAX_FILES		(2 * CONFIG_MAX_ENTRIES)

/* Reads one file of a directory into config; only B_NO_MEMORY stops the scan. */
typedef status_t (*bls_read_hook)(struct boot_config *config, const char *volume,
	const char *name);

struct bls_listing {
	const char	*suffix;
	char		*names[BLS_MAX_FILES];
	uint32_t	count;
	uint32_t	skipped;			/* beyond BLS_MAX_FILES */
	bool		out_of_memory;
};


static const struct block_device *
bls_disk_of(const struct block_device *device)
{
	return device->parent != NULL ? device->parent : device;
}


static bool
bls_is_xbootldr(const struct block_device *device)
{
	struct partition *partition = partition_of((struct block_device *)device);
	if (partition == NULL)
		return false;
	if (partition->info.scheme == PARTITION_SCHEME_MBR)
		return partition->info.mbr_type == kXbootldrMbrType;
	char type[GUID_STRING_SIZE];
	guid_to_string(partition->info.type_guid, type);
	return strcmp(type, kXbootldrType) == 0;
}


static bool
bls_has_suffix(const char *name, const char *suffix)
{
	size_t length = strlen(name);
	size_t suffixLength = strlen(suffix);
	if (length <= suffixLength || name[0] == '.')
		return false;
	/* FAT keeps the case it was given, and compares without it */
	for (size_t i = 0; i < suffixLength; i++) {
		char c = name[length - suffixLength + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != suffix[i])
			return false;
	}
	return true;
}


/* Where the file at path is; its name without the suffix, the entry's id, goes to id. */
static struct config_bls_source
bls_source(const char *path, const char *volume, const char *name, const char *suffix,
	char id[VFS_NAME_SIZE])
{
	size_t length = strlen(name) - strlen(suffix);
	memcpy(id, name, length);
	id[length] = '\0';
	return (struct config_bls_source){
		.file_name = path,
		.volume = volume,
		.id = id,
		.architecture = arch_cpu_bls_name(),
	};
}


static bool
bls_collect(void *cookie, const char *name, const struct vfs_stat *stat)
{
	struct bls_listing *listing = cookie;
	if (stat->type != VFS_FILE || !bls_has_suffix(name, listing->suffix))
		return true;
	if (listing->count == BLS_MAX_FILES) {
		listing->skipped++;
		return true;
	}
	char *copy = heap_strdup(name);
	if (copy == NULL) {
		listing->out_of_memory = true;
		return false;
	}
	listing->names[listing->count++] = copy;
	return true;
}


/* By name, so that the menu does not depend on the order the directory has. */
static void
bls_sort_names(struct bls_listing *listing)
{
	for (uint32_t i = 1; i < listing->count; i++) {
		char *moving = listing->names[i];
		uint32_t j = i;
		while (j > 0 && strcmp(listing->names[j - 1], moving) > 0) {
			listing->names[j] = listing->names[j - 1];
			j--;
		}
		listing->names[j] = moving;
	}
}


/* The whole file into *_data (heap_free it), unless it is too large to be an entry. */
static status_t
bls_load(struct boot_config *config, const char *path, char **_data, size_t *_length)
{
	char error[VFS_ERROR_SIZE];
	struct vfs_file *file;
	uint64_t size;
	status_t status = vfs_open_regular(path, &file, &size, error, sizeof(error));
	if (status == B_OK && size > CONFIG_MAX_FILE_SIZE) {
		vfs_close(file);
		config_report_file(config, path, "file is larger than %d bytes; it is ignored",
			CONFIG_MAX_FILE_SIZE);
		return B_BAD_DATA;
	}
	bool refused = false;
	if (status == B_OK) {
		/* one byte more, so that an empty file has a buffer too */
		*_data = heap_alloc((size_t)size + 1);
		status = *_data == NULL ? B_NO_MEMORY
			: vfs_read_exact(file, 0, *_data, (size_t)size, error, sizeof(error));
		if (status == B_OK) {
			status = trust_check_data(TRUST_CONFIGURATION, vfs_file_volume(file), path,
				*_data, (size_t)size, error, sizeof(error));
			refused = status == B_NOT_ALLOWED;
		}
		vfs_close(file);
		if (status != B_OK)
			heap_free(*_data);
	}
	if (refused)
		config_report_file(config, path, "%s", error);
	else if (status != B_OK && status != B_NO_MEMORY)
		config_report_file(config, path, "cannot read it: %s", error);
	*_length = (size_t)size;
	return status;
}


static status_t
bls_read_file(struct boot_config *config, const char *volume, const char *name)
{
	char path[VFS_PATH_LENGTH];
	snprintf(path, sizeof(path), "(%s)%s/%s", volume, BLS_ENTRIES_DIRECTORY, name);
	char *data;
	size_t length;
	status_t status = bls_load(config, path, &data, &length);
	if (status != B_OK)
		return status == B_NO_MEMORY ? status : B_OK;

	char id[VFS_NAME_SIZE];
	const struct config_bls_source source = bls_source(path, volume, name,
		CONFIG_BLS_ENTRY_SUFFIX, id);
	status = config_add_bls_entry(config, &source, data, length);
	heap_free(data);
	if (status == B_ENTRY_NOT_FOUND)
		boot_dprintf("bls: %s is for another architecture\n", path);
	return status == B_NO_MEMORY ? status : B_OK;
}


/*
 * A unified kernel image: only what it says of itself is read here. One
 * for another architecture is hidden, as a Type #1 entry for one is.
 */
static status_t
bls_read_image(struct boot_config *config, const char *volume, const char *name)
{
	char path[VFS_PATH_LENGTH];
	snprintf(path, sizeof(path), "(%s)%s/%s", volume, UKI_DIRECTORY, name);
	/* on the stack, not the loader's heap: the hosted port's sanitizers guard it */
	struct uki_info info;
	char error[VFS_ERROR_SIZE];
	status_t status = uki_read_info(path, &info, error, sizeof(error));
	if (status == B_OK) {
		char id[VFS_NAME_SIZE];
		const struct config_bls_source source = bls_source(path, volume, name,
			CONFIG_BLS_IMAGE_SUFFIX, id);
		status = config_add_uki_entry(config, &source, &info);
	} else if (status == B_ENTRY_NOT_FOUND)
		boot_dprintf("bls: %s is %s\n", path, error);
	else if (status != B_NO_MEMORY)
		config_report_file(config, path, "%s; it is ignored", error);
	return status == B_NO_MEMORY ? status : B_OK;
}


static status_t
bls_read_directory(struct boot_config *config, const char *volume, const char *path,
	const char *suffix, bls_read_hook readFile)
{
	char directory[VFS_PATH_LENGTH];
	snprintf(directory, sizeof(directory), "(%s)%s", volume, path);
	struct bls_listing listing;
	memset(&listing, 0, sizeof(listing));
	listing.suffix = suffix;
	char error[VFS_ERROR_SIZE];
	status_t status = vfs_list_directory(directory, bls_collect, &listing, error,
		sizeof(error));
	if (status != B_OK && status != B_ENTRY_NOT_FOUND)
		config_report_file(config, directory, "cannot list it: %s", error);
	if (listing.skipped > 0) {
		config_report_file(config, directory, "%u files after the first %d are ignored",
			listing.skipped, BLS_MAX_FILES);
	}
	if (listing.out_of_memory)
		status = B_NO_MEMORY;
	else {
		bls_sort_names(&listing);
		boot_dprintf("bls: %s: %u %s files\n", directory, listing.count, suffix);
		status = B_OK;
		for (uint32_t i = 0; i < listing.count && status == B_OK; i++)
			status = readFile(config, volume, listing.names[i]);
	}
	for (uint32_t i = 0; i < listing.count; i++)
		heap_free(listing.names[i]);
	return status;
}


/* Type #1 entries first, then Type #2 images, as the specification finds them. */
static status_t
bls_read_volume(struct boot_config *config, const char *volume)
{
	status_t status = bls_read_directory(config, volume, BLS_ENTRIES_DIRECTORY,
		CONFIG_BLS_ENTRY_SUFFIX, bls_read_file);
	if (status == B_OK) {
		status = bls_read_directory(config, volume, UKI_DIRECTORY, CONFIG_BLS_IMAGE_SUFFIX,
			bls_read_image);
	}
	return status;
}


status_t
bls_read_entries(struct boot_config *config)
{
	struct vfs_volume *boot = vfs_boot_volume();
	const struct block_device *bootDisk = NULL;
	if (boot != NULL) {
		struct vfs_volume_info info;
		vfs_volume_get_info(boot, &info);
		bootDisk = bls_disk_of(info.device);
	}

	status_t status = B_OK;
	for (uint32_t i = 0; i < vfs_volume_count() && status == B_OK; i++) {
		struct vfs_volume_info info;
		vfs_volume_get_info(vfs_volume_at(i), &info);
		/* the specification looks for the XBOOTLDR next to the ESP only */
		bool xbootldr = bls_is_xbootldr(info.device)
			&& (bootDisk == NULL || bls_disk_of(info.device) == bootDisk);
		if (info.boot || xbootldr)
			status = bls_read_volume(config, info.device_name);
	}
	config_sort_bls_entries(config);
	return status;
}
