/* SPDX-License-Identifier: MIT */
/*
 * The Boot Loader Interface over the port's loader variables: requests read
 * once, the menu and the start published for the operating system.
 */
#include <boot/bli.h>

#include <stdio.h>
#include <string.h>

#include <boot/arch_cpu.h>
#include <boot/boot.h>
#include <boot/heap.h>
#include <boot/partitions.h>
#include <boot/platform.h>
#include <boot/stdio.h>
#include <boot/timeline.h>
#include <boot/vfs.h>

/* What the interface calls its features; only those this loader honours. */
enum {
	kFeatureConfigTimeout			= 1 << 0,
	kFeatureConfigTimeoutOneShot	= 1 << 1,
	kFeatureEntryDefault			= 1 << 2,
	kFeatureEntryOneShot			= 1 << 3,
	kFeatureBootCounting			= 1 << 4,
	kFeatureXbootldr				= 1 << 5,
	kFeatureSortKey					= 1 << 8,
	kFeatureSavedEntry				= 1 << 9,
	kFeatureDeviceTree				= 1 << 10,
};

/* Room for an entry id (a file name, or a title) and its NUL. */
#define BLI_VALUE_SIZE		(VFS_NAME_SIZE)

/* LoaderEntryDefault's entry, or -1: what the menu's "d" key toggles. */
static int32_t sDefaultEntry = -1;
/* "@saved" asked for: the entry that starts is remembered for the next boot. */
static bool sSaveEntry;
/* LoaderEntryLastBooted as read, and the one-shot entry's id; "" for none */
static char sLastBooted[BLI_VALUE_SIZE];
static char sOneShotId[BLI_VALUE_SIZE];


/* Microseconds since the cycle counter started: the firmware's reset, on PCs. */
static uint64_t
bli_microseconds(uint64_t cycles)
{
	uint64_t frequency = platform_cycle_counter_frequency();
	return frequency != 0 ? timeline_microseconds(cycles, frequency) : 0;
}


static void
bli_set_text(const char *name, const char *value)
{
	status_t status = platform_set_loader_variable(name, value, strlen(value) + 1,
		PLATFORM_VARIABLE_TEXT);
	if (status != B_OK && status != B_NOT_SUPPORTED)
		boot_dprintf("bli: cannot set %s: %s\n", name, status_string(status));
}


static void
bli_set_time(const char *name, uint64_t cycles)
{
	char text[24];
	snprintf(text, sizeof(text), "%llu", (unsigned long long)bli_microseconds(cycles));
	bli_set_text(name, text);
}


bool
bli_parse_timeout(const char *text, bool oneShot, int32_t *_timeout)
{
	if (strcmp(text, "menu-force") == 0) {
		*_timeout = CONFIG_TIMEOUT_FOREVER;
		return true;
	}
	if (strcmp(text, "menu-hidden") == 0 || strcmp(text, "menu-disabled") == 0) {
		*_timeout = 0;
		return true;
	}
	if (text[0] == '\0')
		return false;
	uint32_t seconds = 0;
	for (const char *c = text; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return false;
		seconds = seconds * 10 + (uint32_t)(*c - '0');
		if (seconds > CONFIG_MAX_TIMEOUT)
			seconds = CONFIG_MAX_TIMEOUT;
	}
	*_timeout = seconds == 0 && oneShot ? CONFIG_TIMEOUT_FOREVER : (int32_t)seconds;
	return true;
}


/* The variable's text; false when there is none (said, unless it is simply not set). */
static bool
bli_read_text(const char *name, char *value, size_t size, bool consume)
{
	status_t status = platform_get_loader_variable(name, value, size, consume);
	if (status != B_OK && status != B_ENTRY_NOT_FOUND && status != B_NOT_SUPPORTED)
		boot_printf("bli: %s ignored: %s\n", name, status_string(status));
	return status == B_OK;
}


/* The entry id names, or -1: said on the console, for the variable name. */
static int32_t
bli_find_entry(const struct boot_config *config, const char *name, const char *id)
{
	int32_t index = config_find_entry_id(config, id);
	if (index < 0)
		boot_printf("bli: %s names no entry: \"%s\"\n", name, id);
	else
		boot_dprintf("bli: %s is \"%s\"\n", name, id);
	return index;
}


static bool
bli_read_timeout(const char *name, bool oneShot, int32_t *_timeout)
{
	char text[32];
	if (!bli_read_text(name, text, sizeof(text), oneShot))
		return false;
	if (!bli_parse_timeout(text, oneShot, _timeout)) {
		boot_printf("bli: %s ignored: \"%s\" is no timeout\n", name, text);
		return false;
	}
	boot_dprintf("bli: %s is \"%s\"\n", name, text);
	return true;
}


/*
 * LoaderEntryDefault, an entry or "@saved"; without it loader.cfg may say
 * "@saved". Saved, the default is LoaderEntryLastBooted's entry when there
 * is one, as with systemd-boot.
 */
static int32_t
bli_read_default(const struct boot_config *config)
{
	char id[BLI_VALUE_SIZE];
	bool hasDefault = bli_read_text("LoaderEntryDefault", id, sizeof(id), false);
	sSaveEntry = hasDefault ? strcmp(id, CONFIG_SAVED_ENTRY) == 0 : config->default_saved;
	sDefaultEntry = hasDefault && !sSaveEntry ? bli_find_entry(config, "LoaderEntryDefault", id)
		: -1;
	if (!bli_read_text("LoaderEntryLastBooted", sLastBooted, sizeof(sLastBooted), false))
		sLastBooted[0] = '\0';
	if (sSaveEntry && sLastBooted[0] != '\0')
		return bli_find_entry(config, "LoaderEntryLastBooted", sLastBooted);
	return sDefaultEntry;
}


