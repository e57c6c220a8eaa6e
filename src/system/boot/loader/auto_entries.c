/* SPDX-License-Identifier: MIT */
/*
 * Entries the loader finds by itself. Installing this loader as the
 * firmware's default must not hide the systems that were there before it:
 * Windows' boot manager on its ESP, wherever that is, an EFI shell put
 * next to the loader, and the default loader of every other disk (an
 * installer's stick, a second system's ESP), which the firmware would have
 * started had the disk come first. The ids are systemd-boot's, so that
 * `bootctl set-oneshot auto-windows` means the same here.
 */
#include <boot/auto_entries.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <boot/arch_cpu.h>
#include <boot/stdio.h>
#include <boot/vfs.h>

enum auto_volumes {
	AUTO_EVERY_VOLUME,
	AUTO_BOOT_VOLUME,
	/* the boot volume's default loader is most often this one */
	AUTO_OTHER_VOLUMES,
};

struct auto_target {
	const char			*id;
	const char			*title;
	/* on the volume; "%s" is the architecture as EFI file names spell it */
	const char			*path;
	enum auto_volumes	volumes;
};

static const struct auto_target kTargets[] = {
	{ "auto-windows", "Windows Boot Manager", "/EFI/Microsoft/Boot/bootmgfw.efi",
		AUTO_EVERY_VOLUME },
	{ "auto-efi-shell", "EFI Shell", "/shell%s.efi", AUTO_BOOT_VOLUME },
	{ "auto-efi-default", "EFI Default Loader", "/efi/boot/boot%s.efi", AUTO_OTHER_VOLUMES },
};


/*
 * Whether an efi entry starts path on some volume: "(<volume>)" does not
 * count, nor case, which FAT does not keep apart.
 */
static bool
auto_already_configured(const struct boot_config *config, const char *path)
{
	for (uint32_t i = 0; i < config->entry_count; i++) {
		const struct config_entry *entry = &config->entries[i];
		const char *entryPath = entry->kernel_path;
		if (entry->kind != CONFIG_ENTRY_EFI)
			continue;
		if (entryPath[0] == '(' && strchr(entryPath, ')') != NULL)
			entryPath = strchr(entryPath, ')') + 1;
		if (strcasecmp(entryPath, path) == 0)
			return true;
	}
	return false;
}


static bool
auto_looks_on(const struct auto_target *target, const struct vfs_volume_info *volume)
{
	/* a file server lists nothing, and asking it for a file costs a request */
	if (strcmp(volume->fs_name, "fat") != 0)
		return false;
	if (target->volumes == AUTO_EVERY_VOLUME)
		return true;
	return volume->boot == (target->volumes == AUTO_BOOT_VOLUME);
}


static bool
auto_file_exists(const char *path)
{
	struct vfs_stat stat;
	char error[VFS_ERROR_SIZE];
	return vfs_stat(path, &stat, error, sizeof(error)) == B_OK && stat.type == VFS_FILE;
}


/*
 * The first one found is named as systemd-boot names it; one more on
 * another volume says which in its id and title.
 */
static status_t
auto_add_target(struct boot_config *config, const struct auto_target *target,
	const char *path, const struct vfs_volume_info *volume, uint32_t found)
{
	char file[VFS_PATH_LENGTH];
	char id[64];
	char title[CONFIG_MAX_TITLE_LENGTH + 1];
	snprintf(file, sizeof(file), "(%s)%s", volume->device_name, path);
	if (!auto_file_exists(file))
		return B_ENTRY_NOT_FOUND;
	snprintf(id, sizeof(id), found == 0 ? "%s" : "%s-%s", target->id, volume->device_name);
	snprintf(title, sizeof(title), found == 0 ? "%s" : "%s (%s)", target->title,
		volume->device_name);
	const struct config_bls_source source = {
		.file_name = file,
		.volume = volume->device_name,
		.id = id,
		.architecture = arch_cpu_bls_name(),
	};
	boot_dprintf("auto: %s is \"%s\"\n", file, title);
	return config_add_found_entry(config, &source, title);
}


static status_t
auto_find_target(struct boot_config *config, const struct auto_target *target)
{
	char path[64];
	snprintf(path, sizeof(path), target->path, arch_cpu_bls_name());
	if (auto_already_configured(config, path))
		return B_OK;
	uint32_t found = 0;
	for (uint32_t i = 0; i < vfs_volume_count(); i++) {
		struct vfs_volume_info volume;
		vfs_volume_get_info(vfs_volume_at(i), &volume);
		if (!auto_looks_on(target, &volume))
			continue;
		status_t status = auto_add_target(config, target, path, &volume, found);
		if (status == B_NO_MEMORY)
			return status;
		if (status == B_OK)
			found++;
	}
	return B_OK;
}


status_t
auto_entries_add(struct boot_config *config)
{
	for (size_t i = 0; i < sizeof(kTargets) / sizeof(kTargets[0]); i++) {
		status_t status = auto_find_target(config, &kTargets[i]);
		if (status != B_OK)
			return status;
	}
	return B_OK;
}
