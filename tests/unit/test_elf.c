/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for ELF kernel validation and loading (elf.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <boot/elf.h>
#include <boot/platform.h>

#include "test_elf_platform.h"
#include "unit_test.h"


/* The kernel_args page; the literal addresses below are laid out in 4 KiB pages. */
_Static_assert(KERNEL_PAGE_SIZE == 0x1000, "the fixtures assume 4 KiB pages");
#define PAGE		KERNEL_PAGE_SIZE
#define BASE		KERNEL_LOAD_BASE
#define MAX_PHDRS	16

static const struct elf_policy kX86Policy = {
	.machine = EM_X86_64,
	.window_start = KERNEL_LOAD_BASE,
	.window_end = KERNEL_WINDOW_END,
	.allow_write_execute = 0,
};


/* --- image builder -------------------------------------------------------- */

/*
 * What the test image will contain. Bytes that are neither header nor
 * program headers hold a pattern derived from their file offset, so loaded
 * segments can be compared with the file.
 */
struct image_spec {
	Elf64_Ehdr	header;
	Elf64_Phdr	phdrs[MAX_PHDRS];
	size_t		size;
};

/* A buffer of exactly the file size, so ASan sees any read past the end. */
struct image {
	uint8_t		*data;
	size_t		size;
};


static uint8_t
pattern_byte(uint64_t offset)
{
	return (uint8_t)(offset * 31 + 7 + (offset >> 8));
}


static Elf64_Phdr
segment(uint32_t flags, uint64_t offset, uint64_t address, uint64_t fileSize,
	uint64_t memorySize)
{
	Elf64_Phdr phdr = {
		.p_type = PT_LOAD,
		.p_flags = flags,
		.p_offset = offset,
		.p_vaddr = address,
		.p_paddr = address - BASE,
		.p_filesz = fileSize,
		.p_memsz = memorySize,
		.p_align = PAGE,
	};
	return phdr;
}


/*
 * A valid kernel: text (R X) of a page and a half, read-only data, and data
 * (R W) that starts inside its page and has a bss. The file ends where the
 * data segment's bytes end, so every truncation cuts into a segment.
 */
static struct image_spec
valid_spec(void)
{
	struct image_spec spec;
	memset(&spec, 0, sizeof(spec));

	Elf64_Ehdr *header = &spec.header;
	memcpy(header->e_ident, "\177ELF", 4);
	header->e_ident[EI_CLASS] = ELFCLASS64;
	header->e_ident[EI_DATA] = ELFDATA2LSB;
	header->e_ident[EI_VERSION] = EV_CURRENT;
	header->e_type = ET_EXEC;
	header->e_machine = EM_X86_64;
	header->e_version = EV_CURRENT;
	header->e_entry = BASE + 0x100;
	header->e_phoff = sizeof(Elf64_Ehdr);
	header->e_ehsize = sizeof(Elf64_Ehdr);
	header->e_phentsize = sizeof(Elf64_Phdr);
	header->e_phnum = 4;

	spec.phdrs[0] = segment(PF_R | PF_X, 0x1000, BASE, 0x1800, 0x1800);
	spec.phdrs[1] = segment(PF_R, 0x3000, BASE + 0x2000, 0x800, 0x800);
	/* not loaded, only there to be skipped */
	spec.phdrs[2].p_type = 0x6474e551;	/* PT_GNU_STACK */
	spec.phdrs[2].p_flags = PF_R | PF_W;
	spec.phdrs[3] = segment(PF_R | PF_W, 0x4010, BASE + 0x4010, 0x100, 0x3000);
	spec.size = 0x4110;
	return spec;
}


static struct image
build(const struct image_spec *spec)
{
	struct image image;
	image.size = spec->size;
	image.data = malloc(spec->size > 0 ? spec->size : 1);
	CHECK(image.data != NULL);
	for (size_t i = 0; i < spec->size; i++)
		image.data[i] = pattern_byte(i);

	size_t headerSize = sizeof(Elf64_Ehdr) < spec->size ? sizeof(Elf64_Ehdr) : spec->size;
	memcpy(image.data, &spec->header, headerSize);

	/* As many program headers as fit; tests of broken tables rely on that. */
	uint64_t offset = spec->header.e_phoff;
	for (uint32_t i = 0; i < spec->header.e_phnum && i < MAX_PHDRS; i++) {
		if (offset > spec->size || sizeof(Elf64_Phdr) > spec->size - offset)
			break;
		memcpy(image.data + offset, &spec->phdrs[i], sizeof(Elf64_Phdr));
		offset += sizeof(Elf64_Phdr);
	}
	return image;
}


static void
image_free(struct image *image)
{
	free(image->data);
	image->data = NULL;
}


/* Validate the image spec describes; returns the reason ("" for success). */
static const char *
validate_spec(const struct image_spec *spec, const struct elf_policy *policy,
	status_t *_status)
{
	struct image image = build(spec);
	const char *reason = "(not set)";
	status_t status = elf_validate(image.data, image.size, policy, &reason);
	image_free(&image);
	if (_status != NULL)
		*_status = status;
	if (status == B_OK)
		return reason == NULL ? "" : "(reason set on success)";
	return reason != NULL ? reason : "(no reason)";
}


#define CHECK_REASON(spec, expected) \
	check_reason((spec), &kX86Policy, (expected), B_BAD_DATA, __LINE__)
#define CHECK_REASON_POLICY(spec, policy, expected) \
	check_reason((spec), (policy), (expected), B_BAD_DATA, __LINE__)
#define CHECK_UNSUPPORTED(spec, expected) \
	check_reason((spec), &kX86Policy, (expected), B_NOT_SUPPORTED, __LINE__)
#define CHECK_VALID(spec) \
	check_reason((spec), &kX86Policy, "", B_OK, __LINE__)
#define CHECK_VALID_POLICY(spec, policy) \
	check_reason((spec), (policy), "", B_OK, __LINE__)


static void
check_reason(const struct image_spec *spec, const struct elf_policy *policy,
	const char *expected, status_t expectedStatus, int line)
{
	status_t status;
	const char *reason = validate_spec(spec, policy, &status);
	if (strcmp(reason, expected) != 0 || status != expectedStatus) {
		unit_fail(__FILE__, line, "got \"%s\" (%s), expected \"%s\" (%s)", reason,
			status_string(status), expected, status_string(expectedStatus));
	}
}


/* --- validation: the file header ----------------------------------------- */

TEST(valid_image_is_accepted)
{
	struct image_spec spec = valid_spec();
	CHECK_VALID(&spec);

	/* a NULL reason pointer is allowed */
	struct image image = build(&spec);
	CHECK_EQ(elf_validate(image.data, image.size, &kX86Policy, NULL), B_OK);
	image_free(&image);
}


TEST(reject_too_small)
{
	const char *reason = NULL;
	CHECK_EQ(elf_validate(NULL, 0, &kX86Policy, &reason), B_BAD_DATA);
	CHECK(reason != NULL && strcmp(reason, "file too small for an ELF header") == 0);

	struct image_spec spec = valid_spec();
	spec.size = sizeof(Elf64_Ehdr) - 1;
	CHECK_REASON(&spec, "file too small for an ELF header");
}


TEST(reject_bad_magic)
{
	for (int i = 0; i < 4; i++) {
		struct image_spec spec = valid_spec();
		spec.header.e_ident[i] ^= 0x20;
		CHECK_REASON(&spec, "bad ELF magic");
	}
}


TEST(reject_32_bit)
{
	struct image_spec spec = valid_spec();
	spec.header.e_ident[EI_CLASS] = 1;
	CHECK_UNSUPPORTED(&spec, "not a 64-bit ELF file");
}


TEST(reject_big_endian)
{
	struct image_spec spec = valid_spec();
	spec.header.e_ident[EI_DATA] = 2;
	CHECK_UNSUPPORTED(&spec, "not little-endian");
}


TEST(reject_version)
{
	struct image_spec spec = valid_spec();
	spec.header.e_ident[EI_VERSION] = 0;
	CHECK_UNSUPPORTED(&spec, "unsupported ELF version");

	spec = valid_spec();
	spec.header.e_version = 2;
	CHECK_UNSUPPORTED(&spec, "unsupported ELF version");
}


TEST(reject_not_executable)
{
	struct image_spec spec = valid_spec();
	spec.header.e_type = ET_DYN;
	CHECK_UNSUPPORTED(&spec, "not an executable (ET_EXEC)");
}


TEST(reject_wrong_machine)
{
	struct image_spec spec = valid_spec();
	spec.header.e_machine = EM_AARCH64;
	CHECK_UNSUPPORTED(&spec, "wrong machine (expected x86_64)");

	/*
	 * The reason names the machine the architecture says it is; for a
	 * policy of any other machine the loader has no name.
	 */
	struct elf_policy arm = kX86Policy;
	arm.machine = EM_AARCH64;
	spec = valid_spec();
	check_reason(&spec, &arm, "wrong machine", B_NOT_SUPPORTED, __LINE__);
	spec.header.e_machine = EM_AARCH64;
	CHECK_VALID_POLICY(&spec, &arm);
}


TEST(reject_bad_program_header_size)
{
	struct image_spec spec = valid_spec();
	spec.header.e_phentsize = sizeof(Elf64_Phdr) + 8;
	CHECK_REASON(&spec, "bad program header size");
	spec.header.e_phentsize = 32;
	CHECK_REASON(&spec, "bad program header size");
}


TEST(reject_program_headers_past_end)
{
	struct image_spec spec = valid_spec();
	spec.header.e_phoff = spec.size - sizeof(Elf64_Phdr) * 4 + 1;
	CHECK_REASON(&spec, "program headers past end of file");

	spec = valid_spec();
	spec.header.e_phoff = spec.size + 1;
	CHECK_REASON(&spec, "program headers past end of file");

	/* e_phoff + e_phnum * e_phentsize wraps around 2^64 */
	spec = valid_spec();
	spec.header.e_phoff = UINT64_MAX - sizeof(Elf64_Phdr) + 1;
	CHECK_REASON(&spec, "program headers past end of file");
	spec.header.e_phoff = UINT64_MAX;
	spec.header.e_phnum = 0xffff;
	CHECK_REASON(&spec, "program headers past end of file");

	spec = valid_spec();
	spec.header.e_phnum = 0xffff;
	CHECK_REASON(&spec, "program headers past end of file");
}


TEST(reject_no_loadable_segments)
{
	struct image_spec spec = valid_spec();
	spec.header.e_phnum = 0;
	CHECK_REASON(&spec, "no loadable segments");

	spec = valid_spec();
	spec.phdrs[0].p_type = PT_NULL;
	spec.phdrs[1].p_type = 4;	/* PT_NOTE */
	spec.phdrs[3].p_type = PT_NULL;
	CHECK_REASON(&spec, "no loadable segments");

	/* loadable, but empty */
	spec = valid_spec();
	spec.header.e_phnum = 1;
	spec.phdrs[0].p_filesz = 0;
	spec.phdrs[0].p_memsz = 0;
	CHECK_REASON(&spec, "no loadable segments");
}


/* n one-page segments; the first is executable and holds the entry point */
static struct image_spec
many_segments_spec(uint32_t count)
{
	struct image_spec spec = valid_spec();
	spec.header.e_phnum = (uint16_t)count;
	for (uint32_t i = 0; i < count; i++) {
		spec.phdrs[i] = segment(i == 0 ? PF_R | PF_X : PF_R, 0x1000 + i * PAGE,
			BASE + i * PAGE, PAGE, PAGE);
	}
	spec.size = 0x1000 + count * PAGE;
	return spec;
}


TEST(too_many_loadable_segments)
{
	struct image_spec spec = many_segments_spec(MAX_KERNEL_SEGMENTS);
	CHECK_VALID(&spec);
	spec = many_segments_spec(MAX_KERNEL_SEGMENTS + 1);
	CHECK_REASON(&spec, "too many loadable segments");

	/* non-loadable entries and empty segments do not count */
	spec = many_segments_spec(MAX_KERNEL_SEGMENTS + 2);
	spec.phdrs[3].p_type = PT_NULL;
	spec.phdrs[5].p_filesz = 0;
	spec.phdrs[5].p_memsz = 0;
	CHECK_VALID(&spec);
}


/* --- validation: segments ------------------------------------------------- */

TEST(reject_file_size_larger_than_memory_size)
{
	struct image_spec spec = valid_spec();
	spec.phdrs[1].p_memsz = spec.phdrs[1].p_filesz - 1;
	CHECK_REASON(&spec, "segment file size larger than memory size");

	/* a segment with file data but no memory is not "empty" */
	spec = valid_spec();
	spec.phdrs[1].p_memsz = 0;
	CHECK_REASON(&spec, "segment file size larger than memory size");
}


TEST(reject_segment_data_past_end)
{
	struct image_spec spec = valid_spec();
	spec.phdrs[3].p_filesz += 1;
	CHECK_REASON(&spec, "segment data past end of file");

	spec = valid_spec();
	spec.phdrs[1].p_offset = spec.size;
	spec.phdrs[1].p_vaddr = BASE + 0x2000 + (spec.size & (PAGE - 1));
	CHECK_REASON(&spec, "segment data past end of file");

	/* p_offset + p_filesz wraps around 2^64 */
	spec = valid_spec();
	spec.phdrs[1].p_offset = UINT64_MAX - 0xff;
	spec.phdrs[1].p_vaddr = BASE + 0x2f00;
	spec.phdrs[1].p_filesz = 0x100;
	spec.phdrs[1].p_memsz = 0x100;
	CHECK_REASON(&spec, "segment data past end of file");
	spec.phdrs[1].p_filesz = 0x101;
	spec.phdrs[1].p_memsz = 0x101;
	CHECK_REASON(&spec, "segment data past end of file");
	spec.phdrs[1].p_filesz = UINT64_MAX;
	spec.phdrs[1].p_memsz = UINT64_MAX;
	CHECK_REASON(&spec, "segment data past end of file");
}


TEST(bss_only_segment_offset_is_ignored)
{
	struct image_spec spec = valid_spec();
	spec.phdrs[1].p_filesz = 0;
	spec.phdrs[1].p_offset = UINT64_MAX;
	CHECK_VALID(&spec);
}


TEST(reject_address_overflow)
{
	struct image_spec spec = valid_spec();
	spec.phdrs[3].p_vaddr = 0xfffffffffffff010ULL;
	spec.phdrs[3].p_memsz = 0x1000;
	CHECK_REASON(&spec, "segment address overflow");

	spec.phdrs[3].p_memsz = UINT64_MAX;
	spec.phdrs[3].p_filesz = 0x100;
	CHECK_REASON(&spec, "segment address overflow");

	/* ending exactly at 2^64 is no overflow, but outside any window */
	spec = valid_spec();
	spec.phdrs[3].p_vaddr = 0xfffffffffffff010ULL;
	spec.phdrs[3].p_memsz = 0xff0;
	CHECK_REASON(&spec, "segment outside the kernel window");

	struct elf_policy wide = kX86Policy;
	wide.window_end = UINT64_MAX;
	CHECK_REASON_POLICY(&spec, &wide, "segment outside the kernel window");
}


TEST(reject_outside_window)
{
	struct image_spec spec = valid_spec();
	spec.phdrs[1].p_vaddr = BASE - 0x1000;
	CHECK_REASON(&spec, "segment outside the kernel window");

	/* the end rounded up to pages leaves the window */
	spec = valid_spec();
	spec.phdrs[1].p_vaddr = KERNEL_WINDOW_END - 0x1000;
	spec.phdrs[1].p_filesz = 0x800;
	spec.phdrs[1].p_memsz = 0x1001;
	CHECK_REASON(&spec, "segment outside the kernel window");
	/* the last page of the window is fine */
	spec.phdrs[1].p_memsz = 0x1000;
	CHECK_VALID(&spec);

	/* a low (identity mapped, user) address */
	spec = valid_spec();
	spec.phdrs[1].p_vaddr = 0x200000;
	CHECK_REASON(&spec, "segment outside the kernel window");

	/* the start rounded down to pages leaves a window that starts mid-page */
	struct elf_policy narrow = kX86Policy;
	narrow.window_start = BASE + 0x800;
	spec = valid_spec();
	spec.phdrs[0].p_vaddr = BASE + 0x800;
	spec.phdrs[0].p_offset = 0x1800;
	spec.phdrs[0].p_filesz = 0x800;
	spec.phdrs[0].p_memsz = 0x800;
	spec.header.e_entry = BASE + 0x900;
	CHECK_VALID(&spec);
	CHECK_REASON_POLICY(&spec, &narrow, "segment outside the kernel window");
}


TEST(reject_overlapping_segments)
{
	/* the same bytes twice */
	struct image_spec spec = valid_spec();
	spec.phdrs[1].p_vaddr = BASE + 0x1000;
	CHECK_REASON(&spec, "overlapping segments");

	/* text ends at +0x1800: rodata at +0x1900 shares its second page */
	spec = valid_spec();
	spec.phdrs[1].p_vaddr = BASE + 0x1900;
	spec.phdrs[1].p_offset = 0x2900;
	CHECK_REASON(&spec, "overlapping segments");

	/* the same, listed in the other order */
	spec = valid_spec();
	spec.phdrs[0] = segment(PF_R, 0x2900, BASE + 0x1900, 0x100, 0x100);
	spec.phdrs[1] = segment(PF_R | PF_X, 0x1000, BASE, 0x1800, 0x1800);
	CHECK_REASON(&spec, "overlapping segments");

	/* one segment inside another's bss */
	spec = valid_spec();
	spec.phdrs[1].p_vaddr = BASE + 0x6000;
	spec.phdrs[1].p_offset = 0x3000;
	CHECK_REASON(&spec, "overlapping segments");

	/* adjacent pages are fine */
	spec = valid_spec();
	spec.phdrs[1].p_vaddr = BASE + 0x2000;
	CHECK_VALID(&spec);
}


TEST(reject_write_execute)
{
	struct image_spec spec = valid_spec();
	spec.phdrs[0].p_flags = PF_R | PF_W | PF_X;
	CHECK_REASON(&spec, "segment both writable and executable");

	struct elf_policy lenient = kX86Policy;
	lenient.allow_write_execute = 1;
	CHECK_VALID_POLICY(&spec, &lenient);
}


TEST(reject_misaligned_segment)
{
	/* offset and address differ modulo the page size */
	struct image_spec spec = valid_spec();
	spec.phdrs[1].p_offset = 0x3010;
	CHECK_REASON(&spec, "misaligned segment");

	/* p_align must be a power of two */
	spec = valid_spec();
	spec.phdrs[1].p_align = 0x3000;
	CHECK_REASON(&spec, "misaligned segment");

	/* smaller alignments are checked as such */
	spec = valid_spec();
	spec.phdrs[1].p_offset = 0x3010;
	spec.phdrs[1].p_align = 16;
	CHECK_VALID(&spec);
	spec.phdrs[1].p_offset = 0x3008;
	CHECK_REASON(&spec, "misaligned segment");

	/* 2 MiB alignment: congruent modulo a page is all copying needs */
	spec = valid_spec();
	spec.phdrs[1].p_align = 0x200000;
	CHECK_VALID(&spec);

	/* without alignment (0 or 1) any offset works */
	spec = valid_spec();
	spec.phdrs[1].p_offset = 0x3123;
	spec.phdrs[1].p_align = 0;
	CHECK_VALID(&spec);
	spec.phdrs[1].p_align = 1;
	CHECK_VALID(&spec);
}


TEST(entry_point_checks)
{
	struct image_spec spec = valid_spec();

	spec.header.e_entry = BASE;
	CHECK_VALID(&spec);
	spec.header.e_entry = BASE + 0x17ff;
	CHECK_VALID(&spec);

	/* past the text, but still inside its (rounded) last page */
	spec.header.e_entry = BASE + 0x1800;
	CHECK_REASON(&spec, "entry point outside executable segments");
	spec.header.e_entry = BASE - 1;
	CHECK_REASON(&spec, "entry point outside executable segments");
	/* in the read-only data and in the data segment */
	spec.header.e_entry = BASE + 0x2000;
	CHECK_REASON(&spec, "entry point outside executable segments");
	spec.header.e_entry = BASE + 0x4010;
	CHECK_REASON(&spec, "entry point outside executable segments");
	spec.header.e_entry = 0;
	CHECK_REASON(&spec, "entry point outside executable segments");
	spec.header.e_entry = UINT64_MAX;
	CHECK_REASON(&spec, "entry point outside executable segments");
}


TEST(invalid_arguments)
{
	struct image_spec spec = valid_spec();
	struct image image = build(&spec);
	const char *reason = NULL;
	CHECK_EQ(elf_validate(image.data, image.size, NULL, &reason), B_BAD_VALUE);
	CHECK(reason != NULL);
	CHECK_EQ(elf_validate(NULL, image.size, &kX86Policy, &reason), B_BAD_VALUE);
	CHECK_EQ(elf_load_kernel(image.data, image.size, "k", &kX86Policy, NULL, &reason),
		B_BAD_VALUE);
	image_free(&image);
}


/*
 * Every prefix of a valid file is rejected without a read past its end
 * (the copy is exactly as long as the prefix, so ASan would notice).
 */
TEST(truncated_files)
{
	struct image_spec spec = valid_spec();
	struct image full = build(&spec);
	size_t tableEnd = sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr);

	for (size_t length = 0; length <= full.size; length++) {
		uint8_t *copy = length > 0 ? malloc(length) : NULL;
		if (length > 0) {
			CHECK(copy != NULL);
			memcpy(copy, full.data, length);
		}
		const char *reason = NULL;
		status_t status = elf_validate(copy, length, &kX86Policy, &reason);
		free(copy);

		const char *expected;
		if (length == full.size)
			expected = NULL;
		else if (length < sizeof(Elf64_Ehdr))
			expected = "file too small for an ELF header";
		else if (length < tableEnd)
			expected = "program headers past end of file";
		else
			expected = "segment data past end of file";

		if (expected == NULL) {
			CHECK_EQ(status, B_OK);
		} else if (status != B_BAD_DATA || reason == NULL
			|| strcmp(reason, expected) != 0) {
			unit_fail(__FILE__, __LINE__, "length %zu: %s, \"%s\"", length,
				status_string(status), reason != NULL ? reason : "(null)");
		}
	}
	image_free(&full);
}