void
bli_read_requests(const struct boot_config *config, struct bli_requests *requests)
{
	char id[BLI_VALUE_SIZE];
	requests->one_shot_entry = bli_read_text("LoaderEntryOneShot", id, sizeof(id), true)
		? bli_find_entry(config, "LoaderEntryOneShot", id) : -1;
	snprintf(sOneShotId, sizeof(sOneShotId), "%s", requests->one_shot_entry < 0 ? ""
		: config_entry_id(&config->entries[requests->one_shot_entry]));
	requests->default_entry = bli_read_default(config);
	/* both are read, so that the one-shot one is gone whichever applies */
	int32_t timeout;
	requests->has_timeout = false;
	if (bli_read_timeout("LoaderConfigTimeoutOneShot", true, &timeout)) {
		requests->has_timeout = true;
		requests->timeout = timeout;
	}
	if (bli_read_timeout("LoaderConfigTimeout", false, &timeout) && !requests->has_timeout) {
		requests->has_timeout = true;
		requests->timeout = timeout;
	}
}


/* Every entry's id, each ending in a NUL; NULL when out of memory. */
static char *
bli_entry_list(const struct boot_config *config, size_t *_size)
{
	size_t size = 0;
	for (uint32_t i = 0; i < config->entry_count; i++)
		size += strlen(config_entry_id(&config->entries[i])) + 1;
	char *list = heap_alloc(size);
	if (list == NULL)
		return NULL;
	size_t offset = 0;
	for (uint32_t i = 0; i < config->entry_count; i++) {
		const char *id = config_entry_id(&config->entries[i]);
		size_t length = strlen(id) + 1;
		memcpy(list + offset, id, length);
		offset += length;
	}
	*_size = size;
	return list;
}


static void
bli_publish_boot_partition(void)
{
	struct vfs_volume *volume = vfs_boot_volume();
	if (volume == NULL)
		return;
	struct vfs_volume_info info;
	vfs_volume_get_info(volume, &info);
	if (!info.has_guid)
		return;
	char guid[GUID_STRING_SIZE];
	guid_to_string(info.guid, guid);
	bli_set_text("LoaderDevicePartUUID", guid);
}


void
bli_publish_menu(const struct boot_config *config)
{
	bli_set_text("LoaderInfo", BOOT_LOADER_NAME);
	bli_set_time("LoaderTimeInitUSec", timeline_first_cycles());
	uint64_t features = kFeatureConfigTimeout | kFeatureConfigTimeoutOneShot
		| kFeatureEntryDefault | kFeatureEntryOneShot | kFeatureBootCounting | kFeatureXbootldr
		| kFeatureSortKey | kFeatureSavedEntry | kFeatureDeviceTree;
	uint8_t bytes[8];
	for (int i = 0; i < 8; i++)
		bytes[i] = (uint8_t)(features >> (8 * i));
	status_t status = platform_set_loader_variable("LoaderFeatures", bytes, sizeof(bytes), 0);
	if (status == B_NOT_SUPPORTED)
		return;
	bli_publish_boot_partition();

	size_t size;
	char *list = bli_entry_list(config, &size);
	if (list == NULL) {
		boot_printf("bli: no memory for LoaderEntries\n");
		return;
	}
	status = platform_set_loader_variable("LoaderEntries", list, size,
		PLATFORM_VARIABLE_TEXT);
	if (status != B_OK)
		boot_dprintf("bli: cannot set LoaderEntries: %s\n", status_string(status));
	heap_free(list);
}


/*
 * LoaderEntryLastBooted, as systemd-boot keeps it: only where "@saved" asks
 * for it, deleted where nothing does, written only when it changes (the
 * firmware's flash wears), and a one-shot boot changes nothing.
 */
static void
bli_save_entry(const char *id)
{
	if (strcmp(id, sOneShotId) == 0)
		return;
	if (sSaveEntry ? strcmp(id, sLastBooted) == 0 : sLastBooted[0] == '\0')
		return;
	const char *saved = sSaveEntry ? id : "";
	status_t status = platform_set_loader_variable("LoaderEntryLastBooted", saved,
		sSaveEntry ? strlen(id) + 1 : 0, PLATFORM_VARIABLE_TEXT | PLATFORM_VARIABLE_PERSISTENT);
	if (status == B_OK)
		snprintf(sLastBooted, sizeof(sLastBooted), "%s", saved);
	else if (status != B_NOT_SUPPORTED)
		boot_printf("bli: cannot keep LoaderEntryLastBooted: %s\n", status_string(status));
}


void
bli_publish_start(const struct config_entry *entry)
{
	bli_set_text("LoaderEntrySelected", config_entry_id(entry));
	bli_set_time("LoaderTimeExecUSec", arch_cpu_cycle_counter());
	bli_save_entry(config_entry_id(entry));
}


status_t
bli_toggle_default(const struct boot_config *config, uint32_t index, bool *_isDefault)
{
	bool isDefault = sDefaultEntry != (int32_t)index;
	const char *id = config_entry_id(&config->entries[index]);
	status_t status = platform_set_loader_variable("LoaderEntryDefault", id,
		isDefault ? strlen(id) + 1 : 0, PLATFORM_VARIABLE_TEXT | PLATFORM_VARIABLE_PERSISTENT);
	if (status != B_OK)
		return status;
	sDefaultEntry = isDefault ? (int32_t)index : -1;
	*_isDefault = isDefault;
	return B_OK;
}
