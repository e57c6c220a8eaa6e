/* SPDX-License-Identifier: MIT */
/*
 * The checks of the firmware tables the loader found: the ACPI root pointer
 * and the table it leads to, the SMBIOS entry points and their structure
 * tables. All tables are read by physical
 * address, as a kernel would before it has mapped anything of its own.
 */
#include "checks.h"

#include <stdio.h>
#include <string.h>

#include <boot/acpi.h>
#include <boot/smbios.h>


/* The checker's own bound on the RSDP length, apart from the loader's. */
#define RSDP_MAX_LENGTH			4096
/* Bigger than any real table (a DSDT is rarely above 1 MiB): garbage beyond. */
#define ACPI_MAX_TABLE_LENGTH	(16 * 1024 * 1024)
/* Root table entries followed; real firmware lists a few dozen at most. */
#define ACPI_MAX_ROOT_ENTRIES	256
/* Signatures shown in the report line. */
#define ACPI_LISTED_TABLES		24

/* The checker's own bound on the length byte, apart from the loader's. */
#define SMBIOS_MAX_ENTRY_LENGTH	0x40
/* SMBIOS 3 gives only a maximum; real tables are tens of KiB at most. */
#define SMBIOS_MAX_TABLE_LENGTH	(1024 * 1024)

#define SUM_CHUNK_SIZE			256

/* The MADT (ACPI 6.5 5.2.12): its structures, and the flags of a CPU's. */
#define MADT_ENTRIES_OFFSET		44
#define MADT_MAX_ENTRY_LENGTH	255

/* What a walk of an SMBIOS structure table found. */
struct smbios_walk {
	uint32_t	structures;			/* including the end-of-table structure */
	uint64_t	length;				/* bytes up to the end of that structure */
	uint8_t		bios_vendor[40];	/* string 1 of the type 0 structure, if any */
};


/* The byte sum of [address, address + length) in physical memory. */
static bool
physical_sum(const struct kcheck_context *context, uint64_t address, uint64_t length,
	uint8_t *_sum)
{
	uint8_t buffer[SUM_CHUNK_SIZE];
	uint8_t sum = 0;
	for (uint64_t offset = 0; offset < length; offset += sizeof(buffer)) {
		size_t chunk = length - offset < sizeof(buffer) ? (size_t)(length - offset)
			: sizeof(buffer);
		if (!kcheck_read_physical(context, address + offset, buffer, chunk))
			return false;
		for (size_t i = 0; i < chunk; i++)
			sum += buffer[i];
	}
	*_sum = sum;
	return true;
}


static bool
bytes_sum_to_zero(const void *data, size_t length)
{
	const uint8_t *bytes = data;
	uint8_t sum = 0;
	for (size_t i = 0; i < length; i++)
		sum += bytes[i];
	return sum == 0;
}


static bool
acpi_signature_printable(const char signature[4])
{
	for (int i = 0; i < 4; i++) {
		if (signature[i] < 0x20 || signature[i] > 0x7e)
			return false;
	}
	return true;
}


/* A table's header and checksum; signature NULL accepts any printable one. */
static bool
acpi_check_table(const struct kcheck_context *context, uint64_t address,
	const char *signature, struct acpi_table_header *header, char *reason, size_t reasonSize)
{
	if (!kcheck_read_physical(context, address, header, sizeof(*header))) {
		return kcheck_fail(reason, reasonSize, "table at %#llx cannot be read",
			(ull)address);
	}
	if (signature != NULL ? memcmp(header->signature, signature, 4) != 0
			: !acpi_signature_printable(header->signature)) {
		return kcheck_fail(reason, reasonSize, "table at %#llx has signature %02x%02x%02x%02x,"
			" expected %s", (ull)address, (uint8_t)header->signature[0],
			(uint8_t)header->signature[1], (uint8_t)header->signature[2],
			(uint8_t)header->signature[3], signature != NULL ? signature : "a printable one");
	}
	if (header->length < ACPI_TABLE_HEADER_LENGTH || header->length > ACPI_MAX_TABLE_LENGTH) {
		return kcheck_fail(reason, reasonSize, "%.4s at %#llx has length %u",
			header->signature, (ull)address, header->length);
	}
	uint8_t sum;
	if (!physical_sum(context, address, header->length, &sum)) {
		return kcheck_fail(reason, reasonSize, "%.4s at %#llx: %u bytes cannot be read",
			header->signature, (ull)address, header->length);
	}
	if (sum != 0) {
		return kcheck_fail(reason, reasonSize, "%.4s at %#llx: checksum off by %u",
			header->signature, (ull)address, sum);
	}
	return true;
}