/* --- loading -------------------------------------------------------------- */

static void
check_loaded_segment(const struct image *image, const Elf64_Phdr *phdr,
	const kernel_segment *loaded)
{
	uint64_t pageStart = phdr->p_vaddr & ~(PAGE - 1);
	uint64_t pageEnd = (phdr->p_vaddr + phdr->p_memsz + PAGE - 1) & ~(PAGE - 1);
	CHECK_EQ(loaded->virtual_address, pageStart);
	CHECK_EQ(loaded->size, pageEnd - pageStart);
	CHECK_EQ(loaded->physical_address, 0);
	CHECK_EQ(loaded->flags, phdr->p_flags & 7);

	uint32_t protection = fake_platform_protection(pageStart);
	CHECK_EQ(protection, ((phdr->p_flags & PF_R) ? REGION_READ : 0)
		| ((phdr->p_flags & PF_W) ? REGION_WRITE : 0)
		| ((phdr->p_flags & PF_X) ? REGION_EXECUTE : 0));

	const uint8_t *memory = platform_kernel_to_loader(pageStart);
	CHECK(memory != NULL);
	CHECK(platform_kernel_to_loader(pageEnd - 1) == memory + (pageEnd - pageStart - 1));
	uint64_t head = phdr->p_vaddr - pageStart;
	for (uint64_t i = 0; i < pageEnd - pageStart; i++) {
		uint8_t expected = 0;
		if (i >= head && i - head < phdr->p_filesz)
			expected = image->data[phdr->p_offset + (i - head)];
		if (memory[i] != expected) {
			unit_fail(__FILE__, __LINE__, "segment %#llx byte %#llx is %#x, "
				"expected %#x", (unsigned long long)pageStart, (unsigned long long)i,
				memory[i], expected);
		}
	}
}


