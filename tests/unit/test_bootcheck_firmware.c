/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the boot checker's firmware checks (src/system/kernel/
 * checks_firmware.c, checks_framebuffer.c, checks_efi.c): real ACPI, SMBIOS
 * and EFI structures in a fake physical memory pass, and each single fault
 * fails with a reason that names it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../../src/system/kernel/checks.h"

#include <boot/platform/efi/efi_kernel_args.h>

#include "unit_test.h"


/* The kernel_args page; the literal addresses below are laid out in 4 KiB pages. */
_Static_assert(KERNEL_PAGE_SIZE == 0x1000, "the fixtures assume 4 KiB pages");
#define PAGE				KERNEL_PAGE_SIZE
#define MEMORY_SIZE			0x100000ULL		/* fake physical memory: 1 MiB */
#define PHYSICAL_MAP		KERNEL_PHYSICAL_MAP_BASE

/* Where things are in the fake physical memory. */
#define PML4				0x1000ULL
#define PDPT				0x2000ULL
#define PAGE_DIRECTORY		0x3000ULL
#define RSDP				0x10000ULL
#define XSDT				0x10100ULL
#define FACP				0x10200ULL
#define APIC				0x10300ULL
#define RSDT				0x10400ULL
#define SMBIOS_ENTRY		0x20000ULL
#define SMBIOS3_ENTRY		0x20100ULL
#define SMBIOS_TABLE		0x21000ULL
#define SYSTEM_TABLE		0x30000ULL
#define RUNTIME_SERVICES	0x30100ULL
#define CONFIGURATION_TABLE	0x30200ULL		/* one entry */
#define RT_PROPERTIES		0x30300ULL
#define EFI_MAP				0x31000ULL
#define RUNTIME_CODE		0x40000ULL
#define GET_TIME			(RUNTIME_CODE + 0x10)
#define FRAMEBUFFER			0x80000ULL
#define RAM_END				FRAMEBUFFER

/* The fixture is an EFI loader's kernel_args. */
#define EFI_ARGS			efi_kernel_args_claim(&sArgs)

#define FB_WIDTH			64
#define FB_HEIGHT			16
#define FB_PITCH			(FB_WIDTH * 4)

#define EFI_DESCRIPTOR_SIZE	48
#define EFI_MEMORY_RUNTIME	0x8000000000000000ULL
#define PTE_NO_EXECUTE		(1ULL << 63)
#define CR0_TASK_SWITCHED	(1ULL << 3)
#define CR4_OSFXSR			(1ULL << 9)

#define OUTPUT_SIZE			8192
#define REASON_SIZE			200

static uint8_t sMemory[MEMORY_SIZE] __attribute__((aligned(4096)));
static kernel_args sArgs;
static struct bootcheck_cpu_state sCpu;
static struct bootcheck_machine sMachine;
static struct bootcheck_environment sEnvironment;
static struct kcheck_context sContext;
static char sOutput[OUTPUT_SIZE];
static size_t sOutputLength;
static char sReason[REASON_SIZE];

/* What the fake GetTime returns and was called with. */
static uint64_t sGetTimeStatus;
static uint16_t sGetTimeYear;
static uint64_t sGetTimeFunction;
/* One byte of the EFI_TIME GetTime returns set to a value (field -1: none). */
static int sGetTimeField;
static uint8_t sGetTimeValue;
static bool sWritesDropped;


static bool
fake_read_physical(void *cookie, uint64_t address, void *buffer, size_t size)
{
	if (address > MEMORY_SIZE || size > MEMORY_SIZE - address)
		return false;
	memcpy(buffer, sMemory + address, size);
	return true;
}


/* Only the physical map is mapped. */
static bool
fake_read_virtual(void *cookie, uint64_t address, void *buffer, size_t size)
{
	if (address < PHYSICAL_MAP)
		return false;
	return fake_read_physical(cookie, address - PHYSICAL_MAP, buffer, size);
}


static bool
fake_write_virtual(void *cookie, uint64_t address, const void *buffer, size_t size)
{
	if (address < PHYSICAL_MAP || address - PHYSICAL_MAP > MEMORY_SIZE
		|| size > MEMORY_SIZE - (address - PHYSICAL_MAP))
		return false;
	if (!sWritesDropped)
		memcpy(sMemory + (address - PHYSICAL_MAP), buffer, size);
	return true;
}


static uint64_t
fake_get_time(void *cookie, uint64_t function, void *time)
{
	sGetTimeFunction = function;
	uint8_t fields[16] = { 0 };
	fields[0] = (uint8_t)sGetTimeYear;
	fields[1] = (uint8_t)(sGetTimeYear >> 8);
	fields[2] = 7;		/* month */
	fields[3] = 14;		/* day */
	fields[4] = 12;		/* hour */
	fields[5] = 30;		/* minute */
	fields[6] = 5;		/* second */
	if (sGetTimeField >= 0)
		fields[sGetTimeField] = sGetTimeValue;
	memcpy(time, fields, sizeof(fields));
	return sGetTimeStatus;
}


static void
fake_output(const char *text, size_t length)
{
	if (length > sizeof(sOutput) - 1 - sOutputLength)
		length = sizeof(sOutput) - 1 - sOutputLength;
	memcpy(sOutput + sOutputLength, text, length);
	sOutputLength += length;
	sOutput[sOutputLength] = '\0';
}


static void
put8(uint64_t address, uint8_t value)
{
	sMemory[address] = value;
}


static void
put16(uint64_t address, uint16_t value)
{
	memcpy(sMemory + address, &value, sizeof(value));
}


static void
put32(uint64_t address, uint32_t value)
{
	memcpy(sMemory + address, &value, sizeof(value));
}


static void
put64(uint64_t address, uint64_t value)
{
	memcpy(sMemory + address, &value, sizeof(value));
}


/* Set the byte at checksumAt so that [start, start + length) sums to 0. */
static void
fix_checksum(uint64_t start, size_t length, uint64_t checksumAt)
{
	sMemory[checksumAt] = 0;
	uint8_t sum = 0;
	for (size_t i = 0; i < length; i++)
		sum += sMemory[start + i];
	sMemory[checksumAt] = (uint8_t)-sum;
}


static uint32_t
test_crc32(const uint8_t *data, size_t length)
{
	uint32_t crc = 0xffffffff;
	for (size_t i = 0; i < length; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320 : crc >> 1;
	}
	return ~crc;
}


