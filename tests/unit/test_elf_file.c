/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for loading a kernel by offset (elf_load_kernel_file and
 * elf_load_symbols_file): what is read, how much, and where it goes.
 */
#include <stdlib.h>
#include <string.h>

#include <boot/elf.h>
#include <boot/platform.h>

#include "test_elf_platform.h"
#include "unit_test.h"


#define PAGE		KERNEL_PAGE_SIZE
#define BASE		KERNEL_LOAD_BASE
/* Larger than any test could hold: only what is read of it exists. */
#define HUGE_FILE	(200ULL * 1024 * 1024)

static const struct elf_policy kPolicy = {
	.machine = EM_X86_64,
	.window_start = KERNEL_LOAD_BASE,
	.window_end = KERNEL_WINDOW_END,
	.allow_write_execute = 0,
};


static uint8_t
file_byte(uint64_t offset)
{
	return (uint8_t)(offset * 13 + 5 + (offset >> 9));
}


/*
 * A kernel of size bytes with phnum program headers after the ELF header:
 * text at 0x1000 (a page and a half), data at 0x3010 with a bss of three
 * pages; the rest PT_NOTE. Bytes outside the headers follow file_byte.
 */
static uint8_t *
make_kernel(size_t size, uint16_t phnum, uint16_t machine)
{
	uint8_t *data = malloc(size);
	CHECK(data != NULL);
	for (size_t i = 0; i < size; i++)
		data[i] = file_byte(i);

	Elf64_Ehdr header = {
		.e_type = ET_EXEC,
		.e_machine = machine,
		.e_version = EV_CURRENT,
		.e_entry = BASE + 0x10,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = phnum,
	};
	memcpy(header.e_ident, "\177ELF", 4);
	header.e_ident[EI_CLASS] = ELFCLASS64;
	header.e_ident[EI_DATA] = ELFDATA2LSB;
	header.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(data, &header, sizeof(header));

	for (uint16_t i = 0; i < phnum; i++) {
		Elf64_Phdr phdr = { .p_type = 4 };	/* PT_NOTE */
		if (i == 0) {
			phdr = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
				.p_offset = 0x1000, .p_vaddr = BASE, .p_filesz = 0x1800,
				.p_memsz = 0x1800, .p_align = PAGE };
		} else if (i == phnum - 1) {
			phdr = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
				.p_offset = 0x3010, .p_vaddr = BASE + 0x3010, .p_filesz = 0x200,
				.p_memsz = 0x3000, .p_align = PAGE };
		}
		memcpy(data + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr), &phdr, sizeof(phdr));
	}
	return data;
}


TEST(elf_file_huge_non_elf_is_refused_after_its_header)
{
	fake_platform_reset();
	struct fake_file file;
	/* "MZ" and zeroes: an EFI application offered as the kernel. */
	static const uint8_t kStart[] = { 'M', 'Z' };
	fake_file_init(&file, kStart, sizeof(kStart), HUGE_FILE);
	kernel_image kernel;
	const char *reason = NULL;

	CHECK_EQ(elf_load_kernel_file(&file.file, "k", &kPolicy, &kernel, &reason), B_BAD_DATA);
	CHECK(reason != NULL && strcmp(reason, "bad ELF magic") == 0);
	CHECK_EQ(file.bytes_read, sizeof(Elf64_Ehdr));
	CHECK_EQ(file.read_count, 1);
	CHECK_EQ(fake_platform_allocation_count(), 0);
	CHECK_EQ(fake_platform_errors(), 0);
}


TEST(elf_file_huge_kernel_for_another_machine_reads_its_header_only)
{
	fake_platform_reset();
	uint8_t *data = make_kernel(0x4000, 2, EM_AARCH64);
	struct fake_file file;
	fake_file_init(&file, data, 0x4000, HUGE_FILE);
	kernel_image kernel;
	const char *reason = NULL;

	CHECK_EQ(elf_load_kernel_file(&file.file, "k", &kPolicy, &kernel, &reason),
		B_NOT_SUPPORTED);
	CHECK(reason != NULL && strcmp(reason, "wrong machine (expected x86_64)") == 0);
	CHECK_EQ(file.bytes_read, sizeof(Elf64_Ehdr));
	CHECK_EQ(fake_platform_allocation_count(), 0);
	free(data);
}


TEST(elf_file_bad_segment_is_refused_after_the_program_headers)
{
	fake_platform_reset();
	uint8_t *data = make_kernel(0x4000, 3, EM_X86_64);
	/* The data segment's bytes past the end of the (huge) file. */
	Elf64_Phdr phdr;
	memcpy(&phdr, data + sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr), sizeof(phdr));
	phdr.p_offset = HUGE_FILE - 0x100;
	memcpy(data + sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr), &phdr, sizeof(phdr));
	struct fake_file file;
	fake_file_init(&file, data, 0x4000, HUGE_FILE);
	kernel_image kernel;
	const char *reason = NULL;

	CHECK_EQ(elf_load_kernel_file(&file.file, "k", &kPolicy, &kernel, &reason), B_BAD_DATA);
	CHECK(reason != NULL && strcmp(reason, "segment data past end of file") == 0);
	CHECK_EQ(file.bytes_read, sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr));
	CHECK_EQ(fake_platform_allocation_count(), 0);
	free(data);
}


