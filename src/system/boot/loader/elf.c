/* SPDX-License-Identifier: MIT */
/*
 * ELF64 kernel images: validation of untrusted files and loading by segments.
 */
#include <boot/elf.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <boot/platform.h>
#include <boot/unicode.h>


//#define TRACE_ELF
#ifdef TRACE_ELF
#	include <boot/stdio.h>
#	define TRACE(x...) boot_dprintf("elf: " x)
#else
#	define TRACE(x...) do {} while (0)
#endif


/* A validated PT_LOAD segment; page_last is the last byte of its last page. */
struct elf_segment {
	uint64_t	offset;
	uint64_t	file_size;
	uint64_t	address;
	uint64_t	memory_size;
	uint64_t	page_start;
	uint64_t	page_last;
	uint32_t	flags;
};

struct elf_image {
	Elf64_Ehdr			header;
	struct elf_segment	segments[MAX_KERNEL_SEGMENTS];
	uint32_t			segment_count;
};


/* The architecture names its own machine; the loader knows no other. */
static const char *
elf_machine_reason(uint16_t machine)
{
	if (machine == KERNEL_ARCH_ELF_MACHINE)
		return "wrong machine (expected " KERNEL_ARCH_MACHINE_NAME ")";
	return "wrong machine";
}


static status_t
elf_fail(const char **_reason, const char *reason, status_t status)
{
	TRACE("%s\n", reason);
	if (_reason != NULL)
		*_reason = reason;
	return status;
}


static bool
elf_is_power_of_two(uint64_t value)
{
	return value != 0 && (value & (value - 1)) == 0;
}


/*
 * Check one PT_LOAD entry against the file, the policy and the segments
 * accepted before it, and describe it in *segment.
 */
static status_t
elf_check_segment(const Elf64_Phdr *header, uint64_t fileSize,
	const struct elf_policy *policy, const struct elf_image *image,
	struct elf_segment *segment, const char **_reason)
{
	if (header->p_filesz > header->p_memsz) {
		return elf_fail(_reason, "segment file size larger than memory size",
			B_BAD_DATA);
	}

	/*
	 * Where the bytes of a segment without file data would come from does not
	 * matter, so its offset is not checked.
	 */
	if (header->p_filesz != 0 && (header->p_offset > fileSize
			|| header->p_filesz > fileSize - header->p_offset)) {
		return elf_fail(_reason, "segment data past end of file", B_BAD_DATA);
	}

	/* Inclusive ends: a segment may end exactly at 2^64. */
	if (header->p_memsz - 1 > UINT64_MAX - header->p_vaddr)
		return elf_fail(_reason, "segment address overflow", B_BAD_DATA);

	segment->offset = header->p_offset;
	segment->file_size = header->p_filesz;
	segment->address = header->p_vaddr;
	segment->memory_size = header->p_memsz;
	segment->page_start = header->p_vaddr & ~KERNEL_PAGE_MASK;
	segment->page_last = (header->p_vaddr + (header->p_memsz - 1)) | KERNEL_PAGE_MASK;
	segment->flags = header->p_flags;

	if (segment->page_start < policy->window_start
		|| segment->page_last >= policy->window_end) {
		return elf_fail(_reason, "segment outside the kernel window", B_BAD_DATA);
	}

	/*
	 * The gABI wants p_vaddr == p_offset modulo p_align. Since segments are
	 * copied rather than mapped from the file, only alignment up to a page is
	 * enforced, which still catches files a linker would not produce.
	 */
	if (header->p_align > 1) {
		if (!elf_is_power_of_two(header->p_align))
			return elf_fail(_reason, "misaligned segment", B_BAD_DATA);
		uint64_t alignment = header->p_align < KERNEL_PAGE_SIZE
			? header->p_align : KERNEL_PAGE_SIZE;
		if (header->p_filesz != 0
			&& ((header->p_vaddr ^ header->p_offset) & (alignment - 1)) != 0) {
			return elf_fail(_reason, "misaligned segment", B_BAD_DATA);
		}
	}

	if ((header->p_flags & (PF_W | PF_X)) == (PF_W | PF_X)
		&& !policy->allow_write_execute) {
		return elf_fail(_reason, "segment both writable and executable",
			B_BAD_DATA);
	}

