/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the EFI port's ACPI readers (src/system/boot/
 * platform/efi/acpi.c, madt.c, spcr.c), whose tables are the firmware's:
 * each must be read, or refused, without reading past its end.
 *
 * The input lays out the firmware's tables:
 *   - one byte of options: bit 0 lists the RSDP under the ACPI 1.0 GUID
 *     rather than 2.0's; bit 1 keeps the checksums as they come, where
 *     otherwise every table and the RSDP are sealed with right ones (a
 *     fuzzer seldom finds a checksum by itself);
 *   - the RSDP's 36 bytes;
 *   - up to MAX_TABLES tables, each as long as its header's length field
 *     says (at least 8 bytes, at most what is left; a table cut short is
 *     zero-filled up to its length, one longer than the readers accept
 *     gets only its bytes).
 * Physical addresses cannot come from the input, so they are numbers: the
 * RSDP's RSDT and XSDT fields, when not 0, name the first table (the root),
 * and the root's entry n (1 and up) names table (n - 1) modulo the count.
 * Every table ends where an inaccessible page starts
 * (tests/support/acpi_builder.h), so a read past it faults.
 *
 * The target aborts when a promise of efi_platform.h is broken: an RSDP or
 * table that was not handed over, one with a bad checksum or shorter than
 * asked, a MADT structure outside its table, or a status out of place.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "../../src/system/boot/platform/efi/acpi.c"
#include "../../src/system/boot/platform/efi/madt.c"
#include "../../src/system/boot/platform/efi/spcr.c"
#include "../../src/system/boot/platform/efi/tables.c"
#include "../support/acpi_builder.h"
#include "../support/efi_port_fakes.h"

#define MAX_TABLES		8
#define MAX_CPUS		8
#define OPTION_ACPI_10	(1u << 0)
#define OPTION_RAW		(1u << 1)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	uint8_t		*table;
	uint32_t	size;		/* the memory it lies in */
} sTables[MAX_TABLES];
static unsigned sTableCount;
static const uint8_t *sMadt;


static void
check(int condition)
{
	if (!condition)
		abort();
}


/* --- laying the tables out ------------------------------------------------ */

/* The next table of the input from *_data on; false when none is left. */
static bool
take_table(const uint8_t **_data, size_t *_size)
{
	if (*_size < 8 || sTableCount == MAX_TABLES)
		return false;
	uint32_t length = (uint32_t)efi_acpi_le(*_data + 4, 4);
	size_t taken = length < 8 ? 8 : length > *_size ? *_size : length;
	uint32_t memory = length >= 8 && length <= TABLE_MAX_LENGTH ? length : (uint32_t)taken;
	uint8_t *table = acpi_memory(memory);
	memcpy(table, *_data, taken);
	sTables[sTableCount].table = table;
	sTables[sTableCount++].size = memory;
	*_data += taken;
	*_size -= taken;
	return true;
}


/* Entry numbers in the root become addresses of tables, 0 staying 0. */
static void
link_root(unsigned entrySize)
{
	uint8_t *root = sTables[0].table;
	for (uint32_t at = ACPI_TABLE_HEADER_LENGTH; at + entrySize <= sTables[0].size;
			at += entrySize) {
		uint64_t number = efi_acpi_le(root + at, entrySize);
		uint64_t address = number == 0 ? 0
			: (uint64_t)(uintptr_t)sTables[(number - 1) % sTableCount].table;
		acpi_put_le(root + at, address, entrySize);
	}
}


