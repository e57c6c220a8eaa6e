/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the device tree reader (src/system/boot/loader/fdt_view.c,
 * fdt_cpus.c) through the EFI port's use of it (platform/efi/fdt.c): the
 * UART /chosen's stdout-path names, the CPUs /cpus lists and the PSCI
 * method, and refusal of blobs that are not trees. The port's file is
 * compiled right into this test with gnu-efi's headers; the blobs are
 * built here.
 */
#define _GNU_SOURCE	/* memmem */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <boot/fdt_header.h>

#include "../../src/system/boot/platform/efi/fdt.c"
#include "../../src/system/boot/platform/efi/tables.c"
#include "../support/efi_port_fakes.h"

#include "unit_test.h"


/* --- a blob builder ---------------------------------------------------------- */

/* The firmware's configuration table names blob as its device tree, or no tree. */
static void
set_tree(const void *blob)
{
	void *table = (void *)blob;
	fakes_set_tables(blob != NULL ? 1 : 0, &sDtbGuid, &table);
}


static uint8_t sBlob[4096] __attribute__((aligned(8)));
static uint8_t sStructure[2048];
static uint32_t sStructureSize;
static char sStrings[512];
static uint32_t sStringsSize;


static void
put_be32(uint8_t *at, uint32_t value)
{
	at[0] = value >> 24;
	at[1] = value >> 16;
	at[2] = value >> 8;
	at[3] = value;
}


static void
emit32(uint32_t value)
{
	put_be32(sStructure + sStructureSize, value);
	sStructureSize += 4;
}


static void
emit_bytes(const void *bytes, uint32_t length)
{
	if (length > 0)
		memcpy(sStructure + sStructureSize, bytes, length);
	sStructureSize += length;
	while (sStructureSize % 4 != 0)
		sStructure[sStructureSize++] = 0;
}


static void
begin(const char *name)
{
	emit32(FDT_BEGIN_NODE);
	emit_bytes(name, (uint32_t)strlen(name) + 1);
}


static void
end(void)
{
	emit32(FDT_END_NODE);
}


static void
property(const char *name, const void *value, uint32_t length)
{
	uint32_t nameOffset = sStringsSize;
	strcpy(sStrings + sStringsSize, name);
	sStringsSize += (uint32_t)strlen(name) + 1;
	emit32(FDT_PROP);
	emit32(length);
	emit32(nameOffset);
	emit_bytes(value, length);
}


static void
string_property(const char *name, const char *value)
{
	property(name, value, (uint32_t)strlen(value) + 1);
}


static void
cells_property(const char *name, uint32_t count, ...)
{
	uint8_t value[32];
	va_list cells;
	va_start(cells, count);
	CHECK(count <= sizeof(value) / 4);
	for (uint32_t i = 0; i < count; i++)
		put_be32(value + 4 * i, va_arg(cells, uint32_t));
	va_end(cells);
	property(name, value, 4 * count);
}


static void
start_tree(void)
{
	sStructureSize = 0;
	sStringsSize = 0;
	begin("");
}


/* Ends the root and writes the blob; the configuration table then holds it. */
static void
finish_tree(void)
{
	end();
	emit32(FDT_END);
	memset(sBlob, 0, sizeof(sBlob));
	const uint32_t kReserveMap = FDT_HEADER_SIZE;
	const uint32_t kStructure = kReserveMap + 16;
	uint32_t strings = kStructure + sStructureSize;
	uint32_t total = strings + sStringsSize;
	CHECK(total <= sizeof(sBlob));
	put_be32(sBlob, FDT_MAGIC);
	put_be32(sBlob + 4, total);
	put_be32(sBlob + 8, kStructure);
	put_be32(sBlob + 12, strings);
	put_be32(sBlob + 16, kReserveMap);
	put_be32(sBlob + 20, 17);
	put_be32(sBlob + 24, 16);
	put_be32(sBlob + 32, sStringsSize);
	put_be32(sBlob + 36, sStructureSize);
	memcpy(sBlob + kStructure, sStructure, sStructureSize);
	memcpy(sBlob + strings, sStrings, sStringsSize);
	set_tree(sBlob);
}