/* An EFI table header's CRC over headerSize bytes with the CRC field as 0. */
static void
fix_crc(uint64_t table, uint32_t headerSize)
{
	put32(table + 16, 0);
	put32(table + 16, test_crc32(sMemory + table, headerSize));
}


static void
acpi_table(uint64_t address, const char *signature, uint32_t length)
{
	memcpy(sMemory + address, signature, 4);
	put32(address + 4, length);
	put8(address + 8, 1);
	memcpy(sMemory + address + 10, "FAKEOE", 6);
	fix_checksum(address, length, address + 9);
}


static void
build_acpi(void)
{
	memcpy(sMemory + RSDP, "RSD PTR ", 8);
	memcpy(sMemory + RSDP + 9, "FAKEOE", 6);
	put8(RSDP + 15, 2);
	put32(RSDP + 16, (uint32_t)RSDT);
	put32(RSDP + 20, 36);
	put64(RSDP + 24, XSDT);
	fix_checksum(RSDP, 20, RSDP + 8);
	fix_checksum(RSDP, 36, RSDP + 32);

	acpi_table(FACP, "FACP", 116);
	acpi_table(APIC, "APIC", 44);
	put64(XSDT + 36, FACP);
	put64(XSDT + 44, APIC);
	acpi_table(XSDT, "XSDT", 36 + 2 * 8);
	put32(RSDT + 36, (uint32_t)FACP);
	put32(RSDT + 40, (uint32_t)APIC);
	acpi_table(RSDT, "RSDT", 36 + 2 * 4);

	sArgs.acpi_rsdp = RSDP;
	sArgs.acpi_revision = 2;
}


/* Types 0 (with a vendor string), 1 (no strings) and the end of table. */
static uint32_t
build_smbios_table(void)
{
	static const uint8_t kTable[] = {
		0, 5, 0, 0, 1, 'V', 'e', 'n', 'd', 'o', 'r', 0, 'v', '1', 0, 0,
		1, 4, 1, 0, 0, 0,
		127, 4, 2, 0, 0, 0,
	};
	memcpy(sMemory + SMBIOS_TABLE, kTable, sizeof(kTable));
	return sizeof(kTable);
}


static void
build_smbios(void)
{
	uint32_t length = build_smbios_table();
	memcpy(sMemory + SMBIOS_ENTRY, "_SM_", 4);
	put8(SMBIOS_ENTRY + 5, 0x1f);
	put8(SMBIOS_ENTRY + 6, 2);
	put8(SMBIOS_ENTRY + 7, 8);
	memcpy(sMemory + SMBIOS_ENTRY + 0x10, "_DMI_", 5);
	put16(SMBIOS_ENTRY + 0x16, (uint16_t)length);
	put32(SMBIOS_ENTRY + 0x18, (uint32_t)SMBIOS_TABLE);
	put16(SMBIOS_ENTRY + 0x1c, 3);
	fix_checksum(SMBIOS_ENTRY + 0x10, 15, SMBIOS_ENTRY + 0x15);
	fix_checksum(SMBIOS_ENTRY, 0x1f, SMBIOS_ENTRY + 4);

	memcpy(sMemory + SMBIOS3_ENTRY, "_SM3_", 5);
	put8(SMBIOS3_ENTRY + 6, 0x18);
	put8(SMBIOS3_ENTRY + 7, 3);
	put32(SMBIOS3_ENTRY + 12, 0x100);
	put64(SMBIOS3_ENTRY + 16, SMBIOS_TABLE);
	fix_checksum(SMBIOS3_ENTRY, 0x18, SMBIOS3_ENTRY + 5);

	sArgs.smbios_entry = SMBIOS_ENTRY;
	sArgs.smbios3_entry = SMBIOS3_ENTRY;
}


static void
efi_descriptor(uint32_t index, uint32_t type, uint64_t physical, uint64_t pages,
	uint64_t attribute)
{
	uint64_t at = EFI_MAP + index * EFI_DESCRIPTOR_SIZE;
	put32(at, type);
	put64(at + 8, physical);
	put64(at + 16, attribute & EFI_MEMORY_RUNTIME ? PHYSICAL_MAP + physical : 0);
	put64(at + 24, pages);
	put64(at + 32, attribute);
}


static void
build_efi(void)
{
	put64(SYSTEM_TABLE, 0x5453595320494249ULL);
	put32(SYSTEM_TABLE + 8, 0x20046);
	put32(SYSTEM_TABLE + 12, 120);
	put64(SYSTEM_TABLE + 88, PHYSICAL_MAP + RUNTIME_SERVICES);
	fix_crc(SYSTEM_TABLE, 120);
	put64(RUNTIME_SERVICES, 0x56524553544e5552ULL);
	put32(RUNTIME_SERVICES + 12, 136);
	put64(RUNTIME_SERVICES + 24, PHYSICAL_MAP + GET_TIME);
	fix_crc(RUNTIME_SERVICES, 136);

	/* The memory around the runtime ranges last: no order is promised. */
	efi_descriptor(0, 7, 0, SYSTEM_TABLE / PAGE, 0xf);
	efi_descriptor(1, 6, SYSTEM_TABLE, 1, EFI_MEMORY_RUNTIME | 0xf);
	efi_descriptor(2, 5, RUNTIME_CODE, 1, EFI_MEMORY_RUNTIME | 0xf);
	efi_descriptor(3, 2, RUNTIME_CODE + PAGE, (RAM_END - RUNTIME_CODE) / PAGE - 1, 0xf);
	efi_descriptor(4, 4, SYSTEM_TABLE + PAGE, (RUNTIME_CODE - SYSTEM_TABLE) / PAGE - 1, 0xf);

	EFI_ARGS->system_table = PHYSICAL_MAP + SYSTEM_TABLE;
	EFI_ARGS->runtime_services = PHYSICAL_MAP + RUNTIME_SERVICES;
	EFI_ARGS->memory_map = PHYSICAL_MAP + EFI_MAP;
	EFI_ARGS->memory_map_size = 5 * EFI_DESCRIPTOR_SIZE;
	EFI_ARGS->descriptor_size = EFI_DESCRIPTOR_SIZE;
	EFI_ARGS->descriptor_version = 1;

	/* The physical map's first 2 MiB page, executable. */
	put64(PML4 + 256 * 8, PDPT | 3);
	put64(PDPT, PAGE_DIRECTORY | 3);
	put64(PAGE_DIRECTORY, 0 | 0x83);
}