bool
kcheck_acpi_rsdp(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	struct acpi_rsdp rsdp;
	memset(&rsdp, 0, sizeof(rsdp));
	if (!kcheck_read_physical(context, args->acpi_rsdp, &rsdp, ACPI_RSDP_V1_LENGTH))
		return kcheck_fail(reason, reasonSize, "RSDP %#llx cannot be read", (ull)args->acpi_rsdp);
	if (memcmp(rsdp.signature, ACPI_RSDP_SIGNATURE, sizeof(rsdp.signature)) != 0)
		return kcheck_fail(reason, reasonSize, "RSDP %#llx: bad signature", (ull)args->acpi_rsdp);
	if (!bytes_sum_to_zero(&rsdp, ACPI_RSDP_V1_LENGTH))
		return kcheck_fail(reason, reasonSize, "RSDP %#llx: bad checksum", (ull)args->acpi_rsdp);
	if (args->acpi_revision != rsdp.revision) {
		return kcheck_fail(reason, reasonSize, "acpi_revision %u, but the RSDP says %u",
			args->acpi_revision, rsdp.revision);
	}
	if (rsdp.revision < 2) {
		if (rsdp.rsdt_address == 0)
			return kcheck_fail(reason, reasonSize, "revision %u RSDP without RSDT", rsdp.revision);
		return true;
	}

	if (!kcheck_read_physical(context, args->acpi_rsdp, &rsdp, ACPI_RSDP_V2_LENGTH)) {
		return kcheck_fail(reason, reasonSize, "RSDP %#llx: 36 bytes cannot be read",
			(ull)args->acpi_rsdp);
	}
	if (rsdp.length < ACPI_RSDP_V2_LENGTH || rsdp.length > RSDP_MAX_LENGTH)
		return kcheck_fail(reason, reasonSize, "RSDP length %u", rsdp.length);
	uint8_t sum;
	if (!physical_sum(context, args->acpi_rsdp, rsdp.length, &sum) || sum != 0)
		return kcheck_fail(reason, reasonSize, "RSDP %#llx: bad extended checksum",
			(ull)args->acpi_rsdp);
	if (rsdp.xsdt_address == 0)
		return kcheck_fail(reason, reasonSize, "revision %u RSDP without XSDT", rsdp.revision);
	return true;
}


/* The root table (the XSDT from revision 2 on, else the RSDT) and its entries' width. */
static bool
acpi_root_table(const struct kcheck_context *context, uint64_t *_root, size_t *_entrySize)
{
	const kernel_args *args = context->args;
	bool extended = args->acpi_revision >= 2;
	struct acpi_rsdp rsdp;
	memset(&rsdp, 0, sizeof(rsdp));
	if (!kcheck_read_physical(context, args->acpi_rsdp, &rsdp,
			extended ? ACPI_RSDP_V2_LENGTH : ACPI_RSDP_V1_LENGTH))
		return false;
	*_root = extended ? rsdp.xsdt_address : rsdp.rsdt_address;
	*_entrySize = extended ? sizeof(uint64_t) : sizeof(uint32_t);
	return true;
}


/* The address in the root table's entry index (4 or 8 bytes, little-endian). */
static bool
acpi_root_entry(const struct kcheck_context *context, uint64_t root, size_t entrySize,
	uint32_t index, uint64_t *_address)
{
	*_address = 0;
	return kcheck_read_physical(context, root + ACPI_TABLE_HEADER_LENGTH
		+ (uint64_t)index * entrySize, _address, entrySize);
}