/* A QEMU virt-like tree with the console as stdoutPath says. */
static void
virt_tree(const char *stdoutPath)
{
	start_tree();
	cells_property("#address-cells", 1, 2);
	cells_property("#size-cells", 1, 2);
	begin("chosen");
	if (stdoutPath != NULL)
		string_property("stdout-path", stdoutPath);
	end();
	begin("aliases");
	string_property("serial0", "/pl011@9000000");
	string_property("serial1", "/soc/serial@10000000");
	end();
	begin("pl011@9000000");
	property("compatible", "arm,pl011\0arm,primecell", 24);
	cells_property("reg", 4, 0, 0x09000000, 0, 0x1000);
	end();
	begin("soc");
	cells_property("#address-cells", 1, 1);
	cells_property("#size-cells", 1, 1);
	property("ranges", NULL, 0);
	begin("serial@10000000");
	string_property("compatible", "ns16550a");
	cells_property("reg", 2, 0x10000000, 0x100);
	cells_property("reg-io-width", 1, 4);
	end();
	begin("serial@10001000");
	string_property("compatible", "ns16550a");
	cells_property("reg", 2, 0x10001000, 0x100);
	end();
	end();
	finish_tree();
}


/*
 * A Raspberry Pi 3's tree as U-Boot hands it over: the mini UART as the
 * console on a bus that maps 0x7e000000 to 0x3f000000, behind a bus of its
 * own where inner says (one with two ranges, one without ranges), and
 * four CPUs started from a spin-table, the last one's release address as
 * lastRelease says (0: none).
 */
static void
raspberry_pi_tree(const char *inner, uint32_t lastRelease)
{
	start_tree();
	cells_property("#address-cells", 1, 1);
	cells_property("#size-cells", 1, 1);
	begin("chosen");
	string_property("stdout-path", inner != NULL ? "/soc/bus/serial@40" : "serial1:115200n8");
	end();
	begin("aliases");
	string_property("serial1", "/soc/serial@7e215040");
	end();
	begin("soc");
	cells_property("#address-cells", 1, 1);
	cells_property("#size-cells", 1, 1);
	cells_property("ranges", 3, 0x7e000000, 0x3f000000, 0x1000000);
	begin("serial@7e215040");
	string_property("compatible", "brcm,bcm2835-aux-uart");
	cells_property("reg", 2, 0x7e215040, 0x40);
	end();
	if (inner != NULL) {
		begin("bus");
		cells_property("#address-cells", 1, 2);
		cells_property("#size-cells", 1, 1);
		if (strcmp(inner, "ranges") == 0) {
			/* Two entries: the second maps the UART's 64-bit address. */
			cells_property("ranges", 8, 0, 0, 0x7e000000, 0x1000, 1, 0, 0x7e100000, 0x1000);
		}
		begin("serial@40");
		property("compatible", "arm,pl011\0arm,primecell", 24);
		cells_property("reg", 3, 1, 0x40, 0x40);
		end();
		end();
	}
	end();
	begin("cpus");
	cells_property("#address-cells", 1, 1);
	cells_property("#size-cells", 1, 0);
	for (uint32_t i = 0; i < 4; i++) {
		begin("cpu");
		string_property("device_type", "cpu");
		string_property("enable-method", "spin-table");
		cells_property("reg", 1, i);
		if (i < 3)
			cells_property("cpu-release-addr", 2, 0, 0xd8 + 8 * i);
		else if (lastRelease != 0)
			cells_property("cpu-release-addr", 2, 0, lastRelease);
		end();
	}
	end();
	finish_tree();
}


/*
 * QEMU virt's /cpus and /psci as U-Boot hands them over, with addressCells
 * cells per reg: four CPUs (the second on another cluster), a cpu-map, a
 * disabled CPU and a node that is no CPU.
 */
