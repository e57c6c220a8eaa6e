/* SPDX-License-Identifier: MIT */
/*
 * The ELF64 on-disk structures the loader reads (System V gABI).
 */
#ifndef BOOT_ELF_TYPES_H
#define BOOT_ELF_TYPES_H

#include <stdint.h>

#define EI_NIDENT		16
#define EI_CLASS		4
#define EI_DATA			5
#define EI_VERSION		6
#define ELFCLASS64		2
#define ELFDATA2LSB		1
#define EV_CURRENT		1

#define ET_EXEC			2
#define ET_DYN			3
#define EM_X86_64		62
#define EM_AARCH64		183

#define PT_NULL			0
#define PT_LOAD			1

#define PF_X			0x1
#define PF_W			0x2
#define PF_R			0x4

#define SHT_NULL		0
#define SHT_SYMTAB		2
#define SHT_STRTAB		3

typedef struct {
	uint8_t		e_ident[EI_NIDENT];
	uint16_t	e_type;
	uint16_t	e_machine;
	uint32_t	e_version;
	uint64_t	e_entry;
	uint64_t	e_phoff;
	uint64_t	e_shoff;
	uint32_t	e_flags;
	uint16_t	e_ehsize;
	uint16_t	e_phentsize;
	uint16_t	e_phnum;
	uint16_t	e_shentsize;
	uint16_t	e_shnum;
	uint16_t	e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	uint32_t	p_type;
	uint32_t	p_flags;
	uint64_t	p_offset;
	uint64_t	p_vaddr;
	uint64_t	p_paddr;
	uint64_t	p_filesz;
	uint64_t	p_memsz;
	uint64_t	p_align;
} Elf64_Phdr;

typedef struct {
	uint32_t	sh_name;
	uint32_t	sh_type;
	uint64_t	sh_flags;
	uint64_t	sh_addr;
	uint64_t	sh_offset;
	uint64_t	sh_size;
	uint32_t	sh_link;
	uint32_t	sh_info;
	uint64_t	sh_addralign;
	uint64_t	sh_entsize;
} Elf64_Shdr;

typedef struct {
	uint32_t	st_name;			/* offset into the linked string table */
	uint8_t		st_info;
	uint8_t		st_other;
	uint16_t	st_shndx;
	uint64_t	st_value;
	uint64_t	st_size;
} Elf64_Sym;

#endif
