/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables for the programs that test the EFI port's ACPI readers
 * (tests/unit/test_acpi.c, tests/fuzz/fuzz_acpi.c). Each table lies in
 * memory of its own below 4 GiB, so that an RSDT's 32-bit entries can hold
 * its address, and ends where an inaccessible page starts, so that a reader
 * that goes past a table's end faults at once rather than reading its
 * neighbour. acpi_memory_free_all() gives everything back.
 */
#ifndef TESTS_SUPPORT_ACPI_BUILDER_H
#define TESTS_SUPPORT_ACPI_BUILDER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <boot/acpi.h>

#define ACPI_MEMORY_MAX		16
#define ACPI_PAGE			4096u

static struct {
	void	*base;
	size_t	size;
} sAcpiMappings[ACPI_MEMORY_MAX];
static unsigned sAcpiMappingCount;


/* size zeroed bytes below 4 GiB, followed by a page that cannot be read. */
static inline uint8_t *
acpi_memory(size_t size)
{
	if (sAcpiMappingCount == ACPI_MEMORY_MAX)
		abort();
	size_t pages = (size + ACPI_PAGE - 1) / ACPI_PAGE;
	size_t total = (pages + 1) * ACPI_PAGE;
	uint8_t *base = mmap(NULL, total, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (base == MAP_FAILED || mprotect(base + pages * ACPI_PAGE, ACPI_PAGE, PROT_NONE) != 0)
		abort();
	sAcpiMappings[sAcpiMappingCount].base = base;
	sAcpiMappings[sAcpiMappingCount++].size = total;
	return base + pages * ACPI_PAGE - size;
}


static inline void
acpi_memory_free_all(void)
{
	while (sAcpiMappingCount > 0) {
		sAcpiMappingCount--;
		munmap(sAcpiMappings[sAcpiMappingCount].base, sAcpiMappings[sAcpiMappingCount].size);
	}
}


static inline uint8_t
acpi_sum(const void *data, size_t length)
{
	const uint8_t *bytes = data;
	uint8_t sum = 0;
	while (length-- > 0)
		sum += *bytes++;
	return sum;
}


static inline void
acpi_put_le(uint8_t *at, uint64_t value, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		at[i] = (uint8_t)(value >> (8 * i));
}


/* A table of length bytes (header included) with its header filled in. */
static inline uint8_t *
acpi_table_new(const char signature[4], uint32_t length)
{
	uint8_t *table = acpi_memory(length < ACPI_TABLE_HEADER_LENGTH
		? ACPI_TABLE_HEADER_LENGTH : length);
	struct acpi_table_header *header = (struct acpi_table_header *)table;
	memcpy(header->signature, signature, 4);
	header->length = length;
	header->revision = 1;
	memcpy(header->oem_id, "BOOTLD", 6);
	memcpy(header->oem_table_id, "TESTTBL ", 8);
	return table;
}


/* Make the table's checksum right for its length field. */
static inline void
acpi_table_seal(uint8_t *table)
{
	struct acpi_table_header *header = (struct acpi_table_header *)table;
	header->checksum = 0;
	header->checksum = (uint8_t)-acpi_sum(table, header->length);
}


/* Make both of the RSDP's checksums right (the extended one from revision 2). */
static inline void
acpi_rsdp_seal(struct acpi_rsdp *rsdp)
{
	rsdp->checksum = 0;
	rsdp->checksum = (uint8_t)-acpi_sum(rsdp, ACPI_RSDP_V1_LENGTH);
	if (rsdp->revision >= 2) {
		rsdp->extended_checksum = 0;
		rsdp->extended_checksum = (uint8_t)-acpi_sum(rsdp, rsdp->length);
	}
}


/*
 * A sealed RSDP of revision (0 or 2) and its sealed root table, an RSDT or
 * from revision 2 an XSDT, whose entries point to the count tables.
 */
static inline struct acpi_rsdp *
acpi_rsdp_new(uint8_t revision, uint8_t *const *tables, unsigned count)
{
	unsigned entrySize = revision >= 2 ? 8 : 4;
	uint8_t *root = acpi_table_new(revision >= 2 ? "XSDT" : "RSDT",
		ACPI_TABLE_HEADER_LENGTH + entrySize * count);
	for (unsigned i = 0; i < count; i++) {
		acpi_put_le(root + ACPI_TABLE_HEADER_LENGTH + entrySize * i,
			(uint64_t)(uintptr_t)tables[i], entrySize);
	}
	acpi_table_seal(root);

	struct acpi_rsdp *rsdp = (struct acpi_rsdp *)acpi_memory(ACPI_RSDP_V2_LENGTH);
	memcpy(rsdp->signature, ACPI_RSDP_SIGNATURE, 8);
	memcpy(rsdp->oem_id, "BOOTLD", 6);
	rsdp->revision = revision;
	rsdp->rsdt_address = revision >= 2 ? 0 : (uint32_t)(uintptr_t)root;
	if (revision >= 2) {
		rsdp->length = ACPI_RSDP_V2_LENGTH;
		rsdp->xsdt_address = (uint64_t)(uintptr_t)root;
	}
	acpi_rsdp_seal(rsdp);
	return rsdp;
}

#endif