TEST(load_valid_image)
{
	fake_platform_reset();
	struct image_spec spec = valid_spec();
	struct image image = build(&spec);
	kernel_image kernel;
	memset(&kernel, 0x5a, sizeof(kernel));
	const char *reason = "(not set)";

	status_t status = elf_load_kernel(image.data, image.size, "/system/kernel_x86_64",
		&kX86Policy, &kernel, &reason);
	CHECK_EQ(status, B_OK);
	CHECK(reason == NULL);

	CHECK(strcmp(kernel.name, "/system/kernel_x86_64") == 0);
	CHECK_EQ(kernel.entry, BASE + 0x100);
	CHECK_EQ(kernel.image_start, BASE);
	CHECK_EQ(kernel.image_end, BASE + 0x8000);
	CHECK_EQ(kernel.file_size, image.size);
	CHECK_EQ(kernel.elf_type, ET_EXEC);
	CHECK_EQ(kernel.elf_machine, EM_X86_64);
	CHECK_EQ(kernel.program_header_count, 4);
	CHECK_EQ(kernel.segment_count, 3);
	CHECK_EQ(kernel.reserved[0], 0);
	CHECK_EQ(kernel.reserved[1], 0);
	CHECK_EQ(fake_platform_region_count(), 3);

	check_loaded_segment(&image, &spec.phdrs[0], &kernel.segments[0]);
	check_loaded_segment(&image, &spec.phdrs[1], &kernel.segments[1]);
	check_loaded_segment(&image, &spec.phdrs[3], &kernel.segments[2]);
	for (uint32_t i = 3; i < MAX_KERNEL_SEGMENTS; i++) {
		CHECK_EQ(kernel.segments[i].virtual_address, 0);
		CHECK_EQ(kernel.segments[i].size, 0);
	}
	/* the bss is zero although the fake hands out poisoned memory */
	const uint8_t *data = platform_kernel_to_loader(BASE + 0x4110);
	CHECK(data != NULL);
	CHECK_EQ(data[0], 0);
	CHECK_EQ(data[0x2eff], 0);
	CHECK_EQ(fake_platform_errors(), 0);

	image_free(&image);
	fake_platform_reset();
}