static void
build_framebuffer(void)
{
	sArgs.framebuffer = (kernel_framebuffer){
		.physical_address = FRAMEBUFFER,
		.address = PHYSICAL_MAP + FRAMEBUFFER,
		.size = PAGE,
		.width = FB_WIDTH,
		.height = FB_HEIGHT,
		.bytes_per_line = FB_PITCH,
		.bits_per_pixel = 32,
		.red_mask = 0xff0000,
		.green_mask = 0xff00,
		.blue_mask = 0xff,
		.reserved_mask = 0xff000000,
	};
	sArgs.num_memory_map_entries = 2;
	sArgs.memory_map[0] = (memory_map_entry){ 0, RAM_END, KERNEL_MEMORY_USABLE, 0 };
	sArgs.memory_map[1] = (memory_map_entry){ FRAMEBUFFER, PAGE, KERNEL_MEMORY_FRAMEBUFFER, 0 };
}


/* Consistent firmware fields and tables, every check's prerequisites passed. */
static void
build(void)
{
	memset(sMemory, 0, sizeof(sMemory));
	memset(&sArgs, 0, sizeof(sArgs));
	sArgs.magic = KERNEL_ARGS_MAGIC;
	sArgs.physical_map_base = PHYSICAL_MAP;
	sArgs.physical_map_size = MEMORY_SIZE;
	sArgs.num_virtual_allocated_ranges = 1;
	sArgs.virtual_allocated_range[0] = (addr_range){ PHYSICAL_MAP, MEMORY_SIZE };
	sArgs.num_physical_memory_ranges = 1;
	sArgs.physical_memory_range[0] = (addr_range){ 0, RAM_END };
	sArgs.boot_cpu_id = 3;
	build_acpi();
	build_smbios();
	build_efi();
	build_framebuffer();

	sCpu = (struct bootcheck_cpu_state){
		.cr3 = PML4, .cr0 = 0x80010033, .cr4 = 0x668, .apic_id = 3,
		.x2apic_id = BOOTCHECK_NO_X2APIC_ID,
	};
	sMachine = (struct bootcheck_machine){ .efi_get_time = fake_get_time,
		.write_virtual = fake_write_virtual };
	sEnvironment = (struct bootcheck_environment){
		.args = &sArgs,
		.cpu = &sCpu,
		.memory = { fake_read_virtual, fake_read_physical, NULL },
		.machine = &sMachine,
		.output = fake_output,
	};
	memset(&sContext, 0, sizeof(sContext));
	sContext.environment = &sEnvironment;
	sContext.args = &sArgs;
	sContext.page_root = PML4;
	for (int i = 0; i < KCHECK_COUNT; i++)
		sContext.status[i] = KCHECK_PASSED;

	sGetTimeStatus = 0;
	sGetTimeYear = 2024;
	sGetTimeFunction = 0;
	sGetTimeField = -1;
	sWritesDropped = false;
}


static bool
run(kcheck_function check)
{
	sOutputLength = 0;
	sOutput[0] = '\0';
	sReason[0] = '\0';
	return check(&sContext, sReason, sizeof(sReason));
}


static void
expect_failure(kcheck_function check, const char *text, int line)
{
	if (run(check) || strstr(sReason, text) == NULL)
		unit_fail(__FILE__, line, "expected a failure with \"%s\", got \"%s\"", text, sReason);
}


static void
expect_pass(kcheck_function check, int line)
{
	if (!run(check))
		unit_fail(__FILE__, line, "expected a pass, got \"%s\"", sReason);
}

#define EXPECT_FAILURE(check, text)	expect_failure(check, text, __LINE__)
#define EXPECT_PASS(check)			expect_pass(check, __LINE__)


TEST(firmware_tables_as_handed_over_pass)
{
	build();
	EXPECT_PASS(kcheck_acpi_rsdp);
	EXPECT_PASS(kcheck_acpi_tables);
	CHECK(strstr(sOutput, "acpi: XSDT 0x10100, OEM \"FAKEOE\", 2 tables: FACP APIC\n")
		!= NULL);
	EXPECT_PASS(kcheck_smbios);
	CHECK(strstr(sOutput, "smbios: 2.8 entry point 0x20000, table 0x21000, 28 bytes,"
		" 3 structures, BIOS vendor \"Vendor\"\n") != NULL);
	CHECK(strstr(sOutput, "smbios: 3.0 64-bit entry point 0x20100") != NULL);
	EXPECT_PASS(kcheck_boot_cpu_id);
	EXPECT_PASS(kcheck_framebuffer);
	EXPECT_PASS(kcheck_efi_tables);
	CHECK(strstr(sOutput, "runtime services 0xffff800000030100, 2 runtime ranges") != NULL);
}


TEST(acpi_1_0_rsdt_passes)
{
	build();
	put8(RSDP + 15, 0);
	fix_checksum(RSDP, 20, RSDP + 8);
	sArgs.acpi_revision = 0;
	EXPECT_PASS(kcheck_acpi_rsdp);
	EXPECT_PASS(kcheck_acpi_tables);
	CHECK(strstr(sOutput, "acpi: RSDT 0x10400") != NULL);
}


TEST(acpi_rsdp_faults_fail)
{
	build();
	put8(RSDP + 8, sMemory[RSDP + 8] + 1);
	EXPECT_FAILURE(kcheck_acpi_rsdp, "RSDP 0x10000: bad checksum");

	build();
	put8(RSDP + 32, sMemory[RSDP + 32] + 1);
	EXPECT_FAILURE(kcheck_acpi_rsdp, "bad extended checksum");

	build();
	sArgs.acpi_revision = 0;
	EXPECT_FAILURE(kcheck_acpi_rsdp, "acpi_revision 0, but the RSDP says 2");

	build();
	sArgs.acpi_rsdp = RSDP + 16;
	EXPECT_FAILURE(kcheck_acpi_rsdp, "bad signature");

	build();
	sArgs.acpi_rsdp = MEMORY_SIZE + PAGE;
	EXPECT_FAILURE(kcheck_acpi_rsdp, "cannot be read");

	/* A 2.0 RSDP too short for its XSDT address, its checksums right. */
	build();
	put32(RSDP + 20, 20);
	fix_checksum(RSDP, 20, RSDP + 32);
	EXPECT_FAILURE(kcheck_acpi_rsdp, "RSDP length 20");
}