	/* Each segment gets its own page permissions, so they may not share a page. */
	for (uint32_t i = 0; i < image->segment_count; i++) {
		const struct elf_segment *other = &image->segments[i];
		if (segment->page_start <= other->page_last
			&& other->page_start <= segment->page_last) {
			return elf_fail(_reason, "overlapping segments", B_BAD_DATA);
		}
	}

	return B_OK;
}


static status_t
elf_memory_read(void *cookie, uint64_t offset, void *buffer, size_t length)
{
	const struct elf_memory_file *memory = cookie;
	memcpy(buffer, memory->data + offset, length);
	return B_OK;
}


void
elf_memory_file_init(struct elf_memory_file *memory, const void *data, size_t size)
{
	memory->data = data;
	memory->file.size = size;
	memory->file.read = elf_memory_read;
	memory->file.cookie = memory;
}


static status_t
elf_read(const struct elf_file *file, uint64_t offset, void *buffer, size_t length,
	const char **_reason)
{
	status_t status = file->read(file->cookie, offset, buffer, length);
	if (status != B_OK)
		return elf_fail(_reason, "cannot read the file", status);
	return B_OK;
}


/* Program headers are read this many at a time: a few hundred bytes of stack. */
#define ELF_PHDR_CHUNK	16


/* Check the PT_LOAD entries of a program header table the caller placed in the file. */
static status_t
elf_parse_program_headers(const struct elf_file *file, const struct elf_policy *policy,
	struct elf_image *image, const char **_reason)
{
	const Elf64_Ehdr *header = &image->header;
	Elf64_Phdr chunk[ELF_PHDR_CHUNK];

	for (uint32_t first = 0; first < header->e_phnum; first += ELF_PHDR_CHUNK) {
		uint32_t count = header->e_phnum - first < ELF_PHDR_CHUNK
			? header->e_phnum - first : ELF_PHDR_CHUNK;
		status_t status = elf_read(file, header->e_phoff + first * sizeof(Elf64_Phdr),
			chunk, count * sizeof(Elf64_Phdr), _reason);
		if (status != B_OK)
			return status;

		for (uint32_t i = 0; i < count; i++) {
			const Elf64_Phdr *programHeader = &chunk[i];
			/* Nothing to load for an empty segment; linker scripts can make them. */
			if (programHeader->p_type != PT_LOAD
				|| (programHeader->p_memsz == 0 && programHeader->p_filesz == 0)) {
				continue;
			}

			if (image->segment_count == MAX_KERNEL_SEGMENTS)
				return elf_fail(_reason, "too many loadable segments", B_BAD_DATA);

			struct elf_segment *segment = &image->segments[image->segment_count];
			status = elf_check_segment(programHeader, file->size, policy, image, segment,
				_reason);
			if (status != B_OK)
				return status;
			image->segment_count++;
		}
	}
	return B_OK;
}


/*
 * Everything elf_validate promises, leaving the parsed file in *image. Reads
 * the ELF header and the program headers only.
 */
static status_t
elf_parse(const struct elf_file *file, const struct elf_policy *policy,
	struct elf_image *image, const char **_reason)
{
	Elf64_Ehdr *header = &image->header;

	image->segment_count = 0;

	if (policy == NULL)
		return elf_fail(_reason, "invalid arguments", B_BAD_VALUE);

	if (file->size < sizeof(Elf64_Ehdr))
		return elf_fail(_reason, "file too small for an ELF header", B_BAD_DATA);

	status_t status = elf_read(file, 0, header, sizeof(Elf64_Ehdr), _reason);
	if (status != B_OK)
		return status;

