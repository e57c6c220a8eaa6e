/* SPDX-License-Identifier: MIT */
/*
 * The kernel's symbol and string tables: found through the section headers
 * of an untrusted file and copied into kernel memory as preloaded images.
 */
#include <boot/elf.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <boot/platform.h>


//#define TRACE_ELF_SYMBOLS
#ifdef TRACE_ELF_SYMBOLS
#	include <boot/stdio.h>
#	define TRACE(x...) boot_dprintf("elf: " x)
#else
#	define TRACE(x...) do {} while (0)
#endif


static status_t
symbols_fail(const char **_reason, const char *reason, status_t status)
{
	TRACE("%s\n", reason);
	if (_reason != NULL)
		*_reason = reason;
	return status;
}


/* Whether [offset, offset + length) lies inside a file of size bytes. */
static bool
symbols_inside_file(uint64_t offset, uint64_t length, size_t size)
{
	return offset <= size && length <= size - offset;
}


/* Section index of a table the caller proved to lie inside the file. */
static Elf64_Shdr
symbols_section(const uint8_t *bytes, uint64_t tableOffset, uint64_t index)
{
	Elf64_Shdr section;
	memcpy(&section, bytes + tableOffset + index * sizeof(Elf64_Shdr),
		sizeof(section));
	return section;
}


/* Every st_name must index the string table, so that lookups never leave it. */
static bool
symbols_names_inside(const uint8_t *bytes, const struct elf_symbol_tables *tables)
{
	uint64_t count = tables->symbols_size / sizeof(Elf64_Sym);
	for (uint64_t i = 0; i < count; i++) {
		Elf64_Sym symbol;
		memcpy(&symbol, bytes + tables->symbols_offset + i * sizeof(Elf64_Sym),
			sizeof(symbol));
		if (symbol.st_name >= tables->strings_size)
			return false;
	}
	return true;
}


status_t
elf_find_symbol_tables(const void *image, size_t size, struct elf_symbol_tables *tables,
	const char **_reason)
{
	const uint8_t *bytes = image;

	if (tables == NULL || (image == NULL && size != 0))
		return symbols_fail(_reason, "invalid arguments", B_BAD_VALUE);
	memset(tables, 0, sizeof(*tables));

	if (size < sizeof(Elf64_Ehdr))
		return symbols_fail(_reason, "file too small for an ELF header", B_BAD_DATA);
	/* Copied, because nothing guarantees the file buffer is aligned. */
	Elf64_Ehdr header;
	memcpy(&header, bytes, sizeof(header));
	if (header.e_ident[0] != 0x7f || header.e_ident[1] != 'E'
		|| header.e_ident[2] != 'L' || header.e_ident[3] != 'F') {
		return symbols_fail(_reason, "bad ELF magic", B_BAD_DATA);
	}
	/* The layout of the section headers depends on both. */
	if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB)
		return symbols_fail(_reason, "not a 64-bit little-endian ELF file", B_NOT_SUPPORTED);

	if (header.e_shoff == 0) {
		if (_reason != NULL)
			*_reason = NULL;
		return B_OK;
	}
	if (header.e_shentsize != sizeof(Elf64_Shdr))
		return symbols_fail(_reason, "bad section header size", B_BAD_DATA);
	if (!symbols_inside_file(header.e_shoff, sizeof(Elf64_Shdr), size))
		return symbols_fail(_reason, "section headers past end of file", B_BAD_DATA);

	/* With 0xff00 sections or more, section 0 holds the count (gABI). */
	uint64_t count = header.e_shnum;
	if (count == 0)
		count = symbols_section(bytes, header.e_shoff, 0).sh_size;
	/* Divided rather than multiplied: the count may be any 64-bit value. */
	if (count > (size - header.e_shoff) / sizeof(Elf64_Shdr))
		return symbols_fail(_reason, "section headers past end of file", B_BAD_DATA);

	/* Section 0 is reserved (it holds the count above), whatever it says. */
	Elf64_Shdr symbols = { .sh_type = SHT_NULL };
	uint64_t symbolIndex;
	for (symbolIndex = 1; symbolIndex < count; symbolIndex++) {
		symbols = symbols_section(bytes, header.e_shoff, symbolIndex);
		if (symbols.sh_type == SHT_SYMTAB)
			break;
	}
	if (symbolIndex >= count || symbols.sh_size == 0) {
		if (_reason != NULL)
			*_reason = NULL;
		return B_OK;
	}

	if (symbols.sh_entsize != sizeof(Elf64_Sym) || symbols.sh_size % sizeof(Elf64_Sym) != 0)
		return symbols_fail(_reason, "bad symbol table entry size", B_BAD_DATA);
	if (!symbols_inside_file(symbols.sh_offset, symbols.sh_size, size))
		return symbols_fail(_reason, "symbol table past end of file", B_BAD_DATA);

	if (symbols.sh_link == 0 || symbols.sh_link >= count)
		return symbols_fail(_reason, "bad string table link", B_BAD_DATA);
	Elf64_Shdr strings = symbols_section(bytes, header.e_shoff, symbols.sh_link);
	if (strings.sh_type != SHT_STRTAB)
		return symbols_fail(_reason, "bad string table link", B_BAD_DATA);
	if (!symbols_inside_file(strings.sh_offset, strings.sh_size, size))
		return symbols_fail(_reason, "string table past end of file", B_BAD_DATA);
	if (strings.sh_size == 0 || bytes[strings.sh_offset + strings.sh_size - 1] != '\0')
		return symbols_fail(_reason, "string table not NUL-terminated", B_BAD_DATA);

	tables->symbols_offset = symbols.sh_offset;
	tables->symbols_size = symbols.sh_size;
	tables->strings_offset = strings.sh_offset;
	tables->strings_size = strings.sh_size;
	if (!symbols_names_inside(bytes, tables)) {
		memset(tables, 0, sizeof(*tables));
		return symbols_fail(_reason, "symbol name outside the string table", B_BAD_DATA);
	}

	if (_reason != NULL)
		*_reason = NULL;
	return B_OK;
}


