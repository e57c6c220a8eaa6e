/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's ACPI readers (src/system/boot/platform/efi/
 * acpi.c, madt.c, spcr.c): which RSDP is believed and why one is not, tables
 * found through an RSDT and an XSDT and refused when corrupt, the MADT's
 * walk, the UART an SPCR names and the PM timer the FADT names. The readers are compiled right into this
 * test with gnu-efi's headers; the tables are built here
 * (tests/support/acpi_builder.h).
 */
#include <stdbool.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/acpi.c"
#include "../../src/system/boot/platform/efi/madt.c"
#include "../../src/system/boot/platform/efi/pm_timer.c"
#include "../../src/system/boot/platform/efi/spcr.c"
#include "../../src/system/boot/platform/efi/tables.c"
#include "../support/acpi_builder.h"
#include "../support/efi_port_fakes.h"

#include "unit_test.h"

static EFI_GUID sAcpi20 = ACPI_20_TABLE_GUID;
static EFI_GUID sAcpi10 = ACPI_TABLE_GUID;


/* The firmware lists rsdp20 under the ACPI 2.0 GUID and rsdp10 under 1.0's. */
static void
set_rsdps(struct acpi_rsdp *rsdp20, struct acpi_rsdp *rsdp10)
{
	EFI_GUID guids[2];
	void *tables[2];
	unsigned count = 0;
	if (rsdp20 != NULL) {
		guids[count] = sAcpi20;
		tables[count++] = rsdp20;
	}
	if (rsdp10 != NULL) {
		guids[count] = sAcpi10;
		tables[count++] = rsdp10;
	}
	fakes_set_tables(count, guids, tables);
	boot_log_clear();
}


static void
finish(void)
{
	set_rsdps(NULL, NULL);
	acpi_memory_free_all();
}


/* --- the RSDP ------------------------------------------------------------- */

TEST(acpi_rsdp_of_the_20_guid_comes_first)
{
	struct acpi_rsdp *rsdp20 = acpi_rsdp_new(2, NULL, 0);
	struct acpi_rsdp *rsdp10 = acpi_rsdp_new(0, NULL, 0);
	set_rsdps(rsdp20, rsdp10);
	CHECK(efi_acpi_rsdp() == rsdp20);

	kernel_args args;
	memset(&args, 0, sizeof(args));
	efi_acpi_init(&args);
	CHECK_EQ(args.acpi_rsdp, (uintptr_t)rsdp20);
	CHECK_EQ(args.acpi_revision, 2);
	CHECK(strstr(sLog, "revision 2, OEM \"BOOTLD\", XSDT") != NULL);

	set_rsdps(NULL, rsdp10);
	CHECK(efi_acpi_rsdp() == rsdp10);
	efi_acpi_init(&args);
	CHECK_EQ(args.acpi_rsdp, (uintptr_t)rsdp10);
	CHECK_EQ(args.acpi_revision, 0);

	set_rsdps(NULL, NULL);
	efi_acpi_init(&args);
	CHECK_EQ(args.acpi_rsdp, 0);
	CHECK(strstr(sLog, "no valid ACPI RSDP") != NULL);
	finish();
}


/* An RSDP under the 2.0 GUID broken by damage, refused for reason. */
static void
check_refused(void (*damage)(struct acpi_rsdp *), bool reseal, const char *reason)
{
	struct acpi_rsdp *rsdp20 = acpi_rsdp_new(2, NULL, 0);
	struct acpi_rsdp *rsdp10 = acpi_rsdp_new(0, NULL, 0);
	damage(rsdp20);
	if (reseal)
		acpi_rsdp_seal(rsdp20);
	set_rsdps(rsdp20, rsdp10);
	/* The 1.0 one is taken instead, and the log says why. */
	if (efi_acpi_rsdp() != rsdp10)
		unit_fail(__FILE__, __LINE__, "not refused for %s", reason);
	if (strstr(sLog, "ignoring the ACPI 2.0 RSDP") == NULL || strstr(sLog, reason) == NULL)
		unit_fail(__FILE__, __LINE__, "log \"%s\" does not say %s", sLog, reason);
	finish();
}