TEST(acpi_table_faults_fail)
{
	build();
	put8(APIC + 20, 0x55);
	EXPECT_FAILURE(kcheck_acpi_tables, "XSDT entry 1: APIC at 0x10300: checksum off by");

	build();
	memcpy(sMemory + XSDT, "RSDT", 4);
	fix_checksum(XSDT, 52, XSDT + 9);
	EXPECT_FAILURE(kcheck_acpi_tables, "expected XSDT");

	build();
	put64(XSDT + 44, MEMORY_SIZE * 4);
	fix_checksum(XSDT, 52, XSDT + 9);
	EXPECT_FAILURE(kcheck_acpi_tables, "XSDT entry 1: table at 0x400000 cannot be read");

	build();
	sContext.status[KCHECK_ACPI_RSDP] = KCHECK_FAILED;
	EXPECT_FAILURE(kcheck_acpi_tables, "not run: check acpi_rsdp failed");

	/* Shorter than its own header, with a checksum that holds for the 35 bytes. */
	build();
	put32(APIC + 4, 35);
	fix_checksum(APIC, 35, APIC + 9);
	EXPECT_FAILURE(kcheck_acpi_tables, "XSDT entry 1: APIC at 0x10300 has length 35");
}


/* The checksum takes in every byte, the last one too. */
TEST(acpi_checksums_cover_the_tables_last_byte)
{
	build();
	put8(FACP + 115, 0x5a);
	fix_checksum(FACP, 116, FACP + 9);
	EXPECT_PASS(kcheck_acpi_tables);
	put8(FACP + 115, 0x5b);
	EXPECT_FAILURE(kcheck_acpi_tables, "XSDT entry 0: FACP at 0x10200: checksum off by 1");
}


TEST(smbios_faults_fail)
{
	build();
	put8(SMBIOS_ENTRY + 0x15, sMemory[SMBIOS_ENTRY + 0x15] + 1);
	fix_checksum(SMBIOS_ENTRY, 0x1f, SMBIOS_ENTRY + 4);
	EXPECT_FAILURE(kcheck_smbios, "_SM_ 0x20000: bad _DMI_ part");

	build();
	put16(SMBIOS_ENTRY + 0x1c, 4);
	fix_checksum(SMBIOS_ENTRY + 0x10, 15, SMBIOS_ENTRY + 0x15);
	fix_checksum(SMBIOS_ENTRY, 0x1f, SMBIOS_ENTRY + 4);
	EXPECT_FAILURE(kcheck_smbios, "holds 3 structures, the entry point says 4");

	build();
	put8(SMBIOS3_ENTRY + 5, sMemory[SMBIOS3_ENTRY + 5] + 1);
	EXPECT_FAILURE(kcheck_smbios, "_SM3_ 0x20100: bad checksum");

	/* Without the end-of-table structure the walk runs out of table. */
	build();
	sArgs.smbios_entry = 0;
	put8(SMBIOS_TABLE + 22, 2);
	put32(SMBIOS3_ENTRY + 12, 28);
	fix_checksum(SMBIOS3_ENTRY, 0x18, SMBIOS3_ENTRY + 5);
	EXPECT_FAILURE(kcheck_smbios, "no end-of-table structure within 28 bytes");

	build();
	put8(SMBIOS_TABLE + 1, 2);
	EXPECT_FAILURE(kcheck_smbios, "structure 0 (type 0) has length 2");
}


/*
 * The tables kernel_args names must be in memory the kernel keeps: the
 * fixture's map has them all in usable RAM; then the ACPI and SMBIOS ones
 * are in ACPI and runtime memory and a device tree moves about.
 */
TEST(firmware_tables_must_be_in_memory_the_kernel_keeps)
{
	build();
	EXPECT_FAILURE(kcheck_firmware_memory,
		"ACPI RSDP 0x10000 (36 bytes): page 0x10000 is usable, which the kernel may reuse");

	const memory_map_entry kKept[] = {
		{ 0, RSDP, KERNEL_MEMORY_USABLE, 0 },
		{ RSDP, SMBIOS_ENTRY - RSDP, KERNEL_MEMORY_ACPI_RECLAIMABLE, 0 },
		{ SMBIOS_ENTRY, 2 * PAGE, KERNEL_MEMORY_RUNTIME_DATA, 0 },
		{ SMBIOS_ENTRY + 2 * PAGE, PAGE, KERNEL_MEMORY_LOADER_RECLAIMABLE, 0 },
		{ SMBIOS_ENTRY + 3 * PAGE, RAM_END - SMBIOS_ENTRY - 3 * PAGE, KERNEL_MEMORY_USABLE, 0 },
	};
	sArgs.num_memory_map_entries = sizeof(kKept) / sizeof(kKept[0]);
	memcpy(sArgs.memory_map, kKept, sizeof(kKept));
	EXPECT_PASS(kcheck_firmware_memory);
	sArgs.device_tree = SMBIOS_ENTRY;
	sArgs.device_tree_size = PAGE;
	EXPECT_PASS(kcheck_firmware_memory);
	/* From runtime data into the loader's page. */
	sArgs.device_tree = SMBIOS_ENTRY + 2 * PAGE - 0x100;
	EXPECT_FAILURE(kcheck_firmware_memory,
		"device tree 0x21f00 (4096 bytes): page 0x22000 is loader-reclaimable");
	sArgs.device_tree = RAM_END - PAGE;
	EXPECT_FAILURE(kcheck_firmware_memory, "page 0x7f000 is usable");
	/* Past the map's end: ROM, say, which nobody reuses. */
	sArgs.device_tree = RAM_END + 4 * PAGE;
	EXPECT_PASS(kcheck_firmware_memory);
	sArgs.smbios3_entry = RAM_END - PAGE;
	EXPECT_FAILURE(kcheck_firmware_memory, "SMBIOS 3 entry point 0x7f000 (24 bytes)");
}


TEST(apic_id_must_match_cpuid)
{
	build();
	sCpu.apic_id = 2;
	EXPECT_FAILURE(kcheck_boot_cpu_id, "boot_cpu_id 3, CPUID leaf 1 says 2");

	build();
	sArgs.boot_cpu_id = 0x103;
	sCpu.x2apic_id = 0x103;
	EXPECT_PASS(kcheck_boot_cpu_id);
	sCpu.x2apic_id = 0x203;
	EXPECT_FAILURE(kcheck_boot_cpu_id, "CPUID leaf 0xb says 515");
}


