/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for finding and loading a kernel's symbol and string tables
 * through its section headers (elf_symbols.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <boot/elf.h>
#include <boot/platform.h>

#include "test_elf_platform.h"
#include "unit_test.h"


/*
 * The file: ELF header, symbols at 0x100 (three), strings at 0x200, section
 * headers at 0x300: null, .symtab (linked to 2), .strtab, and a PROGBITS.
 */
#define SYMBOLS_OFFSET		0x100
#define STRINGS_OFFSET		0x200
#define SECTIONS_OFFSET		0x300
#define SECTION_COUNT		4
#define FILE_SIZE			(SECTIONS_OFFSET + SECTION_COUNT * sizeof(Elf64_Shdr))
#define ENTRY				0xffffffff80000040ULL

#define PAGE_SIZE_FOR_TESTS	KERNEL_PAGE_SIZE

static const char kStrings[] = "\0_start\0kernel_main";

struct symbols_file {
	Elf64_Ehdr	header;
	Elf64_Sym	symbols[3];
	Elf64_Shdr	sections[SECTION_COUNT];
	size_t		size;
};


static struct symbols_file
valid_file(void)
{
	struct symbols_file file;
	memset(&file, 0, sizeof(file));

	Elf64_Ehdr *header = &file.header;
	memcpy(header->e_ident, "\177ELF", 4);
	header->e_ident[EI_CLASS] = ELFCLASS64;
	header->e_ident[EI_DATA] = ELFDATA2LSB;
	header->e_ident[EI_VERSION] = EV_CURRENT;
	header->e_type = ET_EXEC;
	header->e_machine = EM_X86_64;
	header->e_version = EV_CURRENT;
	header->e_entry = ENTRY;
	header->e_ehsize = sizeof(Elf64_Ehdr);
	header->e_shoff = SECTIONS_OFFSET;
	header->e_shentsize = sizeof(Elf64_Shdr);
	header->e_shnum = SECTION_COUNT;
	header->e_shstrndx = 0;

	file.symbols[1] = (Elf64_Sym){ .st_name = 1, .st_info = 0x12, .st_shndx = 3,
		.st_value = ENTRY };
	file.symbols[2] = (Elf64_Sym){ .st_name = 8, .st_info = 0x12, .st_shndx = 3,
		.st_value = ENTRY + 0x100 };

	file.sections[1] = (Elf64_Shdr){ .sh_type = SHT_SYMTAB, .sh_offset = SYMBOLS_OFFSET,
		.sh_size = sizeof(file.symbols), .sh_link = 2, .sh_info = 1, .sh_addralign = 8,
		.sh_entsize = sizeof(Elf64_Sym) };
	file.sections[2] = (Elf64_Shdr){ .sh_type = SHT_STRTAB, .sh_offset = STRINGS_OFFSET,
		.sh_size = sizeof(kStrings), .sh_addralign = 1 };
	file.sections[3] = (Elf64_Shdr){ .sh_type = 1, .sh_flags = 6, .sh_addr = ENTRY,
		.sh_offset = 0x40, .sh_size = 0x10 };
	file.size = FILE_SIZE;
	return file;
}


/* Exactly size bytes, so that ASan sees every read past the end. */
static uint8_t *
file_bytes(const struct symbols_file *file)
{
	uint8_t *bytes = calloc(1, file->size > 0 ? file->size : 1);
	CHECK(bytes != NULL);
	uint8_t whole[FILE_SIZE];
	memset(whole, 0, sizeof(whole));
	memcpy(whole, &file->header, sizeof(file->header));
	memcpy(whole + SYMBOLS_OFFSET, file->symbols, sizeof(file->symbols));
	memcpy(whole + STRINGS_OFFSET, kStrings, sizeof(kStrings));
	memcpy(whole + SECTIONS_OFFSET, file->sections, sizeof(file->sections));
	memcpy(bytes, whole, file->size < sizeof(whole) ? file->size : sizeof(whole));
	return bytes;
}


/* Find the tables of file; the reason ("" for success) and the tables. */
static const char *
find(const struct symbols_file *file, status_t *_status, struct elf_symbol_tables *tables)
{
	uint8_t *bytes = file_bytes(file);
	const char *reason = "(not set)";
	*_status = elf_find_symbol_tables(bytes, file->size, tables, &reason);
	free(bytes);
	if (*_status == B_OK)
		return reason == NULL ? "" : "(reason set on success)";
	return reason != NULL ? reason : "(no reason)";
}


#define CHECK_REJECTED(file, expected)	check_rejected((file), (expected), __LINE__)

static void
check_rejected(const struct symbols_file *file, const char *expected, int line)
{
	status_t status;
	struct elf_symbol_tables tables;
	memset(&tables, 0x5a, sizeof(tables));
	const char *reason = find(file, &status, &tables);
	if (status != B_BAD_DATA || strcmp(reason, expected) != 0) {
		unit_fail(__FILE__, line, "got \"%s\" (%s), expected \"%s\"", reason,
			status_string(status), expected);
	}
	if (tables.symbols_size != 0 || tables.strings_size != 0)
		unit_fail(__FILE__, line, "tables not cleared on failure");
}


/* Found, no symbols at all, or rejected: nothing else. */
static void
check_no_symbols(const struct symbols_file *file, int line)
{
	status_t status;
	struct elf_symbol_tables tables;
	const char *reason = find(file, &status, &tables);
	if (status != B_OK || reason[0] != '\0' || tables.symbols_size != 0
		|| tables.strings_size != 0) {
		unit_fail(__FILE__, line, "expected no symbols, got %s \"%s\"",
			status_string(status), reason);
	}
}


/* --- finding -------------------------------------------------------------- */

TEST(symbol_tables_are_found)
{
	struct symbols_file file = valid_file();
	status_t status;
	struct elf_symbol_tables tables;
	CHECK(strcmp(find(&file, &status, &tables), "") == 0);
	CHECK_EQ(status, B_OK);
	CHECK_EQ(tables.symbols_offset, SYMBOLS_OFFSET);
	CHECK_EQ(tables.symbols_size, 3 * sizeof(Elf64_Sym));
	CHECK_EQ(tables.strings_offset, STRINGS_OFFSET);
	CHECK_EQ(tables.strings_size, sizeof(kStrings));
}


TEST(a_table_may_end_with_the_file)
{
	/* the string table in the file's last 16 bytes: section 3's zero sh_addralign and sh_entsize */
	struct symbols_file file = valid_file();
	file.sections[2].sh_offset = FILE_SIZE - 16;
	file.sections[2].sh_size = 16;
	status_t status;
	struct elf_symbol_tables tables;
	CHECK(strcmp(find(&file, &status, &tables), "") == 0);
	CHECK_EQ(status, B_OK);
	CHECK_EQ(tables.strings_offset, FILE_SIZE - 16);
	CHECK_EQ(tables.strings_size, 16);
}


TEST(a_file_without_symbols_is_fine)
{
	struct symbols_file file = valid_file();
	file.header.e_shoff = 0;
	file.header.e_shnum = 0;
	check_no_symbols(&file, __LINE__);

	/* a stripped kernel: sections, but no SHT_SYMTAB */
	file = valid_file();
	file.sections[1].sh_type = 1;
	check_no_symbols(&file, __LINE__);

	/* an empty symbol table */
	file = valid_file();
	file.sections[1].sh_size = 0;
	check_no_symbols(&file, __LINE__);

	/* only section 0, which is reserved whatever its type */
	file = valid_file();
	file.header.e_shnum = 1;
	file.sections[0] = file.sections[1];
	check_no_symbols(&file, __LINE__);
}


TEST(extended_section_numbering_is_understood)
{
	/* e_shnum 0: the count is in section 0's sh_size */
	struct symbols_file file = valid_file();
	file.header.e_shnum = 0;
	file.sections[0].sh_size = SECTION_COUNT;
	status_t status;
	struct elf_symbol_tables tables;
	CHECK(strcmp(find(&file, &status, &tables), "") == 0);
	CHECK_EQ(tables.symbols_offset, SYMBOLS_OFFSET);

	file.sections[0].sh_size = SECTION_COUNT + 1;
	CHECK_REJECTED(&file, "section headers past end of file");
	file.sections[0].sh_size = UINT64_MAX;
	CHECK_REJECTED(&file, "section headers past end of file");
}


TEST(reject_bad_section_header_table)
{
	struct symbols_file file = valid_file();
	file.header.e_shentsize = sizeof(Elf64_Shdr) - 8;
	CHECK_REJECTED(&file, "bad section header size");
	file.header.e_shentsize = 0;
	CHECK_REJECTED(&file, "bad section header size");

	file = valid_file();
	file.header.e_shnum = SECTION_COUNT + 1;
	CHECK_REJECTED(&file, "section headers past end of file");
	file.header.e_shnum = 0xffff;
	CHECK_REJECTED(&file, "section headers past end of file");

	file = valid_file();
	file.header.e_shoff = FILE_SIZE - sizeof(Elf64_Shdr) + 1;
	CHECK_REJECTED(&file, "section headers past end of file");
	/* e_shoff + e_shnum * e_shentsize wraps around 2^64 */
	file.header.e_shoff = UINT64_MAX - sizeof(Elf64_Shdr) + 1;
	CHECK_REJECTED(&file, "section headers past end of file");
	file.header.e_shoff = UINT64_MAX;
	CHECK_REJECTED(&file, "section headers past end of file");
}


TEST(reject_bad_symbol_table)
{
	struct symbols_file file = valid_file();
	file.sections[1].sh_entsize = sizeof(Elf64_Sym) + 1;
	CHECK_REJECTED(&file, "bad symbol table entry size");
	file.sections[1].sh_entsize = 0;
	CHECK_REJECTED(&file, "bad symbol table entry size");

	file = valid_file();
	file.sections[1].sh_size -= 1;
	CHECK_REJECTED(&file, "bad symbol table entry size");

	file = valid_file();
	file.sections[1].sh_offset = FILE_SIZE - sizeof(Elf64_Sym);
	CHECK_REJECTED(&file, "symbol table past end of file");
	/* sh_offset + sh_size wraps around 2^64 */
	file.sections[1].sh_offset = UINT64_MAX - sizeof(Elf64_Sym) + 1;
	CHECK_REJECTED(&file, "symbol table past end of file");
	file = valid_file();
	file.sections[1].sh_size = UINT64_MAX - UINT64_MAX % sizeof(Elf64_Sym);
	CHECK_REJECTED(&file, "symbol table past end of file");
}


TEST(reject_bad_string_table)
{
	struct symbols_file file = valid_file();
	file.sections[1].sh_link = 0;
	CHECK_REJECTED(&file, "bad string table link");
	file.sections[1].sh_link = SECTION_COUNT;
	CHECK_REJECTED(&file, "bad string table link");
	file.sections[1].sh_link = 0xffffffff;
	CHECK_REJECTED(&file, "bad string table link");
	/* linked to itself, or to a section that is not a string table */
	file.sections[1].sh_link = 1;
	CHECK_REJECTED(&file, "bad string table link");
	file.sections[1].sh_link = 3;
	CHECK_REJECTED(&file, "bad string table link");

	file = valid_file();
	file.sections[2].sh_offset = FILE_SIZE - 2;
	CHECK_REJECTED(&file, "string table past end of file");
	file.sections[2].sh_offset = UINT64_MAX;
	CHECK_REJECTED(&file, "string table past end of file");

	/* the last byte is the 'n' of "kernel_main", not its NUL */
	file = valid_file();
	file.sections[2].sh_size -= 1;
	CHECK_REJECTED(&file, "string table not NUL-terminated");
	file.sections[2].sh_size = 0;
	CHECK_REJECTED(&file, "string table not NUL-terminated");
}


TEST(reject_symbol_names_outside_the_string_table)
{
	struct symbols_file file = valid_file();
	file.symbols[2].st_name = sizeof(kStrings);
	CHECK_REJECTED(&file, "symbol name outside the string table");
	file.symbols[2].st_name = sizeof(kStrings) - 1;
	status_t status;
	struct elf_symbol_tables tables;
	CHECK(strcmp(find(&file, &status, &tables), "") == 0);
}


TEST(reject_what_is_not_elf64_little_endian)
{
	struct symbols_file file = valid_file();
	file.header.e_ident[0] = 0;
	CHECK_REJECTED(&file, "bad ELF magic");

	file = valid_file();
	file.header.e_ident[EI_CLASS] = 1;
	status_t status;
	struct elf_symbol_tables tables;
	CHECK(strcmp(find(&file, &status, &tables), "not a 64-bit little-endian ELF file") == 0);
	CHECK_EQ(status, B_NOT_SUPPORTED);

	const char *reason = NULL;
	CHECK_EQ(elf_find_symbol_tables(NULL, 0, &tables, &reason), B_BAD_DATA);
	CHECK(reason != NULL && strcmp(reason, "file too small for an ELF header") == 0);
	CHECK_EQ(elf_find_symbol_tables(NULL, 10, &tables, &reason), B_BAD_VALUE);
	CHECK_EQ(elf_find_symbol_tables(&file, 10, NULL, &reason), B_BAD_VALUE);
}


/* Every prefix is either refused or read without going past its end. */
TEST(truncated_files)
{
	struct symbols_file file = valid_file();
	for (size_t length = 0; length <= FILE_SIZE; length++) {
		file.size = length;
		status_t status;
		struct elf_symbol_tables tables;
		const char *reason = find(&file, &status, &tables);
		bool ok = length == FILE_SIZE ? status == B_OK && reason[0] == '\0'
			: status == B_BAD_DATA;
		if (!ok) {
			unit_fail(__FILE__, __LINE__, "length %zu: %s \"%s\"", length,
				status_string(status), reason);
		}
	}
}


/* --- loading -------------------------------------------------------------- */

TEST(symbols_are_loaded_read_only_and_copied_exactly)
{
	fake_platform_reset();
	struct symbols_file file = valid_file();
	uint8_t *bytes = file_bytes(&file);
	preloaded_image images[ELF_SYMBOL_IMAGES];
	memset(images, 0x5a, sizeof(images));
	uint32_t count = 99;
	const char *reason = "(not set)";

	CHECK_EQ(elf_load_symbols(bytes, file.size, images, &count, &reason), B_OK);
	CHECK(reason == NULL);
	CHECK_EQ(count, 2);
	CHECK_EQ(fake_platform_region_count(), 2);

	const struct {
		const char	*name;
		uint32_t	type;
		uint64_t	offset;
		uint64_t	size;
	} expected[2] = {
		{ ".symtab", PRELOADED_KERNEL_SYMBOLS, SYMBOLS_OFFSET, 3 * sizeof(Elf64_Sym) },
		{ ".strtab", PRELOADED_KERNEL_STRINGS, STRINGS_OFFSET, sizeof(kStrings) },
	};
	for (int i = 0; i < 2; i++) {
		CHECK(strcmp(images[i].name, expected[i].name) == 0);
		CHECK_EQ(images[i].type, expected[i].type);
		CHECK_EQ(images[i].size, expected[i].size);
		CHECK_EQ(images[i].command_line, 0);
		CHECK_EQ(fake_platform_protection(images[i].address), REGION_READ);
		const uint8_t *copy = platform_kernel_to_loader(images[i].address);
		CHECK(copy != NULL);
		CHECK(memcmp(copy, bytes + expected[i].offset, (size_t)expected[i].size) == 0);
		/* memset 0x5a above: every field the loader does not set must be 0. */
		CHECK_EQ(images[i].reserved, 0);
	}
	/* the copied names index the copied strings */
	Elf64_Sym symbol;
	memcpy(&symbol, (const uint8_t *)platform_kernel_to_loader(images[0].address)
		+ sizeof(Elf64_Sym), sizeof(symbol));
	CHECK(strcmp((const char *)platform_kernel_to_loader(images[1].address) + symbol.st_name,
		"_start") == 0);
	CHECK_EQ(fake_platform_errors(), 0);
	free(bytes);
	fake_platform_reset();
}


TEST(symbols_from_a_file_are_read_once_into_their_regions)
{
	fake_platform_reset();
	struct symbols_file file = valid_file();
	uint8_t *bytes = file_bytes(&file);
	struct fake_file reader;
	fake_file_init(&reader, bytes, file.size, file.size);
	preloaded_image images[ELF_SYMBOL_IMAGES];
	uint32_t count = 99;
	const char *reason = "(not set)";

	CHECK_EQ(elf_load_symbols_file(&reader.file, images, &count, &reason), B_OK);
	CHECK(reason == NULL);
	CHECK_EQ(count, 2);
	/*
	 * The header, the three section headers after the null one (one read),
	 * the string table's header, the strings' last byte, then both tables.
	 */
	CHECK_EQ(reader.bytes_read, sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Shdr) + 1
		+ 3 * sizeof(Elf64_Sym) + sizeof(kStrings));
	uint32_t tableReads = 0;
	for (uint32_t i = 0; i < reader.read_count; i++) {
		for (int k = 0; k < 2; k++) {
			if (reader.reads[i].buffer == platform_kernel_to_loader(images[k].address)) {
				CHECK_EQ(reader.reads[i].length, images[k].size);
				tableReads++;
			}
		}
	}
	CHECK_EQ(tableReads, 2);
	CHECK(fake_platform_unzeroed(images[0].address));
	/* The rest of each table's last page is zeroed, not left as it was. */
	const uint8_t *strings = platform_kernel_to_loader(images[1].address);
	for (uint64_t i = images[1].size; i < PAGE_SIZE_FOR_TESTS; i++)
		CHECK_EQ(strings[i], 0);
	CHECK_EQ(fake_platform_errors(), 0);

	/* A failed read says so and leaves no region. */
	fake_platform_reset();
	fake_file_init(&reader, bytes, file.size, file.size);
	reader.fail_read = 5;
	CHECK_EQ(elf_load_symbols_file(&reader.file, images, &count, &reason), B_IO_ERROR);
	CHECK(reason != NULL && strcmp(reason, "cannot read the file") == 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(fake_platform_region_count(), 0);
	free(bytes);
	fake_platform_reset();
}


/*
 * Twenty sections, the symbol table the 19th: the headers are read eight at a
 * time (each read is a request to the disk), the last read no further than
 * the table's end, which is the file's.
 */
TEST(section_headers_are_read_eight_at_a_time)
{
	enum { kCount = 20, kSymbols = 18, kTable = SECTIONS_OFFSET };
	struct symbols_file file = valid_file();
	uint8_t *bytes = file_bytes(&file);
	size_t size = kTable + kCount * sizeof(Elf64_Shdr);
	bytes = realloc(bytes, size);
	CHECK(bytes != NULL);
	Elf64_Shdr sections[kCount];
	memset(sections, 0, sizeof(sections));
	for (int i = 1; i < kCount; i++)
		sections[i] = file.sections[3];
	sections[kSymbols] = file.sections[1];
	sections[kSymbols].sh_link = kSymbols + 1;
	sections[kSymbols + 1] = file.sections[2];
	memcpy(bytes + kTable, sections, sizeof(sections));
	Elf64_Ehdr header = file.header;
	header.e_shnum = kCount;
	memcpy(bytes, &header, sizeof(header));

	struct fake_file reader;
	fake_file_init(&reader, bytes, size, size);
	struct elf_symbol_tables tables;
	const char *reason = "(not set)";
	CHECK_EQ(elf_find_symbol_tables_file(&reader.file, &tables, &reason), B_OK);
	CHECK_EQ(tables.symbols_offset, SYMBOLS_OFFSET);
	CHECK_EQ(tables.strings_offset, STRINGS_OFFSET);

	static const struct { uint64_t first; size_t count; } kExpected[] = {
		{ 1, 8 }, { 9, 8 }, { 17, 3 }, { kSymbols + 1, 1 },
	};
	uint32_t found = 0;
	for (uint32_t i = 0; i < reader.read_count; i++) {
		if (reader.reads[i].offset < kTable)
			continue;
		CHECK(found < sizeof(kExpected) / sizeof(kExpected[0]));
		CHECK_EQ(reader.reads[i].offset, kTable + kExpected[found].first * sizeof(Elf64_Shdr));
		CHECK_EQ(reader.reads[i].length, kExpected[found].count * sizeof(Elf64_Shdr));
		found++;
	}
	CHECK_EQ(found, 4);
	free(bytes);
}


TEST(a_kernel_without_symbols_loads_none)
{
	fake_platform_reset();
	struct symbols_file file = valid_file();
	file.header.e_shoff = 0;
	uint8_t *bytes = file_bytes(&file);
	preloaded_image images[ELF_SYMBOL_IMAGES];
	uint32_t count = 99;
	const char *reason = "(not set)";
	CHECK_EQ(elf_load_symbols(bytes, file.size, images, &count, &reason), B_OK);
	CHECK_EQ(count, 0);
	CHECK_EQ(fake_platform_allocation_count(), 0);
	free(bytes);
}


TEST(symbol_loading_failures_clean_up)
{
	for (int succeeding = 0; succeeding < 2; succeeding++) {
		fake_platform_reset();
		fake_platform_fail_after(succeeding, B_NO_MEMORY);
		struct symbols_file file = valid_file();
		uint8_t *bytes = file_bytes(&file);
		preloaded_image images[ELF_SYMBOL_IMAGES];
		uint32_t count = 99;
		const char *reason = NULL;
		CHECK_EQ(elf_load_symbols(bytes, file.size, images, &count, &reason), B_NO_MEMORY);
		CHECK(reason != NULL && strcmp(reason, "out of memory loading the symbol table") == 0);
		CHECK_EQ(count, 0);
		CHECK_EQ(fake_platform_region_count(), 0);
		CHECK_EQ(fake_platform_errors(), 0);
		free(bytes);
	}

	/* a broken table allocates nothing */
	fake_platform_reset();
	struct symbols_file file = valid_file();
	file.sections[1].sh_link = 3;
	uint8_t *bytes = file_bytes(&file);
	preloaded_image images[ELF_SYMBOL_IMAGES];
	uint32_t count = 99;
	const char *reason = NULL;
	CHECK_EQ(elf_load_symbols(bytes, file.size, images, &count, &reason), B_BAD_DATA);
	CHECK(reason != NULL && strcmp(reason, "bad string table link") == 0);
	CHECK_EQ(count, 0);
	CHECK_EQ(fake_platform_allocation_count(), 0);
	free(bytes);
	fake_platform_reset();
}


/* generated/kernel/kernel_x86_64, found from generated/host/<this binary>. */
static bool
read_real_kernel(uint8_t **_data, size_t *_size)
{
	char path[4200];
	ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 64);
	if (length <= 0)
		return false;
	path[length] = '\0';
	for (int i = 0; i < 2; i++) {
		char *slash = strrchr(path, '/');
		if (slash == NULL)
			return false;
		*slash = '\0';
	}
	strcat(path, "/kernel/kernel_x86_64");
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		return false;
	fseek(file, 0, SEEK_END);
	long size = ftell(file);
	fseek(file, 0, SEEK_SET);
	uint8_t *data = malloc((size_t)size);
	CHECK(data != NULL && fread(data, 1, (size_t)size, file) == (size_t)size);
	fclose(file);
	*_data = data;
	*_size = (size_t)size;
	return true;
}