static void damage_signature(struct acpi_rsdp *rsdp) { rsdp->signature[7] = '!'; }
static void damage_checksum(struct acpi_rsdp *rsdp) { rsdp->oem_id[0] ^= 1; }
static void damage_extended(struct acpi_rsdp *rsdp) { rsdp->reserved[0] = 1; }
static void damage_revision(struct acpi_rsdp *rsdp) { rsdp->revision = 1; }
static void damage_short(struct acpi_rsdp *rsdp) { rsdp->length = ACPI_RSDP_V2_LENGTH - 1; }
static void damage_long(struct acpi_rsdp *rsdp) { rsdp->length = 4097; }
static void damage_xsdt(struct acpi_rsdp *rsdp) { rsdp->xsdt_address = 0; }


TEST(acpi_rsdp_refused_for_each_reason)
{
	check_refused(damage_signature, true, "bad signature");
	check_refused(damage_checksum, false, "bad checksum");
	check_refused(damage_extended, false, "bad extended checksum");
	check_refused(damage_revision, true, "revision below 2");
	check_refused(damage_short, true, "bad length");
	check_refused(damage_long, false, "bad length");
	check_refused(damage_xsdt, true, "no XSDT");
}


TEST(acpi_rsdp_10_without_rsdt_refused)
{
	struct acpi_rsdp *rsdp10 = acpi_rsdp_new(0, NULL, 0);
	rsdp10->rsdt_address = 0;
	acpi_rsdp_seal(rsdp10);
	set_rsdps(NULL, rsdp10);
	CHECK(efi_acpi_rsdp() == NULL);
	CHECK(strstr(sLog, "ignoring the ACPI 1.0 RSDP") != NULL);
	CHECK(strstr(sLog, "no RSDT") != NULL);
	finish();
}


/* --- finding tables ------------------------------------------------------- */

static uint8_t *
sealed_table(const char signature[4], uint32_t length)
{
	uint8_t *table = acpi_table_new(signature, length);
	acpi_table_seal(table);
	return table;
}


TEST(acpi_tables_found_through_rsdt_and_xsdt)
{
	for (uint8_t revision = 0; revision <= 2; revision += 2) {
		uint8_t *tables[3] = { NULL, sealed_table("FACP", 244), sealed_table("SPCR", 80) };
		struct acpi_rsdp *rsdp = acpi_rsdp_new(revision, tables, 3);
		bool corrupt = true;
		CHECK((const void *)efi_acpi_find_table(rsdp, "SPCR", 52, &corrupt) == tables[2]);
		CHECK(!corrupt);
		CHECK((const void *)efi_acpi_find_table(rsdp, "FACP", 131, NULL) == tables[1]);
		CHECK(efi_acpi_find_table(rsdp, "APIC", 44, &corrupt) == NULL);
		CHECK(!corrupt);
		finish();
	}
}


TEST(acpi_corrupt_tables_refused)
{
	uint8_t *bad = sealed_table("SPCR", 80);
	bad[60] ^= 1;
	uint8_t *tables[2] = { sealed_table("FACP", 100), bad };
	struct acpi_rsdp *rsdp = acpi_rsdp_new(2, tables, 2);
	bool corrupt = false;
	CHECK(efi_acpi_find_table(rsdp, "SPCR", 52, &corrupt) == NULL);
	CHECK(corrupt);
	/* Shorter than the reader needs, or longer than any table. */
	CHECK(efi_acpi_find_table(rsdp, "FACP", 131, &corrupt) == NULL);
	CHECK(corrupt);
	((struct acpi_table_header *)tables[0])->length = (1u << 20) + 1;
	CHECK(efi_acpi_find_table(rsdp, "FACP", 36, &corrupt) == NULL);
	CHECK(corrupt);
	/* A root table with a bad checksum names nothing. */
	uint8_t *root = (uint8_t *)(uintptr_t)rsdp->xsdt_address;
	((struct acpi_table_header *)tables[0])->length = 100;
	acpi_table_seal(tables[0]);
	CHECK((const void *)efi_acpi_find_table(rsdp, "FACP", 36, &corrupt) == tables[0]);
	root[ACPI_TABLE_HEADER_LENGTH] ^= 1;
	CHECK(efi_acpi_find_table(rsdp, "FACP", 36, &corrupt) == NULL);
	CHECK(corrupt);
	finish();
}


TEST(acpi_little_endian_fields_read_unaligned)
{
	const uint8_t bytes[9] = { 0xff, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88 };
	CHECK_EQ(efi_acpi_le(bytes + 1, 8), 0x8807060504030201ULL);
	CHECK_EQ(efi_acpi_le(bytes + 1, 2), 0x0201);
	CHECK_EQ(efi_acpi_le(bytes, 0), 0);
}