TEST(no_framebuffer_is_valid_but_must_be_empty)
{
	build();
	sArgs.framebuffer = (kernel_framebuffer){ 0 };
	EXPECT_PASS(kcheck_framebuffer);
	sArgs.framebuffer.width = 640;
	EXPECT_FAILURE(kcheck_framebuffer, "no physical address, but address 0 size 0, 640x0");
}


TEST(framebuffer_faults_fail)
{
	build();
	sArgs.framebuffer.green_mask = 0x1ff00;
	EXPECT_FAILURE(kcheck_framebuffer, "green mask 0x1ff00 overlaps another channel");

	build();
	sArgs.framebuffer.bits_per_pixel = 16;
	EXPECT_FAILURE(kcheck_framebuffer, "red mask 0xff0000 outside a 16-bit pixel");

	build();
	sArgs.framebuffer.bytes_per_line = FB_WIDTH * 4 - 4;
	EXPECT_FAILURE(kcheck_framebuffer, "252 bytes per line for 64 pixels of 32 bits");

	build();
	sArgs.framebuffer.height = 17;
	EXPECT_FAILURE(kcheck_framebuffer, "size 0x1000, the mode needs 0x1100");

	build();
	sArgs.framebuffer.address += PAGE;
	EXPECT_FAILURE(kcheck_framebuffer, "physical map has it at 0xffff800000080000");

	build();
	sArgs.framebuffer.physical_address = MEMORY_SIZE;
	EXPECT_FAILURE(kcheck_framebuffer, "beyond the physical map");

	build();
	sArgs.physical_memory_range[0].size = FRAMEBUFFER + PAGE;
	EXPECT_FAILURE(kcheck_framebuffer, "0x80000-0x81000 overlaps RAM 0-0x81000");

	build();
	sArgs.memory_map[1].type = KERNEL_MEMORY_MMIO;
	EXPECT_FAILURE(kcheck_framebuffer, "entry 1 at 0x80000 has type 7, not framebuffer");

	build();
	sArgs.num_memory_map_entries = 1;
	EXPECT_FAILURE(kcheck_framebuffer, "0x80000-0x81000 not in the memory map");
}


TEST(pattern_is_drawn_and_read_back)
{
	build();
	EXPECT_PASS(kcheck_framebuffer_pattern);
	CHECK(strstr(sOutput, "framebuffer: pattern drawn, 8 colour bars on 64x16") != NULL);
	/* Bar 1 (yellow) from x 8, bar 6 (blue) on the last line. */
	uint32_t pixel;
	memcpy(&pixel, sMemory + FRAMEBUFFER + 8 * 4, 4);
	CHECK_EQ(pixel, 0xffff00);
	memcpy(&pixel, sMemory + FRAMEBUFFER + 15 * FB_PITCH + 55 * 4, 4);
	CHECK_EQ(pixel, 0xff);

	/* A 24-bit RGB layout: three bytes a pixel, red first. */
	build();
	sArgs.framebuffer.bits_per_pixel = 24;
	sArgs.framebuffer.red_mask = 0xff;
	sArgs.framebuffer.blue_mask = 0xff0000;
	sArgs.framebuffer.reserved_mask = 0;
	EXPECT_PASS(kcheck_framebuffer_pattern);
	CHECK_EQ(sMemory[FRAMEBUFFER + 5 * FB_PITCH + 36 * 3], 0xff);		/* magenta: red */
	CHECK_EQ(sMemory[FRAMEBUFFER + 5 * FB_PITCH + 36 * 3 + 1], 0);
	CHECK_EQ(sMemory[FRAMEBUFFER + 5 * FB_PITCH + 36 * 3 + 2], 0xff);	/* and blue */

	build();
	sWritesDropped = true;
	EXPECT_FAILURE(kcheck_framebuffer_pattern, "pixel 4,0 reads 0, drew 0xffffff");
}


TEST(efi_table_faults_fail)
{
	build();
	put32(SYSTEM_TABLE + 8, 0x20050);
	EXPECT_FAILURE(kcheck_efi_tables, "system table 0xffff800000030000: CRC");

	build();
	EFI_ARGS->runtime_services += 8;
	EXPECT_FAILURE(kcheck_efi_tables, "system table says RuntimeServices 0xffff800000030100");

	build();
	put64(RUNTIME_SERVICES, 0x1234);
	fix_crc(RUNTIME_SERVICES, 136);
	EXPECT_FAILURE(kcheck_efi_tables, "runtime services 0xffff800000030100: signature 0x1234");

	build();
	put64(EFI_MAP + 2 * EFI_DESCRIPTOR_SIZE + 16, RUNTIME_CODE);
	EXPECT_FAILURE(kcheck_efi_tables, "runtime range 0x40000 at 0x40000, expected");

	build();
	EFI_ARGS->memory_map_size = 2 * EFI_DESCRIPTOR_SIZE + 8;
	EXPECT_FAILURE(kcheck_efi_tables, "memory map size 104 for 48-byte descriptors");

	build();
	EFI_ARGS->memory_map = PHYSICAL_MAP + MEMORY_SIZE;
	EXPECT_FAILURE(kcheck_efi_tables, "not inside a virtual allocated range");

	/* The system table outside every runtime range would vanish under the kernel. */
	build();
	efi_descriptor(1, 6, SYSTEM_TABLE + PAGE, 1, EFI_MEMORY_RUNTIME);
	efi_descriptor(4, 4, SYSTEM_TABLE, (RUNTIME_CODE - SYSTEM_TABLE) / PAGE, 0xf);
	EXPECT_FAILURE(kcheck_efi_tables, "system table 0xffff800000030000 not in a runtime range");

	/* A header too short for the fields read from it, even with a good CRC. */
	build();
	put32(SYSTEM_TABLE + 12, 96);
	fix_crc(SYSTEM_TABLE, 96);
	EXPECT_FAILURE(kcheck_efi_tables, "system table 0xffff800000030000: header size 96");
}