static void
cpus_tree(uint32_t addressCells, const char *psciMethod)
{
	start_tree();
	begin("psci");
	string_property("compatible", "arm,psci-1.0");
	if (psciMethod != NULL)
		string_property("method", psciMethod);
	end();
	begin("cpus");
	cells_property("#address-cells", 1, addressCells);
	cells_property("#size-cells", 1, 0);
	const uint32_t kIds[] = { 0, 0x100, 2, 3 };
	for (int i = 0; i < 4; i++) {
		begin("cpu");
		string_property("device_type", "cpu");
		string_property("enable-method", "psci");
		if (addressCells == 2)
			cells_property("reg", 2, i == 3 ? 1 : 0, kIds[i]);
		else
			cells_property("reg", 1, kIds[i]);
		if (i == 2)
			string_property("status", "okay");
		end();
	}
	begin("cpu-map");
	begin("cluster0");
	end();
	end();
	begin("cpu@4");
	string_property("device_type", "cpu");
	string_property("status", "disabled");
	cells_property("reg", 1, 4);
	end();
	end();
	finish_tree();
}


static status_t
find_cpus(struct platform_cpu *cpus, uint32_t max, uint32_t *_count)
{
	memset(cpus, 0, max * sizeof(*cpus));
	struct efi_cpu_list list = { .cpus = cpus, .max = max };
	status_t status = efi_fdt_find_cpus(NULL, &list);
	CHECK_EQ(list.dropped, 0);
	*_count = list.count;
	return status;
}


/*
 * The release addresses of the CPUs found in a tree of no more than four,
 * with room in the list for max of them; the others stay all ones.
 */
static status_t
find_releases(uint64_t releases[4], uint32_t max, uint32_t *_count)
{
	struct platform_cpu cpus[4];
	memset(releases, 0xff, 4 * sizeof(uint64_t));
	struct efi_cpu_list list = { .cpus = cpus, .max = max, .release_addresses = releases };
	status_t status = efi_fdt_find_cpus(NULL, &list);
	*_count = list.count;
	return status;
}


static bool
find_uart(struct efi_uart *uart)
{
	memset(uart, 0, sizeof(*uart));
	return efi_fdt_uart(uart);
}


/* --- the tests ------------------------------------------------------------- */

TEST(fdt_stdout_path_names_a_pl011)
{
	struct efi_uart uart;
	virt_tree("/pl011@9000000");
	CHECK(find_uart(&uart));
	CHECK_EQ(uart.kind, EFI_UART_PL011);
	CHECK_EQ(uart.physical, 0x09000000);
}


TEST(fdt_stdout_path_through_an_alias_with_options)
{
	struct efi_uart uart;
	virt_tree("serial0:115200n8");
	CHECK(find_uart(&uart));
	CHECK_EQ(uart.physical, 0x09000000);
}


TEST(fdt_a_16550_on_a_one_cell_bus)
{
	struct efi_uart uart;
	virt_tree("serial1");
	CHECK(find_uart(&uart));
	CHECK_EQ(uart.kind, EFI_UART_16550_MMIO32);
	CHECK_EQ(uart.physical, 0x10000000);
}


TEST(fdt_what_the_loader_cannot_drive_is_no_uart)
{
	struct efi_uart uart;
	/* A byte-wide 16550 (no reg-io-width), a missing node, no stdout-path. */
	virt_tree("/soc/serial@10001000");
	CHECK(!find_uart(&uart));
	virt_tree("/soc/serial@20000000");
	CHECK(!find_uart(&uart));
	virt_tree("/pl011");
	CHECK(find_uart(&uart));
	virt_tree("serial7");
	CHECK(!find_uart(&uart));
	virt_tree(NULL);
	CHECK(!find_uart(&uart));
	set_tree(NULL);
	CHECK(!find_uart(&uart));
}


TEST(fdt_uart_address_through_the_ranges_of_its_buses)
{
	struct efi_uart uart;
	raspberry_pi_tree(NULL, 0);
	CHECK(find_uart(&uart));
	CHECK_EQ(uart.kind, EFI_UART_16550_MMIO32);
	CHECK_EQ(uart.physical, 0x3f215040);
	/* Two buses, the inner one's second range. */
	raspberry_pi_tree("ranges", 0);
	CHECK(find_uart(&uart));
	CHECK_EQ(uart.kind, EFI_UART_PL011);
	CHECK_EQ(uart.physical, 0x3f100040);
}


