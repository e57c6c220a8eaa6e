/* SPDX-License-Identifier: MIT */
/*
 * What a unified kernel image says of itself, for the menu: its PE section
 * table, then only the small sections that describe it. The kernel and the
 * initrd it carries (tens of MiB) are read when the entry boots, not to
 * build the menu.
 */
#include <boot/uki.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <boot/arch_cpu.h>
#include <boot/byte_order.h>
#include <boot/heap.h>
#include <boot/pe.h>
#include <boot/vfs.h>

#define PE_SECTION_SIZE			40
#define PE_MAX_SECTIONS			96		/* the PE format's own limit */

enum uki_section_id {
	UKI_OSREL,
	UKI_CMDLINE,
	UKI_UNAME,
	UKI_SECTION_COUNT
};

/* PE section names are 8 bytes, NUL-padded; ".cmdline" fills all 8. */
static const char kSectionNames[UKI_SECTION_COUNT][8] = { ".osrel", ".cmdline", ".uname" };

struct uki_section {
	uint32_t	offset;
	uint32_t	size;
	bool		present;
};

struct uki_reader {
	struct vfs_file	*file;
	uint64_t		size;
	char			*error;
	size_t			errorSize;
};


/* Why the file is no image for this menu; the caller names the file. */
static status_t __attribute__((format(printf, 3, 4)))
uki_refuse(struct uki_reader *reader, status_t status, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(reader->error, reader->errorSize, format, args);
	va_end(args);
	return status;
}


/* A cut-off image is said as such; the VFS's message is for the device's errors. */
static status_t
uki_read_at(struct uki_reader *reader, uint64_t offset, void *buffer, size_t length)
{
	if (offset > reader->size || length > reader->size - offset) {
		return uki_refuse(reader, B_BAD_DATA, "cut short: it ends at byte %llu, its PE "
			"headers describe bytes up to %llu", (unsigned long long)reader->size,
			(unsigned long long)(offset + length));
	}
	return vfs_read_exact(reader->file, offset, buffer, length, reader->error,
		reader->errorSize);
}


/* The PE headers: where the section table is and how long; the machine must be ours. */
static status_t
uki_read_headers(struct uki_reader *reader, uint64_t *_table, uint32_t *_count)
{
	uint8_t dos[PE_DOS_HEADER_SIZE];
	uint8_t header[PE_HEADER_SIZE];
	uint32_t offset = 0;
	status_t status = reader->size >= sizeof(dos) ? uki_read_at(reader, 0, dos, sizeof(dos))
		: B_OK;
	if (status == B_OK && reader->size >= sizeof(dos))
		offset = pe_header_offset(dos, reader->size);
	if (status == B_OK && offset != 0)
		status = uki_read_at(reader, offset, header, sizeof(header));
	if (status != B_OK)
		return status;
	uint16_t machine = offset != 0 ? pe_machine(header) : 0;
	if (machine == 0)
		return uki_refuse(reader, B_BAD_DATA, "not an EFI executable (no PE header)");
	if (machine != arch_cpu_pe_machine()) {
		return uki_refuse(reader, B_ENTRY_NOT_FOUND, "for another architecture (PE machine %#x)",
			machine);
	}
	*_count = read_le16(header + PE_SECTION_COUNT_AT);
	*_table = (uint64_t)offset + sizeof(header) + read_le16(header + PE_OPTIONAL_SIZE_AT);
	if (*_count > PE_MAX_SECTIONS)
		return uki_refuse(reader, B_BAD_DATA, "%u PE sections (at most %d)", *_count,
			PE_MAX_SECTIONS);
	return B_OK;
}


/*
 * Each section's bytes in the file: its virtual size is what it holds,
 * its raw size that rounded up to the file's alignment (or cut short when
 * the rest is zeros), so the smaller one counts.
 */