/* --- the MADT ------------------------------------------------------------- */

/* Processor local APIC structures, as x86's smp.c reads them. */
static bool
local_apic_of(uint8_t type, const uint8_t *entry, uint8_t length, uint64_t *_id,
	uint32_t *_flags)
{
	if (type != 0 || length < 8)
		return false;
	*_id = entry[3];
	*_flags = (uint32_t)efi_acpi_le(entry + 4, 4);
	return true;
}


/* A sealed MADT of the given structures (a byte string of count bytes). */
static struct acpi_rsdp *
madt_with(const uint8_t *structures, uint32_t size)
{
	uint8_t *madt = acpi_table_new("APIC", MADT_ENTRIES_OFFSET + size);
	memcpy(madt + MADT_ENTRIES_OFFSET, structures, size);
	acpi_table_seal(madt);
	uint8_t *tables[1] = { madt };
	struct acpi_rsdp *rsdp = acpi_rsdp_new(2, tables, 1);
	set_rsdps(rsdp, NULL);
	return rsdp;
}


static status_t
madt_cpus(uint32_t bootOptions, struct platform_cpu *cpus, uint32_t *_count)
{
	struct efi_cpu_list list = { .cpus = cpus, .max = 4 };
	status_t status = efi_madt_find_cpus(bootOptions, local_apic_of, &list);
	*_count = list.count;
	return status;
}


TEST(madt_cpus_listed_in_order)
{
	/* Two CPUs around an I/O APIC, an online-capable one, then a 1-byte tail. */
	const uint8_t structures[] = {
		0, 8, 0, 0, 1, 0, 0, 0,
		1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0,
		0, 8, 1, 3, 1, 0, 0, 0,
		0, 8, 2, 7, 2, 0, 0, 0,
		0xaa,
	};
	madt_with(structures, sizeof(structures));
	struct platform_cpu cpus[4];
	uint32_t count;
	CHECK_EQ(madt_cpus(0, cpus, &count), B_OK);
	CHECK_EQ(count, 3);
	CHECK_EQ(cpus[0].hardware_id, 0);
	CHECK_EQ(cpus[1].hardware_id, 3);
	CHECK_EQ(cpus[2].hardware_id, 7);
	CHECK(!cpus[1].online_capable);
	CHECK(cpus[2].online_capable);

	CHECK_EQ(madt_cpus(BOOT_OPTION_DISABLE_ACPI, cpus, &count), B_ENTRY_NOT_FOUND);
	CHECK_EQ(count, 0);
	finish();
}


TEST(madt_cpus_once_each_and_only_enabled_or_online_capable)
{
	/*
	 * APIC id 1 twice (as firmware may name a CPU under two entry types), a
	 * disabled 5, the boot CPU 2, an online-capable 3, and one CPU more than
	 * the list holds.
	 */
	const uint8_t structures[] = {
		0, 8, 0, 1, 1, 0, 0, 0,
		0, 8, 1, 5, 0, 0, 0, 0,
		0, 8, 2, 1, 1, 0, 0, 0,
		0, 8, 3, 2, 1, 0, 0, 0,
		0, 8, 4, 3, 2, 0, 0, 0,
		0, 8, 5, 4, 1, 0, 0, 0,
		0, 8, 6, 6, 1, 0, 0, 0,
	};
	madt_with(structures, sizeof(structures));
	struct platform_cpu cpus[4];
	struct efi_cpu_list list = { .cpus = cpus, .max = 4, .boot_id = 2 };
	boot_log_clear();
	CHECK_EQ(efi_madt_find_cpus(0, local_apic_of, &list), B_OK);
	CHECK_EQ(list.count, 4);
	CHECK_EQ(list.dropped, 1);
	static const uint64_t kIds[] = { 1, 2, 3, 4 };
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(cpus[i].hardware_id, kIds[i]);
		CHECK_EQ(cpus[i].boot, i == 1);
		CHECK_EQ(cpus[i].online_capable, i == 2);
	}
	CHECK(strstr(sLog, "efi: the MADT lists 1 CPUs more than the loader takes\n") != NULL);
	CHECK(strstr(sLog, "efi: the MADT lists 4 CPU(s)\n") != NULL);
	finish();
}