/* The XSDT (revision 2 and later) or RSDT and every table it lists. */
bool
kcheck_acpi_tables(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_ACPI_RSDP, reason, reasonSize))
		return false;
	uint64_t root;
	size_t entrySize;
	if (!acpi_root_table(context, &root, &entrySize)) {
		return kcheck_fail(reason, reasonSize, "RSDP %#llx cannot be read",
			(ull)context->args->acpi_rsdp);
	}
	const char *rootName = entrySize == sizeof(uint64_t) ? "XSDT" : "RSDT";
	struct acpi_table_header header;
	if (!acpi_check_table(context, root, rootName, &header, reason, reasonSize))
		return false;

	uint32_t count = (header.length - ACPI_TABLE_HEADER_LENGTH) / entrySize;
	if (count > ACPI_MAX_ROOT_ENTRIES)
		return kcheck_fail(reason, reasonSize, "%s lists %u tables", rootName, count);
	char names[ACPI_LISTED_TABLES * 5 + 1] = "";
	size_t namesLength = 0;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t address;
		if (!acpi_root_entry(context, root, entrySize, i, &address))
			return kcheck_fail(reason, reasonSize, "%s entry %u cannot be read", rootName, i);
		struct acpi_table_header table;
		char tableReason[120];
		if (!acpi_check_table(context, address, NULL, &table, tableReason,
				sizeof(tableReason))) {
			return kcheck_fail(reason, reasonSize, "%s entry %u: %s", rootName, i,
				tableReason);
		}
		if (i < ACPI_LISTED_TABLES) {
			namesLength += snprintf(names + namesLength, sizeof(names) - namesLength, " %.4s",
				table.signature);
		}
	}
	kcheck_printf(context->environment, "acpi: %s %#llx, OEM \"%.6s\", %u tables:%s%s\n",
		rootName, (ull)root, header.oem_id, count, names,
		count > ACPI_LISTED_TABLES ? " ..." : "");
	return true;
}


/* The address of the first table with signature the root table lists, or 0. */
static uint64_t
acpi_find_table(const struct kcheck_context *context, const char *signature)
{
	uint64_t root;
	size_t entrySize;
	struct acpi_table_header header;
	if (!acpi_root_table(context, &root, &entrySize)
		|| !kcheck_read_physical(context, root, &header, sizeof(header)))
		return 0;
	uint32_t count = (header.length - ACPI_TABLE_HEADER_LENGTH) / entrySize;
	for (uint32_t i = 0; i < count && i < ACPI_MAX_ROOT_ENTRIES; i++) {
		uint64_t address;
		struct acpi_table_header table;
		if (acpi_root_entry(context, root, entrySize, i, &address)
			&& kcheck_read_physical(context, address, &table, sizeof(table))
			&& memcmp(table.signature, signature, 4) == 0)
			return address;
	}
	return 0;
}


/* The list's entry with hardware id id, or -1. */
static int64_t
cpu_listed(const struct kcheck_context *context, uint64_t id, kernel_cpu_entry *cpu)
{
	const kernel_args *args = context->args;
	for (uint32_t i = 0; i < args->num_cpus; i++) {
		if (kcheck_read_virtual(context, args->cpus + (uint64_t)i * args->cpu_entry_size,
				cpu, sizeof(*cpu)) && cpu->hardware_id == id)
			return i;
	}
	return -1;
}


/*
 * One CPU the firmware's tables name (source: "MADT" or "device tree")
 * against the list: listed, and offline exactly when not enabled.
 */
static bool
cpu_check_named(const struct kcheck_context *context, const char *source, uint64_t id,
	bool enabled, char *reason, size_t reasonSize)
{
	kernel_cpu_entry cpu;
	int64_t index = cpu_listed(context, id, &cpu);
	if (index < 0) {
		return kcheck_fail(reason, reasonSize, "the %s's CPU %#llx is not listed", source,
			(ull)id);
	}
	if (enabled == (cpu.state == KERNEL_CPU_OFFLINE)) {
		return kcheck_fail(reason, reasonSize, "cpus[%lld] (id %#llx) is in state %u, but the"
			" %s says it is %s", (long long)index, (ull)id, cpu.state, source,
			enabled ? "enabled" : "only online capable");
	}
	return true;
}


/* The MADT's CPUs against the list; *_count: how many entries name one. */
static bool
cpus_check_madt(const struct kcheck_context *context, uint64_t madt, uint32_t *_count,
	char *reason, size_t reasonSize)
{
	struct acpi_table_header header;
	if (!acpi_check_table(context, madt, "APIC", &header, reason, reasonSize))
		return false;
	for (uint32_t offset = MADT_ENTRIES_OFFSET; offset + 2 <= header.length;) {
		uint8_t entry[MADT_MAX_ENTRY_LENGTH];
		if (!kcheck_read_physical(context, madt + offset, entry, 2) || entry[1] < 2
				|| entry[1] > header.length - offset)
			return kcheck_fail(reason, reasonSize, "MADT entry at %u is malformed", offset);
		uint8_t length = entry[1];
		if (!kcheck_read_physical(context, madt + offset, entry, length))
			return kcheck_fail(reason, reasonSize, "MADT entry at %u unreadable", offset);
		uint64_t id;
		uint32_t flags;
		if (kcheck_arch_madt_cpu(entry, length, &id, &flags)
				&& (flags & (KCHECK_MADT_CPU_ENABLED | KCHECK_MADT_CPU_ONLINE_CAPABLE)) != 0) {
			if (!cpu_check_named(context, "MADT", id, (flags & KCHECK_MADT_CPU_ENABLED) != 0,
					reason, reasonSize))
				return false;
			(*_count)++;
		}
		offset += length;
	}
	return true;
}


