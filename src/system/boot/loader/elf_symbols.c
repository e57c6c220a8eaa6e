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

#include <boot/kernel_regions.h>
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
symbols_inside_file(uint64_t offset, uint64_t length, uint64_t size)
{
	return offset <= size && length <= size - offset;
}


static status_t
symbols_read(const struct elf_file *file, uint64_t offset, void *buffer, size_t length,
	const char **_reason)
{
	status_t status = file->read(file->cookie, offset, buffer, length);
	if (status != B_OK)
		return symbols_fail(_reason, "cannot read the file", status);
	return B_OK;
}


/* Section headers read at once while looking for the symbol table: 512 bytes. */
#define SECTIONS_CHUNK	8


/* Section index of a table the caller proved to lie inside the file. */
static status_t
symbols_section(const struct elf_file *file, uint64_t tableOffset, uint64_t index,
	Elf64_Shdr *section, const char **_reason)
{
	return symbols_read(file, tableOffset + index * sizeof(Elf64_Shdr), section,
		sizeof(*section), _reason);
}


/* Every st_name must index the string table, so that lookups never leave it. */
static bool
symbols_names_inside(const uint8_t *symbols, uint64_t size, uint64_t stringsSize)
{
	uint64_t count = size / sizeof(Elf64_Sym);
	for (uint64_t i = 0; i < count; i++) {
		Elf64_Sym symbol;
		/* Copied, because nothing guarantees the buffer is aligned. */
		memcpy(&symbol, symbols + i * sizeof(Elf64_Sym), sizeof(symbol));
		if (symbol.st_name >= stringsSize)
			return false;
	}
	return true;
}


/* The header checks shared by finding and loading: e_shoff is 0 or to be read. */
static status_t
symbols_read_header(const struct elf_file *file, Elf64_Ehdr *header, const char **_reason)
{
	if (file->size < sizeof(Elf64_Ehdr))
		return symbols_fail(_reason, "file too small for an ELF header", B_BAD_DATA);
	status_t status = symbols_read(file, 0, header, sizeof(*header), _reason);
	if (status != B_OK)
		return status;
	if (header->e_ident[0] != 0x7f || header->e_ident[1] != 'E'
		|| header->e_ident[2] != 'L' || header->e_ident[3] != 'F') {
		return symbols_fail(_reason, "bad ELF magic", B_BAD_DATA);
	}
	/* The layout of the section headers depends on both. */
	if (header->e_ident[EI_CLASS] != ELFCLASS64 || header->e_ident[EI_DATA] != ELFDATA2LSB)
		return symbols_fail(_reason, "not a 64-bit little-endian ELF file", B_NOT_SUPPORTED);
	return B_OK;
}


/*
 * Everything elf_find_symbol_tables checks but the symbol names, which the
 * callers check where the symbols are anyway. Sizes 0 without a table.
 */