static struct acpi_rsdp *
lay_out(const uint8_t *data, size_t size)
{
	uint8_t options = data[0];
	uint32_t rsdpLength = (uint32_t)efi_acpi_le(data + 1 + ACPI_RSDP_V1_LENGTH, 4);
	if (rsdpLength < ACPI_RSDP_V2_LENGTH || rsdpLength > RSDP_MAX_LENGTH)
		rsdpLength = ACPI_RSDP_V2_LENGTH;
	struct acpi_rsdp *rsdp = (struct acpi_rsdp *)acpi_memory(rsdpLength);
	memcpy(rsdp, data + 1, ACPI_RSDP_V2_LENGTH);
	data += 1 + ACPI_RSDP_V2_LENGTH;
	size -= 1 + ACPI_RSDP_V2_LENGTH;

	sTableCount = 0;
	while (take_table(&data, &size))
		;
	uintptr_t root = sTableCount > 0 ? (uintptr_t)sTables[0].table : 0;
	if (rsdp->rsdt_address != 0)
		rsdp->rsdt_address = (uint32_t)root;
	if (rsdp->xsdt_address != 0)
		rsdp->xsdt_address = root;
	if (sTableCount > 0)
		link_root(rsdp->revision >= 2 ? 8 : 4);

	if ((options & OPTION_RAW) == 0) {
		/* Tables shorter than a header have no checksum; no reader sums them. */
		for (unsigned i = 0; i < sTableCount; i++) {
			uint32_t length = ((struct acpi_table_header *)sTables[i].table)->length;
			if (length >= ACPI_TABLE_HEADER_LENGTH && length <= sTables[i].size)
				acpi_table_seal(sTables[i].table);
		}
		if (rsdp->revision < 2 || rsdp->length == rsdpLength)
			acpi_rsdp_seal(rsdp);
		else {
			/* A length the reader refuses: only the ACPI 1.0 part is sealed. */
			rsdp->checksum = 0;
			rsdp->checksum = (uint8_t)-acpi_sum(rsdp, ACPI_RSDP_V1_LENGTH);
		}
	}

	EFI_GUID guid = (options & OPTION_ACPI_10) != 0
		? (EFI_GUID)ACPI_TABLE_GUID : (EFI_GUID)ACPI_20_TABLE_GUID;
	void *table = rsdp;
	fakes_set_tables(1, &guid, &table);
	boot_log_clear();
	return rsdp;
}


/* --- the checks ----------------------------------------------------------- */

/* A table handed out must be one of the input's, whole and sealed. */
static void
check_table(const struct acpi_table_header *found, const char signature[4],
	uint32_t minLength)
{
	if (found == NULL)
		return;
	bool known = false;
	for (unsigned i = 0; i < sTableCount; i++) {
		if ((const void *)found == sTables[i].table)
			known = found->length <= sTables[i].size;
	}
	check(known);
	check(memcmp(found->signature, signature, 4) == 0);
	check(found->length >= minLength);
	check(acpi_sum(found, found->length) == 0);
}


/* Every structure must lie inside the MADT; type 0 is a CPU, as on x86. */
static bool
fuzz_cpu_of(uint8_t type, const uint8_t *entry, uint8_t length, uint64_t *_id,
	uint32_t *_flags)
{
	check(sMadt != NULL && length >= 2 && entry >= sMadt + MADT_ENTRIES_OFFSET);
	check(entry + length <= sMadt + ((const struct acpi_table_header *)sMadt)->length);
	check(entry[0] == type && entry[1] == length);
	if (type != 0 || length < 8)
		return false;
	*_id = entry[3];
	*_flags = (uint32_t)efi_acpi_le(entry + 4, 4);
	return true;
}


static void
check_madt(const struct acpi_rsdp *rsdp)
{
	sMadt = NULL;
	if (rsdp != NULL) {
		sMadt = (const uint8_t *)efi_acpi_find_table(rsdp, "APIC", MADT_ENTRIES_OFFSET, NULL);
		check_table((const void *)sMadt, "APIC", MADT_ENTRIES_OFFSET);
	}
	struct platform_cpu cpus[MAX_CPUS];
	struct efi_cpu_list list = { .cpus = cpus, .max = MAX_CPUS };
	status_t status = efi_madt_find_cpus(0, fuzz_cpu_of, &list);
	check(status == B_OK || status == B_ENTRY_NOT_FOUND || status == B_BAD_DATA);
	check(status != B_OK || sMadt != NULL);
	check(list.count <= MAX_CPUS);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 + ACPI_RSDP_V2_LENGTH)
		return 0;
	struct acpi_rsdp *input = lay_out(data, size);

	const struct acpi_rsdp *rsdp = efi_acpi_rsdp();
	check(rsdp == NULL || rsdp == input);
	kernel_args args;
	memset(&args, 0, sizeof(args));
	efi_acpi_init(&args);
	check(args.acpi_rsdp == (uint64_t)(uintptr_t)rsdp);

	if (rsdp != NULL) {
		bool corrupt = false;
		const struct acpi_table_header *found = efi_acpi_find_table(rsdp, "FACP", 131,
			&corrupt);
		check_table(found, "FACP", 131);
		check(found == NULL || !corrupt);
	}
	check_madt(rsdp);

	struct efi_uart uart = { 0 };
	if (efi_spcr_uart(&uart)) {
		check(rsdp != NULL && uart.physical != 0);
		check(uart.kind == EFI_UART_PL011 || uart.kind == EFI_UART_16550_MMIO32);
	}

	acpi_memory_free_all();
	return 0;
}