TEST(madt_bad_structures_refused)
{
	struct platform_cpu cpus[4];
	uint32_t count;
	/* A length of 0 would never end; one past the table would read beyond it. */
	const uint8_t zero[] = { 0, 8, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 };
	madt_with(zero, sizeof(zero));
	CHECK_EQ(madt_cpus(0, cpus, &count), B_BAD_DATA);
	CHECK(strstr(sLog, "bad entry at offset 52 (type 0, length 0)") != NULL);
	/* The CPU before the bad entry is kept. */
	CHECK_EQ(count, 1);
	finish();

	const uint8_t beyond[] = { 0, 8, 0, 0, 1, 0, 0, 0, 0, 9, 1, 1, 1, 0, 0, 0 };
	madt_with(beyond, sizeof(beyond));
	CHECK_EQ(madt_cpus(0, cpus, &count), B_BAD_DATA);
	CHECK(strstr(sLog, "(type 0, length 9)") != NULL);
	finish();
}


TEST(madt_missing_or_corrupt)
{
	struct platform_cpu cpus[4];
	uint32_t count;
	uint8_t *tables[1] = { sealed_table("FACP", 244) };
	set_rsdps(acpi_rsdp_new(2, tables, 1), NULL);
	CHECK_EQ(madt_cpus(0, cpus, &count), B_ENTRY_NOT_FOUND);
	CHECK(strstr(sLog, "the firmware has no ACPI MADT") != NULL);
	finish();

	tables[0] = sealed_table("APIC", MADT_ENTRIES_OFFSET - 1);
	set_rsdps(acpi_rsdp_new(2, tables, 1), NULL);
	CHECK_EQ(madt_cpus(0, cpus, &count), B_BAD_DATA);
	CHECK(strstr(sLog, "MADT or root table is corrupt") != NULL);
	finish();

	CHECK_EQ(madt_cpus(0, cpus, &count), B_ENTRY_NOT_FOUND);
	CHECK(strstr(sLog, "no ACPI tables") != NULL);
}


/* --- the SPCR ------------------------------------------------------------- */

/* An SPCR naming a UART of type at address in space, with register width and access size. */
static void
spcr_with(uint8_t type, uint8_t space, uint8_t width, uint8_t access, uint64_t address,
	uint32_t length)
{
	uint8_t *spcr = acpi_table_new("SPCR", length);
	spcr[SPCR_INTERFACE_TYPE] = type;
	spcr[SPCR_BASE_SPACE] = space;
	spcr[SPCR_BASE_BIT_WIDTH] = width;
	spcr[SPCR_BASE_ACCESS_SIZE] = access;
	if (length >= SPCR_BASE_ADDRESS + 8)
		acpi_put_le(spcr + SPCR_BASE_ADDRESS, address, 8);
	acpi_table_seal(spcr);
	uint8_t *tables[1] = { spcr };
	set_rsdps(acpi_rsdp_new(2, tables, 1), NULL);
}


TEST(spcr_uarts_the_loader_drives)
{
	struct efi_uart uart;
	spcr_with(SPCR_PL011, GAS_SYSTEM_MEMORY, 8, 1, 0x9000000, 80);
	CHECK(efi_spcr_uart(&uart));
	CHECK_EQ(uart.kind, EFI_UART_PL011);
	CHECK_EQ(uart.physical, 0x9000000);
	CHECK(strstr(sLog, "type 0x3 at 0x9000000") != NULL);
	finish();

	spcr_with(SPCR_SBSA, GAS_SYSTEM_MEMORY, 32, GAS_ACCESS_DWORD, 0x1c090000, 80);
	CHECK(efi_spcr_uart(&uart));
	CHECK_EQ(uart.kind, EFI_UART_PL011);
	finish();

	spcr_with(SPCR_16550_GAS, GAS_SYSTEM_MEMORY, 32, 0, 0xfe215040, 80);
	CHECK(efi_spcr_uart(&uart));
	CHECK_EQ(uart.kind, EFI_UART_16550_MMIO32);
	CHECK_EQ(uart.physical, 0xfe215040);
	finish();
}