TEST(real_kernel_symbols_name_its_entry)
{
	uint8_t *data;
	size_t size;
	if (!read_real_kernel(&data, &size)) {
		printf("  note: kernel_x86_64 not built, real kernel symbols test skipped\n");
		return;
	}
	fake_platform_reset();
	preloaded_image images[ELF_SYMBOL_IMAGES];
	uint32_t count;
	const char *reason = NULL;
	CHECK_EQ(elf_load_symbols(data, size, images, &count, &reason), B_OK);
	CHECK_EQ(count, 2);

	Elf64_Ehdr header;
	memcpy(&header, data, sizeof(header));
	const uint8_t *symbols = platform_kernel_to_loader(images[0].address);
	const char *strings = platform_kernel_to_loader(images[1].address);
	uint32_t found = 0;
	for (uint64_t i = 0; i < images[0].size / sizeof(Elf64_Sym); i++) {
		Elf64_Sym symbol;
		memcpy(&symbol, symbols + i * sizeof(symbol), sizeof(symbol));
		if (strcmp(strings + symbol.st_name, "_start") == 0) {
			CHECK_EQ(symbol.st_value, header.e_entry);
			found++;
		}
	}
	CHECK_EQ(found, 1);
	printf("  note: %llu symbols, %llu bytes of names\n",
		(unsigned long long)(images[0].size / sizeof(Elf64_Sym)),
		(unsigned long long)images[1].size);
	free(data);
	fake_platform_reset();
}