TEST(efi_memory_map_faults_fail)
{
	build();
	EFI_ARGS->descriptor_size = EFI_DESCRIPTOR_SIZE + 4;
	EFI_ARGS->memory_map_size = 5 * (EFI_DESCRIPTOR_SIZE + 4);
	EXPECT_FAILURE(kcheck_efi_tables, "descriptor size 52 version 1");

	build();
	EFI_ARGS->descriptor_version = 2;
	EXPECT_FAILURE(kcheck_efi_tables, "descriptor size 48 version 2");

	/* SetVirtualAddressMap was given nothing to keep. */
	build();
	efi_descriptor(1, 6, SYSTEM_TABLE, 1, 0xf);
	efi_descriptor(2, 5, RUNTIME_CODE, 1, 0xf);
	EXPECT_FAILURE(kcheck_efi_tables, "memory map without runtime ranges");

	/* A runtime range may end where the physical map ends, not a page later. */
	build();
	efi_descriptor(5, 6, MEMORY_SIZE - PAGE, 1, EFI_MEMORY_RUNTIME | 0xf);
	EFI_ARGS->memory_map_size = 6 * EFI_DESCRIPTOR_SIZE;
	EXPECT_PASS(kcheck_efi_tables);
	CHECK(strstr(sOutput, "3 runtime ranges") != NULL);
	efi_descriptor(5, 6, MEMORY_SIZE - PAGE, 2, EFI_MEMORY_RUNTIME | 0xf);
	EXPECT_FAILURE(kcheck_efi_tables, "runtime range 0xff000-0x101000 beyond the physical map");
}


/* The map the runtime services keep is the firmware's whole map. */
TEST(efi_memory_map_holds_all_of_memory)
{
	/* The last descriptor lost, as by a size one descriptor short. */
	build();
	EFI_ARGS->memory_map_size = 4 * EFI_DESCRIPTOR_SIZE;
	EXPECT_FAILURE(kcheck_efi_tables, "memory at 0x31000 is in no descriptor of the memory map");

	/* A page missing at the end of memory, and one in the middle. */
	build();
	efi_descriptor(3, 2, RUNTIME_CODE + PAGE, (RAM_END - RUNTIME_CODE) / PAGE - 2, 0xf);
	EXPECT_FAILURE(kcheck_efi_tables, "memory at 0x7f000 is in no descriptor");
	build();
	efi_descriptor(2, 5, RUNTIME_CODE + PAGE, 1, EFI_MEMORY_RUNTIME | 0xf);
	efi_descriptor(3, 2, RUNTIME_CODE + 2 * PAGE, (RAM_END - RUNTIME_CODE) / PAGE - 2, 0xf);
	EXPECT_FAILURE(kcheck_efi_tables, "memory at 0x40000 is in no descriptor");

	/* Overlapping descriptors, and one whose pages just pass 2^64, hold what they reach. */
	build();
	efi_descriptor(3, 2, RUNTIME_CODE - PAGE, (UINT64_MAX - (RUNTIME_CODE - PAGE)) / PAGE + 1,
		0xf);
	EXPECT_PASS(kcheck_efi_tables);
}


TEST(get_time_is_called_through_the_runtime_services)
{
	build();
	EXPECT_PASS(kcheck_efi_get_time);
	CHECK_EQ(sGetTimeFunction, PHYSICAL_MAP + GET_TIME);
	CHECK(strstr(sOutput, "efi: GetTime 2024-07-14 12:30:05") != NULL);
}


TEST(get_time_is_not_called_when_unsafe)
{
	build();
	put64(PAGE_DIRECTORY, 0x83 | PTE_NO_EXECUTE);
	EXPECT_FAILURE(kcheck_efi_get_time, "GetTime 0xffff800000040010 is mapped non-executable");
	CHECK_EQ(sGetTimeFunction, 0);

	build();
	put64(RUNTIME_SERVICES + 24, PHYSICAL_MAP + SYSTEM_TABLE);
	EXPECT_FAILURE(kcheck_efi_get_time, "GetTime 0xffff800000030000 not in runtime code");
	CHECK_EQ(sGetTimeFunction, 0);

	/* The last byte of the runtime code range is in it, the byte after is not. */
	build();
	put64(RUNTIME_SERVICES + 24, PHYSICAL_MAP + RUNTIME_CODE + PAGE - 1);
	fix_crc(RUNTIME_SERVICES, 136);
	EXPECT_PASS(kcheck_efi_get_time);
	CHECK_EQ(sGetTimeFunction, PHYSICAL_MAP + RUNTIME_CODE + PAGE - 1);
	put64(RUNTIME_SERVICES + 24, PHYSICAL_MAP + RUNTIME_CODE + PAGE);
	fix_crc(RUNTIME_SERVICES, 136);
	sGetTimeFunction = 0;
	EXPECT_FAILURE(kcheck_efi_get_time, "GetTime 0xffff800000041000 not in runtime code");
	CHECK_EQ(sGetTimeFunction, 0);

	build();
	sCpu.cr4 &= ~CR4_OSFXSR;
	EXPECT_FAILURE(kcheck_efi_get_time, "SSE is not usable: CR0 0x80010033 CR4 0x468");
	sCpu.cr4 |= CR4_OSFXSR;
	sCpu.cr0 |= CR0_TASK_SWITCHED;
	EXPECT_FAILURE(kcheck_efi_get_time, "SSE is not usable");
	CHECK_EQ(sGetTimeFunction, 0);

	build();
	sContext.status[KCHECK_EFI_TABLES] = KCHECK_FAILED;
	EXPECT_FAILURE(kcheck_efi_get_time, "not run: check efi_tables failed");
	CHECK_EQ(sGetTimeFunction, 0);
}


/*
 * U-Boot converts the system table's pointers in SetVirtualAddressMap but
 * keeps the CRC it computed before: accepted, as long as that CRC holds for
 * the table with those pointers taken back to physical addresses.
 */
TEST(system_table_crc_from_before_the_virtual_map_passes)
{
	build();
	put64(SYSTEM_TABLE + 24, SYSTEM_TABLE + 0x80);		/* FirmwareVendor */
	put64(SYSTEM_TABLE + 88, RUNTIME_SERVICES);
	put64(SYSTEM_TABLE + 112, CONFIGURATION_TABLE);
	fix_crc(SYSTEM_TABLE, 120);
	put64(SYSTEM_TABLE + 24, PHYSICAL_MAP + SYSTEM_TABLE + 0x80);
	put64(SYSTEM_TABLE + 88, PHYSICAL_MAP + RUNTIME_SERVICES);
	put64(SYSTEM_TABLE + 112, PHYSICAL_MAP + CONFIGURATION_TABLE);
	EXPECT_PASS(kcheck_efi_tables);
	CHECK(strstr(sOutput, "CRC predates SetVirtualAddressMap") != NULL);

	/* Any other change still fails. */
	put32(SYSTEM_TABLE + 32, 0x1234);
	EXPECT_FAILURE(kcheck_efi_tables, "system table 0xffff800000030000: CRC");
}