static status_t
symbols_locate(const struct elf_file *file, struct elf_symbol_tables *tables,
	const char **_reason)
{
	memset(tables, 0, sizeof(*tables));

	Elf64_Ehdr header;
	status_t status = symbols_read_header(file, &header, _reason);
	if (status != B_OK || header.e_shoff == 0)
		return status;
	if (header.e_shentsize != sizeof(Elf64_Shdr))
		return symbols_fail(_reason, "bad section header size", B_BAD_DATA);
	if (!symbols_inside_file(header.e_shoff, sizeof(Elf64_Shdr), file->size))
		return symbols_fail(_reason, "section headers past end of file", B_BAD_DATA);

	/* With 0xff00 sections or more, section 0 holds the count (gABI). */
	uint64_t count = header.e_shnum;
	if (count == 0) {
		Elf64_Shdr first;
		status = symbols_section(file, header.e_shoff, 0, &first, _reason);
		if (status != B_OK)
			return status;
		count = first.sh_size;
	}
	/* Divided rather than multiplied: the count may be any 64-bit value. */
	if (count > (file->size - header.e_shoff) / sizeof(Elf64_Shdr))
		return symbols_fail(_reason, "section headers past end of file", B_BAD_DATA);

	/*
	 * Section 0 is reserved (it holds the count above), whatever it says.
	 * The headers are read SECTIONS_CHUNK at a time: a read is a request to
	 * the volume, costly where its port does not read ahead (EFI does).
	 */
	Elf64_Shdr sections[SECTIONS_CHUNK];
	Elf64_Shdr symbols = { .sh_type = SHT_NULL };
	uint64_t symbolIndex;
	uint64_t chunkStart = 1;
	uint64_t chunkEnd = 1;
	for (symbolIndex = 1; symbolIndex < count; symbolIndex++) {
		if (symbolIndex == chunkEnd) {
			uint64_t left = count - symbolIndex;
			chunkStart = symbolIndex;
			chunkEnd += left < SECTIONS_CHUNK ? left : SECTIONS_CHUNK;
			status = symbols_read(file, header.e_shoff + chunkStart * sizeof(Elf64_Shdr),
				sections, (chunkEnd - chunkStart) * sizeof(Elf64_Shdr), _reason);
			if (status != B_OK)
				return status;
		}
		symbols = sections[symbolIndex - chunkStart];
		if (symbols.sh_type == SHT_SYMTAB)
			break;
	}
	if (symbolIndex >= count || symbols.sh_size == 0)
		return B_OK;

	if (symbols.sh_entsize != sizeof(Elf64_Sym) || symbols.sh_size % sizeof(Elf64_Sym) != 0)
		return symbols_fail(_reason, "bad symbol table entry size", B_BAD_DATA);
	if (!symbols_inside_file(symbols.sh_offset, symbols.sh_size, file->size))
		return symbols_fail(_reason, "symbol table past end of file", B_BAD_DATA);

	if (symbols.sh_link == 0 || symbols.sh_link >= count)
		return symbols_fail(_reason, "bad string table link", B_BAD_DATA);
	Elf64_Shdr strings;
	status = symbols_section(file, header.e_shoff, symbols.sh_link, &strings, _reason);
	if (status != B_OK)
		return status;
	if (strings.sh_type != SHT_STRTAB)
		return symbols_fail(_reason, "bad string table link", B_BAD_DATA);
	if (!symbols_inside_file(strings.sh_offset, strings.sh_size, file->size))
		return symbols_fail(_reason, "string table past end of file", B_BAD_DATA);
	uint8_t last = 1;
	if (strings.sh_size != 0) {
		status = symbols_read(file, strings.sh_offset + strings.sh_size - 1, &last, 1,
			_reason);
		if (status != B_OK)
			return status;
	}
	if (last != '\0')
		return symbols_fail(_reason, "string table not NUL-terminated", B_BAD_DATA);

	tables->symbols_offset = symbols.sh_offset;
	tables->symbols_size = symbols.sh_size;
	tables->strings_offset = strings.sh_offset;
	tables->strings_size = strings.sh_size;
	return B_OK;
}


/* Symbols are checked this many at a time when they are not loaded anyway. */
#define SYMBOLS_CHUNK	32


status_t
elf_find_symbol_tables_file(const struct elf_file *file, struct elf_symbol_tables *tables,
	const char **_reason)
{
	if (tables == NULL || file == NULL)
		return symbols_fail(_reason, "invalid arguments", B_BAD_VALUE);

	status_t status = symbols_locate(file, tables, _reason);
	if (status != B_OK) {
		memset(tables, 0, sizeof(*tables));
		return status;
	}

	Elf64_Sym chunk[SYMBOLS_CHUNK];
	for (uint64_t done = 0; done < tables->symbols_size; done += sizeof(chunk)) {
		size_t length = tables->symbols_size - done < sizeof(chunk)
			? (size_t)(tables->symbols_size - done) : sizeof(chunk);
		status = symbols_read(file, tables->symbols_offset + done, chunk, length, _reason);
		if (status == B_OK && !symbols_names_inside((const uint8_t *)chunk, length,
				tables->strings_size)) {
			status = symbols_fail(_reason, "symbol name outside the string table",
				B_BAD_DATA);
		}
		if (status != B_OK) {
			memset(tables, 0, sizeof(*tables));
			return status;
		}
	}

	if (_reason != NULL)
		*_reason = NULL;
	return B_OK;
}


