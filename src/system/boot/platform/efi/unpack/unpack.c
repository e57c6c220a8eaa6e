/* SPDX-License-Identifier: MIT */
/*
 * The packed loader's start-up program (docs/packing.md). The loader file is
 * this program with the loader's image, compressed, as its section
 * kPackSectionName. It decodes the image into pages of its own and starts it
 * as the firmware would have, with this program's image handle: the loader
 * finds its device, file path and load options where it always does, and
 * the firmware's signature check and measurement of this file covered the
 * image inside it.
 */
#include <string.h>

#include <efi.h>

#include <boot/arch_cpu.h>
#include <boot/byte_order.h>
#include <boot/inflate.h>
#include <boot/pack.h>
#include <boot/relr.h>

/* PE/COFF offsets (Microsoft's PE format specification). */
#define kPeOffsetField		0x3c
#define kCoffSectionCount	6
#define kCoffOptionalSize	20
#define kCoffHeaderEnd		24
#define kSectionHeaderSize	40
#define kSectionVirtualSize	8
#define kSectionAddress		12
/* UEFI 2.10's attribute for read-only memory, newer than gnu-efi's headers. */
#define kMemoryReadOnly		0x20000ull

/* UEFI 2.10's memory attribute protocol: on firmware that has it, new pages
 * may be mapped non-executable until a loader asks otherwise. */
#define kMemoryAttributeGuid \
	{ 0xf4560cf6, 0x40ec, 0x4b4a, { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } }

struct memory_attribute_protocol {
	EFI_STATUS (EFIAPI *get)(struct memory_attribute_protocol *self,
		EFI_PHYSICAL_ADDRESS base, UINT64 length, UINT64 *attributes);
	EFI_STATUS (EFIAPI *set)(struct memory_attribute_protocol *self,
		EFI_PHYSICAL_ADDRESS base, UINT64 length, UINT64 attributes);
	EFI_STATUS (EFIAPI *clear)(struct memory_attribute_protocol *self,
		EFI_PHYSICAL_ADDRESS base, UINT64 length, UINT64 attributes);
};

typedef EFI_STATUS (EFIAPI *image_entry)(EFI_HANDLE image, EFI_SYSTEM_TABLE *systemTable);

static EFI_SYSTEM_TABLE *sSystemTable;


/* The console takes UCS-2; the messages are kept as ASCII, which takes
 * half the file's bytes, and widened a piece at a time. */
static void
unpack_print(const char *text)
{
	SIMPLE_TEXT_OUTPUT_INTERFACE *out = sSystemTable->ConOut;
	CHAR16 piece[32];
	while (*text != '\0') {
		size_t length = 0;
		for (; text[length] != '\0' && length < 31; length++)
			piece[length] = (CHAR16)text[length];
		piece[length] = 0;
		out->OutputString(out, piece);
		text += length;
	}
}


static void
unpack_say(const char *reason, const char *advice)
{
	unpack_print("packed loader: ");
	unpack_print(reason);
	unpack_print(advice);
	unpack_print("\r\n");
}


static EFI_STATUS
unpack_fail(const char *reason)
{
	unpack_say(reason, "; the file is damaged, install the loader again");
	return EFI_LOAD_ERROR;
}


/* The kPackSectionName section of the PE image at base, or NULL. */
static const uint8_t *
unpack_find_section(const uint8_t *base, UINT64 imageSize, uint32_t *_size)
{
	uint32_t pe = read_le32(base + kPeOffsetField);
	if (pe > imageSize || imageSize - pe < kCoffHeaderEnd)
		return NULL;
	uint32_t count = read_le16(base + pe + kCoffSectionCount);
	uint64_t table = pe + kCoffHeaderEnd + read_le16(base + pe + kCoffOptionalSize);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *section = base + table + (uint64_t)i * kSectionHeaderSize;
		if (table + (uint64_t)(i + 1) * kSectionHeaderSize > imageSize)
			return NULL;
		if (memcmp(section, kPackSectionName, sizeof(kPackSectionName)) != 0)
			continue;
		uint32_t size = read_le32(section + kSectionVirtualSize);
		uint32_t address = read_le32(section + kSectionAddress);
		if (address > imageSize || imageSize - address < size)
			return NULL;
		*_size = size;
		return base + address;
	}
	return NULL;
}


