/* SPDX-License-Identifier: MIT */
/*
 * The checks of what the loader preloaded for the kernel: its command line
 * and boot options, the images (modules and the kernel's symbol tables), and
 * a symbol lookup that must find the kernel's entry point. The CRC-32s of the
 * images' contents are the report's (kcheck_memory_crc32): only a test that
 * has the files can tell whether they are right.
 */
#include "checks.h"

#include <stdio.h>
#include <string.h>

#include <boot/elf_types.h>


/* Bytes read at a time when all of an image must be read. */
#define READ_CHUNK_SIZE			256
/* A command line longer than this is more likely garbage than a command line. */
#define COMMAND_LINE_LIMIT		(64 * 1024)
#define ENTRY_SYMBOL			"_start"


/*
 * The checker's own CRC-32, not the loader's: a bug there cannot hide behind
 * the same bug here. Its table is derived bit by bit from the polynomial on
 * first use: bit by bit all the way took 1.4 to 2.5 s for 64 MiB of modules
 * in QEMU without KVM, the table under half a second.
 */
static uint32_t sCrcTable[256];
static bool sCrcTableReady;


static void
crc_build_table(void)
{
	for (uint32_t byte = 0; byte < 256; byte++) {
		uint32_t crc = byte;
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
		sCrcTable[byte] = crc;
	}
	sCrcTableReady = true;
}


uint32_t
kcheck_crc32(uint32_t crc, const void *data, size_t size)
{
	if (!sCrcTableReady)
		crc_build_table();
	const uint8_t *bytes = data;
	crc = ~crc;
	for (size_t i = 0; i < size; i++)
		crc = sCrcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}


enum kcheck_string
kcheck_read_string(const struct kcheck_context *context, uint64_t address, size_t limit,
	char *buffer, size_t bufferSize, size_t *_length)
{
	size_t length = 0;
	enum kcheck_string result = KCHECK_STRING_TOO_LONG;
	while (length <= limit) {
		char c;
		if (!kcheck_read_virtual(context, address + length, &c, 1)) {
			result = KCHECK_STRING_UNREADABLE;
			break;
		}
		if (c == '\0') {
			result = KCHECK_STRING_OK;
			break;
		}
		if (length + 1 < bufferSize)
			buffer[length] = c;
		length++;
	}
	if (bufferSize > 0)
		buffer[length < bufferSize ? length : bufferSize - 1] = '\0';
	*_length = length;
	return result;
}


/* A string kernel_args points to: mapped, readable and NUL-terminated. */
static bool
preloaded_check_string(const struct kcheck_context *context, const char *what,
	uint64_t address, char *reason, size_t reasonSize)
{
	if (address == 0 || !bootcheck_virtual_contains(context->args, address, 1)) {
		return kcheck_fail(reason, reasonSize, "%s %#llx not inside a virtual allocated range",
			what, (ull)address);
	}
	char unused[1];
	size_t length;
	switch (kcheck_read_string(context, address, COMMAND_LINE_LIMIT, unused, sizeof(unused),
			&length)) {
		case KCHECK_STRING_OK:
			return true;
		case KCHECK_STRING_UNREADABLE:
			return kcheck_fail(reason, reasonSize,
				"%s %#llx not NUL-terminated before unreadable %#llx", what, (ull)address,
				(ull)(address + length));
		case KCHECK_STRING_TOO_LONG:
			break;
	}
	return kcheck_fail(reason, reasonSize, "%s %#llx not NUL-terminated within %d bytes",
		what, (ull)address, COMMAND_LINE_LIMIT);
}


bool
kcheck_command_line(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	if (!kcheck_requires_trusted_args(context, reason, reasonSize))
		return false;
	/* Never 0: a kernel without a command line gets an empty string. */
	return preloaded_check_string(context, "command_line", context->args->command_line,
		reason, reasonSize);
}


bool
kcheck_boot_options(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	uint32_t unknown = context->args->boot_options & ~BOOT_OPTION_ALL;
	if (unknown != 0) {
		return kcheck_fail(reason, reasonSize, "boot_options %#x has unknown bits %#x",
			context->args->boot_options, unknown);
	}
	return true;
}


/*
 * The CRC-32 of size bytes at the kernel address address, as zlib's crc32();
 * false, with *_unreadable where, when a byte cannot be read.
 */