TEST(load_unaligned_offsets)
{
	/* with p_align 0 the file offset has no relation to the address */
	fake_platform_reset();
	struct image_spec spec = valid_spec();
	spec.phdrs[1].p_offset = 0x3123;
	spec.phdrs[1].p_filesz = 0x700;
	spec.phdrs[1].p_align = 0;
	spec.phdrs[1].p_vaddr = BASE + 0x2345;
	struct image image = build(&spec);
	kernel_image kernel;
	const char *reason = NULL;
	CHECK_EQ(elf_load_kernel(image.data, image.size, "k", &kX86Policy, &kernel,
		&reason), B_OK);
	check_loaded_segment(&image, &spec.phdrs[1], &kernel.segments[1]);
	image_free(&image);
	fake_platform_reset();
}


TEST(load_many_segments)
{
	fake_platform_reset();
	struct image_spec spec = many_segments_spec(MAX_KERNEL_SEGMENTS);
	spec.phdrs[2].p_flags = PF_R | PF_W;
	struct image image = build(&spec);
	kernel_image kernel;
	const char *reason = NULL;
	CHECK_EQ(elf_load_kernel(image.data, image.size, NULL, &kX86Policy, &kernel,
		&reason), B_OK);
	CHECK_EQ(kernel.segment_count, MAX_KERNEL_SEGMENTS);
	CHECK_EQ(kernel.name[0], '\0');
	CHECK_EQ(kernel.image_start, BASE);
	CHECK_EQ(kernel.image_end, BASE + MAX_KERNEL_SEGMENTS * PAGE);
	for (uint32_t i = 0; i < MAX_KERNEL_SEGMENTS; i++)
		check_loaded_segment(&image, &spec.phdrs[i], &kernel.segments[i]);
	CHECK_EQ(fake_platform_region_count(), MAX_KERNEL_SEGMENTS);
	image_free(&image);
	fake_platform_reset();
}