/* One table into a read-only region of its own, described in *loaded. */
static status_t
symbols_copy(const uint8_t *bytes, uint64_t offset, uint64_t size, const char *name,
	uint32_t type, preloaded_image *loaded)
{
#if SIZE_MAX < UINT64_MAX
	if (size > SIZE_MAX)
		return B_NO_MEMORY;
#endif
	uint64_t address = 0;
	status_t status = platform_allocate_region(&address, (size_t)size, REGION_READ,
		false);
	if (status != B_OK)
		return status;
	uint8_t *target = platform_kernel_to_loader(address);
	if (target == NULL) {
		platform_free_region(address, (size_t)size);
		return B_NO_MEMORY;
	}
	memcpy(target, bytes + offset, (size_t)size);

	memset(loaded, 0, sizeof(*loaded));
	memcpy(loaded->name, name, strlen(name) + 1);
	loaded->address = address;
	loaded->size = size;
	loaded->command_line = 0;
	loaded->type = type;
	TRACE("%s: %#llx bytes at %#llx\n", name, (unsigned long long)size,
		(unsigned long long)address);
	return B_OK;
}


status_t
elf_load_symbols(const void *image, size_t size, preloaded_image images[ELF_SYMBOL_IMAGES],
	uint32_t *_count, const char **_reason)
{
	if (images == NULL || _count == NULL)
		return symbols_fail(_reason, "invalid arguments", B_BAD_VALUE);
	*_count = 0;

	struct elf_symbol_tables tables;
	status_t status = elf_find_symbol_tables(image, size, &tables, _reason);
	if (status != B_OK || tables.symbols_size == 0)
		return status;

	status = symbols_copy(image, tables.symbols_offset, tables.symbols_size, ".symtab",
		PRELOADED_KERNEL_SYMBOLS, &images[0]);
	if (status == B_OK) {
		status = symbols_copy(image, tables.strings_offset, tables.strings_size,
			".strtab", PRELOADED_KERNEL_STRINGS, &images[1]);
		if (status != B_OK)
			platform_free_region(images[0].address, (size_t)images[0].size);
	}
	if (status != B_OK) {
		memset(images, 0, ELF_SYMBOL_IMAGES * sizeof(preloaded_image));
		return symbols_fail(_reason, "out of memory loading the symbol table", status);
	}

	*_count = ELF_SYMBOL_IMAGES;
	return B_OK;
}