TEST(fdt_uart_on_a_bus_that_maps_nothing_there)
{
	struct efi_uart uart;
	/* A bus without ranges is not on the CPU's address space. */
	raspberry_pi_tree("none", 0);
	CHECK(!find_uart(&uart));
	CHECK(strstr(sLog, "is at no address the CPU sees") != NULL);
	/* Ranges that do not cover the UART: it starts after, or just at the end. */
	raspberry_pi_tree(NULL, 0);
	uint8_t *ranges = memmem(sBlob, sizeof(sBlob), "\x7e\x00\x00\x00\x3f", 5);
	CHECK(ranges != NULL);
	ranges[0] = 0x7f;
	CHECK(!find_uart(&uart));
	raspberry_pi_tree(NULL, 0);
	ranges = memmem(sBlob, sizeof(sBlob), "\x7e\x00\x00\x00\x3f", 5);
	put_be32(ranges + 8, 0x215040);
	CHECK(!find_uart(&uart));
	put_be32(ranges + 8, 0x215041);
	CHECK(find_uart(&uart));
}


TEST(fdt_spin_table_cpus_and_their_release_addresses)
{
	uint64_t releases[4];
	uint32_t count;
	raspberry_pi_tree(NULL, 0xf0);
	CHECK_EQ(find_releases(releases, 4, &count), B_OK);
	CHECK_EQ(count, 4);
	for (uint32_t i = 0; i < 4; i++)
		CHECK_EQ(releases[i], 0xd8 + 8 * i);
	/* CPUs the list has no room for get none. */
	CHECK_EQ(find_releases(releases, 2, &count), B_OK);
	CHECK_EQ(count, 2);
	CHECK_EQ(releases[1], 0xe0);
	CHECK_EQ(releases[2], UINT64_MAX);
	/* None, or one no 64-bit word is at: the CPU has no spin-table, said so. */
	boot_log_clear();
	raspberry_pi_tree(NULL, 0);
	CHECK_EQ(find_releases(releases, 4, &count), B_OK);
	CHECK_EQ(releases[2], 0xe8);
	CHECK_EQ(releases[3], 0);
	CHECK(strstr(sLog, "spin-table CPU cpu has no usable cpu-release-addr") != NULL);
	raspberry_pi_tree(NULL, 0xf4);
	CHECK_EQ(find_releases(releases, 4, &count), B_OK);
	CHECK_EQ(releases[3], 0);
	/* PSCI CPUs have none, and are not looked at for one. */
	cpus_tree(1, "smc");
	boot_log_clear();
	CHECK_EQ(find_releases(releases, 4, &count), B_OK);
	CHECK_EQ(count, 4);
	for (uint32_t i = 0; i < 4; i++)
		CHECK_EQ(releases[i], 0);
	CHECK(strstr(sLog, "spin-table") == NULL);
}


TEST(fdt_kernel_args_get_the_tree)
{
	kernel_args args;
	memset(&args, 0, sizeof(args));
	virt_tree("/pl011@9000000");
	efi_fdt_init(&args);
	CHECK_EQ(args.device_tree, (uint64_t)(uintptr_t)sBlob);
	CHECK_EQ(args.device_tree_size, read_be32(sBlob + 4));
	set_tree(NULL);
	efi_fdt_init(&args);
	CHECK_EQ(args.device_tree, 0);
	CHECK_EQ(args.device_tree_size, 0);
}


TEST(fdt_broken_blobs_are_refused)
{
	kernel_args args;
	struct efi_uart uart;
	/* Each header field that places a block, wrong in turn. */
	const uint32_t kFields[] = { 0, 4, 8, 12, 24, 32, 36 };
	const uint32_t kValues[] = { 0xd00dfeee, 20, 8, 0xffffff00, 18, 0xffffff00, 0xffffff00 };
	for (size_t i = 0; i < sizeof(kFields) / sizeof(kFields[0]); i++) {
		virt_tree("/pl011@9000000");
		put_be32(sBlob + kFields[i], kValues[i]);
		memset(&args, 0, sizeof(args));
		efi_fdt_init(&args);
		CHECK_EQ(args.device_tree, 0);
		CHECK(!find_uart(&uart));
	}
}


TEST(fdt_a_structure_cut_short_names_no_uart)
{
	struct efi_uart uart;
	/* The structure block ends inside the UART node: no read past it. */
	for (uint32_t cut = 4; cut < 160; cut += 4) {
		virt_tree("/pl011@9000000");
		uint32_t size = read_be32(sBlob + 36);
		if (cut >= size)
			break;
		put_be32(sBlob + 36, cut);
		(void)find_uart(&uart);
	}
	/* A property name offset past the strings block. */
	virt_tree("/pl011@9000000");
	put_be32(sBlob + 32, 4);
	CHECK(!find_uart(&uart));
}