TEST(load_truncates_long_name)
{
	fake_platform_reset();
	struct image_spec spec = valid_spec();
	struct image image = build(&spec);
	char name[200];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	kernel_image kernel;
	memset(&kernel, 0x5a, sizeof(kernel));
	const char *reason = NULL;
	CHECK_EQ(elf_load_kernel(image.data, image.size, name, &kX86Policy, &kernel,
		&reason), B_OK);
	CHECK_EQ(strlen(kernel.name), KERNEL_IMAGE_NAME_LENGTH - 1);
	CHECK(memcmp(kernel.name, name, KERNEL_IMAGE_NAME_LENGTH - 1) == 0);
	image_free(&image);
	fake_platform_reset();

	/* exactly the longest name that fits */
	image = build(&spec);
	name[KERNEL_IMAGE_NAME_LENGTH - 1] = '\0';
	CHECK_EQ(elf_load_kernel(image.data, image.size, name, &kX86Policy, &kernel,
		&reason), B_OK);
	CHECK(strcmp(kernel.name, name) == 0);
	image_free(&image);
	fake_platform_reset();
}


TEST(load_rejects_invalid_image_without_allocating)
{
	fake_platform_reset();
	struct image_spec spec = valid_spec();
	spec.phdrs[3].p_flags = PF_R | PF_W | PF_X;
	struct image image = build(&spec);
	kernel_image kernel;
	const char *reason = NULL;
	CHECK_EQ(elf_load_kernel(image.data, image.size, "k", &kX86Policy, &kernel,
		&reason), B_BAD_DATA);
	CHECK(reason != NULL && strcmp(reason, "segment both writable and executable") == 0);
	CHECK_EQ(fake_platform_allocation_count(), 0);
	image_free(&image);
	fake_platform_reset();
}