bool
kcheck_memory_crc32(const struct kcheck_context *context, uint64_t address, uint64_t size,
	uint32_t *_crc, uint64_t *_unreadable)
{
	uint8_t buffer[READ_CHUNK_SIZE];
	uint32_t crc = 0;
	for (uint64_t offset = 0; offset < size; offset += sizeof(buffer)) {
		uint64_t left = size - offset;
		size_t chunk = left < sizeof(buffer) ? (size_t)left : sizeof(buffer);
		if (!kcheck_read_virtual(context, address + offset, buffer, chunk)) {
			*_unreadable = address + offset;
			return false;
		}
		crc = kcheck_crc32(crc, buffer, chunk);
	}
	*_crc = crc;
	return true;
}


/*
 * All of image must be readable, and the rest of its last page (all of its
 * page when it is empty) zero: the kernel maps whole pages, and stale bytes
 * there would be the loader's leak. What the image holds only the files on
 * the boot volume know, so its CRC-32 is reported, not judged, here.
 */
static bool
preloaded_check_pages(const struct kcheck_context *context, uint32_t index,
	const preloaded_image *image, char *reason, size_t reasonSize)
{
	uint64_t pageEnd = KERNEL_IMAGE_PAGES_SIZE(image->size);
	uint8_t buffer[READ_CHUNK_SIZE];
	for (uint64_t offset = 0; offset < pageEnd; offset += sizeof(buffer)) {
		uint64_t left = pageEnd - offset;
		size_t size = left < sizeof(buffer) ? (size_t)left : sizeof(buffer);
		if (!kcheck_read_virtual(context, image->address + offset, buffer, size)) {
			return kcheck_fail(reason, reasonSize, "[%u] cannot be read at %#llx", index,
				(ull)(image->address + offset));
		}
		for (size_t i = offset < image->size ? (size_t)(image->size - offset) : 0; i < size;
				i++) {
			if (buffer[i] != 0) {
				return kcheck_fail(reason, reasonSize, "[%u] \"%s\": byte %#llx after its "
					"end, in its last page, is %#x, not 0", index, image->name,
					(ull)(image->address + offset + i), buffer[i]);
			}
		}
	}
	return true;
}


/* One image: its fields, where it lies, its command line and its contents. */
static bool
preloaded_check_image(const struct kcheck_context *context, uint32_t index,
	const preloaded_image *image, char *reason, size_t reasonSize)
{
	if (strnlen(image->name, sizeof(image->name)) == sizeof(image->name))
		return kcheck_fail(reason, reasonSize, "[%u] name not NUL-terminated", index);
	if (image->name[0] == '\0')
		return kcheck_fail(reason, reasonSize, "[%u] name is empty", index);
	if (image->type < PRELOADED_MODULE || image->type > PRELOADED_KERNEL_STRINGS) {
		return kcheck_fail(reason, reasonSize, "[%u] \"%s\": unknown type %u", index,
			image->name, image->type);
	}
	if (image->reserved != 0) {
		return kcheck_fail(reason, reasonSize, "[%u] \"%s\": reserved %#x is not 0", index,
			image->name, image->reserved);
	}

	/* Loader allocations for the kernel, with a page of their own even when empty. */
	uint64_t span = image->size > 0 ? image->size : 1;
	uint64_t last;
	if ((image->address & KERNEL_PAGE_MASK) != 0 || !kcheck_span_last(image->address, span,
			&last) || image->address < KERNEL_DATA_BASE || last >= KERNEL_DATA_END) {
		return kcheck_fail(reason, reasonSize,
			"[%u] \"%s\": %#llx size %#llx not page aligned inside the data area", index,
			image->name, (ull)image->address, (ull)image->size);
	}
	if (!bootcheck_virtual_contains(context->args, image->address, span)) {
		return kcheck_fail(reason, reasonSize,
			"[%u] \"%s\": %#llx size %#llx not inside a virtual allocated range", index,
			image->name, (ull)image->address, (ull)image->size);
	}

	if (image->command_line != 0) {
		if (image->type != PRELOADED_MODULE) {
			return kcheck_fail(reason, reasonSize, "[%u] \"%s\": a symbol table with a"
				" command line", index, image->name);
		}
		char what[32];
		snprintf(what, sizeof(what), "[%u] command_line", index);
		if (!preloaded_check_string(context, what, image->command_line, reason, reasonSize))
			return false;
	}
	return preloaded_check_pages(context, index, image, reason, reasonSize);
}