struct fdt_cpu_count {
	const struct kcheck_context	*context;
	uint32_t					count;
};


static bool
cpus_check_fdt_cpu(void *cookie, uint64_t id, char *reason, size_t reasonSize)
{
	struct fdt_cpu_count *found = cookie;
	found->count++;
	return cpu_check_named(found->context, "device tree", id, true, reason, reasonSize);
}


/*
 * Exactly the CPUs the firmware's tables name are listed: a loader that
 * drops or invents a CPU is caught here, the CPUs it started are released
 * by cpus_released. The tables are the MADT when the loader could read
 * ACPI (an RSDP, and no disable_acpi), else the device tree (arm64 under
 * U-Boot), as the loader chooses; none: the boot CPU alone.
 */
bool
kcheck_cpus_firmware(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	bool acpi = (args->boot_options & BOOT_OPTION_DISABLE_ACPI) == 0 && args->acpi_rsdp != 0;
	if (!kcheck_requires(context, KCHECK_CPUS, reason, reasonSize)
			|| (acpi && !kcheck_requires(context, KCHECK_ACPI_TABLES, reason, reasonSize)))
		return false;
	uint64_t madt = acpi ? acpi_find_table(context, "APIC") : 0;
	const char *source = "MADT";
	bool read = madt != 0;
	uint32_t cpus = 0;
	if (madt != 0) {
		if (!cpus_check_madt(context, madt, &cpus, reason, reasonSize))
			return false;
	} else if (!acpi && args->device_tree != 0) {
		struct fdt_cpu_count found = { .context = context };
		if (!kcheck_fdt_cpus(context, cpus_check_fdt_cpu, &found, reason, reasonSize))
			return false;
		source = "device tree";
		read = true;
		cpus = found.count;
	}
	/* Counted once per entry: a CPU under both entry types counts twice, hence <=. */
	if (cpus == 0 ? args->num_cpus != 1 : args->num_cpus > cpus) {
		return kcheck_fail(reason, reasonSize, "%u CPUs listed, the %s names %u (read: %s)",
			args->num_cpus, source, cpus, read ? "yes" : "no");
	}
	return true;
}


/*
 * Walk the structures of an SMBIOS table: each is a formatted part of the
 * length its header gives, then strings ending in a double NUL.
 */
static bool
smbios_walk_table(const struct kcheck_context *context, uint64_t address, uint64_t maxLength,
	struct smbios_walk *walk, char *reason, size_t reasonSize)
{
	memset(walk, 0, sizeof(*walk));
	uint64_t offset = 0;
	while (offset + sizeof(struct smbios_structure_header) <= maxLength) {
		struct smbios_structure_header header;
		if (!kcheck_read_physical(context, address + offset, &header, sizeof(header))) {
			return kcheck_fail(reason, reasonSize, "structure at %#llx cannot be read",
				(ull)(address + offset));
		}
		uint8_t type = header.type;
		uint8_t length = header.length;
		if (length < sizeof(header)) {
			return kcheck_fail(reason, reasonSize, "structure %u (type %u) has length %u",
				walk->structures, type, length);
		}

		uint64_t strings = offset + length;
		uint64_t position = strings;
		uint8_t previous = 0xff;
		uint32_t stringIndex = 0;
		size_t vendorLength = 0;
		for (;;) {
			uint8_t byte;
			if (position >= maxLength
				|| !kcheck_read_physical(context, address + position, &byte, 1)) {
				return kcheck_fail(reason, reasonSize,
					"structure %u (type %u) has no end within the table", walk->structures,
					type);
			}
			position++;
			if (byte == 0 && previous == 0)
				break;
			if (byte == 0)
				stringIndex++;
			else if (type == SMBIOS_TYPE_BIOS_INFORMATION && stringIndex == 0
				&& vendorLength < sizeof(walk->bios_vendor) - 1)
				walk->bios_vendor[vendorLength++] = byte;
			previous = byte;
		}
		walk->structures++;
		offset = position;
		if (type == SMBIOS_TYPE_END_OF_TABLE) {
			walk->length = offset;
			return true;
		}
	}
	return kcheck_fail(reason, reasonSize, "no end-of-table structure within %llu bytes",
		(ull)maxLength);
}