static void
check_allocation_failure(int succeeding, status_t failure, const char *expected)
{
	fake_platform_reset();
	fake_platform_fail_after(succeeding, failure);
	struct image_spec spec = valid_spec();
	struct image image = build(&spec);
	kernel_image kernel;
	memset(&kernel, 0x5a, sizeof(kernel));
	const char *reason = NULL;

	status_t status = elf_load_kernel(image.data, image.size, "k", &kX86Policy,
		&kernel, &reason);
	if (status != failure || reason == NULL || strncmp(reason, expected, strlen(expected)) != 0) {
		unit_fail(__FILE__, __LINE__, "after %d: %s, \"%s\"", succeeding,
			status_string(status), reason != NULL ? reason : "(null)");
	}
	CHECK_EQ(fake_platform_allocation_count(), succeeding + 1);
	/* everything allocated before the failure was given back */
	CHECK_EQ(fake_platform_region_count(), 0);
	CHECK_EQ(fake_platform_errors(), 0);
	CHECK_EQ(kernel.segment_count, 0);
	CHECK_EQ(kernel.entry, 0);
	image_free(&image);
	fake_platform_reset();
}


TEST(load_allocation_failure_cleans_up)
{
	for (int i = 0; i < 3; i++) {
		check_allocation_failure(i, B_NO_MEMORY, "out of memory for a segment of ");
		check_allocation_failure(i, B_BAD_ADDRESS, "segment address unavailable");
	}
}