bool
kcheck_preloaded_images(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires_trusted_args(context, reason, reasonSize))
		return false;

	const kernel_args *args = context->args;
	if (args->num_preloaded_images > MAX_PRELOADED_IMAGES) {
		return kcheck_fail(reason, reasonSize, "num_preloaded_images %u exceeds %u",
			args->num_preloaded_images, MAX_PRELOADED_IMAGES);
	}

	uint32_t symbolTables = 0;
	uint32_t stringTables = 0;
	for (uint32_t i = 0; i < args->num_preloaded_images; i++) {
		const preloaded_image *image = &args->preloaded_images[i];
		if (!preloaded_check_image(context, i, image, reason, reasonSize))
			return false;
		for (uint32_t j = 0; j < i; j++) {
			const preloaded_image *other = &args->preloaded_images[j];
			if (kcheck_spans_overlap(image->address, image->size > 0 ? image->size : 1,
					other->address, other->size > 0 ? other->size : 1)) {
				return kcheck_fail(reason, reasonSize, "[%u] and [%u] overlap", j, i);
			}
		}
		symbolTables += image->type == PRELOADED_KERNEL_SYMBOLS;
		stringTables += image->type == PRELOADED_KERNEL_STRINGS;
	}
	if (symbolTables > 1 || stringTables > 1 || symbolTables != stringTables) {
		return kcheck_fail(reason, reasonSize,
			"%u symbol and %u string tables, expected one of each or none", symbolTables,
			stringTables);
	}
	return true;
}


static const preloaded_image *
preloaded_find(const kernel_args *args, uint32_t type)
{
	for (uint32_t i = 0; i < args->num_preloaded_images; i++) {
		if (args->preloaded_images[i].type == type)
			return &args->preloaded_images[i];
	}
	return NULL;
}


/* Whether the string table holds ENTRY_SYMBOL at offset. */
static bool
symbols_name_is_entry(const struct kcheck_context *context, const preloaded_image *strings,
	uint32_t offset)
{
	char name[sizeof(ENTRY_SYMBOL)];
	if (strings->size - offset < sizeof(name))
		return false;
	return kcheck_read_virtual(context, strings->address + offset, name, sizeof(name))
		&& memcmp(name, ENTRY_SYMBOL, sizeof(name)) == 0;
}


/*
 * The kernel's symbol table must be usable as it is: entries of
 * sizeof(Elf64_Sym) with names inside the string table, and the entry
 * point's symbol found by name with the entry's address.
 */
bool
kcheck_kernel_symbols(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	if (!kcheck_requires(context, KCHECK_PRELOADED_IMAGES, reason, reasonSize))
		return false;

	const kernel_args *args = context->args;
	const preloaded_image *symbols = preloaded_find(args, PRELOADED_KERNEL_SYMBOLS);
	const preloaded_image *strings = preloaded_find(args, PRELOADED_KERNEL_STRINGS);
	/* A stripped kernel is fine; preloaded_images made sure both or neither exist. */
	if (symbols == NULL)
		return true;

	if (symbols->size == 0 || symbols->size % sizeof(Elf64_Sym) != 0) {
		return kcheck_fail(reason, reasonSize, "symbol table of %llu bytes is not made of"
			" %zu-byte entries", (ull)symbols->size, sizeof(Elf64_Sym));
	}
	char last;
	if (strings->size == 0 || !kcheck_read_virtual(context,
			strings->address + strings->size - 1, &last, 1) || last != '\0') {
		return kcheck_fail(reason, reasonSize, "string table not NUL-terminated");
	}

	uint64_t count = symbols->size / sizeof(Elf64_Sym);
	uint64_t found = 0;
	for (uint64_t i = 0; i < count; i++) {
		Elf64_Sym symbol;
		if (!kcheck_read_virtual(context, symbols->address + i * sizeof(symbol), &symbol,
				sizeof(symbol))) {
			return kcheck_fail(reason, reasonSize, "symbol %llu cannot be read", (ull)i);
		}
		if (symbol.st_name >= strings->size) {
			return kcheck_fail(reason, reasonSize,
				"symbol %llu: name at %u outside the string table of %llu bytes", (ull)i,
				symbol.st_name, (ull)strings->size);
		}
		if (!symbols_name_is_entry(context, strings, symbol.st_name))
			continue;
		if (symbol.st_value != args->kernel.entry) {
			return kcheck_fail(reason, reasonSize, "%s is at %#llx, the entry at %#llx",
				ENTRY_SYMBOL, (ull)symbol.st_value, (ull)args->kernel.entry);
		}
		found++;
	}
	if (found == 0) {
		return kcheck_fail(reason, reasonSize, "no symbol %s among %llu symbols", ENTRY_SYMBOL,
			(ull)count);
	}
	return true;
}