static status_t
uki_find_sections(struct uki_reader *reader, struct uki_section sections[UKI_SECTION_COUNT])
{
	uint64_t table = 0;
	uint32_t count = 0;
	status_t status = uki_read_headers(reader, &table, &count);
	for (uint32_t i = 0; i < count && status == B_OK; i++) {
		uint8_t entry[PE_SECTION_SIZE];
		status = uki_read_at(reader, table + (uint64_t)i * PE_SECTION_SIZE, entry,
			sizeof(entry));
		for (int id = 0; id < UKI_SECTION_COUNT && status == B_OK; id++) {
			if (memcmp(entry, kSectionNames[id], 8) != 0 || sections[id].present)
				continue;
			uint32_t virtualSize = read_le32(entry + 8);
			uint32_t rawSize = read_le32(entry + 16);
			sections[id].size = virtualSize != 0 && virtualSize < rawSize ? virtualSize
				: rawSize;
			sections[id].offset = read_le32(entry + 20);
			sections[id].present = true;
		}
	}
	return status;
}


/* A section's text, NUL-ended, with the blanks, newlines and NULs at its end cut off. */
static status_t
uki_read_text(struct uki_reader *reader, const struct uki_section *section, char *buffer)
{
	status_t status = uki_read_at(reader, section->offset, buffer, section->size);
	size_t length = status == B_OK ? section->size : 0;
	while (length > 0 && (buffer[length - 1] == '\0' || buffer[length - 1] == '\n'
			|| buffer[length - 1] == '\r' || buffer[length - 1] == ' '))
		length--;
	buffer[length] = '\0';
	return status;
}


/* The value of the first of keys (NULL-ended) that os-release has. */
static void
uki_pick(const char *osRelease, const char *const *keys, char value[UKI_VALUE_SIZE])
{
	size_t length = strlen(osRelease);
	while (*keys != NULL && !uki_os_release_value(osRelease, length, *keys, value,
			UKI_VALUE_SIZE))
		keys++;
}


static status_t
uki_read_os_release(struct uki_reader *reader, const struct uki_section *section,
	struct uki_info *info)
{
	if (section->size > UKI_MAX_OS_RELEASE) {
		return uki_refuse(reader, B_BAD_DATA, "its .osrel section is larger than %d bytes",
			UKI_MAX_OS_RELEASE);
	}
	char *osRelease = heap_alloc(section->size + 1);
	if (osRelease == NULL)
		return B_NO_MEMORY;
	status_t status = uki_read_text(reader, section, osRelease);
	if (status == B_OK) {
		uki_pick(osRelease, (const char *const[]){ "PRETTY_NAME", "NAME", "ID", NULL },
			info->name);
		uki_pick(osRelease, (const char *const[]){ "VERSION_ID", "IMAGE_VERSION", NULL },
			info->version);
		uki_pick(osRelease, (const char *const[]){ "IMAGE_ID", "ID", NULL }, info->sort_key);
	}
	heap_free(osRelease);
	return status;
}


status_t
uki_read_info(const char *path, struct uki_info *info, char *error, size_t errorSize)
{
	struct uki_reader reader = { .error = error, .errorSize = errorSize };
	memset(info, 0, sizeof(*info));
	status_t status = vfs_open_regular(path, &reader.file, &reader.size, error, errorSize);
	if (status != B_OK)
		return status;

	struct uki_section sections[UKI_SECTION_COUNT];
	memset(sections, 0, sizeof(sections));
	status = uki_find_sections(&reader, sections);
	if (status == B_OK && !sections[UKI_OSREL].present) {
		status = uki_refuse(&reader, B_BAD_DATA,
			"not a unified kernel image (no .osrel section)");
	}
	if (status == B_OK)
		status = uki_read_os_release(&reader, &sections[UKI_OSREL], info);
	/* Too long to show or edit, the command line is still the stub's to use. */
	const struct uki_section *commandLine = &sections[UKI_CMDLINE];
	if (status == B_OK && commandLine->present && commandLine->size < sizeof(info->command_line)) {
		status = uki_read_text(&reader, commandLine, info->command_line);
		info->has_command_line = status == B_OK;
	}
	const struct uki_section *uname = &sections[UKI_UNAME];
	if (status == B_OK && uname->present && uname->size < sizeof(info->uname))
		status = uki_read_text(&reader, uname, info->uname);
	vfs_close(reader.file);
	return status;
}