TEST(load_address_taken)
{
	/* something already sits where the data segment wants to go */
	fake_platform_reset();
	uint64_t address = BASE + 0x5000;
	CHECK_EQ(platform_allocate_region(&address, PAGE, REGION_READ, true), B_OK);

	struct image_spec spec = valid_spec();
	struct image image = build(&spec);
	kernel_image kernel;
	const char *reason = NULL;
	CHECK_EQ(elf_load_kernel(image.data, image.size, "k", &kX86Policy, &kernel,
		&reason), B_BAD_ADDRESS);
	CHECK(reason != NULL && strcmp(reason, "segment address unavailable") == 0);
	CHECK_EQ(fake_platform_region_count(), 1);
	CHECK_EQ(fake_platform_errors(), 0);
	image_free(&image);
	fake_platform_reset();
}


/* --- the real boot-check kernel ------------------------------------------- */

static int
read_whole_file(const char *path, uint8_t **_data, size_t *_size)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		return 0;
	CHECK(fseek(file, 0, SEEK_END) == 0);
	long size = ftell(file);
	CHECK(size > 0);
	CHECK(fseek(file, 0, SEEK_SET) == 0);
	uint8_t *data = malloc((size_t)size);
	CHECK(data != NULL);
	CHECK(fread(data, 1, (size_t)size, file) == (size_t)size);
	fclose(file);
	*_data = data;
	*_size = (size_t)size;
	return 1;
}


