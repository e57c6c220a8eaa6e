/* SPDX-License-Identifier: MIT */
/*
 * The hosted port's firmware memory map: a PC-like default around the
 * simulated RAM, or one read from a text file (--memory-map) to simulate
 * the maps of real machines, hostile ones included.
 */
#include "host_platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOW_MEMORY_END		0x9f000ULL		/* the PC's EBDA starts here */
#define HIGH_MEMORY_START	0x100000ULL
/* The top megabyte holds the ACPI tables, then ACPI NVS. */
#define FIRMWARE_TOP		0x100000ULL
#define IO_APIC_BASE		0xfec00000ULL
#define LOCAL_APIC_BASE		0xfee00000ULL
#define FRAMEBUFFER_ALIGNMENT	(16ULL << 20)
#define LINE_LENGTH			256

static struct memory_map_range sRanges[HOST_MAX_FIRMWARE_RANGES];
static uint32_t sRangeCount;
static uint64_t sTables;

static const struct {
	const char	*name;
	uint32_t	type;
} kTypeNames[] = {
	{ "usable", KERNEL_MEMORY_USABLE },
	{ "reserved", KERNEL_MEMORY_RESERVED },
	{ "acpi-reclaimable", KERNEL_MEMORY_ACPI_RECLAIMABLE },
	{ "acpi-nvs", KERNEL_MEMORY_ACPI_NVS },
	{ "runtime-code", KERNEL_MEMORY_RUNTIME_CODE },
	{ "runtime-data", KERNEL_MEMORY_RUNTIME_DATA },
	{ "mmio", KERNEL_MEMORY_MMIO },
	{ "loader-reclaimable", KERNEL_MEMORY_LOADER_RECLAIMABLE },
	{ "kernel", KERNEL_MEMORY_KERNEL_AND_MODULES },
	{ "framebuffer", KERNEL_MEMORY_FRAMEBUFFER },
	{ "bad", KERNEL_MEMORY_BAD },
};


static void
host_firmware_add(uint64_t start, uint64_t size, uint32_t type)
{
	sRanges[sRangeCount++] = (struct memory_map_range){ start, size, type };
}


/* What a small PC's firmware reports, deliberately not in address order. */
static void
host_firmware_default(uint64_t memorySize)
{
	uint64_t top = memorySize - FIRMWARE_TOP;
	host_firmware_add(HIGH_MEMORY_START, top - HIGH_MEMORY_START, KERNEL_MEMORY_USABLE);
	host_firmware_add(KERNEL_PAGE_SIZE, LOW_MEMORY_END - KERNEL_PAGE_SIZE, KERNEL_MEMORY_USABLE);
	host_firmware_add(LOW_MEMORY_END, HIGH_MEMORY_START - LOW_MEMORY_END,
		KERNEL_MEMORY_RESERVED);
	host_firmware_add(top, FIRMWARE_TOP / 2, KERNEL_MEMORY_ACPI_RECLAIMABLE);
	host_firmware_add(top + FIRMWARE_TOP / 2, FIRMWARE_TOP / 2, KERNEL_MEMORY_ACPI_NVS);
	/* Inside RAM on machines above 4 GiB: precedence makes them holes. */
	host_firmware_add(IO_APIC_BASE, KERNEL_PAGE_SIZE, KERNEL_MEMORY_MMIO);
	host_firmware_add(LOCAL_APIC_BASE, KERNEL_PAGE_SIZE, KERNEL_MEMORY_MMIO);
}


static bool
host_parse_number(const char *text, uint64_t *_value)
{
	char *end;
	errno = 0;
	unsigned long long value = strtoull(text, &end, 0);
	if (*text == '\0' || *text == '-' || *end != '\0' || errno != 0)
		return false;
	*_value = value;
	return true;
}


static bool
host_parse_type(const char *text, uint32_t *_type)
{
	for (size_t i = 0; i < sizeof(kTypeNames) / sizeof(kTypeNames[0]); i++) {
		if (strcmp(text, kTypeNames[i].name) == 0) {
			*_type = kTypeNames[i].type;
			return true;
		}
	}
	uint64_t number;
	if (!host_parse_number(text, &number) || memory_map_precedence((uint32_t)number) == 0
		|| number > UINT32_MAX)
		return false;
	*_type = (uint32_t)number;
	return true;
}