	if (header->e_ident[0] != 0x7f || header->e_ident[1] != 'E'
		|| header->e_ident[2] != 'L' || header->e_ident[3] != 'F') {
		return elf_fail(_reason, "bad ELF magic", B_BAD_DATA);
	}
	if (header->e_ident[EI_CLASS] != ELFCLASS64)
		return elf_fail(_reason, "not a 64-bit ELF file", B_NOT_SUPPORTED);
	if (header->e_ident[EI_DATA] != ELFDATA2LSB)
		return elf_fail(_reason, "not little-endian", B_NOT_SUPPORTED);
	if (header->e_ident[EI_VERSION] != EV_CURRENT || header->e_version != EV_CURRENT)
		return elf_fail(_reason, "unsupported ELF version", B_NOT_SUPPORTED);
	if (header->e_type != ET_EXEC)
		return elf_fail(_reason, "not an executable (ET_EXEC)", B_NOT_SUPPORTED);
	if (header->e_machine != policy->machine) {
		return elf_fail(_reason, elf_machine_reason(policy->machine),
			B_NOT_SUPPORTED);
	}

	if (header->e_phnum != 0 && header->e_phentsize != sizeof(Elf64_Phdr))
		return elf_fail(_reason, "bad program header size", B_BAD_DATA);

	/* At most 65535 * 56 bytes: the product cannot overflow, the sum can. */
	uint64_t tableSize = (uint64_t)header->e_phnum * sizeof(Elf64_Phdr);
	if (header->e_phoff > file->size || tableSize > file->size - header->e_phoff)
		return elf_fail(_reason, "program headers past end of file", B_BAD_DATA);

	status = elf_parse_program_headers(file, policy, image, _reason);
	if (status != B_OK)
		return status;

	if (image->segment_count == 0)
		return elf_fail(_reason, "no loadable segments", B_BAD_DATA);

	for (uint32_t i = 0; i < image->segment_count; i++) {
		const struct elf_segment *segment = &image->segments[i];
		if ((segment->flags & PF_X) != 0 && header->e_entry >= segment->address
			&& header->e_entry - segment->address < segment->memory_size) {
			if (_reason != NULL)
				*_reason = NULL;
			return B_OK;
		}
	}
	return elf_fail(_reason, "entry point outside executable segments",
		B_BAD_DATA);
}


status_t
elf_validate(const void *image, size_t size, const struct elf_policy *policy,
	const char **_reason)
{
	if (policy == NULL || (image == NULL && size != 0))
		return elf_fail(_reason, "invalid arguments", B_BAD_VALUE);

	struct elf_memory_file memory;
	elf_memory_file_init(&memory, image, size);
	struct elf_image parsed;
	return elf_parse(&memory.file, policy, &parsed, _reason);
}


static uint32_t
elf_region_protection(uint32_t flags)
{
	uint32_t protection = 0;
	if ((flags & PF_R) != 0)
		protection |= REGION_READ;
	if ((flags & PF_W) != 0)
		protection |= REGION_WRITE;
	if ((flags & PF_X) != 0)
		protection |= REGION_EXECUTE;
	return protection;
}


static uint32_t
elf_kernel_segment_flags(uint32_t flags)
{
	uint32_t result = 0;
	if ((flags & PF_R) != 0)
		result |= KERNEL_SEGMENT_READ;
	if ((flags & PF_W) != 0)
		result |= KERNEL_SEGMENT_WRITE;
	if ((flags & PF_X) != 0)
		result |= KERNEL_SEGMENT_EXECUTE;
	return result;
}


/* "out of memory" with how much was asked for: the one reason a user can size. */
static status_t
elf_fail_no_memory(const char **_reason, uint64_t bytes)
{
	/* Static: reasons outlive the call, and the heap may be what ran out. */
	static char sReason[64];
	snprintf(sReason, sizeof(sReason), "out of memory for a segment of %llu KiB",
		(unsigned long long)(bytes / 1024));
	return elf_fail(_reason, sReason, B_NO_MEMORY);
}


/*
 * Allocate one segment at its link address and fill it from the file: its
 * file bytes are read straight into place, and only the rest is zeroed.
 */