/* EFI_UNSUPPORTED passes only when the firmware's EFI_RT_PROPERTIES_TABLE says so. */
TEST(get_time_may_be_unsupported_when_the_firmware_says_so)
{
	static const uint8_t kGuid[16] = { 0x8a, 0x91, 0x66, 0xeb, 0xef, 0x7e, 0x2a, 0x40,
		0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9 };
	build();
	sGetTimeStatus = 0x8000000000000003ULL;
	EXPECT_FAILURE(kcheck_efi_get_time, "GetTime returned 0x8000000000000003");

	/* The table's own pointer stays physical, as firmware leaves it. */
	memcpy(sMemory + CONFIGURATION_TABLE, kGuid, sizeof(kGuid));
	put64(CONFIGURATION_TABLE + 16, RT_PROPERTIES);
	put64(SYSTEM_TABLE + 104, 1);
	put64(SYSTEM_TABLE + 112, PHYSICAL_MAP + CONFIGURATION_TABLE);
	put32(RT_PROPERTIES, 1 | 8 << 16);			/* version 1, length 8 */
	put32(RT_PROPERTIES + 4, 0x3ffe);			/* everything but GetTime */
	EXPECT_PASS(kcheck_efi_get_time);
	CHECK(strstr(sOutput, "GetTime is unsupported at runtime") != NULL);

	/* The table excuses EFI_UNSUPPORTED only, not a device error. */
	sGetTimeStatus = 0x8000000000000007ULL;
	EXPECT_FAILURE(kcheck_efi_get_time, "GetTime returned 0x8000000000000007");

	sGetTimeStatus = 0x8000000000000003ULL;
	put32(RT_PROPERTIES + 4, 0x3fff);
	EXPECT_FAILURE(kcheck_efi_get_time, "GetTime returned 0x8000000000000003");
}


TEST(get_time_results_are_checked)
{
	build();
	sGetTimeStatus = 0x8000000000000007ULL;
	EXPECT_FAILURE(kcheck_efi_get_time, "GetTime returned 0x8000000000000007");

	build();
	sGetTimeYear = 1900;
	EXPECT_FAILURE(kcheck_efi_get_time, "GetTime gave an implausible time");
	CHECK(strstr(sOutput, "efi: GetTime 1900-07-14") != NULL);
}


/* Each field of EFI_TIME at the last value in its range passes, one past it fails. */
TEST(get_time_fields_are_held_to_their_ranges)
{
	static const struct {
		int		field;		/* byte of EFI_TIME: 2 month, 3 day, 4 hour, 5 minute, 6 second */
		uint8_t	last;
		uint8_t	first;
	} kFields[] = { { 2, 12, 1 }, { 3, 31, 1 }, { 4, 23, 0 }, { 5, 59, 0 }, { 6, 59, 0 } };
	for (size_t i = 0; i < sizeof(kFields) / sizeof(kFields[0]); i++) {
		build();
		sGetTimeField = kFields[i].field;
		sGetTimeValue = kFields[i].last;
		EXPECT_PASS(kcheck_efi_get_time);
		sGetTimeValue = kFields[i].first;
		EXPECT_PASS(kcheck_efi_get_time);
		sGetTimeValue = kFields[i].last + 1;
		EXPECT_FAILURE(kcheck_efi_get_time, "GetTime gave an implausible time");
		if (kFields[i].first > 0) {
			sGetTimeValue = kFields[i].first - 1;
			EXPECT_FAILURE(kcheck_efi_get_time, "GetTime gave an implausible time");
		}
	}
	build();
	sGetTimeYear = 2200;
	EXPECT_PASS(kcheck_efi_get_time);
	sGetTimeYear = 2201;
	EXPECT_FAILURE(kcheck_efi_get_time, "GetTime gave an implausible time");
	sGetTimeYear = 2000;
	EXPECT_PASS(kcheck_efi_get_time);
	sGetTimeYear = 1999;
	EXPECT_FAILURE(kcheck_efi_get_time, "GetTime gave an implausible time");
}


/* --- the CPU list against the MADT ------------------------------------------ */

#define CPU_LIST			0x50000ULL
#define MADT_LAPIC_LENGTH	8

/* The MADT with a processor local APIC entry per id, with its flags. */
static void
build_madt(const uint8_t *ids, const uint32_t *flags, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		uint64_t entry = APIC + 44 + i * MADT_LAPIC_LENGTH;
		put8(entry, 0);
		put8(entry + 1, MADT_LAPIC_LENGTH);
		put8(entry + 2, (uint8_t)i);
		put8(entry + 3, ids[i]);
		put32(entry + 4, flags[i]);
	}
	acpi_table(APIC, "APIC", 44 + count * MADT_LAPIC_LENGTH);
}


/* The list the loader would hand over: the boot CPU (id 3) first. */
static void
build_cpu_list(const uint64_t *ids, const uint32_t *states, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		kernel_cpu_entry *cpu = (kernel_cpu_entry *)(sMemory + CPU_LIST) + i;
		*cpu = (kernel_cpu_entry){ .hardware_id = ids[i], .state = states[i] };
	}
	sArgs.cpus = PHYSICAL_MAP + CPU_LIST;
	sArgs.num_cpus = count;
	sArgs.cpu_entry_size = sizeof(kernel_cpu_entry);
}


TEST(exactly_the_madt_cpus_are_listed)
{
	static const uint8_t kIds[] = { 3, 5, 7, 9 };
	/* Enabled, enabled, online capable only, neither (not there at all). */
	static const uint32_t kFlags[] = { 1, 1, 2, 0 };
	static const uint64_t kListed[] = { 3, 5, 7 };
	static const uint32_t kStates[] = { KERNEL_CPU_BOOT, KERNEL_CPU_STARTED,
		KERNEL_CPU_OFFLINE };

	build();
	build_madt(kIds, kFlags, 4);
	build_cpu_list(kListed, kStates, 3);
	EXPECT_PASS(kcheck_cpus_firmware);

	/* A CPU dropped from the list, and one listed as running that is only capable. */
	build_cpu_list(kListed, kStates, 2);
	EXPECT_FAILURE(kcheck_cpus_firmware, "the MADT's CPU 0x7 is not listed");
	static const uint32_t kWrong[] = { KERNEL_CPU_BOOT, KERNEL_CPU_STARTED,
		KERNEL_CPU_STARTED };
	build_cpu_list(kListed, kWrong, 3);
	EXPECT_FAILURE(kcheck_cpus_firmware, "cpus[2] (id 0x7) is in state 2, but the MADT says it"
		" is only online capable");

	/* A CPU the MADT does not name. */
	build_madt(kIds, kFlags, 2);
	build_cpu_list(kListed, kStates, 3);
	EXPECT_FAILURE(kcheck_cpus_firmware, "3 CPUs listed, the MADT names 2");
}