/* Each segment's bytes were read once, straight to where the kernel sees them. */
static void
check_segment(const struct fake_file *file, const uint8_t *data, uint64_t offset,
	uint64_t fileSize, uint64_t address, uint64_t memorySize, const kernel_segment *loaded)
{
	uint64_t pageStart = address & ~(uint64_t)(PAGE - 1);
	CHECK_EQ(loaded->virtual_address, pageStart);
	CHECK(fake_platform_unzeroed(pageStart));
	const uint8_t *memory = platform_kernel_to_loader(pageStart);
	CHECK(memory != NULL);

	uint32_t reads = 0;
	for (uint32_t i = 0; i < file->read_count; i++) {
		const struct fake_file_read *read = &file->reads[i];
		if (read->offset + read->length <= offset || read->offset >= offset + fileSize)
			continue;
		reads++;
		CHECK_EQ(read->offset, offset);
		CHECK_EQ(read->length, fileSize);
		CHECK(read->buffer == memory + (address - pageStart));
	}
	CHECK_EQ(reads, 1);

	for (uint64_t i = 0; i < loaded->size; i++) {
		uint64_t inSegment = i - (address - pageStart);
		uint8_t expected = i >= address - pageStart && inSegment < fileSize
			? data[offset + inSegment] : 0;
		if (memory[i] != expected) {
			unit_fail(__FILE__, __LINE__, "byte %#llx of %#llx is %#x, expected %#x",
				(unsigned long long)i, (unsigned long long)pageStart, memory[i], expected);
			return;
		}
	}
	CHECK_EQ(loaded->size, ((address + memorySize + PAGE - 1) & ~(uint64_t)(PAGE - 1))
		- pageStart);
}


TEST(elf_file_segments_are_read_once_into_place_and_only_the_rest_zeroed)
{
	fake_platform_reset();
	const size_t size = 0x3210;
	uint8_t *data = make_kernel(size, 3, EM_X86_64);
	struct fake_file file;
	fake_file_init(&file, data, size, size);
	kernel_image kernel;
	const char *reason = "(not set)";

	CHECK_EQ(elf_load_kernel_file(&file.file, "k", &kPolicy, &kernel, &reason), B_OK);
	CHECK(reason == NULL);
	CHECK_EQ(kernel.segment_count, 2);
	CHECK_EQ(kernel.file_size, size);
	/* The headers, then each segment's file bytes: nothing twice, nothing else. */
	CHECK_EQ(file.bytes_read, sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr) + 0x1800 + 0x200);
	CHECK_EQ(file.read_count, 4);
	check_segment(&file, data, 0x1000, 0x1800, BASE, 0x1800, &kernel.segments[0]);
	check_segment(&file, data, 0x3010, 0x200, BASE + 0x3010, 0x3000, &kernel.segments[1]);
	CHECK_EQ(fake_platform_errors(), 0);
	free(data);
}


TEST(elf_file_program_headers_are_read_in_few_requests)
{
	fake_platform_reset();
	/* 100 program headers, 5600 bytes: a handful of reads, not one each. */
	const size_t size = 0x3210;
	uint8_t *data = make_kernel(size, 100, EM_X86_64);
	/* The headers overlap the text's bytes here; move the text's page past them. */
	Elf64_Phdr text;
	memcpy(&text, data + sizeof(Elf64_Ehdr), sizeof(text));
	text.p_offset = 0x2000;
	text.p_filesz = text.p_memsz = 0x1000;
	memcpy(data + sizeof(Elf64_Ehdr), &text, sizeof(text));
	struct fake_file file;
	fake_file_init(&file, data, size, size);
	kernel_image kernel;
	const char *reason = NULL;

	CHECK_EQ(elf_load_kernel_file(&file.file, "k", &kPolicy, &kernel, &reason), B_OK);
	CHECK(file.read_count <= 1 + 7 + 2);
	CHECK_EQ(file.bytes_read, sizeof(Elf64_Ehdr) + 100 * sizeof(Elf64_Phdr) + 0x1000 + 0x200);
	free(data);
}


TEST(elf_file_read_error_leaves_no_region)
{
	fake_platform_reset();
	const size_t size = 0x3210;
	uint8_t *data = make_kernel(size, 3, EM_X86_64);
	struct fake_file file;
	fake_file_init(&file, data, size, size);
	/* Header, program headers, text: the data segment's read fails. */
	file.fail_read = 3;
	kernel_image kernel;
	const char *reason = NULL;

	CHECK_EQ(elf_load_kernel_file(&file.file, "k", &kPolicy, &kernel, &reason), B_IO_ERROR);
	CHECK(reason != NULL && strcmp(reason, "cannot read the file") == 0);
	CHECK_EQ(fake_platform_region_count(), 0);
	CHECK_EQ(kernel.segment_count, 0);
	CHECK_EQ(fake_platform_errors(), 0);
	free(data);
}