static bool
unpack_header_valid(const struct pack_header *header, uint32_t sectionSize)
{
	return memcmp(header->magic, kPackMagic, sizeof(header->magic)) == 0
		&& header->data_size <= header->image_size && header->entry < header->data_size
		&& header->code_size <= header->data_size
		&& header->stream_size <= sectionSize - kPackHeaderSize
		&& header->relocations_size <= sectionSize - kPackHeaderSize - header->stream_size
		&& header->data_size >= sizeof(struct pack_handoff)
		&& header->handoff_at <= header->data_size - sizeof(struct pack_handoff);
}


/* Lets the image's pages run code where the firmware would not. */
static void
unpack_allow_execution(EFI_PHYSICAL_ADDRESS base, UINT64 length)
{
	EFI_GUID guid = kMemoryAttributeGuid;
	struct memory_attribute_protocol *attributes;
	if (sSystemTable->BootServices->LocateProtocol(&guid, NULL, (void **)&attributes)
			== EFI_SUCCESS)
		attributes->clear(attributes, base, length, EFI_MEMORY_XP | kMemoryReadOnly);
}


/* The image as the firmware would have laid it out, or why it cannot be. */
static const char *
unpack_decode(const struct pack_header *header, const uint8_t *stream, uint8_t *image,
	uint64_t started)
{
	size_t written;
	if (inflate_raw(stream, header->stream_size, image, header->data_size, &written) != B_OK
		|| written != header->data_size)
		return "the compressed image does not decode";
	if (!arch_unpack_filter(header->filter, image, header->code_size))
		return "unknown code filter";
	/*
	 * The image was linked at 0. Its own relocation table is empty (crt0
	 * finds nothing to do): pack-efi moved it here, packed, because the
	 * table's 24 bytes a word compress poorly.
	 */
	if (!relr_apply(stream + header->stream_size, header->relocations_size, image,
			header->data_size, (uintptr_t)image))
		return "bad relocation list";
	memset(image + header->data_size, 0, header->image_size - header->data_size);
	/*
	 * For the loader's timeline the decoding is its first step; and the
	 * loader has no decoder of its own.
	 */
	if (header->handoff_at != 0) {
		struct pack_handoff handoff = { started, inflate_raw };
		memcpy(image + header->handoff_at, &handoff, sizeof(handoff));
	}
	arch_unpack_sync_code(image, header->image_size);
	return NULL;
}


/* gnu-efi's crt0 calls this with the System V ABI after relocating us. */
EFI_STATUS
efi_main(EFI_HANDLE imageHandle, EFI_SYSTEM_TABLE *systemTable);

EFI_STATUS
efi_main(EFI_HANDLE imageHandle, EFI_SYSTEM_TABLE *systemTable)
{
	uint64_t started = arch_cpu_cycle_counter();
	sSystemTable = systemTable;
	EFI_BOOT_SERVICES *services = systemTable->BootServices;
	EFI_GUID loadedImageGuid = LOADED_IMAGE_PROTOCOL;
	EFI_LOADED_IMAGE *self;
	if (services->HandleProtocol(imageHandle, &loadedImageGuid, (void **)&self) != EFI_SUCCESS)
		return unpack_fail("no loaded image protocol");

	uint32_t sectionSize = 0;
	const uint8_t *section = unpack_find_section(self->ImageBase, self->ImageSize,
		&sectionSize);
	if (section == NULL || sectionSize < kPackHeaderSize)
		return unpack_fail("no " kPackSectionName " section");
	struct pack_header header;
	memcpy(&header, section, sizeof(header));
	if (!unpack_header_valid(&header, sectionSize))
		return unpack_fail("bad " kPackSectionName " header");

	UINTN pages = (header.image_size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
	EFI_PHYSICAL_ADDRESS base;
	if (services->AllocatePages(AllocateAnyPages, EfiLoaderCode, pages, &base) != EFI_SUCCESS) {
		unpack_say("no memory for the loader's image", "");
		return EFI_OUT_OF_RESOURCES;
	}
	const char *failure = unpack_decode(&header, section + kPackHeaderSize,
		(uint8_t *)(UINTN)base, started);
	if (failure != NULL) {
		services->FreePages(base, pages);
		return unpack_fail(failure);
	}
	unpack_allow_execution(base, pages * EFI_PAGE_SIZE);

	image_entry entry = (image_entry)(UINTN)(base + header.entry);
	EFI_STATUS status = entry(imageHandle, systemTable);
	services->FreePages(base, pages);
	return status;
}
