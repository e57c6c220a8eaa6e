/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the packed loader's start-up program (src/system/boot/
 * platform/efi/unpack/unpack.c), compiled into this test with gnu-efi's
 * headers, on the build's own BOOTX64.efi laid out as the firmware loads it:
 * the .pack section found within the image and nowhere past it, its header
 * taken up to each of its bounds and refused one past, the image decoded,
 * unfiltered and relocated to what pack-efi --unpack made of the same file
 * (Python's zlib and filter, generated/unit/unpacked-x86_64.img) plus the
 * base at the relocated words, and each damage refused with its message,
 * the pages given back. Every boot starts the loader through this program;
 * none shows a bound one byte off.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/system/boot/platform/efi/unpack/unpack.c"

#include "unit_test.h"

#define kFileLimit		(1u << 20)

struct laid_out {
	uint8_t		*image;			/* as the firmware lays the file out */
	size_t		image_size;
	uint32_t	pack_address;	/* of the .pack section, in the image */
	uint32_t	pack_size;
};

static EFI_SYSTEM_TABLE sTable;
static EFI_BOOT_SERVICES sServices;
static SIMPLE_TEXT_OUTPUT_INTERFACE sConsole;
static EFI_LOADED_IMAGE sLoaded;
static char sSaid[1024];
static size_t sSaidLength;
static uint32_t sAllocated;
static uint32_t sFreed;
static bool sNoPages;


uint64_t
arch_cpu_cycle_counter(void)
{
	return 0x1234;
}


/* A file the build made, by its path from generated/ (beside generated/host). */
static uint8_t *
read_generated(const char *name, size_t *_size)
{
	char program[PATH_MAX], path[PATH_MAX + 64];
	ssize_t length = readlink("/proc/self/exe", program, sizeof(program) - 1);
	CHECK(length > 0);
	program[length] = '\0';
	*strrchr(program, '/') = '\0';
	snprintf(path, sizeof(path), "%s/../%s", program, name);
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		unit_fail(__FILE__, __LINE__, "cannot open %s (run jam)", path);
	uint8_t *data = malloc(kFileLimit);
	CHECK(data != NULL);
	*_size = fread(data, 1, kFileLimit, file);
	fclose(file);
	CHECK(*_size > 0 && *_size < kFileLimit);
	return data;
}


/* generated/efi/BOOTX64.efi as the firmware loads it: headers and sections
 * at their addresses, zeros past each section's file data. */
static struct laid_out
lay_out_loader(void)
{
	size_t fileSize;
	uint8_t *file = read_generated("efi/BOOTX64.efi", &fileSize);
	uint32_t pe = read_le32(file + kPeOffsetField);
	uint32_t optional = pe + kCoffHeaderEnd;
	uint32_t table = optional + read_le16(file + pe + kCoffOptionalSize);
	struct laid_out out = { .image_size = read_le32(file + optional + 56) };
	out.image = aligned_alloc(4096, (out.image_size + 4095) & ~(size_t)4095);
	CHECK(out.image != NULL);
	memset(out.image, 0, out.image_size);
	memcpy(out.image, file, read_le32(file + optional + 60));
	for (uint32_t i = 0; i < read_le16(file + pe + kCoffSectionCount); i++) {
		const uint8_t *section = file + table + i * kSectionHeaderSize;
		uint32_t size = read_le32(section + kSectionVirtualSize);
		uint32_t address = read_le32(section + kSectionAddress);
		uint32_t raw = read_le32(section + 16);
		CHECK(address + size <= out.image_size && read_le32(section + 20) + raw <= fileSize);
		memcpy(out.image + address, file + read_le32(section + 20), raw < size ? raw : size);
		if (memcmp(section, kPackSectionName, sizeof(kPackSectionName)) == 0) {
			out.pack_address = address;
			out.pack_size = size;
		}
	}
	free(file);
	CHECK(out.pack_size > kPackHeaderSize);
	return out;
}


static struct pack_header
header_of(const struct laid_out *loader)
{
	struct pack_header header;
	memcpy(&header, loader->image + loader->pack_address, sizeof(header));
	return header;
}


static EFI_STATUS EFIAPI
fake_output_string(SIMPLE_TEXT_OUTPUT_INTERFACE *self, CHAR16 *text)
{
	for (; *text != 0 && sSaidLength + 1 < sizeof(sSaid); text++)
		sSaid[sSaidLength++] = (char)*text;
	sSaid[sSaidLength] = '\0';
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_handle_protocol(EFI_HANDLE handle, EFI_GUID *guid, void **_interface)
{
	*_interface = &sLoaded;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_allocate_pages(EFI_ALLOCATE_TYPE type, EFI_MEMORY_TYPE memoryType, UINTN pages,
	EFI_PHYSICAL_ADDRESS *_address)
{
	if (sNoPages)
		return EFI_OUT_OF_RESOURCES;
	void *pointer = aligned_alloc(4096, pages * 4096);
	CHECK(pointer != NULL);
	*_address = (EFI_PHYSICAL_ADDRESS)(uintptr_t)pointer;
	sAllocated++;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_free_pages(EFI_PHYSICAL_ADDRESS address, UINTN pages)
{
	free((void *)(uintptr_t)address);
	sFreed++;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_locate_protocol(EFI_GUID *guid, void *registration, void **_interface)
{
	return EFI_NOT_FOUND;
}


/* The firmware, having loaded the file laid out at image (of size bytes). */
static void
setup(uint8_t *image, size_t size)
{
	sConsole = (SIMPLE_TEXT_OUTPUT_INTERFACE){ .OutputString = fake_output_string };
	sServices = (EFI_BOOT_SERVICES){
		.HandleProtocol = fake_handle_protocol,
		.AllocatePages = fake_allocate_pages,
		.FreePages = fake_free_pages,
		.LocateProtocol = fake_locate_protocol,
	};
	sTable = (EFI_SYSTEM_TABLE){ .ConOut = &sConsole, .BootServices = &sServices };
	sSystemTable = &sTable;
	sLoaded = (EFI_LOADED_IMAGE){ .ImageBase = image, .ImageSize = size };
	sSaidLength = 0;
	sSaid[0] = '\0';
	sAllocated = sFreed = 0;
	sNoPages = false;
}


/* Where the .pack section of the image's first size bytes starts, found in
 * a copy of just those bytes (AddressSanitizer sees a read past them); -1
 * for none. */
static long
find_in_first(const struct laid_out *loader, size_t size)
{
	uint8_t *copy = malloc(size);
	CHECK(copy != NULL);
	memcpy(copy, loader->image, size);
	uint32_t sectionSize = 0;
	const uint8_t *section = unpack_find_section(copy, size, &sectionSize);
	long at = section != NULL ? (long)(section - copy) : -1;
	CHECK(section == NULL || sectionSize == loader->pack_size);
	free(copy);
	return at;
}


TEST(the_pack_section_is_found_within_the_image_only)
{
	struct laid_out loader = lay_out_loader();
	CHECK_EQ(find_in_first(&loader, loader.image_size), loader.pack_address);
	/* An image that ends with the section, and one a byte short of it. */
	uint32_t end = loader.pack_address + loader.pack_size;
	CHECK_EQ(find_in_first(&loader, end), loader.pack_address);
	CHECK_EQ(find_in_first(&loader, end - 1), -1);
	/* The section table cut short, the PE header, and its offset's field. */
	uint32_t pe = read_le32(loader.image + kPeOffsetField);
	uint32_t table = pe + kCoffHeaderEnd + read_le16(loader.image + pe + kCoffOptionalSize);
	uint32_t count = read_le16(loader.image + pe + kCoffSectionCount);
	CHECK_EQ(find_in_first(&loader, table + count * kSectionHeaderSize - 1), -1);
	CHECK_EQ(find_in_first(&loader, pe + kCoffHeaderEnd - 1), -1);
	CHECK_EQ(find_in_first(&loader, pe + 4), -1);
	memcpy(loader.image + kPeOffsetField, &(uint32_t){ 0x7ffffff0 }, 4);
	CHECK_EQ(find_in_first(&loader, loader.image_size), -1);
	free(loader.image);
}


TEST(a_header_is_taken_up_to_each_bound_and_refused_past_it)
{
	struct laid_out loader = lay_out_loader();
	const struct pack_header good = header_of(&loader);
	const uint32_t size = loader.pack_size;
	const uint32_t handoff = sizeof(struct pack_handoff);
	CHECK(unpack_header_valid(&good, size));
	struct {
		uint32_t	*field;
		uint32_t	last;		/* the last value taken */
	} bounds[7];
	struct pack_header header;
	uint32_t rest = size - kPackHeaderSize;
	bounds[0].field = &header.data_size;
	bounds[0].last = good.image_size;
	bounds[1].field = &header.entry;
	bounds[1].last = good.data_size - 1;
	bounds[2].field = &header.code_size;
	bounds[2].last = good.data_size;
	bounds[3].field = &header.stream_size;
	bounds[3].last = rest - good.relocations_size;
	bounds[4].field = &header.relocations_size;
	bounds[4].last = rest - good.stream_size;
	bounds[5].field = &header.handoff_at;
	bounds[5].last = good.data_size - handoff;
	bounds[6].field = &header.image_size;
	bounds[6].last = good.data_size;
	for (int i = 0; i < 7; i++) {
		header = good;
		*bounds[i].field = bounds[i].last;
		if (!unpack_header_valid(&header, size))
			unit_fail(__FILE__, __LINE__, "bound %d: %u refused", i, bounds[i].last);
		/* past it: one more, or for the image's size one less */
		*bounds[i].field = i == 6 ? bounds[i].last - 1 : bounds[i].last + 1;
		if (unpack_header_valid(&header, size))
			unit_fail(__FILE__, __LINE__, "bound %d: %u taken", i, *bounds[i].field);
	}
	/* A stream past the section where the list's room would wrap around. */
	header = good;
	header.stream_size = rest + 1;
	header.relocations_size = 0;
	CHECK(!unpack_header_valid(&header, size));
	/* The smallest image: the handoff at its start, and a byte less. */
	header = good;
	header.entry = header.code_size = header.handoff_at = 0;
	header.data_size = handoff;
	CHECK(unpack_header_valid(&header, size));
	header.data_size = handoff - 1;
	CHECK(!unpack_header_valid(&header, size));
	header = good;
	header.magic[7] ^= 1;
	CHECK(!unpack_header_valid(&header, size));
	free(loader.image);
}


/* The image decoded to pages at base, which are returned. */
static uint8_t *
decode_at(const struct laid_out *loader, const char **_failure)
{
	struct pack_header header = header_of(loader);
	uint8_t *pages = aligned_alloc(4096, (header.image_size + 4095) & ~(size_t)4095);
	CHECK(pages != NULL);
	memset(pages, 0xcc, header.image_size);
	*_failure = unpack_decode(&header, loader->image + loader->pack_address + kPackHeaderSize,
		pages, 0x5678);
	return pages;
}


TEST(the_image_decodes_to_what_pack_efi_unpacks_relocated_to_its_base)
{
	struct laid_out loader = lay_out_loader();
	struct pack_header header = header_of(&loader);
	size_t referenceSize;
	uint8_t *reference = read_generated("unit/unpacked-x86_64.img", &referenceSize);
	CHECK_EQ(referenceSize, header.data_size);
	const char *failure;
	uint8_t *pages = decode_at(&loader, &failure);
	CHECK(failure == NULL);

	/* The handoff: when the program started, and its decoder. */
	struct pack_handoff handoff;
	memcpy(&handoff, pages + header.handoff_at, sizeof(handoff));
	CHECK_EQ(handoff.started, 0x5678);
	CHECK(handoff.inflate == inflate_raw);
	memcpy(pages + header.handoff_at, reference + header.handoff_at, sizeof(handoff));
	/* Every word as Python decoded it, or relocated by the pages' address. */
	uint64_t base = (uintptr_t)pages;
	uint32_t relocated = 0;
	for (size_t at = 0; at + 8 <= header.data_size; at += 8) {
		uint64_t got, expected;
		memcpy(&got, pages + at, 8);
		memcpy(&expected, reference + at, 8);
		if (got == expected + base)
			relocated++;
		else if (got != expected)
			unit_fail(__FILE__, __LINE__, "word at %#zx: %#llx, not %#llx", at,
				(unsigned long long)got, (unsigned long long)expected);
	}
	CHECK(memcmp(pages + (header.data_size & ~7u), reference + (header.data_size & ~7u),
		header.data_size % 8) == 0);
	/* docs/packing.md: some two hundred pointers in the image's data */
	CHECK(relocated > 100);
	for (size_t at = header.data_size; at < header.image_size; at++)
		CHECK_EQ(pages[at], 0);
	free(pages);
	free(reference);
	free(loader.image);
}


TEST(damage_is_refused_with_a_message_and_the_pages_given_back)
{
	struct laid_out loader = lay_out_loader();
	struct pack_header good = header_of(&loader);
	uint8_t *pack = loader.image + loader.pack_address;
	const char *failure;

	/* A stream that ends before the size the header gives. */
	struct pack_header header = good;
	header.data_size += 8;
	CHECK(header.data_size <= header.image_size);
	memcpy(pack, &header, sizeof(header));
	free(decode_at(&loader, &failure));
	CHECK(failure != NULL && strcmp(failure, "the compressed image does not decode") == 0);

	header = good;
	header.filter = 7;
	memcpy(pack, &header, sizeof(header));
	free(decode_at(&loader, &failure));
	CHECK(failure != NULL && strcmp(failure, "unknown code filter") == 0);

	/* The relocation list's last word: a bitmap reaching past the image. */
	memcpy(pack, &good, sizeof(good));
	uint8_t *list = pack + kPackHeaderSize + good.stream_size;
	uint64_t word;
	memcpy(&word, list + good.relocations_size - 8, 8);
	memcpy(list + good.relocations_size - 8, &(uint64_t){ 0x7ffffff0 }, 8);
	free(decode_at(&loader, &failure));
	CHECK(failure != NULL && strcmp(failure, "bad relocation list") == 0);
	memcpy(list + good.relocations_size - 8, &word, 8);

	/* The stream's middle overwritten: efi_main says so and frees the pages. */
	memset(pack + kPackHeaderSize + good.stream_size / 2, 0xff, 64);
	setup(loader.image, loader.image_size);
	CHECK_EQ(efi_main(NULL, &sTable), EFI_LOAD_ERROR);
	CHECK(strcmp(sSaid, "packed loader: the compressed image does not decode; the file is "
		"damaged, install the loader again\r\n") == 0);
	CHECK_EQ(sAllocated, 1);
	CHECK_EQ(sFreed, 1);
	free(loader.image);
}


TEST(a_file_without_its_section_or_memory_is_refused_before_decoding)
{
	struct laid_out loader = lay_out_loader();
	setup(loader.image, loader.pack_address);
	CHECK_EQ(efi_main(NULL, &sTable), EFI_LOAD_ERROR);
	CHECK(strcmp(sSaid, "packed loader: no .pack section; the file is damaged, install the "
		"loader again\r\n") == 0);
	CHECK_EQ(sAllocated, 0);

	struct pack_header header = header_of(&loader);
	header.entry = header.data_size;
	memcpy(loader.image + loader.pack_address, &header, sizeof(header));
	setup(loader.image, loader.image_size);
	CHECK_EQ(efi_main(NULL, &sTable), EFI_LOAD_ERROR);
	CHECK(strcmp(sSaid, "packed loader: bad .pack header; the file is damaged, install the "
		"loader again\r\n") == 0);
	CHECK_EQ(sAllocated, 0);

	header = header_of(&loader);
	header.entry = 0;
	memcpy(loader.image + loader.pack_address, &header, sizeof(header));
	setup(loader.image, loader.image_size);
	sNoPages = true;
	CHECK_EQ(efi_main(NULL, &sTable), EFI_OUT_OF_RESOURCES);
	CHECK(strcmp(sSaid, "packed loader: no memory for the loader's image\r\n") == 0);
	free(loader.image);
}
