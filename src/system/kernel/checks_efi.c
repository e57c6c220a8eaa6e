/* SPDX-License-Identifier: MIT */
/*
 * The checks of what the kernel gets to call EFI runtime services: the
 * system table and runtime services after SetVirtualAddressMap, the memory
 * map the firmware was given, and a GetTime call through all of it.
 */
#include "checks.h"

#include <boot/platform/efi/efi_kernel_args.h>

#include <stdio.h>
#include <string.h>


#define EFI_SYSTEM_TABLE_SIGNATURE		0x5453595320494249ULL	/* "IBI SYST" */
#define EFI_RUNTIME_SERVICES_SIGNATURE	0x56524553544e5552ULL	/* "RUNTSERV" */
#define EFI_TABLE_HEADER_SIZE			24
#define EFI_TABLE_CRC_OFFSET			16
/* 64-bit layouts: the system table's RuntimeServices, the first runtime service. */
#define EFI_SYSTEM_TABLE_SIZE			120
#define EFI_SYSTEM_TABLE_RUNTIME_OFFSET	88
#define EFI_RUNTIME_SERVICES_SIZE		136
#define EFI_GET_TIME_OFFSET				24
#define EFI_UNSPECIFIED_TIMEZONE		0x7ff
#define EFI_UNSUPPORTED					0x8000000000000003ULL
/* The system table's configuration table: its entry count and address. */
#define EFI_SYSTEM_TABLE_TABLE_COUNT_OFFSET	104
#define EFI_SYSTEM_TABLE_TABLES_OFFSET		112
#define EFI_CONFIGURATION_ENTRY_SIZE		24
/* More configuration tables than any firmware installs: garbage then. */
#define EFI_MAX_CONFIGURATION_ENTRIES		256
/* EFI_RT_PROPERTIES_TABLE: which runtime services work after ExitBootServices. */
#define EFI_RT_SUPPORTED_GET_TIME			0x1
/* Header sizes beyond this are garbage (tables grow by a few pointers a revision). */
#define EFI_MAX_TABLE_SIZE				1024

#define EFI_MEMORY_RUNTIME				0x8000000000000000ULL
#define EFI_RUNTIME_SERVICES_CODE		5
#define EFI_ANY_RUNTIME_TYPE			UINT32_MAX
#define EFI_DESCRIPTOR_MIN_SIZE			40
/* More descriptors than any firmware has: the map is garbage then. */
#define EFI_MAX_DESCRIPTORS				4096


struct efi_table_header {
	uint64_t	signature;
	uint32_t	revision;
	uint32_t	header_size;
	uint32_t	crc32;
	uint32_t	reserved;
};

struct efi_descriptor {
	uint32_t	type;
	uint32_t	pad;
	uint64_t	physical_start;
	uint64_t	virtual_start;
	uint64_t	pages;
	uint64_t	attribute;
};

struct efi_time {
	uint16_t	year;
	uint8_t		month;
	uint8_t		day;
	uint8_t		hour;
	uint8_t		minute;
	uint8_t		second;
	uint8_t		pad1;
	uint32_t	nanosecond;
	int16_t		time_zone;
	uint8_t		daylight;
	uint8_t		pad2;
};


