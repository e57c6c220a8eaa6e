/* SPDX-License-Identifier: MIT */
/*
 * ELF64 kernel images: validation and loading by program headers, and the
 * symbol table found through the section headers.
 */
#ifndef BOOT_ELF_H
#define BOOT_ELF_H

#include <stddef.h>
#include <stdint.h>

#include <boot/elf_types.h>
#include <boot/kernel_args.h>
#include <boot/status.h>

/*
 * What a kernel image may look like, so that ports and tests can tighten it.
 * Segments must lie in [window_start, window_end).
 */
struct elf_policy {
	uint16_t	machine;			/* EM_X86_64, ... */
	uint64_t	window_start;
	uint64_t	window_end;
	int			allow_write_execute;	/* accept segments that are W and X */
};

/*
 * A kernel file read by offset, so that only what loading needs is read and
 * segments go straight to their final pages. read() fills exactly length
 * bytes at offset, a range the ELF code has checked against size, or fails
 * with a status_t (the ELF code then gives "cannot read the file" as reason).
 */
struct elf_file {
	uint64_t	size;
	status_t	(*read)(void *cookie, uint64_t offset, void *buffer, size_t length);
	void		*cookie;
};

/* A file already in memory, for the functions below that take a buffer. */
struct elf_memory_file {
	struct elf_file	file;
	const uint8_t	*data;
};

void elf_memory_file_init(struct elf_memory_file *memory, const void *data, size_t size);

/*
 * Check that image (size bytes, the whole file) is an ELF64 little-endian
 * executable for policy->machine whose loadable segments are sane: inside
 * the file, inside the window, non-overlapping, memsz >= filesz, no
 * arithmetic overflow, at most MAX_KERNEL_SEGMENTS, and the entry point
 * inside an executable segment. On failure *_reason names the problem in a
 * few words ("bad ELF magic", ...). Errors: B_BAD_DATA, B_NOT_SUPPORTED.
 */
status_t elf_validate(const void *image, size_t size,
	const struct elf_policy *policy, const char **_reason);

/*
 * Validate, then allocate each loadable segment at its link address with
 * platform_allocate_region(), copy its file bytes, zero the rest, and
 * describe the result in *kernel. name is recorded as the image name.
 * Errors: those of elf_validate, and B_NO_MEMORY / B_BAD_ADDRESS from the
 * allocation (with *_reason set as well); regions allocated before a
 * failure are freed again.
 */
status_t elf_load_kernel(const void *image, size_t size, const char *name,
	const struct elf_policy *policy, kernel_image *kernel,
	const char **_reason);

/*
 * elf_load_kernel reading from file: the ELF header and the program headers
 * are read and validated before anything else, so that a file that is not a
 * bootable kernel is refused after at most its headers are read; each
 * segment's file bytes are then read straight into its region, which is
 * allocated with REGION_UNZEROED, and only the bytes around them are zeroed.
 * Errors: those of elf_load_kernel and of file->read.
 */
status_t elf_load_kernel_file(const struct elf_file *file, const char *name,
	const struct elf_policy *policy, kernel_image *kernel,
	const char **_reason);

/* Where a file's symbol table and its string table lie; sizes 0 without one. */
struct elf_symbol_tables {
	uint64_t	symbols_offset;
	uint64_t	symbols_size;		/* a multiple of sizeof(Elf64_Sym) */
	uint64_t	strings_offset;
	uint64_t	strings_size;		/* its last byte is NUL */
};

/*
 * Find the first SHT_SYMTAB section of image (size bytes, the whole file)
 * and the SHT_STRTAB its sh_link names. Untrusted input: the section header
 * table must lie inside the file with e_shentsize == sizeof(Elf64_Shdr)
 * (extended numbering, e_shnum 0 with the count in section 0, is understood),
 * both tables inside the file, the symbols of sizeof(Elf64_Sym) each with
 * names inside the string table, and the string table NUL-terminated; no
 * arithmetic may overflow. A file without section headers or without a
 * symbol table (a stripped kernel) is fine: all sizes are 0. On failure
 * *_reason names the problem ("section headers past end of file", ...).
 * Errors: B_BAD_DATA, B_NOT_SUPPORTED (not ELF64 little-endian), B_BAD_VALUE.
 */
status_t elf_find_symbol_tables(const void *image, size_t size,
	struct elf_symbol_tables *tables, const char **_reason);

/* elf_find_symbol_tables reading by offset: headers, then the symbols in chunks. */
status_t elf_find_symbol_tables_file(const struct elf_file *file,
	struct elf_symbol_tables *tables, const char **_reason);

/* The kernel's symbols take this many preloaded images. */
#define ELF_SYMBOL_IMAGES	2

/*
 * Copy the symbol and string tables of image into two read-only regions of
 * kernel memory (platform_allocate_region, REGION_READ, placed by the port)
 * and describe them in images[0] (PRELOADED_KERNEL_SYMBOLS, ".symtab") and
 * images[1] (PRELOADED_KERNEL_STRINGS, ".strtab").
 * *_count is ELF_SYMBOL_IMAGES, or 0 for a file without a symbol table.
 * Errors: those of elf_find_symbol_tables, B_NO_MEMORY (with *_reason set);
 * a region allocated before a failure is freed again.
 */
status_t elf_load_symbols(const void *image, size_t size,
	preloaded_image images[ELF_SYMBOL_IMAGES], uint32_t *_count,
	const char **_reason);

/*
 * elf_load_symbols reading by offset: each table is read once, straight
 * into its region, and the symbol names are checked there.
 */
status_t elf_load_symbols_file(const struct elf_file *file,
	preloaded_image images[ELF_SYMBOL_IMAGES], uint32_t *_count,
	const char **_reason);

#endif