/* generated/kernel/kernel_x86_64, found from generated/host/<this binary>. */
static int
real_kernel_path(char *path, size_t size)
{
	char self[4096];
	ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (length <= 0)
		return 0;
	self[length] = '\0';
	for (int i = 0; i < 2; i++) {
		char *slash = strrchr(self, '/');
		if (slash == NULL)
			return 0;
		*slash = '\0';
	}
	return snprintf(path, size, "%s/kernel/kernel_x86_64", self) < (int)size;
}


TEST(real_kernel)
{
	char path[4200];
	uint8_t *data;
	size_t size;
	if (!real_kernel_path(path, sizeof(path)) || !read_whole_file(path, &data, &size)) {
		printf("  note: %s not built, real kernel test skipped\n",
			real_kernel_path(path, sizeof(path)) ? path : "kernel_x86_64");
		return;
	}

	const char *reason = NULL;
	status_t status = elf_validate(data, size, &kX86Policy, &reason);
	if (status != B_OK) {
		unit_fail(__FILE__, __LINE__, "%s: %s (%s)", path,
			reason != NULL ? reason : "(null)", status_string(status));
	}

	fake_platform_reset();
	kernel_image kernel;
	CHECK_EQ(elf_load_kernel(data, size, path, &kX86Policy, &kernel, &reason), B_OK);
	CHECK(kernel.segment_count > 0);
	CHECK(kernel.image_start >= KERNEL_LOAD_BASE);
	CHECK(kernel.image_end <= KERNEL_WINDOW_END);
	CHECK(kernel.entry >= kernel.image_start && kernel.entry < kernel.image_end);
	CHECK_EQ(fake_platform_region_count(), kernel.segment_count);

	/* the loaded bytes are the file's, segment by segment */
	Elf64_Ehdr header;
	memcpy(&header, data, sizeof(header));
	uint32_t loaded = 0;
	for (uint32_t i = 0; i < header.e_phnum; i++) {
		Elf64_Phdr phdr;
		memcpy(&phdr, data + header.e_phoff + i * sizeof(phdr), sizeof(phdr));
		if (phdr.p_type != PT_LOAD || phdr.p_memsz == 0)
			continue;
		struct image image = { data, size };
		check_loaded_segment(&image, &phdr, &kernel.segments[loaded]);
		loaded++;
	}
	CHECK_EQ(loaded, kernel.segment_count);
	printf("  note: %s: %u segments, entry %#llx\n", path, loaded,
		(unsigned long long)kernel.entry);

	fake_platform_reset();
	free(data);
}