static status_t
elf_load_segment(const struct elf_file *file, const struct elf_segment *segment,
	kernel_segment *loaded, const char **_reason)
{
	/* Validation keeps page_last below the window end, so this cannot wrap. */
	uint64_t regionSize = segment->page_last - segment->page_start + 1;
#if SIZE_MAX < UINT64_MAX
	if (regionSize > SIZE_MAX)
		return elf_fail_no_memory(_reason, regionSize);
#endif

	uint64_t address = segment->page_start;
	status_t status = platform_allocate_region(&address, (size_t)regionSize,
		elf_region_protection(segment->flags) | REGION_UNZEROED, true);
	if (status != B_OK) {
		if (status == B_NO_MEMORY)
			return elf_fail_no_memory(_reason, regionSize);
		return elf_fail(_reason, "segment address unavailable", status);
	}

	uint8_t *target = platform_kernel_to_loader(address);
	if (address != segment->page_start || target == NULL) {
		/* A port that ignores "exact" would make the kernel run at the wrong place. */
		platform_free_region(address, (size_t)regionSize);
		return elf_fail(_reason, "segment address unavailable", B_BAD_ADDRESS);
	}

	size_t head = (size_t)(segment->address - segment->page_start);
	size_t fileSize = (size_t)segment->file_size;
	memset(target, 0, head);
	if (fileSize != 0) {
		status = elf_read(file, segment->offset, target + head, fileSize, _reason);
		if (status != B_OK) {
			platform_free_region(address, (size_t)regionSize);
			return status;
		}
	}
	/* The bss and the rest of the last page; the kernel expects zeroes there. */
	memset(target + head + fileSize, 0, (size_t)regionSize - head - fileSize);

	loaded->virtual_address = address;
	/* The port fills in physical addresses when it builds the page tables. */
	loaded->physical_address = 0;
	loaded->size = regionSize;
	loaded->flags = elf_kernel_segment_flags(segment->flags);
	loaded->reserved = 0;
	TRACE("segment %#llx + %#llx loaded\n", (unsigned long long)address,
		(unsigned long long)regionSize);
	return B_OK;
}


status_t
elf_load_kernel(const void *image, size_t size, const char *name,
	const struct elf_policy *policy, kernel_image *kernel, const char **_reason)
{
	if (kernel != NULL)
		memset(kernel, 0, sizeof(*kernel));
	if (kernel == NULL || policy == NULL || (image == NULL && size != 0))
		return elf_fail(_reason, "invalid arguments", B_BAD_VALUE);

	struct elf_memory_file memory;
	elf_memory_file_init(&memory, image, size);
	return elf_load_kernel_file(&memory.file, name, policy, kernel, _reason);
}


status_t
elf_load_kernel_file(const struct elf_file *file, const char *name,
	const struct elf_policy *policy, kernel_image *kernel, const char **_reason)
{
	struct elf_image parsed;

	if (kernel == NULL || file == NULL)
		return elf_fail(_reason, "invalid arguments", B_BAD_VALUE);
	memset(kernel, 0, sizeof(*kernel));

	status_t status = elf_parse(file, policy, &parsed, _reason);
	if (status != B_OK)
		return status;

	for (uint32_t i = 0; i < parsed.segment_count; i++) {
		status = elf_load_segment(file, &parsed.segments[i], &kernel->segments[i],
			_reason);
		if (status != B_OK) {
			while (i-- > 0) {
				platform_free_region(kernel->segments[i].virtual_address,
					(size_t)kernel->segments[i].size);
			}
			memset(kernel, 0, sizeof(*kernel));
			return status;
		}
	}

	if (name != NULL) {
		size_t length = unicode_utf8_prefix_length(name, KERNEL_IMAGE_NAME_LENGTH - 1);
		memcpy(kernel->name, name, length);
		kernel->name[length] = '\0';
	}
	kernel->entry = parsed.header.e_entry;
	kernel->image_start = UINT64_MAX;
	for (uint32_t i = 0; i < parsed.segment_count; i++) {
		const kernel_segment *segment = &kernel->segments[i];
		if (segment->virtual_address < kernel->image_start)
			kernel->image_start = segment->virtual_address;
		if (segment->virtual_address + segment->size > kernel->image_end)
			kernel->image_end = segment->virtual_address + segment->size;
	}
	kernel->file_size = file->size;
	kernel->elf_type = parsed.header.e_type;
	kernel->elf_machine = parsed.header.e_machine;
	kernel->program_header_count = parsed.header.e_phnum;
	kernel->segment_count = (uint16_t)parsed.segment_count;

	if (_reason != NULL)
		*_reason = NULL;
	return B_OK;
}