static bool
smbios_check_entry(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint64_t address = context->args->smbios_entry;
	struct smbios_entry_point entry;
	if (!kcheck_read_physical(context, address, &entry, sizeof(entry)))
		return kcheck_fail(reason, reasonSize, "_SM_ %#llx cannot be read", (ull)address);
	if (memcmp(entry.anchor, SMBIOS_ANCHOR, sizeof(entry.anchor)) != 0)
		return kcheck_fail(reason, reasonSize, "_SM_ %#llx: bad anchor", (ull)address);
	if (entry.length < SMBIOS_ENTRY_LENGTH || entry.length > SMBIOS_MAX_ENTRY_LENGTH)
		return kcheck_fail(reason, reasonSize, "_SM_ %#llx: length %u", (ull)address, entry.length);
	uint8_t sum;
	if (!physical_sum(context, address, entry.length, &sum) || sum != 0)
		return kcheck_fail(reason, reasonSize, "_SM_ %#llx: bad checksum", (ull)address);
	if (memcmp(entry.intermediate_anchor, SMBIOS_INTERMEDIATE_ANCHOR,
			sizeof(entry.intermediate_anchor)) != 0
		|| !bytes_sum_to_zero(entry.intermediate_anchor, SMBIOS_INTERMEDIATE_LENGTH)) {
		return kcheck_fail(reason, reasonSize, "_SM_ %#llx: bad _DMI_ part", (ull)address);
	}

	struct smbios_walk walk;
	char walkReason[120];
	if (!smbios_walk_table(context, entry.table_address, entry.table_length, &walk,
			walkReason, sizeof(walkReason))) {
		return kcheck_fail(reason, reasonSize, "_SM_ table %#x: %s", entry.table_address,
			walkReason);
	}
	if (walk.structures != entry.structure_count) {
		return kcheck_fail(reason, reasonSize, "_SM_ table %#x holds %u structures, the entry"
			" point says %u", entry.table_address, walk.structures, entry.structure_count);
	}
	kcheck_printf(context->environment, "smbios: %u.%u entry point %#llx, table %#x, %u bytes,"
		" %u structures, BIOS vendor \"%s\"\n", entry.major_version, entry.minor_version,
		(ull)address, entry.table_address, entry.table_length, walk.structures,
		walk.bios_vendor);
	return true;
}


static bool
smbios_check_entry3(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint64_t address = context->args->smbios3_entry;
	struct smbios3_entry_point entry;
	if (!kcheck_read_physical(context, address, &entry, sizeof(entry)))
		return kcheck_fail(reason, reasonSize, "_SM3_ %#llx cannot be read", (ull)address);
	if (memcmp(entry.anchor, SMBIOS3_ANCHOR, sizeof(entry.anchor)) != 0)
		return kcheck_fail(reason, reasonSize, "_SM3_ %#llx: bad anchor", (ull)address);
	if (entry.length < SMBIOS3_ENTRY_LENGTH || entry.length > SMBIOS_MAX_ENTRY_LENGTH) {
		return kcheck_fail(reason, reasonSize, "_SM3_ %#llx: length %u", (ull)address,
			entry.length);
	}
	uint8_t sum;
	if (!physical_sum(context, address, entry.length, &sum) || sum != 0)
		return kcheck_fail(reason, reasonSize, "_SM3_ %#llx: bad checksum", (ull)address);
	if (entry.table_max_size > SMBIOS_MAX_TABLE_LENGTH) {
		return kcheck_fail(reason, reasonSize, "_SM3_ %#llx: table size %u", (ull)address,
			entry.table_max_size);
	}

	struct smbios_walk walk;
	char walkReason[120];
	if (!smbios_walk_table(context, entry.table_address, entry.table_max_size, &walk,
			walkReason, sizeof(walkReason))) {
		return kcheck_fail(reason, reasonSize, "_SM3_ table %#llx: %s",
			(ull)entry.table_address, walkReason);
	}
	kcheck_printf(context->environment, "smbios: %u.%u 64-bit entry point %#llx, table %#llx,"
		" %llu bytes, %u structures, BIOS vendor \"%s\"\n", entry.major_version,
		entry.minor_version, (ull)address, (ull)entry.table_address, (ull)walk.length,
		walk.structures, walk.bios_vendor);
	return true;
}


bool
kcheck_smbios(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	if (args->smbios_entry != 0 && !smbios_check_entry(context, reason, reasonSize))
		return false;
	if (args->smbios3_entry != 0 && !smbios_check_entry3(context, reason, reasonSize))
		return false;
	return true;
}