TEST(spcr_uarts_the_loader_cannot_drive)
{
	struct efi_uart uart = { .physical = 1, .kind = EFI_UART_PL011 };
	/* A byte-wide 16550, one in I/O space, one at 0, one of an unknown type. */
	spcr_with(SPCR_16550, GAS_SYSTEM_MEMORY, 8, 1, 0x3f8000, 80);
	CHECK(!efi_spcr_uart(&uart));
	CHECK(strstr(sLog, "cannot drive (type 0, space 0)") != NULL);
	finish();
	spcr_with(SPCR_16550, 1, 32, GAS_ACCESS_DWORD, 0x3f8, 80);
	CHECK(!efi_spcr_uart(&uart));
	finish();
	spcr_with(SPCR_PL011, GAS_SYSTEM_MEMORY, 32, GAS_ACCESS_DWORD, 0, 80);
	CHECK(!efi_spcr_uart(&uart));
	finish();
	spcr_with(0x10, GAS_SYSTEM_MEMORY, 32, GAS_ACCESS_DWORD, 0x9000000, 80);
	CHECK(!efi_spcr_uart(&uart));
	finish();
	/* Cut before its address ends: not read at all. */
	spcr_with(SPCR_PL011, GAS_SYSTEM_MEMORY, 32, GAS_ACCESS_DWORD, 0, SPCR_MIN_LENGTH - 1);
	CHECK(!efi_spcr_uart(&uart));
	CHECK(sLog[0] == '\0');
	finish();
	CHECK(!efi_spcr_uart(&uart));
	CHECK_EQ(uart.physical, 1);
	CHECK_EQ(uart.kind, EFI_UART_PL011);
}


/* --- the PM timer (pm_timer.c) --------------------------------------------- */

static bool sIoPorts = true;		/* false: an architecture without them (arm64) */
static uint16_t sPortRead;


bool
arch_cpu_read_io_port32(uint16_t port, uint32_t *_value)
{
	if (!sIoPorts)
		return false;
	sPortRead = port;
	*_value = 0xfedcba98;
	return true;
}


/* A FADT of length bytes naming port, of portLength bytes, with flags. */
static void
fadt_with(uint32_t length, uint32_t port, uint8_t portLength, uint32_t flags)
{
	uint8_t *fadt = acpi_table_new("FACP", length);
	acpi_put_le(fadt + FADT_PM_TMR_BLK, port, 4);
	fadt[FADT_PM_TMR_LEN] = portLength;
	if (length >= FADT_FLAGS + 4)
		acpi_put_le(fadt + FADT_FLAGS, flags, 4);
	acpi_table_seal(fadt);
	set_rsdps(acpi_rsdp_new(2, &fadt, 1), NULL);
	sPortRead = 0;
}


TEST(pm_timer_port_from_the_fadt)
{
	/* QEMU's q35 (ACPI 6.x, 276 bytes), its 32-bit timer read in 24 bits. */
	uint16_t port = 0;
	fadt_with(276, 0x608, 4, 1u << 8);
	CHECK(efi_pm_timer_find(&port));
	CHECK_EQ(port, 0x608);
	CHECK_EQ(sPortRead, 0x608);
	uint32_t ticks = 0;
	CHECK(efi_pm_timer_read(port, &ticks));
	CHECK_EQ(ticks, 0xdcba98);
	finish();

	/* ACPI 1.0's FADT of 116 bytes, as QEMU's pc machine has it, at PIIX4's port. */
	fadt_with(116, 0xb008, 4, 0);
	CHECK(efi_pm_timer_find(&port));
	CHECK_EQ(port, 0xb008);
	finish();
}


TEST(pm_timer_none_or_none_to_read)
{
	uint16_t port = 0x1234;
	CHECK(!efi_pm_timer_find(&port));
	/* Hardware-reduced ACPI, a timer of length 0, at port 0, past I/O space. */
	fadt_with(276, 0x608, 4, 1u << 20);
	CHECK(!efi_pm_timer_find(&port));
	finish();
	fadt_with(276, 0x608, 0, 0);
	CHECK(!efi_pm_timer_find(&port));
	finish();
	fadt_with(276, 0, 4, 0);
	CHECK(!efi_pm_timer_find(&port));
	finish();
	fadt_with(276, 0x10608, 4, 0);
	CHECK(!efi_pm_timer_find(&port));
	finish();
	/* Too short for the flags: not read at all. */
	fadt_with(FADT_FLAGS + 3, 0x608, 4, 0);
	CHECK(!efi_pm_timer_find(&port));
	CHECK_EQ(sPortRead, 0);
	finish();
	/* No I/O ports to read it through. */
	sIoPorts = false;
	fadt_with(276, 0x608, 4, 0);
	CHECK(!efi_pm_timer_find(&port));
	sIoPorts = true;
	finish();
	CHECK_EQ(port, 0x1234);
}