TEST(without_acpi_or_a_madt_one_cpu_is_listed)
{
	static const uint64_t kListed[] = { 3, 5 };
	static const uint32_t kStates[] = { KERNEL_CPU_BOOT, KERNEL_CPU_STARTED };
	static const uint8_t kIds[] = { 3, 5 };
	static const uint32_t kFlags[] = { 1, 1 };

	/* The fixture's MADT names no CPU. */
	build();
	build_cpu_list(kListed, kStates, 1);
	EXPECT_PASS(kcheck_cpus_firmware);
	build_cpu_list(kListed, kStates, 2);
	EXPECT_FAILURE(kcheck_cpus_firmware, "2 CPUs listed, the MADT names 0 (read: yes)");

	/* disable_acpi: the loader read no MADT, so it lists the boot CPU alone. */
	build();
	build_madt(kIds, kFlags, 2);
	sArgs.boot_options = BOOT_OPTION_DISABLE_ACPI;
	build_cpu_list(kListed, kStates, 1);
	EXPECT_PASS(kcheck_cpus_firmware);
	build_cpu_list(kListed, kStates, 2);
	EXPECT_FAILURE(kcheck_cpus_firmware, "2 CPUs listed, the MADT names 0 (read: no)");
}


/* --- the CPU list against the device tree ---------------------------------- */

#define DEVICE_TREE			0x60000ULL
#define FDT_STRUCTURE		0x38	/* past the header and an empty reservation map */

static uint32_t sTreeAt;
static uint32_t sTreeStrings;
static char sTreeStringBlock[128];


static void
tree_be32(uint32_t value)
{
	uint8_t bytes[4] = { value >> 24, value >> 16, value >> 8, value };
	memcpy(sMemory + DEVICE_TREE + sTreeAt, bytes, 4);
	sTreeAt += 4;
}


static void
tree_bytes(const void *bytes, uint32_t length)
{
	memcpy(sMemory + DEVICE_TREE + sTreeAt, bytes, length);
	sTreeAt = (sTreeAt + length + 3) & ~3u;
}


static void
tree_node(const char *name)
{
	tree_be32(1);
	tree_bytes(name, (uint32_t)strlen(name) + 1);
}


static void
tree_property(const char *name, const void *value, uint32_t length)
{
	tree_be32(3);
	tree_be32(length);
	tree_be32(sTreeStrings);
	strcpy(sTreeStringBlock + sTreeStrings, name);
	sTreeStrings += (uint32_t)strlen(name) + 1;
	tree_bytes(value, length);
}


static void
tree_cpu(const char *name, uint32_t reg, const char *status)
{
	uint8_t cell[4] = { reg >> 24, reg >> 16, reg >> 8, reg };
	tree_node(name);
	tree_property("device_type", "cpu", 4);
	tree_property("reg", cell, 4);
	if (status != NULL)
		tree_property("status", status, (uint32_t)strlen(status) + 1);
	tree_be32(2);
}


/*
 * U-Boot's tree of QEMU virt, reduced to /cpus: CPUs 3 and 5 that may run,
 * 7 disabled, a cpu-map that is no CPU; and no ACPI.
 */
static void
build_device_tree(void)
{
	sTreeAt = FDT_STRUCTURE;
	sTreeStrings = 0;
	static const uint8_t kOneCell[4] = { 0, 0, 0, 1 };
	tree_node("");
	tree_node("cpus");
	tree_property("#address-cells", kOneCell, 4);
	tree_cpu("cpu@3", 3, NULL);
	tree_cpu("cpu@5", 5, "okay");
	tree_cpu("cpu@7", 7, "disabled");
	tree_node("cpu-map");
	tree_be32(2);
	tree_be32(2);
	tree_be32(2);
	tree_be32(9);
	uint32_t strings = sTreeAt;
	memcpy(sMemory + DEVICE_TREE + strings, sTreeStringBlock, sTreeStrings);
	uint32_t size = strings + sTreeStrings;
	sTreeAt = 0;
	const uint32_t kHeader[] = { 0xd00dfeed, size, FDT_STRUCTURE, strings, 0x28, 17, 16, 0,
		sTreeStrings, strings - FDT_STRUCTURE };
	for (unsigned i = 0; i < 10; i++)
		tree_be32(kHeader[i]);
	sArgs.device_tree = DEVICE_TREE;
	sArgs.device_tree_size = size;
	sArgs.acpi_rsdp = 0;
}


TEST(without_acpi_exactly_the_device_tree_cpus_are_listed)
{
	static const uint64_t kListed[] = { 3, 5, 7 };
	static const uint32_t kStates[] = { KERNEL_CPU_BOOT, KERNEL_CPU_STARTED,
		KERNEL_CPU_STARTED };

	build();
	build_device_tree();
	build_cpu_list(kListed, kStates, 2);
	EXPECT_PASS(kcheck_cpus_firmware);
	build_cpu_list(kListed, kStates, 1);
	EXPECT_FAILURE(kcheck_cpus_firmware, "the device tree's CPU 0x5 is not listed");
	/* The disabled CPU is not the machine's to run. */
	build_cpu_list(kListed, kStates, 3);
	EXPECT_FAILURE(kcheck_cpus_firmware, "3 CPUs listed, the device tree names 2");

	/* A tree that is not one, or whose structure ends inside /cpus, fails. */
	build_cpu_list(kListed, kStates, 2);
	put32(DEVICE_TREE, 0);
	EXPECT_FAILURE(kcheck_cpus_firmware, "the device tree at 0x60000 has a bad header");
	build_device_tree();
	static const uint8_t kShortStructure[4] = { 0, 0, 0, 0x40 };
	memcpy(sMemory + DEVICE_TREE + 36, kShortStructure, 4);
	EXPECT_FAILURE(kcheck_cpus_firmware, "the device tree's structure is malformed at 0x78");

	/* ACPI, where there is some, wins. */
	build();
	build_device_tree();
	sArgs.acpi_rsdp = RSDP;
	build_cpu_list(kListed, kStates, 2);
	EXPECT_FAILURE(kcheck_cpus_firmware, "2 CPUs listed, the MADT names 0 (read: yes)");
}