TEST(fdt_cpus_are_the_cpu_nodes_that_may_run)
{
	struct platform_cpu cpus[8];
	uint32_t count;
	cpus_tree(1, "hvc");
	CHECK_EQ(find_cpus(cpus, 8, &count), B_OK);
	CHECK_EQ(count, 4);
	CHECK_EQ(cpus[1].hardware_id, 0x100);
	CHECK_EQ(cpus[2].hardware_id, 2);
	CHECK(!cpus[3].online_capable);
	/* Two cells: Aff3 in the first. */
	cpus_tree(2, "smc");
	CHECK_EQ(find_cpus(cpus, 8, &count), B_OK);
	CHECK_EQ(count, 4);
	CHECK_EQ(cpus[3].hardware_id, 0x100000003ULL);
}


TEST(fdt_cpus_without_a_usable_list_are_the_boot_cpu)
{
	struct platform_cpu cpus[8];
	uint32_t count;
	cpus_tree(3, "hvc");
	CHECK_EQ(find_cpus(cpus, 8, &count), B_BAD_DATA);
	/* A cpu whose reg is shorter than #address-cells. */
	start_tree();
	begin("cpus");
	cells_property("#address-cells", 1, 2);
	begin("cpu@0");
	string_property("device_type", "cpu");
	cells_property("reg", 1, 0);
	end();
	end();
	finish_tree();
	CHECK_EQ(find_cpus(cpus, 8, &count), B_BAD_DATA);
	/* No /cpus, no tree. */
	virt_tree("/pl011@9000000");
	CHECK_EQ(find_cpus(cpus, 8, &count), B_ENTRY_NOT_FOUND);
	set_tree(NULL);
	CHECK_EQ(find_cpus(cpus, 8, &count), B_ENTRY_NOT_FOUND);
}


TEST(fdt_psci_method_is_hvc_or_smc)
{
	bool hvc = false;
	cpus_tree(1, "hvc");
	CHECK_EQ(efi_fdt_psci_method(NULL, &hvc), B_OK);
	CHECK(hvc);
	cpus_tree(1, "smc");
	CHECK_EQ(efi_fdt_psci_method(NULL, &hvc), B_OK);
	CHECK(!hvc);
	cpus_tree(1, "spin-table");
	CHECK_EQ(efi_fdt_psci_method(NULL, &hvc), B_NOT_SUPPORTED);
	cpus_tree(1, NULL);
	CHECK_EQ(efi_fdt_psci_method(NULL, &hvc), B_NOT_SUPPORTED);
}


/*
 * A tree an entry made is read in place of the firmware's, even when the
 * firmware has none; one that is not a tree is no tree, whatever the
 * firmware's says.
 */
TEST(fdt_an_entrys_tree_replaces_the_firmwares)
{
	static uint8_t entryTree[sizeof(sBlob)] __attribute__((aligned(8)));
	struct platform_cpu cpus[8];
	uint32_t count = 0;
	cpus_tree(1, "smc");
	memcpy(entryTree, sBlob, sizeof(sBlob));
	virt_tree("/pl011@9000000");

	struct efi_cpu_list list = { .cpus = cpus, .max = 8 };
	CHECK_EQ(efi_fdt_find_cpus(entryTree, &list), B_OK);
	CHECK_EQ(list.count, 4);
	CHECK_EQ(find_cpus(cpus, 8, &count), B_ENTRY_NOT_FOUND);
	bool hvc = true;
	CHECK_EQ(efi_fdt_psci_method(entryTree, &hvc), B_OK);
	CHECK(!hvc);
	CHECK_EQ(efi_fdt_psci_method(NULL, &hvc), B_NOT_SUPPORTED);

	cpus_tree(1, "hvc");
	put_be32(entryTree, 0);
	list.count = 0;
	CHECK_EQ(efi_fdt_find_cpus(entryTree, &list), B_ENTRY_NOT_FOUND);
	CHECK_EQ(efi_fdt_psci_method(entryTree, &hvc), B_NOT_SUPPORTED);
}