status_t
elf_find_symbol_tables(const void *image, size_t size, struct elf_symbol_tables *tables,
	const char **_reason)
{
	if (tables == NULL || (image == NULL && size != 0))
		return symbols_fail(_reason, "invalid arguments", B_BAD_VALUE);

	struct elf_memory_file memory;
	elf_memory_file_init(&memory, image, size);
	return elf_find_symbol_tables_file(&memory.file, tables, _reason);
}


/*
 * One table read straight into a read-only region of its own, described in
 * *loaded. B_NO_MEMORY, or a read error with *_reason set.
 */
static status_t
symbols_copy(const struct elf_file *file, uint64_t offset, uint64_t size, const char *name,
	uint32_t type, preloaded_image *loaded, const char **_reason)
{
#if SIZE_MAX < UINT64_MAX
	if (size > SIZE_MAX)
		return B_NO_MEMORY;
#endif
	uint64_t address = 0;
	status_t status = platform_allocate_region(&address, (size_t)size,
		REGION_READ | REGION_UNZEROED, false);
	if (status != B_OK)
		return status;
	uint8_t *target = platform_kernel_to_loader(address);
	if (target == NULL) {
		platform_free_region(address, (size_t)size);
		return B_NO_MEMORY;
	}
	status = symbols_read(file, offset, target, (size_t)size, _reason);
	if (status != B_OK) {
		platform_free_region(address, (size_t)size);
		return status;
	}
	kernel_regions_clear_tail(target, (size_t)size);

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


/* Copy a table; out-of-memory gets the reason a user can act on. */
static status_t
symbols_load_table(const struct elf_file *file, uint64_t offset, uint64_t size,
	const char *name, uint32_t type, preloaded_image *loaded, const char **_reason)
{
	const char *readReason = NULL;
	status_t status = symbols_copy(file, offset, size, name, type, loaded, &readReason);
	if (status != B_OK && readReason != NULL)
		return symbols_fail(_reason, readReason, status);
	if (status != B_OK)
		return symbols_fail(_reason, "out of memory loading the symbol table", status);
	return B_OK;
}


status_t
elf_load_symbols_file(const struct elf_file *file,
	preloaded_image images[ELF_SYMBOL_IMAGES], uint32_t *_count, const char **_reason)
{
	if (file == NULL || images == NULL || _count == NULL)
		return symbols_fail(_reason, "invalid arguments", B_BAD_VALUE);
	*_count = 0;

	struct elf_symbol_tables tables;
	status_t status = symbols_locate(file, &tables, _reason);
	if (status != B_OK || tables.symbols_size == 0) {
		if (status == B_OK && _reason != NULL)
			*_reason = NULL;
		return status;
	}

	status = symbols_load_table(file, tables.symbols_offset, tables.symbols_size,
		".symtab", PRELOADED_KERNEL_SYMBOLS, &images[0], _reason);
	if (status != B_OK) {
		memset(images, 0, ELF_SYMBOL_IMAGES * sizeof(preloaded_image));
		return status;
	}
	/* Checked where the symbols now are, rather than reading them twice. */
	if (!symbols_names_inside(platform_kernel_to_loader(images[0].address),
			tables.symbols_size, tables.strings_size)) {
		status = symbols_fail(_reason, "symbol name outside the string table", B_BAD_DATA);
	} else {
		status = symbols_load_table(file, tables.strings_offset, tables.strings_size,
			".strtab", PRELOADED_KERNEL_STRINGS, &images[1], _reason);
	}
	if (status != B_OK) {
		platform_free_region(images[0].address, (size_t)images[0].size);
		memset(images, 0, ELF_SYMBOL_IMAGES * sizeof(preloaded_image));
		return status;
	}

	*_count = ELF_SYMBOL_IMAGES;
	if (_reason != NULL)
		*_reason = NULL;
	return B_OK;
}


status_t
elf_load_symbols(const void *image, size_t size, preloaded_image images[ELF_SYMBOL_IMAGES],
	uint32_t *_count, const char **_reason)
{
	if (images == NULL || _count == NULL || (image == NULL && size != 0))
		return symbols_fail(_reason, "invalid arguments", B_BAD_VALUE);

	struct elf_memory_file memory;
	elf_memory_file_init(&memory, image, size);
	return elf_load_symbols_file(&memory.file, images, _count, _reason);
}