/* "start size type" per line; '#' starts a comment. */
static status_t
host_firmware_read(const char *path)
{
	FILE *file = fopen(path, "r");
	if (file == NULL) {
		fprintf(stderr, "cannot open memory map %s: %s\n", path, strerror(errno));
		return B_ENTRY_NOT_FOUND;
	}

	char line[LINE_LENGTH];
	unsigned lineNumber = 0;
	status_t status = B_OK;
	while (status == B_OK && fgets(line, sizeof(line), file) != NULL) {
		lineNumber++;
		char *comment = strchr(line, '#');
		if (comment != NULL)
			*comment = '\0';
		char start[LINE_LENGTH], size[LINE_LENGTH], type[LINE_LENGTH], extra[2];
		int fields = sscanf(line, "%255s %255s %255s %1s", start, size, type, extra);
		if (fields <= 0)
			continue;

		struct memory_map_range range;
		if (fields != 3 || !host_parse_number(start, &range.start)
			|| !host_parse_number(size, &range.size)
			|| !host_parse_type(type, &range.type)) {
			fprintf(stderr, "%s:%u: expected \"start size type\"\n", path, lineNumber);
			status = B_BAD_DATA;
		} else if (sRangeCount == HOST_MAX_FIRMWARE_RANGES) {
			fprintf(stderr, "%s:%u: more than %u ranges\n", path, lineNumber,
				HOST_MAX_FIRMWARE_RANGES);
			status = B_BUFFER_OVERFLOW;
		} else
			host_firmware_add(range.start, range.size, range.type);
	}
	fclose(file);
	return status;
}


const char *
host_memory_type_name(uint32_t type)
{
	for (size_t i = 0; i < sizeof(kTypeNames) / sizeof(kTypeNames[0]); i++) {
		if (kTypeNames[i].type == type)
			return kTypeNames[i].name;
	}
	return "unknown";
}


/*
 * The simulated framebuffer, as a graphics card's memory would be: past RAM
 * and everything else the map names, at a 16 MiB boundary.
 */
static status_t
host_firmware_add_framebuffer(uint64_t memorySize)
{
	uint64_t size = host_video_memory_size();
	if (size == 0)
		return B_OK;
	uint64_t end = memorySize;
	for (uint32_t i = 0; i < sRangeCount; i++) {
		if (sRanges[i].start < MEMORY_MAP_ADDRESS_LIMIT
			&& sRanges[i].size <= MEMORY_MAP_ADDRESS_LIMIT - sRanges[i].start
			&& sRanges[i].start + sRanges[i].size > end)
			end = sRanges[i].start + sRanges[i].size;
	}
	uint64_t start = (end + FRAMEBUFFER_ALIGNMENT - 1) & ~(FRAMEBUFFER_ALIGNMENT - 1);
	if (sRangeCount == HOST_MAX_FIRMWARE_RANGES || start > MEMORY_MAP_ADDRESS_LIMIT - size) {
		fprintf(stderr, "no room for a framebuffer of %llu bytes in the memory map\n",
			(unsigned long long)size);
		return B_BUFFER_OVERFLOW;
	}
	host_firmware_add(start, size, KERNEL_MEMORY_FRAMEBUFFER);
	/* Said here: main() would take B_NO_MEMORY for the simulated RAM's. */
	if (host_video_init(start) != B_OK) {
		fprintf(stderr, "cannot allocate a framebuffer of %llu bytes\n",
			(unsigned long long)size);
		return B_ERROR;
	}
	return B_OK;
}


status_t
host_firmware_map_init(uint64_t memorySize, const char *path)
{
	sRangeCount = 0;
	sTables = memorySize - FIRMWARE_TOP;
	status_t status = B_OK;
	if (path == NULL)
		host_firmware_default(memorySize);
	else
		status = host_firmware_read(path);
	if (status == B_OK)
		status = host_firmware_add_framebuffer(memorySize);
	return status;
}


const struct memory_map_range *
host_firmware_map(uint32_t *_count)
{
	*_count = sRangeCount;
	return sRanges;
}


uint64_t
host_firmware_tables(size_t *_size)
{
	*_size = FIRMWARE_TOP / 2;
	return sTables;
}