/* IEEE 802.3 CRC-32, as EFI table headers use it; small tables only. */
static uint32_t
crc32_update(uint32_t crc, const uint8_t *data, size_t length)
{
	crc = ~crc;
	for (size_t i = 0; i < length; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}


/*
 * The system table's CRC as it was before SetVirtualAddressMap: every
 * pointer field that now holds a physical map address taken back to the
 * physical address. U-Boot converts FirmwareVendor, RuntimeServices and
 * ConfigurationTable in place but leaves the CRC it computed at
 * ExitBootServices; with every other byte unchanged that CRC still proves
 * the table intact. table has the CRC field cleared.
 */
static uint32_t
efi_system_table_crc_before_map(const struct kcheck_context *context, const uint8_t *table,
	uint32_t size)
{
	static const uint32_t kPointerOffsets[] = { 24, 40, 48, 56, 64, 72, 80, 88, 96, 112 };
	uint64_t base = context->args->physical_map_base;
	uint64_t mapSize = context->args->physical_map_size;
	uint8_t physical[EFI_MAX_TABLE_SIZE];
	memcpy(physical, table, size);
	for (size_t i = 0; i < sizeof(kPointerOffsets) / sizeof(kPointerOffsets[0]); i++) {
		uint64_t pointer;
		memcpy(&pointer, physical + kPointerOffsets[i], sizeof(pointer));
		if (pointer >= base && pointer - base < mapSize) {
			pointer -= base;
			memcpy(physical + kPointerOffsets[i], &pointer, sizeof(pointer));
		}
	}
	return crc32_update(0, physical, size);
}


/* An EFI table at a kernel address: its signature, size and header CRC. */
/* The checks that use it run only when the loader said it was an EFI one. */
static const struct efi_kernel_args *
efi_args(const struct kcheck_context *context)
{
	return efi_kernel_args_of(context->args);
}


static bool
efi_check_table(const struct kcheck_context *context, const char *name, uint64_t address,
	uint64_t signature, uint32_t minimumSize, uint8_t *table, char *reason,
	size_t reasonSize)
{
	struct efi_table_header header;
	if (!kcheck_read_virtual(context, address, &header, sizeof(header)))
		return kcheck_fail(reason, reasonSize, "%s %#llx cannot be read", name, (ull)address);
	if (header.signature != signature) {
		return kcheck_fail(reason, reasonSize, "%s %#llx: signature %#llx", name,
			(ull)address, (ull)header.signature);
	}
	if (header.header_size < minimumSize || header.header_size > EFI_MAX_TABLE_SIZE) {
		return kcheck_fail(reason, reasonSize, "%s %#llx: header size %u", name,
			(ull)address, header.header_size);
	}
	if (!kcheck_read_virtual(context, address, table, header.header_size)) {
		return kcheck_fail(reason, reasonSize, "%s %#llx: %u bytes cannot be read", name,
			(ull)address, header.header_size);
	}
	/* The CRC covers the header size with the CRC field itself as 0. */
	memset(table + EFI_TABLE_CRC_OFFSET, 0, sizeof(uint32_t));
	uint32_t crc = crc32_update(0, table, header.header_size);
	if (crc == header.crc32)
		return true;
	if (signature == EFI_SYSTEM_TABLE_SIGNATURE
		&& efi_system_table_crc_before_map(context, table, header.header_size)
			== header.crc32) {
		kcheck_printf(context->environment, "efi: the system table's CRC predates"
			" SetVirtualAddressMap: its pointers changed, not its CRC (U-Boot does this)\n");
		return true;
	}
	return kcheck_fail(reason, reasonSize, "%s %#llx: CRC %#x, header says %#x", name,
		(ull)address, crc, header.crc32);
}


static bool
efi_read_descriptor(const struct kcheck_context *context, uint32_t index,
	struct efi_descriptor *descriptor)
{
	const struct efi_kernel_args *efi = efi_args(context);
	return kcheck_read_virtual(context,
		efi->memory_map + (uint64_t)index * efi->descriptor_size, descriptor,
		sizeof(*descriptor));
}


/*
 * The runtime descriptor whose kernel range holds [address, address + size),
 * of type (or any type for EFI_ANY_RUNTIME_TYPE), or -1.
 */
static int64_t
efi_find_runtime(const struct kcheck_context *context, uint64_t address, uint64_t size,
	uint32_t type)
{
	const struct efi_kernel_args *efi = efi_args(context);
	uint32_t count = (uint32_t)(efi->memory_map_size / efi->descriptor_size);
	for (uint32_t i = 0; i < count; i++) {
		struct efi_descriptor descriptor;
		if (!efi_read_descriptor(context, i, &descriptor))
			return -1;
		uint64_t bytes = descriptor.pages * KERNEL_EFI_PAGE_SIZE;
		if ((descriptor.attribute & EFI_MEMORY_RUNTIME) != 0
			&& (type == EFI_ANY_RUNTIME_TYPE || descriptor.type == type)
			&& address >= descriptor.virtual_start
			&& address - descriptor.virtual_start < bytes
			&& size <= bytes - (address - descriptor.virtual_start))
			return i;
	}
	return -1;
}


/* A descriptor's end, or UINT64_MAX where its pages would pass it. */
static uint64_t
efi_descriptor_end(const struct efi_descriptor *descriptor)
{
	uint64_t room = (UINT64_MAX - descriptor->physical_start) / KERNEL_EFI_PAGE_SIZE;
	return descriptor->pages > room ? UINT64_MAX
		: descriptor->physical_start + descriptor->pages * KERNEL_EFI_PAGE_SIZE;
}


/*
 * The first byte from start on that no descriptor holds, or end: the
 * firmware promises no order, so each step takes the furthest end of the
 * descriptors holding the byte reached.
 */
static uint64_t
efi_map_covers_until(const struct kcheck_context *context, uint32_t count, uint64_t start,
	uint64_t end)
{
	while (start < end) {
		uint64_t next = start;
		for (uint32_t i = 0; i < count; i++) {
			struct efi_descriptor descriptor;
			if (!efi_read_descriptor(context, i, &descriptor))
				return start;
			uint64_t descriptorEnd = efi_descriptor_end(&descriptor);
			if (descriptor.physical_start <= start && start < descriptorEnd
				&& descriptorEnd > next)
				next = descriptorEnd;
		}
		if (next == start)
			return start;
		start = next;
	}
	return end;
}


/*
 * Every runtime range where SetVirtualAddressMap was told it would be, and
 * the whole map: the kernel's memory is all in it.
 */
static bool
efi_check_memory_map(const struct kcheck_context *context, uint32_t *_runtimeRanges,
	char *reason, size_t reasonSize)
{
	const struct efi_kernel_args *efi = efi_args(context);
	const kernel_args *args = context->args;
	uint64_t size = efi->memory_map_size;
	uint32_t descriptorSize = efi->descriptor_size;
	if (descriptorSize < EFI_DESCRIPTOR_MIN_SIZE || descriptorSize % 8 != 0
		|| efi->descriptor_version != 1) {
		return kcheck_fail(reason, reasonSize, "descriptor size %u version %u",
			descriptorSize, efi->descriptor_version);
	}
	if (size == 0 || size % descriptorSize != 0
		|| size / descriptorSize > EFI_MAX_DESCRIPTORS) {
		return kcheck_fail(reason, reasonSize, "memory map size %llu for %u-byte descriptors",
			(ull)size, descriptorSize);
	}
	if (!bootcheck_virtual_contains(args, efi->memory_map, size)) {
		return kcheck_fail(reason, reasonSize,
			"memory map %#llx size %llu not inside a virtual allocated range",
			(ull)efi->memory_map, (ull)size);
	}

	uint32_t runtimeRanges = 0;
	for (uint32_t i = 0; i < size / descriptorSize; i++) {
		struct efi_descriptor descriptor;
		if (!efi_read_descriptor(context, i, &descriptor))
			return kcheck_fail(reason, reasonSize, "descriptor %u cannot be read", i);
		if ((descriptor.attribute & EFI_MEMORY_RUNTIME) == 0)
			continue;
		runtimeRanges++;
		uint64_t bytes = descriptor.pages * KERNEL_EFI_PAGE_SIZE;
		uint64_t expected = args->physical_map_base + descriptor.physical_start;
		if (descriptor.virtual_start != expected) {
			return kcheck_fail(reason, reasonSize, "runtime range %#llx at %#llx, expected"
				" %#llx", (ull)descriptor.physical_start, (ull)descriptor.virtual_start,
				(ull)expected);
		}
		if (descriptor.pages > args->physical_map_size / KERNEL_EFI_PAGE_SIZE
			|| descriptor.physical_start > args->physical_map_size - bytes) {
			return kcheck_fail(reason, reasonSize, "runtime range %#llx-%#llx beyond the"
				" physical map", (ull)descriptor.physical_start,
				(ull)(descriptor.physical_start + bytes));
		}
	}
	if (runtimeRanges == 0)
		return kcheck_fail(reason, reasonSize, "memory map without runtime ranges");
	for (uint32_t i = 0; i < args->num_physical_memory_ranges; i++) {
		uint64_t start = args->physical_memory_range[i].start;
		uint64_t end = start + args->physical_memory_range[i].size;
		uint64_t missing = efi_map_covers_until(context, (uint32_t)(size / descriptorSize),
			start, end);
		if (missing < end) {
			return kcheck_fail(reason, reasonSize, "memory at %#llx is in no descriptor of"
				" the memory map", (ull)missing);
		}
	}
	*_runtimeRanges = runtimeRanges;
	return true;
}


bool
kcheck_efi_tables(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const struct efi_kernel_args *efi = efi_args(context);
	if (!kcheck_requires_trusted_args(context, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_PHYSICAL_MAP, reason, reasonSize))
		return false;

	uint32_t runtimeRanges = 0;
	if (!efi_check_memory_map(context, &runtimeRanges, reason, reasonSize))
		return false;

	uint8_t table[EFI_MAX_TABLE_SIZE];
	if (!efi_check_table(context, "system table", efi->system_table,
			EFI_SYSTEM_TABLE_SIGNATURE, EFI_SYSTEM_TABLE_SIZE, table, reason, reasonSize))
		return false;
	uint64_t runtimeServices;
	memcpy(&runtimeServices, table + EFI_SYSTEM_TABLE_RUNTIME_OFFSET, sizeof(runtimeServices));
	if (runtimeServices != efi->runtime_services) {
		return kcheck_fail(reason, reasonSize, "system table says RuntimeServices %#llx,"
			" runtime_services %#llx", (ull)runtimeServices, (ull)efi->runtime_services);
	}
	if (!efi_check_table(context, "runtime services", efi->runtime_services,
			EFI_RUNTIME_SERVICES_SIGNATURE, EFI_RUNTIME_SERVICES_SIZE, table, reason,
			reasonSize))
		return false;

	/*
	 * The firmware reaches both through the mappings it was given; the
	 * runtime services table may be in the code range of its driver's image.
	 */
	if (efi_find_runtime(context, efi->system_table, EFI_SYSTEM_TABLE_SIZE,
			EFI_ANY_RUNTIME_TYPE) < 0) {
		return kcheck_fail(reason, reasonSize, "system table %#llx not in a runtime range",
			(ull)efi->system_table);
	}
	if (efi_find_runtime(context, efi->runtime_services, EFI_RUNTIME_SERVICES_SIZE,
			EFI_ANY_RUNTIME_TYPE) < 0) {
		return kcheck_fail(reason, reasonSize,
			"runtime services %#llx not in a runtime range", (ull)efi->runtime_services);
	}
	kcheck_printf(context->environment, "efi: system table %#llx, runtime services %#llx,"
		" %u runtime ranges\n", (ull)efi->system_table, (ull)efi->runtime_services,
		runtimeRanges);
	return true;
}


/* EFI_RT_PROPERTIES_TABLE_GUID eb66918a-7eef-402a-842e-931d21c38ae9, as it lies in memory. */
static const uint8_t kRuntimePropertiesGuid[16] = { 0x8a, 0x91, 0x66, 0xeb, 0xef, 0x7e,
	0x2a, 0x40, 0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9 };

struct efi_rt_properties {
	uint16_t	version;
	uint16_t	length;
	uint32_t	runtime_services_supported;
};


/*
 * A firmware pointer after SetVirtualAddressMap: converted to the physical
 * map, or (configuration tables' own pointers, which firmware need not
 * convert) still physical.
 */
static bool
efi_read_firmware_pointer(const struct kcheck_context *context, uint64_t address,
	void *buffer, size_t size)
{
	if (address >= context->args->physical_map_base)
		return kcheck_read_virtual(context, address, buffer, size);
	return kcheck_read_physical(context, address, buffer, size);
}


/*
 * Whether the firmware says, in its EFI_RT_PROPERTIES_TABLE (UEFI 2.8), that
 * GetTime does not work after ExitBootServices; false without the table.
 */
static bool
efi_get_time_declared_unsupported(const struct kcheck_context *context)
{
	const struct efi_kernel_args *efi = efi_args(context);
	uint64_t count, tables;
	if (!kcheck_read_virtual(context, efi->system_table + EFI_SYSTEM_TABLE_TABLE_COUNT_OFFSET,
			&count, sizeof(count))
		|| !kcheck_read_virtual(context, efi->system_table + EFI_SYSTEM_TABLE_TABLES_OFFSET,
			&tables, sizeof(tables))
		|| count > EFI_MAX_CONFIGURATION_ENTRIES) {
		return false;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint8_t entry[EFI_CONFIGURATION_ENTRY_SIZE];
		if (!efi_read_firmware_pointer(context, tables + i * sizeof(entry), entry,
				sizeof(entry))) {
			return false;
		}
		if (memcmp(entry, kRuntimePropertiesGuid, sizeof(kRuntimePropertiesGuid)) != 0)
			continue;
		uint64_t address;
		memcpy(&address, entry + sizeof(kRuntimePropertiesGuid), sizeof(address));
		struct efi_rt_properties properties;
		if (!efi_read_firmware_pointer(context, address, &properties, sizeof(properties))
			|| properties.length < sizeof(properties)) {
			return false;
		}
		return (properties.runtime_services_supported & EFI_RT_SUPPORTED_GET_TIME) == 0;
	}
	return false;
}


/* Whether the page tables let the CPU fetch instructions at address. */
static bool
efi_executable(const struct kcheck_context *context, uint64_t address, char *reason,
	size_t reasonSize)
{
	struct kcheck_page page;
	switch (kcheck_page_walk(context, address, &page)) {
		case KCHECK_WALK_MAPPED:
			break;
		case KCHECK_WALK_NOT_PRESENT:
			return kcheck_fail(reason, reasonSize, "GetTime %#llx is not mapped", (ull)address);
		default:
			return kcheck_fail(reason, reasonSize, "page table for %#llx cannot be read",
				(ull)address);
	}
	if (page.no_execute) {
		return kcheck_fail(reason, reasonSize, "GetTime %#llx is mapped non-executable",
			(ull)address);
	}
	return true;
}


static bool
efi_time_plausible(const struct efi_time *time)
{
	return time->year >= 2000 && time->year <= 2200 && time->month >= 1 && time->month <= 12
		&& time->day >= 1 && time->day <= 31 && time->hour < 24 && time->minute < 60
		&& time->second < 60 && time->nanosecond < 1000000000;
}


bool
kcheck_efi_get_time(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const struct efi_kernel_args *efi = efi_args(context);
	if (!kcheck_requires(context, KCHECK_EFI_TABLES, reason, reasonSize)
		|| !kcheck_requires(context, KCHECK_PAGE_TABLES, reason, reasonSize))
		return false;
	const struct bootcheck_machine *machine = context->environment->machine;

	uint64_t function;
	if (!kcheck_read_virtual(context, efi->runtime_services + EFI_GET_TIME_OFFSET,
			&function, sizeof(function)))
		return kcheck_fail(reason, reasonSize, "GetTime pointer cannot be read");
	if (efi_find_runtime(context, function, 1, EFI_RUNTIME_SERVICES_CODE) < 0) {
		return kcheck_fail(reason, reasonSize, "GetTime %#llx not in runtime code",
			(ull)function);
	}
	if (!efi_executable(context, function, reason, reasonSize)
		|| !kcheck_arch_firmware_callable(context, reason, reasonSize))
		return false;

	struct efi_time time;
	memset(&time, 0, sizeof(time));
	uint64_t status = machine->efi_get_time(machine->cookie, function, &time);
	if (status == EFI_UNSUPPORTED && efi_get_time_declared_unsupported(context)) {
		/* U-Boot without a runtime RTC: the call was made, and answered as promised. */
		kcheck_printf(context->environment, "efi: GetTime is unsupported at runtime, as the"
			" firmware's EFI_RT_PROPERTIES_TABLE says\n");
		return true;
	}
	if (status != 0)
		return kcheck_fail(reason, reasonSize, "GetTime returned %#llx", (ull)status);
	/* The sign of the offset changed between spec versions: shown as given. */
	char zone[32] = "local time";
	if (time.time_zone != EFI_UNSPECIFIED_TIMEZONE)
		snprintf(zone, sizeof(zone), "time zone %d min", time.time_zone);
	kcheck_printf(context->environment, "efi: GetTime %04u-%02u-%02u %02u:%02u:%02u %s\n",
		time.year, time.month, time.day, time.hour, time.minute, time.second, zone);
	if (!efi_time_plausible(&time))
		return kcheck_fail(reason, reasonSize, "GetTime gave an implausible time");
	return true;
}
